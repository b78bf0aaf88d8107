"""Where each unit's text lies in a build's text outputs (`graph.ttl`, the N-Triples and
`graph.graphml`), kept beside each file as `NAME.ranges`, so an update copies the previous
file less the changed units' text as a few kernel copies of byte ranges (`os.copy_file_range`)
instead of reading it line by line (18–30 s for each of a 1M-paper build's 4–6 GB files).

A unit is what `kg.graph.delta` changes as one: a paper with its results and annotations, an
entity, author or repository node, and `AGENTS`, the software agents' statements written
last. The writers mark where each walk item's text begins (`RangeMarks`); a unit's range runs
to the next mark. What lies before the first range is the file's header (the Turtle prefixes,
the dataset's statements, the GraphML keys) and is kept.

The ranges are used only where the text file is still the one they were taken from (its size
and `kg.io.prefix_digest`). Otherwise, and for builds made before the ranges were kept, they
are found by reading the file once (`scan_statements`, `scan_graphml`), as the copy did
before.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote
from xml.sax.saxutils import unescape

import msgspec
import numpy as np

from kg.graph.delta import unit_of
from kg.io import atomic_path, copy_range, prefix_digest

SUFFIX = ".ranges"
FORMAT = 1
AGENTS = "agents"  # the software agents' statements (no walk node has an id without `/`)


class Ranges:
    """Byte ranges in file order: `units[i]` owns `[starts[i], ends[i])`."""

    def __init__(self, units: list[str], starts, ends) -> None:
        self.units = units
        self.starts = np.asarray(starts, dtype=np.int64)
        self.ends = np.asarray(ends, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.units)

    def header_end(self, size: int) -> int:
        """Where the first unit begins (the file's size where there is none)."""
        return int(self.starts[0]) if len(self.units) else size

    def shifted(self, by: int) -> Ranges:
        return Ranges(self.units, self.starts + by, self.ends + by)

    def __add__(self, other: Ranges) -> Ranges:
        return Ranges(self.units + other.units, np.concatenate([self.starts, other.starts]),
                      np.concatenate([self.ends, other.ends]))


class RangeMarks:
    """Collects where each unit's text begins, as a writer writes it: compactly (a 1M-paper
    build's writers mark millions of units while the walk's memory is at its peak): the
    units' UTF-8 bytes one after the other with their lengths, the positions as 64-bit
    numbers."""

    def __init__(self) -> None:
        self.units, self.lengths = bytearray(), array("q")
        self.starts = array("q")
        self.last: str | None = None
        self.end = 0  # where a part that is followed by another ends

    def mark(self, unit: str, position: int) -> None:
        if unit == self.last:  # a result after its paper: one range
            return
        self.last = unit
        encoded = unit.encode("utf-8", "surrogatepass")
        self.units += encoded
        self.lengths.append(len(encoded))
        self.starts.append(position)

    def ranges(self, end: int) -> Ranges:
        """The ranges, the last ending at `end`."""
        starts = np.array(self.starts, dtype=np.int64)
        cuts = np.concatenate([[0], np.cumsum(np.array(self.lengths, dtype=np.int64))]).tolist()
        text = bytes(self.units)
        units = [text[a:b].decode("utf-8", "surrogatepass") for a, b in pairwise(cuts)]
        return Ranges(units, starts, np.append(starts[1:], np.int64(end))[:len(starts)])


class _Kept(msgspec.Struct, array_like=True):
    format: int
    size: int  # of the text file the ranges were taken from
    check: bytes  # its `prefix_digest`
    parts: list[tuple[list[str], bytes, bytes]]  # units, starts, ends of each part of the file


def ranges_path(text: str | Path) -> Path:
    text = Path(text)
    return text.with_name(text.name + SUFFIX)


def write_ranges(text: str | Path, parts: list[Ranges]) -> None:
    """Keep the ranges of `text` (the file as written), in parts (GraphML: its node elements,
    then its edge elements)."""
    size = Path(text).stat().st_size
    kept = _Kept(FORMAT, size, prefix_digest(text, size),
                 [(part.units, part.starts.astype("<i8").tobytes(), part.ends.astype("<i8").tobytes())
                  for part in parts])
    with atomic_path(ranges_path(text)) as temp:
        temp.write_bytes(msgspec.msgpack.encode(kept))


def read_ranges(text: str | Path, parts: int = 1) -> list[Ranges] | None:
    """The ranges kept beside `text`, or None where there are none (or not in `parts` parts)
    or `text` is not the file they were taken from."""
    try:
        kept = msgspec.msgpack.decode(ranges_path(text).read_bytes(), type=_Kept)
        size = Path(text).stat().st_size
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if (kept.format != FORMAT or kept.size != size or len(kept.parts) != parts
            or kept.check != prefix_digest(text, size)):
        return None
    found = []
    for units, starts, ends in kept.parts:
        starts, ends = np.frombuffer(starts, "<i8"), np.frombuffer(ends, "<i8")
        if not len(units) == len(starts) == len(ends):
            return None
        found.append(Ranges(units, starts, ends))
    return found


def copy_ranges(source: str | Path, target: BinaryIO, ranges: Ranges,
                keep: Iterable[bool] | None = None, header: int | None = None) -> Ranges:
    """Append the kept `ranges` of `source` (all, or where `keep`) to `target`, after the
    source's first `header` bytes where given, adjacent ranges in one kernel copy; returns
    the kept ranges at their places in `target`."""
    mask = np.ones(len(ranges), dtype=bool) if keep is None else np.fromiter(keep, bool, len(ranges))
    starts, ends = ranges.starts[mask], ranges.ends[mask]
    spans = [(0, header)] if header else []  # (start, end) of source bytes, adjacent ranges joined
    if len(starts):
        breaks = np.flatnonzero(starts[1:] != ends[:-1]) + 1
        spans += zip(starts[np.r_[0, breaks]].tolist(), ends[np.r_[breaks - 1, len(ends) - 1]].tolist())
    target.flush()
    position = target.seek(0, os.SEEK_END)
    with open(source, "rb") as old:
        at = position
        for first, last in spans:
            copy_range(old.fileno(), target.fileno(), first, last, at, name=source)
            at += last - first
    target.seek(0, os.SEEK_END)
    lengths = ends - starts  # the kept ranges lie one after the other, after the header
    new_starts = position + (header or 0) + np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return Ranges([unit for unit, kept in zip(ranges.units, mask.tolist()) if kept],
                  new_starts[:len(starts)], new_starts[:len(starts)] + lengths)


# Finding the ranges of a file whose ranges were not kept: a unit begins at the first
# statement about a walk node (an annotation's statements follow its paper's; the agents'
# come last), or at a GraphML node or edge element of another unit.

_LINE_SUBJECT = re.compile(rb"^(<[^ \n>]*>)", re.MULTILINE)
_TURTLE_SUBJECT = re.compile(rb"^(<[^ \n>]*>) ", re.MULTILINE)


def _subject_unit(base: bytes):
    cut = len(base) + 1

    def unit(subject: bytes) -> str | None:
        """The unit a subject IRI opens; None: the same unit as before (an annotation, its
        target, or a statement about the dataset)."""
        if not subject.startswith(b"<" + base):
            return None
        local = subject[cut:-1].decode("utf-8", "replace")
        if not local or local.startswith("annotation/"):
            return None
        if local.startswith("agent/"):
            return AGENTS
        return unit_of(unquote(local))
    return unit


def scan_statements(path: str | Path, base: str, turtle: bool, chunk_size: int = 1 << 24) -> Ranges:
    """The ranges of a `graph.ttl` (`turtle`) or N-Triples file, read from it: each subject
    line that begins a statement block (Turtle) or a statement (N-Triples)."""
    unit_of_subject = _subject_unit(base.encode("utf-8"))
    pattern = _TURTLE_SUBJECT if turtle else _LINE_SUBJECT
    marks, offset, last = RangeMarks(), 0, None
    for chunk in _line_chunks(path, chunk_size):
        for match in pattern.finditer(chunk):
            subject = match.group(1)
            if subject == last:
                continue
            last = subject
            unit = unit_of_subject(subject)
            if unit is not None:
                marks.mark(unit, offset + match.start())
        offset += len(chunk)
    return marks.ranges(offset)


_ELEMENT = re.compile(rb'^    <(node id|edge source)=(["\'])(.*?)\2', re.MULTILINE)
_GRAPH_END = re.compile(rb"^  </graph>", re.MULTILINE)
ENTITIES = {"&quot;": '"', "&apos;": "'", "&#10;": "\n", "&#13;": "\r", "&#9;": "\t"}  # quoteattr's


def scan_graphml(path: str | Path, chunk_size: int = 1 << 24) -> list[Ranges]:
    """The ranges of a `graph.graphml`, read from it: the units' node elements, then their
    edge elements (`GraphmlSink` writes every node before the first edge)."""
    nodes, edges, offset, end = RangeMarks(), RangeMarks(), 0, None
    for chunk in _line_chunks(path, chunk_size):
        for match in _ELEMENT.finditer(chunk):
            marks = nodes if match.group(1) == b"node id" else edges
            if marks is edges and not edges.starts:
                nodes.end = offset + match.start()
            marks.mark(unit_of(unescape(match.group(3).decode("utf-8"), ENTITIES)), offset + match.start())
        if end is None and (closing := _GRAPH_END.search(chunk)):
            end = offset + closing.start()
        offset += len(chunk)
    end = offset if end is None else end
    if not edges.starts:
        nodes.end = end
    return [nodes.ranges(nodes.end), edges.ranges(end)]


def _line_chunks(path: str | Path, size: int) -> Iterator[bytes]:
    """The file's bytes in chunks of about `size` that end with a whole line."""
    rest = b""
    with open(path, "rb") as handle:
        while block := handle.read(size):
            rest += block
            cut = rest.rfind(b"\n")
            if cut < 0:
                continue
            yield rest[:cut + 1]
            rest = rest[cut + 1:]
    if rest:
        yield rest
