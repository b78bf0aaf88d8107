"""Content checks for the generated gazetteer (kg/extract/data/gazetteer.jsonl).

The file is built by scripts/build_gazetteer.py from the Papers with Code archive and
kg/extract/data/curated.yaml; these tests read the committed file only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "kg" / "extract" / "data"
GAZETTEER = DATA / "gazetteer.jsonl"
LABELS = {"Task", "Dataset", "Metric", "Method"}

# Words that must never be a gazetteer name or alias on their own: they would tag ordinary prose.
GENERIC = {
    "performance",
    "method",
    "methods",
    "model",
    "models",
    "data",
    "dataset",
    "datasets",
    "result",
    "results",
    "approach",
    "approaches",
    "framework",
    "system",
    "systems",
    "algorithm",
    "technique",
    "task",
    "tasks",
    "benchmark",
    "baseline",
    "network",
    "networks",
    "architecture",
    "analysis",
    "evaluation",
    "experiment",
    "experiments",
    "paper",
    "work",
    "training",
    "learning",
    "inference",
    "prediction",
    "classification",
    "detection",
    "segmentation",
    "recognition",
    "generation",
    "retrieval",
    "translation",
    "reconstruction",
    "optimization",
    "reasoning",
    "dialogue",
    "sketch",
    "cancer",
    "music",
    "score",
    "error",
    "loss",
    "test",
    "dev",
    "val",
    "validation",
    "overall",
    "average",
    "mean",
    "total",
    "all",
    "precision",
    "map",
    "dice",
    "weather",
    "reddit",
    "wikipedia",
    "lost and found",
    "ssl",
    "the",
    "a",
    "an",
    "of",
    "and",
}


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    with open(GAZETTEER, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def by_form(entries) -> dict[tuple[str, str], list[dict]]:
    """(label, folded form) -> entries having that name or alias."""
    index: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for entry in entries:
        for folded in {form.lower() for form in (entry["name"], *entry["aliases"])}:
            index[(entry["label"], folded)].append(entry)
    return index


def find(by_form, label: str, form: str) -> dict:
    found = by_form.get((label, form.lower()), [])
    assert len(found) == 1, f"{label} {form!r}: {len(found)} entries"
    return found[0]


def forms(entry: dict) -> set[str]:
    return {entry["name"], *entry["aliases"]}


def matches(entry: dict, text: str) -> bool:
    """Whether the entry matches TEXT exactly as the gazetteer matcher would (case rules)."""
    if entry["case_sensitive"]:
        return text in forms(entry)
    return text.lower() in {f.lower() for f in forms(entry)}


def test_schema_and_size(entries):
    assert GAZETTEER.stat().st_size < 2_500_000
    assert len(entries) > 5000
    for entry in entries:
        assert set(entry) == {"id", "label", "name", "aliases", "case_sensitive", "source"}
        assert entry["label"] in LABELS
        assert entry["source"] in {"pwc-archive", "curated"}
        assert isinstance(entry["case_sensitive"], bool)
        assert entry["name"] and entry["name"] == entry["name"].strip()
        assert entry["aliases"] == sorted(entry["aliases"])
        assert entry["name"] not in entry["aliases"]
        prefix = "curated" if entry["source"] == "curated" else "pwc"
        assert entry["id"].startswith(f"{prefix}:{entry['label'].lower()}/")


def test_sorted_and_ids_unique(entries):
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))


def test_every_form_belongs_to_one_entry_per_label(by_form):
    clashes = {key: [e["id"] for e in found] for key, found in by_form.items() if len(found) > 1}
    assert not clashes


def test_every_label_is_well_represented(entries):
    counts = defaultdict(int)
    for entry in entries:
        counts[entry["label"]] += 1
    assert counts["Dataset"] > 2000
    assert counts["Task"] > 1000
    assert counts["Metric"] > 100
    assert counts["Method"] > 100


@pytest.mark.parametrize(
    "name",
    [
        "ImageNet",
        "SUN RGB-D",
        "CIFAR-10",
        "CIFAR-100",
        "MNIST",
        "COCO",
        "Cityscapes",
        "ADE20K",
        "PASCAL VOC",
        "KITTI",
        "SQuAD",
        "GLUE",
        "WikiText-103",
        "LibriSpeech",
        "Criteo",
        "Avazu",
        "MovieLens",
        "Penn Treebank",
        "WMT14",
        "Fashion-MNIST",
        "CamVid",
        "SuperGLUE",
    ],
)
def test_well_known_datasets(by_form, name):
    entry = find(by_form, "Dataset", name)
    assert entry["case_sensitive"] is True
    assert matches(entry, name)
    for label in LABELS - {"Dataset"}:
        assert (label, name.lower()) not in by_form


def test_dataset_spelling_variants(by_form):
    cifar10 = find(by_form, "Dataset", "CIFAR-10")
    cifar100 = find(by_form, "Dataset", "CIFAR-100")
    assert cifar10["id"] != cifar100["id"]
    assert matches(cifar10, "CIFAR10") and not matches(cifar10, "CIFAR-100")
    assert matches(cifar100, "CIFAR100") and not matches(cifar100, "CIFAR10")
    sun = find(by_form, "Dataset", "SUN RGB-D")
    assert matches(sun, "SUNRGB-D") and matches(sun, "SUNRGBD")
    coco = find(by_form, "Dataset", "COCO")
    assert matches(coco, "MS COCO") and matches(coco, "MSCOCO")
    assert find(by_form, "Dataset", "ILSVRC")["name"] == "ImageNet"
    assert (
        find(by_form, "Dataset", "PASCAL VOC 2012")["id"]
        != find(by_form, "Dataset", "PASCAL VOC")["id"]
    )


def test_split_suffixes_are_not_names(entries):
    suffixes = (" val", " test", " test-dev", " testfinal", " (test)", " test-std")
    bad = [e["name"] for e in entries if e["label"] == "Dataset" and e["name"].endswith(suffixes)]
    assert not bad


def test_metrics(by_form):
    miou = find(by_form, "Metric", "mIoU")
    assert matches(miou, "mIoU") and matches(miou, "Mean IoU")
    bleu = find(by_form, "Metric", "BLEU")
    assert matches(bleu, "BLEU")
    for name in [
        "accuracy",
        "top-1 accuracy",
        "F1 score",
        "recall",
        "ROUGE",
        "METEOR",
        "mAP",
        "AUC",
        "perplexity",
        "word error rate",
        "WER",
        "PSNR",
        "SSIM",
        "FID",
        "exact match",
        "IoU",
    ]:
        assert matches(find(by_form, "Metric", name), name), name
    # "map" (the word) is not mAP
    assert not matches(find(by_form, "Metric", "mAP"), "map")
    assert ("Metric", "fps") not in by_form
    assert ("Metric", "params (m)") not in by_form


@pytest.mark.parametrize(
    "name",
    [
        "semantic segmentation",
        "CTR prediction",
        "click-through rate prediction",
        "image classification",
        "object detection",
        "machine translation",
        "question answering",
        "keyword spotting",
        "continual learning",
        "active learning",
        "open set recognition",
        "neural architecture search",
        "text classification",
        "language modeling",
        "named entity recognition",
        "speech recognition",
        "weather prediction",
    ],
)
def test_tasks(by_form, name):
    entry = find(by_form, "Task", name)
    assert entry["case_sensitive"] is False
    assert matches(entry, name) and matches(entry, name.title())


def test_ctr_prediction_is_one_task(by_form):
    assert (
        find(by_form, "Task", "CTR prediction")["id"]
        == find(by_form, "Task", "Click-Through Rate Prediction")["id"]
    )


def test_methods_stay_distinct(by_form):
    pairs = [
        ("BERT", "RoBERTa"),
        ("GPT-2", "GPT-3"),
        ("GPT-4", "GPT-4o"),
        ("ResNet-50", "ResNet-101"),
        ("Llama 3", "Llama 3.1"),
        ("VGG16", "VGG19"),
        ("Faster R-CNN", "Mask R-CNN"),
    ]
    for a, b in pairs:
        assert find(by_form, "Method", a)["id"] != find(by_form, "Method", b)["id"], (a, b)
    for name in [
        "Transformer",
        "LSTM",
        "CNN",
        "GAN",
        "U-Net",
        "DeepFM",
        "DCN",
        "FCN",
        "MLP",
        "SVM",
        "XGBoost",
        "dropout",
        "Adam",
        "batch normalization",
        "knowledge distillation",
        "CLIP",
        "ViT",
        "YOLO",
        "DeepLab",
        "Qwen",
        "Gemma",
        "Mistral",
        "Llama 2",
    ]:
        assert matches(find(by_form, "Method", name), name), name
    assert find(by_form, "Method", "LLaMA")["name"] == "Llama"
    assert find(by_form, "Method", "ResNet50")["name"] == "ResNet-50"


def test_case_rules(by_form):
    # capitalised/numbered datasets and methods match exactly; tasks fold case
    assert not matches(find(by_form, "Dataset", "ImageNet"), "imagenet")
    assert not matches(find(by_form, "Method", "BERT"), "bert")
    assert matches(find(by_form, "Task", "semantic segmentation"), "Semantic Segmentation")


def test_no_generic_words(entries):
    bad = []
    for entry in entries:
        for form in forms(entry):
            # an exact-case form only matches that spelling ("mAP" never matches "map")
            word = form if entry["case_sensitive"] else form.lower()
            if word in GENERIC and not (entry["label"] == "Metric" and word == "accuracy"):
                bad.append((entry["label"], form))
    assert not bad


def test_no_noise_forms(entries):
    bad = []
    for entry in entries:
        for form in forms(entry):
            if (
                len(form) < 2
                or form != form.strip()
                or form.endswith((",", ";", ":", "-"))
                or "  " in form
                or form.upper() == "N/A"
            ):
                bad.append(form)
    assert not bad


def test_single_words_are_not_tasks_unless_task_nouns(entries):
    generic = {
        "reasoning",
        "dialogue",
        "sketch",
        "cancer",
        "reconstruction",
        "data",
        "music",
        "classification",
        "segmentation",
        "retrieval",
        "prediction",
        "clustering",
        "evaluation",
    }
    tasks = {e["name"].lower() for e in entries if e["label"] == "Task"}
    assert not tasks & generic


def test_attribution_present():
    text = (DATA / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in text and "Papers with Code" in text


def test_camel_case_catalogue_names_match_in_any_case_unless_an_english_word():
    """`transformers trained on Audioset` (the listing's Patchout paper) is the catalogue's
    AudioSet; `RotatE` does not make every `rotate` a Method."""
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline()
    found = {(e.text, e.kb_id_) for e in nlp("Transformers trained on Audioset and on Imagenet "
                                             "rotate the embeddings.").ents}
    assert ("Audioset", "curated:dataset/audioset") in found
    assert any(text == "Imagenet" and "imagenet" in kb for text, kb in found), found
    assert not any(text == "rotate" for text, _ in found)
