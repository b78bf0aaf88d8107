#!/usr/bin/env python3
"""Whole-tuple and value F1 of the extracted results on SciREX abstracts and the example listing.

SciREX's result tuples (Dataset, Method, Metric, Task, score) are annotated over the full paper,
so only those whose score appears in the abstract can be found there: they are the gold. A
predicted result is a true value when its number is a gold score of its paper (71.8 and 0.718
are one score), and a true tuple when, besides, its metric, dataset and method match that gold
tuple's (SciREX names are catalogue names, `Mean_IoU`, `FRRN`, so names match leniently: shared
content words, initials, containment, a few metric synonyms). Scores are over the papers with at
least one gold score in the abstract; the split rule: dev when `int(sha1(id), 16) % 5 == 0`.

The listing's gold (`tests/extract/gold/listing_results.jsonl`) is hand-annotated; there an empty
slot must stay empty and `*` is not scored.

Both are scored for the current `kg.extract.results` and, for comparison, for the
`kg/extract/results.py` of a git revision (`--baseline-rev`) or a file (`--baseline-file`), on the
same extracted mentions:

    .venv/bin/python scripts/evaluate_results.py --baseline-rev 0ab9870
    .venv/bin/python scripts/evaluate_results.py --show dev      # the dev split's tuples
    .venv/bin/python scripts/evaluate_results.py --fulltext      # also SciREX body sections
    (95% intervals: 1,000 resamples of the papers; --bootstrap 0 skips them)
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCIREX = ROOT.parent / "shared" / "data" / "scirex" / "abstracts.jsonl"
FULLTEXT = SCIREX.with_name("fulltext.jsonl")
LISTING = ROOT / "examples" / "hf-daily-papers.txt"
LISTING_GOLD = ROOT / "tests" / "extract" / "gold" / "listing_results.jsonl"
SLOTS = ("metric", "dataset", "method")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
GENERIC_WORDS = {"model", "network", "dataset", "data", "set", "score", "the", "of", "a", "an",
                 "and", "task", "test", "method", "approach", "system", "benchmark", "with",
                 "on", "for", "in", "to", "per", "layer", "large", "small", "base", "big"}
METRIC_SYNONYMS = {"intersection over union": "iou", "miou": "iou", "jaccard": "iou",
                   "perplexity": "ppl", "bit per character": "bpc", "bits per character": "bpc",
                   "error rate": "error", "percentage error": "error", "wer": "error",
                   "per": "error", "word error rate": "error", "acc": "accuracy",
                   "f measure": "f1", "f score": "f1", "exact match": "em"}


def is_dev(paper_id: str) -> bool:
    return int(hashlib.sha1(paper_id.encode()).hexdigest(), 16) % 5 == 0


# names ------------------------------------------------------------------------------------

def words(name: str) -> list[str]:
    from kg.names import singular

    text = re.sub(r"[_\-/]+", " ", name).lower()
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = " " + " ".join(re.findall(r"[a-z0-9.']+", text)) + " "
    for phrase, canonical in METRIC_SYNONYMS.items():
        text = text.replace(f" {phrase} ", f" {canonical} ")
    return [singular(w.strip(".'")) for w in text.split() if w.strip(".'")]


def same_name(predicted: str, gold: str) -> bool:
    """Lenient: `Cityscapes dataset`/`Cityscapes`, `FRRN`/`Full-Resolution Residual Networks`,
    `mean IOU`/`Mean_IoU`, `Transformer`/`Transformer_Big`; never across different numbers."""
    p, g = words(predicted), words(gold)
    if not p or not g:
        return False
    p_numbers = {w for w in p if w[0].isdigit()}
    g_numbers = {w for w in g if w[0].isdigit()}
    if p_numbers and g_numbers and not p_numbers & g_numbers:
        return False
    ps, gs = "".join(p), "".join(g)
    if ps == gs or (min(len(ps), len(gs)) >= 3 and (ps in gs or gs in ps)):
        return True
    if len(p) == 1 and len(g) > 1 and p[0] == "".join(w[0] for w in g):
        return True
    if len(g) == 1 and len(p) > 1 and g[0] == "".join(w[0] for w in p):
        return True
    content = {w for w in p if w not in GENERIC_WORDS and not w[0].isdigit() and len(w) > 1}
    return bool(content & {w for w in g if w not in GENERIC_WORDS and len(w) > 1})


def slot_matches(predicted: str | None, gold) -> bool:
    if gold == "*":
        return True
    if gold is None:
        return predicted is None
    if predicted is None:
        return False
    return any(same_name(predicted, name) for name in ([gold] if isinstance(gold, str) else gold))


def same_number(a: float, b: float) -> bool:
    return any(abs(a - x) < 1e-6 * max(1.0, abs(x)) for x in (b, b * 100, b / 100))


# gold ----------------------------------------------------------------------------------------

def gold_values(results: list[dict], text: str, names: list[tuple[int, int]]) -> list[dict]:
    """The gold values whose score is written in `text` outside the annotated mentions
    (`WikiText - 103` is a name, not a score), each with the tuples annotated with it."""
    in_text = {float(m.group(0)) for m in NUMBER.finditer(text)
               if not any(s < m.end() and m.start() < e for s, e in names)}
    by_number: dict[float, list[dict]] = defaultdict(list)
    for t in results:
        found = NUMBER.search(str(t.get("score", "")).replace(",", ""))
        if not found:
            continue
        number = float(found.group(0))
        match = next((n for n in in_text if same_number(n, number)), None)
        if match is not None:
            by_number[match].append({"metric": t.get("Metric") or "*",
                                     "dataset": t.get("Dataset") or "*",
                                     "method": t.get("Method") or "*"})
    return [{"value": n, "tuples": ts} for n, ts in sorted(by_number.items())]


def scirex_gold(fulltext: bool = False) -> tuple[list[dict], dict[str, list[dict]]]:
    """The papers (id, title, abstract, split) and, by paper, gold values. With `fulltext`,
    the body sections that hold a gold score stand in for the papers (split by paper)."""
    papers, gold, rows = [], {}, {}
    for line in SCIREX.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[row["id"]] = row
        title, _, abstract = row["text"].partition("\n")
        offset = len(title) + 1
        if not fulltext:
            papers.append({"id": row["id"], "title": title, "abstract": abstract,
                           "split": "dev" if is_dev(row["id"]) else "train"})
            names = [(e["start"] - offset, e["end"] - offset) for e in row["entities"]]
            if values := gold_values(row.get("results") or [], abstract, names):
                gold[row["id"]] = values
    if fulltext:
        for line in FULLTEXT.read_text(encoding="utf-8").splitlines():
            section = json.loads(line)
            row = rows.get(section["doc_id"])
            names = [(e["start"], e["end"]) for e in section["entities"]]
            if row and (values := gold_values(row.get("results") or [], section["text"], names)):
                papers.append({"id": section["id"], "title": row["text"].partition("\n")[0],
                               "abstract": section["text"],
                               "split": "dev" if is_dev(section["doc_id"]) else "train"})
                gold[section["id"]] = values
    return papers, gold


def listing_gold(records: list[dict]) -> dict[str, list[dict]]:
    gold: dict[str, list[dict]] = defaultdict(list)
    for line in LISTING_GOLD.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        (record,) = [r for r in records if r["title"].startswith(item["paper"])]
        gold[record["id"]].append({"value": float(item["value"]),
                                   "tuples": [{s: item[s] for s in SLOTS}]})
    return gold


# scoring -------------------------------------------------------------------------------------

def score(predictions: dict[str, list[dict]], gold: dict[str, list[dict]], papers: list[str]) -> dict:
    """Value and whole-tuple P/R/F1 over `papers`, each gold value and prediction used once;
    and, on value-matched pairs, how often each slot is right."""
    counts = defaultdict(int)
    for paper in papers:
        golds, preds = gold.get(paper, []), predictions.get(paper, [])
        counts["gold"] += len(golds)
        counts["predicted"] += len(preds)
        for kind in ("value", "tuple"):
            used = set()
            for p in preds:
                for i, g in enumerate(golds):
                    if i in used or p["number"] is None or not same_number(p["number"], g["value"]):
                        continue
                    if kind == "tuple" and not any(all(slot_matches(p.get(s), t[s]) for s in SLOTS)
                                                   for t in g["tuples"]):
                        continue
                    used.add(i)
                    counts[kind] += 1
                    if kind == "value":
                        for s in SLOTS:
                            counts[s] += any(slot_matches(p.get(s), t[s]) for t in g["tuples"])
                    break
    figures = {"gold": counts["gold"], "predicted": counts["predicted"]}
    for kind in ("value", "tuple"):
        tp = counts[kind]
        precision = tp / counts["predicted"] if counts["predicted"] else 0.0
        recall = tp / counts["gold"] if counts["gold"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        figures[kind] = {"tp": tp, "p": round(precision, 3), "r": round(recall, 3), "f1": round(f1, 3)}
    figures["slot_accuracy"] = {s: round(counts[s] / counts["value"], 3) if counts["value"] else None
                                for s in SLOTS}
    return figures


def bootstrap(predictions: dict, gold: dict, papers: list[str], rounds: int, seed: int = 17) -> dict:
    """95% intervals of value and tuple F1 over `rounds` resamples of the papers."""
    import random

    if not papers or rounds <= 0:
        return {}
    chooser = random.Random(seed)
    samples = {"value": [], "tuple": []}
    for _ in range(rounds):
        drawn = [chooser.choice(papers) for _ in papers]
        # a paper drawn twice counts twice: score each draw under its own key
        figures = score({f"{i}:{p}": predictions.get(p, []) for i, p in enumerate(drawn)},
                        {f"{i}:{p}": gold.get(p, []) for i, p in enumerate(drawn)},
                        [f"{i}:{p}" for i, p in enumerate(drawn)])
        for kind in samples:
            samples[kind].append(figures[kind]["f1"])
    return {kind: (round(sorted(v)[int(0.025 * len(v))], 2), round(sorted(v)[int(0.975 * len(v)) - 1], 2))
            for kind, v in samples.items()}


# predictions ---------------------------------------------------------------------------------

def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class _Mention:
    __slots__ = ("text", "label", "start", "end")

    def __init__(self, m: dict):
        self.text, self.label, self.start, self.end = m["text"], m["label"], m["start"], m["end"]


def predict(module, record: dict) -> list[dict]:
    """The results `module` finds in an extraction record's abstract mentions."""
    if hasattr(module, "paper_results"):
        return module.paper_results(record["abstract"], record["mentions"], record["entities"])
    # the first release: `find_results` per sentence, over every abstract mention
    proposed_ids = {e["id"] for e in record["entities"] if e["role"] == "proposed"}
    proposed = {m["text"] for m in record["mentions"] if m.get("entity_id") in proposed_ids}
    by_sentence = defaultdict(list)
    for m in record["mentions"]:
        if m["field"] == "abstract":
            by_sentence[tuple(m["sentence"])].append(_Mention(m))
    return [r.to_dict() for (start, end), mentions in by_sentence.items()
            for r in module.find_results(record["abstract"][start:end], start, mentions, proposed)]


def extract(papers: list[dict]) -> list[dict]:
    from kg.extract.pipeline import extract_papers
    from kg.records import Paper

    items = [Paper(title=p["title"], abstract=p["abstract"], source_id=p["id"]) for p in papers]
    records = list(extract_papers(items))
    for paper, record in zip(papers, records):
        record["id"] = paper["id"]
    return records


def listing_records() -> list[dict]:
    from kg.records import Paper
    from kg.sources import read_inputs

    papers = [p for p in read_inputs([LISTING]) if isinstance(p, Paper)]
    return extract([{"id": p.id, "title": p.title, "abstract": p.abstract} for p in papers])


def show(records: list[dict], gold: dict, module) -> None:
    for record in records:
        if record["id"] not in gold:
            continue
        print(f"== {record['title'][:90]}")
        for g in gold[record["id"]]:
            print(f"   gold {g['value']}: " + " | ".join(
                "/".join(str(t[s]) for s in SLOTS) for t in g["tuples"][:2]))
        for p in predict(module, record):
            print(f"   pred {p['value']}: {p['metric']} / {p['dataset']} / {p['method']}"
                  + (f"  [{p['condition']}]" if p.get("condition") else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-rev", help="git revision whose kg/extract/results.py to compare")
    parser.add_argument("--baseline-file", type=Path, help="a results.py to compare")
    parser.add_argument("--show", choices=("train", "dev", "listing", "fulltext"),
                        help="print gold and predictions (fulltext: the SciREX-train body sections "
                             "with a gold score; implies --fulltext)")
    parser.add_argument("--fulltext", action="store_true",
                        help="also score the SciREX body sections that hold a gold score")
    parser.add_argument("--bootstrap", type=int, default=1000,
                        help="resamples of the papers for 95%% intervals (0: none)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import kg.extract.results as current

    modules = {"current": current}
    if args.baseline_rev:
        source = subprocess.run(["git", "show", f"{args.baseline_rev}:kg/extract/results.py"],
                                cwd=ROOT, capture_output=True, text=True, check=True).stdout
        path = Path(tempfile.mkdtemp()) / "baseline_results.py"
        path.write_text(source)
        modules["baseline"] = load_module(path, "baseline_results")
    elif args.baseline_file:
        modules["baseline"] = load_module(args.baseline_file, "baseline_results")

    sets = {"scirex": scirex_gold()}
    if args.fulltext or args.show == "fulltext":
        sets["fulltext"] = scirex_gold(fulltext=True)
    extracted = {name: extract(papers) for name, (papers, _) in sets.items()}
    listing = listing_records()
    gold_listing = listing_gold(listing)
    figures = {}
    for name, module in modules.items():
        figures[name] = {}
        for set_name, (papers, gold) in sets.items():
            predictions = {r["id"]: predict(module, r) for r in extracted[set_name]}
            splits = {split: [p["id"] for p in papers if p["split"] == split and p["id"] in gold]
                      for split in ("train", "dev")}
            splits["all"] = splits["train"] + splits["dev"]
            for split, ids in splits.items():
                figures[name][f"{set_name}_{split}"] = score(predictions, gold, ids)
                figures[name][f"{set_name}_{split}"]["ci95"] = bootstrap(predictions, gold, ids,
                                                                         args.bootstrap)
        listing_predictions = {r["id"]: predict(module, r) for r in listing}
        listing_ids = [r["id"] for r in listing]
        figures[name]["listing"] = score(listing_predictions, gold_listing, listing_ids)
        figures[name]["listing"]["ci95"] = bootstrap(listing_predictions, gold_listing, listing_ids,
                                                     args.bootstrap)
    papers, gold = sets["scirex"]
    records = extracted["scirex"]
    splits = {split: [p["id"] for p in papers if p["split"] == split and p["id"] in gold]
              for split in ("train", "dev")}
    if args.show == "fulltext":
        body, body_gold = sets["fulltext"]
        train = {p["id"] for p in body if p["split"] == "train"}
        show([r for r in extracted["fulltext"] if r["id"] in train], body_gold, current)
    elif args.show:
        chosen = listing if args.show == "listing" else [r for r in records if r["id"] in splits[args.show]]
        show(chosen, gold_listing if args.show == "listing" else gold, current)
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    print(f"gold: SciREX train {len(splits['train'])} papers / dev {len(splits['dev'])} papers with "
          f"a gold score in the abstract; listing {sum(map(len, gold_listing.values()))} results")
    for name, sets in figures.items():
        for set_name, f in sets.items():
            print(f"{name:8} {set_name:14} gold {f['gold']:3} pred {f['predicted']:3}  "
                  f"value P/R/F1 {f['value']['p']:.2f}/{f['value']['r']:.2f}/{f['value']['f1']:.2f}  "
                  f"tuple P/R/F1 {f['tuple']['p']:.2f}/{f['tuple']['r']:.2f}/{f['tuple']['f1']:.2f}  "
                  f"slots right {f['slot_accuracy']}"
                  + (f"  95% CI value {f['ci95']['value']} tuple {f['ci95']['tuple']}" if f.get("ci95") else ""))


if __name__ == "__main__":
    main()
