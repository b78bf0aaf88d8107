#!/usr/bin/env python
"""TDMSci cross-validation of NER recipes as many single-threaded trainings in parallel, under a
wall-clock deadline (made for a borrowed 16-core machine that has no copy of ../shared/data).

    # here: the training material as DocBins, the evaluation records, the vectors
    python scripts/ner_device_cv.py prepare --data ../shared/data --vectors build/vectors/spacy --work .devicework
    # there (or here): every job of --jobs in parallel, stopped at --deadline seconds
    python scripts/ner_device_cv.py run --work .devicework --out OUT --deadline 480 \
        --jobs shipped:0,1,2,3,4 vec:0,1,2,3,4 vec:full vec@7:0,1

A job is RECIPE:FOLD. Fold K trains on everything train_ner.py trains on except the TDMSci
sentences of fold K (int(sha1(id), 16) % 5 == K), for --fold-epochs epochs, and scores that fold;
`full` trains on all of it (the shipped model's data) for --full-epochs. Every job picks its best
checkpoint by SciREX-dev, as train_ner.py does, and scores it on SciREX-dev, SciERC test and its
held-out fold (exact span, `train_ner.evaluate`). At the deadline each job gets SIGTERM, stops
before its next update and scores the best checkpoint it has. `run` writes OUT/cv.json (every
job's scores, the mean/min/max over folds and the F1 pooled over all held-out sentences per recipe),
OUT/logs.txt, the full models as OUT/<recipe>-full.tar.gz and their speed against --baseline
(scripts/bench_ner_words.py: words per second, one process, 500 real abstracts).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

import train_ner as tn  # noqa: E402  (also puts the repository root on sys.path)
from bench_ner_words import slice_texts, words_per_second  # noqa: E402

import spacy  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

FOLDS = 5
# recipe -> (TDMSci copies, static vectors, config edits); "shipped" is train_ner.py's defaults
RECIPES: dict[str, tuple[int, bool, dict]] = {
    "shipped": (3, False, {}),
    "vec": (3, True, {}),
    "vec_t5": (5, True, {}),
    "vec_t8": (8, True, {}),
    "shipped_t5": (5, False, {}),
    "vec_w128": (3, True, {("components", "tok2vec", "model", "encode", "width"): 128}),
}


# ---------------------------------------------------------------- prepare (here, with the data)


def write_docbin(nlp, items, path: Path, stats: Counter) -> None:
    db = DocBin(store_user_data=False)
    for source, rec in items:
        db.add(tn.to_doc(nlp, rec, source, "dataset", stats))
    db.to_disk(path)


def prepare(args) -> None:
    work = args.work
    data_dir = work / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    splits = tn.load_splits(args.data, fulltext=1.0, tdmsci=False)
    lexicon = tn.lexicon_index(tn.method_lexicon(splits["train"]))
    nlp = tn.make_blank_nlp()
    stats: Counter = Counter()
    write_docbin(nlp, splits["train"], data_dir / "base.spacy", stats)
    dev = [(s, v) for s, r in splits["scirex_dev"] for v in (r, tn.detok_record(r))]
    write_docbin(nlp, dev, data_dir / "scirex_dev.spacy", stats)
    folds: dict[int, list[dict]] = {k: [] for k in range(FOLDS)}
    for r in tn.read_jsonl(args.data / "tdmsci" / "train.jsonl"):
        folds[tn.tdmsci_fold(r["id"], FOLDS)].append(r)
    for k, recs in folds.items():
        write_docbin(nlp, [("tdmsci", tn.mark_methods_missing(r, lexicon)) for r in recs],
                     data_dir / f"tdmsci_fold{k}.spacy", stats)
    evals = {"scirex_dev": splits["scirex_dev"], "scierc_test": splits["scierc_test"],
             **{f"tdmsci_fold{k}": [("tdmsci", r) for r in recs] for k, recs in folds.items()}}
    for name, items in evals.items():
        with open(data_dir / f"{name}.eval.jsonl", "w", encoding="utf-8") as f:
            for source, rec in items:
                f.write(json.dumps({"source": source, "record": rec}) + "\n")
    if args.vectors:
        shutil.rmtree(work / "vectors", ignore_errors=True)
        shutil.copytree(args.vectors, work / "vectors")
    print(f"[prepare] {dict(stats)}; folds {[len(v) for v in folds.values()]}", flush=True)
    size = sum(f.stat().st_size for f in work.rglob("*") if f.is_file())
    print(f"[prepare] {work} {size / 1e6:.1f} MB", flush=True)


# ---------------------------------------------------------------- one job


STOP = {"asked": False}


class Stopped(Exception):
    pass


@spacy.registry.callbacks("kg.stop_on_sigterm.v1")
def make_stop_on_sigterm():
    def before_update(nlp, info):
        if STOP["asked"]:
            raise Stopped(f"stopped at step {info['step']}, epoch {info['epoch']}")

    return before_update


def read_eval(path: Path) -> list[tuple[str, dict]]:
    return [(x["source"], x["record"]) for x in map(json.loads, path.read_text(encoding="utf-8").splitlines())]


def job(args) -> None:
    signal.signal(signal.SIGTERM, lambda *_: STOP.update(asked=True))
    copies, vectors, edits = RECIPES[args.recipe]
    data_dir = args.work / "data"
    run = args.run_dir
    shutil.rmtree(run, ignore_errors=True)
    corpus = run / "corpus"
    corpus.mkdir(parents=True)
    os.link(data_dir / "base.spacy", corpus / "base.spacy")
    heldout = None if args.fold == "full" else int(args.fold)
    for k in range(FOLDS):
        if k != heldout:
            for c in range(copies):
                os.link(data_dir / f"tdmsci_fold{k}.spacy", corpus / f"tdmsci_fold{k}_copy{c}.spacy")
    cfg = spacy.util.load_config(args.config)
    cfg["paths"]["train"] = str(corpus)
    cfg["paths"]["dev"] = str(data_dir / "scirex_dev.spacy")
    cfg["system"]["seed"] = args.seed
    cfg["training"]["max_epochs"] = args.epochs
    cfg["training"]["before_update"] = {"@callbacks": "kg.stop_on_sigterm.v1"}
    if vectors:
        cfg["paths"]["vectors"] = str(args.work / "vectors")
        cfg["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = True
    for path, value in edits.items():
        node = cfg
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    cfg_path = run / "config.cfg"
    cfg.to_disk(cfg_path)
    from spacy.cli.train import train

    t0 = time.time()
    stopped = None
    try:
        train(cfg_path, run / "out", use_gpu=-1)
    except Stopped as e:
        stopped = str(e)
    train_s = time.time() - t0
    best = run / "out" / "model-best"
    if not (best / "meta.json").exists():  # stopped before its first evaluation
        best = run / "out" / "model-last"
    nlp = spacy.load(best)
    scores = {"scirex_dev": tn.evaluate(nlp, read_eval(data_dir / "scirex_dev.eval.jsonl")),
              "scierc_test": tn.evaluate(nlp, read_eval(data_dir / "scierc_test.eval.jsonl"),
                                         labels=("Method", "Metric", "Task"))}
    if heldout is not None:
        scores["tdmsci_heldout"] = tn.evaluate(nlp, read_eval(data_dir / f"tdmsci_fold{heldout}.eval.jsonl"),
                                               labels=("Task", "Dataset", "Metric"))
    result = {"recipe": args.label or args.recipe, "seed": args.seed, "fold": args.fold, "epochs": args.epochs, "train_s": round(train_s),
              "model": best.name,
              "stopped": stopped, "best_checkpoint": nlp.meta.get("performance", {}), "scores": scores}
    (run / "scores.json").write_text(json.dumps(result, indent=1))
    print(f"[job] {args.recipe}:{args.fold} done in {train_s:.0f}s, stopped={stopped}", flush=True)


# ---------------------------------------------------------------- the driver


def summarise(results: list[dict]) -> dict:
    """Per recipe: mean, min and max of each held-out fold's scores, and P/R/F1 pooled over folds."""
    out: dict = {}
    for recipe in sorted({r["recipe"] for r in results}):
        folds = [r for r in results if r["recipe"] == recipe and r["fold"] != "full"]
        if not folds:
            continue
        summary: dict = {"folds": sorted(r["fold"] for r in folds)}
        for split in ("tdmsci_heldout", "scirex_dev", "scierc_test"):
            for lab in (*tn.LABELS, "micro"):
                rows = [r["scores"][split][lab] for r in folds]
                f1s = [x["f"] for x in rows]
                tp, pred, gold = (sum(x[k] for x in rows) for k in ("tp", "pred", "gold"))
                summary[f"{split}/{lab}"] = {
                    "p_mean": round(sum(x["p"] for x in rows) / len(rows), 4),
                    "r_mean": round(sum(x["r"] for x in rows) / len(rows), 4),
                    "f_mean": round(sum(f1s) / len(f1s), 4), "f_min": min(f1s), "f_max": max(f1s),
                    "pooled": tn.prf(tp, pred, gold)}
        out[recipe] = summary
    return out


def run(args) -> None:
    t_start = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    runs = args.work / "runs"
    procs = []
    for spec in args.jobs:
        label, folds = spec.split(":")  # RECIPE[@SEED]:FOLDS
        recipe, _, seed = label.partition("@")
        assert recipe in RECIPES, recipe
        for fold in folds.split(","):
            run_dir = runs / f"{label}_{fold}"
            epochs = args.full_epochs if fold == "full" else args.fold_epochs
            cmd = [sys.executable, __file__, "job", "--work", str(args.work), "--recipe", recipe, "--fold", fold,
                   "--epochs", str(epochs), "--run-dir", str(run_dir), "--config", str(args.config),
                   "--seed", seed or str(args.seed), "--label", label]
            run_dir.parent.mkdir(parents=True, exist_ok=True)
            log = open(runs / f"{label}_{fold}.log", "w")
            procs.append((label, fold, run_dir, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)))
    print(f"[run] {len(procs)} jobs started", flush=True)
    while any(p.poll() is None for *_, p in procs) and time.time() - t_start < args.deadline:
        time.sleep(2)
    for *_, p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    print(f"[run] deadline or done at {time.time() - t_start:.0f}s", flush=True)
    grace_end = time.time() + args.grace
    while any(p.poll() is None for *_, p in procs) and time.time() < grace_end:
        time.sleep(1)
    for *_, p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    results, logs = [], []
    for recipe, fold, run_dir, p in procs:
        f = run_dir / "scores.json"
        if f.exists():
            results.append(json.loads(f.read_text()))
        log = (runs / f"{recipe}_{fold}.log").read_text(errors="replace").splitlines()
        logs.append(f"==== {recipe}:{fold} rc={p.returncode}\n" + "\n".join(log[-40:]))
    summary = {"summary": summarise(results), "jobs": results, "elapsed_s": round(time.time() - t_start)}
    (args.out / "cv.json").write_text(json.dumps(summary, indent=1))
    (args.out / "logs.txt").write_text("\n\n".join(logs))
    speeds, fulls = {}, []
    for recipe, fold, run_dir, _ in procs:
        best = run_dir / "out" / "model-best"
        if not (best / "meta.json").exists():
            best = run_dir / "out" / "model-last"
        if fold != "full" or not (best / "meta.json").exists():
            continue
        with tarfile.open(args.out / f"{recipe}-full.tar.gz", "w:gz") as tar:
            tar.add(best, arcname=best.name)
            tar.add(run_dir / "config.cfg", arcname="train-config.cfg")
        fulls.append(best)
    if fulls and args.baseline.exists():  # the jobs are over: the machine is quiet
        speeds = words_per_second([args.baseline, *fulls], slice_texts())
    summary["words_per_s_1_process"] = speeds
    (args.out / "cv.json").write_text(json.dumps(summary, indent=1))
    for recipe, s in summary["summary"].items():
        t = s["tdmsci_heldout/micro"]
        d = s["scirex_dev/micro"]
        print(f"{recipe:10} TDMSci folds {s['folds']}: F1 mean {t['f_mean']:.3f} ({t['f_min']:.3f}-{t['f_max']:.3f}) "
              f"pooled {t['pooled']['f']:.3f} | SciREX-dev mean {d['f_mean']:.3f}", flush=True)
    for r in results:
        if r["fold"] == "full":
            print(f"{r['recipe']} full: {json.dumps({k: v['micro']['f'] for k, v in r['scores'].items()})} "
                  f"{r['stopped']}", flush=True)
    print(f"[speed] {speeds}; total {time.time() - t_start:.0f}s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", type=Path, default=tn.ROOT.parent / "shared" / "data")
    p.add_argument("--work", type=Path, default=tn.ROOT / ".devicework")
    p.add_argument("--vectors", type=Path, default=None, help="spaCy vectors folder (scripts/train_vectors.py)")
    for name in ("run", "job"):
        p = sub.add_parser(name)
        p.add_argument("--work", type=Path, default=tn.ROOT / ".devicework")
        p.add_argument("--config", type=Path, default=tn.ROOT / "configs" / "ner_tagger.cfg")
        p.add_argument("--seed", type=int, default=42)
    p = sub.choices["run"]
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--jobs", nargs="+", required=True, help="RECIPE:FOLD[,FOLD...] with FOLD 0-4 or full")
    p.add_argument("--fold-epochs", type=int, default=2)
    p.add_argument("--full-epochs", type=int, default=6)
    p.add_argument("--deadline", type=float, default=480, help="seconds after which every job is stopped")
    p.add_argument("--grace", type=float, default=60, help="seconds a stopped job has to score its checkpoint")
    p.add_argument("--baseline", type=Path, default=tn.ROOT / "kg" / "extract" / "models" / "ner",
                   help="model whose speed the full models are measured against")
    p = sub.choices["job"]
    p.add_argument("--recipe", choices=sorted(RECIPES), required=True)
    p.add_argument("--fold", required=True)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--run-dir", type=Path, required=True)
    p.add_argument("--label", default=None, help="the recipe's name in the results (RECIPE@SEED)")
    args = ap.parse_args()
    {"prepare": prepare, "run": run, "job": job}[args.cmd](args)


if __name__ == "__main__":
    main()
