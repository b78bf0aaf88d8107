"""Extraction quality against annotated abstracts (the format of `../shared/data`).

Gold records are `{"id", "title", "text", "entities": [{"start", "end", "label", "text"}]}`,
where `text` is `title + "\\n" + abstract` when the title is known. Scores per label:
exact-span and overlapping-span precision/recall/F1 (micro), and document-level entity-set F1
(the set of (label, normalised name) per document).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.extract.pipeline import extract_papers
from kg.link.names import name_key
from kg.records import Paper

LABELS = ("Method", "Dataset", "Metric", "Task")
LABEL_ALIASES = {"Material": "Dataset"}


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


@dataclass
class Scores:
    exact: dict = field(default_factory=lambda: defaultdict(Counts))
    overlap: dict = field(default_factory=lambda: defaultdict(Counts))
    document: dict = field(default_factory=lambda: defaultdict(Counts))
    documents: int = 0

    def micro(self, kind: str) -> Counts:
        total = Counts()
        for counts in getattr(self, kind).values():
            total.tp, total.fp, total.fn = total.tp + counts.tp, total.fp + counts.fp, total.fn + counts.fn
        return total

    def to_dict(self) -> dict:
        out = {"documents": self.documents}
        for kind in ("exact", "overlap", "document"):
            table = getattr(self, kind)
            out[kind] = {label: _row(table[label]) for label in sorted(table)}
            out[kind]["micro"] = _row(self.micro(kind))
        return out


def _row(c: Counts) -> dict:
    return {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
            "tp": c.tp, "fp": c.fp, "fn": c.fn}


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


def score_document(scores: Scores, gold: set, predicted: set, text: str, labels) -> None:
    for label in labels:
        g = {(s, e) for s, e, lab in gold if lab == label}
        p = {(s, e) for s, e, lab in predicted if lab == label}
        exact = scores.exact[label]
        exact.tp += len(g & p)
        exact.fp += len(p - g)
        exact.fn += len(g - p)
        matched_gold, overlap = set(), scores.overlap[label]
        for ps, pe in sorted(p):
            hit = next(((gs, ge) for gs, ge in sorted(g) if (gs, ge) not in matched_gold
                        and gs < pe and ps < ge), None)
            if hit:
                matched_gold.add(hit)
                overlap.tp += 1
            else:
                overlap.fp += 1
        overlap.fn += len(g) - len(matched_gold)
        g_names = {name_key(text[s:e]) for s, e in g} - {""}
        p_names = {name_key(text[s:e]) for s, e in p} - {""}
        document = scores.document[label]
        document.tp += len(g_names & p_names)
        document.fp += len(p_names - g_names)
        document.fn += len(g_names - p_names)


def evaluate(records: Iterable[dict], labels: Iterable[str] = LABELS, processes: int = 1) -> Scores:
    labels = tuple(labels)
    records = list(records)
    papers, offsets = zip(*(gold_paper(r) for r in records)) if records else ((), ())
    scores = Scores()
    for record, offset, extraction in zip(records, offsets, extract_papers(papers, n_process=processes)):
        gold = {(e["start"], e["end"], LABEL_ALIASES.get(e["label"], e["label"]))
                for e in record["entities"]}
        score_document(scores, gold, predicted_spans(extraction, offset), record["text"], labels)
        scores.documents += 1
    return scores


def read_gold(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
