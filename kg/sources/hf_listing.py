"""Reader for paper listings copied as text from a "Daily Papers" page.

Each paper is a title line, a blank line, an abstract paragraph, a blank line, `• N authors`,
`·`, and a date such as `Nov 2, 2015` with an optional trailing upvote count (`Feb 9, 2025 5`).
Lines before the first paper are page chrome and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from kg.records import Paper, Reject

AUTHORS_LINE = re.compile(r"^\s*[•·*-]\s*(\d+)\s+authors?\s*$", re.I)
SEPARATOR_LINE = re.compile(r"^\s*·\s*$")
DATE_LINE = re.compile(r"^\s*([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),\s*(\d{4})(?:\s*(\d+))?\s*$")


def looks_like_hf_listing(text: str) -> bool:
    return sum(1 for line in text.splitlines() if AUTHORS_LINE.match(line)) >= 1


def parse_listing_date(line: str) -> tuple[str | None, int | None]:
    """`Nov 2, 2015 17` → ("2015-11-02", 17); unparseable → (None, None)."""
    match = DATE_LINE.match(line)
    if not match:
        return None, None
    month, day, year, upvotes = match.groups()
    try:
        date = datetime.strptime(f"{month[:3]} {day} {year}", "%b %d %Y")
    except ValueError:
        return None, None
    return date.date().isoformat(), int(upvotes) if upvotes else None


def _paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Group numbered lines into (first line number, joined text) paragraphs."""
    paragraphs: list[tuple[int, str]] = []
    current: list[tuple[int, str]] = []
    for number, text in lines + [(0, "")]:
        if text.strip():
            current.append((number, text.strip()))
        elif current:
            paragraphs.append((current[0][0], " ".join(t for _, t in current)))
            current = []
    return paragraphs


def read_hf_listing(lines: Iterable[tuple[int, str | None]], source: str) -> Iterator[Paper | Reject]:
    """Yield one Paper per listing entry; undecodable lines (text None) reject their entry."""
    block: list[tuple[int, str]] = []
    bad_lines: list[int] = []
    pending: tuple[int, int] | None = None  # (authors line number, author count) awaiting a date
    for number, text in lines:
        if text is None:
            bad_lines.append(number)
            block.append((number, ""))
            continue
        if pending is not None:
            if SEPARATOR_LINE.match(text) or not text.strip():
                continue
            authors_at, count = pending
            date, upvotes = parse_listing_date(text)
            yield _entry(block, bad_lines, count, date, upvotes, source, authors_at)
            block, bad_lines, pending = [], [], None
            if date:
                continue
        match = AUTHORS_LINE.match(text)
        if match:
            pending = (number, int(match.group(1)))
            continue
        block.append((number, text))
    if pending is not None:
        yield _entry(block, bad_lines, pending[1], None, None, source, pending[0])
    elif any(t.strip() for _, t in block) and bad_lines:
        yield Reject(source, bad_lines[0], "undecodable bytes (not UTF-8)")
    elif len(paragraphs := _paragraphs(block)) >= 2 and len(paragraphs[-1][1].split()) >= 20:
        # a trailing title + abstract without the author/date footer is an incomplete entry
        title_line, title = paragraphs[-2]
        yield Reject(source, title_line, "listing entry has no '• N authors' line and date",
                     title[:200])


def looks_like_abstract(text: str) -> bool:
    """Abstracts are sentences; a short line without a full stop is a title or page chrome."""
    return len(text.split()) >= 8 or text.rstrip().endswith((".", "!", "?"))


def _entry(block, bad_lines, authors_count, date, upvotes, source, authors_at):
    paragraphs = _paragraphs(block)
    if paragraphs and not looks_like_abstract(paragraphs[-1][1]):
        paragraphs = paragraphs[-1:]  # the last paragraph is a title: its abstract is missing
    if bad_lines:
        return Reject(source, bad_lines[0], "undecodable bytes (not UTF-8)")
    if len(paragraphs) < 2:
        line = paragraphs[0][0] if paragraphs else authors_at
        text = paragraphs[0][1] if paragraphs else ""
        return Reject(source, line, "listing entry has a title but no abstract", text[:200])
    (title_line, title), (_, abstract) = paragraphs[-2], paragraphs[-1]
    return Paper(title=title, abstract=abstract, date=date, authors_count=authors_count,
                 upvotes=upvotes, source=source, line=title_line)
