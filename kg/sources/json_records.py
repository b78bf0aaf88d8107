"""JSON from any paper source: which source a record comes from (by its keys), and whole-file
JSON documents read element by element.

Records are routed by shape: a Hugging Face daily-papers item, an OpenAlex work, a Semantic
Scholar paper, a Papers with Code link or paper, an arXiv snapshot line, a Hugging Face paper,
else the generic `title/abstract/...` mapping. Pages (`{"results": [...]}`, `{"data": [...]}`)
and arrays are opened into their records.

`read_json_document` walks a whole-file document (an array, a page object, one object, or
objects one after another) with `json.JSONDecoder.raw_decode`, so each record keeps the real
line where it starts and only one record at a time (plus a chunk of text) is held in memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from kg.records import CodeLink, Paper, Reject
from kg.sources.arxiv import looks_like_arxiv_snapshot, paper_from_arxiv_snapshot
from kg.sources.fields import excerpt, paper_from_mapping
from kg.sources.hf_daily import looks_like_hf_daily_item, looks_like_hf_paper, paper_from_hf_daily
from kg.sources.openalex import looks_like_openalex_work, paper_from_openalex
from kg.sources.pwc import (
    code_link_from_pwc,
    looks_like_pwc_link,
    looks_like_pwc_paper,
    paper_from_pwc,
)
from kg.sources.semantic_scholar import looks_like_semantic_scholar, paper_from_semantic_scholar

Item = Paper | Reject | CodeLink
PAGE_KEYS = ("results", "data", "recommendedPapers")
RECORD_KEYS = ("title", "abstract", "text", "summary", "paper", "paperId", "display_name")
SHAPES: list[tuple[Callable[[Mapping], bool], Callable[[Mapping, str, int], Item]]] = [
    (looks_like_hf_daily_item, paper_from_hf_daily),
    (looks_like_openalex_work, paper_from_openalex),
    (looks_like_semantic_scholar, paper_from_semantic_scholar),
    (looks_like_pwc_link, code_link_from_pwc),
    (looks_like_pwc_paper, paper_from_pwc),
    (looks_like_arxiv_snapshot, paper_from_arxiv_snapshot),
    (looks_like_hf_paper, paper_from_hf_daily),
]
DECODER = json.JSONDecoder(strict=False)  # control characters in strings: kg.sources.screen's
CHUNK_CHARS = 1 << 20
MAX_RECORD_CHARS = 64 << 20  # one record larger than this is taken for broken JSON
WHITESPACE = re.compile(r"\s*")
MAX_ARRAY_DEPTH = 4
# what skip_value steps over: a string, a bracket, or a run of anything else
VALUE_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|[^"\[\]{}]+', re.DOTALL)
SCALAR_END = re.compile(r'[\s,\]}]')
UNDECODED_RUN = re.compile("[\udc00-\udcff]+")  # bytes kept by kg.sources.decoding


class Unreadable:
    """A JSON value that could not be decoded (nested too deeply, a number too long), in
    place of the record it was: it becomes one Reject."""

    def __init__(self, reason: str, excerpt: str = "") -> None:
        self.reason, self.excerpt = reason, excerpt


def json_error(error: Exception) -> str:
    """The reason of a Reject for JSON that could not be decoded."""
    if isinstance(error, RecursionError):
        return "JSON nested too deeply to read"
    if isinstance(error, json.JSONDecodeError):
        return f"broken JSON: {error.msg} at column {error.colno}"
    if "integer string conversion" in str(error):
        return "JSON number too long to read (over 4,300 digits)"
    return f"broken JSON: {error}"


def record_from_json(record: Any, source: str, line: int) -> Item:
    """One JSON object → a Paper, a CodeLink or a Reject, by the keys its source uses. A
    record whose values a reader cannot use (a type no source gives) is a Reject too."""
    if isinstance(record, Unreadable):
        return Reject(source, line, record.reason, record.excerpt)
    if not isinstance(record, Mapping):
        return Reject(source, line, f"expected a JSON object, got {type(record).__name__}",
                      excerpt(record))
    for looks_like, read in SHAPES:
        try:
            if looks_like(record):
                return read(record, source, line)
        except (TypeError, AttributeError, ValueError, KeyError, IndexError) as error:
            return Reject(source, line, f"record with values of unexpected types "
                          f"({type(error).__name__}: {error})"[:300], excerpt(record))
    return paper_from_mapping(record, source, line)


def is_page(value: Mapping) -> bool:
    """A page of records (`{"meta": ..., "results": [...]}`), not a record with a list field
    such as SciREX's `results`."""
    return not any(key in value for key in RECORD_KEYS)


def items_from_json(value: Any, source: str, line: int, depth: int = 0) -> Iterator[Item]:
    """Records in a JSON value: an array, a page of `results`/`data`, or one record."""
    if isinstance(value, list):
        if depth >= MAX_ARRAY_DEPTH:
            yield Reject(source, line, f"JSON arrays nested more than {MAX_ARRAY_DEPTH} deep",
                         excerpt(value))
            return
        for element in value:
            yield from items_from_json(element, source, line, depth + 1)
        return
    if isinstance(value, Mapping) and is_page(value):
        for key in PAGE_KEYS:
            if isinstance(value.get(key), list):
                yield from items_from_json(value[key], source, line, depth + 1)
                return
    yield record_from_json(value, source, line)


class _Text:
    """The document text read so far, from numbered lines, with positions mapped to lines."""

    def __init__(self, lines: Iterable[tuple[int, str | None]], source: str) -> None:
        self.lines, self.source = iter(lines), source
        self.text, self.first_line, self.done = "", 1, False
        self.counted_to, self.newlines = 0, 0  # newlines in text[:counted_to]
        self.rejects: list[Reject] = []

    def more(self) -> bool:
        parts, size = [], 0
        for number, text in self.lines:
            if text is None:
                self.rejects.append(Reject(self.source, number, "undecodable bytes (not UTF-8)"))
                text = "\n"
            parts.append(text)
            size += len(text)
            if size >= CHUNK_CHARS:
                break
        else:
            self.done = True
        self.text += "".join(parts)
        return bool(parts)

    def line_at(self, pos: int) -> int:
        """Line numbers are counted on from the last position asked (records come in order)."""
        if pos < self.counted_to:
            self.counted_to, self.newlines = 0, 0
        self.newlines += self.text.count("\n", self.counted_to, pos)
        self.counted_to = pos
        return self.first_line + self.newlines

    def forget_before(self, pos: int) -> int:
        """Drop the text before `pos` once it is large; returns the new position."""
        if pos < CHUNK_CHARS:
            return pos
        self.first_line = self.line_at(pos)
        self.text, self.counted_to, self.newlines = self.text[pos:], 0, 0
        return 0

    def skip_space(self, pos: int) -> int:
        while True:
            pos = WHITESPACE.match(self.text, pos).end()
            if pos < len(self.text) or self.done or not self.more():
                return pos

    def skip_junk(self, pos: int) -> int:
        """Skip whitespace and bytes that were not UTF-8 between records (each run of them
        one Reject), so a stray byte between two records does not end the file."""
        while True:
            pos = self.skip_space(pos)
            if not (run := UNDECODED_RUN.match(self.text, pos)):
                return pos
            self.rejects.append(Reject(self.source, self.line_at(pos),
                                       "undecodable bytes (not UTF-8) between records"))
            pos = run.end()

    def char(self, pos: int) -> str:
        return self.text[pos] if pos < len(self.text) else ""

    def expect(self, pos: int, chars: str, what: str) -> int:
        pos = self.skip_space(pos)
        if self.char(pos) not in chars or not self.char(pos):
            raise json.JSONDecodeError(f"Expecting {what}", self.text, pos)
        return pos

    def value(self, pos: int) -> tuple[Any, int]:
        """Decode the value at `pos`, reading more text while it is cut short. A value that
        is well-formed but cannot be decoded (nested too deeply, an integer of thousands of
        digits) is stepped over and given as an Unreadable."""
        while True:
            try:
                value, end = DECODER.raw_decode(self.text, pos)
                if end < len(self.text) or self.done or not self.more():
                    return value, end  # a number at the very end may go on in the next chunk
            except json.JSONDecodeError as error:
                cut_short = error.pos >= len(self.text) - 1 or error.msg.startswith("Unterminated")
                if (self.done or not cut_short or len(self.text) - pos > MAX_RECORD_CHARS
                        or not self.more()):
                    raise
            except (RecursionError, ValueError) as error:
                end = self.skip_value(pos)
                return Unreadable(json_error(error), self.text[pos:pos + 80].strip()), end

    def skip_value(self, pos: int) -> int:
        """The position after the value at `pos`, found by its brackets and strings alone."""
        if self.char(pos) not in "[{":
            while not (found := SCALAR_END.search(self.text, pos)) and not self.done:
                self.more()
            return found.start() if found else len(self.text)
        depth = 0
        while True:
            token = VALUE_TOKEN.match(self.text, pos)
            if token is None or (token.end() == len(self.text) and not self.done):
                if not self.done and self.more():
                    continue  # a string or a run cut short by the end of the chunk
                if token is None:
                    raise json.JSONDecodeError("Unterminated string", self.text, pos)
            pos = token.end()
            if token.group() in ("[", "{"):
                depth += 1
            elif token.group() in ("]", "}"):
                depth -= 1
            if depth == 0:
                return pos
            if pos >= len(self.text) and self.done:
                raise json.JSONDecodeError("Expecting ']' or '}'", self.text, pos)


def _array(text: _Text, pos: int) -> Iterator[tuple[int, Any] | int]:
    """(line, element) for each element of the array at `pos`; finally the position after it."""
    pos = text.skip_space(pos + 1)
    if text.char(pos) == "]":
        yield pos + 1
        return
    while True:
        pos = text.forget_before(text.skip_junk(pos))
        line = text.line_at(pos)
        value, pos = text.value(pos)
        yield line, value
        pos = text.expect(pos, ",]", "',' delimiter")
        if text.char(pos) == "]":
            yield pos + 1
            return
        pos += 1


def _object(text: _Text, pos: int) -> Iterator[tuple[int, Any] | int]:
    """The object at `pos` as one (line, object), or, for a page, the elements of its list
    (held until the object ends, since a record may have a list under the same key)."""
    line, members, page, page_key = text.line_at(pos), {}, [], None
    unreadable = None
    pos = text.skip_space(pos + 1)
    while text.char(pos) != "}":
        if text.char(pos) != '"':
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes",
                                       text.text, pos)
        key, pos = text.value(pos)
        pos = text.skip_space(text.expect(pos, ":", "':' delimiter") + 1)
        if key in PAGE_KEYS and text.char(pos) == "[" and page_key is None:
            page_key = key
            for step in _array(text, pos):
                if isinstance(step, int):
                    pos = step
                else:
                    page.append(step)
        else:
            members[key], pos = text.value(pos)
            if isinstance(members[key], Unreadable):
                unreadable = members[key]
        pos = text.expect(pos, ",}", "',' delimiter")
        if text.char(pos) == ",":
            pos = text.skip_space(pos + 1)
    if unreadable is not None:
        yield line, unreadable
    elif page_key is not None and is_page(members):
        yield from page
    else:
        if page_key is not None:
            members[page_key] = [value for _, value in page]
        yield line, members
    yield pos + 1


def read_json_document(lines: Iterable[tuple[int, str | None]], source: str) -> Iterator[Item]:
    """Records of a whole-file JSON document, each with the line where it starts; broken JSON
    ends the file with one Reject at the line of the error."""
    text = _Text(lines, source)
    pos = text.skip_junk(0)
    try:
        while pos < len(text.text):
            start = text.char(pos)
            steps = _array(text, pos) if start == "[" else _object(text, pos) if start == "{" else None
            if steps is None:
                value, end = text.value(pos)
                steps = iter([(text.line_at(pos), value), end])
            for step in steps:
                if isinstance(step, int):
                    pos = step
                    continue
                yield from text.rejects
                text.rejects.clear()
                line, value = step
                yield from items_from_json(value, source, line)
            pos = text.skip_junk(text.forget_before(pos))
    except json.JSONDecodeError as error:
        yield from text.rejects
        yield Reject(source, text.line_at(error.pos), f"broken JSON: {error.msg}",
                     text.text[error.pos:error.pos + 80].strip())
        return
    yield from text.rejects
