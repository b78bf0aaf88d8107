"""The BILUO tagger's decoding: valid tag sequences and the entities they spell."""

import numpy

from kg.extract.biluo import allowed_transitions, biluo_spans, constrained_tags
from kg.extract.pipeline import load_pipeline

LABELS = ["B-Method", "I-Method", "L-Method", "O", "U-Method", "B-Task", "L-Task", "U-Task"]


def tags(names):
    return [None if n == "O" else tuple(n.split("-", 1)) for n in names]


def test_spans_of_a_valid_sequence():
    sequence = tags(["B-Method", "I-Method", "L-Method", "O", "U-Task", "B-Task", "L-Task"])
    assert biluo_spans(sequence) == [(0, 3, "Method"), (4, 5, "Task"), (5, 7, "Task")]


def test_spans_repair_broken_sequences():
    # an entity left open ends before the next token that does not continue it
    assert biluo_spans(tags(["B-Method", "I-Method", "O", "I-Task", "L-Task"])) == [
        (0, 2, "Method"), (3, 5, "Task")]
    assert biluo_spans(tags(["B-Method", "L-Task"])) == [(0, 1, "Method"), (1, 2, "Task")]


def test_allowed_transitions_follow_biluo():
    after, first, last = allowed_transitions(LABELS)
    index = {label: i for i, label in enumerate(LABELS)}
    assert after[index["B-Method"], index["L-Method"]]
    assert not after[index["B-Method"], index["L-Task"]]
    assert not after[index["O"], index["I-Method"]]
    assert after[index["U-Task"], index["B-Method"]]
    assert first[index["B-Task"]] and not first[index["L-Task"]]
    assert last[index["L-Task"]] and not last[index["B-Task"]]


def test_constrained_tags_replace_an_invalid_argmax():
    after, first, last = allowed_transitions(LABELS)
    index = {label: i for i, label in enumerate(LABELS)}
    logits = numpy.full((4, len(LABELS)), -5.0)
    logits[0, index["O"]] = 5
    logits[1, index["B-Method"]] = 3  # argmax: B-Method then L-Task, which cannot follow
    logits[2, index["L-Task"]] = 2
    logits[2, index["L-Method"]] = 1.5
    logits[3, index["O"]] = 5
    decoded = [LABELS[i] for i in constrained_tags(logits, after, first, last, index["O"])]
    assert decoded == ["O", "B-Method", "L-Method", "O"]


def test_constrained_tags_keep_a_valid_argmax():
    after, first, last = allowed_transitions(LABELS)
    index = {label: i for i, label in enumerate(LABELS)}
    logits = numpy.full((3, len(LABELS)), -5.0)
    for position, label in enumerate(["U-Task", "O", "U-Method"]):
        logits[position, index[label]] = 1.0  # not sure of anything, but valid
    decoded = [LABELS[i] for i in constrained_tags(logits, after, first, last, index["O"])]
    assert decoded == ["U-Task", "O", "U-Method"]


def test_constrained_tags_decode_each_sequence_of_a_batch_alone():
    after, first, last = allowed_transitions(LABELS)
    index = {label: i for i, label in enumerate(LABELS)}
    logits = numpy.full((4, len(LABELS)), -5.0)
    # one array, two docs: `O B-Method | L-Method O` is valid only if read across the docs
    for position, label in enumerate(["O", "B-Method", "L-Method", "O"]):
        logits[position, index[label]] = 1.0
    logits[1, index["U-Method"]] = 0.5
    logits[2, index["U-Method"]] = 0.5
    decoded = [LABELS[i] for i in constrained_tags(logits, after, first, last, index["O"],
                                                   sequence_starts=[0, 2])]
    assert decoded == ["O", "U-Method", "U-Method", "O"]
    joined = [LABELS[i] for i in constrained_tags(logits, after, first, last, index["O"])]
    assert joined == ["O", "B-Method", "L-Method", "O"]


def test_shipped_recogniser_tags_are_valid_biluo():
    nlp = load_pipeline()
    doc = nlp("We train a convolutional neural network with dropout on CIFAR-10 and report "
              "top-1 accuracy for image classification.")
    sequence = [token.tag_ for token in doc]
    assert all(t == "O" or t[:2] in ("B-", "I-", "L-", "U-") for t in sequence)
    after, first, last = allowed_transitions(list(nlp.get_pipe("tagger").labels))
    labels = list(nlp.get_pipe("tagger").labels)
    ids = [labels.index(t) for t in sequence]
    assert first[ids[0]] and last[ids[-1]]
    assert all(after[a, b] for a, b in zip(ids, ids[1:]))
    assert "image classification" in {e.text for e in doc.ents if e.label_ == "Task"}


def test_each_recognised_span_carries_the_probability_of_its_weakest_tag():
    from kg.extract.biluo import SPAN_PROBABILITY, TAG_PROBABILITY

    nlp = load_pipeline()
    text = ("We propose GraphFormer, a sparse transformer for molecule property prediction, and "
            "evaluate it on OGB-LSC with mean absolute error.")
    tagger = nlp.get_pipe("tagger")
    doc = nlp.make_doc(text)
    for name, pipe in nlp.pipeline:
        doc = pipe(doc)
        if pipe is tagger:
            tag_probability = doc.user_data[TAG_PROBABILITY]  # read by the next component
    assert TAG_PROBABILITY not in doc.user_data
    made = doc.user_data[SPAN_PROBABILITY]
    assert len(tag_probability) == len(doc) and ((tag_probability > 0) & (tag_probability <= 1)).all()
    spans = [span for span in doc.ents if (span.start_char, span.end_char, span.label_) in made]
    assert spans
    for span in spans:
        key = (span.start_char, span.end_char, span.label_)
        assert made[key] == float(tag_probability[span.start:span.end].min())


def test_the_recogniser_confidence_ranks_its_spans_on_held_out_abstracts():
    """On SciREX-dev (never trained on), the recogniser's spans with a high confidence are
    right far more often than those with a low one; a fixed score per source could not say."""
    import importlib.util
    from pathlib import Path

    import pytest

    from kg.evaluate import gold_paper, gold_spans, predicted_spans, read_gold
    from kg.extract.pipeline import extract_papers

    root = Path(__file__).resolve().parents[2]
    abstracts = root.parent / "shared" / "data" / "scirex" / "abstracts.jsonl"
    if not abstracts.is_file():
        pytest.skip(f"{abstracts} not here")
    spec = importlib.util.spec_from_file_location("train_ner", root / "scripts" / "train_ner.py")
    train_ner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train_ner)
    records = [r for r in read_gold(abstracts) if train_ner.is_scirex_dev(r["id"])]
    papers, offsets = zip(*(gold_paper(r) for r in records))
    high, low = [], []
    for record, offset, extraction in zip(records, offsets, extract_papers(papers)):
        gold = gold_spans(record)
        for mention in extraction["mentions"]:
            if mention["source"] != "ner":
                continue
            span, = predicted_spans({"mentions": [mention]}, offset)
            (high if mention["score"] >= 0.7 else low if mention["score"] < 0.5 else []).append(span in gold)
    assert len(high) > 50 and len(low) > 20  # 92 and 48 with the shipped model
    assert sum(high) / len(high) > 0.75 and sum(low) / len(low) < sum(high) / len(high) - 0.2  # 0.82, 0.52
