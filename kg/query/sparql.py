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
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.export.rdf import DEFAULT_BASE, PREFIXES, VOID, nquads_stream
from kg.io import atomic_path

STORE_NAME = "store.oxigraph"


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


def sparql_rows(out: str | Path, query: str,
                allow_service: bool = False) -> tuple[list[str], list[list]]:
    """Run a query; returns (column names, rows of Python values): SELECT variables, `ask` for
    ASK, subject/predicate/object for CONSTRUCT and DESCRIBE."""
    result = run_query(out, query, allow_service)
    with query_failures():
        if isinstance(result, ox.QueryBoolean):
            return ["ask"], [[bool(result)]]
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            return columns, [[_python(solution[c]) for c in columns] for solution in result]
        return ["subject", "predicate", "object"], [
            [_python(t.subject), _python(t.predicate), _python(t.object)] for t in result]


def sparql_results_json(out: str | Path, query: str, allow_service: bool = False) -> str | None:
    """SELECT and ASK results in the W3C SPARQL 1.1 Query Results JSON format; None for
    CONSTRUCT and DESCRIBE, which have no such format."""
    result = run_query(out, query, allow_service)
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        with query_failures():
            return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8")
    return None


def stored_base_iri(out: str | Path) -> str | None:
    """The base IRI a build used (its `void:uriSpace`), or None."""
    try:
        rows = sparql_rows(out, f"SELECT ?base WHERE {{ ?d <{VOID}uriSpace> ?base }} LIMIT 1")[1]
    except QueryError:
        return None
    return rows[0][0] if rows else None


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
