"""Token boundaries of the kg scientific tokenizer."""

import pytest
import spacy

from kg.extract.tokenizer import make_blank_nlp


@pytest.fixture(scope="module")
def nlp():
    return make_blank_nlp()


def toks(nlp, text):
    return [t.text for t in nlp(text)]


@pytest.mark.parametrize("name", ["GPT-4o", "ResNet-50", "DeepLab-LargeFOV", "DS-CNN", "Qwen2.5-VL", "BERT-base"])
def test_model_names_whole(nlp, name):
    assert toks(nlp, f"We compare {name} with others.") == ["We", "compare", name, "with", "others", "."]


def test_percent_keeps_number_whole(nlp):
    assert toks(nlp, "reaches 53.99% mIoU") == ["reaches", "53.99", "%", "mIoU"]


def test_number_times(nlp):
    assert toks(nlp, "up to 1.72times faster") == ["up", "to", "1.72", "times", "faster"]


def test_version_number(nlp):
    assert toks(nlp, "the Llama 3.1 and Qwen 3 family") == ["the", "Llama", "3.1", "and", "Qwen", "3", "family"]


def test_lowercase_hyphen_compounds_split(nlp):
    assert toks(nlp, "state-of-the-art pixel-wise") == ["state", "-", "of", "-", "the", "-", "art", "pixel", "-", "wise"]
    assert toks(nlp, "a ResNet-like, GPT-4-based model") == ["a", "ResNet", "-", "like", ",", "GPT-4", "-", "based", "model"]


def test_urls_whole(nlp):
    text = "a web demo at http://mi.eng.cam.ac.uk/projects/segnet/. Code: https://github.com/foo/bar-baz, (see x)"
    assert toks(nlp, text) == [
        "a", "web", "demo", "at", "http://mi.eng.cam.ac.uk/projects/segnet/", ".",
        "Code", ":", "https://github.com/foo/bar-baz", ",", "(", "see", "x", ")",
    ]


def test_pretokenised_text_unchanged(nlp):
    text = "Current state - of - the - art approaches ( i.e. , what ) reach 53.99 % ."
    assert toks(nlp, text) == text.split()


def test_registered_and_serialisable(tmp_path):
    factory = spacy.registry.tokenizers.get("kg.scientific_tokenizer.v1")
    nlp = spacy.blank("en")
    nlp.tokenizer = factory()(nlp)
    nlp.to_disk(tmp_path)
    loaded = spacy.util.load_model_from_path(tmp_path)
    assert [t.text for t in loaded("GPT-4o at http://a.org/x/. 1.72times")] == [
        "GPT-4o", "at", "http://a.org/x/", ".", "1.72", "times",
    ]
