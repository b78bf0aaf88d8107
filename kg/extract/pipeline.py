"""The extraction pipeline: spaCy components in a fixed order, loaded once, run in batches.

    tokenizer → sentencizer → ner (trained) → kg_span_edges → kg_gazetteer
              → kg_model_names → kg_abbreviations → kg_abbreviation_labels

`extract_papers` turns each Paper into the extraction record every later stage reads
(see `schemas/extraction.schema.json`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

import msgspec
import spacy
from spacy.language import Language

import kg.extract.abbreviations  # noqa: F401  (registers components)
import kg.extract.biluo  # noqa: F401
import kg.extract.gazetteer  # noqa: F401
import kg.extract.model_names  # noqa: F401
import kg.extract.span_edges  # noqa: F401
import kg.extract.tokenizer  # noqa: F401
from kg.extract.blas_ops import use_blas_ops
from kg.extract.paper import paper_extraction
from kg.io import die_with_parent
from kg.records import Paper

MODEL_PATH = Path(__file__).parent / "models" / "ner"
# the longest text extracted whole: abstracts run to a few thousand characters; a longer
# field (a whole paper pasted in) is read up to here, with a note in its record
MAX_TEXT_CHARS = 100_000
EXTRACTOR_NAME = "kg-extract"


def extractor_version(nlp: Language) -> str:
    from kg import __version__

    return f"{__version__}+{nlp.meta.get('name', 'blank')}-{nlp.meta.get('version', '0')}"


def model_version(model: str | None = None) -> str:
    """The version `extractor_version` gives, read from the model's meta.json without loading
    it (batch keys of resumable builds depend on it)."""
    from kg import __version__

    meta_file = (Path(model) if model else MODEL_PATH) / "meta.json"
    meta = json.loads(meta_file.read_text()) if meta_file.is_file() else {}
    return f"{__version__}+{meta.get('name', 'blank')}-{meta.get('version', '0')}"


@lru_cache(maxsize=2)
def load_pipeline(model: str | None = None) -> Language:
    """The trained recogniser (shipped in `kg/extract/models/ner`, or the folder `model`) plus
    the rule components; without the shipped one, the rules alone. A `model` folder that holds
    no trained pipeline is an error: the rules alone would be scored as if it were that model."""
    path = Path(model) if model else MODEL_PATH
    if model and not (path / "config.cfg").exists():
        raise FileNotFoundError(f"no trained recogniser at {path}: config.cfg not found")
    if (path / "config.cfg").exists():
        nlp = spacy.load(path)
        use_blas_ops(nlp, predict_only=True)
    else:
        nlp = kg.extract.tokenizer.make_blank_nlp()
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    nlp.add_pipe("sentencizer", before=first) if first else nlp.add_pipe("sentencizer")
    for name in ("kg_span_edges", "kg_gazetteer", "kg_model_names", "kg_abbreviations",
                 "kg_abbreviation_labels"):
        nlp.add_pipe(name)
    return nlp


def extract_papers(papers: Iterable[Paper], batch_size: int = 64, n_process: int = 1,
                   model: str | None = None) -> Iterator[dict]:
    """One extraction record per paper, in input order. With `n_process` > 1, batches of
    papers go to worker processes that each load the pipeline once."""
    for _, records in extract_batches(batched(papers, batch_size), n_process, model):
        yield from records


def extract_batches(batches: Iterable[list[Paper]], n_process: int = 1,
                    model: str | None = None,
                    encoded: bool = False) -> Iterator[tuple[list[Paper], list]]:
    """(batch, its extraction records) for each batch, in input order, as batches finish; at
    most `2 * n_process` batches are in flight, so memory does not grow with the input.
    `encoded`: the records as JSON lines (`extract_lines`) instead of dicts."""
    extract = extract_lines if encoded else extract_batch
    if n_process <= 1:
        for batch in batches:
            yield batch, extract(batch, model)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(n_process, mp_context=context, initializer=start_worker,
                             initargs=(model, os.getpid())) as pool:
        pending = []
        for batch in batches:
            pending.append((batch, pool.submit(extract, batch, model)))
            if len(pending) >= n_process * 2:
                batch, future = pending.pop(0)
                yield batch, future.result()
        for batch, future in pending:
            yield batch, future.result()


def start_worker(model: str | None, parent: int) -> None:
    """A worker dies with the build that forked it: a worker left behind by a killed build
    would hold the output folder's lock (inherited with the fork) and keep the next build
    waiting for ever."""
    die_with_parent()
    if os.getppid() != parent:  # the build died before the worker could ask
        os._exit(1)
    load_pipeline(model)


def extract_batch(papers: list[Paper], model: str | None = None) -> list[dict]:
    """Extraction records of a batch; each keeps the paper's `notes`, and a text longer
    than `MAX_TEXT_CHARS` is read up to there (`extractable`), with a note."""
    nlp = load_pipeline(model)
    version = extractor_version(nlp)
    texts = (extractable(text) for paper in papers for text in (paper.title, paper.abstract))
    docs = nlp.pipe(texts, batch_size=64)
    records = []
    for paper in papers:
        record = paper_extraction(paper, next(docs), next(docs), EXTRACTOR_NAME, version)
        record["notes"] = list(paper.notes) + [
            f"{field} has {len(text):,} characters: entities and results were found in "
            f"the first {len(extractable(text)):,} only"
            for field, text in (("title", paper.title), ("abstract", paper.abstract))
            if len(text) > MAX_TEXT_CHARS]
        records.append(record)
    return records


def extractable(text: str) -> str:
    """The text, or its first `MAX_TEXT_CHARS` characters cut after a space: spaCy refuses
    texts over `nlp.max_length` (E088), and its memory grows with the length of a text.
    Offsets into the cut text are offsets into the whole text."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind(" ", MAX_TEXT_CHARS // 2, MAX_TEXT_CHARS)
    return text[:cut if cut > 0 else MAX_TEXT_CHARS]


_encode = msgspec.json.Encoder().encode


def extract_lines(papers: list[Paper], model: str | None = None) -> list[bytes]:
    """`extract_batch`'s records as JSON lines, encoded where they are extracted (a worker),
    so the process that keeps them only writes bytes."""
    return [_encode(record) + b"\n" for record in extract_batch(papers, model)]


def batched(items: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    batch: list[Paper] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
