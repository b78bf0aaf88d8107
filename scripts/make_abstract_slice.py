#!/usr/bin/env python
"""Write the committed slice of real abstracts
(tests/fixtures/corpus/arxiv-2017-2019-500.jsonl.gz): the first N of the fixed sample of
scripts/extract_records.py (arXiv 2017-2019, ordered by sha1 of the id), so the slice is part
of the 4,000 abstracts measured there. arXiv metadata is CC0 1.0.

    .venv/bin/python scripts/make_abstract_slice.py [CORPUS.jsonl.gz] [-n 500]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from extract_records import arxiv_sample, read_jsonl  # noqa: E402

from kg.io import atomic_path  # noqa: E402

FIELDS = ("id", "title", "abstract", "date")
OUT = ROOT / "tests" / "fixtures" / "corpus" / "arxiv-2017-2019-500.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?",
                        default=ROOT.parent / "shared" / "data" / "corpus" / "arxiv-ml.jsonl.gz")
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    rows = [{k: r.get(k) for k in FIELDS} for r in arxiv_sample(read_jsonl(args.corpus), args.n)]
    with atomic_path(args.output) as target:
        # mtime=0: the same input gives the same bytes
        with gzip.GzipFile(target, "wb", mtime=0) as raw:
            lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            raw.write("".join(lines).encode("utf-8"))
    print(f"{len(rows)} abstracts -> {args.output}")


if __name__ == "__main__":
    main()
