"""The records that flow from the readers into extraction: papers and rejects."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field

# new-style ids (2401.01234) and old-style ones (hep-th/9901001, math.AG/0101001)
ARXIV_ID = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arxiv:\s*)?"
                      r"(\d{4}\.\d{4,5}|\b[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.I)
DOI = re.compile(r"(10\.\d{4,9}/[^\s\"<>]+)", re.I)


@dataclass
class Paper:
    """One input paper, as read from any source."""

    title: str
    abstract: str
    id: str = ""
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_count: int | None = None
    upvotes: int | None = None
    url: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    source: str = ""
    line: int = 0
    source_id: str | None = None
    categories: list[str] = field(default_factory=list)
    # repositories named by the source itself: [{"url": ..., "official": True | False | None}]
    code_links: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = paper_id(self.title, arxiv_id=self.arxiv_id, doi=self.doi)
        if self.authors and self.authors_count is None:
            self.authors_count = len(self.authors)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Reject:
    """An input record that could not become a paper, with where it came from and why."""

    file: str
    line: int
    reason: str
    excerpt: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CodeLink:
    """A paper's code repository from a links listing (Papers with Code): not a paper itself,
    it is attached to the paper with the same arXiv id, listing URL or normalised title."""

    url: str
    official: bool | None = None
    arxiv_id: str | None = None
    title: str | None = None
    paper_url: str | None = None
    source: str = ""
    line: int = 0


def normalise_title(title: str) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive form of a title."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def normalise_arxiv_id(value: str | None) -> str | None:
    if not value:
        return None
    match = ARXIV_ID.search(value)
    return match.group(1) if match else None


def normalise_doi(value: str | None) -> str | None:
    if not value:
        return None
    match = DOI.search(value)
    return match.group(1).rstrip(".").lower() if match else None


def paper_id(title: str, arxiv_id: str | None = None, doi: str | None = None) -> str:
    """A stable id: the arXiv id, else the DOI, else a hash of the normalised title."""
    if arxiv := normalise_arxiv_id(arxiv_id):
        return f"arxiv:{arxiv}"
    if norm_doi := normalise_doi(doi):
        return f"doi:{norm_doi}"
    digest = hashlib.sha1(normalise_title(title).encode()).hexdigest()[:16]
    return f"title:{digest}"


def identity_keys(title: str, id: str = "", arxiv_id: str | None = None,
                  doi: str | None = None) -> list[str]:
    """Every key the same paper is recognised by across sources: its id, its arXiv id, its
    DOI and its normalised title."""
    keys = [id] if id else []
    if arxiv := normalise_arxiv_id(arxiv_id):
        keys.append(f"arxiv:{arxiv}")
    if norm_doi := normalise_doi(doi):
        keys.append(f"doi:{norm_doi}")
    keys.append("title:" + normalise_title(title))
    return list(dict.fromkeys(keys))
