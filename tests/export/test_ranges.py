"""The byte ranges of each unit's text kept beside a build's text outputs
(`kg.export.ranges`): what the writers keep is what reading the file finds, a copy by ranges
keeps exactly the kept units' bytes, and an update gives the same files from kept ranges, from
none, and from ranges of another file."""

import json
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg.export import ranges as kept_ranges
from kg.export.ranges import Ranges, copy_ranges, read_ranges, scan_graphml, scan_statements
from kg.export.rdf import DEFAULT_BASE
from tests.conftest import ROOT

SCIREX = ROOT.parent / "shared" / "data" / "scirex" / "abstracts.jsonl"
TEXT_FILES = ("graph.ttl", "graph.nt", "graph.graphml")


def scanned(path):
    if path.name == "graph.graphml":
        return scan_graphml(path)
    return [scan_statements(path, DEFAULT_BASE, turtle=path.name == "graph.ttl")]


def pieces(path, parts):
    """Each unit's text, in file order."""
    data = path.read_bytes()
    return [(unit, data[start:end]) for part in parts
            for unit, start, end in zip(part.units, part.starts.tolist(), part.ends.tolist())]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    if not SCIREX.is_file():
        pytest.skip(f"{SCIREX} not available")
    rows = [json.loads(line) for line in SCIREX.read_text().splitlines()[:6]]
    folder = tmp_path_factory.mktemp("inputs")
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in rows[:4]))
    second.write_text("".join(json.dumps(r) + "\n" for r in rows[4:]))
    return first, second


@pytest.fixture(scope="module")
def first_build(inputs, tmp_path_factory):
    return kg.build([inputs[0]], out=tmp_path_factory.mktemp("first") / "out", exports=["nt"]).out


def test_a_build_keeps_the_ranges_that_reading_its_files_finds(first_build):
    """Every unit's text begins where the writer marked it; the paper units hold their
    results and annotations, the last unit is the software agents'."""
    for name in TEXT_FILES:
        path = first_build / name
        written = read_ranges(path, parts=2 if name == "graph.graphml" else 1)
        assert written is not None, name
        found = scanned(path)
        for mine, theirs in zip(written, found, strict=True):
            assert mine.units == theirs.units, name
            assert mine.starts.tolist() == theirs.starts.tolist(), name
            assert mine.ends.tolist() == theirs.ends.tolist(), name
        units = {unit for part in written for unit in part.units}
        assert any(unit.startswith("paper/") for unit in units)
        assert any(unit.startswith("method/") for unit in units)
    text = dict(pieces(first_build / "graph.ttl", read_ranges(first_build / "graph.ttl")))
    assert text["agents"].startswith(b"<" + DEFAULT_BASE.encode() + b"agent/")
    paper = next(unit for unit in text if unit.startswith("paper/"))
    assert b"oa:Annotation" in text[paper] and text[paper].endswith(b" .\n")


def test_kept_ranges_of_another_file_are_not_used(first_build, tmp_path):
    copy = tmp_path / "graph.ttl"
    shutil.copyfile(first_build / "graph.ttl", copy)
    shutil.copyfile(first_build / "graph.ttl.ranges", tmp_path / "graph.ttl.ranges")
    assert read_ranges(copy) is not None
    with open(copy, "ab") as handle:
        handle.write(b"# changed\n")
    assert read_ranges(copy) is None
    (tmp_path / "graph.ttl.ranges").write_bytes(b"not msgpack")
    assert read_ranges(first_build / "graph.ttl") is not None and read_ranges(copy) is None


@pytest.fixture(scope="module")
def updates(inputs, first_build, tmp_path_factory):
    """The first build updated with the second input three times over, on copies: from its
    kept ranges, with no ranges kept (a build of an earlier release), and with ranges whose
    files were changed after they were taken."""
    folder = tmp_path_factory.mktemp("updates")
    done = {}
    for case in ("kept", "none", "stale"):
        out = folder / case
        shutil.copytree(first_build, out)
        for name in TEXT_FILES:
            if case == "none":
                (out / (name + ".ranges")).unlink()
            elif case == "stale":
                with open(out / name, "ab") as handle:
                    handle.write(b"\n" if name == "graph.graphml" else b"# a comment\n")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("KG_DELTA_SHARE", "1")
            if case == "kept":  # the kept ranges are used: the files are not read for them
                for scan in ("scan_statements", "scan_graphml"):
                    patch.setattr(f"kg.export.delta.{scan}", lambda *a, **k: pytest.fail("scanned"))
            done[case] = kg.build([inputs[1]], out=out, update=True, exports=["nt"])
    return done


def test_an_update_copies_the_same_text_from_kept_ranges_or_from_reading_the_file(updates):
    steps = updates["kept"].summary.steps
    assert {"graph.ttl delta", "N-Triples delta", "GraphML delta"} <= set(steps)
    for name in TEXT_FILES:
        kept = (updates["kept"].out / name).read_bytes()
        assert (updates["none"].out / name).read_bytes() == kept, name
        # the stale Turtle's and N-Triples' added comment went with the last unit, the agents'
        assert (updates["stale"].out / name).read_bytes() == kept, name
        parts = read_ranges(updates["kept"].out / name, parts=2 if name == "graph.graphml" else 1)
        assert parts is not None
        # the update kept ranges for the next one: the units of the file it wrote
        assert [u for u, _ in pieces(updates["kept"].out / name, parts)] == [
            u for part in scanned(updates["kept"].out / name) for u in part.units], name


@st.composite
def _files(draw):
    """A header, then units' texts (a unit may own several ranges), and which units go."""
    header = draw(st.binary(max_size=20))
    texts = draw(st.lists(st.tuples(st.sampled_from("abcdefg"), st.binary(min_size=1, max_size=30)),
                          max_size=25))
    removed = draw(st.sets(st.sampled_from("abcdefg")))
    return header, texts, removed


@settings(max_examples=120, deadline=None)
@given(case=_files(), kernel=st.booleans(), before=st.binary(max_size=10))
def test_a_copy_by_ranges_keeps_exactly_the_kept_units_text(tmp_path_factory, case, kernel, before):
    """Whatever the ranges, the copy holds the header and the kept units' bytes, in order,
    and the ranges it returns point at them (with the kernel's copy, and without it)."""
    header, texts, removed = case
    folder = tmp_path_factory.mktemp("copy")
    source = folder / "source"
    source.write_bytes(header + b"".join(text for _, text in texts))
    starts = [len(header) + sum(len(t) for _, t in texts[:i]) for i in range(len(texts))]
    ranges = Ranges([unit for unit, _ in texts], starts, [s + len(t) for s, (_, t) in zip(starts, texts)])
    def refused(*args):
        raise OSError("no kernel copy here")
    with pytest.MonkeyPatch.context() as patch, open(folder / "target", "wb") as target:
        if not kernel:
            patch.setattr(kept_ranges.os, "copy_file_range", refused)
        target.write(before)
        moved = copy_ranges(source, target, ranges, [u not in removed for u in ranges.units],
                            header=ranges.header_end(source.stat().st_size))
        target.write(b"END")
    data = (folder / "target").read_bytes()
    kept = [(unit, text) for unit, text in texts if unit not in removed]
    assert data == before + header + b"".join(text for _, text in kept) + b"END"
    assert pieces(folder / "target", [moved]) == kept


@settings(max_examples=100, deadline=None)
@given(units=st.lists(st.text(max_size=8), max_size=30), gaps=st.lists(st.integers(0, 50), max_size=30))
def test_marks_keep_any_unit_name_and_join_a_unit_s_adjacent_marks(units, gaps):
    """Whatever a unit's name holds (newlines, NULs, any character), the marks give it back;
    a unit marked twice in a row (a paper, then its results) is one range."""
    from kg.export.ranges import RangeMarks

    marks, position, expected = RangeMarks(), 0, []
    for unit, gap in zip(units, gaps + [0] * len(units)):
        marks.mark(unit, position)
        if not expected or expected[-1][0] != unit:
            expected.append((unit, position))
        position += gap
    ranges = marks.ranges(position)
    assert list(zip(ranges.units, ranges.starts.tolist())) == expected
    assert ranges.ends.tolist() == [start for _, start in expected[1:]] + ([position] if expected else [])
