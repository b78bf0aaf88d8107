"""Reader for CSV (or TSV) tables with a header row naming `title`, `abstract` and friends."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from kg.records import Paper, Reject
from kg.sources.fields import paper_from_mapping

LINE_PIECES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# an abstract may be longer than csv's default field limit (128 KiB)
csv.field_size_limit(max(csv.field_size_limit(), 64 << 20))


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
            for piece in LINE_PIECES.findall(text) if "\r" in text else (text,):
                if piece:  # a line ended by a lone CR (old Mac files) is a line to csv
                    starts.append(number)
                    yield piece

    reader = csv.reader(feed(), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as error:
        yield Reject(source, good_lines[0][0], f"broken CSV header: {error}")
        return
    if "title" not in header or not ({"abstract", "text", "summary"} & set(header)):
        yield Reject(source, good_lines[0][0],
                     "CSV header must name 'title' and 'abstract' (or 'text')", ",".join(header)[:200])
        return
    consumed = len(starts)
    while True:
        try:
            row, error = next(reader), None
        except StopIteration:
            return
        except csv.Error as failure:  # this row only: the reader goes on with the next line
            row, error = [], failure
        row_start = starts[consumed] if consumed < len(starts) else starts[-1]
        consumed = len(starts)
        if error is not None:
            yield Reject(source, row_start, f"broken CSV: {error}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Reject(source, row_start,
                         f"CSV row has {len(row)} fields, header has {len(header)}",
                         delimiter.join(row)[:200])
            continue
        yield paper_from_mapping(dict(zip(header, row)), source, row_start)
