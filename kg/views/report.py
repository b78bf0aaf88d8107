"""A report on a build for a reader who has not seen it: what it holds, what the last update
added, the top entities by papers, the leaderboards and the trend charts, in one file
(`kg report OUT -o report.html`, or `--format md`).

HTML: one self-contained page that can be mailed or put on a web site. Nothing is fetched and
nothing runs: no script, the styles inline, the charts inline SVG drawn by matplotlib with
their text as paths (a name in a chart is never markup), every other text escaped by Jinja2's
autoescape, and a Content-Security-Policy that forbids scripts and loads should anything slip
through. The only links are the papers' own (http or https), as plain anchors. Each chart is
followed by its numbers as a table, for screen readers and for mail readers that drop SVG.

Markdown: the same sections and the same rows as tables (cells escaped, `kg.views.text`);
the charts are given as those tables, not as images, so the file stays one file
(`kg trends OUT -o trends.svg` draws a chart).

Everything is read from the build's stores and small files (summary.json, the marker,
previous-build.json) and one pass over extractions.jsonl that decodes only each record's
extractor field, never the graph.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from urllib.parse import quote, urlsplit

import pandas as pd

from kg.graph.model import ENTITY_TYPES
from kg.io import atomic_path
from kg.views.leaderboard import NO_METRIC, leaderboard
from kg.views.previous import MARKER, is_new, read_previous_build
from kg.views.store import ViewError, opened_store, stream_rows
from kg.views.text import group_title, markdown_cell, markdown_table, missing
from kg.views.trends import UNDATED, UNPARSEABLE, Trends, period_of, trends

REPORT_FORMATS = ("html", "md")
CHART_TYPES = ("Method", "Dataset", "Task")  # drawn in the HTML report (Metric: table only)
TEMPLATES = Path(__file__).parent / "templates"
LEADERBOARD_COLUMNS = ["rank", "method", "value", "paper", "date", "sentence"]


@dataclass
class Leaderboard:
    """One leaderboard: a dataset's results for one metric and unit, the best `rows` of them."""

    dataset: str
    metric: str | None  # None: values without a metric (unranked)
    title: str  # `ImageNet · top-1 accuracy, % (higher is better)`
    rows: list[dict]  # rank, method, value, paper, date, sentence, url
    more: int  # results not shown


@dataclass
class Report:
    name: str
    out: Path
    written: str | None
    papers: int
    results: int
    rejected: int
    duplicates: int
    entities: dict[str, int]
    first_date: str | None
    last_date: str | None
    undated: int
    unparseable: int
    extractors: dict[str, int]  # extractor version → papers
    periods: pd.DataFrame  # period, papers
    by: str
    rankings: dict[str, pd.DataFrame]  # type → rank, name, papers, share, trend (top)
    rule: str
    charts: dict[str, Trends] = field(default_factory=dict)
    leaderboards: list[Leaderboard] = field(default_factory=list)
    results_without_dataset: int = 0
    previous: dict | None = None  # previous build: written, papers; None: not an update
    new_entities: pd.DataFrame | None = None  # type, name, id, papers


def build_report(out: str | Path, top: int = 10, rows: int = 10) -> Report:
    """What the report shows: read from the build in `out`. `top`: entities per ranking;
    `rows`: results per leaderboard (the rest counted)."""
    out = Path(out)
    summary = _read_json(out / "summary.json")
    if summary is None:
        raise ViewError(f"no complete build at {out}: summary.json not found or unreadable "
                        f"(run `kg build ... -o {out}` first)")
    found = {label: trends(out, label, top=top) for label in ENTITY_TYPES}
    method = found["Method"]
    attrs = method.periods.attrs
    first, last, results = _dates_and_results(out)
    board = leaderboard(out)
    report = Report(
        name=out.resolve().name, out=out, written=(_read_json(out / MARKER) or {}).get("written"),
        papers=attrs["papers"], results=results, rejected=summary.get("rejected", 0),
        duplicates=summary.get("duplicates", 0),
        entities={k: v for k, v in (summary.get("entities") or {}).items()},
        first_date=first, last_date=last, undated=attrs["undated"],
        unparseable=attrs["unparseable"], extractors=extractor_versions(out / "extractions.jsonl"),
        periods=method.periods, by=attrs["by"],
        rankings={label: t.ranking.head(top) for label, t in found.items()},
        rule=attrs["rule"], charts={label: found[label] for label in CHART_TYPES},
        results_without_dataset=board.attrs.get("results_without_dataset", 0))
    report.leaderboards = leaderboards(out, board, rows)
    previous = read_previous_build(out)
    if previous is not None:
        report.previous = previous
        if previous.get("entities") is not None:
            report.new_entities = new_entities(out, previous)
    return report


def _read_json(path: Path) -> dict | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _dates_and_results(out: Path) -> tuple[str | None, str | None, int]:
    """The first and last paper dates kg can place, and the number of results."""
    with opened_store(out) as connection:
        dates = [date for date, in stream_rows(
            connection, "MATCH (p:Paper) RETURN DISTINCT substring(p.date, 1, 10)")
            if period_of(date, "year") not in (UNDATED, UNPARSEABLE)]
        results = next(stream_rows(connection, "MATCH (r:Result) RETURN count(*)"))[0]
    return (min(dates), max(dates), results) if dates else (None, None, results)


EXTRACTOR_FIELD = re.compile(rb'"extractor":\s*(\{[^{}]*\})')


def extractor_versions(path: Path) -> dict[str, int]:
    """Papers per extractor version (an update keeps the extractions of earlier versions),
    read line by line, decoding only each record's `extractor` object (a text field cannot
    hold `"extractor":` unescaped, so the key's last occurrence is the record's own)."""
    counts: dict[str, int] = {}
    try:
        handle = open(path, "rb")
    except OSError:
        return counts
    with handle:
        for line in handle:
            if not line.strip():
                continue
            found = EXTRACTOR_FIELD.match(line, max(line.rfind(b'"extractor":'), 0))
            version = "unknown"
            if found is not None:
                try:
                    extractor = json.loads(found.group(1))
                    version = f"{extractor.get('name', '?')} {extractor.get('version', '?')}"
                except (ValueError, AttributeError):
                    pass
            counts[version] = counts.get(version, 0) + 1
    return counts


def leaderboards(out: Path, board: pd.DataFrame, rows: int) -> list[Leaderboard]:
    """The leaderboards of `board`, each cut to `rows`: datasets with most papers first, and
    within a dataset the metrics with most results first, values without a metric last."""
    if board.empty:
        return []
    keys = ["dataset", "metric", "unit"]
    groups = list(board.groupby([board[k].fillna("") for k in keys], sort=False))
    shown = pd.concat([group.head(rows) for _, group in groups])
    with opened_store(out) as connection:
        papers = {name: count for name, count in stream_rows(
            connection, "MATCH (d:Dataset) WHERE d.name IN $names RETURN d.name, d.papers",
            {"names": sorted(set(board["dataset"].dropna()))})}
        links = paper_links(connection, sorted(set(shown["paper_id"])))
    found = []
    for (dataset, metric, unit), group in groups:
        direction = group["direction"].iloc[0]
        found.append(Leaderboard(
            dataset=dataset, metric=None if metric == NO_METRIC else metric,
            title=group_title(dataset, metric, unit, direction),
            rows=[{**{k: None if missing(row[k]) else row[k] for k in LEADERBOARD_COLUMNS},
                   "url": links.get(row["paper_id"])} for _, row in group.head(rows).iterrows()],
            more=max(len(group) - rows, 0)))
    order = {name: i for i, name in enumerate(
        sorted(papers, key=lambda name: (-(papers[name] or 0), name.casefold())))}
    return sorted(found, key=lambda b: (order.get(b.dataset, len(order)), not b.metric,
                                        -(len(b.rows) + b.more), b.title.casefold()))


def paper_links(connection, paper_ids: list[str]) -> dict[str, str]:
    """A safe http(s) link for each paper that has one: its URL, else its arXiv or DOI page."""
    query = ("MATCH (p:Paper) WHERE p.id IN $ids "
             "RETURN p.id, p.url, p.arxiv_id, p.doi")
    links = {}
    ids = [f"paper/{paper_id}" for paper_id in paper_ids]
    for paper_id, url, arxiv_id, doi in stream_rows(connection, query, {"ids": ids}):
        candidates = [url, arxiv_id and f"https://arxiv.org/abs/{arxiv_id}",
                      doi and f"https://doi.org/{doi}"]
        link = next((safe for c in candidates if c and (safe := safe_link(c))), None)
        if link:
            links[paper_id.removeprefix("paper/")] = link
    return links


# characters left as they are in a link; the rest (quotes, brackets, spaces, `<>`) are
# percent-encoded, so a link is one token in HTML and in Markdown
LINK_SAFE = ":/?#@!$&*+,;=%~-._"


def safe_link(url: str) -> str | None:
    """`url` when it is an http(s) URL with a host, percent-encoded; None otherwise."""
    url = str(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=LINK_SAFE)


def new_entities(out: Path, previous: dict) -> pd.DataFrame:
    """The entities of this build that the previous one did not hold (`kg.views.previous`),
    most papers first."""
    rows = []
    with opened_store(out) as connection:
        for label in ENTITY_TYPES:
            query = f"MATCH (e:{label}) RETURN e.id, e.name, e.aliases, e.papers"
            for entity_id, name, aliases, papers in stream_rows(connection, query):
                if is_new(previous, label, entity_id, [name, *(aliases or [])]):
                    rows.append((label, name, entity_id, papers or 0))
    frame = pd.DataFrame(rows, columns=["type", "name", "id", "papers"])
    order = {label: i for i, label in enumerate(ENTITY_TYPES)}
    return frame.sort_values(["type", "papers", "name"], ascending=[True, False, True],
                             key=lambda c: c.map(order) if c.name == "type" else (
                                 c.str.casefold() if c.name == "name" else c),
                             kind="stable").reset_index(drop=True)


# HTML


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page (Jinja2, autoescaped)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(percent=percent, number=number, text=cell_text)
    charts = [(label, Markup(chart_svg(result, f"chart-{label.lower()}-")),
               share_rows(result)) for label, result in report.charts.items()
              if not result.series.empty]
    return environment.get_template("report.html.j2").render(
        report=report, holds=holds(report), charts=charts, rows_of=frame_rows,
        previous_line=previous_line(report) if report.previous is not None else None,
        more_line=more_line, leaderboard_columns=LEADERBOARD_COLUMNS)


def percent(value) -> str:
    return "" if missing(value) else f"{value:.1%}"


def number(value) -> str:
    return "" if missing(value) else f"{int(value):,}"


def cell_text(value) -> str:
    return "" if missing(value) else str(value)


def frame_rows(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).to_dict(orient="records")


def share_rows(result: Trends) -> tuple[list[str], list[list]]:
    """The chart's numbers: each period's papers, and each top entity's papers (share)."""
    from kg.views.charts import share_table

    names = list(dict.fromkeys(result.series["name"]))
    table = share_table(result, names)
    return ["period", "papers", *names], [list(row) for row in table.itertuples(index=False)]


# what of matplotlib's SVG is left out of the page: its prologue, comments (they hold the
# texts drawn as paths) and metadata (the creator's URL)
SVG_START = re.compile(r"<svg\b")
SVG_COMMENT = re.compile(r"<!--.*?-->", re.S)
SVG_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)
SVG_ID = re.compile(r'\bid="([^"]+)"')
SVG_REFERENCE = re.compile(r'(\bxlink:href="#|\bhref="#|url\(#)([^")]+)')
SVG_UNSAFE = re.compile(r"<script|<foreignObject|\bon\w+\s*=|\bhref=\"(?!#)", re.I)


def chart_svg(result: Trends, prefix: str) -> str:
    """The trend chart (`kg.views.charts.draw_trends`) as an `<svg>` element to put in a page:
    text drawn as paths, ids prefixed with `prefix` (several charts share one page), nothing
    but shapes and internal references."""
    import matplotlib

    from kg.views.charts import draw_trends

    buffer = StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "kg-report"}):
        draw_trends(result).savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[SVG_START.search(svg).start():]
    svg = SVG_METADATA.sub("", SVG_COMMENT.sub("", svg))
    svg = SVG_ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = SVG_REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)
    if SVG_UNSAFE.search(svg):  # matplotlib writes none of these; a page never carries one
        raise ViewError("the trend chart holds an element or link a report does not carry")
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


# Markdown


def render_markdown(report: Report) -> str:
    """The report as Markdown: the same sections and rows as the HTML, charts as tables."""
    parts = [f"# kg report: {markdown_cell(report.name)}", "", "## What this build holds", "",
             *(f"- {what}: {markdown_cell(value)}" for what, value in holds(report))]
    parts += ["", "## New since the previous build", "", *markdown_new(report)]
    parts += ["", "## Rankings by papers", ""]
    for label, ranking in report.rankings.items():
        parts += [f"### {label}", "", markdown_table(
            ["rank", "name", "papers", "share", "trend"],
            [[r["rank"], r["name"], r["papers"], percent(r["share"]), r["trend"]]
             for r in frame_rows(ranking)]) if not ranking.empty else "none", ""]
    parts += [f"Trend: {markdown_cell(report.rule)}.", "", f"## Papers per {report.by}", ""]
    parts += [markdown_table([report.by, "papers"], report.periods.itertuples(index=False)), ""]
    parts += [f"## Trends: the top entities' papers per {report.by} (share)", ""]
    for label, result in report.charts.items():
        if result.series.empty:
            continue
        columns, rows = share_rows(result)
        parts += [f"### {label}", "", markdown_table(columns, rows), ""]
    parts += ["## Leaderboards", "", *markdown_leaderboards(report)]
    return "\n".join(parts).rstrip() + "\n"


def holds(report: Report) -> list[tuple[str, str]]:
    """What the build holds, as (what, how many) lines."""
    span = (f"{report.first_date} to {report.last_date}" if report.first_date
            else "no dated paper")
    entities = ", ".join(f"{count:,} {label}" for label, count in report.entities.items())
    versions = "; ".join(f"{version} ({count:,} papers)"
                         for version, count in report.extractors.items()) or "unknown"
    return [
        ("papers", f"{report.papers:,}"),
        ("rejected records", f"{report.rejected:,} (of which duplicates: {report.duplicates:,})"),
        ("entities", entities or "none"),
        ("results", f"{report.results:,} ({report.results_without_dataset:,} tied to no dataset)"),
        ("dates", f"{span}; {report.undated:,} papers without a date, {report.unparseable:,} "
                  f"with a date kg cannot place"),
        ("extractor", versions),
        ("built", report.written or "unknown")]


def markdown_new(report: Report) -> list[str]:
    if report.previous is None:
        return ["Not an update: this build was made from scratch (`kg build --update` records "
                "what the build held before)."]
    lines = [markdown_cell(previous_line(report)), ""]
    if report.new_entities is not None and not report.new_entities.empty:
        lines.append(markdown_table(["type", "name", "papers"],
                                    report.new_entities[["type", "name", "papers"]].itertuples(
                                        index=False)))
    return lines


def previous_line(report: Report) -> str:
    previous = report.previous or {}
    before = previous.get("papers")
    added = f"{report.papers - before:+,} papers" if before is not None else "papers unknown"
    line = (f"Previous build: written {previous.get('written') or 'at an unknown time'}, "
            f"{before if before is not None else 'unknown'} papers; this build: {added}")
    if report.new_entities is None:
        return line + f"; its entities were not recorded ({previous.get('reason', 'unknown')})."
    return line + f", {len(report.new_entities):,} new entities."


def markdown_leaderboards(report: Report) -> list[str]:
    if not report.leaderboards:
        return ["No result is tied to a dataset in this build."]
    lines = []
    header = ["| " + " | ".join(LEADERBOARD_COLUMNS) + " |", "|" + "---|" * len(LEADERBOARD_COLUMNS)]
    for board in report.leaderboards:
        rows = ["| " + " | ".join(paper_markdown(row) if k == "paper" else markdown_cell(row[k])
                                  for k in LEADERBOARD_COLUMNS) + " |" for row in board.rows]
        lines += [f"### {markdown_cell(board.title)}", "", *header, *rows, ""]
        if board.more:
            lines += [markdown_cell(more_line(report, board)), ""]
    return lines


def paper_markdown(row: dict) -> str:
    """The paper's title, escaped, as a link to the paper when it has a safe one (`safe_link`
    leaves no bracket, space or `|` in it)."""
    title = markdown_cell(row["paper"])
    return f"[{title}]({row['url']})" if row.get("url") else title


def more_line(report: Report, board: Leaderboard) -> str:
    return (f"{board.more:,} more: kg leaderboard {report.name} --dataset "
            f"{json.dumps(board.dataset, ensure_ascii=False)}")


def write_report(out: str | Path, output: str | Path, fmt: str = "html", top: int = 10,
                 rows: int = 10) -> Path:
    """Write the report on the build in `out` to `output` (`html` or `md`), atomically."""
    if fmt not in REPORT_FORMATS:
        raise ViewError(f"unknown report format {fmt!r}: use {', '.join(REPORT_FORMATS)}")
    report = build_report(out, top=top, rows=rows)
    text = render_html(report) if fmt == "html" else render_markdown(report)
    output = Path(output)
    with atomic_path(output) as temp:
        Path(temp).write_text(text, encoding="utf-8")
    return output
