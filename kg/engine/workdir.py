"""The work folder of a build (`OUT/.work/`): one file per finished extraction batch.

A batch file is named by a hash of the batch's papers and the extractor version, so a build
restarted with the same command finds the batches it already finished and does not redo them.
Each file is written atomically: a batch is either complete on disk or not there at all.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.io import json_lines, write_lines
from kg.records import Paper

WORK_FOLDER = ".work"


def batch_key(papers: Iterable[Paper], version: str) -> str:
    """Hash of the extractor version and the papers (ids, text and source position)."""
    digest = hashlib.sha256(version.encode())
    for paper in papers:
        digest.update(b"\n" + json.dumps(paper.to_dict(), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:24]


class WorkFolder:
    """Finished batches of one build, kept until the build's extractions.jsonl is written."""

    def __init__(self, out: str | Path) -> None:
        self.folder = Path(out) / WORK_FOLDER

    def path(self, key: str) -> Path:
        return self.folder / f"batch-{key}.jsonl"

    def done(self, key: str) -> bool:
        return self.path(key).is_file()

    def write_lines(self, key: str, lines: Iterable[bytes]) -> None:
        """Keep a finished batch: its records, already encoded as JSON lines."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_lines(self.path(key), lines)

    def lines(self, key: str) -> Iterator[bytes]:
        """The batch's records as JSON lines (each ending in a newline), not decoded."""
        return json_lines(self.path(key))

    def count(self) -> int:
        return len(list(self.folder.glob("batch-*.jsonl"))) if self.folder.is_dir() else 0

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
