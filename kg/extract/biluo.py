"""Entities from per-token BILUO tags (`B-Method`, `I-Method`, `L-Method`, `U-Task`, `O`).

The recogniser is a tagger over the tok2vec: one softmax per token, a few times cheaper than
spaCy's transition-based NER, which walks every token of every text state by state. This
component turns its tags into `doc.ents`, repairing broken sequences the way a reader would:
an `I-`/`L-` with no open entity of its label starts one, and an entity left open ends
before the next token that does not continue it.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example


def biluo_spans(tags: list[tuple[str, str] | None]) -> list[tuple[int, int, str]]:
    """(start, end, label) for each entity in a sequence of (prefix, label) pairs; None is O."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate(tags):
        prefix, tag_label = tag if tag else ("O", None)
        if start is not None and (prefix in ("O", "B", "U") or tag_label != label):
            spans.append((start, i, label))
            start = None
        if prefix == "U":
            spans.append((i, i + 1, tag_label))
        elif prefix in ("B", "I", "L"):
            if start is None:
                start, label = i, tag_label
            if prefix == "L":
                spans.append((start, i + 1, label))
                start = None
    if start is not None:
        spans.append((start, len(tags), label))
    return spans


@Language.factory("kg_biluo_entities", default_config={"tagger": "tagger"})
class BiluoEntities:
    """Sets `doc.ents` from the BILUO tags the named tagger wrote into `token.tag_`."""

    def __init__(self, nlp: Language, name: str, tagger: str) -> None:
        self.name = name
        self.tagger = tagger
        self.vocab = nlp.vocab
        self._parsed: dict[int, tuple[str, str] | None] = {}

    def _tag(self, tag_hash: int) -> tuple[str, str] | None:
        if tag_hash not in self._parsed:
            text = self.vocab.strings[tag_hash] if tag_hash else "O"
            prefix, _, label = text.partition("-")
            self._parsed[tag_hash] = (prefix, label) if label and prefix in "BILU" else None
        return self._parsed[tag_hash]

    def __call__(self, doc: Doc) -> Doc:
        tags = [self._tag(int(h)) for h in doc.to_array("TAG")]
        doc.set_ents([Span(doc, s, e, label=lab) for s, e, lab in biluo_spans(tags)])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return get_ner_prf(examples)

    def initialize(self, get_examples=None, nlp=None) -> None:
        pass

    def to_disk(self, path, exclude=()) -> None:
        pass

    def from_disk(self, path, exclude=()):
        return self

    def to_bytes(self, exclude=()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, exclude=()):
        return self
