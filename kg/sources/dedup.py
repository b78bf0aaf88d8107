"""Repeated papers across and within inputs: one paper is read once, each repeat becomes a
Reject that names the first occurrence.

A paper repeats another when they share the paper id, arXiv id, DOI, or normalised title
(`kg.records.identity_keys`); two papers with the same title whose years are more than a year
apart are two papers (the later gets the year in its id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from types import SimpleNamespace

from kg.records import Paper, Reject, identity_keys


def years_apart(paper, other) -> bool:
    """Same title but publication years more than a year apart: two papers (a preprint and its
    publication a year later are still one)."""
    years = [re.match(r"\d{4}", getattr(p, "date", None) or "") for p in (paper, other)]
    return all(years) and abs(int(years[0].group(0)) - int(years[1].group(0))) > 1


def earlier_paper(record: dict) -> SimpleNamespace:
    """A repeat's first copy that is in the build already, from its extraction record."""
    source = record.get("source") or {}
    return SimpleNamespace(id=record["id"], source=source.get("file"), line=source.get("line"),
                           date=record.get("date"), known=True)


def deduplicate(items: Iterable[Paper | Reject], known=()) -> Iterator[Paper | Reject]:
    """Drop repeated papers (same id, arXiv id, DOI, or normalised title and year), turning each repeat
    into a Reject that names the first occurrence. `known`: the papers already in the build,
    as their extraction records or as an index that gives a key's first paper
    (`kg.engine.identities.KnownPapers.first`, looked up only for the keys the items have)."""
    first_seen: dict = {}
    lookup = getattr(known, "first", None)
    if lookup is None:
        for record in known:
            earlier = earlier_paper(record)
            for key in identity_keys(record["title"], record["id"], record.get("arxiv_id"),
                                     record.get("doi")):
                first_seen.setdefault(key, earlier)

    def seen(key: str):
        """The first paper with `key`: this run's, else the build's."""
        found = first_seen.get(key)
        if found is None and lookup is not None and (found := lookup(key)) is not None:
            first_seen[key] = found
        return found

    for item in items:
        if isinstance(item, Reject):
            yield item
            continue
        keys = identity_keys(item.title, item.id, item.arxiv_id, item.doi)
        original = next((found for k in keys if (found := seen(k)) is not None
                         and not (k.startswith("title:") and years_apart(item, found))), None)
        if original is not None and getattr(original, "known", False) and (
                original.source, original.line) == (item.source, item.line):
            continue  # this very record is in the build already (an input given again)
        if original is not None:
            for key in keys:  # a third copy known only by this one's DOI is a repeat too
                if seen(key) is None:
                    first_seen[key] = original
            yield Reject(item.source, item.line,
                         f"duplicate of paper {original.id} ({original.source}:{original.line})",
                         item.title[:200])
            continue
        if seen(item.id) is not None:  # the same title years apart: keep both, ids apart
            item.id = f"{item.id}-{(item.date or '')[:4]}"
            keys = [item.id, *keys[1:]]
        for key in keys:
            first_seen[key] = item
        yield item
