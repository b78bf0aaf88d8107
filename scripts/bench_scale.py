#!/usr/bin/env python
"""Scale benchmark: `kg build` end to end against corpus size, and extraction throughput by
engine. Prints one line per measurement and a JSON summary.

End to end (per N): make an N-abstract corpus (scripts/make_corpus.py), then run, as a
subprocess, `kg build CORPUS -o OUT -p P --export nt --export neo4j-csv`: extractions,
Turtle, GraphML, HTML, the Oxigraph and Ladybug stores, and N-Triples and the Neo4j CSVs
written in the same walk of the graph; its wall time, the peak memory of its whole process
tree (sampled every 0.5 s: the sum of RSS, which counts pages that forked processes share once
per process, and the sum of PSS, which counts them once) and its own step seconds
(summary.json).

Throughput (on the first N of --throughput-n): extraction alone, pipeline loaded beforehand,
with the local engine at 1 and 2 processes and with a Dask LocalCluster of 2 workers
(cluster start excluded, measured separately).

    .venv/bin/python scripts/bench_scale.py --sizes 500 1000 2000 --throughput-n 1000 [-p 2]
    .venv/bin/python scripts/bench_scale.py --real --sizes 100000 200000 --update-n 1000 \
        --throughput-n 0     # real text (scripts/make_corpus.py --real), then an update of 1,000

After extraction only (`--replicated OUT/extractions.jsonl`): the records of a real build are
copied with new ids up to each N (scripts/replicate_extractions.py), then `kg build --update
OUT --export nt --export neo4j-csv` (no new input: index, graph walk and every output) is
measured like above, and a growth table is printed.

    .venv/bin/python scripts/bench_scale.py --replicated out-2k/extractions.jsonl \
        --sizes 20000 100000 [--folder /tmp/bench] [--authors 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from kg.engine.buildfolder import write_marker

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]
EXPORTS = ["--export", "nt", "--export", "neo4j-csv"]  # in the build's own walk


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """Bytes of the process tree: (the sum of RSS, the sum of PSS: each shared page counted
    once across the processes that share it, such as forked workers)."""
    rss = pss = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            memory = member.memory_full_info()
            rss, pss = rss + memory.rss, pss + memory.pss
        except psutil.Error:
            pass
    return rss, pss


def run_measured(command: list[str]) -> tuple[float, int, int]:
    """(wall seconds, peak RSS sum, peak PSS sum of the process tree, in bytes) of one
    command, sampled every 0.5 s (a sample costs a few ms of CPU: more often would slow the
    build it measures)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    process, peak, peak_pss = psutil.Process(child.pid), 0, 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.is_set():
            try:
                rss, pss = tree_memory(process)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            except psutil.Error:
                pass
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = child.communicate()
    done.set()
    sampler.join()
    if child.returncode:
        raise SystemExit(f"bench_scale: {' '.join(command)} failed: {stderr.decode()[-2000:]}")
    return time.perf_counter() - started, peak, peak_pss


def measure_build(command: list[str], out: Path, n: int) -> dict:
    """Run one `kg build` (which also writes N-Triples and the Neo4j CSVs in its walk): wall
    time, peak RSS of its process tree, its own step seconds and the graph's size."""
    seconds, peak, peak_pss = run_measured([*command, *EXPORTS])
    summary = json.loads((out / "summary.json").read_text())
    return {"n": n, "total_s": round(seconds, 1), "peak_rss_mib": round(peak / 2**20),
            "peak_pss_mib": round(peak_pss / 2**20),
            "steps_s": summary.get("steps", {}),
            "nodes": summary["papers_in_graph"] + sum(summary["entities"].values()),
            "edges": sum(summary["edges"].values()),
            "files_mib": {name: round(_size(out / name) / 2**20) for name in summary["files"]}}


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else (
        path.stat().st_size if path.exists() else 0)


def print_row(row: dict) -> None:
    print(f"  N={row['n']:>8}  {row['total_s']:>7.1f} s  {row['total_s'] / row['n'] * 1000:>6.2f} "
          f"ms/paper  peak RSS {row['peak_rss_mib']:>6} MiB, PSS {row.get('peak_pss_mib', '?'):>6} MiB  "
          f"({row['nodes']} nodes, "
          f"{row['edges']} edges)", flush=True)
    print(f"  N={row['n']:>8}  steps (s): "
          + ", ".join(f"{k} {v}" for k, v in row["steps_s"].items()), flush=True)


def write_corpus(n: int, path: Path, real: bool) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(n), "-o", str(path),
                    *(["--real"] if real else [])], check=True, capture_output=True)


def end_to_end(n: int, folder: Path, processes: int, real: bool = False, update_n: int = 0) -> dict:
    """One measured `kg build` of N papers; with `update_n`, then one measured `kg build
    --update` of the next `update_n` papers of the same corpus onto it (same exports)."""
    corpus, out = folder / f"corpus-{n}.jsonl", folder / f"out-{n}"
    write_corpus(n + update_n, corpus, real)
    new = folder / f"new-{update_n}.jsonl"
    if update_n:
        lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
        corpus.write_text("".join(lines[:n]), encoding="utf-8")
        new.write_text("".join(lines[n:]), encoding="utf-8")
        del lines
    row = {**measure_build([*KG, "build", str(corpus), "-o", str(out), "-p", str(processes)], out, n),
           "processes": processes, "text": "real" if real else "synthetic"}
    print(f"end to end ({row['text']} text)", flush=True)
    print_row(row)
    if update_n:
        update = measure_build([*KG, "build", "--update", str(out), str(new), "-p", str(processes)],
                               out, n + update_n)
        row["update"] = {"papers": update_n, **update,
                         "ratio_to_build": round(update["total_s"] / row["total_s"], 3)}
        print(f"update of {update_n} papers onto it: {update['total_s']:.1f} s, "
              f"{row['update']['ratio_to_build']:.2f} of the build, peak RSS "
              f"{update['peak_rss_mib']} MiB; steps (s): "
              + ", ".join(f"{k} {v}" for k, v in update["steps_s"].items()), flush=True)
    shutil.rmtree(out, ignore_errors=True)
    return row


def throughput(n: int, folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from kg.api import input_papers
    from kg.engine.dask_cluster import LoadPipeline, close_client, dask_extract_batches, open_client
    from kg.extract.pipeline import batched, extract_batches, load_pipeline

    corpus = folder / f"corpus-{n}.jsonl"
    write_corpus(n, corpus, real=False)
    papers = list(input_papers([corpus]))
    load_pipeline()  # loading is not part of throughput; forked workers inherit it
    rates = {}
    # 2 processes first: workers forked after the 1-process run would inherit its warm caches
    # (tokenizer, name keys) for these very texts and look faster than they are
    for processes in (2, 1):
        started = time.perf_counter()
        count = sum(len(r) for _, r in extract_batches(batched(papers, 64), processes))
        rates[f"local_{processes}"] = count / (time.perf_counter() - started)
        print(f"throughput  local engine, {processes} process(es): {rates[f'local_{processes}']:.0f} "
              f"abstracts/s ({count} abstracts)", flush=True)
    started = time.perf_counter()
    client = open_client(None, 2)
    client.register_plugin(LoadPipeline())
    startup = time.perf_counter() - started
    try:
        started = time.perf_counter()
        count = sum(len(r) for _, r in dask_extract_batches(batched(papers, 64), client=client))
        rates["dask_local_cluster_2"] = count / (time.perf_counter() - started)
    finally:
        close_client(client)
    print(f"throughput  dask LocalCluster, 2 workers: {rates['dask_local_cluster_2']:.0f} abstracts/s "
          f"({count} abstracts; cluster start and pipeline load {startup:.1f} s, not counted)", flush=True)
    return {"n": n, **{k: round(v, 1) for k, v in rates.items()}, "dask_startup_s": round(startup, 1)}


def after_extraction(n: int, source: Path, folder: Path, authors: int) -> dict:
    """The post-extraction path on `n` replicated records: wall time and peak RSS."""
    out = folder / f"replicated-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "replicate_extractions.py"), str(source),
                    str(n), "-o", str(out / "extractions.jsonl"), "--authors", str(authors)],
                   check=True, capture_output=True)
    write_marker(out, ["extractions.jsonl"])  # a folder kg owns: --update refuses any other
    row = measure_build([*KG, "build", "--update", str(out)], out, n)
    print("after extraction", flush=True)
    print_row(row)
    shutil.rmtree(out, ignore_errors=True)
    return row


def growth_table(rows: list[dict], what: str = "") -> None:
    print(f"{'N':>9} {'total s':>8} {'ms/paper':>9} {'peak MiB':>9} {'nodes':>9} {'edges':>10}")
    for r in rows:
        print(f"{r['n']:>9} {r['total_s']:>8.1f} {r['total_s'] / r['n'] * 1000:>9.2f} "
              f"{r['peak_rss_mib']:>9} {r['nodes']:>9} {r['edges']:>10}")
    print_projection(rows, what)


def print_projection(rows: list[dict], what: str = "", rates: dict | None = None) -> None:
    """Linear fits of time and peak RSS against N, projected to 100k and 1M."""
    if len(rows) < 2:
        return
    per_paper, base = fit([r["n"] for r in rows], [r["total_s"] for r in rows])
    rss_per_paper, rss_base = fit([r["n"] for r in rows], [r["peak_rss_mib"] for r in rows])
    for target in (100_000, 1_000_000):
        print(f"linear fit  N={target:>9}: {what}~{(base + per_paper * target) / 60:.1f} min, "
              f"~{(rss_base + rss_per_paper * target) / 1024:.2f} GiB peak RSS (marginal "
              f"{per_paper * 1000:.2f} ms and {rss_per_paper * 1024:.1f} KiB per paper)"
              + (f"; extraction alone at {rates['local_2']:.0f}/s: "
                 f"~{target / rates['local_2'] / 60:.0f} min" if rates else ""))


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line through the points."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
             / sum((x - mean_x) ** 2 for x in xs))
    return slope, mean_y - slope * mean_x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--throughput-n", type=int, default=1000, help="0: skip throughput")
    parser.add_argument("-p", "--processes", type=int, default=2)
    parser.add_argument("--replicated", type=Path, metavar="EXTRACTIONS",
                        help="measure after extraction only, on copies of these records")
    parser.add_argument("--authors", type=int, default=0,
                        help="with --replicated: authors per copy (from a pool of N/2 names)")
    parser.add_argument("--folder", type=Path, help="where to work (default: a temporary folder)")
    parser.add_argument("--real", action="store_true",
                        help="real paper records (data/corpus, replicated beyond 50,904: "
                             "scripts/make_corpus.py --real), not synthetic abstracts")
    parser.add_argument("--update-n", type=int, default=0, metavar="K",
                        help="after each end-to-end build, time `kg build --update` of K more papers")
    args = parser.parse_args()
    if args.replicated:
        if not args.replicated.is_file():
            raise SystemExit(f"bench_scale: {args.replicated} not found")
        with tempfile.TemporaryDirectory(prefix="kg-bench-scale-", dir=args.folder) as tmp:
            rows = [after_extraction(n, args.replicated, Path(tmp), args.authors) for n in args.sizes]
        growth_table(rows, "after extraction ")
        print(json.dumps({"after_extraction": rows}))
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-scale-", dir=args.folder) as tmp:
        folder = Path(tmp)
        rows = [end_to_end(n, folder, args.processes, args.real, args.update_n) for n in args.sizes]
        rates = throughput(args.throughput_n, folder) if args.throughput_n else {}
    growth_table(rows)
    print_projection(rows, rates=rates)
    print(json.dumps({"end_to_end": rows, "throughput": rates}))


if __name__ == "__main__":
    main()
