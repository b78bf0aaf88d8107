"""The interactive HTML page: one self-contained file with four views (Overview, Leaderboards,
Trends, Graph) and a details panel; the graph is drawn with vis-network (vendored in pyvis).

Every script and style is inlined and a Content-Security-Policy forbids any fetch, so the page
works offline. Input text (titles, abstracts, names, URLs) reaches the page only as JSON data and
is put into the document with `textContent`, never as HTML; only http(s) URLs become links.

Positions always come from Python (igraph's Fruchterman-Reingold with a grid, seconds for 10,000
nodes where networkx's spring layout takes minutes). Up to `PHYSICS_LIMIT` nodes the browser's
physics then polishes them and stops by itself; above it physics is off, so the page is usable
at once.

The Overview, Leaderboards and Trends views read `kg.export.page_views` data, gathered from the
whole build's walk (the graph drawn may be a part of it).
"""

from __future__ import annotations

import heapq
import html
import json
import math
import random
import re
import sys
from collections import Counter
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import networkx as nx

from kg.export.page_views import ViewFacts, result_label, view_facts
from kg.graph import select
from kg.graph.select import FocusError  # noqa: F401 - raised by write_html, caught by callers
from kg.graph.stream import graph_walk
from kg.io import atomic_path
from kg.views.trends import period_of

PHYSICS_LIMIT = 1500
# above this many nodes the page draws plain squares while the view is dragged (measured: vis-
# network's own drawing pans 5,000 nodes at 7 fps in headless Chromium; scripts/bench_html.py)
SIMPLE_DRAG_ABOVE = 1500

COLOURS = {"Paper": "#4e79a7", "Method": "#f28e2b", "Dataset": "#59a14f", "Metric": "#e15759",
           "Task": "#b07aa1", "Repository": "#76b7b2", "Result": "#edc948", "Author": "#9c755f"}
SHAPES = {"Paper": "square", "Method": "dot", "Dataset": "diamond", "Metric": "triangle",
          "Task": "star", "Repository": "hexagon", "Result": "triangleDown", "Author": "dot"}
RELATION_COLOURS = {
    "PROPOSES": "#d62728", "USES": "#f28e2b", "EVALUATES_ON": "#59a14f", "MEASURES": "#e15759",
    "ADDRESSES": "#b07aa1", "HAS_CODE": "#17becf", "REPORTS": "#bcbd22", "AUTHORED_BY": "#9c755f",
    "OF_METHOD": "#ffbb78", "ON_DATASET": "#98df8a", "WITH_METRIC": "#ff9896",
}
OTHER_COLOUR = "#999999"
LABEL_LENGTH = 40
LABELLED = 30  # nodes named at every zoom: the entities in most papers
PLACEHOLDER = re.compile(r"<!--TITLE-->|/\*VIS_CSS\*/|/\*VIS_JS\*/|/\*GRAPH_DATA\*/null")
# node attributes shown in the details panel (the rest stay in the RDF/GraphML exports)
DETAIL_FIELDS = ("title", "date", "abstract", "authors_count", "upvotes", "arxiv_id", "doi",
                 "value", "unit", "condition", "kind", "catalogue_id", "confidence", "generic", "source_file",
                 "source_line")


def safe_url(url) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (no `javascript:`, `data:`, ...)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _vis_asset(name: str) -> str:
    return (files("pyvis") / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _safe_json(data) -> str:
    """JSON that cannot close the surrounding <script> element."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LABEL_LENGTH else text[:LABEL_LENGTH - 1] + "…"


def _paper_count(graph: nx.MultiDiGraph, node, data: dict) -> int:
    if isinstance(data.get("papers"), int):
        return data["papers"]
    return sum(graph.nodes[other].get("type") == "Paper" for other in nx.all_neighbors(graph, node))


def _links(data: dict) -> list[dict]:
    """The node's own web links: page URL, arXiv, DOI, project links; http(s) only."""
    found = []
    if data.get("url"):
        found.append({"label": "code" if data.get("type") == "Repository" else "page",
                      "url": data["url"]})
    if data.get("arxiv_id"):
        found.append({"label": "arXiv", "url": f"https://arxiv.org/abs/{data['arxiv_id']}"})
    if data.get("doi"):
        found.append({"label": "DOI", "url": f"https://doi.org/{data['doi']}"})
    found += [{"label": "link", "url": url} for url in data.get("links") or []]
    if data.get("type") != "Paper":  # a paper's same_as is its arXiv and DOI links above
        found += [{"label": "Linked Papers With Code", "url": url} for url in data.get("same_as") or []]
    return [{"label": link["label"], "url": safe_url(link["url"]), "text": str(link["url"])}
            for link in found]


def _igraph():
    """igraph, imported without the matplotlib.pyplot that its drawing code imports where it
    can (0.3-1.4 s of a build's page step; the page draws nothing with igraph): while igraph
    is imported, `import matplotlib` fails, and igraph takes its own stand-in for it."""
    if "igraph" in sys.modules or "matplotlib.pyplot" in sys.modules:
        import igraph
        return igraph
    before = sys.modules.get("matplotlib")
    sys.modules["matplotlib"] = None  # an ImportError for `import matplotlib`
    try:
        import igraph
    finally:
        if before is None:
            del sys.modules["matplotlib"]
        else:
            sys.modules["matplotlib"] = before
    return igraph


def layout(graph: nx.Graph, seed: int = 0) -> dict:
    """Positions in page pixels, about 80 px of room a node: igraph's Fruchterman-Reingold with a
    grid, from seeded random starting points so the same graph gives the same page."""
    import numpy as np

    igraph = _igraph()
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    edges = {tuple(sorted((index[u], index[v]))) for u, v in graph.edges() if u != v}
    ig_graph = igraph.Graph(n=len(nodes), edges=sorted(edges))
    half = math.sqrt(len(nodes)) / 2   # igraph's own starting spread: the grid stays sparse
    start = np.random.default_rng(seed).uniform(-half, half, (len(nodes), 2)).tolist()
    igraph.set_random_number_generator(random.Random(seed))   # FR draws random numbers too
    try:
        points = np.array(ig_graph.layout_fruchterman_reingold(
            seed=start, grid=len(nodes) > 500).coords)
    finally:
        igraph.set_random_number_generator(random)
    points -= np.median(points, axis=0)
    # small components drift far away and would shrink the rest to a dot: pull them in
    radius = np.hypot(points[:, 0], points[:, 1])
    edge = float(np.percentile(radius, 98)) or 1.0
    far = radius > edge
    points[far] *= (edge * (1 + 0.05 * (radius[far] / radius.max())) / radius[far])[:, None]
    spread = float(np.sqrt((points ** 2).sum(axis=1).mean())) or 1.0
    points *= 80 * math.sqrt(len(nodes)) / (2 * spread)
    return {node: (round(x, 1), round(y, 1)) for node, (x, y) in zip(nodes, points.tolist())}


def ego_subgraph(graph: nx.MultiDiGraph, name: str, depth: int = 2) -> tuple[nx.MultiDiGraph, str]:
    """Everything within `depth` steps (either direction) of the node(s) named `name`
    (`kg.graph.select.ego_graph` on the graph's walk)."""
    return select.ego_graph(graph_walk(graph), name, depth)


def most_connected(graph: nx.MultiDiGraph, max_nodes: int) -> tuple[nx.MultiDiGraph, str | None]:
    """The `max_nodes` most connected non-paper nodes plus the papers linked to them, and a
    sentence saying what was left out; the graph itself and None when nothing was
    (`kg.graph.select.most_connected` on the graph's walk)."""
    part, note = select.most_connected(graph_walk(graph), max_nodes)
    return (graph, None) if note is None else (part, note)


def _result_labels(graph: nx.MultiDiGraph) -> dict:
    """`accuracy 53.99% (ZCore, ImageNet)` for each Result node."""
    labels = {}
    for node, data in graph.nodes(data=True):
        if data.get("type") == "Result":
            named = {key: graph.nodes[target].get("name")
                     for _, target, key in graph.out_edges(node, keys=True)}
            labels[node] = result_label(named.get("WITH_METRIC"), data.get("value") or data.get("name"),
                                        named.get("OF_METHOD"), named.get("ON_DATASET"))
    return labels


def page_data(graph: nx.MultiDiGraph, notes: list[str] | None = None,
              views: dict | None = None) -> dict:
    """What the page draws, as plain JSON-able data; `views`: `kg.export.page_views` data
    (of `graph` when not given)."""
    views = views if views is not None else view_facts(graph_walk(graph))
    positions = layout(graph)
    physics = 0 < graph.number_of_edges() and graph.number_of_nodes() <= PHYSICS_LIMIT
    results = _result_labels(graph)
    nodes = []
    for node_id, data in graph.nodes(data=True):
        node_type = data.get("type", "?")
        name = results.get(node_id) or str(data.get("name") or data.get("title") or node_id)
        papers = _paper_count(graph, node_id, data)
        x, y = positions[node_id]
        size = 12 if node_type == "Paper" else round(8 + 6 * math.sqrt(min(papers, 50)), 1)
        # a result keeps its value, method and dataset: a long metric loses its first words
        label = _short(name) if node_id not in results else (
            name if len(name) <= LABEL_LENGTH + 8 else "…" + name[-(LABEL_LENGTH + 7):])
        item = {"id": node_id, "label": label, "name": name, "type": node_type,
                "size": size, "x": x, "y": y, "papers": papers,
                "period": period_of(data.get("date"), views["by"]) if node_type == "Paper" else None,
                "aliases": [str(a) for a in data.get("aliases") or []],
                "details": {k: data[k] for k in DETAIL_FIELDS if data.get(k) not in (None, "", [])},
                "links": _links(data)}
        nodes.append({k: v for k, v in item.items() if v not in ([], {}, None)})
    edges = []
    extractors = Counter()
    for source, target, data in graph.edges(data=True):
        edge = {"from": source, "to": target, "type": data.get("type", "?")}
        if data.get("sentence"):
            edge["sentence"] = data["sentence"]
        # how the fact was found (ner, gazetteer, pattern, abbreviation) and how sure
        if data.get("source"):
            edge["source"] = str(data["source"])
        if isinstance(data.get("confidence"), (int, float)):
            edge["confidence"] = round(float(data["confidence"]), 2)
        if data.get("extractor"):
            extractors[f"{data['extractor']} {data.get('extractor_version') or ''}".strip()] += 1
        edges.append(edge)
    types = Counter(n["type"] for n in nodes)
    relations = Counter(e["type"] for e in edges)
    type_order = [t for t in [*COLOURS, *sorted(set(types) - set(COLOURS))] if types[t]]
    degree = Counter({n: graph.degree(n) for n in graph if graph.nodes[n].get("type") != "Paper"})
    return {
        "nodes": nodes, "edges": edges, "physics": physics, "notes": notes or [],
        "simple_drag": graph.number_of_nodes() > SIMPLE_DRAG_ABOVE,
        "types": [{"type": t, "count": types[t], "colour": COLOURS.get(t, OTHER_COLOUR),
                   "shape": SHAPES.get(t, "dot")} for t in type_order],
        "relations": [{"type": r, "count": relations[r],
                       "colour": RELATION_COLOURS.get(r, OTHER_COLOUR)} for r in sorted(relations)],
        # most connected first: where labels would overlap, the page draws the first
        "labelled": [n for n, _ in sorted(degree.items(), key=lambda d: (-d[1], d[0]))[:LABELLED]],
        "extractors": [name for name, _ in extractors.most_common()],
        "views": views,
    }


def write_html(graph: nx.MultiDiGraph, path: str | Path, title: str = "kg graph", *,
               focus: str | None = None, depth: int = 2,
               max_nodes: int | None = None, notes: list[str] | None = None,
               views: dict | None = None) -> nx.MultiDiGraph:
    """Write the page for `graph` (or the ego graph around `focus`, or its `max_nodes` most
    connected entities and their papers) to `path`, atomically; return the graph drawn.
    `notes`: sentences shown above the graph (what was left out); `views`: the Overview,
    Leaderboards and Trends data (`kg.export.page_views`), else of the graph drawn."""
    notes = list(notes or [])
    if focus:
        graph, note = ego_subgraph(graph, focus, depth)
        notes.append(note)
    if max_nodes is not None:
        graph, note = most_connected(graph, max_nodes)
        notes += [note] if note else []
    template = (files("kg.export") / "templates" / "graph.html").read_text(encoding="utf-8")
    values = {"<!--TITLE-->": html.escape(title), "/*VIS_CSS*/": _vis_asset("vis-network.css"),
              "/*VIS_JS*/": _vis_asset("vis-network.min.js"),
              "/*GRAPH_DATA*/null": _safe_json(page_data(graph, notes, views))}
    # one pass over the template: nothing inserted is read again as a placeholder
    page = PLACEHOLDER.sub(lambda match: values[match.group(0)], template)
    with atomic_path(path) as temp:
        temp.write_text(page, encoding="utf-8")
    return graph


FULL_PAGE_NODES = 10_000  # a build's page draws the whole graph up to this many nodes
PAGE_ENTITIES = 1_000  # above it: the entities in most papers ...
PAGE_PAPERS = 1_500  # ... and the papers linked to most of them


class PageSink:
    """A build's page, from walk items: the whole graph while it has at most `full_nodes`
    nodes (the page `write_html` draws of it); above that only the `entities` entities in most
    papers and the `papers` papers linked to most of them, so memory stays bounded."""

    def __init__(self, path: str | Path, title: str, entities: list, *,
                 full_nodes: int | None = None, top_entities: int | None = None,
                 top_papers: int | None = None, records: str | Path | None = None) -> None:
        """`records`: the build's records file; the views' facts are then kept beside the
        page (`kg.export.page_delta.VIEWS`) for the next update."""
        full_nodes = FULL_PAGE_NODES if full_nodes is None else full_nodes
        top_entities = PAGE_ENTITIES if top_entities is None else top_entities
        top_papers = PAGE_PAPERS if top_papers is None else top_papers
        self.path, self.title, self.full_nodes, self.records = Path(path), title, full_nodes, records
        self.graph: nx.MultiDiGraph | None = nx.MultiDiGraph(name="kg")
        self.edges: list = []
        self.count = 0
        self.entities = len(entities)
        self.kept = entities_in_most_papers(entities, top_entities)
        self.top_papers = top_papers
        self.candidates: list = []  # heap of (kept entities linked, paper id, data, edges)
        self.papers = 0
        self.facts = ViewFacts()  # the views are of the whole build, whatever is drawn

    def add(self, node: str, data: dict, out: list) -> None:
        self.count += 1
        self.facts.add(node, data, out)
        if self.graph is not None:
            self.graph.add_node(node, **data)
            self.edges += [(node, target, key, edge) for target, key, edge in out]
            if self.count > self.full_nodes:
                self.graph = self.edges = None
        if data.get("type") == "Paper":
            self.papers += 1
            linked = [(node, target, key, edge) for target, key, edge in out if target in self.kept]
            if linked:
                entry = (len(linked), node, data, linked)
                if len(self.candidates) < self.top_papers:
                    heapq.heappush(self.candidates, entry)
                elif entry[:2] > self.candidates[0][:2]:
                    heapq.heapreplace(self.candidates, entry)

    def close(self) -> nx.MultiDiGraph:
        """Write the page (and keep the views' facts); returns the graph drawn."""
        if self.graph is not None:
            self.graph.add_edges_from(self.edges)
            drawn = write_html(self.graph, self.path, title=self.title, views=self.facts.data())
        else:
            drawn = write_top_page(self.path, self.title, self.kept, self.candidates,
                                   self.entities, self.papers, self.count, self.facts.data())
        if self.records is not None:
            from kg.export.page_delta import VIEWS, keep_views

            keep_views(self.path.parent / VIEWS, self.facts, self.records)
        return drawn


def entities_in_most_papers(entities: list, top: int = PAGE_ENTITIES) -> dict:
    """id → entity: the `top` entities in most papers, as a large build's page keeps them."""
    ranked = sorted(entities, key=lambda e: (-e.papers, -e.mentions, e.id))
    return {e.id: e for e in ranked[:top]}


def write_top_page(path, title: str, kept: dict, candidates: list, entities: int, papers: int,
                   count: int, views: dict) -> nx.MultiDiGraph:
    """A large build's page: the `kept` entities and the `candidates` papers ((entities linked,
    paper node, its data, its edges to kept entities)); returns the graph drawn."""
    from kg.graph.stream import entity_data

    graph = nx.MultiDiGraph(name="kg")
    for entity_id, entity in kept.items():
        graph.add_node(entity_id, **entity_data(entity))
    for _, node, data, linked in sorted(candidates, key=lambda c: c[1]):
        graph.add_node(node, **data)
        graph.add_edges_from(linked)
    note = (f"Showing the {len(kept):,} entities in most papers (of {entities:,}) "
            f"and the {len(candidates):,} papers linked to most of them (of "
            f"{papers:,}); the graph has {count:,} nodes. Draw another part with "
            "`kg html OUT --focus NAME` or `--max-nodes N`.")
    return write_html(graph, path, title=title, notes=[note], views=views)


def write_build_page(walk, path: str | Path, title: str, *, focus: str | None = None,
                     depth: int = 2, max_nodes: int | None = None) -> nx.MultiDiGraph:
    """`write_html` for a build's walk (`kg html`), read in passes so the graph is never held:
    the part around `focus` (`kg.graph.select.ego_graph`, then `max_nodes` of it), else the
    `max_nodes` most connected entities and their papers, else the build's own page
    (`PageSink`). Returns the graph drawn."""
    if focus:
        graph, note = select.ego_graph(walk, focus, depth)
        return write_html(graph, path, title=title, max_nodes=max_nodes, notes=[note])
    if max_nodes is not None:
        graph, note = select.most_connected(walk, max_nodes)
        return write_html(graph, path, title=title, notes=[note] if note else [])
    page = PageSink(path, title, list(walk.index))
    for item in walk:
        page.add(*item)
    return page.close()
