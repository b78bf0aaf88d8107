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
