#!/usr/bin/env python
"""Time and peak memory of `kg leaderboard`, `kg trends` and `kg report` on a build: each
command run `--runs` times in a fresh process (as a user runs it), wall seconds and the peak RSS of the
process (the child's `ru_maxrss`, from `os.wait4`); then the views' functions alone (the
seconds of the call in a fresh process, its imports not counted).

    .venv/bin/python scripts/bench_views.py OUT [--runs 3] [--dataset NAME] [--type Method]

Prints one line per command: the median and range of the seconds, the largest peak RSS, and
the build's papers and results (from the store) so the figures can be put beside the size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


# the view alone, in a fresh process: prints the seconds of the call, imports not counted
IN_PROCESS = """
import sys, time
from kg.views.leaderboard import leaderboard
from kg.views.trends import trends
from kg.views.report import build_report
started = time.perf_counter()
{call}
print(time.perf_counter() - started)
"""


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one run of `command`; when the command prints a
    number (IN_PROCESS), that number is the seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench_views: {' '.join(command)} failed: "
                         f"{process.stderr.read().decode(errors='replace').strip()}")
    try:
        seconds = float(output)
    except ValueError:
        pass
    return seconds, usage.ru_maxrss * 1024


def build_size(out: Path) -> str:
    from kg.views.store import opened_store, stream_rows

    with opened_store(out) as connection:
        papers = next(stream_rows(connection, "MATCH (p:Paper) RETURN count(*)"))[0]
        results = next(stream_rows(connection, "MATCH (r:Result) RETURN count(*)"))[0]
    return f"{papers:,} papers, {results:,} results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dataset", help="also time `kg leaderboard OUT --dataset NAME`")
    parser.add_argument("--type", default="Method", help="the entity type for kg trends")
    args = parser.parse_args()
    kg = [sys.executable, "-m", "kg"]
    with tempfile.TemporaryDirectory() as scratch:
        commands = {
            "kg leaderboard OUT --format csv": [*kg, "leaderboard", str(args.out), "--format", "csv"],
            f"kg trends OUT --type {args.type}": [*kg, "trends", str(args.out), "--type", args.type],
            f"kg trends OUT --type {args.type} -o trends.png": [
                *kg, "trends", str(args.out), "--type", args.type, "-o", f"{scratch}/trends.png"],
        }
        commands["kg report OUT -o report.html"] = [*kg, "report", str(args.out), "-o",
                                                    f"{scratch}/report.html"]
        commands["kg report OUT -o report.md"] = [*kg, "report", str(args.out), "-o",
                                                  f"{scratch}/report.md"]
        if args.dataset:
            commands[f"kg leaderboard OUT --dataset {args.dataset!r}"] = [
                *kg, "leaderboard", str(args.out), "--dataset", args.dataset]
        for call in (f"leaderboard({str(args.out)!r})",
                     f"trends({str(args.out)!r}, {args.type!r})",
                     f"build_report({str(args.out)!r})"):
            commands[f"{call.split('(')[0]}() alone, imports not counted"] = [
                sys.executable, "-c", IN_PROCESS.format(call=call)]
        print(f"{args.out}: {build_size(args.out)}; {args.runs} runs each, fresh processes")
        for name, command in commands.items():
            runs = [measure(command) for _ in range(args.runs)]
            seconds = [s for s, _ in runs]
            peak = max(rss for _, rss in runs)
            print(f"{name:<48} {statistics.median(seconds):6.2f} s (range {min(seconds):.2f}-"
                  f"{max(seconds):.2f}), peak RSS {peak / 2**20:,.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
