"""Results tied to their metric, dataset, method and condition by the sentence's structure, on
real sentences of the example listing and of SciREX abstracts (mentions given by hand, so the
tests do not depend on the recogniser)."""

from dataclasses import dataclass

import pytest

from kg.extract.results import find_results, paper_results


@dataclass
class Mention:
    text: str
    label: str
    start: int
    end: int


def mentions(text: str, *spans: tuple[str, str]) -> list[Mention]:
    """(surface, label) pairs found left to right; a repeated surface takes the next one."""
    found, position = [], 0
    for surface, label in spans:
        start = text.index(surface, position)
        found.append(Mention(surface, label, start, start + len(surface)))
        position = start + 1
    return found


def results(text, *spans, proposed=(), paper_methods=()):
    return [r.to_dict() for r in find_results(text, 0, mentions(text, *spans), set(proposed),
                                              paper_methods)]


def slots(result: dict) -> tuple:
    return result["value"], result["metric"], result["dataset"], result["method"]


ZCORE = ("On ImageNet, ZCore selections for 10% training data achieve a downstream validation "
         "accuracy of 53.99%, which outperforms prior label-based methods and removes annotation "
         "and training costs for 1.15 million images.")


def test_zcore_value_has_its_metric_dataset_method_and_condition():
    (result,) = results(ZCORE, ("ImageNet", "Dataset"), ("ZCore", "Method"),
                        ("validation accuracy", "Metric"), ("label-based methods", "Method"))
    assert slots(result) == ("53.99%", "validation accuracy", "ImageNet", "ZCore")
    assert result["condition"] == "for 10% training data"


def test_a_share_of_samples_is_not_a_result_and_punctuation_is_never_a_method():
    text = ("We conduct an extensive analysis of the MCTS-optimized CoLa, which leads to two key "
            "findings: (1) For >75% of samples with correct predictions by the original LLM, we "
            "can find shorter CoLa, suggesting a large space for improving inference efficiency; "
            "(2) For >60% of samples with originally incorrect predictions, we can identify CoLa "
            "achieving correct predictions, suggesting a large space of performance enhancement.")
    assert results(text, ("CoLa", "Method"), (">", "Method"), ("LLM", "Method"), ("CoLa", "Method"),
                   ("inference efficiency", "Metric"), (">", "Method"), ("CoLa", "Method")) == []


def test_a_measurement_named_as_a_method_is_the_metric():
    text = ("For example, a single layer Transformer on the IMDb byte level text classification "
            "has 3.1x faster inference latency on a CPU than its equally accurate deeper counterpart.")
    (result,) = results(text, ("single layer Transformer", "Method"), ("IMDb", "Dataset"),
                        ("inference latency", "Method"), ("CPU", "Method"))
    assert slots(result) == ("3.1x", "inference latency", "IMDb", "single layer Transformer")


def test_each_value_takes_the_metric_after_it():
    text = ("Experiments on four multi-hop QA benchmarks show that LightSearcher maintains accuracy "
            "comparable to SOTA baseline ReSearch, while reducing search tool invocations by 39.6%, "
            "inference time by 48.6%, and token consumption by 21.2%.")
    found = results(text, ("LightSearcher", "Method"), ("accuracy", "Metric"), ("ReSearch", "Method"),
                    ("search tool invocations", "Metric"), ("inference time", "Metric"),
                    ("token consumption", "Metric"))
    assert [slots(r) for r in found] == [
        ("39.6%", "search tool invocations", None, "LightSearcher"),
        ("48.6%", "inference time", None, "LightSearcher"),
        ("21.2%", "token consumption", None, "LightSearcher")]


def test_a_baseline_after_than_is_not_the_method():
    text = ("When evaluated on a single training step of a 2D Convolution layer, the SIMD-optimized "
            "FP16 primitives result up to 1.72times faster than the FP32 baseline on a "
            "RISC-V-based 8+1-core MCU.")
    (result,) = results(text, ("2D Convolution layer", "Method"), ("FP16", "Method"), ("FP32", "Method"))
    assert slots(result) == ("1.72times", None, None, "FP16") and result["unit"] == "x"


def test_a_generic_phrase_is_never_the_method():
    text = ("Empirical results on CFDBench show many baseline models have errors as high as 300% "
            "in some problems.")
    (result,) = results(text, ("CFDBench", "Dataset"), ("baseline models", "Method"), ("errors", "Metric"))
    assert slots(result) == ("300%", "errors", "CFDBench", None)


def test_values_listed_after_one_metric_share_it():
    text = ("In both cases, our automated system establishes a new state of the art, and edges past "
            "the human benchmark, achieving error rates of 5.8% and 11.0%, respectively.")
    found = results(text, ("error rates", "Metric"), paper_methods=["Microsoft system"])
    assert [slots(r) for r in found] == [("5.8%", "error rates", None, "Microsoft system"),
                                         ("11.0%", "error rates", None, "Microsoft system")]


def test_our_model_is_the_papers_method_only_when_known():
    text = ("Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task, "
            "improving over the existing best results, including ensembles, by over 2 BLEU.")
    spans = (("BLEU", "Metric"), ("WMT 2014", "Dataset"), ("BLEU", "Metric"))
    first = results(text, *spans, paper_methods=["Transformer"])[0]
    assert slots(first) == ("28.4", "BLEU", "WMT 2014", "Transformer")
    assert slots(results(text, *spans)[0]) == ("28.4", "BLEU", "WMT 2014", None)


def test_from_to_pairs_take_the_dataset_after_them():
    text = ("Additionally, we improve the state-of-the-art (SoTA) results of bpc/perplexity from "
            "1.06 to 0.99 on enwiki8, from 1.13 to 1.08 on text8, from 20.5 to 18.3 on "
            "WikiText-103 (without finetuning).")
    found = results(text, ("perplexity", "Metric"), ("enwiki8", "Dataset"), ("text8", "Dataset"),
                    ("WikiText-103", "Dataset"), paper_methods=["Transformer-XL"])
    # 1.06, 1.13 and 20.5 were the state of the art before the paper: no result of its method
    assert [(r["value"], r["dataset"]) for r in found] == [
        ("0.99", "enwiki8"), ("1.08", "text8"), ("18.3", "WikiText-103")]
    assert {r["metric"] for r in found} == {"perplexity"}
    assert {r["method"] for r in found} == {"Transformer-XL"}
    # the bracketed condition holds for the values of its own part of the list
    assert [r["condition"] for r in found] == [None, None, "without finetuning"]
    assert "103" not in {r["value"] for r in found}


def test_the_value_a_change_starts_from_is_no_result_of_the_paper():
    text = ("Our proposed systems significantly outperform the challenge baseline, improving "
            "F-score from 72.7% to 90.0% and reducing detection error rate from 0.53 to 0.18 on "
            "average on the development data.")
    found = results(text, ("F-score", "Metric"), ("detection error rate", "Metric"))
    assert [(r["value"], r["metric"]) for r in found] == [
        ("90.0%", "F-score"), ("0.18", "detection error rate")]
    # where a change ends is a result even far from the word that says so
    text = ("It also boosts the percentage of reliable prediction from 59% to 92% on the KITTI "
            "dataset.")
    found = results(text, ("KITTI dataset", "Dataset"))
    assert [(r["value"], r["dataset"]) for r in found] == [("92%", "KITTI dataset")]
    # a range is no change: both ends stay as they were read
    ranged = "The model reaches an accuracy from 81% to 86% across the five ImageNet subsets."
    found = results(ranged, ("accuracy", "Metric"), ("ImageNet", "Dataset"))
    assert [r["value"] for r in found] == ["81%", "86%"]


def test_values_named_for_a_method_after_them():
    text = ("On the Market-1501 dataset, for instance, rank-1 accuracy is improved from 55.3% to "
            "80.5% for CaffeNet, and from 73.8% to 82.3% for ResNet-50.")
    found = results(text, ("Market-1501 dataset", "Dataset"), ("rank-1 accuracy", "Metric"),
                    ("CaffeNet", "Method"), ("ResNet-50", "Method"))
    assert [slots(r) for r in found] == [
        ("55.3%", "rank-1 accuracy", "Market-1501 dataset", "CaffeNet"),
        ("80.5%", "rank-1 accuracy", "Market-1501 dataset", "CaffeNet"),
        ("73.8%", "rank-1 accuracy", "Market-1501 dataset", "ResNet-50"),
        ("82.3%", "rank-1 accuracy", "Market-1501 dataset", "ResNet-50")]


def test_a_value_in_brackets_belongs_to_the_dataset_before_it():
    text = ("We report improved results using a 1001-layer ResNet on CIFAR-10 (4.62% error) and "
            "CIFAR-100, and a 200-layer ResNet on ImageNet.")
    (result,) = results(text, ("1001-layer ResNet", "Method"), ("CIFAR-10", "Dataset"),
                        ("error", "Metric"), ("CIFAR-100", "Dataset"), ("200-layer ResNet", "Method"),
                        ("ImageNet", "Dataset"))
    assert slots(result) == ("4.62%", "error", "CIFAR-10", "1001-layer ResNet")


@pytest.mark.parametrize("text, spans", [
    ("An enumeration: 1) training the same RM may suffer, and 2) the human annotation consistency "
     "rate is generally only 60% to 75%.", [("human annotation consistency rate", "Metric")]),
    ("Our approach outperforms state-of-the-art methods like TabNet and XGboost when tested on "
     "datasets with dimensionality between 50 and 20,000 w.r.t metrics and explainability.",
     [("TabNet", "Method"), ("XGboost", "Method"), ("w.r.t metrics", "Metric")]),
])
def test_enumerators_thousands_and_vague_metrics_are_not_results(text, spans):
    values = [r["value"] for r in results(text, *spans)]
    assert "2" not in values and "000" not in values and "20,000" not in values
    assert "50" not in values


def test_paper_results_read_a_record_and_skip_generic_entities():
    abstract = "Our approach achieves an accuracy of 91.2% on CIFAR-10 with deep learning."
    record_mentions = [
        {"field": "abstract", "text": text, "label": label, "start": abstract.index(text),
         "end": abstract.index(text) + len(text), "entity_id": entity_id, "sentence": [0, len(abstract)]}
        for text, label, entity_id in [("accuracy", "Metric", "metric:accuracy"),
                                       ("CIFAR-10", "Dataset", "dataset:cifar10"),
                                       ("deep learning", "Method", None)]]
    record_mentions.append({"field": "title", "text": "TinyNet", "label": "Method", "start": 0, "end": 7,
                            "entity_id": "method:tinynet", "sentence": [0, 7]})
    entities = [{"id": "metric:accuracy", "label": "Metric", "name": "accuracy", "role": "used"},
                {"id": "dataset:cifar10", "label": "Dataset", "name": "CIFAR-10", "role": "used"},
                {"id": "method:tinynet", "label": "Method", "name": "TinyNet", "role": "proposed"}]
    (result,) = paper_results(abstract, record_mentions, entities)
    assert (result["value"], result["metric"], result["dataset"], result["method"]) == \
        ("91.2%", "accuracy", "CIFAR-10", "TinyNet")
    assert set(result) >= {"method", "dataset", "metric", "value", "number", "unit", "condition"}


def test_metric_value_pairs_listed_before_a_dataset_take_it():
    """SciREX full text (SVDNet): `We report rank-1 = 82.3%, mAP = 62.1% on Market-1501`."""
    text = ("Comparing with already published papers, SVDNet achieves competitive performance. We "
            "report rank-1 = 82.3%, mAP = 62.1% on Market-1501, and rank-1 = 81.8%, mAP = 84.8% "
            "on CUHK03.")
    found = results(text, ("SVDNet", "Method"), ("rank-1", "Metric"), ("mAP", "Metric"),
                    ("Market-1501", "Dataset"), ("rank-1", "Metric"), ("mAP", "Metric"),
                    ("CUHK03", "Dataset"), paper_methods=["SVDNet"])
    assert [slots(r) for r in found] == [
        ("82.3%", "rank-1", "Market-1501", "SVDNet"), ("62.1%", "mAP", "Market-1501", "SVDNet"),
        ("81.8%", "rank-1", "CUHK03", "SVDNet"), ("84.8%", "mAP", "CUHK03", "SVDNet")]


def test_respectively_pairs_values_and_methods_in_order():
    text = ("An average computing efficiency of 3.11 Multiply and Accumulate operations per clock "
            "cycle (MAC/clk) and 0.81 MAC/clk is measured for the end-to-end training tasks of a "
            "ResNet8 and a DS-CNN for Image Classification and Keyword Spotting, respectively -- "
            "requiring 17.1 ms and 6.4 ms on the target platform to compute a training step on a "
            "single sample.")
    found = results(text, ("average computing efficiency", "Metric"), ("ResNet8", "Method"),
                    ("DS-CNN", "Method"), ("Image Classification", "Task"), ("Keyword Spotting", "Task"))
    by_value = {r["value"]: r["method"] for r in found}
    assert by_value["17.1 ms"] == "ResNet8" and by_value["6.4 ms"] == "DS-CNN"


def test_a_sentence_without_mentions_still_gives_the_papers_result():
    abstract = ("We propose TinyNet for fast inference. Our method reduces the number of function "
                "evaluations to 0.556-0.733x and accelerates predictions by 1.3-2x.")
    mention = {"field": "abstract", "text": "TinyNet", "label": "Method", "start": 11, "end": 18,
               "entity_id": "method:tinynet", "sentence": [0, 38]}
    entities = [{"id": "method:tinynet", "label": "Method", "name": "TinyNet", "role": "proposed"}]
    found = paper_results(abstract, [mention], entities)
    assert [(r["value"], r["method"]) for r in found] == [("0.733x", "TinyNet"), ("2x", "TinyNet")]


def test_a_change_word_is_not_the_metric():
    text = ("We see consistent improvements for many complex models, including a 72% relative "
            "reduction in error rate over a carefully-tuned baseline on a challenging "
            "question-answering task.")
    (result,) = results(text, ("relative reduction", "Metric"), ("error rate", "Metric"))
    assert result["metric"] == "error rate"


def test_a_factor_the_paper_claims_for_itself_stands_without_slots():
    # no measure recognised, no method named: the factor is still the paper's result
    text = ("Our method reduces the number of function evaluations to 0.556-0.733x and accelerates "
            "predictions by 1.3-2x.")
    assert [slots(r) for r in results(text)] == [("0.733x", None, None, None), ("2x", None, None, None)]
    text = ("Overall, our approach results more than two orders of magnitude faster than existing ODL "
            "software frameworks for single-core MCUs and outperforms by 1.6 times previous FP32 "
            "parallel implementations on a Continual Learning setup.")
    assert [r["number"] for r in results(text)] == [1.6]
    # a difference to a baseline needs its measure
    text = ("Our method obtains 22.5 BLEU points in English-to-German WMT 2014, 5.5 points more than "
            "the previous best unsupervised system.")
    assert [slots(r) for r in results(text, ("BLEU", "Metric"), ("WMT 2014", "Dataset"))] == [
        ("22.5", "BLEU", "WMT 2014", None)]


def test_a_value_takes_its_measure_across_the_averaging_words():
    """`macro` is no Metric of its own (an ACL abstract): the value is the F1's."""
    text = "It achieves 58.96% on macro averaged F1, which improves the state of the art."
    (result,) = results(text, ("F1", "Metric"))
    assert (result["value"], result["metric"]) == ("58.96%", "F1")
