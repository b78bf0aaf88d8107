"""Coined names by their shape (`kg.extract.model_names`): the pattern recogniser's gaps."""

import pytest

from kg.extract.model_names import label_for_name, looks_like_model_name


@pytest.mark.parametrize("name", ["SegNet", "VGG16", "DeepLab-LargeFOV", "ResNet-50", "COVID-19",
                                  "OpenSWI-shallow", "OpenSWI-real", "BERT-base", "DS-CNN",
                                  "NASA-QA", "NASA-IR", "CLIMATE-CHANGE-NER", "TF-IDF"])
def test_coined_names(name):
    assert looks_like_model_name(name), name


@pytest.mark.parametrize("name", ["SegNet-based", "BERT-like", "GPT-style", "LLM-generated",
                                  "NLP-tasks", "LLM-agents", "GPU-CPU", "US-EU", "RGB-D",
                                  "GPUs", "LLMs", "PyTorch", "NLP", "Transformer"])
def test_descriptions_and_common_short_forms_are_no_coined_names(name):
    assert not looks_like_model_name(name), name


@pytest.mark.parametrize("name", ["EN-DE", "ENG-SPA", "MSA-EGY", "EN-EN", "CC-BY-SA", "CC-BY"])
def test_language_pairs_and_licences_are_no_names(name):
    """They were Methods of ACL abstracts once short forms joined by hyphens became names."""
    from kg.extract.worthiness import coined_name

    assert not looks_like_model_name(name) and not coined_name(name), name


def test_sub_datasets_of_the_example_listing_are_found(example_extractions):
    """`OpenSWI includes two synthetic datasets ..., OpenSWI-shallow and OpenSWI-deep, and ...
    OpenSWI-real`; INDUS's `benchmark datasets namely, CLIMATE-CHANGE-NER (...), NASA-QA (...)
    and NASA-IR (IR)`: each a Dataset of its own."""
    from tests.conftest import paper_titled

    def datasets(prefix):
        record = paper_titled(example_extractions, prefix)
        return {e["name"] for e in record["entities"] if e["label"] == "Dataset"}

    assert {"OpenSWI", "OpenSWI-shallow", "OpenSWI-deep", "OpenSWI-real"} <= datasets("OpenSWI:")
    assert {"CLIMATE-CHANGE-NER", "NASA-QA", "NASA-IR"} <= datasets("INDUS:")
    assert label_for_name("NASA-QA") == "Dataset"
