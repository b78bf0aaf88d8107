"""The NER model's static word vectors (scripts/train_vectors.py) and the cross-validation driver
that chose the 0.3.0 recipe (scripts/ner_device_cv.py)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "kg" / "extract" / "models" / "ner"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shipped():
    import spacy

    import kg.extract.biluo
    import kg.extract.tokenizer  # noqa: F401

    return spacy.load(MODEL)


def test_shipped_model_carries_the_corpus_vectors(shipped):
    meta = json.loads((MODEL / "meta.json").read_text())
    assert meta["kg_training"]["vectors"] == "kg_corpus_w2v" and meta["kg_training"]["tdmsci_copies"] == 5
    assert shipped.config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is True
    vectors = shipped.vocab.vectors
    assert vectors.name == "kg_corpus_w2v" and vectors.shape == (20000, 100)

    def cos(a: str, b: str) -> float:
        x, y = (vectors[shipped.vocab.strings[w]] for w in (a, b))
        return float(numpy.dot(x, y) / numpy.linalg.norm(x) / numpy.linalg.norm(y))

    # learned from the corpus: metrics near metrics, datasets near datasets
    assert cos("bleu", "meteor") > cos("bleu", "imagenet") + 0.2
    assert cos("imagenet", "cifar-10") > cos("imagenet", "bleu") + 0.2
    # lowercased corpus words, looked up by the token's exact text (scripts/train_vectors.py)
    doc = shipped.make_doc("imagenet ImageNet")
    assert doc[0].has_vector and numpy.allclose(doc[0].vector, vectors[shipped.vocab.strings["imagenet"]])
    assert not doc[1].has_vector


def test_vectors_are_trained_on_lowercased_kg_tokens(tmp_path):
    train_vectors = load_script("train_vectors")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = {"arxiv-ml.jsonl.gz": [{"title": "BERT on SQuAD", "abstract": "We fine-tune BERT (Devlin et al.)."}],
               "acl-anthology.jsonl.gz": [{"title": "No abstract", "abstract": None}]}
    for name, recs in records.items():
        with gzip.open(corpus / name, "wt", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in recs)
    from kg.extract.tokenizer import make_blank_nlp

    expected = [t.text.lower() for t in make_blank_nlp()("BERT on SQuAD We fine-tune BERT (Devlin et al.).")]
    sentences, cased = train_vectors.tokenised(tmp_path)
    assert sentences == [expected, ["no", "abstract"]]
    assert "squad" in expected and "(" in expected
    # the cased forms, counted, for the table's second keys
    assert cased["BERT"] == 2 and cased["SQuAD"] == 1 and cased["No"] == 1 and "on" not in cased


def test_cased_forms_share_their_lowercase_words_row(tmp_path):
    from collections import Counter

    import spacy

    train_vectors = load_script("train_vectors")
    nlp = spacy.blank("en")
    table = numpy.arange(6, dtype="float32").reshape(2, 3)
    nlp.vocab.vectors = spacy.vectors.Vectors(strings=nlp.vocab.strings, data=table,
                                              keys=["imagenet", "bleu"], name="test")
    nlp.to_disk(tmp_path / "v")
    added = train_vectors.add_cased_keys(tmp_path / "v", Counter({"ImageNet": 7, "IMAGENET": 5, "BLEU": 4,
                                                                  "Transformer": 9}), min_count=5)
    assert added == 2  # BLEU is too rare, Transformer has no lowercase word in the table
    vectors = spacy.load(tmp_path / "v").vocab.vectors
    doc = spacy.load(tmp_path / "v").make_doc("ImageNet IMAGENET imagenet BLEU Transformer")
    assert [t.has_vector for t in doc] == [True, True, True, False, False]
    assert numpy.array_equal(doc[0].vector, table[0]) and numpy.array_equal(doc[1].vector, table[0])
    assert vectors.shape == (2, 3)  # no new rows: second keys only


def test_training_without_vectors_says_how_to_make_them(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_ner.py"), "--vectors", str(tmp_path / "none"),
                          "--out", str(tmp_path / "model")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "run scripts/train_vectors.py first, or pass --no-vectors" in run.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "model").exists()


def test_cv_summary_means_and_pools_the_folds():
    cv = load_script("ner_device_cv")

    def job(fold, tp, pred, gold):
        scores = {split: {lab: cv.tn.prf(tp, pred, gold) for lab in (*cv.tn.LABELS, "micro")}
                  for split in ("tdmsci_heldout", "scirex_dev", "scierc_test")}
        return {"recipe": "r", "fold": fold, "scores": scores}

    # fold 0: F1 0.5 on 10 gold; fold 1: F1 1.0 on 90 gold
    summary = cv.summarise([job("0", 5, 10, 10), job("1", 90, 90, 90), {**job("full", 1, 1, 1)}])["r"]
    micro = summary["tdmsci_heldout/micro"]
    assert summary["folds"] == ["0", "1"]  # the full model is no fold
    assert micro["f_mean"] == 0.75 and (micro["f_min"], micro["f_max"]) == (0.5, 1.0)
    assert micro["pooled"]["tp"] == 95 and micro["pooled"]["gold"] == 100 and micro["pooled"]["f"] == 0.95


def test_pretrained_tok2vec_weights_are_loaded_into_training(tmp_path):
    """spaCy loads `init_tok2vec` only where the config has a [pretraining] section, and kg's
    training config has none: `with_pretraining` adds spaCy's, so `train_ner.py --init-tok2vec`
    starts from the weights `pretrain_tok2vec.py` wrote instead of silently ignoring them."""
    import spacy
    from spacy.training import Example

    import kg.extract.biluo
    import kg.extract.tokenizer  # noqa: F401

    pretrain = load_script("pretrain_tok2vec")
    config = pretrain.with_pretraining(ROOT / "configs" / "ner_tagger.cfg")
    config["initialize"]["after_init"] = None

    def initialised(weights: Path | None):
        config["paths"]["init_tok2vec"] = str(weights) if weights else None
        nlp = spacy.util.load_model_from_config(config.interpolate(), auto_fill=True)
        doc = nlp.make_doc("We train BERT on SQuAD .")
        example = Example.from_dict(doc, {"tags": ["O", "O", "U-Method", "O", "U-Dataset", "O"]})
        nlp.initialize(lambda: [example])
        return nlp.get_pipe("tok2vec").model

    first = initialised(None)
    weights = tmp_path / "model0.bin"
    weights.write_bytes(first.to_bytes())
    second = initialised(weights)
    assert second.to_bytes() == first.to_bytes()
    assert initialised(None).to_bytes() != first.to_bytes()  # not equal by chance of the seed
