#!/usr/bin/env python3
"""How fast the HTML page becomes usable: time from navigation start until the network is
stable and drawn, in headless Chromium, for synthetic graphs of several sizes.

    .venv/bin/python scripts/bench_html.py                      # 500, 2,000 and 10,000 nodes
    .venv/bin/python scripts/bench_html.py --sizes 1500 --repeat 5

The graphs follow the kg node/edge schema (papers linked to methods, datasets, metrics, tasks,
repositories and results, with a provenance sentence on each edge); popular entities are
linked to many papers, as in real listings. Goals: 2,000 nodes stable in under 3 s; 10,000
nodes within 10 s (positions computed in Python, physics off).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.export.html import PHYSICS_LIMIT, write_html  # noqa: E402

ENTITY_TYPES = {"Method": "USES", "Dataset": "EVALUATES_ON", "Metric": "MEASURES",
                "Task": "ADDRESSES", "Repository": "HAS_CODE", "Result": "REPORTS"}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def synthetic_graph(nodes: int, seed: int = 0) -> nx.MultiDiGraph:
    """`nodes` nodes, two fifths of them papers, each paper linked to about three entities
    chosen with a Zipf-like popularity."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph(name="synthetic")
    papers = [f"paper/{i}" for i in range(nodes * 2 // 5)]
    entities = []
    types = list(ENTITY_TYPES)
    for i in range(nodes - len(papers)):
        kind = types[i % len(types)]
        node = f"{kind.lower()}/{i}"
        graph.add_node(node, type=kind, name=f"{kind} {i}", aliases=[f"{kind[:3]}{i}"])
        entities.append(node)
    for i, paper in enumerate(papers):
        graph.add_node(paper, type="Paper", name=f"Paper {i} on a synthetic topic",
                       title=f"Paper {i} on a synthetic topic", date="2024-01-01",
                       abstract="We study a synthetic topic. " * 20,
                       url=f"https://example.org/paper/{i}")
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(entities))]
    for paper in papers:
        for entity in set(rng.choices(entities, weights, k=3)):
            relation = ENTITY_TYPES[graph.nodes[entity]["type"]]
            sentence = f"We use {graph.nodes[entity]['name']} in this synthetic study."
            graph.add_edge(paper, entity, key=relation, type=relation, sentence=sentence)
    for entity in entities:                       # every entity comes from at least one paper
        if graph.degree(entity) == 0:
            relation = ENTITY_TYPES[graph.nodes[entity]["type"]]
            graph.add_edge(rng.choice(papers), entity, key=relation, type=relation)
    for node, data in graph.nodes(data=True):
        if data["type"] != "Paper":
            data["papers"] = graph.in_degree(node)
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="page loads per size (median)")
    parser.add_argument("--chromium", default=os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    print(f"physics in the browser up to {PHYSICS_LIMIT:,} nodes; above, positions from Python")
    print(f"{'nodes':>7} {'edges':>7} {'physics':>8} {'write_html s':>13} {'page MB':>8} "
          f"{'stable s (median)':>18} {'min':>6} {'max':>6}")
    with tempfile.TemporaryDirectory(prefix="kg-bench-html-") as folder, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for size in args.sizes:
            graph = synthetic_graph(size)
            path = Path(folder) / f"graph-{size}.html"
            started = time.perf_counter()
            write_html(graph, path, title=f"synthetic {size}")
            written = time.perf_counter() - started
            times = []
            for _ in range(args.repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(path.as_uri())
                page.wait_for_function("() => window.kgStableAt !== undefined", timeout=120_000)
                times.append(page.evaluate("window.kgStableAt") / 1000)
                page.close()
            print(f"{graph.number_of_nodes():>7,} {graph.number_of_edges():>7,} "
                  f"{'on' if size <= PHYSICS_LIMIT else 'off':>8} {written:>13.2f} "
                  f"{path.stat().st_size / 1e6:>8.1f} {statistics.median(times):>18.2f} "
                  f"{min(times):>6.2f} {max(times):>6.2f}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
