"""Query rows (column names and Python values, from either store or Neo4j) written as JSON,
CSV, TSV or table cells, the same conventions for every value the stores give:

- JSON: numbers stay numbers, decimals (`sum()` over DECIMAL, xsd:decimal) exactly as
  stored; dates, times and timestamps as ISO 8601 text (`2024-01-02`, `2024-01-02T10:00:00`),
  durations as ISO 8601 durations (`P1DT3S`); lists and maps as JSON arrays and objects.
- CSV, TSV and table cells: the same values as text: lists and maps as their JSON (`["a","b"]`),
  booleans `true`/`false`, decimals exact (`0.1`, never `0.1000000000000000055`), no value
  as an empty cell.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import msgspec

_JSON = msgspec.json.Encoder(decimal_format="number", enc_hook=str)


def json_value(value) -> bytes:
    """A value as compact JSON (the conventions of this module)."""
    return _JSON.encode(value)


def json_rows(columns: list[str], rows: list[list]) -> str:
    """Rows as a JSON array of objects, one per row, keyed by column name."""
    document = _JSON.encode([dict(zip(columns, row)) for row in rows])
    return msgspec.json.format(document, indent=1).decode("utf-8")


def cell_text(value) -> str:
    """A value as the text of one CSV, TSV or table cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    encoded = json_value(value).decode("utf-8")
    if encoded.startswith('"') and not isinstance(value, (list, tuple, dict)):
        return msgspec.json.decode(encoded)  # a date, a duration, a UUID: its ISO text
    return encoded


def delimited_rows(columns: list[str], rows: list[list], delimiter: str) -> str:
    """Rows as CSV (delimiter `,`, RFC 4180 quoting) or TSV (`\\t`), a header line first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[cell_text(v) for v in row] for row in rows])
    return buffer.getvalue()
