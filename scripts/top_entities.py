#!/usr/bin/env python
"""The most frequent entities of each type in extraction records, by the number of papers that
have them (entities flagged generic left out, as the graph makes nodes): the check that the
top of every ranking is named things, not generic words.

    .venv/bin/python scripts/extract_records.py --arxiv-sample 4000 \\
        ../shared/data/corpus/arxiv-ml.jsonl.gz -o /tmp/arxiv4000.jsonl
    .venv/bin/python scripts/top_entities.py /tmp/arxiv4000.jsonl [--top 20] [--json]

(A build's extractions.jsonl works too.)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kg.evaluate import read_jsonl, top_entities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extractions", type=Path)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--include-generic", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    records = read_jsonl(args.extractions)
    ranking = top_entities(records, args.top, args.include_generic)
    if args.json:
        print(json.dumps({"papers": len(records), "top": ranking}, indent=1, ensure_ascii=False))
        return
    print(f"{len(records)} papers")
    for label, rows in ranking.items():
        print(f"{label}: " + "; ".join(f"{name} {count}" for name, count in rows))


if __name__ == "__main__":
    main()
