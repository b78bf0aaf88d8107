"""`kg cypher` picks its engine by one rule: --embedded → the build's Ladybug store;
--neo4j URI → that server; neither → Neo4j when NEO4J_URI is set, else the Ladybug store."""

from __future__ import annotations

import json

import pytest

from kg.export.neo4j_bolt import clear_database, connect
from kg.query.cypher import cypher_engine
from tests.neo4j.conftest import kg_command, neo4j_env


def test_engine_rule():
    env = {"NEO4J_URI": "bolt://db:7687"}
    assert cypher_engine(None, False, env) == "bolt://db:7687"
    assert cypher_engine(None, True, env) is None
    assert cypher_engine("bolt://other:7687", False, env) == "bolt://other:7687"
    assert cypher_engine("bolt://other:7687", True, env) is None
    assert cypher_engine(None, False, {}) is None


@pytest.fixture(scope="module")
def marked(neo4j_settings):
    """A database holding one node that the build does not have, to tell engines apart."""
    clear_database(neo4j_settings)
    with connect(neo4j_settings) as driver:
        driver.execute_query("CREATE (:Method {id: 'method/only-in-neo4j', name: 'only in neo4j'})")
    return neo4j_settings


QUERY = "MATCH (m:Method) RETURN count(m) AS methods"


def methods(done) -> int:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[0]["methods"]


def test_both_paths(example_build, marked):
    in_build = example_build.summary.entities["Method"]
    env = neo4j_env(marked)
    out = str(example_build.out)
    assert methods(kg_command("cypher", out, QUERY, "--format", "json", env=env)) == 1
    assert "querying Neo4j" in kg_command("cypher", out, QUERY, env=env).stderr
    assert methods(kg_command("cypher", out, QUERY, "--format", "json", "--embedded",
                              env=env)) == in_build
    assert methods(kg_command("cypher", out, QUERY, "--format", "json",
                              env={**env, "NEO4J_URI": ""})) == in_build
    assert methods(kg_command("cypher", out, QUERY, "--format", "json", "--neo4j", marked.uri,
                              env={**env, "NEO4J_URI": ""})) == 1


def test_output_formats_on_neo4j(example_build, marked):
    env = neo4j_env(marked)
    query = "MATCH (m:Method) RETURN m.name AS name, m AS node"
    as_csv = kg_command("cypher", str(example_build.out), query, "--format", "csv", env=env)
    assert as_csv.stdout.splitlines()[0] == "name,node"
    assert as_csv.stdout.splitlines()[1].startswith("only in neo4j,")
    as_json = json.loads(kg_command("cypher", str(example_build.out), query, "--format", "json",
                                    env=env).stdout)
    assert as_json == [{"name": "only in neo4j",
                        "node": {"id": "method/only-in-neo4j", "name": "only in neo4j"}}]
    table = kg_command("cypher", str(example_build.out), query, env=env)
    assert "only in neo4j" in table.stdout and "1 row(s)" in table.stderr
