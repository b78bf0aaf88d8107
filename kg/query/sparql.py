"""SPARQL on the embedded pyoxigraph store that `kg build` writes to `OUT/store.oxigraph`.

The store holds the same quads as the N-Quads export (one named graph per paper); queries see
the union of all graphs as their default graph, so they need no `GRAPH` clause. A query with
a `SERVICE` clause would make pyoxigraph call that endpoint over the network, which pyoxigraph
cannot turn off, so such a query is refused unless `allow_service=True`
(`kg sparql --allow-service`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import pyoxigraph as ox

from kg.export.rdf import DEFAULT_BASE, PREFIXES, VOID, nquads_stream
from kg.io import atomic_path

STORE_NAME = "store.oxigraph"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


class QueryError(Exception):
    """A query that the store rejected (syntax or a missing store), with its message."""


class ServiceRefused(QueryError):
    """A query with a SERVICE clause, which was not allowed."""


# Fallback for queries rdflib's parser does not know (SPARQL 1.2 triple terms, say): the
# SERVICE keyword outside comments, strings and IRIs, which one alternation skips whole (so a
# `#` or a quote inside a string or an IRI starts nothing)
_SPARQL_TOKENS = re.compile("|".join([
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'(?:[^'\\\n]|\\.)*'",
    r'"(?:[^"\\\n]|\\.)*"',
    r"<[^<>\"{}|^`\\\s]*>",
    r"#[^\n]*",
    r"(?<![\w:?$.-])(?P<service>service)(?![\w:-])",
]), re.IGNORECASE)


def has_service(query: str) -> bool:
    """Whether the query has a SERVICE clause anywhere (in subqueries, EXISTS, MINUS ...),
    from rdflib's SPARQL parser; where that parser fails, from the query's tokens."""
    from pyparsing import ParseException, ParseResults
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    def found(node) -> bool:
        if isinstance(node, CompValue):
            return node.name == "ServiceGraphPattern" or any(map(found, node.values()))
        if isinstance(node, (list, tuple, ParseResults)):
            return any(map(found, node))
        return False

    text = expandUnicodeEscapes(query)  # SPARQL allows \u escapes anywhere
    if "service" not in text.casefold():  # no such word: no need to parse
        return False
    try:
        return found(parseQuery(query))
    except (ParseException, RecursionError, ValueError, TypeError):
        return any(match.group("service") for match in _SPARQL_TOKENS.finditer(text))


def check_service(query: str, allow_service: bool) -> None:
    if not allow_service and has_service(query):
        raise ServiceRefused("the query has a SERVICE clause, which would query another "
                             "endpoint over the network: refused (allow it with "
                             "--allow-service, or allow_service=True)")


def write_sparql_store(graph: nx.MultiDiGraph, out: str | Path, base: str = DEFAULT_BASE) -> Path:
    """Bulk-load the graph's quads into a fresh store, swapped in atomically (as the build's
    `kg.export.outputs.StoreLoader` does: lenient, no flush)."""
    target = Path(out) / STORE_NAME
    with atomic_path(target, directory=True) as temp:
        store = ox.Store(str(temp))
        store.bulk_load(nquads_stream(graph, base), format=ox.RdfFormat.N_QUADS, lenient=True)
        del store
    return target


def open_store(out: str | Path) -> ox.Store:
    path = Path(out) / STORE_NAME
    if not path.is_dir():
        raise QueryError(f"no SPARQL store at {path}: run `kg build ... -o {out}` first")
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise QueryError(f"cannot open the SPARQL store at {path}: {error}") from None


def checkpoint_store(source: str | Path, target: str | Path) -> None:
    """A copy of the store at `source` made at `target` (a folder not there yet) as a RocksDB
    checkpoint: hard links to its files, so next to no bytes are copied."""
    store = ox.Store.read_only(str(source))
    store.backup(str(target))
    del store


def optimize_store(out: str | Path) -> None:
    """Compact the build's store: the bulk loader leaves one set of files per million quads
    as it wrote them, which every query must look through; compacting merges them. It takes
    time in proportion to the store (157 s for the 30M quads of 160k papers, on this machine)
    and made a join over the annotations of such a store 5× faster."""
    path = Path(out) / STORE_NAME
    if not path.is_dir():
        raise QueryError(f"no SPARQL store at {path}: run `kg build ... -o {out}` first")
    try:
        store = ox.Store(str(path))
    except OSError as error:
        raise QueryError(f"cannot open the SPARQL store at {path} for writing: {error}") from None
    store.optimize()
    del store


def run_query(out: str | Path, query: str, allow_service: bool = False):
    """The pyoxigraph result (QuerySolutions, QueryBoolean or QueryTriples) of a query. The
    prefixes of `kg.export.rdf.PREFIXES` (kg, schema, dcterms, skos, rdfs, xsd, mls, oa, prov,
    ...) are predeclared; a query's own PREFIX wins. A SERVICE clause is refused
    (`ServiceRefused`) unless `allow_service`. pyoxigraph evaluates lazily: what fails while
    the result is read (a SERVICE call, say) fails there, so read it inside `query_failures`."""
    check_service(query, allow_service)
    store = open_store(out)
    with query_failures():
        return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)


@contextmanager
def query_failures() -> Iterator[None]:
    """The store's and the SERVICE calls' errors, as one-line QueryErrors."""
    try:
        yield
    except SyntaxError as error:
        raise QueryError(f"SPARQL syntax error: {_one_line(error)}") from None
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryError(f"SPARQL query failed: {_one_line(error)}") from None


def _one_line(error: Exception, limit: int = 300) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[:limit] + " ..."


def sparql_rows(out: str | Path, query: str, allow_service: bool = False,
                exact: bool = False) -> tuple[list[str], list[list]]:
    """Run a query; returns (column names, rows of Python values): SELECT variables, `ask` for
    ASK, subject/predicate/object for CONSTRUCT and DESCRIBE. xsd:decimal values are floats,
    or with `exact` Decimals (`kg sparql` prints them as stored)."""
    result = run_query(out, query, allow_service)
    python = _exact_python if exact else _python
    with query_failures():
        if isinstance(result, ox.QueryBoolean):
            return ["ask"], [[bool(result)]]
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            return columns, [[python(solution[c]) for c in columns] for solution in result]
        return ["subject", "predicate", "object"], [
            [python(t.subject), python(t.predicate), python(t.object)] for t in result]


RESULTS_FORMATS = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                   "tsv": ox.QueryResultsFormat.TSV}
GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


def write_sparql_results(out: str | Path, query: str, fmt: str, output: BinaryIO,
                         allow_service: bool = False) -> bool:
    """Write a query's results to `output` in a standard format; False (nothing written) where
    its kind has none in `fmt` (a table, or CONSTRUCT as JSON: rows then, `sparql_rows`).

    SELECT and ASK: the W3C SPARQL 1.1 results formats, json, csv (values as plain text) and
    tsv (RDF terms in N-Triples/Turtle syntax: `<iri>`, `"text"@en`, `"300"^^xsd:decimal`).
    CONSTRUCT and DESCRIBE: ttl (Turtle, with kg's prefixes) or nt (N-Triples), or csv and tsv
    rows of subject, predicate, object written as the SELECT formats write terms."""
    if fmt not in RESULTS_FORMATS and fmt not in GRAPH_FORMATS:
        return False
    result = run_query(out, query, allow_service)
    with query_failures():
        if isinstance(result, ox.QueryTriples):
            if fmt in GRAPH_FORMATS:
                ox.serialize(result, output=output, format=GRAPH_FORMATS[fmt], prefixes=PREFIXES)
                return True
            if fmt == "json":
                return False
            output.write(_triple_rows(result, fmt).encode("utf-8"))
            return True
        if fmt in GRAPH_FORMATS:
            raise QueryError(f"--format {fmt} writes the graph of a CONSTRUCT or DESCRIBE "
                             f"query; for SELECT and ASK use table, csv, tsv or json")
        if isinstance(result, ox.QueryBoolean) and fmt != "json":  # `true` or `false`, one line
            output.write(b"true\n" if result else b"false\n")
            return True
        result.serialize(output=output, format=RESULTS_FORMATS[fmt])
        if fmt == "json":
            output.write(b"\n")  # the document ends its line
        return True


def _triple_rows(triples, fmt: str) -> str:
    """CONSTRUCT triples as SPARQL CSV or TSV rows of ?subject ?predicate ?object."""
    import csv
    import io

    buffer = io.StringIO()
    if fmt == "tsv":
        buffer.write("?subject\t?predicate\t?object\n")
        for t in triples:
            buffer.write(f"{t.subject}\t{t.predicate}\t{t.object}\n")
        return buffer.getvalue()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as SPARQL CSV
    writer.writerow(["subject", "predicate", "object"])
    for t in triples:
        writer.writerow([_csv_term(t.subject), _csv_term(t.predicate), _csv_term(t.object)])
    return buffer.getvalue()


def _csv_term(term) -> str:
    return str(term) if isinstance(term, ox.BlankNode) else term.value


def stored_base_iri(out: str | Path) -> str | None:
    """The base IRI a build used (its `void:uriSpace`), or None."""
    try:
        rows = sparql_rows(out, f"SELECT ?base WHERE {{ ?d <{VOID}uriSpace> ?base }} LIMIT 1")[1]
    except QueryError:
        return None
    return rows[0][0] if rows else None


def _exact_python(term):
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_DECIMAL:
        try:
            return Decimal(term.value)
        except ArithmeticError:
            return term.value
    return _python(term)


def _python(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
                return int(term.value)
            if datatype.endswith(("#decimal", "#double", "#float")):
                return float(term.value)
        except ValueError:
            return term.value
        if datatype.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value
