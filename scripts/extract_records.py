#!/usr/bin/env python
"""Extract a file of papers and write one extraction record a line, to score later with
`kg evaluate GOLD --extractions FILE` or `scripts/evaluate_listing.py --extractions FILE`.

Reads annotated records (`{"id", "title", "text", ...}`, the format of ../shared/data) or
corpus records (`{"id", "title", "abstract", ...}`), plain or gzip. It imports only
`kg.extract.pipeline.extract_papers` and `kg.records.Paper`, so it also runs an older release's
extractor: `cd OLD && PYTHONPATH=. python NEW/scripts/extract_records.py GOLD -o PRED.jsonl`
(and `kg.io.atomic_path`), which the previous release has too.

    .venv/bin/python scripts/extract_records.py GOLD.jsonl [-o PRED.jsonl] [--processes 2]
    .venv/bin/python scripts/extract_records.py --arxiv-sample 4000 CORPUS.jsonl.gz -o PRED.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

from kg.extract.pipeline import extract_papers
from kg.io import atomic_path
from kg.records import Paper


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def arxiv_sample(records: list[dict], size: int, years=(2017, 2018, 2019)) -> list[dict]:
    """The fixed sample of real abstracts: records of `years` ordered by sha1 of their id,
    the first `size` of them (the same rule makes the committed slice of tests/fixtures)."""
    chosen = [r for r in records if r.get("year") in years and r.get("abstract")]
    chosen.sort(key=lambda r: hashlib.sha1(str(r["id"]).encode("utf-8")).hexdigest())
    return chosen[:size]


def to_paper(record: dict) -> Paper:
    """Annotated records keep `text` = title + "\\n" + abstract: split it as kg.evaluate does."""
    record_id = str(record["id"])
    if "abstract" in record:
        return Paper(title=record.get("title") or "", abstract=record["abstract"], id=record_id)
    text, title = record["text"], record.get("title")
    if title and text.startswith(title + "\n"):
        return Paper(title=title, abstract=text[len(title) + 1:], id=record_id)
    return Paper(title="", abstract=text, id=record_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--arxiv-sample", type=int, metavar="N",
                        help="extract only the fixed sample of N arXiv abstracts of 2017-2019")
    args = parser.parse_args()
    records = [r for path in args.inputs for r in read_jsonl(path)]
    if args.arxiv_sample:
        records = arxiv_sample(records, args.arxiv_sample)
    papers = [to_paper(r) for r in records]
    lines = (json.dumps({**extraction, "id": paper.id}, ensure_ascii=False) + "\n"
             for paper, extraction in zip(papers, extract_papers(papers, n_process=args.processes)))
    if not args.output:
        sys.stdout.writelines(lines)
        return
    with atomic_path(args.output) as target, open(target, "w", encoding="utf-8") as out:
        out.writelines(lines)


if __name__ == "__main__":
    main()
