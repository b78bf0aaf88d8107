"""The interactive page, opened in a real headless Chromium: offline, complete, searchable,
filterable, safe with hostile input, and drawn without physics when large."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg.export.html import (
    PHYSICS_LIMIT,
    FocusError,
    _safe_json,
    ego_subgraph,
    most_connected,
    page_data,
    safe_url,
    write_html,
)

ROOT = Path(__file__).resolve().parents[2]

HOSTILE_TITLE = '<img src=x onerror="window.__xss=1"> EvilNet for ImageNet classification'
HOSTILE_RECORDS = [
    {"id": "evil-1", "title": HOSTILE_TITLE, "date": "2024-01-01", "url": "javascript:alert(1)",
     "authors": ['<b onmouseover="window.__xss=3">Mallory</b>'],
     "abstract": "We propose <script>window.__xss=2</script> EvilNet, trained on ImageNet and "
                 "evaluated with accuracy. Try javascript:alert(1) or "
                 '<a href="javascript:alert(1)">this</a>. Code: https://github.com/evil/evilnet .'},
    {"id": "ok-2", "title": "ResNet on ImageNet", "date": "2023-05-05",
     "url": "https://example.org/resnet",
     "abstract": "We train ResNet on ImageNet and report 76.1% top-1 accuracy. "
                 "Code at https://github.com/x/resnet."},
]


# the canvas pixel at a node's centre, and at the on-screen node farthest from its neighbourhood
PIXELS = """id => {
    const keep = new Set([id, ...kg.network.getConnectedNodes(id)]);
    const pos = kg.network.getPositions(), canvas = kg.network.canvas.frame.canvas;
    const ctx = canvas.getContext('2d'), ratio = window.devicePixelRatio || 1;
    const dom = n => kg.network.canvasToDOM(pos[n]);
    const pixel = n => { const p = dom(n);
        return [...ctx.getImageData(Math.round(p.x * ratio), Math.round(p.y * ratio), 1, 1).data]; };
    const onScreen = Object.keys(pos).filter(n => { const p = dom(n);
        return !keep.has(n) && p.x > 5 && p.y > 5 && p.x < canvas.clientWidth - 5 && p.y < canvas.clientHeight - 5; });
    const distance = n => Math.min(...[...keep].map(k => Math.hypot(pos[n].x - pos[k].x, pos[n].y - pos[k].y)));
    const far = onScreen.sort((a, b) => distance(b) - distance(a))[0];
    return {selected: pixel(id), far: pixel(far), farId: far}; }"""


def node_named(graph: nx.MultiDiGraph, name: str, node_type: str) -> str:
    found = [n for n, d in graph.nodes(data=True)
             if d.get("name") == name and d["type"] == node_type]
    assert len(found) == 1, found
    return found[0]


def synthetic_graph(nodes: int, seed: int = 0) -> nx.MultiDiGraph:
    """Papers linked to methods and datasets, in the kg node/edge schema."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    papers = nodes // 2
    entities = [(f"method/m{i}", "Method") if i % 2 else (f"dataset/d{i}", "Dataset")
                for i in range(nodes - papers)]
    for node, kind in entities:
        graph.add_node(node, type=kind, name=node.split("/")[1], aliases=[], papers=1)
    for p in range(papers):
        graph.add_node(f"paper/{p}", type="Paper", name=f"Paper {p}", title=f"Paper {p}")
        for node, kind in {entities[p % len(entities)], rng.choice(entities)}:
            relation = "USES" if kind == "Method" else "EVALUATES_ON"
            graph.add_edge(f"paper/{p}", node, key=relation, type=relation, sentence="We use it.")
    return graph


@pytest.fixture(scope="module")
def example_page(example_build):
    """The page `kg build` wrote for the example listing."""
    return example_build.out / "graph.html"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    import kg

    result = kg.build(records=HOSTILE_RECORDS, out=tmp_path_factory.mktemp("hostile") / "out")
    page = write_html(result.graph, result.out / "hostile.html",
                      title='<script>window.__xss=4</script> "title" & more')
    return result, result.out / "hostile.html", page


# ---- in the browser -----------------------------------------------------------------------

def test_example_page_loads_offline_without_errors(page, example_page, artifacts):
    page.open(example_page)
    page.tab.click("#tab-graph")
    assert page.errors == []
    assert page.requests and all(url.startswith("file://") for url in page.requests), page.requests
    assert page.js("document.querySelectorAll('script[src], link[href], img[src]').length") == 0
    page.tab.screenshot(path=str(artifacts / "graph-example.png"))
    if os.environ.get("KG_UPDATE_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(artifacts / "graph-example.png", ROOT / "docs" / "graph.png")
    assert (artifacts / "graph-example.png").stat().st_size > 10_000


def test_drawn_nodes_and_edges_are_the_graphs(page, example_build, example_page):
    graph = example_build.graph
    page.open(example_page)
    drawn = page.js("""() => ({nodes: kg.nodes.getIds(), edges: kg.edges.length,
        shownNodes: kg.network.body.nodeIndices.length,
        shownEdges: kg.network.body.edgeIndices.length,
        types: [...document.querySelectorAll('#types input')].map(b => b.dataset.type)})""")
    assert sorted(drawn["nodes"]) == sorted(graph.nodes)
    assert drawn["edges"] == drawn["shownEdges"] == graph.number_of_edges()
    assert drawn["shownNodes"] == graph.number_of_nodes()
    assert set(drawn["types"]) == {d["type"] for _, d in graph.nodes(data=True)}


def test_search_focuses_the_node_and_shows_its_papers(page, example_build, example_page, artifacts):
    segnet = node_named(example_build.graph, "SegNet", "Method")
    page.open(example_page)
    page.tab.click("#tab-graph")
    page.tab.fill("#search", "segnet")
    assert page.js("document.querySelector('#matches button').textContent") == "SegNet"
    page.tab.press("#search", "Enter")
    assert page.js("window.kgFocused") == segnet
    assert page.js("kg.network.getSelectedNodes()") == [segnet]
    # the view moves so that the node and its whole neighbourhood are in sight
    around = [segnet, *nx.all_neighbors(example_build.graph, segnet)]
    page.tab.wait_for_function("""ids => { const box = kg.network.canvas.frame.getBoundingClientRect();
        return ids.every(id => { const p = kg.network.canvasToDOM(kg.network.getPosition(id));
            return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height; }); }""",
                            arg=around)
    page.tab.screenshot(path=str(artifacts / "graph-search-segnet.png"))
    details = page.js("document.getElementById('details').innerText")
    assert details.splitlines()[0] == "SegNet"
    paper = next(p for p, _ in example_build.graph.in_edges(segnet))
    edge = next(iter(example_build.graph.get_edge_data(paper, segnet).values()))
    assert example_build.graph.nodes[paper]["title"] in details
    assert edge["type"] in details and edge["sentence"] in details


def test_unticking_a_type_hides_its_nodes(page, example_build, example_page):
    methods = [n for n, d in example_build.graph.nodes(data=True) if d["type"] == "Method"]
    page.open(example_page)
    page.tab.click("#tab-graph")
    page.tab.uncheck("#types input[data-type='Method']")
    hidden = page.js("kg.nodes.get().filter(n => n.hidden).map(n => n.id)")
    assert sorted(hidden) == sorted(methods)
    assert page.js("ids => ids.every(id => kg.network.body.nodes[id].options.hidden)", methods)
    page.tab.check("#types input[data-type='Method']")
    assert page.js("kg.nodes.get().filter(n => n.hidden).length") == 0


def test_click_highlights_the_neighbourhood(page, example_build, example_page):
    graph = example_build.graph
    segnet = node_named(graph, "SegNet", "Method")
    page.open(example_page)
    page.tab.click("#tab-graph")
    box = page.tab.locator("#graph canvas").bounding_box()
    point = page.js("id => kg.network.canvasToDOM(kg.network.getPosition(id))", segnet)
    page.tab.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert page.js("window.kgSelected") == segnet
    assert set(page.js("kg.highlighted()")) == {segnet, *nx.all_neighbors(graph, segnet)}
    # drawn so: the node in its colour, the node farthest from the neighbourhood veiled
    page.tab.wait_for_timeout(200)
    pixels = page.js(PIXELS, segnet)
    assert min(pixels["selected"][:3]) < 150 and pixels["selected"][3] == 255
    assert min(pixels["far"][:3]) >= 190, pixels
    # a click on empty space clears it
    page.tab.mouse.click(box["x"] + 3, box["y"] + 3)
    assert page.js("kg.highlighted()") is None
    page.tab.wait_for_timeout(200)
    assert min(page.js(PIXELS, segnet)["far"][:3]) < 190


def test_physics_stops_by_itself_and_the_button_toggles_it(page, example_page):
    page.open(example_page)
    page.tab.click("#tab-graph")
    assert page.js("kg.network.physics.physicsEnabled") is False
    page.tab.click("#physics")
    assert page.js("kg.network.physics.physicsEnabled") is True
    assert page.js("document.getElementById('physics').textContent") == "Freeze layout"
    page.tab.click("#physics")
    assert page.js("kg.network.physics.physicsEnabled") is False


def test_hostile_text_stays_text(page, hostile):
    result, path, drawn = hostile
    paper = node_named(result.graph, HOSTILE_TITLE, "Paper")
    page.open(path)
    page.tab.click("#tab-graph")
    assert page.js("document.title") == '<script>window.__xss=4</script> "title" & more'
    page.tab.fill("#search", "<img src=x")
    page.tab.press("#search", "Enter")
    assert page.js("window.kgFocused") == paper
    details = page.js("document.getElementById('details').innerText")
    assert HOSTILE_TITLE in details and "<script>window.__xss=2</script>" in page.js(
        "document.querySelector('#details details p').textContent")
    # the paper's javascript: URL is no URL value (it stays text in the record's notes), so
    # the panel has no url line for it; the abstract that mentions it is text (checked above)
    assert "javascript:alert(1)" not in details and "url:" not in details
    for node in result.graph.nodes:                   # every panel, every node
        page.js("id => kg.focusNode(id)", node)
    page.tab.hover("#details")
    assert page.js("typeof window.__xss") == "undefined"
    assert page.js("document.querySelectorAll("
                   "'#side img, #side script, [onerror], [onmouseover]').length") == 0
    hrefs = page.js("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert page.js("[...document.querySelectorAll('a')].every(a => a.target === '_blank' && "
                   "a.relList.contains('noopener'))")
    assert page.errors == []


def test_max_nodes_page_says_what_was_left_out(page, example_build, tmp_path):
    drawn = write_html(example_build.graph, tmp_path / "top.html", max_nodes=15)
    page.open(tmp_path / "top.html")
    assert page.js("kg.nodes.length") == drawn.number_of_nodes()
    assert drawn.number_of_nodes() < example_build.graph.number_of_nodes()
    notes = page.js("document.getElementById('notes').innerText")
    assert "Showing the 15 most connected" in notes and "Left out:" in notes


def test_large_graph_is_drawn_from_python_positions_without_physics(page, tmp_path):
    graph = synthetic_graph(PHYSICS_LIMIT + 100)
    write_html(graph, tmp_path / "large.html")
    page.open(tmp_path / "large.html")
    assert page.js("kg.network.physics.physicsEnabled") is False
    assert page.js("kg.network.body.nodeIndices.length") == graph.number_of_nodes()
    spread = page.js("""() => { const xs = Object.values(kg.network.getPositions()).map(p => p.x);
        return Math.max(...xs) - Math.min(...xs); }""")
    assert spread > 1000                                # laid out, not piled at the origin
    # the neighbourhood highlight works at this size too
    page.tab.click("#tab-graph")
    page.js("kg.focusNode('method/m1')")
    assert set(page.js("kg.highlighted()")) == {"method/m1", *nx.all_neighbors(graph, "method/m1")}
    page.tab.wait_for_timeout(600)
    pixels = page.js(PIXELS, "method/m1")
    assert min(pixels["far"][:3]) >= 190 and min(pixels["selected"][:3]) < 150, pixels
    # dragged, nodes are drawn plain (vis-network draws none: hideNodesOnDrag)
    assert page.js("kg.data.simple_drag") is True
    assert page.js("kg.network.renderer.options.hideNodesOnDrag") is True
    box = page.tab.locator("#graph canvas").bounding_box()
    page.tab.mouse.move(box["x"] + 5, box["y"] + 5)
    page.tab.mouse.down()
    for step in range(10):
        page.tab.mouse.move(box["x"] + 5 + 20 * step, box["y"] + 5 + 10 * step)
    page.tab.mouse.up()
    assert page.errors == []


# ---- in Python ----------------------------------------------------------------------------

def test_only_web_urls_are_links():
    assert safe_url("https://github.com/a/b") == "https://github.com/a/b"
    assert safe_url(" http://x.org/p ") == "http://x.org/p"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "//x.org",
                "file:///etc/passwd", "http://", None, 3):
        assert safe_url(bad) is None


def test_embedded_data_cannot_close_the_script():
    text = _safe_json({"t": "</script><script>alert(1)</script>\u2028&"})
    assert "</" not in text and "<" not in text and "\u2028" not in text and "&" not in text


def test_layout_above_the_limit_turns_physics_off():
    assert page_data(synthetic_graph(40))["physics"] is True
    data = page_data(synthetic_graph(PHYSICS_LIMIT + 10))
    assert data["physics"] is False
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) > 0.99 * len(data["nodes"])


def test_layout_does_not_import_matplotlib_pyplot_for_igraph():
    """igraph imports matplotlib.pyplot for its drawing (0.3-1.4 s of every build's page step)
    unless kg keeps it away; matplotlib still imports afterwards, for kg's own charts."""
    code = ("import sys, networkx as nx; from kg.export.html import layout; "
            "positions = layout(nx.path_graph(4)); assert len(positions) == 4, positions; "
            "print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules); "
            "import matplotlib.pyplot; print(matplotlib.pyplot.__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "matplotlib.pyplot"]


def test_max_nodes_keeps_the_most_connected_entities_and_their_papers(example_build):
    graph = example_build.graph
    kept, note = most_connected(graph, 10)
    entities = [n for n, d in kept.nodes(data=True) if d["type"] != "Paper"]
    assert len(entities) == 10
    lowest_kept = min(graph.degree(n) for n in entities)
    assert all(graph.degree(n) <= lowest_kept for n in graph if n not in kept
               and graph.nodes[n]["type"] != "Paper")
    assert all(any(kept.has_node(m) for m in nx.all_neighbors(graph, p))
               for p, d in kept.nodes(data=True) if d["type"] == "Paper")
    assert note.startswith("Showing the 10 most connected of ") and "Left out:" in note
    assert most_connected(graph, 10_000) == (graph, None)


def test_focus_draws_the_ego_graph(example_build):
    graph = example_build.graph
    imagenet = node_named(graph, "ImageNet", "Dataset")
    ego, note = ego_subgraph(graph, "imagenet", depth=1)
    assert set(ego) == {imagenet, *nx.all_neighbors(graph, imagenet)}
    assert "ImageNet (Dataset), depth 1" in note
    with pytest.raises(FocusError, match="did you mean 'ImageNet'"):
        ego_subgraph(graph, "ImageNett")


def _same_part(found: nx.MultiDiGraph, expected: nx.MultiDiGraph) -> None:
    assert dict(found.nodes(data=True)) == dict(expected.nodes(data=True))
    assert sorted(found.edges(keys=True, data="type")) == sorted(expected.edges(keys=True, data="type"))


def test_parts_picked_from_the_walk_equal_those_of_the_graph(example_build):
    """`kg html` picks its part in passes over the build's walk, never holding the graph:
    the same nodes, attributes, edges and note as the networkx functions."""
    from kg.graph import select

    graph, walk = example_build.graph, example_build.walk()
    for name, depth in (("imagenet", 1), ("ImageNet", 2), ("accuracy", 3)):
        found, note = select.ego_graph(walk, name, depth)
        expected, expected_note = ego_subgraph(graph, name, depth)
        _same_part(found, expected)
        assert note == expected_note
    for max_nodes in (1, 10, 40):
        found, note = select.most_connected(walk, max_nodes)
        expected, expected_note = most_connected(graph, max_nodes)
        _same_part(found, expected)
        assert note == expected_note and note.startswith(f"Showing the {max_nodes} most")
    found, note = select.most_connected(walk, 10_000)
    _same_part(found, graph)
    assert note is None
    with pytest.raises(FocusError, match="did you mean 'ImageNet'"):
        select.ego_graph(walk, "ImageNett")


def test_kg_html_command(example_build, tmp_path):
    out = str(example_build.out)
    page = tmp_path / "imagenet.html"
    done = subprocess.run([sys.executable, "-m", "kg", "html", out, "--focus", "ImageNet",
                           "--depth", "2", "-o", str(page)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert page.is_file() and f"→ {page}" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "kg", "html", out, "--focus", "NoSuchThing"],
                             capture_output=True, text=True)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "kg: error: no node named 'NoSuchThing' in the graph"


def test_same_graph_same_page(tmp_path):
    graph = synthetic_graph(700)
    write_html(graph, tmp_path / "a.html")
    write_html(graph, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
