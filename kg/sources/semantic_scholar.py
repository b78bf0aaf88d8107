"""Reader for Semantic Scholar Graph API papers (one paper, a `data` page, a list, or JSON Lines).

Fields as the API names them: paperId, externalIds {ArXiv, DOI, ...}, title, abstract, year,
publicationDate, authors [{authorId, name}], openAccessPdf {url}, url, fieldsOfStudy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.records import Paper, Reject
from kg.sources.fields import (
    array,
    arxiv_id_from,
    author_names,
    checked_paper,
    clean_text,
    doi_from,
    iso_date,
    mapping,
)


def looks_like_semantic_scholar(record: Mapping[str, Any]) -> bool:
    return "paperId" in record


def paper_from_semantic_scholar(paper: Mapping[str, Any], source: str, line: int) -> Paper | Reject:
    external = mapping(paper.get("externalIds"))
    pdf = mapping(paper.get("openAccessPdf")).get("url")
    fields = array(paper.get("fieldsOfStudy")) or [
        f.get("category") for f in array(paper.get("s2FieldsOfStudy")) if isinstance(f, Mapping)]
    return checked_paper(
        paper.get("title"), paper.get("abstract"), source, line,
        date=iso_date(paper.get("publicationDate") or paper.get("year")),
        authors=author_names(paper.get("authors")),
        url=clean_text(paper.get("url") or pdf) or None,
        arxiv_id=arxiv_id_from(external.get("ArXiv"), pdf), doi=doi_from(external.get("DOI")),
        source_id=clean_text(paper.get("paperId")) or None,
        categories=list(dict.fromkeys(clean_text(f) for f in fields if clean_text(f))))
