#!/usr/bin/env python
"""Make an N-abstract JSON Lines test corpus from the shared abstracts (SciREX, SciERC), or
with --real from the real paper records of data/corpus.

Synthetic (default): each new paper takes a source abstract, shuffles its sentences and gets a
new id and a new title (the source title, or its first sentence, with a variant number), so
every paper is distinct to the deduplicator while the text keeps real ML vocabulary.

Real (--real): the 50,904 records of arxiv-ml.jsonl.gz and acl-anthology.jsonl.gz (arXiv
metadata CC0 1.0; ACL Anthology CC BY 4.0, aclanthology.org), in one seeded order, as they
are (title, abstract, date, authors, links). Beyond 50,904 they are replicated: copy k of a
record keeps its text, date and authors, and gets the id `ID~rk` and the title `TITLE (replica
k)` (so the deduplicator keeps it), without the record's arXiv id, DOI or URL (which would
make it the same paper). The text stays real; only its repetition is made up.

Seeded: the same N and seed give the same file.

    .venv/bin/python scripts/make_corpus.py 1000 -o /tmp/corpus-1k.jsonl [--seed 0] [--real]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def source_abstracts(data: Path) -> list[tuple[str, list[str]]]:
    """(title, sentences) of every shared abstract."""
    found = []
    for path in [data / "scirex" / "abstracts.jsonl", *sorted((data / "scierc").glob("*.jsonl"))]:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                text = " ".join(record["text"].split("\n", 1)[-1].split()) if record.get("title") \
                    else " ".join(record["text"].split())
                sentences = SENTENCE_END.split(text)
                title = record.get("title") or " ".join(sentences[0].split()[:12]).rstrip(" .,;:")
                found.append((title, sentences))
    if not found:
        raise SystemExit(f"make_corpus: no abstracts found under {data}")
    return found


def make_corpus(n: int, data: Path = DATA, seed: int = 0):
    """Yield `n` corpus records (dicts with id, title, abstract)."""
    sources = source_abstracts(data)
    rng = random.Random(seed)
    for number in range(n):
        title, sentences = sources[rng.randrange(len(sources))]
        sentences = sentences[:]
        rng.shuffle(sentences)
        yield {"id": f"corpus-{seed}-{number}", "title": f"{title} (variant {number})",
               "abstract": " ".join(sentences)}


REAL_FILES = ("arxiv-ml.jsonl.gz", "acl-anthology.jsonl.gz")
LINK_FIELDS = ("arxiv_id", "doi", "url", "pdf_url")


def real_records(data: Path, seed: int = 0) -> list[dict]:
    """Every record of the real corpus files, in one seeded order."""
    import gzip

    records = []
    for name in REAL_FILES:
        with gzip.open(data / "corpus" / name, "rt", encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle if line.strip())
    if not records:
        raise SystemExit(f"make_corpus: no records under {data / 'corpus'}")
    random.Random(seed).shuffle(records)
    return records


def make_real_corpus(n: int, data: Path = DATA, seed: int = 0):
    """Yield `n` real records, replicated (see the module's docstring) beyond the corpus."""
    records = real_records(data, seed)
    for number in range(n):
        copy, record = divmod(number, len(records))
        record = records[record]
        if copy:
            record = {k: v for k, v in record.items() if k not in LINK_FIELDS}
            record["id"] = f"{record['id']}~r{copy}"
            record["title"] = f"{record['title']} (replica {copy})"
        yield record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of abstracts")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DATA,
                        help="folder with scirex/ and scierc/ (and corpus/ for --real)")
    parser.add_argument("--real", action="store_true",
                        help="real paper records of data/corpus, replicated beyond 50,904")
    args = parser.parse_args()
    records = make_real_corpus if args.real else make_corpus
    if args.n < 1:
        raise SystemExit("make_corpus: N must be at least 1")
    if args.output:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from kg.io import atomic_path

        with atomic_path(args.output) as temp, open(temp, "w", encoding="utf-8") as handle:
            for record in records(args.n, args.data, args.seed):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"{args.n} abstracts → {args.output}", file=sys.stderr)
    else:
        for record in records(args.n, args.data, args.seed):
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
