"""Cypher on the embedded Ladybug store (`OUT/store.lbdb`), or on a Neo4j server.

`kg cypher` picks the engine: `--embedded` the build's Ladybug store, `--neo4j URI` that
server, and with neither, Neo4j when NEO4J_URI is set, else the Ladybug store
(`cypher_engine`). Both return (column names, rows of plain Python values). Queries only read:
`kg.query.cypher_guard` refuses file access everywhere and writes except on Neo4j with
`write=True`.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx
import pandas as pd

from kg.engine.buildfolder import OutputError
from kg.graph.model import NODE_TYPES, RELATIONS
from kg.graph.stream import Walk, graph_walk
from kg.io import RowSpills, atomic_path, release_free_memory
from kg.query.cypher_dialect import FLOAT_TEXT, REFUSED_MARK, to_ladybug, udf
from kg.query.cypher_guard import check_cypher
from kg.query.sparql import QueryError

STORE_NAME = "store.lbdb"
# Ladybug column types per node property; everything else is a STRING.
COLUMN_TYPES = {"upvotes": "INT64", "authors_count": "INT64", "source_line": "INT64",
                "papers": "INT64", "mentions": "INT64", "number": "DOUBLE",
                "confidence": "DOUBLE", "generic": "BOOLEAN",
                "aliases": "STRING[]", "links": "STRING[]", "same_as": "STRING[]",
                "categories": "STRING[]"}
NODE_COLUMNS = {
    "Paper": ["name", "title", "abstract", "date", "upvotes", "authors_count", "url", "arxiv_id",
              "doi", "source_file", "source_line", "links", "categories", "same_as"],
    "Repository": ["name", "url", "kind"],
    "Result": ["name", "value", "number", "unit", "condition"],
    "Author": ["name"],
}
ENTITY_COLUMNS = ["name", "aliases", "catalogue_id", "papers", "mentions", "confidence", "generic",
                  "same_as"]
# Relationships are stored both ways, so that undirected and variable-length patterns work
# (Ladybug refuses an undirected pattern over a table stored one way). A COPY into a table
# stored both ways rewrites the target side's lists (each method's papers) for every chunk, so
# a very large load grows in time and memory with the table (at 400k papers the USES chunks
# took 2.3 → 10.1 s, the whole COPY 152 s against 104 s, and the peak rose to 2.0 GiB);
# `KG_CYPHER_STORAGE=fwd` at build time stores them from their source only, where every chunk
# costs the same: hops against the arrow are then answered by a scan of the relationship table
# (23 ms for a method's 5,155 papers at 100k, against 2 ms), and undirected patterns refused.
STORAGE_VARIABLE = "KG_CYPHER_STORAGE"
STORAGES = ("both", "fwd")


def rel_storage(environ: dict | None = None) -> str:
    """The relationship storage direction of a new store: `both`, or `fwd` when asked."""
    import os

    value = (os.environ if environ is None else environ).get(STORAGE_VARIABLE) or "both"
    if value not in STORAGES:
        raise OutputError(f"{STORAGE_VARIABLE} must be one of {', '.join(STORAGES)}, "
                          f"not {value!r}")
    return value


EDGE_COLUMNS = {"role": "STRING", "field": "STRING", "start": "INT64", "end": "INT64",
                "text": "STRING", "sentence": "STRING", "sentence_start": "INT64",
                "sentence_end": "INT64", "confidence": "DOUBLE", "score": "DOUBLE",
                "source": "STRING", "mentions": "INT64", "official": "BOOLEAN",
                "extractor": "STRING", "extractor_version": "STRING"}


def node_columns(node_type: str) -> list[str]:
    return NODE_COLUMNS.get(node_type, ENTITY_COLUMNS)


def schema_statements(storage: str | None = None) -> list[str]:
    """DDL generated from the graph model (`kg.graph.model`); relationships stored `storage`
    (default `rel_storage()`)."""
    storage = storage or rel_storage()
    statements = []
    for node_type in NODE_TYPES:
        columns = ", ".join(f"`{c}` {COLUMN_TYPES.get(c, 'STRING')}" for c in node_columns(node_type))
        statements.append(f"CREATE NODE TABLE {node_type}(id STRING, {columns}, PRIMARY KEY(id))")
    relations: dict[str, list[str]] = {}
    for relation, source, target in RELATIONS:
        relations.setdefault(relation, []).append(f"FROM {source} TO {target}")
    properties = ", ".join(f"`{c}` {t}" for c, t in EDGE_COLUMNS.items())
    for relation, pairs in relations.items():
        statements.append(f"CREATE REL TABLE {relation}({', '.join(pairs)}, {properties}) "
                          f"WITH (STORAGE_DIRECTION='{storage}')")
    return statements


def write_cypher_store(graph: nx.MultiDiGraph | Walk, out: str | Path) -> Path:
    """Create the store from the graph model's schema and bulk-load it with COPY."""
    walk = graph_walk(graph)
    target = Path(out) / STORE_NAME
    with atomic_path(target) as temp:
        sink = LadybugSink(temp, walk.type_of)
        for item in walk:
            sink.add(*item)
        sink.close()
    return target


class LadybugSink:
    """Loads walk items into a new Ladybug database at `path`. Rows go to temporary files per
    table as they come; `close` loads the node tables, then the relationship tables, one COPY
    per chunk of at most `COPY_ROWS` rows and about `COPY_BYTES` of rows (each COPY has a large
    fixed cost, so few big ones; the byte bound keeps a chunk of papers, whose abstracts make
    their rows the largest, from setting the peak: 200k papers alone, 988 → 595 MiB), holding
    one chunk in memory. Ladybug's buffer pool is capped at `BUFFER_POOL` bytes, and each
    COPY runs in the database opened for it alone: Ladybug keeps what a COPY allocated until
    the database is closed, so memory grew with every chunk (1.7 GiB for 100k papers, against
    0.9 reopened)."""

    COPY_ROWS = 250_000
    COPY_BYTES = 32 << 20  # of rows, pickled
    BUFFER_POOL = 1 << 30

    def __init__(self, path: str | Path, type_of, create: bool = True) -> None:
        """`create`: make the tables (else they are there: rows are added to a copy of a
        previous build's store, `kg.export.delta`)."""
        self.path = Path(path)
        if create:
            with self._opened() as connection:
                for statement in schema_statements():
                    connection.execute(statement)
        self.type_of = type_of
        self.spills = RowSpills(f".{self.path.name}.rows-", self.path.parent)
        self.relations = set(RELATIONS)
        self.connection = None  # where set, every COPY runs in it (an update's few rows)

    def add(self, node: str, data: dict, out: list) -> None:
        node_type = data["type"]
        self.spills[(node_type,)].add([node, *map(data.get, node_columns(node_type))])
        self.add_edges(node, node_type, out)

    def add_edges(self, node: str, node_type: str, out: list) -> None:
        """The out-edges of `node` alone (a node the store has: an update's changed edges)."""
        for target, _, edge in out:
            group = (edge["type"], node_type, self.type_of(target))
            if group in self.relations:
                self.spills[group].add([node, target, *map(edge.get, EDGE_COLUMNS)])

    def close(self) -> None:
        try:
            for node_type in NODE_TYPES:
                self._copy((node_type,), ["id", *node_columns(node_type)], f"COPY {node_type} FROM frame")
            for relation, source, target_type in RELATIONS:
                self._copy((relation, source, target_type), ["from", "to", *EDGE_COLUMNS],
                           f"COPY {relation} FROM frame (from='{source}', to='{target_type}')")
        finally:
            self.spills.close()

    @contextmanager
    def _opened(self) -> Iterator:
        """A connection to the database, closed afterwards with what it held given back."""
        import ladybug

        database = ladybug.Database(str(self.path), buffer_pool_size=self.BUFFER_POOL)
        connection = ladybug.Connection(database)
        try:
            yield connection
        finally:
            connection.close()
            database.close()
            release_free_memory()

    def _copy_frame(self, statement: str, frame: pd.DataFrame) -> None:
        """Run one `COPY ... FROM frame` (Ladybug finds `frame` among the caller's variables)
        in the database opened for it (or in `connection`)."""
        if self.connection is not None:
            self.connection.execute(statement)
            return
        with self._opened() as connection:
            connection.execute(statement)

    def _copy(self, table: tuple, columns: list[str], statement: str) -> None:
        spill = self.spills.get(table)
        if spill is None:
            return
        row_bytes = spill.size() / max(spill.count, 1)
        rows_per_copy = max(1, min(self.COPY_ROWS, int(self.COPY_BYTES // max(row_bytes, 1))))
        chunk = []
        for row in spill.rows():
            chunk.append(row)
            if len(chunk) >= rows_per_copy:
                self._copy_frame(statement, _frame(chunk, columns))
                chunk = []
        if chunk:
            self._copy_frame(statement, _frame(chunk, columns))


def column_values(rows: list[list], columns: list[str]) -> dict[str, list]:
    """`_frame`'s columns as lists of values, as the store keeps them."""
    frame = _frame(rows, columns)
    return {column: frame[column].tolist() for column in columns}


def _frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    """An object-typed frame of rows of values in `columns` (Ladybug reads Python ints,
    floats, strings, lists and None), built column by column. Nothing ("" or an empty list)
    is stored as null, as Neo4j stores it (no property), so both answer `IS NULL` alike."""
    data = {}
    for i, column in enumerate(columns):
        kind = COLUMN_TYPES.get(column) or EDGE_COLUMNS.get(column)
        values = [row[i] for row in rows]
        if kind == "STRING[]":
            values = [[str(v) for v in value if v is not None and v != ""] or None
                      if value else None for value in values]
        elif kind == "INT64":
            values = [None if value is None else int(value) for value in values]
        elif kind == "DOUBLE":
            values = [None if value is None else float(value) for value in values]
        elif kind == "BOOLEAN":
            values = [None if value is None else bool(value) for value in values]
        else:
            values = [None if value is None or value == "" else
                      value if type(value) is str else str(value) for value in values]
        data[column] = values
    return pd.DataFrame(data, columns=columns, dtype=object)


def cypher_rows(out: str | Path, query: str) -> tuple[list[str], list[list]]:
    """Run a read-only Cypher query on the embedded store (opened read-only; file access,
    writes and other calls refused first, `kg.query.cypher_guard`), translated from Neo4j's
    dialect (`kg.query.cypher_dialect`); returns (column names, rows) as Neo4j would give them."""
    import ladybug

    check_cypher(query, "ladybug")
    translation = to_ladybug(query)  # what the dialect refuses is said before the store opens
    path = Path(out) / STORE_NAME
    if not path.exists():
        raise QueryError(f"no Cypher store at {path}: run `kg build ... -o {out}` first")
    database = ladybug.Database(str(path), read_only=True)
    connection = ladybug.Connection(database)
    try:
        result = _run_translated(connection, query, translation)
        columns = result.get_column_names()
        shown = [i for i, column in enumerate(columns) if not column.startswith("_kg_")]
        rows = []
        while result.has_next():
            row = result.get_next()
            rows.append([_plain(row[i]) for i in shown])
    except RuntimeError as error:
        if REFUSED_MARK in str(error):
            why = str(error).split(REFUSED_MARK, 1)[1].split("\n", 1)[0]
            raise QueryError(why) from None
        if "storage type 'fwd'" in str(error):
            raise QueryError(f"this store keeps relationships forwards only (built with "
                             f"{STORAGE_VARIABLE}=fwd): give the pattern a direction, or "
                             f"rebuild without {STORAGE_VARIABLE}") from None
        raise QueryError(f"Cypher error: {' '.join(str(error).split())}") from None
    finally:
        connection.close()
        database.close()
    return [columns[i] for i in shown], rows


def _run_translated(connection, query: str, translation):
    """Run the query's first translation (`to_ladybug`), retrying the forms that only the binder
    can choose between: reverse() of a text rather than a list, toString() of a non-DOUBLE at
    the call sites the binder names."""
    string_reverse, plain_text_sites = False, frozenset()
    registered: set[str] = set()
    if not translation.optimizer:  # the same for every form of the query
        connection.execute("CALL enable_plan_optimizer=false")
    while True:
        for name in set(translation.functions) - registered:
            function, parameters, returns = udf(name)
            connection.create_function(name, function, parameters, returns)
            registered.add(name)
        try:
            return connection.execute(translation.query)
        except RuntimeError as error:
            site = re.search(rf"Function {FLOAT_TEXT.upper()}_(\d+) did not receive", str(error))
            if site and int(site.group(1)) not in plain_text_sites:
                plain_text_sites |= {int(site.group(1))}
            elif "LIST_REVERSE did not receive" in str(error) and not string_reverse:
                string_reverse = True
            elif string_reverse:
                raise QueryError("reverse() of a list and of a text in one query cannot be "
                                 "told apart on the embedded store: write list_reverse(xs) "
                                 "for the list") from None
            else:
                raise
            translation = to_ladybug(query, string_reverse, plain_text_sites)


def _plain(value):
    """A Ladybug value as Neo4j's driver gives it (`_neo4j_plain`): a node or relationship as
    its property map (no nulls), a path as its nodes and relationships (each with its `type`),
    a variable-length relationship as its list of relationships, dates as ISO text, an
    integral DECIMAL (`sum`) as an int."""
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:
            relationships = [{"type": r.get("_LABEL"), **_plain(r)} for r in value["_RELS"]]
            if len(value["_NODES"]) != len(value["_RELS"]) + 1:  # a relationship variable
                return [_plain(r) for r in value["_RELS"]]
            return {"nodes": [_plain(n) for n in value["_NODES"]], "relationships": relationships}
        entity = "_LABEL" in value or "_ID" in value
        return {k: _plain(v) for k, v in value.items()
                if not k.startswith("_") and not (entity and v is None)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def cypher_engine(neo4j_uri: str | None = None, embedded: bool = False,
                  environ: dict | None = None) -> str | None:
    """The Neo4j URI to query, or None for the embedded store: `--embedded` wins, then
    `--neo4j URI`, then the NEO4J_URI variable."""
    import os

    if embedded:
        return None
    return neo4j_uri or (os.environ if environ is None else environ).get("NEO4J_URI") or None


def neo4j_cypher_rows(settings, query: str, write: bool = False) -> tuple[list[str], list[list]]:
    """Run a Cypher query on a Neo4j server (`kg.export.neo4j_bolt.Neo4jSettings`): in a READ
    transaction, which the server keeps from writing, unless `write`; file access and plugin
    procedures refused either way (`kg.query.cypher_guard`). Nodes and relationships come back
    as their property maps, temporal values as ISO strings."""
    from neo4j import RoutingControl
    from neo4j.exceptions import CypherSyntaxError, DriverError
    from neo4j.exceptions import Neo4jError as ServerError

    from kg.export.neo4j_bolt import connect, explain

    check_cypher(query, "neo4j", write)
    with connect(settings) as driver:
        try:
            records, summary, keys = driver.execute_query(
                query, database_=settings.database,
                routing_=RoutingControl.WRITE if write else RoutingControl.READ)
        except CypherSyntaxError as error:
            raise QueryError(str(explain(error, settings))) from None
        except (DriverError, ServerError, OSError) as error:
            raise explain(error, settings) from None
    return list(keys), [[_neo4j_plain(v) for v in record.values()] for record in records]


def _neo4j_plain(value):
    from neo4j.graph import Node, Relationship
    from neo4j.graph import Path as GraphPath

    if isinstance(value, (Node, Relationship)):
        return dict(value.items())
    if isinstance(value, GraphPath):
        return {"nodes": [dict(n.items()) for n in value.nodes],
                "relationships": [{"type": r.type, **r} for r in value.relationships]}
    if isinstance(value, list):
        return [_neo4j_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _neo4j_plain(v) for k, v in value.items()}
    if hasattr(value, "to_native"):  # dates and times as the embedded store gives them
        try:
            return value.to_native().isoformat()
        except (ValueError, OverflowError):  # beyond Python's range: Neo4j's own text
            pass
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
