"""`kg report`: one self-contained page (or Markdown) with what a build holds, what its last
update added, rankings, leaderboards and trend charts; hostile names stay text, nothing is
fetched, nothing runs (checked in a real Chromium with the network blocked).
`KG_SCREENSHOTS=docs/screenshots` saves a picture of the report (for the README)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from kg.link.names import name_key
from kg.views.report import safe_link, write_report
from kg.views.store import opened_store, stream_rows
from kg.views.trends import papers_per_period
from tests.views.conftest import HOSTILE_TITLE, SMALL_PAPERS, run_kg
from tests.views.test_leaderboard import ZCORE_SENTENCE

lxml_html = pytest.importorskip("lxml.html", reason="lxml is in the [test] extra")

HOSTILE_METHOD = "<img src=x onerror=alert(1)>"
HOSTILE_DATASET = "<svg onload=alert(2)>"
HOSTILE_PAPER = "<img src=x onerror=alert(3)> for CIFAR-100"
UPDATE_PAPERS = [*SMALL_PAPERS[3:], {
    "id": "p8", "title": HOSTILE_PAPER, "date": "2022-05-05",
    "abstract": "On CIFAR-100, ResNeXt reaches 85.1% top-1 accuracy."}]
ENTITY_TYPES = ("Method", "Dataset", "Metric", "Task")


def parsed(path: Path):
    return lxml_html.parse(str(path)).getroot()


def text(element) -> str:
    return " ".join(element.text_content().split())


def table_rows(table) -> list[list[str]]:
    return [[text(cell) for cell in row.xpath("./td")] for row in table.xpath("./tbody/tr")]


def store_entities(out: Path) -> dict[str, dict[str, list[str]]]:
    """Each type's entities in the build's store: id → its name and aliases."""
    with opened_store(out) as connection:
        return {label: {entity_id: [name, *(aliases or [])] for entity_id, name, aliases in
                        stream_rows(connection, f"MATCH (e:{label}) RETURN e.id, e.name, e.aliases")}
                for label in ENTITY_TYPES}


@pytest.fixture(scope="module")
def example_report(example_build, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    return (write_report(example_build.out, folder / "report.html"),
            write_report(example_build.out, folder / "report.md", "md"))


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """A build of three papers whose FastFormer is renamed to a hostile name, updated with five
    more (a hostile title, and Penn Treebank renamed to another); the stores' entities before
    and after the update, and both reports."""
    import kg

    folder = tmp_path_factory.mktemp("report-update")
    aliases = folder / "aliases.yaml"
    aliases.write_text(json.dumps({"rename": {"FastFormer": HOSTILE_METHOD,
                                              "Penn Treebank": HOSTILE_DATASET}}))
    out = folder / "out"
    kg.build(records=SMALL_PAPERS[:3], out=out, aliases=aliases)
    before = store_entities(out)
    kg.build(records=UPDATE_PAPERS, out=out, update=True)
    return {"out": out, "before": before, "after": store_entities(out),
            "html": write_report(out, folder / "report.html"),
            "md": write_report(out, folder / "report.md", "md")}


def test_imagenet_leaderboard_names_zcore_53_99_percent_with_its_sentence(example_report):
    document = parsed(example_report[0])
    boards = document.xpath('//table[@class="leaderboard"][@data-dataset="ImageNet"]')
    rows = [row for board in boards for row in table_rows(board)]
    assert ["1", "ZCore", "53.99%", "Zero-Shot Coreset Selection via Iterative Subspace Sampling",
            "2024-11-22", ZCORE_SENTENCE] in rows
    title = text(boards[0].xpath("preceding::h3[1]")[0])
    assert title.startswith("ImageNet · ") and title.endswith("(higher is better)")


def test_datasets_are_ranked_by_papers_as_the_store_counts_them(example_report, example_build):
    ranking = parsed(example_report[0]).xpath('//table[@class="ranking"][@data-type="Dataset"]')[0]
    rows = table_rows(ranking)
    with opened_store(example_build.out) as connection:
        papers = dict(stream_rows(connection, "MATCH (d:Dataset) RETURN d.name, d.papers"))
    counts = [int(row[2]) for row in rows]
    assert [row[0] for row in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert counts == sorted(papers.values(), reverse=True)[:len(rows)]
    assert all(papers[row[1]] == int(row[2]) for row in rows)
    assert rows[0][2] == "2" and {"ImageNet", "CIFAR-10", "MNIST"} <= {row[1] for row in rows[:3]}


def test_papers_per_year_from_2014_to_2025(example_report, example_build):
    document = parsed(example_report[0])
    rows = table_rows(document.xpath('//table[@class="periods"]')[0])
    assert [row[0] for row in rows] == [str(year) for year in range(2014, 2026)]
    expected = papers_per_period(example_build.out, "year")
    assert [int(row[1]) for row in rows] == expected["papers"].tolist()
    assert sum(int(row[1]) for row in rows) == 44
    charts = document.xpath('//section[@id="trends"]//figure')
    assert len(charts) == 3 and all(chart.xpath(".//svg") for chart in charts)
    years = [row[0] for row in table_rows(charts[0].xpath(".//table")[0])]
    assert years == [str(year) for year in range(2014, 2026)]


def test_what_the_build_holds_and_no_update_said(example_report, example_build):
    document = parsed(example_report[0])
    holds = {text(row.xpath("./th")[0]): text(row.xpath("./td")[0])
             for row in document.xpath('//section[@id="holds"]//tr')}
    assert holds["papers"] == "44"
    assert holds["rejected records"] == "0 (of which duplicates: 0)"
    assert holds["dates"].startswith("2014-09-10 to 2025-12-12")
    version = json.loads((example_build.out / "extractions.jsonl").open().readline())["extractor"]
    assert holds["extractor"] == f"{version['name']} {version['version']} (44 papers)"
    summary = example_build.summary.entities
    assert f"{summary['Dataset']} Dataset" in holds["entities"]
    assert "Not an update" in text(document.xpath('//section[@id="new"]')[0])


def test_the_page_fetches_nothing_and_runs_nothing(example_report, updated):
    for path in (example_report[0], updated["html"]):
        source = path.read_text(encoding="utf-8")
        assert "<script" not in source.lower()
        document = parsed(path)
        assert not document.xpath("//script | //img | //iframe | //object | //embed | //link"
                                  " | //style[@src] | //*[@src]")
        for element in document.iter():
            if not isinstance(element.tag, str):
                continue
            assert not [name for name in element.attrib if name.lower().startswith("on")]
            for name in ("href", "xlink:href"):
                link = element.get(name)
                if link is not None and not link.startswith("#"):  # papers' own links only
                    assert element.tag == "a" and re.match(r"https?://", link), (element.tag, link)
        policy = document.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
        assert policy and "default-src 'none'" in policy[0]


def test_hostile_titles_and_names_stay_text(updated):
    document = parsed(updated["html"])
    cells = [text(cell) for cell in document.xpath("//td | //th")]
    for hostile in (HOSTILE_METHOD, HOSTILE_DATASET, HOSTILE_PAPER, " ".join(HOSTILE_TITLE.split())):
        assert hostile in cells, hostile
    assert not document.xpath("//img | //script")
    assert not document.xpath("//svg[@onload] | //*[@onerror]")
    markdown = updated["md"].read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)[<>]", markdown)  # every angle bracket escaped
    assert r"\<img src=x onerror=alert(1)\>" in markdown


def test_in_chromium_nothing_is_requested_no_dialog_and_names_are_text(browser, updated):  # noqa: F811
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        tab = context.new_page()
        requests, dialogs, errors = [], [], []
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            "file:") else route.abort())
        tab.on("request", lambda request: requests.append(request.url))
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(updated["html"].resolve().as_uri())
        tab.wait_for_load_state("load")
        assert requests == [updated["html"].resolve().as_uri()]
        assert dialogs == [] and errors == []
        assert tab.evaluate("document.querySelectorAll('img, script, iframe').length") == 0
        cells = tab.evaluate("[...document.querySelectorAll('td')].map(c => c.textContent)")
        assert HOSTILE_METHOD in cells and HOSTILE_DATASET in cells and HOSTILE_PAPER in cells
        charts = tab.evaluate("[...document.querySelectorAll('figure svg')].map(s => "
                              "s.getBoundingClientRect().width)")
        assert len(charts) == 3 and all(width > 500 for width in charts)
        if folder := os.environ.get("KG_SCREENSHOTS"):
            Path(folder).mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(Path(folder) / "report.png"), full_page=True)
    finally:
        context.close()


def test_an_update_report_lists_exactly_the_new_entities(updated):
    before, after = updated["before"], updated["after"]
    old_keys = {label: {name_key(n) for names in before[label].values() for n in names}
                for label in ENTITY_TYPES}
    expected = {(label, names[0]) for label in ENTITY_TYPES
                for entity_id, names in after[label].items()
                if entity_id not in before[label]
                and not {name_key(n) for n in names} & old_keys[label]}
    table = parsed(updated["html"]).xpath('//table[@class="new-entities"]')[0]
    listed = [(row[0], row[1]) for row in table_rows(table)]
    assert len(listed) == len(set(listed))
    assert set(listed) == expected
    assert {("Dataset", "CIFAR-100"), ("Dataset", HOSTILE_DATASET)} <= expected
    assert not {("Dataset", "ImageNet"), ("Method", HOSTILE_METHOD)} & expected
    intro = text(parsed(updated["html"]).xpath('//section[@id="new"]/p')[0])
    assert f"3 papers; this build: +5 papers, {len(expected)} new entities" in intro
    previous = json.loads((updated["out"] / "previous-build.json").read_text())
    assert previous["papers"] == 3
    assert "previous-build.json" in json.loads((updated["out"] / ".kg-build.json").read_text())["files"]


def markdown_leaderboard_rows(markdown: str) -> list[list[str]]:
    """The cells of the leaderboard tables of a Markdown report, escapes and links undone."""
    section = markdown.split("## Leaderboards", 1)[1]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| rank |"):
            continue
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([re.sub(r"\\(.)", r"\1", re.sub(r"^\[(.*)\]\(https?://[^)\s]*\)$", r"\1",
                                                    cell.strip())) for cell in cells])
    return rows


def test_markdown_holds_the_same_leaderboard_rows(example_report, updated):
    for html, markdown in (example_report, (updated["html"], updated["md"])):
        boards = parsed(html).xpath('//table[@class="leaderboard"]')
        rows = [row for board in boards for row in table_rows(board)]
        assert rows and markdown_leaderboard_rows(markdown.read_text(encoding="utf-8")) == rows
    text_md = example_report[1].read_text(encoding="utf-8")
    assert "| 2014 | 2 |" in text_md and "| 2025 | 13 |" in text_md


def test_leaderboards_are_cut_to_rows_and_the_rest_counted(updated, tmp_path):
    path = write_report(updated["out"], tmp_path / "r.html", rows=1)
    document = parsed(path)
    for board in document.xpath('//table[@class="leaderboard"]'):
        assert len(table_rows(board)) == 1
    notes = [text(p) for p in document.xpath('//section[@id="leaderboards"]/p')]
    assert any(re.match(r"1 more: kg leaderboard out --dataset \"ImageNet\"", n) for n in notes)


def test_only_http_links_survive():
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("data:text/html,<b>") is None
    assert safe_link("https://arxiv.org/abs/2411.15349") == "https://arxiv.org/abs/2411.15349"
    assert safe_link('https://x.org/a b"<c>(d)|') == "https://x.org/a%20b%22%3Cc%3E%28d%29%7C"


def test_command_writes_html_or_md_and_fails_in_one_line(example_build, tmp_path):
    done = run_kg("report", example_build.out, "-o", tmp_path / "r.md")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.md").read_text().startswith("# kg report: out")
    done = run_kg("report", example_build.out, "-o", tmp_path / "r.html", "--top", "3")
    assert done.returncode == 0, done.stderr
    ranking = parsed(tmp_path / "r.html").xpath('//table[@class="ranking"][@data-type="Method"]')[0]
    assert len(table_rows(ranking)) == 3
    (tmp_path / "file").write_text("not a folder")
    for args, says in [((tmp_path / "missing", "-o", tmp_path / "x.html"), "no build at"),
                       ((example_build.out, "-o", tmp_path / "file" / "x.html"), "cannot write"),
                       ((example_build.out, "-o", tmp_path), "it is a folder"),
                       ((example_build.out, "--format", "pdf"), "unknown --format")]:
        done = run_kg("report", *args)
        assert done.returncode == 2 and done.stderr.startswith("kg: error: ") and says in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not list(tmp_path.glob("x.html")) and (tmp_path / "file").read_text() == "not a folder"


def test_api_report(example_build, tmp_path):
    path = example_build.report(tmp_path / "api.md", fmt="md")
    assert path.read_text(encoding="utf-8").count("| ZCore | 53.99% |") == 1


def test_extractor_versions_are_counted_from_each_records_own_field(tmp_path):
    from kg.views.report import extractor_versions

    records = [{"id": "a", "title": 'a title with "extractor": {"name": "x"} in it',
                "extractor": {"name": "kg-extract", "version": "0.1.0+old"}},
               {"id": "b", "title": "b", "extractor": {"name": "kg-extract", "version": "0.2.0"}},
               {"id": "c", "title": "c", "extractor": {"name": "kg-extract", "version": "0.2.0"}},
               {"id": "d", "title": "d"}]
    path = tmp_path / "extractions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "\n")
    assert extractor_versions(path) == {"kg-extract 0.1.0+old": 1, "kg-extract 0.2.0": 2,
                                        "unknown": 1}


SPACY_LOADED = """
import sys
from kg.cli import main
sys.argv = ["kg", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
print("spacy" in sys.modules)
"""


@pytest.mark.parametrize("command", [["leaderboard", "--format", "csv"], ["trends"],
                                     ["report", "-o", "{tmp}/r.md"]])
def test_the_views_do_not_import_the_extraction_pipeline(example_build, tmp_path, command):
    """The views read the stores: importing spaCy (through kg.api) would cost seconds a run."""
    import subprocess
    import sys

    args = [command[0], str(example_build.out), *(a.format(tmp=tmp_path) for a in command[1:])]
    done = subprocess.run([sys.executable, "-c", SPACY_LOADED, *args], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_leaderboards_go_by_dataset_papers_with_unranked_values_last(example_report, example_build):
    titles = [text(h3) for h3 in parsed(example_report[0]).xpath('//section[@id="leaderboards"]/h3')]
    datasets = [title.split(" · ")[0] for title in titles]
    assert datasets[0] == "ImageNet"  # 2 papers; the others 1
    assert all(datasets.index(d) == i or datasets[i - 1] == d for i, d in enumerate(datasets))
    for dataset in set(datasets):
        unranked = [" (no metric)" in t for t, d in zip(titles, datasets) if d == dataset]
        assert unranked == sorted(unranked)  # unranked boards after the ranked ones
