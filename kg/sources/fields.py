"""Turn a loosely keyed record (a JSON object or a CSV row) into a Paper or a Reject."""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from kg.records import DOI, Paper, Reject, normalise_arxiv_id


def clean_text(value: Any) -> str:
    """Text with its whitespace folded; a list of texts joined. A value that is not text (a
    JSON object, true/false, a list of objects) gives "", never its Python repr: readers that
    need the field reject the record (`not_text`), the others leave the field out."""
    if value is None or isinstance(value, bool | Mapping):
        return ""
    if isinstance(value, list):
        return " ".join(clean_text(v) for v in value if isinstance(v, str | int | float))
    if not isinstance(value, str | int | float):
        return ""
    return " ".join(str(value).split())


def mapping(value: Any) -> Mapping:
    """The value if it is a JSON object, else an empty one (a source's field of another type)."""
    return value if isinstance(value, Mapping) else {}


def array(value: Any) -> list:
    """The value if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def not_text(value: Any) -> str | None:
    """What a title or abstract is when it is not text ("a JSON object"), else None. Text is
    a string or a list of strings (paragraphs); a missing value is no text, not a wrong one."""
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    if isinstance(value, Mapping):
        return "a JSON object"
    if isinstance(value, list):
        return "a list of values that are not text"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


_excerpt_repr = reprlib.Repr()  # keyword arguments only from Python 3.12
_excerpt_repr.maxlevel, _excerpt_repr.maxstring, _excerpt_repr.maxother = 3, 200, 200
_excerpt_repr.maxdict = _excerpt_repr.maxlist = 8


def excerpt(value: Any) -> str:
    """A short text showing a value that is not a paper (for a Reject), however deep."""
    return clean_text(value)[:200] if isinstance(value, str) else _excerpt_repr.repr(value)[:200]


def author_names(value: Any) -> list[str]:
    if value is None or value == "" or isinstance(value, bool | Mapping):
        return []
    if isinstance(value, list):
        names = [a.get("name") if isinstance(a, Mapping) else a for a in value]
        names = [n for n in names if isinstance(n, str)]
    else:
        text = str(value)
        sep = ";" if ";" in text else "|" if "|" in text else ","
        names = text.replace(" and ", sep).split(sep)
    return [" ".join(n.split()) for n in names if n and n.strip()]


def checked_paper(title: Any, abstract: Any, source: str, line: int, **fields: Any,
                  ) -> Paper | Reject:
    """A Paper, or the Reject every reader gives for a record without a title or an abstract,
    or with one that is not text."""
    for name, value in (("title", title), ("abstract", abstract)):
        if kind := not_text(value):
            return Reject(source, line, f"{name} is {kind}, not text", excerpt(value))
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
    except (TypeError, ValueError, IndexError, OverflowError):
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
    """Map `id, title, abstract|text, authors, date, url, arxiv_id, doi, upvotes` onto a
    Paper. A field that should be text but is not (an object, a list) is left out, with a
    note; `upvotes` is checked by `kg.sources.screen`."""
    if not isinstance(record, Mapping):
        return Reject(source, line, f"expected a JSON object, got {type(record).__name__}",
                      excerpt(record))
    title = record.get("title")
    abstract = record.get("abstract") or record.get("text") or record.get("summary")
    if not_text(title) is None and not_text(abstract) is None and not (
            clean_text(title) or clean_text(abstract)):
        return Reject(source, line, "record has neither title nor abstract", excerpt(record))
    notes: list[str] = []
    url = optional_text(record, "url", notes)
    arxiv_id = optional_text(record, "arxiv_id", notes) or (
        normalise_arxiv_id(url) if url and "arxiv" in url.lower() else None)
    return checked_paper(
        title, abstract, source, line,
        date=optional_text(record, "date", notes),
        authors=author_names(record.get("authors")),
        upvotes=record.get("upvotes"),
        url=url,
        arxiv_id=arxiv_id,
        doi=optional_text(record, "doi", notes),
        source_id=optional_text(record, "id", notes),
        notes=notes,
    )


def optional_text(record: Mapping, key: str, notes: list[str]) -> str | None:
    """The field's text, or None; a value that is not text is noted and left out."""
    value = record.get(key)
    if isinstance(value, list | Mapping | bool):
        notes.append(f"{key} left out: {not_text(value) or 'a list'}, not text")
        return None
    return clean_text(value) or None


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
