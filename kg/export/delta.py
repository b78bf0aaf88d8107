"""An update's statement outputs changed by delta (`kg.graph.delta`) instead of written again:
the Oxigraph store is copied as a checkpoint of the previous build's (hard links to its files,
so the copy costs next to nothing and the previous build stays whole until the switch) and
changed in place; `graph.ttl`, the N-Triples and `graph.graphml` are copied without the
removed units' text (byte ranges kept beside each file, `kg.export.ranges`), then the changed
units' text is appended. Which statements a unit owns: an entity, author or repository
node's are those whose subject it is; a paper's are its named graph (the paper, its
annotations and results)."""

from __future__ import annotations

import csv
import io
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import unescape

import pyoxigraph as ox

from kg.engine.records import records_at
from kg.export.ranges import (
    AGENTS,
    ENTITIES,
    Ranges,
    copy_ranges,
    ranges_path,
    read_ranges,
    scan_graphml,
    scan_statements,
    write_ranges,
)
from kg.export.rdf import NQuadsSink, StatementWriter, node_iri, nquads_text, paper_graph_iri
from kg.graph.delta import Delta, DeltaWalk, is_paper_unit, unit_of
from kg.graph.stream import NODE_TYPES_BY_PREFIX
from kg.io import atomic_path, copy_file
from kg.query.sparql import checkpoint_store

SUBJECTS_PER_UPDATE = 500  # subjects deleted by one SPARQL update


def agent_iris(agents: Iterable[tuple[str, str]], base: str) -> set[str]:
    """The IRIs `StatementWriter.footer` gives these software agents."""
    return {f"<{node_iri(f'agent/{name}/{version}' if version else f'agent/{name}', base).value}>"
            for name, version in agents}


@dataclass
class StatementDelta:
    """What an update changes in the statement outputs: the papers whose named graphs go
    whole, the statements that go one by one (N-Quads: of changed papers whose previous
    statements are known, `earlier`), the removed nodes' subjects (and the previous agents'),
    the units whose text goes, and the statements to add (`_delta_statements`)."""

    paper_graphs: list
    node_subjects: set[str]
    units: set[str]
    added: dict
    gone: bytes = b""


def statement_delta(delta: Delta, whole, base: str, agents_before: Iterable[tuple[str, str]],
                    agents_now: Iterable[tuple[str, str]],
                    earlier: dict[str, list] | None = None) -> StatementDelta:
    """The statement outputs' change for `delta`; `whole`: the new build's walk (node types);
    `earlier`: the previous items of changed papers (`earlier_paper_items`), whose statements
    in the store change one by one where they differ."""
    before = _statements_before(earlier or {}, whole, base)
    added, gone, compared = _delta_statements(delta, whole, base, agents_now, before)
    return StatementDelta(
        paper_graphs=[paper_graph_iri(unit, base) for unit in sorted(delta.removed)
                      if is_paper_unit(unit) and unit not in compared],
        node_subjects={f"<{node_iri(unit, base).value}>" for unit in delta.removed
                       if not is_paper_unit(unit)} | agent_iris(agents_before, base),
        units=delta.removed | {AGENTS},  # the agents' statements are written again after the rest
        added=added, gone=gone)


def write_store_by_delta(previous: Path, stage: Path, change: StatementDelta,
                         store_name: str) -> None:
    """`stage`'s SPARQL store: a checkpoint of the previous build's, changed by `change`:
    whole paper graphs and node subjects deleted, single statements deleted, the new
    statements bulk-loaded."""
    with atomic_path(stage / store_name, directory=True) as target:
        target.rmdir()  # the checkpoint makes the folder
        checkpoint_store(previous / store_name, target)
        store = ox.Store(str(target))
        for graph in change.paper_graphs:
            store.remove_graph(graph)
        for quad in ox.parse(change.gone, format=ox.RdfFormat.N_QUADS, lenient=True):
            store.remove(quad)
        subjects = sorted(change.node_subjects)
        for first in range(0, len(subjects), SUBJECTS_PER_UPDATE):
            values = " ".join(subjects[first:first + SUBJECTS_PER_UPDATE])
            store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
        # the bulk loader writes sorted files that the store takes in whole, where `load`
        # inserts quad by quad through the memtable: 3.3 s against 7.0 s (flush included)
        # for the 296k quads of a 1,000-paper update of a 1M-paper store. It is not atomic,
        # and need not be: the store is the stage's copy, thrown away if the update fails
        store.bulk_load(change.added["nquads"], format=ox.RdfFormat.N_QUADS, lenient=True)
        store.flush()
        del store


def write_statement_files_by_delta(previous: Path, stage: Path, change: StatementDelta,
                                   base: str, ntriples: Path | None = None) -> dict:
    """`stage`'s graph.ttl and (`ntriples`) N-Triples: the previous build's files less the
    removed units' text, plus the changed units' (mostly kernel copies of byte ranges, which
    an update runs beside the store's delta). Returns each file's seconds."""
    seconds, started = {}, time.perf_counter()
    _copy_without(previous / "graph.ttl", stage / "graph.ttl", change.units, change.added["turtle"],
                  change.added["ranges"]["turtle"], lambda path: scan_statements(path, base, turtle=True))
    seconds["graph.ttl delta"] = round(time.perf_counter() - started, 2)
    if ntriples is not None:
        started = time.perf_counter()
        _copy_without(previous / ntriples.name, ntriples, change.units, change.added["ntriples"],
                      change.added["ranges"]["ntriples"],
                      lambda path: scan_statements(path, base, turtle=False))
        seconds["N-Triples delta"] = round(time.perf_counter() - started, 2)
    return seconds


def _copy_without(source: Path, target: Path, units: set[str], added: bytes, added_ranges: Ranges,
                  scan) -> None:
    """Write `target` (and its ranges, each atomically) as `source` without the ranges of
    `units`, then `added`; `scan(source)`: its ranges where they were not kept."""
    ranges = (read_ranges(source) or [scan(source)])[0]
    with atomic_path(target) as temp:
        with open(temp, "wb") as new:
            kept = copy_ranges(source, new, ranges, (unit not in units for unit in ranges.units),
                               header=ranges.header_end(source.stat().st_size))
            at = new.tell()
            new.write(added)
        write_ranges(temp, [kept + added_ranges.shifted(at)])
        os.replace(ranges_path(temp), ranges_path(target))


def _statements_before(earlier: dict[str, list], whole, base: str) -> dict[str, list[tuple]]:
    """Each paper unit's statements as the previous build wrote them, from its items then."""
    writer = StatementWriter(DeltaWalk([], whole), base)
    return {unit: [statement for item in items for statement in writer.statements(*item)]
            for unit, items in earlier.items()}


def _delta_statements(delta: Delta, whole, base: str, agents: Iterable[tuple[str, str]],
                      before: dict[str, list[tuple]]) -> tuple[dict, bytes, set[str]]:
    """The changed units' statements as Turtle blocks and N-Triples, with every software agent
    of the new build (their statements were removed with the old agents), and as N-Quads for
    the store: a paper in `before` (its previous statements) only with its statements that
    are new, the others whole. Also returns the N-Quads of `before`'s statements no longer
    made, and the papers of `before` changed statement by statement (those with statements
    now: a paper with none loses its graph whole)."""
    nquads, turtle, ntriples = io.BytesIO(), io.BytesIO(), io.BytesIO()
    sink = NQuadsSink(nquads, DeltaWalk(delta.items, whole), base, turtle=turtle,
                      ntriples=ntriples, preamble=False)
    now: dict[str, list[tuple]] = defaultdict(list)
    for node, data, out in delta.items:
        if (unit := unit_of(node)) in before:
            now[unit] += sink.add(node, data, out, quads=False)
        else:
            sink.add(node, data, out)
    new, gone = [], []
    for unit, statements in now.items():
        was, is_now = set(before[unit]), set(statements)
        new += [statement for statement in statements if statement not in was]
        gone += [statement for statement in before[unit] if statement not in is_now]
    nquads.write(nquads_text(new, True))
    sink.writer.agents = set(agents)
    sink.close()
    return ({"nquads": nquads.getvalue(), "turtle": turtle.getvalue(),
             "ntriples": ntriples.getvalue(), "ranges": sink.ranges()},
            nquads_text(gone, True), set(now))


def write_ladybug_by_delta(previous: Path, target: Path, delta: Delta, type_of,
                           earlier: dict[str, list] | None = None) -> None:
    """The previous build's Ladybug store copied to `target`, then changed: the entity, author
    and repository nodes that are gone deleted with their relationships; the changed nodes
    that stay get their new properties (their relationships from unchanged papers stay); the
    new papers, results, nodes and relationships added by COPY (`LadybugSink`).

    A changed paper whose previous items are in `earlier` (`earlier_paper_items`) is changed
    edge by edge: only its results and relationships that differ are deleted and added again,
    its node and results that stay get their new properties where those differ. Any other
    changed paper is deleted with its results and added again. Ladybug rewrites the parts of
    its tables that a deletion touched when it checkpoints: at 1M papers, deleting and adding
    again the 727 papers an update's merges and renames had moved cost 15 of its 19 s, where
    their differing edges are a few per paper."""
    from kg.query.cypher import LadybugSink, column_values, node_columns

    copy_file(previous, target)  # cloned where the file system shares extents
    sink = LadybugSink(target, type_of, create=False)
    earlier = earlier or {}  # of units in delta.previous
    papers = sorted(unit for unit in delta.removed if is_paper_unit(unit) and unit not in earlier)
    gone: dict[str, list[str]] = defaultdict(list)
    for unit in sorted(delta.gone - set(papers)):
        gone[NODE_TYPES_BY_PREFIX[unit.split("/", 1)[0]]].append(unit)
    kept: dict[str, list] = defaultdict(list)  # node type → [node, data] of changed nodes that stay
    now: dict[str, list] = defaultdict(list)  # paper unit → its items now, where `earlier` has it
    for node, data, out in delta.items:
        unit = unit_of(node)
        if unit in earlier:
            now[unit].append((node, data, out))
        elif not is_paper_unit(unit) and node in delta.previous:
            kept[data["type"]].append((node, data))
        else:
            sink.add(node, data, out)
    edges_gone: dict[tuple, list] = defaultdict(list)  # (relation, from, to) → [{s, t}]
    for unit, items in now.items():
        _paper_changes(earlier[unit], items, sink, kept, gone, edges_gone, node_columns)
    try:
        with sink._opened() as connection:
            # one checkpoint at the end, not one each time the log outgrows its threshold:
            # each rewrites the column chunks the change touched (27.5 s against 21.3 s
            # for a 1,000-paper update of a 1M-paper store, cold cache)
            connection.execute("CALL auto_checkpoint=false")
            for (relation, source, target_type), pairs in sorted(edges_gone.items()):
                connection.execute(edges_gone_statement(relation, source, target_type),
                                   {"pairs": pairs})
            connection.execute("UNWIND $ids AS id MATCH (p:Paper {id: id})-[:REPORTS]->(r:Result) "
                               "DETACH DELETE r", {"ids": papers})
            connection.execute("UNWIND $ids AS id MATCH (p:Paper {id: id}) DETACH DELETE p",
                               {"ids": papers})
            for node_type, ids in gone.items():
                connection.execute(f"UNWIND $ids AS id MATCH (n:{node_type} {{id: id}}) DETACH DELETE n",
                                   {"ids": ids})
            for node_type, nodes in kept.items():
                _set_properties(connection, node_type, nodes, node_columns(node_type), column_values)
            # the new rows too: one database opened for the whole change (each COPY in its
            # own took 10 s of a 1M-paper update's 23)
            sink.connection = connection
            sink.close()
            connection.execute("CHECKPOINT")
    except BaseException:
        sink.spills.close()
        raise


def edges_gone_statement(relation: str, source: str, target_type: str) -> str:
    """The Cypher that deletes the `relation` edges of `$pairs` ({s, t}: their ends' ids). Each
    source is found by its key, then its edges: with both ends' keys in one pattern, Ladybug
    scans the whole relationship table and filters it by every pair (3,000 pairs of a
    1M-paper store: 10.7 s against 0.5 s)."""
    return (f"UNWIND $pairs AS pair MATCH (s:{source} {{id: pair.s}}) WITH s, pair "
            f"MATCH (s)-[r:{relation}]->(t:{target_type}) WHERE t.id = pair.t DELETE r")


def _paper_changes(before: list, after: list, sink, kept: dict, gone: dict, edges_gone: dict,
                   node_columns) -> None:
    """What changes a paper's items (the paper, its results: node, data, out-edges) from
    `before` to `after` in the store: new nodes to `sink`, nodes no longer there to `gone`,
    nodes with other properties to `kept`, and for each (relation, target) whose edges differ,
    the pair to `edges_gone` and its edges now to `sink`."""
    old = {node: (data, out) for node, data, out in before}
    for node, data, out in after:
        if node not in old:
            sink.add(node, data, out)
            continue
        node_type = data["type"]
        old_data, old_out = old.pop(node)
        columns = node_columns(node_type)
        if [old_data.get(c) for c in columns] != [data.get(c) for c in columns]:
            kept[node_type].append((node, data))
        was, now = _edges_by_pair(old_out), _edges_by_pair(out)
        for pair in was.keys() | now.keys():
            if was.get(pair, (None, []))[0] == now.get(pair, (None, []))[0]:
                continue
            relation, target = pair
            if pair in was:
                edges_gone[(relation, node_type, sink.type_of(target))].append({"s": node, "t": target})
            if pair in now:
                sink.add_edges(node, node_type, now[pair][1])
    for node, (data, _) in old.items():  # a result the paper no longer reports
        gone[data["type"]].append(node)


def _edges_by_pair(out: list) -> dict[tuple[str, str], tuple[list[str], list]]:
    """Out-edges by (relation, target): what the store holds of them (sorted, to compare) and
    the edges."""
    from kg.query.cypher import EDGE_COLUMNS

    pairs: dict[tuple[str, str], tuple[list[str], list]] = {}
    for target, key, edge in out:
        held, edges = pairs.setdefault((edge["type"], target), ([], []))
        held.append(repr([edge.get(column) for column in EDGE_COLUMNS]))
        edges.append((target, key, edge))
    for held, _ in pairs.values():
        held.sort()
    return pairs


def earlier_paper_items(previous: Path, walk, changed, records: Path,
                        units: set[str]) -> dict[str, list]:
    """The items (the paper and its results) that the previous build in `previous` walked for
    these paper units of the update's `changed` walk, made again from their records with that
    build's entity ids (`kg.export.page_delta.PreviousIds`): a paper's items depend only on its
    record and its entities' ids. A paper whose entities that build cannot name is left out."""
    from kg.export.page_delta import PreviousIds
    from kg.graph.build import paper_node_id
    from kg.graph.stream import BuildWalk

    if not units or not (previous / "entities.jsonl").is_file():
        return {}
    earlier = BuildWalk(lambda: (), PreviousIds(previous / "entities.jsonl"), walk.shared)
    offsets = [offset for paper, offset in changed.papers if paper_node_id(paper) in units]
    found = {}
    for record in records_at(records, offsets):
        try:
            items = earlier.paper_items(record, set())
        except KeyError:
            continue
        found[paper_node_id(record["id"])] = [item for item in items
                                              if item[1]["type"] in ("Paper", "Result")]
    return found


def _set_properties(connection, node_type: str, nodes: list, columns: list[str], column_values,
                    batch: int = 2000) -> None:
    """Give existing nodes their new properties, `batch` nodes a statement. A column that is
    null in every row of a batch is set to NULL: Ladybug cannot tell a list column's type from
    nulls alone."""
    for first in range(0, len(nodes), batch):
        part = nodes[first:first + batch]
        values = column_values([[data.get(column) for column in columns] for _, data in part], columns)
        rows = [{"id": node, **{column: values[column][i] for column in columns}}
                for i, (node, _) in enumerate(part)]
        sets = ", ".join(f"n.`{column}` = " + ("NULL" if all(v is None for v in values[column])
                                                else f"row.`{column}`") for column in columns)
        connection.execute(f"UNWIND $rows AS row MATCH (n:{node_type} {{id: row.id}}) SET {sets}",
                           {"rows": rows})


_KEY = re.compile(r'  <key id="d(\d+)" for="(\w+)" attr\.name=("[^"]*"|\'[^\']*\') attr\.type="(\w+)" />')


def write_graphml_by_delta(previous: Path, target: Path, delta: Delta) -> None:
    """graph.graphml as the previous build's without the removed units' node and edge
    elements, with the changed units' added (under the previous file's data keys, new keys
    after them)."""
    from kg.export.graphml import GraphmlSink

    keys = {}
    with open(previous, encoding="utf-8") as old:
        for line in old:
            if line.startswith("  <graph "):
                break
            if match := _KEY.match(line):
                number, scope, name, kind = match.groups()
                keys[int(number)] = ((unescape(name[1:-1], ENTITIES), kind, scope), f"d{number}")
    sink = GraphmlSink(target, dict(keys[number] for number in sorted(keys)), ranges=True)
    for item in delta.items:
        sink.add(*item)
    parts = read_ranges(previous, parts=2) or scan_graphml(previous)
    removed = delta.removed  # a set made at each use: once here
    sink.close(previous, parts, [[unit not in removed for unit in part.units] for part in parts])


_KIND_TYPES = {"boolean": {bool}, "long": {int}, "double": {int, float}, "string[]": {list},
               "string": {str}}


def write_neo4j_csv_by_delta(previous: Path, target: Path, delta: Delta, type_of,
                             final: Path | None = None) -> dict | None:
    """The neo4j-admin CSVs in `target` as the previous build's in `previous` without the
    removed units' rows (a node row by its id, a relationship row by its start), with the
    changed units' rows added in the previous files' columns; a label or relationship type
    the previous build did not have gets its own file. Returns `import.args`' summary, or
    None where a changed row has a property the previous file has no column for, or a value
    its column's type cannot hold (then the CSVs are written again)."""
    from kg.export.neo4j_files import (
        Neo4jCsvSink,
        _csv_fields,
        _csv_kind,
        _line_feeds,
        _write_import_args,
        multiline_fields,
    )

    sink = Neo4jCsvSink(target, type_of, final)
    try:
        for item in delta.items:
            sink.add(*item)
        files: dict[str, tuple[str, list, list]] = {}  # name → (option, spills, fixed columns)
        for key, spill in sink.spills.items():
            if key[0] == "node":
                files[f"nodes-{key[1]}.csv"] = ("--nodes", [(key[1], spill)], ["id:ID", ":LABEL"])
            else:
                entry = files.setdefault(f"relationships-{key[1]}.csv",
                                         ("--relationships", [], [":START_ID", ":END_ID", ":TYPE"]))
                entry[1].append((key[1], spill))
        order = _previous_files(previous / "import.args")
        for name in files:
            if name not in order:
                order.append(name)
        plans = []
        for name in order:
            option, spills, fixed = files.get(name) or (
                "--nodes" if name.startswith("nodes-") else "--relationships", [], [])
            found: dict[str, set[type]] = {}
            for _, spill in spills:
                for column, kinds in spill.columns.items():
                    if column != "id":
                        found.setdefault(column, set()).update(kinds)
            old = previous / name
            if old.is_file():
                with open(old, encoding="utf-8", newline="") as handle:
                    header = next(csv.reader(handle))
                fixed = header[:3 if option == "--relationships" else 2]
                columns = [tuple(field.rsplit(":", 1)) for field in header[len(fixed):]]
                kinds = dict(columns)
                if any(column not in kinds or _csv_kind(_KIND_TYPES[kinds[column]] | types)
                       != kinds[column] for column, types in found.items()):
                    return None
            else:
                columns = [(column, _csv_kind(types)) for column, types in found.items()]
            plans.append((name, option, old if old.is_file() else None, fixed, columns, spills))
        written, counts, multiline = [], {"--nodes": 0, "--relationships": 0}, False
        removed = delta.removed
        single_line = not multiline_fields(previous)
        for name, option, old, fixed, columns, spills in plans:
            rows, new_multiline = _write_csv_delta(target / name, old, fixed, columns, spills,
                                                   removed, _csv_fields(columns), single_line)
            if rows == 0:
                (target / name).unlink()
                continue
            if single_line:
                multiline |= new_multiline
            else:
                multiline |= _line_feeds(target / name) != rows + 1
            counts[option] += rows
            written.append((option, target / name))
        return _write_import_args(target, written, counts["--nodes"], counts["--relationships"],
                                  final, multiline)
    finally:
        sink.spills.close()


def _previous_files(import_args: Path) -> list[str]:
    """The CSV file names `import.args` lists, in its order."""
    if not import_args.is_file():
        return []
    return [Path(line.split("=", 1)[1]).name for line in import_args.read_text(encoding="utf-8").splitlines()
            if line.startswith(("--nodes=", "--relationships="))]


def _write_csv_delta(path: Path, old: Path | None, fixed: list[str], columns: list, spills: list,
                     removed: set[str], fields, single_line: bool = False) -> tuple[int, bool]:
    """Write one CSV: the previous file's rows not starting at a removed unit, then the new
    rows; returns the number of rows and whether a new row's field holds a line break.
    `single_line`: no previous row spans lines (its import.args asks for no multiline
    fields), so the previous rows are filtered as byte lines, each read only up to its first
    comma, instead of parsed and written again field by field."""
    count = 0
    with atomic_path(path) as temp, open(temp, "wb") as handle:
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(
            [*fixed, *(f"{column}:{kind}" for column, kind in columns)])
        handle.write(header.getvalue().encode("utf-8"))
        if old is not None and single_line:
            count += _copy_kept_lines(old, handle, removed)
        elif old is not None:
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
            writer = csv.writer(text, lineterminator="\n")
            with open(old, encoding="utf-8", newline="") as previous:
                reader = csv.reader(previous)
                next(reader)
                for row in reader:
                    if unit_of(row[0]) not in removed:
                        writer.writerow(row)
                        count += 1
            text.detach()
        new_rows, line_break = _write_new_rows(handle, fixed, spills, fields)
    return count + new_rows, line_break


def _copy_kept_lines(old: Path, out, removed: set[str]) -> int:
    """Copy the lines of a single-line CSV (less its header) whose row does not start at a
    removed unit; returns how many were kept."""
    kept = 0
    with open(old, "rb") as previous:
        previous.readline()
        while lines := previous.readlines(1 << 22):
            chosen = [line for line in lines if unit_of(_first_field(line)) not in removed]
            out.writelines(chosen)
            kept += len(chosen)
    return kept


def _first_field(line: bytes) -> str:
    """A single-line CSV row's first field, read up to the first comma (a quoted one parsed)."""
    if line.startswith(b'"'):
        return next(csv.reader([line.decode("utf-8")]))[0]
    return (line[:line.find(b",")] if b"," in line else line.rstrip(b"\n")).decode("utf-8")


def _write_new_rows(handle, fixed: list[str], spills: list, fields) -> tuple[int, bool]:
    """Append the spills' rows to the binary `handle`; returns their number and whether a
    field holds a line break (more line feeds than rows, or a carriage return)."""
    count, line_break, pending = 0, False, 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> None:
        nonlocal line_break, pending
        text = buffer.getvalue()
        line_break |= "\r" in text or text.count("\n") != pending
        handle.write(text.encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
        pending = 0

    for label, spill in spills:
        if fixed[0] == "id:ID":
            rows = ([row["id"], label, *fields(row)] for row in spill.rows())
        else:
            rows = ([start, end, label, *fields(flat)] for start, end, flat in spill.rows())
        for row in rows:
            writer.writerow(row)
            count += 1
            pending += 1
            if pending == 10_000:
                flush()
    flush()
    return count, line_break
