"""The graph as Neo4j data: property maps flattened to Neo4j types, the `UNWIND … MERGE`
statements that load them, and the two offline files built from them: the CSVs of
`neo4j-admin database import full` and a Cypher script of parameterless statements.

The Bolt loader (`kg.export.neo4j_bolt`) sends the same rows and statements with parameters.
Nodes are keyed by `id` (the networkx node id) under their type as label; relationships by
(start, type, end), which is unique in the graph (the relation is the edge key).
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TextIO

import networkx as nx

from kg.graph.model import NODE_TYPES
from kg.graph.stream import Walk, graph_walk
from kg.io import RowSpill, RowSpills, atomic_path

# Between the elements of a list in a CSV field: the ASCII unit separator, which no name or
# URL contains (the default `;` can be part of an alias).
ARRAY_DELIMITER = "\x1f"
SCRIPT_BATCH = 500


# ---------------------------------------------------------------- rows


def neo4j_value(value):
    """A value Neo4j can store: numbers, booleans and strings as they are, lists as lists of
    strings; None for nothing (None, "", []), which Neo4j stores as no property."""
    if value is None or value == "":
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [str(v) for v in value if v is not None and v != ""]
        return items or None
    return str(value)


_SCALARS = frozenset({bool, int, float, str})


def properties(data: dict, skip: tuple[str, ...] = ("type",)) -> dict:
    """The attributes of a node or edge as a Neo4j property map (`type` is its label)."""
    flat = {}
    for key, value in data.items():
        if key in skip:
            continue
        if type(value) in _SCALARS:  # the common case: kept as it is, unless ""
            if value != "":
                flat[key] = value
        elif (value := neo4j_value(value)) is not None:
            flat[key] = value
    return flat


def node_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """label → property maps (with `id`), in graph order."""
    rows: dict[str, list[dict]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        rows[data["type"]].append({"id": node, **properties(data)})
    return dict(rows)


def relationship_rows(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], list[dict]]:
    """(type, start label, end label) → rows {s: start id, t: end id, p: properties}."""
    types = nx.get_node_attributes(graph, "type")
    rows: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for start, end, data in graph.edges(data=True):
        rows[(data["type"], types[start], types[end])].append(
            {"s": start, "t": end, "p": properties(data)})
    return dict(rows)


# ---------------------------------------------------------------- statements


def constraint_statements(labels: Iterable[str] = NODE_TYPES) -> list[str]:
    """One uniqueness constraint on `id` per label (it also gives MERGE its index)."""
    return [f"CREATE CONSTRAINT kg_{label.lower()}_id IF NOT EXISTS "
            f"FOR (n:`{label}`) REQUIRE n.id IS UNIQUE" for label in labels]


def node_statement(label: str, rows: str = "$rows", create: bool = False) -> str:
    """MERGE by id; `create`: CREATE, for a label with no nodes yet (the constraint still
    refuses a repeated id)."""
    if create:
        return f"UNWIND {rows} AS row CREATE (n:`{label}`) SET n = row"
    return f"UNWIND {rows} AS row MERGE (n:`{label}` {{id: row.id}}) SET n = row"


def relationship_statement(relation: str, start: str, end: str, rows: str = "$rows",
                           create: bool = False) -> str:
    """MERGE between the two nodes; `create`: CREATE, for a (type, start label, end label)
    with no relationships yet (the graph has at most one relationship per type and pair)."""
    verb = "CREATE" if create else "MERGE"
    return (f"UNWIND {rows} AS row MATCH (a:`{start}` {{id: row.s}}) "
            f"MATCH (b:`{end}` {{id: row.t}}) {verb} (a)-[r:`{relation}`]->(b) SET r = row.p")


def stale_node_statement(label: str, batch_size: int) -> str:
    """Delete the label's nodes that are not in `$ids` (entities merged away by a relink, or
    a larger build loaded before), `batch_size` nodes per transaction, so that a stale graph
    of any size fits the server's transaction memory (one transaction of 29k nodes with their
    relationships did not). It must run as an auto-commit query (`session.run`), and returns
    the transactions it took and the first error (ON ERROR BREAK stops at the failing batch)."""
    return (f"MATCH (n:`{label}`) WHERE NOT n.id IN $ids "
            f"CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {int(batch_size)} ROWS "
            "ON ERROR BREAK REPORT STATUS AS status "
            "RETURN count(DISTINCT status.transactionId) AS transactions, "
            "[e IN collect(status.errorMessage) WHERE e IS NOT NULL][0] AS error")


def stale_relationship_statement(label: str, labels: Iterable[str] = NODE_TYPES) -> str:
    """Delete relationships from each row's node to graph nodes that the build no longer
    has (`row.keep` lists "TYPE end-id"); relationships to other data are left alone."""
    targets = "|".join(f"`{name}`" for name in labels)
    return (f"UNWIND $rows AS row MATCH (a:`{label}` {{id: row.id}})-[r]->(b:{targets}) "
            "WHERE NOT (type(r) + ' ' + b.id) IN row.keep DELETE r")


def kept_relationships(graph: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """start label → rows {id, keep: ["TYPE end-id", ...]} for every node with a label that
    starts relationships (all nodes of those labels, also those without any)."""
    types = nx.get_node_attributes(graph, "type")
    starts = {types[u] for u, _ in graph.edges()}
    rows: dict[str, list[dict]] = defaultdict(list)
    for node, label in types.items():
        if label in starts:
            rows[label].append({"id": node, "keep": [f"{key} {end}" for _, end, key
                                                     in graph.out_edges(node, keys=True)]})
    return dict(rows)


# ---------------------------------------------------------------- neo4j-admin CSV


def _csv_type(values: Iterable) -> str:
    return _csv_kind({type(v) for v in values})


def _csv_kind(kinds: set[type]) -> str:
    """The neo4j-admin type of a column whose values have these Python types."""
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    if kinds <= {list}:
        return "string[]"
    return "string"


def _csv_text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "string[]":
        return ARRAY_DELIMITER.join(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def _csv_fields(columns: list[tuple[str, str]]) -> Callable[[dict], list]:
    """A function giving a property map's CSV fields in `columns` ((key, neo4j-admin type)):
    `_csv_text` of each value, leaving to the `csv` module what it writes the same way (None
    as an empty field, strings and integers with `str`)."""
    keys = [key for key, _ in columns]
    converted = [(i, kind) for i, (_, kind) in enumerate(columns)
                 if kind in ("string[]", "boolean", "double")]

    def fields(flat: dict) -> list:
        values = [flat.get(key) for key in keys]
        for i, kind in converted:
            if values[i] is not None:
                values[i] = _csv_text(values[i], kind)
        return values

    return fields


def _columns(rows: list[dict]) -> list[tuple[str, str]]:
    """(property, neo4j-admin type) for every property in the rows, in first-seen order."""
    values: dict[str, list] = {}
    for row in rows:
        for key, value in row.items():
            values.setdefault(key, []).append(value)
    return [(key, _csv_type(found)) for key, found in values.items()]


MULTILINE = "--multiline-fields=true"


def multiline_fields(directory: Path) -> bool:
    """Whether the CSVs in `directory` need `--multiline-fields=true`, as their import.args
    says (written with them); where it is missing, assume they do."""
    try:
        options = (directory / "import.args").read_text(encoding="utf-8").split()
    except OSError:
        return True
    return MULTILINE in options


def _write_csv(path: Path, header: list[str], lines: Iterable[list[str]]) -> bool:
    """Write the CSV; returns whether a field holds a line break (then neo4j-admin must read
    it with `--multiline-fields=true`, which parses in one thread and is slower): the file
    then has more line feeds than rows, or a carriage return."""
    rows = 0

    def counted(lines: Iterable[list[str]]) -> Iterator[list[str]]:
        nonlocal rows
        for line in lines:
            rows += 1
            yield line

    with atomic_path(path) as temp:
        with open(temp, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(counted(lines))
        return _line_feeds(temp) != rows + 1


def _line_feeds(path: Path) -> int:
    """Line feeds in the file, or -1 when it holds a carriage return (read in C-sized chunks)."""
    feeds = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 24):
            if b"\r" in chunk:
                return -1
            feeds += chunk.count(b"\n")
    return feeds


def write_neo4j_csv(graph: nx.MultiDiGraph | Walk, directory: str | Path) -> dict:
    """Write `nodes-<Label>.csv`, `relationships-<TYPE>.csv` and `import.args` (the options
    of `neo4j-admin database import full`, usable as `@import.args`) into `directory`.
    Returns {"nodes": n, "relationships": m, "files": [...], "command": [...]}."""
    walk = graph_walk(graph)
    sink = Neo4jCsvSink(directory, walk.type_of)
    for item in walk:
        sink.add(*item)
    return sink.close()


class Neo4jCsvSink:
    """The neo4j-admin CSVs written from walk items: rows go to temporary files as they come
    (a CSV's header needs every row's properties and their types), then each CSV is written in
    one pass; memory holds only the columns. `final`: the folder the CSVs will be in when
    neo4j-admin reads them (a build writes them in its staging folder, then moves them), named
    in import.args; by default `directory`."""

    def __init__(self, directory: str | Path, type_of, final: str | Path | None = None) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.type_of = type_of
        self.final = Path(final) if final is not None else None
        # keys ("node", label) and ("relationship", type, start label, end label)
        self.spills = RowSpills(".neo4j-rows-", self.directory)

    def add(self, node: str, data: dict, out: list) -> None:
        label = data["type"]
        row = {"id": node, **properties(data)}
        self.spills["node", label].add(row, row)
        for target, _, edge in out:
            flat = properties(edge)
            self.spills["relationship", edge["type"], label, self.type_of(target)].add(
                (node, target, flat), flat)

    def close(self) -> dict:
        try:
            return self._write()
        finally:
            self.spills.close()

    def _write(self) -> dict:
        files, node_count, relationship_count, multiline = [], 0, 0, False
        nodes = {key[1]: spill for key, spill in self.spills.items() if key[0] == "node"}
        relationships = {key[1:]: spill for key, spill in self.spills.items()
                         if key[0] == "relationship"}
        for label, spill in nodes.items():
            columns = [(key, _csv_kind(kinds)) for key, kinds in spill.columns.items() if key != "id"]
            header = ["id:ID", ":LABEL", *(f"{key}:{kind}" for key, kind in columns)]
            path = self.directory / f"nodes-{label}.csv"
            fields = _csv_fields(columns)
            multiline |= _write_csv(path, header, ([row["id"], label, *fields(row)]
                                                   for row in spill.rows()))
            files.append(("--nodes", path))
            node_count += spill.count
        by_type: dict[str, list[RowSpill]] = defaultdict(list)
        for (relation, _, _), spill in relationships.items():
            by_type[relation].append(spill)
        for relation, spills in by_type.items():
            found: dict[str, set[type]] = {}
            for spill in spills:
                for key, kinds in spill.columns.items():
                    found.setdefault(key, set()).update(kinds)
            columns = [(key, _csv_kind(kinds)) for key, kinds in found.items()]
            header = [":START_ID", ":END_ID", ":TYPE", *(f"{key}:{kind}" for key, kind in columns)]
            path = self.directory / f"relationships-{relation}.csv"
            fields = _csv_fields(columns)
            multiline |= _write_csv(path, header, ([start, end, relation, *fields(flat)]
                                                   for spill in spills
                                                   for start, end, flat in spill.rows()))
            files.append(("--relationships", path))
            relationship_count += sum(spill.count for spill in spills)
        return _write_import_args(self.directory, files, node_count, relationship_count,
                                  self.final, multiline)


def write_neo4j_csv_rows(nodes: dict[str, list[dict]],
                         relationships: dict[tuple[str, str, str], list[dict]],
                         directory: str | Path) -> dict:
    """`write_neo4j_csv` on rows shaped by `node_rows` and `relationship_rows`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files, node_count, relationship_count, multiline = [], 0, 0, False
    for label, rows in nodes.items():
        columns = [c for c in _columns(rows) if c[0] != "id"]
        header = ["id:ID", ":LABEL", *(f"{key}:{kind}" for key, kind in columns)]
        path = directory / f"nodes-{label}.csv"
        multiline |= _write_csv(path, header, ([row["id"], label,
                                   *(_csv_text(row.get(key), kind) for key, kind in columns)]
                                  for row in rows))
        files.append(("--nodes", path))
        node_count += len(rows)
    by_type: dict[str, list[dict]] = defaultdict(list)
    for (relation, _, _), rows in relationships.items():
        by_type[relation].extend(rows)
    for relation, rows in by_type.items():
        columns = _columns([row["p"] for row in rows])
        header = [":START_ID", ":END_ID", ":TYPE", *(f"{key}:{kind}" for key, kind in columns)]
        path = directory / f"relationships-{relation}.csv"
        multiline |= _write_csv(path, header, ([row["s"], row["t"], relation,
                                   *(_csv_text(row["p"].get(key), kind) for key, kind in columns)]
                                  for row in rows))
        files.append(("--relationships", path))
        relationship_count += len(rows)
    return _write_import_args(directory, files, node_count, relationship_count,
                              multiline=multiline)


def _write_import_args(directory: Path, files: list, node_count: int, relationship_count: int,
                       final: Path | None = None, multiline: bool = True) -> dict:
    """import.args in `directory`, naming each CSV by its absolute path in `final` (where
    neo4j-admin will read it; neo4j-admin resolves a relative path against its own working
    folder, not the file's), by default `directory`. `multiline`: a field holds a line break,
    so neo4j-admin must be told (`--multiline-fields=true`, which reads in one thread)."""
    folder = (final if final is not None else directory).resolve()
    options = [f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
               *([MULTILINE] if multiline else []),
               *(f"{option}={folder / path.name}" for option, path in files)]
    with atomic_path(directory / "import.args") as temp:
        temp.write_text("\n".join(options) + "\n", encoding="utf-8")
    return {"nodes": node_count, "relationships": relationship_count,
            "files": [str(path) for _, path in files], "options": options}


# ---------------------------------------------------------------- Cypher script


def cypher_literal(value) -> str:
    """A Cypher literal for a flattened property value, a list or a map."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "toFloat('NaN')"
        if math.isinf(value):
            return "toFloat('Infinity')" if value > 0 else "toFloat('-Infinity')"
        return repr(value)
    if isinstance(value, str):
        # JSON escapes (\\, \", \n, \uXXXX) are Cypher string escapes too
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{k}`: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def cypher_script(rows: SpilledRows, batch: int = SCRIPT_BATCH) -> Iterator[str]:
    """The statements (without `;`) that load the spilled rows of a graph: constraints, then
    nodes and relationships as `UNWIND [literal rows] … MERGE`, idempotent like the Bolt
    loader."""
    yield from constraint_statements()
    yield "CALL db.awaitIndexes(300)"
    for label, found in rows.node_rows().items():
        for chunk in chunked(found, batch):
            yield node_statement(label, cypher_literal(chunk))
    for (relation, start, end), found in rows.relationship_rows().items():
        for chunk in chunked(found, batch):
            yield relationship_statement(relation, start, end, cypher_literal(chunk))


def write_cypher_script(graph: nx.MultiDiGraph | Walk, output: str | Path | TextIO) -> int:
    """Write the script (for `cypher-shell -f PATH`) to a path (atomically) or a text stream;
    returns the number of statements. The rows are spilled to temporary files first (the
    header counts them), so memory holds only the node ids."""
    if not isinstance(output, str | Path):
        return _write_script(graph, output)
    with atomic_path(output) as temp, open(temp, "w", encoding="utf-8") as handle:
        return _write_script(graph, handle)


def _write_script(graph: nx.MultiDiGraph | Walk, handle: TextIO) -> int:
    count = 0
    with SpilledRows(graph_walk(graph), kept=False) as rows:
        handle.write(f"// kg: {rows.nodes} nodes, {rows.relationships} relationships. Run with: "
                     "cypher-shell -f FILE (loading twice changes nothing)\n")
        for statement in cypher_script(rows):
            handle.write(statement + ";\n")
            count += 1
    return count


def chunked(rows: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` rows (the last one shorter)."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SpilledRows:
    """A walk's Neo4j rows (for Bolt and the Cypher script), written to temporary files in one
    pass: node rows by label, relationship rows by (type, start label, end label) and, with
    `kept`, the node ids and each node's out-relationships for pruning (the rows of
    `node_rows`, `relationship_rows` and `kept_relationships`, in the same order). Each table
    can be read once."""

    def __init__(self, walk: Walk, kept: bool = True) -> None:
        self.walk, self.kept = walk, kept
        self.ids: dict[str, list[str]] = defaultdict(list)
        self.nodes = self.relationships = 0
        self.starts: set[str] = set()

    def __enter__(self) -> SpilledRows:
        self.spills = RowSpills("kg-neo4j-rows-")
        try:
            self._spill()
        except BaseException:
            self.spills.close()
            raise
        return self

    def _spill(self) -> None:
        spills = self.spills
        for node, data, out in self.walk:
            label = data["type"]
            spills["node", label].add({"id": node, **properties(data)})
            for target, _, edge in out:
                flat = properties(edge)  # noted as columns: the Bolt loader names the keys
                spills["relationship", edge["type"], label, self.walk.type_of(target)].add(
                    {"s": node, "t": target, "p": flat}, flat)
            self.nodes += 1
            self.relationships += len(out)
            if self.kept:
                self.ids[label].append(node)
                spills["kept", label].add(
                    {"id": node, "keep": [f"{key} {target}" for target, key, _ in out]})
            if out:
                self.starts.add(label)

    def node_rows(self) -> dict[str, Iterable[dict]]:
        return {key[1]: spill.rows() for key, spill in self.spills.items() if key[0] == "node"}

    def relationship_rows(self) -> dict[tuple[str, str, str], Iterable[dict]]:
        return {key[1:]: spill.rows() for key, spill in self.spills.items()
                if key[0] == "relationship"}

    def relationship_keys(self) -> dict[tuple[str, str, str], list[str]]:
        """(type, start label, end label) → the property keys its rows have, first seen first."""
        return {key[1:]: list(spill.columns) for key, spill in self.spills.items()
                if key[0] == "relationship"}

    def kept_relationships(self) -> dict[str, Iterable[dict]]:
        return {key[1]: spill.rows() for key, spill in self.spills.items()
                if key[0] == "kept" and key[1] in self.starts}

    def __exit__(self, *exc) -> None:
        self.spills.close()
