"""Entities with a catalogue id and papers with an arXiv id or DOI link out, in every export:
`skos:exactMatch` in RDF (JSON-LD: `exactMatch`), `same_as` in GraphML, the Neo4j files and
the page."""

from __future__ import annotations

import copy
import csv
import io
import json

import networkx as nx
import pyoxigraph as ox
import rdflib

from kg.export.html import page_data
from kg.export.neo4j_files import ARRAY_DELIMITER, write_neo4j_csv
from kg.export.rdf import node_iri, serialize_rdf
from kg.graph.build import build_graph
from tests.export.test_rdf import shacl

EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
IMAGENET = "https://linkedpaperswithcode.com/dataset/imagenet"
ARXIV, DOI = "https://arxiv.org/abs/1511.00561", "https://doi.org/10.1109/tpami.2016.2644615"


def linked_graph(example_extractions) -> nx.MultiDiGraph:
    """The example's graph, with an arXiv id and a DOI on the SegNet paper."""
    records = copy.deepcopy(list(example_extractions.values()))
    segnet = next(r for r in records if r["title"].startswith("SegNet"))
    segnet.update(arxiv_id="1511.00561", doi="10.1109/TPAMI.2016.2644615")
    return build_graph(records)


def node_of(graph, node_type: str, name: str) -> str:
    return next(n for n, d in graph.nodes(data=True) if d["type"] == node_type and d["name"] == name)


def test_rdf_links_entities_and_papers_with_exact_match(example_extractions):
    graph = linked_graph(example_extractions)
    buffer = io.BytesIO()
    serialize_rdf(graph, buffer, "nt")
    matches = {(t.subject.value, t.object.value) for t in ox.parse(buffer.getvalue(), format=ox.RdfFormat.N_TRIPLES)
               if t.predicate.value == EXACT_MATCH}
    imagenet = node_iri(node_of(graph, "Dataset", "ImageNet")).value
    segnet = node_iri(next(n for n, d in graph.nodes(data=True)
                           if d["type"] == "Paper" and d["title"].startswith("SegNet"))).value
    assert (imagenet, IMAGENET) in matches
    assert {(segnet, ARXIV), (segnet, DOI)} <= matches
    expected = {(node_iri(n).value, iri) for n, d in graph.nodes(data=True) for iri in d.get("same_as") or []}
    assert matches == expected and len(expected) > 10
    data = rdflib.Graph().parse(data=buffer.getvalue(), format="nt")
    conforms, report = shacl(data)
    assert conforms, report
    # a catalogue entity's link must be an LPWC IRI; a paper's arXiv or DOI
    data.add((rdflib.URIRef(imagenet), rdflib.URIRef(EXACT_MATCH), rdflib.URIRef("https://example.org/x")))
    data.add((rdflib.URIRef(segnet), rdflib.URIRef(EXACT_MATCH), rdflib.Literal(ARXIV)))
    conforms, report = shacl(data)
    assert not conforms and report.count("skos:exactMatch") >= 2, report


def test_jsonld_compacts_exact_match_to_iris(example_extractions):
    graph = linked_graph(example_extractions)
    buffer = io.BytesIO()
    serialize_rdf(graph, buffer, "jsonld")
    document = json.loads(buffer.getvalue())
    assert document["@context"]["exactMatch"] == {"@id": "skos:exactMatch", "@type": "@id"}
    nodes = document.get("@graph", [document])
    imagenet = next(n for n in nodes if n.get("prefLabel") == "ImageNet")
    assert imagenet["exactMatch"] in (IMAGENET, [IMAGENET])


def test_graphml_neo4j_files_and_page_carry_same_as(example_extractions, tmp_path):
    graph = linked_graph(example_extractions)
    from kg.export.graphml import write_graphml

    write_graphml(graph, tmp_path / "g.graphml")
    read = nx.read_graphml(tmp_path / "g.graphml")
    imagenet = node_of(graph, "Dataset", "ImageNet")
    assert json.loads(read.nodes[imagenet]["same_as"]) == [IMAGENET]

    write_neo4j_csv(graph, tmp_path / "neo4j")
    rows = list(csv.DictReader(open(tmp_path / "neo4j" / "nodes-Dataset.csv", encoding="utf-8")))
    row = next(r for r in rows if r["id:ID"] == imagenet)
    assert row["same_as:string[]"].split(ARRAY_DELIMITER) == [IMAGENET]
    papers = list(csv.DictReader(open(tmp_path / "neo4j" / "nodes-Paper.csv", encoding="utf-8")))
    segnet = next(r for r in papers if r["title:string"].startswith("SegNet"))
    assert segnet["same_as:string[]"].split(ARRAY_DELIMITER) == [ARXIV, DOI]

    page = {n["id"]: n for n in page_data(graph)["nodes"]}
    assert {"label": "Linked Papers With Code", "url": IMAGENET, "text": IMAGENET} in page[imagenet]["links"]


def test_the_embedded_cypher_store_answers_same_as(example_build):
    from kg.query.cypher import cypher_rows

    columns, rows = cypher_rows(example_build.out, "MATCH (d:Dataset {name: 'ImageNet'}) "
                                                   "RETURN d.same_as AS same_as")
    assert columns == ["same_as"] and rows == [[[IMAGENET]]]
    columns, rows = cypher_rows(example_build.out, "MATCH (p:Paper) RETURN p.same_as LIMIT 1")
    assert rows == [[None]]  # no arXiv id or DOI in the example listing: null, as in Neo4j
