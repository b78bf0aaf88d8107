"""An interrupted `kg build` run again with the same command resumes: finished batches are
not extracted again, and the result equals an uninterrupted build."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

import kg
from tests.scale.conftest import KG, graph_content

BATCH = 5


def kg_build(corpus, out) -> subprocess.Popen:
    return subprocess.Popen([str(KG), "build", str(corpus), "-o", str(out), "--batch-size", str(BATCH)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def batches_done(out) -> int:
    return len(list((out / ".work").glob("batch-*.jsonl"))) if (out / ".work").is_dir() else 0


@pytest.fixture(scope="module")
def builds(corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("resume")
    full, resumed = folder / "full", folder / "resumed"
    assert kg_build(corpus, full).wait(timeout=300) == 0

    process = kg_build(corpus, resumed)
    deadline = time.monotonic() + 240
    while batches_done(resumed) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = batches_done(resumed)
    assert process.returncode == -signal.SIGKILL
    assert not (resumed / "extractions.jsonl").exists()  # the final file appears only when complete

    again = kg_build(corpus, resumed)
    assert again.wait(timeout=300) == 0, again.stderr.read().decode()
    return full, resumed, killed_at


def summary(out) -> dict:
    return json.loads((out / "summary.json").read_text())


def test_the_rerun_reuses_the_finished_batches(builds):
    full, resumed, killed_at = builds
    assert 2 <= killed_at < 60 // BATCH
    assert summary(full)["extracted_now"] == 60 and summary(full)["reused"] == 0
    assert summary(resumed)["reused"] >= killed_at * BATCH
    assert summary(resumed)["extracted_now"] == 60 - summary(resumed)["reused"] < 60
    assert not (resumed / ".work").exists()


def test_the_resumed_build_equals_an_uninterrupted_one(builds):
    full, resumed, _ = builds
    extractions = (resumed / "extractions.jsonl").read_text()
    assert extractions == (full / "extractions.jsonl").read_text()
    assert len(extractions.splitlines()) == 60
    assert (resumed / "graph.ttl").read_text() == (full / "graph.ttl").read_text()
    nodes, edges = graph_content(kg.load(resumed).graph)
    assert (nodes, edges) == graph_content(kg.load(full).graph)
    assert len(edges) > 100


def test_the_graph_assembled_from_the_file_equals_one_built_from_a_list(builds, corpus, tmp_path):
    from kg.api import read_jsonl_file
    from kg.graph.build import build_graph

    full, _, _ = builds
    result = kg.build([corpus], out=tmp_path / "again", batch_size=BATCH, processes=2)
    records = read_jsonl_file(result.out / "extractions.jsonl")
    assert graph_content(result.graph) == graph_content(build_graph(records))
    assert (result.out / "extractions.jsonl").read_text() == (full / "extractions.jsonl").read_text()
