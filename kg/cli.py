"""The `kg` command line. It parses arguments and calls `kg.api`; nothing else lives here."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Build a knowledge graph of ML papers: methods, datasets, metrics, tasks, "
                       "code links and results.")
console = Console(stderr=True)

Inputs = Annotated[list[str], typer.Argument(help="Input files (listing text, JSONL, CSV); - for stdin.")]
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
    inputs: Inputs,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("out"),
    processes: Annotated[int, typer.Option("--processes", "-p", min=1)] = 1,
    strict: Annotated[bool, typer.Option(help="Fail (exit 1) if any record is rejected.")] = False,
    base_iri: Annotated[str, typer.Option(help="Base of resource IRIs.")] = "https://w3id.org/kg/resource/",
) -> None:
    """Read, extract, link and write the graph, its stores and its page into OUT."""
    from kg.api import build as run_build

    with _progress() as progress:
        task = progress.add_task("extracting", total=None)
        result = run_build(inputs, out=out, processes=processes, base_iri=base_iri,
                           on_paper=lambda: progress.advance(task))
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
    table.add_row("files", ", ".join(summary.files))
    table.add_row("seconds", f"{summary.seconds:.1f}")
    Console().print(table)
    real_rejects = summary.rejected - summary.duplicates
    if strict and real_rejects:
        raise Failure(f"--strict: {real_rejects} record(s) rejected, see {out / 'rejects.jsonl'}", 1)


@app.command()
def extract(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("-o", "--output", help="Extractions (JSON Lines).")] = Path("extractions.jsonl"),
    rejects: Annotated[Path | None, typer.Option(help="Rejects report; default beside OUTPUT.")] = None,
    processes: Annotated[int, typer.Option("--processes", "-p", min=1)] = 1,
    strict: Annotated[bool, typer.Option(help="Fail (exit 1) if any record is rejected.")] = False,
) -> None:
    """Write one extraction record (mentions, entities, links, results) per paper."""
    from kg.api import ensure_writable, extract as run_extract, write_jsonl
    from kg.sources import check_inputs

    check_inputs(inputs)
    ensure_writable(output.parent if str(output.parent) else Path("."))
    found: list = []
    with _progress() as progress:
        task = progress.add_task("extracting", total=None)
        count = write_jsonl(output, run_extract(inputs, processes=processes, rejects=found,
                                                on_paper=lambda: progress.advance(task)))
    rejects = rejects or output.with_name("rejects.jsonl")
    write_jsonl(rejects, (r.to_dict() for r in found))
    console.print(f"{count} papers → {output}; {len(found)} rejected → {rejects}", soft_wrap=True)
    if strict and any(not r.reason.startswith("duplicate of") for r in found):
        raise Failure(f"--strict: records rejected, see {rejects}", 1)


def _query_text(query: str | None, file: Path | None) -> str:
    if file is not None:
        if not file.is_file():
            raise Failure(f"query file not found: {file}")
        return file.read_text(encoding="utf-8")
    if not query:
        raise Failure("give a query, or --file with one")
    return query


def print_rows(columns: list[str], rows: list[list], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=1))
    elif fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        sys.stdout.write(buffer.getvalue())
    elif fmt == "table":
        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
        console.print(f"{len(rows)} row(s)")
    else:
        raise Failure(f"unknown --format {fmt!r}: use table, csv, tsv or json")


@app.command()
def sparql(out: OutDir, query: QueryText = None, file: QueryFile = None,
           fmt: OutputFormat = "table") -> None:
    """Run a SPARQL query on the build's embedded store (prefixes kg, schema, dcterms, skos
    are predeclared)."""
    from kg.query.sparql import sparql_rows

    print_rows(*sparql_rows(out, _query_text(query, file)), fmt)


@app.command()
def cypher(out: OutDir, query: QueryText = None, file: QueryFile = None,
           fmt: OutputFormat = "table") -> None:
    """Run a Cypher query on the build's embedded Ladybug store."""
    from kg.query.cypher import cypher_rows

    print_rows(*cypher_rows(out, _query_text(query, file)), fmt)


@app.command()
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Annotated JSON Lines (the format of ../shared/data).")],
    labels: Annotated[str, typer.Option(help="Comma-separated labels to score.")] = "Method,Dataset,Metric,Task",
    processes: Annotated[int, typer.Option("--processes", "-p", min=1)] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score extraction against annotated abstracts: exact and overlapping spans, per label,
    and document-level entity sets."""
    from kg.evaluate import evaluate as run_evaluate, read_gold

    for path in gold:
        if not path.is_file():
            raise Failure(f"gold file not found: {path}")
    records = [record for path in gold for record in read_gold(path)]
    scores = run_evaluate(records, [label.strip() for label in labels.split(",")], processes)
    result = scores.to_dict()
    if as_json:
        print(json.dumps(result, indent=1))
        return
    table = Table("match", "label", "precision", "recall", "F1", "tp", "fp", "fn",
                  title=f"{scores.documents} documents")
    for kind in ("exact", "overlap", "document"):
        for label, row in result[kind].items():
            table.add_row(kind, label, *(f"{row[k]:.3f}" for k in ("precision", "recall", "f1")),
                          *(str(row[k]) for k in ("tp", "fp", "fn")),
                          style="bold" if label == "micro" else None)
    Console().print(table)


def main() -> None:
    """Entry point: known failures become one line on stderr and exit code 2 (or 1)."""
    from kg.api import OutputError
    from kg.query.sparql import QueryError
    from kg.sources import InputError

    try:
        app(standalone_mode=False)
    except (Failure, InputError, OutputError, QueryError) as error:
        print(f"kg: error: {' '.join(str(error).split())}", file=sys.stderr)
        sys.exit(getattr(error, "code", 2))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        console.print("kg: aborted")
        sys.exit(130)
    except Exception as error:  # click's usage errors
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        raise
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
