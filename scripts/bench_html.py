#!/usr/bin/env python3
"""How fast the HTML page becomes usable, in headless Chromium, for synthetic graphs of
several sizes: load to interactive (navigation start until the views are built and the network
is stable and drawn) and panning frames per second (the view dragged with the mouse for a few
seconds, frames drawn counted by vis-network's afterDrawing), for this page and, with
`--before REV`, the page as it was at git revision REV (its html.py and template).

    .venv/bin/python scripts/bench_html.py                      # 500, 2,000, 5,000, 10,000 nodes
    .venv/bin/python scripts/bench_html.py --before ddc8c0d     # and the page before issue 18
    .venv/bin/python scripts/bench_html.py --sizes 1500 --repeat 5

The graphs follow the kg node/edge schema (papers linked to methods, datasets, metrics, tasks,
repositories and results, with a provenance sentence on each edge); popular entities are
linked to many papers, as in real listings. Goals: 2,000 nodes stable in under 3 s; 10,000
nodes within 10 s (positions computed in Python, physics off).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
                       title=f"Paper {i} on a synthetic topic",
                       date=f"{rng.randint(2014, 2025)}-{rng.randint(1, 12):02d}-01",
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


def old_writer(revision: str, folder: Path):
    """`write_html` of the page at git `revision`: its html.py, reading its own template."""
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    for name, target in (("kg/export/html.py", folder / "html_before.py"),
                         ("kg/export/templates/graph.html", folder / "templates" / "graph.html")):
        target.write_bytes(subprocess.run(["git", "show", f"{revision}:{name}"], cwd=ROOT,
                                          check=True, capture_output=True).stdout)
    spec = importlib.util.spec_from_file_location("html_before", folder / "html_before.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.files = lambda package: folder if package == "kg.export" else files(package)
    return module.write_html


def load_seconds(browser, path: Path) -> float:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(path.as_uri() + "#graph")
    page.wait_for_function("() => window.kgStableAt !== undefined", timeout=300_000)
    seconds = page.evaluate("window.kgStableAt") / 1000
    page.close()
    return seconds


# Pointer events dispatched in the page once a frame (requestAnimationFrame), so the rate of
# input is the browser's, not that of a round trip through the driver (which capped a
# playwright mouse.move loop at the moves it could send: 15 to 40 a second on a busy machine).
DRAG = """async ([seconds, x0, y0]) => {
  const canvas = kg.network.canvas.frame.canvas;
  const box = canvas.getBoundingClientRect();
  const fire = (type, x, y) => canvas.dispatchEvent(new PointerEvent(type, {
      clientX: box.left + x, clientY: box.top + y, bubbles: true, pointerId: 1,
      pointerType: "mouse", isPrimary: true, buttons: type === "pointerup" ? 0 : 1, button: 0}));
  let frames = 0, dragged = 0;
  const count = () => { frames++; if (kg.network.renderer.dragging) dragged++; };
  fire("pointerdown", x0, y0);
  kg.network.on("afterDrawing", count);
  const start = performance.now();
  let step = 0;
  await new Promise(done => { function tick() {
      step++;
      fire("pointermove", x0 + 120 * Math.sin(step / 15), y0 + 80 * (1 - Math.cos(step / 15)));
      if (performance.now() - start < seconds * 1000) requestAnimationFrame(tick); else done(); }
    requestAnimationFrame(tick); });
  const elapsed = (performance.now() - start) / 1000;
  fire("pointerup", x0, y0);
  kg.network.off("afterDrawing", count);
  return [frames / elapsed, dragged]; }"""


def panning_fps(browser, path: Path, seconds: float) -> float:
    """Frames drawn per second while the view is dragged in circles from an empty spot."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(path.as_uri() + "#graph")
    page.wait_for_function("() => window.kgStableAt !== undefined", timeout=300_000)
    box = page.locator("#graph canvas").bounding_box()
    start = page.evaluate("""box => { for (let y = 200; y < box.height; y += 17)
        for (let x = 200; x < box.width - 200; x += 17)
          if (kg.network.getNodeAt({x, y}) === undefined) return [x, y];
        return [200, 200]; }""", box)
    fps, dragged = page.evaluate(DRAG, [seconds, *start])
    page.close()
    if not dragged:
        raise RuntimeError(f"{path.name}: the view was not dragged")
    return fps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="page loads per size (median)")
    parser.add_argument("--pan-seconds", type=float, default=3.0)
    parser.add_argument("--before", metavar="REV", help="also measure the page at this git revision")
    parser.add_argument("--chromium", default=os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    print(f"physics in the browser up to {PHYSICS_LIMIT:,} nodes; above, positions from Python")
    print(f"{'page':>7} {'nodes':>7} {'edges':>7} {'write s':>8} {'page MB':>8} "
          f"{'interactive s (median)':>23} {'min':>6} {'max':>6} {'pan fps':>8}")
    with tempfile.TemporaryDirectory(prefix="kg-bench-html-") as folder, sync_playwright() as pw:
        writers = {"after": write_html}
        if args.before:
            writers = {"before": old_writer(args.before, Path(folder) / "before"), **writers}
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for size in args.sizes:
            graph = synthetic_graph(size)
            for label, writer in writers.items():
                path = Path(folder) / f"graph-{label}-{size}.html"
                started = time.perf_counter()
                writer(graph, path, title=f"synthetic {size}")
                written = time.perf_counter() - started
                times = [load_seconds(browser, path) for _ in range(args.repeat)]
                fps = panning_fps(browser, path, args.pan_seconds)
                print(f"{label:>7} {graph.number_of_nodes():>7,} {graph.number_of_edges():>7,} "
                      f"{written:>8.2f} {path.stat().st_size / 1e6:>8.1f} "
                      f"{statistics.median(times):>23.2f} {min(times):>6.2f} {max(times):>6.2f} "
                      f"{fps:>8.1f}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
