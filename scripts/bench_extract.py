#!/usr/bin/env python
"""Extraction throughput: abstracts per second with 1 and 2 processes, next to the time a
blank spaCy tokenizer takes on the same texts (the floor), as a ratio.

    .venv/bin/python scripts/bench_extract.py [--n 3000] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import spacy

from kg.extract.pipeline import extract_papers, load_pipeline
from kg.records import Paper

ROOT = Path(__file__).resolve().parent.parent


def corpus(data: Path, n: int) -> list[Paper]:
    records = []
    for path in [data / "scirex" / "abstracts.jsonl", *sorted((data / "scierc").glob("*.jsonl"))]:
        with open(path, encoding="utf-8") as handle:
            records += [json.loads(line) for line in handle if line.strip()]
    papers = []
    while len(papers) < n:
        for record in records:
            title, _, abstract = record["text"].partition("\n") if record.get("title") else ("", "", record["text"])
            papers.append(Paper(title=title or "Untitled", abstract=abstract or record["text"],
                                id=f"bench-{len(papers)}"))
            if len(papers) == n:
                break
    return papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", default=None, help="a trained model folder (default: the shipped one)")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    papers = corpus(args.data, args.n)

    blank = spacy.blank("en")
    started = time.perf_counter()
    for _ in blank.pipe((t for p in papers for t in (p.title, p.abstract)), batch_size=256):
        pass
    floor = time.perf_counter() - started
    print(f"blank tokenizer: {len(papers) / floor:,.0f} abstracts/s ({floor:.2f} s)")

    load_pipeline(args.model)  # loading is not part of throughput
    for processes in args.processes:
        started = time.perf_counter()
        count = sum(1 for _ in extract_papers(papers, n_process=processes, model=args.model))
        seconds = time.perf_counter() - started
        print(f"kg extract, {processes} process(es): {count / seconds:,.0f} abstracts/s "
              f"({seconds:.2f} s, {seconds / floor:.1f}x the blank tokenizer)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (main process): {peak:,.0f} MiB for {len(papers)} abstracts")


if __name__ == "__main__":
    main()
