"""What the previous build held, recorded by `kg build --update` so that a report can say which
entities the update added.

A build keeps only its own state, so an update writes `OUT/previous-build.json` before it
replaces the build: the previous build's paper count, the time its marker says it was written,
and, per entity type, its entity ids and the name keys of their names and aliases (read from
its Cypher store). An entity of the new build is *new* when neither its id nor the key of any of
its names or aliases was there before, so an entity whose canonical id changed because the
update brought a longer name (`CNN` → `convolutional neural network`) is not listed as new.
A build that is not an update has no such file: there is nothing to compare with.
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.graph.model import ENTITY_TYPES
from kg.io import atomic_path
from kg.link.names import name_key
from kg.views.store import ViewError, opened_store, stream_rows

PREVIOUS_BUILD = "previous-build.json"
MARKER = ".kg-build.json"  # `kg.engine.buildfolder.MARKER`


def record_previous_build(out: str | Path, path: str | Path) -> dict:
    """Write what the build in `out` holds to `path` (JSON), atomically, and return it. A build
    without a readable Cypher store is recorded with `entities` null and the reason."""
    out = Path(out)
    record: dict = {"kg": "previous build", "written": _written(out), "papers": None,
                    "entities": None}
    try:
        with opened_store(out) as connection:
            record["papers"] = next(stream_rows(connection, "MATCH (p:Paper) RETURN count(*)"))[0]
            record["entities"] = {label: _entities(connection, label) for label in ENTITY_TYPES}
    except ViewError as error:
        record["reason"] = str(error)
    with atomic_path(path) as temp:
        Path(temp).write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


def _entities(connection, label: str) -> dict:
    ids, keys = [], set()
    for entity_id, name, aliases in stream_rows(
            connection, f"MATCH (e:{label}) RETURN e.id, e.name, e.aliases"):
        ids.append(entity_id)
        keys.update(filter(None, (name_key(n) for n in [name, *(aliases or [])] if n)))
    return {"ids": sorted(ids), "keys": sorted(keys)}


def _written(out: Path) -> str | None:
    try:
        return json.loads((out / MARKER).read_text(encoding="utf-8")).get("written")
    except (OSError, ValueError, AttributeError):
        return None


def read_previous_build(out: str | Path) -> dict | None:
    """The record an update left in `out`, or None (not an update, or an unreadable file)."""
    try:
        record = json.loads((Path(out) / PREVIOUS_BUILD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("kg") == "previous build" else None


def is_new(previous: dict, label: str, entity_id: str, names: list[str]) -> bool:
    """Whether the entity was in no form in the previous build (see the module's rule)."""
    before = previous["entities"].get(label) or {"ids": [], "keys": []}
    if entity_id in _as_set(before, "ids"):
        return False
    return not any((key := name_key(name)) and key in _as_set(before, "keys")
                   for name in names if name)


def _as_set(before: dict, field: str) -> set:
    cached = before.get(f"_{field}_set")
    if cached is None:
        cached = before[f"_{field}_set"] = set(before.get(field) or ())
    return cached
