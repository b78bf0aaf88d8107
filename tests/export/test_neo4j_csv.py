"""The neo4j-admin CSVs say whether a field holds a line break: only then does import.args ask
for `--multiline-fields=true`, which makes neo4j-admin parse in one thread."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export.neo4j_files import MULTILINE, multiline_fields, write_neo4j_csv, write_neo4j_csv_rows


def small_graph(title: str) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("paper/p1", type="Paper", title=title)
    graph.add_node("method/bert", type="Method", name="BERT")
    graph.add_edge("paper/p1", "method/bert", key="USES", type="USES")
    return graph


def test_the_example_needs_no_multiline_fields(example_build, tmp_path):
    written = write_neo4j_csv(example_build.walk(), tmp_path / "csv")
    assert MULTILINE not in written["options"] and not multiline_fields(tmp_path / "csv")
    assert written["nodes"] == example_build.graph.number_of_nodes()


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", ",", '"', "é"]), max_size=12))
def test_import_args_ask_for_multiline_fields_exactly_when_a_field_breaks_a_line(tmp_path_factory, title):
    folder = tmp_path_factory.mktemp("csv")
    written = write_neo4j_csv(small_graph(title), folder)
    breaks = "\n" in title or "\r" in title
    assert (MULTILINE in written["options"]) == breaks == multiline_fields(folder)
    rows = write_neo4j_csv_rows({"Paper": [{"id": "p", "title": title}]}, {}, folder / "rows")
    assert (MULTILINE in rows["options"]) == breaks


def test_csvs_without_import_args_are_read_as_multiline(tmp_path):
    assert multiline_fields(tmp_path)
