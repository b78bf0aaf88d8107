"""One node per real-world thing on the bundled example listing, with provenance on edges."""

import pytest

from kg.graph.model import ENTITY_TYPES
from kg.names import name_key


def nodes_named(graph, *surfaces):
    """Entity nodes with a name or alias that is one of `surfaces` up to case and plural."""
    wanted = {name_key(s) for s in surfaces}
    return {node for node, data in graph.nodes(data=True) if data["type"] in ENTITY_TYPES
            and wanted & {name_key(s) for s in [data["name"], *data.get("aliases", [])]}}


@pytest.mark.parametrize("label, surfaces", [
    ("Method", ("CNN", "CNNs", "convolutional neural networks")),
    ("Task", ("CTR prediction", "Click-through rate (CTR) prediction")),
])
def test_variants_are_one_node(example_build, label, surfaces):
    """(`Deep Neural Network` / `DNNs` and `LLM` / `large language models` are generic phrases
    now: their variants are checked in the --keep-generic build of
    tests/graph/test_example_worthiness.py.)"""
    graph = example_build.graph
    for surface in surfaces:
        assert nodes_named(graph, surface), f"{surface!r} is not an alias of any node"
    (node,) = nodes_named(graph, *surfaces)
    assert graph.nodes[node]["type"] == label


def test_cifar10_and_mnist_are_separate_datasets(example_build):
    graph = example_build.graph
    (cifar,) = nodes_named(graph, "CIFAR10")
    (mnist,) = nodes_named(graph, "MNIST")
    assert cifar != mnist
    assert {graph.nodes[cifar]["type"], graph.nodes[mnist]["type"]} == {"Dataset"}
    assert nodes_named(graph, "CIFAR-100") != {cifar}


def test_entity_nodes_count_papers_and_mentions(example_build):
    graph = example_build.graph
    (cnn,) = nodes_named(graph, "CNNs")
    papers = {u for u, _ in graph.in_edges(cnn) if graph.nodes[u]["type"] == "Paper"}
    assert graph.nodes[cnn]["papers"] == len(papers) >= 3
    assert graph.nodes[cnn]["mentions"] > graph.nodes[cnn]["papers"]


def test_every_paper_to_entity_edge_leads_back_to_the_exact_characters(example_build):
    graph = example_build.graph
    checked = 0
    for paper, target, data in graph.edges(data=True):
        if graph.nodes[paper]["type"] != "Paper" or graph.nodes[target]["type"] not in ENTITY_TYPES:
            continue
        text = graph.nodes[paper][data["field"]]
        assert text[data["start"]:data["end"]] == data["text"], (paper, target)
        sentence = text[data["sentence_start"]:data["sentence_end"]]
        assert data["text"] in sentence and sentence.strip() == data["sentence"]
        assert 0 < data["confidence"] <= 1 and data["mentions"] >= 1
        assert data["extractor"] == "kg-extract" and data["extractor_version"]
        checked += 1
    assert checked >= 100


def test_relation_follows_the_canonical_type(example_build):
    graph = example_build.graph
    allowed = {"Method": {"PROPOSES", "USES"}, "Dataset": {"PROPOSES", "EVALUATES_ON"},
               "Metric": {"PROPOSES", "MEASURES"}, "Task": {"PROPOSES", "ADDRESSES"}}
    for paper, target, key in graph.edges(keys=True):
        target_type = graph.nodes[target]["type"]
        if graph.nodes[paper]["type"] == "Paper" and target_type in allowed:
            assert key in allowed[target_type], (paper, target, key)
