#!/usr/bin/env python
"""Extraction throughput: abstracts per second with 1 and 2 processes, next to the time a
blank spaCy tokenizer takes on the same texts (the floor), as a ratio.

    .venv/bin/python scripts/bench_extract.py [--n 3000] [--repeat 3] [--data ../shared/data]

This machine's speed drifts by up to ±15% from minute to minute (a shared virtual machine), so
each configuration is run `--repeat` times, alternating, and the median is reported with the
range.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
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


def measure(papers: list[Paper], processes: int, model: str | None) -> float:
    """Seconds to extract `papers` with `processes` workers, the pipeline loaded beforehand."""
    load_pipeline(model)  # loading is not part of throughput
    started = time.perf_counter()
    count = sum(1 for _ in extract_papers(papers, n_process=processes, model=model))
    assert count == len(papers)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", default=None, help="a trained model folder (default: the shipped one)")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration")
    parser.add_argument("--only", type=int, help=argparse.SUPPRESS)  # one measurement, in a child
    args = parser.parse_args()
    papers = corpus(args.data, args.n)
    if args.only is not None:
        print(json.dumps({"seconds": measure(papers, args.only, args.model),
                          "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        return

    floors = []
    for _ in range(args.repeat):
        blank = spacy.blank("en")  # a fresh one each time: a warm tokenizer cache is not the floor
        started = time.perf_counter()
        for _ in blank.pipe((t for p in papers for t in (p.title, p.abstract)), batch_size=256):
            pass
        floors.append(time.perf_counter() - started)
    floor = statistics.median(floors)
    print(f"blank tokenizer: {len(papers) / floor:,.0f} abstracts/s ({floor:.2f} s)")

    # each run in a fresh interpreter: workers forked from a parent that already extracted
    # these texts would start with warm caches (tokenizer, name keys) and look faster
    runs: dict[int, list[float]] = {processes: [] for processes in args.processes}
    peak = 0.0
    for _ in range(args.repeat):
        for processes in args.processes:
            command = [sys.executable, __file__, "--n", str(args.n), "--data", str(args.data),
                       "--only", str(processes)] + (["--model", args.model] if args.model else [])
            result = json.loads(subprocess.run(command, check=True, capture_output=True,
                                               text=True).stdout.strip().splitlines()[-1])
            runs[processes].append(result["seconds"])
            peak = max(peak, result["peak_mib"])
    for processes, seconds in runs.items():
        middle = statistics.median(seconds)
        print(f"kg extract, {processes} process(es): {len(papers) / middle:,.0f} abstracts/s "
              f"(median of {len(seconds)}, range {len(papers) / max(seconds):,.0f}–"
              f"{len(papers) / min(seconds):,.0f}; {middle:.2f} s, "
              f"{middle / floor:.1f}x the blank tokenizer)")
    print(f"peak RSS (main process): {peak:,.0f} MiB for {len(papers)} abstracts")


if __name__ == "__main__":
    main()
