"""Issue 19 item 7 and "faithful values": query output in every --format holds every value the
stores give (decimals from sum(), dates, timestamps, durations, lists, maps, booleans), exactly;
SPARQL csv/tsv are the W3C SPARQL 1.1 results formats (read back by rdflib's parsers), and
CONSTRUCT writes Turtle or N-Triples."""

from __future__ import annotations

import csv
import datetime
import io
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from kg.cli import print_rows

COLUMNS = ["sum", "date", "timestamp", "duration", "names", "map", "flag", "none", "ratio"]
ROW = [Decimal("1.250"), datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 10, 0),
       datetime.timedelta(days=1, seconds=3), ["a", "b,c"], {"k": [1, None]}, True, None, 0.1]


def printed(capsys, fmt: str) -> str:
    print_rows(COLUMNS, [ROW], fmt)
    return capsys.readouterr().out


def test_json_holds_every_value_exactly(capsys):
    (row,) = json.loads(printed(capsys, "json"), parse_float=Decimal)
    assert row == {"sum": Decimal("1.250"), "date": "2024-01-02", "timestamp": "2024-01-02T10:00:00",
                   "duration": "P1DT3S", "names": ["a", "b,c"], "map": {"k": [1, None]},
                   "flag": True, "none": None, "ratio": Decimal("0.1")}


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_cells(capsys, fmt):
    rows = list(csv.reader(io.StringIO(printed(capsys, fmt)), delimiter="," if fmt == "csv" else "\t"))
    assert rows == [COLUMNS, ["1.250", "2024-01-02", "2024-01-02T10:00:00", "P1DT3S",
                              '["a","b,c"]', '{"k":[1,null]}', "true", "", "0.1"]]


def test_table_cells_are_the_same_text(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    text = printed(capsys, "table")
    for cell in ("1.250", "2024-01-02", "P1DT3S", "true"):
        assert cell in text


def kg(*args, check: bool = True):
    done = subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True,
                          text=True, timeout=300, check=False)
    if check:
        assert done.returncode == 0, done.stderr
    return done


CYPHER = ("MATCH (m:Method) RETURN sum(m.papers) AS papers, date('2024-01-02') AS day, "
          "timestamp('2024-01-02 10:00:00') AS at, collect(m.name)[0..2] AS some")


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "table"])
def test_embedded_cypher_sum_date_and_timestamp_in_every_format(example_build, fmt):
    done = kg("cypher", example_build.out, "--embedded", "--format", fmt, CYPHER)
    assert "Traceback" not in done.stderr
    papers = sum(d["papers"] for _, d in example_build.graph.nodes(data=True)
                 if d["type"] == "Method")
    if fmt == "json":
        (row,) = json.loads(done.stdout)
        assert row["papers"] == papers and row["day"] == "2024-01-02"
        assert row["at"].startswith("2024-01-02T10:00:00") and len(row["some"]) == 2
    elif fmt in ("csv", "tsv"):
        header, row = csv.reader(io.StringIO(done.stdout), delimiter="," if fmt == "csv" else "\t")
        assert header == ["papers", "day", "at", "some"]
        assert row[:2] == [str(papers), "2024-01-02"] and row[2].startswith("2024-01-02T10:00:00")
        assert len(json.loads(row[3])) == 2
    else:
        assert str(papers) in done.stdout and "2024-01-02" in done.stdout


RESULTS = ("SELECT ?dataset ?value ?raw WHERE { ?r mls:hasValue ?value ; kg:rawValue ?raw ; "
           "kg:onDataset/skos:prefLabel ?dataset } ORDER BY ?dataset ?value ?raw")


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_sparql_csv_and_tsv_are_the_w3c_results_formats(example_build, fmt):
    from rdflib.query import Result

    done = kg("sparql", example_build.out, "--format", fmt, RESULTS)
    parsed = Result.parse(io.BytesIO(done.stdout.encode("utf-8")), format=fmt)
    rows = [(str(r[0]), str(r[1]), str(r[2])) for r in parsed]
    stored = kg("sparql", example_build.out, "--format", "json", RESULTS)
    expected = [(b["dataset"]["value"], b["value"]["value"], b["raw"]["value"])
                for b in json.loads(stored.stdout)["results"]["bindings"]]
    assert rows == expected and len(rows) >= 3
    if fmt == "tsv":  # terms in N-Triples syntax: the datatype of a decimal is kept
        assert done.stdout.splitlines()[0] == "?dataset\t?value\t?raw"
        assert all(r[1].datatype is not None for r in parsed)


def test_sparql_table_and_json_rows_keep_decimals_exact(example_build):
    query = "SELECT ?v WHERE { ?r mls:hasValue ?v } ORDER BY ?v"
    lexical = [b["v"]["value"] for b in json.loads(
        kg("sparql", example_build.out, "--format", "json", query).stdout)["results"]["bindings"]]
    table = kg("sparql", example_build.out, query).stdout
    assert all(value in table for value in lexical)
    construct = "CONSTRUCT { ?r mls:hasValue ?v } WHERE { ?r mls:hasValue ?v }"
    rows = json.loads(kg("sparql", example_build.out, "--format", "json", construct).stdout,
                      parse_float=Decimal)
    assert sorted(Decimal(v) for v in lexical) == sorted(Decimal(str(r["object"])) for r in rows)


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt")])
def test_sparql_construct_and_describe_as_rdf(example_build, fmt, parser):
    import rdflib

    construct = "CONSTRUCT { ?m skos:prefLabel ?name } WHERE { ?m a kg:Method ; skos:prefLabel ?name }"
    done = kg("sparql", example_build.out, "--format", fmt, construct)
    graph = rdflib.Graph().parse(data=done.stdout, format=parser)
    methods = [d for _, d in example_build.graph.nodes(data=True) if d["type"] == "Method"]
    assert len(graph) == len(methods) > 10
    assert {str(o) for o in graph.objects()} == {d["name"] for d in methods}
    describe = kg("sparql", example_build.out, "--format", fmt,
                  "DESCRIBE ?m WHERE { ?m skos:prefLabel 'SegNet' }")
    described = rdflib.Graph().parse(data=describe.stdout, format=parser)
    assert rdflib.Literal("SegNet") in set(described.objects())


def test_rdf_formats_are_for_graphs_only(example_build):
    done = kg("sparql", example_build.out, "--format", "ttl", "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
              check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        ("kg: error: --format ttl writes the graph of a CONSTRUCT or DESCRIBE query; for SELECT "
         "and ASK use table, csv, tsv or json")]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "table"])
def test_ask_answers_true_or_false(example_build, fmt):
    yes = kg("sparql", example_build.out, "--format", fmt, "ASK { ?p a kg:Paper }").stdout
    no = kg("sparql", example_build.out, "--format", fmt, "ASK { ?p a kg:Nothing }").stdout
    if fmt == "table":
        assert "true" in yes and "false" in no
    else:
        assert (yes, no) == ("true\n", "false\n")
