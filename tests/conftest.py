"""Shared fixtures: the bundled example listing, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-daily-papers.txt"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    import kg

    return kg.build([EXAMPLE], out=tmp_path_factory.mktemp("example") / "out")


@pytest.fixture(scope="session")
def example_extractions(example_build):
    import json

    lines = (example_build.out / "extractions.jsonl").read_text().splitlines()
    return {record["title"]: record for record in map(json.loads, lines)}


def paper_titled(extractions: dict, prefix: str) -> dict:
    matches = [record for title, record in extractions.items() if title.startswith(prefix)]
    assert len(matches) == 1, f"expected one paper titled {prefix!r}, got {len(matches)}"
    return matches[0]
