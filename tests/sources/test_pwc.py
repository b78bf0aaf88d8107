"""Papers with Code dumps: papers with abstracts, and links between papers and code."""

from kg.sources import read_inputs
from tests.sources.fixtures import FIXTURES, read_fixture


def test_papers_with_abstracts():
    papers, rejects, _ = read_fixture("papers-with-abstracts.json")
    resnet, efficientnet = papers
    assert resnet.arxiv_id == "1512.03385" and resnet.date == "2015-12-10"
    assert resnet.authors == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]
    assert resnet.source_id == "https://paperswithcode.com/paper/deep-residual-learning-for-image-recognition"
    assert efficientnet.id == "arxiv:1905.11946" and efficientnet.line == 44
    assert [(r.line, r.reason) for r in rejects] == [(67, "record has no abstract")]


def test_links_become_code_links():
    papers, rejects, links = read_fixture("links-between-papers-and-code.json")
    assert papers == []
    assert [(link.url, link.official) for link in links] == [
        ("https://github.com/KaimingHe/deep-residual-networks", True),
        ("https://github.com/pytorch/vision", False),
        ("https://github.com/google-research/bert", True)]
    assert [(r.line, r.reason) for r in rejects] == [(38, "code link has no repo_url")]


def test_links_reach_papers_of_other_inputs_in_any_order():
    inputs = [FIXTURES / "arxiv-api.atom", FIXTURES / "links-between-papers-and-code.json"]
    papers = [i for i in read_inputs(inputs) if hasattr(i, "code_links")]
    by_id = {p.id: p.code_links for p in papers}
    assert by_id["arxiv:1512.03385"] == [  # by arXiv id
        {"url": "https://github.com/KaimingHe/deep-residual-networks", "official": True},
        {"url": "https://github.com/pytorch/vision", "official": False}]
    assert by_id["arxiv:1810.04805"] == [  # by title: the link has no arXiv id
        {"url": "https://github.com/google-research/bert", "official": True}]
    # the PwC paper is matched by its listing URL too
    pwc = [i for i in read_inputs([FIXTURES / "links-between-papers-and-code.json",
                                   FIXTURES / "papers-with-abstracts.json"]) if hasattr(i, "code_links")]
    assert len(pwc[0].code_links) == 2 and pwc[1].code_links == []
