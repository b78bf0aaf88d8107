"""Helpers for combining entity spans from several recognisers into `doc.ents`.

Each span records where it came from in `span.id_` (the recogniser's name) and, for catalogue
matches, the catalogue id in `span.kb_id_`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.biluo import SPAN_PROBABILITY
from kg.extract.span_edges import GENERIC_HEADS, trimmed

# what a catalogue name may leave of a span it crosses that names nothing on its own
# (`overall [F1] score` with the catalogue's `overall F1`: no `score` entity)
BARE_HEADS = GENERIC_HEADS | {"score", "scores", "dataset", "datasets", "data", "task", "tasks",
                              "benchmark", "benchmarks", "corpus", "metric", "metrics", "rate"}
SOURCE_SCORES = {"gazetteer": 0.95, "abbreviation": 0.9, "ner": 0.8, "pattern": 0.7}
LABELS = ("Method", "Dataset", "Metric", "Task")


def source_of(span: Span) -> str:
    return span.id_ or "ner"


# P(a recognised span is exactly right) = sigmoid(SLOPE * ln(weakest tag probability) + INTERCEPT),
# a logistic fit on held-out predictions: the five TDMSci fold models on their held-out folds and
# on SciREX-dev (`scripts/calibrate_confidence.py`, which prints the fit and its Brier score)
RECOGNISER_SLOPE, RECOGNISER_INTERCEPT = 1.47, 1.12


def recogniser_confidence(probability: float) -> float:
    logit = RECOGNISER_SLOPE * math.log(max(probability, 1e-6)) + RECOGNISER_INTERCEPT
    return round(1.0 / (1.0 + math.exp(-logit)), 3)


def score_of(span: Span) -> float:
    """The chance the span is right: the recogniser's own, calibrated, for a span it made as
    it stands; a fixed figure per source for the rest (catalogue, patterns, re-cut spans)."""
    source = source_of(span)
    if source == "ner":
        probability = span.doc.user_data.get(SPAN_PROBABILITY, {}).get(
            (span.start_char, span.end_char, span.label_))
        if probability is not None:
            return recogniser_confidence(probability)
    return SOURCE_SCORES.get(source, 0.5)


def make_span(doc: Doc, start: int, end: int, label: str, source: str, kb_id: str = "") -> Span:
    return Span(doc, start, end, label=label, kb_id=kb_id, span_id=source)


def sourced_entities(doc: Doc) -> list[Span]:
    """`doc.ents`, each marked with its recogniser (those without one came from `ner`)."""
    return [e if e.id_ else make_span(doc, e.start, e.end, e.label_, "ner", e.kb_id_)
            for e in doc.ents]


def merge_longest(doc: Doc, new: Iterable[Span]) -> None:
    """Add `new` spans to `doc.ents`; where spans overlap the longer wins, and on equal length
    the new one (so a catalogue match relabels an identical statistical span). A new span inside
    an old one of another label wins too (`downstream [validation accuracy]`,
    `[CIFAR-100] image classification`). An old span whose edge falls inside a new one is
    trimmed to the part outside it (`SUN [RGB-D indoor scene segmentation tasks]` with the
    catalogue's `SUN RGB-D` gives `indoor scene segmentation tasks`)."""
    new = list(new)

    def contains_other_label(entity: Span) -> bool:
        return any(entity.start <= s.start and s.end <= entity.end and s.label_ != entity.label_
                   and (s.end == entity.end or s.label_ == "Dataset") for s in new)

    old = [trimmed for e in sourced_entities(doc) if not contains_other_label(e)
           for trimmed in [trim_crossing(doc, e, new)] if trimmed is not None]
    ranked = sorted([(len(s), 1, s) for s in new] + [(len(s), 0, s) for s in old],
                    key=lambda item: (-item[0], -item[1], item[2].start))
    taken: set[int] = set()
    kept = []
    for _, _, span in ranked:
        if not any(i in taken for i in range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    doc.ents = sorted(kept, key=lambda s: s.start)


def trim_crossing(doc: Doc, entity: Span, new: list[Span]) -> Span | None:
    """`entity` less the tokens of a new span that crosses one of its edges (overlaps it without
    either containing the other); None when nothing is left."""
    start, end = entity.start, entity.end
    for s in new:
        if s.start < start < s.end < end:
            start = s.end
        elif start < s.start < end < s.end:
            end = s.start
    if (start, end) == (entity.start, entity.end):
        return entity
    if start >= end or (end - start == 1 and doc[start].lower_ in BARE_HEADS):
        return None
    # what is left has new edges: `Generative Inference of [Large Language Models]` → no `of`
    return trimmed(make_span(doc, start, end, entity.label_, source_of(entity), entity.kb_id_))


def merge_entities(doc: Doc, new: Iterable[Span], prefer_new: bool) -> None:
    """Add `new` spans to `doc.ents`. Where spans overlap, `prefer_new` decides which side wins;
    within a side, the longest span wins."""
    old = sourced_entities(doc)
    new = filter_spans(list(new))
    first, second = (new, old) if prefer_new else (old, new)
    taken = {i for span in first for i in range(span.start, span.end)}
    kept = [s for s in second if not any(i in taken for i in range(s.start, s.end))]
    doc.ents = sorted(first + kept, key=lambda s: s.start)
