"""Read a build's embedded Cypher store (`OUT/store.lbdb`) for the views: parameterised
queries whose rows stream one at a time, so a view holds only what it keeps of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# the build's Cypher store (`kg.query.cypher.STORE_NAME`), named here so that a view does not
# import the store's writer and, through it, the extraction pipeline (spaCy: seconds)
STORE_NAME = "store.lbdb"
# A view reads aggregates and a few columns; a small buffer pool keeps a large build's store
# from growing the process (Ladybug's default is most of the machine's memory).
BUFFER_POOL = 512 << 20


class ViewError(Exception):
    """A view that cannot be answered (no store, an unknown name): one line for the user."""


def require_build(out: str | Path) -> None:
    """Refuse a folder that holds no complete build, as `kg.api.require_build` does, without
    importing `kg.api` (and through it spaCy: seconds a view does not need)."""
    out = Path(out)
    if not (out / "extractions.jsonl").is_file():
        raise ViewError(f"no build at {out}: extractions.jsonl not found (run `kg build ... "
                        f"-o {out}` first)")
    if not (out / "summary.json").is_file():
        raise ViewError(f"no complete build at {out}: summary.json not found (an interrupted "
                        f"build? run `kg build ... -o {out}` again)")


@contextmanager
def opened_store(out: str | Path) -> Iterator:
    """A read-only connection to the build's Cypher store, closed afterwards."""
    import ladybug

    path = Path(out) / STORE_NAME
    if not path.exists():
        raise ViewError(f"no Cypher store at {path}: run `kg build ... -o {out}` first")
    try:
        database = ladybug.Database(str(path), read_only=True, buffer_pool_size=BUFFER_POOL)
    except RuntimeError as error:
        raise ViewError(f"cannot open the Cypher store at {path}: "
                        f"{str(error).strip().splitlines()[0]}") from None
    connection = ladybug.Connection(database)
    try:
        yield connection
    finally:
        connection.close()
        database.close()


def stream_rows(connection, query: str, parameters: dict | None = None) -> Iterator[list]:
    """The rows of one query, one at a time."""
    try:
        result = connection.execute(query, parameters or {})
    except RuntimeError as error:
        raise ViewError(f"the Cypher store refused a view's query: "
                        f"{str(error).strip().splitlines()[0]}") from None
    while result.has_next():
        yield result.get_next()


def table_columns(connection, table: str) -> set[str]:
    """The property names of a node table (a build made by another version may lack some)."""
    return {row[1] for row in stream_rows(connection, f"CALL table_info('{table}') RETURN *")}
