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
# the schemes a URL value may have: anything else (javascript:, data:, vbscript:, file:) is
# not a link, and goes to the record's notes as text
LINK_SCHEMES = ("http", "https", "ftp", "doi", "arxiv")
URL_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")
BARE_URL = re.compile(r"^[\w.\-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$")
# spacing modifier letters (`SEQˆ3`, `ʰ`) act as accents or symbols in titles: no part of a key
MODIFIER_LETTERS = re.compile("[\u02b0-\u02ff]")
# an ASCII title's key in one C pass: letters and digits lower-cased, every other character a space
ASCII_TITLE = str.maketrans({chr(c): chr(c).lower() if chr(c).isalnum() else " " for c in range(128)})


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
    # what the readers changed or left out of the record, and why (a URL that is not a link,
    # an upvote count out of range): kept in the extraction record as `notes`
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = paper_id(self.title, arxiv_id=self.arxiv_id, doi=self.doi,
                               abstract=self.abstract)
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
    """Case-, accent-, punctuation- and whitespace-insensitive form of a title, in every script.

    ASCII letters and digits are kept lower-cased, other ASCII characters separate words, and
    accents on ASCII letters are dropped (NFKD), so a Latin title keeps the key (and the paper
    id) it always had. Letters and digits of every other script (and Latin letters such as ß or
    ø) are kept, NFKC-normalised and casefolded: Chinese, Cyrillic or Greek titles no longer all
    fold to the same empty key. Other non-ASCII characters (dashes, curly quotes, emoji)
    vanish, as they always did. Can be empty (a title of punctuation alone): see `title_key`.
    """
    if title.isascii():  # most titles: what the general rule gives them, four times faster
        return " ".join(title.translate(ASCII_TITLE).split())
    return normalise_any_title(title)


def normalise_any_title(title: str) -> str:
    """`normalise_title` by its general rule, character by character, for a title in any script."""
    kept: list[str] = []
    after_ascii = True  # combining marks on an ASCII letter are accents: dropped
    for char in unicodedata.normalize("NFKD", title):
        if char.isascii():
            kept.append(char.lower() if char.isalnum() else " ")
            after_ascii = True
        elif unicodedata.category(char)[0] == "M":
            if not after_ascii:
                kept.append(char)
        elif unicodedata.category(char)[0] in "LN" and not MODIFIER_LETTERS.match(char):
            kept.append(char)
            after_ascii = False
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", "".join(kept)).casefold())
    return " ".join(text.split())


def title_key(title: str) -> str | None:
    """The key a title identifies its paper by, or None when it has no letter or digit: an
    empty key would make every such title the same paper."""
    norm = normalise_title(title)
    return f"title:{norm}" if norm else None


def is_link_url(url: str) -> bool:
    """A URL with a link scheme (`LINK_SCHEMES`), or a bare host and path (`www.x.org/a`,
    `github.com/o/r`). Anything else, `javascript:` and friends included, is not a link."""
    if match := URL_SCHEME.match(url):
        return match.group(1).lower() in LINK_SCHEMES
    return BARE_URL.match(url) is not None


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


def paper_id(title: str, arxiv_id: str | None = None, doi: str | None = None,
             abstract: str = "") -> str:
    """A stable id: the arXiv id, else the DOI, else a hash of the normalised title. A title
    without letters or digits identifies nothing, so its hash takes the title as written and
    the normalised abstract."""
    if arxiv := normalise_arxiv_id(arxiv_id):
        return f"arxiv:{arxiv}"
    if norm_doi := normalise_doi(doi):
        return f"doi:{norm_doi}"
    norm = normalise_title(title)
    if not norm:
        norm = "\x00".join(("untitled", " ".join(title.split()), normalise_title(abstract)))
    digest = hashlib.sha1(norm.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"title:{digest}"


def identity_keys(title: str, id: str = "", arxiv_id: str | None = None,
                  doi: str | None = None) -> list[str]:
    """Every key the same paper is recognised by across sources: its id, its arXiv id, its
    DOI and its normalised title (none for a title without letters or digits)."""
    keys = [id] if id else []
    if arxiv := normalise_arxiv_id(arxiv_id):
        keys.append(f"arxiv:{arxiv}")
    if norm_doi := normalise_doi(doi):
        keys.append(f"doi:{norm_doi}")
    if key := title_key(title):
        keys.append(key)
    return list(dict.fromkeys(keys))
