#!/usr/bin/env python
"""Score the whole extraction pipeline (model + gazetteers + rules) on the held-out splits:
SciREX-dev (the fixed rule of scripts/train_ner.py: sha1(id) % 5 == 0) and SciERC test, and
with --tdmsci on the TDMSci train sentences (Task/Dataset/Metric). Every figure has a 95%
bootstrap interval (documents resampled 1,000 times, fixed seed).

    .venv/bin/python scripts/evaluate_extraction.py [--data ../shared/data] [--tdmsci] [--json]

Held-out TDMSci, whole pipeline: train fold K's model (`scripts/train_ner.py --tdmsci-heldout K
--epochs 2 --out FOLD_K`), then `--model FOLD_K --tdmsci-fold K`.

To score another release's extractor, extract with it and score the saved records here:

    cd OLD && PYTHONPATH=. python NEW/scripts/extract_records.py GOLD.jsonl -o PRED/NAME.jsonl
    .venv/bin/python scripts/evaluate_extraction.py --predictions PRED

where NAME is scirex (all of scirex/abstracts.jsonl), scierc-test or tdmsci-train.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kg.evaluate import LABELS, TDMSCI_LABELS, evaluate, read_extractions, read_gold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from train_ner import is_scirex_dev, tdmsci_fold  # noqa: E402  (the splits the model is trained by)


def gold_sets(data: Path, tdmsci: bool, fold: int | None = None) -> dict:
    """name -> (records, labels, predictions file name). `fold`: only the TDMSci sentences of
    that cross-validation fold, scored with the model trained without them."""
    if fold is not None:
        return {f"TDMSci-fold-{fold}": ([r for r in read_gold(data / "tdmsci" / "train.jsonl")
                                         if tdmsci_fold(r["id"], 5) == fold], TDMSCI_LABELS,
                                        "tdmsci-train.jsonl")}
    sets = {
        "SciREX-dev": ([r for r in read_gold(data / "scirex" / "abstracts.jsonl")
                        if is_scirex_dev(r["id"])], LABELS, "scirex.jsonl"),
        "SciERC-test": (read_gold(data / "scierc" / "test.jsonl"), ("Method", "Metric", "Task"),
                        "scierc-test.jsonl"),
    }
    if tdmsci:
        sets["TDMSci-train"] = (read_gold(data / "tdmsci" / "train.jsonl"), TDMSCI_LABELS,
                                "tdmsci-train.jsonl")
    return sets


def print_table(name: str, scores: dict) -> None:
    print(f"{name} ({scores['documents']} documents; 95% bootstrap intervals)")
    print(f"  {'label':8} {'exact P/R/F1':>20} {'exact F1 CI':>15} {'overlap F1':>11}"
          f" {'overlap F1 CI':>15} {'doc-set F1':>11}")
    for label in [*sorted(k for k in scores["exact"] if k != "micro"), "micro"]:
        e, o, d = scores["exact"][label], scores["overlap"][label], scores["document"][label]
        ecl, eci = e["ci"]["f1"] if "ci" in e else (0.0, 0.0)
        ocl, oci = o["ci"]["f1"] if "ci" in o else (0.0, 0.0)
        print(f"  {label:8} {e['precision']:6.3f} {e['recall']:6.3f} {e['f1']:6.3f}"
              f"   [{ecl:.3f}, {eci:.3f}] {o['f1']:11.3f}   [{ocl:.3f}, {oci:.3f}] {d['f1']:11.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--tdmsci", action="store_true",
                        help="also score the TDMSci train sentences (Task/Dataset/Metric)")
    parser.add_argument("--predictions", type=Path, metavar="DIR",
                        help="score saved extraction records (scripts/extract_records.py) "
                             "instead of running the extractor")
    parser.add_argument("--model", metavar="DIR", help="a trained recogniser in place of the shipped one")
    parser.add_argument("--tdmsci-fold", type=int, metavar="K",
                        help="score only TDMSci fold K, held out of the --model trained by "
                             "`scripts/train_ner.py --tdmsci-heldout K`")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = {}
    if args.tdmsci_fold is not None and args.model is None:
        parser.error("--tdmsci-fold needs the --model trained without that fold")
    if args.model is not None and not (Path(args.model) / "config.cfg").exists():
        parser.error(f"--model {args.model}: no trained recogniser there (config.cfg not found)")
    for name, (records, labels, predictions) in gold_sets(args.data, args.tdmsci, args.tdmsci_fold).items():
        saved = read_extractions(args.predictions / predictions) if args.predictions else None
        report[name] = evaluate(records, labels, args.processes, extractions=saved,
                                model=args.model).to_dict()
    if args.json:
        print(json.dumps(report, indent=1))
        return
    for name, scores in report.items():
        print_table(name, scores)


if __name__ == "__main__":
    main()
