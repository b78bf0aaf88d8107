"""Links out: the IRIs of a node's same thing elsewhere (arXiv, DOI, Linked Papers With Code)."""

from __future__ import annotations

import copy

from kg.graph.build import build_graph
from kg.link.identifiers import catalogue_iri, paper_iris, pwc_id

LPWC = "https://linkedpaperswithcode.com/"


def test_papers_with_code_ids_follow_its_slug_rule():
    assert pwc_id("Semantic Segmentation") == "semantic-segmentation"
    assert pwc_id("CIFAR-10") == "cifar-10"
    assert pwc_id("SQuAD1.1") == "squad11"
    assert pwc_id("Question Answering (QA)") == "question-answering-qa"
    assert pwc_id("Café  —  Net") == "cafe-net"


def test_catalogue_entries_link_to_linked_papers_with_code():
    assert catalogue_iri("curated:dataset/imagenet") == LPWC + "dataset/imagenet"
    assert catalogue_iri("pwc:task/safe-exploration") == LPWC + "task/safe-exploration"
    assert catalogue_iri("curated:method/transformer") == LPWC + "method/transformer"
    # a Papers with Code leaderboard's model names are LPWC models
    assert catalogue_iri("pwc:method/x", "SAGN+SLE") == LPWC + "model/sagnsle"
    assert catalogue_iri("curated:metric/accuracy") is None  # metrics have no page
    assert catalogue_iri("curated:dataset/no-such-entry") is None
    assert catalogue_iri(None) is None and catalogue_iri("nonsense") is None


def test_papers_link_to_arxiv_and_doi():
    assert paper_iris("arXiv:2104.09376v2", "https://doi.org/10.1145/3292500.3330701") == [
        "https://arxiv.org/abs/2104.09376", "https://doi.org/10.1145/3292500.3330701"]
    assert paper_iris("cs/0112017", None) == ["https://arxiv.org/abs/cs/0112017"]
    assert paper_iris(None, "10.1000/a#b?c") == ["https://doi.org/10.1000/a%23b%3Fc"]
    assert paper_iris(None, None) == [] and paper_iris("not an id", "nor a doi") == []


def test_graph_nodes_carry_same_as(example_build, example_extractions):
    graph = example_build.graph
    by_name = {(d["type"], d["name"]): d for _, d in graph.nodes(data=True)}
    assert by_name[("Dataset", "ImageNet")]["same_as"] == [LPWC + "dataset/imagenet"]
    assert by_name[("Dataset", "ImageNet")]["catalogue_id"] == "curated:dataset/imagenet"
    linked = [d for d in graph.nodes.values() if d.get("catalogue_id")]
    assert all(d["same_as"] == ([] if d["type"] == "Metric" else [catalogue_iri(d["catalogue_id"])])
               for d in linked)
    assert any(d["same_as"] for d in linked)
    assert all(d["same_as"] == [] for d in graph.nodes.values()
               if d["type"] in ("Method", "Dataset", "Task") and not d.get("catalogue_id"))

    # a paper with an arXiv id and a DOI (the example listing has neither)
    record = copy.deepcopy(next(iter(example_extractions.values())))
    record.update(arxiv_id="1511.00561", doi="10.1109/TPAMI.2016.2644615")
    paper = next(d for d in build_graph([record]).nodes.values() if d["type"] == "Paper")
    assert paper["same_as"] == ["https://arxiv.org/abs/1511.00561",
                                "https://doi.org/10.1109/tpami.2016.2644615"]
