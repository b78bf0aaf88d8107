"""Results and variants on the real example listing, through the whole build: extraction record,
graph, RDF (SPARQL) and the embedded Cypher store."""

from tests.conftest import paper_titled


def test_zcore_result_keeps_its_condition_and_the_condition_is_no_result(example_extractions):
    zcore = paper_titled(example_extractions, "Zero-Shot Coreset Selection")
    values = [r["value"] for r in zcore["results"]]
    assert "53.99%" in values and "10%" not in values
    (result,) = [r for r in zcore["results"] if r["value"] == "53.99%"]
    assert (result["method"], result["dataset"]) == ("ZCore", "ImageNet")
    assert "accuracy" in result["metric"].lower()
    assert result["condition"] == "for 10% training data"


def test_no_result_has_punctuation_a_metric_or_a_vague_phrase_as_its_method(example_extractions):
    methods = {r["method"] for record in example_extractions.values() for r in record["results"]}
    metrics = {r["metric"] for record in example_extractions.values() for r in record["results"]}
    assert ">" not in methods and "inference latency" not in methods
    assert all(m is None or any(c.isalpha() for c in m) for m in methods)
    assert not (methods - {None}) & (metrics - {None})
    skip = paper_titled(example_extractions, "Skip a Layer or Loop it?")
    assert skip["results"] == []  # `>75% of samples` is a share, not a result


def test_the_condition_reaches_rdf_and_cypher(example_build):
    rows = example_build.sparql(
        "PREFIX kg: <https://w3id.org/kg/ontology#> "
        "SELECT ?value ?condition WHERE { ?r kg:rawValue ?value ; kg:condition ?condition }")
    assert ("53.99%", "for 10% training data") in set(map(tuple, rows.values.tolist()))
    rows = example_build.cypher(
        "MATCH (r:Result) WHERE r.condition IS NOT NULL RETURN r.value, r.condition")
    assert ("53.99%", "for 10% training data") in set(map(tuple, rows.values.tolist()))


def test_misspelt_benchmark_is_one_node_with_the_evidence_as_a_suspect(example_build):
    from kg.api import suspects

    graph = example_build.graph
    (bench,) = [d for _, d in graph.nodes(data=True) if d.get("name") == "CFDBench"]
    assert "CFDBnech" in bench["aliases"]
    assert not [d for _, d in graph.nodes(data=True) if d.get("name") == "CFDBnech"]
    reasons = [s["reason"] for s in suspects(example_build.out) if s["kind"] == "low-confidence merge"]
    assert any("misspelling" in reason and "cfdbnech" in reason for reason in reasons)
