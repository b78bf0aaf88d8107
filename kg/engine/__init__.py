"""Engines that run extraction batches: `local` (worker processes on this machine) and `dask`
(a Dask distributed cluster). Either way, each finished batch is kept in the build's work
folder as it finishes, so an interrupted build resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kg.engine.workdir import WorkFolder, batch_key
from kg.extract.pipeline import batched, extract_batches, model_version
from kg.records import Paper

ENGINES = ("local", "dask")
DEFAULT_BATCH_SIZE = 256


class EngineError(Exception):
    """An unknown engine, or a cluster that cannot be reached."""


@dataclass
class ExtractionRun:
    """The batches of one build in input order, and how many papers were extracted or reused."""

    keys: list[str] = field(default_factory=list)
    extracted: int = 0
    reused: int = 0


def run_extraction(papers: Iterable[Paper], work: WorkFolder, engine: str = "local",
                   processes: int = 1, batch_size: int = DEFAULT_BATCH_SIZE,
                   scheduler: str | None = None, model: str | None = None,
                   on_paper: Callable[[], None] | None = None) -> ExtractionRun:
    """Extract every batch of `papers` not already in `work`, writing each as it finishes."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise EngineError("--scheduler needs --engine dask")
    version = model_version(model)
    run = ExtractionRun()

    def pending() -> Iterator[list[Paper]]:
        for batch in batched(papers, batch_size):
            key = batch_key(batch, version)
            run.keys.append(key)
            if work.done(key):
                run.reused += len(batch)
            else:
                yield batch

    if engine == "dask":
        from kg.engine.dask_cluster import dask_extract_batches

        finished = dask_extract_batches(pending(), processes, scheduler, model, encoded=True)
    else:
        finished = extract_batches(pending(), processes, model, encoded=True)
    for batch, lines in finished:  # JSON lines, encoded by the workers: only written here
        work.write_lines(batch_key(batch, version), lines)
        run.extracted += len(batch)
        for _ in lines:
            if on_paper:
                on_paper()
    return run


def finished_lines(run: ExtractionRun, work: WorkFolder) -> Iterator[bytes]:
    """The extraction records of a finished run, in input order, as the JSON lines the work
    folder holds (not decoded)."""
    for key in run.keys:
        yield from work.lines(key)


__all__ = ["ENGINES", "EngineError", "ExtractionRun", "WorkFolder", "finished_lines",
           "run_extraction"]
