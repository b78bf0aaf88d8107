"""Reader for BibTeX files (bibtexparser), LaTeX accents, commands and braces turned into text.

`{\\"u}` → ü, `{BERT}` → BERT, `\\emph{big}` → big, `95\\%` → 95%. Math (`$\\alpha$`) is kept
as written. Entries without an abstract are rejected like in every other reader.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import bibtexparser
from bibtexparser import middlewares
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import LatexWalkerError

from kg.records import Paper, Reject
from kg.sources.fields import arxiv_id_from, checked_paper, clean_text, doi_from, whole_text

ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)
BARE_PERCENT = re.compile(r"(?<!\\)%")  # a comment to LaTeX, a per cent sign in abstracts
CITATION = re.compile(r"~?\\(?:cite[pt]?|ref|label)\{[^}]*\}")


def looks_like_bibtex(text: str) -> bool:
    return bool(ENTRY_START.search(text))


@lru_cache(maxsize=1)
def _latex() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)


def clean_latex(text: str | None) -> str:
    """Plain text from a BibTeX field value."""
    if not text:
        return ""
    text = CITATION.sub("", BARE_PERCENT.sub(r"\\%", text))
    try:
        return clean_text(_latex().latex_to_text(text))
    except (LatexWalkerError, ValueError, IndexError, RecursionError):  # pylatexenc gave up:
        # keep the raw text
        return clean_text(text.replace("{", "").replace("}", ""))


def read_bibtex(lines: Iterable[tuple[int, str | None]], source: str) -> Iterator[Paper | Reject]:
    """The file is parsed whole; each entry and each unparseable block keeps its first line."""
    text_of_file, rejects = whole_text(lines, source)
    yield from rejects
    logger = logging.getLogger("bibtexparser")
    level, logger.level = logger.level, logging.ERROR  # failed blocks become Rejects below
    try:
        library = bibtexparser.parse_string(text_of_file, append_middleware=[
            middlewares.SeparateCoAuthors(), middlewares.SplitNameParts(),
            middlewares.MergeNameParts("first")])
    finally:
        logger.level = level
    blocks = [(entry.start_line, entry) for entry in library.entries] + [
        (block.start_line, block) for block in library.failed_blocks]
    for start, block in sorted(blocks, key=lambda pair: pair[0]):
        if isinstance(block, bibtexparser.model.Entry):
            yield paper_from_bibtex(block, source, start + 1)
        else:
            yield Reject(source, start + 1, _failure_reason(block), clean_text(block.raw)[:200])


def _failure_reason(block) -> str:
    if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock):
        return f"duplicate BibTeX key {block.key!r}"
    error = getattr(block, "error", None)
    detail = str(error) if error is not None and str(error) else "unbalanced braces or quotes"
    return f"broken BibTeX entry: {detail}"


def paper_from_bibtex(entry, source: str, line: int) -> Paper | Reject:
    fields = {key.lower(): field.value for key, field in entry.fields_dict.items()}
    authors = fields.get("author") or []
    authors = [clean_latex(a) for a in (authors if isinstance(authors, list) else [authors])]
    archive = str(fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    eprint = fields.get("eprint") if archive in ("arxiv", "") else None
    doi = doi_from(fields.get("doi"))
    url = clean_text(fields.get("url")) or None
    keywords = clean_latex(fields.get("keywords"))
    return checked_paper(
        clean_latex(fields.get("title")), clean_latex(fields.get("abstract")), source, line,
        date=clean_text(fields.get("date")) or clean_text(fields.get("year")) or None,
        authors=[a for a in authors if a], url=url,
        arxiv_id=arxiv_id_from(eprint, url, doi, fields.get("journal")), doi=doi,
        source_id=entry.key,
        categories=[k.strip() for k in re.split(r"[;,]", keywords) if k.strip()]
        + ([clean_text(fields["primaryclass"])] if fields.get("primaryclass") else []))
