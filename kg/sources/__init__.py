"""Sources: read paper records from files or stdin, whatever their format.

`read_inputs(paths)` yields Papers and Rejects in input order. The format of each input is
detected from its extension and its first bytes; `-` reads standard input. Formats: listing
text, JSON Lines and whole-file JSON (generic records, arXiv snapshot, OpenAlex, Semantic Scholar,
Papers with Code, Hugging Face daily papers: told apart by their keys), CSV/TSV, arXiv Atom,
BibTeX. Code links from a links listing (Papers with Code) are attached to the papers of every
input, whatever the order of the inputs.

An input is any file that can be opened for reading: a regular file, a FIFO, a process
substitution `<(…)` (/dev/fd/N) or stdin, the last three read once. Bytes are decoded line by
line (`kg.sources.decoding`: UTF-8, or UTF-16/32 by their byte-order mark), and every record a
reader gives is screened (`kg.sources.screen`), so each record of an input ends as a Paper or
as a Reject with its file, line and reason, and an input without any record is one Reject.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.characters import clean_text
from kg.records import CodeLink, Paper, Reject
from kg.sources.arxiv import looks_like_atom, read_arxiv_atom
from kg.sources.bibtex import looks_like_bibtex, read_bibtex
from kg.sources.csv_table import read_csv
from kg.sources.decoding import (
    SNIFF_BYTES,
    decoded_lines,
    head_text,
    looks_binary,
    sniff_encoding,
    with_head,
)
from kg.sources.hf_listing import looks_like_hf_listing, read_hf_listing
from kg.sources.json_records import read_json_document
from kg.sources.jsonl import read_jsonl
from kg.sources.pwc import CodeLinkIndex, looks_like_pwc_links_file
from kg.sources.screen import screened

FORMATS = ("hf-listing", "jsonl", "json", "csv", "tsv", "arxiv-atom", "bibtex")
JSON_ARRAY_START = re.compile(r'\s*\[\s*(?:[{\["\]]|$)')  # not a listing title like "[Re] ..."


class InputError(Exception):
    """An input that cannot be read at all (missing file, a directory, no permission)."""


def detect_format(name: str, head: bytes) -> str | None:
    """Guess the format from the file name and its first bytes; None when it is binary."""
    text = head_text(head, sniff_encoding(head))
    if looks_binary(text):
        return None
    suffix = Path(name).suffix.lower()
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
        json.loads(first_line, strict=False)
    except (ValueError, RecursionError):
        return "json"
    return "jsonl"


def read_stream(stream, name: str, fmt: str | None = None) -> Iterator[Paper | Reject | CodeLink]:
    """Read one binary stream; `fmt` overrides detection. Every record the reader gives is
    screened (`kg.sources.screen`); a stream with no record at all is one Reject."""
    name = clean_text(name)
    head, stream = with_head(stream)
    encoding = sniff_encoding(head)
    if not head.strip() or not head_text(head, encoding).strip():
        yield Reject(name, 0, "empty input: no records")
        return
    fmt = fmt or detect_format(name, head)
    if fmt is None:
        yield Reject(name, 0, "binary file: not a paper listing, JSON, CSV, Atom or BibTeX "
                     "(nor UTF-8, UTF-16 or UTF-32 text)")
        return
    lines = decoded_lines(stream, encoding)
    if fmt == "jsonl":
        items = read_jsonl(lines, name)
    elif fmt == "json":
        items = read_json_document(lines, name)
    elif fmt == "arxiv-atom":
        items = read_arxiv_atom(lines, name)
    elif fmt == "bibtex":
        items = read_bibtex(lines, name)
    elif fmt in ("csv", "tsv"):
        items = read_csv(lines, name, delimiter="\t" if fmt == "tsv" else ",")
    else:
        items = read_hf_listing(lines, name)
    found = False
    for item in screened(items, encoding.upper().removesuffix("-LE").removesuffix("-BE")):
        found = True
        yield item
    if not found:
        yield Reject(name, 0, f"no records found (read as {fmt})")


def input_problem(path: str | Path) -> str | None:
    """Why `path` cannot be read as an input, or None. FIFOs, `<(…)` (/dev/fd/N) and other
    files that are not regular files are inputs too."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"input file is a symlink loop: {path}"
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            broken = " (a symlink to a missing file)" if os.path.islink(path) else ""
            return f"input file not found: {path}{broken}"
        return f"cannot read {path}: {error.strerror}"
    if stat.S_ISDIR(mode):
        return f"input file is a directory, not a file: {path}"
    return None


def open_input(path: str | Path) -> BinaryIO:
    """A binary stream of the input at `path` (`-`: standard input)."""
    if str(path) == "-":
        return sys.stdin.buffer
    if problem := input_problem(path):
        raise InputError(problem)
    try:
        return open(path, "rb")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None


def read_path(path: str | Path, fmt: str | None = None,
              stream: BinaryIO | None = None) -> Iterator[Paper | Reject | CodeLink]:
    """Read one input; `stream`: the input already opened (one that can be read only once)."""
    name = "<stdin>" if str(path) == "-" else str(path)
    handle = stream if stream is not None else open_input(path)
    try:
        yield from read_stream(handle, name, fmt)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def check_inputs(paths: Iterable[str | Path]) -> None:
    """Fail early, before any work, on inputs that do not exist, and on one that can be read
    only once (stdin, a FIFO) given twice: the second read would wait for ever."""
    once: set = set()
    for path in paths:
        if str(path) != "-" and (problem := input_problem(path)):
            raise InputError(problem)
        if readable_again(path):
            continue
        if str(path) == "-":
            identity = "-"
        else:
            try:
                found = os.stat(path)
            except OSError:
                continue
            identity = (found.st_dev, found.st_ino)
        if identity in once:
            raise InputError(f"{path}: given twice, but it can be read only once "
                             f"({'standard input' if str(path) == '-' else 'a pipe or FIFO'})")
        once.add(identity)


def readable_again(path: str | Path) -> bool:
    """A regular file, which can be opened twice (a FIFO, a pipe or stdin cannot)."""
    try:
        return str(path) != "-" and stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # read_path says why


def is_links_listing(head: bytes) -> bool:
    """A code-links listing (Papers with Code `links-between-papers-and-code.json`)?"""
    return looks_like_pwc_links_file(head_text(head, sniff_encoding(head)))


def _head_of(path: str | Path, opened: dict) -> bytes:
    """The first bytes of an input; one that can be read only once is opened here and kept
    in `opened`, its head replayed when it is read."""
    if readable_again(path):
        try:
            with open(path, "rb") as handle:
                return handle.read(SNIFF_BYTES)
        except OSError:
            return b""  # read_path says why
    if path not in opened:
        head, opened[path] = with_head(open_input(path))
        return head
    return b""


def read_inputs(paths: Iterable[str | Path], fmt: str | None = None) -> Iterator[Paper | Reject]:
    """Papers and Rejects from every input, in order. Links listings are read first, so their
    code links reach the papers of every other input (matched by arXiv id, listing URL or
    normalised title)."""
    paths = list(paths)
    links = CodeLinkIndex()
    opened: dict = {}  # inputs that can be read only once (stdin, FIFOs, <(…))
    try:
        listings = [path for path in paths if is_links_listing(_head_of(path, opened))]
        for path in listings:
            for item in read_path(path, fmt, opened.pop(path, None)):
                if isinstance(item, CodeLink):
                    links.add(item)
                else:
                    yield item
        for path in paths:
            if path in listings:
                continue
            for item in read_path(path, fmt, opened.pop(path, None)):
                if isinstance(item, CodeLink):
                    links.add(item)
                elif isinstance(item, Paper):
                    yield links.attach(item)
                else:
                    yield item
    finally:
        for stream in opened.values():
            if stream is not sys.stdin.buffer:
                stream.close()


def read_records(records: Iterable[dict | Paper], source: str = "<records>") -> Iterator[Paper | Reject]:
    """Papers from in-memory dicts (the Python API), with the same checks as the readers."""
    from kg.sources.json_records import record_from_json

    def items():
        for index, record in enumerate(records, start=1):
            if isinstance(record, Paper):
                yield record
            elif not isinstance(item := record_from_json(record, source, index), CodeLink):
                yield item

    yield from screened(items())
