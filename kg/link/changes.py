"""What an update did to the canonical entities: which entities it merged, split, renamed or
added, found by comparing the name keys of the previous build's entities with the new
build's (`CanonicalIndex`, whose entities carry their keys).

A name key belongs to one entity in each build, so the keys pair the entities up:

- merged: one new entity holds the keys of two or more previous entities (a paper defined an
  abbreviation, a catalogue name joined two spellings);
- split: the keys of one previous entity went to two or more new entities (an abbreviation
  that now has two meanings is no longer evidence);
- renamed: one previous entity became one new entity under another id (a name now used more
  often than the old one, or an id whose collision suffix moved);
- added: a new entity with no key that a previous entity had.

Every other previous entity kept its id (its papers and mentions may have grown).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from kg.io import atomic_path
from kg.link.canonical import CanonicalEntity

LISTED = 50  # merges, splits and renames listed by name in summary.json (all are counted)


def entity_keys(entities: Iterable[CanonicalEntity]) -> dict[str, tuple[str, ...]]:
    """entity id → its name keys: what a build keeps of its index to compare with the next."""
    return {entity.id: tuple(entity.keys) for entity in entities}


def write_entity_keys(path: str | Path, entities: Iterable[CanonicalEntity]) -> None:
    """`OUT/entities.jsonl`: one line per canonical entity (id, type, name, name keys), in id
    order, so the next update compares with it without linking the previous build again."""
    with atomic_path(path) as temp, open(temp, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({"id": entity.id, "type": entity.label, "name": entity.name,
                                      "keys": entity.keys}, ensure_ascii=False) + "\n"
                          for entity in sorted(entities, key=lambda e: e.id))


def read_entity_keys(path: str | Path) -> dict[str, tuple[str, ...]]:
    """`entity_keys` as `write_entity_keys` kept them."""
    with open(path, encoding="utf-8") as handle:
        rows = (json.loads(line) for line in handle if line.strip())
        return {row["id"]: tuple(row["keys"]) for row in rows}


def entity_changes(before: dict[str, Iterable[str]], after: dict[str, Iterable[str]]) -> dict:
    """The merges, splits, renames and additions between two builds' `entity_keys`."""
    old_of_key = {key: entity for entity, keys in before.items() for key in keys}
    old_into: dict[str, set[str]] = defaultdict(set)  # previous entity → new entities
    new_from: dict[str, set[str]] = {}  # new entity → previous entities
    for entity, keys in after.items():
        sources = {old_of_key[key] for key in keys if key in old_of_key}
        new_from[entity] = sources
        for source in sources:
            old_into[source].add(entity)
    merged = [{"into": entity, "from": sorted(sources)}
              for entity, sources in sorted(new_from.items()) if len(sources) > 1]
    split = [{"from": entity, "into": sorted(targets)}
             for entity, targets in sorted(old_into.items()) if len(targets) > 1]
    renamed = [{"from": next(iter(sources)), "to": entity}
               for entity, sources in sorted(new_from.items())
               if len(sources) == 1 and next(iter(sources)) != entity
               and len(old_into[next(iter(sources))]) == 1]
    gone = sorted(entity for entity in before if entity not in old_into)
    return {"added": sum(1 for sources in new_from.values() if not sources),
            "kept": sum(1 for entity, sources in new_from.items()
                        if sources == {entity} and len(old_into[entity]) == 1),
            "merged": len(merged), "split": len(split), "renamed": len(renamed),
            "removed": len(gone),
            "merges": merged[:LISTED], "splits": split[:LISTED], "renames": renamed[:LISTED]}


def describe(changes: dict) -> str:
    """The one-line summary of `entity_changes` the CLI prints."""
    return (f"{changes['added']} new, {changes['merged']} merged, {changes['split']} split, "
            f"{changes['renamed']} renamed, {changes['kept']} kept")
