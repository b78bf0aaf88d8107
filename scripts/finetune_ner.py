#!/usr/bin/env python
"""Measure a second training stage: continue training a trained recogniser on a part of the
training material (no full text by default) at a lower learning rate, then score it on the
held-out TDMSci fold, SciREX-dev and SciERC test (exact micro F1, as `train_ner.py` scores).

    python scripts/finetune_ner.py FOLD_MODEL K [--tdmsci-only] [--epochs 3] [--lr 0.0003]

FOLD_MODEL is a model `train_ner.py --tdmsci-heldout K` wrote. `--tdmsci-only` trains on the
TDMSci sentences outside fold K alone; `--general MODEL` also scores the pair "Method from
MODEL, Task/Dataset/Metric from the fine-tuned model". The last line (`RESULT {json}`) holds
each set's counts, to pool over the five folds. A measurement, not part of the shipped recipe:
kg/extract/models/README.md has the figures and why nothing of it ships.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import spacy  # noqa: E402
from spacy.training import Example  # noqa: E402
from spacy.util import fix_random_seed, minibatch  # noqa: E402

import train_ner as T  # noqa: E402  (registers kg's tokenizer and tagger components)

SETS = (("tdmsci_heldout", ("Task", "Dataset", "Metric")), ("scirex_dev", T.LABELS),
        ("scierc_test", ("Method", "Metric", "Task")))


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def paired_spans(general, tuned) -> set:
    """Method spans of `general`; Task/Dataset/Metric spans of `tuned`, which win an overlap."""
    tdm = {(e.start_char, e.end_char, e.label_) for e in tuned.ents if e.label_ != "Method"}
    methods = {(e.start_char, e.end_char, e.label_) for e in general.ents if e.label_ == "Method"}
    return tdm | {m for m in methods if not any(overlaps(m, x) for x in tdm)}


def score(pairs, labels) -> dict:
    tp = n_pred = n_gold = 0
    for gold, pred in pairs:
        gold = {x for x in gold if x[2] in labels}
        pred = {x for x in pred if x[2] in labels}
        tp, n_pred, n_gold = tp + len(gold & pred), n_pred + len(pred), n_gold + len(gold)
    return T.prf(tp, n_pred, n_gold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("fold", type=int, help="the TDMSci fold the model was trained without")
    ap.add_argument("--data", type=Path, default=T.ROOT.parent / "shared" / "data")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.0003)
    ap.add_argument("--fulltext", type=float, default=0.0)
    ap.add_argument("--tdmsci-only", action="store_true")
    ap.add_argument("--general", type=Path, default=None, metavar="MODEL")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    fix_random_seed(0)
    splits = T.load_splits(args.data, 0 if args.tdmsci_only else 1, args.fulltext, 120, True, 5,
                           args.fold, "missing", 1)
    train = [(s, r) for s, r in splits["train"] if not (args.tdmsci_only and s != "tdmsci")]
    nlp = spacy.load(args.model)
    blank, stats = T.make_blank_nlp(), Counter()
    examples = [Example(nlp.make_doc(r["text"]), T.to_doc(blank, r, s, "dataset", stats)) for s, r in train]
    print(f"{len(examples)} training texts: {dict(Counter(s for s, _ in train))}", flush=True)
    optimizer = nlp.resume_training()
    optimizer.learn_rate = args.lr
    rng = random.Random(0)
    for epoch in range(args.epochs):
        rng.shuffle(examples)
        losses: dict = {}
        for batch in minibatch(examples, 32):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
        print(f"epoch {epoch}: {losses}", flush=True)

    general = spacy.load(args.general) if args.general else None
    result = {}
    with nlp.use_params(optimizer.averages):
        for name, labels in SETS:
            texts = [r["text"] for _, r in splits[name]]
            golds = [T.gold_spans(r, s) for s, r in splits[name]]
            tuned = list(nlp.pipe(texts))
            result[name] = score(zip(golds, ({(e.start_char, e.end_char, e.label_) for e in d.ents}
                                             for d in tuned)), labels)
            if general is not None:
                result[f"{name}_paired"] = score(zip(golds, (paired_spans(g, d) for g, d in
                                                             zip(general.pipe(texts), tuned))), labels)
        if args.out:
            nlp.to_disk(args.out)
    for name, r in result.items():
        print(f"{name:24} P {r['p']:.3f} R {r['r']:.3f} F {r['f']:.3f}")
    print("RESULT", json.dumps(result))


if __name__ == "__main__":
    main()
