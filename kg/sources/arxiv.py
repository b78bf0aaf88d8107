"""Readers for arXiv: the API's Atom feed and the metadata snapshot (JSON Lines, one paper a line).

The Atom feed is parsed whole by feedparser; each entry keeps the line of its `<entry>` tag.
A snapshot line is recognised by its keys (`id` an arXiv id, `abstract`, and `categories`,
`versions` or `authors_parsed`) inside the JSON readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import feedparser

from kg.records import Paper, Reject, normalise_arxiv_id
from kg.sources.fields import (
    array,
    author_names,
    checked_paper,
    clean_text,
    doi_from,
    iso_date,
    mapping,
    whole_text,
)
from kg.sources.screen import SURROGATE

ENTRY_TAG = re.compile(r"<(?:atom:)?entry[\s>]")
FEED_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:atom:)?feed[\s>]", re.S)


def looks_like_atom(text: str) -> bool:
    return bool(FEED_START.match(text.lstrip("\ufeff")))


def read_arxiv_atom(lines: Iterable[tuple[int, str | None]], source: str) -> Iterator[Paper | Reject]:
    """One Paper per `<entry>`; a feed that is not well-formed XML is one Reject."""
    text_of_file, rejects = whole_text(lines, source)
    yield from rejects
    # bytes that were not UTF-8 (kept as surrogates, which feedparser cannot encode) reject
    # the entry they are in
    bad_lines = {text_of_file.count("\n", 0, m.start()) + 1
                 for m in SURROGATE.finditer(text_of_file)}
    document = SURROGATE.sub("\ufffd", text_of_file) if bad_lines else text_of_file
    feed = feedparser.parse(document, sanitize_html=False, resolve_relative_uris=False)
    if feed.bozo and not isinstance(feed.bozo_exception, feedparser.CharacterEncodingOverride):
        error = feed.bozo_exception
        line = error.getLineNumber() if hasattr(error, "getLineNumber") else 0
        if line and not document.lstrip("\ufeff").startswith("<?xml"):
            line -= 1  # feedparser puts an XML declaration line in front
        yield Reject(source, line, f"broken Atom XML: {getattr(error, 'getMessage', lambda: error)()}")
        return
    if not feed.entries and not feed.get("version"):
        yield Reject(source, 1, "XML without an Atom feed: not an arXiv API answer")
        return
    entry_lines = [document.count("\n", 0, m.start()) + 1 for m in ENTRY_TAG.finditer(document)]
    for index, entry in enumerate(feed.entries):
        line = entry_lines[index] if index < len(entry_lines) else 0
        end = entry_lines[index + 1] if index + 1 < len(entry_lines) else float("inf")
        if any(line <= bad < end for bad in bad_lines):
            yield Reject(source, line, "undecodable bytes (not UTF-8) in this entry",
                         clean_text(entry.get("title"))[:200])
        else:
            yield paper_from_atom_entry(entry, source, line)


def paper_from_atom_entry(entry: Mapping[str, Any], source: str, line: int) -> Paper | Reject:
    entry_id = clean_text(entry.get("id"))
    if "/api/errors" in entry_id:  # the API answers a bad query with one entry titled "Error"
        return Reject(source, line, f"arXiv API error: {clean_text(entry.get('summary'))}")
    arxiv_id = normalise_arxiv_id(entry_id)
    tags = [clean_text(tag.get("term")) for tag in entry.get("tags") or [] if isinstance(tag, Mapping)]
    primary = clean_text(mapping(entry.get("arxiv_primary_category")).get("term"))
    return checked_paper(
        entry.get("title"), entry.get("summary"), source, line,
        date=iso_date(entry.get("published") or entry.get("updated")),
        authors=author_names(entry.get("authors")),
        url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else entry_id or None,
        arxiv_id=arxiv_id, doi=doi_from(entry.get("arxiv_doi")), source_id=entry_id or None,
        categories=list(dict.fromkeys(c for c in [primary, *tags] if c)))


def looks_like_arxiv_snapshot(record: Mapping[str, Any]) -> bool:
    return (isinstance(record.get("id"), str) and "abstract" in record
            and normalise_arxiv_id(record["id"]) == record["id"].strip()
            and any(key in record for key in ("categories", "versions", "authors_parsed")))


def _snapshot_authors(record: Mapping[str, Any]) -> list[str]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:  # [[last, first, suffix], ...]
        names = [" ".join(p for p in (parts[1:2] + parts[:1] + parts[2:3]) if isinstance(p, str))
                 for parts in parsed if isinstance(parts, list)]
        return [clean_text(n) for n in names if clean_text(n)]
    return author_names(record.get("authors"))


def paper_from_arxiv_snapshot(record: Mapping[str, Any], source: str, line: int) -> Paper | Reject:
    arxiv_id = record["id"].strip()
    versions = array(record.get("versions"))
    first = versions[0].get("created") if versions and isinstance(versions[0], Mapping) else None
    categories = record.get("categories") or ""
    categories = categories.split() if isinstance(categories, str) else [
        c for c in array(categories) if isinstance(c, str)]
    return checked_paper(
        record.get("title"), record.get("abstract"), source, line,
        date=iso_date(first or record.get("update_date")),
        authors=_snapshot_authors(record),
        url=f"https://arxiv.org/abs/{arxiv_id}", arxiv_id=arxiv_id,
        doi=doi_from(record.get("doi")), source_id=arxiv_id,
        categories=categories)
