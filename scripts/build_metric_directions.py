"""Write kg/views/data/metric-directions.csv: the metric names of the Papers with Code archive
(CC BY-SA 4.0) with the direction in which each is better and the evidence for it.

Evidence, strongest first:
- the order of a leaderboard's rows: the archive's NLP-progress and reddit-SOTA leaderboards
  list the best row first by the table's first metric, so a first metric whose values rise
  down at least 80% of at least 4 steps of rows (over all its tables) is lower-is-better, one
  whose values fall is higher-is-better (the other columns follow no order);
- the name rule of `kg.views.metrics.direction_by_name` (error, loss, perplexity, latency,
  time, size, FID, WER, ...), for the other names.

Kept: every leaderboard metric and every "SOTA Metrics" name of the task files used by at
least two tasks.

    .venv/bin/python scripts/build_metric_directions.py [--archive /work/shared/data/pwc-archive]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from kg.io import atomic_path
from kg.views.metrics import CATALOGUE, direction_by_name, metric_key

ORDERED_LEADERBOARDS = ("nlp-progress.json", "nlpprogress.json", "redditsota.json")
NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?)")


def _number(text) -> float | None:
    match = NUMBER.match(str(text).replace(",", ""))
    return float(match.group(1)) if match else None


def leaderboard_tables(node) -> list[tuple[str, list[dict]]]:
    """(metric list, rows) of every dataset table under a leaderboard's tasks and subtasks."""
    tables = []
    for task in node if isinstance(node, list) else [node]:
        for dataset in task.get("datasets", []):
            sota = dataset.get("sota") or {}
            tables.append((sota.get("metrics") or [], sota.get("rows") or []))
        tables.extend(leaderboard_tables(task.get("subtasks") or []))
    return tables


def order_evidence(archive: Path) -> tuple[dict[str, str], dict[str, str]]:
    """metric key → direction from row order, and metric key → a name as written."""
    steps: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, str] = {}
    for path in sorted((archive / "leaderboards").glob("*.json")):
        for metrics, rows in leaderboard_tables(json.loads(path.read_text(encoding="utf-8"))):
            for position, metric in enumerate(metrics):
                names.setdefault(metric_key(metric), metric)
                if path.name not in ORDERED_LEADERBOARDS or position > 0:
                    continue
                values = [v for v in (_number(r.get("metrics", {}).get(metric, "")) for r in rows)
                          if v is not None]
                for before, after in zip(values, values[1:]):
                    if after != before:
                        steps[metric_key(metric)]["up" if after > before else "down"] += 1
    decided = {}
    for key, count in steps.items():
        total = count["up"] + count["down"]
        if total >= 4 and max(count.values()) >= 0.8 * total:
            up = count["up"] > count["down"]
            decided[key] = ("lower" if up else "higher",
                            f"leaderboard order ({count['up' if up else 'down']} of {total} steps)")
    return decided, names


def task_metric_names(archive: Path, min_tasks: int = 2) -> dict[str, str]:
    used: Counter = Counter()
    names: dict[str, str] = {}
    for path in sorted(archive.glob("*_tasks_detailed.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for name in (row.get("SOTA Metrics") or "").split(";"):
                    name = name.strip()
                    if name and name != "N/A" and metric_key(name):
                        used[metric_key(name)] += 1
                        names.setdefault(metric_key(name), name)
    return {key: names[key] for key, count in used.items() if count >= min_tasks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=Path("/work/shared/data/pwc-archive"))
    args = parser.parse_args()
    by_order, leaderboard_names = order_evidence(args.archive)
    names = {**task_metric_names(args.archive), **leaderboard_names}
    rows = []
    for key, name in sorted(names.items()):
        if key in by_order:
            direction, evidence = by_order[key]
        else:
            direction, evidence = direction_by_name(name)
        rows.append({"metric": name, "direction": direction, "evidence": evidence})
    with atomic_path(CATALOGUE) as temp, open(temp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["metric", "direction", "evidence"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    lower = sum(r["direction"] == "lower" for r in rows)
    print(f"{len(rows)} metric names ({lower} lower-is-better, {len(by_order)} from leaderboard "
          f"order) -> {CATALOGUE}")


if __name__ == "__main__":
    main()
