"""What an update changes in the graph, unit by unit, so that its outputs can be changed by
delta instead of written again (`kg.export.delta`).

A build's walk (`kg.graph.stream`) is cut into units, each the part of every output that
one thing owns: an entity, author or repository node (the statements and rows whose subject
it is), or a paper with its results (its named graph, its rows and out-edges). Each build
keeps a short digest of every unit's walk items in `graph.digests`; an update walks its new
graph once (cheap beside writing it), digests it the same way, and hands the outputs only the
units whose digest changed, with the units that are gone. An output changed that way holds
what writing it again would hold (tested against full rebuilds in `tests/graph/test_update.py`).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from kg.graph.stream import Walk, WalkItem
from kg.io import atomic_path

DIGESTS = "graph.digests"
FORMAT = 1


def unit_of(node: str) -> str:
    """The unit a walk item belongs to: a result's paper (`result/ID/3` → `paper/ID`), else
    the node itself."""
    if node.startswith("result/"):
        return "paper/" + node[len("result/"):].rsplit("/", 1)[0]
    return node


def is_paper_unit(unit: str) -> bool:
    return unit.startswith("paper/")


def is_entity_unit(unit: str) -> bool:
    return unit.split("/", 1)[0] not in ("paper", "author", "repository", "result")


def agents_of(data: dict, out: list) -> set[tuple[str, str]]:
    """The software agents a paper item's annotations name (as `StatementWriter` collects
    them for the statements' footer)."""
    if data.get("type") != "Paper":
        return set()
    return {(str(edge["extractor"]), str(edge.get("extractor_version") or ""))
            for _, _, edge in out if edge.get("extractor")}


_encode = msgspec.msgpack.Encoder(enc_hook=repr, order="deterministic").encode


class Digests(msgspec.Struct):
    """A build's unit digests (`graph.digests`): what the next update compares with. `code`:
    `walk_code()` of the code that walked the graph."""

    base: str
    units: dict[str, bytes]
    agents: list[tuple[str, str]]
    format: int = FORMAT
    code: str = ""


def walk_code() -> str:
    """A digest of the code that makes a paper's walk items from its record and its entities'
    ids: where it is the previous build's, a paper whose record and ids are unchanged has the
    previous digest, so an update need not walk it (`kg.graph.stream.ChangedWalk`)."""
    import kg.graph.build
    import kg.graph.model
    import kg.graph.stream
    import kg.link.identifiers
    import kg.names

    digest = hashlib.blake2b(digest_size=12)
    for module in (kg.graph.build, kg.graph.model, kg.graph.stream, kg.link.identifiers, kg.names,
                   sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def read_digests(path: str | Path) -> Digests | None:
    """The digests a build kept, or None (a build from before them, or another format)."""
    try:
        digests = msgspec.msgpack.decode(Path(path).read_bytes(), type=Digests)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return digests if digests.format == FORMAT else None


def write_digests(path: str | Path, digests: Digests) -> None:
    with atomic_path(path) as temp:
        Path(temp).write_bytes(msgspec.msgpack.encode(digests))


@dataclass
class Delta:
    """The units of the new graph that differ from the previous build's (`items`: their walk
    items, in walk order), and the previous build's units that are gone."""

    items: list[WalkItem] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)  # new or different units
    gone: set[str] = field(default_factory=set)  # units of the previous build not in this one
    previous: set[str] = field(default_factory=set)  # changed units the previous build had
    too_large: bool = False  # more changed units than the sink would keep items for

    def size(self) -> int:
        return len(self.changed) + len(self.gone)

    @property
    def removed(self) -> set[str]:
        """The previous build's units whose statements and rows go: changed or gone."""
        return self.previous | self.gone


class DigestSink:
    """A walk sink that digests every unit and, given the previous build's digests, keeps the
    walk items of the units that changed, up to `limit` units (beyond it, the delta is
    `too_large` and keeps none, so memory stays bounded). A paper's results follow it, an
    author or repository node walked with the paper between them."""

    def __init__(self, base: str, previous: Digests | None = None, limit: int | None = None,
                 partial: bool = False) -> None:
        """`partial`: it is fed a `kg.graph.stream.ChangedWalk` (every entity, some papers):
        the units it is not fed are the previous build's, and the entities it is not fed are
        gone."""
        self.base, self.previous, self.limit, self.partial = base, previous, limit, partial
        self.units: dict[str, bytes] = {}
        self.agents: set[tuple[str, str]] = set()
        self.delta = Delta() if previous is not None else None
        self._unit: str | None = None
        self._hash = None
        self._items: list[WalkItem] = []

    def add(self, node: str, data: dict, out: list) -> None:
        unit = unit_of(node)
        if data.get("type") == "Paper":
            self.agents |= agents_of(data, out)
        if not is_paper_unit(unit):  # one item; an author or repository can come between a
            self._record(unit, hashlib.blake2b(_encode((node, data, out)), digest_size=12),
                         [(node, data, out)])  # paper and its results
            return
        if unit != self._unit:
            self._finish()
            self._unit, self._hash = unit, hashlib.blake2b(digest_size=12)
        self._hash.update(_encode((node, data, out)))
        if self.delta is not None and not self.delta.too_large:
            self._items.append((node, data, out))

    def _finish(self) -> None:
        if self._unit is not None:
            self._record(self._unit, self._hash, self._items)
            self._unit, self._items = None, []

    def _record(self, unit: str, hashed, items: list[WalkItem]) -> None:
        digest = hashed.digest()
        self.units[unit] = digest
        if self.delta is None:
            return
        before = self.previous.units.get(unit)
        if before == digest:
            return
        delta = self.delta
        delta.changed.add(unit)
        if before is not None:
            delta.previous.add(unit)
        if self.limit is not None and len(delta.changed) > self.limit:
            delta.too_large, delta.items = True, []
        if not delta.too_large:
            delta.items += items

    def close(self) -> Digests:
        self._finish()
        units = self.units
        if self.partial:
            units = {unit: digest for unit, digest in self.previous.units.items()
                     if unit in self.units or not is_entity_unit(unit)}
            units.update(self.units)
            self.agents.update(self.previous.agents)
        if self.delta is not None:
            self.delta.gone = set(self.previous.units) - set(units)
        return Digests(base=self.base, units=units, agents=sorted(self.agents), code=walk_code())


class DeltaWalk(Walk):
    """The changed units' items as a walk, for the writers (`reporting_paper` from the unit,
    node types from the whole build's walk)."""

    def __init__(self, items: list[WalkItem], whole: Walk) -> None:
        self.items, self.whole = items, whole

    def __iter__(self):
        return iter(self.items)

    def type_of(self, node: str) -> str:
        return self.whole.type_of(node)

    def reporting_paper(self, result: str) -> str | None:
        return unit_of(result)
