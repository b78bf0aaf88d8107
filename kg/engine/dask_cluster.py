"""Extraction on a Dask distributed cluster: each worker loads the pipeline once (a worker
plugin), and batches of papers are mapped onto the workers as futures.

With no scheduler address a `LocalCluster` of worker processes is started for the run. On a
remote cluster every worker needs `kg` installed (the same version as the client, with the same
model): only the batches of papers travel to the workers (and the function to run, by name),
and the records come back as JSON lines; linking and every output stay with the client. A
worker whose extractor version differs from the client's is refused when the pipeline loads,
so a build never mixes two extractors' records.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from distributed import Client, LocalCluster, WorkerPlugin, as_completed

from kg.extract.pipeline import extract_batch, extract_lines, load_pipeline, model_version
from kg.records import Paper


class WorkerMismatch(RuntimeError):
    """A worker whose kg or model is not the client's."""


class LoadPipeline(WorkerPlugin):
    """Load the extraction pipeline when a worker starts, so batches do not wait for it; first
    check that the worker extracts with the client's version (kg and model)."""

    name = "kg-load-pipeline"

    def __init__(self, model: str | None = None, version: str | None = None) -> None:
        self.model, self.version = model, version

    def setup(self, worker) -> None:
        found = model_version(self.model)
        if self.version is not None and found != self.version:
            raise WorkerMismatch(f"the Dask worker at {worker.address} extracts with {found}, "
                                 f"this client with {self.version}: install the same kg and "
                                 "model on every worker")
        load_pipeline(self.model)


def open_client(scheduler: str | None, workers: int) -> Client:
    """A client of the cluster at `scheduler`, or of a new LocalCluster of `workers` processes."""
    from kg.engine import EngineError

    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as error:
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster)


def dask_extract_batches(batches: Iterable[list[Paper]], processes: int = 1,
                         scheduler: str | None = None, model: str | None = None,
                         client: Client | None = None,
                         encoded: bool = False) -> Iterator[tuple[list[Paper], list]]:
    """(batch, its extraction records) as batches finish, in any order; a bounded number of
    batches is in flight (twice the cluster's threads), so memory does not grow with the input.
    `encoded`: the records as JSON lines, encoded on the workers."""
    extract = extract_lines if encoded else extract_batch
    own_client = client is None
    client = client or open_client(scheduler, max(2, processes))
    try:
        try:
            client.register_plugin(LoadPipeline(model, model_version(model)))
        except WorkerMismatch as error:
            from kg.engine import EngineError

            raise EngineError(str(error)) from None
        window = 2 * max(1, sum(client.nthreads().values()))
        in_flight: dict[str, list[Paper]] = {}
        running = as_completed()

        def submit(batch: list[Paper]) -> None:
            future = client.submit(extract, batch, model, pure=False)
            in_flight[future.key] = batch
            running.add(future)

        batches = iter(batches)
        for batch in batches:
            submit(batch)
            if len(in_flight) >= window:
                break
        for future in running:
            records = future.result()
            batch = in_flight.pop(future.key)
            future.release()
            yield batch, records
            if (next_batch := next(batches, None)) is not None:
                submit(next_batch)
    finally:
        if own_client:
            close_client(client, scheduler)


def close_client(client: Client, scheduler: str | None = None) -> None:
    """Close the client, and its LocalCluster when this run started one."""
    cluster = client.cluster
    client.close()
    if cluster is not None and not scheduler:
        cluster.close()

