"""The page and the counts of an updated build from what the update changed, without a walk
of every paper.

A large build's page draws the entities in most papers and the papers linked to most of them,
and its views (`kg.export.page_views.ViewFacts`) count every paper. Each build keeps those
facts (`views.state`, less the entity names, which the index gives); an update takes back
what the earlier version of each paper it walks again gave (its items made with the previous
build's entity ids, from the previous `entities.jsonl`), adds what the changed part of the
graph gives (`kg.graph.stream.ChangedWalk`), and finds the papers to draw from each paper's
primary keys (`kg.link.canonical.PaperEvidence`), reading only those. The build's node and
edge counts are the previous build's (`summary.json`) changed the same way. What it gives is
what the walk of the whole graph gives (tested in `tests/graph/test_update.py`).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NotRequired, TypedDict

import msgspec
import numpy as np

from kg.engine.records import records_at
from kg.export.html import entities_in_most_papers, write_top_page
from kg.export.page_views import TREND_TYPES, ViewFacts
from kg.graph.delta import walk_code
from kg.graph.stream import BuildWalk, ChangedWalk
from kg.io import atomic_path, prefix_digest

VIEWS = "views.state"


class _KeptViews(msgspec.Struct, array_like=True):
    size: int  # bytes of the records file the facts are of
    check: bytes  # `prefix_digest` of them
    code: str  # `walk_code()`
    facts: dict  # `ViewFacts.to_state()`


def keep_views(path: str | Path, facts: ViewFacts, records: str | Path) -> None:
    """Keep a build's view facts, of every paper of `records` (its records file)."""
    size = Path(records).stat().st_size
    with atomic_path(path) as temp:
        Path(temp).write_bytes(msgspec.msgpack.encode(_KeptViews(
            size=size, check=prefix_digest(records, size), code=walk_code(),
            facts=facts.to_state())))


def kept_views(path: str | Path, records: str | Path) -> ViewFacts | None:
    """The facts kept at `path`, where they are of the first part of `records` (an update's
    records file begins with the previous one) and this code walked them; else None."""
    try:
        kept = msgspec.msgpack.decode(Path(path).read_bytes(), type=_KeptViews)
        if (kept.code != walk_code() or Path(records).stat().st_size < kept.size
                or prefix_digest(records, kept.size) != kept.check):
            return None
        return ViewFacts.from_state(kept.facts)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, KeyError, TypeError, ValueError):
        return None


class _PreviousEntity:
    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label


class PreviousIds:
    """The previous build's entity ids, enough for `kg.graph.build.paper_part` to make a
    paper's items as that build made them (from its `entities.jsonl`: ids, types, keys)."""

    def __init__(self, path: str | Path) -> None:
        self.entities: dict[str, _PreviousEntity] = {}
        self.of_key: dict[str, str] = {}
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    self.entities[row["id"]] = _PreviousEntity(row["type"])
                    self.of_key.update((key, row["id"]) for key in row["keys"])

    def resolve(self, entity: dict) -> str:
        from kg.link.canonical import primary_key

        return self.of_key[primary_key(entity)]


@dataclass
class PageByDelta:
    """What `update_page` found: the whole graph's node and edge counts, the facts to keep."""

    nodes: Counter
    edges: Counter
    facts: ViewFacts


def update_page(walk: BuildWalk, changed: ChangedWalk, previous: Path, records: Path,
                page: Path, title: str, sinks: list, *, full_nodes: int | None = None,
                top_entities: int | None = None, top_papers: int | None = None) -> PageByDelta | None:
    """Write the page of the build `walk` is of, updated from `previous` (its build folder),
    feeding the changed part's items to `sinks` too; None (no page written; `sinks` to be
    thrown away) where the previous build kept no facts for this code and these records, or
    the graph is small enough to be drawn whole (then a walk of it is cheap)."""
    from kg.export import html

    full_nodes = html.FULL_PAGE_NODES if full_nodes is None else full_nodes
    top_entities = html.PAGE_ENTITIES if top_entities is None else top_entities
    top_papers = html.PAGE_PAPERS if top_papers is None else top_papers
    facts = kept_views(previous / VIEWS, records)
    counts = _previous_counts(previous / "summary.json")
    if facts is None or counts is None or not (previous / "entities.jsonl").is_file() \
            or not (previous / "extractions.jsonl").is_file():
        return None
    papers, edges = counts
    facts.read_abstracts = _abstract_reader(walk, records)
    first_new = (previous / "extractions.jsonl").stat().st_size  # the new records come after
    new_papers = sum(1 for _, offset in changed.papers if offset >= first_new)
    index = walk.index
    nodes = Counter(e.label for e in index)
    nodes.update(SHARED_TYPES[node.split("/", 1)[0]] for node in walk.shared)
    nodes["Paper"] = papers + new_papers
    # the earlier version of each earlier paper walked again: taken back
    earlier = BuildWalk(lambda: (), PreviousIds(previous / "entities.jsonl"), walk.shared)
    for record in records_at(records, (offset for _, offset in changed.papers if offset < first_new)):
        for node, data, out in earlier.paper_items(record, set()):
            if data["type"] in ("Paper", "Result"):
                facts.remove(node, data, out)
                edges.subtract(edge["type"] for _, _, edge in out)
    adders = [sink.add for sink in sinks]
    for node, data, out in changed:
        for add in adders:
            add(node, data, out)
        if data["type"] in ("Paper", "Result"):
            facts.add(node, data, out)
            edges.update(edge["type"] for _, _, edge in out)
    nodes["Result"] = len(facts.results)  # the facts hold every result node
    nodes = +nodes
    if sum(nodes.values()) <= full_nodes:  # drawn whole: the caller walks the whole graph
        return None
    facts.types = Counter(nodes)
    facts.names = {e.id: (e.label, e.name) for e in sorted(index, key=lambda e: e.id)
                   if e.label in TREND_TYPES}
    kept = entities_in_most_papers(list(index), top_entities)
    write_top_page(page, title, kept, _linked_most(walk, kept, top_papers, records), len(index),
                   nodes["Paper"], sum(nodes.values()), facts.data())
    return PageByDelta(nodes=nodes, edges=+edges, facts=facts)


SHARED_TYPES = {"author": "Author", "repository": "Repository"}


class _Abstract(TypedDict):
    abstract: NotRequired[str | None]


_DECODE_ABSTRACT = msgspec.json.Decoder(_Abstract).decode


def _abstract_reader(walk: BuildWalk, records: Path):
    """papers → their abstracts, read from their records in file order, only the abstract
    decoded (kept facts hold no abstracts; a 1M-paper page shows some 100k results)."""
    evidence, offsets = walk.index.evidence, {}

    def read(papers: set[str]) -> dict[str, str]:
        if not offsets:  # made once, on the first abstracts asked for
            offsets.update(zip(evidence.paper_ids, evidence.offsets))
        wanted = sorted((offsets[paper.removeprefix("paper/")], paper) for paper in papers
                        if paper.removeprefix("paper/") in offsets)
        found = {}
        with open(records, "rb") as handle:
            for offset, paper in wanted:
                handle.seek(offset)
                found[paper] = _DECODE_ABSTRACT(handle.readline()).get("abstract") or ""
        return found
    return read


def _previous_counts(path: Path) -> tuple[int, Counter] | None:
    """The previous build's papers and edges by type (its `summary.json`)."""
    try:
        summary = json.loads(path.read_text().splitlines()[0])
        return int(summary["papers_in_graph"]), Counter(summary["edges"])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def _linked_most(walk: BuildWalk, kept: dict, top: int, records: Path) -> list:
    """(kept entities linked, paper node, data, edges to kept entities) of the `top` papers
    linked to most kept entities (ties: the later paper id, as `PageSink`'s heap keeps them)."""
    index, evidence = walk.index, walk.index.evidence
    number = {entity: n for n, entity in enumerate(sorted(kept))}
    entity_of_key = np.array([number.get(index.id_of_key(key), -1) for key in evidence.primaries],
                             dtype=np.int64)[evidence.key_numbers()]  # -1: not a kept entity
    linked = entity_of_key >= 0
    pairs = np.unique(evidence.paper_of_keys()[linked] * max(len(kept), 1) + entity_of_key[linked])
    counts = np.bincount(pairs // max(len(kept), 1), minlength=len(evidence.paper_ids))
    ranked = sorted(((int(counts[i]), "paper/" + evidence.paper_ids[i], i)
                     for i in _most(counts, top).tolist()), reverse=True)[:top]
    found = []
    for (count, node, _), record in zip(ranked, records_at(records, (evidence.offsets[i]
                                                                     for _, _, i in ranked)),
                                        strict=True):
        data, out = next((data, out) for item, data, out in walk.paper_items(record, set())
                         if item == node)
        found.append((count, node, data, [(node, target, key, edge) for target, key, edge in out
                                          if target in kept]))
    return found


def _most(counts: np.ndarray, top: int) -> np.ndarray:
    """The indices of the nonzero `counts` among the `top` largest, with every index tied
    with the last of them (sorted by the caller: on a 1M-paper build, sorting every linked
    paper in Python took 4 s of each update)."""
    found = np.flatnonzero(counts)
    if top <= 0:
        return found[:0]
    if len(found) > top:
        least = np.partition(counts[found], len(found) - top)[len(found) - top]
        found = found[counts[found] >= least]
    return found
