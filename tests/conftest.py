"""Shared fixtures: the bundled example listing, built once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-daily-papers.txt"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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


# One Chromium for the whole session: Playwright's sync API cannot start a second one while
# the first runs (its event loop runs in this thread), so every test folder shares this fixture.
def chromium_path() -> str | None:
    path = os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).is_file() else None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found: install Debian's `chromium` (scripts/test does) "
                    "or set KG_CHROMIUM to its path")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is in the [test] extra")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
