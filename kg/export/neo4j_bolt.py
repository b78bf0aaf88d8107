"""Load the graph into a Neo4j server over Bolt with the official driver.

Uniqueness constraints come first (one per label, on `id`); then nodes and relationships go
as `UNWIND $rows … MERGE` batches grouped by label and type, one transaction each, through
`driver.execute_query(database_=…)` (CREATE instead where a label or relationship type
has nothing yet, which is faster and safe). MERGE makes a load idempotent: loading twice changes
nothing, a load stopped halfway and run again ends complete, and loading a bigger build adds
only what is new. Afterwards (unless `prune=False`) the graph's nodes and relationships that
the build no longer has (entities merged away by a relink, a larger build loaded before) are
deleted, so the database holds the build: one build per database. The deletes go in bounded
transactions (`CALL { ... } IN TRANSACTIONS`), so removing a large earlier build fits the
server's memory. Connection settings default to NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and
NEO4J_DATABASE (a URI may carry the user and password); every failure to reach or use the
server is a one-line `Neo4jError` that never contains the password or a URI's user info.
"""

from __future__ import annotations

import os
import re
import time
from urllib.parse import quote
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import networkx as nx

from kg.export.neo4j_files import (
    SpilledRows,
    chunked,
    constraint_statements,
    node_statement,
    relationship_statement,
    stale_node_statement,
    stale_relationship_statement,
)
from kg.graph.stream import Walk, graph_walk

DEFAULT_URI = "bolt://localhost:7687"
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
BATCH_SIZE = 10_000
CONNECT_SECONDS = 5.0


class Neo4jError(Exception):
    """The server cannot be reached, refuses the login or the database, or rejects a load."""

    code = 2


@dataclass(frozen=True)
class Neo4jSettings:
    """Where to connect; `from_env` fills what is not given from the NEO4J_* variables. A user
    and password in the URI (`bolt://user:password@host`) are taken out of it into `user` and
    `password`, so the URI held here, shown in messages, has none."""

    uri: str = DEFAULT_URI
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str | None = None

    def __post_init__(self) -> None:
        uri, user, password = split_credentials(self.uri)
        if user is not None:
            object.__setattr__(self, "uri", uri)
            object.__setattr__(self, "user", user or self.user)
            object.__setattr__(self, "password", password if password is not None else self.password)

    @classmethod
    def from_env(cls, uri: str | None = None, user: str | None = None,
                 password: str | None = None, database: str | None = None) -> Neo4jSettings:
        """Given values first, then the URI's user and password, then the variables."""
        uri, uri_user, uri_password = split_credentials(uri or os.environ.get("NEO4J_URI")
                                                        or DEFAULT_URI)
        if password is None:
            password = uri_password if uri_password is not None else os.environ.get("NEO4J_PASSWORD", "")
        return cls(uri=uri, user=user or uri_user or os.environ.get("NEO4J_USER") or "neo4j",
                   password=password, database=database or os.environ.get("NEO4J_DATABASE") or None)

    @property
    def where(self) -> str:
        """The server and database for messages: no password, no user info in the URI."""
        return f"{mask_credentials(self.uri)} (database {self.database or 'default'})"


# scheme://userinfo@ : the userinfo runs to the last @ before a space or a quote
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s'\"<>@]*(?:@[^\s'\"<>@]*)*@")


def mask_credentials(text: str) -> str:
    """`text` with the user info of every URI in it (`bolt://user:password@host`) replaced
    by `***`: the one way a URI, or a message that may quote one, is shown."""
    return _USERINFO.sub(r"\1***@", text)


def split_credentials(uri: str) -> tuple[str, str | None, str | None]:
    """(the URI without user info, its user, its password), percent-decoded; None for what
    the URI does not give."""
    from urllib.parse import unquote

    scheme, separator, rest = uri.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not separator or not at or "/" in userinfo.partition(":")[0]:
        return uri, None, None
    user, colon, password = userinfo.partition(":")
    return f"{scheme}://{host}", unquote(user), unquote(password) if colon else None


def explain(error: Exception, settings: Neo4jSettings) -> Neo4jError:
    """The driver's exception as one line that says what to do."""
    from neo4j.exceptions import (
        AuthError,
        ClientError,
        ConfigurationError,
        CypherSyntaxError,
        ServiceUnavailable,
    )

    code = getattr(error, "code", None) or ""
    if isinstance(error, AuthError) or "Security.Unauthorized" in code:
        message = (f"Neo4j at {settings.where} refused user {settings.user!r}: wrong user or "
                   "password (set NEO4J_USER and NEO4J_PASSWORD)")
    elif "DatabaseNotFound" in code:
        message = (f"Neo4j at {mask_credentials(settings.uri)} has no database {settings.database!r} "
                   "(check --database or NEO4J_DATABASE)")
    elif isinstance(error, ServiceUnavailable) or isinstance(error, OSError):
        message = (f"cannot reach Neo4j at {settings.where}: is the server running? "
                   "(set NEO4J_URI or --uri)")
    elif isinstance(error, (ConfigurationError, ValueError)):
        message = f"bad Neo4j URI {settings.where}: {_first_line(error)}"
    elif isinstance(error, CypherSyntaxError):
        message = f"Cypher syntax error: {_first_line(error)}"
    elif isinstance(error, ClientError):
        message = f"Neo4j at {settings.where} refused the statement: {_first_line(error)}"
    else:
        message = f"Neo4j at {settings.where} failed: {type(error).__name__}: {_first_line(error)}"
    return Neo4jError(mask_secret(message, settings))


def mask_secret(message: str, settings: Neo4jSettings) -> str:
    """The message with URI user info and the password itself (as given and as the driver
    may quote it) masked."""
    message = mask_credentials(message)
    for secret in {settings.password, quote(settings.password, safe="")} - {""}:
        message = message.replace(secret, "***")
    return message


def _first_line(error: Exception) -> str:
    from neo4j.exceptions import Neo4jError as ServerError

    text = (error.message if isinstance(error, ServerError) else None) or str(error)
    return " ".join(text.strip().splitlines()[0].split()) if text.strip() else type(error).__name__


def check_bolt_uri(settings: Neo4jSettings) -> None:
    """kg speaks Bolt only (the driver's HTTP support is a preview that needs aiohttp)."""
    scheme, separator, _ = settings.uri.partition("://")
    if not separator or scheme.lower() not in BOLT_SCHEMES:
        raise Neo4jError(f"kg speaks Bolt to Neo4j: use a bolt:// or neo4j:// URI (bolt+s://, "
                         f"neo4j+s:// for TLS; +ssc for a self-signed certificate), not "
                         f"{mask_credentials(settings.uri)!r}")


@contextmanager
def connect(settings: Neo4jSettings) -> Iterator:
    """A driver whose server, login and database have been checked (within seconds)."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError
    from neo4j.exceptions import Neo4jError as ServerError

    check_bolt_uri(settings)
    try:
        driver = GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password),
                                      connection_timeout=CONNECT_SECONDS,
                                      connection_acquisition_timeout=2 * CONNECT_SECONDS,
                                      notifications_min_severity="OFF")
    except (DriverError, ServerError, ValueError) as error:
        raise explain(error, settings) from None
    try:
        try:
            driver.verify_connectivity()
            driver.execute_query("RETURN 1", database_=settings.database)
        except (DriverError, ServerError, OSError) as error:
            raise explain(error, settings) from None
        yield driver
    finally:
        driver.close()


def run_statement(driver, settings: Neo4jSettings, statement: str, **parameters):
    """`execute_query` on the settings' database, with the driver's errors explained."""
    from neo4j.exceptions import DriverError
    from neo4j.exceptions import Neo4jError as ServerError

    try:
        return driver.execute_query(statement, parameters, database_=settings.database)
    except (DriverError, ServerError, OSError) as error:
        raise explain(error, settings) from None


def count_graph(driver, settings: Neo4jSettings) -> dict[str, int]:
    """Nodes and relationships in the database (from the count store: instant)."""
    nodes = run_statement(driver, settings, "MATCH (n) RETURN count(n) AS c").records[0]["c"]
    relationships = run_statement(driver, settings,
                                  "MATCH ()-[r]->() RETURN count(r) AS c").records[0]["c"]
    return {"nodes": nodes, "relationships": relationships}


def load_graph(graph: nx.MultiDiGraph | Walk, settings: Neo4jSettings,
               batch_size: int = BATCH_SIZE, on_batch: Callable[[str, int], None] | None = None,
               prune: bool = True) -> dict:
    """Load (merge) the graph (networkx, or a `kg.graph.stream` walk of a build) into the
    database, then delete what the build no longer has (`prune`). The rows are spilled to
    temporary files as the walk yields them (relationships wait for every node), so memory
    holds only the node ids. Returns what was sent (`nodes_sent`, `relationships_sent`), what
    the database holds afterwards (`nodes`, `relationships`) and the seconds each part took."""
    with connect(settings) as driver, SpilledRows(graph_walk(graph)) as rows:
        counts = load_rows(driver, settings, rows.node_rows(), rows.relationship_rows(),
                           batch_size=batch_size, on_batch=on_batch)
        if prune:
            started = time.perf_counter()
            counts["prune_transactions"] = prune_stale(driver, settings, rows.ids,
                                                       rows.kept_relationships(), batch_size)
            counts.update(count_graph(driver, settings))
            counts["prune_seconds"] = round(time.perf_counter() - started, 3)
        return counts


def prune_stale(driver, settings: Neo4jSettings, ids: dict[str, list[str]],
                kept: dict[str, Iterable[dict]], batch_size: int = BATCH_SIZE) -> int:
    """Delete nodes of the graph's labels not in `ids` (label → ids), and relationships from
    the `kept` rows' nodes that are not listed there (`kept_relationships`), all in bounded
    transactions: nodes `delete_batch_size(batch_size)` at a time, relationships for
    `batch_size` rows at a time. Returns the number of transactions the deletes took."""
    from kg.graph.model import NODE_TYPES

    transactions = 0
    for label in NODE_TYPES:
        transactions += run_in_transactions(
            driver, settings, stale_node_statement(label, delete_batch_size(batch_size)),
            f"deleting stale {label} nodes", ids=ids.get(label, []))
    for label, rows in kept.items():
        statement = stale_relationship_statement(label)
        for batch in chunked(rows, batch_size):
            run_statement(driver, settings, statement, rows=batch)
            transactions += 1
    return transactions


def delete_batch_size(batch_size: int) -> int:
    """Nodes per delete transaction: a node's DETACH DELETE takes its relationships along
    (tens for a paper, thousands for a popular method), so a tenth of the rows per load
    transaction."""
    return max(1, batch_size // 10)


def run_in_transactions(driver, settings: Neo4jSettings, statement: str, doing: str,
                        **parameters) -> int:
    """Run a `CALL { ... } IN TRANSACTIONS ... REPORT STATUS` statement (`stale_node_statement`)
    as the auto-commit query it must be; returns its transactions, raises its first error."""
    from neo4j.exceptions import DriverError
    from neo4j.exceptions import Neo4jError as ServerError

    try:
        with driver.session(database=settings.database) as session:
            record = session.run(statement, parameters).single(strict=True)
    except (DriverError, ServerError, OSError) as error:
        raise explain(error, settings) from None
    if record["error"]:
        raise Neo4jError(mask_secret(f"Neo4j at {settings.where} failed {doing}: "
                                     f"{' '.join(record['error'].split())} (a smaller "
                                     f"--batch-size makes smaller transactions)", settings))
    return record["transactions"]


def _send_in_batches(driver, settings, statement: str, rows: Iterable[dict], batch_size: int,
                     name: str, on_batch) -> int:
    """Run `statement` over `rows` in batches; returns the number of rows sent."""
    sent = 0
    for batch in chunked(rows, batch_size):
        run_statement(driver, settings, statement, rows=batch)
        sent += len(batch)
        if on_batch:
            on_batch(name, len(batch))
    return sent


def load_rows(driver, settings: Neo4jSettings, nodes: dict[str, Iterable[dict]],
              relationships: dict[tuple[str, str, str], Iterable[dict]],
              batch_size: int = BATCH_SIZE,
              on_batch: Callable[[str, int], None] | None = None) -> dict:
    """`load_graph` on rows already shaped by `kg.export.neo4j_files` (node_rows,
    relationship_rows); the benchmark calls this directly."""
    started = time.perf_counter()
    for statement in constraint_statements(sorted(set(nodes) | {k[1] for k in relationships}
                                                  | {k[2] for k in relationships})):
        run_statement(driver, settings, statement)
    run_statement(driver, settings, "CALL db.awaitIndexes(300)")
    sent = {"nodes_sent": 0, "relationships_sent": 0}
    timer = time.perf_counter()
    for label, rows in nodes.items():
        # nothing of this label yet: CREATE, which skips MERGE's lookups; a load stopped
        # halfway leaves some, so its rerun merges
        empty = not run_statement(driver, settings, f"MATCH (n:`{label}`) RETURN n LIMIT 1").records
        sent["nodes_sent"] += _send_in_batches(driver, settings, node_statement(label, create=empty),
                                               rows, batch_size, label, on_batch)
    node_seconds = time.perf_counter() - timer
    timer = time.perf_counter()
    for (relation, start, end), rows in relationships.items():
        empty = not run_statement(driver, settings, f"MATCH (:`{start}`)-[r:`{relation}`]->"
                                  f"(:`{end}`) RETURN r LIMIT 1").records
        statement = relationship_statement(relation, start, end, create=empty)
        sent["relationships_sent"] += _send_in_batches(driver, settings, statement, rows,
                                                       batch_size, relation, on_batch)
    relationship_seconds = time.perf_counter() - timer
    return {**sent, **count_graph(driver, settings), "node_seconds": round(node_seconds, 3),
            "relationship_seconds": round(relationship_seconds, 3),
            "seconds": round(time.perf_counter() - started, 3)}


def clear_database(settings: Neo4jSettings, batch_size: int = 10_000) -> None:
    """Delete every node and relationship (in batches, so big graphs fit the heap); the
    constraints stay. For tests and benchmarks: a load never deletes anything."""
    with connect(settings) as driver:
        with driver.session(database=settings.database) as session:
            session.run(f"MATCH (n) CALL (n) {{ DETACH DELETE n }} "
                        f"IN TRANSACTIONS OF {int(batch_size)} ROWS").consume()
