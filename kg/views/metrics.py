"""Which way a metric is better: higher (accuracy, F1, BLEU) or lower (error, loss, perplexity,
latency, time, size).

Decided first from the catalogue `data/metric-directions.csv` (metric names of the Papers with
Code archive, CC BY-SA 4.0; `scripts/build_metric_directions.py` writes it, with the evidence
for each name: the order of a Papers with Code leaderboard, or the name rule below), then
from the metric's name, and higher-is-better when nothing says otherwise.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

CATALOGUE = Path(__file__).parent / "data" / "metric-directions.csv"

# Words that make a lower value better, as whole words of the lower-cased name ("Top-1 Error",
# "Test perplexity", "Inference Time (ms)", "Number of params", "FID", "WER (%)").
LOWER_IS_BETTER = (
    "error", "errors", "err", "loss", "perplexity", "ppl", "latency", "time", "runtime",
    "duration", "seconds", "size", "params", "parameters", "flops", "gflops", "macs", "memory",
    "distance", "divergence", "rmse", "mse", "mae", "mape", "nll", "logloss", "fid", "kid",
    "fvd", "lpips", "wer", "cer", "der", "eer", "epe", "mpjpe", "mpvpe", "mean rank",
    "mr", "bpc", "bpd", "bits per", "mindcf", "nme", "mce", "badpix", "hausdorff", "chamfer",
    "emd", "ade", "fde", "abs rel", "sq rel", "cost", "energy", "fpr", "false positive",
    "false negative", "miss rate",
)
# Words that turn a lower-is-better quantity into a gain: "latency reduction", "speedup",
# "memory saving", "TAR @ FAR=1e-4" (true accepts at a false-accept rate).
HIGHER_DESPITE = (
    "reduction", "reductions", "saving", "savings", "speedup", "speed-up", "speed up",
    "improvement", "gain", "throughput", "fps", "per second", "tar", "compression ratio",
)


def _words(terms: tuple[str, ...]) -> re.Pattern:
    # a word of its own: not inside another word, nor the `mR` of `mR@50` (mean recall)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(t) for t in terms) + r")(?![a-z0-9@])")


LOWER_WORDS = _words(LOWER_IS_BETTER)
HIGHER_WORDS = _words(HIGHER_DESPITE)


class Direction(NamedTuple):
    direction: str  # "higher" or "lower": which value is better
    basis: str  # why: the catalogue's evidence, the name's word, or the default


def metric_key(name: str) -> str:
    """`Top-1 Error (%)` → `top 1 error`: lower case, runs of other characters as one space."""
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def direction_by_name(name: str) -> Direction:
    """The direction the name's words give (see LOWER_IS_BETTER, HIGHER_DESPITE)."""
    text = name.lower()
    if found := HIGHER_WORDS.search(text):
        return Direction("higher", f"name: {found.group(1)}")
    if found := LOWER_WORDS.search(text):
        return Direction("lower", f"name: {found.group(1)}")
    return Direction("higher", "default")


@cache
def catalogue() -> dict[str, Direction]:
    """metric key → direction and evidence, from `data/metric-directions.csv`."""
    if not CATALOGUE.is_file():
        return {}
    with open(CATALOGUE, encoding="utf-8", newline="") as handle:
        return {metric_key(row["metric"]): Direction(row["direction"], f"Papers with Code: {row['evidence']}")
                for row in csv.DictReader(handle)}


def metric_direction(name: str | None) -> Direction:
    """Whether a higher or a lower value of the metric `name` is better, and why."""
    if not name:
        return Direction("higher", "default (no metric)")
    return catalogue().get(metric_key(name)) or direction_by_name(name)
