"""Abbreviation detection: `long form (SHORT)` pairs, after Schwartz & Hearst (2003).

"A Simple Algorithm for Identifying Abbreviation Definitions in Biomedical Text", PSB 2003.
The short form is a parenthesised token sequence; the long form is the shortest run of words
before it, ending at the parenthesis, whose characters contain the short form's characters in
order, with the short form's first character starting a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.names import find_long_form

if not Doc.has_extension("abbreviations"):
    Doc.set_extension("abbreviations", default=[])


@dataclass(frozen=True)
class Abbreviation:
    long: Span
    short: Span


def is_short_form(text: str) -> bool:
    """2–10 characters, at least one letter, no spaces, starts with a letter or digit,
    and has an uppercase letter (so `(i.e.)`, `(ours)` and `(a)` are not abbreviations)."""
    return (
        2 <= len(text) <= 10
        and " " not in text
        and any(c.isalpha() for c in text)
        and text[0].isalnum()
        and any(c.isupper() for c in text)
    )


def digit_variants(short: str) -> list[str]:
    """Readings of a short form with digits: `D2O` is D-D-O (`Dynamic Discriminative
    Operations`), else the digits are dropped (`R2D2` → `RD`)."""
    repeated = re.sub(r"([A-Za-z])([23])(?=[A-Za-z])", lambda m: m.group(1) * int(m.group(2)), short)
    letters_only = "".join(c for c in short if not c.isdigit())
    return [v for v in dict.fromkeys([repeated, letters_only])
            if v != short and sum(c.isalpha() for c in v) >= 2]


def _strip_plural(short: str) -> str:
    return short[:-1] if short.endswith("s") and len(short) > 2 and short[-2].isupper() else short


def find_abbreviations(doc: Doc) -> list[Abbreviation]:
    """All `long form (SHORT)` pairs in a doc, as spans."""
    pairs: list[Abbreviation] = []
    orths = doc.to_array("ORTH").tolist()
    open_orth, close_orth = doc.vocab.strings["("], doc.vocab.strings[")"]
    if open_orth not in orths:
        return pairs
    sentence_starts = ([i for i, flag in enumerate(doc.to_array("SENT_START").tolist()) if flag == 1]
                       if doc.has_annotation("SENT_START") else [])
    for open_i in (i for i, orth in enumerate(orths) if orth == open_orth):
        close_i = next((j for j in range(open_i + 1, min(open_i + 6, len(orths)))
                        if orths[j] == close_orth), None)
        if close_i is None or close_i == open_i + 1:
            continue
        short = doc[open_i + 1 : close_i]
        if not is_short_form(short.text.replace(" ", "")):
            continue
        letters = _strip_plural(short.text.replace(" ", ""))
        max_words = min(len(letters) + 5, len(letters) * 2)
        sentence_start = max((i for i in sentence_starts if i <= open_i), default=0)
        window_start = max(sentence_start, open_i - max_words)
        window = doc[window_start : open_i]
        if not window.text:
            continue
        start_char = find_long_form(letters, window.text)
        for variant in digit_variants(letters):
            if start_char is not None:
                break
            start_char = find_long_form(variant, window.text)
        if start_char is None:
            continue
        long = doc.char_span(window.start_char + start_char, window.end_char,
                             alignment_mode="expand")
        if long is None or len(long) < 1 or long.text.lower() == letters.lower():
            continue
        if len(long) > max_words or any(t.text in "();" for t in long):
            continue
        pairs.append(Abbreviation(long=long, short=short))
    return pairs


@Language.factory("kg_abbreviations")
class AbbreviationDetector:
    """Stores `doc._.abbreviations`: (long form span, short form span) pairs."""

    def __init__(self, nlp: Language, name: str = "kg_abbreviations") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.abbreviations = find_abbreviations(doc)
        return doc


def propagate_labels(doc: Doc) -> tuple[list[Span], list[Span]]:
    """Spans that share an entity label across each abbreviation pair: a labelled long form
    labels every occurrence of its short form, and a labelled short form labels its long form.
    Returns (whole phrases around a definition, which win over what they cover; other spans)."""
    from kg.extract.spans import make_span

    if not doc._.abbreviations:
        return [], []
    ents = list(doc.ents)
    label_at = {i: ent.label_ for ent in ents for i in range(ent.start, ent.end)}
    label_of_text = {ent.text.lower(): ent.label_ for ent in ents}
    orths = doc.to_array("ORTH").tolist()
    spans: list[Span] = []
    phrases: list[Span] = []
    for pair in doc._.abbreviations:
        # `Click-through rate (CTR) prediction` where `CTR prediction` is an entity elsewhere
        for extra in (1, 2):
            after = doc[pair.short.end + 1 : pair.short.end + 1 + extra]
            if len(after) == extra and (label := label_of_text.get(f"{pair.short.text} {after.text}".lower())):
                phrases.append(make_span(doc, pair.long.start, after.end, label, "abbreviation"))
                break
        long_label = next((label_at[i] for i in range(pair.long.start, pair.long.end)
                           if i in label_at), None)
        short_label = next((label_at[i] for i in range(pair.short.start, pair.short.end)
                            if i in label_at), None)
        label = long_label or short_label
        if label is None:
            continue
        # one entity holds the whole long form, often with its short form (`automatic speech
        # recognition (ASR)`, as TDMSci annotates it): kept as recognised
        long_is_one_entity = any(e.start <= pair.long.start and pair.long.end <= e.end
                                 for e in ents)
        if long_label is None:
            spans.append(make_span(doc, pair.long.start, pair.long.end, label, "abbreviation"))
        elif short_label and not long_is_one_entity and not phrases_cover(phrases, pair.long):
            # the long form was split into pieces (`Zero-Shot Coreset Selection` + `Iterative
            # Subspace Sampling` for `(ZCore)`): the defined name is the whole long form
            phrases.append(make_span(doc, pair.long.start, pair.long.end, short_label,
                                     "abbreviation"))
        short_forms = {doc.vocab.strings[pair.short.text], doc.vocab.strings[pair.short.text + "s"]}
        for i, orth in enumerate(orths):
            if orth in short_forms and i not in label_at and i != pair.short.start:
                spans.append(make_span(doc, i, i + 1, label, "abbreviation"))
    return phrases, spans


def phrases_cover(phrases: list[Span], span: Span) -> bool:
    return any(p.start <= span.start and span.end <= p.end for p in phrases)


@Language.factory("kg_abbreviation_labels")
class AbbreviationLabeller:
    """Labels long and short forms alike (`Click-through rate (CTR)`: both Task or neither)."""

    def __init__(self, nlp: Language, name: str = "kg_abbreviation_labels") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        from kg.extract.spans import merge_entities

        phrases, spans = propagate_labels(doc)
        if phrases:
            merge_entities(doc, phrases, prefer_new=True)
        if spans:
            merge_entities(doc, spans, prefer_new=False)
        return doc
