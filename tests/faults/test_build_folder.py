"""The output folder is kg's only where kg wrote it (issue 20, items 2, 3, 8, 11 and 20): a
folder that is not a build is refused, files kg did not write are never removed, an output
is never one of the inputs, stale exports go with their build, and every failure of the
environment is one line with exit code 2, the previous build left whole."""

from __future__ import annotations

import json
import resource
import shutil
import signal
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.faults.buildtools import KG, example_copy, kg_env, one_line_error, run_kg, snapshot


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example listing and a build of it, made by the command."""
    folder = tmp_path_factory.mktemp("built")
    listing = example_copy(folder / "in")
    done = run_kg("build", listing, "-o", folder / "out")
    assert done.returncode == 0, done.stderr
    return listing, folder / "out"


def build_copy(built, to: Path) -> Path:
    shutil.copytree(built[1], to, symlinks=True)
    return to


def user_files(folder: Path) -> dict[str, str]:
    """Files a user keeps in a folder: notes, their own aliases file, a folder of data."""
    files = {"notes.txt": "my notes\n", "aliases.yaml": "# mine, not kg's\n",
             "data/papers.csv": "title,abstract\n"}
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return files


def assert_kept(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        assert (folder / name).read_text() == text, name


# item 2: own only what kg wrote

def test_a_folder_that_is_not_a_build_is_refused_and_left_alone(built, tmp_path):
    folder = tmp_path / "mine"
    files = {**user_files(folder), ".work/todo.txt": "my own work folder\n"}
    (folder / ".work").mkdir()
    (folder / ".work" / "todo.txt").write_text(files[".work/todo.txt"])
    error = one_line_error(run_kg("build", built[0], "-o", folder))
    assert "not a kg build folder" in error and "--force" in error
    assert_kept(folder, files)
    assert sorted(p.name for p in folder.iterdir()) == [".work", "aliases.yaml", "data",
                                                        "notes.txt"]


def test_force_builds_beside_the_users_files_and_never_removes_them(built, tmp_path):
    folder = tmp_path / "mine"
    files = user_files(folder)
    done = run_kg("build", built[0], "-o", folder, "--force")
    assert done.returncode == 0, done.stderr
    assert_kept(folder, files)
    marker = json.loads((folder / ".kg-build.json").read_text())
    assert "notes.txt" not in marker["files"] and "aliases.yaml" not in marker["files"]
    assert json.loads((folder / "summary.json").read_text())["papers_in_graph"] == 44
    done = run_kg("build", built[0], "-o", folder)  # a kg build now: no --force needed
    assert done.returncode == 0, done.stderr
    assert_kept(folder, files)


def test_force_never_replaces_a_file_of_the_users(built, tmp_path):
    folder = tmp_path / "mine"
    (folder / ".work").mkdir(parents=True)
    (folder / ".work" / "todo.txt").write_text("mine\n")
    (folder / "graph.ttl").write_text("my own turtle\n")
    error = one_line_error(run_kg("build", built[0], "-o", folder, "--force"))
    assert "was not written by kg" in error
    assert (folder / ".work" / "todo.txt").read_text() == "mine\n"
    assert (folder / "graph.ttl").read_text() == "my own turtle\n"


def test_root_home_and_a_plain_current_folder_are_refused(built, tmp_path):
    assert "root folder" in one_line_error(run_kg("build", built[0], "-o", "/"))
    home = tmp_path / "home"
    files = user_files(home)
    error = one_line_error(run_kg("build", built[0], "-o", home, "--force",
                                  env=kg_env(HOME=str(home))))
    assert "home folder" in error
    assert "not a kg build folder" in one_line_error(run_kg("build", built[0], "-o", ".", cwd=home))
    assert_kept(home, files)
    assert not (home / ".kg-build.json").exists() and not (home / ".kg-lock").exists()


def test_a_build_made_before_markers_is_still_a_build(built, tmp_path):
    folder = build_copy(built, tmp_path / "old")
    (folder / ".kg-build.json").unlink()  # as the previous version left it
    files = user_files(folder)
    done = run_kg("build", built[0], "-o", folder)
    assert done.returncode == 0, done.stderr
    assert_kept(folder, files)
    assert (folder / ".kg-build.json").is_file()


# item 3: an output is never one of the inputs

def test_an_output_that_is_one_of_the_inputs_is_refused(built, tmp_path):
    mine = tmp_path / "mine.jsonl"
    mine.write_text(json.dumps({"title": "A paper", "abstract": "We use BERT."}) + "\n")
    before = mine.read_text()
    assert "is the input" in one_line_error(run_kg("extract", mine, "-o", mine))
    assert "is the input" in one_line_error(run_kg("extract", mine, "-o", tmp_path / "x.jsonl",
                                                   "--rejects", mine))
    assert mine.read_text() == before
    folder = build_copy(built, tmp_path / "out")
    rejects = (folder / "rejects.jsonl")
    rejects.write_text(json.dumps({"title": "Kept as input", "abstract": "We use BERT."}) + "\n")
    error = one_line_error(run_kg("build", folder / "rejects.jsonl", "-o", folder))
    assert "files the build in" in error
    assert rejects.read_text().startswith('{"title": "Kept as input"')


def test_a_command_never_writes_over_the_build_it_reads(built, tmp_path):
    """`kg export out -o out/summary.json` wrote N-Triples over the summary (exit 0), and every
    reader of the build then stopped with an internal error."""
    folder = build_copy(built, tmp_path / "out")
    before = snapshot(folder)
    for args in [("export", folder, "--format", "nt", "-o", folder / "summary.json"),
                 ("export", folder, "--format", "ttl", "-o", folder / "graph.ttl"),
                 ("export", folder, "--format", "cypher", "-o", folder / "extractions.jsonl"),
                 ("export", folder, "--format", "neo4j-csv", "-o", folder),
                 ("export", folder, "--format", "nt", "-o", folder / "store.oxigraph" / "x"),
                 ("html", folder, "-o", folder / "rejects.jsonl"),
                 ("report", folder, "-o", folder / "graph.graphml"),
                 ("trends", folder, "-o", folder / "store.lbdb" / ".." / "graph.ttl.csv"),
                 ("report", folder, "-o", folder / ".kg-build.json")]:
        if args[0] == "trends":  # a name of the build's own, listed in its marker
            marker = json.loads((folder / ".kg-build.json").read_text())
            (folder / ".kg-build.json").write_text(json.dumps(
                {**marker, "files": [*marker["files"], "graph.ttl.csv"]}))
            (folder / "graph.ttl.csv").write_text("mine\n")
        error = one_line_error(run_kg(*args))
        assert "build" in error, error
    assert snapshot(folder) == before
    assert (folder / "graph.ttl.csv").read_text() == "mine\n"
    # the defaults in the folder, and new names in it, are still written
    for args in [("export", folder, "--format", "nt", "-o", folder / "graph.nt"),
                 ("html", folder, "-o", folder / "graph.html"),
                 ("report", folder, "-o", folder / "report.md")]:
        done = run_kg(*args)
        assert done.returncode == 0, done.stderr
    assert run_kg("stats", folder, "--json").returncode == 0


# item 11: stale exports go with the build they belong to

def test_a_rebuild_without_export_removes_the_earlier_exports(built, tmp_path):
    folder = tmp_path / "out"
    done = run_kg("build", built[0], "-o", folder, "--export", "nt", "--export", "neo4j-csv")
    assert done.returncode == 0, done.stderr
    assert (folder / "graph.nt").stat().st_size > 0 and (folder / "neo4j-import").is_dir()
    files = user_files(folder)
    done = run_kg("build", built[0], "-o", folder)
    assert done.returncode == 0, done.stderr
    assert not (folder / "graph.nt").exists() and not (folder / "neo4j-import").exists()
    assert_kept(folder, files)


# item 8: the environment fails: one line, exit 2, the previous build whole

def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_one_line_and_the_previous_build_stays(built, tmp_path):
    """The file-size limit (RLIMIT_FSIZE) fails writes as a full disk does, in every writer."""
    folder = build_copy(built, tmp_path / "out")
    before = snapshot(folder)
    done = subprocess.run([str(KG), "build", str(built[0]), "-o", str(folder)], text=True,
                          capture_output=True, env=kg_env(), preexec_fn=_file_size_limit(900_000),
                          timeout=300)
    error = one_line_error(done)
    # whichever writer hits the limit first says so: Python's "File too large" (EFBIG), or
    # the embedded Cypher store's "Input/output error" when its checkpoint cannot be written
    assert ("File too large" in error or "Input/output error" in error), error
    assert "previous outputs are unchanged" in error
    assert snapshot(folder) == before
    answer = run_kg("sparql", folder, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }",
                    "--format", "csv")
    assert answer.stdout.splitlines() == ["n", "44"]
    assert not list(tmp_path.glob(".out.kg-build-*"))


def test_a_full_tmpfs_is_one_line_and_the_previous_build_stays(built, tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root?); the RLIMIT_FSIZE test covers it")
    try:
        folder = build_copy(built, mount / "out")
        before = snapshot(folder)
        free = shutil.disk_usage(mount).free
        (mount / "filler").write_bytes(b"\0" * (free - 3_000_000))  # 3 MB left: not a build
        error = one_line_error(run_kg("build", built[0], "-o", folder))
        assert "No space left on device" in error
        assert snapshot(folder) == before
        assert not [p for p in mount.iterdir() if p.name not in ("out", "filler")]
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_an_unwritable_fetch_output_is_one_line(tmp_path):
    class Daily(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps([{"paper": {"title": "A", "summary": "B"}}]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Daily)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    try:
        error = one_line_error(run_kg("fetch", "hf-daily", "--date", "2024-05-01", "-o",
                                      blocker / "daily.json", "--base-url",
                                      f"http://127.0.0.1:{server.server_port}/api"))
    finally:
        server.shutdown()
    assert "cannot write" in error and str(blocker) in error


def test_an_output_path_of_4039_characters_is_one_line(built, tmp_path):
    long = tmp_path / "/".join(["d" * 250] * 16)
    long = Path(str(long)[:4039])
    assert len(str(long)) == 4039
    assert "File name too long" in one_line_error(run_kg("build", built[0], "-o", long))
    assert "File name too long" in one_line_error(run_kg("extract", built[0], "-o", long))


def test_readers_of_a_folder_left_without_summary_say_so_in_one_line(built, tmp_path):
    folder = build_copy(built, tmp_path / "out")
    (folder / "summary.json").unlink()  # as an interrupted first build of the old kg left it
    (folder / ".kg-build.json").unlink()
    for command in (["stats"], ["html"], ["export", "--format", "nt"], ["entities"],
                    ["export", "--format", "neo4j-csv", "-o", tmp_path / "csv"]):
        error = one_line_error(run_kg(command[0], folder, *command[1:]))
        assert "no complete build" in error, command


# item 20: exit codes

def test_exit_codes_are_documented_and_kept(built, tmp_path):
    assert "Exit codes" in run_kg("--help").stdout
    usage = run_kg("build", built[0], "--no-such-option")
    assert usage.returncode == 2 and "No such option" in usage.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"title": "A paper", "abstract": "We use BERT."}) + "\n{oops\n")
    assert run_kg("build", bad, "-o", tmp_path / "strict", "--strict").returncode == 1


def test_an_internal_error_is_exit_70_with_where_to_report(built, tmp_path):
    folder = build_copy(built, tmp_path / "out")
    (folder / "summary.json").write_text("[1, 2]\n")  # no summary kg ever wrote: kg's bug
    done = run_kg("stats", folder)
    error = one_line_error(done, 70)
    assert "internal error" in error and "report" in error
    saved = Path(error.split("traceback in ")[1].split(")")[0])
    assert "Traceback" in saved.read_text()
    saved.unlink()
    debug = run_kg("stats", folder, env=kg_env(KG_DEBUG="1"))
    assert debug.returncode == 70 and "Traceback" in debug.stderr


def test_a_mount_point_is_rebuilt_file_by_file_keeping_the_users_files(built, tmp_path):
    """Where OUT is a mount point, no staging folder can be beside it on its filesystem: the
    build is staged inside OUT and moved into place file by file, the marker last."""
    mount = tmp_path / "mounted"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root?)")
    try:
        files = user_files(mount)
        done = run_kg("build", built[0], "-o", mount, "--force", "--export", "nt")
        assert done.returncode == 0, done.stderr
        assert (mount / "graph.nt").is_file()
        done = run_kg("build", built[0], "-o", mount)
        assert done.returncode == 0, done.stderr
        assert_kept(mount, files)
        assert not (mount / "graph.nt").exists()
        assert sorted(p.name for p in mount.iterdir() if p.name.startswith(".")) == [
            ".kg-build.json"]
        assert json.loads((mount / "summary.json").read_text())["papers_in_graph"] == 44
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
