"""The N-Triples writer's shortcuts give exactly what the general code gives: node IRIs
without `quote`, literals without `translate`, URLs without `quote`, per-shape literal plans."""

from __future__ import annotations

import io
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox

from kg.export.rdf import (
    _ESCAPES,
    DEFAULT_BASE,
    StatementWriter,
    _segment,
    node_path,
    nquads_text,
    nt_literal,
    safe_iri,
    serialize_rdf,
)
from kg.graph.stream import graph_walk

AWKWARD_IDS = ["method/bert", "paper/arxiv:2401.01234", "paper/arxiv:cmp-lg/9405001", ".", "..",
               "a/./b", "a/../b", "a/.", "../a", "a/..", ".a/..b", "a..b/...", "a//b", "", "/",
               "method/100%", "method/a b", "method/ü-net", "method/a?b#c", "method/a:b/c:d",
               "author/o'brien", "method/x~y_z.w-v", "method/\u2028", "method/𝔸"]


def test_node_path_equals_segment_by_segment_quoting():
    for node_id in AWKWARD_IDS:
        expected = "/".join(_segment(part) for part in node_id.split("/"))
        assert node_path(node_id) == expected, node_id
    assert node_path("paper/arxiv:2401.01234") == "paper/arxiv%3A2401.01234"
    assert node_path("a/../b") == "a/%2E%2E/b"


def test_literal_shortcut_equals_translate():
    texts = ["plain", 'say "hi"', "back\\slash", "line\nbreak", "tab\there", "cr\r", "\x00\x1f\x7f",
             "é ü 𝔸", "\u2028 separator", "soft\u00adhyphen", "nbsp\u00a0", "", "\\u0041"]
    for text in texts:
        assert nt_literal(text) == '"' + text.translate(_ESCAPES) + '"', text
        parsed = next(iter(ox.parse(f"<http://x/s> <http://x/p> {nt_literal(text)} .\n".encode(),
                                    format=ox.RdfFormat.N_TRIPLES)))
        assert parsed.object.value == text


def test_safe_iri_shortcut_equals_quote():
    urls = ["https://arxiv.org/abs/2401.01234", "https://example.org/a b", "https://x.org/ü",
            "https://x.org/p?q=1&r=[2]#frag", " https://github.com/org/repo ", "https://x.org/100%",
            "not an iri", "https://x.org/a<b>", "https://x.org/{x}|^`"]
    for url in urls:
        slow = quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%-._~")
        try:
            ox.NamedNode(slow)
        except ValueError:
            slow = None
        assert safe_iri(url) == slow, url


def test_nodes_of_one_type_with_different_attributes_keep_their_own_literals():
    graph = nx.MultiDiGraph()
    graph.add_node("method/a", type="Method", name="A", papers=2, confidence=0.5)
    graph.add_node("method/b", type="Method", name="B", mentions=3, generic=True)
    graph.add_node("method/c", type="Method", confidence=0.25, name="C", papers=1)  # keys reordered
    output = io.BytesIO()
    serialize_rdf(graph, output, "nt")
    lines = output.getvalue().decode().splitlines()
    a = [line for line in lines if line.startswith(f"<{DEFAULT_BASE}method/a>")]
    b = [line for line in lines if line.startswith(f"<{DEFAULT_BASE}method/b>")]
    c = [line for line in lines if line.startswith(f"<{DEFAULT_BASE}method/c>")]
    assert any("paperCount> \"2\"" in line for line in a) and not any("mentionCount" in line for line in a)
    assert any("mentionCount> \"3\"" in line for line in b) and not any("paperCount" in line for line in b)
    assert any("generic> \"true\"" in line for line in b)
    # LITERALS order, whatever the order of the node's own keys
    assert [line.split()[1] for line in c][-2:] == [
        "<https://w3id.org/kg/ontology#paperCount>", "<https://w3id.org/kg/ontology#entityConfidence>"]
    writer = StatementWriter(graph_walk(graph))
    statements = [s for item in writer.walk for s in writer.statements(*item)]
    assert nquads_text(statements, False) == nquads_text(statements, True)  # default graph only
