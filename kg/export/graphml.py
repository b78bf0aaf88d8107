"""GraphML for Gephi, yEd and networkx users. Lists become JSON strings; None is left out.

Written as a stream (the layout of `networkx.write_graphml`: keys, then every node, then every
edge): nodes and edges go to two temporary files as they come, and the document is put
together from them once the keys are known, so memory holds only the keys."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from kg.export.ranges import RangeMarks, Ranges, copy_ranges, ranges_path, write_ranges
from kg.graph.delta import unit_of
from kg.graph.stream import Walk, graph_walk
from kg.io import atomic_path, temp_prefix

XML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_MARKUP = re.compile(r"[&<>]").search
HEADER = ("<?xml version='1.0' encoding='utf-8'?>\n"
          '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
          'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')


@lru_cache(maxsize=1 << 16)
def _attribute(text: str) -> str:
    """An XML attribute value, quoted (node ids and relations repeat: cached)."""
    return quoteattr(text)


class GraphmlSink:
    """Writes walk items as GraphML to `path` (atomically, on `close`); `ranges`: keep where
    each unit's elements lie beside it (`kg.export.ranges`, for a build's updates)."""

    def __init__(self, path: str | Path, keys: dict | None = None, ranges: bool = False) -> None:
        """`keys`: the data keys of a file these items are added to (`kg.export.delta`)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.parts-{temp_prefix()}",
                                          dir=self.path.parent))
        self.nodes = open(self.folder / "nodes.xml", "wb")
        self.edges = open(self.folder / "edges.xml", "wb")
        self.keys: dict[tuple[str, str, str], str] = dict(keys or {})  # (name, type, scope) → id
        self.tags: dict[tuple[str, type, str], tuple[str, bool]] = {}  # see _tag
        self.keep_ranges = ranges
        self.node_marks, self.edge_marks = RangeMarks(), RangeMarks()
        self.nodes_at = self.edges_at = 0  # bytes written to each part

    def _data(self, data: dict, scope: str) -> str:
        parts, tags = [], self.tags
        for name, value in data.items():
            if value is None:
                continue
            tag = tags.get((name, type(value), scope))
            if tag is None:
                tag = self._tag(name, value, scope)
            opening, as_json = tag
            text = json.dumps(value) if as_json else value if type(value) is str else str(value)
            if _MARKUP(text):
                text = escape(text)
            parts.append(f"{opening}{text}</data>\n")
        return "".join(parts)

    def _tag(self, name: str, value, scope: str) -> tuple[str, bool]:
        """The `<data key=...>` opening for a value of this name and Python type, and whether
        the value is written as JSON; its key is registered on first use."""
        as_json = isinstance(value, list | dict)
        kind = "string" if as_json else XML_TYPES.get(type(value), "string")
        key = self.keys.get((name, kind, scope))
        if key is None:
            key = self.keys[(name, kind, scope)] = f"d{len(self.keys)}"
        tag = self.tags[(name, type(value), scope)] = (f'      <data key="{key}">', as_json)
        return tag

    def add(self, node: str, data: dict, out: list) -> None:
        body = self._data(data, "node")
        source = _attribute(str(node))
        unit = unit_of(node)
        self.node_marks.mark(unit, self.nodes_at)
        self.nodes_at += self.nodes.write((f"    <node id={source}>\n{body}    </node>\n" if body
                                           else f"    <node id={source} />\n").encode("utf-8"))
        if out:
            edges = []
            for target, key, edge in out:
                body = self._data(edge, "edge")
                start = f"    <edge source={source} target={_attribute(str(target))} id={_attribute(str(key))}"
                edges.append(f"{start}>\n{body}    </edge>\n" if body else f"{start} />\n")
            self.edge_marks.mark(unit, self.edges_at)
            self.edges_at += self.edges.write("".join(edges).encode("utf-8"))

    def close(self, previous: Path | None = None, kept: list[Ranges] | None = None,
              keep: list | None = None) -> None:
        """Write the file; `previous`: a GraphML file whose node and edge elements in `kept`
        (its node and edge ranges, those where `keep`) come before this sink's own."""
        try:
            self.nodes.close()
            self.edges.close()
            with atomic_path(self.path) as temp:
                with open(temp, "wb") as handle:
                    parts = self._write(handle, previous, kept, keep)
                if self.keep_ranges:
                    write_ranges(temp, parts)
                    os.replace(ranges_path(temp), ranges_path(self.path))
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _write(self, handle, previous, kept, keep) -> list[Ranges]:
        handle.write(HEADER.encode("utf-8"))
        for (name, kind, scope), key in reversed(self.keys.items()):  # as networkx lists them
            handle.write(f'  <key id="{key}" for="{scope}" attr.name={quoteattr(name)} '
                         f'attr.type="{kind}" />\n'.encode())
        handle.write(b'  <graph edgedefault="directed">\n')
        parts = []
        for number, (name, marks, end) in enumerate((("nodes.xml", self.node_marks, self.nodes_at),
                                                     ("edges.xml", self.edge_marks, self.edges_at))):
            before = (copy_ranges(previous, handle, kept[number], keep[number])
                      if previous is not None else Ranges([], [], []))
            at = handle.tell()
            with open(self.folder / name, "rb") as body:
                shutil.copyfileobj(body, handle, 1 << 20)
            parts.append(before + marks.ranges(end).shifted(at))
        handle.write(b"  </graph>\n</graphml>")
        return parts


def write_graphml(graph: nx.MultiDiGraph | Walk, path: str | Path) -> None:
    sink = GraphmlSink(path)
    for item in graph_walk(graph):
        sink.add(*item)
    sink.close()
