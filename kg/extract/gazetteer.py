"""Gazetteer matching: catalogue names of tasks, datasets, metrics and models.

The names come from the Papers with Code archive and a curated list (see
`kg/extract/data/ATTRIBUTION.md`), built by `scripts/build_gazetteer.py`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from kg.extract.spans import make_span, merge_entities, merge_longest

GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.jsonl"
# a CamelCase name (`AudioSet`, `ImageNet`, `WikiText-103`): abstracts write it `Audioset` or
# `Imagenet` too, so it is matched in any case, unless an English word is spelt so (`RotatE`,
# `DocILE`, `InspiRe`)
CAMEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9-]*[a-z][A-Z][A-Za-z0-9-]*$")
ENGLISH_WORD = 2.5  # Zipf frequency of a word English writes (`rotate`, `docile`)


def matches_in_any_case(name: str) -> bool:
    from kg.extract.worthiness import load_model

    model = load_model()
    english = model.english if model is not None else {}
    return len(name) >= 6 and CAMEL_NAME.match(name) is not None and \
        english.get(name.lower(), 0.0) < ENGLISH_WORD


@lru_cache(maxsize=4)
def load_gazetteer(path: str = str(GAZETTEER_PATH)) -> tuple[dict, ...]:
    """Entries `{id, label, name, aliases, case_sensitive}`; empty when the file is absent."""
    if not Path(path).exists():
        return ()
    with open(path, encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


@Language.factory("kg_gazetteer", default_config={"path": str(GAZETTEER_PATH), "mode": "longest"})
class GazetteerMatcher:
    """Marks catalogue names as entities; they win over overlapping statistical entities."""

    def __init__(self, nlp: Language, name: str, path: str, mode: str) -> None:
        self.name = name
        self.mode = mode  # where a match overlaps an entity: "longest", "override" or "fill"
        self.entries = {entry["id"]: entry for entry in load_gazetteer(path)}
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        # A copy tokenizes the names: ten thousand cached names made the pipeline's own
        # tokenizer about eight times slower on every text after them (measured).
        tokenizer = Tokenizer(nlp.vocab).from_bytes(nlp.tokenizer.to_bytes())
        for entry in self.entries.values():
            names = [entry["name"], *entry.get("aliases", [])]
            matcher = self.exact if entry.get("case_sensitive", True) else self.folded
            matcher.add(entry["id"], list(tokenizer.pipe(names)))
            if entry.get("case_sensitive", True) and (camel := [n for n in names if matches_in_any_case(n)]):
                self.folded.add(entry["id"], list(tokenizer.pipe(camel)))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match_id, start, end in [*self.exact(doc), *self.folded(doc)]:
            entry = self.entries[doc.vocab.strings[match_id]]
            spans.append(make_span(doc, start, end, entry["label"], "gazetteer", entry["id"]))
        if not spans:
            return doc
        if self.mode == "longest":
            merge_longest(doc, spans)
        else:
            merge_entities(doc, spans, prefer_new=self.mode == "override")
        return doc
