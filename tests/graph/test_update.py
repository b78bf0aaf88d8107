"""`kg build --update`: new papers only are extracted, and the graph equals a full rebuild."""

import contextlib
import errno
import json
import os
import random
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
import kg.io
from kg.query.cypher import EDGE_COLUMNS
from tests.conftest import ROOT

SCIREX = ROOT.parent / "shared" / "data" / "scirex" / "abstracts.jsonl"


def graph_content(graph):
    nodes = sorted((n, json.dumps(d, sort_keys=True, default=str)) for n, d in graph.nodes(data=True))
    edges = sorted((u, v, k, json.dumps(d, sort_keys=True, default=str))
                   for u, v, k, d in graph.edges(keys=True, data=True))
    return nodes, edges


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    if not SCIREX.is_file():
        pytest.skip(f"{SCIREX} not available")
    rows = [json.loads(line) for line in SCIREX.read_text().splitlines()[:7]]
    folder = tmp_path_factory.mktemp("inputs")
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in rows[:4]))
    second.write_text("".join(json.dumps(r) + "\n" for r in [*rows[4:], rows[0]]))  # one repeat
    return first, second


@pytest.fixture(scope="module")
def builds(inputs, tmp_path_factory):
    """A full build of both inputs, and the first input's build updated with the second, its
    statement outputs changed by delta (KG_DELTA_SHARE=1: any change is small enough)."""
    first, second = inputs
    folder = tmp_path_factory.mktemp("builds")
    full = kg.build([first, second], out=folder / "full", exports=["nt"])
    kg.build([first], out=folder / "incremental", exports=["nt"])
    extracted = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_DELTA_SHARE", "1")
        updated = kg.build([second], out=folder / "incremental", update=True, exports=["nt"],
                           on_paper=lambda: extracted.append(1))
    return full, updated, len(extracted)


def test_update_extracts_only_the_new_papers(builds):
    _, updated, extracted = builds
    assert extracted == 3
    listed = set(json.loads((updated.out / ".kg-build.json").read_text())["files"])
    assert {p.name for p in updated.out.iterdir()} - listed <= {".kg-lock", ".kg-build.json"}  # no copy
    assert updated.summary.papers_in_graph == 7 and updated.summary.duplicates == 1


def test_update_gives_the_same_graph_as_a_full_rebuild(builds):
    full, updated, _ = builds
    full_nodes, full_edges = graph_content(full.graph)
    nodes, edges = graph_content(updated.graph)
    assert [n for n, _ in nodes] == [n for n, _ in full_nodes]
    assert edges == full_edges
    assert nodes == full_nodes
    assert len(edges) > 20


def test_aliases_file_is_applied_and_kept_for_updates(builds, inputs, tmp_path):
    full, _, _ = builds
    (first, second) = inputs
    a, b = sorted((d["name"] for _, d in full.graph.nodes(data=True) if d["type"] == "Method"))[:2]
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(json.dumps({"merge": [[a, b]], "rename": {a: "Merged Thing"}}))
    out = tmp_path / "out"
    kg.build([first], out=out, aliases=aliases)
    updated = kg.build([second], out=out, update=True)
    (node,) = [n for n, d in updated.graph.nodes(data=True) if d["name"] == "Merged Thing"]
    assert {a, b} - {"Merged Thing"} <= set(updated.graph.nodes[node]["aliases"]) | {a}
    assert (out / "aliases.yaml").is_file()
    assert kg.load(out).graph.nodes[node]["name"] == "Merged Thing"


def kg_command(*args):
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, check=False,
                          cwd=ROOT)


def test_entities_stats_and_suspects_commands(builds):
    full, _, _ = builds
    listed = json.loads(kg_command("entities", str(full.out), "--format", "json").stdout)
    assert {row["type"] for row in listed} <= {"Method", "Dataset", "Metric", "Task"}
    assert all(isinstance(row["aliases"], list) and row["papers"] >= 1 for row in listed)
    assert len(listed) == sum(1 for _, d in full.graph.nodes(data=True)
                              if d["type"] in ("Method", "Dataset", "Metric", "Task"))
    suspects = kg_command("entities", str(full.out), "--suspects", "--format", "json")
    assert suspects.returncode == 0 and isinstance(json.loads(suspects.stdout), list)
    stats = json.loads(kg_command("stats", str(full.out), "--json").stdout)
    assert stats["nodes"]["Paper"] == 7
    assert stats["components"]["count"] >= 1
    assert sum(sum(c.values()) for c in stats["degree_distribution"].values()) == \
        full.graph.number_of_nodes()


def test_update_without_a_build_and_bad_aliases_are_one_line_errors(tmp_path, inputs):
    missing = kg_command("build", "--update", str(tmp_path / "nothing"), str(inputs[0]))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "no build to update" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("merge: [x]")
    wrong = kg_command("build", str(inputs[0]), "-o", str(tmp_path / "o"), "--aliases", str(bad))
    assert wrong.returncode == 2 and "two or more names" in wrong.stderr


def store_quads(out):
    import pyoxigraph as ox

    store = ox.Store.read_only(str(out / "store.oxigraph"))
    return {str(quad) for quad in store.quads_for_pattern(None, None, None, None)}


def turtle_triples(out):
    import pyoxigraph as ox

    with open(out / "graph.ttl", "rb") as handle:
        return {str(triple) for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE)}


def graphml_content(out, skip=()):
    import networkx as nx

    graph = nx.read_graphml(out / "graph.graphml")
    return (sorted((n, json.dumps({k: v for k, v in d.items() if k not in skip}, sort_keys=True))
                   for n, d in graph.nodes(data=True)),
            sorted((u, v, json.dumps(d, sort_keys=True)) for u, v, d in graph.edges(data=True)))


def csv_content(out):
    """The neo4j-admin CSVs as sets of property maps per file (column order aside; source
    lines aside: an update's inputs are numbered from 1 again), and the files import.args
    names."""
    import csv
    from pathlib import Path

    found = {}
    for path in sorted((out / "neo4j-import").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        found[path.name] = sorted(json.dumps({k: v for k, v in zip(header, row, strict=True)
                                              if v and k != "source_line:long"}, sort_keys=True)
                                  for row in rows)
    args = (out / "neo4j-import" / "import.args").read_text().splitlines()
    return found, sorted(Path(line).name for line in args)


def ntriples_lines(out):
    return (out / "graph.nt").read_text(encoding="utf-8").splitlines()


def test_update_gives_the_stores_and_files_of_a_full_rebuild(builds):
    full, updated, _ = builds
    assert {"oxigraph delta", "Ladybug delta", "GraphML delta"} <= set(updated.summary.steps)
    assert turtle_triples(updated.out) == turtle_triples(full.out)
    assert graphml_content(updated.out) == graphml_content(full.out)
    lines = ntriples_lines(updated.out)
    assert sorted(lines) == sorted(ntriples_lines(full.out)) and len(set(lines)) == len(lines)
    quads = store_quads(full.out)
    assert store_quads(updated.out) == quads and len(quads) > 100
    for field in ("entities", "edges", "papers_in_graph"):
        assert getattr(updated.summary, field) == getattr(full.summary, field)
    assert (updated.out / "entities.jsonl").read_text() == (full.out / "entities.jsonl").read_text()
    for query in ("MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label",
                  "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type",
                  "MATCH (p:Paper)-[r]->(e) RETURN p.id, type(r), e.id ORDER BY p.id, type(r), e.id",
                  "MATCH (r:Result)-[e]->(x) RETURN r.id, r.value, type(e), x.id ORDER BY r.id, x.id",
                  "MATCH (m) WHERE m.papers IS NOT NULL RETURN m.id, m.name, m.papers, m.mentions,"
                  " m.aliases, m.confidence, m.generic ORDER BY m.id",
                  "MATCH (p:Paper) RETURN p.id, p.title, p.abstract ORDER BY p.id"):
        assert updated.cypher(query, as_frame=False) == full.cypher(query, as_frame=False)


def test_update_lists_what_it_did_to_the_entities(builds, inputs, tmp_path):
    full, updated, _ = builds
    changes = updated.summary.changes
    written = json.loads((updated.out / "summary.json").read_text())["changes"]
    assert written == changes and not full.summary.changes  # a first build changes nothing
    before = kg.build([inputs[0]], out=tmp_path / "first")
    from kg.link.changes import read_entity_keys

    old, new = (read_entity_keys(b.out / "entities.jsonl") for b in (before, full))
    old_keys = {key for keys in old.values() for key in keys}
    assert changes["added"] == sum(1 for keys in new.values() if not set(keys) & old_keys) > 0
    unchanged = sum(1 for entity, keys in old.items() if new.get(entity) == keys)
    assert changes["kept"] >= unchanged > 0
    assert changes["kept"] + changes["renamed"] + changes["merged"] <= len(old)
    # a build from before entities.jsonl: the previous entities are linked again, same changes
    (tmp_path / "first" / "entities.jsonl").unlink()
    marker = tmp_path / "first" / ".kg-build.json"
    listed = json.loads(marker.read_text())
    listed["files"].remove("entities.jsonl")
    marker.write_text(json.dumps(listed))
    done = kg_command("build", "--update", str(tmp_path / "first"), str(inputs[1]))
    assert done.returncode == 0, done.stderr
    assert "entities changed" in done.stdout and f"{changes['added']} new" in done.stdout
    assert json.loads((tmp_path / "first" / "summary.json").read_text())["changes"] == changes


KEPT_FILES = ("extractions.jsonl", "graph.ttl", "graph.graphml", "graph.html", "graph.nt",
              "store.lbdb", "views.state", "linking.state", "graph.digests")


def test_an_update_that_adds_no_paper_keeps_the_build_s_files(builds, inputs, tmp_path):
    """The same listing given again (every record in the build already) with one bad record:
    nothing of the graph can change, so the files are the previous build's (the same inodes,
    none written again), the store still answers, and the bad record is in the rejects."""
    full, updated, _ = builds
    out = tmp_path / "again"
    shutil.copytree(updated.out, out)
    inodes = {name: (out / name).stat().st_ino for name in KEPT_FILES}
    # a build folder moved (here: copied) is written again once: its CSVs' import.args name paths
    moved = kg.build([inputs[1]], out=out, update=True, exports=["nt"])
    assert "outputs kept (no new paper, same code)" not in moved.summary.steps
    assert (out / "graph.ttl").stat().st_ino != inodes["graph.ttl"]
    assert turtle_triples(out) == turtle_triples(full.out)
    inodes = {name: (out / name).stat().st_ino for name in KEPT_FILES}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "no-title", "abstract": "Text without a title."}\n')
    again = kg.build([inputs[1], bad], out=out, update=True, exports=["nt"])
    assert {name: (out / name).stat().st_ino for name in KEPT_FILES} == inodes
    assert "outputs kept (no new paper, same code)" in again.summary.steps
    assert again.summary.extracted_now == 0 and again.summary.papers_in_graph == 7
    assert again.summary.entities == full.summary.entities and again.summary.edges == full.summary.edges
    entities = len((out / "entities.jsonl").read_text().splitlines())
    assert again.summary.changes["kept"] == entities > 10 and again.summary.changes["added"] == 0
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["reason"]) for r in rejects if r["file"] == str(bad)] == [
        (1, "record has no title")]
    assert again.summary.rejected == len(rejects) == 2 and again.summary.duplicates == 1
    assert again.summary.papers_read == 9
    assert store_quads(out) == store_quads(full.out)
    query = "MATCH (p:Paper)-[r]->(e) RETURN p.id, type(r), e.id ORDER BY p.id, type(r), e.id"
    assert kg.load(out).cypher(query, as_frame=False) == full.cypher(query, as_frame=False)
    marker = json.loads((out / ".kg-build.json").read_text())
    assert marker["made_with"]["base"] == "https://w3id.org/kg/resource/"
    assert len(marker["made_with"]["code"]) == 32 and marker["made_with"]["folder"] == str(out)
    said = kg_command("build", "--update", str(out), str(inputs[1]), "--export", "nt")
    assert said.returncode == 0 and "kept as they were" in said.stdout
    assert {name: (out / name).stat().st_ino for name in KEPT_FILES} == inodes


def test_an_update_by_other_code_writes_the_files_again(builds, inputs, tmp_path, monkeypatch):
    """A build made by other code (another kg version or other libraries) may link the same
    papers otherwise: an update that adds no paper writes its files again; so it does with
    aliases that differ from the kept ones, or another base IRI."""
    import kg.engine.made_with

    full, updated, _ = builds
    for case in ("code", "aliases", "base"):
        out = tmp_path / case
        shutil.copytree(updated.out, out)
        kg.build([inputs[1]], out=out, update=True, exports=["nt"])  # made here by this code
        inodes = {name: (out / name).stat().st_ino for name in ("graph.ttl", "store.lbdb")}
        options = {}
        with pytest.MonkeyPatch.context() as patch:
            if case == "code":
                patch.setattr(kg.engine.made_with, "code_digest", lambda: "other code")
            elif case == "aliases":
                aliases = tmp_path / "aliases.yaml"
                aliases.write_text("rename: {}\n")
                options["aliases"] = aliases
            else:
                options["base_iri"] = "https://example.org/kg/"
            again = kg.build([inputs[1]], out=out, update=True, exports=["nt"], **options)
        assert "outputs kept (no new paper, same code)" not in again.summary.steps
        assert (out / "graph.ttl").stat().st_ino != inodes["graph.ttl"]
        assert (out / "store.lbdb").stat().st_ino != inodes["store.lbdb"]
        if case != "base":
            assert turtle_triples(out) == turtle_triples(full.out)
            assert sorted(ntriples_lines(out)) == sorted(ntriples_lines(full.out))
        else:
            assert all("https://example.org/kg/" in line for line in ntriples_lines(out)[:50]
                       if "/resource/" in line or "example.org" in line)


def test_an_update_too_large_for_a_delta_or_without_digests_writes_everything_again(inputs, builds,
                                                                                    tmp_path):
    full, _, _ = builds
    first, second = inputs
    for share, digests in (("0", True), ("1", False)):
        out = tmp_path / f"share-{share}"
        kg.build([first], out=out, exports=["nt"])
        if not digests:  # a build from before graph.digests
            (out / "graph.digests").unlink()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("KG_DELTA_SHARE", share)
            updated = kg.build([second], out=out, update=True, exports=["nt"])
        assert not {"oxigraph delta", "Ladybug delta"} & set(updated.summary.steps)
        assert store_quads(out) == store_quads(full.out)
        assert sorted(ntriples_lines(out)) == sorted(ntriples_lines(full.out))
        assert (out / "graph.digests").is_file()


def test_units_and_their_digests():
    from kg.graph.delta import DigestSink, unit_of

    assert unit_of("result/arxiv:2401.1/3") == "paper/arxiv:2401.1"
    assert unit_of("result/acl/P19-1/12") == "paper/acl/P19-1"
    assert unit_of("method/bert") == "method/bert"
    paper = ("paper/a", {"type": "Paper", "name": "A"}, [("method/bert", "USES", {"extractor": "kg"})])
    result = ("result/a/1", {"type": "Result", "value": "90.1"}, [])
    entity = ("method/bert", {"type": "Method", "name": "BERT", "papers": 1}, [])

    def digests(*items, previous=None, limit=None):
        sink = DigestSink("http://x/", previous, limit)
        for item in items:
            sink.add(*item)
        return sink, sink.close()

    author = ("author/ann-1", {"type": "Author", "name": "Ann"}, [])
    _, before = digests(entity, paper, author, result)  # an author between paper and result
    assert set(before.units) == {"paper/a", "method/bert", "author/ann-1"}
    assert before.agents == [("kg", "")]
    grown = ("method/bert", {**entity[1], "papers": 2}, [])
    other = ("paper/b", {"type": "Paper", "name": "B"}, [])
    sink, _ = digests(grown, paper, author, ("result/a/1", {"type": "Result", "value": "90.2"}, []),
                      previous=before)
    assert sink.delta.changed == {"method/bert", "paper/a"} == sink.delta.previous
    assert [node for node, _, _ in sink.delta.items] == ["method/bert", "paper/a", "result/a/1"]
    sink, _ = digests(entity, paper, author, result, previous=before)
    assert not sink.delta.changed and not sink.delta.items
    sink, _ = digests(entity, other, previous=before)
    assert sink.delta.changed == {"paper/b"} and sink.delta.gone == {"paper/a", "author/ann-1"}
    assert sink.delta.removed == {"paper/a", "author/ann-1"}
    sink, _ = digests(grown, other, previous=before, limit=1)  # two changed units: too many
    assert sink.delta.too_large and sink.delta.items == [] and sink.delta.size() == 4


@pytest.fixture(scope="module")
def listing_builds(tmp_path_factory):
    """The example listing built whole, and its first 20 papers updated with the other 24 by
    delta: papers that name entities of the first part (LLM, ...), so nodes that stay change."""
    from kg.records import Paper
    from kg.sources import read_inputs

    records = [{k: v for k, v in vars(p).items() if v not in (None, [], "")}
               for p in read_inputs([ROOT / "examples" / "hf-daily-papers.txt"]) if isinstance(p, Paper)]
    folder = tmp_path_factory.mktemp("listing")
    full = kg.build(records=records, out=folder / "full", exports=["neo4j-csv"])
    first = kg.build(records=records[:20], out=folder / "incremental", exports=["neo4j-csv"])
    before = {e.id: e.papers for e in first.index}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_DELTA_SHARE", "10")  # more changed units than the first part has
        updated = kg.build(records=records[20:], out=folder / "incremental", update=True,
                           exports=["neo4j-csv"])
    return full, updated, before


def test_a_delta_update_of_the_listing_gives_the_rebuild_answers(listing_builds):
    full, updated, before = listing_builds
    assert {"oxigraph delta", "Ladybug delta", "GraphML delta",
            "Neo4j CSV delta"} <= set(updated.summary.steps)
    assert csv_content(updated.out) == csv_content(full.out)
    # the records' source lines differ: the update's inputs are numbered from 1 again
    assert graphml_content(updated.out, {"source_line"}) == graphml_content(full.out, {"source_line"})
    grown = [e.id for e in updated.index if before.get(e.id, e.papers) < e.papers]
    assert len(grown) >= 3  # nodes of the first build that the new papers changed in place
    assert store_quads(updated.out) == store_quads(full.out)
    assert turtle_triples(updated.out) == turtle_triples(full.out)
    for query in ("MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label",
                  "MATCH (p:Paper)-[r]->(e) RETURN p.id, type(r), e.id, r.start, r.sentence "
                  "ORDER BY p.id, type(r), e.id",
                  "MATCH (m) WHERE m.papers IS NOT NULL RETURN m.id, m.name, m.papers, m.mentions,"
                  " m.aliases, m.confidence, m.generic, m.same_as, m.catalogue_id ORDER BY m.id",
                  "MATCH (r:Result)-[e]->(x) RETURN r.id, r.value, type(e), x.id ORDER BY r.id, x.id"):
        assert updated.cypher(query, as_frame=False) == full.cypher(query, as_frame=False)
    entity = updated.index.entities[grown[0]]
    rows = updated.cypher(f"MATCH (m {{id: '{entity.id}'}}) RETURN m.papers", as_frame=False)[1]
    assert rows == [[entity.papers]] and entity.papers > before[entity.id]


def test_an_update_that_adds_no_paper_keeps_the_neo4j_csv_folder(listing_builds, tmp_path):
    """The Neo4j CSVs (a folder) are kept file by file, and name the kept folder's paths."""
    full, updated, _ = listing_builds
    out = tmp_path / "again"
    shutil.copytree(updated.out, out)
    records = [json.loads(line) for line in (out / "extractions.jsonl").read_text().splitlines()[:3]]
    again = [{k: r[k] for k in ("id", "title", "abstract", "date") if r.get(k)} for r in records]
    kg.build(records=again, out=out, update=True, exports=["neo4j-csv"])  # moved: written again
    inodes = {path.name: path.stat().st_ino for path in (out / "neo4j-import").iterdir()}
    kept = kg.build(records=again, out=out, update=True, exports=["neo4j-csv"])
    assert "outputs kept (no new paper, same code)" in kept.summary.steps
    assert {path.name: path.stat().st_ino for path in (out / "neo4j-import").iterdir()} == inodes
    assert len(inodes) > 5 and csv_content(out) == csv_content(full.out)
    assert str(out / "neo4j-import") in (out / "neo4j-import" / "import.args").read_text()


def test_a_delta_update_in_one_process_gives_the_rebuild(inputs, builds, tmp_path, monkeypatch):
    """Where processes cannot fork (one core), the same deltas run one after the other."""
    import kg.export.outputs

    full, _, _ = builds
    first, second = inputs
    monkeypatch.setattr(kg.export.outputs, "_can_fork", lambda: False)
    monkeypatch.setenv("KG_DELTA_SHARE", "1")
    kg.build([first], out=tmp_path, exports=["nt"])
    updated = kg.build([second], out=tmp_path, update=True, exports=["nt"])
    assert {"oxigraph delta", "Ladybug delta", "GraphML delta"} <= set(updated.summary.steps)
    assert store_quads(tmp_path) == store_quads(full.out)
    assert graphml_content(tmp_path) == graphml_content(full.out)
    query = "MATCH (p:Paper)-[r]->(e) RETURN p.id, type(r), e.id ORDER BY p.id, type(r), e.id"
    assert updated.cypher(query, as_frame=False) == full.cypher(query, as_frame=False)


EDGE_PROPERTIES = ", ".join(f"r.`{column}`" for column in EDGE_COLUMNS)  # every one
STORE_QUERIES = (
    "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label",
    "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type",
    f"MATCH (p:Paper)-[r]->(e) RETURN p.id, type(r), e.id, {EDGE_PROPERTIES} ORDER BY p.id, type(r), e.id, r.`start`, r.role",
    f"MATCH (x:Result)-[r]->(e) RETURN x.id, type(r), e.id, {EDGE_PROPERTIES} ORDER BY x.id, type(r), e.id",
    "MATCH (x:Result) RETURN x ORDER BY x.id",
    "MATCH (p:Paper) RETURN p ORDER BY p.id",
    "MATCH (m) WHERE m.papers IS NOT NULL RETURN m ORDER BY m.id")


def test_papers_whose_entities_moved_change_edge_by_edge_in_the_store(inputs, tmp_path, monkeypatch):
    """An update whose aliases merge two entities of the first build and rename a third walks
    again the earlier papers that name them. The Cypher store deletes and adds only their
    relationships that differ (`kg.export.delta._paper_changes`, fed the papers' previous items
    made again), and answers as the full rebuild does, every property included. The SPARQL
    store keeps those papers' graphs and deletes and adds only their statements that differ,
    those that name the moved entities, and holds the full rebuild's quads."""
    import yaml

    import kg.export.delta
    import kg.export.outputs
    import kg.query.cypher
    from kg.export.rdf import node_iri, paper_graph_iri

    first, second = inputs
    base = kg.build([first], out=tmp_path / "update")
    methods = sorted((e for e in base.index if e.label == "Method"), key=lambda e: (-e.papers, e.id))
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(yaml.safe_dump({"merge": [[methods[0].name, methods[1].name]],
                                       "rename": {methods[2].name: f"{methods[2].name} (renamed)"}}))
    full = kg.build([first, second], out=tmp_path / "full", aliases=aliases)
    papers = []
    real = kg.export.delta._paper_changes
    monkeypatch.setattr(kg.export.delta, "_paper_changes",
                        lambda before, *rest: papers.append(before[0][0]) or real(before, *rest))
    changes = []
    real_store = kg.export.outputs.write_store_by_delta
    monkeypatch.setattr(kg.export.outputs, "write_store_by_delta",
                        lambda previous, stage, change, name: changes.append(change)
                        or real_store(previous, stage, change, name))
    statements = []
    real_opened = kg.query.cypher.LadybugSink._opened

    @contextlib.contextmanager
    def opened(sink):
        with real_opened(sink) as connection:
            real_execute = connection.execute
            connection.execute = lambda query, *rest: statements.append(query) or real_execute(query, *rest)
            yield connection

    monkeypatch.setattr(kg.query.cypher.LadybugSink, "_opened", opened)
    monkeypatch.setattr(kg.export.outputs, "_can_fork", lambda: False)  # the spy sees every call
    monkeypatch.setenv("KG_DELTA_SHARE", "10")
    updated = kg.build([second], out=tmp_path / "update", update=True, aliases=aliases)
    assert "Ladybug delta" in updated.summary.steps
    # the Ladybug delta checkpoints once, at its end: each checkpoint rewrites what it touched
    assert statements[0] == "CALL auto_checkpoint=false" and statements[-1] == "CHECKPOINT"
    assert any(query.startswith("COPY") for query in statements)
    moved = {methods[1].id, methods[2].id} - {e.id for e in updated.index}
    assert moved and len(papers) >= 2 and all(p.startswith("paper/") for p in papers)

    (change,) = changes
    kept_graphs = {f"<{paper_graph_iri(paper).value}>" for paper in papers}
    assert not kept_graphs & {f"<{graph.value}>" for graph in change.paper_graphs}
    gone = change.gone.decode().splitlines()
    named = tuple(f"<{node_iri(method.id).value}>" for method in methods[:3])
    assert gone and all(line.split()[-2] in kept_graphs for line in gone)
    # what goes: the papers' edges to the merged and renamed entities and the annotations that
    # name them (an annotation's IRI is made from what it names)
    annotations = {line.split()[0][:-1] for line in gone
                   if " <http://www.w3.org/ns/oa#hasBody> " in line and line.split()[2] in named}
    assert annotations and all(line.split()[2] in named or line.split()[0][:-1].startswith(
        tuple(annotations)) for line in gone)
    titles = [line for line in change.added["nquads"].decode().splitlines()
              if " <http://purl.org/dc/terms/title> " in line]  # the new papers' only
    assert titles and not {line.split()[-2] for line in titles} & kept_graphs
    assert store_quads(updated.out) == store_quads(full.out)
    for query in STORE_QUERIES:
        assert updated.cypher(query, as_frame=False) == full.cypher(query, as_frame=False), query
    assert not updated.cypher(f"MATCH (m) WHERE m.id IN {sorted(moved)} RETURN m.id", as_frame=False)[1]


def test_the_cypher_store_finds_the_edges_it_deletes_by_their_sources_keys(builds, tmp_path):
    """`edges_gone_statement` looks each pair's source up by its key, and deletes only the
    edges of the pairs it is given."""
    import ladybug

    from kg.export.delta import edges_gone_statement

    full, _, _ = builds
    shutil.copy(full.out / "store.lbdb", tmp_path / "store.lbdb")
    connection = ladybug.Connection(ladybug.Database(str(tmp_path / "store.lbdb")))
    statement = edges_gone_statement("USES", "Paper", "Method")
    plan = connection.execute("EXPLAIN " + statement, {"pairs": [{"s": "a", "t": "b"}]})
    assert "QUERY_PRIMARY_KEY_LOOKUP" in str(plan.get_all())
    query = "MATCH (s:Paper)-[r:USES]->(t:Method) RETURN s.id AS source, t.id AS target ORDER BY source, target"
    edges = [dict(zip(["s", "t"], row, strict=True)) for row in connection.execute(query).get_all()]
    assert len(edges) > 3
    connection.execute(statement, {"pairs": edges[:2]})
    assert [dict(zip(["s", "t"], row, strict=True))
            for row in connection.execute(query).get_all()] == edges[2:]


def test_a_paper_s_changes_in_the_store_are_the_nodes_and_edges_that_differ():
    """`_paper_changes`: an edge to the same node with another property, an edge to a node
    that replaced another, a result gone, a result added and the paper's changed property."""
    from collections import defaultdict

    from kg.export.delta import _paper_changes

    class Sink:
        def __init__(self):
            self.nodes, self.edges = [], []

        def add(self, node, data, out):
            self.nodes.append(node)
            self.add_edges(node, data["type"], out)

        def add_edges(self, node, node_type, out):
            self.edges.extend((node, target, edge.get("mentions")) for target, _, edge in out)

        def type_of(self, node):
            return node.split("/")[0].capitalize()

    def uses(target, mentions):
        return (target, "USES", {"type": "USES", "mentions": mentions})

    def reports(result):
        return (result, "REPORTS", {"type": "REPORTS"})

    before = [("paper/1", {"type": "Paper", "title": "T"},
               [uses("method/a", 1), uses("method/b", 1), uses("method/d", 4),
                reports("result/1/1"), reports("result/1/2")]),
              ("result/1/1", {"type": "Result", "value": "3"}, [uses("method/d", 1)]),
              ("result/1/2", {"type": "Result", "value": "4"}, [])]
    after = [("paper/1", {"type": "Paper", "title": "T2"},
              [uses("method/a", 2), uses("method/c", 1), uses("method/d", 4),
               reports("result/1/1"), reports("result/1/3")]),
             ("result/1/1", {"type": "Result", "value": "3"}, [uses("method/d", 1)]),
             ("result/1/3", {"type": "Result", "value": "5"}, [])]
    sink, kept, gone, edges_gone = Sink(), defaultdict(list), defaultdict(list), defaultdict(list)
    _paper_changes(before, after, sink, kept, gone, edges_gone, lambda _: ["title", "value"])
    assert dict(kept) == {"Paper": [("paper/1", {"type": "Paper", "title": "T2"})]}
    assert dict(gone) == {"Result": ["result/1/2"]} and sink.nodes == ["result/1/3"]
    assert {k: sorted(v, key=str) for k, v in edges_gone.items()} == {
        ("USES", "Paper", "Method"): [{"s": "paper/1", "t": "method/a"}, {"s": "paper/1", "t": "method/b"}],
        ("REPORTS", "Paper", "Result"): [{"s": "paper/1", "t": "result/1/2"}]}
    assert sorted(sink.edges, key=str) == [("paper/1", "method/a", 2), ("paper/1", "method/c", 1),
                                           ("paper/1", "result/1/3", None)]


def test_the_csv_delta_keeps_the_previous_columns_or_gives_up(tmp_path):
    from kg.export.delta import write_neo4j_csv_by_delta
    from kg.export.neo4j_files import Neo4jCsvSink
    from kg.graph.delta import Delta

    def type_of(node):
        return "Paper" if node.startswith("paper/") else "Method"

    previous = tmp_path / "previous"
    sink = Neo4jCsvSink(previous, type_of)
    sink.add("method/bert", {"type": "Method", "name": "BERT", "papers": 1}, [])
    sink.add("paper/a", {"type": "Paper", "name": "A"}, [("method/bert", "USES", {"type": "USES"})])
    sink.close()
    upvoted = Delta(items=[("paper/b", {"type": "Paper", "name": "B", "upvotes": 3}, [])],
                    changed={"paper/b"})
    assert write_neo4j_csv_by_delta(previous, tmp_path / "refused", upvoted, type_of) is None
    replaced = Delta(items=[("paper/b", {"type": "Paper", "name": "B"},
                             [("method/bert", "USES", {"type": "USES"})])],
                     changed={"paper/b"}, gone={"paper/a"})
    summary = write_neo4j_csv_by_delta(previous, tmp_path / "changed", replaced, type_of)
    assert (summary["nodes"], summary["relationships"]) == (2, 1)
    papers = (tmp_path / "changed" / "nodes-Paper.csv").read_text().splitlines()
    assert papers[1:] == ["paper/b,Paper,B"]
    uses = (tmp_path / "changed" / "relationships-USES.csv").read_text().splitlines()
    assert uses[1:] == ["paper/b,method/bert,USES"]


_NODE_IDS = st.one_of(
    st.builds(lambda kind, name: f"{kind}/{name}", st.sampled_from(["paper", "method", "author"]),
              st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                      max_size=8)),
    st.builds(lambda paper, n: f"result/{paper}/{n}", st.sampled_from(["a", "b,c", 'd"e']),
              st.integers(0, 3)))


@settings(max_examples=80, deadline=None)
@given(ids=st.lists(_NODE_IDS, max_size=12, unique=True), data=st.data(),
       new_name=st.sampled_from(["B", "two\nlines", "carriage\rreturn", "comma, and \"quote\""]))
def test_the_csv_delta_filters_single_line_rows_as_bytes_as_the_csv_parser_does(
        tmp_path_factory, ids, data, new_name):
    """Rows of a previous CSV without line breaks in fields are dropped by their first field's
    unit read from the bytes, ids with commas, quotes and results' papers included: the same
    file as parsing every row; a new row's line break is reported."""
    import csv

    from kg.export.delta import _write_csv_delta
    from kg.graph.delta import unit_of

    folder = tmp_path_factory.mktemp("csvdelta")
    old = folder / "nodes-X.csv"
    with open(old, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id:ID", ":LABEL", "name:string"])
        writer.writerows([node, "X", f"name, {i}"] for i, node in enumerate(ids))
    removed = set(data.draw(st.lists(st.sampled_from([unit_of(n) for n in ids] or ["none"]))))

    class Spill:
        def rows(self):
            return [{"id": "paper/new", "name": new_name}]

    def fields(row):
        return [row["name"]]

    written = {}
    for single_line in (True, False):
        path = folder / f"out-{single_line}.csv"
        written[single_line] = _write_csv_delta(path, old, ["id:ID", ":LABEL"], [("name", "string")],
                                                [("X", Spill())], removed, fields, single_line)
    assert (folder / "out-True.csv").read_bytes() == (folder / "out-False.csv").read_bytes()
    kept = [n for n in ids if unit_of(n) not in removed]
    assert written[True][0] == len(kept) + 1
    assert written[True][1] == ("\n" in new_name or "\r" in new_name)
    if "\r" not in new_name:  # the writer leaves a bare carriage return unquoted (kg's text has none)
        with open(folder / "out-True.csv", encoding="utf-8", newline="") as handle:
            assert [row[0] for row in csv.reader(handle)][1:] == [*kept, "paper/new"]


def lazy_prefix_copy(patch) -> None:
    """`kg.io.PrefixCopy` at its slowest: the middle is copied only once it is waited for, so
    anything that reads it before then reads a hole."""
    pending = {}

    def copy_middle(self, start, end):
        pending[id(self)] = (start, end)

    def wait(self, original=kg.io.PrefixCopy.wait):
        if id(self) in pending:
            self._copy(*pending.pop(id(self)))
        original(self)

    patch.setattr(kg.io.PrefixCopy, "_copy_middle", copy_middle)
    patch.setattr(kg.io.PrefixCopy, "wait", wait)


@pytest.mark.parametrize("size", [0, 5, 200_003])
def test_a_prefix_copy_has_its_ends_at_once_and_every_byte_after_wait(tmp_path, monkeypatch, size):
    """The previous records are copied in the background; their ends (what `prefix_digest`
    reads) are there before the constructor returns, lines can be appended meanwhile, and
    wait() returns with every byte in place, by copy_file_range or by read and write."""
    from kg.io import PREFIX_CHECKED, PrefixCopy, prefix_digest

    source = tmp_path / "previous.jsonl"
    source.write_bytes(bytes(random.Random(size).choices(b"abc {}\n", k=size)))
    monkeypatch.setattr(PrefixCopy, "CHUNK", 4096)  # many rounds of the loop
    with pytest.MonkeyPatch.context() as patch:
        lazy_prefix_copy(patch)
        copying = PrefixCopy(source, tmp_path / "copy.jsonl")
        assert prefix_digest(tmp_path / "copy.jsonl", size) == prefix_digest(source, size)
        if size > 2 * PREFIX_CHECKED:  # the middle is a hole until waited for
            with open(tmp_path / "copy.jsonl", "rb") as handle:
                handle.seek(PREFIX_CHECKED)
                assert handle.read(8) == bytes(8)
        with open(tmp_path / "copy.jsonl", "ab") as handle:
            handle.write(b"new line\n")
        copying.wait()
    assert (tmp_path / "copy.jsonl").read_bytes() == source.read_bytes() + b"new line\n"
    kg.io.copy_file(source, tmp_path / "whole.jsonl")  # the Ladybug store's copy
    assert (tmp_path / "whole.jsonl").read_bytes() == source.read_bytes()

    def unsupported(*args):
        raise OSError(errno.EXDEV, "not here")

    monkeypatch.setattr(os, "copy_file_range", unsupported)
    with PrefixCopy(source, tmp_path / "by-hand.jsonl") as copying:
        copying.wait()
    assert (tmp_path / "by-hand.jsonl").read_bytes() == source.read_bytes()


def test_a_prefix_copy_left_early_stops_and_says_so(tmp_path, monkeypatch):
    """A failed update leaves no copy running or file open; a previous file that shrank
    while it was copied is an error, not a short copy."""
    from kg.io import PrefixCopy

    (tmp_path / "previous.jsonl").write_bytes(b"x" * 300_000 + b"\n")
    monkeypatch.setattr(PrefixCopy, "CHUNK", 4096)
    with pytest.MonkeyPatch.context() as patch:
        lazy_prefix_copy(patch)
        with pytest.raises(KeyError), PrefixCopy(tmp_path / "previous.jsonl", tmp_path / "copy") as copying:
            raise KeyError("the extraction failed")
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.fstat(copying._target)  # closed (as -1)
    with pytest.MonkeyPatch.context() as patch:
        lazy_prefix_copy(patch)
        copying = PrefixCopy(tmp_path / "previous.jsonl", tmp_path / "copy")
        os.truncate(tmp_path / "previous.jsonl", 1000)  # shorter than when the copy began
        with pytest.raises(OSError, match=f"ended at byte {kg.io.PREFIX_CHECKED} of 300001"):
            copying.wait()


@pytest.mark.parametrize("kept_state", [True, False])
def test_an_update_reads_the_previous_records_only_once_copied(inputs, builds, tmp_path,
                                                               monkeypatch, kept_state):
    """The update's steps before the walk read only the new lines while the previous records
    are still being copied (a hole at worst); without a kept linking state, reading every
    record waits for the copy. Either way the update gives the rebuild."""
    full, _, _ = builds
    first, second = inputs
    monkeypatch.setattr(kg.io, "PREFIX_CHECKED", 64)  # a middle to copy in these small files
    monkeypatch.setenv("KG_DELTA_SHARE", "1")
    kg.build([first], out=tmp_path, exports=["nt"])
    if not kept_state:
        (tmp_path / "linking.state").unlink()
    lazy_prefix_copy(monkeypatch)
    updated = kg.build([second], out=tmp_path, update=True, exports=["nt"])
    assert "previous records copied (waited for)" in updated.summary.steps
    assert store_quads(tmp_path) == store_quads(full.out)
    assert turtle_triples(tmp_path) == turtle_triples(full.out)
    assert graph_content(updated.graph) == graph_content(full.graph)
    assert (tmp_path / "extractions.jsonl").read_bytes() == (
        full.out / "extractions.jsonl").read_bytes()


@settings(max_examples=60, deadline=None)
@given(previous=st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" ") + b"\n")),
       new=st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" ") + b"\n")),
       cut_last_newline=st.booleans(), take=st.booleans())
def test_an_update_s_records_file_is_the_previous_file_then_the_new_lines(
        tmp_path_factory, previous, new, cut_last_newline, take):
    """An update copies the previous extractions.jsonl whole (by the kernel) and appends the
    new records: no line lost or joined to the next, even after a last line with no newline."""
    from kg.io import write_lines

    folder = tmp_path_factory.mktemp("lines")
    before = b"".join(previous)
    if cut_last_newline and before:
        before = before[:-1]
    (folder / "previous.jsonl").write_bytes(before)
    with pytest.MonkeyPatch.context() as patch:
        if take:  # a copy made for the update, moved in with its middle still a hole
            patch.setattr(kg.io, "PREFIX_CHECKED", 4)
            lazy_prefix_copy(patch)
            copying = kg.io.PrefixCopy(folder / "previous.jsonl", folder / "copy.jsonl")
        count = write_lines(folder / "now.jsonl", iter(new),
                            after=folder / ("copy.jsonl" if take else "previous.jsonl"), take=take)
        if take:
            copying.wait()
    assert count == len(new) and not (folder / "copy.jsonl").exists()
    assert (folder / "now.jsonl").read_bytes().splitlines() == [*before.splitlines(),
                                                               *b"".join(new).splitlines()]
    assert (folder / "previous.jsonl").read_bytes() == before


def test_an_update_checks_new_papers_against_the_previous_records_identities(tmp_path):
    """The previous build's records are decoded for their identity only (id, title, date,
    arXiv id, DOI, source) to find repeats; what they hold is what dedup compares."""
    from kg.engine.records import ExtractionsFile

    records = [{"id": "arxiv:2401.00001", "title": "A Paper", "date": "2024-01-02",
                "arxiv_id": "2401.00001", "doi": None, "abstract": "Long text.",
                "mentions": [{"text": "BERT", "entity_id": "method/bert"}], "entities": [],
                "source": {"file": "in.jsonl", "line": 3, "id": "x"}},
               {"id": "title:abc", "title": "Another", "date": None, "source": None}]
    path = tmp_path / "extractions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    extractions = ExtractionsFile(path)
    identities = list(extractions.identities())
    assert identities == [{"id": "arxiv:2401.00001", "title": "A Paper", "date": "2024-01-02",
                           "arxiv_id": "2401.00001", "doi": None,
                           "source": {"file": "in.jsonl", "line": 3, "id": "x"}},
                          {"id": "title:abc", "title": "Another", "date": None, "source": None}]
    assert len(extractions) == 2


def test_an_update_digests_only_what_it_can_have_changed(tmp_path, monkeypatch):
    """The statements' side of a delta update walks every entity, the new papers and the
    earlier papers whose entities' ids moved (`ChangedWalk`), and finds the delta that the
    walk of the whole graph finds (compared in one process, where both run here)."""
    import kg.export.outputs
    from kg.graph.delta import DigestSink
    from kg.graph.stream import BuildWalk
    from kg.records import Paper
    from kg.sources import read_inputs

    records = [{k: v for k, v in vars(p).items() if v not in (None, [], "")}
               for p in read_inputs([ROOT / "examples" / "hf-daily-papers.txt"]) if isinstance(p, Paper)]
    first = kg.build(records=records[:20], out=tmp_path / "b")
    # the aliases file merges two entities of the first part: their papers' edges move
    two = sorted((e for e in first.index if e.label == "Method" and e.papers == 1),
                 key=lambda e: e.id)[:2]
    (tmp_path / "aliases.yaml").write_text(
        "merge:\n  - [" + ", ".join(json.dumps(e.name) for e in two) + "]\n")
    sinks, parts = [], []
    close, changed_part = DigestSink.close, BuildWalk.changed_part

    def closing(sink):
        digests = close(sink)
        items = sorted((node, json.dumps(data, sort_keys=True, default=str),
                        json.dumps(out, sort_keys=True, default=str)) for node, data, out in sink.delta.items)
        sinks.append((sink.partial, digests.units, sorted(digests.agents), sink.delta.changed,
                      sink.delta.gone, sink.delta.previous, items))
        return digests

    def part(walk, *args):
        parts.append(changed_part(walk, *args))
        return parts[-1]

    monkeypatch.setattr(DigestSink, "close", closing)
    monkeypatch.setattr(BuildWalk, "changed_part", part)
    monkeypatch.setattr(kg.export.outputs, "_can_fork", lambda: False)
    monkeypatch.setenv("KG_DELTA_SHARE", "10")
    updated = kg.build(records=records[20:], out=tmp_path / "b", update=True,
                       aliases=tmp_path / "aliases.yaml")
    (partial, *partial_rest), (whole, *whole_rest) = sinks
    assert partial and not whole
    assert partial_rest == whole_rest
    (walked,) = parts
    assert 0 < walked.relinked < 20  # earlier papers whose entities moved, not all of them
    assert len(walked.papers) == walked.relinked + 24
    assert updated.summary.papers_in_graph == 44
    assert updated.summary.changes["merged"] >= 1


def page_data(out):
    """The page's data, less the papers' source lines (an update's inputs count from 1)."""
    text = (out / "graph.html").read_text(encoding="utf-8")
    start = text.index("const DATA = ") + len("const DATA = ")
    data = json.loads(text[start:text.index(";\n", start)])
    for node in data["nodes"]:
        node.get("details", {}).pop("source_line", None)
    return data


@pytest.mark.parametrize("kept", ["everything", "no text ranges", "nothing"])
def test_an_update_draws_a_large_build_s_page_from_what_changed(tmp_path, monkeypatch, kept):
    """A page of the top entities (the thresholds made small) and its views, and the build's
    counts, from the kept facts and the changed part, as a full rebuild draws and counts them;
    and the same from every paper where the previous build kept nothing (an older release).
    Without kept text ranges (then the Ladybug store is changed on the page's side) they are
    found by reading the files: the same outputs."""
    import kg.export.html
    import kg.export.page_delta
    from kg.records import Paper
    from kg.sources import read_inputs

    monkeypatch.setattr(kg.export.html, "FULL_PAGE_NODES", 60)
    monkeypatch.setattr(kg.export.html, "PAGE_ENTITIES", 25)
    monkeypatch.setattr(kg.export.html, "PAGE_PAPERS", 12)
    monkeypatch.setenv("KG_DELTA_SHARE", "10")
    records = [{k: v for k, v in vars(p).items() if v not in (None, [], "")}
               for p in read_inputs([ROOT / "examples" / "hf-daily-papers.txt"]) if isinstance(p, Paper)]
    first = kg.build(records=records[:20], out=tmp_path / "b")
    two = sorted((e for e in first.index if e.label == "Method" and e.papers == 1),
                 key=lambda e: e.id)[:2]
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("merge:\n  - [" + ", ".join(json.dumps(e.name) for e in two) + "]\n")
    if kept == "nothing":
        for name in ("linking.state", "shared.state", "views.state"):
            (tmp_path / "b" / name).unlink()
    if kept != "everything":
        for name in ("graph.ttl.ranges", "graph.graphml.ranges"):
            (tmp_path / "b" / name).unlink()
    used = []
    update_page = kg.export.page_delta.update_page
    monkeypatch.setattr(kg.export.outputs, "update_page",
                        lambda *args, **kwargs: used.append(update_page(*args, **kwargs)) or used[-1])
    monkeypatch.setattr(kg.export.outputs, "_can_fork", lambda: False)  # to see it used here
    updated = kg.build(records=records[20:], out=tmp_path / "b", update=True, aliases=aliases)
    assert used and (used[0] is not None) == (kept != "nothing")
    full = kg.build(records=records, out=tmp_path / "full", aliases=aliases)
    for query in ("MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label",
                  "MATCH (p:Paper)-[r]->(e) RETURN p.id, type(r), e.id ORDER BY p.id, type(r), e.id",
                  "MATCH (m) WHERE m.papers IS NOT NULL RETURN m.id, m.papers ORDER BY m.id"):
        assert updated.cypher(query, as_frame=False) == full.cypher(query, as_frame=False)
    for key in ("papers_in_graph", "entities", "edges"):
        assert getattr(updated.summary, key) == getattr(full.summary, key), key
    assert page_data(tmp_path / "b") == page_data(tmp_path / "full")
    assert "Showing the 25 entities" in page_data(tmp_path / "b")["notes"][0]
    state = kg.export.page_delta.kept_views(tmp_path / "b" / "views.state",
                                            tmp_path / "b" / "extractions.jsonl").to_state()
    assert state.keys() == {"months", "entity_months", "results", "reporter", "papers", "tasks",
                            "sentences"}
    assert state["papers"] and all(set(fields) == {"title", "date"} for _, fields in state["papers"])
