"""The build's papers by identity key, kept with it (`kg.engine.identities`): repeats are
found as reading every previous record finds them, from kept keys plus the new lines, even
where two keys share a hash; an update decodes only its new records and the ones a key hit."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg.engine import identities
from kg.engine import records as extraction_records
from kg.engine.identities import KnownPapers
from kg.records import Paper, Reject
from kg.sources.dedup import deduplicate
from tests.conftest import ROOT

SCIREX = ROOT.parent / "shared" / "data" / "scirex" / "abstracts.jsonl"


def outcome(items):
    return [(item.reason if isinstance(item, Reject) else item.id) for item in items]


_record = st.builds(
    lambda n, title, arxiv, doi, year: {
        "id": f"p{n}", "title": title, "date": f"{year}-01-01",
        **({"arxiv_id": f"2401.{arxiv:05d}"} if arxiv is not None else {}),
        **({"doi": f"10.1/{doi}"} if doi is not None else {}),
        "source": {"file": "in.jsonl", "line": n}, "mentions": []},
    st.integers(0, 30), st.sampled_from(["A Title", "Other", "Third one", "!!"]),
    st.none() | st.integers(0, 4), st.none() | st.integers(0, 4), st.sampled_from([2015, 2016, 2019]))


@settings(max_examples=120, deadline=None)
@given(records=st.lists(_record, max_size=12), new=st.lists(_record, max_size=6),
       cut=st.integers(0, 12), coarse=st.booleans())
def test_kept_keys_find_the_repeats_that_every_record_finds(tmp_path_factory, records, new, cut,
                                                           coarse):
    """Whatever the records, where the kept part ends and whether keys share hashes, the
    index gives `deduplicate` the answers that the records themselves give."""
    folder = tmp_path_factory.mktemp("known")
    path = folder / "extractions.jsonl"
    lines = [json.dumps(r) + "\n" for r in records]
    path.write_text("".join(lines[:cut]))
    with pytest.MonkeyPatch.context() as patch:
        if coarse:  # every key in one of three hashes: each hit must be confirmed
            patch.setattr(identities, "key_hash", lambda key: len(key) % 3)
        KnownPapers.read(path).write(folder / "identities.state")
        path.write_text("".join(lines))  # the previous file with new lines after it
        known = KnownPapers.read(path, kept=folder / "identities.state")
        assert len(known) == len(records)
        whole = KnownPapers.read(path)  # the new keys merged in place: the order of a full read
        assert (known.hashes.tolist(), known.papers.tolist()) == (whole.hashes.tolist(),
                                                                  whole.papers.tolist())

        def papers():
            return [Paper(title=r["title"], abstract="x", source="new.jsonl", line=i, id=r["id"],
                          date=r["date"], arxiv_id=r.get("arxiv_id"), doi=r.get("doi"))
                    for i, r in enumerate(new)]
        assert outcome(deduplicate(papers(), known)) == outcome(deduplicate(papers(), records))


def test_kept_keys_out_of_order_are_sorted_again(tmp_path):
    """A kept state whose keys are not in order (not written by this code) is not trusted
    to be: the new keys are not inserted into it but everything is sorted again."""
    import msgspec

    records = [{"id": f"p{n}", "title": f"Title {n}", "date": "2020-01-01",
                "source": {"file": "in.jsonl", "line": n}, "mentions": []} for n in range(6)]
    path = tmp_path / "extractions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records[:4]))
    KnownPapers.read(path).write(tmp_path / "identities.state")
    state = msgspec.msgpack.decode((tmp_path / "identities.state").read_bytes(), type=identities._State)
    state.hashes, state.papers = (b"".join(reversed([kept[i:i + 8] for i in range(0, len(kept), 8)]))
                                  for kept in (state.hashes, state.papers))
    (tmp_path / "identities.state").write_bytes(msgspec.msgpack.encode(state))
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    known = KnownPapers.read(path, kept=tmp_path / "identities.state")
    whole = KnownPapers.read(path)
    assert (known.hashes.tolist(), known.papers.tolist()) == (whole.hashes.tolist(), whole.papers.tolist())


def test_kept_keys_of_other_records_are_not_used(tmp_path):
    path = tmp_path / "extractions.jsonl"
    first = {"id": "p1", "title": "A Title", "source": {"file": "in.jsonl", "line": 1}}
    path.write_text(json.dumps(first) + "\n")
    KnownPapers.read(path).write(tmp_path / "identities.state")
    other = {"id": "p2", "title": "Other Title", "source": {"file": "in.jsonl", "line": 1}}
    path.write_text(json.dumps(other) + "\n")  # the same size, other bytes
    known = KnownPapers.read(path, kept=tmp_path / "identities.state")
    assert known.first("p2").id == "p2" and known.first("p1") is None
    (tmp_path / "identities.state").write_bytes(b"\x00 not a state")
    assert KnownPapers.read(path, kept=tmp_path / "identities.state").first("p2").id == "p2"


def test_an_update_decodes_only_its_new_records_to_find_repeats(tmp_path, monkeypatch):
    """Eight papers built, then three given, one of them a repeat: the update decodes the
    repeat's first copy (once for each of its keys at most) and its two new records, not the
    eight records of the build."""
    if not SCIREX.is_file():
        pytest.skip(f"{SCIREX} not available")
    rows = [json.loads(line) for line in SCIREX.read_text().splitlines()[:10]]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in rows[:8]))
    second.write_text("".join(json.dumps(r) + "\n" for r in [*rows[8:], rows[0]]))  # one repeat
    kg.build([first], out=tmp_path / "out")
    first_id = json.loads((tmp_path / "out" / "extractions.jsonl").read_text().splitlines()[0])["id"]
    decoded = []
    for module in (identities, extraction_records):
        real = module._DECODE_IDENTITY
        monkeypatch.setattr(module, "_DECODE_IDENTITY",
                            lambda line, real=real: decoded.append(1) or real(line))
    updated = kg.build([second], out=tmp_path / "out", update=True)
    assert updated.summary.duplicates == 1 and updated.summary.papers_in_graph == 10
    reject = json.loads((tmp_path / "out" / "rejects.jsonl").read_text().splitlines()[-1])
    assert reject["reason"].startswith(f"duplicate of paper {first_id} (")
    assert 3 <= len(decoded) <= 2 + 4, len(decoded)
    kept = KnownPapers.read(tmp_path / "out" / "extractions.jsonl",
                            kept=tmp_path / "out" / "identities.state")
    assert len(kept) == 10 and len(decoded) <= 6  # the kept state covered the whole file
