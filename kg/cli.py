"""The `kg` command line. It parses arguments and calls `kg.api`; nothing else lives here."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

EXIT_CODES = ("Exit codes: 0 done; 1 --strict and records were rejected; 2 usage or "
              "environment error (bad option, missing input, unwritable or full output, "
              "service down), one line on stderr; 70 internal error (a bug: the traceback is "
              "saved to a file named on stderr, or printed with KG_DEBUG=1); 130 interrupted "
              "(SIGINT, Ctrl-C); 143 terminated (SIGTERM). A build stopped by any of these "
              "leaves the previous build in its folder as it was.")
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Build a knowledge graph of ML papers: methods, datasets, metrics, tasks, "
                       "code links and results.", epilog=EXIT_CODES)
console = Console(stderr=True)

Inputs = Annotated[list[str], typer.Argument(
    help="Input files (listing text, JSON, JSONL, CSV, arXiv Atom, BibTeX); - for stdin.")]
OutDir = Annotated[Path, typer.Argument(help="A folder written by `kg build`.")]
QueryText = Annotated[str | None, typer.Argument(help="The query text (or use --file).")]
QueryFile = Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a file.")]
OutputFormat = Annotated[str, typer.Option("--format", help="table, csv, tsv or json.")]


class Failure(Exception):
    """An error to report in one line, with an exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("papers"), TimeElapsedColumn(), console=console,
                    disable=not console.is_terminal)


@app.command()
def build(
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Input files (listing text, JSONL, CSV); - for stdin.", show_default=False)] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("out"),
    processes: Annotated[int, typer.Option("--processes", "-p", min=1)] = 1,
    strict: Annotated[bool, typer.Option(help="Fail (exit 1) if any record is rejected.")] = False,
    keep_generic: Annotated[bool, typer.Option(
        "--keep-generic", help="Keep generic phrases (deep learning, encoder network) as "
        "entity nodes, marked generic; by default they stay mentions only.")] = False,
    base_iri: Annotated[str, typer.Option(help="Base of resource IRIs.")] = "https://w3id.org/kg/resource/",
    update: Annotated[Path | None, typer.Option(
        "--update", metavar="OUT", help="Add the inputs to the build in OUT, reusing its "
        "extractions and changing its outputs by delta where the change is small (no inputs: "
        "relink only, e.g. after editing the aliases file).")] = None,
    aliases: Annotated[Path | None, typer.Option(
        "--aliases", help="Aliases YAML (merge, keep_apart, rename), applied to this build "
        "and kept for later updates.")] = None,
    neo4j: Annotated[bool, typer.Option(
        "--neo4j", help="Also load the graph into Neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, "
        "NEO4J_DATABASE).")] = False,
    engine: Annotated[str, typer.Option(
        "--engine", help="Where extraction runs: local (--processes workers) or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler address (--engine dask); "
        "none: start a LocalCluster.")] = None,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Papers per extraction batch; finished batches are kept "
        "in OUT/.work, so an interrupted build resumes.")] = 256,
    exports: Annotated[list[str] | None, typer.Option(
        "--export", metavar="FORMAT", help="Also write nt (OUT/graph.nt) or neo4j-csv "
        "(OUT/neo4j-import) from the same walk of the graph; repeat for both.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Write into a non-empty folder that is not a kg build (its files are "
        "kept; kg never deletes a file it did not write).")] = False,
) -> None:
    """Read, extract, link and write the graph, its stores and its page into OUT.

    OUT must be new, empty or an earlier kg build (OUT/.kg-build.json names the files kg
    wrote; only those are ever replaced). The new build is written beside OUT and replaces the
    previous one in one step: stopped at any moment (Ctrl-C, kill), OUT still holds the
    previous build, and the same command run again resumes. One build at a time writes a
    folder: a second one waits for the first, naming its process."""
    from kg.api import KEPT_STEP
    from kg.api import build as run_build

    if not inputs and update is None:
        raise Failure("give one or more input files (or --update OUT)")
    out = update if update is not None else out
    if neo4j:  # a server that is down or refuses the login fails here, before extraction
        from kg.export.neo4j_bolt import Neo4jSettings, connect

        with connect(Neo4jSettings.from_env()):
            pass
    with _progress() as progress:
        task = progress.add_task("extracting", total=None)
        result = run_build(inputs or [], out=out, processes=processes, base_iri=base_iri,
                           on_paper=lambda: progress.advance(task),
                           update=update is not None, aliases=aliases, engine=engine,
                           scheduler=scheduler, batch_size=batch_size, exports=exports or (),
                           force=force, keep_generic=keep_generic,
                           on_wait=lambda pid: _say_waiting(out, pid))
    summary = result.summary
    table = Table(title=f"kg build → {out}", show_header=False)
    table.add_row("papers read", str(summary.papers_read))
    table.add_row("papers in graph", str(summary.papers_in_graph))
    table.add_row("rejected", f"{summary.rejected} (of which duplicates: {summary.duplicates})"
                  + (f", see {out / 'rejects.jsonl'}" if summary.rejected else ""))
    for kind, count in summary.entities.items():
        table.add_row(f"nodes: {kind}", str(count))
    for kind, count in summary.edges.items():
        table.add_row(f"edges: {kind}", str(count))
    if summary.changes:  # an update: what it did to the previous build's entities
        from kg.link.changes import describe

        table.add_row("entities changed", describe(summary.changes))
    if KEPT_STEP in summary.steps:
        table.add_row("outputs", "kept as they were: no new paper, and this kg made the build")
    table.add_row("files", ", ".join(summary.files))
    table.add_row("seconds", f"{summary.seconds:.1f}")
    Console().print(table)
    if neo4j:
        from kg.export.neo4j_bolt import Neo4jSettings

        _print_neo4j_load(result.to_neo4j(), Neo4jSettings.from_env())
    real_rejects = summary.rejected - summary.duplicates
    if strict and real_rejects:
        raise Failure(f"--strict: {real_rejects} record(s) rejected, see {out / 'rejects.jsonl'}", 1)


def _say_waiting(out: Path, pid: int | None) -> None:
    holder = f"process {pid}" if pid else "another process"
    console.print(f"kg: {out} is being built by {holder}; waiting for it to finish",
                  soft_wrap=True)


@app.command()
def extract(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="Extractions (JSON Lines).")] = Path("extractions.jsonl"),
    rejects: Annotated[Path | None, typer.Option(help="Rejects report; default beside OUTPUT.")] = None,
    processes: Annotated[int, typer.Option("--processes", "-p", min=1)] = 1,
    strict: Annotated[bool, typer.Option(help="Fail (exit 1) if any record is rejected.")] = False,
    keep_generic: Annotated[bool, typer.Option(
        "--keep-generic", help="Keep generic phrases (deep learning, encoder network) as "
        "entity nodes, marked generic; by default they stay mentions only.")] = False,
) -> None:
    """Write one extraction record (mentions, entities, links, results) per paper."""
    from kg.api import ensure_writable, write_jsonl
    from kg.api import extract as run_extract
    from kg.sources import check_inputs

    check_inputs(inputs)
    rejects = rejects or output.with_name("rejects.jsonl")
    _refuse_overwriting_inputs(inputs, {"--output": output, "--rejects": rejects})
    ensure_writable(output.parent if str(output.parent) else Path("."))
    found: list = []
    with _progress() as progress:
        task = progress.add_task("extracting", total=None)
        count = write_jsonl(output, run_extract(inputs, processes=processes, rejects=found,
                                                keep_generic=keep_generic,
                                                on_paper=lambda: progress.advance(task)))
    write_jsonl(rejects, (r.to_dict() for r in found))
    console.print(f"{count} papers → {output}; {len(found)} rejected → {rejects}", soft_wrap=True)
    if strict and any(not r.reason.startswith("duplicate of") for r in found):
        raise Failure(f"--strict: records rejected, see {rejects}", 1)


def _refuse_overwriting_inputs(inputs: list[str], outputs: dict[str, Path]) -> None:
    """An output that is one of the inputs would overwrite it: refuse."""
    given = {Path(i).resolve(): i for i in inputs if i != "-"}
    for option, path in outputs.items():
        if (found := given.get(path.resolve())) is not None:
            raise Failure(f"{option} {path} is the input {found}: writing it would overwrite "
                          f"the input; choose another file")


# a build's own files, besides those its marker and summary.json list (kg.engine.buildfolder)
BUILD_NAMES = frozenset({".kg-build.json", ".kg-lock", ".work", "summary.json",
                         "extractions.jsonl", "rejects.jsonl", "entities.jsonl", "aliases.yaml"})


def _build_names(out: Path) -> set[str]:
    """The names in the build folder `out` that belong to its build (read without importing
    kg.engine, which a view does not need)."""
    names = set(BUILD_NAMES)
    for listing in (".kg-build.json", "summary.json"):
        try:
            listed = json.loads((out / listing).read_text(encoding="utf-8")).get("files")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(listed, list):
            names.update(str(name) for name in listed)
    return names


def _refuse_output_in_build(out: Path, output: Path | None,
                            allowed: frozenset[str] = frozenset()) -> None:
    """A command that reads the build in `out` must not write its output over one of that
    build's files (`kg export out -o out/summary.json` left a build no reader could open);
    `allowed` are the names the command writes there by default."""
    if output is None:
        return
    build, target = out.resolve(), output.resolve()
    if target == build:
        raise Failure(f"--output {output} is the build folder {out}: choose a file or folder "
                      f"outside it, or a new name in it")
    if build not in target.parents:
        return
    name = target.relative_to(build).parts[0]
    if name not in allowed and name in _build_names(build):
        raise Failure(f"--output {output} is one of the files of the build in {out}, which this "
                      f"command reads: writing it would break the build; choose another file")


def _query_text(query: str | None, file: Path | None) -> str:
    if file is not None:
        if not file.is_file():
            raise Failure(f"query file not found: {file}")
        return file.read_text(encoding="utf-8")
    if not query:
        raise Failure("give a query, or --file with one")
    return query


def print_rows(columns: list[str], rows: list[list], fmt: str) -> None:
    """Query rows in a --format (the value conventions of `kg.query.formats`)."""
    from rich.text import Text

    from kg.query.formats import cell_text, delimited_rows, json_rows

    if fmt == "json":
        print(json_rows(columns, rows))
    elif fmt in ("csv", "tsv"):
        sys.stdout.write(delimited_rows(columns, rows, "," if fmt == "csv" else "\t"))
    elif fmt == "table":
        table = Table(*columns)
        for row in rows:
            table.add_row(*(Text(cell_text(v)) for v in row))  # values as text, not markup
        Console().print(table)
        console.print(f"{len(rows)} row(s)")
    else:
        raise Failure(f"unknown --format {fmt!r}: use table, csv, tsv or json")


SPARQL_FORMATS = ("table", "csv", "tsv", "json", "ttl", "nt")


@app.command()
def sparql(out: OutDir, query: QueryText = None, file: QueryFile = None,
           fmt: Annotated[str, typer.Option("--format", help="table, csv, tsv or json (W3C "
                                            "SPARQL 1.1 results formats); ttl or nt for "
                                            "CONSTRUCT and DESCRIBE.")] = "table",
           allow_service: Annotated[bool, typer.Option(
               "--allow-service", help="Allow SERVICE clauses, which query other SPARQL "
               "endpoints over the network (refused by default).")] = False) -> None:
    """Run a SPARQL query on the build's embedded store (prefixes kg, schema, dcterms, skos,
    rdfs, xsd, mls, oa, prov are predeclared). csv, tsv and json are the W3C SPARQL 1.1
    results formats (tsv writes RDF terms in N-Triples syntax); CONSTRUCT and DESCRIBE write
    Turtle (ttl) or N-Triples (nt). A query with a SERVICE clause is refused unless
    --allow-service."""
    from kg.query.sparql import sparql_rows, write_sparql_results

    if fmt not in SPARQL_FORMATS:
        raise Failure(f"unknown --format {fmt!r}: use {', '.join(SPARQL_FORMATS)}")
    text = _query_text(query, file)
    if write_sparql_results(out, text, fmt, sys.stdout.buffer, allow_service):
        sys.stdout.buffer.flush()
        return
    print_rows(*sparql_rows(out, text, allow_service, exact=True), fmt)


@app.command()
def optimize(out: OutDir) -> None:
    """Compact the build's SPARQL store, for faster queries on a large build (the build
    leaves it as the bulk loader wrote it; compacting takes minutes per 100k papers)."""
    from kg.query.sparql import optimize_store

    started = time.perf_counter()
    optimize_store(out)
    console.print(f"compacted {out / 'store.oxigraph'} in {time.perf_counter() - started:.1f} s",
                  soft_wrap=True)


@app.command()
def export(
    out: OutDir,
    fmt: Annotated[str, typer.Option("--format", help="nt, ttl, nq, trig, jsonld or xml; "
                                     "neo4j-csv (neo4j-admin import files) or cypher (a script).")] = "ttl",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout; "
                                                "for neo4j-csv a folder, default OUT/neo4j-import).")] = None,
    base_iri: Annotated[str | None, typer.Option(help="Base of resource IRIs (default: the build's).")] = None,
) -> None:
    """Write the build's graph as RDF; nq and trig keep one named graph per paper."""
    from kg.api import BUILD_EXPORTS, load
    from kg.export.rdf import DEFAULT_BASE, FORMATS, serialize_rdf, write_rdf
    from kg.query.sparql import stored_base_iri

    if fmt in ("neo4j-csv", "cypher"):
        _check_build(out)
        _refuse_output_in_build(out, output, allowed=frozenset(BUILD_EXPORTS.values()))
        _export_neo4j(load(out).walk(), fmt,  # streamed from the build's files
                      output or (out / BUILD_EXPORTS[fmt] if fmt == "neo4j-csv" else None))
        return
    if fmt not in FORMATS:
        raise Failure(f"unknown --format {fmt!r}: use {', '.join(FORMATS)}")
    _check_build(out)
    _refuse_output_in_build(out, output, allowed=frozenset(BUILD_EXPORTS.values()))
    graph = load(out).walk()  # streamed from the build's files, paper by paper
    base = base_iri or stored_base_iri(out) or DEFAULT_BASE
    if output is None:
        serialize_rdf(graph, sys.stdout.buffer, fmt, base)
        sys.stdout.buffer.flush()
        return
    count = write_rdf(graph, output, fmt, base)
    console.print(f"{count} statements → {output}", soft_wrap=True)


def _export_neo4j(graph, fmt: str, output: Path | None) -> None:
    from kg.export.neo4j_files import write_cypher_script, write_neo4j_csv

    if fmt == "cypher":
        if output is None:
            write_cypher_script(graph, sys.stdout)
            return
        count = write_cypher_script(graph, output)
        console.print(f"{count} statements → {output} (run: cypher-shell -f {output})", soft_wrap=True)
        return
    written = write_neo4j_csv(graph, output)
    console.print(f"{written['nodes']} nodes, {written['relationships']} relationships → {output}; "
                  f"import (server stopped): neo4j-admin database import full DATABASE "
                  f"@{output / 'import.args'}", soft_wrap=True)


Neo4jUri = Annotated[str | None, typer.Option("--uri", help="Bolt URI (default: NEO4J_URI, else "
                                              "bolt://localhost:7687).", show_default=False)]
Neo4jUser = Annotated[str | None, typer.Option("--user", help="User (default: NEO4J_USER, else neo4j).",
                                               show_default=False)]
Neo4jPassword = Annotated[str | None, typer.Option(
    "--password", help="Password (default: NEO4J_PASSWORD; prefer the variable).", show_default=False)]
Neo4jDatabase = Annotated[str | None, typer.Option(
    "--database", help="Database (default: NEO4J_DATABASE, else the server's default).",
    show_default=False)]


@app.command()
def cypher(out: OutDir, query: QueryText = None, file: QueryFile = None,
           fmt: OutputFormat = "table",
           neo4j: Annotated[str | None, typer.Option(
               "--neo4j", metavar="URI", help="Query this Neo4j server (bolt:// or neo4j://) "
               "instead of the build's store.",
               show_default=False)] = None,
           embedded: Annotated[bool, typer.Option(
               "--embedded", help="Query the build's Ladybug store even when NEO4J_URI is set.")] = False,
           write: Annotated[bool, typer.Option(
               "--write", help="Allow writes (CREATE, MERGE, SET, DELETE ...) on Neo4j; the "
               "build's store is always read-only.")] = False,
           user: Neo4jUser = None, password: Neo4jPassword = None, database: Neo4jDatabase = None) -> None:
    """Run a read-only Cypher query on the build's embedded Ladybug store, or on Neo4j: with
    --neo4j URI, or when NEO4J_URI is set (unless --embedded). Queries only read the graph:
    file access (LOAD FROM, LOAD CSV, COPY ... TO/FROM, INSTALL/LOAD EXTENSION, ATTACH,
    EXPORT/IMPORT DATABASE) is refused everywhere, and so are writes, except on Neo4j with
    --write (otherwise the query runs in a READ transaction). CALL runs only the store's
    catalogue functions (SHOW_TABLES, TABLE_INFO ...) or Neo4j's built-in db.* procedures;
    one statement per query."""
    from kg.query.cypher import cypher_engine, cypher_rows, neo4j_cypher_rows

    text = _query_text(query, file)
    uri = cypher_engine(neo4j, embedded)
    if uri is None:
        if write:
            raise Failure("--write is for Neo4j: the build's Cypher store is read-only "
                          "(kg build writes it)")
        print_rows(*cypher_rows(out, text), fmt)
        return
    from kg.export.neo4j_bolt import Neo4jSettings

    settings = Neo4jSettings.from_env(uri, user, password, database)
    if neo4j is None:
        console.print(f"querying Neo4j at {settings.where} (NEO4J_URI is set; --embedded for "
                      f"{out / 'store.lbdb'})", soft_wrap=True, style="dim")
    print_rows(*neo4j_cypher_rows(settings, text, write=write), fmt)


neo4j_app = typer.Typer(no_args_is_help=True, help="Load a build into a Neo4j server.")
app.add_typer(neo4j_app, name="neo4j")


@neo4j_app.command("load")
def neo4j_load(out: OutDir, uri: Neo4jUri = None, user: Neo4jUser = None,
               password: Neo4jPassword = None, database: Neo4jDatabase = None,
               batch_size: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 5_000,
               keep_stale: Annotated[bool, typer.Option(
                   "--keep-stale", help="Keep graph nodes and relationships the build no longer "
                   "has (default: delete them, so the database holds the build).")] = False,
               transactions: Annotated[int, typer.Option(
                   "--transactions", min=1, help="Transactions in flight at once.")] = 3,
               bulk: Annotated[bool, typer.Option(
                   "--bulk", help="First load of a big build: neo4j-admin database import of the "
                   "build's CSVs into an empty database, the server of scripts/neo4j-server "
                   "stopped meanwhile and started again.")] = False,
               replace: Annotated[bool, typer.Option(
                   "--replace", help="With --bulk: replace a database that is not empty.")] = False,
               ) -> None:
    """Merge the build's nodes and relationships into Neo4j (idempotent: loading again
    changes nothing; a bigger build adds only what is new)."""
    from kg.api import BUILD_EXPORTS, load
    from kg.export.neo4j_bolt import Neo4jSettings, load_graph

    _check_build(out)
    settings = Neo4jSettings.from_env(uri, user, password, database)
    if bulk:
        from kg.export.neo4j_admin import bulk_load

        csv = out / BUILD_EXPORTS["neo4j-csv"]  # written by this build, if it was asked for
        counts = bulk_load(load(out).walk(), settings, replace=replace,
                           csv_directory=csv if (csv / "import.args").is_file() else None)
        console.print(f"imported {counts['nodes']} nodes, {counts['relationships']} relationships "
                      f"into {settings.where} with neo4j-admin in {counts['import_seconds']:.1f} s "
                      f"(server stopped and started again)", soft_wrap=True)
        return
    if replace:
        raise typer.BadParameter("--replace goes with --bulk", param_hint="--replace")
    _print_neo4j_load(load_graph(load(out).walk(), settings, batch_size=batch_size,
                                 prune=not keep_stale, workers=transactions), settings)


def _print_neo4j_load(counts: dict, settings) -> None:
    console.print(f"sent {counts['nodes_sent']} nodes, {counts['relationships_sent']} relationships "
                  f"to {settings.where} in {counts['seconds']:.1f} s; it now holds "
                  f"{counts['nodes']} nodes, {counts['relationships']} relationships", soft_wrap=True)


@app.command()
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Annotated JSON Lines (the format of ../shared/data).")],
    labels: Annotated[str, typer.Option(help="Comma-separated labels to score.")] = "Method,Dataset,Metric,Task",
    processes: Annotated[int, typer.Option("--processes", "-p", min=1)] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    extractions: Annotated[Path | None, typer.Option(
        "--extractions", help="Score saved extraction records (JSON Lines with the gold ids, as "
        "scripts/extract_records.py writes them) instead of running the extractor.")] = None,
) -> None:
    """Score extraction against annotated abstracts or sentences: exact and overlapping spans,
    per label, and document-level entity sets, each with a 95% bootstrap interval (documents
    resampled 1,000 times, fixed seed). TDMSci sentences: --labels Task,Dataset,Metric."""
    from kg.evaluate import evaluate as run_evaluate
    from kg.evaluate import read_extractions, read_gold

    for path in [*gold, *([extractions] if extractions else [])]:
        if not path.is_file():
            raise Failure(f"file not found: {path}")
    try:
        records = [record for path in gold for record in read_gold(path)]
        saved = read_extractions(extractions) if extractions else None
        scores = run_evaluate(records, [label.strip() for label in labels.split(",")], processes,
                              extractions=saved)
    except (ValueError, KeyError) as error:
        raise Failure(f"cannot score: {error}") from None
    result = scores.to_dict()
    if as_json:
        print(json.dumps(result, indent=1))
        return
    table = Table("match", "label", "precision", "recall", "F1", "tp", "fp", "fn",
                  "P CI", "R CI", "F1 CI",
                  title=f"{scores.documents} documents; CI: 95% bootstrap interval")
    for kind in ("exact", "overlap", "document"):
        for label, row in result[kind].items():
            ci = row.get("ci", {})
            table.add_row(kind, label, *(f"{row[k]:.3f}" for k in ("precision", "recall", "f1")),
                          *(str(row[k]) for k in ("tp", "fp", "fn")),
                          *(f"{ci[k][0]:.3f}-{ci[k][1]:.3f}".replace("0.", ".") if k in ci else ""
                            for k in ("precision", "recall", "f1")),
                          style="bold" if label == "micro" else None)
    Console().print(table)


def _check_build(out: Path) -> None:
    from kg.api import require_build

    require_build(out)


def _check_view_build(out: Path) -> None:
    """`_check_build` for the views, which read the stores: without importing `kg.api`."""
    from kg.views.store import ViewError, require_build

    try:
        require_build(out)
    except ViewError as error:
        raise Failure(str(error)) from None


@app.command()
def entities(
    out: OutDir,
    suspects: Annotated[bool, typer.Option(
        "--suspects", help="List likely duplicates not merged and low-confidence merges.")] = False,
    label: Annotated[str | None, typer.Option("--type", help="Only Method, Dataset, Metric or Task.")] = None,
    fmt: OutputFormat = "table",
) -> None:
    """List the build's entities by type, with aliases and paper counts (or, with --suspects,
    the merges to review; answer them in an aliases file and rebuild with --aliases)."""
    from kg.api import entities as all_entities
    from kg.api import suspects as all_suspects

    _check_build(out)
    if suspects:
        found = all_suspects(out)
        columns = ["kind", "entities", "names", "reason", "confidence", "papers"]
        rows = [[s["kind"], " | ".join(s["entities"]), " | ".join(s["names"]), s["reason"],
                 s["confidence"], s["papers"]] for s in found
                if label is None or any(e.startswith(label.lower() + "/") for e in s["entities"])]
        print_rows(columns, rows, fmt)
        return
    columns = ["type", "name", "id", "papers", "mentions", "aliases", "catalogue_id"]
    rows = [[e.label, e.name, e.id, e.papers, e.mentions,
             e.aliases if fmt == "json" else "; ".join(e.aliases), e.catalogue_id]
            for e in all_entities(out) if label is None or e.label.lower() == label.lower()]
    print_rows(columns, rows, fmt)


@app.command()
def stats(
    out: OutDir,
    top: Annotated[int, typer.Option(min=1, help="How many top entities per type.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as JSON.")] = False,
) -> None:
    """Counts by type, top entities by papers, degree distribution, connected components."""
    from kg.api import stats as graph_stats

    _check_build(out)
    result = graph_stats(out, top=top)
    if as_json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    counts = Table("nodes", "count", "edges", "count", title=f"kg stats {out}")
    nodes, edges = list(result["nodes"].items()), list(result["edges"].items())
    for i in range(max(len(nodes), len(edges))):
        node, edge = nodes[i] if i < len(nodes) else ("", ""), edges[i] if i < len(edges) else ("", "")
        counts.add_row(node[0], str(node[1]), edge[0], str(edge[1]))
    Console().print(counts)
    top_table = Table("type", "entity", "papers", "mentions", title="top entities by papers")
    for node_type, items in result["top_entities"].items():
        for item in items:
            top_table.add_row(node_type, item["name"], str(item["papers"]), str(item["mentions"]))
    Console().print(top_table)
    from kg.graph.stats import degree_bins

    seen = {b for counts_ in result["degree_distribution"].values() for b in counts_}
    bins = [b for b in degree_bins() if b in seen]
    degree_table = Table("type", *bins, title="degree distribution (nodes per degree)")
    for node_type, counts_ in result["degree_distribution"].items():
        degree_table.add_row(node_type, *(str(counts_.get(b, "")) for b in bins))
    Console().print(degree_table)
    parts = result["components"]
    Console().print(f"connected components: {parts['count']}; largest: {parts['largest']} nodes "
                    f"({parts['largest_share']:.1%}); isolated nodes: {parts['isolated_nodes']}; "
                    f"mean degree {result['degree']['mean']}, max {result['degree']['max']}")


@app.command()
def html(
    out: OutDir,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Page to write (default OUT/graph.html, or OUT/graph-NAME.html "
                               "with --focus).")] = None,
    focus: Annotated[str | None, typer.Option(
        help="Draw only the nodes around the node with this name or alias.")] = None,
    depth: Annotated[int, typer.Option(min=1, help="Steps from the --focus node.")] = 2,
    max_nodes: Annotated[int | None, typer.Option(
        "--max-nodes", min=1, help="Keep the N most connected entities and their papers.")] = None,
) -> None:
    """Write the interactive page of a build, or of the part of it around one node."""
    from kg.api import load
    from kg.export.html import FocusError, write_build_page
    from kg.link.canonical import slug

    _check_build(out)
    _refuse_output_in_build(out, output, allowed=frozenset({"graph.html"}))
    output = output or out / (f"graph-{slug(focus)}.html" if focus else "graph.html")
    title = f"kg: {focus} (depth {depth})" if focus else f"kg: {out.resolve().name}"
    try:
        drawn = write_build_page(load(out).walk(), output, title=title, focus=focus, depth=depth,
                                 max_nodes=max_nodes)
    except FocusError as error:
        raise Failure(str(error)) from None
    console.print(f"{drawn.number_of_nodes()} nodes, {drawn.number_of_edges()} edges → {output}",
                  soft_wrap=True)


LEADERBOARD_FORMATS = ("table", "csv", "json", "md")


@app.command()
def leaderboard(
    out: OutDir,
    dataset: Annotated[str | None, typer.Option(
        "--dataset", help="Only this dataset (a name or alias).")] = None,
    task: Annotated[str | None, typer.Option(
        "--task", help="The results of the papers that address this task.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or md.")] = "table",
) -> None:
    """Results per dataset (or task), grouped by metric, best first in the metric's direction
    (higher is better unless it is an error, loss, perplexity, latency, time or size), with
    the paper, date and sentence of each."""
    from kg.views.leaderboard import leaderboard as results_leaderboard
    from kg.views.store import ViewError
    from kg.views.text import json_records, leaderboard_markdown

    if fmt not in LEADERBOARD_FORMATS:
        raise Failure(f"unknown --format {fmt!r}: use {', '.join(LEADERBOARD_FORMATS)}")
    if dataset is not None and task is not None:
        raise Failure("give --dataset or --task, not both")
    _check_view_build(out)
    try:
        frame = results_leaderboard(out, dataset=dataset, task=task)
    except ViewError as error:
        raise Failure(str(error)) from None
    left_out = frame.attrs.get("results_without_dataset", 0)
    if left_out:
        console.print(f"{left_out} result(s) not tied to a dataset are not shown "
                      f"(--task NAME shows a task's results with or without one)", soft_wrap=True,
                      markup=False)
    if frame.empty:
        console.print("no results" + (f" on {frame.attrs['dataset']}" if dataset else "")
                      + (f" by papers on {frame.attrs['task']}" if task else "") + " in this build",
                      soft_wrap=True, markup=False)
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        print(json_records(frame))
    elif fmt == "md":
        if not frame.empty:
            sys.stdout.write(leaderboard_markdown(frame))
    else:
        _print_leaderboards(frame)


def _print_leaderboards(frame) -> None:
    from rich.text import Text

    from kg.views.text import LEADERBOARD_SHOWN, group_title, leaderboard_groups, missing

    for dataset, metric, unit, direction, rows in leaderboard_groups(frame):
        table = Table(*LEADERBOARD_SHOWN, title=Text(group_title(dataset, metric, unit, direction)))
        for row in rows[LEADERBOARD_SHOWN].itertuples(index=False):
            table.add_row(*(Text("" if missing(v) else str(v)) for v in row))  # names as text
        Console().print(table)


@app.command()
def trends(
    out: OutDir,
    entity_type: Annotated[str, typer.Option(
        "--type", help="Method, Dataset, Task or Metric.")] = "Method",
    top: Annotated[int, typer.Option("--top", min=1, help="How many entities to rank and draw.")] = 10,
    by: Annotated[str | None, typer.Option(
        "--by", help="year or month (default: month when the papers span under 3 years).")] = None,
    min_papers: Annotated[int, typer.Option(
        "--min-papers", min=1, help="Dated papers an entity needs to be judged rising or falling.")] = 3,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the chart (.png, .svg) or the table (.csv).")] = None,
) -> None:
    """Entities ranked by papers, papers per period and each entity's share of them, and which
    rise or fall; -o draws the line chart or writes the table."""
    from rich.table import Column
    from rich.text import Text

    from kg.views.charts import CHART_FORMATS, share_table, write_trends
    from kg.views.store import ViewError
    from kg.views.trends import movers
    from kg.views.trends import trends as entity_trends

    types = {name.lower(): name for name in ("Method", "Dataset", "Task", "Metric")}
    if entity_type.lower() not in types:
        raise Failure(f"unknown --type {entity_type!r}: use {', '.join(types.values())}")
    if by is not None and by not in ("year", "month"):
        raise Failure(f"unknown --by {by!r}: use year or month")
    if output is not None and output.suffix.lower().lstrip(".") not in (*CHART_FORMATS, "csv"):
        raise Failure(f"cannot write {output}: give a .png, .svg or .csv file")
    _check_view_build(out)
    _refuse_output_in_build(out, output)
    try:
        result = entity_trends(out, types[entity_type.lower()], top=top, by=by,
                               min_papers=min_papers)
    except ViewError as error:
        raise Failure(str(error)) from None
    attrs = result.periods.attrs
    stdout = Console()
    stdout.print(f"{attrs['papers']} papers, {attrs['dated']} dated by {attrs['by']}; "
                 f"{attrs['undated']} without a date, {attrs['unparseable']} with a date that "
                 f"cannot be placed (not in the periods below)", soft_wrap=True)
    judged = result.ranking["trend"].value_counts()
    tables = [(f"{attrs['type']} by papers", result.ranking.head(top))] + [
        (f"{trend}: the {top} that changed most ({judged.get(trend, 0)} in all)",
         movers(result.ranking, trend, top)) for trend in ("rising", "falling")]
    for title, rows in tables:
        ranking = Table("rank", "name", "papers", "share", "earlier share", "recent share",
                        "trend", title=title)
        for row in rows.itertuples():
            ranking.add_row(str(row.rank), Text(row.name), str(row.papers), _percent(row.share),
                            _percent(row.former_share), _percent(row.latter_share), row.trend)
        stdout.print(ranking)
    stdout.print(f"trend: {attrs['rule']}", soft_wrap=True)
    periods = share_table(result, list(result.ranking["name"].head(min(top, 5))))
    table = Table(*(Column(header=Text(str(name))) for name in periods.columns),
                  title=f"papers per {attrs['by']}, and the top {attrs['type'].lower()}s' "
                        f"papers (share)")
    for row in periods.itertuples(index=False):
        table.add_row(*(Text(str(v)) for v in row))
    stdout.print(table)
    if output is not None:
        try:
            write_trends(result, output)
        except OSError as error:
            raise Failure(f"cannot write {output}: {error.strerror or error}") from None
        console.print(f"→ {output}", soft_wrap=True, markup=False)


REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


@app.command()
def report(
    out: OutDir,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="File to write (default report.html or report.md).")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="html (one self-contained page) or md (default: from -o, else "
                         "html).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Entities per ranking.")] = 10,
    rows: Annotated[int, typer.Option("--rows", min=1, help="Results per leaderboard.")] = 10,
) -> None:
    """What the build holds, the entities its last --update added, rankings by papers,
    leaderboards and trend charts, in one file to mail or put on a web page (no script, no
    external resource)."""
    from kg.views.report import REPORT_FORMATS, write_report
    from kg.views.store import ViewError

    fmt = fmt or (REPORT_SUFFIXES.get(output.suffix.lower(), "html") if output else "html")
    if fmt not in REPORT_FORMATS:
        raise Failure(f"unknown --format {fmt!r}: use {', '.join(REPORT_FORMATS)}")
    output = output or Path(f"report.{fmt}")
    if output.is_dir():
        raise Failure(f"cannot write {output}: it is a folder")
    _check_view_build(out)
    _refuse_output_in_build(out, output)
    try:
        write_report(out, output, fmt, top=top, rows=rows)
    except ViewError as error:
        raise Failure(str(error)) from None
    except OSError as error:
        raise Failure(f"cannot write {output}: {error.strerror or error}") from None
    console.print(f"→ {output}", soft_wrap=True, markup=False)


def _percent(value) -> str:
    from kg.views.text import missing

    return "" if missing(value) else f"{value:.1%}"


fetch_app = typer.Typer(no_args_is_help=True, help="Download paper listings to build from "
                        "(polite: spaced requests, retries).")
app.add_typer(fetch_app, name="fetch")
FetchOut = Annotated[Path, typer.Option("-o", "--output", help="File to write.")]


def _check_writable_file(output: Path) -> None:
    """Fail before a slow download, not after it, when its file cannot be written."""
    from kg.api import ensure_writable

    if output.is_dir():
        raise Failure(f"cannot write {output}: it is a folder")
    ensure_writable(output.parent if str(output.parent) else Path("."))


@fetch_app.command("arxiv")
def fetch_arxiv_command(
    query: Annotated[str, typer.Option("--query", "-q", help="arXiv search, e.g. 'cat:cs.CL AND ti:bert'.")],
    max_results: Annotated[int, typer.Option("--max", min=1, help="How many papers, newest first.")] = 100,
    output: FetchOut = Path("arxiv.atom"),
    base_url: Annotated[str, typer.Option(hidden=True)] = "https://export.arxiv.org/api/query",
) -> None:
    """Search the arXiv API; writes one Atom feed for `kg build`."""
    from kg.sources.fetch import FetchError, fetch_arxiv

    _check_writable_file(output)
    try:
        count = fetch_arxiv(query, max_results, output, base_url=base_url)
    except FetchError as error:
        raise Failure(str(error)) from None
    console.print(f"{count} papers written to {output}")


@fetch_app.command("hf-daily")
def fetch_hf_daily_command(
    date: Annotated[str, typer.Option("--date", help="The day, YYYY-MM-DD.")],
    output: FetchOut = Path("daily-papers.json"),
    base_url: Annotated[str, typer.Option(hidden=True)] = "https://huggingface.co/api/daily_papers",
) -> None:
    """Hugging Face daily papers of one day; writes their JSON for `kg build`."""
    from kg.sources.fetch import FetchError, fetch_hf_daily

    _check_writable_file(output)
    try:
        count = fetch_hf_daily(date, output, base_url=base_url)
    except FetchError as error:
        raise Failure(str(error)) from None
    console.print(f"{count} papers written to {output}")


class Terminated(BaseException):
    """SIGTERM, raised in the main process so a build unwinds (its staging folder removed,
    the previous build left in place) instead of vanishing."""


def _raise_terminated(signum, frame) -> None:
    if os.getpid() != _MAIN_PID[0]:  # a forked worker: die as SIGTERM would
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    raise Terminated()


_MAIN_PID = [0]
INTERRUPTED = ("interrupted ({name}, exit {code}); a build stopped before its end leaves "
               "the previous one in place, and the same command resumes it")


def _one_line_errors() -> tuple[type, ...]:
    """The errors said in one line. Imported only when one is raised: their modules import the
    extraction pipeline (spaCy: seconds), which the views and queries never need."""
    from kg.api import OutputError
    from kg.engine import EngineError
    from kg.export.neo4j_bolt import Neo4jError
    from kg.export.rdf import BaseIriError
    from kg.link.aliases import AliasesError
    from kg.query.sparql import QueryError
    from kg.sources import InputError

    return (Failure, InputError, OutputError, QueryError, BaseIriError, AliasesError, Neo4jError,
            EngineError)


def main() -> None:
    """Entry point: every failure becomes one line on stderr and an exit code (`EXIT_CODES`)."""
    _MAIN_PID[0] = os.getpid()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also where started with it ignored
    signal.signal(signal.SIGTERM, _raise_terminated)
    if hasattr(signal, "SIGXFSZ"):  # a file-size limit: an error to report, not a silent death
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        code = app(standalone_mode=False)  # typer returns 130 for a KeyboardInterrupt
        if isinstance(code, int) and code:
            if code == 130:
                _fail(INTERRUPTED.format(name="SIGINT", code=130), 130)
            sys.exit(code)
    except Failure as error:
        _fail(" ".join(str(error).split()), error.code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt) as error:
        terminated = isinstance(error.__context__, Terminated)
        _fail(INTERRUPTED.format(name="SIGTERM" if terminated else "SIGINT",
                                 code=143 if terminated else 130), 143 if terminated else 130)
    except Terminated:
        _fail(INTERRUPTED.format(name="SIGTERM", code=143), 143)
    except OSError as error:  # the environment: a full disk, a path too long, no permission
        _fail(_os_error_line(error), 2)
    except Exception as error:
        if isinstance(error, _one_line_errors()):  # none is an OSError or one of typer's
            _fail(" ".join(str(error).split()), getattr(error, "code", 2))
        if isinstance(error, _click_exceptions()):  # usage errors: exit 2
            error.show()
            sys.exit(error.exit_code)
        if (cause := _os_error_in(error)) is not None:  # e.g. a store's write on a full disk
            _fail(_os_error_line(cause), 2)
        _internal_error(error)


def _click_exceptions() -> tuple[type, ...]:
    """Click's usage errors: typer's own copy of click, and click where installed."""
    found = []
    try:
        from typer._click.exceptions import ClickException
        found.append(ClickException)
    except ImportError:
        pass
    try:
        from click import ClickException
        found.append(ClickException)
    except ImportError:
        pass
    return tuple(found)


def _fail(message: str, code: int) -> None:
    print(f"kg: {message}" if message.startswith("interrupted") else f"kg: error: {message}",
          file=sys.stderr)
    sys.exit(code)


# what the stores (Rust, C++) say where a write failed: an environment error, not a bug
_DISK_ERRORS = {"No space left on device": 28, "Disk quota exceeded": 122, "File too large": 27,
                "IO exception": 5}


def _os_error_in(error: BaseException) -> OSError | None:
    """The OSError behind an error a library raised, also one it gave only as text (the
    stores report a full disk as their own error)."""
    seen = error
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        for text, number in _DISK_ERRORS.items():
            if text.lower() in str(seen).lower():
                said = " ".join(str(seen).split())
                return OSError(number, f"{os.strerror(number)}: {said[:240]}")
        seen = seen.__cause__ or seen.__context__
    return None


def _os_error_line(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    if len(where) > 200:
        where = f" ({str(error.filename)[:80]}…, {len(str(error.filename))} characters)"
    reason = error.strerror or str(error)
    return f"{reason}{where}; the previous outputs are unchanged"


def _internal_error(error: BaseException) -> None:
    """A bug: one line saying where the traceback is and where to report it; exit 70. With
    KG_DEBUG=1 the traceback is printed instead of saved."""
    import tempfile
    import traceback

    if os.environ.get("KG_DEBUG", "") not in ("", "0"):
        traceback.print_exception(error)
        print(f"kg: internal error (exit 70); {REPORT_TO}", file=sys.stderr)
        sys.exit(70)
    try:
        with tempfile.NamedTemporaryFile("w", prefix="kg-crash-", suffix=".txt", delete=False,
                                         encoding="utf-8") as handle:
            handle.write(f"kg {' '.join(sys.argv[1:])}\n\n")
            traceback.print_exception(error, file=handle)
        saved = f"traceback in {handle.name}"
    except OSError:
        saved = "run again with KG_DEBUG=1 for the traceback"
    message = " ".join(f"{type(error).__name__}: {error}".split())[:300]
    print(f"kg: internal error: {message} ({saved}); {REPORT_TO}", file=sys.stderr)
    sys.exit(70)


REPORT_TO = "this is a bug in kg: please report it on the kg issue tracker with that traceback"


if __name__ == "__main__":
    main()
