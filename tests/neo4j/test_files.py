"""The offline files: `kg export --format neo4j-csv` imported by the real neo4j-admin (into a
second server home on other ports, so the test server keeps running), and `--format cypher`
run statement by statement on the test server."""

from __future__ import annotations

import os
import subprocess

import pytest

from kg.export.neo4j_bolt import Neo4jSettings, connect, count_graph
from kg.export.neo4j_files import write_neo4j_csv
from tests.neo4j.conftest import database_counts, graph_counts, kg_command
from tests.neo4j.test_server import SCRIPT


def admin_import(files, tmp_path):
    """Import the CSVs in `files` by their import.args into a second server home (ports
    17687/17474) and start it; returns (its settings, the environment to stop it with)."""
    from pathlib import Path

    lib = Path(os.environ.get("KG_NEO4J_HOME", Path.home() / ".cache/kg/neo4j-5.26")) / "lib"
    if not lib.is_dir():
        pytest.skip("no Neo4j jars (scripts/neo4j-server start fetches them)")
    home = tmp_path / "neo4j-home"
    home.mkdir()
    (home / "lib").symlink_to(lib)
    env = {**os.environ, "KG_NEO4J_HOME": str(home), "NEO4J_BOLT_PORT": "17687",
           "NEO4J_HTTP_PORT": "17474", "NEO4J_PASSWORD": "import-test-password"}
    imported = subprocess.run([str(SCRIPT), "admin", "database", "import", "full", "neo4j",
                               f"--report-file={tmp_path / 'import.report'}",
                               f"@{files / 'import.args'}"],
                              env=env, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]
    started = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True,
                             timeout=180)
    if started.returncode != 0:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
    assert started.returncode == 0, started.stderr
    return Neo4jSettings("bolt://127.0.0.1:17687", "neo4j", "import-test-password"), env


def test_a_field_with_line_breaks_imports_whole(tmp_path):
    """Only CSVs with a line break in a field are imported with --multiline-fields=true, and
    such a field arrives whole."""
    from kg.export.neo4j_files import MULTILINE
    from tests.export.test_neo4j_csv import small_graph

    title = "Attention\nis all\r\nyou need, \"really\""
    files = tmp_path / "import"
    assert MULTILINE in write_neo4j_csv(small_graph(title), files)["options"]
    settings, env = admin_import(files, tmp_path)
    try:
        with connect(settings) as driver:
            found = driver.execute_query("MATCH (p:Paper)-[:USES]->(m:Method) "
                                         "RETURN p.title AS t, m.name AS m").records
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
    assert [(r["t"], r["m"]) for r in found] == [(title, "BERT")]


def test_neo4j_csv_imports_with_neo4j_admin(example_build, neo4j_settings, tmp_path):
    files = tmp_path / "import"
    done = kg_command("export", str(example_build.out), "--format", "neo4j-csv", "-o", str(files))
    assert done.returncode == 0, done.stderr
    assert "--multiline-fields" not in (files / "import.args").read_text()  # no field needs it
    header = (files / "nodes-Method.csv").read_text().splitlines()[0]
    assert header.startswith("id:ID,:LABEL,name:string") and "papers:long" in header
    assert "aliases:string[]" in header
    assert (files / "relationships-PROPOSES.csv").read_text().startswith(":START_ID,:END_ID,:TYPE")

    settings, env = admin_import(files, tmp_path)
    try:
        with connect(settings) as driver:
            assert count_graph(driver, settings) == graph_counts(example_build.graph)
            method = driver.execute_query(
                "MATCH (m:Method) WHERE size(m.aliases) > 1 RETURN m.id AS id, m.aliases AS "
                "aliases, m.papers AS papers LIMIT 1").records[0]
            fact = driver.execute_query(
                "MATCH (p:Paper)-[f:PROPOSES]->(:Method {name: 'SegNet'}) RETURN p.title AS t, "
                "f.start AS s, f.`end` AS e, f.confidence AS c").records[0]
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
    data = example_build.graph.nodes[method["id"]]
    assert method["aliases"] == data["aliases"] and method["papers"] == data["papers"]
    assert fact["t"][fact["s"]:fact["e"]] == "SegNet" and isinstance(fact["c"], float)


def test_cypher_script_loads_the_graph_and_twice_changes_nothing(example_build, empty_neo4j,
                                                                  tmp_path):
    script = tmp_path / "graph.cypher"
    done = kg_command("export", str(example_build.out), "--format", "cypher", "-o", str(script))
    assert done.returncode == 0, done.stderr
    text = "\n".join(line for line in script.read_text().splitlines() if not line.startswith("//"))
    statements = [s for s in text.split(";\n") if s.strip()]
    assert statements[0].startswith("CREATE CONSTRAINT kg_paper_id")
    assert not any("$rows" in s for s in statements)  # parameterless
    with connect(empty_neo4j) as driver:
        for _ in range(2):
            for statement in statements:
                driver.execute_query(statement)
            assert count_graph(driver, empty_neo4j) == graph_counts(example_build.graph)
    assert database_counts(empty_neo4j) == graph_counts(example_build.graph)


def test_build_import_args_work_after_the_switch(example_build, tmp_path):
    """`kg build --export neo4j-csv` writes its CSVs in a staging folder, then moves them:
    OUT/neo4j-import/import.args names them where they end up, and neo4j-admin imports with it
    as the build prints (@import.args), from any working folder."""
    import re
    import shutil
    from pathlib import Path

    out = tmp_path / "out"
    shutil.copytree(example_build.out, out)
    done = kg_command("build", "--update", str(out), "--export", "neo4j-csv")
    assert done.returncode == 0, done.stderr
    args = out / "neo4j-import" / "import.args"
    named = [Path(line.partition("=")[2]) for line in args.read_text().splitlines()
             if line.startswith(("--nodes=", "--relationships="))]
    assert named and all(path.parent == out.resolve() / "neo4j-import" and path.is_file()
                         for path in named), named

    lib = Path(os.environ.get("KG_NEO4J_HOME", Path.home() / ".cache/kg/neo4j-5.26")) / "lib"
    if not lib.is_dir():
        pytest.skip("no Neo4j jars (scripts/neo4j-server start fetches them)")
    home = tmp_path / "neo4j-home"
    home.mkdir()
    (home / "lib").symlink_to(lib)
    env = {**os.environ, "KG_NEO4J_HOME": str(home), "NEO4J_BOLT_PORT": "17689",
           "NEO4J_HTTP_PORT": "17476", "NEO4J_PASSWORD": "import-args-test-password"}
    imported = subprocess.run([str(SCRIPT), "admin", "database", "import", "full", "neo4j",
                               f"--report-file={tmp_path / 'import.report'}", f"@{args}"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                              check=False)
    output = imported.stdout + imported.stderr
    assert imported.returncode == 0, output[-3000:]
    counts = graph_counts(example_build.graph)
    found = re.search(r"Imported:\s*(\d+) nodes\s*(\d+) relationships", output)
    assert found and (int(found[1]), int(found[2])) == (counts["nodes"], counts["relationships"]), \
        output[-3000:]
