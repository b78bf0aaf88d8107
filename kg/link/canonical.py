"""Canonical entities across all papers of a build: one node per real-world thing.

Surface forms are grouped by their name key (`kg.names.name_key`: case, plural, hyphen,
spacing and dash variants fold together). Keys are then joined by evidence, strongest first:

1. the user's aliases file (`merge`),
2. the catalogue: one catalogue id, or a key that is a catalogue name or synonym,
3. the extractor's grouping of surface forms within a paper, spacing (`RandomForest` /
   `random forest`), and a metric and its score (`macro-F1` / `macro F1 score`),
4. abbreviations defined in any paper (`Deep Neural Network (DNN)`), when the short form has
   one meaning across the build, and their expansion inside longer names (`CTR prediction` →
   `click through rate prediction`),
5. head-word variants (`2D Matryoshka models` / `2D Matryoshka training approach`, `DR
   systems` / `DR`): across the build where the name looks coined (digits, inner capitals),
   else where one paper names both (`deep research systems` / `deep research`),
6. a misspelling of a longer name in the same paper (`CFDBnech` once beside `CFDBench`).

Variants and misspellings are weak evidence: their merges are listed by `kg entities
--suspects`, and the aliases file's `keep_apart` undoes one.

Guards refuse a join between two groups that carry different numbers (`CIFAR-10`/`CIFAR-100`,
`GPT-2`/`GPT-3`, `Llama 3`/`Llama 3.1`), different catalogue entries (`BERT`/`RoBERTa`), or names
the aliases file keeps apart. Evidence is applied in sorted order, so the result does not depend
on the order of the papers, and entity ids depend only on the input.
"""

from __future__ import annotations

import re
from array import array
from bisect import insort
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from kg.io import without_gc
from kg.link.aliases import UserAliases
from kg.link.catalogue import EMPTY, Catalogue
from kg.names import (
    find_long_form,
    head_variant_core,
    initials,
    is_short_form,
    misspelling_distance,
    name_key,
)

CONFIDENCE = {"user": 1.0, "catalogue": 0.95, "initials": 0.95, "expansion": 0.85,
              "spacing": 0.8, "score": 0.8, "abbreviation": 0.75, "variant": 0.7,
              "misspelling": 0.65, "alias": 0.6}
LOW_CONFIDENCE = 0.75  # merges below this are listed by `kg entities --suspects`
KIND_ORDER = ("user", "catalogue", "alias", "spacing", "score", "initials", "abbreviation", "expansion",
              "variant", "misspelling")
CATALOGUE_NODE = "@catalogue:"


@dataclass(frozen=True)
class Link:
    """Evidence that two name keys name one thing."""

    a: str
    b: str
    kind: str
    confidence: float
    papers: tuple[str, ...] = ()  # the first few papers giving the evidence (sorted ids)
    paper_count: int = 0  # all papers giving it
    note: str = ""  # what the evidence was, where the kind does not say it all


@dataclass(frozen=True)
class Refusal:
    """A join the evidence asked for and a guard refused."""

    a: str
    b: str
    kind: str
    reason: str
    papers: tuple[str, ...] = ()
    paper_count: int = 0


@dataclass(frozen=True)
class Ambiguity:
    """A short form defined with different meanings in different papers."""

    short: str
    meanings: tuple[tuple[str, tuple[str, ...], int], ...]  # (long key, first papers, papers)


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
    confidence: float = 1.0  # the highest paper-level confidence (kg.extract.worthiness)
    generic: bool = False  # every paper judged it generic (kept by --keep-generic)


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
    if len(letters) < 2 or " " not in long.strip() or letters in long.split():
        return None  # `DR systems` holds `DR`; it does not spell it out
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


EVIDENCE_PAPERS = 10  # paper ids kept as examples of one piece of evidence (the count is exact)


class Evidence:
    """The papers behind one piece of evidence: how many, and the first few ids in sorted
    order, so the index does not grow with the number of papers."""

    __slots__ = ("count", "sample")

    def __init__(self) -> None:
        self.count = 0
        self.sample: list[str] = []

    def add(self, paper: str) -> None:
        """Count one paper (each paper once: callers deduplicate within a record)."""
        self.count += 1
        if len(self.sample) < EVIDENCE_PAPERS or paper < self.sample[-1]:
            insort(self.sample, paper)
            del self.sample[EVIDENCE_PAPERS:]

    @property
    def papers(self) -> tuple[str, ...]:
        return tuple(self.sample)


@dataclass
class _Fact:
    """One paper-level entity of one paper, while its record is read (never kept)."""

    paper: str
    entity_id: str
    label: str
    name: str
    primary: str
    keys: list[str]
    surfaces: list[str]
    catalogue_id: str | None
    mentions: int


class _Tally:
    """What the facts with one primary key say, summed over all papers."""

    __slots__ = ("labels", "names", "catalogue", "surfaces", "mentions", "confidence", "generic")

    def __init__(self) -> None:
        self.labels: Counter = Counter()
        self.names: Counter = Counter()
        self.catalogue: Counter = Counter()
        self.surfaces: set[str] = set()
        self.mentions = 0
        self.confidence = 0.0
        self.generic = True

    def add(self, fact: _Fact, facts: int, mentions: int, shape: _Shape) -> None:
        """`facts` paper-level entities like `fact`, with `mentions` mentions in all."""
        self.labels[fact.label] += facts
        self.names[fact.name] += facts
        if fact.catalogue_id:
            self.catalogue[fact.catalogue_id] += facts
        self.surfaces.update(fact.surfaces)
        self.mentions += mentions
        self.confidence = max(self.confidence, shape.confidence)
        self.generic &= shape.generic


class _Shape:
    """One distinct paper-level entity (same id, label, name, aliases, catalogue id): its
    keys and evidence, and how many papers' entities and mentions it stands for."""

    __slots__ = ("fact", "catalogue_pairs", "alias_pairs", "defined", "facts", "mentions",
                 "confidence", "generic", "cores")

    def __init__(self, fact: _Fact) -> None:
        self.fact = fact
        self.catalogue_pairs: tuple = ()
        self.alias_pairs: tuple = ()
        self.defined: tuple = ()
        self.facts = 0
        self.mentions = 0
        self.confidence = 0.0
        self.generic = True
        self.cores: tuple[tuple[str, bool], ...] = ()


class PaperEvidence:
    """The canonical index's first pass: what the papers say about name keys, summed per
    distinct paper-level entity (`_Shape`) and per piece of evidence. Per paper it keeps only
    the paper's id, its line's byte offset and its primary keys (as numbers into `primaries`),
    so it can be kept with a build (`kg.link.state`) and an update reads only its new papers
    into it. Reading papers in one order or another gives the same evidence (counts, smallest
    paper ids, first-seen notes of papers appended after the earlier ones)."""

    def __init__(self) -> None:
        self.shapes: dict[tuple, _Shape] = {}
        self.catalogue_evidence: dict[tuple[str, str], Evidence] = defaultdict(Evidence)
        self.alias_evidence: dict[tuple[str, str], Evidence] = defaultdict(Evidence)
        self.paper_variants: dict[tuple[str, str, str], Evidence] = defaultdict(Evidence)
        self.variant_notes: dict[tuple[str, str, str], str] = {}
        self.definitions: dict[str, dict[str, tuple[str, Evidence]]] = defaultdict(dict)
        self.primaries: dict[str, int] = {}  # primary key → its number, in first-seen order
        self.paper_ids: list[str] = []  # in the order read
        self.offsets = array("q")  # each paper's line in the extractions file (-1: not a file)
        self.key_starts = array("q", [0])  # paper i's primary keys: keys[key_starts[i]:key_starts[i+1]]
        self.keys = array("i")

    def read(self, records: Iterable, offsets: bool = False) -> None:
        """Add papers: records, or (offset, record) pairs where `offsets`."""
        for item in records:
            offset, record = item if offsets else (-1, item)
            self.add(record, offset)

    def add(self, record: dict, offset: int = -1) -> None:
        counts = Counter(m.get("entity_id") for m in record["mentions"])
        catalogue_pairs, alias_pairs, defined = set(), set(), set()
        in_paper: list[tuple[_Shape, int]] = []
        for entity in record["entities"]:
            signature = (entity["id"], entity["label"], entity["name"], tuple(entity["aliases"]),
                         entity.get("catalogue_id"))
            shape = self.shapes.get(signature)
            if shape is None:
                shape = self.shapes[signature] = _shape(_fact(record["id"], entity, counts))
            shape.facts += 1
            shape.mentions += counts.get(entity["id"], 0)
            shape.confidence = max(shape.confidence, entity.get("confidence", 1.0))
            shape.generic &= bool((entity.get("worthiness") or {}).get("generic"))
            catalogue_pairs.update(shape.catalogue_pairs)
            alias_pairs.update(shape.alias_pairs)
            defined.update(shape.defined)
            in_paper.append((shape, counts.get(entity["id"], 0)))
        for key in self._same_paper_variants(in_paper):
            self.paper_variants[key].add(record["id"])
        for pair in catalogue_pairs:
            self.catalogue_evidence[pair].add(record["id"])
        for pair in alias_pairs:
            self.alias_evidence[pair].add(record["id"])
        for short, long, kind in defined:
            self.definitions[short].setdefault(long, (kind, Evidence()))[1].add(record["id"])
        primaries = self.primaries
        self.keys.extend(sorted({primaries.setdefault(shape.fact.primary, len(primaries))
                                 for shape, _ in in_paper}))
        self.key_starts.append(len(self.keys))
        self.paper_ids.append(record["id"])
        self.offsets.append(offset)

    def key_numbers(self) -> np.ndarray:
        """Every paper's primary keys (numbers into `primaries`), paper after paper."""
        return np.frombuffer(self.keys, dtype=np.int32)

    def paper_of_keys(self) -> np.ndarray:
        """The paper (its number in reading order) each of `key_numbers()` belongs to."""
        starts = np.frombuffer(self.key_starts, dtype=np.int64)
        return np.repeat(np.arange(len(starts) - 1, dtype=np.int64), np.diff(starts))

    def _same_paper_variants(self, in_paper: list[tuple[_Shape, int]]) -> set[tuple[str, str, str]]:
        """(key, key, kind) joins one paper gives: a name and its head-word variant
        (`deep research` / `deep research systems`), two variants of one name, and a name
        written once and a key one or two edits from it written more often (`CFDBnech` /
        `CFDBench`)."""
        found = set()
        by_core: dict[str, set[str]] = defaultdict(set)
        methods = {shape.fact.primary for shape, _ in in_paper if shape.fact.label == "Method"}
        for shape, _ in in_paper:
            for core, _ in shape.cores:
                if core != shape.fact.primary:
                    by_core[core].add(shape.fact.primary)
        for core, variants in by_core.items():
            members = sorted(variants | ({core} & methods))
            for other in members[1:]:
                found.add((members[0], other, "variant"))
                self.variant_notes.setdefault((members[0], other, "variant"), (
                    f"one paper names {members[0]!r} and {other!r} (head-word variants of {core!r})"))
        counted = sorted(((shape.fact.primary, mentions, _capitals(shape.fact.name))
                          for shape, mentions in in_paper if not shape.fact.catalogue_id),
                         key=lambda item: (-item[1], item[0]))
        for rare, rare_mentions, rare_capitals in counted:
            if rare_mentions != 1:
                continue
            for common, common_mentions, capitals in counted:
                # a capital more or less is a coined name (`ResNet` / `ResNeXt`), not a slip
                if (common_mentions > 1 and capitals == rare_capitals
                        and (distance := misspelling_distance(rare, common))):
                    found.add((common, rare, "misspelling"))
                    self.variant_notes.setdefault((common, rare, "misspelling"), (
                        f"{rare!r} written once, {distance} edit(s) from {common!r} in the same paper"))
                    break
        return found



class CanonicalIndex:
    """Maps each paper-level entity (paper id, `label:key`) to its canonical entity.

    Built from the papers' evidence (`PaperEvidence`: one streaming pass over the extraction
    records, a list or `kg.engine.records.ExtractionsFile` read from disk, or the evidence a
    build kept with new papers added). Only per-key state is kept (keys, names, surfaces,
    counts, merges) and each paper's primary keys as numbers, never per-paper facts, so memory
    is bounded by the number of distinct entities."""

    def __init__(self, extractions: Iterable[dict], aliases: UserAliases | None = None,
                 catalogue: Catalogue | None = None, evidence: PaperEvidence | None = None) -> None:
        aliases = aliases or UserAliases()
        if evidence is None:
            if iter(extractions) is extractions:  # a one-shot iterator: kept for entity_for
                extractions = list(extractions)
            evidence = PaperEvidence()
            with_offsets = getattr(extractions, "with_offsets", None)
            with without_gc():
                evidence.read(with_offsets() if with_offsets else extractions,
                              offsets=bool(with_offsets))
        self._extractions = extractions
        self.evidence = evidence
        self.catalogue = catalogue if catalogue is not None else _default_catalogue()
        self.aliases = aliases
        self.groups = GuardedUnion(aliases.apart_keys())
        self.applied: list[Link] = []
        self.refused: list[Refusal] = []
        self.ambiguous: list[Ambiguity] = []
        self._by_fact: dict[tuple[str, str], str] | None = None
        with without_gc():
            self._register(evidence)
            definitions = evidence.definitions
            self._apply(self._user_links(aliases) + self._catalogue_links(definitions)
                        + self._alias_links() + self._spacing_links() + self._score_links())
            self._apply(self._abbreviation_links(definitions))
            self._apply(self._expansion_links(definitions))
            self._apply(self._variant_links())
            self._make_entities(aliases.rename_keys())

    # evidence ------------------------------------------------------------------------------

    def _register(self, evidence: PaperEvidence) -> None:
        """The keys, labels, surfaces and named cores of every distinct paper-level entity, in
        the order the papers gave them, and the per-key tallies."""
        self._labels_of_key: dict[str, set[str]] = defaultdict(set)
        self._surfaces_of_key: dict[str, set[str]] = defaultdict(set)
        self._tallies: dict[str, _Tally] = defaultdict(_Tally)
        self._named_cores: dict[str, set[str]] = defaultdict(set)
        for shape in evidence.shapes.values():
            fact = shape.fact
            for key in fact.keys:
                self.groups.add(key)
                self._labels_of_key[key].add(fact.label)
            for surface in fact.surfaces:
                self._surfaces_of_key[name_key(surface)].add(surface)
            for core, named in shape.cores:
                if named and core != fact.primary:
                    self._named_cores[core].add(fact.primary)
            self._tallies[fact.primary].add(fact, shape.facts, shape.mentions, shape)
        self._catalogue_evidence = evidence.catalogue_evidence
        self._alias_evidence = evidence.alias_evidence
        self._paper_variants = evidence.paper_variants
        self._variant_notes = evidence.variant_notes

    def _variant_links(self) -> list[Link]:
        """Coined names under several heads across the build, and what papers gave."""
        links = []
        for core, variants in sorted(self._named_cores.items()):
            members = sorted(variants)
            hub = core if "Method" in self._labels_of_key.get(core, ()) else members[0]
            if core in self.groups.parent and hub != core:
                continue  # the name is known as something else than a method (a task)
            links += [Link(hub, other, "variant", CONFIDENCE["variant"],
                           note=f"head-word variants of {core!r}")
                      for other in members if other != hub]
        for (a, b, kind), evidence in sorted(self._paper_variants.items()):
            links.append(Link(a, b, kind, CONFIDENCE[kind], evidence.papers, evidence.count,
                              self._variant_notes.get((a, b, kind), "")))
        return links

    def _user_links(self, aliases: UserAliases) -> list[Link]:
        return [Link(group[0], key, "user", CONFIDENCE["user"])
                for group in aliases.merge_keys() for key in group[1:]]

    def _catalogue_links(self, definitions) -> list[Link]:
        """Keys the extractor matched to a catalogue entry, and keys that are a catalogue name
        of the same type; not short forms a paper defines (`chain-of-layers (CoLa)` is not the
        CoLA dataset)."""
        evidence = dict(self._catalogue_evidence)
        for key in sorted(self._labels_of_key):
            entry = self.catalogue.entry_for_key(key) if key not in definitions else None
            if entry and entry.label in self._labels_of_key[key]:
                evidence.setdefault((key, CATALOGUE_NODE + entry.id), Evidence())
        return [Link(a, b, "catalogue", CONFIDENCE["catalogue"], e.papers, e.count)
                for (a, b), e in evidence.items()]

    def _alias_links(self) -> list[Link]:
        """Surface forms the extractor grouped in one paper, other than abbreviations."""
        return [Link(a, b, "alias", CONFIDENCE["alias"], e.papers, e.count)
                for (a, b), e in self._alias_evidence.items()]

    def _spacing_links(self) -> list[Link]:
        """`RandomForest` / `random forest`, `DomainAdaptation` / `domain adaptation`."""
        by_letters: dict[str, list[str]] = defaultdict(list)
        for key in sorted(k for k in self.groups.parent if not k.startswith(CATALOGUE_NODE)):
            letters = key.replace(" ", "")
            if len(letters) >= 6:
                by_letters[letters].append(key)
        return [Link(keys[0], other, "spacing", CONFIDENCE["spacing"])
                for keys in by_letters.values() for other in keys[1:]]

    def _score_links(self) -> list[Link]:
        """A Metric and its score (`macro-F1` / `macro F1 score`, `BLEU` / `BLEU score`): on
        4,000 arXiv abstracts `macro-F1` and `macro F1 score` were two nodes."""
        metrics = {key for key, labels in self._labels_of_key.items() if "Metric" in labels}
        return [Link(key[:-len(" score")], key, "score", CONFIDENCE["score"])
                for key in sorted(metrics) if key.endswith(" score") and key[:-len(" score")] in metrics]

    def _abbreviation_links(self, definitions) -> list[Link]:
        links = []
        for short, meanings in sorted(definitions.items()):
            roots = {self.groups.find(long) for long in meanings}
            if len(roots) > 1:
                self.ambiguous.append(Ambiguity(short, tuple(
                    (long, evidence.papers, evidence.count)
                    for long, (_, evidence) in sorted(meanings.items()))))
                continue
            for long, (kind, evidence) in sorted(meanings.items()):
                links.append(Link(short, long, kind, CONFIDENCE[kind], evidence.papers,
                                  evidence.count))
        return links

    def _expansion_links(self, definitions) -> list[Link]:
        """`ctr prediction` joins `click through rate prediction` when `CTR` is defined once."""
        ambiguous = {a.short for a in self.ambiguous}
        meaning = {short: next(iter(longs)) for short, longs in definitions.items()
                   if len(longs) == 1 and short not in ambiguous}
        links = []
        for key in sorted(k for k in self.groups.parent if " " in k):
            words = key.split()
            expanded = " ".join(meaning.get(word, word) for word in words)
            if expanded != key and (expanded in self.groups.parent
                                    or self.catalogue.entry_for_key(expanded)):
                links.append(Link(key, expanded, "expansion", CONFIDENCE["expansion"]))
        return links

    def _apply(self, links: list[Link]) -> None:
        for link in sorted(links, key=lambda link: (KIND_ORDER.index(link.kind), link.a, link.b)):
            if link.kind == "catalogue" and link.b.startswith(CATALOGUE_NODE):
                self.groups.add(link.b)
            if self.groups.find(link.a) == self.groups.find(link.b):
                continue
            reason = self.groups.union(link.a, link.b, forced=link.kind == "user")
            if reason:
                self.refused.append(Refusal(link.a, link.b, link.kind, reason, link.papers,
                                            link.paper_count))
            else:
                self.applied.append(link)

    # entities ------------------------------------------------------------------------------

    def _make_entities(self, renames: dict[str, str]) -> None:
        by_root: dict[str, list[_Tally]] = defaultdict(list)
        for primary, tally in self._tallies.items():
            by_root[self.groups.find(primary)].append(tally)
        papers = self._papers_by_root()
        merges_by_root: dict[str, list[Link]] = defaultdict(list)
        for link in self.applied:
            merges_by_root[self.groups.find(link.a)].append(link)

        drafts = []
        for root, tallies in by_root.items():
            keys = sorted(k for k in self.groups.members[root] if not k.startswith(CATALOGUE_NODE))
            catalogue_votes = _summed([t.catalogue for t in tallies])
            catalogue_ids = sorted(self.groups.catalogue[root])
            catalogue_id = (_most_common(catalogue_votes) if catalogue_votes
                            else catalogue_ids[0] if catalogue_ids else None)
            entry = self.catalogue.get(catalogue_id)
            label = entry.label if entry else _most_common(_summed([t.labels for t in tallies]))
            rename = next((renames[k] for k in keys if k in renames), None)
            name = rename or (entry.name if entry else _most_common(_summed([t.names for t in tallies])))
            surfaces = set().union(*(t.surfaces for t in tallies),
                                   *(self._surfaces_of_key.get(k, ()) for k in keys))
            drafts.append((f"{label.lower()}/{slug(name_key(name) or name)}", keys[0], CanonicalEntity(
                id="", label=label, name=name,
                aliases=sorted(surfaces - {name}, key=lambda s: (s.lower(), s)),
                catalogue_id=catalogue_id, papers=papers[root],
                mentions=sum(t.mentions for t in tallies), keys=keys,
                confidence=round(max(t.confidence for t in tallies), 3),
                generic=all(t.generic for t in tallies),
                merges=sorted(merges_by_root[root], key=lambda link: (link.kind, link.a, link.b))), root))

        self.entities: dict[str, CanonicalEntity] = {}
        self._by_root: dict[str, str] = {}
        taken: Counter = Counter()
        for base, _, entity, root in sorted(drafts, key=lambda d: (d[0], d[1])):
            taken[base] += 1
            entity.id = base if taken[base] == 1 else f"{base}-{taken[base]}"
            self.entities[entity.id] = entity
            self._by_root[root] = entity.id
        # what only the passes needed
        del self._tallies, self._labels_of_key, self._catalogue_evidence, self._alias_evidence
        del self._named_cores, self._paper_variants, self._variant_notes
        del self._surfaces_of_key

    def _papers_by_root(self) -> Counter:
        """Each group's papers: a paper counts once however many of its keys the group holds
        (a paper's keys are distinct, so only groups of several keys need telling apart)."""
        evidence = self.evidence
        roots = sorted({self.groups.find(primary) for primary in evidence.primaries})
        if not roots or not len(evidence.keys):
            return Counter()
        number = {root: n for n, root in enumerate(roots)}
        root_of_key = np.array([number[self.groups.find(primary)] for primary in evidence.primaries],
                               dtype=np.int64)
        of_keys = root_of_key[evidence.key_numbers()]
        shared = (np.bincount(root_of_key, minlength=len(roots)) > 1)[of_keys]
        counts = np.bincount(of_keys[~shared], minlength=len(roots))
        if shared.any():  # (paper, group) pairs counted once
            pairs = np.unique(evidence.paper_of_keys()[shared] * len(roots) + of_keys[shared])
            counts += np.bincount(pairs % len(roots), minlength=len(roots))
        return Counter({root: int(count) for root, count in zip(roots, counts, strict=True)})

    # lookups -------------------------------------------------------------------------------

    def resolve(self, entity: dict) -> str:
        """The canonical id of a paper-level entity (an item of a record's `entities`)."""
        return self._by_root[self.groups.find(primary_key(entity))]

    def entity_for(self, paper_id: str, entity_id: str) -> str:
        """The canonical id of one paper's entity, by ids. The first call reads the records
        again and keeps a map of every paper's entities: for tests and small builds; the build
        itself uses `resolve`."""
        if self._by_fact is None:
            self._by_fact = {(record["id"], e["id"]): self.resolve(e)
                             for record in self._extractions for e in record["entities"]}
        return self._by_fact[(paper_id, entity_id)]

    def id_of_key(self, key: str) -> str | None:
        """The canonical id of the entity holding a name key, if one does."""
        root = self.groups.find(key) if key in self.groups.parent else None
        return self._by_root.get(root) if root is not None else None

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


def _capitals(name: str) -> str:
    return "".join(sorted(c for c in name if c.isupper()))


def primary_key(entity: dict) -> str:
    """The key a paper-level entity is grouped by: its name's key, else its id's."""
    return name_key(entity["name"]) or entity["id"].split(":", 1)[1]


def _fact(paper: str, entity: dict, counts: Counter) -> _Fact:
    id_key = entity["id"].split(":", 1)[1]
    primary = name_key(entity["name"]) or id_key
    surfaces = [entity["name"], *entity["aliases"]]
    keys = list(dict.fromkeys([primary, id_key, *filter(None, map(name_key, surfaces))]))
    return _Fact(paper, entity["id"], entity["label"], entity["name"], primary, keys, surfaces,
                 entity.get("catalogue_id"), counts.get(entity["id"], 0))


def _shape(fact: _Fact) -> _Shape:
    """What one distinct paper-level entity contributes (keys, evidence), noted once."""
    shape = _Shape(fact)
    if fact.catalogue_id:
        shape.catalogue_pairs = tuple((key, CATALOGUE_NODE + fact.catalogue_id) for key in fact.keys)
    else:  # catalogue facts join through the catalogue node
        shape.alias_pairs = tuple(tuple(sorted((fact.primary, key))) for key in fact.keys
                                  if key != fact.primary and not _abbreviation_pair(fact, key))
    defined = [pair for key in fact.keys
               if key != fact.primary and (pair := _abbreviation_pair(fact, key))]
    defined += [pair for surface in fact.surfaces for pair in inner_definitions(surface)]
    shape.defined = tuple(defined)
    # `X system` is a Method; with a task's name it is a method for the task, not the task
    cores = {core for surface in fact.surfaces if (core := head_variant_core(surface))} \
        if fact.label == "Method" else set()
    shape.cores = tuple(sorted(cores))
    return shape


def _abbreviation_pair(fact: _Fact, key: str) -> tuple[str, str, str] | None:
    """(short key, long key, kind) when `key` and the fact's primary key are a short form
    and its long form."""
    short_surfaces = [s for s in fact.surfaces if name_key(s) == key and is_short_form(s)]
    if short_surfaces and (kind := abbreviates(key, fact.primary)):
        return key, fact.primary, kind
    if is_short_form(fact.name) and (kind := abbreviates(fact.primary, key)):
        return fact.primary, key, kind
    return None


def _default_catalogue() -> Catalogue:
    from kg.link.catalogue import load_catalogue

    try:
        return load_catalogue()
    except (OSError, ValueError, KeyError):
        return EMPTY


def _summed(counters: list[Counter]) -> Counter:
    """The counters added up (one is itself: it is only read)."""
    return counters[0] if len(counters) == 1 else sum(counters, Counter())


def _most_common(counter: Counter) -> str:
    """Highest count; ties broken alphabetically, so ids do not depend on input order."""
    return min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
