"""Catalogue names for linking: the gazetteer's entries by name key.

An entity whose name key equals a catalogue name or synonym joins that catalogue entry even
where the extractor did not match it (another case, a plural, a spelling variant). Keys that
name several entries are left out: they decide nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.gazetteer import GAZETTEER_PATH, load_gazetteer
from kg.names import name_key


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    label: str
    name: str


class Catalogue:
    def __init__(self, entries) -> None:
        self.entries = {e["id"]: CatalogueEntry(e["id"], e["label"], e["name"]) for e in entries}
        ids_of_key: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            for name in [entry["name"], *entry.get("aliases", [])]:
                if key := name_key(name):
                    ids_of_key[key].add(entry["id"])
        self.by_key = {key: next(iter(ids)) for key, ids in ids_of_key.items() if len(ids) == 1}

    def entry_for_key(self, key: str) -> CatalogueEntry | None:
        entry_id = self.by_key.get(key)
        return self.entries[entry_id] if entry_id else None

    def get(self, entry_id: str | None) -> CatalogueEntry | None:
        return self.entries.get(entry_id) if entry_id else None


@lru_cache(maxsize=2)
def load_catalogue(path: str = str(GAZETTEER_PATH)) -> Catalogue:
    return Catalogue(load_gazetteer(path))


EMPTY = Catalogue(())
