"""A rebuild switches from the previous complete build to the new one at one point (issue 20,
item 6), and what a killed build left is removed by the next run (item 7). Real `kg build`
processes killed with SIGKILL at the points the KG_TEST_PAUSE_AT hook holds them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.faults.buildtools import (example_copy, kg_env, make_corpus, reader_counts, run_kg,
                                     start_kg, wait_for_line)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The example's build (the previous one), a 60-paper corpus to build over it, and what
    every reader answers for the previous build."""
    folder = tmp_path_factory.mktemp("switch")
    new = make_corpus(60, folder / "in" / "new.jsonl")
    old = folder / "old"
    done = run_kg("build", example_copy(folder / "in"), "-o", old)
    assert done.returncode == 0, done.stderr
    return {"new": new, "old": old, "old counts": reader_counts(old, folder / "r1")}


def clean_counts(listing: Path, work: Path, folder: Path) -> dict[str, int]:
    """What every reader answers for a clean build of `listing` into a new folder, made now
    from the same extraction batches (`work`) as the build it is compared with, so the two
    differ only if the output phase does (not by edits to the extractor meanwhile)."""
    shutil.copytree(work, folder / "clean" / ".work")
    done = run_kg("build", listing, "-o", folder / "clean")
    assert done.returncode == 0, done.stderr
    return reader_counts(folder / "clean", folder / "readers")


def running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def kill_at(point: str, listing: Path, out: Path, tmp: Path) -> tuple[int, int]:
    """Start a build of `listing` into `out`, SIGKILL it when it pauses at `point`; returns
    its pid and the pid that paused (the forked writer's, at graph-outputs)."""
    process = start_kg("build", listing, "-o", out,
                       env=kg_env(KG_TEST_PAUSE_AT=point, TMPDIR=str(tmp)))
    line = wait_for_line(process, f"test pause at {point}")
    paused = int(re.search(r"pid (\d+)", line).group(1))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return process.pid, paused


@pytest.mark.parametrize("point", ["outputs", "graph-outputs", "switch"])
def test_kill_9_in_the_output_phase_leaves_the_previous_build_for_every_reader(builds, tmp_path,
                                                                               point):
    if point == "graph-outputs" and (os.cpu_count() or 1) < 2:
        pytest.skip("one core: no forked writer")
    out = tmp_path / "out"
    shutil.copytree(builds["old"], out)
    (tmp_path / "tmp").mkdir()
    pid, paused = kill_at(point, builds["new"], out, tmp_path / "tmp")
    if paused != pid:  # the forked writer dies with its parent
        deadline = time.monotonic() + 5
        while running(paused) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(paused), "the forked writer outlived the killed build"
    time.sleep(1.5)  # a writer that outlived its build would put files in place by now
    assert reader_counts(out, tmp_path / "readers") == builds["old counts"]
    clean = clean_counts(builds["new"], out / ".work", tmp_path / "clean")
    done = run_kg("build", builds["new"], "-o", out)
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "summary.json").read_text())["reused"] == 60  # resumed
    assert reader_counts(out, tmp_path / "again") == clean
    assert clean["kg sparql"] == clean["kg cypher"] == clean["kg export"] == 60


def test_what_a_killed_build_left_is_removed_by_the_next_run(builds, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(builds["old"], out)
    (tmp_path / "tmp").mkdir()
    pid, _ = kill_at("switch", builds["new"], out, tmp_path / "tmp")
    staging = tmp_path / f".out.kg-build-{pid}"
    assert (staging / "store.oxigraph").is_dir() and (staging / "summary.json").is_file()
    pid, _ = kill_at("outputs", builds["new"], out, tmp_path / "tmp")
    assert (tmp_path / f".out.kg-build-{pid}").is_dir()
    done = run_kg("build", builds["new"], "-o", out, env=kg_env(TMPDIR=str(tmp_path / "tmp")))
    assert done.returncode == 0, done.stderr
    left = [p for folder in (tmp_path, out, tmp_path / "tmp") for p in folder.iterdir()
            if ".kg-build-" in p.name or "kg-tmp-" in p.name]
    assert left == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tmp"]
    assert not (out / ".work").exists() and not (out / ".kg-lock").exists()
