#!/usr/bin/env python
"""Words per second of NER models alone (tokenizer + recogniser, one process, one BLAS thread).

    python scripts/bench_ner_words.py kg/extract/models/ner OTHER_MODEL [--repeat 3]

Title + abstract of the 500 real arXiv abstracts of tests/fixtures/corpus (about 110k tokens); the
models take turns, pass after pass, so that a busy machine slows them alike; the best pass of
each counts. The whole extractor's speed is scripts/bench_extract.py.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

import kg.extract.biluo  # noqa: E402,F401  (registers kg_biluo_entities)
import kg.extract.tokenizer  # noqa: E402,F401  (registers kg.scientific_tokenizer.v1)
from kg.extract.blas_ops import use_blas_ops  # noqa: E402

SLICE = ROOT / "tests" / "fixtures" / "corpus" / "arxiv-2017-2019-500.jsonl.gz"


def slice_texts(path: Path = SLICE) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [f"{r['title']}. {r['abstract']}" for r in records]


def words_per_second(models: list[Path], texts: list[str], repeat: int = 3) -> dict[str, float]:
    nlps = {}
    for m in models:
        nlp = spacy.load(m)
        use_blas_ops(nlp, predict_only=True)  # as kg.extract loads it
        list(nlp.pipe(texts[:20]))  # warm up
        nlps[str(m)] = nlp
    best = dict.fromkeys(nlps, 0.0)
    for _ in range(repeat):
        for name, nlp in nlps.items():
            t0, n = time.perf_counter(), 0
            for doc in nlp.pipe(texts, batch_size=64):
                n += len(doc)
            best[name] = max(best[name], n / (time.perf_counter() - t0))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", type=Path, nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = slice_texts()
    for name, wps in words_per_second(args.models, texts, args.repeat).items():
        print(f"{wps:9.0f} words/s  {name}")


if __name__ == "__main__":
    main()
