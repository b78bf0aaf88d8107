"""Trim entity spans to the name they hold: no dangling `of`, `and`, `(` or `-` at either end."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

EDGE_WORDS = {"of", "and", "or", "the", "a", "an", "for", "with", "in", "on", "to", "via", "by",
              "from", "as", "at", "its", "their", "our", "this", "these", "that", "which", "e.g.",
              "i.e.", "using", "based"}
OPENERS, CLOSERS = "([{", ")]}"
# `DeconvNet architectures`, `BERT model`: the name is the proper noun before the generic head
GENERIC_HEADS = {"architecture", "architectures", "model", "models", "network", "networks",
                 "method", "methods", "framework", "frameworks", "algorithm", "algorithms",
                 "approach", "approaches", "system", "systems", "variant", "variants"}


def without_generic_head(text: str) -> str:
    """`DeconvNet architectures` → `DeconvNet`; `neural network models` stays as it is."""
    words = text.split()
    if len(words) >= 2 and words[-1].lower() in GENERIC_HEADS and any(
            c.isupper() or c.isdigit() for c in words[-2][1:]):
        return " ".join(words[:-1])
    return text


def is_address(token) -> bool:
    """A web address or e-mail, which names no method or dataset (the links extractor has it)."""
    return "://" in token.text or token.text.lower().startswith("www.") or token.like_email


def trimmed(span: Span) -> Span | None:
    """The span without edge words and unbalanced brackets or dashes; None if nothing is left
    or the span holds a web address."""
    start, end = span.start, span.end
    doc = span.doc
    if any(is_address(token) for token in span):
        return None

    def droppable(token, at_end: bool) -> bool:
        text = token.text
        if text.lower() in EDGE_WORDS or text in {"-", "–", ",", ";", ":", ".", "'s", "'"}:
            return True
        if text in OPENERS:
            return True
        if text in CLOSERS:
            inner = doc[start:end].text
            return not at_end or inner.count(OPENERS[CLOSERS.index(text)]) < inner.count(text)
        return False

    while start < end and droppable(doc[start], at_end=False):
        start += 1
    while end > start and droppable(doc[end - 1], at_end=True):
        end -= 1
    if start >= end:
        return None
    if start == span.start and end == span.end and "(" not in span.text and ")" not in span.text:
        return span
    inner = doc[start:end].text
    if inner.count("(") != inner.count(")"):  # `natural language processing (NLP` → cut at `(`
        cut = next((t.i for t in doc[start:end] if t.text == "("), None)
        if cut is None or cut == start:
            return None
        end = cut
    return Span(doc, start, end, label=span.label_, kb_id=span.kb_id_, span_id=span.id_)


@Language.factory("kg_span_edges")
class SpanEdgeTrimmer:
    def __init__(self, nlp: Language, name: str = "kg_span_edges") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        entities = doc.ents
        spans = [t for t in (trimmed(e) for e in entities) if t is not None]
        if len(spans) != len(entities) or any(a is not b for a, b in zip(spans, entities)):
            doc.ents = spans
        return doc
