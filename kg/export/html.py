"""The interactive HTML page: one self-contained file drawn with vis-network (from pyvis).

Every script and style is inlined, so the page works offline. Input text reaches the page only
as JSON data and is put into the document with `textContent`, never as HTML.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import networkx as nx

from kg.io import atomic_path

COLOURS = {"Paper": "#4e79a7", "Method": "#f28e2b", "Dataset": "#59a14f", "Metric": "#e15759",
           "Task": "#b07aa1", "Repository": "#76b7b2", "Result": "#edc948", "Author": "#9c755f"}
SHAPES = {"Paper": "box", "Method": "dot", "Dataset": "diamond", "Metric": "triangle",
          "Task": "star", "Repository": "square", "Result": "dot", "Author": "ellipse"}


def _vis_asset(name: str) -> str:
    return (files("pyvis") / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _safe_json(data) -> str:
    """JSON that cannot close the surrounding <script> element."""
    return (json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_data(graph: nx.MultiDiGraph) -> dict:
    nodes = []
    for node_id, data in graph.nodes(data=True):
        node_type = data["type"]
        papers = data.get("papers") or 1
        nodes.append({
            "id": node_id, "label": str(data.get("name", node_id))[:60], "group": node_type,
            "color": COLOURS[node_type], "shape": SHAPES[node_type],
            "size": 10 + 4 * min(papers, 10) if node_type != "Paper" else 12,
            "info": {k: v for k, v in data.items() if v not in (None, [], "")},
        })
    edges = [{"from": u, "to": v, "label": d["type"], "arrows": "to",
              "info": {k: v for k, v in d.items() if v not in (None, "")}}
             for u, v, d in graph.edges(data=True)]
    return {"nodes": nodes, "edges": edges, "colours": COLOURS}


def write_html(graph: nx.MultiDiGraph, path: str | Path, title: str = "kg graph") -> None:
    template = (files("kg.export") / "templates" / "graph.html").read_text(encoding="utf-8")
    page = (template.replace("/*VIS_CSS*/", _vis_asset("vis-network.css"))
            .replace("/*VIS_JS*/", _vis_asset("vis-network.min.js"))
            .replace("/*GRAPH_DATA*/null", _safe_json(page_data(graph)))
            .replace("<!--TITLE-->", title.replace("<", "&lt;").replace("&", "&amp;")))
    with atomic_path(path) as temp:
        temp.write_text(page, encoding="utf-8")
