"""Name keys: variants of one name fold together, different things keep different keys."""

import pytest

from kg.names import initials, is_vague, name_key


@pytest.mark.parametrize("variants", [
    ["Deep Neural Network", "deep neural networks", "Deep Neural Networks", "deep-neural network"],
    ["DNN", "DNNs"],
    ["LLM", "LLMs"],
    ["large language model", "Large Language Models", "the large language models"],
    ["CIFAR-10", "CIFAR10", "cifar 10", "CIFAR\u201110"],
    ["Llama 3.1", "Llama-3.1", "LLaMA 3.1"],
    ["Qwen 3", "Qwen3"],
    ["WMT'14", "WMT14"],
    ["click-through rate prediction", "Click-through rate (CTR) prediction",
     "click\u2013through rate prediction"],
    ["BERT", "BERT model", "BERT models"],
    ["ImageNet", "ImageNet dataset"],
    ["encoder-decoder", "encoder decoder", "Encoder\u2014Decoder"],
])
def test_variants_share_one_key(variants):
    assert len({name_key(v) for v in variants}) == 1, {v: name_key(v) for v in variants}


@pytest.mark.parametrize("a, b", [
    ("BERT", "RoBERTa"), ("GPT-2", "GPT-3"), ("ResNet-50", "ResNet-101"),
    ("CIFAR-10", "CIFAR-100"), ("Llama 3.1", "Llama 3"), ("CIFAR10", "MNIST"),
    ("language model", "language"), ("time series", "time sery"),
])
def test_different_things_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


def test_generic_head_is_kept_for_ordinary_words():
    assert name_key("language models") == "language model"
    assert name_key("Transformer architecture") == "transformer architecture"


def test_initials_with_and_without_stop_words():
    assert initials("deep neural network") == "dnn"
    assert initials("mixture of expert") == "moe"
    assert initials("mixture of expert", stop_words=False) == "me"


def test_vague_phrases():
    assert is_vague("our approach") and is_vague("existing methods") and is_vague("42")
    assert not is_vague("SegNet")


@pytest.mark.parametrize("surface, core", [
    ("2D Matryoshka embedding models", ("2d matryoshka", True)),
    ("2D Matryoshka training approach", ("2d matryoshka", True)),
    ("DR systems", ("dr", True)),
    ("deep research systems", ("deep research", False)),
    ("deep learning model", ("deep learning", False)),  # no coined name: the modifier stays
    ("our models", None), ("BERT", None),
])
def test_head_word_variant_cores(surface, core):
    from kg.names import head_variant_core

    assert head_variant_core(surface) == core


@pytest.mark.parametrize("a, b, distance", [
    ("cfdbench", "cfdbnech", 1), ("transformer", "transfomer", 1),
    ("gpt2 large", "gpt3 large", None), ("encoder", "decoder", None), ("bert", "bart", None),
    ("imagenet", "imagenet"[::-1], None),
])
def test_misspelling_distance(a, b, distance):
    from kg.names import misspelling_distance

    assert misspelling_distance(a, b) == distance
