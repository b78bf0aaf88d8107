"""Benchmark: relationships/s for loading a big graph into Neo4j over Bolt (`kg neo4j load`:
into an empty database, and again), and records/s for `neo4j-admin database import full` of
the same graph as CSV (`kg neo4j load --bulk`), the import tool's JVM start measured apart.

The graph is a build's graph (--build: e.g. 5,000 real arXiv abstracts, see below; default
the example listing) with its papers and their results repeated under new ids until it has at
least --relationships relationships; entities, authors and repositories are shared, as when
the build's extractions are replicated (scripts/replicate_extractions.py) and built again,
so the text stays real. The benchmark runs its own server (a separate KG_NEO4J_HOME reusing
the cached jars, ports 27687/27474, heap --heap, page cache --pagecache) and stops it at the
end.

    zcat ../shared/data/corpus/arxiv-ml.jsonl.gz | awk 'NR % 6 == 0' | head -5000 > arxiv5k.jsonl
    .venv/bin/kg build arxiv5k.jsonl -o /tmp/real5k
    .venv/bin/python scripts/bench_neo4j.py --build /tmp/real5k --relationships 1000000 \
        [--baseline /work/baseline]

--baseline DIR also loads the same rows with the kg checked out in DIR (an earlier release),
in the same run, against the same server, for the figures before and after. --sweep measures
the Bolt load into an empty database for each TRANSACTIONSxBATCH (e.g. 1x10000 2x5000).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("KG_BENCH_OTHER_KG"):  # --baseline runs this file with another kg
    sys.path.insert(0, str(ROOT))

from kg.export.neo4j_bolt import (  # noqa: E402
    Neo4jSettings,
    clear_database,
    connect,
    count_graph,
    load_rows,
)
from kg.export.neo4j_files import node_rows, relationship_rows  # noqa: E402

SCRIPT = ROOT / "scripts" / "neo4j-server"
COPIED = ("Paper", "Result")  # node types repeated under new ids; the rest are shared
PORT, HTTP_PORT, PASSWORD = "27687", "27474", "bench-password"
SETTINGS = dict(uri=f"bolt://127.0.0.1:{PORT}", user="neo4j", password=PASSWORD)


def repeated_rows(graph, relationships: int):
    """node_rows / relationship_rows of the graph repeated until it has `relationships`."""
    nodes, edges = node_rows(graph), relationship_rows(graph)
    per_copy = sum(map(len, edges.values()))
    copies = -(-relationships // per_copy)
    copied = {node for node, data in graph.nodes(data=True) if data["type"] in COPIED}

    def renamed(node_id: str, copy: int) -> str:
        return f"{node_id}#{copy}" if copy and node_id in copied else node_id

    big_nodes = {label: (rows if label not in COPIED else
                         [{**row, "id": renamed(row["id"], c)} for c in range(copies) for row in rows])
                 for label, rows in nodes.items()}
    big_edges = {key: [{"s": renamed(row["s"], c), "t": renamed(row["t"], c), "p": row["p"]}
                       for c in range(copies) for row in rows] for key, rows in edges.items()}
    return big_nodes, big_edges, copies


def relationship_keys(relationships: dict) -> dict:
    """Each group's property keys, as SpilledRows.relationship_keys gives them to load_graph."""
    keys = {}
    for group, rows in relationships.items():
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(row["p"]))
        keys[group] = list(seen)
    return keys


def bolt_loads(nodes, relationships, transactions: int, batch_size: int) -> dict:
    """Into an empty database, then again; with whatever kg is imported (this one or the
    baseline's: only the arguments its load_rows takes are given)."""
    settings = Neo4jSettings(**SETTINGS)
    accepted = inspect.signature(load_rows).parameters
    extra = {key: value for key, value in
             (("workers", transactions), ("relationship_keys", relationship_keys(relationships)))
             if key in accepted}
    clear_database(settings)
    with connect(settings) as driver:
        empty = load_rows(driver, settings, nodes, relationships, batch_size=batch_size, **extra)
        again = load_rows(driver, settings, nodes, relationships, batch_size=batch_size, **extra)
        prune = None
        try:
            from kg.export.neo4j_bolt import prune_stale
            ids = {label: [row["id"] for row in rows] for label, rows in nodes.items()}
            kept = sum(map(len, relationships.values()))
            if "relationships" in inspect.signature(prune_stale).parameters:
                started = time.perf_counter()
                prune_stale(driver, settings, ids, {}, batch_size, relationships=kept)
                prune = time.perf_counter() - started
        except ImportError:
            pass
        held = count_graph(driver, settings)
    return {"empty": empty, "again": again, "prune_check_seconds": prune, "held": held}


def warm_up(nodes, relationships, transactions: int, batch_size: int) -> None:
    """Bolt loads of a slice (a few thousand nodes and the relationships between them), so
    that the server's JIT (a fresh JVM) warms up before any load is measured."""
    warm = {label: rows[:30_000] for label, rows in nodes.items()}
    ids = {label: {row["id"] for row in rows} for label, rows in warm.items()}
    edges = {group: [row for row in rows[:60_000] if row["s"] in ids[group[1]]
                     and row["t"] in ids[group[2]]] for group, rows in relationships.items()}
    for _ in range(3):  # the sweep showed the first ~500k relationships of a fresh JVM slow
        bolt_loads(warm, edges, transactions, batch_size)


def server(command: str, env: dict, timeout: int = 900) -> subprocess.CompletedProcess:
    done = subprocess.run([str(SCRIPT), *command.split()], env=env, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"scripts/neo4j-server {command} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


def rate(count: int, seconds: float | None) -> str:
    return f"{count / seconds:,.0f}" if seconds else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--transactions", type=int, default=3, help="Bolt transactions in flight")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--build", default=None, help="A build folder (default: build the example).")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="Also load with the kg checked out in this folder.")
    parser.add_argument("--sweep", nargs="*", default=[], metavar="TxB",
                        help="Bolt loads into an empty database with T transactions of B rows.")
    parser.add_argument("--no-import", action="store_true", help="Skip neo4j-admin.")
    parser.add_argument("--keep", action="store_true", help="Keep the server home and CSVs.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    import pickle

    if args.child:  # --baseline: rows from the parent, Bolt loads with this process's kg
        nodes, relationships = pickle.load(sys.stdin.buffer)
        print(json.dumps(bolt_loads(nodes, relationships, args.transactions, args.batch_size)))
        return

    import kg

    work = Path(tempfile.mkdtemp(prefix="kg-bench-neo4j-"))
    if args.build:
        graph = kg.load(args.build).graph
    else:
        graph = kg.build([ROOT / "examples" / "hf-daily-papers.txt"], out=work / "example").graph
    started = time.perf_counter()
    nodes, relationships, copies = repeated_rows(graph, args.relationships)
    node_count = sum(map(len, nodes.values()))
    relationship_count = sum(map(len, relationships.values()))
    print(f"graph: {args.build or 'the example'} ({graph.number_of_nodes():,} nodes, "
          f"{graph.number_of_edges():,} relationships) x {copies} copies = {node_count:,} nodes, "
          f"{relationship_count:,} relationships (rows made in "
          f"{time.perf_counter() - started:.1f} s)", flush=True)
    del graph

    lib = Path(os.environ.get("KG_NEO4J_HOME", Path.home() / ".cache/kg/neo4j-5.26")) / "lib"
    home = work / "neo4j-home"
    home.mkdir()
    (home / "lib").symlink_to(lib)
    env = {**os.environ, "KG_NEO4J_HOME": str(home), "NEO4J_BOLT_PORT": PORT,
           "NEO4J_HTTP_PORT": HTTP_PORT, "NEO4J_PASSWORD": PASSWORD,
           "KG_NEO4J_HEAP": args.heap, "KG_NEO4J_PAGECACHE": args.pagecache,
           "KG_NEO4J_ADMIN_HEAP": args.heap,
           "KG_NEO4J_JAVA_OPTS": "",  # the full JIT: slower start, faster heavy work
           }
    rows = {"n": node_count, "r": relationship_count}
    results: dict[str, dict] = {}
    try:
        server("start", env)
        warm_up(nodes, relationships, args.transactions, args.batch_size)
        for spec in args.sweep:
            transactions, batch = map(int, spec.lower().split("x"))
            loads = bolt_loads(nodes, relationships, transactions, batch)
            print(f"sweep {transactions} transactions x {batch:,} rows: empty "
                  f"{rate(relationship_count, loads['empty']['relationship_seconds'])} rel/s, "
                  f"again {rate(relationship_count, loads['again']['relationship_seconds'])} "
                  f"rel/s", flush=True)
        if args.baseline:
            child = subprocess.run(
                [sys.executable, __file__, "--child", "--batch-size", str(args.batch_size)],
                input=pickle.dumps((nodes, relationships)), capture_output=True,
                cwd=args.baseline, timeout=7200,
                env={**os.environ, "PYTHONPATH": str(args.baseline), "KG_BENCH_OTHER_KG": "1"})
            if child.returncode != 0:
                sys.exit(f"baseline load failed:\n{child.stderr.decode()[-3000:]}")
            results["baseline"] = json.loads(child.stdout.decode().strip().splitlines()[-1])
            print(f"baseline ({args.baseline}) done", flush=True)
        results["now"] = bolt_loads(nodes, relationships, args.transactions, args.batch_size)
        for name, loads in results.items():
            assert loads["held"] == {"nodes": node_count, "relationships": relationship_count}
        print("Bolt loads done", flush=True)
        if not args.no_import:
            results["import"] = admin_import(nodes, relationships, work, env, rows)
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=300)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    report(args, results, node_count, relationship_count)


def admin_import(nodes, relationships, work: Path, env: dict, rows: dict) -> dict:
    """`kg neo4j load --bulk`'s path on CSVs written beforehand: the server stopped,
    neo4j-admin's import, the server started, the constraints created; and the import tool's
    JVM start alone (`neo4j-admin database import full --help`)."""
    from kg.export.neo4j_admin import bulk_load
    from kg.export.neo4j_files import write_neo4j_csv_rows

    started = time.perf_counter()
    write_neo4j_csv_rows(nodes, relationships, work / "csv")
    csv_seconds = time.perf_counter() - started
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # bulk_load runs scripts/neo4j-server with the bench's home
    try:
        counts = bulk_load(None, Neo4jSettings(**SETTINGS), csv_directory=work / "csv",
                           replace=True)
        started = time.perf_counter()
        server("admin database import full --help", env)
        jvm_seconds = time.perf_counter() - started
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert {k: counts[k] for k in ("nodes", "relationships")} == {
        "nodes": rows["n"], "relationships": rows["r"]}, counts
    return {**counts, "csv_seconds": csv_seconds, "jvm_seconds": jvm_seconds}


def report(args, results: dict, nodes: int, relationships: int) -> None:
    cores, load = os.cpu_count(), os.getloadavg()[0]
    print(f"\nmachine: {cores} CPU cores, load average {load:.1f}; server heap {args.heap}, "
          f"page cache {args.pagecache}; batches of {args.batch_size:,} rows; "
          f"{args.transactions} transactions in flight (this kg)")
    print(f"{nodes:,} nodes, {relationships:,} relationships")
    print(f"| {'':58} | seconds | nodes/s | relationships/s |")
    print(f"|{'-' * 60}|---|---|---|")
    for name, label in (("baseline", "previous release"), ("now", "this kg")):
        if name not in results:
            continue
        empty, again = results[name]["empty"], results[name]["again"]
        for what, loads in (("into an empty database", empty), ("again (all MERGEs match)", again)):
            print(f"| {f'Bolt load {what}, {label}':58} | "
                  f"{loads['node_seconds'] + loads['relationship_seconds']:7.1f} | "
                  f"{rate(nodes, loads['node_seconds']):>7} | "
                  f"{rate(relationships, loads['relationship_seconds']):>15} |")
        if results[name].get("prune_check_seconds") is not None:
            print(f"| {'reload: stale-graph check (count store)':58} | "
                  f"{results[name]['prune_check_seconds']:7.2f} | | |")
    if "import" in results:
        found = results["import"]
        records = nodes + relationships
        own, jvm = found["import_own_seconds"], found["jvm_seconds"]
        print(f"| CSV files from the rows in memory (write_neo4j_csv_rows) {'':2} | "
              f"{found['csv_seconds']:7.1f} | {rate(nodes, found['csv_seconds']):>7} | "
              f"{rate(relationships, found['csv_seconds']):>15} |")
        print(f"| neo4j-admin import, JVM start included {'':19} | {found['import_seconds']:7.1f} "
              f"| {rate(records, found['import_seconds'])} records/s |")
        print(f"| neo4j-admin import, its own IMPORT DONE time {'':13} | {own or 0:7.1f} "
              f"| {rate(records, own)} records/s |")
        print(f"| neo4j-admin JVM start alone (import --help) {'':14} | {jvm:7.1f} | | |")
        print(f"| server stop / start / constraints after the import {'':7} | "
              f"{found.get('stop_seconds', 0):.1f} / {found['start_seconds']:.1f} / "
              f"{found['constraint_seconds']:.1f} | | |")
    now = results.get("now")
    if now:
        empty_rate = relationships / now["empty"]["relationship_seconds"]
        again_rate = relationships / now["again"]["relationship_seconds"]
        print(f"goals: Bolt into an empty database >= 50,000 rel/s: {empty_rate:,.0f} "
              f"({'met' if empty_rate >= 50_000 else 'NOT met'}); reload >= 30,000 rel/s: "
              f"{again_rate:,.0f} ({'met' if again_rate >= 30_000 else 'NOT met'})")
    if "import" in results and results["import"]["import_own_seconds"]:
        own_rate = (nodes + relationships) / results["import"]["import_own_seconds"]
        print(f"goal: neo4j-admin import >= 500,000 records/s: {own_rate:,.0f} "
              f"({'met' if own_rate >= 500_000 else 'NOT met'})")


if __name__ == "__main__":
    main()
