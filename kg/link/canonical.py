"""Canonical entities across all papers of a build: one node per real-world thing.

Surface forms are grouped by their name key (`kg.link.names.name_key`); keys are joined when a
paper uses them for the same entity (an abbreviation and its long form, aliases) or when they
share a catalogue id. Keys whose numbers differ (`cifar10`/`cifar100`) are never joined.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.link.names import name_key


@dataclass
class CanonicalEntity:
    id: str
    label: str
    name: str
    aliases: list[str]
    catalogue_id: str | None
    papers: int
    mentions: int


@dataclass
class _Cluster:
    labels: Counter = field(default_factory=Counter)
    surfaces: Counter = field(default_factory=Counter)
    preferred: Counter = field(default_factory=Counter)
    catalogue: Counter = field(default_factory=Counter)
    papers: set = field(default_factory=set)
    mentions: int = 0


def _numbers(key: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+(?:\.\d+)?", key))


def compatible(a: str, b: str) -> bool:
    """Keys that may name the same thing: not two different version numbers or sizes."""
    return _numbers(a) == _numbers(b) or not _numbers(a) or not _numbers(b)


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-") or "x"


class CanonicalIndex:
    """Maps each paper-level entity id (`label:key`) to its canonical entity."""

    def __init__(self, extractions: Iterable[dict]) -> None:
        groups = UnionFind()
        by_catalogue: dict[str, str] = {}
        facts: list[tuple[str, str, dict, int]] = []  # (paper id, key, entity, mention count)
        for record in extractions:
            counts = Counter(m["entity_id"] for m in record["mentions"] if m.get("entity_id"))
            for entity in record["entities"]:
                key = entity["id"].split(":", 1)[1]
                groups.find(key)
                for alias in entity["aliases"] + [entity["name"]]:
                    alias_key = name_key(alias)
                    if alias_key and compatible(key, alias_key):
                        groups.union(key, alias_key)
                if entity.get("catalogue_id"):
                    first = by_catalogue.setdefault(entity["catalogue_id"], key)
                    groups.union(first, key)
                facts.append((record["id"], key, entity, counts.get(entity["id"], 0)))

        clusters: dict[str, _Cluster] = defaultdict(_Cluster)
        for paper_id, key, entity, mentions in facts:
            cluster = clusters[groups.find(key)]
            cluster.labels[entity["label"]] += 1
            cluster.surfaces.update([entity["name"], *entity["aliases"]])
            cluster.preferred[entity["name"]] += 1
            if entity.get("catalogue_id"):
                cluster.catalogue[entity["catalogue_id"]] += 1
                cluster.preferred[entity["name"]] += 100  # catalogue names are canonical
            cluster.papers.add(paper_id)
            cluster.mentions += mentions

        self.entities: dict[str, CanonicalEntity] = {}
        self._root_entity: dict[str, str] = {}
        for root, cluster in sorted(clusters.items()):
            label = _most_common(cluster.labels)
            name = _most_common(cluster.preferred)
            catalogue_id = _most_common(cluster.catalogue) if cluster.catalogue else None
            entity_id = f"{label.lower()}/{slug(name_key(name) or name)}"
            while entity_id in self.entities:  # two clusters whose names fold alike
                entity_id += "-"
            self.entities[entity_id] = CanonicalEntity(
                id=entity_id, label=label, name=name,
                aliases=sorted(set(cluster.surfaces) - {name}, key=str.lower),
                catalogue_id=catalogue_id, papers=len(cluster.papers), mentions=cluster.mentions)
            self._root_entity[root] = entity_id
        self._groups = groups

    def canonical_id(self, paper_entity_id: str) -> str:
        return self._root_entity[self._groups.find(paper_entity_id.split(":", 1)[1])]

    def __iter__(self):
        return iter(self.entities.values())

    def __len__(self) -> int:
        return len(self.entities)


def _most_common(counter: Counter) -> str:
    """Highest count; ties broken alphabetically, so ids do not depend on input order."""
    return min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
