"""`same_as` (links out to arXiv, DOI, Linked Papers With Code) is the same list in Neo4j whether
loaded over Bolt or by the Cypher script."""

from __future__ import annotations

from kg.export.neo4j_bolt import connect, load_graph
from kg.export.neo4j_files import write_cypher_script
from tests.export.test_links_out import ARXIV, DOI, IMAGENET, linked_graph


def same_as_by_id(settings) -> dict:
    with connect(settings) as driver:
        records = driver.execute_query("MATCH (n) WHERE n.same_as IS NOT NULL "
                                       "RETURN n.id AS id, n.same_as AS same_as",
                                       database_=settings.database).records
    return {r["id"]: r["same_as"] for r in records}


def test_same_as_over_bolt_and_by_script(example_extractions, empty_neo4j, tmp_path):
    graph = linked_graph(example_extractions)
    expected = {n: d["same_as"] for n, d in graph.nodes(data=True) if d.get("same_as")}
    assert IMAGENET in [iri for iris in expected.values() for iri in iris]
    assert [ARXIV, DOI] in expected.values()

    load_graph(graph, empty_neo4j)
    assert same_as_by_id(empty_neo4j) == expected

    with connect(empty_neo4j) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=empty_neo4j.database)
        script = tmp_path / "graph.cypher"
        write_cypher_script(graph, script)
        text = "\n".join(line for line in script.read_text().splitlines() if not line.startswith("//"))
        for statement in (s for s in text.split(";\n") if s.strip()):
            driver.execute_query(statement, database_=empty_neo4j.database)
    assert same_as_by_id(empty_neo4j) == expected
