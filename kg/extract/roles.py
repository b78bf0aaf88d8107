"""The role of an entity in its paper: `proposed` (introduced by this paper) or `used`.

Cues, in order: the title names it before its colon (`SegNet: A Deep ...`); the sentence names it
(`... termed SegNet`, `our solution, ZCore, ...`, `the proposed X`); or it is the first thing
after an introducing verb (`we present SegNet`, `this paper introduces OpenSWI`), also after
a description (`we propose a diverse, challenging benchmark LiveDRBench`). Catalogue
entities (established names such as CNN or ImageNet) are proposed only by the title or naming cues.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.entity_types import LISTED_NAME

INTRODUCING_VERBS = (r"(?:present|propose|introduce|develop|design|release|contribute|"
                     r"construct|create|curate|devise|formulate|establish)(?:s|d|ed)?")
INTRODUCED_AFTER = re.compile(
    rf"\b(?:we|this (?:paper|work|study|article)|our (?:paper|work))\s+"
    rf"(?:also\s+|further\s+|first\s+|here\s+)?{INTRODUCING_VERBS}\b", re.I)
NAMING = re.compile(
    r"(?:\b(?:termed|called|named|dubbed|coined|which we call|we call it)\s*"
    r"|\bour (?:\w+[\s-]){0,2}(?:solution|method|approach|model|framework|system|algorithm|"
    r"technique|dataset|benchmark|architecture|network|tool|library|pipeline)s?,\s*"
    # (the words between describe the name; an article or a preposition starts another phrase:
    # `the proposed approach combines an autoencoder` does not propose the autoencoder)
    r"|\b(?:the|our) (?:proposed|new|novel) "
    r"(?:(?!(?:a|an|the|of|with|for|to|in|on|by|from|and|or|is|are|was|were)\s)[\w-]+\s+){0,3}"
    # `we propose a new simple network architecture, the Transformer`: an apposition names it
    # (a plural before the comma starts a list: `a new model on three datasets, ImageNet`)
    r"|\b(?:a|an) (?:new|novel) (?:[\w-]+\s+){0,4}?(?:[\w-]*[^\Ws]|[\w-]*(?:ss|sis))\s?,\s*(?:the\s+)?"
    r"|\b(?:we|this paper|this work) (?:call|name|dub)s? (?:it|this|them|our \w+)\s+)$", re.I)
# `we created three new benchmark datasets namely, CLIMATE-CHANGE-NER (entity-recognition),
# NASA-QA (extractive QA) and NASA-IR`: each name of the list (in a sentence that introduces)
NAMELY = re.compile(rf"\bnamely,?\s*(?:{LISTED_NAME}){{0,4}}$", re.IGNORECASE)
# `we propose a diverse, challenging benchmark LiveDRBench`: the object is described first
DESCRIBED_OBJECT = re.compile(
    r"^\s*(?:an?|the|our|two|three|several)\s+(?:[\w-]+,?\s+){0,5}?"
    r"(?:benchmark|dataset|data set|corpus|suite|model|framework|method|system|architecture|"
    r"approach|algorithm|toolkit|library|agent|pipeline|network|metric)s?"
    r"\s*(?:,|:|called|named)?\s*$",
    re.I)
NOT_THE_OBJECT = re.compile(r"\b(?:to|for|of|in|on|with|using|via|by|from|than|over|between|"
                            r"against|into|across|and|or|that|which|where|whether)\b|[,;:]", re.I)


@lru_cache(maxsize=4096)
def title_prefix_name(title: str) -> str | None:
    """`SegNet: A Deep ...` → `SegNet` (a short name before a colon in the title)."""
    head, sep, _ = title.partition(":")
    if sep and 1 <= len(head.split()) <= 4 and len(head) <= 40:
        return head.strip()
    return None


@lru_cache(maxsize=4096)
def introduces(sentence: str) -> bool:
    """Whether a sentence has an introducing verb at all (most have none), asked once."""
    return INTRODUCED_AFTER.search(sentence) is not None


def is_proposed(entity_text: str, title: str, sentence: str, offset_in_sentence: int,
                in_catalogue: bool = False, common: bool = False) -> bool:
    """True when the title names the entity before its colon, or the sentence introduces it.
    `common`: the entity is a phrase many papers use (`Deep Learning: A Bayesian Perspective`),
    which a title's prefix names as its topic, not as something new."""
    prefix = title_prefix_name(title)
    if prefix and not common and entity_text.lower() in {prefix.lower(), prefix.lower().rstrip("s")}:
        return True
    before = sentence[:offset_in_sentence]
    if NAMING.search(before[-80:]):
        return True
    if in_catalogue or not introduces(sentence):
        return False
    introduced = list(INTRODUCED_AFTER.finditer(before))
    if not introduced:
        return False
    if NAMELY.search(before[-200:]):
        return True
    between = before[introduced[-1].end():]
    if DESCRIBED_OBJECT.match(between):
        return True
    return len(between.split()) <= 8 and not NOT_THE_OBJECT.search(between)
