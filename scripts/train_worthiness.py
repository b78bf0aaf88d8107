#!/usr/bin/env python
"""Train the graph-worthiness model (`kg/extract/worthiness.py`) and write its one data file.

    OMP_NUM_THREADS=1 python scripts/train_worthiness.py [--data ../shared/data]
        [--out kg/extract/data/worthiness.json.gz]

Steps: (1) document frequency of every 1-4 word phrase (lower-case, singular words) over the
abstracts of `corpus/arxiv-ml.jsonl.gz` and `corpus/acl-anthology.jsonl.gz`, with how many of
those documents write it capitalised mid-sentence; phrases in at least `--min-df` documents are
kept (cached in build/worthiness/); (2) general-English Zipf frequencies of the 40,000 most
common English words (wordfreq, the [train] extra: `pip install -e .[train]`);
(3) every SciREX abstract is extracted by the shipped pipeline; a paper-level entity is positive
when it matches one of the paper's `salient` entities (name key, initials or whole-word
containment), else negative: weight 1 where no annotated mention overlaps it, `--weak` where an
annotated but non-salient mention does (SciREX annotates named baselines it does not mark
salient); (4) L2-regularised logistic regression (numpy) on SciREX-train; the threshold is
the one that keeps `--recall` of the salient entities in 5-fold cross-validation on train;
(5) precision and recall of "not generic" against the salient labels on SciREX-dev
(`int(sha1(id), 16) % 5 == 0`, never trained on), with 95% bootstrap intervals.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import gzip  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.extract.worthiness import (  # noqa: E402
    GENERIC_HEAD_WORDS, MODEL_PATH, WORD, features, phrase_key)
from kg.names import fold, initials, looks_like_a_name, name_key, singular  # noqa: E402

STOP = set("a an the of for and or in on to with by via from at as is are be we our this that "
           "these those it its their which than then into over under using based can".split())
SENTENCE_END = re.compile(r"[.!?]\s+$")


def is_dev(paper_id: str) -> bool:
    return int(hashlib.sha1(paper_id.encode()).hexdigest(), 16) % 5 == 0


def corpus_texts(data: Path):
    for name in ("arxiv-ml.jsonl.gz", "acl-anthology.jsonl.gz"):
        with gzip.open(data / "corpus" / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                text = record.get("abstract") or ""  # titles are title-cased: no capital cue
                if len(text) > 40:
                    yield text


def document_frequency(data: Path, min_df: int, cache: Path) -> tuple[int, dict]:
    """phrase key → (documents, documents with a mid-sentence occurrence, of those with a
    capital letter in it)."""
    if cache.is_file():
        with gzip.open(cache, "rt", encoding="utf-8") as handle:
            stored = json.load(handle)
        if stored["min_df"] == min_df:
            return stored["documents"], {k: tuple(v) for k, v in stored["phrases"].items()}
    started = time.time()
    df: Counter = Counter()
    mid: Counter = Counter()
    upper: Counter = Counter()
    documents = 0
    for text in corpus_texts(data):
        documents += 1
        text = fold(text)
        tokens = []  # (key word, has capital, starts a sentence)
        for match in re.finditer(r"[A-Za-z0-9]+(?:\.[0-9]+)*", text):
            word = match.group()
            start = match.start()
            sentence_start = start == 0 or bool(SENTENCE_END.search(text[max(0, start - 3):start]))
            tokens.append((singular(word.lower()), any(c.isupper() for c in word), sentence_start))
        seen, seen_mid, seen_upper = set(), set(), set()
        for i in range(len(tokens)):
            if tokens[i][0] in STOP:
                continue
            for n in range(1, 5):
                if i + n > len(tokens):
                    break
                last = tokens[i + n - 1][0]
                if last in STOP:
                    continue
                key = " ".join(t[0] for t in tokens[i:i + n])
                seen.add(key)
                if not tokens[i][2]:
                    seen_mid.add(key)
                    if any(t[1] for t in tokens[i:i + n]):
                        seen_upper.add(key)
        df.update(seen)
        mid.update(seen_mid)
        upper.update(seen_upper)
        if documents % 10000 == 0:
            print(f"  df: {documents} documents, {len(df)} phrases, {time.time() - started:.0f} s",
                  flush=True)
    phrases = {k: (v, mid[k], upper[k]) for k, v in df.items() if v >= min_df}
    cache.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(cache, "wt", encoding="utf-8") as handle:
        json.dump({"min_df": min_df, "documents": documents, "phrases": phrases}, handle)
    return documents, phrases


def english_frequencies(count: int) -> dict[str, float]:
    from wordfreq import top_n_list, zipf_frequency

    found: dict[str, float] = {}
    for word in top_n_list("en", count):
        for key in WORD.findall(word.lower()):
            key = singular(key)
            found[key] = max(found.get(key, 0.0), zipf_frequency(word, "en"))
    return {k: round(v, 2) for k, v in found.items()}


def salient_keys(names: list[str]) -> set[str]:
    return {name_key(name.replace("_", " ")) for name in names} - {""}


def matches_salient(keys: set[str], salient: set[str]) -> bool:
    for key in keys:
        for target in salient:
            if key == target or initials(key) == target.replace(" ", "") or \
                    initials(target) == key.replace(" ", ""):
                return True
            # `SegNet architecture` names SegNet; `neural network` inside `recurrent neural
            # network` names nothing
            if len(target) >= 4 and f" {target} " in f" {key} ":
                return True
    return False


# What the phrase itself says; what the paper says (proposed, catalogue, abbreviation) is
# decided by rules before the model, and salience-only cues (mentions, title) are left out:
# a baseline mentioned once is as nameable as the paper's own method.
MODEL_FEATURES = ("log_df", "df_share", "lowercase_frequent", "capitalised_frequent",
                  "head_log_df", "specificity", "unseen", "capitalised_in_corpus",
                  "lowercase_in_corpus",
                  "english_max", "english_min", "english_one_word", "has_digit", "inner_capital",
                  "all_caps_token", "title_case", "title_case_usually_lower", "lowercase",
                  "words", "generic_head", "plural_head", "data_head", "vague",
                  "label_Method", "label_Dataset", "label_Metric", "label_Task",
                  "source_gazetteer", "source_abbreviation", "source_ner", "source_pattern")


def scirex_examples(data: Path, phrases: dict, english: dict, documents: int,
                    fulltext: bool = True):
    """(paper is dev, evidence, name keys, an annotated mention has its key, name, paper id,
    phrase key) for
    every paper-level entity of the SciREX abstracts, and of the full-text sections of
    SciREX-train papers (`fulltext`)."""
    from kg.extract.paper import paper_extraction
    from kg.extract.pipeline import load_pipeline
    from kg.records import Paper

    nlp = load_pipeline()
    rows = []
    with open(data / "scirex" / "abstracts.jsonl", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    salient_of = {r["id"]: r.get("salient") or [] for r in records}
    texts = [(r["id"], *r["text"].partition("\n")[::2], r["entities"]) for r in records]
    if fulltext:
        with open(data / "scirex" / "fulltext.jsonl", encoding="utf-8") as handle:
            for line in handle:
                section = json.loads(line)
                if section["doc_id"] in salient_of and not is_dev(section["doc_id"]):
                    texts.append((section["doc_id"], "", section["text"], section["entities"]))
    for paper_id, title, abstract, gold in texts:
        paper = Paper(title=title, abstract=abstract, id=paper_id)
        title_doc, abstract_doc = nlp(title), nlp(abstract)
        extraction = paper_extraction(paper, title_doc, abstract_doc, "train", "0",
                                      keep_evidence=True)
        gold_keys = {name_key(e["text"]) for e in gold}
        for entity in extraction["entities"] + extraction["generic_entities"]:
            keys = {name_key(s) for s in [entity["name"], *entity["aliases"]]} - {""}
            rows.append((is_dev(paper_id), entity["evidence"], keys, bool(keys & gold_keys),
                         entity["judged_name"], paper_id,
                         phrase_key(entity["name"])))
    return rows


def pwc_task_names(data: Path) -> set[str]:
    """Phrase keys of the Papers with Code task names of two words or more that have at least
    one dataset: single words (`prediction`, `segmentation`) are too general to name a task,
    and tasks without data are areas or stubs (`Data Mining`, `Computational Efficiency`)."""
    import csv

    names: set[str] = set()
    for path in sorted((data / "pwc-archive").glob("*tasks_detailed.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            names.update(row["Task Name"] for row in csv.DictReader(handle)
                         if (row.get("Dataset Count") or "0").strip().isdigit()
                         and int(row["Dataset Count"]) >= 1)
    keys = {phrase_key(name) for name in names}
    return {key for key in keys if len(key.split()) >= 2}


def established_terms(data: Path, min_papers: int, documents: int, phrases: dict,
                      umbrella: float, labels: set[str]) -> dict[str, list[str]]:
    """label → phrase keys of two words or more annotated with that label in the full text of
    at least `min_papers` SciREX-train papers (`max pooling`, `stochastic gradient descent`,
    `beam search`): techniques many papers use and name alike. Left out: a generic head word
    (`convolutional layer`, `attention mechanism`, `deep learning`), coordinations, and umbrella
    phrases in more than `umbrella` of real abstracts."""
    papers: dict[tuple[str, str], set[str]] = {}
    with open(data / "scirex" / "fulltext.jsonl", encoding="utf-8") as handle:
        for line in handle:
            section = json.loads(line)
            if is_dev(section["doc_id"]):
                continue
            for entity in section["entities"]:
                if entity["label"] not in labels:
                    continue
                key = phrase_key(entity["text"])
                papers.setdefault((entity["label"], key), set()).add(section["doc_id"])
    found: dict[str, list[str]] = {}
    for (label, key), seen in sorted(papers.items()):
        words = key.split()
        # `approaches` is `approache` to `singular`
        if len(seen) < min_papers or len(words) < 2 or \
                words[-1] in GENERIC_HEAD_WORDS | {"approache"} or \
                not words[-1].isalpha() or {"and", "or", "of"} & set(words) or \
                phrases.get(key, (0,))[0] >= umbrella * documents:
            continue
        found.setdefault(label, []).append(key)
    return found


def corpus_entities(data: Path, count: int) -> dict[str, tuple[str, object, int]]:
    """phrase key → (name, evidence, papers) of the entities the pipeline finds in `count`
    real abstracts: arXiv outside 2017-2019 (kept for the top-entities check) and ACL, half
    each, every n-th record. Catalogue, proposed and coined entities are left out: rules
    decide those, the model never sees them."""
    from kg.extract.paper import paper_extraction
    from kg.extract.pipeline import load_pipeline
    from kg.records import Paper

    papers = []
    for name, keep in (("arxiv-ml.jsonl.gz", lambda r: r.get("year") not in (2017, 2018, 2019)),
                       ("acl-anthology.jsonl.gz", lambda r: True)):
        with gzip.open(data / "corpus" / name, "rt", encoding="utf-8") as handle:
            records = [r for r in map(json.loads, handle) if keep(r) and r.get("abstract")]
        step = max(1, len(records) // (count // 2))
        papers += [Paper(title=r.get("title") or "", abstract=r["abstract"], id=r["id"])
                   for r in records[::step][:count // 2]]
    nlp = load_pipeline()
    docs = nlp.pipe((text for p in papers for text in (p.title, p.abstract)), batch_size=64)
    found: dict[str, tuple[str, object, int]] = {}
    for paper in papers:
        record = paper_extraction(paper, next(docs), next(docs), "train", "0", keep_evidence=True)
        for entity in record["entities"] + record["generic_entities"]:
            evidence = entity["evidence"]
            if evidence.in_catalogue or evidence.proposed or evidence.coined_abbreviation:
                continue
            key = phrase_key(entity["name"])
            name, first, papers_seen = found.get(key, (entity["judged_name"], evidence, 0))
            found[key] = (name, first, papers_seen + 1)
    return found


def catalogue_examples(phrases: dict, english: dict, documents: int, weight: float):
    """Catalogue names that real abstracts use (at least `--min-df` of them) as positives, each
    judged as the recogniser alone would see it (no catalogue evidence): what named tasks,
    datasets, metrics and methods look like beyond the SciREX papers."""
    from kg.extract.gazetteer import load_gazetteer
    from kg.extract.worthiness import Evidence

    rows = []
    for entry in load_gazetteer():
        key = phrase_key(entry["name"])
        if key not in phrases or not looks_like_a_name(entry["name"]):
            continue  # lower-case catalogue names are kept by the catalogue rule, not the model
        evidence = Evidence(label=entry["label"], source="ner", in_catalogue=False, proposed=False,
                            coined_abbreviation=False, defined=False, mentions=1, in_title=False)
        rows.append((features(entry["name"], evidence, phrases, english, documents), weight))
    return rows


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float, steps: int = 3000) -> np.ndarray:
    """Weighted L2 logistic regression by Newton steps; x is standardised, bias first."""
    x1 = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(x1.shape[1])
    penalty = np.full(x1.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(min(steps, 50)):
        p = 1 / (1 + np.exp(-np.clip(x1 @ beta, -30, 30)))
        gradient = x1.T @ (w * (p - y)) + penalty * beta
        hessian = (x1 * (w * p * (1 - p))[:, None]).T @ x1 + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def predict(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(beta[0] + x @ beta[1:], -30, 30)))


def precision_recall(keep: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    tp = float((keep & y).sum())
    return tp / max(keep.sum(), 1), tp / max(y.sum(), 1)


def bootstrap(keep: np.ndarray, y: np.ndarray, groups: np.ndarray, rounds: int = 1000):
    """95% intervals of precision and recall, papers resampled."""
    rng = np.random.default_rng(42)
    papers = np.unique(groups)
    index = {p: np.flatnonzero(groups == p) for p in papers}
    values = []
    for _ in range(rounds):
        rows = np.concatenate([index[p] for p in rng.choice(papers, len(papers))])
        values.append(precision_recall(keep[rows], y[rows]))
    values = np.array(values)
    return np.percentile(values, [2.5, 97.5], axis=0).T


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--min-df", type=int, default=4)
    ap.add_argument("--max-phrases", type=int, default=250_000)
    ap.add_argument("--english-words", type=int, default=40_000)
    ap.add_argument("--weak", type=float, default=0.3,
                    help="weight of annotated non-salient negatives")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--recall", type=float, default=0.9, help="salient recall the threshold keeps")
    ap.add_argument("--reuse-examples", action="store_true",
                    help="reuse build/worthiness/examples.pickle of the last run (same pipeline)")
    ap.add_argument("--catalogue-weight", type=float, default=0.5,
                    help="weight of catalogue names as positives (0: none)")
    ap.add_argument("--corpus-abstracts", type=int, default=8000,
                    help="real abstracts whose frequent non-catalogue entities are negatives "
                         "(0: none)")
    ap.add_argument("--corpus-weight", type=float, default=30.0,
                    help="weight of each frequent corpus phrase as a negative")
    ap.add_argument("--frequent", type=int, default=100,
                    help="documents (of the corpus) that make a phrase frequent")
    ap.add_argument("--umbrella", type=float, default=0.01,
                    help="share of abstracts above which a task name is an umbrella term")
    ap.add_argument("--threshold-rule", choices=("f1", "recall"), default="f1",
                    help="f1: the threshold of the best cross-validated F1 on salient labels; "
                         "recall: the one that keeps --recall of them")
    ap.add_argument("--rare-df", type=int, default=50,
                    help="an abbreviated long form in fewer abstracts than this is a term")
    ap.add_argument("--established-papers", type=int, default=3,
                    help="SciREX-train papers whose full text must annotate a phrase with its "
                         "label for the `established` rule (0: no such rule)")
    ap.add_argument("--established-labels", default="Method",
                    help="labels the `established` rule covers, comma-separated (full-text "
                         "Metric and Task phrases include qualities such as `computational cost`)")
    ap.add_argument("--abstracts-only", action="store_true", help="train without the full text")
    args = ap.parse_args()

    started = time.time()
    cache = ROOT / "build" / "worthiness" / "phrases-abstracts.json.gz"
    documents, phrases = document_frequency(args.data, args.min_df, cache)
    phrases = dict(sorted(phrases.items(), key=lambda kv: -kv[1][0])[:args.max_phrases])
    print(f"phrases: {len(phrases)} from {documents} abstracts ({time.time() - started:.0f} s)")
    english = english_frequencies(args.english_words)

    examples = ROOT / "build" / "worthiness" / "examples.pickle"
    if args.reuse_examples and examples.is_file():
        rows = pickle.loads(examples.read_bytes())
    else:
        rows = scirex_examples(args.data, phrases, english, documents,
                               fulltext=not args.abstracts_only)
        examples.write_bytes(pickle.dumps(rows))
    salient_of = {}
    with open(args.data / "scirex" / "abstracts.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            salient_of[record["id"]] = salient_keys(record.get("salient") or [])
    raw_rows = rows
    rows = [(dev, features(name, evidence, phrases, english, documents),
             matches_salient(keys, salient_of[paper]), 1.0 if not annotated else None, name,
             paper, key) for dev, evidence, keys, annotated, name, paper, key in rows]
    names = list(MODEL_FEATURES)
    # umbrella fields are task names too (`deep learning`, in 4% of abstracts): left to the model
    task_names = {key for key in pwc_task_names(args.data)
                  if phrases.get(key, (0,))[0] < args.umbrella * documents}
    if args.catalogue_weight > 0:
        catalogue = catalogue_examples(phrases, english, documents, args.catalogue_weight)
        print(f"catalogue positives: {len(catalogue)} (weight {args.catalogue_weight})")
        rows += [(False, values, True, weight, "", "catalogue", "") for values, weight in catalogue]
    if args.corpus_abstracts:
        corpus = ROOT / "build" / "worthiness" / "corpus-entities.pickle"
        if args.reuse_examples and corpus.is_file():
            entities = pickle.loads(corpus.read_bytes())
        else:
            entities = corpus_entities(args.data, args.corpus_abstracts)
            corpus.write_bytes(pickle.dumps(entities))
        salient_anywhere = {r[6] for r in rows if r[2] and not r[0]}
        frequent = [(name, evidence) for key, (name, evidence, _) in sorted(entities.items())
                    if phrases.get(key, (0,))[0] >= args.frequent and key not in salient_anywhere
                    and key not in task_names]
        print(f"corpus negatives: {len(frequent)} frequent phrases no catalogue or salient "
              f"list names, of {len(entities)} found in {args.corpus_abstracts} abstracts")
        rows += [(False, features(name, evidence, phrases, english, documents), False,
                  args.corpus_weight, name, "corpus", phrase_key(name))
                 for name, evidence in frequent]
    established = (established_terms(args.data, args.established_papers, documents, phrases,
                                     args.umbrella, set(args.established_labels.split(",")))
                   if args.established_papers else {})
    print("established terms: " + ", ".join(f"{label} {len(keys)}"
                                             for label, keys in sorted(established.items())))
    x = np.array([[r[1][n] for n in names] for r in rows])
    dev = np.array([r[0] for r in rows])
    # a phrase salient in any train paper names a thing wherever it occurs: the label is the
    # phrase's, not the mention's (`LSTM` as a baseline is as nameable as `LSTM` proposed)
    named = {r[6] for r in rows if r[2] and not r[0]} - {""}
    y = np.array([r[2] if r[0] else r[2] or r[6] in named for r in rows], dtype=bool)
    w = np.array([r[3] if r[5] in ("catalogue", "corpus") else 1.0 if y[i] or r[3] is not None
                  else args.weak
                  for i, r in enumerate(rows)])
    y_dev_salient = np.array([r[2] for r in rows], dtype=bool)
    groups = np.array([r[5] for r in rows])  # bootstrap resamples papers
    print(f"examples: train {(~dev).sum()} ({y[~dev].sum()} salient), dev {dev.sum()} "
          f"({y[dev].sum()} salient)")

    mean = x[~dev].mean(axis=0)
    scale = x[~dev].std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    train = np.flatnonzero(~dev)
    folds = np.array([int(hashlib.sha1(groups[i].encode()).hexdigest(), 16) // 5 % 5
                      for i in train])  # by paper
    cv_scores = np.zeros(len(train))
    for fold in range(5):
        part = train[folds != fold]
        beta = fit(z[part], y[part].astype(float), w[part], args.l2)
        cv_scores[folds == fold] = predict(beta, z[train[folds == fold]])
    from_scirex = ~np.isin(groups[train], ["catalogue", "corpus"])
    positives = np.sort(cv_scores[y[train] & from_scirex])
    if args.threshold_rule == "recall":
        threshold = float(positives[int((1 - args.recall) * len(positives))])
    else:  # the best F1 of salient-or-not over the cross-validated SciREX-train scores
        scores, labels = cv_scores[from_scirex], y[train][from_scirex]
        candidates = np.unique(np.round(scores, 4))
        f1 = [2 * (labels & (scores >= t)).sum() / max((scores >= t).sum() + labels.sum(), 1)
              for t in candidates]
        threshold = float(candidates[int(np.argmax(f1))])
    beta = fit(z[train], y[train].astype(float), w[train], args.l2)

    # on dev the rules come first, as in `kg.extract.worthiness.judge`
    ruled = np.array([r[1]["proposed"] or r[1]["catalogue"] or r[1]["coined_abbreviation"]
                      for r in rows], dtype=bool)
    not_vague = x[dev, names.index("vague")] == 0
    keep_dev = ((predict(beta, z[dev]) >= threshold) | ruled[dev]) & not_vague
    model_only = predict(beta, z[dev]) >= threshold
    precision, recall = precision_recall(keep_dev, y_dev_salient[dev])
    intervals = bootstrap(keep_dev, y_dev_salient[dev], groups[dev])
    baseline_p, baseline_r = precision_recall(np.ones(dev.sum(), dtype=bool), y_dev_salient[dev])
    model_p, model_r = precision_recall(model_only, y_dev_salient[dev])
    print(f"model alone on SciREX-dev: precision {model_p:.3f}, recall {model_r:.3f}")
    print(f"threshold {threshold:.3f} ({args.threshold_rule} rule on SciREX-train, 5-fold CV)")
    print(f"SciREX-dev salient: precision {precision:.3f} [{intervals[0][0]:.3f}, "
          f"{intervals[0][1]:.3f}], recall {recall:.3f} [{intervals[1][0]:.3f}, "
          f"{intervals[1][1]:.3f}], kept {keep_dev.sum()}/{dev.sum()} "
          f"(keep-all: precision {baseline_p:.3f}, recall {baseline_r:.3f})")
    for name, weight in sorted(zip(names, beta[1:]), key=lambda nw: -abs(nw[1])):
        print(f"  {weight:+.2f} {name}")

    model = {"documents": documents, "phrases": phrases, "english": english, "features": names,
             "weights": [round(float(b), 5) for b in beta],
             "mean": [round(float(m), 6) for m in mean],
             "scale": [round(float(s), 6) for s in scale], "threshold": round(threshold, 4),
             "task_names": sorted(task_names), "rare_df": args.rare_df,
             "umbrella": args.umbrella, "established": established,
             "trained": {"examples": int((~dev).sum()), "positives": int(y[~dev].sum()),
                         "dev_precision": round(precision, 3), "dev_recall": round(recall, 3)}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    with gzip.GzipFile(tmp, "wb", mtime=0) as handle:
        handle.write(json.dumps(model, separators=(",", ":")).encode())
    tmp.replace(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in "
          f"{time.time() - started:.0f} s")

    # the shipped decision (rules, then the model) on SciREX-dev, as the pipeline makes it
    from kg.extract.worthiness import WorthinessModel, judge

    shipped = WorthinessModel(model)
    dev_rows = [(r, y_dev_salient[i]) for i, r in enumerate(raw_rows) if r[0]]
    kept = np.array([not judge(r[4], r[1], shipped).generic for r, _ in dev_rows])
    salient = np.array([label for _, label in dev_rows])
    papers = np.array([r[5] for r, _ in dev_rows])
    precision, recall = precision_recall(kept, salient)
    (p_low, p_high), (r_low, r_high) = bootstrap(kept, salient, papers)
    print(f"shipped rules + model on SciREX-dev salient ({len(set(papers))} papers, "
          f"{salient.sum()} salient of {len(salient)} entities): precision {precision:.3f} "
          f"[{p_low:.3f}, {p_high:.3f}], recall {recall:.3f} [{r_low:.3f}, {r_high:.3f}], "
          f"kept {kept.sum()}")


if __name__ == "__main__":
    main()
