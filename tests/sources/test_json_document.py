"""Whole-file JSON: walked record by record, with real line numbers, chunk by chunk."""

import json

import pytest

from kg.records import Paper, Reject
from kg.sources import detect_format, json_records, read_path

RECORDS = [{"title": f"Paper {n}", "abstract": f"We propose Net{n}, trained on CIFAR-{n}0. " * 5}
           for n in range(1, 6)]


def test_json_or_json_lines_by_content():
    assert detect_format("x.json", b'{"title": "a", "abstract": "b"}\n{"title": "c"}\n') == "jsonl"
    assert detect_format("x.json", b'{\n  "results": [\n') == "json"
    assert detect_format("stdin", b'[{"title": "a"}]') == "json"
    assert detect_format("stdin", b"[Re] A Reproduction\n\nAbstract.\n\n  \xe2\x80\xa2 2 authors\n") == (
        "hf-listing")


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_records_and_lines_do_not_depend_on_chunk_size(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(json_records, "CHUNK_CHARS", chunk)
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"meta": {"count": 5}, "results": RECORDS, "next": 12345}, indent=2))
    papers = list(read_path(path))
    assert [p.title for p in papers] == [r["title"] for r in RECORDS]
    lines = path.read_text().splitlines()
    assert all(lines[p.line - 1].strip() == "{" and f'"Paper {i}"' in lines[p.line]
               for i, p in enumerate(papers, start=1))


def test_broken_json_is_one_reject_at_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(json_records, "CHUNK_CHARS", 16)
    path = tmp_path / "broken.json"
    text = json.dumps(RECORDS[:2], indent=2)
    path.write_text(text.replace('"abstract": "We propose Net2', '"abstract" "We propose Net2'))
    paper, reject = list(read_path(path))
    assert isinstance(paper, Paper) and isinstance(reject, Reject)
    broken_line = next(n for n, line in enumerate(text.splitlines(), 1) if "Net2" in line)
    assert reject.line == broken_line and reject.reason == "broken JSON: Expecting ':' delimiter"


def test_cut_short_document_and_objects_one_after_another(tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(RECORDS[:2], indent=2)[:-40])
    paper, reject = list(read_path(cut))
    assert paper.title == "Paper 1" and reject.reason.startswith("broken JSON")
    pretty = tmp_path / "objects.json"  # pretty-printed objects back to back (jq output)
    pretty.write_text("\n".join(json.dumps(r, indent=2) for r in RECORDS[:3]))
    assert [p.line for p in read_path(pretty)] == [1, 5, 9]


def test_undecodable_bytes_are_rejected_with_their_line(tmp_path):
    path = tmp_path / "bytes.json"
    path.write_bytes(b'[\n{"title": "A", "abstract": "Fine."},\n{"title": "B \xff", "abstract": "x"}\n]\n')
    items = list(read_path(path))
    assert [i.title for i in items if isinstance(i, Paper)] == ["A"]
    assert any(isinstance(i, Reject) and i.line == 3 and "not UTF-8" in i.reason for i in items)


def test_a_record_with_a_results_list_is_not_a_page(tmp_path):
    record = {"id": "x1", "title": "FRRN", "text": "We propose FRRN for street scenes.",
              "results": [{"Dataset": "Cityscapes", "score": "71.8%"}]}
    lines = tmp_path / "scirex.jsonl"
    lines.write_text(json.dumps(record) + "\n")
    whole = tmp_path / "scirex.json"
    whole.write_text(json.dumps({"results": record["results"], **record}, indent=2))
    for path in (lines, whole):
        (paper,) = list(read_path(path))
        assert paper.title == "FRRN" and paper.line == 1
