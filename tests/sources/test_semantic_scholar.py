"""Semantic Scholar Graph API papers: a `data` page, one paper, or a list."""

import json

from kg.sources import read_path
from tests.sources.fixtures import FIXTURES, read_fixture


def test_search_page_keeps_external_ids_authors_and_fields():
    papers, rejects, _ = read_fixture("semantic-scholar-search.json")
    transformer, resnet = papers
    assert transformer.id == "arxiv:1706.03762" and transformer.title == "Attention is All you Need"
    assert transformer.authors == ["Ashish Vaswani", "Noam M. Shazeer"]
    assert transformer.date == "2017-06-12" and transformer.categories == ["Computer Science"]
    assert transformer.source_id == "204e3073870fae3d05bcbc2f6a8e263d9b72e776"
    assert resnet.doi == "10.1109/CVPR.2016.90" and resnet.arxiv_id == "1512.03385"
    assert [(r.line, r.reason) for r in rejects] == [(75, "record has no abstract")]


def test_one_paper_and_a_batch_list(tmp_path):
    papers = json.loads((FIXTURES / "semantic-scholar-search.json").read_text())["data"]
    single = tmp_path / "paper.json"
    single.write_text(json.dumps(papers[1], indent=2))
    (paper,) = list(read_path(single))
    assert paper.title == "Deep Residual Learning for Image Recognition"
    batch = tmp_path / "batch.json"  # POST /paper/batch answers a list, null for unknown ids
    batch.write_text(json.dumps([papers[0], None]))
    paper, reject = list(read_path(batch))
    assert paper.arxiv_id == "1706.03762" and reject.reason == "expected a JSON object, got NoneType"
