"""JSON Lines and CSV readers, auto-detection and stdin."""

import io
import json
import subprocess
import sys

from kg.records import Paper, Reject
from kg.sources import detect_format, read_inputs, read_stream

ABSTRACT = "We propose TinyNet, a small convolutional network evaluated on CIFAR-10."


def test_jsonl_fields_and_identity(tmp_path):
    path = tmp_path / "papers.jsonl"
    rows = [
        {"id": "a", "title": "TinyNet", "abstract": ABSTRACT, "authors": ["Ada Lovelace", "Alan Turing"],
         "date": "2024-01-02", "url": "https://arxiv.org/abs/2401.01234v2"},
        {"id": "b", "title": "Other", "text": "An abstract given as text.", "doi": "10.1000/XYZ.1."},
        {"id": "c", "title": "Third", "abstract": "Plain abstract.", "authors": "A. One; B. Two"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    papers = list(read_inputs([path]))
    assert [p.id for p in papers][:2] == ["arxiv:2401.01234", "doi:10.1000/xyz.1"]
    assert papers[2].id.startswith("title:")
    assert papers[0].authors == ["Ada Lovelace", "Alan Turing"] and papers[0].authors_count == 2
    assert papers[1].abstract == "An abstract given as text."
    assert papers[2].authors == ["A. One", "B. Two"]
    assert [p.line for p in papers] == [1, 2, 3] and papers[0].source_id == "a"


def test_csv_with_quoted_multiline_field_keeps_line_numbers(tmp_path):
    path = tmp_path / "papers.csv"
    path.write_text('id,title,abstract,date\n1,First,"Line one\nline two",2023-05-01\n'
                    '2,Second,,2023-05-02\n3,Third,Fine abstract,2023-05-03\n')
    items = list(read_inputs([path]))
    assert isinstance(items[0], Paper) and items[0].abstract == "Line one line two"
    assert isinstance(items[1], Reject) and items[1].line == 4 and "no abstract" in items[1].reason
    assert isinstance(items[2], Paper) and items[2].line == 5 and items[2].date == "2023-05-03"


def test_detection_by_content_without_extension():
    assert detect_format("stdin", b'{"title": "x"}\n') == "jsonl"
    assert detect_format("stdin", b"id,title,abstract\n1,a,b\n") == "csv"
    assert detect_format("stdin", b"A title\n\nAbstract.\n\n  \xe2\x80\xa2 3 authors\n") == "hf-listing"
    assert detect_format("x.bin", b"\x89PNG\r\n\x1a\n\x00\x00") is None


def test_stream_reads_jsonl_from_a_buffer():
    stream = io.BufferedReader(io.BytesIO(b'{"title": "T", "abstract": "A."}\n'))
    (paper,) = list(read_stream(stream, "<stdin>"))
    assert paper.title == "T" and paper.source == "<stdin>"


def test_cli_reads_stdin(tmp_path):
    data = json.dumps({"title": "StdinNet", "abstract": ABSTRACT}) + "\n"
    out = tmp_path / "extractions.jsonl"
    subprocess.run([sys.executable, "-m", "kg", "extract", "-", "-o", str(out)], input=data.encode(),
                   check=True, capture_output=True)
    record = json.loads(out.read_text())
    assert record["title"] == "StdinNet"
    assert any(e["name"] == "TinyNet" and e["role"] == "proposed" for e in record["entities"])
