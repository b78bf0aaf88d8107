"""Deduplication where records are read (`kg.sources.dedup`): repeats become Rejects naming the
first occurrence; the same title years apart is two papers; a record already in the build and
given again is skipped."""

from __future__ import annotations

from kg.records import Paper, Reject
from kg.sources.dedup import deduplicate, years_apart


def paper(title, line, **fields):
    return Paper(title=title, abstract="x", source="a.jsonl", line=line, **fields)


def test_repeats_are_rejects_naming_the_first():
    first, repeat = paper("A Title", 1, arxiv_id="2401.00001"), paper("Other", 2, arxiv_id="2401.00001v2")
    out = list(deduplicate([first, repeat]))
    assert out[0] is first and isinstance(out[1], Reject)
    assert (out[1].file, out[1].line) == ("a.jsonl", 2)
    assert out[1].reason == f"duplicate of paper {first.id} (a.jsonl:1)"


def test_same_title_years_apart_is_two_papers():
    old, new = paper("A Title", 1, date="2015-01-01"), paper("A Title", 2, date="2019-01-01")
    assert years_apart(old, new) and not years_apart(old, paper("A Title", 3, date="2016-06-01"))
    kept = list(deduplicate([old, new]))
    assert kept == [old, new] and new.id == f"{old.id}-2019"


def test_a_record_already_in_the_build_is_skipped_and_others_repeat_it():
    known = [{"id": "arxiv:2401.00001", "title": "A Title", "arxiv_id": "2401.00001",
              "source": {"file": "a.jsonl", "line": 1}}]
    again, elsewhere = paper("A Title", 1, arxiv_id="2401.00001"), paper("A Title", 5)
    out = list(deduplicate([again, elsewhere], known))
    assert len(out) == 1 and isinstance(out[0], Reject) and out[0].line == 5
    assert "duplicate of paper arxiv:2401.00001 (a.jsonl:1)" == out[0].reason
