"""A small build whose papers have a lower-is-better result, dates missing, unparseable or
year-only, and a hostile title; and running `kg` as a user does, in a child process."""

from __future__ import annotations

import subprocess
import sys

import pytest

# markup of rich, Markdown and HTML in a title: it must stay text in every output
HOSTILE_TITLE = "Evil [/] [bold red]titles[/bold red] | <script>alert(1)</script> **x**"
SMALL_PAPERS = [
    {"id": "p1", "title": "Faster Transformers for Language Modeling", "date": "2020-01-05",
     "abstract": "We propose FastFormer, a Transformer for language modeling. On WikiText-103, "
                 "FastFormer reaches a test perplexity of 18.3. On WikiText-103, the LSTM "
                 "baseline reaches a test perplexity of 29.2."},
    {"id": "p2", "title": "Convolutional networks for image classification", "date": "2020-03-01",
     "abstract": "We train a convolutional neural network (CNN) for image classification on "
                 "ImageNet. The CNN reaches 76.1% top-1 accuracy on ImageNet."},
    {"id": "p3", "title": "Transformers for image classification", "date": "2021-06-30",
     "abstract": "We apply the Transformer to image classification on ImageNet and reach 81.2% "
                 "top-1 accuracy with a CNN stem."},
    {"id": "p4", "title": "A survey of convolutional networks", "date": None,
     "abstract": "We survey the convolutional neural network (CNN) and its uses in image "
                 "classification."},
    {"id": "p5", "title": "Transformers everywhere", "date": "sometime in spring",
     "abstract": "The Transformer is used for language modeling and image classification alike."},
    {"id": "p6", "title": "CNNs in 2021", "date": "2021",
     "abstract": "A convolutional neural network (CNN) for image classification on CIFAR-10."},
    {"id": "p7", "title": HOSTILE_TITLE, "date": "2021-02-02",
     "abstract": "On Penn Treebank, our model reaches a test perplexity of 55.1."},
]


@pytest.fixture(scope="session")
def small_build(tmp_path_factory):
    import kg

    return kg.build(records=SMALL_PAPERS, out=tmp_path_factory.mktemp("views-small") / "out")


def run_kg(*args, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)
