"""The papers' linking evidence kept with a build (`OUT/linking.state`), so that an update
reads only its new papers and `kg.api.load` none, instead of every paper of the build.

The file holds `kg.link.canonical.PaperEvidence` (per distinct paper-level entity and per
piece of evidence, plus each paper's id, line offset and primary keys) and says which
extraction records it was read from: the size of `extractions.jsonl` then and a digest of
that part's first and last bytes. An update's records file is the previous file with the new
lines after it, so its first part still matches and only the rest is read. A state made by
other linking code (its source digest differs), a damaged file or another records file is
not used: the evidence is read from every record again, as before the file existed.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable
from pathlib import Path

import msgspec

from kg import names
from kg.engine.records import ExtractionsFile
from kg.io import atomic_path, prefix_digest, without_gc
from kg.link import canonical
from kg.link.canonical import Evidence, PaperEvidence, _fact, _shape

STATE = "linking.state"
FORMAT = 1


def _code() -> str:
    """A digest of the code the evidence depends on (the name keys and the linking rules)."""
    digest = hashlib.blake2b(digest_size=12)
    for module in (canonical, names):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class _State(msgspec.Struct, array_like=True):
    format: int
    code: str
    size: int  # bytes of extractions.jsonl read
    check: bytes  # `prefix_digest` of those bytes
    shapes: list[tuple]  # (entity id, label, name, aliases, catalogue id, first paper, its
    #                      mentions, facts, mentions, confidence, generic), in first-seen order
    catalogue: list[tuple[str, str, int, list[str]]]  # (key, key, papers, first papers)
    aliases: list[tuple[str, str, int, list[str]]]
    variants: list[tuple[str, str, str, int, list[str], str]]  # ... , note (or "")
    definitions: list[tuple[str, str, str, int, list[str]]]  # (short, long, kind, papers, first)
    primaries: list[str]
    paper_ids: list[str]
    offsets: bytes
    key_starts: bytes
    keys: bytes


def _evidence(counted: Evidence) -> tuple[int, list[str]]:
    return counted.count, list(counted.sample)


def _counted(count: int, sample: list[str]) -> Evidence:
    counted = Evidence()
    counted.count, counted.sample = count, list(sample)
    return counted


def write_state(path: str | Path, evidence: PaperEvidence, extractions: str | Path) -> None:
    """Keep `evidence`, read from every record of `extractions` (the build's records file)."""
    size = Path(extractions).stat().st_size
    state = _State(
        format=FORMAT, code=_code(), size=size, check=prefix_digest(Path(extractions), size),
        shapes=[(s.fact.entity_id, s.fact.label, s.fact.name, s.fact.surfaces[1:],
                 s.fact.catalogue_id, s.fact.paper, s.fact.mentions, s.facts, s.mentions,
                 s.confidence, s.generic) for s in evidence.shapes.values()],
        # sorted: the pieces of evidence were found in sets, whose order varies by process
        catalogue=sorted((a, b, *_evidence(e)) for (a, b), e in evidence.catalogue_evidence.items()),
        aliases=sorted((a, b, *_evidence(e)) for (a, b), e in evidence.alias_evidence.items()),
        variants=sorted((a, b, kind, *_evidence(e), evidence.variant_notes.get((a, b, kind)) or "")
                        for (a, b, kind), e in evidence.paper_variants.items()),
        definitions=sorted((short, long, kind, *_evidence(e))
                           for short, meanings in evidence.definitions.items()
                           for long, (kind, e) in meanings.items()),
        primaries=list(evidence.primaries), paper_ids=evidence.paper_ids,
        offsets=evidence.offsets.tobytes(), key_starts=evidence.key_starts.tobytes(),
        keys=evidence.keys.tobytes())
    with atomic_path(path) as temp:
        Path(temp).write_bytes(msgspec.msgpack.encode(state))


def read_state(path: str | Path, extractions: str | Path) -> tuple[PaperEvidence, int] | None:
    """The evidence kept at `path` and the bytes of `extractions` it covers, where it was
    read from those bytes by this code; else None."""
    try:
        state = msgspec.msgpack.decode(Path(path).read_bytes(), type=_State)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    extractions = Path(extractions)
    if (state.format != FORMAT or state.code != _code() or not extractions.is_file()
            or extractions.stat().st_size < state.size
            or prefix_digest(extractions, state.size) != state.check):
        return None
    evidence = PaperEvidence()
    for (entity_id, label, name, aliases, catalogue_id, paper, mentions_first, facts, mentions,
         confidence, generic) in state.shapes:
        entity = {"id": entity_id, "label": label, "name": name, "aliases": aliases,
                  "catalogue_id": catalogue_id}
        shape = _shape(_fact(paper, entity, {entity_id: mentions_first}))
        shape.facts, shape.mentions, shape.confidence, shape.generic = (
            facts, mentions, confidence, generic)
        evidence.shapes[(entity_id, label, name, tuple(aliases), catalogue_id)] = shape
    for a, b, count, sample in state.catalogue:
        evidence.catalogue_evidence[(a, b)] = _counted(count, sample)
    for a, b, count, sample in state.aliases:
        evidence.alias_evidence[(a, b)] = _counted(count, sample)
    for a, b, kind, count, sample, note in state.variants:
        evidence.paper_variants[(a, b, kind)] = _counted(count, sample)
        if note:
            evidence.variant_notes[(a, b, kind)] = note
    for short, long, kind, count, sample in state.definitions:
        evidence.definitions[short][long] = (kind, _counted(count, sample))
    evidence.primaries = {key: number for number, key in enumerate(state.primaries)}
    evidence.paper_ids = state.paper_ids
    evidence.offsets = array("q", state.offsets)
    evidence.key_starts = array("q", state.key_starts)
    evidence.keys = array("i", state.keys)
    return evidence, state.size


def paper_evidence(extractions: ExtractionsFile, kept: str | Path | None = None,
                   before_reading_all: Callable[[], None] | None = None) -> PaperEvidence:
    """The evidence of every record of `extractions`: the evidence kept at `kept` (a build's
    `linking.state`) where it covers the file's first part, with the rest of the records read
    into it; else read from every record, once `before_reading_all` returns (an update's file
    still being copied: `kg.io.PrefixCopy`). `extractions` learns its records' offsets on the
    way."""
    with without_gc():
        found = read_state(kept, extractions.path) if kept is not None else None
        if not found and before_reading_all is not None:
            before_reading_all()
        evidence, start = found if found else (PaperEvidence(), 0)
        evidence.read(extractions.linking().with_offsets(start), offsets=True)
        if start:
            extractions.know_offsets(zip(evidence.paper_ids, evidence.offsets, strict=True),
                                     len(evidence.paper_ids), later=True)
    return evidence
