"""Name normalisation shared by per-paper grouping and cross-paper linking.

Two surface forms with the same key name the same thing: case, plural, hyphen and spacing
variants and Unicode dashes are folded; digits and version suffixes are kept, so `CIFAR-10` and
`CIFAR-100`, `GPT-2` and `GPT-3`, `Llama 3` and `Llama 3.1` keep different keys.
"""

from __future__ import annotations

import re
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
    "benchmark", "benchmarks", "metric", "metrics", "state-of-the-art", "sota", "evaluation",
    "efficiency", "effectiveness", "quality", "accuracy improvement", "learning", "training",
    "inference", "features", "feature", "representation", "representations", "information",
    "knowledge", "application", "applications", "setting", "settings", "component",
    "components", "pipeline", "design", "implementation", "this", "it", "they", "we", "that",
    "one", "ones", "others", "other methods", "existing methods", "our approach", "our method",
    "our model", "prior work", "previous work", "existing work", "state-of-the-art methods",
    "state-of-the-art approaches", "baseline methods", "downstream tasks", "various tasks",
    "models", "techniques", "large models", "deep models", "parameters", "layers", "layer",
    "loss", "objective", "function", "space", "input", "output", "inputs", "outputs",
}
VAGUE_HEADS = re.compile(r"^(?:our|this|these|those|their|its|such|existing|previous|prior|"
                         r"other|several|various|many|some|most|all|each|both|any)\b", re.I)


def fold(text: str) -> str:
    """Unicode-normalised, dash-unified, whitespace-collapsed text."""
    text = unicodedata.normalize("NFKC", text).translate(DASHES)
    return " ".join(text.split())


def singular(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(KEEP_S):
        return word[:-1]
    return word


def name_key(text: str) -> str:
    """The matching key: `Deep Neural Networks` → `deep neural network`, `DNNs` → `dnn`,
    `CIFAR10` → `cifar10` (and `CIFAR-10` → `cifar10`), `Llama 3.1` → `llama 3.1`."""
    text = fold(text).lower()
    text = LEADING_WORDS.sub("", text)
    text = re.sub(r"(?<=[a-z])-(?=\d)", "", text)  # cifar-10 → cifar10, gpt-2 → gpt2
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # encoder-decoder → encoder decoder
    text = re.sub(r"[\"'`“”‘’()\[\]{},;:]", " ", text)
    words = text.split()
    if not words:
        return ""
    words[-1] = singular(words[-1])
    return " ".join(words)


def is_vague(text: str) -> bool:
    """Phrases that do not name a specific thing: `our approach`, `existing methods`,
    `performance`, bare numbers, single letters."""
    folded = fold(text).lower().strip(" .,;:")
    if not folded or len(folded) < 2 or not any(c.isalpha() for c in folded):
        return True
    if folded in VAGUE or name_key(folded) in VAGUE or VAGUE_HEADS.match(folded):
        return True
    return len(folded.split()) > 8
