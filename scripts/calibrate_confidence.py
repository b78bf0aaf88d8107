#!/usr/bin/env python
"""Fit the recogniser's confidence: P(a span it made is exactly right, boundaries and label) as a
logistic function of the lowest tag probability of the span's tokens (`kg.extract.spans`).

    .venv/bin/python scripts/calibrate_confidence.py FOLD_0 FOLD_1 FOLD_2 FOLD_3 FOLD_4

FOLD_K is the recogniser trained without TDMSci fold K (`scripts/train_ner.py --tdmsci-heldout K
--epochs 2 --out FOLD_K`). Every prediction fitted on is held out of the model that made it: each
fold model on its TDMSci fold (Task/Dataset/Metric; TDMSci annotates no Method) and on SciREX-dev
(never trained on). The fit is cross-validated by fold (fit on four folds' predictions, scored on
the fifth): Brier score, expected calibration error (10 bins) and AUROC against the fixed 0.8 the
recogniser's spans had before, then fitted on all and printed as `RECOGNISER_SLOPE, _INTERCEPT`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from train_ner import is_scirex_dev, tdmsci_fold  # noqa: E402  (the splits the folds are trained by)

from kg.evaluate import TDMSCI_LABELS, gold_spans, read_gold  # noqa: E402
from kg.extract.biluo import SPAN_PROBABILITY  # noqa: E402
from kg.extract.pipeline import load_pipeline  # noqa: E402
from kg.extract.spans import source_of  # noqa: E402

BEFORE = 0.8  # the recogniser's fixed score until the fit


def predictions(model: str, records: list[dict], labels) -> list[tuple[float, bool]]:
    """(lowest tag probability, exactly right) for each span the recogniser made and the whole
    pipeline kept as it stands, in records annotated for `labels`."""
    nlp = load_pipeline(model)
    rows = []
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        gold = gold_spans(record)
        made = doc.user_data.get(SPAN_PROBABILITY, {})
        for ent in doc.ents:
            key = (ent.start_char, ent.end_char, ent.label_)
            if ent.label_ in labels and source_of(ent) == "ner" and key in made:
                rows.append((made[key], key in gold))
    return rows


def features(rows) -> numpy.ndarray:
    return numpy.array([[numpy.log(max(p, 1e-6)), 1.0] for p, _ in rows])


def fit(rows, steps: int = 50) -> numpy.ndarray:
    """Logistic regression by Newton's method (two weights: slope and intercept)."""
    x, y = features(rows), numpy.array([ok for _, ok in rows], dtype=float)
    w = numpy.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + numpy.exp(-x @ w))
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-9 * numpy.eye(len(w))
        w -= numpy.linalg.solve(hessian, x.T @ (p - y))
    return w


def brier_and_ece(p: numpy.ndarray, y: numpy.ndarray, bins: int = 10) -> tuple[float, float]:
    ece = 0.0
    for b in range(bins):
        inside = (p >= b / bins) & ((p < (b + 1) / bins) | (b == bins - 1))
        if inside.any():
            ece += inside.sum() / len(p) * abs(p[inside].mean() - y[inside].mean())
    return float(((p - y) ** 2).mean()), ece


def auroc(p: numpy.ndarray, y: numpy.ndarray) -> float:
    """The chance a right span scores above a wrong one (ties count half): 0.5 for a constant."""
    right, wrong = p[y == 1], p[y == 0]
    if not len(right) or not len(wrong):
        return float("nan")
    above = (right[:, None] > wrong[None, :]).sum() + 0.5 * (right[:, None] == wrong[None, :]).sum()
    return float(above / (len(right) * len(wrong)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folds", nargs=5, help="the five TDMSci fold models, fold 0 first")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    tdmsci = read_gold(args.data / "tdmsci" / "train.jsonl")
    scirex_dev = [r for r in read_gold(args.data / "scirex" / "abstracts.jsonl") if is_scirex_dev(r["id"])]
    rows = {}
    for k, model in enumerate(args.folds):
        rows["TDMSci", k] = predictions(model, [r for r in tdmsci if tdmsci_fold(r["id"], 5) == k],
                                        TDMSCI_LABELS)
        rows["SciREX-dev", k] = predictions(model, scirex_dev, ("Method", "Dataset", "Metric", "Task"))
    print(f"{'held out':16} {'spans':>6} {'right':>6}  {'Brier fit / 0.8':>16}  {'ECE fit / 0.8':>14}  {'AUROC':>5}")
    for (name, k), held_out in rows.items():
        w = fit([row for (_, j), part in rows.items() if j != k for row in part])
        y = numpy.array([ok for _, ok in held_out], dtype=float)
        fitted = 1.0 / (1.0 + numpy.exp(-features(held_out) @ w))
        brier, ece = brier_and_ece(fitted, y)
        brier0, ece0 = brier_and_ece(numpy.full(len(y), BEFORE), y)
        print(f"{name + ' ' + str(k):16} {len(y):6} {y.mean():6.3f}  {brier:7.3f} / {brier0:.3f}"
              f"  {ece:6.3f} / {ece0:.3f}  {auroc(fitted, y):.3f}")
    slope, intercept = fit([row for part in rows.values() for row in part])
    print(f"RECOGNISER_SLOPE, RECOGNISER_INTERCEPT = {slope:.2f}, {intercept:.2f}")


if __name__ == "__main__":
    main()
