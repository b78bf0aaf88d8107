"""`kg build --update`: new papers only are extracted, and the graph equals a full rebuild."""

import json
import subprocess
import sys

import pytest

import kg
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
    first, second = inputs
    folder = tmp_path_factory.mktemp("builds")
    full = kg.build([first, second], out=folder / "full")
    kg.build([first], out=folder / "incremental")
    extracted = []
    updated = kg.build([second], out=folder / "incremental", update=True,
                       on_paper=lambda: extracted.append(1))
    return full, updated, len(extracted)


def test_update_extracts_only_the_new_papers(builds):
    _, updated, extracted = builds
    assert extracted == 3
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
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
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
