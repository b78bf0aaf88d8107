#!/usr/bin/env python3
"""Time an update's Ladybug step with this version's code and with a git revision's
`kg/export/delta.py`, on the same previous store and the same delta, and compare the stores.

Runs `kg build --update BUILD NEW.jsonl -p 2` (the build is updated, as the command would), and
where the update changes the Ladybug store by delta, writes that change twice: with the
revision's `write_ladybug_by_delta` into a scratch store beside the new one, and with this
version's into the new one; prints both times (the order is `--order`), then whether the two
stores hold the same node and relationship counts per label and the same relationships
(properties included) of up to 400 of the changed and new papers.

    OMP_NUM_THREADS=1 .venv/bin/python scripts/bench_ladybug_delta.py BUILD NEW.jsonl --baseline-rev 980924a
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def revision_module(revision: str):
    source = subprocess.check_output(["git", "show", f"{revision}:kg/export/delta.py"], cwd=ROOT)
    path = Path(tempfile.mkdtemp()) / "baseline_delta.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("baseline_delta", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def rows(path: Path, query: str, parameters: dict | None = None) -> list:
    import ladybug

    database = ladybug.Database(str(path), read_only=True, buffer_pool_size=1 << 30)
    connection = ladybug.Connection(database)
    try:
        result = connection.execute(query, parameters or {})
        found = []
        while result.has_next():
            found.append(result.get_next())
        return found
    finally:
        connection.close()
        database.close()


def compare(new: Path, old: Path, papers: list[str]) -> None:
    from kg.query.cypher import EDGE_COLUMNS, RELATIONS

    for query in ("MATCH (n) RETURN label(n), count(*) ORDER BY label(n)",
                  "MATCH ()-[r]->() RETURN label(r), count(*) ORDER BY label(r)"):
        print(f"{'same' if rows(new, query) == rows(old, query) else 'DIFFERENT'}: {query}")
    columns = ", ".join(f"r.`{name}`" for name in EDGE_COLUMNS)
    for relation in sorted({relation for relation, source, _ in RELATIONS if source == "Paper"}):
        query = f"MATCH (p:Paper)-[r:{relation}]->(e) WHERE p.id IN $ids RETURN p.id, e.id, {columns}"
        a, b = (sorted(map(repr, rows(path, query, {"ids": papers}))) for path in (new, old))
        print(f"{'same' if a == b else 'DIFFERENT'}: {relation} of those papers ({len(a)} relationships)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--baseline-rev", required=True)
    parser.add_argument("--order", choices=("baseline-first", "new-first"), default="baseline-first")
    args = parser.parse_args()

    import kg
    import kg.export.delta
    import kg.export.outputs

    baseline = revision_module(args.baseline_rev)
    current = kg.export.delta.write_ladybug_by_delta

    def both(previous, target, delta, type_of, earlier=None):
        scratch = Path(f"{target}.baseline")
        runs = [(args.baseline_rev, lambda: baseline.write_ladybug_by_delta(previous, scratch, delta, type_of)),
                ("this version", lambda: current(previous, target, delta, type_of, earlier))]
        if args.order == "new-first":
            runs.reverse()
        for name, run in runs:
            started = time.perf_counter()
            run()
            print(f"Ladybug delta, {name}: {time.perf_counter() - started:.2f} s")
        print(f"earlier papers walked again: {len(earlier or {})}")
        papers = sorted(earlier or {})[:300] + sorted(u for u in delta.changed if u.startswith("paper/"))[:100]
        compare(Path(target), scratch, papers)
        scratch.unlink()

    kg.export.outputs.write_ladybug_by_delta = both
    built = kg.build([args.new], out=args.build, update=True, processes=2)
    print(f"update: {built.summary.seconds} s (both Ladybug steps included)")


if __name__ == "__main__":
    main()
