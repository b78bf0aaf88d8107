"""The output folder of a build: what in it is kg's, who may write it, and the one step that
replaces the previous build with the new one.

- Ownership: a build writes `OUT/.kg-build.json` (the marker) naming the files it wrote. Only
  those, kg's work folder and lock file, and the default outputs of `kg export` are kg's; a
  folder from an earlier kg (summary.json and extractions.jsonl, no marker) is recognised by
  its summary's file list. Everything else in OUT is the user's: never moved out of OUT for
  good, never deleted, never overwritten (a build that would write one of those names stops).
- Lock: one build at a time per folder (`FolderLock`, an flock on the folder itself); the
  next one waits, saying which process holds the folder.
- Switch: the new build is written into a staging folder beside OUT (`.OUT.kg-build-PID`);
  when it is complete, the user's files are moved into it and it takes OUT's place in one
  rename (`exchange_paths`). Until that moment OUT holds the previous build, whole; after it,
  the new one. A killed build leaves its staging folder, which the next run removes (after
  moving back any user file that was in it). Where the staging folder cannot be beside OUT
  (OUT is a mount point, or its parent is not writable) or the filesystem cannot exchange,
  the files are moved into OUT one by one, the marker last.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from kg.engine.workdir import WORK_FOLDER
from kg.io import exchange_paths, process_alive, remove_dead_temps, temp_owner, write_text_atomic

MARKER = ".kg-build.json"
LOCK_FILE = ".kg-lock"  # the process id of the build holding the folder
MOVED = ".kg-user-files.json"  # in a staging folder: the user's files moved into it
INTERNAL = frozenset({MARKER, LOCK_FILE, WORK_FOLDER, MOVED})
PREVIOUS = ".kg-previous"  # in a staging folder: the previous build, while files move one by one
EXPORT_DEFAULTS = frozenset({"graph.nt", "neo4j-import"})  # `kg export`'s outputs in OUT
_STAGING = re.compile(r"\.kg-build-(\d+)$")


class OutputError(Exception):
    """The output folder cannot be created or written, or is not kg's to write."""


def build_files(folder: Path) -> frozenset[str] | None:
    """The names in `folder` that belong to kg (its build's files, its work folder, lock and
    marker, the default exports), or None where `folder` is not a kg build folder. An empty
    folder, or one holding only what an interrupted first build leaves, is kg's."""
    marker = folder / MARKER
    if marker.is_file():
        try:
            listed = json.loads(marker.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            listed = None
        if isinstance(listed, list):
            return INTERNAL | EXPORT_DEFAULTS | {str(name) for name in listed}
    summary = folder / "summary.json"
    if summary.is_file() and (folder / "extractions.jsonl").is_file():  # built before markers
        try:
            listed = json.loads(summary.read_text(encoding="utf-8")).get("files") or []
        except (OSError, ValueError, AttributeError):
            listed = []
        return INTERNAL | EXPORT_DEFAULTS | {"summary.json", "extractions.jsonl"} | {
            str(name) for name in listed}
    try:
        names = {entry.name for entry in os.scandir(folder)}
    except FileNotFoundError:
        return frozenset()
    names = {name for name in names if temp_owner(name) is None}
    if names <= {LOCK_FILE, WORK_FOLDER} and all(
            part.startswith("batch-") or temp_owner(part) is not None
            for part in (os.listdir(folder / WORK_FOLDER) if WORK_FOLDER in names else ())):
        return INTERNAL
    return None


def refuse_special(out: Path) -> None:
    """A build never takes over the root folder or the home folder."""
    real = out.resolve()
    if real == Path(real.anchor):
        raise OutputError(f"refusing to write a build into the root folder {real}: name a "
                          f"folder for it, e.g. -o out")
    if real == Path.home().resolve():
        raise OutputError(f"refusing to write a build into your home folder {real}: name a "
                          f"folder for it, e.g. -o ~/kg-out")


def check_output(out: Path, planned: Iterable[str], force: bool = False) -> frozenset[str]:
    """The names in `out` that are kg's; refuses a non-empty folder that is not a kg build
    (unless `force`), and any user file with the name of one the build will write."""
    owned = build_files(out)
    if owned is None:
        if not force:
            raise OutputError(f"{out} is not empty and is not a kg build folder (no {MARKER}): "
                              f"choose an empty or new folder, or add --force to write the "
                              f"build beside its files (kg never deletes files it did not write)")
        owned = frozenset()
    for name in sorted((INTERNAL - {LOCK_FILE}) | set(planned)):  # the lock file: this run's
        if name not in owned and os.path.lexists(out / name):
            raise OutputError(f"{out / name} was not written by kg and the build would replace "
                              f"it: move it away first")
    return owned


def check_inputs_outside(inputs: Iterable[str | os.PathLike], out: Path,
                         replaced: Iterable[str]) -> None:
    """Refuse an input that is one of the files (or inside one of the folders) that writing
    the build into `out` replaces."""
    real_out = out.resolve()
    targets = [real_out / name for name in replaced]
    for given in inputs:
        if str(given) == "-":
            continue
        path = Path(given).resolve()
        if any(path == target or target in path.parents for target in targets):
            raise OutputError(f"input {given} is one of the files the build in {out} replaces: "
                              f"copy it elsewhere first, or write the build to another folder")


class FolderLock:
    """An exclusive lock on the output folder for the length of a build: an flock on the
    folder itself, taken again if the folder was replaced while waiting (a build's switch
    replaces it). `on_wait(pid)` is called once when another process holds it."""

    def __init__(self, out: Path, on_wait: Callable[[int | None], None] | None = None) -> None:
        self.out, self.on_wait = out, on_wait
        self.descriptor: int | None = None

    def __enter__(self) -> FolderLock:
        told = False
        while True:
            descriptor = os.open(self.out, os.O_RDONLY | os.O_DIRECTORY)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not told and self.on_wait is not None:
                    holder = self.holder()
                    for _ in range(20):  # the holder writes its pid just after locking
                        if holder is not None:
                            break
                        time.sleep(0.05)
                        holder = self.holder()
                    self.on_wait(holder)
                    told = True
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                same = os.path.samestat(os.fstat(descriptor), os.stat(self.out))
            except FileNotFoundError:
                same = False
            if same:
                self.descriptor = descriptor
                break
            os.close(descriptor)  # locked a folder that a finished build replaced: again
        (self.out / LOCK_FILE).write_text(f"{os.getpid()}\n", encoding="utf-8")
        return self

    def holder(self) -> int | None:
        try:
            return int((self.out / LOCK_FILE).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    def __exit__(self, *exc) -> None:
        try:
            if self.holder() == os.getpid():
                (self.out / LOCK_FILE).unlink(missing_ok=True)
        finally:
            os.close(self.descriptor)
            self.descriptor = None


def staging_name(out: Path) -> str:
    """The staging folder of this process's build of `out`, beside it."""
    return f".{out.name}.kg-build-{os.getpid()}"


def clean_leftovers(out: Path) -> None:
    """Remove what killed runs left for `out` (call with the folder's lock held): staging
    folders beside and inside it (user files found in them go back into OUT first), and
    temporary files in OUT, its work folder and the system's temporary folder."""
    real = out.resolve()
    for folder, prefix in ((real.parent, f".{real.name}.kg-build-"), (real, ".kg-build-")):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            found = _STAGING.search(entry.name)
            if not entry.name.startswith(prefix) or not found or not entry.is_dir(
                    follow_symlinks=False):
                continue
            pid = int(found.group(1))
            if pid != os.getpid() and not process_alive(pid):
                _give_back_and_remove(Path(entry.path), real)
    for folder in (real, real / WORK_FOLDER, real.parent, Path(tempfile.gettempdir())):
        remove_dead_temps(folder)


def _give_back_and_remove(staging: Path, out: Path, remove: bool = True) -> None:
    """Move the user's files that a switch had moved into a staging folder (listed in its
    MOVED file) back into `out`, then remove it (kept if one of them cannot go back)."""
    kept = False
    try:
        moved = json.loads((staging / MOVED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        moved = []
    for name in moved:
        if not os.path.lexists(staging / name):
            continue
        if os.path.lexists(out / name):
            kept = True
            continue
        os.rename(staging / name, out / name)
    (staging / MOVED).unlink(missing_ok=True)
    if remove and not kept:
        shutil.rmtree(staging, ignore_errors=True)


def write_marker(folder: Path, files: list[str], made_with: dict | None = None) -> None:
    """The marker: the files the build wrote and when; `made_with`, what made them
    (`kg.engine.made_with`)."""
    write_text_atomic(folder / MARKER, json.dumps(
        {"kg": "build", "files": files, "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
         **({"made_with": made_with} if made_with is not None else {})}, indent=1) + "\n")


def marker_made_with(folder: Path) -> dict | None:
    """What the marker says made the build in `folder`, or None (no marker, or one from
    before the record)."""
    try:
        found = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("made_with")
    except (OSError, ValueError, AttributeError):
        return None
    return found if isinstance(found, dict) else None


class Staging:
    """Where a build writes its files before `switch` puts them in OUT's place. Leaving the
    block without switching removes it (the previous build stays as it was)."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.beside = not os.path.ismount(self.out)
        self.path = (self.out.parent / staging_name(self.out)) if self.beside else \
            self.out / f".kg-build-{os.getpid()}"
        self.switched = False

    def __enter__(self) -> Staging:
        try:
            self.path.mkdir()
        except PermissionError:  # the parent folder is not ours to write: stage inside OUT
            if not self.beside:
                raise
            self.beside = False
            self.path = self.out / f".kg-build-{os.getpid()}"
            self.path.mkdir()
        if self.beside:
            stat = os.stat(self.out)
            os.chmod(self.path, stat.st_mode & 0o7777)
            if os.getuid() == 0 and (stat.st_uid, stat.st_gid) != (0, 0):
                os.chown(self.path, stat.st_uid, stat.st_gid)
        return self

    def __exit__(self, *exc) -> None:
        if self.path.exists():
            _give_back_and_remove(self.path, self.out)

    def switch(self, owned: frozenset[str], files: list[str]) -> None:
        """Put the staged build in OUT's place: user files (what OUT holds that is not in
        `owned`) move into it, then one exchange of the two folders (signals held back
        meanwhile, so an interrupt cannot stop it half-way)."""
        cwd = _cwd()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            if self.beside:
                try:
                    self._move_user_files(owned)
                    exchange_paths(self.path, self.out)
                    self.switched = True
                    (self.out / MOVED).unlink(missing_ok=True)
                except OSError:
                    _give_back_and_remove(self.path, self.out, remove=False)
            if not self.switched:
                self._replace_one_by_one(owned, files)
            shutil.rmtree(self.path, ignore_errors=True)  # now the previous build
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        if cwd is not None and (cwd == self.out or self.out in cwd.parents):
            try:  # the process's folder was the previous build: go to the new one
                os.chdir(cwd)
            except OSError:
                os.chdir(self.out)

    def _move_user_files(self, owned: frozenset[str]) -> None:
        """Move what is not kg's in OUT into the staging folder, listed first in its MOVED
        file, so a run killed meanwhile is undone by the next (`clean_leftovers`)."""
        names = [entry.name for entry in os.scandir(self.out) if entry.name not in owned
                 and entry.name not in INTERNAL and temp_owner(entry.name) is None]
        if not names:
            return
        write_text_atomic(self.path / MOVED, json.dumps(names) + "\n")
        for name in names:
            os.rename(self.out / name, self.path / name)

    def _replace_one_by_one(self, owned: frozenset[str], files: list[str]) -> None:
        """The switch without an exchange: the previous build's files move out, the new
        ones in, the marker last."""
        old = self.path / PREVIOUS
        old.mkdir(exist_ok=True)
        for name in sorted(owned - INTERNAL):
            if os.path.lexists(self.out / name):
                os.rename(self.out / name, old / name)
        for name in files:
            if name != MARKER and os.path.lexists(self.path / name):
                os.rename(self.path / name, self.out / name)
        os.replace(self.path / MARKER, self.out / MARKER)
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.out / WORK_FOLDER, ignore_errors=True)
        self.switched = True


def _cwd() -> Path | None:
    try:
        return Path(os.getcwd())
    except OSError:
        return None


@contextmanager
def build_folder(out: Path, on_wait: Callable[[int | None], None] | None = None):
    """Create `out` if needed and hold its lock, after removing what killed runs left."""
    refuse_special(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot write to output folder {out}: it is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot write to output folder {out}: {error.strerror}") from None
    with FolderLock(out, on_wait):
        clean_leftovers(out)
        yield


def pause_for_tests(point: str) -> None:
    """Test hook: with KG_TEST_PAUSE_AT=`point` in the environment, say so on stderr and
    sleep (KG_TEST_PAUSE_SECONDS, default 600), so a test can kill the build at that point.
    Points: `outputs` (extraction done, before the outputs are written), `graph-outputs`
    (in the forked writer of the property-graph outputs), `delta` (an update's store changed
    by delta in the staging folder, its Turtle not yet), `switch` (the new build complete
    in its staging folder, before it replaces the previous one)."""
    if os.environ.get("KG_TEST_PAUSE_AT") != point:
        return
    import sys

    print(f"kg: test pause at {point} (pid {os.getpid()})", file=sys.stderr, flush=True)
    time.sleep(float(os.environ.get("KG_TEST_PAUSE_SECONDS", "600")))
