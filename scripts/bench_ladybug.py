#!/usr/bin/env python
"""The embedded Cypher store's load alone: a build folder's walk fed to `LadybugSink`, as the
build's forked process does, then its COPYs. Prints, per configuration, the seconds of the walk
and of the COPYs, the number of COPYs, and the process's peak RSS while loading (sampled every
0.1 s after the walk's index is built), each configuration in a fresh process, with the ratios
against the first.

    .venv/bin/python scripts/bench_ladybug.py OUT [--copy-bytes 0 33554432] [--copy-rows 250000]
        [--storage both fwd]

`--copy-bytes 0` bounds chunks by rows only (COPY_ROWS), as before chunks had a byte bound.
OUT needs only `extractions.jsonl` (relinked here, without user aliases), so large inputs
can come straight from `scripts/replicate_extractions.py`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil


class PeakRss(threading.Thread):
    """Samples this process's RSS every `interval` seconds until stopped; `peak` in bytes."""

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval, self.peak = interval, 0
        self.stopped = threading.Event()
        self.process = psutil.Process()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self.stopped.wait(self.interval)

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return max(self.peak, self.process.memory_info().rss)


def load_once(out: Path, copy_bytes: int, copy_rows: int, storage: str = "both") -> dict:
    """Walk `out` into a new store in a temporary folder; returns the figures."""
    from kg.engine.records import ExtractionsFile
    from kg.graph.stream import BuildWalk, shared_nodes
    from kg.link.canonical import CanonicalIndex
    import os

    from kg.query.cypher import STORAGE_VARIABLE, LadybugSink

    os.environ[STORAGE_VARIABLE] = storage
    extractions = ExtractionsFile(out / "extractions.jsonl")  # as `kg.api.Build.walk` reads it
    walk = BuildWalk(extractions.by_id, CanonicalIndex(extractions.linking()),
                     shared_nodes(extractions.path))
    LadybugSink.COPY_ROWS = copy_rows
    LadybugSink.COPY_BYTES = copy_bytes or 1 << 62
    copies: list[float] = []
    copy_frame = LadybugSink._copy_frame

    def timed_copy(self, statement, frame):
        started = time.perf_counter()
        copy_frame(self, statement, frame)
        copies.append(time.perf_counter() - started)

    LadybugSink._copy_frame = timed_copy
    sampler = PeakRss()
    sampler.start()
    with tempfile.TemporaryDirectory(prefix="kg-bench-ladybug-", dir=out) as folder:
        started = time.perf_counter()
        sink = LadybugSink(Path(folder) / "store.lbdb", walk.type_of)
        for item in walk:
            sink.add(*item)
        walked = time.perf_counter()
        sink.close()
        closed = time.perf_counter()
    return {"storage": storage, "copy_bytes": copy_bytes, "copy_rows": copy_rows, "walk_s": round(walked - started, 1),
            "copy_s": round(closed - walked, 1), "copies": len(copies),
            "longest_copy_s": round(max(copies, default=0), 2),
            "peak_rss_mib": sampler.stop() >> 20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a build folder (its extractions.jsonl)")
    parser.add_argument("--copy-bytes", type=int, nargs="+", default=[0, 32 << 20])
    parser.add_argument("--copy-rows", type=int, default=250_000)
    parser.add_argument("--storage", nargs="+", default=["both"], choices=["both", "fwd"],
                        help="relationship storage direction(s) to compare")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(load_once(args.out, args.copy_bytes[0], args.copy_rows,
                                   args.storage[0])))
        return
    rows = []
    for storage, copy_bytes in [(s, b) for s in args.storage for b in args.copy_bytes]:
        done = subprocess.run([sys.executable, __file__, str(args.out), "--one", "--copy-rows",
                               str(args.copy_rows), "--copy-bytes", str(copy_bytes),
                               "--storage", storage],
                              check=False, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"the load with --copy-bytes {copy_bytes} failed:\n{done.stderr}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        row, first = rows[-1], rows[0]
        print(f"{storage:>4}  copy bytes {copy_bytes or 'unbounded':>10}  walk {row['walk_s']:6.1f} s  "
              f"COPY {row['copy_s']:6.1f} s ({row['copies']} COPYs, longest "
              f"{row['longest_copy_s']} s)  peak RSS {row['peak_rss_mib']} MiB  "
              f"(×{row['copy_s'] / first['copy_s']:.2f} time, "
              f"×{row['peak_rss_mib'] / first['peak_rss_mib']:.2f} memory)", flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
