"""GraphML for Gephi, yEd and networkx users. Lists become JSON strings; None is left out."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.io import atomic_path


def _flat(data: dict) -> dict:
    return {k: json.dumps(v) if isinstance(v, list | dict) else v
            for k, v in data.items() if v is not None}


def write_graphml(graph: nx.MultiDiGraph, path: str | Path) -> None:
    flat = nx.MultiDiGraph()
    flat.add_nodes_from((n, _flat(d)) for n, d in graph.nodes(data=True))
    flat.add_edges_from((u, v, k, _flat(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    with atomic_path(path) as temp:
        nx.write_graphml(flat, temp)
