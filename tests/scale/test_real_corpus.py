"""scripts/make_corpus.py --real: the real records as they are, then replicas that the build
keeps apart (new id and title, no arXiv id, DOI or URL) with the same real text."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

from tests.conftest import ROOT

RECORDS = [
    {"id": "arxiv:1706.03762", "title": "Attention Is All You Need", "arxiv_id": "1706.03762",
     "abstract": "We propose the Transformer, based solely on attention, and evaluate it on "
                 "WMT 2014 English-German.", "date": "2017-06-12", "authors": ["A. Vaswani"]},
    {"id": "acl:N19-1423", "title": "BERT: Pre-training of Deep Bidirectional Transformers",
     "doi": "10.18653/v1/N19-1423", "url": "https://aclanthology.org/N19-1423",
     "abstract": "We introduce BERT and evaluate it on GLUE and SQuAD.", "date": "2019-06-02",
     "authors": ["J. Devlin"]},
]


def test_real_records_are_replicated_as_distinct_papers_with_the_same_text(tmp_path):
    corpus = tmp_path / "data" / "corpus"
    corpus.mkdir(parents=True)
    for name, record in zip(("arxiv-ml.jsonl.gz", "acl-anthology.jsonl.gz"), RECORDS):
        with gzip.open(corpus / name, "wt", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
    out = tmp_path / "real.jsonl"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "5", "--real",
                    "--data", str(tmp_path / "data"), "-o", str(out)], check=True, timeout=120)
    made = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(made) == 5
    assert sorted(r["id"] for r in made[:2]) == sorted(r["id"] for r in RECORDS)
    assert made[:2] == sorted(RECORDS, key=lambda r: [m["id"] for m in made[:2]].index(r["id"]))
    for k, record in enumerate(made[2:], start=2):
        source = made[k % 2]
        copy = k // 2
        assert record["id"] == f"{source['id']}~r{copy}"
        assert record["title"] == f"{source['title']} (replica {copy})"
        assert record["abstract"] == source["abstract"] and record["date"] == source["date"]
        assert record["authors"] == source["authors"]
        assert not {"arxiv_id", "doi", "url"} & set(record)
    assert len({r["id"] for r in made}) == len({r["title"] for r in made}) == 5
