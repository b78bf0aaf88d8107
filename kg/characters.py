"""The characters no output of kg can hold, and the one rule every text that reaches an output
goes through.

XML 1.0 (GraphML, RDF/XML, the page) forbids the C0 controls but tab, line feed and carriage
return, the noncharacters U+FFFE and U+FFFF, and lone surrogates, which UTF-8 (every other
output) cannot encode either. The rule (`clean_text`): a lone surrogate becomes U+FFFD, vertical
tab and form feed become spaces, and the other forbidden characters are removed.

It is applied once, where text enters kg: `kg.sources.screen` for the records of every reader
(where a lone surrogate rejects the record instead: it is a byte that was not text), the names
of input files, and `kg.link.aliases` for the user's alias names. Nothing downstream cleans
text again, so every output holds the same text.
"""

from __future__ import annotations

import re

SURROGATE = re.compile("[\ud800-\udfff]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # forbidden, but surrogates
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPACES = "\x0b\x0c"


def _replacement(found: re.Match) -> str:
    char = found.group()
    return " " if char in _SPACES else "\ufffd" if "\ud800" <= char <= "\udfff" else ""


def clean_text(text: str) -> str:
    """`text` by the rule of this module: lone surrogates → U+FFFD, vertical tab and form
    feed → space, other characters XML 1.0 forbids removed."""
    return FORBIDDEN.sub(_replacement, text) if FORBIDDEN.search(text) else text


def printable(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD, so it can be written as UTF-8."""
    return SURROGATE.sub("\ufffd", text) if not text.isascii() else text


def forbidden_codes(text: str) -> list[str]:
    """The forbidden characters of `text` as U+XXXX, each once, in order of appearance."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)))
