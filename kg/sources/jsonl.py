"""Reader for JSON Lines: one paper object a line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from kg.records import Paper, Reject
from kg.sources.fields import paper_from_mapping


def read_jsonl(lines: Iterable[tuple[int, str | None]], source: str) -> Iterator[Paper | Reject]:
    for number, text in lines:
        if text is None:
            yield Reject(source, number, "undecodable bytes (not UTF-8)")
            continue
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            yield Reject(source, number, f"broken JSON: {error.msg} at column {error.colno}",
                         text.strip()[:200])
            continue
        yield paper_from_mapping(record, source, number)
