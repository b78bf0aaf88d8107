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
