"""Helpers of the build fault tests: real `kg` processes, small corpora, and every reader of a
build asked for its counts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT

KG = ROOT / ".venv" / "bin" / "kg"
DATA = ROOT.parent / "shared" / "data"
PAPER_QUERY = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }"


def kg_env(**extra: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1", **extra}
    env.pop("NEO4J_URI", None)  # `kg cypher` asks the build's own store
    return env


def run_kg(*args, cwd=None, env=None, timeout=300, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([str(KG), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env or kg_env(), timeout=timeout, **popen)


def start_kg(*args, env=None, **popen) -> subprocess.Popen:
    return subprocess.Popen([str(KG), *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env or kg_env(), **popen)


def wait_for_line(process: subprocess.Popen, text: str, timeout: float = 240) -> str:
    """Read the process's stderr until a line holding `text`; returns that line."""
    deadline = time.monotonic() + timeout
    for line in process.stderr:
        if text in line:
            return line
        if time.monotonic() > deadline:
            break
    process.kill()
    raise AssertionError(f"kg never said {text!r} (exit {process.wait()})")


def one_line_error(done: subprocess.CompletedProcess, code: int = 2) -> str:
    """The stderr of a run that failed as promised: exit `code`, one line, no traceback."""
    assert done.returncode == code, (done.returncode, done.stderr[-2000:])
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr.strip()


def make_corpus(n: int, path: Path, seed: int = 0) -> Path:
    if not (DATA / "scirex" / "abstracts.jsonl").is_file():
        pytest.skip(f"{DATA} not available")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(n), "-o",
                    str(path), "--data", str(DATA), "--seed", str(seed)], check=True,
                   capture_output=True)
    return path


def example_copy(folder: Path) -> Path:
    """The example listing, copied (a test may not write beside the original)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(EXAMPLE, folder / EXAMPLE.name))


def snapshot(out: Path) -> dict[str, bytes]:
    """The build's single files, byte for byte (the stores are compared by their answers)."""
    return {name: (out / name).read_bytes() for name in
            ("summary.json", "extractions.jsonl", "rejects.jsonl", "graph.ttl", "graph.graphml",
             "graph.html")}


def reader_counts(out: Path, scratch: Path) -> dict[str, int]:
    """What each reader of the build answers: papers, or nodes where it counts nodes. A
    folder holding one build gives the same answers as a clean copy of that build."""
    import kg

    scratch.mkdir(parents=True, exist_ok=True)
    counts = {"kg.load": kg.load(out).summary.papers_in_graph,
              "kg.load graph": kg.load(out).graph.number_of_nodes(),
              "extractions.jsonl": len((out / "extractions.jsonl").read_text().splitlines())}
    done = run_kg("sparql", out, PAPER_QUERY, "--format", "json")
    assert done.returncode == 0, done.stderr
    counts["kg sparql"] = int(json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"])
    done = run_kg("cypher", out, "MATCH (p:Paper) RETURN count(p) AS n", "--format", "json")
    assert done.returncode == 0, done.stderr
    counts["kg cypher"] = json.loads(done.stdout)[0]["n"]
    done = run_kg("stats", out, "--json")
    assert done.returncode == 0, done.stderr
    counts["kg stats"] = json.loads(done.stdout)["nodes"]["Paper"]
    done = run_kg("html", out, "-o", scratch / "page.html")
    assert done.returncode == 0, done.stderr
    counts["kg html nodes"] = int(done.stderr.split(" nodes")[0])
    done = run_kg("export", out, "--format", "nt", "-o", scratch / "graph.nt")
    assert done.returncode == 0, done.stderr
    counts["kg export"] = (scratch / "graph.nt").read_text().count(
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kg/ontology#Paper>")
    done = run_kg("entities", out, "--format", "json")
    assert done.returncode == 0, done.stderr
    counts["kg entities"] = len(json.loads(done.stdout))
    return counts
