"""Reader faults (issue 20, items 1, 4, 12, 18 and 19): titles in every script, bytes that are
not UTF-8, hostile values, URLs that are not links, and inputs that are not regular files.
Each case runs the real `kg build` command on a small input and checks that the build
succeeds and that the books balance: papers read = papers in the graph + rejected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.records import Paper, Reject, identity_keys, normalise_any_title, normalise_title, paper_id


def kg_build(*args, cwd: Path | None = None, timeout: int = 300, **kwargs):
    return subprocess.run([sys.executable, "-m", "kg", "build", *map(str, args)], check=False,
                          capture_output=True, text=True, cwd=cwd, timeout=timeout, **kwargs)


def built(out: Path) -> tuple[dict, list[dict], list[dict]]:
    """summary.json, the extraction records and the rejects of the build in `out`."""
    summary = json.loads((out / "summary.json").read_text())
    records = [json.loads(line) for line in (out / "extractions.jsonl").read_text().splitlines()]
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert summary["papers_read"] == summary["papers_in_graph"] + summary["rejected"]
    assert summary["papers_in_graph"] == len(records) and summary["rejected"] == len(rejects)
    for reject in rejects:
        assert reject["file"] and isinstance(reject["line"], int) and reject["reason"]
    return summary, records, rejects


def assert_built(done, out: Path) -> tuple[dict, list[dict], list[dict]]:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return built(out)


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


# ---------------------------------------------------------------- 1: titles in every script

SCRIPTS = [
    {"title": "基于深度学习的图像分类", "abstract": "我们使用 ResNet。"},
    {"title": "Нейронные сети для речи", "abstract": "Мы используем LSTM."},
    {"title": "Νευρωνικά δίκτυα για ομιλία", "abstract": "Χρησιμοποιούμε BERT."},
    {"title": "ディープラーニングによる画像認識", "abstract": "ResNet を使う。"},
    {"title": "تعلم عميق للصور", "abstract": "نستخدم ResNet."},
    {"title": "!!!", "abstract": "We use BERT for question answering."},
    {"title": "???", "abstract": "We use GPT-2 for summarisation."},
    {"title": "🎉🎉", "abstract": "We use T5 for translation."},
]


def test_titles_in_every_script_are_papers_of_their_own(tmp_path):
    inputs = write_jsonl(tmp_path / "scripts.jsonl", *SCRIPTS)
    done = kg_build(inputs, "-o", tmp_path / "out", "--strict")
    _, records, rejects = assert_built(done, tmp_path / "out")
    assert rejects == []
    assert sorted(r["title"] for r in records) == sorted(r["title"] for r in SCRIPTS)
    assert len({r["id"] for r in records}) == len(SCRIPTS)


def test_the_same_non_latin_title_twice_is_still_one_paper(tmp_path):
    inputs = write_jsonl(tmp_path / "twice.jsonl", SCRIPTS[1],
                         {**SCRIPTS[1], "title": "НЕЙРОННЫЕ  сети для речи!"}, SCRIPTS[0])
    summary, _, rejects = assert_built(kg_build(inputs, "-o", tmp_path / "out"),
                                             tmp_path / "out")
    assert summary["papers_in_graph"] == 2 and summary["duplicates"] == 1
    assert rejects[0]["line"] == 2 and rejects[0]["reason"].startswith("duplicate of paper")


def test_titles_are_keyed_by_their_letters_in_every_script():
    assert normalise_title("基于深度学习的图像分类") == "基于深度学习的图像分类"
    assert normalise_title("Нейронные СЕТИ, для речи.") == "нейронные сети для речи"
    assert normalise_title("Straße") == normalise_title("STRASSE") == "strasse"
    assert normalise_title("ΣΟΦΊΑ") == normalise_title("σοφία")  # casefold: final sigma
    assert normalise_title("ＢＥＲＴ（ｆｕｌｌｗｉｄｔｈ）") == "bert fullwidth"  # NFKC
    assert normalise_title("!!!") == "" and normalise_title("🎉") == ""


@given(st.text(st.characters(max_codepoint=127)))
def test_an_ascii_title_gets_the_key_of_the_general_rule(title):
    """ASCII titles (most of them) take a one-pass path: a paper keeps the key, and the id, the
    general rule gives it, or an update would no longer find the papers already built."""
    assert normalise_title(title) == normalise_any_title(title)


def test_a_title_without_letters_has_no_title_key_and_an_id_of_its_own():
    assert identity_keys("!!!", "x") == ["x"]
    first = Paper(title="!!!", abstract="We use BERT.")
    second = Paper(title="!!!", abstract="We use GPT.")
    again = Paper(title="!!!", abstract="We  use BERT.")
    assert first.id != second.id and first.id == again.id
    assert Paper(title="???", abstract="We use BERT.").id != first.id


@pytest.mark.parametrize("title, expected", [
    ("BERT: Pre-training of Deep Bidirectional Transformers", "title:6058ad6dad03a165"),
    ("Résumé of Naïve Bayes – What’s new?", "title:ad9ba4ad2daa6714"),
    ("SEQˆ3: Differentiable Autoencoder", "title:94efbc53b8b62c08"),
])
def test_latin_titles_keep_the_ids_they_always_had(title, expected):
    """Ids written by earlier versions (ASCII, accented Latin, modifier letters)."""
    assert paper_id(title) == expected


# ---------------------------------------------------------------- 4: one bad byte, one record

RECORDS = [{"title": f"Paper {name}", "abstract": f"We propose {name}Net for image segmentation."}
           for name in ("Alpha", "Beta", "Gamma", "Delta", "Epsilon")]


def jsonl_bytes(records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def test_a_nul_byte_does_not_make_a_text_file_binary(tmp_path):
    from kg.sources import read_path

    in_string = tmp_path / "in-string.jsonl"
    in_string.write_bytes(jsonl_bytes(RECORDS[:3]).replace(b"Paper Beta", b"Paper\x00 Beta"))
    items = list(read_path(in_string))
    assert [(type(i).__name__, i.line) for i in items] == [("Paper", 1), ("Paper", 2), ("Paper", 3)]
    assert items[1].title == "Paper Beta" and "U+0000" in items[1].notes[0]
    between = tmp_path / "between.jsonl"
    between.write_bytes(jsonl_bytes(RECORDS[:3]).replace(b'", "abstract"', b'",\x00 "abstract"', 1))
    items = list(read_path(between))
    assert [(type(i).__name__, i.line) for i in items] == [("Reject", 1), ("Paper", 2), ("Paper", 3)]
    assert "broken JSON" in items[0].reason


@pytest.mark.parametrize("encoding, mark", [
    ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32-be", b"\x00\x00\xfe\xff"), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b""),
])
def test_files_with_a_byte_order_mark_are_read_in_their_encoding(tmp_path, encoding, mark):
    from kg.sources import read_path

    records = [*RECORDS[:2], SCRIPTS[1]]
    jsonl, csv = tmp_path / "papers.jsonl", tmp_path / "papers.csv"
    jsonl.write_bytes(mark + jsonl_bytes(records).decode().encode(encoding))
    csv.write_bytes(mark + ("title,abstract\r\n" + "".join(
        f'"{r["title"]}","{r["abstract"]}"\r\n' for r in records)).encode(encoding))
    for path in (jsonl, csv):
        items = list(read_path(path))
        assert [getattr(i, "title", i) for i in items] == [r["title"] for r in records]
        assert [i.line for i in items] == ([1, 2, 3] if path == jsonl else [2, 3, 4])


def test_an_invalid_byte_in_a_json_array_rejects_only_its_record(tmp_path):
    from kg.sources import read_path

    for indent in (2, None):  # pretty-printed, and the whole array on one line
        path = tmp_path / f"array-{indent}.json"
        path.write_bytes(json.dumps(RECORDS, indent=indent).encode().replace(b"Paper Gamma",
                                                                            b"Paper \xffGamma"))
        items = list(read_path(path))
        assert [type(i).__name__ for i in items] == ["Paper", "Paper", "Reject", "Paper", "Paper"]
        assert items[2].reason == "undecodable bytes (not UTF-8) in title"
        assert items[2].line == (10 if indent else 1) and items[2].excerpt == "Paper \ufffdGamma"
    stray = tmp_path / "stray.json"  # a bad byte between two records rejects no record
    stray.write_bytes(b"[\n" + b",\n".join(json.dumps(r).encode() for r in RECORDS[:2])
                      + b",\n\xff\xfe\n" + b",\n".join(json.dumps(r).encode() for r in RECORDS[2:])
                      + b"\n]\n")
    items = list(read_path(stray))
    assert [getattr(i, "title", None) for i in items] == [
        "Paper Alpha", "Paper Beta", None, "Paper Gamma", "Paper Delta", "Paper Epsilon"]
    assert (items[2].line, items[2].reason) == (4, "undecodable bytes (not UTF-8) between records")


def test_bad_bytes_keep_the_books_through_a_build(tmp_path):
    """60 records in six files, each file with a bad byte, a NUL or a byte-order mark: every
    record is in the graph or in rejects, and only the records with bad bytes are rejected."""
    def renamed(records, suffix):
        return [{**r, "title": f"{r['title']} {suffix}"} for r in records]

    array = tmp_path / "array.json"
    array.write_bytes(json.dumps(RECORDS, indent=2).encode().replace(b"Paper Gamma",
                                                                     b"Paper \xffGamma"))
    nul = tmp_path / "nul.jsonl"
    nul.write_bytes(jsonl_bytes(renamed(RECORDS[:3], "II")).replace(b"Paper Beta",
                                                                     b"Paper\x00 Beta"))
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(b"\xff\xfe" + jsonl_bytes(SCRIPTS[:3]).decode().encode("utf-16-le"))
    utf32 = tmp_path / "utf32.csv"
    utf32.write_bytes(("title,abstract\n" + "".join(f'"{r["title"]}","{r["abstract"]}"\n'
                                                    for r in SCRIPTS[3:6])).encode("utf-32"))
    latin1 = tmp_path / "latin1.jsonl"  # not UTF-8: the line with an accent is rejected
    latin1.write_bytes(jsonl_bytes(renamed(RECORDS[:2], "III")).replace(
        b"Paper Alpha", "Réseau Alpha".encode("latin-1")))
    listing = tmp_path / "listing.txt"
    listing.write_bytes(Path("examples/hf-daily-papers.txt").read_bytes()
                        .replace(b"SegNet:", b"Seg\x00Net:", 1))
    done = kg_build(array, nul, utf16, utf32, latin1, listing, "-o", tmp_path / "out")
    summary, records, rejects = assert_built(done, tmp_path / "out")
    assert summary["papers_read"] == 5 + 3 + 3 + 3 + 2 + 44 == 60
    assert sorted((Path(r["file"]).name, r["line"], r["reason"]) for r in rejects) == [
        ("array.json", 10, "undecodable bytes (not UTF-8) in title"),
        ("latin1.jsonl", 1, "undecodable bytes (not UTF-8) in title")]
    titles = {r["title"] for r in records}
    assert {"Paper Beta II", SCRIPTS[0]["title"], SCRIPTS[5]["title"]} <= titles
    assert any(r["title"].startswith("SegNet:") for r in records)


# ---------------------------------------------------------------- 12: one bad record, one reject

def hostile_lines() -> list[str]:
    long_abstract = " ".join(f"We evaluate ResNet-{i % 150} on ImageNet." for i in range(28_600))
    assert len(long_abstract) > 1_000_000
    good = {"abstract": "We use BERT for question answering."}
    return [
        json.dumps({"title": "A paper with a very long abstract", "abstract": long_abstract}),
        '{"title": "Deep", "abstract": "x", "n": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"title": "Infinite upvotes", "abstract": "We use BERT.", "upvotes": Infinity}',
        '{"title": "Overflowing upvotes", "abstract": "We use BERT.", "upvotes": 1e400}',
        '{"title": "Huge upvotes", "abstract": "We use BERT.", "upvotes": 100000000000000000000}',
        '{"title": "Lone surrogate \\ud800", "abstract": "We use BERT."}',
        '{"title": "Abstract as an object", "abstract": {"x": 1}}',
        json.dumps({"title": "Good paper", **good, "upvotes": 12}),
        "[" * 5000 + "]" * 5000,
    ]


def test_hostile_values_become_one_reject_or_a_note_each(tmp_path):
    inputs = tmp_path / "hostile.jsonl"
    inputs.write_text("\n".join(hostile_lines()) + "\n")
    done = kg_build(inputs, "-o", tmp_path / "out", "--export", "neo4j-csv", timeout=600)
    summary, records, rejects = assert_built(done, tmp_path / "out")
    assert summary["papers_read"] == 9
    assert {r["line"]: r["reason"] for r in rejects} == {
        2: "JSON nested too deeply to read",
        6: "a lone surrogate (such as \\ud800): not valid Unicode in title",
        7: "abstract is a JSON object, not text",
        9: "JSON nested too deeply to read",
    }
    by_title = {r["title"]: r for r in records}
    long = by_title["A paper with a very long abstract"]
    assert len(long["abstract"]) > 1_000_000 and long["mentions"]
    assert max(m["end"] for m in long["mentions"]) <= 100_000
    cut = long["abstract"].rfind(" ", 0, 100_000)
    assert long["notes"] == [(f"abstract has {len(long['abstract']):,} characters: entities "
                              f"and results were found in the first {cut:,} only")]
    for title, why in [("Infinite upvotes", "inf is not a whole number"),
                       ("Overflowing upvotes", "inf is not a whole number"),
                       ("Huge upvotes", "100000000000000000000 is out of range (0 to 2147483647)")]:
        assert by_title[title]["upvotes"] is None
        assert by_title[title]["notes"] == [f"upvotes left out: {why}"]
    assert by_title["Good paper"]["upvotes"] == 12 and by_title["Good paper"]["notes"] == []


def test_upvotes_are_whole_numbers_in_range():
    from kg.sources.screen import whole_count

    assert [whole_count(v)[0] for v in (0, 12, 12.0, " 7 ", 2**31 - 1)] == [0, 12, 12, 7, 2**31 - 1]
    for value in (-1, 2**31, 1.5, float("nan"), float("inf"), True, "many", "1e3", [3], {"n": 1}):
        count, why = whole_count(value)
        assert count is None and why, value


# ---------------------------------------------------------------- 18: only links are URLs

HOSTILE_URLS = ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
                " JaVaScRiPt:alert(2)", "file:///etc/passwd"]


def test_urls_without_a_link_scheme_are_notes_not_links(tmp_path):
    generic = write_jsonl(tmp_path / "generic.jsonl", *[
        {"title": f"Hostile URL paper {i}", "abstract": "We propose SafeNet for images.",
         "url": url} for i, url in enumerate(HOSTILE_URLS)],
        {"title": "A safe URL paper", "abstract": "We use BERT.", "url": "https://example.org/p"})
    daily = tmp_path / "daily.json"  # Hugging Face daily papers: githubRepo is a code link
    daily.write_text(json.dumps([{"paper": {
        "id": "2401.0000" + str(i), "title": f"Daily paper {i}", "summary": "We use T5.",
        "publishedAt": "2024-01-02T00:00:00.000Z", "githubRepo": url}}
        for i, url in enumerate(HOSTILE_URLS[:3])]))
    links = tmp_path / "links.json"  # a Papers with Code links listing
    links.write_text(json.dumps([{"paper_url": "https://paperswithcode.com/paper/daily-paper-0",
                                  "paper_title": "Daily paper 0", "paper_arxiv_id": "2401.00000",
                                  "repo_url": "vbscript:msgbox(2)", "is_official": True}]))
    out = tmp_path / "out"
    done = kg_build(generic, daily, links, "-o", out, "--export", "neo4j-csv", "--export", "nt")
    summary, records, rejects = assert_built(done, out)
    assert summary["papers_in_graph"] == 9
    assert [(Path(r["file"]).name, r["reason"]) for r in rejects] == [
        ("links.json", "code link is not a link URL (only http, https, ftp, doi and arxiv)")]
    by_title = {r["title"]: r for r in records}
    for i, url in enumerate(HOSTILE_URLS):
        record = by_title[f"Hostile URL paper {i}"]
        assert record["url"] is None and record["notes"] == [
            "url left out, not a link URL (only http, https, ftp, doi and arxiv): " + url.strip()]
    for i, url in enumerate(HOSTILE_URLS[:3]):
        record = by_title[f"Daily paper {i}"]
        assert record["links"] == [] and record["notes"] == [
            "code link left out, not a link URL (only http, https, ftp, doi and arxiv): " + url]
    assert by_title["A safe URL paper"]["url"] == "https://example.org/p"
    outputs = [path for path in out.rglob("*") if path.is_file()
               and path.name not in ("extractions.jsonl", "rejects.jsonl")]
    assert {"graph.ttl", "graph.graphml", "graph.nt", "graph.html"} <= {p.name for p in outputs}
    assert any(p.parent.name == "neo4j-import" for p in outputs)
    for path in outputs:  # RDF, GraphML, the page, Neo4j CSV, both stores
        content = path.read_bytes().lower()
        for url in (b"javascript:alert", b"data:text/html", b"vbscript:msgbox", b"file:///etc"):
            assert url not in content, (path, url)
    assert b"https://example.org/p" in (out / "graph.ttl").read_bytes()


def test_link_schemes():
    from kg.records import is_link_url

    for url in ("https://github.com/a/b", "HTTP://x.org", "ftp://ftp.x.org/f", "doi:10.1/x",
                "arxiv:2401.00001", "www.example.com/x", "github.com/owner/repo"):
        assert is_link_url(url), url
    for url in (*HOSTILE_URLS, "\x01javascript:alert(1)", "java\tscript:x", "localhost:8080/x",
                "mailto:a@b.c", "not a url", ""):
        assert not is_link_url(url), url


# ---------------------------------------------------------------- 19: FIFOs, <(…), symlink loops


def test_a_fifo_is_read_as_an_input(tmp_path):
    source = write_jsonl(tmp_path / "source.jsonl", *RECORDS[:3])
    fifo = tmp_path / "papers.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"cat '{source}' > '{fifo}'"])  # blocks until read
    try:
        done = kg_build(fifo, "-o", tmp_path / "out", timeout=120)
        assert writer.wait(timeout=30) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
    _, records, _ = assert_built(done, tmp_path / "out")
    assert [r["title"] for r in records] == [r["title"] for r in RECORDS[:3]]
    assert {r["source"]["file"] for r in records} == {str(fifo)}


def test_process_substitutions_and_stdin_are_read_as_inputs(tmp_path):
    first = write_jsonl(tmp_path / "first.jsonl", *RECORDS[:2])
    second = write_jsonl(tmp_path / "second.jsonl", *RECORDS[2:4])
    links = tmp_path / "links.json"  # read before the others: its code links reach them
    links.write_text(json.dumps([{"paper_url": "https://paperswithcode.com/paper/x",
                                  "paper_title": RECORDS[4]["title"],
                                  "repo_url": "https://github.com/o/epsilon"}]))
    third = write_jsonl(tmp_path / "third.jsonl", RECORDS[4])
    command = (f"cat '{third}' | '{sys.executable}' -m kg build <(cat '{first}') "
               f"<(cat '{second}') - <(cat '{links}') -o '{tmp_path / 'out'}'")
    done = subprocess.run(["bash", "-c", command], check=False, capture_output=True, text=True,
                          timeout=300)
    _, records, _ = assert_built(done, tmp_path / "out")
    assert [r["title"] for r in records] == [r["title"] for r in RECORDS]
    assert {r["source"]["file"] for r in records[:4]} <= {f"/dev/fd/{n}" for n in range(3, 256)}
    assert records[4]["source"]["file"] == "<stdin>"
    assert [link["url"] for link in records[4]["links"]] == ["https://github.com/o/epsilon"]


def test_a_symlink_loop_is_named_as_such(tmp_path):
    os.symlink(tmp_path / "b.jsonl", tmp_path / "a.jsonl")
    os.symlink(tmp_path / "a.jsonl", tmp_path / "b.jsonl")
    os.symlink(tmp_path / "missing.jsonl", tmp_path / "broken.jsonl")
    for name, expected in [("a.jsonl", "input file is a symlink loop: "),
                           ("broken.jsonl", "input file not found: "),
                           ("missing.jsonl", "input file not found: ")]:
        done = kg_build(tmp_path / name, "-o", tmp_path / "out", timeout=120)
        assert done.returncode == 2, done.stderr
        (line,) = done.stderr.strip().splitlines()
        assert expected + str(tmp_path / name) in line and "Traceback" not in done.stderr


def test_records_given_through_the_python_api_are_screened_too():
    from kg.sources import read_records

    given = [Paper(title="Control\x01 Net", abstract="We use BERT.", url="javascript:x",
                   upvotes=10**30),
             Paper(title="Bad id", abstract="We use BERT.", id="x\udcff"),
             {"title": "Object abstract", "abstract": {"a": 1}},
             {"title": "Fine", "abstract": "We use BERT.", "upvotes": "12"}]
    first, bad_id, wrong_type, fine = read_records(given)
    assert first.title == "Control Net" and first.id == Paper("Control Net", "We use BERT.").id
    assert first.url is None and first.upvotes is None and len(first.notes) == 3
    assert isinstance(bad_id, Reject) and bad_id.reason == "undecodable bytes (not UTF-8) in id"
    assert isinstance(wrong_type, Reject) and wrong_type.line == 3
    assert wrong_type.reason == "abstract is a JSON object, not text"
    assert fine.upvotes == 12 and fine.notes == []
    (controls_only,) = read_records([{"title": "\x15\x01", "abstract": "We use BERT."}])
    assert controls_only.reason == "record has no title (control characters only)"


def test_an_input_read_only_once_given_twice_is_refused_before_any_work(tmp_path):
    fifo = tmp_path / "papers.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "same.fifo"
    link.symlink_to(fifo)
    for twice in ((fifo, fifo), (fifo, link), ("-", "-")):
        done = kg_build(*twice, "-o", tmp_path / "out", timeout=60, input="")  # a FIFO: waited for ever
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "given twice, but it can be read only once" in done.stderr.strip().splitlines()[-1]
        assert not (tmp_path / "out").exists()
