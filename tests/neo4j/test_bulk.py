"""`kg neo4j load --bulk`: neo4j-admin's import of the build's CSVs into a second server home
on other ports (the test server keeps running), the server stopped and started again by
scripts/neo4j-server; the database it gives is the Bolt load's, property for property."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kg.export.neo4j_bolt import Neo4jSettings, load_graph
from tests.neo4j.conftest import kg_command
from tests.neo4j.graph_dump import graph_dump
from tests.neo4j.test_server import SCRIPT

PORT, HTTP_PORT, PASSWORD = "17688", "17475", "bulk-test-password"


@pytest.fixture
def second_server(tmp_path):
    """The environment of a second scripts/neo4j-server home (not started); stopped after."""
    lib = Path(os.environ.get("KG_NEO4J_HOME", Path.home() / ".cache/kg/neo4j-5.26")) / "lib"
    if not lib.is_dir():
        pytest.skip("no Neo4j jars (scripts/neo4j-server start fetches them)")
    home = tmp_path / "neo4j-home"
    home.mkdir()
    (home / "lib").symlink_to(lib)
    env = {"KG_NEO4J_HOME": str(home), "NEO4J_BOLT_PORT": PORT, "NEO4J_HTTP_PORT": HTTP_PORT,
           "NEO4J_PASSWORD": PASSWORD, "NEO4J_URI": f"bolt://127.0.0.1:{PORT}",
           "NEO4J_USER": "neo4j"}
    yield env
    subprocess.run([str(SCRIPT), "stop"], env={**os.environ, **env}, capture_output=True,
                   timeout=180)


def test_bulk_load_gives_the_bolt_graph_and_refuses_a_database_not_empty(
        example_build, empty_neo4j, second_server):
    load_graph(example_build.walk(), empty_neo4j)
    bolt = graph_dump(empty_neo4j)

    done = kg_command("neo4j", "load", str(example_build.out), "--bulk", env=second_server,
                      timeout=900)
    assert done.returncode == 0, done.stderr
    counts = f"imported {len(bolt[0])} nodes, {len(bolt[1])} relationships"
    assert counts in done.stderr + done.stdout
    settings = Neo4jSettings(f"bolt://127.0.0.1:{PORT}", "neo4j", PASSWORD)
    assert graph_dump(settings) == bolt
    constraints = {r["name"] for r in _rows(settings, "SHOW CONSTRAINTS YIELD name")}
    assert "kg_paper_id" in constraints and "kg_method_id" in constraints

    refused = kg_command("neo4j", "load", str(example_build.out), "--bulk", env=second_server,
                         timeout=300)
    assert refused.returncode == 2, refused.stderr
    errors = [line for line in refused.stderr.splitlines() if line.startswith("kg: error:")]
    assert len(errors) == 1 and f"holds {len(bolt[0])} nodes" in errors[0], refused.stderr
    assert "--replace" in errors[0] and "Traceback" not in refused.stderr

    # replacing a running server's database: stopped, imported, started; a Bolt reload of it
    # then changes nothing
    again = kg_command("neo4j", "load", str(example_build.out), "--bulk", "--replace",
                       env=second_server, timeout=900)
    assert again.returncode == 0, again.stderr
    assert graph_dump(settings) == bolt
    reload = load_graph(example_build.walk(), settings)
    assert not reload["was_empty"] and reload["prune_transactions"] == 0
    assert graph_dump(settings) == bolt


def test_bulk_load_refuses_another_server(example_build, neo4j_settings):
    """--bulk imports into the script's server only: a URI on another port is one line."""
    done = kg_command("neo4j", "load", str(example_build.out), "--bulk",
                      "--uri", "bolt://127.0.0.1:1", timeout=120)
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("kg: error:")]
    assert len(errors) == 1 and "imports into the server of scripts/neo4j-server" in errors[0]


def _rows(settings, query: str) -> list[dict]:
    from kg.export.neo4j_bolt import connect

    with connect(settings) as driver:
        return [r.data() for r in driver.execute_query(query).records]
