"""Issue 19 item 8: a usage error (an unknown command, an unknown option, a bad value) prints
click's usage message and exits 2, with no traceback, for every command of the app."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main

from kg.cli import app


def command_paths(command, path=()):
    """Every leaf command of the typer app, as its words (`fetch arxiv`)."""
    children = getattr(command, "commands", None)
    if not children:
        yield list(path)
        return
    for name, child in children.items():
        yield from command_paths(child, (*path, name))


COMMANDS = list(command_paths(typer.main.get_command(app)))


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def assert_usage_error(done: subprocess.CompletedProcess, words: list[str], says: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"Usage: python -m kg {' '.join(words)}".rstrip()), lines
    assert says in lines[-1] and lines[-1].startswith("Error: "), lines


def test_every_command_is_checked():
    assert len(COMMANDS) >= 15 and ["build"] in COMMANDS and ["fetch", "arxiv"] in COMMANDS


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_an_unknown_option_is_a_usage_error(words):
    assert_usage_error(kg(*words, "--bogus", "x"), words, "No such option: --bogus")


@pytest.mark.parametrize("args,words,says", [
    (["foo"], [], "No such command 'foo'"),
    (["fetch", "foo"], ["fetch"], "No such command 'foo'"),
    (["build", "x.jsonl", "--processes", "zero"], ["build"], "Invalid value for '--processes'"),
    (["build", "x.jsonl", "--processes", "0"], ["build"], "greater than or equal to 1"),
])
def test_unknown_commands_and_bad_values_are_usage_errors(args, words, says):
    assert_usage_error(kg(*args), words, says)
