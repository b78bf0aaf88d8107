"""Rankings and trends: papers per period on the example listing (2014 to 2025), shares, the
rising/falling rule, undated papers counted, and the chart and table files."""

from __future__ import annotations

import csv
import io
import re
import struct

import pandas as pd
import pytest

from kg.views.charts import draw_trends, write_trends
from kg.views.store import ViewError
from kg.views.trends import (UNDATED, UNPARSEABLE, Trends, movers, papers_per_period, period_of,
                             trends, windows)
from tests.views.conftest import run_kg

# the dates of examples/hf-daily-papers.txt, by year
EXAMPLE_YEARS = {"2014": 2, "2015": 2, "2016": 0, "2017": 2, "2018": 0, "2019": 1, "2020": 2,
                 "2021": 1, "2022": 3, "2023": 6, "2024": 12, "2025": 13}


def test_example_papers_per_year_from_2014_to_2025(example_build):
    periods = papers_per_period(example_build.out)
    assert periods.attrs["by"] == "year"  # the listing spans eleven years: years, not months
    assert dict(zip(periods["period"], periods["papers"])) == EXAMPLE_YEARS
    assert [periods.attrs[k] for k in ("papers", "dated", "undated", "unparseable")] == [44, 44, 0, 0]


def test_by_month_lists_every_month_between_the_first_and_last_paper(example_build):
    periods = papers_per_period(example_build.out, by="month")
    assert periods["period"].iloc[0] == "2014-09" and periods["period"].iloc[-1] == "2025-12"
    assert len(periods) == (2025 - 2014) * 12 + 12 - 9 + 1
    assert periods["papers"].sum() == 44
    assert periods.set_index("period").loc["2024-11", "papers"] >= 1  # ZCore, 2024-11-22


def test_ranking_counts_papers_and_shares_and_follows_the_stated_rule(example_build):
    result = example_build.trends("Method", top=5)
    ranking = result.ranking
    assert ranking["rank"].iloc[:5].tolist() == [1, 2, 3, 4, 5]
    assert ranking["papers"].iloc[:5].is_monotonic_decreasing
    graph_papers = example_build.cypher(
        "MATCH (p:Paper)-[]->(m:Method) RETURN m.name AS name, count(*) AS papers")
    assert dict(zip(ranking["name"], ranking["papers"])).items() <= \
        dict(zip(graph_papers["name"], graph_papers["papers"])).items()
    assert (ranking["share"] == ranking["papers"] / 44).all()
    # which methods the extractor keeps changes as it is reworked: the trends follow the store
    judged = ranking[ranking["trend"] != ""]
    assert len(judged) >= 3 and set(judged["trend"]) <= {"rising", "falling", "steady"}
    new = judged[(judged["former_share"] == 0) & (judged["latter_share"] > 0.01)]
    assert len(new) and (new["trend"] == "rising").all()  # absent before 2021, present since
    for row in ranking.itertuples():  # the rule of RULE, checked on every judged row
        if row.dated_papers < 3:
            assert row.trend == ""
        elif row.latter_share >= 1.5 * row.former_share and row.latter_share - row.former_share >= 0.01:
            assert row.trend == "rising"
        elif row.former_share >= 1.5 * row.latter_share and row.former_share - row.latter_share >= 0.01:
            assert row.trend == "falling"
        else:
            assert row.trend == "steady"
    assert ranking.attrs["rule"].startswith(  # five years with papers against the five before
        "rising: share of the papers in 2021–2025 >= 1.5 x the share in 2014–2020")


def test_series_gives_each_top_entity_its_papers_and_share_per_year(example_build):
    result = trends(example_build.out, "Method", top=3)
    series = result.series
    assert series["name"].unique().tolist() == result.ranking["name"].head(3).tolist()
    first = series[series["name"] == result.ranking["name"].iloc[0]]
    assert first["period"].tolist() == list(EXAMPLE_YEARS)  # no undated rows: none undated
    assert first["papers"].sum() == result.ranking["papers"].iloc[0]
    assert first["period_papers"].tolist() == list(EXAMPLE_YEARS.values())
    dated = first[first["period_papers"] > 0]
    assert (dated["share"] == dated["papers"] / dated["period_papers"]).all()
    assert first[first["period_papers"] == 0]["share"].isna().all()


def test_undated_and_unparseable_dates_are_counted_not_dropped(small_build):
    by_month = papers_per_period(small_build.out)
    assert by_month.attrs["by"] == "month"  # 2020-01 to 2021-06: under three years
    assert [by_month.attrs[k] for k in ("papers", "dated", "undated", "unparseable")] == [7, 4, 1, 2]
    assert by_month["period"].iloc[0] == "2020-01" and by_month["period"].iloc[-1] == "2021-06"
    by_year = papers_per_period(small_build.out, by="year")  # `2021` has a year, not a month
    assert dict(zip(by_year["period"], by_year["papers"])) == {"2020": 2, "2021": 3}
    assert (by_year.attrs["undated"], by_year.attrs["unparseable"]) == (1, 1)
    series = trends(small_build.out, "Method", top=5, by="year").series
    cnn = series[series["name"] == "CNN"].set_index("period")
    assert cnn.loc[UNDATED, "papers"] == 1 and cnn.loc[UNDATED, "period_papers"] == 1
    assert pd.isna(cnn.loc[UNDATED, "share"])
    assert cnn["papers"].sum() == trends(small_build.out, "Method", top=5).ranking.set_index(
        "name").loc["CNN", "papers"]


@pytest.mark.parametrize(("date", "by", "period"), [
    ("2024-11-22", "year", "2024"), ("2024-11-22", "month", "2024-11"), ("2024-3", "month", "2024-03"),
    ("2024", "year", "2024"), ("2024", "month", UNPARSEABLE), (None, "year", UNDATED),
    ("", "month", UNDATED), ("May 2019", "year", UNPARSEABLE), ("0001-01-01", "year", UNPARSEABLE),
    ("2024-13-01", "month", UNPARSEABLE)])
def test_period_of(date, by, period):
    assert period_of(date, by) == period


def test_bad_arguments_are_view_errors(example_build):
    with pytest.raises(ViewError, match="unknown type 'Paper'"):
        trends(example_build.out, "Paper")
    with pytest.raises(ViewError, match="unknown period 'week'"):
        papers_per_period(example_build.out, by="week")


def test_command_draws_a_png_and_an_svg_and_writes_the_csv(example_build, tmp_path):
    png = tmp_path / "trends.png"
    done = run_kg("trends", example_build.out, "-o", png)
    assert done.returncode == 0, done.stderr
    assert "44 papers, 44 dated by year; 0 without a date, 0 with a date that cannot be placed" in done.stdout
    printed = dict(re.findall(r"^│ (\d{4}) +│ (\d+) +│", done.stdout, re.M))
    assert printed == {year: str(count) for year, count in EXAMPLE_YEARS.items()}
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 840) and len(data) > 20_000
    assert not list(tmp_path.glob(".*"))  # written atomically: no temporary left

    svg = tmp_path / "trends.svg"
    assert run_kg("trends", example_build.out, "--type", "task", "--top", "3", "-o", svg).returncode == 0
    text = svg.read_text()
    assert text.startswith("<?xml") and "<svg" in text and "Papers per year" in text.replace("\u00a0", " ")

    table = tmp_path / "trends.csv"
    assert run_kg("trends", example_build.out, "--top", "2", "-o", table).returncode == 0
    rows = list(csv.DictReader(io.StringIO(table.read_text())))
    assert list(rows[0]) == ["period", "name", "id", "papers", "period_papers", "share"]
    first = [r for r in rows if r["name"] == rows[0]["name"]]
    assert [r["period"] for r in first] == list(EXAMPLE_YEARS)
    assert sum(int(r["period_papers"]) for r in first) == 44


def test_command_says_how_many_papers_have_no_usable_date(small_build, tmp_path):
    done = run_kg("trends", small_build.out, "--by", "year", "-o", tmp_path / "t.csv")
    assert done.returncode == 0, done.stderr
    assert "7 papers, 5 dated by year; 1 without a date, 1 with a date that cannot be placed" in done.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text())))
    assert {r["period"] for r in rows} >= {"2020", "2021", UNDATED}


@pytest.mark.parametrize(("args", "message"), [
    (["--type", "Paper"], "kg: error: unknown --type 'Paper': use Method, Dataset, Task, Metric"),
    (["--by", "week"], "kg: error: unknown --by 'week': use year or month"),
    (["-o", "trends.gif"], "kg: error: cannot write trends.gif: give a .png, .svg or .csv file"),
])
def test_command_errors_are_one_line_with_exit_2(example_build, args, message):
    done = run_kg("trends", example_build.out, *args)
    assert done.returncode == 2 and done.stderr.strip() == message and done.stdout == ""


def test_command_refuses_an_unwritable_output_in_one_line(example_build, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    done = run_kg("trends", example_build.out, "-o", blocked / "trends.png")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith(f"kg: error: cannot write {blocked / 'trends.png'}")


def test_chart_keeps_hostile_names_as_text(tmp_path):
    names = ["_private", "costs $5 and $x^2$", "[bold]x[/bold] <script>"]
    periods = pd.DataFrame({"period": ["2020", "2021"], "papers": [4, 2]})
    periods.attrs.update(by="year", type="Method", papers=7, dated=6, undated=1, unparseable=0)
    series = pd.DataFrame([(p, n, f"method/{i}", 1, total, 1 / total)
                           for i, n in enumerate(names) for p, total in (("2020", 4), ("2021", 2))],
                          columns=["period", "name", "id", "papers", "period_papers", "share"])
    result = Trends(periods, pd.DataFrame(), series)
    figure = draw_trends(result)
    legend = figure.axes[1].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == [
        "_private", r"costs \$5 and \$x^2\$", "[bold]x[/bold] <script>"]
    assert "1 without a date" in figure.axes[1].get_xlabel()
    data = write_trends(result, tmp_path / "hostile.png").read_bytes()  # drawn: no mathtext error
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_movers_lists_the_largest_changes_of_a_trend_first():
    ranking = pd.DataFrame({"rank": [1, 2, 3, 4], "name": list("abcd"), "papers": [9, 5, 4, 3],
                            "former_share": [0.1, 0.0, 0.3, 0.02], "latter_share": [0.2, 0.3, 0.1, 0.1],
                            "trend": ["rising", "rising", "falling", "rising"]})
    assert movers(ranking, "rising", 2)["name"].tolist() == ["b", "a"]
    assert movers(ranking, "falling")["name"].tolist() == ["c"]


def test_windows_compare_the_recent_periods_with_papers_with_as_many_before():
    def frame(papers: dict, by: str = "year") -> pd.DataFrame:
        result = pd.DataFrame({"period": list(papers), "papers": list(papers.values())})
        result.attrs["by"] = by
        return result

    years = {str(y): 0 if 2020 <= y <= 2024 else 10 for y in range(1994, 2027)}
    assert windows(frame(years)) == (["2012", "2013", "2014", "2015", "2016"],
                                     ["2017", "2018", "2019", "2025", "2026"])  # empty years skipped
    assert windows(frame({"2020": 1, "2021": 0, "2022": 4, "2023": 2})) == (["2022"], ["2023"])
    assert windows(frame({"2020": 1, "2021": 5, "2022": 4})) == (["2021"], ["2022"])  # 2020 left out
    assert windows(frame({"2020": 3})) == ([], [])
    months = {f"2024-{m:02d}": 1 for m in range(1, 13)} | {f"2025-{m:02d}": 1 for m in range(1, 13)}
    earlier, recent = windows(frame({"2023-12": 1} | months, "month"))
    assert (earlier[0], earlier[-1], recent[0], recent[-1]) == ("2024-01", "2024-12", "2025-01", "2025-12")
