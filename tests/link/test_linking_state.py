"""The linking evidence a build keeps (`linking.state`): an update reads only its new papers
into it, and the index it gives is the index of every paper read again."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.engine.records import ExtractionsFile
from kg.link.canonical import CanonicalIndex, PaperEvidence
from kg.link.state import paper_evidence, read_state, write_state
from tests.link.records import entity, record
from tests.link.test_canonical import CATALOGUE, papers


def pool():
    """Papers that give every kind of evidence: abbreviations (one with two meanings),
    expansions, the catalogue, aliases, spacing, scores, head-word variants and misspellings."""
    return [*papers(),
            record("s1", "2D Matryoshka embedding models and 2D Matryoshka models",
                   entity("Method", "2D Matryoshka embedding models"),
                   entity("Method", "2D Matryoshka models")),
            record("s2", "the 2D Matryoshka training approach",
                   entity("Method", "2D Matryoshka training approach")),
            record("d1", "Deep research (DR) agents. DR systems search. deep research systems.",
                   entity("Method", "deep research", "DR"), entity("Method", "DR systems"),
                   entity("Method", "deep research systems")),
            record("c1", "CFDBench is a benchmark. On CFDBench we test. CFDBnech has errors.",
                   entity("Dataset", "CFDBench"), entity("Dataset", "CFDBnech")),
            record("r1", "A RandomForest and macro-F1.", entity("Method", "RandomForest"),
                   entity("Metric", "macro-F1")),
            record("r2", "A random forest reaches a macro F1 score of 3.",
                   entity("Method", "random forest"), entity("Metric", "macro F1 score")),
            record("a1", "Dense retrieval (DR) is fast.", entity("Method", "Dense retrieval", "DR")),
            record("b1", "BERT and RoBERTa, fine-tuned.", entity("Method", "BERT", catalogue_id="c:method/bert"),
                   entity("Method", "RoBERTa", catalogue_id="c:method/roberta")),
            record("t3", "Transformer architecture; the Transformer",
                   entity("Method", "Transformer"), entity("Method", "Transformer architecture"))]


def outcome(index: CanonicalIndex):
    """Everything the index decides, as plain values."""
    entities = [(e.id, e.label, e.name, e.aliases, e.catalogue_id, e.papers, e.mentions, e.keys,
                 e.confidence, e.generic, [(m.a, m.b, m.kind, m.papers, m.paper_count, m.note)
                                           for m in e.merges])
                for e in sorted(index, key=lambda e: e.id)]
    return entities, index.refused, index.ambiguous, index.applied


def write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(14)), st.integers(min_value=0, max_value=14))
def test_kept_evidence_with_the_new_papers_read_gives_the_index_of_every_paper(
        tmp_path_factory, order, cut):
    records = [pool()[i] for i in order]
    folder = tmp_path_factory.mktemp("state")
    write(folder / "first.jsonl", records[:cut])
    first = ExtractionsFile(folder / "first.jsonl")
    write_state(folder / "linking.state", paper_evidence(first), first.path)
    # the update's records file: the previous file, then the new papers' lines
    write(folder / "all.jsonl", records)
    every = ExtractionsFile(folder / "all.jsonl")
    kept = read_state(folder / "linking.state", every.path)
    assert kept is not None and kept[1] == first.path.stat().st_size
    updated = CanonicalIndex(every.linking(), catalogue=CATALOGUE,
                             evidence=paper_evidence(every, folder / "linking.state"))
    again = CanonicalIndex(every.linking(), catalogue=CATALOGUE)
    assert outcome(updated) == outcome(again)
    assert list(every.by_id()) == sorted(records, key=lambda r: r["id"])  # offsets known


def test_an_update_reads_only_its_new_papers(tmp_path, monkeypatch):
    records = pool()
    write(tmp_path / "first.jsonl", records[:10])
    first = ExtractionsFile(tmp_path / "first.jsonl")
    write_state(tmp_path / "linking.state", paper_evidence(first), first.path)
    write(tmp_path / "all.jsonl", records)
    read = []
    add = PaperEvidence.add
    monkeypatch.setattr(PaperEvidence, "add", lambda self, r, offset=-1: (read.append(r["id"]),
                                                                          add(self, r, offset)))
    evidence = paper_evidence(ExtractionsFile(tmp_path / "all.jsonl"), tmp_path / "linking.state")
    assert read == [r["id"] for r in records[10:]]
    assert evidence.paper_ids == [r["id"] for r in records]


def test_evidence_of_other_records_or_other_code_is_not_used(tmp_path, monkeypatch):
    records = pool()
    write(tmp_path / "first.jsonl", records[:10])
    first = ExtractionsFile(tmp_path / "first.jsonl")
    write_state(tmp_path / "linking.state", paper_evidence(first), first.path)
    changed = [dict(records[0], id="zz"), *records[1:]]  # the first part is not the same
    write(tmp_path / "other.jsonl", changed)
    assert read_state(tmp_path / "linking.state", tmp_path / "other.jsonl") is None
    write(tmp_path / "short.jsonl", records[:3])
    assert read_state(tmp_path / "linking.state", tmp_path / "short.jsonl") is None
    (tmp_path / "broken.state").write_bytes(b"\x93not a state")
    assert read_state(tmp_path / "broken.state", first.path) is None
    monkeypatch.setattr("kg.link.state._code", lambda: "other linking code")
    assert read_state(tmp_path / "linking.state", first.path) is None
    # with none usable, every record is read
    evidence = paper_evidence(ExtractionsFile(tmp_path / "other.jsonl"), tmp_path / "linking.state")
    assert evidence.paper_ids == [r["id"] for r in changed]
