"""Property-based fuzzing of every reader (issue 20, "a fault suite that stays"): random bytes,
random JSON and random Unicode (surrogates, controls, right-to-left marks included) in every
format kg reads. Whatever the input: no exception escapes, every item is a Paper, a Reject with
its file, line and reason, or a code link; everything can be written as UTF-8; and where the
number of records is known, the books balance (one item per record). One property builds a
few generated records end to end and parses every output in its own format.

The examples are the same on every run; `KG_FUZZ_EXAMPLES=5000 pytest tests/faults/test_fuzz_readers.py`
explores that many new ones per reader (and a fiftieth as many builds)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kg.records import CodeLink, Paper, Reject, is_link_url
from kg.sources import read_inputs, read_path
from kg.sources.screen import CONTROL, MAX_COUNT, SURROGATE

# the same examples on every run (CI); KG_FUZZ_EXAMPLES=5000 explores new ones, that many a test
EXPLORE = int(os.environ.get("KG_FUZZ_EXAMPLES", "0"))
READERS = settings(max_examples=EXPLORE or 100, deadline=None, derandomize=not EXPLORE,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SPECIAL = ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\u200f", "\u202e", "\u2028", "\ufeff",
           "\ufffe", "\ud800", "\udcff", "\udfff", "\r", "\n", "\t", '"', "\\", "{", "}", "[",
           "<", "&", "@", ",", "%", "$", "javascript:", "ه", "中", "é", "•", "·"]
PIECES = st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL))
TEXT = st.lists(PIECES, max_size=30).map("".join)
WORDS = st.lists(st.sampled_from(["We", "propose", "ResNet", "on", "ImageNet", "for", "the",
                                  "task", "BERT", "scores", "91.2", "F1", "."]), min_size=1,
                 max_size=12).map(" ".join)
SOME_TEXT = st.one_of(TEXT, WORDS, st.tuples(WORDS, TEXT).map(" ".join))
NUMBERS = st.one_of(st.integers(), st.integers(min_value=-10**30, max_value=10**30),
                    st.floats(allow_nan=True, allow_infinity=True))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, SOME_TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8)
VALUE = st.one_of(SOME_TEXT, SOME_TEXT, JSON)
URLS = st.one_of(st.sampled_from(["https://github.com/o/r", "javascript:alert(1)", "data:,x",
                                  "vbscript:x", "www.example.org", " ftp://x.org/f",
                                  "\x01javascript:x"]), TEXT)

# records of each JSON source, told apart by their keys (kg.sources.json_records.SHAPES)
SHAPES = {
    "generic": st.fixed_dictionaries(
        {"title": VALUE, "abstract": VALUE},
        optional={"upvotes": st.one_of(NUMBERS, VALUE), "url": URLS, "authors": VALUE,
                  "date": VALUE, "doi": VALUE, "arxiv_id": VALUE, "id": VALUE}),
    "arxiv-snapshot": st.fixed_dictionaries(
        {"id": st.just("2401.00001"), "abstract": VALUE, "categories": VALUE},
        optional={"title": VALUE, "versions": JSON, "authors_parsed": JSON, "doi": VALUE}),
    "openalex": st.fixed_dictionaries(
        {"id": st.just("https://openalex.org/W1"), "abstract_inverted_index": JSON},
        optional={"title": VALUE, "display_name": VALUE, "ids": JSON, "primary_location": JSON,
                  "locations": JSON, "authorships": JSON, "topics": JSON, "doi": VALUE,
                  "publication_date": VALUE}),
    "semantic-scholar": st.fixed_dictionaries(
        {"paperId": VALUE, "title": VALUE, "abstract": VALUE},
        optional={"externalIds": JSON, "openAccessPdf": JSON, "fieldsOfStudy": JSON,
                  "s2FieldsOfStudy": JSON, "authors": JSON, "url": URLS, "year": VALUE}),
    "pwc-paper": st.fixed_dictionaries(
        {"paper_url": VALUE, "abstract": VALUE},
        optional={"title": VALUE, "arxiv_id": VALUE, "url_abs": URLS, "authors": JSON}),
    "pwc-link": st.fixed_dictionaries(
        {"repo_url": URLS, "paper_url": VALUE},
        optional={"paper_title": VALUE, "paper_arxiv_id": VALUE, "is_official": JSON}),
    "hf-daily": st.fixed_dictionaries({"paper": st.fixed_dictionaries(
        {"id": VALUE}, optional={"title": VALUE, "summary": VALUE, "authors": JSON,
                                 "upvotes": st.one_of(NUMBERS, VALUE), "githubRepo": URLS,
                                 "publishedAt": VALUE})}),
}
RECORDS = st.one_of(*SHAPES.values())
BOMS = st.sampled_from([b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                        codecs.BOM_UTF32_LE])
SUFFIXES = st.sampled_from(["", ".txt", ".jsonl", ".json", ".csv", ".tsv", ".xml", ".atom", ".bib"])


def encoded(text: str) -> bytes:
    """UTF-8, lone surrogates written as the (invalid) bytes they would be."""
    return text.encode("utf-8", "surrogatepass")


def read(data: bytes, suffix: str) -> tuple[str, list]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        return str(path), list(read_path(path))


def assert_sound(items: list, name: str) -> None:
    """The invariants every reader keeps, whatever its input."""
    assert items, "an input gives at least one item (a paper or a reject)"
    for item in items:
        assert isinstance(item, Paper | Reject | CodeLink), item
        json.dumps(item.__dict__, ensure_ascii=False).encode("utf-8")  # no lone surrogate
        if isinstance(item, Reject):
            assert item.file == name and item.reason
            assert isinstance(item.line, int) and item.line >= 0
        elif isinstance(item, Paper):
            assert item.source == name and item.line >= 1
            assert isinstance(item.title, str) and isinstance(item.abstract, str)
            assert item.title.strip() and item.abstract.strip()
            for text in (item.title, item.abstract, *item.authors, *item.categories):
                assert not CONTROL.search(text) and not SURROGATE.search(text)
            assert item.upvotes is None or 0 <= item.upvotes <= MAX_COUNT
            assert item.authors_count is None or 0 <= item.authors_count <= MAX_COUNT
            assert item.url is None or is_link_url(item.url)
            assert all(is_link_url(link["url"]) for link in item.code_links)
            assert all(isinstance(note, str) for note in item.notes)
        else:
            assert item.source == name and is_link_url(item.url)


@READERS
@given(data=st.tuples(BOMS, st.binary(max_size=2000)).map(b"".join), suffix=SUFFIXES)
def test_random_bytes_in_any_format(data, suffix):
    name, items = read(data, suffix)
    assert_sound(items, name)


@READERS
@given(text=st.lists(PIECES, max_size=600).map("".join), suffix=SUFFIXES)
def test_random_unicode_in_any_format(text, suffix):
    name, items = read(encoded(text), suffix)
    assert_sound(items, name)


@READERS
@given(records=st.lists(RECORDS, min_size=1, max_size=6), ascii_only=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_json_lines_of_every_source_one_item_per_line(records, ascii_only, encoding):
    lines = [json.dumps(record, ensure_ascii=ascii_only) for record in records]
    text = "".join(line + "\n" for line in lines)
    data = encoded(text) if encoding == "utf-8" else text.encode(encoding, "surrogatepass")
    name, items = read(data, ".jsonl")
    assert_sound(items, name)
    assert [item.line for item in items] == list(range(1, len(records) + 1))


@READERS
@given(records=st.lists(RECORDS, min_size=1, max_size=6), ascii_only=st.booleans(),
       indent=st.sampled_from([None, 1]), page=st.booleans())
def test_json_documents_of_every_source_one_item_per_record(records, ascii_only, indent, page):
    document = {"results": records} if page else records
    name, items = read(encoded(json.dumps(document, ensure_ascii=ascii_only, indent=indent)),
                       ".json")
    assert_sound(items, name)
    assert len(items) == len(records)


@READERS
@given(json_value=JSON, ascii_only=st.booleans())
def test_any_json_value(json_value, ascii_only):
    name, items = read(encoded(json.dumps(json_value, ensure_ascii=ascii_only)), ".json")
    assert_sound(items, name)


@READERS
@given(header=st.permutations(["title", "abstract", "upvotes", "url", "authors"]),
       rows=st.lists(st.lists(SOME_TEXT, min_size=5, max_size=5), min_size=1, max_size=6),
       delimiter=st.sampled_from([",", "\t"]))
def test_csv_and_tsv_one_item_per_row(header, rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)  # quotes fields holding \r or \n
    writer.writerow(header)
    writer.writerows(rows)
    name, items = read(encoded(buffer.getvalue()), ".tsv" if delimiter == "\t" else ".csv")
    assert_sound(items, name)
    records = sum(1 for row in rows if any(cell.strip() for cell in row))
    assert len(items) == records or (records == 0 and items[0].reason.startswith("no records"))


ENTRY = st.tuples(SOME_TEXT, SOME_TEXT, st.integers(0, 10**25), st.sampled_from(
    ["Nov 2, 2015", "Feb 9, 2025 5", "Sept 13, 2023 99999999999999999999", "yesterday"]))


@READERS
@given(entries=st.lists(ENTRY, min_size=1, max_size=4), chrome=TEXT)
def test_listing_text(entries, chrome):
    text = chrome + "\n\n" + "".join(f"{title}\n\n{abstract}\n\n  • {count} authors\n·\n{date}\n\n"
                                     for title, abstract, count, date in entries)
    name, items = read(encoded(text), ".txt")
    assert_sound(items, name)


@READERS
@given(entries=st.lists(st.tuples(SOME_TEXT, SOME_TEXT, URLS), min_size=1, max_size=4),
       escape=st.booleans())
def test_atom_feeds(entries, escape):
    from xml.sax.saxutils import escape as xml_escape

    quoted = xml_escape if escape else (lambda text: text)
    body = "".join(f"<entry><id>http://arxiv.org/abs/2401.0000{i}v1</id>"
                   f"<title>{quoted(title)}</title><summary>{quoted(summary)}</summary>"
                   f"<link href=\"{quoted(url)}\"/></entry>"
                   for i, (title, summary, url) in enumerate(entries))
    text = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'
    name, items = read(encoded(text), ".atom")
    assert_sound(items, name)


@READERS
@given(entries=st.lists(st.tuples(SOME_TEXT, SOME_TEXT, URLS, TEXT), min_size=1, max_size=4))
def test_bibtex(entries):
    text = "".join(f"@article{{key{i},\n  title = {{{title}}},\n  abstract = {{{abstract}}},\n"
                   f"  url = {{{url}}},\n  author = {{{author}}}\n}}\n\n"
                   for i, (title, abstract, url, author) in enumerate(entries))
    name, items = read(encoded(text), ".bib")
    assert_sound(items, name)


@READERS
@given(records=st.lists(st.one_of(*(shape for name, shape in SHAPES.items() if name != "pwc-link")),
                        min_size=1, max_size=4),
       links=st.lists(SHAPES["pwc-link"], min_size=1, max_size=3))
def test_several_inputs_with_a_links_listing(records, links):
    with tempfile.TemporaryDirectory() as folder:
        papers, listing = Path(folder) / "papers.jsonl", Path(folder) / "links.json"
        papers.write_bytes(encoded("".join(json.dumps(r) + "\n" for r in records)))
        listing.write_bytes(encoded(json.dumps(links)))
        items = list(read_inputs([papers, listing]))
    assert all(isinstance(item, Paper | Reject) for item in items)
    assert sum(1 for item in items if item.__dict__.get("file", item.__dict__.get("source"))
               == str(papers)) == len(records)


# ------------------------------------------------------------ end to end, every output parsed

BUILD = settings(max_examples=EXPLORE // 50 or 6, deadline=None, derandomize=not EXPLORE,
                 phases=[Phase.generate],  # no shrinking: each example is a build
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.filterwarnings("ignore")
@BUILD
@given(records=st.lists(st.fixed_dictionaries(
    {"title": st.one_of(SOME_TEXT, WORDS), "abstract": st.one_of(WORDS, SOME_TEXT)},
    optional={"url": URLS, "upvotes": NUMBERS}), min_size=1, max_size=4))
def test_builds_of_fuzzed_records_write_outputs_that_parse(records):
    import networkx as nx
    import rdflib

    import kg

    with tempfile.TemporaryDirectory() as folder:
        inputs, out = Path(folder) / "fuzz.jsonl", Path(folder) / "out"
        inputs.write_bytes(encoded("".join(json.dumps(r) + "\n" for r in records)))
        result = kg.build([inputs], out=out, exports=["nt", "neo4j-csv"])
        summary = result.summary
        assert summary.papers_read == len(records)
        assert summary.papers_read == summary.papers_in_graph + summary.rejected
        extractions = [json.loads(line) for line in
                       (out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()]
        rejects = [json.loads(line) for line in
                   (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
        assert len(extractions) == summary.papers_in_graph and len(rejects) == summary.rejected
        json.loads((out / "summary.json").read_text(encoding="utf-8"))
        turtle = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
        triples = rdflib.Graph().parse(out / "graph.nt", format="nt")
        assert len(turtle) == len(triples)
        graph = nx.read_graphml(out / "graph.graphml")
        papers = [n for n, d in graph.nodes(data=True) if d.get("type") == "Paper"]
        assert len(papers) == summary.papers_in_graph
        for table in (out / "neo4j-import").glob("*.csv"):
            with open(table, encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
            assert rows and all(len(row) == len(rows[0]) for row in rows)
        assert (out / "graph.html").read_text(encoding="utf-8").lower().startswith("<!doctype html>")
