#!/usr/bin/env python
"""Make a large extractions file without running extraction: copy the records of a real
`OUT/extractions.jsonl` round-robin, each copy with a new unique id and title, until there are
N records. Mentions keep their offsets (the copy number goes at the end of the title), so the
records are valid input for everything after extraction (`kg.api.build_from_extractions`,
`scripts/bench_scale.py --replicated`).

    .venv/bin/python scripts/replicate_extractions.py out-2k/extractions.jsonl 100000 \
        -o /tmp/rep-100k/extractions.jsonl [--authors 3]

`--authors K` gives each copy K authors drawn from a pool of N/2 names, so author nodes (state
that grows with the corpus) are measured too.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path


def replicate(records: list[dict], n: int, authors: int = 0, seed: int = 0):
    """Yield `n` records: the originals first, then copies `-r1`, `-r2`, ..."""
    rng = random.Random(seed)
    for number in range(n):
        copy, original = divmod(number, len(records))
        record = dict(records[original])
        if copy:
            record["id"] = f"{record['id']}-r{copy}"
            record["title"] = f"{record['title']} (copy {copy})"
            record["arxiv_id"] = record["doi"] = None
        if authors:
            record["authors"] = [f"Author {rng.randrange(max(n // 2, 1))}" for _ in range(authors)]
        yield record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="an extractions.jsonl written by kg build")
    parser.add_argument("n", type=int, help="number of records to write")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--authors", type=int, default=0, help="authors per record (default: keep)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kg.io import atomic_path

    with open(args.source, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if not records or args.n < 1:
        raise SystemExit("replicate_extractions: need a non-empty source and N >= 1")
    with atomic_path(args.output) as temp, open(temp, "w", encoding="utf-8") as handle:
        for record in replicate(records, args.n, args.authors, args.seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{args.n} records ({len(records)} originals) → {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
