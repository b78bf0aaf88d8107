"""The README's query-output example (between `<!-- QUERY-OUTPUT -->` markers) shows lines
that the current `kg sparql` and `kg cypher` print for its two example queries."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_build_example import readme_query


def shown() -> dict[str, list[str]]:
    """The lines the README shows under each `$ kg TOOL out/ '…' --format tsv`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- QUERY-OUTPUT -->\n```\n(.*?)```", readme, re.DOTALL).group(1)
    lines: dict[str, list[str]] = {}
    tool = ""
    for line in block.splitlines():
        command = re.match(r"\$ kg (\w+) out/ '…' --format tsv", line)
        if command:
            tool = command.group(1)
            lines[tool] = []
        elif tool:
            lines[tool].append(line)
    return lines


@pytest.mark.parametrize("tool", ["sparql", "cypher"])
def test_readme_query_output_is_what_kg_prints(example_build, tool):
    expected = shown()[tool]
    done = subprocess.run([sys.executable, "-m", "kg", tool, str(example_build.out),
                           readme_query(tool), "--format", "tsv"], check=False, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    assert len(expected) >= 3 and expected[0] == printed[0]  # the header
    assert all(line in printed[1:] for line in expected[1:]), (expected, printed)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = int(re.search(r"# (\d+) rows \(SPARQL 1\.1 TSV\)", readme).group(1))
    assert len(printed) - 1 == said  # "14 rows", as the README says
