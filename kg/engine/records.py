"""An extraction records file read from disk on demand, so the graph can be assembled
without holding every record (and every mention) in memory at once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


class ExtractionsFile:
    """`OUT/extractions.jsonl`: iterate it in file order, or `by_id()` in paper id order
    (an index of byte offsets, one per paper, is the only thing kept in memory)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __iter__(self) -> Iterator[dict]:
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)

    def offsets(self) -> list[tuple[str, int]]:
        """(paper id, byte offset of its line), in file order."""
        found, offset = [], 0
        with open(self.path, "rb") as handle:
            for line in handle:
                if line.strip():
                    found.append((json.loads(line)["id"], offset))
                offset += len(line)
        return found

    def by_id(self) -> Iterator[dict]:
        """The records in paper id order, the order `build_graph` adds papers in."""
        with open(self.path, "rb") as handle:
            for _, offset in sorted(self.offsets()):
                handle.seek(offset)
                yield json.loads(handle.readline())

    def __len__(self) -> int:
        return len(self.offsets())
