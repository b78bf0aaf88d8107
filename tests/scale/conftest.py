"""A small corpus made by scripts/make_corpus.py, and a way to compare two graphs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

DATA = ROOT.parent / "shared" / "data"
KG = ROOT / ".venv" / "bin" / "kg"


def graph_content(graph):
    nodes = sorted((n, json.dumps(d, sort_keys=True, default=str)) for n, d in graph.nodes(data=True))
    edges = sorted((u, v, k, json.dumps(d, sort_keys=True, default=str))
                   for u, v, k, d in graph.edges(keys=True, data=True))
    return nodes, edges


def make_corpus(n: int, path) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(n), "-o", str(path),
                    "--data", str(DATA)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not (DATA / "scirex" / "abstracts.jsonl").is_file():
        pytest.skip(f"{DATA} not available")
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    make_corpus(60, path)
    return path
