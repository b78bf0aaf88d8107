"""The role of an entity in its paper: `proposed` (introduced by this paper) or `used`."""

from __future__ import annotations

import re

INTRODUCING_VERBS = (r"(?:present|propose|introduce|develop|design|build|release|contribute|"
                     r"construct|create|curate|collect|devise|offer|formulate|establish)(?:s|d|ed)?")
# "we present SegNet", "we introduce OpenSWI, a ...", "This paper proposes X"
INTRODUCED_AFTER = re.compile(
    rf"\b(?:we|this (?:paper|work|study|article)|our (?:paper|work))\s+(?:also\s+|further\s+|first\s+)?"
    rf"{INTRODUCING_VERBS}\b", re.I)
NAMING = re.compile(r"\b(?:termed|called|named|dubbed|coined|namely|which we call|we call it)\s*$", re.I)
OURS = re.compile(r"\b(?:our|the proposed|our proposed|novel|new)\s+(?:\w+[\s-]){0,4}$", re.I)


def title_prefix_name(title: str) -> str | None:
    """`SegNet: A Deep ...` → `SegNet` (a short name before a colon in the title)."""
    head, sep, _ = title.partition(":")
    if sep and 1 <= len(head.split()) <= 4 and len(head) <= 40:
        return head.strip()
    return None


def is_proposed(entity_text: str, title: str, sentence: str, offset_in_sentence: int) -> bool:
    """True when the title names the entity before its colon, or the sentence introduces it:
    `we present ... SegNet`, `... termed SegNet`, `our SegNet`."""
    prefix = title_prefix_name(title)
    if prefix and entity_text.lower() in {prefix.lower(), prefix.lower().rstrip("s")}:
        return True
    before = sentence[:offset_in_sentence]
    if NAMING.search(before) or OURS.search(before[-60:]):
        return True
    introduced = list(INTRODUCED_AFTER.finditer(before))
    if introduced:
        between = before[introduced[-1].end():]
        # an entity close after "we present" in the same clause is what is presented
        return len(between.split()) <= 12 and not re.search(r"\b(?:using|with|on|from|than|by|via|over|of existing)\b", between, re.I)
    return False
