"""Reader faults (issue 20, items 1, 4, 12, 18 and 19): titles in every script, bytes that are
not UTF-8, hostile values, URLs that are not links, and inputs that are not regular files.
Each case runs the real `kg build` command on a small input and checks that the build
succeeds and that the books balance: papers read = papers in the graph + rejected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.records import Paper, identity_keys, normalise_title, paper_id


def kg_build(*args, cwd: Path | None = None, timeout: int = 300, **kwargs):
    return subprocess.run([sys.executable, "-m", "kg", "build", *map(str, args)],
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
    summary, records, rejects = assert_built(done, tmp_path / "out")
    assert rejects == []
    assert sorted(r["title"] for r in records) == sorted(r["title"] for r in SCRIPTS)
    assert len({r["id"] for r in records}) == len(SCRIPTS)


def test_the_same_non_latin_title_twice_is_still_one_paper(tmp_path):
    inputs = write_jsonl(tmp_path / "twice.jsonl", SCRIPTS[1],
                         {**SCRIPTS[1], "title": "НЕЙРОННЫЕ  сети для речи!"}, SCRIPTS[0])
    summary, records, rejects = assert_built(kg_build(inputs, "-o", tmp_path / "out"),
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
