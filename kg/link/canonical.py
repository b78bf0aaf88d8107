"""Canonical entities across all papers of a build: one node per real-world thing.

Surface forms are grouped by their name key (`kg.link.names.name_key`: case, plural, hyphen,
spacing and dash variants fold together). Keys are then joined by evidence, strongest first:

1. the user's aliases file (`merge`),
2. the catalogue: one catalogue id, or a key that is a catalogue name or synonym,
3. the extractor's grouping of surface forms within a paper, and spacing (`RandomForest` /
   `random forest`),
4. abbreviations defined in any paper (`Deep Neural Network (DNN)`), when the short form has
   one meaning across the build, and their expansion inside longer names (`CTR prediction` →
   `click through rate prediction`).

Guards refuse a join between two groups that carry different numbers (`CIFAR-10`/`CIFAR-100`,
`GPT-2`/`GPT-3`, `Llama 3`/`Llama 3.1`), different catalogue entries (`BERT`/`RoBERTa`), or names
the aliases file keeps apart. Evidence is applied in sorted order, so the result does not depend
on the order of the papers, and entity ids depend only on the input.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.extract.abbreviations import find_long_form
from kg.link.aliases import UserAliases
from kg.link.catalogue import EMPTY, Catalogue
from kg.link.names import initials, is_short_form, name_key

CONFIDENCE = {"user": 1.0, "catalogue": 0.95, "initials": 0.95, "expansion": 0.85,
              "spacing": 0.8, "abbreviation": 0.75, "alias": 0.6}
LOW_CONFIDENCE = 0.75  # merges below this are listed by `kg entities --suspects`
KIND_ORDER = ("user", "catalogue", "alias", "spacing", "initials", "abbreviation", "expansion")
CATALOGUE_NODE = "@catalogue:"


@dataclass(frozen=True)
class Link:
    """Evidence that two name keys name one thing."""

    a: str
    b: str
    kind: str
    confidence: float
    papers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """A join the evidence asked for and a guard refused."""

    a: str
    b: str
    kind: str
    reason: str
    papers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ambiguity:
    """A short form defined with different meanings in different papers."""

    short: str
    meanings: tuple[tuple[str, tuple[str, ...]], ...]  # (long key, papers)


@dataclass
class CanonicalEntity:
    id: str
    label: str
    name: str
    aliases: list[str]
    catalogue_id: str | None
    papers: int
    mentions: int
    keys: list[str] = field(default_factory=list)
    merges: list[Link] = field(default_factory=list)


def numbers(key: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+(?:\.\d+)*", key))


def compatible(a: str, b: str) -> bool:
    """Keys that may name the same thing: not two different version numbers or sizes."""
    return numbers(a) == numbers(b) or not numbers(a) or not numbers(b)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-") or "x"


def abbreviates(short: str, long: str) -> str | None:
    """`initials` when the short form's letters are the long form's word initials
    (`dnn` / `deep neural network`), `abbreviation` when they occur in it in order with the
    first letter starting a word (Schwartz & Hearst), else None."""
    letters = re.sub(r"[^a-z0-9]", "", short.lower())
    if len(letters) < 2 or " " not in long.strip():
        return None
    if letters in (initials(long), initials(long, stop_words=False)):
        return "initials"
    return "abbreviation" if find_long_form(letters, long) == 0 else None


INNER_DEFINITION = re.compile(r"^(?P<before>.+?)\s*\((?P<short>[^()\s]{2,10})\)")


def inner_definitions(surface: str) -> list[tuple[str, str, str]]:
    """`Click-through rate (CTR) prediction` defines `ctr` as `click through rate`."""
    match = INNER_DEFINITION.match(surface)
    if not match or not is_short_form(match["short"]):
        return []
    letters = re.sub(r"[^A-Za-z0-9]", "", match["short"])
    start = find_long_form(letters, match["before"])
    if start is None:
        return []
    short, long = name_key(match["short"]), name_key(match["before"][start:])
    kind = abbreviates(short, long) if short and long else None
    return [(short, long, kind)] if kind else []


class GuardedUnion:
    """Union-find whose groups remember their numbers, catalogue ids and keep-apart tags, and
    refuse joins that would mix them."""

    def __init__(self, apart: list[list[str]]) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        self.numbers: dict[str, set[tuple[str, ...]]] = {}
        self.catalogue: dict[str, set[str]] = {}
        self.tags: dict[str, set[tuple[int, int]]] = {}
        self.apart_tags: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for group_number, group in enumerate(apart):
            for position, key in enumerate(group):
                self.apart_tags[key].add((group_number, position))

    def add(self, key: str) -> None:
        if key in self.parent:
            return
        self.parent[key] = key
        self.members[key] = {key}
        is_catalogue = key.startswith(CATALOGUE_NODE)
        self.numbers[key] = {numbers(key)} if numbers(key) and not is_catalogue else set()
        self.catalogue[key] = {key[len(CATALOGUE_NODE):]} if is_catalogue else set()
        self.tags[key] = set(self.apart_tags.get(key, ()))

    def find(self, key: str) -> str:
        self.add(key)
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def conflict(self, a: str, b: str, forced: bool) -> str | None:
        ra, rb = self.find(a), self.find(b)
        groups_a = {group: position for group, position in self.tags[ra]}
        if any(group in groups_a and groups_a[group] != position for group, position in self.tags[rb]):
            return "kept apart by the aliases file"
        if forced:
            return None
        if len(self.numbers[ra] | self.numbers[rb]) > 1 and self.numbers[ra] and self.numbers[rb]:
            return "different numbers"
        if self.catalogue[ra] and self.catalogue[rb] and not self.catalogue[ra] & self.catalogue[rb]:
            return "different catalogue entries"
        return None

    def union(self, a: str, b: str, forced: bool = False) -> str | None:
        """Join the groups of a and b; returns the reason when a guard refuses."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        reason = self.conflict(a, b, forced)
        if reason:
            return reason
        root, other = min(ra, rb), max(ra, rb)
        self.parent[other] = root
        for attribute in (self.members, self.numbers, self.catalogue, self.tags):
            attribute[root] |= attribute.pop(other)
        return None


@dataclass
class _Fact:
    """One paper-level entity of one paper."""

    paper: str
    entity_id: str
    label: str
    name: str
    primary: str
    keys: list[str]
    surfaces: list[str]
    catalogue_id: str | None
    mentions: int


class CanonicalIndex:
    """Maps each paper-level entity (paper id, `label:key`) to its canonical entity."""

    def __init__(self, extractions: Iterable[dict], aliases: UserAliases | None = None,
                 catalogue: Catalogue | None = None) -> None:
        aliases = aliases or UserAliases()
        self.catalogue = catalogue if catalogue is not None else _default_catalogue()
        self.aliases = aliases
        self.facts = [fact for record in extractions for fact in _facts(record)]
        self.groups = GuardedUnion(aliases.apart_keys())
        self.applied: list[Link] = []
        self.refused: list[Refusal] = []
        self.ambiguous: list[Ambiguity] = []
        for fact in self.facts:
            for key in fact.keys:
                self.groups.add(key)

        definitions = self._definitions()
        self._apply(self._user_links(aliases) + self._catalogue_links(definitions)
                    + self._alias_links() + self._spacing_links())
        self._apply(self._abbreviation_links(definitions))
        self._apply(self._expansion_links(definitions))
        self._make_entities(aliases.rename_keys())

    # evidence ------------------------------------------------------------------------------

    def _user_links(self, aliases: UserAliases) -> list[Link]:
        return [Link(group[0], key, "user", CONFIDENCE["user"])
                for group in aliases.merge_keys() for key in group[1:]]

    def _catalogue_links(self, definitions) -> list[Link]:
        """Keys the extractor matched to a catalogue entry, and keys that are a catalogue name
        of the same type; not short forms a paper defines (`chain-of-layers (CoLa)` is not the
        CoLA dataset)."""
        papers: dict[tuple[str, str], set[str]] = defaultdict(set)
        labels_of_key: dict[str, set[str]] = defaultdict(set)
        for fact in self.facts:
            for key in fact.keys:
                labels_of_key[key].add(fact.label)
                if fact.catalogue_id:
                    papers[(key, CATALOGUE_NODE + fact.catalogue_id)].add(fact.paper)
        for key in sorted(labels_of_key):
            entry = self.catalogue.entry_for_key(key) if key not in definitions else None
            if entry and entry.label in labels_of_key[key]:
                papers.setdefault((key, CATALOGUE_NODE + entry.id), set())
        return [Link(a, b, "catalogue", CONFIDENCE["catalogue"], tuple(sorted(p)))
                for (a, b), p in papers.items()]

    def _alias_links(self) -> list[Link]:
        """Surface forms the extractor grouped in one paper, other than abbreviations."""
        papers: dict[tuple[str, str], set[str]] = defaultdict(set)
        for fact in self.facts:
            if fact.catalogue_id:
                continue  # joined through the catalogue node
            for key in fact.keys:
                if key != fact.primary and not self._abbreviation_pair(fact, key):
                    papers[tuple(sorted((fact.primary, key)))].add(fact.paper)
        return [Link(a, b, "alias", CONFIDENCE["alias"], tuple(sorted(p)))
                for (a, b), p in papers.items()]

    def _spacing_links(self) -> list[Link]:
        """`RandomForest` / `random forest`, `DomainAdaptation` / `domain adaptation`."""
        by_letters: dict[str, list[str]] = defaultdict(list)
        for key in sorted(k for k in self.groups.parent if not k.startswith(CATALOGUE_NODE)):
            letters = key.replace(" ", "")
            if len(letters) >= 6:
                by_letters[letters].append(key)
        return [Link(keys[0], other, "spacing", CONFIDENCE["spacing"])
                for keys in by_letters.values() for other in keys[1:]]

    def _abbreviation_pair(self, fact: _Fact, key: str) -> tuple[str, str, str] | None:
        """(short key, long key, kind) when `key` and the fact's primary key are a short form
        and its long form."""
        short_surfaces = [s for s in fact.surfaces if name_key(s) == key and is_short_form(s)]
        if short_surfaces and (kind := abbreviates(key, fact.primary)):
            return key, fact.primary, kind
        if is_short_form(fact.name) and (kind := abbreviates(fact.primary, key)):
            return fact.primary, key, kind
        return None

    def _definitions(self) -> dict[str, dict[str, tuple[str, set[str]]]]:
        """short key → long key → (kind, papers defining it)."""
        definitions: dict[str, dict[str, tuple[str, set[str]]]] = defaultdict(dict)
        for fact in self.facts:
            pairs = [pair for key in fact.keys
                     if key != fact.primary and (pair := self._abbreviation_pair(fact, key))]
            pairs += [pair for surface in fact.surfaces for pair in inner_definitions(surface)]
            for short, long, kind in pairs:
                definitions[short].setdefault(long, (kind, set()))[1].add(fact.paper)
        return definitions

    def _abbreviation_links(self, definitions) -> list[Link]:
        links = []
        for short, meanings in sorted(definitions.items()):
            roots = {self.groups.find(long) for long in meanings}
            if len(roots) > 1:
                self.ambiguous.append(Ambiguity(short, tuple(
                    (long, tuple(sorted(papers))) for long, (_, papers) in sorted(meanings.items()))))
                continue
            for long, (kind, papers) in sorted(meanings.items()):
                links.append(Link(short, long, kind, CONFIDENCE[kind], tuple(sorted(papers))))
        return links

    def _expansion_links(self, definitions) -> list[Link]:
        """`ctr prediction` joins `click through rate prediction` when `CTR` is defined once."""
        meaning = {short: next(iter(longs)) for short, longs in definitions.items()
                   if len(longs) == 1 and not any(a.short == short for a in self.ambiguous)}
        links = []
        for key in sorted(k for k in self.groups.parent if " " in k):
            words = key.split()
            expanded = " ".join(meaning.get(word, word) for word in words)
            if expanded != key and (expanded in self.groups.parent
                                    or self.catalogue.entry_for_key(expanded)):
                links.append(Link(key, expanded, "expansion", CONFIDENCE["expansion"]))
        return links

    def _apply(self, links: list[Link]) -> None:
        for link in sorted(links, key=lambda l: (KIND_ORDER.index(l.kind), l.a, l.b)):
            if link.kind == "catalogue" and link.b.startswith(CATALOGUE_NODE):
                self.groups.add(link.b)
            if self.groups.find(link.a) == self.groups.find(link.b):
                continue
            reason = self.groups.union(link.a, link.b, forced=link.kind == "user")
            if reason:
                self.refused.append(Refusal(link.a, link.b, link.kind, reason, link.papers))
            else:
                self.applied.append(link)

    # entities ------------------------------------------------------------------------------

    def _make_entities(self, renames: dict[str, str]) -> None:
        by_root: dict[str, list[_Fact]] = defaultdict(list)
        for fact in self.facts:
            by_root[self.groups.find(fact.primary)].append(fact)
        merges_by_root: dict[str, list[Link]] = defaultdict(list)
        for link in self.applied:
            merges_by_root[self.groups.find(link.a)].append(link)

        surfaces_of_key: dict[str, set[str]] = defaultdict(set)
        for fact in self.facts:
            for surface in fact.surfaces:
                surfaces_of_key[name_key(surface)].add(surface)
        drafts = []
        for root, facts in by_root.items():
            keys = sorted(k for k in self.groups.members[root] if not k.startswith(CATALOGUE_NODE))
            catalogue_votes = Counter(f.catalogue_id for f in facts if f.catalogue_id)
            catalogue_ids = sorted(self.groups.catalogue[root])
            catalogue_id = (_most_common(catalogue_votes) if catalogue_votes
                            else catalogue_ids[0] if catalogue_ids else None)
            entry = self.catalogue.get(catalogue_id)
            label = entry.label if entry else _most_common(Counter(f.label for f in facts))
            rename = next((renames[k] for k in keys if k in renames), None)
            name = rename or (entry.name if entry else _most_common(Counter(f.name for f in facts)))
            surfaces = {s for f in facts for s in f.surfaces}.union(
                *(surfaces_of_key.get(k, ()) for k in keys))
            drafts.append((f"{label.lower()}/{slug(name_key(name) or name)}", keys[0], CanonicalEntity(
                id="", label=label, name=name,
                aliases=sorted(surfaces - {name}, key=lambda s: (s.lower(), s)),
                catalogue_id=catalogue_id, papers=len({f.paper for f in facts}),
                mentions=sum(f.mentions for f in facts), keys=keys,
                merges=sorted(merges_by_root[root], key=lambda l: (l.kind, l.a, l.b))), root))

        self.entities: dict[str, CanonicalEntity] = {}
        self._by_root: dict[str, str] = {}
        taken: Counter = Counter()
        for base, _, entity, root in sorted(drafts, key=lambda d: (d[0], d[1])):
            taken[base] += 1
            entity.id = base if taken[base] == 1 else f"{base}-{taken[base]}"
            self.entities[entity.id] = entity
            self._by_root[root] = entity.id
        self._by_fact = {(f.paper, f.entity_id): self._by_root[self.groups.find(f.primary)]
                         for f in self.facts}

    # lookups -------------------------------------------------------------------------------

    def entity_for(self, paper_id: str, entity_id: str) -> str:
        """The canonical id of one paper's entity."""
        return self._by_fact[(paper_id, entity_id)]

    def canonical_id(self, paper_entity_id: str) -> str | None:
        """The canonical id for a `label:key` id or a bare key, where its key is known."""
        key = paper_entity_id.split(":", 1)[-1]
        key = key if key in self.groups.parent else name_key(key)
        if key not in self.groups.parent:
            return None
        return self._by_root.get(self.groups.find(key))

    def __iter__(self):
        return iter(self.entities.values())

    def __len__(self) -> int:
        return len(self.entities)


def _facts(record: dict) -> list[_Fact]:
    counts = Counter(m["entity_id"] for m in record["mentions"] if m.get("entity_id"))
    facts = []
    for entity in record["entities"]:
        id_key = entity["id"].split(":", 1)[1]
        primary = name_key(entity["name"]) or id_key
        surfaces = [entity["name"], *entity["aliases"]]
        keys = list(dict.fromkeys([primary, id_key, *filter(None, map(name_key, surfaces))]))
        facts.append(_Fact(record["id"], entity["id"], entity["label"], entity["name"], primary,
                           keys, surfaces, entity.get("catalogue_id"), counts.get(entity["id"], 0)))
    return facts


def _default_catalogue() -> Catalogue:
    from kg.link.catalogue import load_catalogue

    try:
        return load_catalogue()
    except (OSError, ValueError, KeyError):
        return EMPTY


def _most_common(counter: Counter) -> str:
    """Highest count; ties broken alphabetically, so ids do not depend on input order."""
    return min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
