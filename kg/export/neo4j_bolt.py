"""Load the graph into a Neo4j server over Bolt with the official driver.

Uniqueness constraints come first (one per label, on `id`); then nodes and relationships go
as `UNWIND $rows …` batches grouped by label and by (type, start label, end label), so each
statement finds its nodes through one label's index, all nodes before the first relationship.
Into an empty database every statement CREATEs, and relationships find their nodes by the
server's ids that the node statements returned; otherwise a label or relationship group that
has nothing yet CREATEs and the others MERGE, which makes a load idempotent: loading twice
changes nothing, a load stopped halfway and run again ends complete, and loading a bigger build
adds only what is new. Batches go with a few transactions in flight (`Sender`): while the
server commits one, the next is packed and sent. Afterwards (unless `prune=False`) the graph's
nodes and relationships that the build no longer has (entities merged away by a relink, a
larger build loaded before) are deleted, so the database holds the build: one build per
database; the count store answers first whether anything is stale at all. The deletes go in
bounded transactions (`CALL { ... } IN TRANSACTIONS`), so removing a large earlier build fits
the server's memory. Connection settings default to NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and
NEO4J_DATABASE (a URI may carry the user and password); every failure to reach or use the
server is a one-line `Neo4jError` that never contains the password or a URI's user info.
The first load of a big build is faster still with neo4j-admin (`kg.export.neo4j_admin`).
"""

from __future__ import annotations

import logging
import os
import re
import time
from urllib.parse import quote
from collections import deque
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
# measured on 1M relationships, 2 cores (scripts/bench_neo4j.py --sweep): 3 transactions of
# 5,000 rows in flight loaded an empty database at 48.6k rel/s, 2 of 10,000 at 37.4k
BATCH_SIZE = 5_000
WORKERS = 3  # transactions in flight
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
               prune: bool = True, workers: int = WORKERS) -> dict:
    """Load (merge) the graph (networkx, or a `kg.graph.stream` walk of a build) into the
    database, then delete what the build no longer has (`prune`). The rows are spilled to
    temporary files as the walk yields them (relationships wait for every node), so memory
    holds only the node ids. Returns what was sent (`nodes_sent`, `relationships_sent`), what
    the database holds afterwards (`nodes`, `relationships`) and the seconds each part took."""
    with connect(settings) as driver, SpilledRows(graph_walk(graph)) as rows:
        counts = load_rows(driver, settings, rows.node_rows(), rows.relationship_rows(),
                           batch_size=batch_size, on_batch=on_batch, workers=workers,
                           relationship_keys=rows.relationship_keys())
        if prune and not counts["was_empty"]:  # an empty database has nothing stale
            started = time.perf_counter()
            counts["prune_transactions"] = prune_stale(driver, settings, rows.ids,
                                                       rows.kept_relationships(), batch_size,
                                                       workers, rows.relationships)
            counts.update(count_graph(driver, settings))
            counts["prune_seconds"] = round(time.perf_counter() - started, 3)
        return counts


def prune_stale(driver, settings: Neo4jSettings, ids: dict[str, list[str]],
                kept: dict[str, Iterable[dict]], batch_size: int = BATCH_SIZE,
                workers: int = 1, relationships: int | None = None) -> int:
    """Delete nodes of the graph's labels not in `ids` (label → ids), and relationships from
    the `kept` rows' nodes that are not listed there (`kept_relationships`), all in bounded
    transactions: nodes `delete_batch_size(batch_size)` at a time, relationships for
    `batch_size` rows at a time. The count store answers first, at no cost: a label with as
    many nodes as `ids` has none stale (every id was just merged, and ids are unique), and a
    database with as many relationships as `kept` lists has no stale relationship (every kept
    one was just merged, once; `relationships` is that number when known, else it is
    counted from `kept`). Returns the number of transactions the deletes took."""
    from kg.graph.model import NODE_TYPES

    transactions = 0
    for label in NODE_TYPES:
        wanted = ids.get(label, [])
        held = run_statement(driver, settings,
                             f"MATCH (n:`{label}`) RETURN count(n) AS c").records[0]["c"]
        if held == len(wanted):
            continue
        transactions += run_in_transactions(
            driver, settings, stale_node_statement(label, delete_batch_size(batch_size)),
            f"deleting stale {label} nodes", ids=wanted)
    if relationships is None:
        kept = {label: list(rows) for label, rows in kept.items()}
        relationships = sum(len(row["keep"]) for rows in kept.values() for row in rows)
    if count_graph(driver, settings)["relationships"] == relationships:
        return transactions
    with Sender(driver, settings, workers) as sender:
        for label, rows in kept.items():
            statement = stale_relationship_statement(label)
            for batch in chunked(rows, batch_size):
                sender.send(statement, batch)
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


def _quiet_retry(record) -> bool:
    """Drop the driver's warning that a transaction is retried: with several in flight a
    deadlock on a popular node is expected, and the retry is the cure, not news."""
    return "will be retried" not in record.msg


class Sender:
    """Batches sent as transactions with up to `workers` of them in flight, each on its own
    connection (the driver's pool): while the server commits one batch, the next is packed
    and sent, and a server with cores to spare runs several. A few batches wait at most
    (memory stays bounded); `wait` returns when all sent are committed, and the first failure
    is raised (the ones queued behind it are dropped). A batch that meets a deadlock (two
    transactions locking the same popular node) is retried by the driver."""

    def __init__(self, driver, settings: Neo4jSettings, workers: int = WORKERS,
                 on_batch: Callable[[str, int], None] | None = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.driver, self.settings, self.on_batch = driver, settings, on_batch
        self.workers = max(1, workers)
        self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix="kg-neo4j") \
            if self.workers > 1 else None
        logger = logging.getLogger("neo4j.session")
        if _quiet_retry not in logger.filters:
            logger.addFilter(_quiet_retry)
        self.pending: deque = deque()

    def send(self, statement: str, batch: list[dict], name: str = "",
             on_records: Callable[[list], None] | None = None) -> None:
        """Send one batch; `on_records` gets the records it returns, in this thread."""
        if self.pool is None:
            result = run_statement(self.driver, self.settings, statement, rows=batch)
            if on_records is not None:
                on_records(result.records)
            self._done(name, len(batch))
            return
        while len(self.pending) >= 2 * self.workers:
            self._collect()
        self.pending.append((self.pool.submit(run_statement, self.driver, self.settings,
                                              statement, rows=batch), name, len(batch),
                             on_records))

    def _collect(self) -> None:
        future, name, size, on_records = self.pending.popleft()
        result = future.result()
        if on_records is not None:
            on_records(result.records)
        self._done(name, size)

    def _done(self, name: str, size: int) -> None:
        if self.on_batch:
            self.on_batch(name, size)

    def wait(self) -> None:
        while self.pending:
            self._collect()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, kind, *exc) -> None:
        try:
            if kind is None:
                self.wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)


def is_empty(driver, settings: Neo4jSettings) -> bool:
    """Whether the database holds no node at all (then nothing can match a MERGE)."""
    return not run_statement(driver, settings, "MATCH (n) RETURN n LIMIT 1").records


def create_relationship_statement(relation: str, start: str, end: str, keys: list[str],
                                  by_node_id: bool = False) -> str:
    """`relationship_statement(create=True)` with the properties named in the CREATE pattern
    (`{key: row.p.key, ...}`; a missing key is null, which stores nothing) instead of `SET r =
    row.p`: a map set as a whole might overwrite the nodes' `id` that the statement looks up,
    so the planner would put an Eager before it, holding the whole batch; named relationship
    properties cannot, and the rows stream. `by_node_id`: `row.s` and `row.t` are the
    server's own node ids (`id(n)`, returned when this load created the nodes), found by a
    direct seek instead of two index lookups per row."""
    named = ", ".join(f"{_name(key)}: row.p.{_name(key)}" for key in keys)
    create = f"CREATE (a)-[r:{_name(relation)}{f' {{{named}}}' if named else ''}]->(b)"
    if by_node_id:
        return f"UNWIND $rows AS row MATCH (a) WHERE id(a) = row.s MATCH (b) WHERE id(b) = row.t {create}"
    return (f"UNWIND $rows AS row MATCH (a:{_name(start)} {{id: row.s}}) "
            f"MATCH (b:{_name(end)} {{id: row.t}}) {create}")


def _noter(node_ids: dict[str, int], batch: list[dict]) -> Callable[[list], None]:
    """Note the server's ids that a node batch's CREATE returned, one per row, in order."""
    def note(records: list) -> None:
        created = records[0][0]
        if len(created) != len(batch):
            raise Neo4jError(f"Neo4j created {len(created)} nodes for {len(batch)} rows")
        node_ids.update(zip((row["id"] for row in batch), created))
    return note


def by_node_ids(batch: list[dict], node_ids: dict[str, int]) -> list[dict] | None:
    """The batch with its endpoints as the server's node ids; None if one is not known."""
    try:
        return [{"s": node_ids[row["s"]], "t": node_ids[row["t"]], "p": row["p"]}
                for row in batch]
    except KeyError:
        return None


def _name(name: str) -> str:
    """A label, type or property key quoted for Cypher."""
    return "`" + name.replace("`", "``") + "`"


def load_rows(driver, settings: Neo4jSettings, nodes: dict[str, Iterable[dict]],
              relationships: dict[tuple[str, str, str], Iterable[dict]],
              batch_size: int = BATCH_SIZE,
              on_batch: Callable[[str, int], None] | None = None,
              workers: int = WORKERS,
              relationship_keys: dict[tuple[str, str, str], list[str]] | None = None) -> dict:
    """`load_graph` on rows already shaped by `kg.export.neo4j_files` (node_rows,
    relationship_rows); the benchmark calls this directly. Into an empty database every
    statement CREATEs (`was_empty` in the result); otherwise each label and each (type, start
    label, end label) group CREATEs when it has nothing yet and MERGEs when it has some (a
    reload, a bigger build, or a load stopped halfway and run again). Nodes are all committed
    before the first relationship is sent. `relationship_keys` (group → the property keys of
    its rows) lets a relationship CREATE name its properties (see
    `create_relationship_statement`); without it, it sets the row's map. Into an empty
    database the node statements return the server's id of each node they create, and the
    relationships find their ends by those ids (`relationships_by_node_id` in the result):
    a direct seek instead of two index lookups a row (1M relationships of real text, 2
    cores: 58.7k against 46.1k rel/s, `scripts/bench_neo4j.py`)."""
    started = time.perf_counter()
    for statement in constraint_statements(sorted(set(nodes) | {k[1] for k in relationships}
                                                  | {k[2] for k in relationships})):
        run_statement(driver, settings, statement)
    run_statement(driver, settings, "CALL db.awaitIndexes(300)")
    was_empty = is_empty(driver, settings)
    sent = {"nodes_sent": 0, "relationships_sent": 0, "relationships_by_node_id": 0}
    # into an empty database every node is created here: note the server's id of each, so
    # that relationships find their ends by id instead of by two index lookups a row
    node_ids: dict[str, int] = {}

    timer = time.perf_counter()
    with Sender(driver, settings, workers, on_batch) as sender:
        for label, rows in nodes.items():
            create = was_empty or not run_statement(
                driver, settings, f"MATCH (n:`{label}`) RETURN n LIMIT 1").records
            statement = node_statement(label, create=create)
            if was_empty:  # one list a batch, in the rows' order (UNWIND, CREATE stream)
                statement += " RETURN collect(id(n)) AS nodes"
            for batch in chunked(rows, batch_size):
                sender.send(statement, batch, label,
                            _noter(node_ids, batch) if was_empty else None)
                sent["nodes_sent"] += len(batch)
    node_seconds = time.perf_counter() - timer
    timer = time.perf_counter()
    with Sender(driver, settings, workers, on_batch) as sender:
        for (relation, start, end), rows in relationships.items():
            create = was_empty or not run_statement(
                driver, settings, f"MATCH (:`{start}`)-[r:`{relation}`]->(:`{end}`) "
                "RETURN r LIMIT 1").records
            keys = (relationship_keys or {}).get((relation, start, end))
            statement = (create_relationship_statement(relation, start, end, keys)
                         if create and keys is not None
                         else relationship_statement(relation, start, end, create=create))
            by_id = (create_relationship_statement(relation, start, end, keys, by_node_id=True)
                     if was_empty and keys is not None else None)
            for batch in chunked(rows, batch_size):
                seek = by_node_ids(batch, node_ids) if by_id else None
                if seek is not None:
                    sender.send(by_id, seek, relation)
                    sent["relationships_by_node_id"] += len(batch)
                else:  # an end this load did not create (or no keys given): by `id`
                    sender.send(statement, batch, relation)
                sent["relationships_sent"] += len(batch)
    relationship_seconds = time.perf_counter() - timer
    return {**sent, **count_graph(driver, settings), "was_empty": was_empty,
            "node_seconds": round(node_seconds, 3),
            "relationship_seconds": round(relationship_seconds, 3),
            "seconds": round(time.perf_counter() - started, 3)}


def clear_database(settings: Neo4jSettings, batch_size: int = 10_000) -> None:
    """Delete every node and relationship (in batches, so big graphs fit the heap); the
    constraints stay. For tests and benchmarks: a load never deletes anything. Relationships
    go first, `batch_size` at a time: a batch of nodes detached with their relationships held
    every relationship of its hubs in one transaction (a 1M-relationship graph exceeded a 2g
    server's transaction memory)."""
    with connect(settings) as driver:
        with driver.session(database=settings.database) as session:
            session.run(f"MATCH ()-[r]->() CALL (r) {{ DELETE r }} "
                        f"IN TRANSACTIONS OF {int(batch_size)} ROWS").consume()
            session.run(f"MATCH (n) CALL (n) {{ DELETE n }} "
                        f"IN TRANSACTIONS OF {int(batch_size)} ROWS").consume()
