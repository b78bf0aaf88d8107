#!/usr/bin/env python
"""Train the kg NER model (Method, Dataset, Metric, Task) from the shared annotated data.

    python scripts/train_ner.py [--data ../shared/data] [--out kg/extract/models/ner]

Steps: (1) convert to DocBin files in build/ner/: SciREX-train abstracts, the SciREX full text of
SciREX-train papers only (sections split into chunks of whole sentences, --chunk-tokens; a fixed
hash of the chunk id keeps --fulltext of them), SciERC train + dev, TDMSci train (method names known
from the other sets marked missing, as TDMSci annotates no Method); (2) fixed splits: SciREX
records with int(sha1(id).hexdigest(), 16) % 5 == 0 are SciREX-dev (abstract and full text never
trained on; the dev set picks the best checkpoint and is scored), SciERC test is held out, and
--tdmsci-heldout K holds out the TDMSci sentences with int(sha1(id), 16) % 5 == K (cross-validation;
the TDMSci test split is not in the project); (3) spaCy training with configs/ner_tagger.cfg
(seed 42; configs/ner.cfg is the transition-based NER it was measured against); (4) copy the best
model to --out and print exact-span per-label P/R/F on SciREX-dev, SciERC test and the held-out
TDMSci fold.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402
from spacy.util import filter_spans  # noqa: E402

import kg.extract.biluo  # noqa: E402,F401  (registers kg_biluo_entities)
import kg.extract.blas_ops  # noqa: E402,F401  (registers kg.use_blas_ops.v1)
import kg.extract.tokenizer  # noqa: E402,F401  (registers kg.scientific_tokenizer.v1)
from kg.extract.tokenizer import make_blank_nlp  # noqa: E402

LABELS = ("Method", "Dataset", "Metric", "Task")
# meta.json "version" of the model this script trains (part of kg's extractor version, which
# keys resumable builds): bump it when the training data or recipe changes
MODEL_VERSION = "0.3.0"
SCIERC_KEEP = {"Method": "Method", "Task": "Task", "Metric": "Metric"}
SCIERC_DROP = {"Generic", "OtherScientificTerm"}  # spans become "outside"
# SciERC OtherScientificTerm: "outside", or "missing" (not trained on either way): SciREX
# annotates many such terms (`dilated convolutions`, `n-grams`) as Method. Set by --other-terms.
OTHER_TERMS = "outside"
SCIERC_TASKS = "keep"


# ---------------------------------------------------------------- data


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def is_scirex_dev(record_id: str) -> bool:
    """The fixed SciREX split: sha1(id) % 5 == 0 is dev."""
    return int(hashlib.sha1(record_id.encode("utf-8")).hexdigest(), 16) % 5 == 0


_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "}", "%", "?", "!", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m"}
_NO_SPACE_AFTER = {"(", "[", "{"}


def detokenise(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Undo the space-separated tokenisation ("state - of - the - art" -> "state-of-the-art",
    "( i.e. , x )" -> "(i.e., x)"), remapping entity offsets. Only spaces are removed."""
    toks = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    join = [False] * len(toks)  # join[i]: no space between token i-1 and token i
    for i in range(1, len(toks)):
        gap = text[toks[i - 1][1] : toks[i][0]]
        if "\n" in gap:
            continue
        prev, cur = text[slice(*toks[i - 1])], text[slice(*toks[i])]
        if cur in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER:
            join[i] = True
        if cur == "-" and i + 1 < len(toks) and prev[-1:].isalnum():
            nxt = text[slice(*toks[i + 1])]
            if nxt[:1].isalnum() and "\n" not in text[toks[i][1] : toks[i + 1][0]]:
                join[i] = join[i + 1] = True
    out: list[str] = []
    new_pos = [0] * (len(text) + 1)
    pos = 0
    last = 0
    for i, (s, e) in enumerate(toks):
        gap = text[last:s]
        if i > 0 and join[i]:
            gap = ""
        for k in range(last, s):
            new_pos[k] = pos
        out.append(gap)
        pos += len(gap)
        for k in range(s, e):
            new_pos[k] = pos + (k - s)
        out.append(text[s:e])
        pos += e - s
        last = e
    for k in range(last, len(text) + 1):
        new_pos[k] = pos + (k - last)
    out.append(text[last:])
    new_text = "".join(out)
    new_ents = []
    for ent in entities:
        s, e = new_pos[ent["start"]], new_pos[ent["end"] - 1] + 1
        new_ents.append({**ent, "start": s, "end": e, "text": new_text[s:e]})
    return new_text, new_ents


def map_label(label: str, source: str, material: str) -> str | None:
    """Target label, "missing" (unknown, not trained on) or None (outside)."""
    if label == "MethodMissing":
        return "missing"
    if source in ("scirex", "tdmsci"):
        return label if label in LABELS else None
    if label == "Task" and SCIERC_TASKS == "missing":
        return "missing"
    if label in SCIERC_KEEP:
        return SCIERC_KEEP[label]
    if label == "Material":
        return {"dataset": "Dataset", "missing": "missing", "drop": None}[material]
    if label == "OtherScientificTerm" and OTHER_TERMS == "missing":
        return "missing"
    return None


def to_doc(nlp, record: dict, source: str, material: str, stats: Counter):
    """One spaCy Doc with gold entities; misaligned or overlapping gold spans become missing."""
    doc = nlp.make_doc(record["text"])
    ents, missing = [], []
    for ent in record["entities"]:
        label = map_label(ent["label"], source, material)
        if label is None:
            continue
        span = doc.char_span(ent["start"], ent["end"], alignment_mode="strict")
        if span is None:
            stats["misaligned"] += 1
            span = doc.char_span(ent["start"], ent["end"], alignment_mode="expand")
            if span is not None:
                missing.append(span)
            continue
        if label == "missing":
            missing.append(span)
        else:
            ents.append(spacy.tokens.Span(doc, span.start, span.end, label=label))
            stats["aligned"] += 1
    kept = filter_spans(ents)
    stats["overlap_dropped"] += len(ents) - len(kept)
    kept_tokens = {i for s in kept for i in range(s.start, s.end)}
    missing = [s for s in filter_spans(missing) if not kept_tokens & set(range(s.start, s.end))]
    missing += [s for s in ents if s not in kept and not kept_tokens & set(range(s.start, s.end))]
    doc.set_ents(kept, missing=filter_spans(missing), default="outside")
    # the same annotation as BILUO tags, for the tagger recogniser (configs/ner_tagger.cfg);
    # a token whose annotation is missing keeps an empty tag, which the tagger does not learn from
    tags = ["O" if token.ent_iob_ == "O" else "" for token in doc]
    for ent in doc.ents:
        if len(ent) == 1:
            tags[ent.start] = f"U-{ent.label_}"
        else:
            tags[ent.start:ent.end] = ([f"B-{ent.label_}"] + [f"I-{ent.label_}"] * (len(ent) - 2)
                                       + [f"L-{ent.label_}"])
    for token, tag in zip(doc, tags):
        token.tag_ = tag
    return doc


def hash_fraction(key: str) -> float:
    """A fixed pseudo-random number in [0, 1) for `key` (sampling full-text chunks by rule)."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 10_000 / 10_000


def tdmsci_fold(record_id: str, folds: int) -> int:
    """The fixed TDMSci cross-validation fold of a sentence: int(sha1(id), 16) % folds."""
    return int(hashlib.sha1(record_id.encode("utf-8")).hexdigest(), 16) % folds


_SENTENCE_END = {".", "?", "!"}


def chunk_section(record: dict, max_tokens: int, stats: Counter) -> list[dict]:
    """Split a space-tokenised full-text section into chunks of whole sentences (a sentence ends
    at a `.`, `?` or `!` token) of at most `max_tokens` tokens; a longer sentence is a chunk of its
    own. Entities are re-offset into their chunk; one that crosses a chunk boundary is dropped."""
    text = record["text"]
    toks = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    sentences, start = [], 0
    for i, (s, e) in enumerate(toks):
        if text[s:e] in _SENTENCE_END or i == len(toks) - 1:
            sentences.append((start, i + 1))
            start = i + 1
    chunks, cur = [], None
    for a, b in sentences:
        if cur is not None and b - cur[0] <= max_tokens:
            cur = (cur[0], b)
        else:
            if cur is not None:
                chunks.append(cur)
            cur = (a, b)
    if cur is not None:
        chunks.append(cur)
    out = []
    for k, (a, b) in enumerate(chunks):
        cs, ce = toks[a][0], toks[b - 1][1]
        ents = []
        for ent in record["entities"]:
            if cs <= ent["start"] and ent["end"] <= ce:
                ents.append({**ent, "start": ent["start"] - cs, "end": ent["end"] - cs})
            elif ent["start"] < ce and ent["end"] > cs:
                stats["fulltext_crossing_dropped"] += 1
        out.append({"id": f"{record['id']}#{k}", "doc_id": record["doc_id"], "text": text[cs:ce], "entities": ents})
    return out


def fulltext_chunks(data: Path, train_ids: set[str], fraction: float, max_tokens: int,
                    labels: frozenset[str] = frozenset(LABELS)) -> list[dict]:
    """Chunks of the SciREX full text of SciREX-train papers only (a section's `doc_id` is its
    paper's abstract id; sections of SciREX-dev papers and of papers without an abstract in
    abstracts.jsonl are never used), each kept iff hash_fraction(chunk id) < `fraction`. Spans
    of a label not in `labels` are marked missing (`MethodMissing`: not trained on)."""
    stats: Counter = Counter()
    kept = []
    for rec in read_jsonl(data / "scirex" / "fulltext.jsonl"):
        if rec["doc_id"] not in train_ids:
            stats["sections_not_train"] += 1
            continue
        stats["sections"] += 1
        for chunk in chunk_section(rec, max_tokens, stats):
            stats["chunks"] += 1
            if hash_fraction(chunk["id"]) < fraction:
                kept.append({**chunk, "entities": [
                    e if e["label"] in labels else {**e, "label": "MethodMissing"}
                    for e in chunk["entities"]]})
    stats["chunks_kept"] = len(kept)
    print(f"[fulltext] {dict(stats)}", flush=True)
    return kept


def method_lexicon(train: list[tuple[str, dict]], min_count: int = 3) -> set[str]:
    """Method names annotated at least `min_count` times in the training material (at least 2
    characters): the names whose occurrences in TDMSci sentences are marked missing."""
    counts = Counter(e["text"] for _, r in train for e in r["entities"] if e["label"] == "Method")
    return {name for name, n in counts.items() if n >= min_count and len(name) >= 2}


def _lexicon_key(text: str) -> str:
    return text.split(" ")[0].split("-")[0][:4]


def lexicon_index(lexicon: set[str]) -> dict[str, list[str]]:
    """The names by the first four characters of their first word, longest first."""
    index: dict[str, list[str]] = {}
    for name in sorted(lexicon, key=len, reverse=True):
        index.setdefault(_lexicon_key(name), []).append(name)
    return index


def mark_methods_missing(record: dict, index: dict[str, list[str]]) -> dict:
    """`record` with every whole-word occurrence of a lexicon name (`lexicon_index`) that
    overlaps no gold entity added as a `MethodMissing` entity (not trained on, see map_label)."""
    if not index:
        return record
    taken = [(e["start"], e["end"]) for e in record["entities"]]
    extra = []
    text = record["text"]
    for m in re.finditer(r"\S+", text):
        for name in index.get(_lexicon_key(m.group()), ()):
            s, e = m.start(), m.start() + len(name)
            if text[s:e] != name or (e < len(text) and text[e].isalnum()):
                continue
            if any(s < b and e > a for a, b in taken):
                continue
            extra.append({"start": s, "end": e, "label": "MethodMissing", "text": name})
            taken.append((s, e))
    return {**record, "entities": record["entities"] + extra} if extra else record


def load_splits(data: Path, scirex_copies: int = 1, fulltext: float = 0.0, chunk_tokens: int = 120,
                tdmsci: bool = True, tdmsci_folds: int = 5,
                heldout_fold: int | None = None,
                tdmsci_methods: str = "missing", tdmsci_copies: int = 3,
                tdmsci_dev: float = 0.0,
                fulltext_labels: frozenset[str] = frozenset(LABELS)) -> dict[str, list[tuple[str, dict]]]:
    """`scirex_copies`: how many times each SciREX-train abstract is trained on (SciERC's
    annotation guidelines differ, and it has four times as many abstracts). `fulltext`: the
    fraction of SciREX-train full-text chunks trained on, `fulltext_labels` the labels of theirs
    trained on (the others' spans are missing). `heldout_fold`: the TDMSci fold held out
    (evaluated as `tdmsci_heldout`, not trained on); None trains on all of TDMSci train.
    `tdmsci_methods`: TDMSci does not annotate Method, so its sentences would teach that every
    method is outside; "missing" marks the occurrences of known method names (`method_lexicon`)
    as not annotated instead, "outside" leaves them. `tdmsci_dev`: the share of TDMSci train
    sentences (outside the held-out fold, by `is_tdmsci_dev`) moved from training to the dev set
    that picks the checkpoint, beside SciREX-dev."""
    scirex = read_jsonl(data / "scirex" / "abstracts.jsonl")
    train_ids = {r["id"] for r in scirex if not is_scirex_dev(r["id"])}
    train = [("scirex", r) for r in scirex if r["id"] in train_ids] * scirex_copies
    train += [("scierc", r) for split in ("train", "dev") for r in read_jsonl(data / "scierc" / f"{split}.jsonl")]
    if fulltext > 0:
        train += [("scirex", r) for r in fulltext_chunks(data, train_ids, fulltext, chunk_tokens, fulltext_labels)]
    heldout, tdmsci_dev_set = [], []
    if tdmsci:
        lexicon = lexicon_index(method_lexicon(train) if tdmsci_methods == "missing" else set())
        for r in read_jsonl(data / "tdmsci" / "train.jsonl"):
            if heldout_fold is not None and tdmsci_fold(r["id"], tdmsci_folds) == heldout_fold:
                heldout.append(("tdmsci", r))
            elif is_tdmsci_dev(r["id"], tdmsci_dev):
                tdmsci_dev_set.append(("tdmsci", mark_methods_missing(r, lexicon)))
            else:
                train += [("tdmsci", mark_methods_missing(r, lexicon))] * tdmsci_copies
    splits = {
        "train": train,
        "scirex_dev": [("scirex", r) for r in scirex if is_scirex_dev(r["id"])],
        "scierc_test": [("scierc", r) for r in read_jsonl(data / "scierc" / "test.jsonl")],
    }
    if heldout:
        splits["tdmsci_heldout"] = heldout
    if tdmsci_dev_set:
        splits["tdmsci_dev"] = tdmsci_dev_set
    return splits


def is_tdmsci_dev(sentence_id: str, share: float) -> bool:
    """A fixed share of TDMSci sentences for checkpoint selection, by a hash other than the
    folds' (`sha1("dev:" + id)`), so it takes a part of every fold."""
    return share > 0 and int(hashlib.sha1(f"dev:{sentence_id}".encode()).hexdigest(), 16) % 10000 < share * 10000


def detok_record(record: dict) -> dict:
    text, ents = detokenise(record["text"], record["entities"])
    return {**record, "text": text, "entities": ents}


def build_docbins(splits, build: Path, material: str, detok: str) -> dict[str, Path]:
    nlp = make_blank_nlp()
    build.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in ("train", "scirex_dev"):
        stats: Counter = Counter()
        db = DocBin(store_user_data=False)
        for source, rec in splits[name] + (splits.get("tdmsci_dev", []) if name == "scirex_dev" else []):
            # dev (checkpoint selection) always holds both the pre-tokenised and the de-tokenised copy
            mode = "add" if name == "scirex_dev" else detok
            if mode == "mix":  # half the abstracts de-tokenised, chosen by a fixed hash of the id
                mode = "only" if int(hashlib.sha1(rec["id"].encode()).hexdigest(), 16) % 2 else "none"
            variants = {"none": [rec], "add": [rec, detok_record(rec)], "only": [detok_record(rec)]}[mode]
            for r in variants:
                db.add(to_doc(nlp, r, source, material, stats))
        paths[name] = build / f"{name}.spacy"
        db.to_disk(paths[name])
        print(f"[convert] {name}: {len(db)} docs, {dict(stats)}", flush=True)
    return paths


# ---------------------------------------------------------------- evaluation


def gold_spans(record: dict, source: str) -> set[tuple[int, int, str]]:
    out = set()
    for e in record["entities"]:
        label = e["label"] if source == "scirex" else {"Material": "Dataset"}.get(e["label"], e["label"])
        if label in LABELS:
            out.add((e["start"], e["end"], label))
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "pred": n_pred, "gold": n_gold}


def evaluate(nlp, items: list[tuple[str, dict]], labels=LABELS) -> dict:
    """Exact character-span match per label and micro over ``labels``."""
    tp, npred, ngold = Counter(), Counter(), Counter()
    docs = nlp.pipe((r["text"] for _, r in items), batch_size=64)
    for (source, rec), doc in zip(items, docs):
        gold = gold_spans(rec, source)
        pred = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        for s in gold:
            ngold[s[2]] += 1
        for s in pred:
            npred[s[2]] += 1
            tp[s[2]] += s in gold
    res = {lab: prf(tp[lab], npred[lab], ngold[lab]) for lab in LABELS}
    res["micro"] = prf(sum(tp[x] for x in labels), sum(npred[x] for x in labels), sum(ngold[x] for x in labels))
    return res


def report(nlp, splits) -> dict:
    detok_dev = [(s, detok_record(r)) for s, r in splits["scirex_dev"]]
    scores = {
        "scirex_dev": evaluate(nlp, splits["scirex_dev"]),
        "scirex_dev_detok": evaluate(nlp, detok_dev),
        # SciERC has no Dataset label: micro over Method/Metric/Task; the Dataset row scores against Material.
        "scierc_test": evaluate(nlp, splits["scierc_test"], labels=("Method", "Metric", "Task")),
    }
    if "tdmsci_heldout" in splits:  # TDMSci annotates no Method: micro over Task/Dataset/Metric
        scores["tdmsci_heldout"] = evaluate(nlp, splits["tdmsci_heldout"], labels=("Task", "Dataset", "Metric"))
    for name, res in scores.items():
        print(f"\n== {name} (exact span)")
        print(f"{'label':8} {'P':>6} {'R':>6} {'F':>6} {'gold':>5}")
        for lab in (*LABELS, "micro"):
            r = res[lab]
            print(f"{lab:8} {r['p']:6.3f} {r['r']:6.3f} {r['f']:6.3f} {r['gold']:5d}")
    return scores


def speed(nlp, texts: list[str], n: int = 300) -> tuple[float, float]:
    """Abstracts per second in one process: (wall clock, CPU time of this process)."""
    texts = (texts * (n // max(len(texts), 1) + 1))[:n]
    list(nlp.pipe(texts[:20]))  # warm up
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=64, n_process=1):
        pass
    return n / (time.perf_counter() - wall), n / (time.process_time() - cpu)


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "kg" / "extract" / "models" / "ner")
    ap.add_argument("--config", type=Path, default=ROOT / "configs" / "ner_tagger.cfg")
    ap.add_argument("--build", type=Path, default=ROOT / "build" / "ner")
    ap.add_argument("--material", choices=("drop", "dataset", "missing"), default="dataset",
                    help="SciERC Material: drop (outside), map to Dataset, or missing (not trained on)")
    ap.add_argument("--detok", choices=("none", "add", "only", "mix"), default="none",
                    help="train on de-tokenised copies too (add), instead (only), or for a fixed half (mix)")
    ap.add_argument("--epochs", type=int, default=None, help="override training.max_epochs")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--other-terms", choices=("outside", "missing"), default="outside",
                    help="SciERC OtherScientificTerm spans: trained as outside, or not trained on")
    ap.add_argument("--fulltext-labels", default=",".join(LABELS),
                    help="labels of the SciREX full text trained on (comma-separated); its other "
                         "spans are marked missing (not trained on)")
    ap.add_argument("--scierc-tasks", choices=("keep", "missing"), default="keep",
                    help="SciERC Task spans: trained on, or not trained on (SciERC's tasks are "
                         "broader than TDMSci's and SciREX's)")
    ap.add_argument("--scirex-copies", type=int, default=1,
                    help="train on each SciREX-train abstract this many times")
    ap.add_argument("--fulltext", type=float, default=1.0,
                    help="fraction of the SciREX-train full-text chunks trained on (0 = none)")
    ap.add_argument("--chunk-tokens", type=int, default=120,
                    help="full-text sections are split into chunks of whole sentences of at most this many tokens")
    ap.add_argument("--no-tdmsci", dest="tdmsci", action="store_false", help="do not train on TDMSci train")
    ap.add_argument("--tdmsci-methods", choices=("missing", "outside"), default="missing",
                    help="known method names in TDMSci sentences (which annotate no Method): not trained on, or outside")
    ap.add_argument("--tdmsci-copies", type=int, default=5, help="train on each TDMSci sentence this many times")
    ap.add_argument("--tdmsci-folds", type=int, default=5)
    ap.add_argument("--tdmsci-dev", type=float, default=0.0, metavar="SHARE",
                    help="move this share of TDMSci train sentences into the checkpoint-selection dev set")
    ap.add_argument("--tdmsci-heldout", type=int, default=None, metavar="FOLD",
                    help="cross-validation: hold out TDMSci sentences with sha1(id) %% folds == FOLD and score them")
    ap.add_argument("--vectors", type=Path, default=ROOT / "build" / "vectors" / "spacy",
                    help="static word vectors (the spaCy vectors folder scripts/train_vectors.py writes) added to "
                         "the tok2vec's input; they ship inside the model")
    ap.add_argument("--no-vectors", dest="vectors", action="store_const", const=None,
                    help="no static word vectors (the recipe of models before 0.3.0)")
    ap.add_argument("--init-tok2vec", type=Path, default=None, metavar="BIN",
                    help="start the tok2vec from these pretrained weights (scripts/pretrain_tok2vec.py "
                         "writes them; pretrained with the same vectors)")
    ap.add_argument("--from-model", type=Path, default=None, metavar="DIR",
                    help="do not train: score and ship this trained pipeline (e.g. a model-best that "
                         "scripts/ner_device_cv.py trained with the same recipe)")
    args = ap.parse_args()
    if args.vectors is not None and args.from_model is None and not (args.vectors / "vocab" / "vectors").exists():
        ap.error(f"no word vectors at {args.vectors}: run scripts/train_vectors.py first, or pass --no-vectors")

    global OTHER_TERMS, SCIERC_TASKS
    OTHER_TERMS = args.other_terms
    SCIERC_TASKS = args.scierc_tasks
    fulltext_labels = frozenset(label.strip() for label in args.fulltext_labels.split(","))
    if not fulltext_labels <= set(LABELS):
        ap.error(f"--fulltext-labels: each of {', '.join(LABELS)}")
    splits = load_splits(args.data, args.scirex_copies, args.fulltext, args.chunk_tokens, args.tdmsci,
                         args.tdmsci_folds, args.tdmsci_heldout, args.tdmsci_methods, args.tdmsci_copies,
                         args.tdmsci_dev, fulltext_labels)
    print({k: len(v) for k, v in splits.items()}, flush=True)
    run_dir = args.build / "run"
    if args.from_model is None:
        train_model(args, build_docbins(splits, args.build, args.material, args.detok), run_dir)
    nlp = spacy.load(args.from_model or run_dir / "model-best")
    ship(nlp, splits, args)


def train_model(args, paths: dict[str, Path], run_dir: Path) -> None:
    from spacy.cli.train import train

    overrides = {"paths.train": str(paths["train"]), "paths.dev": str(paths["scirex_dev"]),
                 "system.seed": args.seed}
    if args.epochs is not None:
        overrides["training.max_epochs"] = args.epochs
    if args.vectors is not None:
        overrides["paths.vectors"] = str(args.vectors)
        overrides["components.tok2vec.model.embed.include_static_vectors"] = True
    config = args.config
    if args.init_tok2vec is not None:
        from pretrain_tok2vec import with_pretraining

        overrides["paths.init_tok2vec"] = str(args.init_tok2vec)
        config = run_dir.parent / "config_pretrained.cfg"
        with_pretraining(args.config).to_disk(config)
    shutil.rmtree(run_dir, ignore_errors=True)
    t0 = time.time()
    train(config, run_dir, use_gpu=-1, overrides=overrides)
    print(f"[train] {time.time() - t0:.0f}s", flush=True)


def ship(nlp, splits, args) -> None:
    """Score `nlp` (printing the tables), then write it to --out without training-only settings."""
    scores = report(nlp, splits)
    texts = [r["text"] for _, r in splits["scirex_dev"] + splits["scierc_test"]]
    wps, cps = speed(nlp, texts)
    print(f"\n[speed] {wps:.0f} abstracts/s wall clock, {cps:.0f} abstracts/s of CPU time (1 process)")

    # (4) ship: the pipeline without training-only settings
    cfg = nlp.config.copy()
    cfg["paths"]["train"] = None
    cfg["paths"]["dev"] = None
    cfg["paths"]["vectors"] = None  # the vectors are in the model's vocab
    cfg["initialize"]["vectors"] = None
    cfg["paths"]["init_tok2vec"] = None  # used once, to start training
    cfg["initialize"]["init_tok2vec"] = None
    cfg["training"]["before_update"] = None  # scripts/ner_device_cv.py's stop signal
    nlp.meta["name"] = "kg_ner"
    nlp.meta["version"] = MODEL_VERSION
    nlp.meta["description"] = ("Method/Dataset/Metric/Task NER for ML abstracts, trained on SciREX abstracts and full "
                               "text, SciERC and TDMSci (see kg/extract/models/README.md). Import kg.extract.tokenizer "
                               "before loading.")
    nlp.meta["performance"] = {k: v["micro"] for k, v in scores.items()}
    nlp.meta["kg_training"] = {"material": args.material, "detok": args.detok, "seed": args.seed,
                               "fulltext": args.fulltext, "chunk_tokens": args.chunk_tokens, "tdmsci": args.tdmsci,
                               "tdmsci_methods": args.tdmsci_methods, "tdmsci_heldout": args.tdmsci_heldout,
                               "tdmsci_copies": args.tdmsci_copies,
                               "scirex_copies": args.scirex_copies, "other_terms": args.other_terms, "scierc_tasks": args.scierc_tasks, "fulltext_labels": sorted(fulltext_labels), "config": args.config.name,
                               "epochs": args.epochs, "vectors": nlp.vocab.vectors.name if args.vectors else None,
                               "from_model": str(args.from_model) if args.from_model else None,
                               "init_tok2vec": args.init_tok2vec.name if args.init_tok2vec else None,
                               "abstracts_per_s_wall": round(wps), "abstracts_per_s_cpu": round(cps)}
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    cfg.to_disk(args.out / "config.cfg")
    args.build.mkdir(parents=True, exist_ok=True)
    (args.build / "scores.json").write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()},
                                                         "scores": scores, "abstracts_per_s": [wps, cps]}, indent=1))
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"[out] {args.out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
