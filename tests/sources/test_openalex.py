"""OpenAlex works: a `results` page, one work, or JSON Lines; abstracts rebuilt from the index."""

import json

from kg.sources import read_path
from kg.sources.openalex import abstract_from_inverted_index
from tests.sources.fixtures import FIXTURES, read_fixture


def test_abstract_is_rebuilt_in_word_order():
    index = {"We": [0], "propose": [1], "X,": [2], "and": [4], "a": [3, 5], "Y.": [6]}
    assert abstract_from_inverted_index(index) == "We propose X, a and a Y."
    assert abstract_from_inverted_index(None) == ""


def test_results_page_with_real_line_numbers():
    papers, rejects, _ = read_fixture("openalex-works.json")
    bert, adam = papers
    assert bert.abstract.startswith("We introduce a new language representation model called BERT, "
                                    "which stands for Bidirectional Encoder")
    assert bert.abstract.endswith("pushing the GLUE score to 80.5%.")
    assert bert.doi == "10.18653/v1/n19-1423" and bert.id == "doi:10.18653/v1/n19-1423"
    assert bert.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert bert.categories == ["Natural Language Processing Techniques"]
    assert bert.source_id == "https://openalex.org/W2963341956" and bert.line == 10
    # an arXiv landing page (and the arXiv DOI) give the arXiv id
    assert adam.arxiv_id == "1412.6980" and adam.date == "2014-12-22"
    lines = (FIXTURES / "openalex-works.json").read_text().splitlines()
    assert '"id": "https://openalex.org/W1522301498"' in lines[adam.line]  # line after the `{`
    (reject,) = rejects
    assert reject.reason == "record has no abstract" and reject.excerpt == "Proceedings Front Matter"


def test_one_work_and_json_lines(tmp_path):
    work = json.loads((FIXTURES / "openalex-works.json").read_text())["results"][1]
    single = tmp_path / "work.json"
    single.write_text(json.dumps(work, indent=2))
    (paper,) = list(read_path(single))
    assert paper.title == "Adam: A Method for Stochastic Optimization" and paper.line == 1
    lines = tmp_path / "works.jsonl"
    lines.write_text(json.dumps(work) + "\n" + json.dumps({**work, "abstract_inverted_index": None}) + "\n")
    paper, reject = list(read_path(lines))
    assert paper.arxiv_id == "1412.6980" and (reject.line, reject.reason) == (2, "record has no abstract")
