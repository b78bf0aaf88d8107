"""Sources: read paper records from files or stdin, whatever their format.

`read_inputs(paths)` yields Papers and Rejects in input order. The format of each input is
detected from its extension and its first bytes; `-` reads standard input. Formats: listing
text, JSON Lines and whole-file JSON (generic records, arXiv snapshot, OpenAlex, Semantic Scholar,
Papers with Code, Hugging Face daily papers: told apart by their keys), CSV/TSV, arXiv Atom,
BibTeX. Code links from a links listing (Papers with Code) are attached to the papers of every
input, whatever the order of the inputs.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.records import CodeLink, Paper, Reject
from kg.sources.arxiv import looks_like_atom, read_arxiv_atom
from kg.sources.bibtex import looks_like_bibtex, read_bibtex
from kg.sources.csv_table import read_csv
from kg.sources.hf_listing import looks_like_hf_listing, read_hf_listing
from kg.sources.json_records import read_json_document
from kg.sources.jsonl import read_jsonl
from kg.sources.pwc import CodeLinkIndex, looks_like_pwc_links_file

FORMATS = ("hf-listing", "jsonl", "json", "csv", "tsv", "arxiv-atom", "bibtex")
SNIFF_BYTES = 64 * 1024
JSON_ARRAY_START = re.compile(r'\s*\[\s*(?:[{\["\]]|$)')  # not a listing title like "[Re] ..."


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
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json" or first.lstrip().startswith("{") or JSON_ARRAY_START.match(first):
        return _json_kind(first)
    if suffix == ".csv":
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    if suffix in (".bib", ".bibtex"):
        return "bibtex"
    if suffix in (".atom", ".xml") or looks_like_atom(text):
        return "arxiv-atom"
    if first.lstrip().startswith("@") and looks_like_bibtex(text):
        return "bibtex"
    if looks_like_hf_listing(text):
        return "hf-listing"
    if "title" in first.lower() and "\t" in first:
        return "tsv"
    if "title" in first.lower() and "," in first:
        return "csv"
    return "hf-listing"


def _json_kind(first_line: str) -> str:
    """JSON Lines when the first line is a whole object, else one JSON document."""
    if not first_line.lstrip().startswith("{"):
        return "json"
    try:
        json.loads(first_line)
    except json.JSONDecodeError:
        return "json"
    return "jsonl"


def read_stream(stream, name: str, fmt: str | None = None) -> Iterator[Paper | Reject | CodeLink]:
    """Read one binary stream; `fmt` overrides detection."""
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    if not head.strip():
        yield Reject(name, 0, "empty input: no records")
        return
    fmt = fmt or detect_format(name, head)
    if fmt is None:
        yield Reject(name, 0, "binary file: not a paper listing, JSON, CSV, Atom or BibTeX")
        return
    lines = decoded_lines(stream)
    if fmt == "jsonl":
        yield from read_jsonl(lines, name)
    elif fmt == "json":
        yield from read_json_document(lines, name)
    elif fmt == "arxiv-atom":
        yield from read_arxiv_atom(lines, name)
    elif fmt == "bibtex":
        yield from read_bibtex(lines, name)
    elif fmt in ("csv", "tsv"):
        yield from read_csv(lines, name, delimiter="\t" if fmt == "tsv" else ",")
    else:
        yield from read_hf_listing(lines, name)


def read_path(path: str | Path, fmt: str | None = None) -> Iterator[Paper | Reject | CodeLink]:
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


def is_links_listing(path: str | Path) -> bool:
    """A code-links listing (Papers with Code `links-between-papers-and-code.json`)?"""
    if str(path) == "-":
        stream = sys.stdin.buffer
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    else:
        try:
            with open(path, "rb") as handle:
                head = handle.read(SNIFF_BYTES)
        except OSError:
            return False  # read_path says why
    return looks_like_pwc_links_file(head.decode("utf-8", errors="replace"))


def read_inputs(paths: Iterable[str | Path], fmt: str | None = None) -> Iterator[Paper | Reject]:
    """Papers and Rejects from every input, in order. Links listings are read first, so their
    code links reach the papers of every other input (matched by arXiv id, listing URL or
    normalised title)."""
    paths = list(paths)
    links = CodeLinkIndex()
    listings = [path for path in paths if is_links_listing(path)]
    for item in (item for path in listings for item in read_path(path, fmt)):
        if isinstance(item, CodeLink):
            links.add(item)
        else:
            yield item
    for path in paths:
        if path in listings:
            continue
        for item in read_path(path, fmt):
            if isinstance(item, CodeLink):
                links.add(item)
            elif isinstance(item, Paper):
                yield links.attach(item)
            else:
                yield item


def read_records(records: Iterable[dict | Paper], source: str = "<records>") -> Iterator[Paper | Reject]:
    """Papers from in-memory dicts (the Python API), with the same checks as the readers."""
    from kg.sources.json_records import record_from_json

    for index, record in enumerate(records, start=1):
        if isinstance(record, Paper):
            yield record
        elif not isinstance(item := record_from_json(record, source, index), CodeLink):
            yield item
