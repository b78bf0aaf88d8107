"""Hugging Face daily papers JSON: items with a `paper` inside, or paper objects."""

import json

from kg.sources import read_path
from tests.sources.fixtures import FIXTURES, read_fixture


def test_daily_items_keep_upvotes_authors_and_github_repo():
    papers, rejects, _ = read_fixture("hf-daily-papers.json")
    first, second = papers
    assert first.id == "arxiv:2502.06807" and first.upvotes == 42 and first.date == "2025-02-09"
    assert first.authors == ["Ada Example", "Bo Sample"]
    assert first.abstract.startswith("We propose CoreDistill, a data-efficient distillation method")
    assert first.code_links == [{"url": "https://github.com/example/coredistill", "official": True}]
    assert second.code_links == [] and second.upvotes == 7
    assert [(r.line, r.reason) for r in rejects] == [(64, "record has no abstract")]


def test_paper_objects_directly(tmp_path):
    items = json.loads((FIXTURES / "hf-daily-papers.json").read_text())
    path = tmp_path / "papers.json"
    path.write_text(json.dumps([item["paper"] for item in items]))
    papers = [p for p in read_path(path) if hasattr(p, "abstract")]
    assert [p.arxiv_id for p in papers] == ["2502.06807", "2502.06808"]
    assert papers[0].code_links[0]["url"] == "https://github.com/example/coredistill"
