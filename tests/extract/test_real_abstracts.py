"""Issue 17 on real text: the most frequent entities of each type in 500 real arXiv ML abstracts
of 2017-2019 are named things, not generic words.

The slice (tests/fixtures/corpus/arxiv-2017-2019-500.jsonl.gz, arXiv metadata, CC0 1.0) is the
first 500 of the fixed 4,000-abstract sample of scripts/extract_records.py --arxiv-sample
(written by scripts/make_abstract_slice.py). On the previous release (0fd1607) the top twenty
include `deep neural networks`, `Deep Learning`, `neural networks`, `classifier`, `GPUs` (Method),
`social media`, `English`, `synthetic data`, `TensorFlow` (Dataset), `robustness`, `complexity`
(Metric), `machine learning`, `classification`, `generation` (Task): the ranking test fails
there and passes once graph-worthiness (issue 17) lands.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from kg.evaluate import LABELS, entity_forms, match_key, top_entities
from kg.extract.pipeline import extract_papers
from kg.records import Paper

SLICE = Path(__file__).parent.parent / "fixtures" / "corpus" / "arxiv-2017-2019-500.jsonl.gz"

# The generic words issue 17 names on these abstracts and on the example listing ...
ISSUE_GENERIC = [
    "social media", "English", "knowledge bases", "Web", "labeled data", "parallel data",
    "natural language", "synthetic data", "time series data", "neural networks", "deep learning",
    "Deep Neural Networks", "classifier", "GPUs", "social networks", "complexity", "robustness",
    "scalability", "machine learning", "prediction", "generalization", "generation", "decoder",
    "encoder", "CPU", "search and reasoning", "Australia", "field data", "noisy data",
    "Earth sciences", "lengthy report", "deep learning methods", "encoder network",
    "inference memory",
]
# ... and more of the same kinds (tests/extract/gold/GUIDELINES.md, "What is not"): generic
# classes, fields, data described rather than named, hardware, qualities rather than measures.
SAME_KINDS = [
    "deep networks", "neural network model", "deep learning models", "deep learning techniques",
    "machine learning models", "machine learning algorithms", "machine learning techniques",
    "machine learning methods", "CPUs", "computer vision", "natural language processing",
    "data mining", "classification", "detection", "optimization", "optimization problem",
    "computational complexity", "computational cost", "computational efficiency", "efficiency",
    "performance", "interpretability", "text corpora", "textual data", "ground truth data",
    "simulated data", "unsupervised",
]
GENERIC = {match_key(name) for name in ISSUE_GENERIC + SAME_KINDS}
GENERIC_AS = {("Dataset", "tensorflow")}
# Named things these abstracts use, checked in their text: each must stay an entity.
EXPECTED = [("Dataset", "MNIST"), ("Dataset", "CIFAR-10"), ("Dataset", "ImageNet"),
            ("Method", "LSTM"), ("Metric", "BLEU"), ("Task", "machine translation"),
            ("Task", "sentiment analysis")]


def read_slice() -> list[dict]:
    with gzip.open(SLICE, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def extractions():
    papers = [Paper(title=r["title"], abstract=r["abstract"], id=r["id"], date=r["date"])
              for r in read_slice()]
    return list(extract_papers(papers))


def test_the_slice_is_real_abstracts_of_2017_to_2019():
    records = read_slice()
    assert len(records) == 500 and len({r["id"] for r in records}) == 500
    assert {r["date"][:4] for r in records} == {"2017", "2018", "2019"}
    assert all(set(r) == {"id", "title", "abstract", "date"} and len(r["abstract"]) > 200
               for r in records)
    text = " ".join(r["abstract"] for r in records)
    for _, name in EXPECTED:
        assert name.lower() in text.lower() or name == "LSTM" and "Long Short-Term Memory" in text


@pytest.mark.parametrize("label", LABELS)
def test_the_twenty_most_frequent_entities_are_named_things(extractions, label):
    top = top_entities(extractions, 20)[label]
    generic = [(name, papers) for name, papers in top
               if match_key(name) in GENERIC or (label, match_key(name)) in GENERIC_AS]
    assert not generic, f"generic {label} entities among the top twenty: {generic}"


@pytest.mark.parametrize("label, name", EXPECTED)
def test_named_things_stay_entities(extractions, label, name):
    key = match_key(name)
    papers = [r["id"] for r in extractions
              if any(e["label"] == label and not e.get("generic") and key in entity_forms(e)
                     for e in r["entities"])]
    assert papers, f"{name} is no {label} entity in any abstract"
