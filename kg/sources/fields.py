"""Turn a loosely keyed record (a JSON object or a CSV row) into a Paper or a Reject."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from kg.records import DOI, Paper, Reject, normalise_arxiv_id


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(clean_text(v) for v in value)
    return " ".join(str(value).split())


def author_names(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        names = [a.get("name", "") if isinstance(a, Mapping) else str(a) for a in value]
    else:
        text = str(value)
        sep = ";" if ";" in text else "|" if "|" in text else ","
        names = text.replace(" and ", sep).split(sep)
    return [" ".join(n.split()) for n in names if n and n.strip()]


def as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def checked_paper(title: str, abstract: str, source: str, line: int, **fields: Any,
                  ) -> Paper | Reject:
    """A Paper, or the Reject every reader gives for a record without a title or an abstract."""
    title, abstract = clean_text(title), clean_text(abstract)
    if not title and not abstract:
        return Reject(source, line, "record has neither title nor abstract")
    if not abstract:
        return Reject(source, line, "record has no abstract", title[:200])
    if not title:
        return Reject(source, line, "record has no title", abstract[:200])
    return Paper(title=title, abstract=abstract, source=source, line=line, **fields)


def iso_date(value: Any) -> str | None:
    """`2024-01-02T10:00:00.000Z` or `Mon, 2 Apr 2007 19:18:42 GMT` → `2024-01-02`; else as given."""
    text = clean_text(value)
    if not text:
        return None
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return text[:10]
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return text


def arxiv_id_from(*values: Any) -> str | None:
    """The first arXiv id found in ids, arXiv URLs or arXiv DOIs (10.48550/arXiv.…)."""
    for value in values:
        text = clean_text(value)
        lower = text.lower()
        if not text or (("://" in text or lower.startswith("10.")) and "arxiv" not in lower):
            continue
        if found := normalise_arxiv_id(text):
            return found
    return None


def doi_from(value: Any) -> str | None:
    """The bare DOI in `https://doi.org/10.…`, `doi:10.…` or `10.…`, as written."""
    match = DOI.search(clean_text(value))
    return match.group(1).rstrip(".") if match else None


def paper_from_mapping(record: Any, source: str, line: int) -> Paper | Reject:
    """Map `id, title, abstract|text, authors, date, url, arxiv_id, doi` onto a Paper."""
    if not isinstance(record, Mapping):
        return Reject(source, line, f"expected a JSON object, got {type(record).__name__}",
                      clean_text(record)[:200])
    title = clean_text(record.get("title"))
    abstract = clean_text(record.get("abstract") or record.get("text") or record.get("summary"))
    if not title and not abstract:
        return Reject(source, line, "record has neither title nor abstract", clean_text(record)[:200])
    if not abstract:
        return Reject(source, line, "record has no abstract", title[:200])
    if not title:
        return Reject(source, line, "record has no title", abstract[:200])
    url = clean_text(record.get("url")) or None
    arxiv_id = clean_text(record.get("arxiv_id")) or (
        normalise_arxiv_id(url) if url and "arxiv" in url.lower() else None)
    return Paper(
        title=title,
        abstract=abstract,
        date=clean_text(record.get("date")) or None,
        authors=author_names(record.get("authors")),
        upvotes=as_int(record.get("upvotes")),
        url=url,
        arxiv_id=arxiv_id or None,
        doi=clean_text(record.get("doi")) or None,
        source=source,
        line=line,
        source_id=clean_text(record.get("id")) or None,
    )


def whole_text(lines, source: str) -> tuple[str, list[Reject]]:
    """Join numbered lines into one document for formats parsed whole (Atom, BibTeX); an
    undecodable line becomes a Reject and a blank line, so later line numbers still hold."""
    parts: list[str] = []
    rejects: list[Reject] = []
    for number, text in lines:
        if text is None:
            rejects.append(Reject(source, number, "undecodable bytes (not UTF-8)"))
            parts.append("\n")
        else:
            parts.append(text)
    return "".join(parts), rejects
