"""Issue 19: kg's RDF read by a client no one on the project wrote, Apache Jena 5.6.0 (ARQ, RIOT,
SHACL), fetched from Maven Central by scripts/jena. Every example query in examples/queries/,
unchanged, gives in ARQ over the TriG, N-Quads and Turtle files the rows `kg sparql --format csv`
gives on the store (both as W3C SPARQL CSV); `riot --validate` passes every export format; the
build's graph.ttl conforms to schemas/shapes.ttl in Jena's SHACL."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

QUERIES = sorted((ROOT / "examples" / "queries").glob("*.rq"))
JENA = os.environ.get("KG_JENA") or str(ROOT / "scripts" / "jena")
EXPORTS = ("ttl", "nt", "nq", "trig", "jsonld", "xml")  # every RDF format of `kg export`


def jena_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([JENA, *args], check=False, capture_output=True, text=True,
                          timeout=300)


def complaints(stderr: str) -> list[str]:
    """Jena's log lines of a warning or an error (slf4j-simple: `[main] WARN ...`)."""
    return [line for line in stderr.splitlines() if " WARN " in line or " ERROR " in line]


@pytest.fixture(scope="module")
def jena() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").is_file()):
        pytest.skip("Java 17+ not found: Apache Jena's tools need it (install a JDK; "
                    "scripts/test then fetches Jena with Maven)")
    lib = Path(jena_run("home").stdout.strip(), "lib")
    if not lib.is_dir() and shutil.which(os.environ.get("MVN", "mvn")) is None:
        pytest.skip("Maven not found and Apache Jena not fetched yet: install Maven once "
                    "(`scripts/jena fetch` then caches the jars under ~/.cache/kg)")
    done = jena_run("fetch")
    assert done.returncode == 0, f"scripts/jena fetch failed:\n{done.stderr}"
    return JENA


@pytest.fixture(scope="module")
def exports(example_build, tmp_path_factory) -> dict[str, Path]:
    """The example build in every format `kg export` writes (as `kg export` writes them)."""
    from kg.export.rdf import write_rdf

    folder = tmp_path_factory.mktemp("jena-export")
    paths = {}
    for fmt in EXPORTS:
        paths[fmt] = folder / f"graph.{fmt}"
        write_rdf(example_build.walk(), paths[fmt], fmt)
    return paths


def normalised(text: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """SPARQL CSV results as (header, sorted rows); a GROUP_CONCAT's " | "-joined values sorted,
    as its order is the engine's."""
    header, *rows = list(csv.reader(io.StringIO(text)))
    rows = [tuple(" | ".join(sorted(v.split(" | "))) if " | " in v else v for v in row)
            for row in rows]
    return header, sorted(rows)


def store_csv(out: Path, query: str) -> str:
    from kg.query.sparql import write_sparql_results  # what `kg sparql --format csv` writes

    buffer = io.BytesIO()
    assert write_sparql_results(out, query, "csv", buffer)
    return buffer.getvalue().decode("utf-8")


def arq_csv(data: Path, query: Path) -> str:
    done = jena_run("arq", "--data", str(data), "--query", str(query), "--results", "CSV")
    assert done.returncode == 0 and not complaints(done.stderr), done.stderr
    return done.stdout


@pytest.mark.parametrize("fmt", ["trig", "nq", "ttl"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda path: path.stem)
def test_arq_gives_kg_sparql_s_rows_over_the_files(jena, example_build, exports, query, fmt):
    """Turtle: the build's own graph.ttl (no named graphs); TriG and N-Quads: one named graph
    per paper, the shared entities in the default graph, as Jena reads them."""
    data = example_build.out / "graph.ttl" if fmt == "ttl" else exports[fmt]
    expected = normalised(store_csv(example_build.out, query.read_text(encoding="utf-8")))
    assert expected[1], f"{query.name} returned nothing on the store"
    got = normalised(arq_csv(data, query))
    assert got == expected
    if query.stem == "provenance":  # the extractor comes back, in every file
        column = got[0].index("extractor")
        assert all(row[column].startswith("0.1.0") for row in got[1])


@pytest.mark.parametrize("fmt", EXPORTS)
def test_riot_validates_every_export_format(jena, exports, fmt):
    done = jena_run("riot", "--validate", str(exports[fmt]))
    assert done.returncode == 0 and not complaints(done.stderr), done.stderr


def test_riot_validate_fails_on_a_broken_file(jena, tmp_path):
    """The check above can fail: riot exits non-zero and names the fault."""
    bad = tmp_path / "bad.ttl"
    bad.write_text('<https://example.org/s> <https://example.org/p> "1"^^<http://www.w3.org/'
                   '2001/XMLSchema#integer> , "one"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    done = jena_run("riot", "--validate", str(bad))
    assert done.returncode != 0 and "Lexical form 'one' not valid" in done.stderr


def test_the_build_s_turtle_conforms_to_the_shapes_in_jena_shacl(jena, example_build):
    done = jena_run("shacl", "validate", "--shapes", str(ROOT / "schemas" / "shapes.ttl"),
                    "--data", str(example_build.out / "graph.ttl"))
    assert done.returncode == 0 and not complaints(done.stderr), done.stderr
    assert re.search(r"sh:conforms\s+true", done.stdout), done.stdout
