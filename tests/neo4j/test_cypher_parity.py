"""The Cypher parity suite: every query of parity_queries.yaml gives the same rows on a real
Neo4j server and on the build's embedded store (`kg.query.cypher`), over the example build;
a query the embedded store cannot answer right is refused there with the expected one-line
error, never answered wrong."""

from __future__ import annotations

import datetime
import decimal
import re
from pathlib import Path

import pytest
import yaml

from kg.query.cypher import cypher_rows, neo4j_cypher_rows
from kg.query.sparql import QueryError

QUERIES = yaml.safe_load((Path(__file__).parent / "parity_queries.yaml").read_text())


def ordered(query: str) -> bool:
    """Whether the rows' order is part of the answer: an ORDER BY after the last RETURN."""
    return bool(re.search(r"\bORDER\s+BY\b", re.split(r"\bRETURN\b", query)[-1], re.I))


def comparable(value):
    """A value as both engines should give it: numbers as floats rounded to 9 places (an
    integral Decimal or float equals the int), dates as ISO text, maps without nulls."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return round(float(value), 9)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [comparable(v) for v in value]
    return value


def answer(columns: list[str], rows: list[list], in_order: bool):
    rows = [[comparable(v) for v in row] for row in rows]
    return columns, rows if in_order else sorted(rows, key=repr)


@pytest.fixture(scope="module")
def loaded(example_build, neo4j_settings):
    from kg.export.neo4j_bolt import clear_database, load_graph

    clear_database(neo4j_settings)
    load_graph(example_build.graph, neo4j_settings)
    return example_build.out, neo4j_settings


def test_suite_size():
    assert len(QUERIES) >= 60
    assert len({q["name"] for q in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize("case", QUERIES, ids=[q["name"] for q in QUERIES])
def test_parity(loaded, case):
    out, settings = loaded
    query, in_order = case["query"], ordered(case["query"])
    expected = answer(*neo4j_cypher_rows(settings, query), in_order)
    if "refused" in case:
        with pytest.raises(QueryError) as refused:
            cypher_rows(out, query)
        message = str(refused.value)
        assert case["refused"] in message and "\n" not in message
        return
    assert answer(*cypher_rows(out, query), in_order) == expected


def test_to_string_of_floats_is_neo4js(loaded):
    """toString of 4,000 seeded random floats over the whole double range gives Neo4j's text
    (Java's Double.toString), or is refused where Java 17's digits are not the shortest; before,
    a float kept six decimals and no exponent (toString(1e-7) was '0.0')."""
    import random

    out, settings = loaded
    generator = random.Random(17)
    values = []
    for _ in range(2000):
        exponent = generator.choice([generator.randint(-300, 15), generator.randint(27, 307),
                                     generator.randint(-8, 8)])
        mantissa = generator.uniform(1, 9.99) * generator.choice([1, -1])
        values.append(float(f"{mantissa:.{generator.randint(0, 16)}f}e{exponent}"))
        values.append(mantissa * 10.0 ** exponent)
    literals = ", ".join(repr(v).replace("e+", "e") for v in values if v)
    query = f"UNWIND [{literals}] AS x RETURN x, toString(x) AS text"
    assert cypher_rows(out, query) == neo4j_cypher_rows(settings, query)
    for big in (5.085892673649559e16, -1e23, 8e-323):
        with pytest.raises(QueryError, match="other last digits"):
            cypher_rows(out, f"RETURN toString({big!r}) AS text".replace("e+", "e"))
