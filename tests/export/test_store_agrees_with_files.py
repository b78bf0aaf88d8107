"""Issue 19, faithful values: the SPARQL store and every RDF file give the same answer to the
same query, typed literals included. The store keeps only canonical forms (`"300.0"^^xsd:decimal`
comes back as `"300"`, xsd:nonNegativeInteger as xsd:integer), so the files are written in
forms it keeps."""

from __future__ import annotations

import pytest

from kg.export.rdf import decimal_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib parsers

TYPED = """
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o FILTER(isLiteral(?o) && datatype(?o) != xsd:string && datatype(?o) != rdf:langString)
}"""


def answers(rows) -> set[tuple[str, str, str, str]]:
    return {(str(s), str(p), str(o), str(o.datatype)) for s, p, o in rows}


@pytest.fixture(scope="module")
def store_answer(example_build):
    import rdflib

    from kg.query.sparql import run_query

    found = set()
    for row in run_query(example_build.out, TYPED):
        o = row["o"]
        found.add((row["s"].value, row["p"].value, o.value, o.datatype.value))
    assert any(p.endswith("#start") for _, p, _, _ in found)
    assert any(d == str(rdflib.XSD.decimal) for *_, d in found)
    return found


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "xml"])
def test_every_file_gives_the_store_s_typed_values(example_build, store_answer, fmt, tmp_path):
    import rdflib

    from kg.export.rdf import write_rdf

    path = tmp_path / f"graph.{fmt}"
    write_rdf(example_build.walk(), path, fmt)
    parser = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld",
              "xml": "xml"}[fmt]
    data = rdflib.Dataset(default_union=True)
    data.parse(path, format=parser)
    prefixes = {"xsd": rdflib.XSD, "rdf": rdflib.RDF}
    assert answers(data.query(TYPED, initNs=prefixes)) == store_answer


def test_offsets_are_integers_and_decimals_canonical(store_answer):
    xsd = "http://www.w3.org/2001/XMLSchema#"
    offsets = {d for _, p, _, d in store_answer if p.endswith(("ns/oa#start", "ns/oa#end"))}
    assert offsets == {xsd + "integer"}
    decimals = [v for _, _, v, d in store_answer if d == xsd + "decimal"]
    assert decimals and all(decimal_text(v) == v for v in decimals)


@pytest.mark.parametrize("number,text", [(300.0, "300"), (0.95, "0.95"), (1e-07, "0.0000001"),
                                         (-0.0, "0"), (12.50, "12.5"), (1e20, "100000000000000000000"),
                                         ("34.80", "34.8")])
def test_decimal_text_is_canonical(number, text):
    assert decimal_text(number) == text
