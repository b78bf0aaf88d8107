"""Benchmark: nodes/s and relationships/s for loading a big graph into Neo4j over Bolt
(`kg neo4j load`) and for `neo4j-admin database import full` of the same graph as CSV
(`kg export --format neo4j-csv`).

The graph is the example listing's graph with its papers (and their results) repeated under
new ids until it has at least --relationships relationships; entities and repositories are
shared, as they would be across many papers. The benchmark runs its own server (a separate
KG_NEO4J_HOME reusing the cached jars, ports 27687/27474, heap --heap, page cache
--pagecache), starting from an empty database, and stops it at the end.

    .venv/bin/python scripts/bench_neo4j.py --relationships 1000000
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.export.neo4j_bolt import Neo4jSettings, connect, count_graph, load_rows  # noqa: E402
from kg.export.neo4j_files import node_rows, relationship_rows, write_neo4j_csv_rows  # noqa: E402

SCRIPT = ROOT / "scripts" / "neo4j-server"
COPIED = ("Paper", "Result")  # node types repeated under new ids; the rest are shared


def repeated_rows(graph, relationships: int):
    """node_rows / relationship_rows of the graph repeated until it has `relationships`."""
    nodes, edges = node_rows(graph), relationship_rows(graph)
    per_copy = sum(map(len, edges.values()))
    copies = -(-relationships // per_copy)

    def renamed(node_id: str, copy: int) -> str:
        return f"{node_id}#{copy}" if node_id.split("/", 1)[0] in ("paper", "result") else node_id

    big_nodes = {label: (rows if label not in COPIED else
                         [{**row, "id": renamed(row["id"], c)} for c in range(copies) for row in rows])
                 for label, rows in nodes.items()}
    big_edges = {key: [{"s": renamed(row["s"], c), "t": renamed(row["t"], c), "p": row["p"]}
                       for c in range(copies) for row in rows] for key, rows in edges.items()}
    return big_nodes, big_edges, copies


def server(command: str, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(SCRIPT), *command.split()], env=env, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"scripts/neo4j-server {command} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--build", default=None, help="A build folder (default: build the example).")
    parser.add_argument("--keep", action="store_true", help="Keep the server home and CSVs.")
    args = parser.parse_args()

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
    print(f"graph: the example ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} "
          f"relationships) x {copies} copies = {node_count:,} nodes, {relationship_count:,} "
          f"relationships (rows made in {time.perf_counter() - started:.1f} s)")

    lib = Path(os.environ.get("KG_NEO4J_HOME", Path.home() / ".cache/kg/neo4j-5.26")) / "lib"
    home = work / "neo4j-home"
    home.mkdir()
    (home / "lib").symlink_to(lib)
    env = {**os.environ, "KG_NEO4J_HOME": str(home), "NEO4J_BOLT_PORT": "27687",
           "NEO4J_HTTP_PORT": "27474", "NEO4J_PASSWORD": "bench-password",
           "KG_NEO4J_HEAP": args.heap, "KG_NEO4J_PAGECACHE": args.pagecache,
           "KG_NEO4J_ADMIN_HEAP": args.heap,
           "KG_NEO4J_JAVA_OPTS": "",  # the full JIT: slower start, faster heavy work
           }
    settings = Neo4jSettings("bolt://127.0.0.1:27687", "neo4j", "bench-password")
    try:
        server("start", env)
        with connect(settings) as driver:
            result = load_rows(driver, settings, nodes, relationships, batch_size=args.batch_size)
            assert count_graph(driver, settings) == {"nodes": node_count,
                                                     "relationships": relationship_count}
            started = time.perf_counter()
            again = load_rows(driver, settings, nodes, relationships, batch_size=args.batch_size)
            reload_seconds = time.perf_counter() - started
            assert {k: again[k] for k in ("nodes", "relationships")} == {
                "nodes": node_count, "relationships": relationship_count}
        server("stop", env)

        started = time.perf_counter()
        write_neo4j_csv_rows(nodes, relationships, work / "csv")
        csv_seconds = time.perf_counter() - started
        started = time.perf_counter()
        imported = server(f"admin database import full neo4j --overwrite-destination "
                          f"--report-file={work / 'import.report'} @{work / 'csv' / 'import.args'}",
                          env)
        import_seconds = time.perf_counter() - started
        text = imported.stdout + imported.stderr
        found = {kind: int(n) for n, kind in re.findall(r"(\d+) (nodes|relationships)\b", text)}
        assert found == {"nodes": node_count, "relationships": relationship_count}, found
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=300)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    cores = os.cpu_count()
    load = os.getloadavg()[0]
    print(f"machine: {cores} CPU cores, load average {load:.1f}; server heap {args.heap}, "
          f"page cache {args.pagecache}; batches of {args.batch_size:,} rows")
    print(f"{'':44} {'seconds':>8} {'nodes/s':>10} {'relationships/s':>16}")
    print(f"{'Bolt load, empty database (UNWIND … MERGE)':44} "
          f"{result['node_seconds'] + result['relationship_seconds']:8.1f} "
          f"{node_count / result['node_seconds']:10,.0f} "
          f"{relationship_count / result['relationship_seconds']:16,.0f}")
    print(f"{'Bolt load again (all MERGEs match)':44} {reload_seconds:8.1f} "
          f"{node_count / again['node_seconds']:10,.0f} "
          f"{relationship_count / again['relationship_seconds']:16,.0f}")
    print(f"{'CSV export (kg export --format neo4j-csv)':44} {csv_seconds:8.1f} "
          f"{node_count / csv_seconds:10,.0f} {relationship_count / csv_seconds:16,.0f}")
    print(f"{'neo4j-admin database import full (JVM incl.)':44} {import_seconds:8.1f} "
          f"{node_count / import_seconds:10,.0f} {relationship_count / import_seconds:16,.0f}")
    print(f"goal >= 50,000 relationships/s over Bolt: "
          f"{'met' if relationship_count / result['relationship_seconds'] >= 50_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
