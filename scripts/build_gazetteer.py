#!/usr/bin/env python
"""Build the entity gazetteer (tasks, datasets, metrics, methods) from the Papers with Code archive.

    python scripts/build_gazetteer.py [--pwc ../shared/data/pwc-archive]
                                      [--curated kg/extract/data/curated.yaml]
                                      [--out kg/extract/data/gazetteer.jsonl]

Relative paths are taken from the repository root.  The output is sorted and deterministic, one JSON
object a line:

    {"id": "pwc:task/semantic-segmentation", "label": "Task", "name": "Semantic Segmentation",
     "aliases": ["semantic image segmentation"], "case_sensitive": false, "source": "pwc-archive"}

Sources (Papers with Code archive, July 2025 snapshot, CC BY-SA 4.0; see
kg/extract/data/ATTRIBUTION.md):

* Task     task names, subtasks, task hierarchy, research-area example tasks, leaderboard tasks and
           synonyms (``leaderboards/synonyms.csv``); "Name (ABBR)" gives the alias ABBR when
           distinctive.
* Dataset  common datasets, benchmarks and leaderboard dataset names, split suffixes removed
           ("COCO test-dev" -> "COCO"), with hyphen/space spelling variants as aliases.
* Metric   SOTA metric and leaderboard metric names, normalised ("Mean IoU (test)" ->
           "Mean IoU") and kept only when they name an evaluation measure (no FPS, parameter
           counts, ...).
* Method   leaderboard model names with year/ensemble notes removed, kept only when name-shaped.

The gazetteer matches in any context, so every rule errs on the side of precision: generic words,
noisy leaderboard labels and ambiguous short names are dropped.  ``curated.yaml`` adds well-known
entities that must always be found, and lists pwc names to exclude; curated entries win conflicts.

Case: ``case_sensitive`` is per entry.  Datasets and methods with capitals or digits match exactly;
tasks match case-insensitively; a metric matches exactly only when one of its forms lowercases to an
ordinary word (``mAP`` vs "map").  In an exact-match entry, lowercase phrase aliases are also given
capitalised and title-case spellings, so "Mean average precision" is still found.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LABELS = ("Dataset", "Method", "Metric", "Task")
# Conflict priority between labels for pwc entries (curated entries always win).
PRIORITY = {"Dataset": 0, "Task": 1, "Metric": 2, "Method": 3}

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

# Words that must never be an entity name or alias on their own (any label).
GENERIC_WORDS = set(
    """
performance method methods model models data dataset datasets result results approach approaches
framework frameworks system systems algorithm algorithms technique techniques task tasks benchmark
benchmarks baseline baselines metric metrics score scores network networks architecture analysis
evaluation experiment experiments study paper work training learning inference prediction
predictions classification detection segmentation recognition generation retrieval translation
reconstruction representation representations optimization regression clustering estimation
understanding reasoning modeling modelling processing computing search ranking matching tracking
planning control design testing quality error errors loss accuracy overall average mean total all
test dev val validation train supervised unsupervised other others general various new baseline
""".split()
)

# Common English words (lowercase).  A single-word name whose lowercase form is one of these (or
# occurs in lowercase in the archive's own prose) is not distinctive enough for a gazetteer.
COMMON_WORDS = set(
    """
a about above access action active actor adult advertising age agent air alien all alpha amazon
analysis anatomy anchor animal animals animation answer apple area arena art article artist asset
astronomy atlas attack attention attribute audio author auto avatar award baby back bag balance
ball bank bar base basic basket battle beam bear beauty bee benchmark berry best beta bias big bike
bird birds black blend block blocking blood blue board boat body bold bone book books boost border
bottle bound box boxing brain branch bread breakout bridge bright bug builder bus butterfly cable
cake camera cancer candle car card cards care cargo carnival carrot cart case cash castle cat cats
cell center chain chair challenge chance change chart chat check cheese chess chest chicken child
children chinese chip choice chorus circle city civil class classic clean climate climb clinic clock
cloud club cluster coach coast code coin cold collab color comedy comic common complex concept
connect context control cook cool copy core corn corpus cost cotton count country court cover cow
craft crash cream creative crime crop cross crowd crowds crown crystal cube culture cup curve cycle
daily dance dark dash data date day deal death debate deep defender delta demo depth desert design
desk detail device dialog dialogue diamond diet digit digital dinner direct disaster discovery
disease display distance diversity doctor document dog dogs domain door dot double dove dragon
drama draw dream dress drink drive driver drop drug dust eagle earth echo economy edge education
egg element elephant emotion empire energy engine english enterprise entity envelope epic equity
escape ethics event events evidence exam example exchange expert experts eye face fact factory
fair fairness faith fake falcon fall family fan farm fashion fast fault feature feedback fiction
field fight figure file film filter finance fire fish fit flag flash fleet flight flow flower fly
focus fog food football force forest form fortune forum fox frame free fresh friction friend frog
front fruit fuel fun function fusion future gallery game games garden gas gate gaze gem gene genome
genius geo ghost giant gift girl glass globe glove goal gold golf good gopher grade grain graph
graphs grass gravity gray great green grid ground group growth guard guide gum gun habit hair half
hammer hand hands harbor harmony harvest hat hawk head health heart heat hello help hero hidden
high highway hill history hit hive hockey hold holiday home honey hope horizon horse hospital host
hot hotel hour house human humanity humor hunter ice icon idea identity image images impact index
industry infinity info ink input insight iris iron island item jazz jet job joint journal journey
joy judge jump jungle jury justice key kid kind king kitchen kite knight knowledge lab label lake
lamp land language laser law layer leaf league lean legal lemma lens letter level library life
light lightning line link lion list live load local lock logic long loop lost love luck lunch
machine magic mail main make maker mall man manager map maps marathon marble margin marine mark
market marketing mars mask master match material math matrix maze meal media medical medicine
meeting memory mental menu merit mesh message metal meter middle mind mine mini mirror mission
mix mixed mobile mode moment money monitor monkey moon morph mosaic mother motion motor mountain
mouse move movie movies multi muse museum music mystery name nation native nature navigate navy
neighbor nest net network neural news night noise north nose note novel number nurse object ocean
office oil open opinion optimization oracle orange orbit order origin outdoor owl pace page paint
pair palette panda panel panoptic paper parade park party pass past patch path patient pattern
peace peak pen people pepper person pet phoenix phone photo piano picture pilot pine pitch pixel
pizza place plain plan planet plant plate platform play player plot pocket poem poet point pointer
poker polar police policy polish pong pool pop port portal portrait post pot power practice press
price prime prince print prism prize probe process product profile program project prompt proof
proto public pulse pump puzzle quest question queue quick race radar radio rain rainbow ranger
rapid rate raven ray reach read reader real record red reef reel region relay release remote report
rescue research reset resource resources rest retail review reward rhythm rice ride ring rise river
road robot rock rocket role roof room root rose round route royal rule run rush safe safety sail
salt sample sand satellite scale scan scene scholar school science scope score scout screen script
sea search season seat secret security seed segment select sense sensor sentence sequence series
service set shadow shape share shark sheep shelf shell shield ship shop shot show sign signal silk
silver simple single site skate skill skin sky sleep slice slide smart smile smoke snake snap snow
soccer social society soft solar soldier solid solution song sort soul sound source space spark
speaker spectrum speech speed sphere spice spider spin spirit split sport sports spot spring spy
square stack stage star start state station statue steam steel step stock stone store storm story
stream street strike string strong structure student studio style subject summit sun super surf
surface survey swan sweet swift switch symbol table tag tail talent talk tank target task taxi tea
team tech temple tennis term test text texture theater theme theory thing thread tide tiger time
tiny title toast token tone tool tooth top topic torch total touch tour tower town toy trace track
trade traffic trail train trajectory transfer transit travel treasure tree trend trial trip
triple truck trust truth tube turtle twin type union unit unity universe urban user valley value
vault vector venture verse video view village virtual vision visual voice volume vote voyage wall
war watch water wave way weather web wedding weight well whale wheel white wild wind window wine
wing winter wire wisdom wolf woman women wonder wood word words work world worm writer yard year
yellow yoga young youth zero zone zoo
abstract adaptive adversarial ambiguous argument aspect benchmarking bias bridging causal
chatbot chunking colorization commonsense compression diagnostic descriptive diversity editing
embedding explanation fact forgery fusion hallucination humanitarian imputation informativeness
ingenuity management memorization misconceptions misinformation negation persuasiveness philosophy
prediction quantization reconstruction reranking retrieval scheduling self sensitivity sketch
specificity transferability virology econometrics epidemiology geophysics jurisprudence nutrition
prehistory sociology ecommerce miscellaneous multimodal
""".split()
)

# Multi-word phrases that are fields or generic notions, not tasks.
GENERIC_TASK_PHRASES = {
    "deep learning",
    "machine learning",
    "computer vision",
    "natural language processing",
    "artificial intelligence",
    "pattern recognition",
    "signal processing",
    "image processing",
    "speech processing",
    "data science",
    "data mining",
    "data analysis",
    "data processing",
    "big data",
    "statistical learning",
    "supervised learning",
    "learning theory",
    "representation learning",
    "model selection",
    "feature engineering",
    "model evaluation",
    "language model evaluation",
    "data augmentation",
    "hyperparameter optimization",
    "general classification",
    "general reinforcement learning",
    "text generation evaluation",
    "decision making",
    "problem solving",
    "scientific discovery",
    "knowledge discovery",
    "information retrieval",
    "optimization",
    "online learning",
    "computational efficiency",
    "autonomous driving",
    "autonomous vehicles",
    "self-driving cars",
    "mathematical reasoning",
    "logical reasoning",
    "reasoning",
    "in-context learning",
    "instruction following",
    "prompt engineering",
    "model compression",
    "quantization",
    "network pruning",
    "dimensionality reduction",
    "feature selection",
    "graph learning",
    "multi-task learning",
    "multitask learning",
    "ensemble learning",
    "deep reinforcement learning",
    "benchmarking",
    "evaluation",
    "data integration",
    "data compression",
    "time series analysis",
    "image enhancement",
    "image restoration",
    "video understanding",
    "scene understanding",
    "image understanding",
    "language understanding",
    "natural language understanding",
    "visual reasoning",
    "contrastive learning",
    "metric learning",
    "decision making under uncertainty",
    "point processes",
    "stochastic optimization",
    "continuous control",
    "edge computing",
    "feature importance",
    "model editing",
    "knowledge editing",
    "network embedding",
    "model optimization",
    "inference optimization",
    "compiler optimization",
    "graph embedding",
    "word embeddings",
    "sentence embeddings",
    "text embedding",
}

# Last words that make a multi-word name a task ("Pose Estimation", "Visual Odometry").
TASK_HEAD_SUFFIXES = ("tion", "sion", "ing", "ysis", "esis", "osis")
TASK_HEADS = {
    "retrieval",
    "search",
    "transfer",
    "control",
    "odometry",
    "inference",
    "removal",
    "repair",
    "slam",
    "qa",
    "discovery",
    "alignment",
    "assessment",
    "enhancement",
    "placement",
    "entailment",
    "refinement",
    "similarity",
    "relatedness",
    "captioning",
    "forecasting",
    "prediction",
    "regression",
    "analysis",
    "synthesis",
    "navigation",
    "diagnosis",
    "verification",
    "identification",
    "re-identification",
    "reid",
    "re-id",
    "summarization",
    "completion",
    "imputation",
    "attribution",
    "disambiguation",
    "normalization",
    "recognition",
    "translation",
    "estimation",
    "detection",
    "segmentation",
    "classification",
    "generation",
    "localization",
    "localisation",
    "tracking",
    "matching",
    "parsing",
    "tagging",
    "labeling",
    "labelling",
    "extraction",
    "linking",
    "answering",
    "spotting",
    "recommendation",
    "ranking",
    "inpainting",
    "deblurring",
    "denoising",
    "dehazing",
    "deraining",
    "colorization",
    "registration",
    "reconstruction",
    "retargeting",
    "editing",
    "understanding",
    "reasoning",
    "compression",
    "super-resolution",
    "grounding",
    "fact-checking",
}

# Last words of pwc "tasks" that are methods, fields or states rather than tasks.
NOT_TASK_HEADS = {
    "attention",
    "regularization",
    "regularisation",
    "sampling",
    "quantization",
    "decomposition",
    "filtering",
    "distillation",
    "training",
    "embedding",
    "embeddings",
    "computing",
    "engineering",
    "processing",
    "representation",
    "expression",
    "interaction",
    "function",
    "description",
    "fibrillation",
    "degradation",
    "fraction",
    "aging",
    "dilation",
    "reproduction",
    "admission",
    "magnetization",
    "distortion",
    "reflection",
    "communication",
    "preserving",
    "ablation",
    "fitting",
    "accounting",
    "observation",
    "sensing",
    "hashing",
    "programming",
}

# Task names made of one word: accepted only with these endings and not in COMMON/GENERIC lists.
SINGLE_TASK_SUFFIXES = ("ization", "isation", "ation", "ition", "ution", "ing", "ysis", "esis")

# Tokens that show a leaderboard "dataset" label is really a caption, a metric or a split.
DATASET_NOISE_TOKENS = {
    "results",
    "result",
    "comparison",
    "warning",
    "metrics",
    "metric",
    "experimental",
    "accuracy",
    "bleu",
    "wer",
    "per",
    "em",
    "f1",
    "evaluation",
    "score",
    "scores",
    "supervised",
    "unsupervised",
    "datasets",
    "smaller",
    "platforms",
    "granularity",
    "prediction",
    "recognition",
    "labelling",
    "comprehension",
    "scored",
    "selection",
    "answers",
    "trained",
    "against",
    "encode",
    "tested",
    "reached",
    "precision",
    "sota",
    "leaderboard",
    "split",
    "subset",
    "shot",
    "labeled",
    "labels",
    "noise",
    "perplexity",
}
DATASET_HEADS = {"dataset", "corpus", "treebank", "benchmark", "challenge", "database", "bank"}

# Split and subset notes removed from benchmark names ("COCO test-dev" -> "COCO").
SPLIT_WORDS = (
    r"val|validation|valid|test|dev|development|testfinal|test-dev|test-std|test-standard|"
    r"test-challenge|test-set|testset|test\s+set|dev\s+set|test-clean|test-other|testclean|"
    r"testother|minival|val\d{4}|test\d{4}|train|training|eval|public|private|full"
)
SPLIT_SUFFIX = re.compile(rf"(?:\s+|[-_])(?:{SPLIT_WORDS})$|\s*\((?:{SPLIT_WORDS})\)$", re.I)

# What a metric name must contain (one of its tokens, lowercase) to count as an evaluation measure.
METRIC_HEADS = {
    "accuracy",
    "acc",
    "error",
    "err",
    "f1",
    "f-1",
    "f1-score",
    "fscore",
    "f-score",
    "f-measure",
    "precision",
    "recall",
    "auc",
    "auroc",
    "auprc",
    "roc",
    "iou",
    "miou",
    "map",
    "bleu",
    "sacrebleu",
    "rouge",
    "rouge-1",
    "rouge-2",
    "rouge-l",
    "meteor",
    "cider",
    "spice",
    "psnr",
    "ssim",
    "ms-ssim",
    "lpips",
    "fid",
    "fvd",
    "kid",
    "mse",
    "rmse",
    "mae",
    "mape",
    "smape",
    "nll",
    "perplexity",
    "ppl",
    "wer",
    "cer",
    "mrr",
    "ndcg",
    "hits",
    "hit",
    "correlation",
    "kappa",
    "dice",
    "jaccard",
    "mota",
    "motp",
    "idf1",
    "hota",
    "eer",
    "smatch",
    "las",
    "uas",
    "bpc",
    "bits",
    "em",
    "exact",
    "pck",
    "mpjpe",
    "pa-mpjpe",
    "epe",
    "chamfer",
    "nmi",
    "ari",
    "mcc",
    "chrf",
    "ter",
    "bertscore",
    "mauve",
    "inception",
    "ap",
    "ap50",
    "ap75",
    "mAP50",
    "nds",
    "r-precision",
    "auc-roc",
    "roc-auc",
    "logloss",
    "log-loss",
    "likelihood",
    "rank-1",
    "rank-5",
    "top-1",
    "top-5",
    "spearman",
    "pearson",
    "bleurt",
    "comet",
    "sari",
    "dcg",
    "coverage",
    "sdr",
    "si-sdr",
    "si-snr",
    "pesq",
    "stoi",
    "snr",
    "mos",
    "mcd",
    "abs-rel",
    "absrel",
    "delta",
    "sq",
    "pq",
    "rq",
    "ois",
    "ods",
    "sad",
    "psnr-b",
    "niqe",
    "brisque",
    "ciede2000",
    "tpr",
    "fpr",
    "fnr",
    "far",
    "frr",
    "mce",
    "c-index",
}
METRIC_NOISE_TOKENS = {
    "params",
    "parameters",
    "param",
    "fps",
    "flops",
    "gflops",
    "macs",
    "gmacs",
    "latency",
    "time",
    "memory",
    "epochs",
    "epoch",
    "size",
    "number",
    "operations",
    "speed",
    "runtime",
    "throughput",
    "seconds",
    "sec",
    "ms",
    "hours",
    "cost",
    "price",
    "kb",
    "mb",
    "gb",
    "train",
    "training",
    "model",
}

# Generic one-word qualifiers of leaderboard method names ("BERT (single model)").
METHOD_NOTE = re.compile(
    r"\s*\((?:single|ensemble|single model|ensemble model|single-model|single-model, [^)]*|"
    r"\d{4}|[^()]*\bdim\b[^()]*|[^()]*\bversion\b[^()]*)\)\s*$"
    r"|\s+(?:ensemble|single model|single)$",
    re.I,
)

# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------

_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2010": "-",
        "\u2011": "-",
    }
)


def clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value or "").translate(_QUOTES)
    value = re.sub(r"&amp;", "&", value)
    return " ".join(value.split()).strip()


def americanise(text: str) -> str:
    text = re.sub(r"elling\b", "eling", text)
    text = re.sub(r"isation", "ization", text)
    text = re.sub(r"ise\b", "ize", text)
    text = re.sub(r"yse\b", "yze", text)
    return text


def merge_key(text: str) -> str:
    """Spelling-insensitive key: case, spaces, hyphens, underscores and UK/US spelling folded."""
    return re.sub(r"[\s\-_]+", "", americanise(text.lower()))


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("+", "-plus").replace("&", "-and-")
    return re.sub(r"[^a-z0-9.]+", "-", text).strip("-.") or "x"


def is_plain_words(text: str) -> bool:
    """Only lowercase or capitalised alphabetic words ("Mean average precision")."""
    return all(re.fullmatch(r"[A-Za-z][a-z]*(?:-[a-z]+)*", t) for t in text.split())


def is_abbreviation(text: str) -> bool:
    """Looks like an acronym: "OCR", "VQA", "3D-QA", "mIoU", "WER", "CER"."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-+.&]{1,11}", text):
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if re.search(r"[A-Z][a-z]{3,}", text) or not letters:
        return False  # "Zero-Shot", "Full": capitalised words, not acronyms
    return (upper >= 2 and 2 * upper >= len(letters)) or (
        upper >= 1 and any(c.isdigit() for c in text)
    )


def abbreviates(abbr: str, phrase: str) -> bool:
    """Whether ABBR can stand for PHRASE: same first letter, its letters in order, and not one of
    its words ("Word Error Rate (WER)" yes, "AUC on ACL Tear (ACL)" no)."""
    letters = [c.lower() for c in abbr if c.isalnum()]
    text = phrase.lower()
    if not letters or not text or letters[0] != text[0]:
        return False
    if abbr.lower() in re.split(r"[\s\-]+", text):
        return False
    pos = 0
    for c in letters:
        pos = text.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def needs_exact_case(text: str) -> bool:
    """Has capitals after the first letter or digits: "CIFAR-10", "ImageNet", "mAP"."""
    return (
        any(c.isdigit() for c in text)
        or any(c.isupper() for c in text[1:])
        or (text[:1].islower() and any(c.isupper() for c in text))
    )


def case_variants(text: str) -> list[str]:
    """For exact-match entries: "mean average precision" -> also "Mean average precision",
    "Mean Average Precision"."""
    if not text or not is_plain_words(text) or text != text.lower():
        return []
    words = text.split()
    first = words[0][:1].upper() + words[0][1:]
    variants = [" ".join([first, *words[1:]])]
    if len(words) > 1 or "-" in text:
        variants.append(" ".join(w[:1].upper() + w[1:] for w in words))
        variants.append(
            " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in words)
        )
    return list(dict.fromkeys(v for v in variants if v != text))


def spelling_variants(name: str) -> set[str]:
    """Hyphen/space variants of identifier-like names: CIFAR-10 -> CIFAR10, SUN RGB-D -> SUNRGB-D.

    A separator is varied only when the piece after it is a number, a version or an acronym and the
    piece before it is not an ordinary lowercase word; digits are never added or removed, so
    CIFAR-10 and CIFAR-100 stay apart.  Names of more than three pieces get no variants."""
    parts = re.split(r"([ \-])", name)
    if len(parts) == 1 or len(parts) > 5 or re.search(r"\bvs\.?\b", name):
        return set()

    def code(piece: str) -> bool:
        return bool(re.fullmatch(r"[A-Z0-9][A-Z0-9+]*|\d+[A-Za-z]?|[vV]\d+(?:\.\d+)?", piece))

    options: list[list[str]] = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            options.append([part])
            continue
        left, right = parts[i - 1], parts[i + 1]
        if (
            code(right)
            and left
            and not left.islower()
            and not (left[-1].isdigit() and right[0].isdigit())
        ):
            # glue only onto a code-like piece ("SUN RGB-D" -> "SUNRGB-D"), or a number/version
            # onto anything ("WikiText-103" -> "WikiText103"); never "MicrosoftCOCO"
            glue = code(left) or bool(re.fullmatch(r"\d+[A-Za-z]?|[vV]\d+(?:\.\d+)?", right))
            options.append(sorted({part, "-" if part == " " else " "} | ({""} if glue else set())))
        else:
            options.append([part])
    variants = {""}
    for opts in options:
        variants = {v + o for v in variants for o in opts}
    variants.discard(name)
    return variants


# ---------------------------------------------------------------------------------------------
# Vocabulary of ordinary words
# ---------------------------------------------------------------------------------------------


def build_vocabulary(prose: list[str]) -> set[str]:
    """Lowercase words: the COMMON_WORDS list, spaCy's stop words and every word that occurs in
    lowercase in the archive's own descriptions (so "segmentation" or "weather" count as words)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    vocab = set(COMMON_WORDS) | set(GENERIC_WORDS) | {w.lower() for w in STOP_WORDS}
    for text in prose:
        vocab.update(re.findall(r"(?<![\w\-])[a-z]{2,}(?![\w\-])", text))
    for word in list(vocab):
        if len(word) > 3 and word.endswith("s"):
            vocab.add(word[:-1])
        vocab.add(word + "s")
    return vocab


# ---------------------------------------------------------------------------------------------
# Reading the archive
# ---------------------------------------------------------------------------------------------


def split_list(value: str | None) -> list[str]:
    """A ';'-separated cell, without "N/A" and the "..." that marks a truncated list."""
    if not value:
        return []
    out = []
    for part in value.split(";"):
        part = clean_text(part)
        if part.endswith("...") or part.endswith("\u2026"):
            part = part.rstrip(".\u2026").strip()
            if not part:
                continue
        if part and part.upper() != "N/A":
            out.append(part)
    return out


def read_archive(pwc: Path) -> dict:
    raw: dict = {"Task": [], "Dataset": [], "Metric": [], "Method": [], "synonyms": [], "prose": []}
    csv_files = sorted(glob.glob(str(pwc / "*_tasks_detailed.csv")))
    if not csv_files:
        raise SystemExit(f"no *_tasks_detailed.csv under {pwc}")
    for path in csv_files:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                raw["Task"].append(clean_text(row.get("Task Name", "")))
                raw["Task"].extend(split_list(row.get("Subtasks")))
                raw["Dataset"].extend(split_list(row.get("Common Datasets (Top 10)")))
                raw["Dataset"].extend(split_list(row.get("Benchmarks")))
                raw["Metric"].extend(split_list(row.get("SOTA Metrics")))
                raw["prose"].append(row.get("Description (First 200 chars)") or "")
    hierarchy = pwc / "task_hierarchy.csv"
    if hierarchy.exists():
        with open(hierarchy, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                raw["Task"].append(clean_text(row.get("Parent Task", "")))
                raw["Task"].extend(split_list(row.get("Child Tasks")))
    areas = pwc / "research_areas.csv"
    if areas.exists():
        with open(areas, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                raw["Task"].extend(split_list(row.get("Example Tasks")))
    synonyms = pwc / "leaderboards" / "synonyms.csv"
    if synonyms.exists():
        with open(synonyms, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, skipinitialspace=True)
            next(reader, None)
            for row in reader:
                if len(row) >= 2:
                    raw["synonyms"].append((clean_text(row[0]), clean_text(row[1])))

    def walk(task: dict) -> None:
        name = clean_text(task.get("task") or "")
        raw["Task"].append(name)
        for synonym in task.get("synonyms") or []:
            raw["synonyms"].append((name, clean_text(synonym)))
        raw["prose"].append(task.get("description") or "")
        for dataset in task.get("datasets") or []:
            raw["Dataset"].append(clean_text(dataset.get("dataset") or ""))
            raw["prose"].append(dataset.get("description") or "")
            sota = dataset.get("sota") or {}
            raw["Metric"].extend(clean_text(m) for m in sota.get("metrics") or [])
            for row in sota.get("rows") or []:
                raw["Method"].append(clean_text(row.get("model_name") or ""))
        for sub in task.get("subtasks") or []:
            walk(sub)

    for path in sorted(glob.glob(str(pwc / "leaderboards" / "*.json"))):
        with open(path, encoding="utf-8") as handle:
            for task in json.load(handle):
                walk(task)
    for key in LABELS:
        raw[key] = [x for x in raw[key] if x]
    return raw


# ---------------------------------------------------------------------------------------------
# Cleaning, one function a label: raw string -> (name, [aliases]) or None
# ---------------------------------------------------------------------------------------------

PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


class Cleaner:
    def __init__(self, vocab: set[str], exclude: dict[str, set[str]]) -> None:
        self.vocab = vocab
        self.exclude = exclude

    # -- shared checks -------------------------------------------------------------------------
    def is_common(self, text: str) -> bool:
        low = text.lower()
        return low in self.vocab or low in GENERIC_WORDS

    def distinctive_alias(self, alias: str) -> bool:
        return len(alias) >= 3 and not self.is_common(alias) and alias.lower() not in {"pos", "map"}

    def excluded(self, label: str, name: str) -> bool:
        return merge_key(name) in self.exclude.get(label, set())

    # -- tasks ---------------------------------------------------------------------------------
    def task(self, raw: str) -> tuple[str, list[str]] | None:
        s = clean_text(raw).rstrip(".")
        aliases: list[str] = []
        if not s or re.search(r"[/>|:;,?!\"#*=<\[\]{}]", s):
            return None
        match = PAREN.match(s)
        if match:
            s, inner = match.group(1).strip(), match.group(2).strip()
            if is_abbreviation(inner) and self.distinctive_alias(inner) and abbreviates(inner, s):
                aliases.append(inner)
        if "(" in s or ")" in s or not s:
            return None
        if re.match(r"^translation\s+\S+-\S+$", s, re.I) or re.search(
            r"\b[a-z]{3}_?[A-Za-z]*-[a-z]{3}\b", s
        ):
            return None
        if re.search(r"\b(?:gym|adroit|adroid|atari|procgen|mujoco|d4rl|domain \d)\b", s, re.I):
            return None
        words = s.split()
        if len(words) > 6 or not re.search(r"[A-Za-z]{3}", s):
            return None
        low = s.lower()
        if low in GENERIC_TASK_PHRASES or americanise(low) in GENERIC_TASK_PHRASES:
            return None
        if self.excluded("Task", s):
            return None
        if len(words) == 1:
            parts = s.split("-")
            if len(parts) == 1:
                # one word: an English task noun ("Summarization"), never an acronym or a name
                if needs_exact_case(s) or not low.endswith(SINGLE_TASK_SUFFIXES):
                    return None
                if low in GENERIC_WORDS or low in COMMON_WORDS or len(low) < 7:
                    return None
            else:
                # hyphenated: "Super-Resolution", "Text-to-SQL", "Learning-To-Rank"
                head = parts[-1].lower()
                if not (
                    head.endswith(TASK_HEAD_SUFFIXES)
                    or head in TASK_HEADS
                    or head in {"sql", "text", "image", "speech", "video", "rank", "3d"}
                ):
                    return None
                if low in {
                    "self-learning",
                    "re-ranking",
                    "q-learning",
                    "meta-learning",
                    "cross-validation",
                    "fine-tuning",
                    "pre-training",
                    "de-identification",
                }:
                    return None
        else:
            head = words[-1].lower()
            if not (
                head.endswith(TASK_HEAD_SUFFIXES)
                or head in TASK_HEADS
                or head.split("-")[-1] in TASK_HEADS
            ):
                return None
            if head.split("-")[-1] in NOT_TASK_HEADS:
                return None
            first = words[0].split("-")[0]
            if first.islower() and first not in self.vocab:
                return None  # a clipped name ("erson Re-Identification")
            if head in {
                "thing",
                "something",
                "nothing",
                "string",
                "building",
                "ring",
                "king",
                "setting",
                "settings",
                "training",
                "pretraining",
                "fine-tuning",
                "evening",
                "morning",
                "spring",
                "wing",
                "beijing",
                "sing",
                "bring",
                "ping",
                "everything",
            }:
                return None
        if s == s.lower() or s == s.upper():
            s = " ".join(w if needs_exact_case(w) else w.capitalize() for w in s.split())
        return s, aliases

    # -- datasets ------------------------------------------------------------------------------
    def dataset(self, raw: str) -> tuple[str, list[str]] | None:
        s = clean_text(raw).strip(" ,;.")
        if not s or s.upper() == "N/A":
            return None
        if " - " in s:
            s = s.split(" - ")[0].strip()
        s = re.sub(r"\s*/\s*", "/", s)
        aliases: list[str] = []
        for _ in range(3):
            s2 = SPLIT_SUFFIX.sub("", s).strip(" ,-")
            match = PAREN.match(s2)
            if match:
                base, inner = match.group(1).strip(), match.group(2).strip()
                if (
                    is_abbreviation(inner)
                    and len(inner) >= 3
                    and not is_abbreviation(base)
                    and abbreviates(inner, base)
                ):
                    aliases.append(inner)  # "Street View House Numbers (SVHN)"
                elif (
                    is_abbreviation(base)
                    and len(inner.split()) >= 2
                    and inner[:1].isupper()
                    and not re.search(r"\d", inner)
                    and abbreviates(base, inner)
                ):
                    aliases.append(inner)  # "COCO (Common Objects in Context)"
                s2 = base
            if s2 == s:
                break
            s = s2
        if not s or re.search(r"[,:;>|<#$*!?^=~@\[\]{}\"()%]", s):
            return None
        if self.excluded("Dataset", s):
            return None
        words = s.split()
        if len(words) > 6 or len(s) < 3 or not re.search(r"[A-Za-z]", s):
            return None
        if words[0].lower() in {"a", "an", "the", "on", "of", "for", "and", "with", "in", "to"}:
            return None
        lowered = [w.lower() for w in words]
        if any(w in DATASET_NOISE_TOKENS for w in lowered):
            return None
        if not any(c.isupper() or c.isdigit() for c in s):
            # all lowercase: only identifier-like names such as "ogbn-arxiv"
            if not (len(words) == 1 and re.search(r"[\d\-_]", s) and re.search(r"[a-z]{2}", s)):
                return None
        if re.search(
            r"\d+\s*x\s*\d+|\b(?:vs|shot|zero-shot|few-shot|training-free|count)\b", s, re.I
        ):
            return None
        if len(words) == 1:
            if not self.distinctive_single(s):
                return None
        elif is_plain_words(s):
            # ordinary capitalised words ("Lost and Found", "Animal Kingdom") also start sentences
            # and fill title-case paper titles: only "<two or more words> Dataset/Corpus/..." pass
            if lowered[-1] not in DATASET_HEADS or len(words) < 3:
                return None
        aliases = [a for a in aliases if self.distinctive_alias(a) or len(a.split()) > 1]
        return s, aliases

    def distinctive_single(self, s: str) -> bool:
        """A one-word dataset name that will not match ordinary words."""
        core = re.sub(r"[^A-Za-z]", "", s)
        if not core:
            return False
        if self.is_common(s) or self.is_common(core):
            return False
        has_digit = any(c.isdigit() for c in s)
        if s.isupper() or (core.isupper() and not has_digit):
            # acronyms: at least 4 letters unless digits make them distinctive
            return len(core) >= 4 or has_digit
        # Capitalised words ("Cityscapes", "Texas", "Electricity") cannot be told from ordinary
        # words and names without a dictionary: only curated ones are kept.
        return needs_exact_case(s)

    # -- metrics -------------------------------------------------------------------------------
    def metric(self, raw: str) -> tuple[str, list[str]] | None:
        s = clean_text(raw)
        aliases: list[str] = []
        s = re.sub(r"^%\s*", "", s)
        s = re.sub(r"\s*\(\s*%\s*\)|\s*%$|\s+in\s+%$", "", s)
        match = PAREN.match(s)
        if match:
            base, inner = match.group(1).strip(), match.group(2).strip()
            if (
                is_abbreviation(inner)
                and len(inner) >= 3
                and len(base.split()) > 1
                and abbreviates(inner, base)
            ):
                aliases.append(inner)
            s = base
        s = s.strip(" .:")
        if not s or re.search(r"[()%,;:<>|!?\"&\[\]{}^/°]|@$", s) or re.match(r"^[\d.]", s):
            return None
        if self.excluded("Metric", s):
            return None
        words = s.split()
        if (
            len(words) > 4
            or re.search(r"\b(?:on|of|for|in|at|over|per|vs)\b", s, re.I)
            and not re.search(r"intersection over union|error rate per|area under", s, re.I)
        ):
            return None
        tokens = [t.lower() for t in re.split(r"[\s/]+", s)]
        subtokens = {p for t in tokens for p in re.split(r"[-@]", t)} | set(tokens)
        if subtokens & METRIC_NOISE_TOKENS:
            return None
        if not (
            subtokens & METRIC_HEADS
            or any(
                re.fullmatch(
                    r"(?:m?ap|ap|r|p|hits?|ndcg|recall|"
                    r"precision|acc|mrr)@\d+[k%]?",
                    t,
                )
                for t in tokens
            )
        ):
            return None
        if len(words) == 1 and len(s) < 3 and s not in {"F1"}:
            return None
        if len(words) == 1 and s.lower() in {
            "error",
            "exact",
            "acc",
            "err",
            "coverage",
            "delta",
            "dice",
            "hit",
            "hits",
            "bits",
            "inception",
            "roc",
            "snr",
            "sad",
            "sq",
            "rq",
            "pq",
        }:
            return None
        if s.isupper() and len(words) > 1 and not all(is_abbreviation(w) for w in words):
            s = s.title()
        return s, aliases

    # -- methods -------------------------------------------------------------------------------
    def method(self, raw: str) -> tuple[str, list[str]] | None:
        s = clean_text(raw)
        for _ in range(3):
            s2 = METHOD_NOTE.sub("", s).strip(" *")
            if s2 == s:
                break
            s = s2
        if (
            not s
            or not s.isascii()
            or re.search(r"[+&,;:/\\|<>=@#()\[\]{}^\"'*]|\bw/|\bet al\b|http", s, re.I)
        ):
            return None
        if re.search(r"\b(?:19|20)\d\d[a-z]?\b|\d+bit\b|\bbit\b", s):
            return None
        if re.search(
            r"\b(?:with|and|of|on|for|the|by|baseline|model|models|layer|layers|"
            r"\d+[dDkKmM]|\d+-layer|depth|test|set|ensemble|single|dim|features?|"
            r"trained|data|augmentation|finetune|fine-tuned|v\d+|new|raw|our|my)\b",
            s,
            re.I,
        ):
            return None
        if "_" in s or not any(c.isupper() for c in s) or self.excluded("Method", s):
            return None
        words = s.split()
        if len(words) > 3 or len(s) < 3:
            return None
        if len(words) == 1:
            core = re.sub(r"[^A-Za-z]", "", s)
            if self.is_common(s) or self.is_common(core) or len(core) < 2:
                return None
            if s.isupper() and len(core) < 4:
                return None
            if not needs_exact_case(s):
                return None
        else:
            if not any(needs_exact_case(w) and not self.is_common(w) for w in words):
                return None
            if not all(needs_exact_case(w) or w[:1].isupper() or w.isdigit() for w in words):
                return None
        return s, []


# ---------------------------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------------------------


class Group:
    """One entity being assembled: its surface forms with counts and where they came from."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.forms: Counter = Counter()
        self.curated_name: str | None = None
        self.curated = False
        self.case_sensitive: bool | None = None
        self.preferred: set[str] = set()  # curated spellings, kept when others differ only in case

    def spelling_keys(self) -> set[str]:
        return {merge_key(f) for f in self.forms}


def group_candidates(label: str, candidates: list[tuple[str, list[str]]]) -> list[Group]:
    """Union of candidates that share a spelling key (name or alias)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    forms_by_root: dict[str, Counter] = defaultdict(Counter)
    for name, aliases in candidates:
        k = merge_key(name)
        find(k)
        for alias in aliases:
            union(k, merge_key(alias))
    for name, aliases in candidates:
        root = find(merge_key(name))
        forms_by_root[root][name] += 2  # names count more than aliases when choosing the display
        for alias in aliases:
            forms_by_root[root][alias] += 1
    groups = []
    for root in sorted(forms_by_root):
        group = Group(label)
        group.forms = forms_by_root[root]
        groups.append(group)
    return groups


def choose_name(group: Group) -> str:
    if group.curated_name:
        return group.curated_name

    def rank(form: str) -> tuple:
        title_like = form[:1].isupper()
        return (-group.forms[form], not title_like, "(" in form, len(form), form)

    return sorted(group.forms, key=rank)[0]


def finalise(group: Group, cleaner: Cleaner) -> dict:
    label = group.label
    name = choose_name(group)
    forms = set(group.forms)
    if label == "Dataset":
        for form in list(forms):
            forms |= spelling_variants(form)
    forms = {f for f in forms if f and (len(f) >= 3 or group.curated) and not f.endswith("-")}
    if group.case_sensitive is not None:
        case_sensitive = group.case_sensitive
    elif label in ("Dataset", "Method"):
        # names with capitals or digits ("Avazu", "BERT", "CIFAR-10") match exactly
        case_sensitive = any(c.isupper() or c.isdigit() for f in forms for c in f)
    elif label == "Metric":
        # exact when a spelling folds to a word ("MAP" -> "map") or when the metric is only an
        # acronym ("NDS": "nds" is a typo or a fragment far more often than the metric)
        folded = {f.lower() for f in forms if not needs_exact_case(f)}
        case_sensitive = any(
            needs_exact_case(f) and cleaner.is_common(f) and f.lower() not in folded for f in forms
        ) or (
            not any(is_plain_words(f) for f in forms)
            and all(re.fullmatch(r"[A-Z]{2,5}", f) for f in forms)
        )
    else:
        case_sensitive = False
    if case_sensitive:
        for form in list(forms):
            forms.update(case_variants(form))
        aliases = sorted(f for f in forms if f != name)
    else:
        seen = {name.lower()}
        aliases = []
        for form in sorted(
            forms,
            key=lambda f: (f not in group.preferred, f.lower() != f, -group.forms.get(f, 0), f),
        ):
            low = form.lower()
            if low in seen:
                continue
            # a folded alias must not turn into an ordinary word ("MAP" -> "map")
            if not group.curated and needs_exact_case(form) and not cleaner.distinctive_alias(form):
                continue
            seen.add(low)
            aliases.append(form)
        aliases.sort()
    return {
        "label": label,
        "name": name,
        "aliases": aliases,
        "case_sensitive": bool(case_sensitive),
        "source": "curated" if group.curated else "pwc-archive",
    }


# ---------------------------------------------------------------------------------------------
# Curated list
# ---------------------------------------------------------------------------------------------


def load_curated(path: Path) -> tuple[list[dict], dict[str, set[str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for label in LABELS:
        for item in data.get(label) or []:
            if isinstance(item, str):
                item = {"name": item}
            entries.append(
                {
                    "label": label,
                    "name": clean_text(item["name"]),
                    "aliases": [clean_text(a) for a in item.get("aliases") or []],
                    "case_sensitive": item.get("case_sensitive"),
                }
            )
    exclude = {
        label: {merge_key(clean_text(x)) for x in (data.get("exclude") or {}).get(label) or []}
        for label in LABELS
    }
    return entries, exclude


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def build(pwc: Path, curated_path: Path) -> list[dict]:
    raw = read_archive(pwc)
    vocab = build_vocabulary(raw["prose"])
    curated, exclude = load_curated(curated_path)
    cleaner = Cleaner(vocab, exclude)
    cleaners = {
        "Task": cleaner.task,
        "Dataset": cleaner.dataset,
        "Metric": cleaner.metric,
        "Method": cleaner.method,
    }

    candidates: dict[str, list[tuple[str, list[str]]]] = {label: [] for label in LABELS}
    for label in LABELS:
        for value in raw[label]:
            cleaned = cleaners[label](value)
            if cleaned:
                candidates[label].append(cleaned)
    for left, right in raw["synonyms"]:
        a, b = cleaner.task(left), cleaner.task(right)
        if a and b:
            candidates["Task"].append((a[0], [*a[1], b[0], *b[1]]))
        elif a or b:
            candidates["Task"].append(a or b)

    # pwc groups, then curated entries attached to the group sharing a key (curated wins)
    groups: dict[str, list[Group]] = {
        label: group_candidates(label, candidates[label]) for label in LABELS
    }
    curated_groups: list[Group] = []
    curated_keys: dict[str, str] = {}
    for item in curated:
        group = Group(item["label"])
        group.curated, group.curated_name = True, item["name"]
        group.case_sensitive = item["case_sensitive"]
        group.forms[item["name"]] += 1000
        for alias in item["aliases"]:
            group.forms[alias] += 1
        group.preferred = {item["name"], *item["aliases"]}
        for key in group.spelling_keys():
            if key in curated_keys:
                raise SystemExit(
                    f"curated key {key!r} used twice ({curated_keys[key]}, {item['name']})"
                )
            curated_keys[key] = item["name"]
        curated_groups.append(group)

    # index pwc groups by spelling key, then attach each curated entry to the groups it names
    index: dict[str, list[Group]] = defaultdict(list)
    for label in LABELS:
        for other in groups[label]:
            for key in other.spelling_keys():
                index[key].append(other)
    absorbed: set[int] = set()
    for group in curated_groups:
        keys = group.spelling_keys()
        touched = {id(o): o for key in sorted(keys) for o in index.get(key, [])}
        for other in touched.values():
            if id(other) in absorbed:
                continue
            if other.label == group.label:
                group.forms.update(other.forms)  # same entity: all its spellings join
                absorbed.add(id(other))
            else:
                # same name under another label: the curated label wins, the rest stays
                other.forms = Counter(
                    {f: c for f, c in other.forms.items() if merge_key(f) not in keys}
                )
    for label in LABELS:
        groups[label] = [g for g in groups[label] if id(g) not in absorbed and g.forms]

    # finalise: curated first, then pwc by label priority; a surface form belongs to one entry
    entries: list[dict] = []
    claimed: dict[str, str] = {}

    def claim(entry: dict, strict: bool) -> dict | None:
        forms = [entry["name"], *entry["aliases"]]
        if entry["name"].lower() in claimed:
            if strict:
                raise SystemExit(f"curated name clash: {entry['name']}")
            return None
        entry["aliases"] = [a for a in entry["aliases"] if a.lower() not in claimed]
        for form in forms:
            claimed.setdefault(form.lower(), entry["label"])
        return entry

    for group in curated_groups:
        entry = claim(finalise(group, cleaner), strict=True)
        entries.append(entry)
    for label in sorted(LABELS, key=lambda x: PRIORITY[x]):
        for group in sorted(groups[label], key=lambda g: choose_name(g)):
            entry = finalise(group, cleaner)
            if not entry["name"] or entry["name"].lower() in GENERIC_WORDS:
                continue
            entry = claim(entry, strict=False)
            if entry:
                entries.append(entry)

    # ids
    used: set[str] = set()
    for entry in sorted(entries, key=lambda e: (e["source"] != "curated", e["label"], e["name"])):
        prefix = "curated" if entry["source"] == "curated" else "pwc"
        base = f"{prefix}:{entry['label'].lower()}/{slug(entry['name'])}"
        ident, n = base, 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        entry["id"] = ident
    ordered = sorted(entries, key=lambda e: e["id"])
    return [
        {k: e[k] for k in ("id", "label", "name", "aliases", "case_sensitive", "source")}
        for e in ordered
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pwc",
        default="../shared/data/pwc-archive",
        help="Papers with Code archive folder (relative to the repo root)",
    )
    parser.add_argument("--curated", default="kg/extract/data/curated.yaml")
    parser.add_argument("--out", default="kg/extract/data/gazetteer.jsonl")
    args = parser.parse_args(argv)

    def resolve(path: str) -> Path:
        return Path(path) if os.path.isabs(path) else ROOT / path

    entries = build(resolve(args.pwc), resolve(args.curated))
    out = resolve(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as handle:
        for entry in entries:
            handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n")
    counts = Counter(e["label"] for e in entries)
    sources = Counter(e["source"] for e in entries)
    print(
        f"wrote {len(entries)} entries to {out} "
        f"({', '.join(f'{k} {counts[k]}' for k in LABELS)}; "
        f"{sources['curated']} curated, {sources['pwc-archive']} pwc-archive)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
