"""The real Neo4j server of scripts/neo4j-server (started here when `scripts/test` has not),
and helpers for the tests that load into it. Every loading test starts from an empty
database; the server is left running, as test_server.py does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.neo4j.test_server import SCRIPT, _java_available

KG = [sys.executable, "-m", "kg"]


def kg_command(*args: str, env: dict | None = None, timeout: float = 120):
    return subprocess.run([*KG, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def neo4j_settings():
    from kg.export.neo4j_bolt import Neo4jSettings

    if not _java_available():
        pytest.skip("java not found (needed to run the Neo4j server)")
    if "NEO4J_URI" not in os.environ:
        status = subprocess.run([str(SCRIPT), "status"], capture_output=True, timeout=60)
        if status.returncode != 0:
            started = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True,
                                     timeout=900)
            assert started.returncode == 0, started.stderr
    port = os.environ.get("NEO4J_BOLT_PORT", "7687")
    return Neo4jSettings.from_env(uri=os.environ.get("NEO4J_URI") or f"bolt://127.0.0.1:{port}",
                                  password=os.environ.get("NEO4J_PASSWORD", "kg-test-password"))


@pytest.fixture
def empty_neo4j(neo4j_settings):
    from kg.export.neo4j_bolt import clear_database

    clear_database(neo4j_settings)
    return neo4j_settings


def neo4j_env(settings) -> dict:
    return {"NEO4J_URI": settings.uri, "NEO4J_USER": settings.user,
            "NEO4J_PASSWORD": settings.password}


def database_counts(settings) -> dict:
    from kg.export.neo4j_bolt import connect, count_graph

    with connect(settings) as driver:
        return count_graph(driver, settings)


def graph_counts(graph) -> dict:
    return {"nodes": graph.number_of_nodes(), "relationships": graph.number_of_edges()}
