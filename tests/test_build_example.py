"""End to end: the bundled example listing, built once, checked on real content."""

import re

import networkx as nx

from tests.conftest import ROOT, paper_titled


def readme_query(tool: str) -> str:
    """The `kg sparql out/ '...'` / `kg cypher out/ '...'` example of the README."""
    readme = (ROOT / "README.md").read_text()
    match = re.search(rf"^kg {tool} out/ '([^']+)'$", readme, re.M)
    assert match, f"README has no one-line `kg {tool} out/ '...'` example"
    return match.group(1)


def test_example_builds_44_papers_without_rejects(example_build):
    summary = example_build.summary
    assert (summary.papers_read, summary.papers_in_graph, summary.rejected) == (44, 44, 0)
    for name in ("extractions.jsonl", "graph.ttl", "graph.html", "graph.graphml",
                 "rejects.jsonl", "store.oxigraph", "store.lbdb", "summary.json"):
        assert (example_build.out / name).exists(), name


def test_segnet_is_a_method_proposed_by_the_segnet_paper(example_build):
    graph = example_build.graph
    (paper,) = [n for n, d in graph.nodes(data=True)
                if d["type"] == "Paper" and d["title"].startswith("SegNet:")]
    proposed = {graph.nodes[v]["name"]: graph.nodes[v]["type"]
                for _, v, key in graph.out_edges(paper, keys=True) if key == "PROPOSES"}
    assert proposed.get("SegNet") == "Method"
    edge = graph.get_edge_data(paper, next(v for v in graph[paper] if graph.nodes[v]["name"] == "SegNet"))["PROPOSES"]
    field = graph.nodes[paper][edge["field"]]
    assert field[edge["start"]:edge["end"]] == "SegNet"
    assert "SegNet" in edge["sentence"] and edge["extractor"] == "kg-extract"


def code_links(extractions, title_prefix):
    return {link["url"] for link in paper_titled(extractions, title_prefix)["links"]
            if link["kind"] == "code"}


def test_zcore_paper_has_its_code_link(example_extractions, example_build):
    assert "https://github.com/voxel51/zcore" in code_links(example_extractions, "Zero-Shot Coreset")
    graph = example_build.graph
    repo = "repository/github.com/voxel51/zcore"
    assert graph.nodes[repo]["url"] == "https://github.com/voxel51/zcore"
    assert [graph.nodes[u]["title"][:20] for u, _ in graph.in_edges(repo)] == ["Zero-Shot Coreset Se"]


def test_weather_survey_link_broken_by_a_space_is_repaired(example_extractions):
    links = code_links(example_extractions, "Deep Learning and Foundation Models for Weather")
    assert links == {"https://github.com/JimengShi/DL-Foundation-Models-Weather"}


def test_readme_sparql_and_cypher_examples_return_the_same_papers(example_build):
    sparql = example_build.sparql(readme_query("sparql"))
    cypher = example_build.cypher(readme_query("cypher"))
    sparql_pairs = set(map(tuple, sparql.iloc[:, :2].values.tolist()))
    cypher_pairs = set(map(tuple, cypher.iloc[:, :2].values.tolist()))
    assert sparql_pairs == cypher_pairs
    assert any(title.startswith("SegNet:") and name == "SegNet" for title, name in sparql_pairs)
    assert len(sparql_pairs) >= 5


def test_graphml_and_turtle_read_back(example_build):
    graph = nx.read_graphml(example_build.out / "graph.graphml")
    assert graph.number_of_nodes() == example_build.graph.number_of_nodes()
    rdf = example_build.to_rdflib()
    titles = {str(o) for o in rdf.objects(None, rdflib_term("http://purl.org/dc/terms/title"))}
    assert len(titles) == 44


def rdflib_term(iri):
    import rdflib

    return rdflib.URIRef(iri)
