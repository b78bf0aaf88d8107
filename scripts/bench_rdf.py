"""Benchmark the RDF export and the SPARQL store load on a graph of ≥ 1M triples.

The graph repeats a build's extraction records under new paper ids (entities stay shared, as
in a real build), so no spaCy run is needed beyond the first build: the example listing's by
default, or any build's (`--build`, e.g. one of real arXiv abstracts). It prints, in triples
per second: N-Triples, N-Quads and Turtle export (generation + writing, to a file); the
SPARQL store's load as `kg build` does it (the walk's N-Quads piped into Oxigraph's bulk loader
while they are generated), beside its floor, pyoxigraph alone bulk-loading the same N-Quads
(and the same N-Triples) from a file; rdflib's own Turtle serialiser on a subset, as a ratio;
and the memory growth while writing N-Triples. `--baseline DIR` measures N-Triples and the
store load again with the code in DIR (e.g. a worktree of the previous release), in a
subprocess, on the same graph.

    .venv/bin/python scripts/bench_rdf.py                     # builds the example first (~20 s)
    .venv/bin/python scripts/bench_rdf.py --build out/ --triples 1000000 --rdflib-triples 100000
    .venv/bin/python scripts/bench_rdf.py --build real5k/ --baseline /work/baseline
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent


class PeakMemory:
    """Peak resident memory above the starting point, sampled every 5 ms in a thread."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.start = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    def __enter__(self) -> PeakMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.start) / 2**20


def example_extractions(build: Path | None) -> list[dict]:
    if build is None:
        import kg

        build = Path(tempfile.mkdtemp(prefix="kg-bench-")) / "out"
        print(f"building the example listing into {build} ...", flush=True)
        kg.build([ROOT / "examples" / "hf-daily-papers.txt"], out=build)
    lines = (build / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def replicated(records: list[dict], copies: int) -> list[dict]:
    out = []
    for copy in range(copies):
        for record in records:
            out.append({**record, "id": f"{record['id']}-copy{copy}",
                        "title": f"{record['title']} (copy {copy})"})
    return out


def clock() -> tuple[float, float]:
    """Wall and CPU seconds (this process, every thread: the loader's too) now."""
    return time.perf_counter(), time.process_time()


def since(started: tuple[float, float]) -> tuple[float, float]:
    return time.perf_counter() - started[0], time.process_time() - started[1]


def timed(label: str, triples: int, seconds: tuple[float, float]) -> float:
    """Print the rate by the wall clock, and the CPU seconds beside it (on a shared machine
    the CPU seconds vary less); returns the wall-clock rate."""
    wall, cpu = seconds
    rate = triples / wall
    print(f"{label:<46} {triples:>10,} triples {wall:>7.2f} s {rate:>10,.0f} triples/s "
          f"({cpu:.2f} CPU s, {triples / cpu:,.0f} per CPU s)", flush=True)
    return rate


def store_load_as_build(graph, path: Path) -> tuple[float, float]:
    """Wall and CPU seconds to fill a new store at `path` as `kg build` does (`StoreLoader` fed by
    `NQuadsSink` from the graph's walk: generation and load at the same time)."""
    from kg.export.outputs import StoreLoader
    from kg.export.rdf import NQuadsSink
    from kg.graph.stream import graph_walk

    started = clock()
    with StoreLoader(path) as pipe:
        walk = graph_walk(graph)
        sink = NQuadsSink(pipe, walk)
        for item in walk:
            sink.add(*item)
        sink.close()
    return since(started)


def store_load_floor(source: Path, fmt, path: Path) -> tuple[float, float]:
    """Wall and CPU seconds for pyoxigraph alone to bulk-load `source` into a new store (lenient, no
    flush: as the build)."""
    started = clock()
    store = ox.Store(str(path))
    store.bulk_load(path=str(source), format=fmt, lenient=True)
    del store
    return since(started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, help="a `kg build` folder to replicate (default: build the example)")
    parser.add_argument("--triples", type=int, default=1_000_000, help="at least this many triples")
    parser.add_argument("--rdflib-triples", type=int, default=100_000, help="subset size for rdflib")
    parser.add_argument("--baseline", type=Path, help="also measure N-Triples and the store load "
                        "with the code in this folder (the previous release), same graph")
    parser.add_argument("--copies", type=int, help=argparse.SUPPRESS)  # given to the baseline run
    parser.add_argument("--only-nt-and-store", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    from kg.export.rdf import graph_statements, serialize_rdf
    from kg.graph.build import build_graph

    if args.baseline and args.build is None:
        parser.error("--baseline needs --build (both runs replicate the same build's records)")
    records = example_extractions(args.build)
    copies = args.copies
    if copies is None:
        one, two = (sum(1 for _ in graph_statements(build_graph(replicated(records, n)))) for n in (1, 2))
        copies = max(1, 1 + -(-(args.triples - one) // (two - one)))  # shared entities count once
    started = clock()
    graph = build_graph(replicated(records, copies))
    print(f"graph: {len(records)} papers x {copies} copies = {graph.number_of_nodes():,} nodes, "
          f"{graph.number_of_edges():,} edges (built in {since(started)[0]:.1f} s)")

    work = Path(tempfile.mkdtemp(prefix="kg-bench-rdf-"))
    with PeakMemory() as memory:
        started = clock()
        with open(work / "graph.nt", "wb") as handle:
            count = serialize_rdf(graph, handle, "nt")
        nt_rate = timed("N-Triples export (kg export --format nt)", count, since(started))
    size = (work / "graph.nt").stat().st_size / 2**20
    print(f"  memory growth while writing {size:,.0f} MiB of N-Triples: {memory.growth_mib:,.1f} MiB")

    if not args.only_nt_and_store:
        started = clock()
        with open(work / "graph.ttl", "wb") as handle:
            count = serialize_rdf(graph, handle, "ttl")
        ttl_rate = timed("Turtle export (kg export --format ttl)", count, since(started))

    started = clock()
    with open(work / "graph.nq", "wb") as handle:
        quads = serialize_rdf(graph, handle, "nq")
    timed("N-Quads export, named graph per paper", quads, since(started))

    load_rate = timed("store load as kg build (walk piped to loader)", quads,
                      store_load_as_build(graph, work / "store-build"))
    assert len(ox.Store.read_only(str(work / "store-build"))) == quads
    floor_rate = timed("  floor: pyoxigraph bulk_load of the .nq file", quads,
                       store_load_floor(work / "graph.nq", ox.RdfFormat.N_QUADS, work / "store-nq"))
    nt_floor_rate = timed("  pyoxigraph bulk_load of the .nt file", count,
                          store_load_floor(work / "graph.nt", ox.RdfFormat.N_TRIPLES, work / "store-nt"))
    for store in work.glob("store-*"):
        shutil.rmtree(store)

    if not args.only_nt_and_store:
        import rdflib

        subset = rdflib.Graph()
        with open(work / "graph.nt", "rb") as handle:
            head = b"".join(line for _, line in zip(range(args.rdflib_triples), handle))
        subset.parse(data=head, format="nt")
        started = clock()
        subset.serialize(io.BytesIO(), format="turtle")
        rdflib_rate = timed("rdflib Turtle serialiser (subset, in memory)", len(subset), since(started))
        ox_subset = list(ox.parse(head, format=ox.RdfFormat.N_TRIPLES))
        started = clock()
        ox.serialize(ox_subset, io.BytesIO(), ox.RdfFormat.TURTLE)
        same_rate = timed("pyoxigraph Turtle serialiser (same subset)", len(ox_subset), since(started))
    for path in work.glob("graph.*"):
        os.remove(path)
    shutil.rmtree(work, ignore_errors=True)
    if args.only_nt_and_store:
        return

    baseline = None
    if args.baseline:
        print(f"\nprevious release ({args.baseline}), same graph:", flush=True)
        run = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--build", str(args.build),
                              "--copies", str(copies), "--only-nt-and-store"],
                             cwd=args.baseline, env={**os.environ, "PYTHONPATH": str(args.baseline)},
                             capture_output=True, text=True, check=False)
        print(run.stdout, end="", flush=True)
        if run.returncode:
            print(f"  (failed: {run.stderr.strip().splitlines()[-1:]})")
        rates = re.findall(r"^(N-Triples export|store load as kg build).*?([\d,]+) triples/s ",
                           run.stdout, re.MULTILINE)
        baseline = {label: float(rate.replace(",", "")) for label, rate in rates}

    print()
    print(f"N-Triples: {nt_rate:,.0f} triples/s (goal >= 500,000): {'met' if nt_rate >= 500_000 else 'NOT met'}"
          + (f"; previous release {baseline['N-Triples export']:,.0f}, {nt_rate / baseline['N-Triples export']:.2f}x"
             if baseline and "N-Triples export" in baseline else ""))
    print(f"Turtle: {ttl_rate / rdflib_rate:,.1f}x rdflib end to end, "
          f"{same_rate / rdflib_rate:,.1f}x serialiser to serialiser (goal >= 20x): "
          f"{'met' if ttl_rate / rdflib_rate >= 20 else 'NOT met'}")
    print(f"store load as kg build: {load_rate:,.0f} quads/s, {load_rate / floor_rate:.2f}x its floor "
          f"(pyoxigraph alone on the same N-Quads: {floor_rate:,.0f}/s; on the N-Triples: "
          f"{nt_floor_rate:,.0f}/s): {'met' if load_rate >= 0.95 * floor_rate else 'NOT met'}"
          + (f"; previous release {baseline['store load as kg build']:,.0f}/s"
             if baseline and "store load as kg build" in baseline else ""))


if __name__ == "__main__":
    main()
