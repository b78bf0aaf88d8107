"""Every output of a build written from walks of its graph (`kg.graph.stream`): the
statements (N-Quads piped into the Oxigraph store's bulk loader, Turtle into `graph.ttl`,
N-Triples), and the property-graph outputs (the Ladybug store, GraphML, the Neo4j CSVs and
the page), the two groups walked at the same time by two processes where there are two
cores. No writer holds the graph."""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.engine.buildfolder import pause_for_tests
from kg.export.delta import (
    earlier_paper_items,
    statement_delta,
    write_graphml_by_delta,
    write_ladybug_by_delta,
    write_neo4j_csv_by_delta,
    write_statement_files_by_delta,
    write_store_by_delta,
)
from kg.export.graphml import GraphmlSink
from kg.export.html import PageSink
from kg.export.neo4j_files import Neo4jCsvSink
from kg.export.page_delta import VIEWS, keep_views, update_page
from kg.export.ranges import ranges_path, write_ranges
from kg.export.rdf import DEFAULT_BASE, NQuadsSink
from kg.graph.delta import (
    DIGESTS,
    Digests,
    DigestSink,
    is_paper_unit,
    read_digests,
    walk_code,
    write_digests,
)
from kg.graph.stream import BuildWalk, ChangedWalk, Walk
from kg.io import atomic_path, die_with_parent, temp_prefix, without_gc
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
                  ntriples: str | Path | None = None, split: bool | None = None,
                  neo4j_csv_final: str | Path | None = None,
                  previous: str | Path | None = None, changed: ChangedWalk | None = None,
                  records: str | Path | None = None) -> Written:
    """Write graph.ttl, graph.graphml, graph.html, store.oxigraph, store.lbdb and the unit
    digests (`kg.graph.delta`) into `out` (and the neo4j-admin CSVs into `neo4j_csv`,
    N-Triples into `ntriples`), each atomically; `neo4j_csv_final`: where the CSVs will be
    after the build's switch (named in import.args). The Oxigraph store bulk-loads the
    N-Quads from a pipe in a second thread while the walk goes on (its loader runs in Rust,
    without the GIL). `split` (the default where processes can fork and there are two cores
    or more): the property-graph outputs (Ladybug, GraphML, page, CSVs) are written by a
    forked process from its own walk, at the same time, so no core waits for the other's
    part; else one walk feeds every writer.

    `previous`: the build this one updates. Where it kept its digests (same base IRI, the
    same statement files), the statement outputs are its own changed by delta
    (`kg.export.delta`) when the change is small beside the build (`delta_share()`).
    `changed`: the part of `walk` the update can have changed (`BuildWalk.changed_part`):
    the statements' side digests only that, and so does the property-graph side where the
    previous build kept its page's facts (`kg.export.page_delta`), else it walks the whole
    graph, which gives the counts. `records`: the build's records file (whose facts the page
    keeps, `views.state`)."""
    out = Path(out)
    written = Written()
    lap = _timer()
    split = _can_fork() if split is None else split
    before = _delta_base(previous, base, ntriples)
    with ExitStack() as stack:
        ladybug_path = stack.enter_context(atomic_path(out / CYPHER_STORE))

        def graph_sinks(page: bool = True, stores: bool = True, csv: bool = True) -> list:
            """`stores`: the Ladybug store and GraphML too, `csv`: the Neo4j CSVs where asked
            for (else they are changed by delta)."""
            return [*([LadybugSink(ladybug_path, walk.type_of),
                       GraphmlSink(out / "graph.graphml", ranges=True)]
                      if stores else []),
                    *([PageSink(out / "graph.html", title, list(walk.index), records=records)]
                      if page else []),
                    *([Neo4jCsvSink(neo4j_csv, walk.type_of, neo4j_csv_final)]
                      if neo4j_csv is not None and csv else [])]

        def graph_outputs(before_close=None) -> tuple[dict, Written | None]:
            """The property-graph outputs: by delta where the statements are (then with the
            whole graph's counts)."""
            if before is None:
                return _feed(walk, graph_sinks(), before_close=before_close)[0], None
            return _graph_outputs_by_delta(walk, out, title, Path(previous), before, base,
                                           graph_sinks, neo4j_csv, neo4j_csv_final, before_close,
                                           part if part is not walk else None, records,
                                           ladybug_path if ladybug_with_page else None)

        part = (changed if changed is not None and before is not None
                and before.code == walk_code() else walk)  # else every paper may differ
        # the Ladybug delta goes to the side with less to do: the page's where the page is
        # drawn from what changed (the previous build kept its views) and the text files are
        # copied line by line (no ranges kept); else the statements' side (a 1M-paper update
        # with kept ranges: 21 s of statement outputs and 14 s of Ladybug there, against 34 s
        # of page)
        ladybug_with_page = part is not walk and (Path(previous) / VIEWS).is_file() and not all(
            ranges_path(Path(previous) / name).is_file() for name in ("graph.ttl", "graph.graphml"))
        # forked before this process opens any output or starts the loader thread
        other = stack.enter_context(_ForkedWriter(graph_outputs)) if split else None
        digests = DigestSink(base, before, _limit(before), partial=part is not walk)
        counts = None
        if before is not None:  # one walk digests the graph (or its changed part); then
            seconds, (now,) = _feed(part, [digests], Written(), name="walk")  # the statements
            written.seconds.update(seconds)
            lap()
            if _small(digests.delta, now):
                # GraphML here, not with the other property-graph outputs: a copy of byte
                # ranges, like the Turtle's, it evens the two processes' work (a 1M-paper
                # update waited 70 s). The text files' deltas, mostly kernel copies (11 GB at
                # 1M papers, bound by the disk), run in threads beside the stores' deltas
                # the changed earlier papers' previous items: their statements in the store
                # and their relationships in the Ladybug store change where they differ
                earlier = _earlier(previous, walk, part, records, digests.delta)
                written.seconds["earlier papers' items"] = lap()
                change = statement_delta(digests.delta, walk, base, before.agents, now.agents,
                                         earlier)
                written.seconds["delta statements"] = lap()
                with ThreadPoolExecutor(2, thread_name_prefix="kg-delta") as pool:
                    files = pool.submit(write_statement_files_by_delta, Path(previous), out,
                                        change, base, Path(ntriples) if ntriples else None)
                    graphml = pool.submit(_timed, write_graphml_by_delta,
                                          Path(previous) / "graph.graphml",
                                          out / "graph.graphml", digests.delta)
                    write_store_by_delta(Path(previous), out, change, SPARQL_STORE)
                    written.seconds["oxigraph delta"] = lap()
                    pause_for_tests("delta")
                    if not ladybug_with_page:
                        write_ladybug_by_delta(Path(previous) / CYPHER_STORE, ladybug_path,
                                               digests.delta, walk.type_of, earlier)
                        written.seconds["Ladybug delta"] = lap()
                    written.seconds.update(files.result())
                    written.seconds["GraphML delta"] = graphml.result()
                    written.seconds["waiting for the text files"] = lap()
            else:
                written.seconds["statements (the change was too large for a delta)"] = (
                    _write_statements(walk, out, base, ntriples, stack, [], Written()))
            if not split:
                seconds, counts = graph_outputs()
                written.seconds.update(seconds)
        else:
            now = _write_statements(walk, out, base, ntriples, stack,
                                    [digests, *([] if split else graph_sinks())], written)
        write_digests(out / DIGESTS, now)
        lap()
        if other is not None:
            seconds, counts = other.wait()
            written.seconds.update(seconds)
            written.seconds["waiting for the other process"] = lap()
        if counts is not None:  # the whole graph's, from the property-graph side's walk
            written.nodes, written.edges = counts.nodes, counts.edges
    return written


def _graph_outputs_by_delta(walk: BuildWalk, out: Path, title: str, previous: Path,
                            before: Digests, base: str, graph_sinks, neo4j_csv, neo4j_csv_final,
                            before_close=None, changed: ChangedWalk | None = None,
                            records: str | Path | None = None,
                            ladybug_path: Path | None = None) -> tuple[dict, Written]:
    """The page, from what changed (`kg.export.page_delta`) or from a walk of the whole graph
    (it draws the build's most linked part), with the graph's node and edge counts; the Neo4j
    CSVs by delta (`kg.export.delta`) where the change is small (GraphML, and the Ladybug store
    unless `ladybug_path` says to change it here, are then changed by the statements' side);
    the rest (the CSVs where a changed row does not fit the previous columns, or all, when the
    change is large) from a second walk. Returns the seconds and the counts."""
    lap = _timer()
    counted = Written()
    done = None
    if changed is not None and records is not None:
        digests = DigestSink(base, before, _limit(before), partial=True)
        done = update_page(walk, changed, previous, Path(records), out / "graph.html", title,
                           [digests])
    if done is not None:  # the changed part only
        seconds = {"changed part and page (property graph)": lap()}
        if before_close is not None:
            before_close()
        now = digests.close()
        counted.nodes, counted.edges = done.nodes, done.edges
        keep_views(out / VIEWS, done.facts, records)
        seconds["views kept"] = lap()
    else:  # the whole graph
        digests = DigestSink(base, before, _limit(before))
        page = PageSink(out / "graph.html", title, list(walk.index), records=records)
        seconds, (now, _) = _feed(walk, [digests, page], counted, before_close=before_close,
                                  name="walk (property graph)")
    lap()
    small = _small(digests.delta, now)
    if small and ladybug_path is not None:
        write_ladybug_by_delta(previous / CYPHER_STORE, ladybug_path, digests.delta, walk.type_of,
                               _earlier(previous, walk, changed, records, digests.delta))
        seconds["Ladybug delta"] = lap()
    if small and neo4j_csv is not None and (previous / Path(neo4j_csv).name).is_dir() and (
            write_neo4j_csv_by_delta(previous / Path(neo4j_csv).name, Path(neo4j_csv),
                                     digests.delta, walk.type_of, neo4j_csv_final)):
        seconds["Neo4j CSV delta"] = lap()
        neo4j_csv = None
    if full := graph_sinks(page=False, stores=not small, csv=neo4j_csv is not None):
        seconds.update(_feed(walk, full, before_close=before_close)[0])
    return seconds, counted


def _earlier(previous, walk: BuildWalk, changed, records, delta) -> dict | None:
    """The previous items of the changed earlier papers (`earlier_paper_items`), where the
    update walked only what changed; else None (each such paper is written again)."""
    if not isinstance(changed, ChangedWalk) or records is None:
        return None
    return earlier_paper_items(Path(previous), walk, changed, Path(records),
                               {unit for unit in delta.previous if is_paper_unit(unit)})


DELTA_SHARE = 0.2  # of the build's units, changed or gone, up to which an update is a delta


def delta_share() -> float:
    """`DELTA_SHARE`, or the environment's KG_DELTA_SHARE (1 makes every update a delta, 0
    none)."""
    return float(os.environ.get("KG_DELTA_SHARE", DELTA_SHARE))


DELTA_UNITS = 100_000  # changed units held in memory at most (each process holds its own)


def _limit(before: Digests | None) -> int | None:
    """The changed units a `DigestSink` keeps items for: a delta share of the previous build,
    at most `DELTA_UNITS`."""
    return None if before is None else min(int(delta_share() * len(before.units)), DELTA_UNITS)


def _small(delta, now: Digests) -> bool:
    """Whether the outputs are changed by `delta` (else written again)."""
    return not delta.too_large and delta.size() <= delta_share() * len(now.units)


def _delta_base(previous: str | Path | None, base: str, ntriples) -> Digests | None:
    """The previous build's digests, where its statement outputs can be changed by delta."""
    if previous is None:
        return None
    previous = Path(previous)
    digests = read_digests(previous / DIGESTS)
    if (digests is None or digests.base != base or not (previous / "graph.ttl").is_file()
            or not (previous / SPARQL_STORE).is_dir() or not (previous / CYPHER_STORE).is_file()
            or not (previous / "graph.graphml").is_file()
            or (ntriples is not None and not (previous / Path(ntriples).name).is_file())):
        return None
    return digests


def _write_statements(walk: BuildWalk, out: Path, base: str, ntriples, stack: ExitStack,
                      others: list, written: Written):
    """Walk the graph into the statement outputs (and `others`, sinks fed by the same walk);
    returns the first of `others`' closing values, or the seconds taken where there is none."""
    started, lap = time.perf_counter(), _timer()
    sparql_path = stack.enter_context(atomic_path(out / SPARQL_STORE, directory=True))
    with ExitStack() as files:
        turtle = files.enter_context(_binary_output(out / "graph.ttl"))
        triples = files.enter_context(_binary_output(ntriples)) if ntriples else None
        nquads = files.enter_context(StoreLoader(sparql_path))
        statements = NQuadsSink(nquads, walk, base, turtle=turtle, ntriples=triples)
        seconds, closed = _feed(walk, [statements, *others], written)
        lap()
    ranges = statements.ranges()  # kept for the next update's copies (`kg.export.ranges`)
    write_ranges(out / "graph.ttl", [ranges["turtle"]])
    if ntriples:
        write_ranges(ntriples, [ranges["ntriples"]])
    written.seconds.update(seconds)
    written.seconds["oxigraph"] = lap()  # what the loader still had to do after the walk
    written.statements = closed[0]
    return closed[1] if others else round(time.perf_counter() - started, 2)


def _feed(walk: Walk, sinks: list, written: Written | None = None,
          before_close=None, name: str | None = None) -> tuple[dict, list]:
    """Walk once, giving each item to every sink, then close them; returns the seconds of
    the walk and of each sink's close, and what each close returned. `written`: count nodes
    and edges there."""
    lap = _timer()
    adders = [sink.add for sink in sinks]
    with without_gc():  # the walk makes many short-lived acyclic objects: no cycles to find
        for node, data, out_edges in walk:
            if written is not None:
                written.nodes[data["type"]] += 1
                for _, _, edge in out_edges:
                    written.edges[edge["type"]] += 1
            for add in adders:
                add(node, data, out_edges)
    seconds = {name or ("walk" if written is not None else "walk (property graph)"): lap()}
    if before_close is not None:
        before_close()
    closed = []
    for sink in sinks:
        closed.append(sink.close())
        seconds[type(sink).__name__] = lap()
    return seconds, closed


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1


class _ForkedWriter:
    """Runs `job(before_close)` (it writes outputs from its own walk of the graph) in a forked
    process (it inherits the walk and its index, nothing pickled); `wait` returns its seconds
    or raises its error. Leaving the block on an error stops it."""

    def __init__(self, job) -> None:
        self.job = job
        self.parent = os.getpid()

    def __enter__(self) -> _ForkedWriter:
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=self._run, args=(sender,), name="kg-graph-outputs",
                                       daemon=True)
        self.process.start()
        sender.close()
        return self

    def _run(self, sender) -> None:
        die_with_parent()  # a killed build takes its writer with it
        if os.getppid() != self.parent:  # died before the line above took effect
            os._exit(1)
        try:
            pause_for_tests("graph-outputs")
            seconds = self.job(before_close=self._parent_alive)
            sender.send(("done", seconds))
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
            try:
                sender.send(("failed", error))
            except Exception:  # an error that cannot be pickled: its text
                sender.send(("failed", RuntimeError(f"{type(error).__name__}: {error}")))

    def _parent_alive(self) -> None:
        """Before the sinks put their files in place: stop if the build is gone."""
        if os.getppid() != self.parent:
            os._exit(1)

    def wait(self) -> dict:
        try:
            outcome, value = self.receiver.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError("the process writing the property-graph outputs stopped "
                               f"(exit code {self.process.exitcode})") from None
        self.process.join()
        if outcome == "failed":
            raise value
        return value

    def __exit__(self, kind, value, traceback) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receiver.close()


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
        self.folder = Path(tempfile.mkdtemp(prefix=f".kg-nquads-{temp_prefix()}",
                                            dir=self.path.parent))
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


def _timed(function, *args) -> float:
    """The seconds `function(*args)` took."""
    started = time.perf_counter()
    function(*args)
    return round(time.perf_counter() - started, 2)


def _timer():
    """A function returning the seconds since its last call."""
    last = [time.perf_counter()]

    def lap() -> float:
        now = time.perf_counter()
        seconds, last[0] = now - last[0], now
        return round(seconds, 2)

    return lap
