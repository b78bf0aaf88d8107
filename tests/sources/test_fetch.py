"""`kg fetch`: downloads from a local HTTP server answering with recorded responses (no network)."""

import json
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kg.records import Paper
from kg.sources import read_path
from kg.sources.fetch import FetchError, fetch_arxiv, fetch_hf_daily, get

RECORDED = Path(__file__).resolve().parent.parent / "fixtures" / "fetch"


class Recorded(BaseHTTPRequestHandler):
    requests: list[str] = []
    failures: dict[str, int] = {}  # path → how many 503s to answer before the body

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.requests.append(self.path)
        if self.failures.get(url.path, 0) > 0:
            self.failures[url.path] -= 1
            self.send_response(503)
            self.send_header("Retry-After", "1")
            self.end_headers()
            return
        if url.path == "/api/query":
            name = "arxiv-error.atom" if query["search_query"] == "bad" else \
                f"arxiv-query-start-{query['start']}.atom"
        elif url.path == "/api/daily_papers":
            name = f"hf-daily-papers-{query['date']}.json"
        else:
            name = "missing"
        body = (RECORDED / name).read_bytes() if (RECORDED / name).is_file() else None
        self.send_response(200 if body else 404)
        self.end_headers()
        self.wfile.write(body or b"not found")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Recorded.requests, Recorded.failures = [], {}
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_arxiv_pages_are_joined_and_spaced(server, tmp_path):
    pauses = []
    out = tmp_path / "cl.atom"
    count = fetch_arxiv("cat:cs.CL", 10, out, page_size=2, base_url=f"{server}/api/query",
                        sleep=pauses.append)
    assert count == 3
    starts = [dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r).query))["start"]
              for r in Recorded.requests]
    assert starts == ["0", "2", "3"] and pauses == [3.0, 3.0]  # one polite pause between pages
    papers = [p for p in read_path(out) if isinstance(p, Paper)]
    assert [p.arxiv_id for p in papers] == ["1810.04805", "1512.03385", "2401.00004"]


def test_arxiv_max_and_retries_after_503(server, tmp_path):
    Recorded.failures["/api/query"] = 2
    pauses = []
    count = fetch_arxiv("cat:cs.CL", 1, tmp_path / "one.atom", base_url=f"{server}/api/query",
                        sleep=pauses.append)
    assert count == 1 and pauses == [1.0, 1.0]  # Retry-After obeyed
    assert len(Recorded.requests) == 3


def test_arxiv_error_and_giving_up(server, tmp_path):
    with pytest.raises(FetchError, match="arXiv API error for query 'bad': .*incorrect id format"):
        fetch_arxiv("bad", 5, tmp_path / "x.atom", base_url=f"{server}/api/query", sleep=lambda s: None)
    Recorded.failures["/api/query"] = 9
    with pytest.raises(FetchError, match="HTTP 503"):
        get(f"{server}/api/query?search_query=x&start=0", retries=2, sleep=lambda s: None)
    assert not (tmp_path / "x.atom").exists()


def test_hf_daily(server, tmp_path):
    out = tmp_path / "daily.json"
    assert fetch_hf_daily("2025-02-10", out, base_url=f"{server}/api/daily_papers") == 3
    assert "date=2025-02-10" in Recorded.requests[0]
    papers = [p for p in read_path(out) if isinstance(p, Paper)]
    assert papers[0].code_links[0]["url"] == "https://github.com/example/coredistill"
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_hf_daily("2025-02-11", out, base_url=f"{server}/api/daily_papers", retries=0)
    with pytest.raises(FetchError, match="YYYY-MM-DD"):
        fetch_hf_daily("10/02/2025", out)


def test_cli_fetch(server, tmp_path):
    out = tmp_path / "daily.json"
    done = subprocess.run([sys.executable, "-m", "kg", "fetch", "hf-daily", "--date", "2025-02-10",
                           "-o", str(out), "--base-url", f"{server}/api/daily_papers"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(out.read_text())) == 3 and "3 papers" in done.stderr
    bad = subprocess.run([sys.executable, "-m", "kg", "fetch", "hf-daily", "--date", "tomorrow",
                          "-o", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].endswith(
        "--date must be YYYY-MM-DD, got 'tomorrow'")
