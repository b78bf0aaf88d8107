"""Sources: read paper records from files or stdin, whatever their format.

`read_inputs(paths)` yields Papers and Rejects in input order. The format of each input is
detected from its extension and its first bytes; `-` reads standard input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.records import Paper, Reject
from kg.sources.csv_table import read_csv
from kg.sources.hf_listing import looks_like_hf_listing, read_hf_listing
from kg.sources.jsonl import read_jsonl

FORMATS = ("hf-listing", "jsonl", "csv", "tsv")
SNIFF_BYTES = 64 * 1024


class InputError(Exception):
    """An input that cannot be read at all (missing file, a directory, no permission)."""


def decoded_lines(raw_lines: Iterable[bytes]) -> Iterator[tuple[int, str | None]]:
    """Number lines from 1 and decode them as UTF-8; an undecodable line becomes None."""
    for number, raw in enumerate(raw_lines, start=1):
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield number, None


def detect_format(name: str, head: bytes) -> str | None:
    """Guess the format from the file name and its first bytes; None when it is binary."""
    if b"\x00" in head:
        return None
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lstrip().startswith("{"):
        return "jsonl"
    if looks_like_hf_listing(text):
        return "hf-listing"
    if "title" in first.lower() and "\t" in first:
        return "tsv"
    if "title" in first.lower() and "," in first:
        return "csv"
    return "hf-listing"


def read_stream(stream, name: str, fmt: str | None = None) -> Iterator[Paper | Reject]:
    """Read one binary stream; `fmt` overrides detection."""
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    if not head.strip():
        yield Reject(name, 0, "empty input: no records")
        return
    fmt = fmt or detect_format(name, head)
    if fmt is None:
        yield Reject(name, 0, "binary file: not a paper listing, JSON Lines or CSV")
        return
    lines = decoded_lines(stream)
    if fmt == "jsonl":
        yield from read_jsonl(lines, name)
    elif fmt in ("csv", "tsv"):
        yield from read_csv(lines, name, delimiter="\t" if fmt == "tsv" else ",")
    else:
        yield from read_hf_listing(lines, name)


def read_path(path: str | Path, fmt: str | None = None) -> Iterator[Paper | Reject]:
    name = str(path)
    if name == "-":
        yield from read_stream(sys.stdin.buffer, "<stdin>", fmt)
        return
    path = Path(path)
    if not path.exists():
        raise InputError(f"input file not found: {path}")
    if path.is_dir():
        raise InputError(f"input is a directory, not a file: {path}")
    try:
        handle = path.open("rb")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    with handle:
        yield from read_stream(handle, name, fmt)


def check_inputs(paths: Iterable[str | Path]) -> None:
    """Fail early, before any work, on inputs that do not exist."""
    for path in paths:
        if str(path) != "-" and not Path(path).is_file():
            reason = "is a directory, not a file" if Path(path).is_dir() else "not found"
            raise InputError(f"input file {reason}: {path}")


def read_inputs(paths: Iterable[str | Path], fmt: str | None = None) -> Iterator[Paper | Reject]:
    """Papers and Rejects from every input, in order."""
    for path in paths:
        yield from read_path(path, fmt)


def read_records(records: Iterable[dict | Paper], source: str = "<records>") -> Iterator[Paper | Reject]:
    """Papers from in-memory dicts (the Python API), with the same checks as the readers."""
    from kg.sources.fields import paper_from_mapping

    for index, record in enumerate(records, start=1):
        yield record if isinstance(record, Paper) else paper_from_mapping(record, source, index)
