"""Assemble one paper's extraction record from its title and abstract docs."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

import msgspec
import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from kg.extract.gazetteer import load_gazetteer
from kg.extract.links import find_links
from kg.extract.model_names import looks_like_model_name
from kg.extract.results import paper_results
from kg.extract.entity_types import (DATASET_HEAD, decide_type, is_device, is_language, title_type,
                                     type_vote)
from kg.extract.roles import is_proposed, title_prefix_name
from kg.extract.span_edges import without_generic_head
from kg.extract.spans import score_of, source_of
from kg.extract.worthiness import (Evidence, catalogue_name_labels, coined_core, is_common_phrase,
                                   judge, kept_on_request, load_model,
                                   worthiness_of_reported)
from kg.names import is_vague, name_key
from kg.records import Paper


@lru_cache(maxsize=1)
def _catalogue_names() -> dict[str, str]:
    return {entry["id"]: entry["name"] for entry in load_gazetteer()}


@lru_cache(maxsize=1)
def _catalogue_labels() -> dict[str, str]:
    return {entry["id"]: entry["label"] for entry in load_gazetteer()}


@lru_cache(maxsize=1)
def _catalogue_keys() -> frozenset[str]:
    """Name keys of every catalogue name and alias: `neural machine translation` spans that
    the gazetteer did not match still name a catalogue entry when their key is one."""
    return frozenset(name_key(name) for entry in load_gazetteer()
                     for name in [entry["name"], *entry.get("aliases", ())]) - {""}


@lru_cache(maxsize=1)
def _catalogue_long_forms() -> dict[str, list[frozenset[str]]]:
    """Catalogue id → the word stems of each of its names of two words or more."""
    return {entry["id"]: [stems for name in [entry["name"], *entry.get("aliases", ())]
                          for stems in [word_stems(name)] if len(stems) >= 2]
            for entry in load_gazetteer()}


def word_stems(text: str) -> frozenset[str]:
    """The first five letters of each word of three letters or more (`Convolution` and
    `convolutional` agree)."""
    return frozenset(word[:5] for word in re.findall(r"[a-z]{3,}", text.lower())
                     if word not in ("and", "the", "for", "with"))


def catalogue_matches(ids: set[str], long_forms: list[str]) -> list[str]:
    """The catalogue entries a group's mentions matched, less those the paper's own definition
    contradicts: `Model Predictive Control (MPC)` is no `Machine Paraphrase Corpus` (MPC), an
    archive entry whose long names share no word with any long form the paper gives. Curated
    entries were checked by hand and stay (`bilingual evaluation understudy (BLEU)`)."""
    if not long_forms:
        return sorted(ids)
    stems = [word_stems(form) for form in long_forms]
    return sorted(i for i in ids if not i.startswith("pwc:") or not _catalogue_long_forms().get(i)
                  or any(mine & theirs for mine in stems for theirs in _catalogue_long_forms()[i]))


def abbreviation_keys(docs: list[Doc]) -> dict[str, str]:
    """short-form key → long-form key for every `long form (SHORT)` in the paper."""
    keys: dict[str, str] = {}
    for doc in docs:
        for pair in doc._.abbreviations:
            long_key, short_key = name_key(pair.long.text), name_key(pair.short.text)
            if long_key and short_key and long_key != short_key:
                keys[short_key] = long_key
    return keys


class Sentences:
    """The sentences of a doc, found once: `Span.sent` and `Span.ents` rescan the doc on every
    call, which made them the slowest part of assembling a record."""

    def __init__(self, doc: Doc):
        starts = [int(i) for i in numpy.flatnonzero(doc.to_array([SENT_START]) == 1)] or [0]
        if starts[0] != 0:
            starts.insert(0, 0)
        self.spans = [doc[start:end] for start, end in zip(starts, starts[1:] + [len(doc)])
                      if end > start]
        self._starts = [sent.start for sent in self.spans]
        self.ents = list(doc.ents)

    def index(self, span: Span) -> int:
        return bisect_right(self._starts, span.start) - 1

    def of(self, span: Span) -> Span:
        return self.spans[self.index(span)]


@dataclass(slots=True)
class Mention:
    """What the record needs of one entity span, read from the Span once."""

    field: str
    text: str
    label: str
    kb_id: str
    source: str
    score: float
    start: int
    end: int
    sentence_start: int
    sentence_end: int


def mentions_of(field: str, text: str, sentences: Sentences) -> list[Mention]:
    found = []
    for ent in sentences.ents:
        sentence = sentences.of(ent)
        start, end = ent.start_char, ent.end_char
        found.append(Mention(field, text[start:end], ent.label_, ent.kb_id_, source_of(ent),
                             score_of(ent), start, end, sentence.start_char, sentence.end_char))
    return found


COORDINATED = re.compile(r"^(.+?)\s+(?:and|or|&)\s+(.+)$")


def split_coordinated_tasks(mentions: list[Mention]) -> list[Mention]:
    """A Task mention that joins two task names the catalogue or archive knows (`Image
    Classification and Keyword Spotting`) is two mentions, one for each task (and so a node for
    each)."""
    from kg.extract.worthiness import is_task_name

    found = []
    for mention in mentions:
        parts = COORDINATED.match(mention.text) if mention.label == "Task" else None
        if parts and is_task_name(parts[1]) and is_task_name(parts[2]):
            first_end = mention.start + parts.end(1)
            found += [replace(mention, text=parts[1], end=first_end, kb_id=""),
                      replace(mention, text=parts[2], start=mention.start + parts.start(2),
                              kb_id="")]
        else:
            found.append(mention)
    return found


def most_common(values: list[str]) -> str:
    """The most frequent value, the first seen on ties (as `Counter.most_common`)."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=counts.__getitem__)


def add_source_code_links(links: list[dict], code_links: list[dict]) -> None:
    """Repositories the source names (Papers with Code, Hugging Face), marked `official` or
    not, beside those found in the text; `field` "source" has no offsets."""
    by_url = {link["url"].rstrip("/").lower(): link for link in links}
    for code in code_links:
        found = by_url.get(code["url"].rstrip("/").lower())
        if found is not None:
            found["official"] = code.get("official")
        else:
            links.append({"url": code["url"], "kind": "code", "field": "source",
                          "official": code.get("official")})


def is_title_cased(title: str) -> bool:
    """`Deep Learning for Weather Forecasting`: most words of four letters or more capitalised,
    so a capital there says nothing about a name."""
    words = [w for w in title.split() if len(w) >= 4 and w[0].isalpha()]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def judged_name(name: str, group: list[Mention], title_cased: bool) -> str:
    """The form graph-worthiness judges: the name as the abstract writes it; where only a
    title-cased title does, with its plain capitalised words lower-cased (`Machine Learning`
    → `machine learning`, `SegNet` and `BERT` kept)."""
    in_abstract = [m.text for m in group if m.field == "abstract"]
    if in_abstract:
        written = most_common(in_abstract)
        return written if name_key(written) == name_key(name) else name
    if not title_cased:
        return name
    return " ".join(word.lower() if word[:1].isupper() and word[1:].islower() else word
                    for word in name.split())


def paper_extraction(paper: Paper, title_doc: Doc, abstract_doc: Doc, extractor: str,
                     version: str, keep_evidence: bool = False) -> dict:
    """The extraction record: mentions with offsets, the paper's entities with their role,
    type, confidence and graph-worthiness (`kg.extract.worthiness`), links and results. Generic
    entities go to `generic_entities` (their mentions stay, `kept` false; `promote_generic`
    makes them entities again). Extra keys (abstract, source, sentence offsets) feed provenance.
    `keep_evidence`: each entity also carries the evidence its worthiness was judged on."""
    docs = {"title": title_doc, "abstract": abstract_doc}
    texts = {"title": paper.title, "abstract": paper.abstract}  # the docs' texts; `Doc.text` joins tokens
    sentences = {field: Sentences(doc) for field, doc in docs.items()}
    expand = abbreviation_keys(list(docs.values()))
    catalogue = _catalogue_names()
    catalogue_labels = _catalogue_labels()
    definitions: dict[str, list] = defaultdict(list)
    for doc in docs.values():
        for pair in doc._.abbreviations:
            definitions[name_key(pair.long.text)].append(pair)

    found = {field: split_coordinated_tasks(mentions_of(field, texts[field], sentences[field]))
             for field in docs}
    groups: dict[str, list[Mention]] = defaultdict(list)
    for field_mentions in found.values():
        for mention in field_mentions:
            key = name_key(mention.text)
            if key:
                groups[expand.get(key, key)].append(mention)

    title_prefix = title_prefix_name(paper.title)
    title_cased = is_title_cased(paper.title)
    names, labels, weak = {}, {}, set()  # weak: typed by the recogniser's votes alone
    facts = {}  # key → (surfaces, catalogue ids, long forms, coined short forms)
    for key, group in groups.items():
        surfaces = [m.text for m in group]
        long_forms = [pair.long.text for pair in definitions.get(key, ())]
        catalogue_ids = catalogue_matches({m.kb_id for m in group if m.kb_id}, long_forms)
        coined = [pair.short.text for pair in definitions.get(key, ())
                  if looks_like_model_name(pair.short.text)]
        facts[key] = surfaces, catalogue_ids, long_forms, coined
        # `Zero-Shot Coreset Selection via ... (ZCore)` is known as ZCore; `DNNs` by its long form
        names[key] = (catalogue.get(catalogue_ids[0]) if catalogue_ids else None) or (
            coined[0] if coined else long_forms[0] if long_forms
            else without_generic_head(most_common(surfaces)))
        # `two Question Answering (QA) datasets`: datasets of a task the catalogue names
        task_name = catalogue_name_labels().get(key) == frozenset({"Task"})
        context_votes = [vote for m in group for vote in [type_vote(
            m.text, texts[m.field][m.sentence_start:m.start], texts[m.field][m.end:m.sentence_end])]
            if vote and not (task_name and vote == "Dataset" and not DATASET_HEAD.search(m.text))]
        title_vote = title_type(title_prefix, paper.title, surfaces)
        labels[key] = decide_type([m.label for m in group],
                                  catalogue_labels.get(catalogue_ids[0]) if catalogue_ids else None,
                                  context_votes, title_vote)
        if not (catalogue_ids or context_votes or title_vote):
            weak.add(key)
    labels.update(variant_labels(names, labels, weak))

    entities, generic, mentions = [], [], []
    for key, group in groups.items():
        surfaces, catalogue_ids, long_forms, coined = facts[key]
        name, label = names[key], labels[key]
        vague = all(is_vague(s) for s in surfaces)
        # a catalogue name is not new to a paper that introduces something (`we construct two
        # Question Answering (QA) datasets`), whether or not the gazetteer matched the span
        known = key in _catalogue_keys()
        common = bool(title_prefix) and is_common_phrase(name)  # only a title prefix asks
        role = "proposed" if any(
            is_proposed(m.text, paper.title, texts[m.field][m.sentence_start:m.sentence_end],
                        m.start - m.sentence_start, in_catalogue=bool(m.kb_id) or known,
                        common=common)
            for m in group) else "used"
        evidence = Evidence(
            label=label, source=most_common([m.source for m in group]),
            in_catalogue=bool(catalogue_ids) or known,
            proposed=role == "proposed",
            coined_abbreviation=bool(coined),
            defined=bool(long_forms) or key in expand.values() or key in expand,
            mentions=len(group), in_title=any(m.field == "title" for m in group))
        judged = judged_name(name, group, title_cased)
        worthiness = judge(judged, evidence)
        if vague and not worthiness.generic:  # every surface vague: never a node
            worthiness = type(worthiness)(True, min(worthiness.score, 0.1), "vague")
        elif not worthiness.generic and any(is_device(s) for s in surfaces):
            # `Micro-Controller Units (MCUs)`: the short form names the device
            worthiness = type(worthiness)(True, min(worthiness.score, 0.1), "device")
        elif not worthiness.generic and any(is_language(s) for s in [name, *long_forms]):
            # `MSA`, judged as the abstract writes it, is `Modern Standard Arabic`
            worthiness = type(worthiness)(True, min(worthiness.score, 0.1), "language")
        if worthiness.core and not worthiness.generic:  # `knowledge distillation techniques`
            long_forms, name = [*long_forms, name], worthiness.core
            # `we propose two data augmentation methods`: new methods of a known kind, which
            # the paper uses, not proposes
            role = "used"
        entity = {
            "id": f"{label.lower()}:{key}",
            "label": label,
            "name": name,
            # a definition's short form is a name even where it is no mention of its own
            "aliases": sorted(set(surfaces + long_forms + [pair.short.text for pair in definitions.get(key, ())])
                              - {name}),
            "role": role,
            "catalogue_id": catalogue_ids[0] if catalogue_ids else None,
            # the recogniser's confidence in the span times the chance it names a thing
            "confidence": round(max(m.score for m in group) * worthiness.score, 3),
            "worthiness": worthiness.to_dict(),
        }
        if keep_evidence:
            entity["evidence"], entity["judged_name"] = evidence, judged
        kept = not worthiness.generic
        (entities if kept else generic).append(entity)
        for m in group:
            mentions.append({
                "field": m.field, "start": m.start, "end": m.end, "text": m.text,
                "label": m.label, "entity": name if kept else None,
                "entity_id": entity["id"] if kept else None, "kept": kept,
                **({} if kept else {"candidate_id": entity["id"]}),
                "score": m.score, "source": m.source,
                "sentence": [m.sentence_start, m.sentence_end],
            })
    mentions.sort(key=lambda m: (m["field"] != "title", m["start"]))
    entities, generic = promote_named_cores(entities, generic, mentions, paper.title)
    entities = merge_same_names(entities, mentions)
    entities.sort(key=lambda e: (e["label"], e["name"].lower()))
    generic.sort(key=lambda e: (e["label"], e["name"].lower()))

    results = paper_results(texts["abstract"], mentions, entities)
    entities, generic = promote_reported_metrics(results, entities, generic, mentions)
    links, seen = [], set()
    for field in docs:
        for link in find_links(texts[field]):
            if link.url not in seen:
                seen.add(link.url)
                links.append({**link.to_dict(), "field": field, "start": link.start, "end": link.end})
    add_source_code_links(links, paper.code_links)

    return {
        "id": paper.id,
        "title": paper.title,
        "date": paper.date,
        "mentions": mentions,
        "entities": entities,
        "generic_entities": generic,
        "links": links,
        "results": results,
        "abstract": paper.abstract,
        "authors": paper.authors,
        "authors_count": paper.authors_count,
        "upvotes": paper.upvotes,
        "url": paper.url,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "categories": paper.categories,
        "source": {"file": paper.source, "line": paper.line, "id": paper.source_id},
        "extractor": {"name": extractor, "version": version},
    }


def variant_labels(names: dict[str, str], labels: dict[str, str], weak: set[str]) -> dict[str, str]:
    """A variant of another entity's name (`OpenSWI-deep` of the Dataset `OpenSWI`) that only
    the recogniser typed takes that entity's type: key → label for those it changes."""
    by_name = {name: labels[key] for key, name in names.items()}
    changed = {}
    for key in weak:
        base, hyphen, _ = names[key].rpartition("-")
        if hyphen and by_name.get(base, labels[key]) != labels[key]:
            changed[key] = by_name[base]
    return changed


def merge_same_names(entities: list[dict], mentions: list[dict]) -> list[dict]:
    """One entity for entities of a type that came to one name (`deep Transformer blocks` and
    `Transformer LLMs` are both kept as `Transformer`): the one whose id is its name's, else
    the smallest id, keeps its id (so papers agree on it) and takes the others' aliases,
    mentions and the stronger role and confidence."""
    kept: dict[tuple[str, str], dict] = {}
    moved: dict[str, str] = {}  # merged entity id → the id kept

    def preference(entity: dict) -> tuple[bool, str]:
        return entity["id"] != f"{entity['label'].lower()}:{name_key(entity['name'])}", entity["id"]

    for entity in sorted(entities, key=preference):
        first = kept.setdefault((entity["label"], name_key(entity["name"])), entity)
        if first is entity:
            continue
        moved[entity["id"]] = first["id"]
        aliases = set(first["aliases"]) | set(entity["aliases"])
        first["aliases"] = sorted(aliases - {first["name"]})
        if entity["role"] == "proposed":
            first["role"] = "proposed"
        if entity["confidence"] > first["confidence"]:
            first["confidence"], first["worthiness"] = entity["confidence"], entity["worthiness"]
        first["catalogue_id"] = first["catalogue_id"] or entity["catalogue_id"]
    if not moved:
        return entities
    for mention in mentions:
        if mention.get("entity_id") in moved:
            mention["entity_id"] = moved[mention["entity_id"]]
    return list(kept.values())


def promote_reported_metrics(results: list[dict], entities: list[dict], generic: list[dict],
                             mentions: list[dict]) -> tuple[list[dict], list[dict]]:
    """Generic Metrics the paper reports a value for (`training time` cut by 50%) are measures
    it evaluates with, not talk about a quality: they become entities (`reported`)."""
    reported = {name_key(r["metric"]) for r in results if r.get("metric")} - {""}
    promoted = {e["id"]: e for e in generic if e["label"] == "Metric"
                and worthiness_of_reported(e["worthiness"]) is not None
                and reported & {name_key(n) for n in [e["name"], *e["aliases"]]}}
    for entity in promoted.values():
        entity["worthiness"] = worthiness_of_reported(entity["worthiness"])
    return kept_after_all(promoted, entities, generic, mentions)


def kept_after_all(promoted: dict[str, dict], entities: list[dict], generic: list[dict],
                   mentions: list[dict]) -> tuple[list[dict], list[dict]]:
    """The entities and generic entities once the generic ones in `promoted` (by id, their
    new worthiness set) are kept: their mentions point at them, their confidence is their best
    mention's score times their new worthiness."""
    if not promoted:
        return entities, generic
    best: dict[str, float] = {}  # entity id → its mentions' highest recogniser score
    for mention in mentions:
        entity = promoted.get(mention.get("candidate_id"))
        if entity is not None:
            best[entity["id"]] = max(best.get(entity["id"], 0.0), mention["score"])
            mention.update(entity=entity["name"], entity_id=entity["id"], kept=True)
            del mention["candidate_id"]
    for entity in promoted.values():
        entity["confidence"] = round(best.get(entity["id"], 0.0) * entity["worthiness"]["score"], 3)
    return (sorted([*entities, *promoted.values()], key=lambda e: (e["label"], e["name"].lower())),
            [e for e in generic if e["id"] not in promoted])


def promote_named_cores(entities: list[dict], generic: list[dict], mentions: list[dict],
                        title: str) -> tuple[list[dict], list[dict]]:
    """Generic entities built on a name the paper gives (`2D Matryoshka embedding models`, `2D
    Matryoshka models`, `2D Matryoshka training approach`; `kg.extract.worthiness.coined_core`)
    become entities of that name (rule `named-core`; `merge_same_names` then makes them one),
    when the name is capitalised in the middle of an abstract sentence and the paper repeats
    it in two descriptions, names it before its title's colon (then it is proposed), or has it
    as an entity already. One description of a rare word is not enough (`Gabor filters`)."""
    model = load_model()
    prefix = name_key(title_prefix_name(title) or "")
    known = {(e["label"], name_key(e["name"])) for e in entities}
    cores: dict[tuple[str, str], list[tuple[str, dict]]] = defaultdict(list)
    for entity in generic:
        core = coined_core(entity["name"], model) if entity["worthiness"]["rule"] == "model" else None
        if core:
            cores[(entity["label"], name_key(core))].append((core, entity))
    promoted: dict[str, dict] = {}
    for (label, key), group in cores.items():
        in_title = bool(prefix) and key == prefix
        if not (len(group) >= 2 or in_title or (label, key) in known):
            continue
        ids = {entity["id"] for _, entity in group}
        if not any(m["field"] == "abstract" and m["start"] > m["sentence"][0]
                   and m.get("candidate_id") in ids and core_of(m["text"], group[0][0])
                   for m in mentions):
            continue  # capitalised only where every word is (a sentence's first word, a title)
        for core, entity in group:
            entity["aliases"] = sorted((set(entity["aliases"]) | {entity["name"]}) - {core})
            entity["name"] = core
            entity["worthiness"] = {"generic": False, "rule": "named-core",
                                    "score": round(max(entity["worthiness"]["score"], 0.7), 3)}
            if in_title:
                entity["role"] = "proposed"
            promoted[entity["id"]] = entity
    return kept_after_all(promoted, entities, generic, mentions)


def core_of(text: str, core: str) -> bool:
    """Whether a mention's text, or the text after its first word, starts with the core as
    written (`2D Matryoshka models`, `deep 2D Matryoshka models`)."""
    return text.startswith(core) or text.partition(" ")[2].startswith(core)


def promote_generic(record: dict) -> dict:
    """The record with its generic entities kept as entities (`--keep-generic`): each keeps
    `worthiness.generic` true. Entities that are vague (`our approach`) never become nodes."""
    promoted = {e["id"]: e for e in record.get("generic_entities") or () if kept_on_request(e)}
    if not promoted:
        return record
    record["entities"] = sorted([*record["entities"], *promoted.values()],
                                key=lambda e: (e["label"], e["name"].lower()))
    record["generic_entities"] = [e for e in record["generic_entities"] if e["id"] not in promoted]
    for mention in record["mentions"]:
        entity = promoted.get(mention.get("candidate_id"))
        if entity is not None:
            mention.update(entity=entity["name"], entity_id=entity["id"], kept=True)
            del mention["candidate_id"]
    return record


def promote_generic_lines(lines: Iterable[bytes]) -> Iterator[bytes]:
    """`promote_generic` over extraction records as JSON lines (a build's `--keep-generic`)."""
    decode, encode = msgspec.json.Decoder().decode, msgspec.json.Encoder().encode
    for line in lines:
        if line.strip():
            yield encode(promote_generic(decode(line))) + b"\n"
