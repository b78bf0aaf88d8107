"""The Python API, mirroring the CLI: build a graph, then query or draw it.

    >>> import kg
    >>> result = kg.build(["examples/hf-daily-papers.txt"], out="out")
    >>> result.graph.number_of_nodes()
    >>> result.sparql("SELECT ?t WHERE { ?p dcterms:title ?t }")      # a pandas DataFrame
    >>> result.cypher("MATCH (p:Paper)-[:PROPOSES]->(m:Method) RETURN p.title, m.name")
    >>> result.html()                                                 # inline in Jupyter
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path

import networkx as nx

from kg.engine import DEFAULT_BATCH_SIZE, WorkFolder, finished_lines, run_extraction
from kg.engine.buildfolder import (
    MARKER,
    OutputError,
    Staging,
    build_folder,
    check_inputs_outside,
    check_output,
    marker_made_with,
    pause_for_tests,
    write_marker,
)
from kg.engine.identities import STATE as IDENTITIES
from kg.engine.identities import KnownPapers
from kg.engine.made_with import made_with
from kg.engine.records import ExtractionsFile
from kg.export.outputs import write_outputs
from kg.export.page_delta import VIEWS
from kg.export.ranges import SUFFIX as RANGES
from kg.export.rdf import DEFAULT_BASE, check_base_iri
from kg.extract.paper import promote_generic, promote_generic_lines
from kg.extract.pipeline import extract_papers
from kg.graph.delta import DIGESTS
from kg.graph.stream import SHARED, BuildWalk, shared_nodes, walk_graph
from kg.io import PrefixCopy, atomic_path, temp_prefix, write_lines
from kg.link.aliases import UserAliases, load_aliases
from kg.link.canonical import CanonicalIndex
from kg.link.changes import entity_changes, entity_keys, read_entity_keys, write_entity_keys
from kg.link.state import STATE, paper_evidence, write_state
from kg.query.cypher import cypher_rows
from kg.query.sparql import STORE_NAME as SPARQL_STORE
from kg.query.sparql import checkpoint_store, sparql_rows
from kg.records import Paper, Reject
from kg.sources import check_inputs, read_inputs, read_records
from kg.sources.dedup import deduplicate
from kg.views.previous import PREVIOUS_BUILD, record_previous_build

# formats `build(exports=...)` writes in the build's own walk, and where (`kg export`'s defaults)
BUILD_EXPORTS = {"nt": "graph.nt", "neo4j-csv": "neo4j-import"}
# the files every build writes, summary.json last (then the marker, MARKER)
BUILD_FILES = ["extractions.jsonl", "entities.jsonl", "rejects.jsonl", "graph.ttl", "graph.graphml",
               "graph.html", "store.oxigraph", "store.lbdb", DIGESTS, STATE, SHARED, IDENTITIES,
               VIEWS, *(name + RANGES for name in ("graph.ttl", "graph.graphml")), "summary.json"]


@dataclass
class Summary:
    papers_read: int = 0
    papers_in_graph: int = 0
    rejected: int = 0
    duplicates: int = 0
    entities: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    seconds: float = 0.0
    extracted_now: int = 0  # papers extracted by this run
    reused: int = 0  # papers whose finished batch an interrupted run left in OUT/.work
    steps: dict = field(default_factory=dict)  # seconds of each step after extraction
    changes: dict = field(default_factory=dict)  # an update's merges, splits (kg.link.changes)

    def to_dict(self) -> dict:
        return asdict(self)


def ensure_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".kg-write-test-"):
            pass
    except OSError as error:
        raise OutputError(f"cannot write to output folder {out}: {error.strerror}") from None


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    count = 0
    with atomic_path(path) as temp, open(temp, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_jsonl_file(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def extract(inputs: Iterable[str | os.PathLike] | None = None, records: Iterable[dict] | None = None,
            processes: int = 1, on_paper: Callable[[], None] | None = None,
            rejects: list[Reject] | None = None, known: Iterable[dict] = (),
            keep_generic: bool = False) -> Iterable[dict]:
    """Extraction records for the papers in `inputs` (paths, `-` for stdin) or `records`;
    rejected inputs are appended to `rejects`; papers already in `known` records are repeats."""
    for record in extract_papers(input_papers(inputs, records, rejects, known), n_process=processes):
        if on_paper:
            on_paper()
        yield promote_generic(record) if keep_generic else record


def input_papers(inputs: Iterable[str | os.PathLike] | None = None,
                 records: Iterable[dict] | None = None, rejects: list[Reject] | None = None,
                 known: Iterable[dict] = ()) -> Iterator[Paper]:
    """The papers of `inputs` or `records`, read lazily, repeats and bad records going to
    `rejects`."""
    items = read_records(records) if records is not None else read_inputs(inputs or [])
    rejects = rejects if rejects is not None else []
    for item in deduplicate(items, known):
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            yield item


@dataclass
class Build:
    """A built graph and the folder holding its files and stores. `graph` (networkx) is
    assembled from the files on first use, so a large build never holds it unasked."""

    out: Path
    summary: Summary
    rejects: list[Reject]
    index: CanonicalIndex | None = None
    _graph: nx.MultiDiGraph | None = field(default=None, repr=False)

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            self._graph = walk_graph(self.walk())
        return self._graph

    def walk(self) -> BuildWalk:
        """The graph as a stream of nodes with their out-edges (`kg.graph.stream`), read
        from the build's files paper by paper."""
        extractions = ExtractionsFile(self.out / "extractions.jsonl")
        if self.index is None:
            self.index = CanonicalIndex(extractions.linking(), stored_aliases(self.out))
        return BuildWalk(extractions.by_id, self.index,
                         shared_nodes(extractions.path, kept=self.out / SHARED))

    def sparql(self, query: str, as_frame: bool = True, allow_service: bool = False):
        """SELECT/ASK/CONSTRUCT results; a SERVICE clause is refused unless `allow_service`."""
        return _rows(sparql_rows(self.out, query, allow_service), as_frame)

    def cypher(self, query: str, as_frame: bool = True):
        return _rows(cypher_rows(self.out, query), as_frame)

    def leaderboard(self, dataset: str | None = None, task: str | None = None):
        """Results per dataset (or the papers on a task), ranked per metric: a DataFrame
        (`kg.views.leaderboard.leaderboard`)."""
        from kg.views.leaderboard import leaderboard

        return leaderboard(self.out, dataset=dataset, task=task)

    def trends(self, entity_type: str = "Method", top: int = 10, by: str | None = None,
               min_papers: int = 3):
        """Papers per period, entities ranked with their trend, and the top entities' share
        per period: three DataFrames (`kg.views.trends.trends`); undated papers are counted
        in their `attrs`."""
        from kg.views.trends import trends

        return trends(self.out, entity_type, top=top, by=by, min_papers=min_papers)

    def report(self, output: str | os.PathLike | None = None, fmt: str = "html", top: int = 10,
               rows: int = 10) -> Path:
        """Write the report on this build (`kg.views.report`): one self-contained HTML page
        (`fmt="html"`) or Markdown (`"md"`), by default `report.html` or `report.md` in the
        current folder. Returns its path."""
        from kg.views.report import write_report

        return write_report(self.out, output or f"report.{fmt}", fmt, top=top, rows=rows)

    def to_rdflib(self):
        return to_rdflib(self.out)

    def to_neo4j(self, uri: str | None = None, user: str | None = None,
                 password: str | None = None, database: str | None = None) -> dict:
        """Merge the graph into a Neo4j server (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and
        NEO4J_DATABASE fill what is not given); returns the counts of `load_graph`."""
        from kg.export.neo4j_bolt import Neo4jSettings, load_graph

        return load_graph(self.walk(), Neo4jSettings.from_env(uri, user, password, database))

    def html(self, height: int = 700):
        """Display the page inline in Jupyter (IPython.display.IFrame of graph.html)."""
        from IPython.display import IFrame

        return IFrame(str(self.out / "graph.html"), width="100%", height=height)


def to_rdflib(out: str | Path):
    """The built graph as an rdflib Graph (parsed from OUT/graph.ttl)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(Path(out) / "graph.ttl", format="turtle")
    return graph


def _rows(result: tuple[list[str], list[list]], as_frame: bool):
    columns, rows = result
    if not as_frame:
        return columns, rows
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def build(inputs: Iterable[str | os.PathLike] | None = None, out: str | os.PathLike = "out",
          records: Iterable[dict] | None = None, processes: int = 1,
          base_iri: str = DEFAULT_BASE, on_paper: Callable[[], None] | None = None,
          update: bool = False, aliases: str | os.PathLike | None = None,
          engine: str = "local", scheduler: str | None = None,
          batch_size: int = DEFAULT_BATCH_SIZE, exports: Iterable[str] = (), force: bool = False,
          keep_generic: bool = False,
          on_wait: Callable[[int | None], None] | None = None) -> Build:
    """Read, extract, link and build; write every output file into `out`, each atomically.
    `update`: add the inputs to the build already in `out`, reusing its extractions (the
    graph equals a full build of all inputs). `aliases`: a user aliases file (merge, keep
    apart, rename), kept as `out/aliases.yaml` and reused by later updates. `engine`: `local`
    (`processes` worker processes) or `dask` (the cluster at `scheduler`, else a LocalCluster).
    Finished batches of `batch_size` papers are kept in `out/.work/` until the build is
    complete, so an interrupted build run again with the same arguments resumes. `exports`:
    also write these formats (`BUILD_EXPORTS`) from the same walk of the graph, as
    `kg export` would, without walking it again. `keep_generic`: generic phrases (`deep
    learning`, `encoder network`) become entity nodes too, marked `generic`; by default they
    stay mentions only (`kg.extract.worthiness`).

    `out` is kg's (`kg.engine.buildfolder`): a new or empty folder, or an earlier build; any
    other folder is refused unless `force`, and files kg did not write are never removed.
    The new build is written beside the previous one and replaces it in one step, so `out`
    holds one complete build at every moment. One build at a time writes `out`: the next
    waits (`on_wait(pid)` is told which process holds it)."""
    started = time.perf_counter()
    check_base_iri(base_iri)
    exports = list(dict.fromkeys(exports))
    if unknown := [fmt for fmt in exports if fmt not in BUILD_EXPORTS]:
        raise OutputError(f"cannot export {', '.join(unknown)} during the build: use "
                          f"{', '.join(BUILD_EXPORTS)} (other formats: kg export)")
    inputs = list(inputs or [])
    if records is None:
        check_inputs(inputs)
    out = Path(out)
    if update and not (out / "extractions.jsonl").is_file():
        raise OutputError(f"no build to update in {out}: extractions.jsonl not found")
    with build_folder(out, on_wait):
        previous, rejects = read_previous_build(out) if update else ([], [])
        user_aliases = load_aliases(aliases) if aliases else (
            stored_aliases(out) if update else None)
        files = BUILD_FILES + (["aliases.yaml"] if user_aliases else []) + [
            BUILD_EXPORTS[fmt] for fmt in exports] + [
            BUILD_EXPORTS[fmt] + RANGES for fmt in exports if fmt == "nt"] + (
            [PREVIOUS_BUILD] if update else [])
        owned = check_output(out, files, force)
        check_inputs_outside(inputs if records is None else (), out, owned | set(files))
        ensure_writable(out)
        with Staging(out) as staging:
            if update:  # what the build held before, for `kg report`'s new entities
                record_previous_build(out, staging.path / PREVIOUS_BUILD)
            result = _build_into(staging.path, out, inputs, records, previous, rejects,
                                 user_aliases, files, started, processes=processes,
                                 base_iri=base_iri, on_paper=on_paper, update=update,
                                 engine=engine, scheduler=scheduler, batch_size=batch_size,
                                 exports=exports, keep_generic=keep_generic)
            pause_for_tests("switch")
            staging.switch(owned, [*files, MARKER])
        WorkFolder(out).remove()  # kept until now, so a build interrupted while writing resumes too
    return result


def _build_into(stage: Path, out: Path, inputs, records, previous, rejects: list[Reject],
                user_aliases: UserAliases | None, files: list[str], started: float,
                processes: int, base_iri: str, on_paper, update: bool, engine: str,
                scheduler: str | None, batch_size: int, exports: list[str],
                keep_generic: bool = False) -> Build:
    """Extract into `out`'s work folder and write every file of the build into `stage`."""
    work = WorkFolder(out)
    previous_rejects = len(rejects)
    # the build's papers by identity key: kept with it, or read from every record
    known = KnownPapers.read(previous.path, kept=out / IDENTITIES) if update else ()
    new_papers = input_papers(inputs, records, rejects, known)
    if update and not keep_generic:
        first = next(new_papers, None)
        if first is None and _same_build_again(out, work, files, base_iri, user_aliases):
            return _keep_build(stage, out, files, rejects, previous_rejects, started, base_iri)
        new_papers = chain(() if first is None else (first,), new_papers)
    before = previous_entity_keys(out) if update else None
    # an update's records file: the previous one, copied by the kernel into the stage in the
    # background (5.6 GB at 1M papers) while the new papers are extracted and indexed, which
    # read only the lines after it; the rest waits for the copy
    copied = stage / f".{temp_prefix()}extractions.jsonl"
    copy_previous = update and not keep_generic
    with PrefixCopy(previous.path, copied) if copy_previous else nullcontext() as prefix:
        run = run_extraction(new_papers, work, engine=engine,
                             processes=processes, batch_size=batch_size, scheduler=scheduler,
                             on_paper=on_paper)
        new = finished_lines(run, work)
        earlier = len(known) if update else 0  # the records before the new ones
        if keep_generic:  # generic entities become entities, marked generic (decoded only then)
            papers = write_lines(stage / "extractions.jsonl", promote_generic_lines(
                chain(previous.lines() if update else (), new)))
        else:  # an update's previous file copied whole, the new JSON lines after it
            papers = earlier + write_lines(stage / "extractions.jsonl", new,
                                           after=copied if update else None, take=True)
        del previous
        KnownPapers.read(stage / "extractions.jsonl", before=known if copy_previous
                         else None).write(stage / IDENTITIES)
        rejects = _without_repeated_rejects(rejects, previous_rejects)
        summary = Summary(extracted_now=run.extracted, reused=run.reused)
        write_jsonl(stage / "rejects.jsonl", (r.to_dict() for r in rejects))
        write_aliases(stage, user_aliases)
        linked = time.perf_counter()
        summary.steps["extraction"] = round(linked - started, 2)  # reading and writing included
        extractions = ExtractionsFile(stage / "extractions.jsonl")  # read from disk, not in memory
        # an update reads only its new papers' evidence into what the previous build kept
        evidence = paper_evidence(extractions, out / STATE if copy_previous else None,
                                  before_reading_all=prefix.wait if copy_previous else None)
        write_state(stage / STATE, evidence, extractions.path)
        index = CanonicalIndex(extractions.linking(), user_aliases, evidence=evidence)
        write_entity_keys(stage / "entities.jsonl", index)
        if before is not None:
            summary.changes = entity_changes(before, entity_keys(index))
        indexed = time.perf_counter()
        summary.steps["index"] = round(indexed - linked, 2)
        if copy_previous:
            prefix.wait()
            summary.steps[COPY_STEP] = round(time.perf_counter() - indexed, 2)
    shared = shared_nodes(extractions.path, kept=out / SHARED if update and not keep_generic else None,
                          keep=stage / SHARED)
    walk = BuildWalk(extractions.by_id, index, shared)
    # what the update can have changed: its new papers and those whose entities moved
    changed = (walk.changed_part(extractions.path, before, earlier)
               if before is not None and not keep_generic else None)  # (that rewrites records)
    pause_for_tests("outputs")
    written = write_outputs(
        walk, stage, base=base_iri, title=f"kg: {papers} paper{'' if papers == 1 else 's'}",
        ntriples=stage / BUILD_EXPORTS["nt"] if "nt" in exports else None,
        neo4j_csv=stage / BUILD_EXPORTS["neo4j-csv"] if "neo4j-csv" in exports else None,
        neo4j_csv_final=out.resolve() / BUILD_EXPORTS["neo4j-csv"],  # after the switch
        previous=out if update else None,  # its statement outputs, changed by delta
        changed=changed, records=extractions.path)
    summary.steps.update(written.seconds)
    types = Counter(written.nodes)
    summary.papers_in_graph = types.pop("Paper", 0)
    _count_rejects(summary, rejects)
    summary.entities = dict(sorted(types.items()))
    summary.edges = dict(sorted(written.edges.items()))
    summary.files = files
    summary.seconds = round(time.perf_counter() - started, 2)
    write_jsonl(stage / "summary.json", [summary.to_dict()])
    write_marker(stage, files, made_with(base_iri, out))
    return Build(out=out, summary=summary, rejects=rejects, index=index)


# what an update that keeps the previous build writes anew (the rest is linked), and its step
WRITTEN_AGAIN = frozenset({"rejects.jsonl", "summary.json", PREVIOUS_BUILD})
KEPT_STEP = "outputs kept (no new paper, same code)"
COPY_STEP = "previous records copied (waited for)"


def _same_build_again(out: Path, work: WorkFolder, files: list[str], base_iri: str,
                      user_aliases: UserAliases | None) -> bool:
    """Whether an update that adds no paper would write the build in `out` again as it is:
    the same code and libraries made it (`kg.engine.made_with`), with the same base IRI and
    aliases, in the same place, it holds every file this one would write, and no interrupted
    run left batches."""
    stored = stored_aliases(out)
    return (work.count() == 0 and marker_made_with(out) == made_with(base_iri, out)
            and (None if user_aliases is None else user_aliases.to_dict())
            == (None if stored is None else stored.to_dict())
            and all(os.path.lexists(out / name) for name in files if name not in WRITTEN_AGAIN)
            and (out / "summary.json").is_file())


def _keep_build(stage: Path, out: Path, files: list[str], rejects: list[Reject],
                previous_rejects: int, started: float, base_iri: str) -> Build:
    """The update of a build by nothing new (`_same_build_again`): its files go into the stage
    as hard links (the SPARQL store as a checkpoint), so nothing is copied or written again
    but the rejects (this run's added), the summary and the marker. An unchanged daily
    listing added to a 1M-paper build took 52 s when every output was written again."""
    for name in files:
        if name not in WRITTEN_AGAIN:
            _link(out / name, stage / name)
    linked = time.perf_counter()
    rejects = _without_repeated_rejects(rejects, previous_rejects)
    write_jsonl(stage / "rejects.jsonl", (r.to_dict() for r in rejects))
    summary = Summary(**json.loads((out / "summary.json").read_text(encoding="utf-8")))
    with open(out / "entities.jsonl", "rb") as handle:
        entities = sum(1 for _ in handle)
    summary.extracted_now = summary.reused = 0
    _count_rejects(summary, rejects)
    summary.changes = {**entity_changes({}, {}), "kept": entities}
    summary.files = files
    summary.steps = {"extraction": round(linked - started, 2),
                     KEPT_STEP: round(time.perf_counter() - linked, 2)}
    summary.seconds = round(time.perf_counter() - started, 2)
    write_jsonl(stage / "summary.json", [summary.to_dict()])
    write_marker(stage, files, made_with(base_iri, out))
    return Build(out=out, summary=summary, rejects=rejects)


def _count_rejects(summary: Summary, rejects: list[Reject]) -> None:
    """The summary's rejected, duplicates and papers read (its papers in the graph set)."""
    summary.rejected = len(rejects)
    summary.duplicates = sum(r.reason.startswith("duplicate of") for r in rejects)
    summary.papers_read = summary.papers_in_graph + summary.rejected


def _link(source: Path, target: Path) -> None:
    """`source` at `target` too, without copying its bytes: a hard link (a copy where the file
    system has none), a folder's files each so, the Oxigraph store as a RocksDB checkpoint
    (its files that change in place are copied)."""
    if source.name == SPARQL_STORE:
        checkpoint_store(source, target)
    elif source.is_dir():
        shutil.copytree(source, target, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _without_repeated_rejects(rejects: list[Reject], previous: int) -> list[Reject]:
    """The previous build's rejects (the first `previous`), then this run's, less any that
    repeats one of those (an input given again is rejected again for the same reason)."""
    seen = {(r.file, r.line, r.reason) for r in rejects[:previous]}
    kept = rejects[:previous]
    for reject in rejects[previous:]:
        if (reject.file, reject.line, reject.reason) not in seen:
            seen.add((reject.file, reject.line, reject.reason))
            kept.append(reject)
    return kept


def previous_entity_keys(out: Path) -> dict[str, tuple[str, ...]]:
    """The name keys of each entity of the build in `out`, to list what an update changes:
    from its entities.jsonl, else (a build from before that file) linked again."""
    if (out / "entities.jsonl").is_file():
        return read_entity_keys(out / "entities.jsonl")
    return entity_keys(CanonicalIndex(ExtractionsFile(out / "extractions.jsonl").linking(),
                                      stored_aliases(out)))


def require_build(out: Path) -> None:
    """Refuse a folder that holds no complete build (summary.json is a build's last file)."""
    if not (out / "extractions.jsonl").is_file():
        raise OutputError(f"no build at {out}: extractions.jsonl not found (run `kg build ... "
                          f"-o {out}` first)")
    if not (out / "summary.json").is_file():
        raise OutputError(f"no complete build at {out}: summary.json not found (an interrupted "
                          f"build? run `kg build ... -o {out}` again)")


def read_previous_build(out: Path) -> tuple[ExtractionsFile, list[Reject]]:
    """The extractions (read from disk when iterated) and rejects of the build in `out`, for
    `build(update=True)`."""
    if not (out / "extractions.jsonl").is_file():
        raise OutputError(f"no build to update in {out}: extractions.jsonl not found")
    rejects_file = out / "rejects.jsonl"
    rejects = [Reject(**r) for r in read_jsonl_file(rejects_file)] if rejects_file.is_file() else []
    return ExtractionsFile(out / "extractions.jsonl"), rejects


def stored_aliases(out: Path) -> UserAliases | None:
    """The aliases file a build in `out` was made with, if any."""
    return load_aliases(out / "aliases.yaml") if (out / "aliases.yaml").is_file() else None


def write_aliases(out: Path, aliases: UserAliases | None) -> None:
    """Keep the build's aliases as `out/aliases.yaml`; a build without one removes it."""
    import yaml

    if aliases is None:
        return
    with atomic_path(out / "aliases.yaml") as temp:
        Path(temp).write_text(yaml.safe_dump(aliases.to_dict(), allow_unicode=True, sort_keys=False),
                              encoding="utf-8")


def load(out: str | os.PathLike) -> Build:
    """Open an existing build folder (index relinked from its extractions and aliases file;
    the graph assembled when first asked for)."""
    out = Path(out)
    require_build(out)
    rejects = [Reject(**r) for r in read_jsonl_file(out / "rejects.jsonl")]
    summary = Summary(**json.loads((out / "summary.json").read_text()))
    extractions = ExtractionsFile(out / "extractions.jsonl")
    index = CanonicalIndex(extractions.linking(), stored_aliases(out),
                           evidence=paper_evidence(extractions, out / STATE))
    return Build(out=out, summary=summary, rejects=rejects, index=index)


def entities(out: str | os.PathLike) -> list:
    """The canonical entities of a build (`kg entities OUT`), by type and paper count."""
    return sorted(load(out).index, key=lambda e: (e.label, -e.papers, e.name.lower(), e.id))


def suspects(out: str | os.PathLike) -> list[dict]:
    """Likely duplicates not merged, and low-confidence merges (`kg entities OUT --suspects`)."""
    from kg.link.suspects import find_suspects

    return find_suspects(load(out).index)


def stats(out: str | os.PathLike, top: int = 10) -> dict:
    """Counts by type, top entities, degree distribution, components (`kg stats OUT`)."""
    from kg.graph.stats import graph_stats

    return graph_stats(load(out).walk(), top=top)
