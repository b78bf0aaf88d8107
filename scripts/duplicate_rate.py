#!/usr/bin/env python3
"""Duplicate rate of the linked entities on the shared SciREX and SciERC abstracts.

Extracts every abstract, links the entities across papers, and reports the share of entities
whose normalised name equals an alias of another entity (a duplicate left unmerged), next to
the same figure without cross-paper linking (one node per paper-level name key and type).

    .venv/bin/python scripts/duplicate_rate.py            # all 626 abstracts
    .venv/bin/python scripts/duplicate_rate.py --limit 100 --json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
INPUTS = [DATA / "scirex" / "abstracts.jsonl", *sorted((DATA / "scierc").glob("*.jsonl"))]


def read_abstracts(paths: list[Path], limit: int | None) -> list[dict]:
    """`{id, title, text}` rows; SciERC has no titles, so its first sentence stands in."""
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = " ".join(row["text"].split())
            title = row.get("title") or re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0][:200]
            rows.append({"id": f"{path.parent.name}:{row['id']}", "title": title, "abstract": text})
    return rows[:limit] if limit else rows


def duplicate_rate(entities: list[tuple[str, str, list[str]]]) -> tuple[float, list]:
    """entities: (id, name, aliases). Share whose name key is another entity's alias key."""
    from kg.names import name_key

    owners: dict[str, set[str]] = defaultdict(set)
    for entity_id, name, aliases in entities:
        for alias in [name, *aliases]:
            owners[name_key(alias)].add(entity_id)
    duplicates = [(entity_id, name) for entity_id, name, _ in entities
                  if owners[name_key(name)] - {entity_id}]
    return (len(duplicates) / len(entities) if entities else 0.0), duplicates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="Only the first N abstracts.")
    parser.add_argument("--processes", "-p", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()

    from kg.api import extract
    from kg.link.canonical import CanonicalIndex

    rows = read_abstracts(INPUTS, args.limit)
    started = time.perf_counter()
    extractions = list(extract(records=rows, processes=args.processes))
    extract_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index = CanonicalIndex(extractions)
    link_seconds = time.perf_counter() - started

    linked_rate, linked_dups = duplicate_rate([(e.id, e.name, e.aliases) for e in index])
    unlinked: dict[str, tuple[str, set[str]]] = {}
    for record in extractions:
        for entity in record["entities"]:
            name, aliases = unlinked.setdefault(entity["id"], (entity["name"], set()))
            aliases.update([entity["name"], *entity["aliases"]])
    unlinked_rate, _ = duplicate_rate([(i, n, sorted(a)) for i, (n, a) in unlinked.items()])

    from collections import Counter

    from kg.link.suspects import find_suspects

    started = time.perf_counter()
    suspects = Counter(s["kind"] for s in find_suspects(index))
    suspect_seconds = time.perf_counter() - started
    figures = {
        "abstracts": len(rows), "papers": len(extractions),
        "paper_level_entities": sum(len(r["entities"]) for r in extractions),
        "entities_without_linking": len(unlinked), "duplicate_rate_without_linking": round(unlinked_rate, 4),
        "entities": len(index), "duplicate_rate": round(linked_rate, 4),
        "merges": len(index.applied), "refused_merges": len(index.refused),
        "ambiguous_abbreviations": len(index.ambiguous),
        "suspects": dict(sorted(suspects.items())),
        "extract_seconds": round(extract_seconds, 1), "link_seconds": round(link_seconds, 2),
        "suspect_seconds": round(suspect_seconds, 2),
        "examples": [name for _, name in linked_dups[:15]],
    }
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    for key, value in figures.items():
        print(f"{key:34} {value}")


if __name__ == "__main__":
    main()
