"""Every example query in examples/queries/ gives the same answers on Neo4j, on the embedded
Ladybug store (`NAME.cypher`) and on the SPARQL store (its twin `NAME.rq`)."""

from __future__ import annotations

import math

import pytest

from kg.export.neo4j_bolt import load_graph
from kg.query.cypher import cypher_rows, neo4j_cypher_rows
from kg.query.sparql import sparql_rows
from tests.conftest import ROOT

QUERIES = ROOT / "examples" / "queries"
NAMES = sorted(p.stem for p in QUERIES.glob("*.cypher"))
# SPARQL columns that the Cypher twin leaves out (IRIs: the relation, the named graph)
SPARQL_ONLY = {"relation", "graph"}


def test_every_cypher_example_has_a_sparql_twin():
    assert len(NAMES) == 6
    assert {p.stem for p in QUERIES.glob("*.rq")} == set(NAMES)


@pytest.fixture(scope="module")
def loaded(example_build, neo4j_settings):
    from kg.export.neo4j_bolt import clear_database

    clear_database(neo4j_settings)
    load_graph(example_build.graph, neo4j_settings)
    return neo4j_settings


def normalised(columns, rows) -> list[tuple]:
    """Rows as sorted tuples of comparable values: lists and " | "-joined strings as sets,
    floats rounded, named columns only."""
    out = []
    for row in rows:
        values = []
        for column, value in zip(columns, row):
            if column in SPARQL_ONLY:
                continue
            if column == "datasets":
                value = frozenset(value if isinstance(value, list) else value.split(" | "))
            elif isinstance(value, float) and not math.isnan(value):
                value = round(value, 6)
            values.append((column, value))
        out.append(tuple(values))
    return sorted(out, key=repr)


@pytest.mark.parametrize("name", NAMES)
def test_same_answers_on_neo4j_ladybug_and_sparql(example_build, loaded, name):
    cypher = (QUERIES / f"{name}.cypher").read_text()
    on_neo4j = neo4j_cypher_rows(loaded, cypher)
    on_ladybug = cypher_rows(example_build.out, cypher)
    on_sparql = sparql_rows(example_build.out, (QUERIES / f"{name}.rq").read_text())
    assert on_neo4j[1], f"{name}.cypher returned nothing"
    assert on_neo4j[0] == on_ladybug[0] == [c for c in on_sparql[0] if c not in SPARQL_ONLY]
    assert normalised(*on_neo4j) == normalised(*on_ladybug) == normalised(*on_sparql)
    # the ORDER BY is the same too, where the order is total
    first = on_neo4j[0][0]
    order = [row[0] for row in on_neo4j[1]]
    assert order == [row[0] for row in on_ladybug[1]] == [
        row[on_sparql[0].index(first)] for row in on_sparql[1]]
