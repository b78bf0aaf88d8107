"""SPARQL on the embedded pyoxigraph store that `kg build` writes to `OUT/store.oxigraph`."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.export.rdf import DEFAULT_BASE, PREFIXES, graph_triples
from kg.io import atomic_path

STORE_NAME = "store.oxigraph"


class QueryError(Exception):
    """A query that the store rejected (syntax or a missing store), with its message."""


def write_sparql_store(graph: nx.MultiDiGraph, out: str | Path, base: str = DEFAULT_BASE) -> Path:
    target = Path(out) / STORE_NAME
    with atomic_path(target, directory=True) as temp:
        store = ox.Store(str(temp))
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                          for t in graph_triples(graph, base))
        store.flush()
        del store
    return target


def _prologue(query: str) -> str:
    declared = query.lower()
    missing = [f"PREFIX {name}: <{iri}>" for name, iri in PREFIXES.items()
               if f"prefix {name}:" not in declared]
    return "\n".join(missing) + "\n" + query


def sparql_rows(out: str | Path, query: str) -> tuple[list[str], list[list]]:
    """Run a SELECT/ASK query; returns (column names, rows of Python values). The usual
    prefixes (kg, schema, dcterms, skos, xsd, rdfs) are declared unless the query does."""
    path = Path(out) / STORE_NAME
    if not path.is_dir():
        raise QueryError(f"no SPARQL store at {path}: run `kg build ... -o {out}` first")
    store = ox.Store.read_only(str(path))
    try:
        result = store.query(_prologue(query))
    except SyntaxError as error:
        raise QueryError(f"SPARQL syntax error: {error}") from None
    if isinstance(result, bool):
        return ["ask"], [[result]]
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows = [[_python(solution[c]) for c in columns] for solution in result]
        return columns, rows
    return ["subject", "predicate", "object"], [
        [_python(t.subject), _python(t.predicate), _python(t.object)] for t in result]


def _python(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if datatype.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if datatype.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value
