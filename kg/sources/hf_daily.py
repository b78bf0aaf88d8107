"""Reader for Hugging Face daily papers JSON (the API behind the "Daily Papers" page).

`/api/daily_papers` answers a list of items, each `{"paper": {id, title, summary, authors
[{name}], publishedAt, upvotes, githubRepo, ...}, ...}`; `/api/papers/{id}` answers the paper
object itself. `id` is the arXiv id; `githubRepo` is the repository the authors linked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.records import Paper, Reject, normalise_arxiv_id
from kg.sources.fields import (
    arxiv_id_from,
    author_names,
    checked_paper,
    clean_text,
    iso_date,
)


def looks_like_hf_daily_item(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("paper"), Mapping) and "id" in record["paper"]


def looks_like_hf_paper(record: Mapping[str, Any]) -> bool:
    return ("summary" in record and "publishedAt" in record
            and normalise_arxiv_id(str(record.get("id", ""))) is not None)


def paper_from_hf_daily(record: Mapping[str, Any], source: str, line: int) -> Paper | Reject:
    """A daily-papers item (its `paper` inside) or a paper object."""
    paper = record["paper"] if looks_like_hf_daily_item(record) else record
    arxiv_id = arxiv_id_from(paper.get("id"))
    repo = clean_text(paper.get("githubRepo"))
    return checked_paper(
        paper.get("title") or record.get("title"), paper.get("summary") or record.get("summary"),
        source, line,
        date=iso_date(paper.get("publishedAt") or record.get("publishedAt")),
        authors=author_names(paper.get("authors")),
        upvotes=paper.get("upvotes"),  # checked by kg.sources.screen
        url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
        arxiv_id=arxiv_id, source_id=clean_text(paper.get("id")) or None,
        code_links=[{"url": repo, "official": True}] if repo else [])
