"""`--update` run twice, or killed and run again, gives what one clean update gives: no new
paper listed as a duplicate of itself (issue 20, item 9)."""

from __future__ import annotations

import json
import os
import shutil
import signal

import pytest

from tests.faults.buildtools import (
    PAPER_QUERY,
    kg_env,
    make_corpus,
    run_kg,
    start_kg,
    wait_for_line,
)

COUNTS = ("papers_read", "papers_in_graph", "rejected", "duplicates")


def summary(out) -> dict:
    data = json.loads((out / "summary.json").read_text())
    return {key: data[key] for key in COUNTS}


def queried_papers(out) -> tuple[int, int]:
    """The papers `kg sparql` and `kg cypher` find in the build in `out`."""
    done = run_kg("sparql", out, PAPER_QUERY, "--format", "json")
    assert done.returncode == 0, done.stderr
    sparql = int(json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"])
    done = run_kg("cypher", out, "MATCH (p:Paper) RETURN count(p) AS n", "--format", "json")
    assert done.returncode == 0, done.stderr
    return sparql, json.loads(done.stdout)[0]["n"]


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """A build of 20 papers, and the folder after one update with 20 new ones plus a repeat."""
    folder = tmp_path_factory.mktemp("update")
    lines = make_corpus(40, folder / "all.jsonl").read_text().splitlines(keepends=True)
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    first.write_text("".join(lines[:20]))
    second.write_text("".join(lines[20:] + lines[:1]))  # the last one repeats a first paper
    base = folder / "base"
    assert run_kg("build", first, "-o", base).returncode == 0
    once = folder / "once"
    shutil.copytree(base, once)
    done = run_kg("build", second, "--update", once)
    assert done.returncode == 0, done.stderr
    return second, base, once


def test_one_update_counts_the_repeat_once(updated):
    _, _, once = updated
    assert summary(once) == {"papers_read": 41, "papers_in_graph": 40, "rejected": 1,
                             "duplicates": 1}


def test_update_twice_equals_update_once(updated, tmp_path):
    second, _, once = updated
    twice = tmp_path / "twice"
    shutil.copytree(once, twice)
    done = run_kg("build", second, "--update", twice)
    assert done.returncode == 0, done.stderr
    assert summary(twice) == summary(once)
    assert (twice / "rejects.jsonl").read_text() == (once / "rejects.jsonl").read_text()
    assert (twice / "extractions.jsonl").read_text() == (once / "extractions.jsonl").read_text()


@pytest.mark.parametrize("point", ["outputs", "delta", "switch"])
def test_a_killed_update_run_again_equals_update_once(updated, tmp_path, point):
    """`delta`: killed after changing its copy of the store by delta (every update a delta)."""
    second, base, once = updated
    out = tmp_path / "out"
    shutil.copytree(base, out)
    share = {"KG_DELTA_SHARE": "1"} if point == "delta" else {}
    process = start_kg("build", second, "--update", out, env=kg_env(KG_TEST_PAUSE_AT=point, **share))
    wait_for_line(process, f"test pause at {point}")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert queried_papers(out) == (20, 20)  # the previous build, whole, in both stores
    assert summary(out) == summary(base)
    done = run_kg("build", second, "--update", out)
    assert done.returncode == 0, done.stderr
    assert summary(out) == summary(once)
    assert (out / "extractions.jsonl").read_text() == (once / "extractions.jsonl").read_text()
    assert queried_papers(out) == (40, 40)
