"""Acceptance tests of issue 17 ("Done when") on the example listing's graph, and its paper-level
entity sets against the committed gold set (tests/extract/gold/, annotated as GUIDELINES.md says).

Every test of the "Done when" part fails on the previous release (0fd1607, checked on its
build: `deep learning`, `decoder`, `CPU`, `Australia`, `field data` nodes; OpenSWI a proposed
Method; LiveDRBench EVALUATES_ON, not proposed; no Sentinel-2 node; `deep research` and `DR` two
Method nodes; typed paper-level precision 0.23, F1 0.33); they pass once the extraction changes
of issue 17 (graph-worthiness, types and roles, variants) land.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import LABELS, entity_forms, match_key, read_listing_gold, score_listing
from tests.conftest import EXAMPLE

GOLD = Path(__file__).parent / "gold" / "hf-daily-papers.yaml"
GENERIC_NODES = ("deep learning", "decoder", "CPU", "Australia", "field data")


@pytest.fixture(scope="module")
def gold():
    return read_listing_gold(GOLD)


def entity_nodes(graph) -> list[dict]:
    return [{"id": node, **data} for node, data in graph.nodes(data=True)
            if data.get("type") in LABELS]


def node_forms(data: dict) -> set[str]:
    return {match_key(n) for n in [data.get("name", ""), *(data.get("aliases") or [])]} - {""}


def paper_node(graph, title_prefix: str) -> str:
    papers = [n for n, d in graph.nodes(data=True)
              if d.get("type") == "Paper" and str(d.get("title", "")).startswith(title_prefix)]
    assert len(papers) == 1, papers
    return papers[0]


def edges_from(graph, paper: str) -> list[tuple[dict, str]]:
    """(target node data, relationship type) of each of the paper's edges to an entity."""
    return [({"id": target, **graph.nodes[target]}, data.get("type"))
            for _, target, data in graph.out_edges(paper, data=True)
            if graph.nodes[target].get("type") in LABELS]


# ------------------------------------------------------------------ the gold set itself

def test_gold_covers_every_paper_of_the_listing(gold, example_extractions):
    assert set(gold) == set(example_extractions)
    assert 200 <= sum(len(entities) for entities in gold.values()) <= 300


def test_gold_entities_are_distinct_and_seen_in_their_paper(gold, example_extractions):
    for title, entities in gold.items():
        record = example_extractions[title]
        text = match_key(f"{title} {record['abstract']}")
        forms = [entity_forms(e) for e in entities]
        for i, entity in enumerate(entities):
            assert not any(forms[i] & forms[j] for j in range(i)), (title, entity["name"])
        # coordinated ellipsis ("math and commonsense reasoning") leaves a few names unseen
        unseen = [e["name"] for e, f in zip(entities, forms) if not any(x in text for x in f)]
        assert len(unseen) <= 2, (title, unseen)


# ------------------------------------------------------------------ issue 17, "Done when"

@pytest.mark.parametrize("name", GENERIC_NODES)
def test_no_generic_node_by_default(example_build, name):
    nodes = [n["id"] for n in entity_nodes(example_build.graph) if match_key(name) in node_forms(n)]
    assert not nodes, nodes


@pytest.mark.parametrize("title, name", [("OpenSWI:", "OpenSWI"),
                                         ("Characterizing Deep Research", "LiveDRBench")])
def test_benchmarks_are_proposed_datasets(example_build, title, name):
    graph = example_build.graph
    edges = [(node["type"], relationship) for node, relationship in
             edges_from(graph, paper_node(graph, title)) if match_key(name) in node_forms(node)]
    assert edges == [("Dataset", "PROPOSES")], edges


def test_sentinel_2_is_a_dataset(example_build):
    graph = example_build.graph
    paper = paper_node(graph, "Remote sensing framework for geological mapping")
    types = [node["type"] for node, _ in edges_from(graph, paper)
             if match_key("Sentinel-2") in node_forms(node)]
    assert types == ["Dataset"], types


def test_one_node_for_deep_research(example_build):
    graph = example_build.graph
    paper = paper_node(graph, "Characterizing Deep Research")
    variants = {match_key(v) for v in ("deep research", "DR", "DR systems", "deep research task")}
    nodes = {node["id"] for node, _ in edges_from(graph, paper) if node_forms(node) & variants}
    assert len(nodes) == 1, nodes


@pytest.mark.parametrize("title, name", [
    ("Remote sensing framework for geological mapping", "autoencoder"),
    ("70 years of machine learning in geoscience", "decision tree"),
    ("70 years of machine learning in geoscience", "kriging"),
    ("Adding Gradient Noise", "Memory Networks"),
    ("How transferable are features", "Gabor filter"),
])
def test_established_techniques_are_method_nodes(example_build, title, name):
    """Architecture families and established techniques the guidelines name (`autoencoder`):
    the worthiness model alone calls them generic (they are in hundreds of real abstracts)."""
    graph = example_build.graph
    types = [node["type"] for node, _ in edges_from(graph, paper_node(graph, title))
             if match_key(name) in node_forms(node)]
    assert types == ["Method"], types

def test_datasets_of_a_task_leave_the_task_a_task(example_build):
    """`we first construct two Question Answering (QA) datasets`: the datasets are new, the
    task is not (it had become a Dataset the paper proposes)."""
    graph = example_build.graph
    edges = [(node["type"], relationship) for node, relationship in
             edges_from(graph, paper_node(graph, "EarthSE:"))
             if match_key("question answering") in node_forms(node)]
    assert edges == [("Task", "ADDRESSES")], edges

def test_paper_level_entity_sets_against_the_gold(gold, example_extractions):
    report = score_listing(gold, example_extractions.values())
    typed = report.scores.micro("typed")
    assert not report.missing
    # Issue 17's bar is P >= 0.60 and F1 >= 0.60. Reached: P 0.738, R 0.663, F1 0.698; this
    # guards it with some room.
    assert typed.precision >= 0.65 and typed.f1 >= 0.65, (typed.precision, typed.recall, typed.f1)


def test_the_example_is_the_listing_annotated():
    assert EXAMPLE.read_text(encoding="utf-8").count("\n  • ") == 44
