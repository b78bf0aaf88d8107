"""An extraction records file read from disk on demand, so the graph can be assembled
without holding every record (and every mention) in memory at once.

Records are decoded with msgspec (several times faster than `json`); the linking passes decode
only the fields they read (`linking()`), which skips the mentions' text, the abstract and the
title."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import msgspec

from kg.io import json_lines


class _Worthiness(TypedDict):
    generic: bool


class _Entity(TypedDict):
    id: str
    label: str
    name: str
    aliases: list[str]
    catalogue_id: NotRequired[str | None]
    confidence: NotRequired[float]
    worthiness: NotRequired[_Worthiness]


class _Mention(TypedDict):
    entity_id: NotRequired[str | None]


class LinkingRecord(TypedDict):
    """The fields of an extraction record that `kg.link.canonical` reads."""

    id: str
    entities: list[_Entity]
    mentions: list[_Mention]


class IdentityRecord(TypedDict):
    """The fields of an extraction record that `kg.sources.dedup` compares a new paper with."""

    id: str
    title: str
    date: NotRequired[Any]
    arxiv_id: NotRequired[Any]
    doi: NotRequired[Any]
    source: NotRequired[Any]


_DECODE = msgspec.json.Decoder().decode
_DECODE_LINKING = msgspec.json.Decoder(LinkingRecord).decode
_DECODE_IDENTITY = msgspec.json.Decoder(IdentityRecord).decode


class ExtractionsFile:
    """`OUT/extractions.jsonl`: iterate it in file order, or `by_id()` in paper id order
    (the byte offsets of the lines, sorted by paper id, are the only thing kept in memory;
    a full pass in file order finds them on the way)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._sorted_offsets: array | None = None
        self._known: Iterable[tuple[str, int]] | None = None  # (id, offset) found elsewhere
        self._count: int | None = None

    def _lines(self, decode) -> Iterator:
        if self._sorted_offsets is not None or self._known is not None:  # known: just read
            with open(self.path, "rb") as handle:
                for line in handle:
                    if line.strip():
                        yield decode(line)
            return
        ids: list[tuple[str, int]] = []
        offset = 0
        with open(self.path, "rb") as handle:
            for line in handle:
                if line.strip():
                    record = decode(line)
                    ids.append((record["id"], offset))
                    yield record
                offset += len(line)
        ids.sort()
        self._sorted_offsets = array("q", (offset for _, offset in ids))
        self._count = len(ids)

    def __iter__(self) -> Iterator[dict]:
        return self._lines(_DECODE)

    def lines(self) -> Iterator[bytes]:
        """The records as their JSON lines (each ending in a newline), not decoded."""
        return json_lines(self.path)

    def identities(self) -> Iterator[IdentityRecord]:
        """The records with only what tells papers apart (id, title, date, arXiv id, DOI,
        source): an update checks its new papers against these, and a 1M-paper build decodes
        them 30 times faster than whole records."""
        return self._lines(_DECODE_IDENTITY)

    def linking(self) -> LinkingFile:
        """The same records with only id, entities and mentions' entity ids: what the
        canonical index reads, decoded several times faster."""
        return LinkingFile(self)

    def offsets(self) -> array:
        """Byte offsets of the records' lines, in paper id order."""
        if self._sorted_offsets is None and self._known is not None:
            self._sorted_offsets = array("q", (offset for _, offset in sorted(self._known)))
            self._known = None
        if self._sorted_offsets is None:
            for _ in self._lines(_id_only):
                pass
        return self._sorted_offsets

    def by_id(self) -> Iterator[dict]:
        """The records in paper id order, the order `build_graph` adds papers in."""
        return records_at(self.path, self.offsets())

    def know_offsets(self, ids: Iterable[tuple[str, int]], count: int, later: bool = False) -> None:
        """Every record's (paper id, line offset), `count` of them, found elsewhere (a pass,
        a kept index), so `by_id` needs no pass of its own. Sorted now, so that only the
        offsets are kept (a list of pairs holds about 100 bytes a paper); `later`: when first
        needed, `ids` being a view of what is kept anyway (the kept evidence), which an update
        that walks only what changed never needs (the sort took 1.2 s at 1M papers)."""
        self._sorted_offsets, self._known, self._count = None, ids, count
        if not later:
            self.offsets()

    def __len__(self) -> int:
        if self._count is None:
            self.offsets()
        return self._count


def records_at(path: str | Path, offsets: Iterable[int]) -> Iterator[dict]:
    """The records whose lines start at `offsets` in the records file `path`, in that order."""
    with open(path, "rb") as handle:
        for offset in offsets:
            handle.seek(offset)
            yield _DECODE(handle.readline())


class LinkingFile:
    """`ExtractionsFile.linking()`: re-iterable, each pass reading the file again."""

    def __init__(self, extractions: ExtractionsFile) -> None:
        self.extractions = extractions

    def __iter__(self) -> Iterator[LinkingRecord]:
        return self.extractions._lines(_DECODE_LINKING)

    def with_offsets(self, start: int = 0) -> Iterator[tuple[int, LinkingRecord]]:
        """(byte offset of its line, record) for the records from byte `start` on (a line's
        start: an update's new papers begin where the previous file ended). A pass from the
        start also notes the offsets in paper id order, as iterating does."""
        ids: list[tuple[str, int]] = []
        offset = start
        with open(self.extractions.path, "rb") as handle:
            handle.seek(start)
            for line in handle:
                if line.strip():
                    record = _DECODE_LINKING(line)
                    ids.append((record["id"], offset))
                    yield offset, record
                offset += len(line)
        if start == 0:
            self.extractions.know_offsets(ids, len(ids))


class _IdOnly(TypedDict):
    id: str


_id_only = msgspec.json.Decoder(_IdOnly).decode
