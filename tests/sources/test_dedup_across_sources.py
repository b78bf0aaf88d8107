"""The same paper from arXiv, OpenAlex and BibTeX is one paper node; code links from a Papers
with Code links file land on the papers of the other inputs."""

import json

import pytest

import kg
from tests.sources.fixtures import FIXTURES


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    inputs = ["arxiv-api.atom", "openalex-works.json", "references.bib",
              "links-between-papers-and-code.json"]
    return kg.build([FIXTURES / name for name in inputs], out=tmp_path_factory.mktemp("src") / "out")


def papers_named(graph, prefix):
    return [n for n, d in graph.nodes(data=True) if d["type"] == "Paper" and d["name"].startswith(prefix)]


def test_one_paper_for_three_sources(build):
    (bert,) = papers_named(build.graph, "BERT: Pre-training")
    assert bert == "paper/arxiv:1810.04805"
    duplicates = [r for r in build.rejects if r.reason.startswith("duplicate of")]
    assert sorted((r.file.rsplit("/", 1)[-1], r.line) for r in duplicates) == [
        ("openalex-works.json", 10), ("references.bib", 2)]
    assert all(r.reason.startswith("duplicate of paper arxiv:1810.04805 (") for r in duplicates)
    assert build.summary.duplicates == 2
    # papers only one source has are all there
    assert papers_named(build.graph, "Adam: A Method") and papers_named(build.graph, "Sinkhorn")


def test_third_copy_known_only_by_doi_is_a_duplicate():
    from kg.sources.dedup import deduplicate
    from kg.records import Paper

    first = Paper(title="A Title", abstract="x", arxiv_id="2401.00001")
    second = Paper(title="A title.", abstract="x", doi="10.1000/abc")  # same title, brings a DOI
    third = Paper(title="Another Title Altogether", abstract="x", doi="https://doi.org/10.1000/ABC")
    kept = [i for i in deduplicate([first, second, third]) if isinstance(i, Paper)]
    assert kept == [first]


def test_source_metadata_reaches_the_graph(build):
    graph = build.graph
    bert = graph.nodes["paper/arxiv:1810.04805"]
    assert bert["arxiv_id"] == "1810.04805" and bert["categories"] == ["cs.CL"]
    authors = sorted(graph.nodes[v]["name"] for _, v, k in graph.out_edges("paper/arxiv:1810.04805", keys=True)
                     if k == "AUTHORED_BY")
    assert authors == ["Jacob Devlin", "Kenton Lee", "Kristina Toutanova", "Ming-Wei Chang"]
    code = {graph.nodes[v]["url"]: d["official"]
            for _, v, k, d in graph.out_edges("paper/arxiv:1512.03385", keys=True, data=True)
            if k == "HAS_CODE"}
    assert code == {"https://github.com/KaimingHe/deep-residual-networks": True,
                    "https://github.com/pytorch/vision": False}
    record = next(json.loads(line) for line in (build.out / "extractions.jsonl").open()
                  if '"arxiv:1810.04805"' in line)
    assert {"url": "https://github.com/google-research/bert", "kind": "code", "field": "source",
            "official": True} in record["links"]
