"""RDF export: vocabulary, SHACL validation, IRIs, and every format parsing back unchanged."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib

from kg.export.rdf import (
    FORMATS,
    KG,
    QUAD_FORMATS,
    BaseIriError,
    check_base_iri,
    graph_quads,
    graph_triples,
    jsonld_context,
    node_iri,
    serialize_rdf,
)
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRICKY = 'Quote "me" \\ back\\slash <script>alert(1)</script> & emoji 😀 ünïcödé'
OX_FORMAT_NAMES = {"nt": "nt", "ttl": "turtle", "nq": "nquads", "trig": "trig",
                   "jsonld": "json-ld", "xml": "xml"}


def ox_key(term) -> tuple:
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return ("blank", term.value)
    return ("iri", term.value)


def rdflib_key(term) -> tuple:
    if isinstance(term, rdflib.Literal):
        return ("literal", str(term), term.language or str(term.datatype or XSD_STRING))
    if isinstance(term, rdflib.BNode):
        return ("blank", str(term))
    return ("iri", str(term))


def reference_triples(graph, base="https://w3id.org/kg/resource/") -> set:
    return {tuple(map(ox_key, (t.subject, t.predicate, t.object))) for t in graph_triples(graph, base)}


def parsed_by_pyoxigraph(data: bytes, fmt: str) -> tuple[set, set]:
    """(triples of all graphs, quads with graph names) as parsed by pyoxigraph."""
    triples, quads = set(), set()
    for quad in ox.parse(data, format=FORMATS[fmt]):
        spo = tuple(map(ox_key, (quad.subject, quad.predicate, quad.object)))
        triples.add(spo)
        graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        quads.add((*spo, graph))
    return triples, quads


def parsed_by_rdflib(data: bytes, fmt: str) -> set:
    if fmt in QUAD_FORMATS:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=OX_FORMAT_NAMES[fmt])
        statements = ((s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None)))
    else:
        statements = rdflib.Graph().parse(data=data, format=OX_FORMAT_NAMES[fmt])
    return {tuple(map(rdflib_key, triple)) for triple in statements}


def exported(graph, fmt: str, base="https://w3id.org/kg/resource/") -> bytes:
    buffer = io.BytesIO()
    serialize_rdf(graph, buffer, fmt, base)
    return buffer.getvalue()


# --- vocabulary and validation ----------------------------------------------------------------

def shacl(data: rdflib.Graph):
    import pyshacl

    shapes = rdflib.Graph().parse(SCHEMAS / "shapes.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    return conforms, text


def test_example_graph_conforms_to_the_shapes(example_build):
    conforms, report = shacl(rdflib.Graph().parse(example_build.out / "graph.ttl"))
    assert conforms, report


def test_a_broken_graph_fails_the_shapes(example_build):
    data = rdflib.Graph().parse(example_build.out / "graph.ttl")
    dcterms, mls = rdflib.Namespace("http://purl.org/dc/terms/"), rdflib.Namespace("http://www.w3.org/ns/mls#")
    kg = rdflib.Namespace(KG)
    paper = next(data.subjects(rdflib.RDF.type, kg.Paper))
    data.remove((paper, dcterms.title, None))                            # a paper without a title
    result = next(data.subjects(rdflib.RDF.type, kg.Result))
    data.set((result, mls.hasValue, rdflib.Literal("ninety")))           # a value that is no decimal
    repository = next(data.subjects(rdflib.RDF.type, kg.Repository))
    data.add((paper, kg.proposes, repository))                           # proposing a repository
    conforms, report = shacl(data)
    assert not conforms
    assert "Results (3)" in report, report
    for path in ("dcterms:title", "mls:hasValue", "kg:proposes"):
        assert path in report


def test_every_kg_term_written_is_declared_in_the_ontology(example_build):
    ontology = rdflib.Graph().parse(SCHEMAS / "kg.ttl")
    declared = {str(s) for s in ontology.subjects(rdflib.RDF.type, None) if str(s).startswith(KG)}
    used = set()
    for s, p, o in reference_triples(example_build.graph):
        used |= {term[1] for term in (p, o) if term[0] == "iri" and term[1].startswith(KG)}
    assert used and used <= declared, used - declared
    shapes = rdflib.Graph().parse(SCHEMAS / "shapes.ttl")
    targets = {str(o) for o in shapes.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#targetClass"))}
    classes = {c for c in declared if (rdflib.URIRef(c), rdflib.RDF.type, rdflib.OWL.Class) in ontology}
    assert classes <= targets, classes - targets


def test_context_file_is_the_exported_context():
    saved = json.loads((SCHEMAS / "context.jsonld").read_text())
    assert saved == {"@context": jsonld_context()}


# --- IRIs -------------------------------------------------------------------------------------

def test_iris_are_safe_for_any_name_and_under_the_chosen_base():
    iri = node_iri('paper/doi:10.1000/a b"<c>#?%ü/..', "https://example.org/kg/")
    assert iri.value == "https://example.org/kg/paper/doi%3A10.1000/a%20b%22%3Cc%3E%23%3F%25%C3%BC/%2E%2E"
    assert node_iri("method/bert").value == "https://w3id.org/kg/resource/method/bert"
    for bad in ("not an iri", "https://example.org/kg", "", "https://exa mple.org/"):
        with pytest.raises(BaseIriError):
            check_base_iri(bad)


def test_export_is_deterministic_and_uses_the_base(example_build):
    base = "http://example.org/my-kg#"
    first, second = exported(example_build.graph, "nt", base), exported(example_build.graph, "nt", base)
    assert first == second
    subjects = {line.split(" ", 1)[0] for line in first.decode().splitlines()}
    assert all(s.startswith("<http://example.org/my-kg#") for s in subjects)


# --- round trips ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_parses_back_to_the_same_triples(example_build, fmt):
    graph = example_build.graph
    reference = reference_triples(graph)
    data = exported(graph, fmt)
    triples, quads = parsed_by_pyoxigraph(data, fmt)
    assert triples == reference
    assert parsed_by_rdflib(data, fmt) == reference
    if fmt in QUAD_FORMATS:
        expected = {(*map(ox_key, (q.subject, q.predicate, q.object)),
                     None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value)
                    for q in graph_quads(graph)}
        assert quads == expected
        assert len({g for *_, g in quads if g}) == example_build.summary.papers_in_graph


@pytest.fixture(scope="module")
def tricky_build(tmp_path_factory):
    import kg

    records = [{"title": TRICKY + " for Segmentation",
                "abstract": f"We propose TrickNet, a network for image segmentation. {TRICKY}.\n"
                            "Code is at https://github.com/example/tricknet .",
                "doi": '10.1000/x"y<z>#?% ü', "date": "2024-05", "authors": ["Zoë O'Brien"]}]
    return kg.build(records=records, out=tmp_path_factory.mktemp("tricky") / "out")


def test_titles_with_quotes_backslashes_markup_and_emoji_round_trip(tricky_build):
    graph = tricky_build.graph.copy()
    (paper,) = [n for n, d in graph.nodes(data=True) if d["type"] == "Paper"]
    assert TRICKY in graph.nodes[paper]["title"]
    graph.add_node("method/new\nline", type="Method", name='line one\nline two "\\" <b>😀</b>\t\r')
    graph.add_edge(paper, "method/new\nline", key="USES", type="USES")
    reference = reference_triples(graph)
    titles = {o[1] for _, p, o in reference if p[1] == "http://purl.org/dc/terms/title"}
    assert titles == {graph.nodes[paper]["title"]}
    for fmt in FORMATS:
        data = exported(graph, fmt)
        assert parsed_by_pyoxigraph(data, fmt)[0] == reference, fmt
        assert parsed_by_rdflib(data, fmt) == reference, fmt
    conforms, report = shacl(rdflib.Graph().parse(data=exported(graph, "ttl"), format="turtle"))
    assert conforms, report


def test_to_rdflib_and_the_store_hold_the_same_triples(example_build):
    import kg.rdf

    rdf = kg.rdf.to_rdflib(example_build.out)
    assert {tuple(map(rdflib_key, t)) for t in rdf} == reference_triples(example_build.graph)
    count = example_build.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").iloc[0, 0]
    assert count == len(rdf)


# --- the command ------------------------------------------------------------------------------

def kg_command(*args):
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True)


def test_kg_export_writes_each_format_and_rejects_bad_options(example_build, tmp_path):
    target = tmp_path / "graph.trig"
    done = kg_command("export", str(example_build.out), "--format", "trig", "-o", str(target))
    assert done.returncode == 0, done.stderr
    import kg

    reloaded = kg.load(example_build.out).graph
    assert parsed_by_pyoxigraph(target.read_bytes(), "trig")[0] == reference_triples(reloaded)
    done = kg_command("export", str(example_build.out), "--format", "nt")
    assert done.returncode == 0 and '<https://schema.org/codeRepository> <https://github.com/voxel51/zcore>' in done.stdout
    bad = kg_command("export", str(example_build.out), "--format", "rdfa")
    assert bad.returncode == 2 and bad.stderr.strip() == "kg: error: unknown --format 'rdfa': use nt, ttl, nq, trig, jsonld, xml"
    bad = kg_command("export", str(example_build.out), "--base-iri", "example.org")
    assert bad.returncode == 2 and bad.stderr.startswith("kg: error: bad base IRI 'example.org'")
