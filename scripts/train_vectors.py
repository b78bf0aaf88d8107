#!/usr/bin/env python
"""Train static word vectors for the NER model on the unannotated corpus (no annotation read).

    python scripts/train_vectors.py [--data ../shared/data] [--out build/vectors]

Title + abstract of every record of `corpus/arxiv-ml.jsonl.gz` and `corpus/acl-anthology.jsonl.gz`
(about 51k papers, about 9M tokens) are tokenised with kg's scientific tokenizer and lowercased;
gensim word2vec (skip-gram, one worker, fixed seed and hash: reproducible) learns --dim dimensions;
the --vectors most frequent words are written in word2vec text format and converted by
`spacy init vectors` into a spaCy pipeline folder `OUT/spacy` that `scripts/train_ner.py --vectors
OUT/spacy` reads (the vector table then ships inside the model). Needs the [train] extra (gensim).

The table is looked up by the token's exact text (ORTH) and the words were lowercased, so
`imagenet` finds its vector and `ImageNet` none: the table of the shipped NER model 0.3.0.
`--cased-keys` adds each cased form seen at least --min-count times in the same text (`ImageNet`,
`BLEU`) as a second key to its lowercase word's row, for a model trained with them (measured, not
shipped: kg/extract/models/README.md). `--attr LOWER` would not do it: spaCy 3.8 does not save a
default-mode table's attribute (vectors.cfg holds only the mode), so a saved model reads it as
ORTH again.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.extract.tokenizer import make_blank_nlp  # noqa: E402

CORPORA = ("arxiv-ml.jsonl.gz", "acl-anthology.jsonl.gz")


def stable_hash(word: str) -> int:
    """gensim seeds each word's initial vector with hashfxn(word + str(seed)); Python's own str
    hash changes between runs, this one does not."""
    return zlib.crc32(word.encode("utf-8"))


def corpus_texts(data: Path):
    for name in CORPORA:
        with gzip.open(data / "corpus" / name, "rt", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    text = " ".join(x for x in (r.get("title"), r.get("abstract")) if x)
                    if text:
                        yield text


def tokenised(data: Path) -> tuple[list[list[str]], Counter]:
    """The lowercased token lists, and how often each cased form occurs."""
    nlp = make_blank_nlp()
    sents, cased = [], Counter()
    for doc in nlp.tokenizer.pipe(corpus_texts(data), batch_size=256):
        words = [t.text for t in doc if not t.is_space]
        lowered = [w.lower() for w in words]
        cased.update(w for w, low in zip(words, lowered) if w != low)
        sents.append(lowered)
    return sents, cased


def add_cased_keys(folder: Path, cased: Counter, min_count: int) -> int:
    """Key each cased form seen `min_count` times to its lowercase word's row, in the spaCy
    vectors folder `folder`; returns how many keys were added."""
    import spacy

    nlp = spacy.load(folder)
    vectors, strings = nlp.vocab.vectors, nlp.vocab.strings
    added = 0
    for form, count in sorted(cased.items()):
        row = vectors.key2row.get(strings[form.lower()])
        if count >= min_count and row is not None:
            vectors.add(strings.add(form), row=row)
            added += 1
    nlp.to_disk(folder)
    return added


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "vectors")
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--vectors", dest="vocab", type=int, default=20000,
                    help="keep the vectors of this many most frequent words")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cased-keys", action="store_true",
                    help="also key each cased form to its lowercase word's row (not in the shipped model)")
    args = ap.parse_args()

    from gensim.models import Word2Vec

    t0 = time.time()
    sents, cased = tokenised(args.data)
    print(f"[corpus] {len(sents)} texts, {sum(map(len, sents))} tokens ({time.time() - t0:.0f}s)", flush=True)
    t0 = time.time()
    w2v = Word2Vec(sents, vector_size=args.dim, window=args.window, min_count=args.min_count, sg=1,
                   negative=5, epochs=args.epochs, workers=1, seed=args.seed, hashfxn=stable_hash)
    print(f"[word2vec] {len(w2v.wv)} words ({time.time() - t0:.0f}s)", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    txt = args.out / "vectors.txt"
    words = w2v.wv.index_to_key[: args.vocab]  # sorted by frequency, most frequent first
    with open(txt, "w", encoding="utf-8") as f:
        f.write(f"{len(words)} {args.dim}\n")
        for w in words:
            f.write(w + " " + " ".join(f"{x:.5f}" for x in w2v.wv[w]) + "\n")
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "en", str(txt), str(args.out / "spacy"),
                    "--name", "kg_corpus_w2v"], check=True)
    if args.cased_keys:
        added = add_cased_keys(args.out / "spacy", cased, args.min_count)
        print(f"[cased keys] {added} cased forms keyed to their lowercase word's row", flush=True)
    for w in ("bleu", "imagenet", "summarization"):
        if w in w2v.wv:
            print(w, [x for x, _ in w2v.wv.most_similar(w, topn=6)])
    print(f"[out] {args.out / 'spacy'}")


if __name__ == "__main__":
    main()
