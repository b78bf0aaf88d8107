"""Reader for CSV (or TSV) tables with a header row naming `title`, `abstract` and friends."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from kg.records import Paper, Reject
from kg.sources.fields import paper_from_mapping


def read_csv(lines: Iterable[tuple[int, str | None]], source: str, delimiter: str = ",",
             ) -> Iterator[Paper | Reject]:
    """Rows keep the line number where they start, also when a quoted field spans lines."""
    good_lines: list[tuple[int, str]] = []
    for number, text in lines:
        if text is None:
            yield Reject(source, number, "undecodable bytes (not UTF-8)")
        else:
            good_lines.append((number, text))
    if not good_lines:
        return
    starts: list[int] = []

    def feed():
        for number, text in good_lines:
            starts.append(number)
            yield text

    reader = csv.reader(feed(), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    if "title" not in header or not ({"abstract", "text", "summary"} & set(header)):
        yield Reject(source, good_lines[0][0],
                     "CSV header must name 'title' and 'abstract' (or 'text')", ",".join(header)[:200])
        return
    consumed = 1
    try:
        for row in reader:
            row_start = starts[consumed]
            consumed = len(starts)
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield Reject(source, row_start,
                             f"CSV row has {len(row)} fields, header has {len(header)}",
                             delimiter.join(row)[:200])
                continue
            yield paper_from_mapping(dict(zip(header, row)), source, row_start)
    except csv.Error as error:
        yield Reject(source, starts[-1] if starts else 0, f"broken CSV: {error}")
