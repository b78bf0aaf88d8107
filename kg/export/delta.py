"""An update's statement outputs changed by delta (`kg.graph.delta`) instead of written again:
the Oxigraph store is copied as a checkpoint of the previous build's (hard links to its files,
so the copy costs next to nothing and the previous build stays whole until the switch) and
changed in place; `graph.ttl` and the N-Triples are copied without the removed units'
statements, then the changed units' statements are appended. Which statements a unit owns:
an entity, author or repository node's are those whose subject it is; a paper's are its
named graph (the paper, its annotations and results), whose subjects the previous store
lists."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import unescape

import pyoxigraph as ox

from kg.engine.buildfolder import pause_for_tests
from kg.export.rdf import NQuadsSink, node_iri, paper_graph_iri
from kg.graph.delta import Delta, DeltaWalk, is_paper_unit, unit_of
from kg.graph.stream import NODE_TYPES_BY_PREFIX
from kg.io import atomic_path

SUBJECTS_PER_UPDATE = 500  # subjects deleted by one SPARQL update


def agent_iris(agents: Iterable[tuple[str, str]], base: str) -> set[str]:
    """The IRIs `StatementWriter.footer` gives these software agents."""
    return {f"<{node_iri(f'agent/{name}/{version}' if version else f'agent/{name}', base).value}>"
            for name, version in agents}


def write_statements_by_delta(previous: Path, stage: Path, delta: Delta, whole, base: str,
                              agents_before: Iterable[tuple[str, str]],
                              agents_now: Iterable[tuple[str, str]], store_name: str,
                              ntriples: Path | None = None, lap=None) -> dict:
    """Write `stage`'s store, graph.ttl and (`ntriples`) N-Triples from the previous build's
    in `previous` and `delta`; `whole`: the new build's walk (node types). Returns the seconds
    of each step (`lap()`: the seconds since it was last called)."""
    seconds = {}
    old_store = ox.Store.read_only(str(previous / store_name))
    paper_graphs = [paper_graph_iri(unit, base) for unit in sorted(delta.removed) if is_paper_unit(unit)]
    node_subjects = {f"<{node_iri(unit, base).value}>" for unit in delta.removed
                     if not is_paper_unit(unit)} | agent_iris(agents_before, base)
    paper_subjects = {str(quad.subject) for graph in paper_graphs
                      for quad in old_store.quads_for_pattern(None, None, None, graph)}
    added = _delta_statements(delta, whole, base, agents_now)
    seconds["delta statements"] = lap()

    with atomic_path(stage / store_name, directory=True) as target:
        target.rmdir()  # the checkpoint makes the folder
        old_store.backup(str(target))
        del old_store
        store = ox.Store(str(target))
        for graph in paper_graphs:
            store.remove_graph(graph)
        subjects = sorted(node_subjects)
        for first in range(0, len(subjects), SUBJECTS_PER_UPDATE):
            values = " ".join(subjects[first:first + SUBJECTS_PER_UPDATE])
            store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
        store.load(added["nquads"], format=ox.RdfFormat.N_QUADS, lenient=True)
        store.flush()
        del store
    seconds["oxigraph delta"] = lap()
    pause_for_tests("delta")

    removed = {subject.encode("utf-8") for subject in node_subjects | paper_subjects}
    with atomic_path(stage / "graph.ttl") as temp:
        _copy_turtle_without(previous / "graph.ttl", temp, removed, added["turtle"])
    seconds["graph.ttl delta"] = lap()
    if ntriples is not None:
        with atomic_path(ntriples) as temp:
            _copy_ntriples_without(previous / ntriples.name, temp, removed, added["ntriples"])
        seconds["N-Triples delta"] = lap()
    return seconds


def _delta_statements(delta: Delta, whole, base: str, agents: Iterable[tuple[str, str]]) -> dict:
    """The changed units' statements as N-Quads, Turtle blocks and N-Triples, with every
    software agent of the new build (their statements were removed with the old agents)."""
    nquads, turtle, ntriples = io.BytesIO(), io.BytesIO(), io.BytesIO()
    sink = NQuadsSink(nquads, DeltaWalk(delta.items, whole), base, turtle=turtle,
                      ntriples=ntriples, preamble=False)
    for item in delta.items:
        sink.add(*item)
    sink.writer.agents = set(agents)
    sink.close()
    return {"nquads": nquads.getvalue(), "turtle": turtle.getvalue(), "ntriples": ntriples.getvalue()}


def _copy_ntriples_without(source: Path, target: Path, subjects: set[bytes], added: bytes) -> None:
    with open(source, "rb") as old, open(target, "wb", buffering=1 << 20) as new:
        new.writelines(line for line in old if line[:line.find(b" ")] not in subjects)
        new.write(added)


def _copy_turtle_without(source: Path, target: Path, subjects: set[bytes], added: bytes,
                         chunk_size: int = 1 << 24) -> None:
    """graph.ttl is written one block per subject (`NQuadsSink`): a line opening with the
    subject, then lines opening with a tab, the last ending with ` .`. Read in chunks that
    end before a subject's line, each subject looked up once and the kept bytes between
    removed blocks written whole (a loop over the lines took 44 s for a 1M-paper build's
    6 GB)."""
    with open(source, "rb") as old, open(target, "wb", buffering=1 << 20) as new:
        for chunk in _chunks_of_blocks(old, chunk_size):
            kept = 0
            for start, end in _subject_lines(chunk):
                if chunk[start:end] in subjects:
                    new.write(chunk[kept:start])
                    last = _BLOCK_END.search(chunk, end)
                    kept = last.end() if last else len(chunk)
            new.write(chunk[kept:])
        new.write(added)


_SUBJECT = re.compile(rb"<[^ \n]*")
_SUBJECT_AFTER_NEWLINE = re.compile(rb"\n(<[^ \n]*)")  # a literal start: searched fast
_BLOCK_END = re.compile(rb"\n(?!\t)")  # after the last line of a block: a line with no tab


def _subject_lines(chunk: bytes):
    """(start, end) of the subject opening each line that opens with `<`."""
    if chunk[:1] == b"<":
        yield 0, _SUBJECT.match(chunk).end()
    for subject in _SUBJECT_AFTER_NEWLINE.finditer(chunk):
        yield subject.start(1), subject.end(1)


def _chunks_of_blocks(handle, size: int):
    """The file's bytes in chunks of about `size`, each cut just before a line that opens
    with `<`, so no subject's block is split between two chunks."""
    rest = b""
    while block := handle.read(size):
        rest += block
        cut = rest.rfind(b"\n<")
        if cut < 0:
            continue
        yield rest[:cut + 1]
        rest = rest[cut + 1:]
    if rest:
        yield rest


def write_ladybug_by_delta(previous: Path, target: Path, delta: Delta, type_of) -> None:
    """The previous build's Ladybug store copied to `target`, then changed: the removed
    papers (with their results) and the entity, author and repository nodes that are gone
    deleted with their relationships; the changed nodes that stay get their new properties
    (their relationships from unchanged papers stay); the new and changed papers, their
    results and relationships, and the new nodes added by COPY (`LadybugSink`)."""
    from kg.query.cypher import LadybugSink, column_values, node_columns

    shutil.copyfile(previous, target)
    sink = LadybugSink(target, type_of, create=False)
    papers = sorted(unit for unit in delta.removed if is_paper_unit(unit))
    gone: dict[str, list[str]] = defaultdict(list)
    for unit in sorted(delta.gone - set(papers)):
        gone[NODE_TYPES_BY_PREFIX[unit.split("/", 1)[0]]].append(unit)
    kept: dict[str, list] = defaultdict(list)  # node type → [node, data] of changed nodes that stay
    for node, data, out in delta.items:
        if not is_paper_unit(unit_of(node)) and node in delta.previous:
            kept[data["type"]].append((node, data))
        else:
            sink.add(node, data, out)
    try:
        with sink._opened() as connection:
            connection.execute("MATCH (p:Paper)-[:REPORTS]->(r:Result) WHERE p.id IN $ids "
                               "DETACH DELETE r", {"ids": papers})
            connection.execute("MATCH (p:Paper) WHERE p.id IN $ids DETACH DELETE p", {"ids": papers})
            for node_type, ids in gone.items():
                connection.execute(f"MATCH (n:{node_type}) WHERE n.id IN $ids DETACH DELETE n",
                                   {"ids": ids})
            for node_type, nodes in kept.items():
                _set_properties(connection, node_type, nodes, node_columns(node_type), column_values)
    except BaseException:
        sink.spills.close()
        raise
    sink.close()


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
_ENTITIES = {"&quot;": '"', "&apos;": "'", "&#10;": "\n", "&#13;": "\r", "&#9;": "\t"}


def write_graphml_by_delta(previous: Path, target: Path, delta: Delta) -> None:
    """graph.graphml as the previous build's without the removed units' node and edge
    elements, with the changed units' added (under the previous file's data keys, new keys
    after them)."""
    from kg.export.graphml import GraphmlSink

    with open(previous, encoding="utf-8") as old:
        keys = {}
        for line in old:
            if line.startswith("  <graph "):
                break
            if match := _KEY.match(line):
                number, scope, name, kind = match.groups()
                keys[int(number)] = ((unescape(name[1:-1], _ENTITIES), kind, scope), f"d{number}")
        sink = GraphmlSink(target, dict(keys[number] for number in sorted(keys)))
        for item in delta.items:
            sink.add(*item)
        elements = _KeptElements(old, delta.removed)
        sink.close(nodes_before=elements.nodes(), edges_before=elements.edges())


class _KeptElements:
    """The element lines of a previous GraphML body (`GraphmlSink`'s layout: four spaces
    before each `<node id=` or `<edge source=`, an element's closing tag on a line of its own)
    whose node or edge source is in no removed unit: `nodes()`, then `edges()`, read from one
    pass over the file."""

    def __init__(self, lines, removed: set[str]) -> None:
        self.lines, self.removed, self.pending = lines, removed, None

    def _keep(self, line: str) -> bool:
        at = 13 if line[5] == "n" else 17
        quote = line[at]
        return unit_of(unescape(line[at + 1:line.index(quote, at + 1)], _ENTITIES)) not in self.removed

    def _elements(self, nodes: bool):
        keep = True
        if self.pending is not None:
            line, self.pending = self.pending, None
            if keep := self._keep(line):
                yield line
        for line in self.lines:
            if line.startswith(("    <node id=", "    <edge source=")):
                if nodes and line[5] == "e":
                    self.pending = line
                    return
                keep = self._keep(line)
            elif line.startswith("  </graph>"):
                return
            if keep:
                yield line

    def nodes(self):
        return self._elements(nodes=True)

    def edges(self):
        return self._elements(nodes=False)


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
        for name, option, old, fixed, columns, spills in plans:
            rows = _write_csv_delta(target / name, old, fixed, columns, spills, delta.removed,
                                    _csv_fields(columns))
            if rows == 0:
                (target / name).unlink()
                continue
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
                     removed: set[str], fields) -> int:
    """Write one CSV: the previous file's rows not starting at a removed unit, then the new
    rows; returns the number of rows."""
    count = 0
    with atomic_path(path) as temp, open(temp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*fixed, *(f"{column}:{kind}" for column, kind in columns)])
        if old is not None:
            with open(old, encoding="utf-8", newline="") as previous:
                reader = csv.reader(previous)
                next(reader)
                for row in reader:
                    if unit_of(row[0]) not in removed:
                        writer.writerow(row)
                        count += 1
        for label, spill in spills:
            if fixed[0] == "id:ID":
                rows = ([row["id"], label, *fields(row)] for row in spill.rows())
            else:
                rows = ([start, end, label, *fields(flat)] for start, end, flat in spill.rows())
            for row in rows:
                writer.writerow(row)
                count += 1
    return count
