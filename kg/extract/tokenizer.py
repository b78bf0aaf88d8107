"""Tokenizer for scientific text: spaCy's English rules, with model names kept whole.

Differences from ``spacy.blank("en")``:

* A hyphen splits a word only between two lowercase letters (``state-of-the-art``,
  ``pixel-wise``) or before a common lowercase suffix word (``GPT-4-based``,
  ``ResNet-like``).  Names such as ``GPT-4o``, ``ResNet-50``, ``DeepLab-LargeFOV``,
  ``DS-CNN`` or ``Llama-2-chat`` stay one token.
* A URL keeps its path but not a trailing ``.``/``,``/``)``.
* A number glued to ``times``/``×`` is split off (``1.72times`` -> ``1.72`` ``times``).

Numbers (``53.99``, ``3.1``) and URLs stay whole, as in the default English tokenizer.
"""

from __future__ import annotations

import re

import spacy
from spacy.lang.char_classes import (
    ALPHA,
    ALPHA_LOWER,
    ALPHA_UPPER,
    CONCAT_QUOTES,
    HYPHENS,
    LIST_ELLIPSES,
    LIST_ICONS,
)
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_suffix_regex

# Lowercase words that usually attach to a name with a hyphen and should be split off.
_HYPHEN_SUFFIX_WORDS = (
    "based|like|style|wise|level|aware|free|specific|driven|guided|only|shot|"
    "scale|sized|size|tuned|trained|augmented|conditioned|generated|dependent|"
    "independent|invariant|equivariant|inspired|compatible|friendly|centric"
)

_INFIXES = (
    LIST_ELLIPSES
    + LIST_ICONS
    + [
        r"(?<=[0-9])[+\-\*^](?=[0-9-])",
        r"(?<=[{al}{q}])\.(?=[{au}{q}])".format(al=ALPHA_LOWER, au=ALPHA_UPPER, q=CONCAT_QUOTES),
        r"(?<=[{a}]),(?=[{a}])".format(a=ALPHA),
        # hyphen between two lowercase letters, or before a common suffix word
        r"(?<=[{al}])(?:{h})(?=[{al}])".format(al=ALPHA_LOWER, h=HYPHENS),
        r"(?<=[{a}0-9])(?:{h})(?=(?:{w})\b)".format(a=ALPHA, h=HYPHENS, w=_HYPHEN_SUFFIX_WORDS),
        r"(?<=[{a}0-9])[:<>=/](?=[{a}])".format(a=ALPHA),
    ]
)

# spaCy's URL pattern, but trailing sentence punctuation is left to the suffix rules.
assert URL_PATTERN.endswith("$")
_URL_MATCH = re.compile("(?u)" + URL_PATTERN[:-1] + r"""(?<![.,;:!?)\]'"])$""").match


def build_tokenizer(nlp: spacy.Language) -> Tokenizer:
    """Return a tokenizer for ``nlp`` using the English defaults with our infix/suffix rules."""
    defaults = nlp.Defaults
    suffixes = list(defaults.suffixes) + [r"(?<=[0-9])(?:times|×)", r"(?<=/)[.,;:]"]
    return Tokenizer(
        nlp.vocab,
        rules=defaults.tokenizer_exceptions,
        prefix_search=spacy.util.compile_prefix_regex(defaults.prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(_INFIXES).finditer,
        token_match=defaults.token_match,
        url_match=_URL_MATCH,
    )


@spacy.registry.tokenizers("kg.scientific_tokenizer.v1")
def create_scientific_tokenizer():
    """Registry entry point: returns ``create_tokenizer(nlp)`` for spaCy configs."""

    def create_tokenizer(nlp: spacy.Language) -> Tokenizer:
        return build_tokenizer(nlp)

    return create_tokenizer


def make_blank_nlp() -> spacy.Language:
    """``spacy.blank("en")`` with the scientific tokenizer installed."""
    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    return nlp
