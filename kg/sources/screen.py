"""The last look at every record a reader gives, before it leaves `kg.sources`: what no later
stage could store becomes a Reject (with its file and line) or is left out with a note.

- Text must be valid Unicode. A byte that was not UTF-8 (kept as U+DC00-U+DCFF by
  `kg.sources.decoding`) or a lone surrogate from a JSON escape (`"\\ud800"`) rejects the
  record: no output could be written with it.
- Control characters (C0 but tab and newlines) and the noncharacters U+FFFE and U+FFFF are
  removed from text, with a note: no XML output (GraphML, RDF/XML, the page) can hold them.
  The rule is `kg.characters.clean_text`, the one every text that reaches an output follows.
- Counts (`upvotes`, `authors_count`) are whole numbers from 0 to `MAX_COUNT`; any other
  value (1e400, Infinity, 10**20, "many", true) is left out, with a note.
- URL values (`url`, the code links a source names) keep only the link schemes of
  `kg.records.LINK_SCHEMES`; `javascript:`, `data:`, `vbscript:` and the like are left out of
  the URL fields and kept as text in the notes.
- The texts of Rejects (file, reason, excerpt) hold no lone surrogate either: they are written
  to rejects.jsonl.

Notes go to the paper's extraction record (`notes`); the paper itself stays in the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from kg.characters import CONTROL, SURROGATE, clean_text, forbidden_codes, printable
from kg.characters import FORBIDDEN as SUSPECT
from kg.records import CodeLink, Paper, Reject, is_link_url, paper_id

MAX_COUNT = 2**31 - 1
UNDECODED = re.compile("[\udc00-\udcff]")  # bytes kept by kg.sources.decoding
TEXT_FIELDS = ("title", "abstract", "date", "url", "arxiv_id", "doi", "source_id")
LIST_FIELDS = ("authors", "categories")
COUNT_FIELDS = ("upvotes", "authors_count")


def screened(items: Iterable[Paper | Reject | CodeLink], encoding: str = "UTF-8",
             ) -> Iterator[Paper | Reject | CodeLink]:
    """Every item of a reader, screened (see the module's docstring)."""
    for item in items:
        if isinstance(item, Paper):
            yield screen_paper(item, encoding)
        elif isinstance(item, CodeLink):
            yield screen_code_link(item, encoding)
        else:
            yield screen_reject(item)


def screen_reject(reject: Reject) -> Reject:
    for name in ("file", "reason", "excerpt"):
        value = getattr(reject, name)
        if not isinstance(value, str):
            setattr(reject, name, str(value))
        elif SUSPECT.search(value):
            setattr(reject, name, clean_text(value))
    if not isinstance(reject.line, int) or isinstance(reject.line, bool):
        reject.line = 0
    return reject


def invalid_unicode(text: str, encoding: str) -> str | None:
    """Why `text` is not valid Unicode, or None."""
    if text.isascii() or not SURROGATE.search(text):
        return None
    if UNDECODED.search(text):
        return f"undecodable bytes (not {encoding})"
    return "a lone surrogate (such as \\ud800): not valid Unicode"


def screen_paper(paper: Paper, encoding: str = "UTF-8") -> Paper | Reject:
    source, line = clean_text(str(paper.source)), paper.line
    if wrong := _wrong_types(paper):
        return Reject(source, line, wrong, _excerpt(paper))
    for name in ("id", *TEXT_FIELDS):
        value = getattr(paper, name)
        if value and (why := invalid_unicode(value, encoding)):
            return Reject(source, line, f"{why} in {name}", _excerpt(paper))
    for name in LIST_FIELDS:
        for value in getattr(paper, name):
            if why := invalid_unicode(value, encoding):
                return Reject(source, line, f"{why} in {name}", _excerpt(paper))
    for link in paper.code_links:
        if why := invalid_unicode(link["url"], encoding):
            return Reject(source, line, f"{why} in a code link", _excerpt(paper))
    paper.source = source
    for note in paper.notes:
        if not isinstance(note, str) or SUSPECT.search(note):
            paper.notes = [clean_text(str(n)) for n in paper.notes]
            break
    _keep_link_urls(paper)
    _remove_controls(paper)
    if not paper.title or not paper.abstract:
        field = "title" if not paper.title else "abstract"
        return Reject(source, line, f"record has no {field} (control characters only)")
    for name in COUNT_FIELDS:
        value = getattr(paper, name)
        if value is not None:
            count, why = whole_count(value)
            if why:
                paper.notes.append(f"{name} left out: {why}")
            setattr(paper, name, count)
    return paper


def screen_code_link(link: CodeLink, encoding: str = "UTF-8") -> CodeLink | Reject:
    source = clean_text(str(link.source))
    for name in ("url", "arxiv_id", "title", "paper_url"):
        value = getattr(link, name)
        if value and (why := invalid_unicode(value, encoding)):
            return Reject(source, link.line, f"{why} in a code link's {name}", clean_text(value)[:200])
    if not is_link_url(link.url):
        return Reject(source, link.line, "code link is not a link URL (only "
                      "http, https, ftp, doi and arxiv)", clean_text(link.url)[:200])
    link.source = source
    return link


def whole_count(value: Any) -> tuple[int | None, str | None]:
    """(count, None) for a whole number from 0 to MAX_COUNT (also written as text or as a
    float such as 12.0), else (None, why)."""
    if isinstance(value, bool):
        return None, f"{str(value).lower()} is not a number"
    if isinstance(value, float):
        if not value.is_integer():
            return None, f"{value!r} is not a whole number"
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[0-9]{1,12}", text):
            return None, f"{printable(text[:40])!r} is not a whole number"
        value = int(text)
    elif not isinstance(value, int):
        return None, f"a {type(value).__name__} is not a number"
    if 0 <= value <= MAX_COUNT:
        return value, None
    shown = str(value) if value.bit_length() < 200 else f"a number of {value.bit_length()} bits"
    return None, f"{shown} is out of range (0 to {MAX_COUNT})"


def _wrong_types(paper: Paper) -> str | None:
    for name in ("id", "title", "abstract"):
        if not isinstance(getattr(paper, name), str):
            return f"{name} is a {type(getattr(paper, name)).__name__}, not text"
    for name in TEXT_FIELDS[2:]:
        value = getattr(paper, name)
        if value is not None and not isinstance(value, str):
            paper.notes.append(f"{name} left out: a {type(value).__name__}, not text")
            setattr(paper, name, None)
    for name in LIST_FIELDS:
        value = getattr(paper, name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            setattr(paper, name, [v for v in value if isinstance(v, str)]
                    if isinstance(value, list) else [])
    if not isinstance(paper.code_links, list):
        paper.code_links = []
    paper.code_links = [link for link in paper.code_links
                        if isinstance(link, dict) and isinstance(link.get("url"), str)]
    if not isinstance(paper.notes, list):
        paper.notes = [str(paper.notes)]
    return None


def without_controls(text: str) -> str:
    """`text` by the rule of `kg.characters.clean_text` (control characters removed, vertical
    tab and form feed as spaces), its whitespace folded."""
    return " ".join(clean_text(text).split())


def _remove_controls(paper: Paper) -> None:
    derived_id = (CONTROL.search(paper.title) or CONTROL.search(paper.abstract)) and (
        paper.id == paper_id(paper.title, paper.arxiv_id, paper.doi, paper.abstract))
    for name in TEXT_FIELDS:
        value = getattr(paper, name)
        if value and CONTROL.search(value):
            found = CONTROL.findall(value)
            setattr(paper, name, without_controls(value) or ("" if name in TEXT_FIELDS[:2] else None))
            codes = ", ".join(forbidden_codes(value))
            paper.notes.append(f"{name}: {len(found)} control character(s) removed ({codes})")
    for name in LIST_FIELDS:
        values = getattr(paper, name)
        if any(CONTROL.search(v) for v in values):
            cleaned = [without_controls(v) for v in values]
            setattr(paper, name, [v for v in cleaned if v])
            paper.notes.append(f"{name}: control characters removed")
    if derived_id and paper.title and paper.abstract:  # the id it would have without them
        paper.id = paper_id(paper.title, paper.arxiv_id, paper.doi, paper.abstract)


def _keep_link_urls(paper: Paper) -> None:
    """Leave out URL values without a link scheme (or with control characters), as notes."""
    rule = "not a link URL (only http, https, ftp, doi and arxiv)"
    if paper.url and (CONTROL.search(paper.url) or not is_link_url(paper.url)):
        paper.notes.append(f"url left out, {rule}: {_shown(paper.url)}")
        paper.url = None
    kept = []
    for link in paper.code_links:
        if CONTROL.search(link["url"]) or not is_link_url(link["url"]):
            paper.notes.append(f"code link left out, {rule}: {_shown(link['url'])}")
        else:
            kept.append(link)
    paper.code_links = kept


def _shown(url: str) -> str:
    return " ".join(clean_text(url).split())[:500]


def _excerpt(paper: Paper) -> str:
    title = paper.title if isinstance(paper.title, str) else ""
    return clean_text(title)[:200]
