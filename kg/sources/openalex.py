"""Reader for OpenAlex works (the `/works` API: one work, a `results` page, or JSON Lines).

OpenAlex ships abstracts as an inverted index, word → positions; `abstract_from_inverted_index`
puts the words back in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.records import Paper, Reject
from kg.sources.fields import (
    array,
    arxiv_id_from,
    checked_paper,
    clean_text,
    doi_from,
    iso_date,
    mapping,
)


def looks_like_openalex_work(record: Mapping[str, Any]) -> bool:
    return "abstract_inverted_index" in record or str(record.get("id", "")).startswith(
        "https://openalex.org/W")


def abstract_from_inverted_index(index: Any) -> str:
    """`{"We": [0], "propose": [1], "X.": [2]}` → "We propose X."."""
    if not isinstance(index, Mapping):
        return ""
    placed = sorted((position, word) for word, positions in index.items()
                    for position in array(positions)
                    if isinstance(position, int) and not isinstance(position, bool))
    return " ".join(word for _, word in placed)


def _locations(work: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = [work.get("primary_location"), work.get("best_oa_location"),
             *array(work.get("locations"))]
    return [location for location in found if isinstance(location, Mapping)]


def paper_from_openalex(work: Mapping[str, Any], source: str, line: int) -> Paper | Reject:
    ids = mapping(work.get("ids"))
    urls = [url for location in _locations(work)
            for url in (location.get("landing_page_url"), location.get("pdf_url")) if url]
    doi = doi_from(work.get("doi") or ids.get("doi"))
    authors = [clean_text(mapping(a.get("author")).get("display_name") or a.get("raw_author_name"))
               for a in array(work.get("authorships")) if isinstance(a, Mapping)]
    topics = array(work.get("topics")) or array(work.get("concepts"))
    landing = mapping(work.get("primary_location")).get("landing_page_url")
    return checked_paper(
        work.get("title") or work.get("display_name"),
        abstract_from_inverted_index(work.get("abstract_inverted_index")), source, line,
        date=iso_date(work.get("publication_date") or work.get("publication_year")),
        authors=[a for a in authors if a],
        url=clean_text(landing) or None,
        arxiv_id=arxiv_id_from(doi, *urls), doi=doi,
        source_id=clean_text(work.get("id")) or None,
        categories=[clean_text(t.get("display_name")) for t in topics
                    if isinstance(t, Mapping) and t.get("display_name")][:5])
