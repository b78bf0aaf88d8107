"""Merges to review: likely duplicates that were not merged, and merges made on weak evidence.

Each suspect is a plain dict (`kind`, `entities`, `names`, `reason`, `confidence`, `papers`);
`kg entities OUT --suspects` prints them, and the aliases file is how a reviewer answers.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz, process

from kg.link.canonical import (
    CATALOGUE_NODE,
    LOW_CONFIDENCE,
    CanonicalEntity,
    CanonicalIndex,
    numbers,
)
from kg.names import initials, is_short_form

SIMILARITY = 86  # rapidfuzz ratio (0–100) from which two unmerged names are listed
KINDS = ("low-confidence merge", "ambiguous abbreviation", "refused merge",
         "possible abbreviation", "similar names")


def _squash(key: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", key)


def _suspect(kind: str, entities: list[CanonicalEntity], reason: str, confidence=None,
             papers: int = 0) -> dict:
    return {"kind": kind, "entities": [e.id for e in entities], "names": [e.name for e in entities],
            "reason": reason, "confidence": confidence, "papers": papers}


def find_suspects(index: CanonicalIndex) -> list[dict]:
    """Every suspect, most worth a look first within each kind."""
    by_key = {key: entity for entity in index for key in entity.keys}
    suspects = []
    for entity in sorted(index, key=lambda e: e.id):
        for link in entity.merges:
            if link.confidence < LOW_CONFIDENCE:
                suspects.append(_suspect(
                    "low-confidence merge", [entity],
                    f"{link.a!r} joined {link.b!r} ({link.kind}"
                    + (f": {link.note})" if link.note else ")"), link.confidence, link.paper_count))
    for ambiguity in index.ambiguous:
        meanings = [by_key[long] for long, *_ in ambiguity.meanings if long in by_key]
        suspects.append(_suspect(
            "ambiguous abbreviation", list({e.id: e for e in meanings}.values()),
            f"{ambiguity.short!r} is defined as "
            + "; ".join(f"{long!r} in {count} paper(s)" for long, _, count in ambiguity.meanings),
            papers=sum(count for *_, count in ambiguity.meanings)))
    for refusal in index.refused:
        if refusal.reason.startswith("kept apart") or refusal.b.startswith(CATALOGUE_NODE):
            continue
        pair = [by_key.get(refusal.a), by_key.get(refusal.b)]
        if None not in pair and pair[0] is not pair[1]:
            suspects.append(_suspect("refused merge", pair,
                                     f"{refusal.a!r} / {refusal.b!r} ({refusal.kind}): {refusal.reason}",
                                     papers=refusal.paper_count))
    apart = {frozenset((by_key[a].id, by_key[b].id)) for group in index.aliases.apart_keys()
             for a in group for b in group if a != b and a in by_key and b in by_key}
    suspects += [s for s in _unmerged_pairs(index) if frozenset(s.pop("_pair")) not in apart]
    return suspects


def _unmerged_pairs(index: CanonicalIndex) -> list[dict]:
    """Same letters (`Chain-of-Layers`/`ChainOfLayers`), close spellings (`CFDBench`/`CFDBnech`)
    and an undefined short form matching another entity's initials (`NAS`/`neural architecture
    search`), across entity types (a type can be wrong too)."""
    found: dict[tuple[str, str], dict] = {}
    by_label: dict[str, list[tuple[str, CanonicalEntity]]] = defaultdict(list)
    for entity in sorted(index, key=lambda e: e.id):
        for key in entity.keys:
            by_label["all"].append((key, entity))
    for items in by_label.values():
        keys = [key for key, _ in items]
        squashed: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            squashed[_squash(key)].append(i)
        pairs = {(i, j, 100.0) for group in squashed.values() for i in group for j in group if i < j}
        scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=SIMILARITY,
                               dtype="uint8") if len(keys) > 1 else []
        for i, row in enumerate(scores):
            pairs |= {(i, int(j), float(row[j])) for j in row.nonzero()[0] if i < j}
        for i, j, score in sorted(pairs):
            (ka, a), (kb, b) = items[i], items[j]
            if a is b or numbers(ka) != numbers(kb) or min(len(ka), len(kb)) < 6:
                continue
            found.setdefault((a.id, b.id), {**_suspect(
                "similar names", [a, b], f"{ka!r} / {kb!r} (similarity {score:.0f})",
                ), "papers": a.papers + b.papers, "_pair": (a.id, b.id)})
        short = [(key, e) for key, e in items if " " not in key and is_short_form(e.name)]
        long_by_initials: dict[str, list] = defaultdict(list)
        for key, e in items:
            if " " in key:
                for letters in {initials(key), initials(key, stop_words=False)}:
                    long_by_initials[letters].append((key, e))
        for key, a in short:
            for long_key, b in long_by_initials.get(re.sub(r"[^a-z0-9]", "", key), ()):
                if a is not b:
                    found.setdefault((a.id, b.id), {**_suspect(
                        "possible abbreviation", [a, b], f"{key!r} may abbreviate {long_key!r}"),
                        "papers": a.papers + b.papers, "_pair": (a.id, b.id)})
    return sorted(found.values(), key=lambda s: (KINDS.index(s["kind"]), -s["papers"], s["entities"]))
