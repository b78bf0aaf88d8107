#!/usr/bin/env python3
"""Time the Neo4j CSV delta's copy of the previous rows: this version's `_write_csv_delta`
against a git revision's, on the same CSVs, with the same removed papers.

    .venv/bin/kg export BUILD --format neo4j-csv -o CSV
    .venv/bin/python scripts/bench_csv_delta.py CSV --baseline-rev 4d7d6ae [--removed 1000]

Every CSV of the folder is copied without the rows of `--removed` random papers (seeded) by
each version, twice; the files must come out byte for byte the same. The baseline's time
includes what it did after each file (counting the written file's line feeds).
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.export import delta
from kg.export.neo4j_files import _line_feeds, multiline_fields
from kg.graph.delta import unit_of
from kg.io import atomic_path


def baseline_function(revision: str):
    """`_write_csv_delta` as `kg/export/delta.py` of `revision` defines it (the last function
    of that file)."""
    source = subprocess.run(["git", "show", f"{revision}:kg/export/delta.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    namespace = {"csv": csv, "atomic_path": atomic_path, "unit_of": unit_of, "Path": Path}
    exec(source[source.index("def _write_csv_delta("):], namespace)  # noqa: S102
    return namespace["_write_csv_delta"]


def columns_of(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    fixed = header[:3] if path.name.startswith("relationships-") else header[:2]
    return fixed, [tuple(field.rsplit(":", 1)) for field in header[len(fixed):]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path, help="a folder of neo4j-admin CSVs (kg export --format neo4j-csv)")
    parser.add_argument("--baseline-rev", required=True)
    parser.add_argument("--removed", type=int, default=1000)
    args = parser.parse_args()

    before = baseline_function(args.baseline_rev)
    files = sorted(args.csv.glob("*.csv"))
    with open(args.csv / "nodes-Paper.csv", encoding="utf-8", newline="") as handle:
        papers = [row[0] for row in csv.reader(handle)][1:]
    removed = set(random.Random(1).sample(papers, min(args.removed, len(papers))))
    single_line = not multiline_fields(args.csv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-csv-delta-") as scratch:
        out = Path(scratch)
        for _ in range(2):
            started, kept_before = time.perf_counter(), 0
            for path in files:
                fixed, columns = columns_of(path)
                kept_before += before(out / f"before-{path.name}", path, fixed, columns, [],
                                      removed, None)
                _line_feeds(out / f"before-{path.name}")
            seconds_before = time.perf_counter() - started
            started, kept_now = time.perf_counter(), 0
            for path in files:
                fixed, columns = columns_of(path)
                kept_now += delta._write_csv_delta(out / f"now-{path.name}", path, fixed, columns,
                                                   [], removed, None, single_line)[0]
            seconds_now = time.perf_counter() - started
            same = all((out / f"before-{p.name}").read_bytes() == (out / f"now-{p.name}").read_bytes()
                       for p in files)
            print(f"rows kept {kept_now:,} ({kept_before:,} by {args.baseline_rev}); "
                  f"{args.baseline_rev} {seconds_before:.2f} s, this version {seconds_now:.2f} s, "
                  f"ratio {seconds_before / seconds_now:.1f}x; files identical: {same}")


if __name__ == "__main__":
    main()
