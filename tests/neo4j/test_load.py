"""Loading a build into the real Neo4j server: counts, properties and provenance, and
idempotence (twice, a smaller build then the bigger one, a load killed halfway)."""

from __future__ import annotations

import json
import os
import subprocess
import time

from kg.export.neo4j_bolt import connect, load_graph
from kg.graph.build import build_graph
from tests.conftest import ROOT
from tests.neo4j.conftest import KG, database_counts, graph_counts, kg_command, neo4j_env


def rows(settings, query: str, **parameters) -> list[dict]:
    with connect(settings) as driver:
        return [r.data() for r in driver.execute_query(query, parameters,
                                                       database_=settings.database).records]


def test_load_twice_gives_the_graph_with_its_properties(example_build, empty_neo4j):
    graph = example_build.graph
    first = load_graph(example_build.walk(), empty_neo4j)  # streamed from the build's files
    assert {k: first[k] for k in ("nodes", "relationships")} == graph_counts(graph)
    assert first["nodes_sent"] == graph.number_of_nodes()
    again = load_graph(graph, empty_neo4j)  # the networkx graph: nothing changes
    assert {k: again[k] for k in ("nodes", "relationships")} == graph_counts(graph)

    by_label = rows(empty_neo4j, "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS c")
    assert {r["label"]: r["c"] for r in by_label} == dict(example_build.summary.entities,
                                                        Paper=example_build.summary.papers_in_graph)
    by_type = rows(empty_neo4j, "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS c")
    assert {r["type"]: r["c"] for r in by_type} == example_build.summary.edges

    # a provenance edge: the offsets point into the paper's text, the sentence contains it
    fact = rows(empty_neo4j, "MATCH (p:Paper)-[f:PROPOSES]->(m:Method {name: 'SegNet'}) "
                             "RETURN p.title AS title, properties(f) AS f")[0]
    assert fact["title"][fact["f"]["start"]:fact["f"]["end"]] == fact["f"]["text"] == "SegNet"
    assert fact["f"]["role"] == "proposed" and fact["f"]["extractor"] == "kg-extract"
    assert "SegNet" in fact["f"]["sentence"] and 0 < fact["f"]["confidence"] <= 1
    # typed properties: integers, floats, lists of strings; no nulls stored
    node = next(n for n, d in graph.nodes(data=True) if d["type"] == "Method" and d["aliases"])
    method = rows(empty_neo4j, "MATCH (m:Method {id: $id}) RETURN m", id=node)[0]["m"]
    data = graph.nodes[node]
    assert method["aliases"] == data["aliases"] and method["papers"] == data["papers"]
    assert "catalogue_id" not in method or method["catalogue_id"] == data["catalogue_id"]
    result = rows(empty_neo4j, "MATCH (r:Result)-[:ON_DATASET]->(:Dataset {name: 'WMT14'}) "
                               "RETURN r.number AS number, r.value AS value")
    assert {"number": 34.8, "value": "34.8"} in result


def test_a_bigger_build_adds_only_the_new_and_removes_what_was_merged_away(
        example_build, empty_neo4j):
    records = [json.loads(line) for line in
               (example_build.out / "extractions.jsonl").read_text().splitlines()]
    smaller = build_graph(records[:22])
    load_graph(smaller, empty_neo4j)
    assert database_counts(empty_neo4j) == graph_counts(smaller)
    marker = next(n for n, d in smaller.nodes(data=True) if d["type"] == "Paper")
    element = "MATCH (p:Paper {id: $id}) RETURN elementId(p) AS element"
    before = rows(empty_neo4j, element, id=marker)
    load_graph(example_build.graph, empty_neo4j)
    assert database_counts(empty_neo4j) == graph_counts(example_build.graph)
    ids = {r["id"] for r in rows(empty_neo4j, "MATCH (n) RETURN n.id AS id")}
    assert ids == set(example_build.graph)
    # the papers already there were merged, not recreated
    assert rows(empty_neo4j, element, id=marker) == before


def test_a_load_killed_halfway_and_run_again_ends_complete(example_build, empty_neo4j):
    env = neo4j_env(empty_neo4j)
    process = subprocess.Popen([*KG, "neo4j", "load", str(example_build.out), "--batch-size", "5"],
                               cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and database_counts(empty_neo4j)["relationships"] < 50:
        time.sleep(0.05)
    process.kill()
    process.wait()
    halfway = database_counts(empty_neo4j)
    assert 50 <= halfway["relationships"] < example_build.graph.number_of_edges()
    done = kg_command("neo4j", "load", str(example_build.out), env=env)
    assert done.returncode == 0, done.stderr
    assert database_counts(empty_neo4j) == graph_counts(example_build.graph)
    assert f"{example_build.graph.number_of_edges()} relationships" in done.stderr


def test_build_with_neo4j_loads_the_build(tmp_path, empty_neo4j):
    papers = tmp_path / "papers.jsonl"
    papers.write_text('{"id": "p1", "title": "BERT for Question Answering", "abstract": '
                      '"We fine-tune BERT on SQuAD and report 93.2 F1. Code: '
                      'https://github.com/example/bert-qa"}\n', encoding="utf-8")
    built = kg_command("build", str(papers), "-o", str(tmp_path / "out"), "--neo4j",
                       env=neo4j_env(empty_neo4j), timeout=300)
    assert built.returncode == 0, built.stderr
    import kg

    graph = kg.load(tmp_path / "out").graph
    assert database_counts(empty_neo4j) == graph_counts(graph)
    assert rows(empty_neo4j, "MATCH (p:Paper)-[:HAS_CODE]->(r:Repository) RETURN r.url AS url") == [
        {"url": "https://github.com/example/bert-qa"}]


def element_ids(settings) -> set[str]:
    return {r["e"] for r in rows(settings, "MATCH (n) RETURN elementId(n) AS e UNION ALL "
                                           "MATCH ()-[r]->() RETURN elementId(r) AS e")}


def test_into_an_empty_database_the_load_creates_the_graph_of_the_cypher_script(
        example_build, empty_neo4j, tmp_path):
    """A Bolt load into an empty database CREATEs (several transactions in flight, the
    relationships' properties named in the statement) and gives the very graph the Cypher
    script's MERGEs give, every property with its type; a reload (MERGE) changes nothing,
    not even the elements' ids."""
    from tests.neo4j.graph_dump import graph_dump

    first = load_graph(example_build.walk(), empty_neo4j, workers=3, batch_size=40)
    assert first["was_empty"] and "prune_seconds" not in first  # nothing stale to look for
    # every relationship found its ends by the ids the node statements returned
    assert first["relationships_by_node_id"] == first["relationships_sent"] > 0
    bolt = graph_dump(empty_neo4j)
    assert (len(bolt[0]), len(bolt[1])) == tuple(graph_counts(example_build.graph).values())
    ids = element_ids(empty_neo4j)
    again = load_graph(example_build.walk(), empty_neo4j, workers=3, batch_size=40)
    assert not again["was_empty"] and again["prune_transactions"] == 0  # the counts said so
    assert again["relationships_by_node_id"] == 0  # MERGE, by `id`
    assert graph_dump(empty_neo4j) == bolt and element_ids(empty_neo4j) == ids

    script = tmp_path / "graph.cypher"
    done = kg_command("export", str(example_build.out), "--format", "cypher", "-o", str(script))
    assert done.returncode == 0, done.stderr
    from kg.export.neo4j_bolt import clear_database

    clear_database(empty_neo4j)
    text = "\n".join(line for line in script.read_text().splitlines() if not line.startswith("//"))
    with connect(empty_neo4j) as driver:
        for statement in (s for s in text.split(";\n") if s.strip()):
            driver.execute_query(statement)
    assert graph_dump(empty_neo4j) == bolt


def test_an_updated_build_loaded_over_its_first_load_equals_a_rebuild_loaded_fresh(
        tmp_path, empty_neo4j):
    """Issue 21: `kg build --update` then `kg neo4j load` over the database of the first load
    gives, property for property, the database of a full rebuild of the same papers loaded
    into an empty one (real arXiv abstracts: 40, then 20 more), but for the input file and
    line each paper was read from."""
    import gzip

    from tests.neo4j.graph_dump import graph_dump

    with gzip.open(ROOT / "tests" / "fixtures" / "corpus" / "arxiv-2017-2019-500.jsonl.gz",
                   "rt", encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(60)]
    first, more, every = tmp_path / "first.jsonl", tmp_path / "more.jsonl", tmp_path / "all.jsonl"
    first.write_text("".join(lines[:40]), encoding="utf-8")
    more.write_text("".join(lines[40:]), encoding="utf-8")
    every.write_text("".join(lines), encoding="utf-8")
    env = neo4j_env(empty_neo4j)

    def kg_ok(*args):
        done = kg_command(*args, env=env, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]

    kg_ok("build", str(first), "-o", str(tmp_path / "updated"))
    kg_ok("neo4j", "load", str(tmp_path / "updated"))
    kg_ok("build", "--update", str(tmp_path / "updated"), str(more))
    kg_ok("neo4j", "load", str(tmp_path / "updated"))
    updated = graph_dump(empty_neo4j)

    from kg.export.neo4j_bolt import clear_database

    clear_database(empty_neo4j)
    kg_ok("build", str(every), "-o", str(tmp_path / "rebuilt"))
    kg_ok("neo4j", "load", str(tmp_path / "rebuilt"))
    rebuilt = graph_dump(empty_neo4j)
    papers = sum(1 for labels, _ in rebuilt[0] if labels == ("Paper",))
    assert papers == 60 and len(rebuilt[1]) > 60
    # the one thing that differs is where each paper was read: first.jsonl and more.jsonl
    # against all.jsonl, and so its line
    where = {"source_file", "source_line"}
    assert {dict(p)["source_file"][1].rsplit("/", 1)[1] for _, p in updated[0]
            if "source_file" in dict(p)} == {"first.jsonl", "more.jsonl"}
    assert without(updated, where) == without(rebuilt, where)


def without(dump, keys: set[str]):
    """A graph_dump without the given node properties."""
    nodes, relationships = dump
    return (sorted((labels, tuple(kv for kv in p if kv[0] not in keys)) for labels, p in nodes),
            relationships)
