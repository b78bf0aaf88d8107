"""The first load of a big build into a new Neo4j database: `neo4j-admin database import full`
from the build's CSVs (`kg.export.neo4j_files`), with the server of `scripts/neo4j-server`
stopped for the import and started again after it (`kg neo4j load --bulk`).

The import writes the store files directly, an order of magnitude faster than any
transaction, but only into a database it replaces whole; so the database must be empty (or
`replace` given), and the server must be the script's (the URI's port is the script's Bolt
port: NEO4J_BOLT_PORT, KG_NEO4J_HOME and the other settings of the script apply). After the
restart the uniqueness constraints of a Bolt load are created, so a later `kg neo4j load`
merges into it as into any other load.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from kg.export.neo4j_bolt import (
    Neo4jError,
    Neo4jSettings,
    connect,
    count_graph,
    is_empty,
    run_statement,
)
from kg.export.neo4j_files import (
    ARRAY_DELIMITER,
    MULTILINE,
    constraint_statements,
    multiline_fields,
    write_neo4j_csv,
)

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "neo4j-server"
SERVER_SECONDS = 900  # a start waits for Bolt (KG_NEO4J_START_TIMEOUT) and may fetch the jars
IMPORT_SECONDS = 24 * 3600


def server_script() -> Path:
    script = Path(os.environ.get("KG_NEO4J_SERVER_SCRIPT") or SCRIPT)
    if not script.is_file():
        raise Neo4jError(f"kg neo4j load --bulk runs neo4j-admin through scripts/neo4j-server of "
                         f"the kg repository, and {script} is missing (a load without --bulk "
                         f"works with any server)")
    return script


def run_script(script: Path, *args: str, timeout: float = SERVER_SECONDS, check: bool = True,
               password: str | None = None) -> subprocess.CompletedProcess:
    """`scripts/neo4j-server ARGS` (with NEO4J_PASSWORD set to `password`: the script checks
    the login when it starts the server); a failure (with `check`) is a one-line Neo4jError
    with the script's last error line."""
    env = {**os.environ, **({"NEO4J_PASSWORD": password} if password is not None else {})}
    try:
        done = subprocess.run([str(script), *args], capture_output=True, text=True, env=env,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Neo4jError(f"scripts/neo4j-server {args[0]} did not finish in "
                         f"{timeout:.0f} s") from None
    if check and done.returncode != 0:
        raise Neo4jError(f"scripts/neo4j-server {' '.join(args[:4])} failed: "
                         f"{last_error(done.stdout + done.stderr)}")
    return done


def last_error(text: str) -> str:
    """The line of the script's or neo4j-admin's output that says what went wrong."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.search(r"(?i)\berror\b|exception|failed|refused", line):
            return line[:400]
    return lines[-1][:400] if lines else "no output"


def script_uri(script: Path) -> str:
    """The Bolt URI of the script's server (`scripts/neo4j-server env`)."""
    done = run_script(script, "env", timeout=60)
    found = re.search(r"NEO4J_URI=(\S+)", done.stdout)
    if not found:
        raise Neo4jError("scripts/neo4j-server env printed no NEO4J_URI")
    return found.group(1)


def _host_port(uri: str) -> tuple[str, str]:
    rest = uri.partition("://")[2].rpartition("@")[2].split("/")[0]
    host, _, port = rest.rpartition(":")
    host = host or rest
    return ("127.0.0.1" if host in ("localhost", "127.0.0.1", "::1", "[::1]") else host,
            port or "7687")


def import_arguments(directory: Path, database: str) -> list[str]:
    """`neo4j-admin database import full` for the CSVs in `directory` (every nodes-*.csv and
    relationships-*.csv, by absolute path: the folder may have moved since its import.args
    was written)."""
    nodes = sorted(directory.glob("nodes-*.csv"))
    relationships = sorted(directory.glob("relationships-*.csv"))
    if not nodes:
        raise Neo4jError(f"no nodes-*.csv in {directory}")
    return ["database", "import", "full", database, "--overwrite-destination",
            f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
            *([MULTILINE] if multiline_fields(directory) else []),
            f"--report-file={directory / 'import.report'}",
            *(f"--nodes={path.resolve()}" for path in nodes),
            *(f"--relationships={path.resolve()}" for path in relationships)]


def import_seconds(output: str) -> float | None:
    """The import's own time from neo4j-admin's `IMPORT DONE in 1m 2s 345ms.` (the JVM start
    and the tool's setup excluded)."""
    found = re.search(r"IMPORT DONE in ((?:\d+[a-z]+\s*)+)", output)
    if not found:
        return None
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return round(sum(int(n) * units[unit] for n, unit in
                     re.findall(r"(\d+)(ms|h|m|s)\b", found.group(1))), 3)


def bulk_load(walk, settings: Neo4jSettings, csv_directory: Path | None = None,
              replace: bool = False) -> dict:
    """Import the walk's graph (or the CSVs already in `csv_directory`) into the settings'
    database with neo4j-admin, the script's server stopped meanwhile and running afterwards.
    Returns the counts and seconds: `csv_seconds` (writing the CSVs), `stop_seconds`,
    `import_seconds` (neo4j-admin, JVM included), `import_own_seconds` (neo4j-admin's own
    figure), `start_seconds`, `constraint_seconds`, and `nodes`, `relationships` (what the
    database holds)."""
    script = server_script()
    if _host_port(script_uri(script)) != _host_port(settings.uri):
        raise Neo4jError(f"kg neo4j load --bulk imports into the server of scripts/neo4j-server "
                         f"({script_uri(script)}; NEO4J_BOLT_PORT sets its port), not "
                         f"{settings.where}")
    database = settings.database or "neo4j"
    timings: dict[str, float] = {}
    password = settings.password
    running = run_script(script, "status", timeout=60, check=False,
                         password=password).returncode == 0
    if running and not replace:
        with connect(settings) as driver:
            if not is_empty(driver, settings):
                counts = count_graph(driver, settings)
                raise Neo4jError(f"{settings.where} holds {counts['nodes']} nodes and "
                                 f"{counts['relationships']} relationships: --bulk replaces a "
                                 f"database whole, so it loads only an empty one (add --replace "
                                 f"to replace it, or load without --bulk to merge)")
    elif not running and not replace and _has_database(script, database):
        raise Neo4jError(f"the server of scripts/neo4j-server is stopped and database {database!r} "
                         f"exists, so kg cannot see whether it is empty: start the server "
                         f"(scripts/neo4j-server start) or add --replace")
    with tempfile.TemporaryDirectory(prefix="kg-neo4j-bulk-") as scratch:
        directory = csv_directory
        if directory is None:
            started = time.perf_counter()
            directory = Path(scratch)
            write_neo4j_csv(walk, directory)
            timings["csv_seconds"] = time.perf_counter() - started
        arguments = import_arguments(Path(directory), database)
        if running:
            started = time.perf_counter()
            run_script(script, "stop", password=password)
            timings["stop_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        try:
            done = run_script(script, "admin", *arguments, timeout=IMPORT_SECONDS, check=False,
                              password=password)
        finally:
            timings["import_seconds"] = time.perf_counter() - started
            restart = time.perf_counter()
            # also after a failed import: the server is back
            run_script(script, "start", password=password)
            timings["start_seconds"] = time.perf_counter() - restart
        if done.returncode != 0:
            raise Neo4jError(f"neo4j-admin database import failed: "
                             f"{last_error(done.stdout + done.stderr)}")
    own = import_seconds(done.stdout + done.stderr)
    with connect(settings) as driver:
        started = time.perf_counter()
        for statement in constraint_statements():
            run_statement(driver, settings, statement)
        run_statement(driver, settings, "CALL db.awaitIndexes(3600)")
        timings["constraint_seconds"] = time.perf_counter() - started
        counts = count_graph(driver, settings)
    return {**counts, **{key: round(value, 3) for key, value in timings.items()},
            "import_own_seconds": own}


def _has_database(script: Path, database: str) -> bool:
    """Whether the script's home has store files for `database` (its server stopped)."""
    home = Path(run_script(script, "home", timeout=60).stdout.strip())
    return (home / "data" / "databases" / database).is_dir()
