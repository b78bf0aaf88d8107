"""arXiv: the API's Atom feed and the metadata snapshot (JSON Lines)."""

from kg.sources import detect_format, read_path
from tests.sources.fixtures import FIXTURES, read_fixture


def test_atom_feed_entries_keep_ids_authors_dates_categories():
    papers, rejects, _ = read_fixture("arxiv-api.atom")
    bert, resnet = papers
    assert bert.id == "arxiv:1810.04805" and bert.arxiv_id == "1810.04805"
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert bert.abstract.startswith("We introduce a new language representation model called BERT")
    assert bert.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert bert.date == "2018-10-11" and bert.categories == ["cs.CL"]
    assert bert.url == "https://arxiv.org/abs/1810.04805" and bert.line == 10
    assert resnet.doi == "10.1109/CVPR.2016.90" and resnet.categories == ["cs.CV"] and resnet.line == 40
    (reject,) = rejects
    assert (reject.line, reject.reason) == (70, "record has no abstract")


def test_atom_detected_by_content_and_broken_xml_is_one_reject(tmp_path):
    head = (FIXTURES / "arxiv-api.atom").read_bytes()[:4096]
    assert detect_format("stdin", head) == "arxiv-atom"
    broken = tmp_path / "feed.txt"
    broken.write_text('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
                      "<entry><title>T</title>\n<summary>S.</entry>\n</feed>\n")
    (reject,) = list(read_path(broken))
    assert reject.line == 4 and reject.reason.startswith("broken Atom XML: mismatched tag")


def test_atom_api_error_entry_is_a_reject(tmp_path):
    error = tmp_path / "error.atom"
    error.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                     "<id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>"
                     "<title>Error</title><summary>incorrect id format for 1234</summary>"
                     "</entry></feed>")
    (reject,) = list(read_path(error))
    assert reject.reason == "arXiv API error: incorrect id format for 1234"


def test_snapshot_lines_new_and_old_ids_and_malformed_lines():
    papers, rejects, _ = read_fixture("arxiv-metadata-snapshot.jsonl")
    transformer, strings = papers
    assert transformer.id == "arxiv:1706.03762" and transformer.date == "2017-06-12"
    assert transformer.categories == ["cs.CL", "cs.LG"]
    assert transformer.authors[:2] == ["Ashish Vaswani", "Noam Shazeer"]
    assert transformer.authors_count == 8
    assert transformer.abstract.startswith("The dominant sequence transduction models")
    assert strings.id == "arxiv:hep-th/9901001" and strings.doi == "10.1016/S0370-2693(99)00001-0"
    assert strings.title == "A Note on Strings in Curved Backgrounds" and strings.date == "1999-01-01"
    assert [(r.line, r.reason.split(":")[0]) for r in rejects] == [
        (3, "record has no abstract"), (4, "broken JSON")]


def test_xml_that_is_not_a_feed(tmp_path):
    path = tmp_path / "article.xml"
    path.write_text('<?xml version="1.0"?>\n<article><front><title>T</title></front></article>\n')
    (reject,) = list(read_path(path))
    assert (reject.line, reject.reason) == (1, "XML without an Atom feed: not an arXiv API answer")
