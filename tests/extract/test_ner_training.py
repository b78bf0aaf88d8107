"""The recogniser's training data (scripts/train_ner.py) and the shipped model it gives.

The data rules guard the held-out splits: no full text of a SciREX-dev paper is trained on, a
TDMSci cross-validation fold is never in its own training set, and TDMSci sentences (which
annotate no Method) do not teach that known methods are outside.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
MODEL = ROOT / "kg" / "extract" / "models" / "ner"


@pytest.fixture(scope="module")
def train_ner():
    spec = importlib.util.spec_from_file_location("train_ner", ROOT / "scripts" / "train_ner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def needs_data(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def test_sections_split_into_bounded_chunks_of_whole_sentences(train_ner):
    text = "We train ResNet on ImageNet . It works well . Accuracy on CIFAR - 10 is high ."
    entities = [{"start": s, "end": s + len(t), "label": lab, "text": t}
                for t, lab in (("ResNet", "Method"), ("ImageNet", "Dataset"), ("Accuracy", "Metric"),
                               ("CIFAR - 10", "Dataset"))
                for s in [text.index(t)]]
    record = {"id": "p/1", "doc_id": "p", "text": text, "entities": entities}
    chunks = train_ner.chunk_section(record, max_tokens=10, stats=Counter())
    assert [c["text"] for c in chunks] == ["We train ResNet on ImageNet . It works well .",
                                           "Accuracy on CIFAR - 10 is high ."]
    assert [c["id"] for c in chunks] == ["p/1#0", "p/1#1"]
    for chunk in chunks:
        assert all(chunk["text"][e["start"]:e["end"]] == e["text"] for e in chunk["entities"])
    assert [e["text"] for e in chunks[1]["entities"]] == ["Accuracy", "CIFAR - 10"]


def test_full_text_of_dev_papers_is_never_trained_on(train_ner):
    needs_data("scirex", "fulltext.jsonl")
    abstracts = train_ner.read_jsonl(DATA / "scirex" / "abstracts.jsonl")
    train_ids = {r["id"] for r in abstracts if not train_ner.is_scirex_dev(r["id"])}
    chunks = train_ner.fulltext_chunks(DATA, train_ids, fraction=1.0, max_tokens=120)
    papers = {c["doc_id"] for c in chunks}
    assert papers and papers <= train_ids
    assert not any(train_ner.is_scirex_dev(p) for p in papers)
    assert all(c["text"][e["start"]:e["end"]] == e["text"] for c in chunks for e in c["entities"])
    half = train_ner.fulltext_chunks(DATA, train_ids, fraction=0.5, max_tokens=120)
    assert {c["id"] for c in half} < {c["id"] for c in chunks}  # sampled by a fixed rule
    assert 0.4 < len(half) / len(chunks) < 0.6


def test_full_text_labels_left_out_are_missing_not_outside(train_ner):
    from kg.extract.tokenizer import make_blank_nlp

    needs_data("scirex", "fulltext.jsonl")
    abstracts = train_ner.read_jsonl(DATA / "scirex" / "abstracts.jsonl")
    train_ids = {r["id"] for r in abstracts if not train_ner.is_scirex_dev(r["id"])}
    every = train_ner.fulltext_chunks(DATA, train_ids, fraction=0.05, max_tokens=120)
    methods = train_ner.fulltext_chunks(DATA, train_ids, fraction=0.05, max_tokens=120,
                                        labels=frozenset({"Method"}))
    assert [c["id"] for c in methods] == [c["id"] for c in every]
    for full, kept in zip(every, methods):
        assert [(e["start"], e["end"]) for e in kept["entities"]] == \
            [(e["start"], e["end"]) for e in full["entities"]]
        assert [e["label"] for e in kept["entities"]] == [
            e["label"] if e["label"] == "Method" else "MethodMissing" for e in full["entities"]]
    chunk = next(c for c in methods if {"Method", "MethodMissing"} <= {e["label"] for e in c["entities"]})
    doc = train_ner.to_doc(make_blank_nlp(), chunk, "scirex", "dataset", Counter())
    assert {e.label_ for e in doc.ents} == {"Method"}  # a Task span is not taught as outside either
    task = next(e for e in chunk["entities"] if e["label"] == "MethodMissing")
    assert all(t.tag_ == "" for t in doc.char_span(task["start"], task["end"], alignment_mode="expand"))


def test_a_tdmsci_fold_is_held_out_of_its_own_training(train_ner):
    needs_data("tdmsci", "train.jsonl")
    splits = train_ner.load_splits(DATA, tdmsci=True, heldout_fold=2)
    held = {r["id"] for _, r in splits["tdmsci_heldout"]}
    trained = {r["id"] for source, r in splits["train"] if source == "tdmsci"}
    assert held and trained and not held & trained
    assert all(train_ner.tdmsci_fold(i, 5) == 2 for i in held)
    assert len(held) + len(trained) == len(train_ner.read_jsonl(DATA / "tdmsci" / "train.jsonl"))


def test_a_tdmsci_dev_share_picks_checkpoints_and_is_neither_trained_nor_held_out(train_ner):
    needs_data("tdmsci", "train.jsonl")
    splits = train_ner.load_splits(DATA, tdmsci=True, heldout_fold=2, tdmsci_dev=0.1)
    dev = {r["id"] for _, r in splits["tdmsci_dev"]}
    held = {r["id"] for _, r in splits["tdmsci_heldout"]}
    trained = {r["id"] for source, r in splits["train"] if source == "tdmsci"}
    assert dev and not dev & held and not dev & trained
    assert len(dev) + len(held) + len(trained) == len(train_ner.read_jsonl(DATA / "tdmsci" / "train.jsonl"))
    assert 0.05 < len(dev) / (len(dev) + len(trained)) < 0.15
    assert all(source == "scirex" for source, _ in splits["scirex_dev"])  # scored apart
    assert "tdmsci_dev" not in train_ner.load_splits(DATA, tdmsci=True, heldout_fold=2)


def test_known_methods_in_tdmsci_sentences_are_not_trained_as_outside(train_ner):
    from kg.extract.tokenizer import make_blank_nlp

    text = "We use an LSTM-CRF tagger for named entity recognition and report F1 ."
    record = {"id": "t", "text": text,
              "entities": [{"start": text.index("named"), "end": text.index(" and"), "label": "Task",
                            "text": "named entity recognition"}]}
    marked = train_ner.mark_methods_missing(
        record, train_ner.lexicon_index({"LSTM", "named entity recognition", "F1"}))
    added = [(e["text"], e["label"]) for e in marked["entities"][1:]]
    assert added == [("LSTM", "MethodMissing"), ("F1", "MethodMissing")]  # not over the gold Task
    doc = train_ner.to_doc(make_blank_nlp(), marked, "tdmsci", "dataset", Counter())
    tags = {t.text: t.tag_ for t in doc}
    # missing (not learned from); `LSTM` lies inside the token `LSTM-CRF`, which is missing as a whole
    assert tags["LSTM-CRF"] == "" and tags["F1"] == ""
    assert tags["tagger"] == "O" and tags["named"] == "B-Task" and tags["recognition"] == "L-Task"


def test_shipped_model_records_its_training_and_scores(train_ner):
    needs_data("scirex", "abstracts.jsonl")
    meta = json.loads((MODEL / "meta.json").read_text())
    training = meta["kg_training"]
    assert training["fulltext"] > 0 and training["tdmsci"] and training["tdmsci_heldout"] is None
    import spacy

    import kg.extract.biluo  # noqa: F401  (registers the components)
    import kg.extract.tokenizer  # noqa: F401

    nlp = spacy.load(MODEL)
    scores = train_ner.evaluate(nlp, train_ner.load_splits(DATA, tdmsci=False)["scirex_dev"])
    # exact-span micro F1 of the recogniser alone on SciREX-dev; the model before full text and
    # TDMSci were trained on scored 0.617
    assert scores["micro"]["f"] >= 0.64, scores["micro"]
    assert scores["micro"]["f"] == pytest.approx(meta["performance"]["scirex_dev"]["f"], abs=0.002)


def test_a_model_folder_without_a_trained_pipeline_is_an_error(tmp_path):
    """`evaluate_extraction.py --model FOLD` with a wrong folder scored the rules alone (0.388 on
    a TDMSci fold) as if they were the fold's model."""
    from kg.extract.pipeline import load_pipeline

    with pytest.raises(FileNotFoundError, match="no trained recogniser"):
        load_pipeline(str(tmp_path / "missing"))
