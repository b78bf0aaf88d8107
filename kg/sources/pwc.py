"""Readers for the Papers with Code dumps: `papers-with-abstracts.json` and
`links-between-papers-and-code.json` (both one JSON array).

A link names a repository and its paper (`paper_arxiv_id`, `paper_url`, `paper_title`) and
whether it is the authors' own (`is_official`). It becomes a CodeLink, attached by
`kg.sources.read_inputs` to the paper from any input of the same build.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.records import CodeLink, Paper, Reject, normalise_title
from kg.sources.fields import arxiv_id_from, author_names, checked_paper, clean_text, iso_date


def looks_like_pwc_paper(record: Mapping[str, Any]) -> bool:
    return "paper_url" in record and "abstract" in record


def looks_like_pwc_link(record: Mapping[str, Any]) -> bool:
    return "repo_url" in record and ("paper_url" in record or "paper_arxiv_id" in record)


def looks_like_pwc_links_file(head: str) -> bool:
    """The first record of a links dump names `repo_url` and `paper_url` but no abstract."""
    return '"repo_url"' in head and '"paper_url"' in head and '"abstract"' not in head


def paper_from_pwc(record: Mapping[str, Any], source: str, line: int) -> Paper | Reject:
    return checked_paper(
        record.get("title"), record.get("abstract"), source, line,
        date=iso_date(record.get("date") or record.get("published")),
        authors=author_names(record.get("authors")),
        url=clean_text(record.get("url_abs")) or clean_text(record.get("paper_url")) or None,
        arxiv_id=arxiv_id_from(record.get("arxiv_id"), record.get("url_abs")),
        source_id=clean_text(record.get("paper_url")) or None)


def code_link_from_pwc(record: Mapping[str, Any], source: str, line: int) -> CodeLink | Reject:
    url = clean_text(record.get("repo_url"))
    arxiv_id = arxiv_id_from(record.get("paper_arxiv_id"), record.get("paper_url_abs"))
    title = clean_text(record.get("paper_title")) or None
    paper_url = clean_text(record.get("paper_url")) or None
    if not url:
        return Reject(source, line, "code link has no repo_url", clean_text(record)[:200])
    if not (arxiv_id or title or paper_url):
        return Reject(source, line, "code link names no paper (paper_arxiv_id, paper_url, paper_title)",
                      url)
    official = record.get("is_official")
    return CodeLink(url=url, official=official if isinstance(official, bool) else None,
                    arxiv_id=arxiv_id, title=title, paper_url=paper_url, source=source, line=line)


class CodeLinkIndex:
    """Code links by the keys a paper can be matched on: arXiv id, listing URL, normalised title."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[CodeLink]] = {}

    def add(self, link: CodeLink) -> None:
        keys = {f"arxiv:{link.arxiv_id}" if link.arxiv_id else None,
                f"url:{link.paper_url}" if link.paper_url else None,
                "title:" + normalise_title(link.title) if link.title else None}
        for key in keys - {None, "title:"}:
            self.by_key.setdefault(key, []).append(link)

    def attach(self, paper: Paper) -> Paper:
        """Add the paper's links not already among its `code_links` (same URL)."""
        if not self.by_key:
            return paper
        keys = [f"arxiv:{paper.arxiv_id}" if paper.arxiv_id else "",
                f"url:{paper.source_id}" if paper.source_id else "",
                "title:" + normalise_title(paper.title)]
        known = {link["url"].rstrip("/").lower() for link in paper.code_links}
        for key in keys:
            for link in self.by_key.get(key, []):
                if link.url.rstrip("/").lower() not in known:
                    known.add(link.url.rstrip("/").lower())
                    paper.code_links.append({"url": link.url, "official": link.official})
        return paper
