"""Graph-worthiness: is a paper-level entity a specific, nameable thing or a generic phrase?

`SegNet`, `ImageNet`, `BLEU`, `dropout`, `semantic segmentation` name things a researcher would
look up; `deep learning`, `encoder network`, `field data`, `Australia` do not. The call is made
per paper-level entity by rules where the evidence is decisive, else by a logistic regression:

0. `possessive`: a name ending in `'s` names an owner (`OpenAI's`, `Feature Finding Team's`);
   `device`: hardware or a vehicle by its head word (`GPUs`, `MCU`, `autonomous vehicles`,
   `kg.extract.entity_types.is_device`) or what one records (`LiDAR data`); `software`: a
   framework or library by name (`MindSpore`, `TensorFlow implementation`); `topic`: a disease
   or pathogen (`COVID-19`): none of the four types;
1. `proposed`: the paper introduces it (a coined name is never generic to its own paper);
2. `catalogue`: a Papers with Code or curated catalogue entry, or a Papers with Code task name
   of two words or more; a catalogue Method with a generic head word in more than 1% of real
   abstracts (`large language model`) is an umbrella term and goes to the model, judged as
   the recogniser alone would see it;
3. `name`: a coined name by its shape (`SegNet`, `OpenSWI-shallow`, `ResNet8`, `DS-CNN`,
   `X-Net`);
   `metric`: a Metric whose head word heads catalogue metric names (`downstream validation
   accuracy`, `success rate`; not `robustness`);
   `abbreviation`: a coined short form the paper defines (`... (ZCore)`), or a long form the
   paper abbreviates that real abstracts seldom use (`deep research (DR)`; `deep neural
   network (DNN)` is in thousands of abstracts and is left to the model);
   `reported` (decided after the results, `kg.extract.paper.promote_reported_metrics`): a
   Metric the paper reports a value for (`training time` cut by 50%, `inference latency` 3.1x
   lower) is a measure it evaluates with, whatever its head word;
4. `vague`: `kg.names.is_vague` (`our approach`, `performance`, single letters);
   `established`: a Method phrase of two words or more annotated as a Method in the full text
   of three or more SciREX-train papers, head word not generic, no umbrella term (`gradient
   descent`, `max pooling`, `k-means clustering`); a name whose generic head words
   (`algorithm`, `layer`, `techniques`) and plain modifiers (`deep`, `vanilla`) leave a
   catalogue name of its type or such a technique is kept under that shorter name
   (`knowledge distillation techniques` → `knowledge distillation`, `deep Transformer
   blocks` → `Transformer`; the paper's entities that come to one name are then one);
   `title-task`: a Task of two words or more the title names, head word not generic, no
   umbrella term (`Solar Event Tracking with Deep Regression Networks`), without the praise
   before it (`Effective Reward Modeling` → `Reward Modeling`);
5. `model`: the regression over the features of `features()`: how often the phrase occurs in
   real abstracts and how often capitalised there (document frequency over 50k arXiv and ACL
   abstracts: `neural networks` is in thousands, `SegNet` in a handful), how common its words
   are in general English (`Australia`, `English`, `CPU`), its shape (capitals, digits,
   CamelCase, a plural or `data` head), its label and recogniser.

The weights, threshold and feature statistics are `data/worthiness.json.gz`, rebuilt by
`scripts/train_worthiness.py`: a phrase salient in a SciREX-train paper is positive wherever it
occurs, frequent phrases of real abstracts that no catalogue or salient list names are negatives.
SciREX-dev papers (`int(sha1(id), 16) % 5 == 0`) are kept out for evaluation.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from kg.extract.entity_types import is_code_pair, is_device, is_language
from kg.names import fold, is_setting, is_vague, singular

MODEL_PATH = Path(__file__).parent / "data" / "worthiness.json.gz"
WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")
LABELS = ("Method", "Dataset", "Metric", "Task")
SOURCES = ("gazetteer", "abbreviation", "ner", "pattern")
# head nouns of descriptions rather than names (`encoder network`, `field data`)
GENERIC_HEAD_WORDS = frozenset("""
approach method model network architecture system framework algorithm technique data dataset
information feature representation module mechanism strategy scheme process pipeline tool
learning training inference analysis study problem task setting application domain structure
function layer space memory performance quality capability ability result baseline variant
solution design component signal sample example image text sequence graph
""".split())


def phrase_key(text: str) -> str:
    """The key of the document-frequency table: lower-case words, each singular
    (`Neural Networks` → `neural network`, `Sentinel-2` → `sentinel 2`)."""
    return " ".join(singular(word) for word in WORD.findall(fold(text).lower()))


@dataclass(frozen=True, slots=True)
class Worthiness:
    generic: bool
    score: float  # probability that the entity names a specific thing
    rule: str  # proposed | catalogue | abbreviation | vague | model | ...
    core: str | None = None  # the name without generic head words, where that name decided

    def to_dict(self) -> dict:
        return {"generic": self.generic, "score": round(self.score, 3), "rule": self.rule}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the paper says about one entity, beside its name."""

    label: str
    source: str  # the recogniser of most of its mentions
    in_catalogue: bool
    proposed: bool
    coined_abbreviation: bool  # the paper defines a name-shaped short form for it
    defined: bool  # it takes part in an abbreviation definition at all
    mentions: int
    in_title: bool


class WorthinessModel:
    """Feature statistics and regression weights, loaded from `worthiness.json.gz`."""

    def __init__(self, data: dict) -> None:
        self.documents = data["documents"]
        self.phrases: dict[str, tuple[int, int, int]] = {
            key: tuple(value) for key, value in data["phrases"].items()}  # df, mid, upper
        self.english: dict[str, float] = data["english"]  # word → Zipf frequency
        self.names: list[str] = data["features"]
        self.weights: list[float] = data["weights"]
        self.mean: list[float] = data["mean"]
        self.scale: list[float] = data["scale"]
        self.threshold: float = data["threshold"]
        # Papers with Code task names of two words or more (`dimensionality reduction`,
        # `gaussian process`): the gazetteer matches only the unambiguous ones
        self.task_names: frozenset[str] = frozenset(data.get("task_names", ()))
        self.rare_df: int = data.get("rare_df", 50)
        # a catalogue Method with a generic head in more than this share of real abstracts is an
        # umbrella term (`large language model`), judged by the model like any phrase
        self.umbrella: float = data.get("umbrella", 0.01)
        # label → phrase keys annotated with that label in the full text of several SciREX-train
        # papers, head word not generic: established techniques (`max pooling`, `beam search`)
        self.established: dict[str, frozenset[str]] = {
            label: frozenset(keys) for label, keys in data.get("established", {}).items()}

    def umbrella_term(self, name: str) -> bool:
        words = phrase_key(name).split()
        return bool(words) and words[-1] in GENERIC_HEAD_WORDS and \
            self.document_frequency(name) >= self.umbrella * self.documents

    def document_frequency(self, name: str) -> int:
        return self.phrases.get(phrase_key(name), (0, 0, 0))[0]

    def features(self, name: str, evidence: Evidence) -> dict[str, float]:
        return features(name, evidence, self.phrases, self.english, self.documents)

    def probability(self, name: str, evidence: Evidence) -> float:
        values = self.features(name, evidence)
        z = sum(w * (values[n] - m) / s for n, w, m, s
                in zip(self.names, self.weights[1:], self.mean, self.scale)) + self.weights[0]
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def features(name: str, evidence: Evidence, phrases: dict, english: dict,
             documents: int) -> dict[str, float]:
    """The model's inputs for one entity, every value in about 0..1."""
    key = phrase_key(name)
    words = key.split()
    df, mid, upper = phrases.get(key, (0, 0, 0))
    tokens = fold(name).replace("-", " ").split()
    zipfs = [english.get(word, 0.0) for word in words if word.isalpha()] or [0.0]
    head = words[-1] if words else ""
    log_df = math.log1p(df) / math.log1p(documents)
    lowercase_share = (mid - upper) / mid if mid else 0.0
    head_df = phrases.get(head, (0, 0, 0))[0] if len(words) > 1 else df
    return {
        "log_df": log_df,
        # umbrella terms fill a few percent of all abstracts (`deep learning`, `neural network`)
        "df_share": min(1.0, df / documents / 0.02),
        "lowercase_frequent": lowercase_share * log_df,
        "capitalised_frequent": (upper / mid if mid else 0.0) * log_df,
        "head_log_df": math.log1p(head_df) / math.log1p(documents),
        # how much of its head word's use the phrase is (`semantic segmentation` of
        # `segmentation`) against a description (`inference memory` of `memory`)
        "specificity": math.log1p(df) / math.log1p(head_df) if head_df else 0.0,
        "unseen": float(df == 0),
        "capitalised_in_corpus": upper / mid if mid else 0.0,
        "lowercase_in_corpus": (mid - upper) / mid if mid else 0.0,
        "english_max": max(zipfs) / 8,
        "english_min": min(zipfs) / 8,
        "english_one_word": zipfs[0] / 8 if len(words) == 1 else 0.0,
        "has_digit": float(any(c.isdigit() for c in name)),
        "inner_capital": float(any(any(c.isupper() for c in t[1:]) and not t.isupper()
                                   for t in tokens)),
        "all_caps_token": float(any(t.isupper() and sum(c.isalpha() for c in t) >= 2
                                    for t in tokens)),
        "title_case": float(bool(tokens) and all(t[:1].isupper() for t in tokens)),
        # `Deep Neural Networks` capitalised here, lower case in real abstracts
        "title_case_usually_lower": float(bool(tokens) and all(t[:1].isupper() for t in tokens))
        * lowercase_share,
        "lowercase": float(name == name.lower()),
        "words": min(len(words), 6) / 6,
        "generic_head": float(head in GENERIC_HEAD_WORDS),
        # `neural networks`, `NLP tasks`, `labeled data`: a class or a mass, not one thing
        "plural_head": float(len(tokens) > 0 and tokens[-1].lower() != singular(tokens[-1].lower())
                             and not tokens[-1][:-1].isupper()),
        "data_head": float(head in ("data", "information", "datum") and len(words) > 1),
        "catalogue": float(evidence.in_catalogue),
        "proposed": float(evidence.proposed),
        "coined_abbreviation": float(evidence.coined_abbreviation),
        "defined": float(evidence.defined),
        "mentions": min(evidence.mentions, 8) / 8,
        "in_title": float(evidence.in_title),
        "vague": float(is_vague(name)),
        **{f"label_{label}": float(evidence.label == label) for label in LABELS},
        **{f"source_{source}": float(evidence.source == source) for source in SOURCES},
    }


# coined names: CamelCase (`SegNet`, `OpenSWI`, `CoLa`) or letters with a capital then a number
# (`ResNet8`, `GPT-4`, `FP16`); short forms in capitals (`CPU`, `DNNs`) are left to the model
CAMEL = re.compile(r"^[A-Za-z]*[a-z][A-Z][A-Za-z0-9]*$|^[A-Z]{2,}[a-z]+[A-Za-z0-9]*$")
NUMBERED = re.compile(r"^[A-Za-z]*[A-Z][A-Za-z]*-?\d[\w.]*$")
PLURAL_SHORT_FORM = re.compile(r"^[A-Z]{2,}s$")
# hyphenated names with a short form in them (`DS-CNN`, `NASA-QA`, `IU-Net`) or a `-Net`
# (`X-Net`, `U-Net`); not compounds of words (`Encoder-Decoder`, `Self-Attention`)
HYPHEN_NAME = re.compile(r"^(?=[^-]*-)(?=.*(?:^|-)[A-Z]{2,}(?:-|$))[A-Z0-9][A-Za-z0-9]*"
                         r"(?:-[A-Z0-9][A-Za-z0-9]*)+$|^[A-Z]-Net[A-Za-z0-9]*$")
# `AI-Driven`, `LLM-Based`, `GPU-Accelerated` (a title-cased description, not a name)
DESCRIBING_PART = re.compile(r"^[A-Z][a-z]+ed$|^(?:Based|Free|Aware|Like|Level|Scale|Specific|"
                             r"Only|Style|Wise|Agnostic|Centric|Friendly|Ready|Intensive|Oriented|"
                             r"Efficient|Native|Centered|Driven|Powered|Grounded)$")
NOT_COINED = frozenset({"IoT", "PhD", "PhDs", "LaTeX", "GitHub", "YouTube", "OpenAI", "DeepMind",
                        "JavaScript", "PyTorch", "TensorFlow", "iPhone", "McDonald"})


def coined_name(name: str) -> bool:
    """`SegNet`, `OpenSWI-shallow`, `ResNet8`: a token shaped as no English word is."""
    for token in re.split(r"[\s/]+", fold(name)):
        token = token.strip("()[],;:")
        if token in NOT_COINED or token.endswith(("'s", "’s")):
            continue
        if NUMBERED.match(token) or (
                HYPHEN_NAME.match(token) and not is_code_pair(token)
                and not any(DESCRIBING_PART.match(part) for part in token.split("-"))):
            return True
        if any(CAMEL.match(part) and not PLURAL_SHORT_FORM.match(part)
               and part not in NOT_COINED for part in token.split("-")):
            return True
    return False


# `CRAFT corpus`, `NOIZEUS database`, `PDTB data set`: a name before the noun for a dataset
DATASET_NAME = re.compile(r"^(?P<name>.+?)\s+(?:corpus|corpora|datasets?|data\s+sets?|benchmarks?|"
                          r"treebanks?|databases?)$", re.IGNORECASE)
# capitalised short forms of fields and tasks: `NLP datasets`, `QA benchmarks` describe data
FIELD_SHORT_FORMS = frozenset({"sota", "ai", "ml", "nlp", "cv", "nlu", "nlg", "qa", "mt", "ner",
                               "rl", "asr", "tts", "llm", "llms", "dl", "ir", "kg", "vqa", "ocr"})


def named_dataset(name: str) -> bool:
    """A name shaped as no English word, then a word for a dataset: `CRAFT corpus`, `NOIZEUS
    database`, `ECB+ corpus` (capitals of three letters or more, or a coined shape); not
    `NLP datasets` or `QA benchmarks`, short forms of what the data is for."""
    found = DATASET_NAME.match(name.strip())
    if not found:
        return False
    for word in found.group("name").split():
        bare = word.rstrip("+")  # `ECB+`
        if bare.lower() in FIELD_SHORT_FORMS or not (
                coined_name(word) or (len(bare) >= 3 and bare.isupper() and bare.isalpha())):
            return False
    return True


POSSESSIVE = re.compile(r"['’]s$")
# deep-learning frameworks, libraries and languages: what a method is written in, not a method
SOFTWARE = frozenset({
    "tensorflow", "pytorch", "keras", "caffe", "caffe2", "mxnet", "jax", "mindspore",
    "paddlepaddle", "theano", "torch", "scikit learn", "sklearn", "numpy", "scipy", "cuda",
    "cudnn", "onnx", "tensorrt", "opencv", "matlab", "weka", "hugging face", "huggingface",
    "python", "java", "c++", "julia", "docker", "kubernetes", "hadoop", "apache spark"})
SOFTWARE_HEADS = ("implementation", "library", "framework", "toolkit", "toolbox", "code")
# diseases and pathogens papers are about (`COVID-19`, shaped like a model name): topics, none
# of the four types
TOPICS = frozenset(phrase_key(name) for name in (
    "COVID-19", "COVID", "SARS-CoV-2", "coronavirus", "COVID-19 pandemic", "HIV", "Ebola", "Zika",
    "influenza", "H1N1", "MERS", "mpox"))


DATA_HEADS = ("data", "imagery", "images", "scans", "measurements", "recordings", "readings",
              "signals", "point clouds", "streams")
# imaging and recording modalities: a kind of data a method reads (`fMRI`, `EEG signals`,
# `CT scans`), no named dataset, method or task
MODALITIES = frozenset(phrase_key(name) for name in (
    "MRI", "fMRI", "sMRI", "rs-fMRI", "functional MRI", "resting-state fMRI",
    "magnetic resonance imaging", "functional magnetic resonance imaging", "CT",
    "computed tomography", "PET", "positron emission tomography", "SPECT", "EEG",
    "electroencephalography", "electroencephalogram", "MEG", "magnetoencephalography", "ECoG",
    "electrocorticography", "ECG", "EKG", "electrocardiogram", "electrocardiography", "EMG",
    "electromyography", "fNIRS", "PPG", "photoplethysmography", "X-ray", "ultrasound",
    "optical coherence tomography", "OCT", "diffusion tensor imaging"))


def without_data_head(name: str) -> tuple[str, bool]:
    """The name without a last word for data (`LiDAR data` → `LiDAR`), and whether it had one."""
    words = name.strip()
    for head in DATA_HEADS:
        if words.lower().endswith(" " + head):
            return words[:-len(head)].strip(), True
    return words, False


def is_modality(name: str) -> bool:
    """`functional Magnetic Resonance Imaging`, `EEG signals`, `CT scans`: a modality, bare or
    with the word for its data."""
    return phrase_key(without_data_head(name)[0]) in MODALITIES


def is_device_data(name: str) -> bool:
    """`LiDAR data`, `radar signals`, `smartphone sensor readings`: what a kind of device
    records, no named dataset (`Sentinel-2 data` names a satellite mission's product)."""
    core, had_head = without_data_head(name)
    return had_head and is_device(core)


def is_software(name: str) -> bool:
    """`MindSpore`, `TensorFlow implementation`, `Caffe`: a framework or library by name."""
    words = fold(name).lower().replace("-", " ").split()
    while len(words) > 1 and words[-1].rstrip("s") in SOFTWARE_HEADS:
        words.pop()
    return " ".join(words) in SOFTWARE


def title_task(name: str, evidence: Evidence, model: WorthinessModel) -> bool:
    """A Task of two words or more that the title names (`Solar Event Tracking`, `Geological
    Mapping`): what the paper is about, unless a generic head or an umbrella term."""
    words = phrase_key(name).split()
    return evidence.label == "Task" and evidence.in_title and len(words) >= 2 and \
        words[-1] not in GENERIC_HEAD_WORDS and \
        model.document_frequency(name) < model.umbrella * model.documents


# what a title says of its task to praise the paper's way of doing it (`Effective Reward
# Modeling`, `Efficient Neural Inference`), not part of the task's name
PRAISE = frozenset({"effective", "efficient", "robust", "improved", "scalable", "fast", "faster",
                    "accurate", "better", "practical", "reliable", "simple", "improving",
                    "towards", "toward"})


def without_praise(name: str) -> str | None:
    """The task a title names without the praise before it, where that leaves two words or
    more (`Effective Reward Modeling` → `Reward Modeling`); else None."""
    words = name.split()
    while len(words) > 2 and words[0].lower() in PRAISE:
        words.pop(0)
    return " ".join(words) if len(words) < len(name.split()) else None


def is_common_phrase(name: str) -> bool:
    """A phrase in more than the umbrella share of real abstracts (`deep learning`, 4%)."""
    model = load_model()
    return model is not None and model.document_frequency(name) >= model.umbrella * model.documents


def unnamed_contribution(name: str) -> bool:
    """`a lightweight approach`, `sampling strategies`, `unified framework`: what a paper
    proposes without naming it, lower case words under a generic head; the other rules and
    the model judge it like any phrase."""
    words = phrase_key(name).split()
    return name == name.lower() and len(words) > 0 and words[-1] in GENERIC_HEAD_WORDS


@lru_cache(maxsize=1)
def catalogue_name_labels() -> dict[str, frozenset[str]]:
    """Catalogue name key → the labels of the entries that have that name or alias."""
    from kg.extract.gazetteer import load_gazetteer
    from kg.names import name_key

    labels: dict[str, set[str]] = {}
    for entry in load_gazetteer():
        for name in [entry["name"], *entry.get("aliases", ())]:
            labels.setdefault(name_key(name), set()).add(entry["label"])
    labels.pop("", None)
    return {key: frozenset(found) for key, found in labels.items()}


# heads a name takes in prose that say no more than the name (`Transformer LLMs`, `Transformer
# blocks`, `commonsense reasoning benchmarks`), stripped like the generic head words when
# looking for the name inside a phrase
CORE_HEADS = GENERIC_HEAD_WORDS | {"block", "llm", "net", "benchmark"}
# modifiers before a name that say how big or how plain it is (`deep Transformer blocks`,
# `vanilla LSTM`), not which thing it is
CORE_MODIFIERS = frozenset({
    "deep", "deeper", "very", "stacked", "vanilla", "standard", "plain", "simple", "basic",
    "classic", "classical", "conventional", "traditional", "modern", "popular", "original"})


def named_core(name: str, label: str, model: WorthinessModel | None) -> tuple[str, str] | None:
    """(the name without its generic head words and plain modifiers, `catalogue` or
    `established`) when that is a catalogue name of the same type or an established technique
    (`Back-Propagation training algorithm` → `Back-Propagation`, `deep Transformer blocks` →
    `Transformer`) and no umbrella term (`deep convolutional neural network` stays to the
    model: `convolutional neural network` is in 2% of real abstracts); else None."""
    words = name.split()
    while len(words) > 1 and phrase_key(words[-1]) in CORE_HEADS:
        words.pop()
    while len(words) > 1 and words[0].lower() in CORE_MODIFIERS:
        words.pop(0)
    if len(words) == len(name.split()) or model is None:
        return None
    core = " ".join(words)
    frequent = model.document_frequency(core) >= model.umbrella * model.documents
    if model.umbrella_term(core) or (core == core.lower() and " " not in core and frequent):
        return None  # an umbrella term, or a frequent lower-case word (`map`, `parsing`)
    if catalogue_name(core, label, model):
        return core, "catalogue"
    if phrase_key(core) in model.established.get(label, ()):
        return core, "established"
    headless = len(words) < len(name.split()) and phrase_key(name.split()[-1]) in CORE_HEADS
    if headless and len(words) >= 3 and catalogue_name(" ".join(words[1:]), label, model) and \
            not model.umbrella_term(" ".join(words[1:])):
        # one word more before a catalogue name in a description (`multi-source
        # retrieval-augmented generation baselines`): the name is what the paper uses
        return " ".join(words[1:]), "catalogue"
    return None


def catalogue_name(name: str, label: str, model: WorthinessModel) -> bool:
    """A name the catalogue gives this type, or for a Task one of the archive's task names."""
    from kg.names import name_key

    return label in catalogue_name_labels().get(name_key(name), ()) or (
        label == "Task" and phrase_key(name) in model.task_names)


# head words a paper puts after its own name (`2D Matryoshka embedding models`, `Starbucks
# training approach`); `embedding` and `training` describe, `Matryoshka` names
NAMED_HEADS = CORE_HEADS | {"embedding", "training", "recipe", "objective", "loss", "family"}
RARE_WORD = 3.5  # Zipf frequency under which a capitalised word is no everyday English
ESTABLISHED_PAIR = 10  # abstracts of the corpus that use a word pair for it to be a compound


def coined_core(name: str, model: WorthinessModel | None) -> str | None:
    """The name a paper's description is built on, where that is a rare proper word or a
    coined one: `2D Matryoshka embedding models` → `2D Matryoshka`, `Starbucks models` →
    `Starbucks`; None for descriptions of common words (`Memory Networks`, `Deep Networks`),
    for comparisons (`Matryoshka-like models`) and where no head word was dropped. Whether
    the core is a name the paper gives is decided by `kg.extract.paper.promote_named_cores`
    (repetition, the title), not here."""
    if model is None:
        return None
    words = name.split()
    while len(words) > 1 and phrase_key(words[-1]) in NAMED_HEADS:
        if phrase_key(words[-2]) not in NAMED_HEADS and model.document_frequency(
                f"{words[-2]} {words[-1]}") >= ESTABLISHED_PAIR:
            break  # `Gaussian process`, `multitask learning`: the head belongs to the name
        words.pop()
    while len(words) > 1 and words[0].lower() in CORE_MODIFIERS:
        words.pop(0)
    if len(words) == len(name.split()) or len(words) > 3:
        return None
    if DESCRIBING_PART.match(words[-1].rsplit("-", 1)[-1].capitalize()) or \
            words[-1].lower().endswith(("-like", "-based", "-style", "-inspired")):
        return None
    return " ".join(words) if any(coined_name(word) or proper_word(word, model)
                                  for word in words) else None


def proper_word(word: str, model: WorthinessModel) -> bool:
    """A capitalised word of four letters or more that is no everyday English word and that
    real abstracts capitalise mid-sentence when they use it at all (`Matryoshka`, `Gaussian`;
    not `Annotation`, `Multitask`, `Deconvolution`)."""
    if not (word[:1].isupper() and word.isalpha() and len(word) >= 4) or \
            model.english.get(word.lower(), 0.0) >= RARE_WORD:
        return False
    _, mid, upper = model.phrases.get(phrase_key(word), (0, 0, 0))
    return mid < 5 or upper >= mid / 2


@lru_cache(maxsize=1)
def metric_heads() -> frozenset[str]:
    """Head words of three or more catalogue metric names (`accuracy`, `score`, `error`,
    `rate`, `precision`): `downstream validation accuracy` is a measure, `robustness` a quality."""
    from kg.extract.gazetteer import load_gazetteer

    heads: dict[str, int] = {}
    for entry in load_gazetteer():
        if entry["label"] == "Metric":
            for name in [entry["name"], *entry.get("aliases", ())]:
                words = phrase_key(name).split()
                if words and words[-1].isalpha() and len(words[-1]) > 1:
                    heads[words[-1]] = heads.get(words[-1], 0) + 1
    return frozenset(word for word, count in heads.items() if count >= 3) - {"test", "lexicon"}


def worthiness_of_reported(worthiness: dict) -> dict | None:
    """The worthiness of a generic Metric the paper reports a value for (`reported`, judged
    after the results): a measure it evaluates with (`inference latency` 3.1x lower); None
    where a rule that no value overrules made it generic (vague, possessive, device,
    software, topic, modality, language, setting)."""
    if worthiness.get("rule") in ("vague", "possessive", "device", "software", "topic", "modality",
                                  "language", "setting"):
        return None
    return {"generic": False, "score": round(max(worthiness.get("score", 0.0), 0.7), 3),
            "rule": "reported"}


def is_task_name(name: str) -> bool:
    """A task name of the catalogue or of the Papers with Code archive (`keyword spotting`)."""
    from kg.names import name_key

    model = load_model()
    if model is None:
        return "Task" in catalogue_name_labels().get(name_key(name), ())
    return catalogue_name(name, "Task", model)


def kept_on_request(entity: dict) -> bool:
    """Whether a generic entity of an extraction record becomes a node under `--keep-generic`:
    every one but the vague (`our approach`), which never does."""
    return (entity.get("worthiness") or {}).get("rule") != "vague"


@lru_cache(maxsize=2)
def load_model(path: str = str(MODEL_PATH)) -> WorthinessModel | None:
    """The shipped model, or None when its file is absent (every entity is then kept)."""
    if not Path(path).is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return WorthinessModel(json.load(handle))


def judge(name: str, evidence: Evidence, model: WorthinessModel | None = None) -> Worthiness:
    """Rules first (proposed, catalogue, abbreviation, vague), then the model."""
    model = model or load_model()
    score = model.probability(name, evidence) if model else 1.0
    if POSSESSIVE.search(name):  # `OpenAI's`, `Feature Finding Team's (FFT)`: an owner
        return Worthiness(True, min(score, 0.1), "possessive")
    if is_device(name) or is_device_data(name):
        return Worthiness(True, min(score, 0.1), "device")
    if is_software(name):
        return Worthiness(True, min(score, 0.1), "software")
    if phrase_key(name) in TOPICS:
        return Worthiness(True, min(score, 0.1), "topic")
    if is_modality(name):
        return Worthiness(True, min(score, 0.1), "modality")
    if is_language(name):
        return Worthiness(True, min(score, 0.1), "language")
    if evidence.label == "Metric" and is_setting(name):  # `learning rate`: set, not measured
        return Worthiness(True, min(score, 0.1), "setting")
    if evidence.proposed and not unnamed_contribution(name):
        return Worthiness(False, max(score, 0.9), "proposed")
    if evidence.in_catalogue and evidence.label == "Method" and model and \
            model.umbrella_term(name):
        # an umbrella term the catalogue lists (`large language model`, in 6% of abstracts) is
        # judged as the recogniser alone would see it, as catalogue names are in training
        evidence = replace(evidence, in_catalogue=False, source=(
            "ner" if evidence.source == "gazetteer" else evidence.source))
        score = model.probability(name, evidence)
    if evidence.in_catalogue:
        return Worthiness(False, max(score, 0.9), "catalogue")
    if model and phrase_key(name) in model.task_names:
        return Worthiness(False, max(score, 0.8), "catalogue")
    if evidence.coined_abbreviation:
        return Worthiness(False, max(score, 0.8), "abbreviation")
    if coined_name(name):
        return Worthiness(False, max(score, 0.7), "name")
    if evidence.label == "Metric" and not is_vague(name) and \
            phrase_key(name).split()[-1:] and phrase_key(name).split()[-1] in metric_heads():
        return Worthiness(False, max(score, 0.7), "metric")
    if evidence.defined and model and " " in name.strip() and \
            model.document_frequency(name) < model.rare_df:
        return Worthiness(False, max(score, 0.7), "abbreviation")
    if is_vague(name):
        return Worthiness(True, min(score, 0.1), "vague")
    if model and phrase_key(name) in model.established.get(evidence.label, ()):
        return Worthiness(False, max(score, 0.7), "established")
    if model and title_task(name, evidence, model):
        return Worthiness(False, max(score, 0.7), "title-task", without_praise(name))
    found = named_core(name, evidence.label, model)
    if found:  # `backpropagation algorithm`, `max pooling layer`: a known name, a generic head
        return Worthiness(False, max(score, 0.7), found[1], found[0])
    if evidence.label == "Dataset" and named_dataset(name):  # `CRAFT corpus`
        return Worthiness(False, max(score, 0.7), "name")
    if model is None:
        return Worthiness(False, score, "no-model")
    return Worthiness(score < model.threshold, score, "model")
