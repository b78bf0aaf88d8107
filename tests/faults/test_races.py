"""Builds racing into one folder take turns (issue 20, item 10): each waits for the lock,
saying which process holds it, and the folder ends as one complete build. Real processes."""

from __future__ import annotations

import json
import time

from tests.faults.buildtools import make_corpus, run_kg, start_kg


def test_four_racing_builds_into_one_folder_take_turns(tmp_path):
    listing = make_corpus(20, tmp_path / "in.jsonl")
    out = tmp_path / "out"
    processes = []
    for _ in range(4):
        processes.append(start_kg("build", listing, "-o", out))
        time.sleep(0.2)
    outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in processes]
    assert [code for code, _ in outcomes] == [0, 0, 0, 0], outcomes
    waited = [err for _, err in outcomes if "is being built by process" in err]
    assert waited, "no build waited for another"
    assert all("Traceback" not in err for _, err in outcomes)
    holders = {int(err.split("by process ")[1].split(";")[0]) for err in waited}
    assert holders <= {p.pid for p in processes}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["papers_in_graph"] == 20 and summary["rejected"] == 0
    answer = run_kg("sparql", out, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }",
                    "--format", "csv")
    assert answer.stdout.splitlines() == ["n", "20"]
    marker = json.loads((out / ".kg-build.json").read_text())
    assert "summary.json" in marker["files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out"]  # no staging left
    assert not (out / ".kg-lock").exists() and not (out / ".work").exists()
