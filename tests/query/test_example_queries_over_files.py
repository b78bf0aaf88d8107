"""Issue 19: the example queries read the per-paper named graphs explicitly, so they give the
same rows over the exported TriG and N-Quads (an rdflib Dataset with the standard default graph,
as Jena reads them) as `kg sparql` gives on the store; provenance.rq names the extractor."""

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


@pytest.fixture(scope="module", params=["trig", "nq"])
def exported(request, example_build, tmp_path_factory):
    import rdflib

    from kg.export.rdf import write_rdf

    path = tmp_path_factory.mktemp("export") / f"graph.{request.param}"
    write_rdf(example_build.walk(), path, request.param)
    data = rdflib.Dataset()  # the default graph is the default graph alone, as in Jena
    data.parse(path, format="trig" if request.param == "trig" else "nquads")
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


def without_graph_wrappers(query: str) -> str:
    """The query with each `GRAPH ?graph { … }` replaced by `{ … }`, as the README says to
    query a file that holds no named graphs (Turtle, N-Triples, RDF/XML, JSON-LD)."""
    return query.replace("GRAPH ?graph {", "{")


@pytest.fixture(scope="module")
def turtle(example_build):
    import rdflib

    data = rdflib.Dataset()  # Turtle's triples in the default graph, as Jena reads it
    data.parse(example_build.out / "graph.ttl", format="turtle")
    return data


@pytest.mark.parametrize("query", QUERIES, ids=lambda path: path.stem)
def test_over_turtle_the_query_without_graph_gives_the_store_s_rows(example_build, turtle, query):
    """README "Where the .rq files run": Turtle has no named graphs, so `GRAPH ?graph` matches
    nothing there; without it, the same rows as the store (?graph aside: no graph to name)."""
    text = query.read_text(encoding="utf-8")
    assert "GRAPH ?graph {" in text
    assert list(turtle.query(text)) == []
    keep = [i for i, name in enumerate(turtle.query(without_graph_wrappers(text)).vars)
            if str(name) != "graph"]
    expected = sorted(tuple(row[i] for i in keep) for row in store_rows(example_build.out, text))
    got = sorted(tuple(row[i] for i in keep) for row in file_rows(turtle, without_graph_wrappers(text)))
    assert got == expected
