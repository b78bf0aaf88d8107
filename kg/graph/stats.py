"""Graph statistics for `kg stats`: counts by type, top entities, degrees, components."""

from __future__ import annotations

import heapq
from collections import Counter

import networkx as nx

from kg.graph.model import ENTITY_TYPES
from kg.graph.stream import Walk, graph_walk

DEGREE_BINS = (0, 1, 2, 3, 5, 10, 20, 50, 100)


def degree_bin(degree: int) -> str:
    """`0`, `1`, `2`, `3-4`, `5-9`, … `100+`."""
    for low, high in zip(DEGREE_BINS, DEGREE_BINS[1:]):
        if low <= degree < high:
            return str(low) if high == low + 1 else f"{low}-{high - 1}"
    return f"{DEGREE_BINS[-1]}+"


def degree_bins() -> list[str]:
    """The bin names in order: `0`, `1`, `2`, `3-4`, … `100+`."""
    return list(dict.fromkeys(degree_bin(d) for d in [*DEGREE_BINS, DEGREE_BINS[-1]]))


def graph_stats(graph: nx.MultiDiGraph | Walk, top: int = 10) -> dict:
    """A JSON-ready summary of the graph (networkx, or a `kg.graph.stream` walk of a build,
    read in one pass: memory holds per-node counts, not the edges)."""
    types: dict[str, str] = {}
    degrees: Counter = Counter()
    edge_types: Counter = Counter()
    entities: dict[str, list[tuple]] = {label: [] for label in ENTITY_TYPES}
    components = _Components()
    for node, data, out in graph_walk(graph):
        types[node] = data["type"]
        degrees[node] += len(out)
        components.add(node)
        if data["type"] in ENTITY_TYPES:
            entities[data["type"]].append((-(data.get("papers") or 0), -(data.get("mentions") or 0),
                                           node, data["name"], data.get("papers", 0),
                                           data.get("mentions", 0)))
        for target, _, edge in out:
            edge_types[edge["type"]] += 1
            degrees[target] += 1
            components.join(node, target)
    sizes = components.sizes()
    by_type: dict[str, Counter] = {}
    for node, node_type in types.items():
        by_type.setdefault(node_type, Counter())[degree_bin(degrees[node])] += 1
    return {
        "nodes": dict(sorted(Counter(types.values()).items())),
        "edges": dict(sorted(edge_types.items())),
        "top_entities": {
            label: [{"id": node, "name": name, "papers": papers, "mentions": mentions}
                    for *_, node, name, papers, mentions in heapq.nsmallest(top, rows)]
            for label, rows in entities.items()},
        "degree_distribution": {
            node_type: {b: counts[b] for b in degree_bins() if counts[b]}
            for node_type, counts in sorted(by_type.items())},
        "degree": {"mean": round(sum(degrees.values()) / len(types), 2) if types else 0.0,
                   "max": max(degrees.values(), default=0)},
        "components": {
            "count": len(sizes),
            "largest": sizes[0] if sizes else 0,
            "largest_share": round(sizes[0] / len(types), 3) if sizes else 0.0,
            "isolated_nodes": sum(1 for node in types if degrees[node] == 0),
            "sizes": dict(sorted(Counter(sizes).items(), reverse=True)),
        },
    }


class _Components:
    """Weakly connected components by union-find (path halving), over node ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, node: str) -> None:
        self.parent.setdefault(node, node)

    def root(self, node: str) -> str:
        parent = self.parent
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(self, a: str, b: str) -> None:
        root_a, root_b = self.root(a), self.root(b)
        if root_a != root_b:
            self.parent[root_b] = root_a

    def sizes(self) -> list[int]:
        """Component sizes, largest first."""
        return sorted(Counter(self.root(node) for node in list(self.parent)).values(), reverse=True)
