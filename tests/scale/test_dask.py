"""`--engine dask` gives the local engine's build byte for byte, on a LocalCluster it starts
and on an existing cluster of several worker processes reached by its scheduler address."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query.cypher import cypher_rows
from tests.scale.conftest import DATA, KG

pytest.importorskip("distributed")

EXPORTS = ["--export", "nt", "--export", "neo4j-csv"]
TIMED = {".kg-build.json": ("written",), "summary.json": ("seconds", "steps")}  # clock readings
STORES = ("store.oxigraph", "store.lbdb")  # binary; compared by content


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory):
    """60 real arXiv abstracts."""
    source = DATA / "corpus" / "arxiv-ml.jsonl.gz"
    if not source.is_file():
        pytest.skip(f"{source} not available")
    path = tmp_path_factory.mktemp("real") / "arxiv60.jsonl"
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        path.write_text("".join(line for _, line in zip(range(60), lines)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_build(real_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    run = subprocess.run([str(KG), "build", str(real_corpus), "-o", str(out), "--batch-size", "7",
                          *EXPORTS], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return out


def _files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*")
                  if path.is_file() and path.relative_to(root).parts[0] not in STORES)


def _without(text: str, keys: tuple) -> dict:
    found = {key: value for key, value in json.loads(text).items() if key not in keys}
    if isinstance(found.get("made_with"), dict):  # the marker names the build folder's own path
        found["made_with"] = {k: v for k, v in found["made_with"].items() if k != "folder"}
    return found


def assert_same_build(local: Path, other: Path) -> None:
    """Every file the same byte for byte, but for clock readings, the build folder's own path
    in the neo4j-admin arguments and the marker, and the stores' binary files (their content
    compared)."""
    assert _files(other) == _files(local)
    for name in _files(local):
        mine, theirs = (local / name).read_bytes(), (other / name).read_bytes()
        if name in TIMED:
            assert _without(theirs, TIMED[name]) == _without(mine, TIMED[name]), name
        elif name.endswith("import.args"):
            folder = re.compile(rb"\S*/(neo4j-import/)")
            assert folder.sub(rb"\1", theirs) == folder.sub(rb"\1", mine)
        else:
            assert theirs == mine, name
    quads = [sorted(map(str, ox.Store.read_only(str(out / "store.oxigraph")))) for out in (local, other)]
    assert quads[1] == quads[0] and len(quads[0]) > 1000
    query = "MATCH (a)-[r]->(b) RETURN a.id, type(r), b.id ORDER BY a.id, type(r), b.id"
    assert cypher_rows(other, query) == cypher_rows(local, query)


def test_dask_local_cluster_gives_the_local_build_byte_for_byte(real_corpus, local_build, tmp_path):
    run = subprocess.run([str(KG), "build", str(real_corpus), "-o", str(tmp_path / "dask"),
                          "--engine", "dask", "--batch-size", "7", *EXPORTS],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert_same_build(local_build, tmp_path / "dask")
    records = [json.loads(line) for line in (tmp_path / "dask" / "extractions.jsonl").open()]
    assert len(records) == 60 and sum(len(r["entities"]) for r in records) > 50
    summary = json.loads((tmp_path / "dask" / "summary.json").read_text())
    assert summary["extracted_now"] == 60 and summary["papers_in_graph"] == 60


def test_existing_cluster_of_two_worker_processes_by_scheduler_address(real_corpus, local_build,
                                                                        tmp_path):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        run = subprocess.run([str(KG), "build", str(real_corpus), "-o", str(tmp_path / "dask"),
                              "--engine", "dask", "--scheduler", cluster.scheduler_address,
                              "--batch-size", "7", *EXPORTS],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
        pids = client.run(os.getpid)
    assert len(executed) == 2 and len(set(pids.values())) == 2
    assert all(count >= 1 for count in executed.values()), executed  # both workers extracted
    assert sum(executed.values()) >= 9  # 60 papers in batches of 7
    assert_same_build(local_build, tmp_path / "dask")


def test_unreachable_scheduler_is_a_one_line_error(real_corpus, tmp_path):
    run = subprocess.run([str(KG), "build", str(real_corpus), "-o", str(tmp_path / "out"), "--engine", "dask",
                          "--scheduler", "tcp://127.0.0.1:1"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip().startswith("kg: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    assert len(run.stderr.strip().splitlines()) == 1


def test_scheduler_without_dask_engine_is_refused(real_corpus, tmp_path):
    run = subprocess.run([str(KG), "build", str(real_corpus), "-o", str(tmp_path / "out"),
                          "--scheduler", "tcp://127.0.0.1:1"], capture_output=True, text=True)
    assert run.returncode == 2 and "--scheduler needs --engine dask" in run.stderr


def test_worker_with_another_model_version_is_refused_in_one_line(real_corpus, tmp_path):
    """A worker whose kg carries another model version would write other records: refused
    before any batch is sent."""
    from distributed import LocalCluster

    from tests.conftest import ROOT

    other = tmp_path / "other-kg"
    shutil.copytree(ROOT / "kg", other / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    meta = other / "kg" / "extract" / "models" / "ner" / "meta.json"
    meta.write_text(meta.read_text().replace('"version": "', '"version": "9', 1))
    with LocalCluster(n_workers=0, processes=True, dashboard_address=None) as cluster:
        worker = subprocess.Popen([str(ROOT / ".venv" / "bin" / "dask"), "worker",
                                   cluster.scheduler_address, "--nthreads", "1", "--no-dashboard"],
                                  env={**os.environ, "PYTHONPATH": str(other)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                if cluster.scheduler.workers:
                    break
                time.sleep(0.1)
            assert cluster.scheduler.workers, "the worker did not join"
            run = subprocess.run([str(KG), "build", str(real_corpus), "-o", str(tmp_path / "out"),
                                  "--engine", "dask", "--scheduler", cluster.scheduler_address],
                                 capture_output=True, text=True, timeout=300)
        finally:
            worker.terminate()
            worker.wait(30)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "extracts with" in lines[0] and "+kg_ner-90." in lines[0], lines
    assert "install the same kg and model on every worker" in lines[0]
    assert not (tmp_path / "out" / "extractions.jsonl").exists()
