"""Issue 19: the example queries read the per-paper named graphs explicitly, and the default graph
where the data holds no named graph, so unchanged they give the same rows over the exported TriG
and N-Quads and over the build's graph.ttl (rdflib Datasets with the standard default graph, as
Jena reads them) as `kg sparql` gives on the store; provenance.rq names the extractor.
tests/query/test_jena.py runs the same queries in Apache Jena's ARQ."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

QUERIES = sorted((ROOT / "examples" / "queries").glob("*.rq"))
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's parsers


def cell(value: str | None, datatype: str | None) -> tuple:
    if value is not None and " | " in value:  # GROUP_CONCAT: its order is the engine's
        value = " | ".join(sorted(value.split(" | ")))
    return value, datatype


def store_rows(out, query: str) -> list[tuple]:
    import pyoxigraph as ox

    from kg.query.sparql import run_query

    result = run_query(out, query)
    names = [v.value for v in result.variables]
    return sorted(tuple(cell(None, None) if (t := s[n]) is None else cell(
        t.value, t.datatype.value if isinstance(t, ox.Literal) else None) for n in names)
        for s in result)


def file_rows(data, query: str) -> list[tuple]:
    import rdflib

    return sorted(tuple(cell(None, None) if t is None else cell(
        str(t), str(t.datatype or rdflib.XSD.string) if isinstance(t, rdflib.Literal) else None)
        for t in row) for row in data.query(query))


@pytest.fixture(scope="module", params=["trig", "nq", "ttl"])
def exported(request, example_build, tmp_path_factory):
    """TriG and N-Quads as `kg export` writes them; Turtle: the build's own graph.ttl."""
    import rdflib

    from kg.export.rdf import write_rdf

    if request.param == "ttl":
        path = example_build.out / "graph.ttl"
    else:
        path = tmp_path_factory.mktemp("export") / f"graph.{request.param}"
        write_rdf(example_build.walk(), path, request.param)
    data = rdflib.Dataset()  # the default graph is the default graph alone, as in Jena
    data.parse(path, format={"trig": "trig", "nq": "nquads", "ttl": "turtle"}[request.param])
    return data


@pytest.mark.parametrize("query", QUERIES, ids=lambda path: path.stem)
def test_example_query_gives_the_store_s_rows_over_the_export(example_build, exported, query):
    text = query.read_text(encoding="utf-8")
    expected = store_rows(example_build.out, text)
    assert expected, f"{query.name} returned nothing"
    assert file_rows(exported, text) == expected


def test_provenance_names_the_extractor_over_the_export(exported):
    text = (ROOT / "examples" / "queries" / "provenance.rq").read_text(encoding="utf-8")
    rows = list(exported.query(text))
    assert rows and all(str(row.extractor).startswith("0.1.0") for row in rows)


NO_NAMED_GRAPH = "{ { FILTER NOT EXISTS { GRAPH ?anyGraph { ?anyS ?anyP ?anyO } } }"


@pytest.fixture(scope="module")
def turtle(example_build):
    import rdflib

    data = rdflib.Dataset()
    data.parse(example_build.out / "graph.ttl", format="turtle")
    return data


@pytest.mark.parametrize("query", QUERIES, ids=lambda path: path.stem)
def test_each_half_of_the_query_answers_only_where_its_data_is(example_build, turtle, query):
    """Each query holds its paper pattern twice: in `GRAPH ?graph { … }`, and in the default
    graph behind `FILTER NOT EXISTS { GRAPH ?anyGraph { … } }`. On the store (named graphs) the
    first half alone gives every row; over Turtle (none) the second half alone does."""
    text = query.read_text(encoding="utf-8")
    assert "GRAPH ?graph {" in text and NO_NAMED_GRAPH in text
    expected = store_rows(example_build.out, text)
    assert store_rows(example_build.out, text.replace(NO_NAMED_GRAPH, "{ { FILTER(false) }")) == expected
    no_graph_half = text.replace("GRAPH ?graph {", "GRAPH <urn:kg:no-such-graph> {")
    assert file_rows(turtle, no_graph_half) == file_rows(turtle, text) == expected
