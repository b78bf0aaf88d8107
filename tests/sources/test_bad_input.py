"""Every bad record lands in rejects.jsonl with file, line and reason; the build goes on."""

import json
import subprocess
import sys

import kg

GOOD = {"title": "GoodNet for Images", "abstract": "We propose GoodNet, evaluated on ImageNet."}


def run_kg(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


def make_bad_inputs(folder):
    jsonl = folder / "mixed.jsonl"
    jsonl.write_bytes(
        (json.dumps(GOOD) + "\n").encode()
        + b'{"title": "No abstract here"}\n'
        + b'{"title": "Broken", "abstract": \n'
        + b'{"title": "Bad bytes \xff\xfe", "abstract": "x"}\n'
        + (json.dumps({"title": "Second Good", "abstract": "We use BERT for question answering."}) + "\n").encode()
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return [jsonl, folder / "empty.txt", folder / "image.png"]


def test_rejects_have_file_line_reason_and_counts_add_up(tmp_path):
    inputs = make_bad_inputs(tmp_path)
    result = kg.build(inputs, out=tmp_path / "out")
    rejects = [json.loads(line) for line in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    by_line = {(r["file"].rsplit("/", 1)[-1], r["line"]): r["reason"] for r in rejects}
    assert "no abstract" in by_line[("mixed.jsonl", 2)]
    assert "broken JSON" in by_line[("mixed.jsonl", 3)]
    assert "UTF-8" in by_line[("mixed.jsonl", 4)]
    assert "empty" in by_line[("empty.txt", 0)]
    assert "binary" in by_line[("image.png", 0)]
    summary = result.summary
    assert summary.papers_in_graph == 2 and summary.rejected == 5
    assert summary.papers_read == summary.papers_in_graph + summary.rejected
    titles = {d["title"] for _, d in result.graph.nodes(data=True) if d["type"] == "Paper"}
    assert titles == {"GoodNet for Images", "Second Good"}


def test_strict_fails_with_exit_code_1(tmp_path):
    inputs = make_bad_inputs(tmp_path)
    done = run_kg("build", *inputs, "-o", tmp_path / "out", "--strict")
    assert done.returncode == 1, done.stderr
    assert "rejected" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "out" / "rejects.jsonl").exists()


def test_missing_input_is_one_line_and_exit_2(tmp_path):
    done = run_kg("build", tmp_path / "nope.txt", "-o", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "not found" in done.stderr
    assert "Traceback" not in done.stderr


def test_unwritable_output_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n")
    done = run_kg("build", good, "-o", blocker / "out")
    assert done.returncode == 2 and "cannot write to output folder" in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


def test_same_paper_twice_is_one_paper(tmp_path):
    first = tmp_path / "a.jsonl"
    second = tmp_path / "b.csv"
    first.write_text(json.dumps({**GOOD, "arxiv_id": "2401.00001"}) + "\n")
    second.write_text("title,abstract\n\"GoodNet  for images\",\"We propose GoodNet, evaluated on ImageNet.\"\n")
    result = kg.build([first, second], out=tmp_path / "out")
    assert result.summary.papers_in_graph == 1 and result.summary.duplicates == 1
    (reject,) = result.rejects
    assert reject.file.endswith("b.csv") and reject.line == 2
    assert "duplicate of paper arxiv:2401.00001" in reject.reason


def test_same_title_years_apart_are_two_papers(tmp_path):
    path = tmp_path / "papers.jsonl"
    rows = [{**GOOD, "date": "2015-03-01"}, {**GOOD, "date": "2016-05-01"},
            {**GOOD, "date": "2021-01-01"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = kg.build([path], out=tmp_path / "out")
    assert result.summary.papers_in_graph == 2 and result.summary.duplicates == 1
    assert result.rejects[0].line == 2
