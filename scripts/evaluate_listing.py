#!/usr/bin/env python
"""Paper-level entity sets of the example listing against its gold set
(tests/extract/gold/hf-daily-papers.yaml; how it was annotated: GUIDELINES.md beside it).

Builds examples/hf-daily-papers.txt into a temporary folder (or reads the `extractions.jsonl` of
a build already made, of this release or an older one) and scores each paper's entities (without
those flagged generic, as the graph makes nodes) by normalised name or alias: type-aware,
type-agnostic and with roles; precision, recall and F1 with 95% bootstrap intervals over papers.

    .venv/bin/python scripts/evaluate_listing.py [--extractions OUT/extractions.jsonl] [--json]
        [--details] [--include-generic]

The previous release: `cd OLD && PYTHONPATH=. python -m kg build examples/hf-daily-papers.txt
-o OLDOUT`, then `--extractions OLDOUT/extractions.jsonl` here.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from kg.evaluate import LABELS, read_jsonl, read_listing_gold, score_listing

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "extract" / "gold" / "hf-daily-papers.yaml"
EXAMPLE = ROOT / "examples" / "hf-daily-papers.txt"


def build_extractions(listing: Path) -> list[dict]:
    import kg

    with tempfile.TemporaryDirectory(prefix="kg-listing-") as folder:
        build = kg.build([listing], out=Path(folder) / "out")
        return read_jsonl(build.out / "extractions.jsonl")


def print_report(report: dict) -> None:
    print(f"{report['documents']} papers; 95% bootstrap intervals over papers "
          f"({report['bootstrap']['resamples']} resamples)")
    print(f"  {'match':8} {'label':8} {'P':>6} {'R':>6} {'F1':>6} {'F1 CI':>15}"
          f" {'tp':>4} {'fp':>4} {'fn':>4}")
    for kind in ("typed", "untyped", "role"):
        rows = [*(label for label in LABELS if label in report[kind]), "micro"]
        for label in rows if kind != "untyped" else ["micro"]:
            r = report[kind][label]
            low, high = r["ci"]["f1"]
            print(f"  {kind:8} {label:8} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
                  f"   [{low:.3f}, {high:.3f}] {r['tp']:4} {r['fp']:4} {r['fn']:4}")
    if report["papers_without_extraction"]:
        print(f"  papers without extraction: {len(report['papers_without_extraction'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--listing", type=Path, default=EXAMPLE)
    parser.add_argument("--extractions", type=Path,
                        help="a build's extractions.jsonl (default: build the listing now)")
    parser.add_argument("--include-generic", action="store_true",
                        help="count entities flagged generic too (as a --keep-generic build)")
    parser.add_argument("--details", action="store_true",
                        help="list each paper's unmatched predictions and missed gold entities")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    for path in (args.gold, args.extractions or args.listing):
        if not path.is_file():
            sys.exit(f"file not found: {path}")
    try:
        gold = read_listing_gold(args.gold)
        extractions = (read_jsonl(args.extractions) if args.extractions
                       else build_extractions(args.listing))
    except ValueError as error:
        sys.exit(str(error))
    result = score_listing(gold, extractions, include_generic=args.include_generic)
    report = result.to_dict()
    if args.details:
        report["details"] = result.details
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return
    print_report(report)
    if args.details:
        for title, detail in result.details.items():
            print(f"\n{title}\n  false positives: {', '.join(detail['false_positives']) or '-'}"
                  f"\n  missed: {', '.join(detail['false_negatives']) or '-'}")


if __name__ == "__main__":
    main()
