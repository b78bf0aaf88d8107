"""Server down, wrong password, wrong database: one line on stderr within 10 s, exit code 2,
no traceback, and the password nowhere (output, server logs)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.neo4j.conftest import kg_command, neo4j_env

WRONG_PASSWORD = "not-the-password-7f3a"


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("case, expected", [
    ("down", "cannot reach Neo4j"),
    ("password", "wrong user or password"),
    ("database", "has no database 'no-such-db'"),
])
@pytest.mark.parametrize("command", ["load", "cypher"])
def test_failures_are_one_clear_line(example_build, neo4j_settings, case, expected, command):
    env = neo4j_env(neo4j_settings)
    extra = []
    if case == "down":
        env["NEO4J_URI"] = f"bolt://127.0.0.1:{unused_port()}"
    elif case == "password":
        env["NEO4J_PASSWORD"] = WRONG_PASSWORD
    else:
        extra = ["--database", "no-such-db"]
    args = (["neo4j", "load", str(example_build.out)] if command == "load"
            else ["cypher", str(example_build.out), "MATCH (n) RETURN count(n)"])
    started = time.monotonic()
    done = kg_command(*args, *extra, env=env, timeout=60)
    assert time.monotonic() - started < 10
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("kg: error:")]
    assert len(errors) == 1 and expected in errors[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert env["NEO4J_PASSWORD"] not in done.stderr + done.stdout


def test_no_password_in_the_server_logs(neo4j_settings):
    home = Path.home() / ".cache" / "kg" / "neo4j-5.26" / "logs"
    logs = [p for p in home.glob("*.log")] if home.is_dir() else []
    for log in logs:
        text = log.read_text(errors="replace")
        assert WRONG_PASSWORD not in text and neo4j_settings.password not in text, log


def test_password_is_not_in_the_settings_repr(neo4j_settings):
    assert neo4j_settings.password not in repr(neo4j_settings)
    assert neo4j_settings.password not in neo4j_settings.where
