#!/usr/bin/env python
"""The long fault cases of issue 20, run against the installed `kg`, printed as a table.

A build of P papers is rebuilt over a smaller previous build (15% of P) and killed with
SIGKILL at K random moments of the rebuild (uniform over the time a clean rebuild takes).
After each kill, every reader of the folder (kg sparql, cypher, stats, html, export,
entities, and the files) must answer for one complete build, the previous or the new one,
and the same command run again must give the clean build's counts. Then: SIGINT and SIGTERM
(exit 130/143, the previous build whole), two builds racing into one folder, and what the
killed builds left behind (nothing, after the reruns).

    .venv/bin/python scripts/fault_audit.py --papers 2000 --kills 5
    .venv/bin/python scripts/fault_audit.py --papers 20000 --kills 20 --processes 2

The corpus comes from scripts/make_corpus.py (the shared SciREX/SciERC abstracts, shuffled
and retitled); --work keeps the folders (default: a temporary folder, removed at the end).
Every run uses a copy of the `kg` package taken at the start, so the builds compared are made
by one version even while the working tree changes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
KG = [str(PYTHON), "-m", "kg"]
PAPERS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }"
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
ENV.pop("NEO4J_URI", None)


def kg(*args, **options) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, env=ENV,
                          **options)


def answers(out: Path, scratch: Path) -> dict:
    """What each reader says the folder holds: papers by every reader, and nodes."""
    scratch.mkdir(parents=True, exist_ok=True)
    found: dict = {}

    def ask(name, args, read):
        done = kg(*args)
        found[name] = read(done) if done.returncode == 0 else f"exit {done.returncode}"

    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").is_file() \
        else {}
    found["summary"] = summary.get("papers_in_graph", "missing")
    found["extractions"] = sum(1 for _ in open(out / "extractions.jsonl", "rb")) \
        if (out / "extractions.jsonl").is_file() else "missing"
    ask("sparql", ["sparql", out, PAPERS, "--format", "csv"], lambda d: int(d.stdout.split()[1]))
    ask("cypher", ["cypher", out, "MATCH (p:Paper) RETURN count(p) AS n", "--format", "csv"],
        lambda d: int(d.stdout.split()[1]))
    ask("stats", ["stats", out, "--json"], lambda d: json.loads(d.stdout)["nodes"]["Paper"])
    ask("export", ["export", out, "--format", "nt", "-o", scratch / "g.nt"],
        lambda d: (scratch / "g.nt").read_text().count("<https://w3id.org/kg/ontology#Paper>"))
    ask("html nodes", ["html", out, "-o", scratch / "p.html"],
        lambda d: int(d.stderr.split(" nodes")[0]))
    ask("entities", ["entities", out, "--format", "json"], lambda d: len(json.loads(d.stdout)))
    ask("stats nodes", ["stats", out, "--json"],
        lambda d: sum(json.loads(d.stdout)["nodes"].values()))
    found["nodes (summary)"] = summary.get("papers_in_graph", 0) + sum(
        summary.get("entities", {}).values()) if summary else "missing"
    return found


def one_build(found: dict) -> int | None:
    """The paper count every reader agrees on, or None where they disagree."""
    papers = {found[k] for k in ("summary", "extractions", "sparql", "cypher", "stats", "export")}
    if found["stats nodes"] != found["nodes (summary)"]:  # entities of another build
        return None
    return papers.pop() if len(papers) == 1 and isinstance(next(iter(papers)), int) else None


def leftovers(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if ".kg-build-" in p.name or "kg-tmp-" in p.name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=20_000, help="papers of the rebuild")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs at random moments")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="keep the folders here")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    work = (options.work or Path(tempfile.mkdtemp(prefix="kg-fault-audit."))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "kg", work / "snapshot" / "kg", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    ENV["PYTHONPATH"] = str(work / "snapshot")
    os.chdir(work)  # `python -m` puts the current folder first on sys.path: not the tree's kg
    rows: list[tuple[str, str, str, bool]] = []

    def row(case, expected, observed, ok) -> None:
        rows.append((case, expected, observed, ok))
        print(f"{'pass' if ok else 'FAIL'}  {case}: {observed}", file=sys.stderr, flush=True)

    corpus = work / "corpus.jsonl"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(options.papers),
                    "-o", str(corpus), "--seed", str(options.seed)], check=True,
                   capture_output=True)
    lines = corpus.read_text().splitlines(keepends=True)
    previous_listing = work / "previous.jsonl"
    previous_listing.write_text("".join(lines[: max(10, len(lines) * 15 // 100)]))
    new, old = options.papers, max(10, options.papers * 15 // 100)
    build = ["build", corpus, "-p", options.processes]

    previous = work / "previous"
    assert kg("build", previous_listing, "-o", previous, "-p", options.processes).returncode == 0
    started = time.monotonic()
    clean = work / "clean"
    done = kg(*build, "-o", clean)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    clean_found = answers(clean, work / "scratch")
    row("clean rebuild", f"{new} papers, readers agree", f"{one_build(clean_found)} papers, "
        f"{seconds:.0f} s", one_build(clean_found) == new)

    for number in range(1, options.kills + 1):
        victim = work / f"killed-{number}"
        shutil.copytree(previous, victim)
        at = rng.uniform(0.02, 1.05) * seconds
        process = subprocess.Popen([*KG, *map(str, build), "-o", str(victim)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        try:
            process.wait(timeout=at)
            when = f"finished before {at:.1f} s"
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            when = f"at {at:.1f} s"
        time.sleep(1)  # a writer outliving its build would act now
        found = answers(victim, work / "scratch")
        papers = one_build(found)
        row(f"kill -9 #{number} {when}: readers", f"all {old} or all {new}",
            "all " + str(papers) if papers else json.dumps(found), papers in (old, new))
        done = kg(*build, "-o", victim)
        again = answers(victim, work / "scratch")
        nodes = clean_found["nodes (summary)"]
        row(f"kill -9 #{number}: rerun", f"exit 0, all readers {new} papers, {nodes} nodes "
            f"(clean)", f"exit {done.returncode}, {one_build(again) or json.dumps(again)} papers, "
            f"{again['nodes (summary)']} nodes", done.returncode == 0 and one_build(again) == new
            and again["nodes (summary)"] == nodes)

    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        victim = work / f"signal-{sig.name}"
        shutil.copytree(previous, victim)
        process = subprocess.Popen([*KG, *map(str, build), "-o", str(victim)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   env=ENV)
        deadline = time.monotonic() + seconds
        while not list(victim.glob(".work/batch-*")) and time.monotonic() < deadline:
            time.sleep(0.05)  # during extraction: a batch finished, the rest to do
        process.send_signal(sig)
        error = process.communicate()[1].strip()
        papers = one_build(answers(victim, work / "scratch"))
        row(f"{sig.name} during the rebuild", f"exit {code}, one line, {old} papers",
            f"exit {process.returncode}, {len(error.splitlines())} line(s), {papers} papers",
            process.returncode == code and len(error.splitlines()) == 1 and papers == old)

    race = work / "race"
    racers = [subprocess.Popen([*KG, "build", str(previous_listing), "-o", str(race)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=ENV) for _ in range(2)]
    codes = [p.wait() for p in racers]
    papers = one_build(answers(race, work / "scratch"))
    row("2 builds racing into one folder", f"exit 0 0, {old} papers",
        f"exit {' '.join(map(str, codes))}, {papers} papers", codes == [0, 0] and papers == old)

    left = leftovers(work)
    row("temporary folders left after the reruns", "none", f"{len(left)}", not left)

    width = max(len(r[0]) for r in rows)
    print(f"\nfault audit: {new} papers rebuilt over {old}, {options.kills} kills, seed "
          f"{options.seed}, kg copied from {ROOT / 'kg'}\n")
    print(f"{'case'.ljust(width)} | expected | observed | pass")
    for case, expected, observed, ok in rows:
        print(f"{case.ljust(width)} | {expected} | {observed} | {'yes' if ok else 'NO'}")
    print(f"\n{sum(r[3] for r in rows)} of {len(rows)} cases pass")
    if options.work is None:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if all(r[3] for r in rows) else 1)


if __name__ == "__main__":
    main()
