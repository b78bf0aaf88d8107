"""Services and security faults (issue 20, items 13-17): Neo4j loads over a large stale
graph, credentials in URIs, URIs that are not Bolt, SPARQL SERVICE clauses, and Cypher
queries that would read or write files or change a store. Against the real Neo4j server of
scripts/neo4j-server, the real pyoxigraph and Ladybug stores and the real `kg` command."""

from __future__ import annotations

import pytest

from tests.neo4j.conftest import empty_neo4j, kg_command, neo4j_env, neo4j_settings  # noqa: F401
from tests.neo4j.test_failures import unused_port

SECRET = "s3cret-7f3a"


def error_lines(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("kg: error:")]


def assert_one_line_failure(done, expected: str) -> None:
    assert done.returncode == 2, done.stderr
    errors = error_lines(done)
    assert len(errors) == 1 and expected in errors[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# ---------------------------------------------------------------- 14: credentials in URIs


@pytest.mark.parametrize("command", ["load", "cypher"])
def test_a_password_in_the_uri_is_never_printed(example_build, command):
    uri = f"bolt://neo4j:{SECRET}@127.0.0.1:{unused_port()}"
    args = (["neo4j", "load", str(example_build.out), "--uri", uri] if command == "load"
            else ["cypher", str(example_build.out), "--neo4j", uri, "RETURN 1"])
    done = kg_command(*args, env={"NEO4J_PASSWORD": "other-password"}, timeout=60)
    assert_one_line_failure(done, "cannot reach Neo4j at bolt://127.0.0.1:")
    assert SECRET not in done.stderr + done.stdout


@pytest.mark.parametrize("extra, expected", [
    ([], "wrong user or password"),
    (["--database", "no-such-db"], "has no database 'no-such-db'"),
])
def test_a_password_in_the_uri_is_masked_in_server_refusals(example_build, neo4j_settings,
                                                           extra, expected):
    port = neo4j_settings.uri.rsplit(":", 1)[1]
    password = SECRET if not extra else neo4j_settings.password
    done = kg_command("neo4j", "load", str(example_build.out), "--uri",
                      f"bolt://neo4j:{password}@127.0.0.1:{port}", *extra, timeout=60)
    assert_one_line_failure(done, expected)
    assert password not in done.stderr + done.stdout


def test_the_uri_credentials_are_the_login(example_build, neo4j_settings):
    """bolt://user:password@host logs in as that user (the driver itself refuses user info)."""
    port = neo4j_settings.uri.rsplit(":", 1)[1]
    done = kg_command("cypher", str(example_build.out), "--format", "csv", "--neo4j",
                      f"bolt://{neo4j_settings.user}:{neo4j_settings.password}@127.0.0.1:{port}",
                      "RETURN 41 + 1 AS answer", env={"NEO4J_PASSWORD": "wrong-password"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["answer", "42"]


def test_mask_credentials_masks_every_uri_in_a_message():
    from kg.export.neo4j_bolt import Neo4jSettings, mask_credentials

    text = "Given URI: 'bolt://neo4j:a@b/c@host:7687', then neo4j+s://u:p@h:1 and bolt://h:2"
    assert mask_credentials(text) == ("Given URI: 'bolt://***@host:7687', then "
                                      "neo4j+s://***@h:1 and bolt://h:2")
    settings = Neo4jSettings(uri="bolt://neo4j:se%40cret@h:1")
    assert (settings.uri, settings.user, settings.password) == ("bolt://h:1", "neo4j", "se@cret")
    assert "cret" not in repr(settings)


# ---------------------------------------------------------------- 15: URIs that are not Bolt


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "https://neo4j:" + SECRET + "@h:7473",
                                 "localhost:7687"])
@pytest.mark.parametrize("command", ["load", "cypher"])
def test_a_uri_that_is_not_bolt_is_one_line(example_build, uri, command):
    args = (["neo4j", "load", str(example_build.out), "--uri", uri] if command == "load"
            else ["cypher", str(example_build.out), "--neo4j", uri, "RETURN 1"])
    done = kg_command(*args, timeout=60)
    assert_one_line_failure(done, "kg speaks Bolt to Neo4j: use a bolt:// or neo4j:// URI")
    assert "aiohttp" not in done.stderr and SECRET not in done.stderr
