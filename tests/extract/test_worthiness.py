"""Graph-worthiness, types and the proposal role, on the shipped model and real sentences."""

from __future__ import annotations

import pytest

from kg.extract.entity_types import title_type, type_vote
from kg.extract.paper import _catalogue_keys, promote_generic
from kg.extract.roles import is_proposed
from kg.extract.worthiness import Evidence, coined_name, judge, load_model, named_core, phrase_key
from kg.names import name_key


def evidence(label: str, source: str = "ner", **flags) -> Evidence:
    values = {"in_catalogue": False, "proposed": False, "coined_abbreviation": False,
              "defined": False, "mentions": 1, "in_title": False, **flags}
    return Evidence(label=label, source=source, **values)


def test_the_shipped_model_is_small_and_has_a_threshold():
    model = load_model()
    assert model is not None, "kg/extract/data/worthiness.json.gz is missing"
    assert 0 < model.threshold < 1
    assert model.phrases[phrase_key("neural networks")][0] > 1000  # in thousands of abstracts


@pytest.mark.parametrize("name,label", [
    ("deep learning", "Method"), ("neural networks", "Method"), ("decoder", "Method"),
    ("encoder network", "Method"), ("inference memory", "Method"), ("field data", "Dataset"),
    ("labeled data", "Dataset"), ("synthetic data", "Dataset"), ("social media", "Dataset"),
    ("Australia", "Dataset"), ("English", "Dataset"), ("CPU", "Method"),
    ("robustness", "Metric"), ("scalability", "Metric"), ("complexity", "Metric"),
    ("prediction", "Task"), ("generalization", "Task"), ("machine learning", "Task"),
])
def test_generic_phrases_are_generic(name, label):
    verdict = judge(name, evidence(label))
    assert verdict.generic, (name, verdict)
    assert verdict.rule in ("model", "vague", "device", "language")


@pytest.mark.parametrize("name", ["score", "Score", "scores", "values"])
def test_a_bare_measure_word_names_no_metric(name):
    """`score` was the 20th Metric of 3,000 ACL abstracts (7 papers): a score of what?"""
    verdict = judge(name, evidence("Metric"))
    assert verdict.generic and verdict.rule == "vague", verdict


@pytest.mark.parametrize("name,label", [
    ("SegNet", "Method"), ("ContextSeisNet", "Method"), ("DeconvNet", "Method"),
    ("OpenSWI-shallow", "Dataset"), ("IndraEye", "Dataset"),
])
def test_coined_names_are_kept_by_their_shape(name, label):
    verdict = judge(name, evidence(label))
    assert not verdict.generic and verdict.rule == "name", (name, verdict)


@pytest.mark.parametrize("name,label", [
    ("DS-CNN", "Method"), ("IU-Net", "Method"), ("Invertible X-Net", "Method"),
    ("NASA-QA", "Dataset"), ("CLIMATE-CHANGE-NER", "Dataset"), ("LSD-SLAM", "Method"),
])
def test_hyphenated_names_with_a_short_form_are_coined(name, label):
    verdict = judge(name, evidence(label))
    assert not verdict.generic and verdict.rule == "name", (name, verdict)


@pytest.mark.parametrize("name", ["Encoder-Decoder", "Self-Attention", "AI-Driven Approach",
                                  "LLM-Based Agents", "GPU-Accelerated", "E-Commerce"])
def test_hyphenated_words_and_descriptions_are_no_coined_names(name):
    assert not coined_name(name), name


@pytest.mark.parametrize("name", ["CPU", "GPUs", "DNNs", "2D Convolution layer",
                                  "Transformer LLMs", "OpenAI's"])
def test_short_forms_and_numbers_are_no_coined_names(name):
    assert judge(name, evidence("Method")).rule != "name"


@pytest.mark.parametrize("name,label", [
    ("LSTM", "Method"), ("dropout", "Method"), ("beam search", "Method"), ("BLEU", "Metric"),
    ("word error rate", "Metric"), ("machine translation", "Task"),
    ("semantic segmentation", "Task"), ("Sentinel-2", "Dataset"),
])
def test_established_names_are_kept_by_the_catalogue(name, label):
    """Frequent in real abstracts like the generic phrases, but the catalogue knows them."""
    verdict = judge(name, evidence(label, in_catalogue=name_key(name) in _catalogue_keys()))
    assert not verdict.generic and verdict.rule == "catalogue", (name, verdict)


def test_measures_are_metrics_and_qualities_are_not():
    assert judge("downstream validation accuracy", evidence("Metric")).rule == "metric"
    assert judge("success rate", evidence("Metric")).rule == "metric"
    for quality in ("robustness", "scalability", "cost reduction"):
        assert judge(quality, evidence("Metric")).generic, quality


def test_task_names_of_the_catalogue_archive_and_rare_abbreviated_terms_are_kept():
    assert judge("dimensionality reduction", evidence("Task")).rule == "catalogue"
    deep_research = judge("deep research", evidence("Task", defined=True))
    assert not deep_research.generic and deep_research.rule == "abbreviation"
    # `Deep Neural Network (DNN)` is defined too, but thousands of abstracts use it
    assert judge("deep neural network", evidence("Method", defined=True)).generic


def test_rules_come_before_the_model_and_say_so():
    assert judge("neural ranking", evidence("Method")).generic
    assert judge("neural ranking", evidence("Method", proposed=True)).rule == "proposed"
    assert judge("dropout", evidence("Method", in_catalogue=True)).rule == "catalogue"
    assert judge("our approach", evidence("Method")).rule == "vague"
    assert judge("our approach", evidence("Method")).generic


def test_dataset_types_from_head_noun_apposition_frame_and_title():
    assert type_vote("OpenSWI-real benchmark", "", "") == "Dataset"
    sentence = "To bridge this gap, we present OpenSWI, a comprehensive benchmark dataset generated"
    start = sentence.index("OpenSWI")
    assert type_vote("OpenSWI", sentence[:start], sentence[start + 7:]) == "Dataset"
    before = "the combination of stacked autoencoders with "
    assert type_vote("Sentinel-2", before, " data yields") == "Dataset"
    assert type_vote("CoNLL-03", "models trained on ", " reach") == "Dataset"
    assert type_vote("GPUs", "models trained on ", " reach") is None  # a plural short form
    assert type_vote("SegNet", "we present ", ", a deep convolutional network") is None
    assert title_type("OpenSWI", "OpenSWI: A Massive-Scale Benchmark Dataset for Surface Wave",
                      ["OpenSWI"]) == "Dataset"
    assert title_type("SegNet", "SegNet: A Deep Convolutional Encoder-Decoder Architecture",
                      ["SegNet"]) is None


def test_the_noun_before_a_list_of_names_types_each_of_them():
    before = "We also created three new scientific benchmark datasets namely, "
    assert type_vote("CLIMATE-CHANGE-NER", before, " (entity-recognition)") == "Dataset"
    listed = before + "CLIMATE-CHANGE-NER (entity-recognition), NASA-QA (extractive QA) and "
    assert type_vote("NASA-IR", listed, " (IR) to accelerate") == "Dataset"
    assert type_vote("Earth-Iron", "we first construct two Question Answering (QA) datasets: ",
                     ", which offers") == "Dataset"
    # lower-case words between the noun and the name end the list
    assert type_vote("ResNet", "on several datasets, models and ", "") is None
    assert type_vote("ResNet", "we evaluate on three datasets and compare with ", "") is None


def test_a_variant_of_a_name_takes_its_type_unless_other_evidence_typed_it():
    from kg.extract.paper import variant_labels

    names = {"openswi": "OpenSWI", "openswi deep": "OpenSWI-deep", "openswi real": "OpenSWI-real",
             "bert": "BERT", "bert base": "BERT-base"}
    labels = {"openswi": "Dataset", "openswi deep": "Method", "openswi real": "Method",
              "bert": "Method", "bert base": "Method"}
    # OpenSWI-real was typed by its context (not weak): it keeps its type
    assert variant_labels(names, labels, {"openswi deep", "bert base"}) == {"openswi deep": "Dataset"}


def test_a_benchmark_described_before_its_name_is_proposed():
    sentence = ("Based on this formulation, we propose a diverse, challenging benchmark "
                "LiveDRBench with 100 challenging tasks over scientific topics")
    assert is_proposed("LiveDRBench", "Characterizing Deep Research", sentence,
                       sentence.index("LiveDRBench"))
    used = "We propose a method for segmentation and evaluate it on ImageNet and COCO"
    assert not is_proposed("COCO", "A title", used, used.index("COCO"))


def test_a_name_in_apposition_to_a_new_thing_is_proposed_even_from_the_catalogue():
    """`Attention Is All You Need`: the Transformer is a catalogue name, and the paper's own."""
    sentence = ("We propose a new simple network architecture, the Transformer, based solely "
                "on attention mechanisms")
    assert is_proposed("Transformer", "Attention Is All You Need", sentence,
                       sentence.index("Transformer"), in_catalogue=True)
    corpus = "we introduce a new corpus of Icelandic text, the Icelandic Common Crawl Corpus (IC3)"
    assert is_proposed("Icelandic Common Crawl Corpus", "A title", corpus,
                       corpus.index("Icelandic Common"))
    # a list after a description of something new other than the name stays used
    used = "We train a new model on three datasets, ImageNet, COCO and ADE20K"
    for name in ("ImageNet", "COCO"):
        assert not is_proposed(name, "A title", used, used.index(name), in_catalogue=True)



def test_what_the_proposed_approach_combines_is_not_proposed():
    """Real arXiv sentences: the words after `the proposed` describe the name; an article
    starts the object of another verb."""
    sentence = ("The proposed approach combines an autoencoder with a denoising autoencoder, so "
                "that the domain mismatch is reduced")
    assert not is_proposed("autoencoder", "Autoencoder based Domain Adaptation", sentence,
                           sentence.index("autoencoder"), in_catalogue=True)
    named = "We evaluate the proposed deep attentive ATTCONV on seven datasets"
    assert is_proposed("ATTCONV", "A title", named, named.index("ATTCONV"))


def test_a_common_phrase_before_the_title_colon_is_its_topic():
    """`Deep Learning: A Bayesian Perspective` is about deep learning, it does not propose it."""
    title = "Deep Learning: A Bayesian Perspective"
    sentence = "Deep learning is a form of machine learning for nonlinear pattern matching."
    assert not is_proposed("Deep Learning", title, sentence, 0, common=True)
    assert is_proposed("GradiVeQ", "GradiVeQ: Vector Quantization for Gradient Aggregation",
                       "GradiVeQ is fast.", 0)
    from kg.extract.pipeline import extract_papers
    from kg.records import Paper

    (record,) = extract_papers([Paper(title=title, abstract=sentence + (
        " By taking a Bayesian probabilistic perspective, we provide insights into more "
        "efficient algorithms for optimisation and hyper-parameter tuning."))])
    assert not [e["name"] for e in record["entities"] if e["role"] == "proposed"]
    assert "deep learning" not in {e["name"].lower() for e in record["entities"]}


def test_new_methods_of_a_known_kind_leave_the_kind_used():
    """`we propose two data augmentation methods` (an ACL abstract): the paper's methods are
    unnamed; data augmentation, the known technique they are kept under, is not its own."""
    from kg.extract.pipeline import extract_papers
    from kg.records import Paper

    (record,) = extract_papers([Paper(
        title="Better summaries from fewer examples",
        abstract="We train a summarization model with a content selection objective. In "
                 "addition, we propose two data augmentation methods that further improve the "
                 "model on two benchmarks.")])
    (entity,) = [e for e in record["entities"] if e["name"] == "data augmentation"]
    assert entity["role"] == "used" and entity["worthiness"]["rule"] == "catalogue"

def test_each_name_of_a_list_the_paper_creates_is_proposed():
    sentence = ("We also created three new scientific benchmark datasets namely, CLIMATE-CHANGE-NER "
                "(entity-recognition), NASA-QA (extractive QA) and NASA-IR (IR) to accelerate")
    for name in ("CLIMATE-CHANGE-NER", "NASA-QA", "NASA-IR"):
        assert is_proposed(name, "INDUS: Language Models", sentence, sentence.index(name)), name
    # `namely` alone introduces nothing: baselines listed so are used
    baselines = "We compare against strong baselines, namely BERT, RoBERTa and XLNet."
    for name in ("BERT", "XLNet"):
        assert not is_proposed(name, "A title", baselines, baselines.index(name)), name


@pytest.mark.parametrize("name", ["COVID-19", "SARS-CoV-2", "COVID-19 pandemic"])
def test_diseases_are_topics_not_methods(name):
    """`COVID-19` was the 11th Method of 3,000 ACL abstracts (shaped like a model name)."""
    verdict = judge(name, evidence("Method", "pattern", in_title=True))
    assert verdict.generic and verdict.rule == "topic", (name, verdict)



@pytest.mark.parametrize("name,label", [
    ("functional Magnetic Resonance Imaging", "Dataset"), ("fMRI", "Dataset"),
    ("EEG signals", "Dataset"), ("CT scans", "Dataset"), ("electrocardiogram", "Method")])
def test_imaging_and_recording_modalities_are_no_entities(name, label):
    """`functional Magnetic Resonance Imaging` was the 20th Dataset of the 4,000 arXiv
    abstracts; a modality is a kind of data, not a named dataset."""
    verdict = judge(name, evidence(label, "ner", mentions=2))
    assert verdict.generic and verdict.rule == "modality", (name, verdict)
    for named in ("EEG classification", "ADNI", "fastMRI"):
        assert judge(named, evidence("Dataset", "ner")).rule != "modality", named


@pytest.mark.parametrize("name,label", [
    ("Modern Standard Arabic", "Dataset"), ("American English", "Method"),
    ("German-to-English", "Task"), ("Hindi and Urdu", "Task"), ("Kuwaiti Arabic", "Task")])
def test_languages_and_language_pairs_are_no_entities(name, label):
    """`Modern Standard Arabic` was the 18th Dataset of 2,800 ACL Anthology abstracts."""
    verdict = judge(name, evidence(label, "abbreviation", coined_abbreviation=True))
    assert verdict.generic and verdict.rule == "language", (name, verdict)


def test_a_language_written_by_its_short_form_is_no_entity():
    """The abstract writes `MSA`, the paper defines `Modern Standard Arabic (MSA)`."""
    from kg.extract.pipeline import extract_papers
    from kg.records import Paper

    (record,) = extract_papers([Paper(
        title="Dialect identification for Arabic tweets",
        abstract="We study the differences between Modern Standard Arabic (MSA) and dialects. "
                 "Our MSA classifier reaches an accuracy of 91% on the MADAR corpus, and MSA "
                 "texts are easier.")])
    assert "Modern Standard Arabic" not in {e["name"] for e in record["entities"]}
    assert {e["name"]: e["worthiness"]["rule"] for e in record["generic_entities"]}[
        "Modern Standard Arabic"] == "language"


@pytest.mark.parametrize("name", ["WMT 2019 Chinese-English", "International Corpus of Learner "
                                  "English", "Segmentation of Japanese", "Chinese Treebank"])
def test_what_names_a_language_is_judged_on_its_own(name):
    assert judge(name, evidence("Dataset", "ner")).rule != "language"


@pytest.mark.parametrize("name", ["CRAFT corpus", "NOIZEUS database", "PDTB data set",
                                  "ECB+ corpus", "PARSEME corpus", "AMI dataset"])
def test_a_coined_name_before_a_dataset_noun_names_a_dataset(name):
    """Named corpora of real ACL Anthology and arXiv abstracts the model had called generic."""
    verdict = judge(name, evidence("Dataset", "ner"))
    assert not verdict.generic and verdict.rule == "name", (name, verdict)


@pytest.mark.parametrize("name", ["NLP datasets", "QA benchmarks", "SOTA benchmarks",
                                  "English corpus", "benchmark datasets"])
def test_a_field_before_a_dataset_noun_names_none(name):
    assert judge(name, evidence("Dataset", "ner")).rule != "name"


def test_an_averaging_word_cut_off_its_measure_is_no_metric():
    """`macro averaged F1`, `micro and macro F1-scores` (ACL abstracts): `macro` had been the
    15th Metric of 2,800 ACL Anthology abstracts."""
    for name in ("macro", "micro", "macro average", "weighted average"):
        verdict = judge(name, evidence("Metric", "ner"))
        assert verdict.generic and verdict.rule == "vague", (name, verdict)
    for name in ("macro-F1", "macro F1", "weighted F1", "average precision"):
        assert judge(name, evidence("Metric", "ner")).rule != "vague", name

def test_evaluation_campaigns_are_datasets_unless_named_as_their_task():
    for name in ("SemEval-2017", "SemEval 2018", "CoNLL-2003", "WMT14", "IWSLT 2017"):
        assert type_vote(name, "", "") == "Dataset", name
    assert type_vote("SemEval-2020 Task", "", "") == "Task"


def test_a_suite_of_models_is_no_dataset():
    assert type_vote("INDUS", "we developed ", ", a comprehensive suite of LLMs tailored") is None
    assert type_vote("HELM", "we present ", ", a suite of benchmarks for LLMs") == "Dataset"


def test_promote_generic_makes_generic_entities_nodes_with_their_mentions():
    record = {
        "entities": [],
        "generic_entities": [
            {"id": "method:deep learning", "label": "Method", "name": "deep learning",
             "aliases": [], "worthiness": {"generic": True, "score": 0.1, "rule": "model"}},
            {"id": "method:our approach", "label": "Method", "name": "our approach",
             "aliases": [], "worthiness": {"generic": True, "score": 0.0, "rule": "vague"}}],
        "mentions": [
            {"text": "deep learning", "entity": None, "entity_id": None, "kept": False,
             "candidate_id": "method:deep learning"},
            {"text": "our approach", "entity": None, "entity_id": None, "kept": False,
             "candidate_id": "method:our approach"}],
    }
    promote_generic(record)
    assert [e["name"] for e in record["entities"]] == ["deep learning"]
    assert record["entities"][0]["worthiness"]["generic"] is True
    assert [e["name"] for e in record["generic_entities"]] == ["our approach"]
    assert record["mentions"][0]["entity_id"] == "method:deep learning"
    assert record["mentions"][0]["kept"] is True
    assert record["mentions"][1]["entity_id"] is None


def test_kg_extract_keep_generic_keeps_generic_entities_marked():
    import kg.api

    paper = {"title": "Deep learning for weather forecasting",
             "abstract": "We apply deep learning to weather forecasting on field data from "
                         "Australia and compare it with neural networks trained on CPU."}
    default, = kg.api.extract(records=[paper])
    kept, = kg.api.extract(records=[paper], keep_generic=True)
    default_names = {e["name"].lower() for e in default["entities"]}
    kept_names = {e["name"].lower(): e for e in kept["entities"]}
    assert "deep learning" not in default_names
    assert "deep learning" in {e["name"].lower() for e in default["generic_entities"]}
    assert kept_names["deep learning"]["worthiness"]["generic"] is True
    assert set(default_names) < set(kept_names)


@pytest.mark.parametrize("name", ["GPUs", "CPU", "AUV", "autonomous vehicles", "MCU", "LiDAR",
                                  "MicroControllers", "edge devices"])
def test_hardware_and_vehicles_are_no_entities(name):
    """A device head word decides, before the shape rules (`MicroControllers` is CamelCase)."""
    verdict = judge(name, evidence("Method"))
    assert verdict.generic and verdict.rule == "device", (name, verdict)


@pytest.mark.parametrize("name", ["LiDAR data", "radar signals", "UAV images"])
def test_what_a_device_records_is_no_dataset(name):
    """`LiDAR data` was the 8th Dataset of 4,000 arXiv abstracts (by its CamelCase)."""
    verdict = judge(name, evidence("Dataset"))
    assert verdict.generic and verdict.rule == "device", (name, verdict)
    assert not judge("Sentinel-2 data", evidence("Dataset")).generic


@pytest.mark.parametrize("name", ["MindSpore", "TensorFlow", "PyTorch implementation",
                                  "Caffe", "scikit-learn library"])
def test_frameworks_and_libraries_are_no_entities(name):
    """`MindSpore` is CamelCase and `Caffe` in the catalogue: the software rule comes first."""
    verdict = judge(name, evidence("Method", in_catalogue=name == "Caffe"))
    assert verdict.generic and verdict.rule == "software", (name, verdict)


@pytest.mark.parametrize("name", ["UAV-based Perception Dataset", "GPU kernel fusion",
                                  "PID controller", "parameter server"])
def test_a_device_word_before_the_head_is_no_device(name):
    assert judge(name, evidence("Method")).rule != "device"


def test_a_possessive_name_is_an_owner_not_an_entity():
    """`the SDO mission's Feature Finding Team's (FFT) modules`: the abbreviation's long form
    ends in a possessive; before, the rare-long-form rule kept it as a Dataset."""
    verdict = judge("Feature Finding Team's", evidence("Dataset", defined=True))
    assert verdict.generic and verdict.rule == "possessive"
    assert not judge("Feature Finding Team", evidence("Dataset", defined=True)).generic


def test_umbrella_catalogue_terms_are_judged_by_the_model():
    """`large language model` is a curated catalogue entry in 6% of real abstracts with a
    generic head: the model judges it, as the recogniser alone would see it; `CNN`, `LSTM`,
    `beam search` stay catalogue names."""
    model = load_model()
    assert model.umbrella_term("large language model")
    verdict = judge("large language model", evidence("Method", "gazetteer", in_catalogue=True))
    assert verdict.generic and verdict.rule == "model", verdict
    for name in ("CNN", "LSTM", "beam search", "long short-term memory"):
        assert not model.umbrella_term(name), name
        assert judge(name, evidence("Method", "gazetteer", in_catalogue=True)).rule == "catalogue"


@pytest.mark.parametrize("name", ["gradient descent", "k-means clustering", "max pooling",
                                  "stochastic gradient descent", "batch normalization"])
def test_established_techniques_of_scirex_train_full_text_are_kept(name):
    """Annotated as a Method in the full text of three or more SciREX-train papers, head word
    not generic, no umbrella term: the model alone scores these below its threshold."""
    model = load_model()
    verdict = judge(name, evidence("Method"))
    assert not verdict.generic and verdict.rule in ("established", "catalogue"), (name, verdict)
    assert model.probability(name, evidence("Method")) < model.threshold or \
        verdict.rule == "catalogue"


@pytest.mark.parametrize("name,core,rule", [
    ("Back-Propagation training algorithm", "Back-Propagation", "catalogue"),
    ("knowledge distillation techniques", "knowledge distillation", "catalogue"),
    ("max pooling layers", "max pooling", "established"),
    ("deep Transformer blocks", "Transformer", "catalogue"),
    ("Transformer LLMs", "Transformer", "catalogue"),
    ("vanilla LSTM", "LSTM", "catalogue"),
    ("multi-source retrieval-augmented generation baselines", "retrieval-augmented generation",
     "catalogue"),
])
def test_a_known_name_with_generic_head_words_is_kept_by_its_core(name, core, rule):
    verdict = judge(name, evidence("Method"))
    assert not verdict.generic and verdict.rule == rule and verdict.core == core, verdict


@pytest.mark.parametrize("name,core", [
    ("natural language understanding tasks", "natural language understanding"),
    ("scene understanding applications", "scene understanding"),
    ("object detection tasks", "object detection"),
    ("image recognition benchmarks", "image recognition"),  # a benchmark of it is no dataset name
    ("brain MRI segmentation task", "MRI segmentation"),  # one descriptive word more, then a name
])
def test_a_task_name_with_a_generic_head_is_kept_by_its_core(name, core):
    """The archive's task names count as catalogue names for a Task's core, frequent ones
    (`machine translation`, in 4% of real abstracts) too when no umbrella term."""
    verdict = judge(name, evidence("Task"))
    assert not verdict.generic and verdict.core == core, verdict


@pytest.mark.parametrize("name,label", [
    ("deep convolutional neural network", "Method"),  # an umbrella term once `deep` goes
    ("map model", "Method"), ("parsing algorithms", "Method"),  # frequent lower-case words
    ("CNN applications", "Task"), ("MAP inference", "Task"),  # the catalogue's CNN is a Method
    ("multi-source retrieval-augmented generation", "Method"),  # no head: the name is the phrase
    ("graph convolutional network", "Method"),  # nothing to drop: `graph` is part of the name
])
def test_a_core_that_is_frequent_lower_case_or_of_another_type_keeps_no_phrase(name, label):
    assert named_core(name, label, load_model()) is None, name


def test_entities_that_come_to_one_name_are_one_entity():
    """`deep Transformer blocks`, `deeper Transformer layers` and `Transformer LLMs` are all
    kept as `Transformer`: one entity of the paper, with the phrases as aliases."""
    import kg.api

    paper = {"title": "The depth of language models",
             "abstract": "While Pre-LN stabilizes the training of Transformer LLMs, its output "
                         "variance grows with depth, so the deep Transformer blocks contribute "
                         "little. Our scaling helps deeper Transformer layers."}
    record, = kg.api.extract(records=[paper])
    transformers = [e for e in record["entities"] if e["name"] == "Transformer"]
    assert len(transformers) == 1, record["entities"]
    entity, = transformers
    assert {"Transformer LLMs", "deep Transformer blocks"} <= set(entity["aliases"])
    linked = {m["text"] for m in record["mentions"] if m.get("entity_id") == entity["id"]}
    assert {"Transformer LLMs", "deep Transformer blocks"} <= linked
    ids = {e["id"] for e in record["entities"]}
    assert all(m["entity_id"] in ids for m in record["mentions"] if m.get("entity_id"))


@pytest.mark.parametrize("name", ["deep learning methods", "neural network model",
                                  "large language model framework", "encoder network"])
def test_generic_cores_keep_generic_phrases_generic(name):
    verdict = judge(name, evidence("Method"))
    assert verdict.generic, (name, verdict)


@pytest.mark.parametrize("name", ["lightweight approach", "sampling strategies",
                                  "unified framework", "end-to-end approach", "deep learning"])
def test_an_unnamed_contribution_is_judged_like_any_phrase(name):
    """GUIDELINES.md: a contribution counts once it has a name. Lower case words under a generic
    head are proposed without a name; before, the proposed rule kept every one of them."""
    verdict = judge(name, evidence("Method", proposed=True))
    assert verdict.rule != "proposed" and verdict.generic, (name, verdict)
    assert judge("Unified Framework", evidence("Method", proposed=True)).rule == "proposed"


def test_a_task_the_title_names_is_kept():
    """`Solar Event Tracking with Deep Regression Networks`: the model alone scores the task
    below its threshold; the title says it is what the paper is about. Generic heads and
    umbrella terms are not kept this way."""
    verdict = judge("solar event tracking", evidence("Task", in_title=True))
    assert not verdict.generic and verdict.rule == "title-task", verdict
    assert judge("solar event tracking", evidence("Task")).generic
    assert judge("machine learning", evidence("Task", in_title=True)).generic
    assert judge("sequence learning", evidence("Task", in_title=True)).rule != "title-task"


def test_a_title_task_loses_the_praise_before_it():
    """`Recipes of Mixture-of-Experts for Effective Reward Modeling`: the task is reward
    modeling; the praise stays an alias."""
    verdict = judge("Effective Reward Modeling", evidence("Task", in_title=True))
    assert verdict.rule == "title-task" and verdict.core == "Reward Modeling", verdict
    assert judge("Efficient Inference", evidence("Task", in_title=True)).core is None
    assert judge("Solar Event Tracking", evidence("Task", in_title=True)).core is None


def test_a_long_form_whose_short_form_is_a_device_is_no_entity():
    """`Micro-Controller Units (MCUs)` in the example listing: the rare-long-form rule kept it as
    a Method; the short form names a device."""
    import kg.api
    from tests.conftest import EXAMPLE

    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Reduced Precision"))
    record, = kg.api.extract(records=[{"title": lines[start], "abstract": lines[start + 2]}])
    units = [e for e in record["entities"] + record["generic_entities"]
             if e["name"] == "Micro-Controller Units"]
    assert units and all(e["worthiness"]["rule"] == "device" for e in units), units
    assert not [e for e in record["entities"] if e["name"] == "Micro-Controller Units"]


@pytest.mark.parametrize("name", ["learning rate", "Learning Rates", "dropout rate", "mini-batch size",
                                  "weight decay"])
def test_training_settings_are_no_metrics(name):
    """`learning rate` was a Metric node of 6 of 4,000 arXiv abstracts (the SciREX full text
    the recogniser learns from marks it so): what a run is set to, not what it is measured by."""
    verdict = judge(name, evidence("Metric"))
    assert verdict.generic and verdict.rule == "setting", (name, verdict)
    assert not judge("error rate", evidence("Metric")).generic


def test_a_setting_s_value_is_no_result_and_makes_no_node():
    """`with a learning rate of 0.001` had been a result of ResNet-50 (metric `learning rate`,
    value 0.001), which then made `learning rate` a Metric node as a measure reported."""
    import kg.api

    paper = {"title": "Training deep networks faster",
             "abstract": "We train ResNet-50 with a learning rate of 0.001 and a dropout rate of "
                         "0.5, and reach a top-1 accuracy of 76.1% on ImageNet."}
    record, = kg.api.extract(records=[paper])
    assert [(r["method"], r["dataset"], r["metric"], r["value"]) for r in record["results"]] == [
        ("ResNet-50", "ImageNet", "top-1 accuracy", "76.1%")]
    assert "learning rate" not in {e["name"] for e in record["entities"]}
    assert {(e["name"], e["worthiness"]["rule"]) for e in record["generic_entities"]} >= {
        ("learning rate", "setting"), ("dropout rate", "setting")}


def test_a_generic_metric_the_paper_reports_a_value_for_is_an_entity():
    """`training time` alone is a quality the model calls generic; with a value reported for
    it (`reduces the training time by 50%`) it is a measure the paper evaluates with."""
    import kg.api

    assert judge("training time", evidence("Metric")).generic
    paper = {"title": "Lightweight decoders for weather foundation models",
             "abstract": "We finetune a weather foundation model with lightweight decoders. "
                         "This reduces the training time by 50% compared with full fine-tuning. "
                         "The training time of larger models is discussed."}
    record, = kg.api.extract(records=[paper])
    metric = next(e for e in record["entities"] if e["name"].lower() == "training time")
    assert metric["label"] == "Metric" and metric["worthiness"]["rule"] == "reported"
    assert metric["worthiness"]["generic"] is False and metric["worthiness"]["score"] >= 0.7
    assert "training time" not in {e["name"].lower() for e in record["generic_entities"]}
    mentions = [m for m in record["mentions"] if m["text"].lower() == "training time"]
    # its confidence: the best mention's chance of being right, times the chance it names a thing
    assert metric["confidence"] == round(max(m["score"] for m in mentions) * metric["worthiness"]["score"], 3)
    assert len(mentions) == 2 and all(m["kept"] and m["entity_id"] == metric["id"]
                                      for m in mentions)
    assert any(r["metric"].lower() == "training time" and r["value"] == "50%"
               for r in record["results"] if r["metric"])


def test_a_generic_metric_without_a_reported_value_stays_generic():
    import kg.api

    paper = {"title": "Lightweight decoders for weather foundation models",
             "abstract": "We finetune a weather foundation model with lightweight decoders, "
                         "which shortens the training time compared with full fine-tuning."}
    record, = kg.api.extract(records=[paper])
    assert "training time" not in {e["name"].lower() for e in record["entities"]}


def test_a_catalogue_short_form_the_paper_defines_otherwise_is_not_that_entry():
    """The archive's `Machine Prarphrase Corpus` has the alias `MPC`; a paper on control that
    writes `Model Predictive Control (MPC)` means no corpus."""
    import kg.api

    paper = {"title": "Learning-based control of quadrotors",
             "abstract": "We combine Model Predictive Control (MPC) with a learned dynamics "
                         "model. MPC runs at 100 Hz on the vehicle."}
    record, = kg.api.extract(records=[paper])
    names = {e["name"] for e in record["entities"] + record["generic_entities"]}
    assert "Machine Prarphrase Corpus" not in names, names
    assert any(name.lower() == "model predictive control" for name in names), names
    ids = {e["catalogue_id"] for e in record["entities"] + record["generic_entities"]}
    assert "pwc:dataset/machine-prarphrase-corpus" not in ids, ids


def test_a_definition_that_shares_words_with_the_catalogue_keeps_the_entry():
    from kg.extract.paper import catalogue_matches

    corpus = "pwc:dataset/machine-prarphrase-corpus"
    assert catalogue_matches({corpus}, ["Model Predictive Control"]) == []
    assert catalogue_matches({corpus}, ["Machine Paraphrase Corpus"]) == [corpus]
    assert catalogue_matches({corpus}, []) == [corpus]
    # curated entries were checked by hand: `bilingual evaluation understudy (BLEU)` stays BLEU
    assert catalogue_matches({"curated:metric/bleu"}, ["bilingual evaluation understudy"]) == \
        ["curated:metric/bleu"]


@pytest.mark.parametrize("name,core", [
    ("2D Matryoshka embedding models", "2D Matryoshka"),
    ("2D Matryoshka training approach", "2D Matryoshka"),
    ("Starbucks models", "Starbucks"),
    ("IGCIP process", "IGCIP"),
    ("Gaussian process model", "Gaussian process"),  # `Gaussian process`: a compound
])
def test_a_rare_or_coined_name_under_head_words_is_a_core(name, core):
    from kg.extract.worthiness import coined_core

    assert coined_core(name, load_model()) == core


@pytest.mark.parametrize("name", [
    "Memory Networks",  # `memory`: everyday English
    "Annotation Model",  # real abstracts write `annotation` in lower case
    "Multitask learning",  # a compound of the corpus, no head to drop
    "Matryoshka-like embedding models",  # like it, not it
    "Deep Networks",
    "Starbucks",  # no head word dropped: nothing to decide here
])
def test_common_words_comparisons_and_bare_names_are_no_cores(name):
    from kg.extract.worthiness import coined_core

    assert coined_core(name, load_model()) is None
