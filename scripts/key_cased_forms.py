#!/usr/bin/env python
"""Give the cased forms of the NER model's words their word's vector (no retraining).

    python scripts/key_cased_forms.py [MODEL] [--data ../shared/data] [--min-count 2]

The model's static vectors were learned by word2vec on lowercased text and are looked up by a
token's exact text, so `imagenet` finds its vector and `ImageNet`, `BLEU`, `CIFAR-10` find none.
This adds, for each cased form seen at least --min-count times in the unannotated corpus (title +
abstract of `corpus/*.jsonl.gz`, tokenised by kg's tokenizer) whose lowercase has a vector, a key
pointing at that word's row: the table keeps its 20,000 rows, only keys are added. The model
(default: the shipped `kg/extract/models/ner`) is rewritten in place; running it twice adds
nothing the second time. An experiment, measured and NOT applied to the shipped model: it helps
SciERC test and the example listing but costs every held-out TDMSci fold
(`kg/extract/models/README.md`, "Tried after 0.3.0").
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_vectors import corpus_texts  # noqa: E402

from kg.extract.tokenizer import make_blank_nlp  # noqa: E402


def cased_forms(data: Path, known: set[str], min_count: int) -> dict[str, str]:
    """Cased form → its lowercase word, for forms seen min_count times or more."""
    nlp = make_blank_nlp()
    counts: Counter[str] = Counter()
    for doc in nlp.tokenizer.pipe(corpus_texts(data), batch_size=256):
        for token in doc:
            text = token.text
            if text != token.lower_ and token.lower_ in known:
                counts[text] += 1
    return {form: form.lower() for form, n in counts.items() if n >= min_count}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, nargs="?",
                    default=ROOT / "kg" / "extract" / "models" / "ner")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args()

    import spacy

    import kg.extract.biluo  # noqa: F401  (registers the components the model names)
    import kg.extract.tokenizer  # noqa: F401

    nlp = spacy.load(args.model)
    vectors, strings = nlp.vocab.vectors, nlp.vocab.strings
    rows = {strings[int(key)]: int(row) for key, row in vectors.key2row.items()}
    words = {w for w in rows if w == w.lower()}
    forms = cased_forms(args.data, words, args.min_count)
    added = 0
    for form, word in sorted(forms.items()):
        if form not in rows:
            vectors.add(form, row=rows[word])
            strings.add(form)
            added += 1
    nlp.to_disk(args.model)
    meta_path = args.model / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta.setdefault("kg", {})["cased_vector_keys"] = {
        "added": added + meta.get("kg", {}).get("cased_vector_keys", {}).get("added", 0),
        "min_count": args.min_count, "script": "scripts/key_cased_forms.py"}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{len(rows)} keys before, {added} cased forms added "
          f"(seen >= {args.min_count} times in the corpus), {len(vectors.key2row)} keys now")


if __name__ == "__main__":
    main()
