"""Ctrl-C and SIGTERM stop a build with exit 130 or 143 and one line, and the previous build
stays whole (issue 20, item 5). Real signals to a real `kg build`."""

from __future__ import annotations

import os
import shutil
import signal
import time

import pytest

from tests.faults.buildtools import (example_copy, kg_env, make_corpus, run_kg, snapshot, start_kg,
                                     wait_for_line)


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A build of the example listing (44 papers), and a 300-paper corpus to rebuild over it."""
    folder = tmp_path_factory.mktemp("signals")
    done = run_kg("build", example_copy(folder / "in"), "-o", folder / "out")
    assert done.returncode == 0, done.stderr
    return folder / "out", make_corpus(300, folder / "in" / "corpus.jsonl")


def over_previous(previous, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(previous[0], out)
    return out, snapshot(out)


def wait_for_batches(out, process, count: int = 1, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while len(list((out / ".work").glob("batch-*.jsonl"))) < count:
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "no extraction batch finished"
        time.sleep(0.05)


def assert_stopped_cleanly(process, code: int, name: str, out, before) -> None:
    assert process.wait(timeout=60) == code
    lines = process.stderr.read().strip().splitlines()
    assert lines and lines[-1].startswith(f"kg: interrupted ({name}, exit {code})"), lines
    assert not any("Traceback" in line for line in lines), lines
    assert snapshot(out) == before  # the previous build, whole
    assert not list(out.parent.glob(f".{out.name}.kg-build-*"))  # its staging folder went
    answer = run_kg("sparql", out, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }",
                    "--format", "csv")
    assert answer.stdout.splitlines() == ["n", "44"]


def test_ctrl_c_during_extraction_exits_130_and_keeps_the_previous_build(previous, tmp_path):
    out, before = over_previous(previous, tmp_path)
    process = start_kg("build", previous[1], "-o", out, "--batch-size", "20")
    wait_for_batches(out, process)
    process.send_signal(signal.SIGINT)
    assert_stopped_cleanly(process, 130, "SIGINT", out, before)
    assert list((out / ".work").glob("batch-*.jsonl"))  # kept: the same command resumes


def test_sigterm_during_extraction_with_workers_exits_143(previous, tmp_path):
    out, before = over_previous(previous, tmp_path)
    process = start_kg("build", previous[1], "-o", out, "--batch-size", "20", "-p", "2")
    wait_for_batches(out, process)
    process.send_signal(signal.SIGTERM)
    assert_stopped_cleanly(process, 143, "SIGTERM", out, before)


@pytest.mark.parametrize("point, sig, code, name", [
    ("outputs", signal.SIGTERM, 143, "SIGTERM"),
    ("switch", signal.SIGINT, 130, "SIGINT"),
])
def test_a_signal_in_the_output_phase_keeps_the_previous_build(previous, tmp_path, point, sig,
                                                                code, name):
    out, before = over_previous(previous, tmp_path)
    process = start_kg("build", previous[1], "-o", out, "--batch-size", "100",
                       env=kg_env(KG_TEST_PAUSE_AT=point))
    wait_for_line(process, f"test pause at {point}")
    if point == "switch":  # the new build is complete beside the previous one
        assert (tmp_path / f".out.kg-build-{process.pid}" / "summary.json").is_file()
    os.kill(process.pid, sig)
    assert_stopped_cleanly(process, code, name, out, before)


def test_kill_9_during_extraction_leaves_no_worker_behind(previous, tmp_path):
    """Workers die with a killed build: a worker left behind held the folder's lock (inherited
    with the fork), so the next build of the folder waited for ever."""
    import psutil

    out, before = over_previous(previous, tmp_path)
    process = start_kg("build", previous[1], "-o", out, "--batch-size", "20", "-p", "2")
    wait_for_batches(out, process)
    workers = psutil.Process(process.pid).children(recursive=True)
    assert workers
    process.kill()
    process.wait(timeout=60)
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert alive == []
    assert snapshot(out) == before
    rerun = run_kg("build", previous[1], "-o", out, "--batch-size", "20", "-p", "2", timeout=300)
    assert rerun.returncode == 0, rerun.stderr
