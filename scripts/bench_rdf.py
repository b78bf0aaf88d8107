"""Benchmark the RDF export and the SPARQL store load on a graph of ≥ 1M triples.

The graph repeats the example listing's extraction records under new paper ids (entities stay
shared, as in a real build), so no spaCy run is needed beyond the first build. It prints, in
triples per second: N-Triples and Turtle export (generation from networkx + pyoxigraph's
serialiser, to a file), bulk loading into the pyoxigraph store, and rdflib's own Turtle
serialiser on a subset, as a ratio; and the memory growth while writing N-Triples.

    .venv/bin/python scripts/bench_rdf.py                     # builds the example first (~20 s)
    .venv/bin/python scripts/bench_rdf.py --build out/ --triples 1000000 --rdflib-triples 100000
"""

from __future__ import annotations

import argparse
import io
import json
import os
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


def timed(label: str, triples: int, seconds: float) -> float:
    rate = triples / seconds
    print(f"{label:<44} {triples:>10,} triples {seconds:>7.2f} s {rate:>12,.0f} triples/s", flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, help="a `kg build` folder to replicate (default: build the example)")
    parser.add_argument("--triples", type=int, default=1_000_000, help="at least this many triples")
    parser.add_argument("--rdflib-triples", type=int, default=100_000, help="subset size for rdflib")
    args = parser.parse_args()

    from kg.export.rdf import graph_statements, serialize_rdf
    from kg.graph.build import build_graph
    from kg.query.sparql import write_sparql_store

    records = example_extractions(args.build)
    one, two = (sum(1 for _ in graph_statements(build_graph(replicated(records, n)))) for n in (1, 2))
    copies = max(1, 1 + -(-(args.triples - one) // (two - one)))  # shared entities count once
    started = time.perf_counter()
    graph = build_graph(replicated(records, copies))
    print(f"graph: {len(records)} papers x {copies} copies = {graph.number_of_nodes():,} nodes, "
          f"{graph.number_of_edges():,} edges (built in {time.perf_counter() - started:.1f} s)")

    work = Path(tempfile.mkdtemp(prefix="kg-bench-rdf-"))
    with PeakMemory() as memory:
        started = time.perf_counter()
        with open(work / "graph.nt", "wb") as handle:
            count = serialize_rdf(graph, handle, "nt")
        nt_rate = timed("N-Triples export (kg export --format nt)", count, time.perf_counter() - started)
    size = (work / "graph.nt").stat().st_size / 2**20
    print(f"  memory growth while writing {size:,.0f} MiB of N-Triples: {memory.growth_mib:,.1f} MiB")

    started = time.perf_counter()
    with open(work / "graph.ttl", "wb") as handle:
        count = serialize_rdf(graph, handle, "ttl")
    ttl_rate = timed("Turtle export (kg export --format ttl)", count, time.perf_counter() - started)

    started = time.perf_counter()
    with open(work / "graph.nq", "wb") as handle:
        count = serialize_rdf(graph, handle, "nq")
    timed("N-Quads export, named graph per paper", count, time.perf_counter() - started)

    started = time.perf_counter()
    path = write_sparql_store(graph, work)
    seconds = time.perf_counter() - started
    load_rate = timed("bulk load into the store (as kg build)", len(ox.Store.read_only(str(path))), seconds)

    import rdflib

    subset = rdflib.Graph()
    with open(work / "graph.nt", "rb") as handle:
        head = b"".join(line for _, line in zip(range(args.rdflib_triples), handle))
    subset.parse(data=head, format="nt")
    started = time.perf_counter()
    subset.serialize(io.BytesIO(), format="turtle")
    rdflib_rate = timed("rdflib Turtle serialiser (subset, in memory)", len(subset), time.perf_counter() - started)
    ox_subset = list(ox.parse(head, format=ox.RdfFormat.N_TRIPLES))
    started = time.perf_counter()
    ox.serialize(ox_subset, io.BytesIO(), ox.RdfFormat.TURTLE)
    same_rate = timed("pyoxigraph Turtle serialiser (same subset)", len(ox_subset), time.perf_counter() - started)

    print()
    print(f"N-Triples: {nt_rate:,.0f} triples/s (goal >= 500,000): {'met' if nt_rate >= 500_000 else 'NOT met'}")
    print(f"Turtle: {ttl_rate / rdflib_rate:,.1f}x rdflib end to end, "
          f"{same_rate / rdflib_rate:,.1f}x serialiser to serialiser (goal >= 20x): "
          f"{'met' if ttl_rate / rdflib_rate >= 20 else 'NOT met'}")
    print(f"store bulk load: {load_rate:,.0f} triples/s")
    for path in work.glob("graph.*"):
        os.remove(path)


if __name__ == "__main__":
    main()
