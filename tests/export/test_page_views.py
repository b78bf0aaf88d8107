"""The page's views in a real headless Chromium: Overview, Leaderboards, Trends and Graph on the
example build, their tables (sorting, filtering), the date range, the keyboard, the narrow
layout, the network blocked, and hostile names that stay text everywhere.

`KG_SCREENSHOTS=docs/screenshots` saves one PNG per view (for the README)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx
import pytest

from kg.export.html import write_html
from kg.views.trends import papers_per_period, trends

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ["overview", "leaderboards", "trends", "graph"]
EVIL = '<img src=x onerror="window.__xss=1">'
ROWS = """caption => { const table = [...document.querySelectorAll('table')]
    .find(t => t.caption && t.caption.textContent === caption && t.checkVisibility());
    return table ? [...table.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText.trim())) : null; }"""
IN_VIEW = """ids => { const box = kg.network.canvas.frame.getBoundingClientRect();
    return ids.every(id => { const p = kg.network.canvasToDOM(kg.network.getPosition(id));
        return p.x >= -1 && p.y >= -1 && p.x <= box.width + 1 && p.y <= box.height + 1; }); }"""


@pytest.fixture(scope="module")
def example_page(example_build):
    return example_build.out / "graph.html"


def zcore_caption(page) -> str:
    """The caption of ImageNet's table holding ZCore's 53.99% (the metric's name follows the
    extractor: "validation accuracy", "downstream validation accuracy")."""
    metric = page.js("""kg.data.views.leaderboards.Dataset.find(b => b.name === 'ImageNet')
        .rows.find(r => r.value === '53.99%').metric""")
    assert "validation accuracy" in metric
    return f"{metric} (%) · higher is better ↑"


def screenshot(page, name: str) -> None:
    folder = os.environ.get("KG_SCREENSHOTS")
    if folder:
        target = ROOT / folder if not Path(folder).is_absolute() else Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        page.tab.screenshot(path=str(target / f"{name}.png"))


def visible_view(page) -> list[str]:
    return page.js("[...document.querySelectorAll('.view')].filter(v => "
                   "getComputedStyle(v).visibility === 'visible').map(v => v.id)")


def open_board(page, name: str) -> None:
    page.tab.click("#tab-leaderboards")
    page.tab.fill("#view-leaderboards .tablebox input", name)
    page.tab.click(f"#view-leaderboards button[data-board]:text-is('{name}')")


def hostile_graph() -> nx.MultiDiGraph:
    """Every name, title, alias, value and sentence hostile, in the kg schema."""
    graph = nx.MultiDiGraph()
    graph.add_node("paper/1", type="Paper", name=f"{EVIL} paper", title=f"{EVIL} paper",
                   date="2023-05-01", abstract=f"We propose {EVIL}Net. It reaches {EVIL} 90.1% on it.")
    graph.add_node("paper/2", type="Paper", name="<script>window.__xss=2</script>",
                   title="<script>window.__xss=2</script>", date="2024-02-02")
    for node, kind in (("method/evil", "Method"), ("dataset/evil", "Dataset"),
                       ("metric/evil", "Metric"), ("task/evil", "Task")):
        graph.add_node(node, type=kind, name=f"{EVIL}{kind}", papers=2, confidence=0.9,
                       aliases=["<script>window.__xss=3</script>"],
                       catalogue_id=f'pwc:{kind.lower()}/"><img src=x onerror=alert(1)>')
    graph.add_node("result/1", type="Result", name="90.1%", value="90.1%", number=90.1, unit="%")
    for paper in ("paper/1", "paper/2"):
        for target, relation in (("method/evil", "PROPOSES"), ("dataset/evil", "EVALUATES_ON"),
                                 ("metric/evil", "MEASURES"), ("task/evil", "ADDRESSES")):
            graph.add_edge(paper, target, key=relation, type=relation,
                           sentence=f"We propose {EVIL}Net on <b onmouseover=alert(1)>it</b>.")
    graph.add_edge("paper/1", "result/1", key="REPORTS", type="REPORTS")
    for target, relation in (("method/evil", "OF_METHOD"), ("dataset/evil", "ON_DATASET"),
                             ("metric/evil", "WITH_METRIC")):
        graph.add_edge("result/1", target, key=relation, type=relation)
    return graph


# ---- every view ---------------------------------------------------------------------------

def test_each_view_opens_from_its_tab(page, example_page):
    page.open(example_page)
    assert visible_view(page) == ["view-overview"]
    for view in VIEWS:
        page.tab.click(f"#tab-{view}")
        assert visible_view(page) == [f"view-{view}"]
        assert page.js(f"document.getElementById('tab-{view}').getAttribute('aria-selected')") == "true"
        assert page.js("location.hash") == f"#{view}"
    assert page.errors == []


def test_screenshots_of_each_view(page, example_page, artifacts):
    """One PNG per view (KG_SCREENSHOTS=docs/screenshots refreshes the README's)."""
    page.open(example_page)
    screenshot(page, "overview")
    open_board(page, "ImageNet")
    screenshot(page, "leaderboards")
    page.tab.click("#tab-trends")
    screenshot(page, "trends")
    page.js("kg.focusNode('dataset/imagenet')")
    page.tab.wait_for_timeout(500)
    screenshot(page, "graph")
    page.tab.click("#tab-overview")
    page.tab.click("#view-overview button.nodelink:text-is('ImageNet')")
    screenshot(page, "entity")
    page.tab.screenshot(path=str(artifacts / "page-entity.png"))
    assert (artifacts / "page-entity.png").stat().st_size > 10_000
    assert page.errors == []


def test_overview_ranks_datasets_and_methods_by_papers(page, example_build, example_page):
    page.open(example_page)
    counts = page.js("[...document.querySelectorAll('.card')].map(c => [c.dataset.type, c.querySelector('b').textContent])")
    assert ["Paper", "44"] in counts
    for entity_type, caption in (("Dataset", "Top datasets by papers"), ("Method", "Top methods by papers"),
                                 ("Task", "Top tasks by papers")):
        rows = page.js(ROWS, caption)
        ranking = trends(example_build.out, entity_type, top=10).ranking.head(len(rows))
        assert [(r[1], int(r[2])) for r in rows] == list(zip(ranking["name"], ranking["papers"]))
        papers = [int(r[2]) for r in rows]
        assert papers == sorted(papers, reverse=True) and papers[0] >= 2
    # each row has its sparkline over the years
    assert page.js("document.querySelectorAll('#view-overview svg.spark').length") >= 20


def test_papers_per_year_in_overview_and_trends(page, example_build, example_page):
    periods = papers_per_period(example_build.out)
    expected = [[p, n] for p, n in zip(periods["period"], periods["papers"])]
    assert expected[0][0] == "2014" and expected[-1][0] == "2025"
    page.open(example_page)
    bars = "v => [...document.querySelectorAll(`#view-${v} rect.bar`)].map(b => [b.dataset.period, Number(b.dataset.papers)])"
    assert page.js(bars, "overview") == expected
    page.tab.click("#tab-trends")
    assert page.js(bars, "trends") == expected
    assert page.js("document.querySelectorAll('#view-trends polyline.share-line').length") == 5
    page.tab.select_option("#trend-type", "Dataset")
    legend = page.js("[...document.querySelectorAll('#view-trends .legend-entry title')].map(t => t.textContent)")
    assert legend == list(trends(example_build.out, "Dataset", top=5).ranking["name"].head(5))
    assert "rising: share of the papers in 2021–2025" in page.js(
        "document.getElementById('view-trends').innerText")


def test_imagenet_leaderboard_shows_zcore_with_its_sentence(page, example_page):
    page.open(example_page)
    open_board(page, "ImageNet")
    board = page.js("document.getElementById('board').innerText")
    assert board.startswith("Dataset: ImageNet")
    assert zcore_caption(page) in board
    rows = page.js(ROWS, zcore_caption(page))
    assert rows[0][:3] == ["1", "ZCore", "53.99%"]
    assert rows[0][3] == "Zero-Shot Coreset Selection via Iterative Subspace Sampling"
    assert "ZCore selections for 10% training data achieve a downstream validation accuracy of 53.99%" in rows[0][5]
    # the paper's name opens its page, each sentence once with what it supports
    page.tab.click("#board button.nodelink:text-is('Zero-Shot Coreset Selection via Iterative Subspace Sampling')")
    details = page.js("document.getElementById('details').innerText")
    assert details.startswith("Zero-Shot Coreset Selection")
    sentences = page.js("[...document.querySelectorAll('#details ul.facts blockquote')].map(b => b.textContent)")
    assert len(sentences) == len(set(sentences)) > 1
    assert "validation accuracy 53.99% (ZCore, ImageNet)" in details


def test_each_fact_shows_its_extraction_source_and_confidence(page, example_build, example_page):
    graph = example_build.graph
    [paper] = [n for n, d in graph.nodes(data=True) if d.get("type") == "Paper"
               and str(d.get("title")).startswith("Zero-Shot Coreset Selection")]
    # what the build stored on each of the paper's links: ZCore proposed (abbreviation),
    # ImageNet evaluated on (gazetteer), as extractions.jsonl's kept mentions say
    found = {graph.nodes[t]["name"]: (d["type"], d["source"], f"{round(float(d['confidence']), 2):g}")
             for _, t, d in graph.out_edges(paper, data=True) if d.get("source")}
    assert found["ZCore"][:2] == ("PROPOSES", "abbreviation")
    assert found["ImageNet"][:2] == ("EVALUATES_ON", "gazetteer")
    [record] = [json.loads(line) for line in (example_build.out / "extractions.jsonl").read_text().splitlines()
                if json.loads(line)["title"] == graph.nodes[paper]["title"]]
    assert {m["source"] for m in record["mentions"] if m["kept"] and m["entity"] == "ImageNet"} == {"gazetteer"}
    page.open(example_page)
    page.js("id => kg.showEntity(id)", paper)
    facts = page.js("""() => Object.fromEntries([...document.querySelectorAll('#details ul.facts li > div')]
        .filter(d => d.querySelector('.provenance'))
        .map(d => [d.querySelector('button.nodelink').textContent, d.querySelector('.provenance').textContent]))""")
    assert facts == {name: f" · {source} · {confidence}" for name, (_, source, confidence) in found.items()}
    details = page.js("document.getElementById('details').innerText")
    sentence = graph.edges[paper, "dataset/imagenet", "EVALUATES_ON"]["sentence"]
    assert details.count(sentence) == 1                   # the sentence once, its facts under it
    # ImageNet's page: the paper under "evaluated on" with the same source and confidence
    page.tab.click("#details button.nodelink:text-is('ImageNet')")
    _, source, confidence = found["ImageNet"]
    line = page.js("""title => [...document.querySelectorAll('#details ul[data-role=EVALUATES_ON] > li')]
        .find(li => li.querySelector('button.nodelink').textContent === title).querySelector('.rel').innerText""",
                   graph.nodes[paper]["title"])
    assert line == f"EVALUATES_ON · {graph.nodes[paper]['date']} · {source} · {confidence}"
    assert page.errors == []


def test_tables_sort_by_any_column_and_filter_by_typing(page, example_page):
    page.open(example_page)
    caption = "Top methods by papers"
    header = "#view-overview table:has(caption:text-is('Top methods by papers')) th"
    page.tab.click(f"{header}[data-key='name'] button")
    names = [r[1] for r in page.js(ROWS, caption)]
    assert names == sorted(names, key=str.casefold)
    assert page.tab.locator(f"{header}[data-key='name']").get_attribute("aria-sort") == "ascending"
    page.tab.click(f"{header}[data-key='name'] button")
    assert [r[1] for r in page.js(ROWS, caption)] == sorted(names, key=str.casefold, reverse=True)
    page.tab.click(f"{header}[data-key='shown'] button")
    papers = [int(r[2]) for r in page.js(ROWS, caption)]
    assert papers == sorted(papers, reverse=True)
    page.tab.fill("#view-overview .tablebox:has(caption:text-is('Top methods by papers')) input", "net")
    filtered = page.js(ROWS, caption)
    assert filtered and all("net" in r[1].lower() for r in filtered) and len(filtered) < len(names)


def test_date_range_applies_to_every_view(page, example_build, example_page):
    graph = example_build.graph
    page.open(example_page)
    page.tab.select_option("#from", "2024")
    page.tab.select_option("#to", "2024")
    in_2024 = {n for n, d in graph.nodes(data=True) if d["type"] == "Paper" and d["date"].startswith("2024")}
    assert "12 papers in 2024–2024" in page.js("document.getElementById('view-overview').innerText")
    assert page.js("[...document.querySelectorAll('#view-overview rect.bar')].map(b => b.dataset.period)") == ["2024"]
    for row in page.js(ROWS, "Top datasets by papers"):         # papers counted in 2024 only
        dataset = next(n for n, d in graph.nodes(data=True) if d["type"] == "Dataset" and d["name"] == row[1])
        assert int(row[2]) == len(in_2024 & set(graph.predecessors(dataset))) > 0
    open_board(page, "ImageNet")
    assert page.js(ROWS, zcore_caption(page))[0][1] == "ZCore"
    page.tab.click("#tab-trends")
    assert page.js("[...document.querySelectorAll('#view-trends rect.bar')].map(b => b.dataset.period)") == ["2024"]
    # the graph: papers of 2024, and the nodes linked to them
    shown = set(page.js("kg.nodes.get().filter(n => !n.hidden).map(n => n.id)"))
    assert {n for n in shown if graph.nodes[n]["type"] == "Paper"} == in_2024
    assert all(set(nx.all_neighbors(graph, n)) & in_2024 for n in shown if n not in in_2024)
    # 2025 only: ZCore's result (2024) leaves ImageNet's board
    page.tab.select_option("#from", "2025")
    page.tab.select_option("#to", "2025")
    open_board(page, "ImageNet")
    assert "No result of ImageNet in 2025–2025" in page.js("document.getElementById('board').innerText")
    page.tab.click("#range-all")
    assert page.js("kg.nodes.get().filter(n => n.hidden).length") == 0
    assert page.errors == []


def test_a_big_board_shows_each_years_best_and_counts_the_rest(page, tmp_path):
    from kg.export.page_views import BOARD_ROWS
    from tests.export.test_page_facts import big_board_graph

    path = tmp_path / "board.html"
    write_html(big_board_graph(BOARD_ROWS + 5, 3), path)
    page.open(path)
    open_board(page, "D")
    caption = "accuracy (%) · higher is better ↑"
    rows = page.js(ROWS, caption)
    assert len(rows) == BOARD_ROWS + 3 and rows[0][:3] == ["1", "—", f"{64 + BOARD_ROWS}%"]
    assert page.js(ROWS, "Datasets and tasks with results")[0][2] == str(BOARD_ROWS + 8)
    note = page.js("document.getElementById('board-cut').innerText")
    assert note.startswith(f"Shown: the {BOARD_ROWS} best results of each metric per year, "
                           f"{BOARD_ROWS + 3} of {BOARD_ROWS + 8} in all dates")
    assert note.endswith('kg leaderboard BUILD --dataset "D".')
    # 2025 alone: its three results, none cut, and the list counts them
    page.tab.select_option("#from", "2025")
    page.tab.select_option("#to", "2025")
    open_board(page, "D")
    assert [row[2] for row in page.js(ROWS, caption)] == ["12%", "11%", "10%"]
    assert page.js("document.getElementById('board-cut')") is None
    assert page.js(ROWS, "Datasets and tasks with results")[0][2] == "3"
    assert page.errors == []


# ---- the graph ----------------------------------------------------------------------------

def test_graph_reads_at_first_sight(page, example_page):
    page.open(example_page)
    page.tab.click("#tab-graph")
    labelled = page.js("kg.data.labelled")
    assert len(labelled) == 30
    assert "dataset/imagenet" in labelled or page.js("kg.data.nodes.filter(n => n.type !== 'Paper').length") > 30
    legend = page.js("document.getElementById('legend').textContent")
    assert "Size: the number of papers" in legend and "Colour and shape: the node's type" in legend
    tip = page.js("kg.nodes.get('dataset/imagenet').title")
    assert tip.startswith("ImageNet\nDataset · in 2 papers")
    # hovering a node shows its tooltip
    page.js("kg.focusNode('dataset/imagenet')")
    page.tab.wait_for_function(IN_VIEW, arg=["dataset/imagenet"])
    page.tab.wait_for_timeout(400)
    box = page.tab.locator("#graph canvas").bounding_box()
    point = page.js("kg.network.canvasToDOM(kg.network.getPosition('dataset/imagenet'))")
    page.tab.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.tab.wait_for_selector(".vis-tooltip", state="visible")
    assert page.js("document.querySelector('.vis-tooltip').innerText").startswith("ImageNet")
    result = page.js("kg.data.nodes.find(n => n.type === 'Result' && n.name.includes('53.99%')).name")
    assert result.endswith("validation accuracy 53.99% (ZCore, ImageNet)")


def test_focus_fits_the_neighbourhood_and_fit_shows_everything(page, example_build, example_page):
    graph = example_build.graph
    page.open(example_page)
    page.tab.click("#tab-graph")
    accuracy = next(n for n, d in graph.nodes(data=True) if d["type"] == "Metric" and d["name"] == "accuracy")
    page.js("id => kg.focusNode(id)", accuracy)
    page.tab.wait_for_function(IN_VIEW, arg=[accuracy, *nx.all_neighbors(graph, accuracy)])
    page.js("kg.network.moveTo({scale: 8})")
    assert not page.js(IN_VIEW, list(graph.nodes))
    page.tab.click("#fit")
    assert page.js(IN_VIEW, list(graph.nodes))


def test_keyboard_tab_enter_escape_zoom_and_pan(page, example_page):
    page.open(example_page)
    page.tab.keyboard.press("Tab")
    assert page.js("document.activeElement.id") == "tab-overview"
    page.tab.keyboard.press("ArrowRight")
    assert visible_view(page) == ["view-leaderboards"]
    for _ in range(40):                              # Tab on to a name, Enter opens its page
        page.tab.keyboard.press("Tab")
        if page.js("document.activeElement.classList.contains('nodelink') && "
                   "!!document.activeElement.dataset.id"):
            break
    name = page.js("document.activeElement.textContent")
    page.tab.keyboard.press("Enter")
    assert page.js("document.getElementById('details').innerText").startswith(name)
    page.tab.focus("#tab-graph")
    page.tab.keyboard.press("Enter")
    assert visible_view(page) == ["view-graph"]
    page.tab.focus("#graph")
    scale = page.js("kg.network.getScale()")
    page.tab.keyboard.press("+")
    assert page.js("kg.network.getScale()") == pytest.approx(scale * 1.25)
    page.tab.keyboard.press("-")
    page.tab.keyboard.press("-")
    assert page.js("kg.network.getScale()") == pytest.approx(scale * 0.8)
    x, y = page.js("[kg.network.getViewPosition().x, kg.network.getViewPosition().y]")
    page.tab.keyboard.press("ArrowRight")
    page.tab.keyboard.press("ArrowDown")
    moved = page.js("[kg.network.getViewPosition().x, kg.network.getViewPosition().y]")
    assert moved[0] > x and moved[1] > y
    # Escape clears the selection and the dimming
    page.js("kg.focusNode('dataset/imagenet')")
    assert "dataset/imagenet" in page.js("kg.highlighted()")
    page.tab.keyboard.press("Escape")
    assert page.js("kg.network.getSelectedNodes()") == []
    assert page.js("window.kgSelected") is None and page.js("kg.highlighted()") is None
    assert page.js("document.getElementById('details').innerText") == "Click a name to see its details."
    assert page.errors == []


def test_narrow_window_stacks_the_panel_under_the_graph(browser, example_page):
    from tests.export.conftest import Page

    context = browser.new_context(viewport={"width": 400, "height": 800})
    try:
        page = Page(context.new_page()).open(example_page)
        page.tab.click("#tab-graph")
        graph = page.tab.locator("#graph canvas").bounding_box()
        side = page.tab.locator("#side").bounding_box()
        assert graph["width"] >= 380 and graph["height"] >= 300
        assert side["y"] >= graph["y"] + graph["height"] and side["width"] >= 380
        assert page.js("document.documentElement.scrollWidth") <= 400
        screenshot(page, "narrow")
    finally:
        context.close()


def test_badge_text_meets_wcag_aa(page, example_build, example_page):
    page.open(example_page)
    types = {}
    for node, data in example_build.graph.nodes(data=True):
        types.setdefault(data["type"], node)
    assert {"Paper", "Method", "Dataset", "Metric", "Task", "Repository", "Result"} <= set(types)
    for node in types.values():
        page.js("id => kg.showEntity(id)", node)
        colours = page.js("""() => { const s = getComputedStyle(document.querySelector('#details .badge'));
            return [s.color, s.backgroundColor]; }""")
        text, background = (tuple(int(v) for v in c[c.index("(") + 1:-1].split(",")[:3]) for c in colours)
        assert contrast_ratio(text, background) >= 4.5, (node, colours)


def contrast_ratio(a, b) -> float:
    def luminance(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_inputs_are_labelled_and_the_graph_has_a_text_alternative(page, example_page):
    page.open(example_page)
    unlabelled = page.js("""[...document.querySelectorAll('input, select')].filter(i =>
        !(i.labels && i.labels.length) && !i.getAttribute('aria-label')).map(i => i.id || i.outerHTML)""")
    assert unlabelled == []
    page.tab.click("#tab-graph")
    page.tab.click("#graph-text summary")
    page.tab.wait_for_selector("#graph-table table")
    rows = page.js(ROWS, "Nodes drawn")
    assert len(rows) == page.js("kg.data.nodes.length") and ["ImageNet", "Dataset", "2"] == rows[
        [r[0] for r in rows].index("ImageNet")][:3]


def test_title_counts_papers(page, tmp_path):
    import kg

    result = kg.build(records=[{"id": "one", "title": "ResNet on ImageNet", "date": "2023-05-05",
                                "abstract": "We train ResNet on ImageNet and report 76.1% top-1 accuracy."}],
                      out=tmp_path / "out")
    page.open(result.out / "graph.html")
    assert page.js("document.title") == "kg: 1 paper"
    assert page.js("document.getElementById('stats').textContent").startswith("1 paper ·")


# ---- offline and hostile ------------------------------------------------------------------

def test_every_view_works_with_the_network_blocked(browser, example_page):
    from tests.export.conftest import Page

    context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    blocked = []
    context.route(lambda url: not url.startswith("file:"),
                  lambda route: (blocked.append(route.request.url), route.abort()))
    try:
        page = Page(context.new_page()).open(example_page)
        open_board(page, "ImageNet")
        assert page.js(ROWS, zcore_caption(page))[0][1] == "ZCore"
        page.tab.click("#tab-trends")
        assert page.js("document.querySelectorAll('#view-trends rect.bar').length") == 12
        page.tab.click("#tab-overview")
        assert page.js(ROWS, "Top datasets by papers")
        page.tab.click("#tab-graph")
        page.js("kg.focusNode('dataset/imagenet')")
        assert page.js("kg.network.getSelectedNodes()") == ["dataset/imagenet"]
        assert blocked == [] and page.errors == []
        assert all(url.startswith("file://") for url in page.requests)
    finally:
        context.close()


def test_hostile_names_stay_text_in_every_view_and_chart(page, tmp_path):
    graph = hostile_graph()
    path = tmp_path / "hostile.html"
    write_html(graph, path, title=EVIL)
    page.open(path)
    assert page.js("document.title") == EVIL
    page.tab.click("#tab-leaderboards")
    for board in page.js("[...document.querySelectorAll('#view-leaderboards button[data-board]')].map(b => b.dataset.board)"):
        page.js("key => kg.openBoard(key)", board)
        assert "90.1%" in page.js("document.getElementById('board').innerText")
    page.tab.click("#tab-trends")
    for entity_type in ("Method", "Dataset", "Task", "Metric"):
        page.tab.select_option("#trend-type", entity_type)
        assert f"{EVIL}{entity_type}" in page.js(
            "[...document.querySelectorAll('#view-trends .legend-entry title')].map(t => t.textContent)")
    page.tab.click("#tab-graph")
    page.tab.click("#graph-text summary")
    texts = []
    for node in graph.nodes:
        page.js("id => kg.focusNode(id)", node)
        texts.append(page.js("document.getElementById('details').innerText"))
    for view in VIEWS:
        page.tab.click(f"#tab-{view}")
        texts.append(page.js("document.body.innerText"))
    page.tab.hover("#details")
    everything = "\n".join(texts)
    assert f"{EVIL}Method" in everything and "<script>window.__xss=2</script>" in everything
    assert "<b onmouseover=alert(1)>it</b>" in everything
    assert page.js("typeof window.__xss") == "undefined"
    assert page.js("document.querySelectorAll('img, iframe, object, [onerror], [onmouseover]').length") == 0
    assert page.js("document.scripts.length") == 2
    hrefs = page.js("[...document.querySelectorAll('a')].map(a => a.href)")
    assert all(h.startswith("https://paperswithcode.com/") for h in hrefs)
    assert page.errors == []
