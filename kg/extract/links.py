"""Code, data and project links in abstracts: found, repaired and classified."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'{}|\\^`\]]+", re.I)
TRAILING = ".,;:!?)]}'\"*"
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net",
              "gitee.com")
DATA_HOSTS = ("zenodo.org", "figshare.com", "kaggle.com", "dataverse", "huggingface.co/datasets",
              "osf.io")
PAPER_HOSTS = ("arxiv.org", "doi.org", "aclanthology.org", "openreview.net", "semanticscholar.org",
               "proceedings.", "ieeexplore.ieee.org", "dl.acm.org")
# A path piece that continues a URL broken by a space: `github.com/Owner/ Repo-Name`.
CONTINUATION = re.compile(r"[A-Za-z0-9][\w.\-]*[\w\-/]|[A-Za-z0-9]")


@dataclass(frozen=True)
class Link:
    url: str
    kind: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"url": self.url, "kind": self.kind}


def classify_link(url: str) -> str:
    """code, data, paper, project or other, from the host and path."""
    lower = url.lower()
    host = urlsplit(lower if "://" in lower else "http://" + lower).netloc
    host = host.removeprefix("www.")
    if any(h in lower for h in DATA_HOSTS):
        return "data"
    if host in CODE_HOSTS or host.endswith(".github.com"):
        return "code"
    if host == "huggingface.co" or host == "hf.co":
        return "code" if "/spaces/" not in lower else "project"
    if any(h in host or lower.startswith("https://" + h) for h in PAPER_HOSTS) or lower.endswith(".pdf"):
        return "paper"
    if host.endswith("github.io") or host.endswith("pages.dev") or "/project" in lower or host.startswith("sites."):
        return "project"
    if host in ("bit.ly", "tinyurl.com", "t.co", "goo.gl"):
        return "other"
    return "project"


def _strip_trailing(url: str) -> str:
    while url and url[-1] in TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _is_repo_owner_only(url: str) -> bool:
    parts = urlsplit(url).path.strip("/").split("/")
    host = urlsplit(url).netloc.lower().removeprefix("www.")
    return host in CODE_HOSTS and len(parts) == 1 and parts[0] != ""


def find_links(text: str) -> list[Link]:
    """Every URL in `text`, trailing punctuation removed, a URL split after `/` by a space joined
    when the next word continues its path (a code host's owner with no repository, or a word
    that cannot be English: hyphens, digits, inner capitals)."""
    links: list[Link] = []
    for match in URL.finditer(text):
        url, end = match.group(0), match.end()
        if url.endswith("/"):
            rest = text[end:]
            gap = len(rest) - len(rest.lstrip(" "))
            piece = CONTINUATION.match(rest[gap:]) if 0 < gap <= 2 else None
            if piece:
                word = _strip_trailing(piece.group(0))
                looks_like_path = any(c in word for c in "-_/0123456789") or (
                    any(c.isupper() for c in word[1:]))
                if word and (_is_repo_owner_only(url) or looks_like_path):
                    url, end = url + word, end + gap + len(word)
        cleaned = _strip_trailing(url)
        end -= len(url) - len(cleaned)
        if len(cleaned) <= len("https://") or "." not in cleaned:
            continue
        if cleaned.lower().startswith("www."):
            cleaned = "http://" + cleaned
        kind = classify_link(cleaned)
        if kind == "code":
            cleaned = cleaned.rstrip("/").removesuffix(".git")
        links.append(Link(cleaned, kind, match.start(), end))
    return links
