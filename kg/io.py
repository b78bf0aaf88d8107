"""Atomic writes: a file or folder appears complete or not at all.

Every temporary file or folder kg makes is named with `temp_prefix()`, which holds the
process id, so a later run can tell the leftovers of a killed run (`remove_dead_temps`) from
those of a run still going."""

from __future__ import annotations

import ctypes
import errno
import gc
import hashlib
import os
import pickle
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self


@contextmanager
def atomic_path(path: str | Path, directory: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{path.name}.{temp_prefix()}", dir=path.parent))
    target = temp / path.name
    try:
        if directory:
            target.mkdir()
        yield target
        if path.is_dir() and not path.is_symlink():
            old = temp / (path.name + ".old")
            os.replace(path, old)
        os.replace(target, path)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


TEMP_MARK = "kg-tmp-"
_TEMP_NAME = re.compile(rf"{TEMP_MARK}(\d+)-")


def temp_prefix(pid: int | None = None) -> str:
    """The part of a temporary name that says kg made it, and which process."""
    return f"{TEMP_MARK}{os.getpid() if pid is None else pid}-"


def process_alive(pid: int) -> bool:
    """Whether process `pid` exists (a process of another user counts as alive)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temp_owner(name: str) -> int | None:
    """The process id in a name made with `temp_prefix`, else None."""
    found = _TEMP_NAME.search(name)
    return int(found.group(1)) if found else None


def remove_dead_temps(folder: str | Path) -> int:
    """Remove the temporary files and folders that killed kg processes left in `folder`
    (named by `temp_prefix`, owned by this user, their process gone); returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        pid = temp_owner(entry.name)
        if pid is None or pid == os.getpid() or process_alive(pid):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange_paths(first: str | Path, second: str | Path) -> None:
    """Swap two paths on one filesystem in one step (Linux renameat2 RENAME_EXCHANGE): at
    every moment each name holds one of the two, never neither. Raises OSError (ENOSYS
    where the system or the filesystem cannot)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        raise OSError(errno.ENOSYS, "renameat2 is not available") from None
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(first), None, str(second))


def die_with_parent() -> None:
    """In a forked child: have the kernel kill this process when its parent dies (Linux
    prctl PR_SET_PDEATHSIG), so no writer outlives a killed build."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):  # not Linux
        pass


def release_free_memory() -> None:
    """Give the memory that C libraries freed back to the system (glibc keeps the free lists
    of every thread's arena otherwise, and the process's RSS stays at its peak)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_path(path) as temp:
        temp.write_text(text, encoding="utf-8")


def write_lines(path: str | Path, lines: Iterable[bytes], after: str | Path | None = None,
                take: bool = False) -> int:
    """Write already-encoded lines to `path` atomically; returns how many. `after`: a file
    of lines to begin with, copied by the kernel (an update's previous records: gigabytes at
    1M papers), its lines not counted; `take`: `after` is a copy made for this, moved in."""
    with atomic_path(path) as temp:
        if after is not None:
            (os.replace if take else copy_file)(after, temp)
        with open(temp, "ab", buffering=1 << 20) as handle:
            if after is not None and not _ends_a_line(temp):
                handle.write(b"\n")
            count = 0
            for line in lines:
                handle.write(line)
                count += 1
    return count


def _ends_a_line(path: Path) -> bool:
    """Whether `path` is empty or ends in a newline."""
    with open(path, "rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def json_lines(path: str | Path) -> Iterator[bytes]:
    """The non-blank lines of a JSON Lines file as bytes, each ending in a newline (copied
    without decoding)."""
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                yield line if line.endswith(b"\n") else line + b"\n"


class RowSpill:
    """Rows pickled to a temporary file in batches as they come, read back in order later:
    for writers that need every row before writing the first (a CSV header, a bulk load).
    `add(row, properties)` also notes the properties' Python types, in first-seen order."""

    def __init__(self, path: str | Path, batch: int = 2048) -> None:
        self.path = Path(path)
        self.handle = open(self.path, "wb")
        self.pickler = pickle.Pickler(self.handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.columns: dict[str, set[type]] = {}
        self.shapes: set[tuple] = set()  # the (keys, types) of the properties already noted
        self.pending: list = []
        self.batch = batch
        self.count = 0

    def add(self, row, properties: dict | None = None) -> None:
        if properties:  # rows of a kind mostly share their keys and types: note each set once
            shape = (*properties, *map(type, properties.values()))
            if shape not in self.shapes:
                self.shapes.add(shape)
                for key, value in properties.items():
                    self.columns.setdefault(key, set()).add(type(value))
        self.pending.append(row)
        self.count += 1
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.pickler.dump(self.pending)
            self.pickler.clear_memo()
            self.pending = []

    def size(self) -> int:
        """Bytes written so far (every row added, pickled)."""
        self.flush()
        self.handle.flush()
        return self.handle.tell()

    def rows(self) -> Iterator:
        """Every row, in the order added (once: the file is closed for writing)."""
        self.flush()
        self.handle.close()
        with open(self.path, "rb") as handle:
            while True:
                try:
                    yield from pickle.load(handle)
                except EOFError:
                    return

    def close(self) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)


class RowSpills:
    """RowSpills by key (a label, a relationship group), made on first use in one temporary
    folder; `close` removes them all."""

    def __init__(self, prefix: str, directory: str | Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=prefix + temp_prefix(), dir=directory))
        self.spills: dict = {}

    def __getitem__(self, key) -> RowSpill:
        spill = self.spills.get(key)
        if spill is None:
            spill = self.spills[key] = RowSpill(self.folder / f"{len(self.spills)}.pickle")
        return spill

    def get(self, key) -> RowSpill | None:
        return self.spills.get(key)

    def items(self):
        return self.spills.items()

    def close(self) -> None:
        for spill in self.spills.values():
            spill.close()
        shutil.rmtree(self.folder, ignore_errors=True)


PREFIX_CHECKED = 1 << 16  # bytes digested at each end of a file's first part


def prefix_digest(path: str | Path, size: int) -> bytes:
    """A digest of the first `size` bytes of `path` (its first and last 64 KiB, and the size):
    whether a file still begins with what an earlier pass read (an update's records file is
    the previous one with new lines after it)."""
    with open(path, "rb") as handle:
        head = handle.read(min(size, PREFIX_CHECKED))
        handle.seek(max(size - PREFIX_CHECKED, 0))
        tail = handle.read(min(size, PREFIX_CHECKED))
    return hashlib.blake2b(head + b"|" + tail + b"|" + str(size).encode(), digest_size=16).digest()


class PrefixCopy:
    """`source` copied into a new file `target` by the kernel, most of it in a background
    thread, so that lines can be appended to `target` and read back at once: an update's
    records file is the previous one (5.6 GB at 1M papers, 16 s to copy) with the new papers'
    lines after it, and the steps after extraction read only those lines until `wait()`.

    `target` has `source`'s size from the start (the bytes not yet copied a hole); its first
    and last 64 KiB are copied before the constructor returns, so `prefix_digest` of the
    copied part, and a check of its last byte, already read what they will read at the end.
    Use it as a context manager: leaving the block early stops the copy. On a file system
    with shared extents (XFS, Btrfs) the kernel clones the block-aligned middle instead of
    copying it."""

    CHUNK = 1 << 27

    def __init__(self, source: str | Path, target: str | Path) -> None:
        self.source, self.target = Path(source), Path(target)
        self.size = self.source.stat().st_size
        self._source = os.open(self.source, os.O_RDONLY)
        self._target = os.open(self.target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        self._stop = threading.Event()
        self._error: OSError | None = None
        try:
            os.ftruncate(self._target, self.size)
            head = min(self.size, PREFIX_CHECKED)  # the tail from a block boundary: so the
            tail = max((self.size - PREFIX_CHECKED) // 4096 * 4096, head)  # middle can be cloned
            self._copy(0, head)
            self._copy(tail, self.size)
        except BaseException:
            self._close()
            raise
        self._thread = threading.Thread(target=self._copy_middle, args=(head, tail),
                                        name="kg-prefix-copy", daemon=True)
        self._thread.start()

    def _copy(self, start: int, end: int) -> None:
        """Bytes `start`..`end` of the source to the same place in the target."""
        for position in range(start, end, self.CHUNK):  # a stop is seen between chunks
            if self._stop.is_set():
                return
            copy_range(self._source, self._target, position, min(position + self.CHUNK, end),
                       position, name=self.source, size=self.size)

    def _copy_middle(self, start: int, end: int) -> None:
        try:
            self._copy(start, end)
        except OSError as error:  # raised again by wait()
            self._error = error

    def wait(self) -> None:
        """Return once every byte is copied; raise what stopped the copy."""
        self._thread.join()
        self._close()
        if self._error is not None:
            raise self._error
        if self._stop.is_set():
            raise RuntimeError(f"the copy of {self.source} was stopped")

    def _close(self) -> None:
        for fd in (self._source, self._target):
            try:
                os.close(fd)
            except OSError:
                pass
        self._source = self._target = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._source != -1:  # not waited for: stopped
            self._stop.set()
            self._thread.join()
            self._close()


def copy_file(source: str | Path, target: str | Path) -> None:
    """`source` copied to `target` (made anew) by the kernel's copy_file_range, which a file
    system with shared extents (XFS, Btrfs) answers by cloning the blocks, where
    `shutil.copyfile` (sendfile) writes every byte again (an update's copy of a 1M-paper
    build's Ladybug store: 0.7 GB)."""
    with open(source, "rb") as old, open(target, "wb") as new:
        copy_range(old.fileno(), new.fileno(), 0, os.fstat(old.fileno()).st_size, 0, name=source)


def copy_range(source: int, target: int, start: int, end: int, at: int,
               name: str | Path = "the source", size: int | None = None) -> None:
    """Bytes `start`..`end` of the file `source` (a descriptor) to `target` from offset `at`:
    in the kernel (`copy_file_range`), or read and written where the file systems do not
    allow that. A source that ends before `end` is an error, naming it (`name`) and the size
    it had when the copy began (`size`, else `end`)."""
    while start < end:
        count = end - start
        try:
            done = os.copy_file_range(source, target, count, start, at)
        except OSError:  # a file system without it (or refusing it here): read and write
            block = os.pread(source, min(count, 1 << 24), start)
            done = os.pwrite(target, block, at) if block else 0
        if done == 0:
            raise OSError(errno.EIO, f"{name} ended at byte {start} of {size or end} while it "
                                     "was copied")
        start, at = start + done, at + done


@contextmanager
def without_gc() -> Iterator[None]:
    """No cycle collection in the block: for passes that make many short-lived acyclic objects
    while millions of long-lived ones (a build's paper ids) would be traversed at each
    collection (a 1M-paper index: 8.3 s with it, 5.6 s without)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
