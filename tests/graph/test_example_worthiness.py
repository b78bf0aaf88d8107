"""The example listing's graph names things: generic phrases are mentions, not nodes (unless
--keep-generic), benchmarks are proposed Datasets, satellite products are Datasets, and every
output carries each entity's confidence and generic flag."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest

from kg.names import name_key
from tests.conftest import EXAMPLE, paper_titled

GENERIC = ("deep learning", "decoder", "CPU", "Australia", "field data")


@pytest.fixture(scope="module")
def keep_generic_build(tmp_path_factory):
    import kg

    return kg.build([EXAMPLE], out=tmp_path_factory.mktemp("generic") / "out", keep_generic=True,
                    exports=["neo4j-csv"])


def nodes_named(graph: nx.MultiDiGraph, name: str) -> list[tuple[str, dict]]:
    return [(node, data) for node, data in graph.nodes(data=True)
            if data["type"] in ("Method", "Dataset", "Metric", "Task")
            and name_key(data["name"]) == name_key(name)]


@pytest.mark.parametrize("name", GENERIC)
def test_generic_phrases_are_no_nodes_by_default(example_build, name):
    assert nodes_named(example_build.graph, name) == []


def test_generic_mentions_stay_in_the_extractions_with_the_rule(example_extractions):
    papers = [record for record in example_extractions.values()
              if any(e["name"].lower() == "deep learning" for e in record["generic_entities"])]
    assert len(papers) >= 5
    for record in papers:
        generic = {e["id"]: e for e in record["generic_entities"]}
        for entity in generic.values():
            assert entity["worthiness"]["generic"] is True
            assert entity["worthiness"]["rule"] in ("model", "vague", "device", "possessive")
            assert 0 <= entity["confidence"] < 0.5
        dropped = [m for m in record["mentions"] if not m["kept"]]
        # `Deep learning (DL)`: a definition recognised whole is one mention
        assert any(name_key(m["text"]) == "deep learning" for m in dropped)
        assert all(m["entity_id"] is None and m["candidate_id"] in generic for m in dropped)
        for entity in record["entities"]:
            assert 0 < entity["confidence"] <= 1 and entity["worthiness"]["generic"] is False


@pytest.mark.parametrize("title,name", [("OpenSWI", "OpenSWI"),
                                        ("Characterizing Deep Research", "LiveDRBench")])
def test_benchmarks_are_datasets_proposed_by_their_papers(example_build, title, name):
    graph = example_build.graph
    (node, data), = nodes_named(graph, name)
    assert data["type"] == "Dataset"
    (paper,) = [n for n, d in graph.nodes(data=True)
                if d["type"] == "Paper" and d["title"].startswith(title)]
    assert "PROPOSES" in graph.get_edge_data(paper, node)


def test_satellite_products_are_datasets(example_build):
    for name in ("Sentinel-2", "Landsat 8", "ASTER"):
        (_, data), = nodes_named(example_build.graph, name)
        assert data["type"] == "Dataset", name


def test_entity_nodes_carry_confidence_and_generic(example_build):
    graph = example_build.graph
    (_, segnet), = nodes_named(graph, "SegNet")
    assert 0.5 < segnet["confidence"] <= 1 and segnet["generic"] is False
    ranked = sorted((d["confidence"] for _, d in graph.nodes(data=True)
                     if d["type"] in ("Method", "Dataset", "Metric", "Task")))
    assert ranked[0] < ranked[-1]  # a real score, not a constant


def test_keep_generic_brings_deep_learning_back_marked_generic(keep_generic_build, example_build):
    graph = keep_generic_build.graph
    (node, data), = nodes_named(graph, "deep learning")
    assert data["generic"] is True and data["papers"] >= 5
    assert data["confidence"] < 0.5
    entity_nodes = [n for n, d in graph.nodes(data=True) if d["type"] == "Method"]
    default_nodes = [n for n, d in example_build.graph.nodes(data=True) if d["type"] == "Method"]
    assert len(entity_nodes) > len(default_nodes)
    (_, segnet), = nodes_named(graph, "SegNet")
    assert segnet["generic"] is False

    # RDF (Turtle file and the Oxigraph store)
    rows = keep_generic_build.sparql(
        "PREFIX kg: <https://w3id.org/kg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?name ?confidence ?generic WHERE { ?e skos:prefLabel ?name ; "
        "kg:entityConfidence ?confidence ; kg:generic ?generic }", as_frame=False)[1]
    found = {str(name): (float(str(conf)), str(generic).lower()) for name, conf, generic in rows}
    assert found["deep learning"][1] == "true" and found["SegNet"][1] == "false"
    assert found["deep learning"][0] == pytest.approx(data["confidence"], abs=1e-3)
    assert "kg:entityConfidence" in (keep_generic_build.out / "graph.ttl").read_text() or \
        "entityConfidence" in (keep_generic_build.out / "graph.ttl").read_text()

    # Ladybug (embedded Cypher)
    columns, cypher_rows = keep_generic_build.cypher(
        "MATCH (m:Method) WHERE m.name = 'deep learning' RETURN m.generic, m.confidence",
        as_frame=False)
    assert cypher_rows[0][0] is True and cypher_rows[0][1] == pytest.approx(data["confidence"])

    # GraphML
    graphml = nx.read_graphml(keep_generic_build.out / "graph.graphml")
    assert graphml.nodes[node]["generic"] is True
    assert graphml.nodes[node]["confidence"] == pytest.approx(data["confidence"])

    # Neo4j import files (neo4j-admin CSV: typed columns)
    method_csv = next((keep_generic_build.out / "neo4j-import").glob("*Method*.csv"))
    with open(method_csv, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = {tuple(row) for row in reader}
    assert "confidence:double" in header and "generic:boolean" in header
    generic_column, name_column = header.index("generic:boolean"), header.index("name:string")
    assert any(row[name_column] == "deep learning" and row[generic_column] == "true"
               for row in rows)

    # the page's node details
    page = (keep_generic_build.out / "graph.html").read_text()
    assert '"generic": true' in page or '"generic":true' in page


def test_summary_counts_match_the_graph(keep_generic_build):
    summary = json.loads((keep_generic_build.out / "summary.json").read_text().splitlines()[0])
    graph = keep_generic_build.graph
    methods = sum(1 for _, d in graph.nodes(data=True) if d["type"] == "Method")
    assert summary["entities"]["Method"] == methods


def test_generic_variants_are_one_node_when_kept(keep_generic_build):
    graph = keep_generic_build.graph
    found = {node for surface in ("Deep Neural Network", "DNNs", "deep neural networks")
             for node, _ in nodes_named(graph, surface)}
    aliases = {node for node, data in graph.nodes(data=True) if data["type"] == "Method"
               and {"DNNs", "deep neural networks"} & set(data.get("aliases") or [])}
    assert len(found | aliases) == 1


def test_large_language_model_is_one_generic_node_when_kept(keep_generic_build):
    """An umbrella term (the catalogue's `large language model`, in over 1% of real abstracts)
    is judged by the model and is generic; kept, its variants are one node that counts the
    papers of every variant."""
    graph = keep_generic_build.graph
    found = {node for surface in ("LLMs", "LLM", "large language models", "Large Language Models")
             for node, _ in nodes_named(graph, surface)}
    assert len(found) == 1
    (node,) = found
    data = graph.nodes[node]
    assert data["type"] == "Method" and data["generic"] is True and data["papers"] >= 5
