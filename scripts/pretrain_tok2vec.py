#!/usr/bin/env python3
"""Pretrain the recogniser's token-to-vector layer on the unannotated corpus (`spacy pretrain`).

The text is the title and abstract of every record of `corpus/arxiv-ml.jsonl.gz` and
`corpus/acl-anthology.jsonl.gz` (no annotation is read), tokenised by kg's tokenizer. The
objective is spaCy's character objective: from each token's vector, predict its first and last
four characters. The tok2vec is the one `configs/ner_tagger.cfg` trains, with the static word
vectors in its input (the 0.3.0 recipe), so its weights load into `train_ner.py
--init-tok2vec OUT/modelN.bin`:

    OMP_NUM_THREADS=2 .venv/bin/python scripts/pretrain_tok2vec.py --out build/pretrain --epochs 2

`spacy pretrain` builds its pipeline without initialising it, so the static vectors are loaded
into it here (without them the input table would be empty).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kg.extract.biluo  # registers the tagger components
import kg.extract.tokenizer  # noqa: F401  (registers the tokenizer)
from kg.extract.blas_ops import BlasOps


def write_raw_text(data: Path, path: Path) -> int:
    """One `{"text": title + abstract}` line per corpus record (the text the static vectors
    were trained on, `train_vectors.corpus_texts`); returns the count."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_vectors import corpus_texts

    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for text in corpus_texts(data):
            out.write(json.dumps({"text": text}) + "\n")
            count += 1
    return count


def with_pretraining(config_path: Path):
    """The training config with spaCy's default [pretraining] section: `spacy pretrain` reads
    it, and `spacy train` loads `init_tok2vec` only where that section is filled."""
    import spacy.util
    from spacy.training import pretrain as spacy_pretrain
    from thinc.api import Config

    config = spacy.util.load_config(config_path, interpolate=False)
    defaults = Config().from_disk(Path(spacy_pretrain.__file__).parent.parent /
                                  "default_config_pretraining.cfg", interpolate=False)
    return config.merge(defaults)


def pretraining_config(config_path: Path, vectors: Path, raw_text: Path, epochs: int, seed: int):
    config = with_pretraining(config_path)
    config["paths"]["raw_text"] = str(raw_text)
    config["paths"]["vectors"] = str(vectors)
    config["pretraining"]["max_epochs"] = epochs
    config["system"]["seed"] = seed
    config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = True
    return config.interpolate()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--config", type=Path, default=ROOT / "configs" / "ner_tagger.cfg")
    ap.add_argument("--vectors", type=Path, default=ROOT / "kg" / "extract" / "models" / "ner",
                    help="a spaCy folder whose vocab holds the static vectors (the shipped model's does)")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "pretrain")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2, help="BLAS threads")
    args = ap.parse_args()

    from spacy.training import initialize
    from spacy.training import pretrain as spacy_pretrain
    from thinc.api import set_current_ops
    from threadpoolctl import threadpool_limits

    raw = args.out / "raw.jsonl"
    if not raw.exists():
        print(f"raw text: {write_raw_text(args.data, raw):,} records -> {raw}", flush=True)
    config = pretraining_config(args.config, args.vectors, raw, args.epochs, args.seed)

    load = spacy_pretrain.load_model_from_config

    def load_with_vectors(*a, **k):
        nlp = load(*a, **k)
        initialize.load_vectors_into_model(nlp, str(args.vectors))
        return nlp

    spacy_pretrain.load_model_from_config = load_with_vectors
    set_current_ops(BlasOps())
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with threadpool_limits(args.threads, user_api="blas"):
        spacy_pretrain.pretrain(config, args.out, use_gpu=-1, silent=False)
    print(f"[pretrain] {time.time() - started:.0f}s -> {args.out}", flush=True)


if __name__ == "__main__":
    main()
