"""Graph statistics for `kg stats`: counts by type, top entities, degrees, components."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from kg.graph.model import ENTITY_TYPES

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


def graph_stats(graph: nx.MultiDiGraph, top: int = 10) -> dict:
    """A JSON-ready summary of the graph."""
    types = {node: data["type"] for node, data in graph.nodes(data=True)}
    entities = [(node, data) for node, data in graph.nodes(data=True) if data["type"] in ENTITY_TYPES]
    components = sorted((len(c) for c in nx.weakly_connected_components(graph)), reverse=True)
    degrees = dict(graph.degree())
    by_type: dict[str, Counter] = {}
    for node, degree in degrees.items():
        by_type.setdefault(types[node], Counter())[degree_bin(degree)] += 1
    return {
        "nodes": dict(sorted(Counter(types.values()).items())),
        "edges": dict(sorted(Counter(d["type"] for *_, d in graph.edges(data=True)).items())),
        "top_entities": {
            label: [{"id": node, "name": data["name"], "papers": data.get("papers", 0),
                     "mentions": data.get("mentions", 0)}
                    for node, data in sorted(
                        (e for e in entities if e[1]["type"] == label),
                        key=lambda e: (-(e[1].get("papers") or 0), -(e[1].get("mentions") or 0),
                                       e[0]))[:top]]
            for label in ENTITY_TYPES},
        "degree_distribution": {
            node_type: {b: counts[b] for b in degree_bins() if counts[b]}
            for node_type, counts in sorted(by_type.items())},
        "degree": {"mean": round(sum(degrees.values()) / len(degrees), 2) if degrees else 0.0,
                   "max": max(degrees.values(), default=0)},
        "components": {
            "count": len(components),
            "largest": components[0] if components else 0,
            "largest_share": round(components[0] / graph.number_of_nodes(), 3) if components else 0.0,
            "isolated_nodes": sum(1 for node in graph if degrees[node] == 0),
            "sizes": dict(sorted(Counter(components).items(), reverse=True)),
        },
    }
