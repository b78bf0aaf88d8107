import spacy

import kg.extract.abbreviations  # noqa: F401
from kg.extract.abbreviations import find_long_form, is_short_form


def pairs(text):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_abbreviations")
    return [(a.long.text, a.short.text) for a in nlp(text)._.abbreviations]


def test_long_and_short_forms():
    assert pairs("We train Deep Neural Networks (DNNs) on images.") == [("Deep Neural Networks", "DNNs")]
    assert pairs("Click-through rate (CTR) prediction is a task.") == [("Click-through rate", "CTR")]
    assert pairs("Enabling On-Device Learning (ODL) matters.") == [("On-Device Learning", "ODL")]


def test_parentheses_that_are_not_abbreviations():
    assert pairs("The model (ours) wins (see Table 2).") == []
    assert pairs("It works (i.e. well).") == []


def test_short_form_rules():
    assert is_short_form("DNNs") and is_short_form("CTR") and not is_short_form("ours")
    assert find_long_form("CTR", "Click-through rate") == 0
    assert find_long_form("XYZ", "nothing here") is None


def test_a_digit_in_a_short_form_repeats_a_letter():
    assert pairs("We propose Dynamic Discriminative Operations (D2O), a method.") == [
        ("Dynamic Discriminative Operations", "D2O")]


def labelled(text, entities):
    """The entities after kg_abbreviation_labels, given the recogniser's `entities` (text, label)."""
    from spacy.tokens import Span

    nlp = spacy.blank("en")
    for name in ("sentencizer", "kg_abbreviations", "kg_abbreviation_labels"):
        nlp.add_pipe(name)
    doc = nlp.make_doc(text)
    ents = []
    for phrase, label in entities:
        start = text.index(phrase)
        ents.append(doc.char_span(start, start + len(phrase), label=label))
    doc.ents = ents
    for _, component in nlp.pipeline:
        doc = component(doc)
    return [(e.text, e.label_) for e in doc.ents]


def test_a_definition_recognised_whole_stays_whole():
    # TDMSci annotates `long form (SHORT)` as one span; it used to be cut back to the long form
    text = "Such as automatic speech recognition (ASR) and machine translation (MT) systems."
    assert labelled(text, [("automatic speech recognition (ASR)", "Task"), ("machine translation", "Task")]) == [
        ("automatic speech recognition (ASR)", "Task"), ("machine translation", "Task")]


def test_a_long_form_split_in_pieces_becomes_one_name():
    text = "We propose Zero-Shot Coreset Selection via Iterative Subspace Sampling (ZCore) for data."
    assert labelled(text, [("Zero-Shot Coreset Selection", "Method"), ("Iterative Subspace Sampling", "Method"),
                           ("ZCore", "Method")]) == [
        ("Zero-Shot Coreset Selection via Iterative Subspace Sampling", "Method"), ("ZCore", "Method")]


def test_a_definitions_short_form_is_an_alias_of_its_entity():
    from kg.extract.pipeline import extract_papers
    from kg.records import Paper

    paper = Paper(id="asr", title="Better speech",
                  abstract="We improve Deep Neural Networks (DNNs) for automatic speech recognition (ASR).")
    record = next(iter(extract_papers([paper])))
    entity = next(e for e in record["entities"] if e["name"] == "automatic speech recognition")
    assert entity["label"] == "Task" and "ASR" in entity["aliases"]
