"""Naming helpers shared by extraction (`kg.extract`) and linking (`kg.link`), below both: name
normalisation, vague phrases, short forms and the long-form search of an abbreviation.

Two surface forms with the same key name the same thing: case, plural, hyphen and spacing
variants and Unicode dashes are folded; digits and version suffixes are kept, so `CIFAR-10` and
`CIFAR-100`, `GPT-2` and `GPT-3`, `Llama 3` and `Llama 3.1` keep different keys.
"""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata

DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
LEADING_WORDS = re.compile(
    r"^(?:the|a|an|our|their|its|this|these|those|such|novel|new|proposed|existing|standard|"
    r"popular|recent|several|various|two|three|four|five|many)\s+", re.I)
KEEP_S = ("ss", "us", "is", "ous", "sis", "ics", "xis")
VAGUE = {
    "approach", "approaches", "method", "methods", "model", "models", "framework", "frameworks",
    "system", "systems", "technique", "techniques", "algorithm", "algorithms", "architecture",
    "performance", "results", "result", "data", "dataset", "datasets", "task", "tasks",
    "experiments", "experiment", "work", "paper", "study", "analysis", "problem", "problems",
    "baseline", "baselines", "network", "networks", "module", "modules", "strategy",
    "strategies", "solution", "solutions", "tool", "tools", "scheme", "mechanism", "process",
    "benchmark", "benchmarks", "metric", "metrics", "state-of-the-art", "state of the art", "sota",
    "single model", "evaluation",
    "efficiency", "effectiveness", "quality", "accuracy improvement", "learning", "training",
    "inference", "features", "feature", "representation", "representations", "information",
    "knowledge", "application", "applications", "setting", "settings", "component",
    "components", "pipeline", "design", "implementation", "this", "it", "they", "we", "that",
    "one", "ones", "others", "other methods", "existing methods", "our approach", "our method",
    "our model", "prior work", "previous work", "existing work", "state-of-the-art methods",
    "state-of-the-art approaches", "baseline methods", "downstream tasks", "various tasks",
    "models", "techniques", "large models", "deep models", "parameters", "layers", "layer",
    "loss", "objective", "function", "space", "input", "output", "inputs", "outputs",
    "score", "scores", "measure", "measures", "value", "values",  # of what?
    # how a measure is averaged, cut off from it (`macro averaged F1`, `micro and macro F1`)
    "macro", "micro", "weighted", "average", "averaged", "macro average", "micro average",
    "macro averaged", "micro averaged", "macro-averaged", "micro-averaged",
}
VAGUE_HEADS = re.compile(r"^(?:our|this|these|those|their|its|such|existing|previous|prior|"
                         r"other|several|various|many|some|most|all|each|both|any)\b", re.I)


def fold(text: str) -> str:
    """Unicode-normalised, dash-unified, whitespace-collapsed text."""
    text = unicodedata.normalize("NFKC", text).translate(DASHES)
    return " ".join(text.split())


NO_PLURAL = {"series", "species", "news", "bias", "gas", "lens", "class"}
# `(CTR)` inside `Click-through rate (CTR) prediction`: a defined short form, not part of the name
INNER_SHORT_FORM = re.compile(r"\s*\((?=[^()\s]{2,10}\))(?=[^()]*[A-Z])[^()]*\)(?=\s|$)")
# `LLMs`, `GANs`, `LMs`: an upper-case short form with a plural `s`
SHORT_PLURAL = re.compile(r"\b([A-Z][A-Z0-9]*[A-Z])s\b")
GENERIC_HEADS = ("model", "models", "network", "networks", "architecture", "algorithm",
                 "method", "dataset", "datasets", "benchmark", "corpus", "framework")
NAMED_HEAD = re.compile(rf"^(\S+)\s+(?:{'|'.join(GENERIC_HEADS)})$", re.I)


SPACED_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")
LETTERS_THEN_NUMBER = re.compile(r"(?<=[a-z])['’]?[- ]?(?=\d)")
NUMBER_HYPHEN_LETTER = re.compile(r"(?<=\d)-(?=[a-z])")
WORD_HYPHEN = re.compile(r"(?<=[a-z0-9])-(?=[a-z])")
QUOTES_AND_BRACKETS = re.compile(r"[\"'`“”‘’()\[\]{},;:]")


def singular(word: str) -> str:
    if len(word) <= 3 or word.isdigit() or word in NO_PLURAL:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(KEEP_S):
        return word[:-1]
    return word


def looks_like_a_name(token: str) -> bool:
    """`BERT`, `ImageNet`, `GPT-3`, `ResNet-50`: capitals after the first letter, or digits."""
    return any(c.isdigit() for c in token) or any(c.isupper() for c in token[1:])


@lru_cache(maxsize=1 << 16)  # names repeat across papers; the regexes are the cost
def name_key(text: str) -> str:
    """The matching key: `Deep Neural Networks` → `deep neural network`, `DNNs` → `dnn`,
    `CIFAR-10` and `CIFAR10` → `cifar10`, `Llama 3.1` → `llama3.1`, `BERT model` → `bert`,
    `Click-through rate (CTR) prediction` → `click through rate prediction`."""
    text = SPACED_HYPHEN.sub("-", fold(text))  # tokenised `fully - convolutional`
    without_short = INNER_SHORT_FORM.sub("", text).strip()
    if without_short and without_short != text and not text.startswith("("):
        text = without_short
    text = SHORT_PLURAL.sub(r"\1", text)
    head = NAMED_HEAD.match(text)
    if head and looks_like_a_name(head.group(1)):
        text = head.group(1)
    text = text.lower()
    text = LEADING_WORDS.sub("", text)
    text = LETTERS_THEN_NUMBER.sub("", text)  # cifar-10 → cifar10, qwen 3 → qwen3
    text = NUMBER_HYPHEN_LETTER.sub("", text)  # 3-d → 3d
    text = WORD_HYPHEN.sub(" ", text)  # encoder-decoder → encoder decoder
    text = QUOTES_AND_BRACKETS.sub(" ", text)
    words = text.split()
    if not words:
        return ""
    words[-1] = singular(words[-1])
    return " ".join(words)


STOP_WORDS = {"of", "for", "and", "the", "a", "an", "in", "on", "to", "with", "via", "by"}


def initials(key: str, stop_words: bool = True) -> str:
    """First letters of a key's words (`mixture of expert` → `moe`, or `me` without stop words)."""
    words = [w for w in re.split(r"[\s/]+", key) if w and (stop_words or w not in STOP_WORDS)]
    return "".join(w[0] for w in words)


def is_short_form(text: str) -> bool:
    """One token of 2–10 characters with a capital letter: `DNN`, `LLMs`, `CoLa`, `FP16`."""
    text = fold(text)
    return 2 <= len(text) <= 10 and " " not in text and any(c.isupper() for c in text)


# what a run or its data is set to, not what it is measured by: `a learning rate of 0.001` is a
# setting (the SciREX full text marks `learning rate` a Metric 209 times in 268; no catalogue
# or leaderboard lists it as one)
SETTINGS = frozenset({
    "learning rate", "initial learning rate", "base learning rate", "dropout rate", "dropout ratio",
    "dropout probability", "weight decay", "batch size", "mini batch size", "minibatch size",
    "momentum", "step size", "warmup step", "number of epoch", "label smoothing",
    "sampling rate", "sample rate"})


def is_setting(text: str) -> bool:
    """`learning rate`, `Dropout rates`, `mini-batch size`: a setting of a run, not a measure."""
    words = fold(text).lower().replace("-", " ").split()
    return " ".join([*words[:-1], singular(words[-1])] if words else words) in SETTINGS


@lru_cache(maxsize=1 << 16)
def is_vague(text: str) -> bool:
    """Phrases that do not name a specific thing: `our approach`, `existing methods`,
    `performance`, bare numbers, single letters."""
    folded = fold(text).lower().strip(" .,;:")
    if not folded or len(folded) < 2 or not any(c.isalpha() for c in folded):
        return True
    if folded in VAGUE or name_key(folded) in VAGUE or VAGUE_HEADS.match(folded):
        return True
    words = re.split(r"[\s-]+", folded)
    if all(word in VAGUE or singular(word) in VAGUE for word in words):
        return True  # `model architectures`, `network design`: generic words only
    return len(words) > 8


# `X model(s)`, `X approach`, `X framework`, `X systems`, ...: one thing under several heads
VARIANT_HEADS = {"model", "approach", "framework", "system", "method", "architecture", "network",
                 "algorithm", "technique"}
# a generic word between a name and its head (`2D Matryoshka embedding models`)
VARIANT_MODIFIERS = {"embedding", "training", "learning", "inference", "neural", "language",
                     "based", "deep", "retrieval", "generation"}


def head_variant_core(surface: str) -> tuple[str, bool] | None:
    """The name a surface form extends with a generic head, as a key, and whether that name
    looks like a coined name (digits, inner capitals: `2D Matryoshka`, `DR`):
    `2D Matryoshka training approach` → (`2d matryoshka`, True), `DR systems` → (`dr`, True),
    `deep research systems` → (`deep research`, False). None without such a head."""
    words = fold(surface).split()
    if len(words) < 2 or singular(words[-1].lower()) not in VARIANT_HEADS:
        return None
    words = words[:-1]
    named = any(looks_like_a_name(word) for word in words)
    if len(words) >= 2 and words[-1].lower() in VARIANT_MODIFIERS and named and any(
            looks_like_a_name(word) for word in words[:-1]):
        words = words[:-1]
    core = name_key(" ".join(words))
    if not core or len(core.replace(" ", "")) < 2 or is_vague(core):
        return None
    return core, named


def misspelling_distance(a: str, b: str) -> int | None:
    """Edits (insert, delete, substitute, swap two neighbours) between two keys that may be one
    name misspelt (`cfdbench` / `cfdbnech`): names of at least 6 letters, the same numbers,
    at most 1 edit (2 from 12 letters); None otherwise."""
    from rapidfuzz.distance import OSA

    a, b = a.replace(" ", ""), b.replace(" ", "")
    shorter = min(len(a), len(b))
    if a == b or shorter < 6 or abs(len(a) - len(b)) > 2:
        return None
    if re.findall(r"\d+(?:\.\d+)*", a) != re.findall(r"\d+(?:\.\d+)*", b):
        return None
    limit = 2 if shorter >= 12 else 1
    distance = OSA.distance(a, b, score_cutoff=limit)
    return distance if distance <= limit else None


def find_long_form(short: str, candidate: str) -> int | None:
    """The start index in `candidate` of the long form that `short` abbreviates, scanning both
    right to left (Schwartz & Hearst 2003's `findBestLongForm`), or None: each character of the
    short form in order, its first character starting a word."""
    s_index = len(short) - 1
    l_index = len(candidate) - 1
    while s_index >= 0:
        char = short[s_index].lower()
        if not char.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (
            candidate[l_index].lower() != char
            or (s_index == 0 and l_index > 0 and candidate[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = candidate.rfind(" ", 0, l_index + 1) + 1
    return start
