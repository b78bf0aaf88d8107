"""Smoke test of the local Neo4j server run by scripts/neo4j-server.

The server is started (and its jars fetched on first use) by the script when
``scripts/neo4j-server status`` says it is not running; it is left running so
later tests and runs reuse it (``scripts/neo4j-server stop`` stops it). The only
reason to skip is a missing Java runtime.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "neo4j-server"


def _java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return True
    return shutil.which("java") is not None


pytestmark = pytest.mark.skipif(
    not _java_available(), reason="java not found (needed to run the Neo4j server)"
)


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def neo4j_connection():
    """(uri, user, password) of a running server, starting it if needed."""
    status = _run("status", timeout=60)
    if status.returncode != 0:
        # First start may fetch ~120 MB of jars from Maven Central.
        started = _run("start", timeout=900)
        if started.returncode != 0:
            pytest.fail(
                "scripts/neo4j-server start failed "
                f"(exit {started.returncode}):\n{started.stdout}\n{started.stderr}"
            )
    port = os.environ.get("NEO4J_BOLT_PORT", "7687")
    uri = os.environ.get("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    user = os.environ.get("NEO4J_USER", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD", "kg-test-password")
    return uri, user, password


def test_create_read_delete_node(neo4j_connection):
    from neo4j import GraphDatabase

    uri, user, password = neo4j_connection
    label = f"KgSmokeTest_{uuid.uuid4().hex}"  # throwaway label, never reused
    marker = uuid.uuid4().hex

    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        driver.verify_connectivity()
        try:
            records, _, _ = driver.execute_query(
                f"CREATE (n:`{label}` {{marker: $marker, name: 'smoke'}}) RETURN n.marker AS m",
                marker=marker,
            )
            assert [r["m"] for r in records] == [marker]

            records, _, _ = driver.execute_query(
                f"MATCH (n:`{label}`) RETURN n.marker AS m, n.name AS name"
            )
            assert [(r["m"], r["name"]) for r in records] == [(marker, "smoke")]
        finally:
            driver.execute_query(f"MATCH (n:`{label}`) DETACH DELETE n")

        records, _, _ = driver.execute_query(f"MATCH (n:`{label}`) RETURN count(n) AS c")
        assert records[0]["c"] == 0


def test_the_server_has_room_to_compile_a_long_session_of_queries(neo4j_connection):
    """The C1-only JIT the script starts by default comes with a 48 MB code cache, which
    the whole suite's varied Cypher filled in CI ("Out of space in CodeCache for adapters",
    a failed load); the script reserves the 240 MB the full JIT gets."""
    from neo4j import GraphDatabase

    uri, user, password = neo4j_connection
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.queryJmx('java.lang:type=MemoryPool,*') YIELD name, attributes "
            "WHERE name CONTAINS 'Code' RETURN attributes.Usage.value.properties.max AS max")
    assert records, "no code cache pool reported over JMX"
    assert sum(r["max"] for r in records) >= 240 * 2**20
