"""Every output of a build written from one walk of its graph (`kg.graph.stream`): the
statements (N-Quads piped into the Oxigraph store's bulk loader, and Turtle into
`graph.ttl`), the Ladybug store, GraphML, the Neo4j CSVs (optional) and the page. Each paper
is read and assembled once; no writer holds the graph."""

from __future__ import annotations

import errno
import gc
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.export.graphml import GraphmlSink
from kg.export.html import PageSink
from kg.export.neo4j_files import Neo4jCsvSink
from kg.export.rdf import DEFAULT_BASE, NQuadsSink
from kg.graph.stream import BuildWalk
from kg.io import atomic_path
from kg.query.cypher import STORE_NAME as CYPHER_STORE
from kg.query.cypher import LadybugSink
from kg.query.sparql import STORE_NAME as SPARQL_STORE


@dataclass
class Written:
    """What `write_outputs` wrote: counts by node and edge type, statements, step seconds."""

    nodes: Counter = field(default_factory=Counter)
    edges: Counter = field(default_factory=Counter)
    statements: int = 0
    seconds: dict = field(default_factory=dict)


def write_outputs(walk: BuildWalk, out: str | Path, base: str = DEFAULT_BASE,
                  title: str = "kg graph", neo4j_csv: str | Path | None = None,
                  ntriples: str | Path | None = None) -> Written:
    """Write graph.ttl, graph.graphml, graph.html, store.oxigraph and store.lbdb into `out`
    (and the neo4j-admin CSVs into `neo4j_csv`, N-Triples into `ntriples`), each atomically,
    from one walk. The Oxigraph store bulk-loads the N-Quads from a pipe in a second thread
    while the walk goes on (its loader runs in Rust, without the GIL)."""
    out = Path(out)
    written = Written()
    lap = _timer()
    collecting = gc.isenabled()
    with ExitStack() as stack:
        sparql_path = stack.enter_context(atomic_path(out / SPARQL_STORE, directory=True))
        ladybug_path = stack.enter_context(atomic_path(out / CYPHER_STORE))
        turtle = stack.enter_context(_binary_output(out / "graph.ttl"))
        triples = stack.enter_context(_binary_output(ntriples)) if ntriples else None
        nquads = stack.enter_context(StoreLoader(sparql_path))
        sinks = [NQuadsSink(nquads, walk, base, turtle=turtle, ntriples=triples),
                 LadybugSink(ladybug_path, walk.type_of), GraphmlSink(out / "graph.graphml"),
                 PageSink(out / "graph.html", title, list(walk.index))]
        if neo4j_csv is not None:
            sinks.append(Neo4jCsvSink(neo4j_csv, walk.type_of))
        adders = [sink.add for sink in sinks]
        gc.disable()  # the walk makes many short-lived acyclic objects: no cycles to find
        try:
            for node, data, out_edges in walk:
                written.nodes[data["type"]] += 1
                for _, _, edge in out_edges:
                    written.edges[edge["type"]] += 1
                for add in adders:
                    add(node, data, out_edges)
        finally:
            if collecting:
                gc.enable()
        written.statements = sinks[0].close()
        written.seconds["walk"] = lap()
        for sink in sinks[1:]:
            sink.close()
            written.seconds[type(sink).__name__] = lap()
    written.seconds["oxigraph"] = lap()  # what the loader still had to do after the walk
    return written


@contextmanager
def _binary_output(path: str | Path) -> Iterator[BinaryIO]:
    """A buffered binary file that replaces `path` when the block ends without error."""
    with atomic_path(path) as temp, open(temp, "wb", buffering=1 << 20) as handle:
        yield handle


class StoreLoader:
    """A binary file to write N-Quads to, bulk-loaded into a new Oxigraph store at `path` by a
    second thread as they are written; leaving the `with` block waits for the load. The
    N-Quads go through a named pipe that the loader reads itself, in Rust without the GIL, so
    the load runs beside the Python walk instead of after it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.error: BaseException | None = None

    def __enter__(self):
        self.store = ox.Store(str(self.path))  # fails here, before anything waits on the pipe
        self.folder = Path(tempfile.mkdtemp(prefix=".kg-nquads-", dir=self.path.parent))
        self.pipe = self.folder / "graph.nq"
        os.mkfifo(self.pipe)
        self.thread = threading.Thread(target=self._load, name="oxigraph-bulk-load", daemon=True)
        self.thread.start()
        while True:  # opening the write end waits for the reader; give up if the loader died
            try:
                descriptor = os.open(self.pipe, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as error:
                if error.errno != errno.ENXIO or not self.thread.is_alive():
                    self.thread.join()
                    shutil.rmtree(self.folder, ignore_errors=True)
                    raise self.error or error
                time.sleep(0.005)
        os.set_blocking(descriptor, True)
        self.writer = os.fdopen(descriptor, "wb", buffering=1 << 20)
        return self.writer

    def _load(self) -> None:
        """Bulk-load the pipe. `lenient`: the N-Quads are our own, every IRI already checked
        where it was made (`node_iri`, `safe_iri`), so the loader skips checking them again.
        No `flush()` after it: the loader writes finished files straight into the store, and
        a flush with many of them waits for RocksDB to compact them all (a 160k-paper store:
        142 s, on one core)."""
        try:
            self.store.bulk_load(path=str(self.pipe), format=ox.RdfFormat.N_QUADS, lenient=True)
        except BaseException as error:  # reported by __exit__ (the writer sees a broken pipe)
            self.error = error

    def __exit__(self, kind, value, traceback) -> None:
        try:
            self.writer.close()
        except BrokenPipeError:
            pass
        self.thread.join()
        del self.store
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.error is not None and kind in (None, BrokenPipeError):
            raise self.error


def _timer():
    """A function returning the seconds since its last call."""
    last = [time.perf_counter()]

    def lap() -> float:
        now = time.perf_counter()
        seconds, last[0] = now - last[0], now
        return round(seconds, 2)

    return lap
