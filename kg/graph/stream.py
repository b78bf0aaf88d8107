"""The graph as a stream of nodes, each with its out-edges, in the order a networkx graph built
by `kg.graph.build` iterates them, assembled paper by paper from the extractions file and the
canonical index. The exporters read this walk, so a large build never holds the graph:
memory is bounded by the entities (and the repository and author nodes), not the papers.

A walk item is `(node id, attributes, out-edges)`, out-edges being `(target, relation,
attributes)`. `graph_walk(graph)` walks a networkx graph the same way, so every exporter has
one code path for both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NotRequired, TypedDict

import msgspec
import networkx as nx
import numpy as np

from kg.engine.records import records_at
from kg.graph.build import (
    author_node_id,
    entity_same_as,
    paper_node_id,
    paper_part,
    repository_name,
    repository_node_id,
)
from kg.io import atomic_path, prefix_digest
from kg.link.canonical import CanonicalIndex

WalkItem = tuple[str, dict, list[tuple[str, str, dict]]]
NODE_TYPES_BY_PREFIX = {"paper": "Paper", "repository": "Repository", "result": "Result",
                        "author": "Author", "method": "Method", "dataset": "Dataset",
                        "metric": "Metric", "task": "Task"}


class Walk:
    """Nodes with their out-edges in graph order, plus the two lookups exporters need."""

    def __iter__(self) -> Iterator[WalkItem]:
        raise NotImplementedError

    def type_of(self, node: str) -> str:
        raise NotImplementedError

    def reporting_paper(self, result: str) -> str | None:
        """The paper node that reports a Result node (asked when the result is walked)."""
        raise NotImplementedError


class GraphWalk(Walk):
    """A networkx graph, walked."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph

    def __iter__(self) -> Iterator[WalkItem]:
        for node, data in self.graph.nodes(data=True):
            yield node, data, [(target, key, edge) for _, target, key, edge
                               in self.graph.out_edges(node, keys=True, data=True)]

    def type_of(self, node: str) -> str:
        return self.graph.nodes[node].get("type")

    def reporting_paper(self, result: str) -> str | None:
        return next((paper for paper, _, key in self.graph.in_edges(result, keys=True)
                     if key == "REPORTS" and self.graph.nodes[paper].get("type") == "Paper"), None)


def graph_walk(graph: nx.MultiDiGraph | Walk) -> Walk:
    return graph if isinstance(graph, Walk) else GraphWalk(graph)


class _Link(TypedDict):
    url: str
    kind: str


class _SharedFields(TypedDict):
    id: str
    links: list[_Link]
    authors: NotRequired[list[str] | None]


_decode_shared = msgspec.json.Decoder(_SharedFields).decode


SHARED = "shared.state"  # a build's shared nodes as `shared_nodes` found them (`keep=`)


class _KeptShared(msgspec.Struct, array_like=True):
    size: int  # bytes of the records file read
    check: bytes  # `kg.io.prefix_digest` of them
    code: str  # `kg.graph.delta.walk_code()`
    nodes: dict[str, tuple[str, list[str]]]  # node id → (paper id, attributes)


def shared_nodes(path, kept=None, keep=None) -> dict[str, tuple]:
    """Repository and author nodes that several papers add: node id → the attributes the last
    paper in id order gives them (as networkx keeps them), read in one pass over the file.
    Repositories: (name, url, kind); authors: (name,). `kept`: a file `keep` wrote for a
    first part of `path` (an update's previous records): only the rest is read, where it is
    still that part and this code's. `keep`: where to write what was found."""
    from kg.graph.delta import walk_code

    found: dict[str, tuple] = {}  # node id → (paper id, attributes)
    start = 0
    if kept is not None:
        try:
            state = msgspec.msgpack.decode(Path(kept).read_bytes(), type=_KeptShared)
            if (state.code == walk_code() and Path(path).stat().st_size >= state.size
                    and prefix_digest(path, state.size) == state.check):
                found = {node: (paper, tuple(attributes))
                         for node, (paper, attributes) in state.nodes.items()}
                start = state.size
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            pass
    with open(path, "rb") as handle:
        handle.seek(start)
        for line in handle:
            if not line.strip():
                continue
            record = _decode_shared(line)
            paper = record["id"]
            for link in record["links"]:
                if link["kind"] in ("code", "data"):
                    node = repository_node_id(link["url"])
                    if node not in found or found[node][0] <= paper:
                        found[node] = (paper, (repository_name(link["url"]), link["url"],
                                               link["kind"]))
            for author in record.get("authors") or ():
                node = author_node_id(author)
                if node not in found or found[node][0] <= paper:
                    found[node] = (paper, (author,))
    if keep is not None:
        size = Path(path).stat().st_size
        with atomic_path(keep) as temp:
            Path(temp).write_bytes(msgspec.msgpack.encode(_KeptShared(
                size=size, check=prefix_digest(path, size), code=walk_code(), nodes=found)))
    return {node: attributes for node, (_, attributes) in found.items()}


def _shared_data(node: str, attributes: tuple) -> dict:
    if node.startswith("author/"):
        return {"type": "Author", "name": attributes[0]}
    name, url, kind = attributes
    return {"type": "Repository", "name": name, "url": url, "kind": kind}


class BuildWalk(Walk):
    """The graph of a build, from its extraction records in paper id order (`records`, called
    once per walk) and its canonical index. `shared`: `shared_nodes()` of the same records."""

    def __init__(self, records: Callable[[], Iterable[dict]], index: CanonicalIndex,
                 shared: dict[str, tuple]) -> None:
        self.records, self.index, self.shared = records, index, shared
        self._reporters: dict[str, str] = {}  # the results of the paper being walked

    def __iter__(self) -> Iterator[WalkItem]:
        for entity in sorted(self.index, key=lambda e: e.id):
            yield entity.id, entity_data(entity), []
        written: set[str] = set()  # repository and author nodes already walked
        for record in self.records():
            yield from self.paper_items(record, written)

    def paper_items(self, record: dict, written: set[str]) -> list[WalkItem]:
        """One paper's nodes (those no earlier paper added) with their out-edges, merged as
        networkx merges repeated nodes and edges."""
        nodes, edges = paper_part(record, self.index)
        order: dict[str, dict] = {}
        for node, data in nodes:
            if node in order:
                order[node].update(data)
            elif node not in written:
                order[node] = data
        out: dict[str, dict[str, dict[str, dict]]] = {}
        for source, target, key, data in edges:
            out.setdefault(source, {}).setdefault(target, {}).setdefault(key, {}).update(data)
        items = []
        paper = paper_node_id(record["id"])
        self._reporters.clear()
        for node, data in order.items():
            if node in self.shared:
                written.add(node)
                data = _shared_data(node, self.shared[node])
            elif data["type"] == "Result":
                self._reporters[node] = paper
            items.append((node, data, [(target, key, edge) for target, keys in out.get(node, {}).items()
                                       for key, edge in keys.items()]))
        return items

    def type_of(self, node: str) -> str:
        entity = self.index.entities.get(node)
        return entity.label if entity else NODE_TYPES_BY_PREFIX[node.split("/", 1)[0]]

    def reporting_paper(self, result: str) -> str | None:
        return self._reporters.pop(result, None)

    def changed_part(self, path, previous_keys: dict[str, tuple[str, ...]],
                     new_from: int) -> ChangedWalk:
        """The part of this walk an update can have changed, beside the build before it:
        `previous_keys` (its entities' name keys, `kg.link.changes.entity_keys`), and the
        records of `path` (the build's records file) from the `new_from`-th on are the new
        papers. Needs the index's `evidence` (each paper's primary keys and line offset)."""
        return ChangedWalk(self, path, previous_keys, new_from)


class ChangedWalk(Walk):
    """Every entity node; the papers an update added; the earlier papers with an entity whose
    canonical id is not the one it had (their edges point elsewhere now); and the author and
    repository nodes those papers name. Every other unit of the graph (`kg.graph.delta`) is
    what the previous build walked: a paper's items depend only on its record and its
    entities' ids, and records do not change. Walked in paper id order, like `BuildWalk`."""

    def __init__(self, whole: BuildWalk, path, previous_keys: dict[str, tuple[str, ...]],
                 new_from: int) -> None:
        self.whole, self.path = whole, path
        index = whole.index
        evidence = index.evidence
        previous_id = {key: entity for entity, keys in previous_keys.items() for key in keys}
        moved = np.array([number for key, number in evidence.primaries.items()
                          if previous_id.get(key) != index.id_of_key(key)], dtype=np.int32)
        walked = np.zeros(len(evidence.paper_ids), dtype=bool)
        walked[evidence.paper_of_keys()[np.isin(evidence.key_numbers(), moved)]] = True
        walked[new_from:] = True
        self.relinked = int(walked[:new_from].sum())  # earlier papers walked again
        self.papers = sorted((evidence.paper_ids[i], evidence.offsets[i])
                             for i in np.flatnonzero(walked).tolist())

    def __iter__(self) -> Iterator[WalkItem]:
        for entity in sorted(self.whole.index, key=lambda e: e.id):
            yield entity.id, entity_data(entity), []
        written: set[str] = set()
        for record in records_at(self.path, (offset for _, offset in self.papers)):
            yield from self.whole.paper_items(record, written)

    def type_of(self, node: str) -> str:
        return self.whole.type_of(node)

    def reporting_paper(self, result: str) -> str | None:
        return self.whole.reporting_paper(result)


def entity_data(entity) -> dict:
    """A canonical entity's node attributes."""
    return {"type": entity.label, "name": entity.name, "aliases": entity.aliases,
            "catalogue_id": entity.catalogue_id, "papers": entity.papers,
            "mentions": entity.mentions, "confidence": entity.confidence,
            "generic": entity.generic, "same_as": entity_same_as(entity)}


def walk_graph(walk: Walk) -> nx.MultiDiGraph:
    """The networkx graph of a walk (for the Python API and small builds)."""
    graph = nx.MultiDiGraph(name="kg")
    edges = []
    for node, data, out in walk:
        graph.add_node(node, **data)
        edges += [(node, target, key, edge) for target, key, edge in out]
    graph.add_edges_from(edges)
    return graph
