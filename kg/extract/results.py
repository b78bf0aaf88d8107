"""Numeric results (`53.99%`, `1.72times`, `BLEU of 28.4`) tied to the metric, dataset and
method named in the same sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

UNIT_ALIASES = {"%": "%", "percent": "%", "times": "x", "x": "x", "×": "x", "fold": "x",
                "-fold": "x", "pp": "pp", "points": "pp", "ms": "ms", "db": "dB"}
VALUE_WITH_UNIT = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s?(%|percent\b|times\b|×|x\b|-?fold\b|pp\b|points\b|ms\b|dB\b)",
    re.I)
VALUE_AFTER_METRIC = re.compile(r"\s*(?:of|=|:|is|was|reaches|reached|achieves|of about|score of)?\s*"
                                r"(\d+(?:\.\d+)?)(?![\w%])")
ANY_DIGIT = re.compile(r"\d")


@dataclass
class Result:
    value: str
    number: float | None
    unit: str | None
    method: str | None
    dataset: str | None
    metric: str | None
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"method": self.method, "dataset": self.dataset, "metric": self.metric,
                "value": self.value, "number": self.number, "unit": self.unit}


class Entity(Protocol):
    """What results read of an entity mention (`kg.extract.paper.Mention` has it)."""

    text: str
    label: str
    start: int
    end: int


def _nearest(entities: list[Entity], label: str, position: int, prefer: set[str]) -> str | None:
    candidates = [e for e in entities if e.label == label]
    if not candidates:
        return None
    preferred = [e for e in candidates if e.text in prefer]
    pool = preferred or candidates
    return min(pool, key=lambda e: abs(e.start - position)).text


def find_results(text: str, offset: int, entities: list[Entity],
                 proposed: set[str]) -> list[Result]:
    """Values with a unit, or plain numbers right after a metric (`BLEU of 28.4`), in one
    sentence: `text`, starting at character `offset` of its field, with its `entities`.
    A value needs at least one of metric, dataset or method in the sentence to count.
    Plain strings, not spaCy spans: `Span.text` builds a Token object per token."""
    if not entities or not ANY_DIGIT.search(text):
        return []
    found: list[Result] = []
    seen: set[int] = set()
    for match in VALUE_WITH_UNIT.finditer(text):
        unit = UNIT_ALIASES.get(match.group(2).lower().lstrip("-"), match.group(2))
        found.append(_result(match.group(0), match.group(1), unit, match.start(), match.end(),
                             offset, entities, proposed))
        seen.update(range(match.start(), match.end()))
    for metric in (e for e in entities if e.label == "Metric"):
        after = text[metric.end - offset:][:24]
        match = VALUE_AFTER_METRIC.match(after)
        if match:
            start = metric.end - offset + match.start(1)
            if start not in seen:
                found.append(_result(match.group(1), match.group(1), None, start,
                                     start + len(match.group(1)), offset, entities, proposed))
    return [r for r in found if r.metric or r.dataset or r.method]


def _result(raw, number, unit, start, end, offset, entities, proposed) -> Result:
    position = offset + start
    return Result(
        value=raw.strip(),
        number=float(number),
        unit=unit,
        method=_nearest(entities, "Method", position, proposed),
        dataset=_nearest(entities, "Dataset", position, proposed),
        metric=_nearest(entities, "Metric", position, proposed),
        start=position,
        end=offset + end,
    )
