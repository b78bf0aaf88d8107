"""Browser tabs for the page tests (the Chromium itself is tests/conftest.py's session fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


class Page:
    """A browser tab that records console errors, uncaught exceptions and every request."""

    def __init__(self, tab):
        self.tab = tab
        self.errors: list[str] = []
        self.requests: list[str] = []
        tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        tab.on("request", lambda r: self.requests.append(r.url))
        tab.set_default_timeout(60_000)

    def open(self, path: Path) -> "Page":
        """Load the page and wait until its layout has settled and been drawn."""
        self.tab.goto(path.resolve().as_uri())
        self.tab.wait_for_function("() => window.kgStableAt !== undefined")
        return self

    def js(self, expression: str, arg=None):
        return self.tab.evaluate(expression, arg)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield Page(context.new_page())
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
