#!/usr/bin/env python
"""Score the whole extraction pipeline (model + gazetteers + rules) on the held-out splits:
SciREX-dev (the fixed rule of scripts/train_ner.py: sha1(id) % 5 == 0) and SciERC test.

    .venv/bin/python scripts/evaluate_extraction.py [--data ../shared/data] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from kg.evaluate import evaluate, read_gold

ROOT = Path(__file__).resolve().parent.parent


def is_scirex_dev(record_id: str) -> bool:
    return int(hashlib.sha1(record_id.encode("utf-8")).hexdigest(), 16) % 5 == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sets = {
        "SciREX-dev": ([r for r in read_gold(args.data / "scirex" / "abstracts.jsonl")
                        if is_scirex_dev(r["id"])], ("Method", "Dataset", "Metric", "Task")),
        "SciERC-test": (read_gold(args.data / "scierc" / "test.jsonl"), ("Method", "Metric", "Task")),
    }
    report = {}
    for name, (records, labels) in sets.items():
        report[name] = evaluate(records, labels).to_dict()
    if args.json:
        print(json.dumps(report, indent=1))
        return
    for name, scores in report.items():
        print(f"{name} ({scores['documents']} abstracts)")
        print(f"  {'label':8} {'exact P/R/F1':>22} {'overlap F1':>11} {'doc-set F1':>11}")
        for label in [*sorted(k for k in scores["exact"] if k != "micro"), "micro"]:
            e, o, d = scores["exact"][label], scores["overlap"][label], scores["document"][label]
            print(f"  {label:8} {e['precision']:6.3f} {e['recall']:6.3f} {e['f1']:6.3f}"
                  f" {o['f1']:11.3f} {d['f1']:11.3f}")


if __name__ == "__main__":
    main()
