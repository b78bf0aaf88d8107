"""The page's Overview, Leaderboards and Trends data, gathered from the build's walk: the same
figures as `kg leaderboard` and `kg trends` read from the store."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kg.export.html import page_data
from kg.export.page_views import result_label, view_facts
from kg.views.leaderboard import leaderboard
from kg.views.trends import papers_per_period, trends


def plain(*values):
    return tuple(None if not isinstance(v, str) and pd.isna(v) else v for v in values)


def test_result_label_names_metric_value_method_and_dataset():
    assert result_label("accuracy", "53.99%", "ZCore", "ImageNet") == "accuracy 53.99% (ZCore, ImageNet)"
    assert result_label(None, "10%", None, "ImageNet") == "10% (ImageNet)"
    assert result_label("BLEU", "41.0", None, None) == "BLEU 41.0"
    assert result_label(None, None, None, None) == "result"


def test_leaderboards_match_kg_leaderboard(example_build):
    facts = view_facts(example_build.walk())
    boards = {board["name"]: board for board in facts["leaderboards"]["Dataset"]}
    cli = leaderboard(example_build.out)
    assert set(boards) == set(cli["dataset"])
    for name, board in boards.items():
        expected = cli[cli["dataset"] == name]
        assert [plain(r["metric"], r["rank"], r["value"], r["method"], r["sentence"])
                for r in board["rows"]] == [plain(r.metric, r.rank, r.value, r.method, r.sentence)
                                            for r in expected.itertuples()]
    zcore = boards["ImageNet"]["rows"][0]
    assert (zcore["value"], zcore["method"], zcore["direction"], zcore["period"]) == (
        "53.99%", "ZCore", "higher", "2024")
    assert "validation accuracy" in zcore["metric"]
    assert "downstream validation accuracy of 53.99%" in zcore["sentence"]
    assert facts["leaderboards"]["without_dataset"] == cli.attrs["results_without_dataset"]


def test_task_leaderboards_match_kg_leaderboard(example_build):
    facts = view_facts(example_build.walk())
    assert facts["leaderboards"]["Task"]
    for board in facts["leaderboards"]["Task"]:
        expected = leaderboard(example_build.out, task=board["name"])
        assert sorted(r["result_id"] for r in board["rows"]) == sorted(expected["result_id"])


def test_periods_and_rankings_match_kg_trends(example_build):
    facts = view_facts(example_build.walk())
    periods = papers_per_period(example_build.out)
    assert facts["by"] == "year" and facts["periods"] == list(periods["period"])
    assert facts["periods"][0] == "2014" and facts["periods"][-1] == "2025"
    assert facts["papers_per_period"] == list(periods["papers"])
    assert facts["papers"] == 44 == sum(facts["papers_per_period"])
    for entity_type in ("Method", "Dataset", "Task", "Metric"):
        ranking = trends(example_build.out, entity_type, top=10).ranking
        rows = facts["trends"][entity_type]["rows"]
        assert [(r["name"], r["papers"], r["trend"]) for r in rows[:10]] == [
            (r.name, r.papers, r.trend) for r in ranking.head(10).itertuples()]
        for row in rows:
            assert sum(row["series"]) + row["undated"] == row["papers"]


def test_result_nodes_are_named_by_metric_value_method_and_dataset(example_build):
    data = page_data(example_build.graph)
    # the metric's name follows the extractor: "validation accuracy", "downstream validation accuracy"
    zcore = [n for n in data["nodes"] if n["type"] == "Result"
             and n["name"].endswith("validation accuracy 53.99% (ZCore, ImageNet)")]
    assert len(zcore) == 1
    assert zcore[0]["label"].endswith("validation accuracy 53.99% (ZCore, ImageNet)")
    assert len(zcore[0]["label"]) <= 48
    assert len(data["labelled"]) == 30
    papers = [n for n in data["nodes"] if n["type"] == "Paper"]
    assert all(n["period"] == n["details"]["date"][:4] for n in papers)


def test_results_without_a_number_are_ranked_last():
    import networkx as nx

    from kg.graph.stream import graph_walk

    graph = nx.MultiDiGraph()
    graph.add_node("paper/1", type="Paper", title="P", date="2024-01-01", abstract="It scores high.")
    graph.add_node("dataset/d", type="Dataset", name="D")
    for i, number in enumerate((None, 3.0, None)):
        graph.add_node(f"result/{i}", type="Result", name="high", value="high", number=number)
        graph.add_edge("paper/1", f"result/{i}", key="REPORTS", type="REPORTS")
        graph.add_edge(f"result/{i}", "dataset/d", key="ON_DATASET", type="ON_DATASET")
    rows = view_facts(graph_walk(graph))["leaderboards"]["Dataset"][0]["rows"]
    assert rows[0]["result_id"] == "result/1"
    only_words = nx.MultiDiGraph(graph.subgraph(["paper/1", "dataset/d", "result/0"]))
    assert len(view_facts(graph_walk(only_words))["leaderboards"]["Dataset"][0]["rows"]) == 1


def test_a_partial_page_still_shows_the_whole_builds_views(example_build, tmp_path):
    """Above `full_nodes` the page draws a part of the graph; its Overview, Leaderboards and
    Trends stay those of the whole build."""
    import json
    import re

    from kg.export.html import PageSink

    walk = example_build.walk()
    sink = PageSink(tmp_path / "part.html", "part", list(walk.index), full_nodes=50,
                    top_entities=10, top_papers=5)
    for item in walk:
        sink.add(*item)
    drawn = sink.close()
    assert drawn.number_of_nodes() < example_build.graph.number_of_nodes()
    text = (tmp_path / "part.html").read_text()
    data = json.loads(re.search(r"const DATA = (\{.*?\});\n", text).group(1))
    assert data["views"] == json.loads(json.dumps(view_facts(example_build.walk())))
    assert data["views"]["papers"] == 44 and data["notes"][0].startswith("Showing the 10 entities")


def big_board_graph(best: int, worse: int):
    """One dataset's accuracy results: `best` papers of 2021 (60% up) and `worse` of 2025, each
    worse than every one of 2021 (10% up); periods are years (more than three years apart)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_node("dataset/d", type="Dataset", name="D")
    graph.add_node("metric/accuracy", type="Metric", name="accuracy")
    scores = [("2021", 60 + i) for i in range(best)] + [("2025", 10 + i) for i in range(worse)]
    for i, (year, number) in enumerate(scores):
        graph.add_node(f"paper/{i}", type="Paper", title=f"P{i}", date=f"{year}-05-01",
                       abstract=f"We reach {number}% accuracy on D.")
        graph.add_node(f"result/{i}/1", type="Result", name=f"{number}%", value=f"{number}%",
                       number=float(number), unit="%")
        graph.add_edge(f"paper/{i}", f"result/{i}/1", key="REPORTS", type="REPORTS")
        graph.add_edge(f"result/{i}/1", "dataset/d", key="ON_DATASET", type="ON_DATASET")
        graph.add_edge(f"result/{i}/1", "metric/accuracy", key="WITH_METRIC", type="WITH_METRIC")
    return graph


def test_a_big_board_carries_the_best_rows_of_each_period_and_counts_every_result():
    """A board shows the best BOARD_ROWS results of each metric and period (so that a range of
    periods still shows its own best), and counts all of them per period."""
    from kg.export.page_views import BOARD_ROWS
    from kg.graph.stream import graph_walk

    facts = view_facts(graph_walk(big_board_graph(BOARD_ROWS + 5, 3)))
    assert facts["board_rows"] == BOARD_ROWS
    board = facts["leaderboards"]["Dataset"][0]
    assert board["results"] == BOARD_ROWS + 8
    assert board["per_period"] == {"2021": BOARD_ROWS + 5, "2025": 3}
    shown = [(row["period"], row["value"], row["rank"]) for row in board["rows"]]
    assert shown[:2] == [("2021", f"{59 + BOARD_ROWS + 5}%", 1), ("2021", f"{58 + BOARD_ROWS + 5}%", 2)]
    assert [row for row in shown if row[0] == "2021"][-1] == ("2021", "65%", BOARD_ROWS)
    assert [row for row in shown if row[0] == "2025"] == [
        ("2025", "12%", BOARD_ROWS + 6), ("2025", "11%", BOARD_ROWS + 7), ("2025", "10%", BOARD_ROWS + 8)]
    assert board["rows"][0]["sentence"] == f"We reach {59 + BOARD_ROWS + 5}% accuracy on D."


def test_kept_sentences_are_used_while_what_they_were_found_from_holds(example_build):
    """An update's page takes each shown result's sentence from the kept facts (no abstract
    read) where its value and its metric, dataset and method names are as they were; where
    one of those changed, or the result was walked again, the sentence is found again."""
    from kg.export.page_views import ViewFacts

    facts = ViewFacts()
    for item in example_build.walk():
        facts.add(*item)
    first = facts.data()
    shown = {row["result_id"]: row["sentence"] for kind in ("Dataset", "Task")
             for board in first["leaderboards"][kind] for row in board["rows"]}
    assert shown and any(shown.values())
    state = facts.to_state()
    assert {result for result, _, _ in state["sentences"]} == set(shown)

    kept = ViewFacts.from_state(state)
    kept.names, kept.types = facts.names, facts.types
    abstracts = {paper: fields.get("abstract") for paper, fields in facts.papers.items()}
    read = []
    kept.read_abstracts = lambda papers: read.extend(papers) or {p: abstracts[p] for p in papers}
    assert kept.data()["leaderboards"] == first["leaderboards"]
    assert read == []  # every shown sentence was kept

    # a metric renamed (its basis changed) and a result walked again: both found again
    said = sorted(r for r, s in shown.items() if s)
    renamed = said[0]
    walked = next(r for r in said if kept.reporter[r] != kept.reporter[renamed])
    metric = kept.results[renamed][1]["WITH_METRIC"]
    kept.names = {**facts.names, metric: (facts.names[metric][0], "a renamed metric")}
    data, targets = kept.results[walked]
    kept.add(walked, data, [(target, key, {}) for key, target in targets.items()])
    kept.types = facts.types
    again = kept.data()
    assert {kept.reporter[renamed], kept.reporter[walked]} <= set(read)
    rows = {row["result_id"]: row for kind in ("Dataset", "Task")
            for board in again["leaderboards"][kind] for row in board["rows"]}
    assert rows[walked]["sentence"] == shown[walked]  # found again, from its abstract


@given(st.lists(st.integers(0, 6), max_size=60), st.integers(0, 70))
def test_the_most_linked_papers_are_those_a_full_sort_ranks_first(counts, top):
    """`_most` keeps only the papers that can be among the `top`, ties included: sorting
    them ranks as sorting every linked paper did."""
    import numpy as np

    from kg.export.page_delta import _most

    counts = np.array(counts, dtype=np.int64)
    every = sorted(((int(counts[i]), f"{i:03}", i) for i in np.flatnonzero(counts).tolist()),
                   reverse=True)[:top]
    kept = sorted(((int(counts[i]), f"{i:03}", i) for i in _most(counts, top).tolist()),
                  reverse=True)[:top]
    assert kept == every
