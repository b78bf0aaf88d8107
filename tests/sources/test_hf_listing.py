from kg.records import Paper, Reject
from kg.sources import read_inputs
from kg.sources.hf_listing import parse_listing_date, read_hf_listing
from tests.conftest import EXAMPLE


def lines(text: str):
    return list(enumerate(text.splitlines(keepends=True), start=1))


def test_example_listing_has_44_papers_with_dates_authors_and_upvotes():
    papers = list(read_inputs([EXAMPLE]))
    assert len(papers) == 44 and all(isinstance(p, Paper) for p in papers)
    segnet = papers[0]
    assert segnet.title.startswith("SegNet: A Deep Convolutional Encoder-Decoder")
    assert segnet.abstract.startswith("We present a novel and practical deep fully convolutional")
    assert (segnet.date, segnet.authors_count, segnet.upvotes, segnet.line) == ("2015-11-02", 3, None, 13)
    starbucks = papers[-1]
    assert starbucks.title == "Starbucks: Improved Training for 2D Matryoshka Embeddings"
    assert (starbucks.date, starbucks.authors_count, starbucks.upvotes) == ("2024-10-17", 4, 2)
    assert all(p.date and p.authors_count for p in papers)
    assert sum(1 for p in papers if p.upvotes) == 5
    assert len({p.id for p in papers}) == 44
    assert not any(p.title in ("Daily Papers", "Subscribe", "new") for p in papers)


def test_dates_with_and_without_upvotes():
    assert parse_listing_date("Feb 9, 2025 5") == ("2025-02-09", 5)
    assert parse_listing_date("Sep 3, 2020") == ("2020-09-03", None)
    assert parse_listing_date("Sept 13, 2023") == ("2023-09-13", None)
    assert parse_listing_date("yesterday") == (None, None)


def test_entry_without_abstract_is_rejected_and_the_rest_read():
    text = ("Daily Papers\n\nA Title Alone\n\n  • 2 authors\n·\nMar 1, 2024\n\n"
            "Good Paper\n\nWe propose GoodNet, a network for image classification.\n\n"
            "  • 1 author\n·\nMar 2, 2024 7\n")
    items = list(read_hf_listing(lines(text), "listing.txt"))
    assert isinstance(items[0], Reject) and items[0].line == 3
    assert "no abstract" in items[0].reason and items[0].file == "listing.txt"
    assert isinstance(items[1], Paper) and items[1].title == "Good Paper"
    assert (items[1].authors_count, items[1].upvotes, items[1].line) == (1, 7, 9)


def test_undecodable_line_rejects_its_entry_only():
    raw = [(1, "Paper One\n"), (2, "\n"), (3, None), (4, "\n"), (5, "  • 2 authors\n"), (6, "·\n"),
           (7, "Mar 1, 2024\n"), (8, "\n"), (9, "Paper Two\n"), (10, "\n"),
           (11, "An abstract that is fine.\n"), (12, "\n"), (13, "• 3 authors\n"), (14, "·\n"),
           (15, "Mar 2, 2024\n")]
    items = list(read_hf_listing(raw, "x.txt"))
    assert isinstance(items[0], Reject) and items[0].line == 3 and "UTF-8" in items[0].reason
    assert isinstance(items[1], Paper) and items[1].title == "Paper Two"
