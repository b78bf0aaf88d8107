"""Turn a loosely keyed record (a JSON object or a CSV row) into a Paper or a Reject."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.records import Paper, Reject, normalise_arxiv_id


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def _authors(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        names = [a.get("name", "") if isinstance(a, Mapping) else str(a) for a in value]
    else:
        text = str(value)
        sep = ";" if ";" in text else "|" if "|" in text else ","
        names = text.replace(" and ", sep).split(sep)
    return [" ".join(n.split()) for n in names if n and n.strip()]


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def paper_from_mapping(record: Any, source: str, line: int) -> Paper | Reject:
    """Map `id, title, abstract|text, authors, date, url, arxiv_id, doi` onto a Paper."""
    if not isinstance(record, Mapping):
        return Reject(source, line, f"expected a JSON object, got {type(record).__name__}",
                      _text(record)[:200])
    title = _text(record.get("title"))
    abstract = _text(record.get("abstract") or record.get("text") or record.get("summary"))
    if not title and not abstract:
        return Reject(source, line, "record has neither title nor abstract", _text(record)[:200])
    if not abstract:
        return Reject(source, line, "record has no abstract", title[:200])
    if not title:
        return Reject(source, line, "record has no title", abstract[:200])
    url = _text(record.get("url")) or None
    arxiv_id = _text(record.get("arxiv_id")) or (
        normalise_arxiv_id(url) if url and "arxiv" in url.lower() else None)
    return Paper(
        title=title,
        abstract=abstract,
        date=_text(record.get("date")) or None,
        authors=_authors(record.get("authors")),
        upvotes=_int(record.get("upvotes")),
        url=url,
        arxiv_id=arxiv_id or None,
        doi=_text(record.get("doi")) or None,
        source=source,
        line=line,
        source_id=_text(record.get("id")) or None,
    )
