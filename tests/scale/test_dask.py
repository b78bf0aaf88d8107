"""`--engine dask` on a LocalCluster gives the same extractions as the local engine."""

from __future__ import annotations

import json
import subprocess

import pytest

import kg
from tests.scale.conftest import KG

pytest.importorskip("distributed")


def test_dask_local_cluster_gives_identical_extractions(corpus, tmp_path):
    local = kg.build([corpus], out=tmp_path / "local", batch_size=7)
    run = subprocess.run([str(KG), "build", str(corpus), "-o", str(tmp_path / "dask"),
                          "--engine", "dask", "--batch-size", "7"],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    extractions = (tmp_path / "dask" / "extractions.jsonl").read_text()
    assert extractions == (local.out / "extractions.jsonl").read_text()
    records = [json.loads(line) for line in extractions.splitlines()]
    assert len(records) == 60 and sum(len(r["entities"]) for r in records) > 100
    summary = json.loads((tmp_path / "dask" / "summary.json").read_text())
    assert summary["extracted_now"] == 60 and summary["papers_in_graph"] == 60


def test_unreachable_scheduler_is_a_one_line_error(corpus, tmp_path):
    run = subprocess.run([str(KG), "build", str(corpus), "-o", str(tmp_path / "out"), "--engine", "dask",
                          "--scheduler", "tcp://127.0.0.1:1"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip().startswith("kg: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    assert len(run.stderr.strip().splitlines()) == 1


def test_scheduler_without_dask_engine_is_refused(corpus, tmp_path):
    run = subprocess.run([str(KG), "build", str(corpus), "-o", str(tmp_path / "out"),
                          "--scheduler", "tcp://127.0.0.1:1"], capture_output=True, text=True)
    assert run.returncode == 2 and "--scheduler needs --engine dask" in run.stderr
