"""Reader for JSON Lines: one record a line, from any source (see `kg.sources.json_records`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from kg.records import CodeLink, Paper, Reject
from kg.sources.json_records import items_from_json, json_error

_decode = json.JSONDecoder(strict=False).decode  # control characters in strings: the screen's


def read_jsonl(lines: Iterable[tuple[int, str | None]], source: str,
               ) -> Iterator[Paper | Reject | CodeLink]:
    for number, text in lines:
        if text is None:
            yield Reject(source, number, "undecodable bytes (not UTF-8)")
            continue
        if not text.strip():
            continue
        try:
            record = _decode(text)
        except (ValueError, RecursionError) as error:
            yield Reject(source, number, json_error(error), text.strip()[:200])
            continue
        yield from items_from_json(record, source, number)
