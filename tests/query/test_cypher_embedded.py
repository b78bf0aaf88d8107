"""The embedded Cypher store (`kg cypher --embedded`) answers Neo4j's Cypher as Neo4j does
(issue 19 items 1-5), checked here against the build's networkx graph, without a server; the
parity suite (tests/neo4j/test_cypher_parity.py) checks the same against Neo4j itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.query.cypher import cypher_rows
from kg.query.cypher_dialect import to_ladybug
from kg.query.sparql import QueryError
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def out(example_build):
    return example_build.out


@pytest.fixture(scope="module")
def graph(example_build):
    return example_build.graph


def rows(out, query):
    return cypher_rows(out, query)[1]


def of_type(graph, node_type):
    return {n: d for n, d in graph.nodes(data=True) if d["type"] == node_type}


def test_with_order_limit_then_aggregate_takes_the_top_rows(out, graph):
    """Ladybug's optimizer dropped the WITH's ORDER BY before an aggregate: the 'top 3' were
    the first three scanned (1-paper methods, max 1)."""
    methods = sorted(of_type(graph, "Method").values(), key=lambda d: (-d["papers"], d["name"]))
    top = methods[:3]
    assert rows(out, "MATCH (m:Method) WITH m ORDER BY m.papers DESC, m.name LIMIT 3 "
                     "RETURN collect(m.name) AS names, max(m.papers) AS mx") == [
        [[d["name"] for d in top], top[0]["papers"]]]
    assert rows(out, "MATCH (m:Method) WITH m.name AS name ORDER BY name RETURN collect(name)"
                ) == [[sorted(d["name"] for d in methods)]]


def test_labels_is_a_list_and_indexes_from_zero(out):
    assert rows(out, "MATCH (m:Method {name: 'CNN'}) RETURN labels(m), labels(m)[0], "
                     "m.aliases[0] = head(m.aliases)") == [[["Method"], "Method", True]]


def test_a_path_comes_back_as_nodes_and_relationships(out):
    ((path,),) = rows(out, "MATCH path = (:Paper)-[:HAS_CODE]->(r:Repository "
                           "{name: 'microsoft/LiveDRBench'}) RETURN path")
    paper, repository = path["nodes"]
    assert paper["id"].startswith("paper/") and repository["name"] == "microsoft/LiveDRBench"
    (relationship,) = path["relationships"]
    assert relationship["type"] == "HAS_CODE" and relationship["text"] == repository["url"]
    done = subprocess.run([sys.executable, "-m", "kg", "cypher", str(out), "--embedded",
                           "--format", "json", "MATCH path = (:Paper)-[:HAS_CODE]->(:Repository)"
                           " RETURN path LIMIT 1"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert [r["type"] for r in row["path"]["relationships"]] == ["HAS_CODE"]


def test_backward_and_undirected_patterns(out, graph):
    cnn = "method/cnn"
    users = {graph.nodes[u]["title"] for u, _, d in graph.in_edges(cnn, data=True)
             if d["type"] == "USES"}
    assert {r[0] for r in rows(out, "MATCH (m:Method {name: 'CNN'})<-[:USES]-(p:Paper) "
                                    "RETURN p.title")} == users
    assert {r[0] for r in rows(out, "MATCH (m:Method {name: 'CNN'})-[:USES]-(p) "
                                    "RETURN p.title")} == users
    proposes = sum(1 for _, v, d in graph.edges(data=True)
                   if d["type"] == "PROPOSES" and graph.nodes[v]["type"] == "Method")
    assert rows(out, "MATCH (m:Method)-[:PROPOSES]-(p:Paper) RETURN count(*)") == [[proposes]]
    # one or two hops either way, never back over the same relationship (Neo4j's trails)
    undirected = graph.to_undirected(as_view=True)
    hops = 0
    for first in undirected[cnn]:
        hops += 1 + sum(1 for second in undirected[first] if second != cnn)
    assert rows(out, "MATCH (m:Method {name: 'CNN'})-[*1..2]-(x) RETURN count(*)") == [[hops]]


def test_relationship_properties(out, graph):
    edges = [d for _, _, d in graph.edges(data=True) if d.get("confidence", 0) >= 0.9]
    assert edges
    assert rows(out, "MATCH ()-[r]->() WHERE r.confidence >= 0.9 RETURN count(r)") == [[len(edges)]]
    u, v, d = next((u, v, d) for u, v, d in graph.edges(data=True) if d.get("sentence_start"))
    assert rows(out, "MATCH (a {id: $a})-[r]->(b {id: $b}) RETURN r.confidence, r.source, "
                     "r.mentions, r.sentence_start, r.sentence_end, type(r)"
                .replace("$a", repr(u)).replace("$b", repr(v))) == [
        [d["confidence"], d["source"], d["mentions"], d["sentence_start"], d["sentence_end"],
         d["type"]]]


def test_neo4j_functions_and_predicates(out, graph):
    types = sorted({d["type"] for _, _, d in graph.edges(data=True)})
    assert [r[0] for r in rows(out, "MATCH ()-[r]->() RETURN DISTINCT type(r) AS t ORDER BY t")
            ] == types
    methods = len(of_type(graph, "Method"))
    assert rows(out, "MATCH (n) WHERE n:Method RETURN count(n)") == [[methods]]
    assert rows(out, "MATCH (n) WHERE n:Method|Task RETURN count(n)") == [
        [methods + len(of_type(graph, "Task"))]]
    with_code = {u for u, _, d in graph.edges(data=True) if d["type"] == "HAS_CODE"}
    assert rows(out, "MATCH (p:Paper) WHERE EXISTS { (p)-->(:Repository) } RETURN count(p)"
                ) == [[len(with_code)]]
    degree = {n: graph.out_degree(n) for n in of_type(graph, "Paper")}
    assert rows(out, "MATCH (p:Paper) RETURN max(COUNT { (p)-->() })") == [[max(degree.values())]]
    assert rows(out, "MATCH (a:Method {name: 'CNN'}), (b:Method {name: 'RNN'}) "
                     "MATCH path = shortestPath((a)-[*..6]-(b)) RETURN length(path)") == [[2]]
    assert rows(out, "RETURN split('a,b', ','), toString(0.855), toString(42), toString(false), "
                     "toInteger('7'), toInteger(-3.7), substring('transformer', 5), "
                     "datetime('2024-05-06T07:08:09') < datetime('2025-01-01T00:00:00')") == [
        [["a", "b"], "0.855", "42", "false", 7, -3, "former", True]]
    assert rows(out, "RETURN [x IN range(1, 6) WHERE x % 2 = 0 | x * 10], reverse([1, 2]), "
                     "[1, 2, 3, 4][1..3], [1, 2, 3][-1]") == [[[20, 40, 60], [2, 1], [2, 3], 3]]
    assert rows(out, "MATCH (m:Method {name: 'CNN'}) RETURN reverse(m.name)") == [["NNC"]]


def test_datetime_in_utc_answers_and_an_offset_is_refused(out):
    """Ladybug's timestamp('...+02:00') dropped the offset, so 07:08+02:00 (05:08 UTC) came
    out later than 06:00Z, a wrong answer; as a TIMESTAMP_TZ it was shown in UTC and called
    equal to 05:08Z, where Neo4j keeps +02:00 and says not equal: now refused, in a literal
    and in a text made by the query; timestamp() was a binder error."""
    import time

    assert rows(out, "RETURN datetime('2024-05-06T05:08:09Z') < datetime('2024-05-06T06:00:00Z'), "
                     "datetime('2024-05-06T05:08:09+00:00') = datetime('2024-05-06T05:08:09Z'), "
                     "datetime('2024-05-06T05:08:09Z')") == [
        [True, True, "2024-05-06T05:08:09+00:00"]]
    for query in ("RETURN datetime('2024-05-06T07:08:09+02:00')",
                  "RETURN datetime('2024-05-06T07:08:09' + '-05:30')"):
        with pytest.raises(QueryError, match=r"keeps the instant, not its offset.*write the time "
                                             r"in UTC") as refused:
            rows(out, query)
        assert "\n" not in str(refused.value) and "Traceback" not in str(refused.value)
    before = int(time.time() * 1000)
    ((now,),) = rows(out, "RETURN timestamp()")
    assert before - 1000 <= now <= int(time.time() * 1000) + 1000


def test_one_relationship_is_matched_once_per_match(out, graph):
    """Neo4j never binds one relationship twice in a MATCH: p and q are different papers."""
    users: dict[str, int] = {}
    for _, v, d in graph.edges(data=True):
        if d["type"] == "USES":
            users[v] = users.get(v, 0) + 1
    pairs = sum(n * (n - 1) for n in users.values())
    assert rows(out, "MATCH (p:Paper)-[:USES]->(m:Method)<-[:USES]-(q:Paper) RETURN count(*)"
                ) == [[pairs]]


@pytest.mark.parametrize("query, message", [
    ("RETURN reverse([1, 2]), reverse('ab')", "write list_reverse(xs) for the list"),
    ("RETURN reduce(s = 0, x IN [1, 2] | s + x)", "reduce() is not available"),
    ("MATCH (m:Method) RETURN [(p)-[:USES]->(m) | p.title]", "pattern comprehensions"),
    ("MATCH (a)-[*1..2]-(b)-[*1..2]-(c) RETURN count(*)", "two variable-length relationships"),
    ("CALL { MATCH (m:Method) RETURN count(m) AS n } RETURN n", "CALL { ... } subqueries"),
    ("MATCH (m:Method) WHERE NOT m.name IN ['CNN', null] RETURN count(m)", "write the list without null"),
    ("MATCH (m:Method) CALL (m) { MATCH (m)<--(p) RETURN count(p) AS k } RETURN max(k)",
     "CALL { ... } subqueries"),
])
def test_refused_patterns_say_what_to_write(out, query, message):
    with pytest.raises(QueryError) as refused:
        cypher_rows(out, query)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert "write" in str(refused.value)


def test_translation_leaves_strings_and_names_alone():
    translated = to_ladybug("MATCH (m:Method) WHERE m.name = 'labels(x)[0]' AND m.`type` "
                            "IS NULL RETURN m.name AS type").query
    assert "'labels(x)[0]'" in translated and "m.`type`" in translated
    assert translated.endswith("AS type")


def test_forward_only_store_answers_directed_hops_and_refuses_undirected(example_build, tmp_path,
                                                                          monkeypatch):
    """KG_CYPHER_STORAGE=fwd (for very large builds) keeps relationships one way: backward
    hops still answer, undirected ones are a one-line error saying why."""
    from kg.query.cypher import STORAGE_VARIABLE, write_cypher_store

    monkeypatch.setenv(STORAGE_VARIABLE, "fwd")
    write_cypher_store(example_build.walk(), tmp_path)
    backward = "MATCH (m:Method {name: 'CNN'})<-[:USES]-(p:Paper) RETURN count(p)"
    assert rows(tmp_path, backward) == rows(example_build.out, backward)
    with pytest.raises(QueryError, match="forwards only .* give the pattern a direction"):
        cypher_rows(tmp_path, "MATCH (m:Method)-[:PROPOSES]-(p:Paper) RETURN count(*)")
