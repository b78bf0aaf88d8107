"""The identity keys of a build's papers (`kg.records.identity_keys`: id, arXiv id, DOI,
normalised title), kept with the build (`OUT/identities.state`), so an update checks its new
papers for repeats by looking their keys up instead of decoding every previous record first
(a 1M-paper build's 5 GB of records, most of an update's "extraction" step).

The file holds each paper's line offset in `extractions.jsonl` and a 64-bit hash of each of
its keys, sorted. A hash found is confirmed by reading that one record, so two keys with the
same hash never make a repeat. Like `linking.state` it says which records it was read from
(their size and `kg.io.prefix_digest`): an update's records file is the previous one with new
lines after it, so the kept part stays valid and only the rest is read. Otherwise every
record is read, as before the file existed.
"""

from __future__ import annotations

import hashlib
from array import array
from pathlib import Path
from types import SimpleNamespace

import msgspec
import numpy as np

from kg.engine.records import _DECODE_IDENTITY
from kg.io import atomic_path, prefix_digest
from kg.records import identity_keys
from kg.sources.dedup import earlier_paper

STATE = "identities.state"
FORMAT = 1


def key_hash(key: str) -> int:
    """A hash of an identity key that is the same in every process (`hash` is not)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little")


def record_keys(record: dict) -> list[str]:
    return identity_keys(record["title"], record["id"], record.get("arxiv_id"), record.get("doi"))


class _State(msgspec.Struct, array_like=True):
    format: int
    size: int  # bytes of extractions.jsonl read
    check: bytes  # their `prefix_digest`
    offsets: bytes  # each paper's line offset, in file order
    hashes: bytes  # each key's hash, sorted
    papers: bytes  # each key's paper (its number in file order), in the hashes' order


class KnownPapers:
    """The papers of a records file by identity key: `first(key)` is the first paper in file
    order with that key, as `kg.sources.dedup` would have found it reading every record."""

    def __init__(self, path: str | Path, size: int, offsets, hashes, papers) -> None:
        self.path, self.size = Path(path), size
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.hashes = np.asarray(hashes, dtype=np.uint64)
        self.papers = np.asarray(papers, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.offsets)

    @classmethod
    def read(cls, path: str | Path, kept: str | Path | None = None,
             before: KnownPapers | None = None) -> KnownPapers:
        """The papers of the records file `path`: those of the kept state `kept` where it
        covers the file's first part (or of `before`, the index of a file that `path` begins
        with), and the records after that part read; else every record read."""
        path = Path(path)
        state = _read_state(kept, path) if kept is not None else None
        if before is not None:
            state = _State(FORMAT, before.size, b"", before.offsets.astype("<i8").tobytes(),
                           before.hashes.astype("<u8").tobytes(), before.papers.astype("<i8").tobytes())
        offsets, hashes, papers = array("q"), array("Q"), array("q")  # compact: 1M papers
        start, first = (state.size, len(state.offsets) // 8) if state else (0, 0)
        with open(path, "rb") as handle:
            handle.seek(start)
            offset = start
            for line in handle:
                if line.strip():
                    number = first + len(offsets)
                    offsets.append(offset)
                    for key in record_keys(_DECODE_IDENTITY(line)):
                        hashes.append(key_hash(key))
                        papers.append(number)
                offset += len(line)
        new_offsets = np.frombuffer(offsets, np.int64) if offsets else np.zeros(0, np.int64)
        new_hashes = np.frombuffer(hashes, np.uint64) if hashes else np.zeros(0, np.uint64)
        new_papers = np.frombuffer(papers, np.int64) if papers else np.zeros(0, np.int64)
        order = np.lexsort((new_papers, new_hashes))  # by hash, then file order
        new_hashes, new_papers = new_hashes[order], new_papers[order]
        if state:
            new_offsets = np.concatenate([np.frombuffer(state.offsets, "<i8"), new_offsets])
            new_hashes, new_papers = _merged(np.frombuffer(state.hashes, "<u8"),
                                             np.frombuffer(state.papers, "<i8"), new_hashes, new_papers)
        return cls(path, offset, new_offsets, new_hashes, new_papers)

    def first(self, key: str) -> SimpleNamespace | None:
        """The first paper with `key`, or None."""
        found = key_hash(key)
        low, high = np.searchsorted(self.hashes, np.uint64(found), "left"), \
            np.searchsorted(self.hashes, np.uint64(found), "right")
        if low == high:
            return None
        with open(self.path, "rb") as handle:
            for paper in self.papers[low:high].tolist():  # in file order
                handle.seek(int(self.offsets[paper]))
                record = _DECODE_IDENTITY(handle.readline())
                if key in record_keys(record):
                    return earlier_paper(record)
        return None

    def write(self, path: str | Path) -> None:
        """Keep the index as `path` (it covers its records file as read)."""
        state = _State(FORMAT, self.size, prefix_digest(self.path, self.size),
                       self.offsets.astype("<i8").tobytes(), self.hashes.astype("<u8").tobytes(),
                       self.papers.astype("<i8").tobytes())
        with atomic_path(path) as temp:
            temp.write_bytes(msgspec.msgpack.encode(state))


def _merged(hashes, papers, new_hashes, new_papers):
    """The kept keys (sorted by hash, then paper) with the new papers' keys (sorted alike, their
    papers after every kept one) put in place: an insertion, where sorting the 3M keys of a
    1M-paper build again took 0.8 s. A kept state that is not sorted is sorted again."""
    follows = hashes[1:] > hashes[:-1]
    if not bool(np.all(follows | ((hashes[1:] == hashes[:-1]) & (papers[1:] >= papers[:-1])))):
        hashes, papers = np.concatenate([hashes, new_hashes]), np.concatenate([papers, new_papers])
        order = np.lexsort((papers, hashes))
        return hashes[order], papers[order]
    at = np.searchsorted(hashes, new_hashes, side="right")  # after the kept keys of that hash
    return np.insert(hashes, at, new_hashes), np.insert(papers, at, new_papers)


def _read_state(kept: str | Path, records: Path) -> _State | None:
    """The kept state, where it covers the first part of `records`."""
    try:
        state = msgspec.msgpack.decode(Path(kept).read_bytes(), type=_State)
        size = records.stat().st_size
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if (state.format != FORMAT or state.size > size or len(state.hashes) != len(state.papers)
            or len(state.offsets) % 8 or state.check != prefix_digest(records, state.size)):
        return None
    return state
