"""kg.evaluate: span scores with bootstrap intervals, saved extractions, paper-level matching."""

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.evaluate import (Counts, Scores, evaluate, match_key, predicted_entities, score_listing,
                         score_paper, top_entities)

TEXT = "BERT on SQuAD\nWe fine-tune BERT on SQuAD and report F1."


def gold_record(entities, record_id="d1"):
    return {"id": record_id, "title": "BERT on SQuAD", "text": TEXT, "entities": entities}


def span(label, text, start_from=0):
    start = TEXT.index(text, start_from)
    return {"start": start, "end": start + len(text), "label": label, "text": text}


def mention(field, start, end, label, text):
    return {"field": field, "start": start, "end": end, "label": label, "text": text}


def test_saved_extractions_are_scored_without_running_the_extractor():
    abstract_start = len("BERT on SQuAD\n")
    body = TEXT[abstract_start:]
    gold = gold_record([span("Method", "BERT"), span("Dataset", "SQuAD"),
                        span("Method", "BERT", abstract_start), span("Metric", "F1")])
    saved = {"d1": {"id": "d1", "mentions": [
        mention("title", 0, 4, "Method", "BERT"),
        mention("abstract", body.index("BERT"), body.index("BERT") + 4, "Method", "BERT"),
        mention("abstract", body.index("SQuAD"), body.index("SQuAD") + 5, "Dataset", "SQuAD"),
        mention("abstract", body.index("report"), body.index("report") + 9, "Metric", "report F1"),
    ]}}
    result = evaluate([gold], extractions=saved).to_dict()
    assert result["exact"]["Method"]["tp"] == 2
    # the title's SQuAD is missed, the abstract's SQuAD is predicted but not gold there
    assert (result["exact"]["Dataset"]["tp"], result["exact"]["Dataset"]["fp"],
            result["exact"]["Dataset"]["fn"]) == (0, 1, 1)
    assert result["exact"]["Metric"]["fp"] == 1 and result["overlap"]["Metric"]["tp"] == 1
    assert result["exact"]["micro"] == {**result["exact"]["micro"], "tp": 2, "fp": 2, "fn": 2}


def test_a_gold_record_without_a_saved_extraction_is_an_error():
    with pytest.raises(ValueError, match="no extraction"):
        evaluate([gold_record([])], extractions={})


def documents(pattern):
    scores = Scores()
    for tp, fp, fn in pattern:
        scores.add_document({"exact": {"Method": Counts(tp, fp, fn)}})
    return scores


def test_bootstrap_interval_brackets_the_estimate_and_is_reproducible():
    scores = documents([(3, 1, 0), (0, 2, 2), (5, 0, 1), (1, 1, 1), (2, 0, 0)] * 8)
    first, again = scores.to_dict(), scores.to_dict()
    row = first["exact"]["micro"]
    assert first == again and first["bootstrap"]["resamples"] == 1000
    for metric in ("precision", "recall", "f1"):
        low, high = row["ci"][metric]
        assert low < row[metric] < high
    assert row["ci"] == first["exact"]["Method"]["ci"]
    assert scores.to_dict(seed=1)["exact"]["micro"]["ci"] != row["ci"]


def test_identical_documents_give_a_point_interval():
    row = documents([(2, 1, 1)] * 30).to_dict()["exact"]["micro"]
    assert row["ci"]["precision"] == [round(2 / 3, 4), round(2 / 3, 4)]


def test_more_documents_narrow_the_interval():
    few = documents([(3, 1, 0), (0, 2, 2), (5, 0, 1)] * 3).to_dict()["exact"]["micro"]["ci"]["f1"]
    many = documents([(3, 1, 0), (0, 2, 2), (5, 0, 1)] * 60).to_dict()["exact"]["micro"]["ci"]["f1"]
    assert many[1] - many[0] < (few[1] - few[0]) / 2


@pytest.mark.parametrize("a, b", [("CIFAR-10", "CIFAR10"), ("U-Nets", "U-Net"), ("WMT'14", "wmt14"),
                                  ("Transformers", "transformer"), ("max-pooling", "max pooling"),
                                  ("Llama 3.1", "llama3.1"), ("Qwen 3", "Qwen3")])
def test_match_key_folds_surface_differences(a, b):
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize("a, b", [("CIFAR-10", "CIFAR-100"), ("GPT-3", "GPT-4"),
                                  ("LSTM", "LSTMs model")])
def test_match_key_keeps_different_things_apart(a, b):
    assert match_key(a) != match_key(b)


GOLD = [{"name": "deep research", "label": "Task", "role": "used", "aliases": ["DR", "DR systems"]},
        {"name": "LiveDRBench", "label": "Dataset", "role": "proposed"},
        {"name": "F1 score", "label": "Metric", "role": "used"}]


def predicted(*entities):
    return predicted_entities({"entities": [
        {"id": f"e{i}", "name": n, "label": lab, "role": role, "aliases": []}
        for i, (n, lab, role) in enumerate(entities)], "mentions": []})


def test_paper_scores_typed_untyped_and_role():
    counts = score_paper(GOLD, predicted(("deep research", "Task", "used"),
                                         ("LiveDRBench", "Method", "used"),
                                         ("F1 score", "Metric", "used"),
                                         ("search and reasoning", "Method", "used")))
    assert counts["untyped"]["all"] == Counts(3, 1, 0)
    typed = Counts()
    for c in counts["typed"].values():
        typed.add(c)
    assert typed == Counts(2, 2, 1)      # LiveDRBench as a Method is wrong type
    assert counts["role"]["Dataset"] == Counts(0, 0, 1)


def test_variants_kept_apart_count_as_false_positives():
    counts = score_paper(GOLD, predicted(("deep research", "Task", "used"), ("DR", "Task", "used"),
                                         ("DR systems", "Task", "used")))
    assert counts["typed"]["Task"] == Counts(1, 2, 0)


def test_mentions_of_an_entity_match_too():
    record = {"entities": [{"id": "m1", "name": "VGG16", "label": "Method", "role": "used"}],
              "mentions": [{"entity_id": "m1", "text": "VGG16 network"}]}
    gold = [{"name": "VGG-16 network", "label": "Method", "role": "used"}]
    assert score_paper(gold, predicted_entities(record))["typed"]["Method"] == Counts(1, 0, 0)


def test_generic_entities_are_left_out_unless_asked():
    record = {"title": "P", "entities": [
        {"id": "a", "name": "deep learning", "label": "Method", "role": "used", "generic": True},
        {"id": "b", "name": "SegNet", "label": "Method", "role": "proposed"}], "mentions": []}
    gold = {"P": [{"name": "SegNet", "label": "Method", "role": "proposed"}]}
    kept = score_listing(gold, [record]).scores.micro("typed")
    asked = score_listing(gold, [record], include_generic=True).scores.micro("typed")
    assert (kept.fp, asked.fp) == (0, 1)


def test_generic_entities_of_a_real_record_count_only_when_asked():
    """The shape `kg.extract.paper` writes: generic entities in `generic_entities`, flagged in
    `worthiness`, their mentions pointing at them by `candidate_id`; vague ones never count."""
    record = {"id": "arxiv:1511.00561", "title": "SegNet", "entities": [
        {"id": "method:segnet", "name": "SegNet", "label": "Method", "role": "proposed",
         "aliases": [], "worthiness": {"generic": False, "score": 0.9, "rule": "name"}}],
        "generic_entities": [
            {"id": "method:decoder", "name": "decoder", "label": "Method", "role": "used",
             "aliases": [], "worthiness": {"generic": True, "score": 0.009, "rule": "model"}},
            {"id": "method:our approach", "name": "our approach", "label": "Method",
             "role": "proposed", "aliases": [],
             "worthiness": {"generic": True, "score": 0.0, "rule": "vague"}}],
        "mentions": [{"text": "decoder network", "entity_id": None, "kept": False,
                      "candidate_id": "method:decoder"}]}
    gold = {"SegNet": [{"name": "SegNet", "label": "Method", "role": "proposed"},
                       {"name": "decoder network", "label": "Method", "role": "used"}]}
    kept = score_listing(gold, [record]).scores.micro("typed")
    asked = score_listing(gold, [record], include_generic=True).scores.micro("typed")
    assert (kept.tp, kept.fp, kept.fn) == (1, 0, 1)
    assert (asked.tp, asked.fp, asked.fn) == (2, 0, 0)
    assert top_entities([record])["Method"] == [("SegNet", 1)]
    assert sorted(top_entities([record], include_generic=True)["Method"]) == [
        ("SegNet", 1), ("decoder", 1)]


def test_a_paper_without_extraction_counts_all_its_gold_as_missed():
    report = score_listing({"P": GOLD, "Q": GOLD[:1]},
                           [{"title": "Q", "entities": [], "mentions": []}])
    assert report.missing == ["P"] and report.scores.micro("typed").fn == 4


def test_cli_scores_saved_extractions_and_explains_a_missing_file(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(gold_record([span("Method", "BERT")])) + "\n")
    saved = tmp_path / "pred.jsonl"
    record = {"id": "d1", "mentions": [mention("title", 0, 4, "Method", "BERT")]}
    saved.write_text(json.dumps(record) + "\n")
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--extractions", str(saved), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    micro = scores["exact"]["micro"]
    assert micro["f1"] == 1.0 and micro["ci"]["f1"] == [1.0, 1.0]
    missing = str(tmp_path / "no.jsonl")
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--extractions", missing])
    # kg.cli.main prints a Failure as one line; here the runner hands it back
    assert result.exit_code != 0 and "file not found" in str(result.exception)


def test_a_model_folder_replaces_the_shipped_recogniser(tmp_path):
    text = "Puns\nWe improve pun generation with a retrieval step."
    start = text.index("pun generation")
    gold = [{"id": "p", "title": "Puns", "text": text,
             "entities": [{"start": start, "end": start + 14, "label": "Task", "text": "pun generation"}]}]
    assert evaluate(gold).exact["Task"].tp == 1
    # a pipeline folder without a recogniser in it: the rules alone, which know no such task
    from kg.extract.tokenizer import make_blank_nlp

    make_blank_nlp().to_disk(tmp_path / "blank")
    assert evaluate(gold, model=str(tmp_path / "blank")).exact["Task"].tp == 0
    # a folder that holds no pipeline at all is an error, not the rules scored as that model
    with pytest.raises(FileNotFoundError):
        evaluate(gold, model=str(tmp_path / "missing"))


def test_a_tdmsci_fold_is_the_sentences_train_ner_held_out():
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    data = root.parent / "shared" / "data"
    if not (data / "tdmsci" / "train.jsonl").exists():
        pytest.skip("shared TDMSci data not available")
    spec = importlib.util.spec_from_file_location("evaluate_extraction", root / "scripts" / "evaluate_extraction.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    spec = importlib.util.spec_from_file_location("train_ner", root / "scripts" / "train_ner.py")
    train_ner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train_ner)
    folds = [script.gold_sets(data, False, fold)[f"TDMSci-fold-{fold}"][0] for fold in range(5)]
    ids = [{r["id"] for r in records} for records in folds]
    assert sum(map(len, ids)) == len(set().union(*ids)) == 1523  # disjoint, all sentences
    assert all(train_ner.tdmsci_fold(i, 5) == fold for fold, fold_ids in enumerate(ids) for i in fold_ids)


def test_top_entities_ranks_linked_nodes_not_paper_level_ids():
    """`CNN` in one paper and `convolutional neural network (CNN)` in another are one node of
    the graph, so one row with both papers (the ranking was by paper-level ids: `CNN 179;
    … CNN 41` on 4,000 arXiv abstracts)."""
    def paper(pid, entity_id, name, aliases):
        return {"id": pid, "title": pid, "mentions": [], "entities": [
            {"id": entity_id, "name": name, "label": "Method", "role": "used", "aliases": aliases,
             "catalogue_id": None, "worthiness": {"generic": False, "score": 0.9, "rule": "name"}}]}

    records = [paper("p1", "method:cnn", "CNN", []),
               paper("p2", "method:convolutional neural network", "convolutional neural network",
                     ["CNN"]),
               paper("p3", "method:lstm", "LSTM", [])]
    assert top_entities(records)["Method"][0][1] == 2
    assert [count for _, count in top_entities(records)["Method"]] == [2, 1]
