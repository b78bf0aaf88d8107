"""The outputs streamed paper by paper from extractions.jsonl equal the outputs of the
in-memory networkx graph, and the state kept after extraction grows with the papers by a few
numbers each (an id, a line offset, primary keys), not by their facts."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.api import read_jsonl_file
from kg.engine.records import ExtractionsFile
from kg.export.neo4j_files import node_rows, relationship_rows, write_neo4j_csv_rows
from kg.export.rdf import graph_quads, serialize_rdf
from kg.graph import stream
from kg.graph.build import build_graph
from kg.graph.stream import BuildWalk, shared_nodes, walk_graph
from kg.link.canonical import EVIDENCE_PAPERS, CanonicalIndex
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def in_memory(example_build):
    """The graph as the build assembled it before streaming: every record in a list."""
    return build_graph(read_jsonl_file(example_build.out / "extractions.jsonl"))


def triples(terms) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in terms}


def test_the_streamed_walk_is_the_networkx_graph(example_build, in_memory):
    streamed = walk_graph(example_build.walk())
    assert list(streamed.nodes(data=True)) == list(in_memory.nodes(data=True))
    assert list(streamed.edges(keys=True, data=True)) == list(in_memory.edges(keys=True, data=True))
    # not a trivial graph (since generic phrases are no nodes: 236 nodes, 243 edges)
    assert in_memory.number_of_nodes() > 200 and in_memory.number_of_edges() > 200


def test_graph_ttl_and_the_store_hold_the_in_memory_statements(example_build, in_memory):
    expected = triples(q.triple for q in graph_quads(in_memory))
    turtle = triples(ox.parse(path=str(example_build.out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    assert turtle == expected and len(expected) > 5000
    store = ox.Store.read_only(str(example_build.out / "store.oxigraph"))
    reference = ox.Store()  # the store normalises some literals (nonNegativeInteger): compare stores
    reference.bulk_extend(graph_quads(in_memory))
    assert {str(q) for q in store} == {str(q) for q in reference}
    assert len({q.graph_name for q in store}) == 45  # 44 papers' graphs and the default graph


def test_kg_export_nt_streams_the_same_triples(example_build, in_memory, tmp_path):
    import io

    done = subprocess.run([sys.executable, "-m", "kg", "export", str(example_build.out), "--format",
                           "nt", "-o", str(tmp_path / "graph.nt")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    reference = io.BytesIO()
    serialize_rdf(in_memory, reference, "nt")
    assert sorted((tmp_path / "graph.nt").read_bytes().splitlines()) == \
        sorted(reference.getvalue().splitlines())


def test_neo4j_csv_files_equal_the_in_memory_rows(example_build, in_memory, tmp_path):
    write_neo4j_csv_rows(node_rows(in_memory), relationship_rows(in_memory), tmp_path / "memory")
    done = subprocess.run([sys.executable, "-m", "kg", "export", str(example_build.out), "--format",
                           "neo4j-csv", "-o", str(tmp_path / "streamed")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "memory").glob("*.csv"))
    assert names == sorted(p.name for p in (tmp_path / "streamed").glob("*.csv"))
    assert {"nodes-Paper.csv", "relationships-USES.csv"} <= set(names)
    for name in names:
        assert (tmp_path / "streamed" / name).read_text() == (tmp_path / "memory" / name).read_text(), name
    assert not list((tmp_path / "streamed").glob(".neo4j-rows-*"))  # the spill files are gone


def test_graphml_reads_back_as_the_in_memory_graph(example_build, in_memory, tmp_path):
    from kg.export.graphml import write_graphml

    write_graphml(in_memory, tmp_path / "memory.graphml")
    streamed = nx.read_graphml(example_build.out / "graph.graphml")
    memory = nx.read_graphml(tmp_path / "memory.graphml")
    assert list(streamed.nodes(data=True)) == list(memory.nodes(data=True))
    assert list(streamed.edges(data=True)) == list(memory.edges(data=True))
    paper = next(n for n, d in streamed.nodes(data=True) if d["type"] == "Paper")
    assert streamed.nodes[paper]["title"] == in_memory.nodes[paper]["title"]


def test_the_cypher_store_holds_the_in_memory_graph(example_build, in_memory, tmp_path):
    from kg.query.cypher import cypher_rows, write_cypher_store

    write_cypher_store(in_memory, tmp_path)
    for query in ("MATCH (n) RETURN label(n), n.id, n.name ORDER BY n.id",
                  "MATCH (a)-[r]->(b) RETURN a.id, label(r), b.id, r.start, r.sentence, r.score "
                  "ORDER BY a.id, label(r), b.id"):
        streamed = cypher_rows(example_build.out, query)[1]
        assert streamed == cypher_rows(tmp_path, query)[1] and len(streamed) > 200


@pytest.mark.parametrize("bound", [("COPY_ROWS", 7), ("COPY_BYTES", 20_000)])
def test_a_cypher_store_loaded_in_many_copies_holds_the_same_graph(example_build, tmp_path,
                                                                  monkeypatch, bound):
    """Chunks of 7 rows, or of about 20 kB of rows: many COPYs into each table, the database
    reopened after each, and relationships stored forwards only: the same rows, and hops
    against the arrow (answered by a scan) give what the forward hops give. Cut by bytes, a
    chunk of papers (each with its abstract) holds fewer rows than a chunk of USES rows."""
    from kg.graph.stream import graph_walk
    from kg.query.cypher import LadybugSink, cypher_rows, write_cypher_store

    monkeypatch.setattr(LadybugSink, *bound)
    chunks: dict[str, list[int]] = {}
    copy_frame = LadybugSink._copy_frame

    def counted(self, statement, frame):
        chunks.setdefault(statement.split()[1], []).append(len(frame))
        copy_frame(self, statement, frame)

    monkeypatch.setattr(LadybugSink, "_copy_frame", counted)
    write_cypher_store(graph_walk(example_build.graph), tmp_path)
    assert len(chunks["Paper"]) > 1 and len(chunks["USES"]) > 1
    if bound[0] == "COPY_BYTES":
        assert max(chunks["Paper"]) < max(chunks["USES"])
    assert _ladybug_dump(tmp_path / "store.lbdb") == _ladybug_dump(example_build.out / "store.lbdb")
    forward = cypher_rows(tmp_path, "MATCH (p:Paper)-[:USES]->(m:Method) "
                                    "RETURN m.name, count(p) AS n ORDER BY n DESC, m.name")[1]
    backward = cypher_rows(tmp_path, "MATCH (m:Method)<-[:USES]-(p:Paper) "
                                     "RETURN m.name, count(p) AS n ORDER BY n DESC, m.name")[1]
    assert forward == backward and len(forward) > 50 and forward[0][1] >= 2


def test_the_build_graph_is_assembled_only_when_asked_for(tmp_path):
    import kg

    records = [{"title": "SegNet for Segmentation", "abstract": "We propose SegNet, evaluated on CamVid."}]
    result = kg.build(records=records, out=tmp_path / "out")
    assert result._graph is None
    assert {d["type"] for _, d in result.graph.nodes(data=True)} >= {"Paper", "Method"}
    assert kg.load(tmp_path / "out")._graph is None


@pytest.mark.parametrize("command", [
    ["export", "{out}", "--format", "jsonld", "-o", "{tmp}/graph.jsonld"],
    ["export", "{out}", "--format", "xml", "-o", "{tmp}/graph.rdf"],
    ["export", "{out}", "--format", "cypher", "-o", "{tmp}/graph.cypher"],
    ["html", "{out}", "--focus", "ImageNet", "-o", "{tmp}/imagenet.html"],
    ["html", "{out}", "--max-nodes", "10", "-o", "{tmp}/top.html"],
    ["stats", "{out}"],
], ids=["jsonld", "xml", "cypher", "html-focus", "html-max-nodes", "stats"])
def test_no_command_assembles_the_whole_graph(example_build, tmp_path, monkeypatch, command):
    """Every export and page is read from the build's walk: assembling the networkx graph
    (what `Build.graph` does) fails these commands."""
    from typer.testing import CliRunner

    import kg.api
    from kg.cli import app

    def refuse(walk):
        raise AssertionError("the whole graph was assembled")

    monkeypatch.setattr(kg.api, "walk_graph", refuse)
    arguments = [a.format(out=example_build.out, tmp=tmp_path) for a in command]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    written = [Path(a) for a in arguments if a.startswith(str(tmp_path))]
    assert all(path.stat().st_size > 1000 for path in written)


# --- no per-paper state ----------------------------------------------------------------------

def replicated(example_build, folder, copies: int) -> ExtractionsFile:
    path = folder / f"extractions-{copies}.jsonl"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "replicate_extractions.py"),
                    str(example_build.out / "extractions.jsonl"), str(44 * copies), "-o", str(path),
                    "--authors", "2"], check=True, capture_output=True)
    return ExtractionsFile(path)


def retained(build) -> int:
    """Bytes still allocated after `build()` (its result kept), traced by tracemalloc; the
    cyclic garbage it left is collected first (else what is counted depends on where the
    collector's generations stood when it began: the tests run before this one)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = build()  # noqa: F841
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_the_index_does_not_grow_with_replicated_papers(example_build, tmp_path):
    from kg.link.catalogue import EMPTY

    small, large = replicated(example_build, tmp_path, 10), replicated(example_build, tmp_path, 40)
    one, four = (CanonicalIndex(f.linking(), catalogue=EMPTY) for f in (small, large))
    assert sorted(e.id for e in one) == sorted(e.id for e in four)
    assert {e.id: (e.name, e.aliases, e.keys) for e in one} == {e.id: (e.name, e.aliases, e.keys) for e in four}
    assert all(e4.papers == 4 * e1.papers and e4.mentions == 4 * e1.mentions
               for e1, e4 in zip(sorted(one, key=lambda e: e.id), sorted(four, key=lambda e: e.id)))
    assert len(one.groups.parent) == len(four.groups.parent)
    links = [link for e in four for link in e.merges]
    assert links and all(len(link.papers) <= EVIDENCE_PAPERS for link in links)
    assert max(link.paper_count for link in links) > EVIDENCE_PAPERS
    size_one = retained(lambda: CanonicalIndex(small.linking(), catalogue=EMPTY))
    size_four = retained(lambda: CanonicalIndex(large.linking(), catalogue=EMPTY))
    # per paper only its id, line offset and primary keys as numbers (what an update and the
    # page need to find a paper): about 110 bytes here, 150 MB at a million papers
    per_paper = (size_four - size_one) / (len(large) - len(small))
    assert per_paper < 160, (size_one, size_four, per_paper)


def test_the_walk_keeps_only_shared_nodes(example_build, tmp_path):
    records = replicated(example_build, tmp_path, 10)
    index = CanonicalIndex(records.linking())
    shared = shared_nodes(records.path)
    walk = BuildWalk(records.by_id, index, shared)
    papers = sum(1 for _, data, _ in walk if data["type"] == "Paper")
    assert papers == 440 and len(walk._reporters) <= 3  # the last paper's results only
    authors = {n for n in shared if n.startswith("author/")}
    assert 0 < len(authors) <= 220  # a pool of N/2 names, each one node
    lines = [json.loads(line) for line in open(records.path)]
    assert len({line["id"] for line in lines}) == 440


@given(st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3", "p4"]),
                          st.lists(st.sampled_from(["Ann Lee", "ann lee", "Bo Wu", "BO WU"]), max_size=3),
                          st.lists(st.sampled_from(["https://github.com/a/b", "https://GitHub.com/a/b/",
                                                    "https://github.com/c/d"]), max_size=2)),
                min_size=1, max_size=8), st.integers(min_value=0, max_value=8))
@settings(max_examples=40, deadline=None)
def test_shared_nodes_kept_for_the_first_records_and_read_for_the_rest_are_all_read(
        tmp_path_factory, papers, cut):
    """An update reads only its new records' authors and repositories into the nodes the
    previous build kept; the last paper in id order still gives each node its attributes."""
    folder = tmp_path_factory.mktemp("shared")
    lines = [json.dumps({"id": paper, "authors": authors,
                         "links": [{"url": url, "kind": "code"} for url in urls]}) + "\n"
             for paper, authors, urls in papers]
    cut = min(cut, len(lines))
    (folder / "first.jsonl").write_text("".join(lines[:cut]))
    shared_nodes(folder / "first.jsonl", keep=folder / "shared.state")
    (folder / "all.jsonl").write_text("".join(lines))
    assert shared_nodes(folder / "all.jsonl", kept=folder / "shared.state") == \
        shared_nodes(folder / "all.jsonl")
    (folder / "other.jsonl").write_text("".join(lines[1:]))  # not the kept part: all read
    assert shared_nodes(folder / "other.jsonl", kept=folder / "shared.state") == \
        shared_nodes(folder / "other.jsonl")


def test_kept_shared_nodes_spare_the_update_a_pass(tmp_path, monkeypatch):
    lines = [json.dumps({"id": f"p{i}", "authors": [f"Author {i}"], "links": []}) + "\n"
             for i in range(5)]
    (tmp_path / "all.jsonl").write_text("".join(lines[:3]))
    shared_nodes(tmp_path / "all.jsonl", keep=tmp_path / "shared.state")
    with open(tmp_path / "all.jsonl", "a") as handle:
        handle.writelines(lines[3:])
    decoded = []
    decode = stream._decode_shared
    monkeypatch.setattr(stream, "_decode_shared", lambda line: decoded.append(line) or decode(line))
    assert len(shared_nodes(tmp_path / "all.jsonl", kept=tmp_path / "shared.state")) == 5
    assert len(decoded) == 2  # the new records only
    monkeypatch.setattr("kg.graph.delta.walk_code", lambda: "other code")
    decoded.clear()
    assert len(shared_nodes(tmp_path / "all.jsonl", kept=tmp_path / "shared.state")) == 5
    assert len(decoded) == 5


def test_a_large_build_page_draws_the_top_entities_and_their_papers(example_build, tmp_path):
    from kg.export.html import PageSink

    walk = example_build.walk()
    sink = PageSink(tmp_path / "page.html", "big", list(walk.index), full_nodes=50,
                    top_entities=20, top_papers=10)
    for item in walk:
        sink.add(*item)
    drawn = sink.close()
    types = [d["type"] for _, d in drawn.nodes(data=True)]
    assert types.count("Paper") == 10 and len(types) - 10 == 20
    most_papers = max(e.papers for e in walk.index)
    assert any(drawn.nodes[n].get("papers") == most_papers for n in drawn)
    papers = [n for n, d in drawn.nodes(data=True) if d["type"] == "Paper"]
    assert all(drawn.out_degree(paper) >= 1 for paper in papers)  # each linked to a kept entity
    page = (tmp_path / "page.html").read_text()
    assert "Showing the 20 entities in most papers" in page and "the 10 papers linked" in page


def test_build_writes_nt_and_neo4j_csv_in_its_own_walk(example_build, tmp_path):
    """`kg build --export nt --export neo4j-csv` writes what `kg export` writes, byte for byte."""
    import shutil

    import kg
    from kg.export.neo4j_files import write_neo4j_csv
    from kg.export.rdf import write_rdf

    out = tmp_path / "out"
    shutil.copytree(example_build.out, out)
    done = subprocess.run([sys.executable, "-m", "kg", "build", "--update", str(out),
                           "--export", "nt", "--export", "neo4j-csv"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert {"graph.nt", "neo4j-import"} <= set(summary["files"])

    write_rdf(kg.load(out).walk(), tmp_path / "export.nt", "nt")
    streamed = (out / "graph.nt").read_bytes()
    assert streamed == (tmp_path / "export.nt").read_bytes()
    assert b"<https://w3id.org/kg/resource/method/segnet> " in streamed

    exported = write_neo4j_csv(kg.load(out).walk(), tmp_path / "csv")
    names = sorted(Path(path).name for path in exported["files"])
    assert "nodes-Method.csv" in names and "relationships-PROPOSES.csv" in names
    for name in names:
        assert (out / "neo4j-import" / name).read_bytes() == (tmp_path / "csv" / name).read_bytes()
    # import.args names the CSVs where the build left them, not its staging folder
    named = [line.partition("=")[2] for line in
             (out / "neo4j-import" / "import.args").read_text().splitlines()
             if line.startswith(("--nodes=", "--relationships="))]
    assert sorted(Path(path).name for path in named) == names
    assert all(Path(path) == out.resolve() / "neo4j-import" / Path(path).name and
               Path(path).is_file() for path in named), named


def _ladybug_dump(path: Path) -> list:
    import ladybug

    database = ladybug.Database(str(path), read_only=True)
    connection = ladybug.Connection(database)
    rows = []
    for query in ("MATCH (n) RETURN label(n), n ORDER BY n.id",
                  "MATCH (a)-[e]->(b) RETURN a.id, b.id, label(e), e.role, e.start, e.sentence "
                  "ORDER BY a.id, b.id, label(e)"):
        result = connection.execute(query)
        while result.has_next():
            rows.append([{k: v for k, v in value.items() if not k.startswith("_")}
                         if isinstance(value, dict) else value for value in result.get_next()])
    connection.close()
    database.close()
    return rows


def test_two_processes_write_what_one_walk_writes(example_build, tmp_path):
    """The property-graph outputs written by a forked process at the same time as the
    statements are the files one walk writes, byte for byte (the Ladybug store row for row)."""
    from kg.export.outputs import write_outputs

    written = {}
    for split in (False, True):
        out = tmp_path / f"split-{split}"
        written[split] = write_outputs(example_build.walk(), out, title="t", split=split,
                                       neo4j_csv=out / "csv", ntriples=out / "graph.nt")
    assert "walk (property graph)" in written[True].seconds
    assert written[True].nodes == written[False].nodes and written[True].edges == written[False].edges
    assert written[True].statements == written[False].statements > 1000
    one, two = tmp_path / "split-False", tmp_path / "split-True"
    names = ["graph.ttl", "graph.nt", "graph.graphml", "graph.html",
             *(f"csv/{path.name}" for path in (one / "csv").glob("*.csv"))]
    assert "csv/relationships-USES.csv" in names
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert _ladybug_dump(one / "store.lbdb") == _ladybug_dump(two / "store.lbdb")
    assert len(ox.Store.read_only(str(two / "store.oxigraph"))) == written[True].statements


def test_a_failure_in_the_forked_writer_fails_the_build_and_leaves_no_store(example_build, tmp_path,
                                                                            monkeypatch):
    from kg.export import graphml
    from kg.export.outputs import write_outputs

    def broken(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(graphml.GraphmlSink, "close", broken)  # inherited by the fork
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left on device"):
        write_outputs(example_build.walk(), out, split=True)
    assert not (out / "store.lbdb").exists() and not (out / "store.oxigraph").exists()


def test_build_refuses_an_export_it_cannot_stream(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "examples" /
                           "hf-daily-papers.txt"), "-o", str(tmp_path / "out"), "--export", "xml"],
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "cannot export xml during the build" in done.stderr
    assert not (tmp_path / "out" / "extractions.jsonl").exists()


def test_bolt_rows_spilled_from_the_walk_are_the_in_memory_rows(example_build, in_memory):
    from kg.export.neo4j_bolt import SpilledRows
    from kg.export.neo4j_files import kept_relationships

    with SpilledRows(example_build.walk()) as spilled:
        nodes = {label: list(rows) for label, rows in spilled.node_rows().items()}
        relationships = {key: list(rows) for key, rows in spilled.relationship_rows().items()}
        kept = {label: list(rows) for label, rows in spilled.kept_relationships().items()}
        folder = spilled.spills.folder
        assert folder.is_dir()
    assert nodes == node_rows(in_memory)
    assert relationships == relationship_rows(in_memory)
    assert kept == kept_relationships(in_memory)
    assert spilled.ids == {label: [row["id"] for row in rows] for label, rows in nodes.items()}
    assert not folder.exists()  # the temporary files are gone
    segnet = next(row for row in nodes["Method"] if row["name"] == "SegNet")
    assert any(row["t"] == segnet["id"] for row in relationships["PROPOSES", "Paper", "Method"])


def test_stats_read_from_the_walk_match_networkx(example_build, in_memory):
    from collections import Counter

    from kg.graph.stats import graph_stats

    stats = graph_stats(example_build.walk(), top=5)
    components = sorted((len(c) for c in nx.weakly_connected_components(in_memory)), reverse=True)
    degrees = dict(in_memory.degree())
    assert stats["components"]["count"] == len(components) > 0
    assert stats["components"]["largest"] == components[0]
    assert stats["components"]["sizes"] == dict(sorted(Counter(components).items(), reverse=True))
    assert stats["components"]["isolated_nodes"] == sum(d == 0 for d in degrees.values())
    assert stats["degree"] == {"mean": round(sum(degrees.values()) / len(degrees), 2),
                               "max": max(degrees.values())}
    assert stats["nodes"] == dict(sorted(Counter(t for _, t in in_memory.nodes(data="type")).items()))
    assert stats["edges"] == dict(sorted(Counter(t for *_, t in in_memory.edges(data="type")).items()))
    methods = sorted(((n, d) for n, d in in_memory.nodes(data=True) if d["type"] == "Method"),
                     key=lambda e: (-(e[1].get("papers") or 0), -(e[1].get("mentions") or 0), e[0]))
    assert [e["id"] for e in stats["top_entities"]["Method"]] == [n for n, _ in methods[:5]]
    assert sum(sum(c.values()) for c in stats["degree_distribution"].values()) == len(degrees)


@pytest.mark.parametrize("fmt", ["jsonld", "xml", "ttl"])
def test_exports_hold_no_more_memory_for_four_times_the_papers(example_build, tmp_path, fmt,
                                                                 monkeypatch):
    """JSON-LD, RDF/XML and Turtle are written as they are generated: the peak of Python
    memory while exporting 4× the papers stays about the same (holding the statements would
    make it about 4×). The node IRI cache is made small so that both sizes fill it."""
    import os

    from kg.export import rdf
    from kg.link.catalogue import EMPTY

    monkeypatch.setattr(rdf, "NODE_CACHE", 500)

    peaks = []
    for copies in (5, 20):
        extractions = replicated(example_build, tmp_path, copies)
        walk = BuildWalk(extractions.by_id, CanonicalIndex(extractions.linking(), catalogue=EMPTY),
                         shared_nodes(extractions.path))
        with open(os.devnull, "wb") as sink:
            tracemalloc.start()
            try:
                count = serialize_rdf(walk, sink, fmt)
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
        assert count > 10_000 * copies / 5
    assert peaks[1] < 1.5 * peaks[0], peaks
