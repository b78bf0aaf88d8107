"""Download paper listings: the arXiv API (Atom, paged) and Hugging Face daily papers (JSON).

Polite by default: arXiv asks for one request every 3 seconds, so pages are spaced by `delay`;
a failed request (network error, HTTP 429 or 5xx) is retried with a growing pause, and a
`Retry-After` header is obeyed. The file is written atomically, ready for `kg build`.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from kg.io import atomic_path

ARXIV_API = "https://export.arxiv.org/api/query"
HF_DAILY_API = "https://huggingface.co/api/daily_papers"
USER_AGENT = "kg/0.1 (knowledge-graph builder for ML papers)"
ENTRY = re.compile(r"<entry[\s>].*?</entry>", re.S)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FetchError(Exception):
    """A download that failed after its retries, or an answer that is not what was asked for."""


def get(url: str, retries: int = 3, backoff: float = 3.0, timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep) -> bytes:
    """The body at `url`; network errors, 429 and 5xx are retried `retries` times."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code != 429 and error.code < 500 or attempt == retries:
                raise FetchError(f"{url}: HTTP {error.code} {error.reason}") from None
            retry_after = error.headers.get("Retry-After", "")
            pause = float(retry_after) if retry_after.isdigit() else backoff * 2 ** attempt
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            if attempt == retries:
                reason = getattr(error, "reason", error)
                raise FetchError(f"{url}: {reason} (after {retries + 1} tries)") from None
            pause = backoff * 2 ** attempt
        sleep(pause)
    raise AssertionError("unreachable")


def fetch_arxiv(query: str, max_results: int, out: str | Path, page_size: int = 100,
                delay: float = 3.0, base_url: str = ARXIV_API,
                sleep: Callable[[float], None] = time.sleep, **get_options) -> int:
    """Up to `max_results` entries of an arXiv API search (`cat:cs.CL AND ti:bert`), newest
    first, as one Atom feed in `out`; returns the number of entries."""
    head, entries = None, []
    while len(entries) < max_results:
        if head is not None:
            sleep(delay)
        params = {"search_query": query, "start": len(entries), "sortBy": "submittedDate",
                  "sortOrder": "descending", "max_results": min(page_size, max_results - len(entries))}
        page = get(f"{base_url}?{urllib.parse.urlencode(params)}", sleep=sleep,
                   **get_options).decode("utf-8")
        if "<feed" not in page:
            raise FetchError(f"{base_url}: the answer is not an Atom feed")
        found = ENTRY.findall(page)
        if any("/api/errors" in entry for entry in found):
            raise FetchError(f"arXiv API error for query {query!r}: "
                             + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[0])).strip())
        if head is None:
            first = ENTRY.search(page)
            head = page[:first.start()] if first else page[:page.rfind("</feed>")]
        if not found:
            break
        entries.extend(found[: max_results - len(entries)])
    with atomic_path(Path(out)) as temp:
        Path(temp).write_text((head or "") + "\n  ".join(entries) + "\n</feed>\n", encoding="utf-8")
    return len(entries)


def fetch_hf_daily(date: str, out: str | Path, base_url: str = HF_DAILY_API, **get_options) -> int:
    """The Hugging Face daily papers of `date` (YYYY-MM-DD) as JSON in `out`; returns the count."""
    if not DATE.match(date):
        raise FetchError(f"--date must be YYYY-MM-DD, got {date!r}")
    body = get(f"{base_url}?{urllib.parse.urlencode({'date': date, 'limit': 100})}", **get_options)
    try:
        items = json.loads(body)
    except json.JSONDecodeError as error:
        raise FetchError(f"{base_url}: the answer is not JSON ({error.msg})") from None
    if not isinstance(items, list):
        raise FetchError(f"{base_url}: expected a list of papers, got {type(items).__name__}")
    with atomic_path(Path(out)) as temp:
        Path(temp).write_bytes(body)
    return len(items)
