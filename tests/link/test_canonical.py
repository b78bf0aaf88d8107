"""Canonical entities across papers: what merges, what stays apart, and stable ids."""

import json
import os
import subprocess
import sys

import pytest

from kg.link.aliases import AliasesError, UserAliases, load_aliases, parse_aliases
from kg.link.canonical import CanonicalIndex
from kg.link.catalogue import EMPTY, Catalogue
from tests.link.records import entity, record

CATALOGUE = Catalogue([
    {"id": "c:method/bert", "label": "Method", "name": "BERT", "aliases": []},
    {"id": "c:method/roberta", "label": "Method", "name": "RoBERTa", "aliases": []},
    {"id": "c:dataset/cifar-10", "label": "Dataset", "name": "CIFAR-10", "aliases": ["CIFAR10"]},
    {"id": "c:dataset/cola", "label": "Dataset", "name": "CoLA", "aliases": []},
    {"id": "c:task/ctr", "label": "Task", "name": "click-through rate prediction",
     "aliases": ["CTR prediction"]},
])


def papers():
    return [
        record("p1", "Deep Neural Network (DNN) models are trained.",
               entity("Method", "Deep Neural Network", "DNN")),
        record("p2", "DNNs generalise.", entity("Method", "DNNs")),
        record("p3", "deep neural networks and LLMs.", entity("Method", "deep neural networks"),
               entity("Method", "LLMs")),
        record("p4", "Large language models (LLMs) are big; an LLM is one.",
               entity("Method", "Large language models", "LLMs", "LLM")),
        record("p5", "Click-through rate (CTR) prediction on CIFAR10 and MNIST.",
               entity("Task", "Click-through rate (CTR) prediction"),
               entity("Dataset", "CIFAR10"), entity("Dataset", "MNIST")),
        record("p6", "Better CTR prediction with CIFAR-10 and CIFAR-100.",
               entity("Task", "CTR prediction"), entity("Dataset", "CIFAR-10"),
               entity("Dataset", "CIFAR-100")),
    ]


def by_name(index, name):
    (found,) = [e for e in index if e.name == name or name in e.aliases]
    return found


def test_short_long_case_and_plural_forms_are_one_entity():
    index = CanonicalIndex(papers(), catalogue=EMPTY)
    dnn = by_name(index, "DNNs")
    assert {"Deep Neural Network", "DNN", "DNNs", "deep neural networks"} <= {dnn.name, *dnn.aliases}
    assert (dnn.label, dnn.papers) == ("Method", 3)
    llm = by_name(index, "LLM")
    assert {"LLMs", "LLM", "Large language models"} <= {llm.name, *llm.aliases}
    assert llm.papers == 2 and llm.mentions >= 4
    assert index.entity_for("p2", "method:dnn") == index.entity_for("p1", "method:deep neural network")


def test_ctr_prediction_forms_join_through_the_catalogue():
    index = CanonicalIndex(papers(), catalogue=CATALOGUE)
    ctr = by_name(index, "CTR prediction")
    assert "Click-through rate (CTR) prediction" in {ctr.name, *ctr.aliases}
    assert (ctr.catalogue_id, ctr.papers, ctr.name) == ("c:task/ctr", 2, "click-through rate prediction")


def test_ctr_prediction_forms_join_without_a_catalogue():
    index = CanonicalIndex(papers(), catalogue=EMPTY)
    assert by_name(index, "CTR prediction") is by_name(index, "Click-through rate (CTR) prediction")


def test_numbered_and_different_things_stay_apart():
    index = CanonicalIndex(papers(), catalogue=CATALOGUE)
    cifar10, cifar100, mnist = (by_name(index, n) for n in ("CIFAR-10", "CIFAR-100", "MNIST"))
    assert len({cifar10.id, cifar100.id, mnist.id}) == 3
    assert cifar10.papers == 2 and "CIFAR10" in {cifar10.name, *cifar10.aliases}


@pytest.mark.parametrize("a, b", [("BERT", "RoBERTa"), ("GPT-2", "GPT-3"), ("ResNet-50", "ResNet-101"),
                                  ("CIFAR-10", "CIFAR-100"), ("Llama 3.1", "Llama 3")])
def test_an_alias_bridging_two_versions_does_not_merge_them(a, b):
    """A paper that groups `a` and a bare family name, another that groups `b` with it: the
    family name joins one of them, never both."""
    family = a.split("-")[0].split(" ")[0]
    records = [record("x1", f"{a} vs {family}", entity("Method", a, family)),
               record("x2", f"{b} vs {family}", entity("Method", b, family))]
    index = CanonicalIndex(records, catalogue=CATALOGUE)
    assert index.entity_for("x1", records[0]["entities"][0]["id"]) != \
        index.entity_for("x2", records[1]["entities"][0]["id"])
    assert index.refused, "the second join must be refused and reported"


def test_ambiguous_short_form_merges_neither_meaning():
    records = [record("a", "self-supervised learning (SSL)", entity("Task", "self-supervised learning", "SSL")),
               record("b", "semi-supervised learning (SSL)", entity("Task", "semi-supervised learning", "SSL"))]
    index = CanonicalIndex(records, catalogue=EMPTY)
    assert index.entity_for("a", "task:self supervised learning") != index.entity_for("b", "task:semi supervised learning")
    assert [a.short for a in index.ambiguous] == ["ssl"]


def test_locally_defined_short_form_is_not_a_catalogue_entry():
    records = [record("c", "chain-of-layers (CoLa)", entity("Method", "chain-of-layers", "CoLa"))]
    (cola,) = CanonicalIndex(records, catalogue=CATALOGUE)
    assert cola.catalogue_id is None and cola.label == "Method"


def test_result_does_not_depend_on_paper_order_and_ids_are_readable():
    forward = CanonicalIndex(papers(), catalogue=CATALOGUE)
    backward = CanonicalIndex(list(reversed(papers())), catalogue=CATALOGUE)
    assert {e.id: (e.name, e.aliases, e.papers) for e in forward} == \
        {e.id: (e.name, e.aliases, e.papers) for e in backward}
    assert "dataset/cifar10" in forward.entities and "dataset/cifar100" in forward.entities


def test_ids_are_the_same_across_processes_with_different_hash_seeds(tmp_path):
    path = tmp_path / "papers.json"
    path.write_text(json.dumps(papers()))
    script = ("import json,sys; from kg.link.canonical import CanonicalIndex;"
              "from kg.link.catalogue import EMPTY;"
              f"i=CanonicalIndex(json.load(open({str(path)!r})), catalogue=EMPTY);"
              "print(json.dumps(sorted((e.id, e.name, e.aliases) for e in i)))")
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2", "3")}
    assert len(outputs) == 1


def test_aliases_file_merges_keeps_apart_and_renames(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("merge:\n  - [DNN, MNIST]\nkeep_apart:\n  - [LLM, large language model]\n"
                    "rename:\n  llms: Large Language Model\n")
    aliases = load_aliases(path)
    index = CanonicalIndex(papers(), aliases, catalogue=EMPTY)
    assert by_name(index, "DNNs") is by_name(index, "MNIST")
    short, long = index.entity_for("p3", "method:llm"), index.entity_for("p4", "method:large language model")
    assert short != long
    assert index.entities[short].name == "Large Language Model"
    assert {short, long} == {"method/large-language-model", "method/large-language-model-2"}


@pytest.mark.parametrize("text, message", [
    ("merge: [[A]]", "two or more names"),
    ("mrege: []", "unknown section"),
    ("rename: [a, b]", "`rename` must map"),
    ("merge: [a, b", "not valid YAML"),
])
def test_bad_aliases_file_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "aliases.yaml"
    path.write_text(text)
    with pytest.raises(AliasesError, match=message):
        load_aliases(path)
    with pytest.raises(AliasesError, match="not found"):
        load_aliases(tmp_path / "missing.yaml")


def test_empty_aliases_document_is_no_aliases():
    assert parse_aliases(None) == UserAliases()


def test_suspects_list_ambiguity_refusals_and_near_duplicates():
    from kg.link.suspects import find_suspects

    records = [record("a", "self-supervised learning (SSL)", entity("Task", "self-supervised learning", "SSL")),
               record("b", "semi-supervised learning (SSL)", entity("Task", "semi-supervised learning", "SSL")),
               record("c", "CFDBench and CFDBnech", entity("Dataset", "CFDBench"), entity("Method", "CFDBnech")),
               record("d", "GPT-2 vs GPT", entity("Method", "GPT-2", "GPT")),
               record("e", "GPT-3 vs GPT", entity("Method", "GPT-3", "GPT"))]
    found = find_suspects(CanonicalIndex(records, catalogue=EMPTY))
    kinds = {s["kind"]: s for s in found}
    assert len(kinds["ambiguous abbreviation"]["entities"]) == 2
    assert ["CFDBench", "CFDBnech"] in [s["names"] for s in found if s["kind"] == "similar names"]
    assert "different numbers" in kinds["refused merge"]["reason"]


def test_spacing_variants_and_tokenised_hyphens_merge():
    records = [record("a", "RandomForest", entity("Method", "RandomForest")),
               record("b", "random forests", entity("Method", "random forests")),
               record("c", "fully - convolutional networks", entity("Method", "fully - convolutional networks")),
               record("d", "fully convolutional network", entity("Method", "fully convolutional network"))]
    assert len(CanonicalIndex(records, catalogue=EMPTY)) == 2


def test_a_metric_and_its_score_are_one_entity_but_not_a_method_and_a_score():
    records = [record("a", "macro-F1", entity("Metric", "macro-F1")),
               record("b", "macro F1 score", entity("Metric", "macro F1 score")),
               record("c", "Dice", entity("Method", "Dice")),
               record("d", "Dice score", entity("Metric", "Dice score"))]
    index = CanonicalIndex(records, catalogue=EMPTY)
    assert len(index) == 3
    macro = by_name(index, "macro-F1")
    assert macro.label == "Metric" and macro.papers == 2 and "macro F1 score" in [macro.name, *macro.aliases]
    assert {e.label for e in index if "Dice" in e.name} == {"Method", "Metric"}


def test_head_word_variants_of_a_coined_name_are_one_entity_across_papers():
    records = [record("s1", "2D Matryoshka embedding models and 2D Matryoshka models",
                      entity("Method", "2D Matryoshka embedding models"), entity("Method", "2D Matryoshka models")),
               record("s2", "the 2D Matryoshka training approach", entity("Method", "2D Matryoshka training approach")),
               record("s3", "2D Matryoshka-2 models", entity("Method", "2D Matryoshka-2 models"))]
    index = CanonicalIndex(records, catalogue=EMPTY)
    matryoshka = by_name(index, "2D Matryoshka models")
    assert {"2D Matryoshka embedding models", "2D Matryoshka training approach"} <= \
        {matryoshka.name, *matryoshka.aliases}
    assert {link.kind for link in matryoshka.merges} == {"variant"}
    assert by_name(index, "2D Matryoshka-2 models") is not matryoshka  # another number


def test_deep_research_dr_and_dr_systems_are_one_entity():
    records = [record("d1", "Deep research (DR) agents. DR systems search. deep research systems.",
                      entity("Method", "deep research", "DR"), entity("Method", "DR systems"),
                      entity("Method", "deep research systems"))]
    index = CanonicalIndex(records, catalogue=EMPTY)
    assert len(index) == 1
    (dr,) = index
    assert {"deep research", "DR", "DR systems", "deep research systems"} <= {dr.name, *dr.aliases}


def test_ordinary_words_under_a_head_join_only_where_one_paper_names_both():
    apart = [record("t1", "attention models", entity("Method", "attention models")),
             record("t2", "attention", entity("Method", "attention"))]
    assert len(CanonicalIndex(apart, catalogue=EMPTY)) == 2
    together = [record("t3", "Transformer architecture; the Transformer",
                       entity("Method", "Transformer"), entity("Method", "Transformer architecture"))]
    assert len(CanonicalIndex(together, catalogue=EMPTY)) == 1


def test_a_misspelling_in_the_same_paper_joins_the_name_and_is_a_suspect():
    from kg.link.suspects import find_suspects

    records = [record("c", "CFDBench is a benchmark. On CFDBench we test. CFDBnech has errors.",
                      entity("Dataset", "CFDBench"), entity("Dataset", "CFDBnech"))]
    index = CanonicalIndex(records, catalogue=EMPTY)
    (bench,) = index
    assert bench.name == "CFDBench" and "CFDBnech" in bench.aliases
    (link,) = bench.merges
    assert link.kind == "misspelling" and "written once" in link.note
    (suspect,) = [s for s in find_suspects(index) if s["kind"] == "low-confidence merge"]
    assert "misspelling" in suspect["reason"] and "1 edit" in suspect["reason"]


@pytest.mark.parametrize("common, rare", [("ResNet", "ResNeXt"), ("GPT-2 large", "GPT-3 large"),
                                          ("encoder", "decoder"), ("BERT", "BART")])
def test_close_names_that_are_not_misspellings_stay_apart(common, rare):
    records = [record("r", f"{common} and {common} and {common}; {rare}.",
                      entity("Method", common), entity("Method", rare))]
    assert len(CanonicalIndex(records, catalogue=EMPTY)) == 2


def test_two_catalogue_entries_never_merge_as_variants():
    records = [record("k", "BERT model; BERT models; RoBERTa model",
                      entity("Method", "BERT", catalogue_id="c:method/bert"),
                      entity("Method", "RoBERTa model", catalogue_id="c:method/roberta"))]
    index = CanonicalIndex(records, catalogue=CATALOGUE)
    assert len(index) == 2


def test_a_method_named_after_a_task_stays_apart_from_the_task():
    records = [record("m", "machine translation; a machine translation system; 3D object detection "
                           "and a 3D object detection method",
                      entity("Task", "machine translation"), entity("Method", "machine translation system"),
                      entity("Task", "3D object detection"), entity("Method", "3D object detection method"))]
    assert len(CanonicalIndex(records, catalogue=EMPTY)) == 4


def test_a_name_holding_a_short_form_does_not_define_it():
    """The listing's deep-research paper: `DR systems` is grouped under the name `DR`; it must
    not read as a second meaning of `DR` (that made `DR` ambiguous and kept two nodes)."""
    records = [record("d2", "the deep research (DR) task; DR systems",
                      entity("Method", "deep research", "DR"), entity("Method", "DR", "DR systems"))]
    index = CanonicalIndex(records, catalogue=EMPTY)
    assert not index.ambiguous
    (dr,) = index
    assert {"deep research", "DR", "DR systems"} <= {dr.name, *dr.aliases}


def test_the_aliases_file_keeps_a_variant_or_misspelling_apart():
    records = [record("c2", "CFDBench here; CFDBench there; CFDBnech once. 2D Matryoshka models; "
                            "2D Matryoshka training approach.",
                      entity("Dataset", "CFDBench"), entity("Dataset", "CFDBnech"),
                      entity("Method", "2D Matryoshka models"),
                      entity("Method", "2D Matryoshka training approach"))]
    assert len(CanonicalIndex(records, catalogue=EMPTY)) == 2
    aliases = parse_aliases({"keep_apart": [["CFDBench", "CFDBnech"],
                                            ["2D Matryoshka models", "2D Matryoshka training approach"]]})
    assert len(CanonicalIndex(records, aliases, catalogue=EMPTY)) == 4
