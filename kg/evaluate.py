"""Extraction quality against annotated text (the format of `../shared/data`) and against
paper-level gold entity sets (tests/extract/gold/).

Span gold records are `{"id", "title", "text", "entities": [{"start", "end", "label", "text"}]}`,
where `text` is `title + "\\n" + abstract` when the title is known (TDMSci sentences have no
title). Scores per label: exact-span and overlapping-span precision/recall/F1 (micro), and
document-level entity-set F1 (the set of (label, normalised name) per document).

Paper-level gold (`read_listing_gold`) is `{title: [{"name", "label", "role", "aliases"}]}`;
`score_listing` matches each paper's extracted entities to it by normalised name or alias.

Every score comes with a 95% bootstrap interval: documents (or papers) are resampled with
replacement `RESAMPLES` times with a fixed seed, and the 2.5th and 97.5th percentiles of each
micro-averaged figure over the resamples are reported.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kg.extract.worthiness import kept_on_request
from kg.names import name_key
from kg.records import Paper

LABELS = ("Method", "Dataset", "Metric", "Task")
TDMSCI_LABELS = ("Task", "Dataset", "Metric")
LABEL_ALIASES = {"Material": "Dataset"}
SPAN_KINDS = ("exact", "overlap", "document")
RESAMPLES = 1000
SEED = 17


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass
class Scores:
    """Counts per kind of match and label, summed and per document (for the intervals)."""

    kinds: tuple = SPAN_KINDS
    documents: int = 0
    totals: dict = field(default_factory=dict)
    per_document: list = field(default_factory=list)

    def __post_init__(self) -> None:
        for kind in self.kinds:
            self.totals.setdefault(kind, defaultdict(Counts))

    def __getattr__(self, kind: str) -> dict:
        # `scores.exact`, `scores.overlap`, ...: the summed counts of one kind of match
        totals = self.__dict__.get("totals", {})
        if kind in totals:
            return totals[kind]
        raise AttributeError(kind)

    def add_document(self, counts: dict[str, dict[str, Counts]]) -> None:
        """`counts[kind][label]`: one document's (or paper's) counts."""
        self.per_document.append(counts)
        self.documents += 1
        for kind, table in counts.items():
            for label, c in table.items():
                self.totals[kind][label].add(c)

    def micro(self, kind: str) -> Counts:
        total = Counts()
        for counts in self.totals[kind].values():
            total.add(counts)
        return total

    def intervals(self, resamples: int = RESAMPLES, seed: int = SEED) -> dict:
        """`{kind: {label | "micro": {"precision"|"recall"|"f1": [low, high]}}}`: 95% percentile
        bootstrap intervals over documents."""
        columns = [(kind, label) for kind in self.kinds for label in sorted(self.totals[kind])]
        if not self.per_document or not columns:
            return {}
        counts = np.zeros((len(self.per_document), len(columns), 3))
        for row, document in enumerate(self.per_document):
            for col, (kind, label) in enumerate(columns):
                c = document.get(kind, {}).get(label)
                if c is not None:
                    counts[row, col] = (c.tp, c.fp, c.fn)
        rng = np.random.default_rng(seed)
        n = len(self.per_document)
        # how often each document is drawn in each resample: one matrix product sums them all
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=resamples)
        sampled = np.einsum("rd,dck->rck", weights, counts)
        out: dict = {}
        for kind in self.kinds:
            cols = [i for i, (k, _) in enumerate(columns) if k == kind]
            for i in cols:
                out.setdefault(kind, {})[columns[i][1]] = _interval(sampled[:, i])
            if cols:
                out[kind]["micro"] = _interval(sampled[:, cols].sum(axis=1))
        return out

    def to_dict(self, resamples: int = RESAMPLES, seed: int = SEED) -> dict:
        out = {"documents": self.documents}
        ci = self.intervals(resamples, seed)
        for kind in self.kinds:
            table = self.totals[kind]
            out[kind] = {label: _row(table[label], ci.get(kind, {}).get(label))
                         for label in sorted(table)}
            out[kind]["micro"] = _row(self.micro(kind), ci.get(kind, {}).get("micro"))
        if ci:
            out["bootstrap"] = {"resamples": resamples, "seed": seed, "level": 0.95,
                                "unit": "document"}
        return out


def _interval(sampled: np.ndarray) -> dict:
    tp, fp, fn = sampled[:, 0], sampled[:, 1], sampled[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {name: [round(float(np.percentile(values, 2.5)), 4),
                   round(float(np.percentile(values, 97.5)), 4)]
            for name, values in (("precision", precision), ("recall", recall), ("f1", f1))}


def _row(c: Counts, ci: dict | None = None) -> dict:
    row = {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
           "tp": c.tp, "fp": c.fp, "fn": c.fn}
    if ci:
        row["ci"] = ci
    return row


# ---------------------------------------------------------------- span-level (annotated text)

def gold_paper(record: dict) -> tuple[Paper, int]:
    """The Paper to extract from, and the offset of the abstract inside `text`."""
    text = record["text"]
    title = record.get("title")
    if title and text.startswith(title + "\n"):
        return Paper(title=title, abstract=text[len(title) + 1:], id=str(record["id"])), len(title) + 1
    return Paper(title="", abstract=text, id=str(record["id"])), 0


def predicted_spans(extraction: dict, abstract_offset: int) -> set[tuple[int, int, str]]:
    spans = set()
    for mention in extraction["mentions"]:
        shift = 0 if mention["field"] == "title" else abstract_offset
        spans.add((mention["start"] + shift, mention["end"] + shift, mention["label"]))
    return spans


def score_document(gold: set, predicted: set, text: str, labels) -> dict[str, dict[str, Counts]]:
    """One document's counts per kind of match and label."""
    counts: dict = {kind: {} for kind in SPAN_KINDS}
    for label in labels:
        g = {(s, e) for s, e, lab in gold if lab == label}
        p = {(s, e) for s, e, lab in predicted if lab == label}
        counts["exact"][label] = Counts(len(g & p), len(p - g), len(g - p))
        matched_gold, overlap = set(), Counts()
        for ps, pe in sorted(p):
            hit = next(((gs, ge) for gs, ge in sorted(g) if (gs, ge) not in matched_gold
                        and gs < pe and ps < ge), None)
            if hit:
                matched_gold.add(hit)
                overlap.tp += 1
            else:
                overlap.fp += 1
        overlap.fn = len(g) - len(matched_gold)
        counts["overlap"][label] = overlap
        g_names = {name_key(text[s:e]) for s, e in g} - {""}
        p_names = {name_key(text[s:e]) for s, e in p} - {""}
        counts["document"][label] = Counts(len(g_names & p_names), len(p_names - g_names),
                                           len(g_names - p_names))
    return counts


def gold_spans(record: dict) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], LABEL_ALIASES.get(e["label"], e["label"]))
            for e in record["entities"]}


def evaluate(records: Iterable[dict], labels: Iterable[str] = LABELS, processes: int = 1,
             extractions: Mapping[str, dict] | None = None, model: str | None = None) -> Scores:
    """Score the extractor on annotated records. `extractions` (record id -> extraction record,
    as `scripts/extract_records.py` writes them) scores saved output, of this release or another,
    instead of running the extractor; `model`: a trained recogniser folder in place of the
    shipped one, under the same rules."""
    labels = tuple(labels)
    records = list(records)
    papers, offsets = zip(*(gold_paper(r) for r in records)) if records else ((), ())
    if extractions is None:
        from kg.extract.pipeline import extract_papers

        predicted = extract_papers(papers, n_process=processes, model=model)
    else:
        missing = [p.id for p in papers if p.id not in extractions]
        if missing:
            raise ValueError(f"{len(missing)} gold records have no extraction, "
                             f"the first: {missing[0]!r}")
        predicted = (extractions[p.id] for p in papers)
    scores = Scores()
    for record, offset, extraction in zip(records, offsets, predicted):
        scores.add_document(score_document(gold_spans(record), predicted_spans(extraction, offset),
                                           record["text"], labels))
    return scores


def read_gold(path: str | Path) -> list[dict]:
    return read_jsonl(path)


def read_jsonl(path: str | Path) -> list[dict]:
    """JSON Lines, plain or gzip; a bad line raises ValueError naming the file and line."""
    import gzip

    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    records = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
    return records


def read_extractions(path: str | Path) -> dict[str, dict]:
    """Extraction records by id (`extractions.jsonl` of a build, or scripts/extract_records.py)."""
    return {str(record["id"]): record for record in read_jsonl(path)}


# ---------------------------------------------------------------- paper-level (gold entity sets)

LISTING_KINDS = ("typed", "untyped", "role")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_DROP = re.compile(r"[\"'`\u2018\u2019\u201c\u201d()\[\]{},;:]")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])[- ](?=\d)")


def match_key(name: str) -> str:
    """The form two names are compared in: case, dashes, quotes, brackets and a final plural
    folded (`CIFAR-10` = `CIFAR10`, `U-Nets` = `U-Net`, `WMT'14` = `WMT14`). Kept here, apart from
    kg.names, so that the yardstick does not move when the extractor's own keys change."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_DASHES)
    text = _LETTER_DIGIT.sub("", _DROP.sub("", text))
    words = text.replace("-", " ").replace("_", " ").split()
    if words:
        last = words[-1]
        if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")):
            words[-1] = last[:-1]
    return " ".join(words)


def read_listing_gold(path: str | Path) -> dict[str, list[dict]]:
    import yaml

    with open(path, encoding="utf-8") as handle:
        gold = yaml.safe_load(handle)
    for title, entities in gold.items():
        for entity in entities:
            if entity.get("label") not in LABELS or entity.get("role") not in ("proposed", "used"):
                raise ValueError(f"{path}: {title!r}: bad entity {entity}")
    return gold


def entity_forms(entity: dict, mention_texts: Iterable[str] = ()) -> set[str]:
    forms = {entity["name"], *entity.get("aliases", ()), *mention_texts}
    return {match_key(f) for f in forms} - {""}


def is_generic(entity: dict) -> bool:
    return bool(entity.get("generic") or (entity.get("worthiness") or {}).get("generic"))


def node_entities(record: dict, include_generic: bool = False) -> list[dict]:
    """The entities of an extraction record that a build makes nodes of: `entities` less any
    flagged generic; with `include_generic`, as a `--keep-generic` build: also those in
    `generic_entities`, except the vague ones (`our approach`), which never become nodes."""
    kept = [e for e in record.get("entities", ()) if include_generic or not is_generic(e)]
    if include_generic:
        kept += [e for e in record.get("generic_entities") or () if kept_on_request(e)]
    return kept


def predicted_entities(extraction: dict, include_generic: bool = False) -> list[dict]:
    """The entities a build would make nodes of, each with `forms` (its name, aliases and the
    texts of its mentions, normalised). Entities flagged `generic` are left out unless asked."""
    texts = defaultdict(set)
    for mention in extraction.get("mentions", ()):
        if mention.get("entity_id") or mention.get("candidate_id"):
            texts[mention.get("entity_id") or mention["candidate_id"]].add(mention["text"])
    out = []
    for entity in node_entities(extraction, include_generic):
        out.append({"name": entity["name"], "label": entity["label"], "role": entity.get("role"),
                    "forms": entity_forms(entity, texts.get(entity.get("id"), ()))})
    return out


def _max_matching(edges: list[list[int]], n_right: int) -> int:
    """Size of a maximum bipartite matching (Kuhn's augmenting paths; the sets are small)."""
    owner = [-1] * n_right

    def augment(left: int, seen: set) -> bool:
        for right in edges[left]:
            if right in seen:
                continue
            seen.add(right)
            if owner[right] == -1 or augment(owner[right], seen):
                owner[right] = left
                return True
        return False

    return sum(augment(left, set()) for left in range(len(edges)))


def score_paper(gold: list[dict], predicted: list[dict]) -> dict[str, dict[str, Counts]]:
    """One paper's counts: `typed` (names and labels agree), `untyped` (names agree) and `role`
    (names, labels and roles agree), per gold label (typed/role) and overall. Each gold entity
    and each prediction is matched at most once, so variants kept apart count as false positives."""
    gold_forms = [entity_forms(g) for g in gold]

    def matched(pred: list[dict], gold_ids: list[int], same) -> int:
        edges = [[j for j in gold_ids if p["forms"] & gold_forms[j] and same(p, gold[j])]
                 for p in pred]
        return _max_matching(edges, len(gold))

    counts: dict = {kind: {} for kind in LISTING_KINDS}
    for kind, same in (("typed", lambda p, g: p["label"] == g["label"]),
                       ("role", lambda p, g: p["label"] == g["label"] and p["role"] == g["role"])):
        for label in LABELS:
            pred = [p for p in predicted if p["label"] == label]
            ids = [j for j, g in enumerate(gold) if g["label"] == label]
            tp = matched(pred, ids, same)
            counts[kind][label] = Counts(tp, len(pred) - tp, len(ids) - tp)
    tp = matched(predicted, list(range(len(gold))), lambda p, g: True)
    counts["untyped"]["all"] = Counts(tp, len(predicted) - tp, len(gold) - tp)
    return counts


@dataclass
class ListingReport:
    scores: Scores
    missing: list[str]          # gold titles with no extraction record
    extra: list[str]            # extracted titles with no gold
    details: dict               # title -> {"false_positives": [...], "false_negatives": [...]}

    def to_dict(self, resamples: int = RESAMPLES, seed: int = SEED) -> dict:
        out = self.scores.to_dict(resamples, seed)
        if "bootstrap" in out:
            out["bootstrap"]["unit"] = "paper"
        out["papers_without_extraction"] = self.missing
        out["extracted_papers_without_gold"] = self.extra
        return out


def score_listing(gold: Mapping[str, list[dict]], extractions: Iterable[dict],
                  include_generic: bool = False) -> ListingReport:
    """Paper-level entity sets of `extractions` (matched to `gold` by title) against the gold."""
    by_title = {record["title"].strip(): record for record in extractions}
    scores = Scores(kinds=LISTING_KINDS)
    details = {}
    for title, gold_entities in gold.items():
        record = by_title.get(title.strip(), {"entities": [], "mentions": []})
        predicted = predicted_entities(record, include_generic)
        scores.add_document(score_paper(gold_entities, predicted))
        gold_keys = [entity_forms(g) for g in gold_entities]
        details[title] = {
            "false_positives": sorted(f"{p['name']} ({p['label']})" for p in predicted
                                      if not any(p["forms"] & k for k in gold_keys)),
            "false_negatives": sorted(f"{g['name']} ({g['label']})"
                                      for g, k in zip(gold_entities, gold_keys)
                                      if not any(p["forms"] & k for p in predicted)),
        }
    missing = [t for t in gold if t.strip() not in by_title]
    extra = [t for t in by_title if t not in {g.strip() for g in gold}]
    return ListingReport(scores, missing, extra, details)


# ---------------------------------------------------------------- rankings over a corpus

def top_entities(records: Iterable[dict], top: int = 20,
                 include_generic: bool = False) -> dict[str, list[tuple[str, int]]]:
    """`{label: [(name, papers), ...]}`: the entity nodes with the most papers, linked across
    papers as a build links them (`kg.link.canonical`: `CNN` and `convolutional neural
    network` are one node), each by its node's name; generic entities left out unless asked."""
    from kg.link.canonical import CanonicalIndex

    kept = [{"id": record.get("id"), "entities": node_entities(record, include_generic),
             "mentions": record.get("mentions", [])} for record in records]
    index = CanonicalIndex(kept)
    papers = {label: Counter() for label in LABELS}
    for record in kept:
        for node in {index.resolve(entity) for entity in record["entities"]}:
            entity = index.entities[node]
            if entity.label in papers:
                papers[entity.label][node] += 1
    return {label: [(index.entities[node].name, count) for node, count in counts.most_common(top)]
            for label, counts in papers.items()}
