"""Dataset, Method or Task: the type of a paper-level entity from the words around its mentions.

The recogniser's label is a vote per mention; stronger evidence overrides it, first match wins:
the catalogue's type (a gazetteer mention); the name's own head noun (`OpenSWI-real benchmark`,
`Surface Wave Inversion Dataset`); the title's description of a name before its colon
(`OpenSWI: A Massive-Scale Benchmark Dataset for ...`); an apposition or head noun after a
mention (`OpenSWI, a comprehensive benchmark dataset`, `the LiveDRBench benchmark`, `Sentinel-2
data`); a noun right before it (`a challenging benchmark LiveDRBench`); the verb frame of a
name-shaped mention (`trained on X`, `evaluated on X`, `experiments on X`).
"""

from __future__ import annotations

import re

DATASET_NOUNS = r"(?:benchmark|dataset|data set|corpus|corpora|suite|treebank|database|collection)"
DATASET_HEAD = re.compile(rf"(?:\b{DATASET_NOUNS}s?|[a-z0-9](?:Bench|Corpus|DB))$", re.I)
TITLE_DATASET = re.compile(rf"^\s*(?:an?\s+|the\s+)?(?:[\w-]+\s+){{0,4}}{DATASET_NOUNS}s?\b", re.I)
# `INDUS, a comprehensive suite of LLMs`: a collection of models is no dataset
MODEL_NOUNS = (r"(?:models?|LLMs?|methods?|algorithms?|tools?|networks?|agents?|approaches|"
               r"techniques|architectures?|encoders?)\b")
AFTER_DATASET = re.compile(
    rf"^(?:\s*(?:,|:|\(|--|—|-)?\s*(?:an?|the|our|which is an?|is an?)\s+(?:[\w-]+,?\s+){{0,4}}"
    rf"|\s+(?:(?:real|remote sensing|satellite|image|imagery|multispectral)\s+)?)"
    rf"{DATASET_NOUNS}s?\b(?!\s+of\s+(?:[\w-]+\s+){{0,3}}{MODEL_NOUNS})"
    r"|^\s+(?:data|imagery|images)\b", re.I)
# `datasets namely, CLIMATE-CHANGE-NER (entity-recognition), NASA-QA (extractive QA) and NASA-IR`:
# the noun before a list of names types each of them
LISTED_NAME = r"(?-i:[A-Z][\w.-]*[A-Z0-9][\w.-]*)(?:\s*\([^()]{0,40}\))?\s*(?:,\s*and|,|and)\s*"
BEFORE_DATASET = re.compile(rf"\b{DATASET_NOUNS}s?\s*[,:]?\s*(?:called|named|dubbed|namely)?"
                            rf"\s*,?\s*(?:{LISTED_NAME}){{0,4}}$", re.IGNORECASE)
DATASET_FRAME = re.compile(
    r"\b(?:(?:trained|evaluated|tested|validated|benchmarked|pre-?trained|fine-?tuned)"
    r"(?:\s+\w+){0,2}\s+(?:on|over|using)|experiments?\s+on|results\s+on|performance\s+on|"
    r"accuracy\s+on)\s+(?:the\s+|both\s+|several\s+)?$", re.I)
TASK_HEAD = re.compile(r"\b(?:task|tasks|problem|problems)$", re.I)
# hardware, sensors and vehicles: things a method runs on, reads or steers, none of the four
# types (`GPUs`, `CPU`, `MCU-class devices`, `AUV`, `autonomous vehicles`, `LiDAR`); the head
# word decides, so `UAV-based Perception Dataset` and `GPU kernel fusion` keep their own heads
# (a `PID controller` or `parameter server` is a method: no bare controller or server here)
DEVICE_HEAD = re.compile(
    r"(?:^|[\s/-])(?:[GCTN]PUs?|FPGAs?|ASICs?|MCUs?|A?UAVs?|AUVs?|SoCs?|microcontrollers?"
    r"|(?:micro)?processors?|chips?|hardware|vehicles?|drones?|smartphones?|phones?|laptops?"
    r"|devices?|LiDARs?|radars?|sensors?|cameras?)$", re.I)


# language codes (ISO 639-1 and the three-letter ones NLP papers write) and licence parts
LANGUAGE_CODES = frozenset("""
EN DE FR ES IT PT NL ZH JA KO RU AR HI TR CS PL FI ET LV LT RO HU EL BG UK HE FA UR BN TA TE
GU KK NE SI KM PS MY VI TH ID MS SW YO HA IG ZU XH AM SO SV DA NO IS GA CY EU CA GL HR SR SL SK
ENG SPA DEU GER FRA FRE ZHO CHI JPN KOR RUS ARA HIN TUR POR ITA NLD MSA EGY LEV GLF MAG
""".split())
LICENCE_PARTS = frozenset({"CC", "BY", "SA", "NC", "ND"})
# languages by name: a language, a variety of one or a language pair is the subject matter of a
# paper, no dataset (`Modern Standard Arabic`, `American English`, `German-to-English`)
LANGUAGE_NAMES = frozenset("""
english arabic chinese mandarin cantonese hindi urdu bengali bangla spanish french german italian
portuguese russian japanese korean turkish persian farsi swahili vietnamese thai indonesian malay
dutch polish czech greek hebrew tamil telugu marathi gujarati punjabi kannada malayalam nepali
sinhala amharic yoruba hausa igbo zulu xhosa finnish estonian hungarian romanian bulgarian
ukrainian serbian croatian slovenian slovak danish swedish norwegian icelandic irish welsh basque
catalan galician latin sanskrit tagalog filipino burmese khmer lao pashto kurdish uzbek kazakh
mongolian tibetan uyghur quechua guarani maltese albanian armenian georgian azerbaijani latvian
lithuanian bambara wolof somali tigrinya oromo kinyarwanda afrikaans javanese sundanese yiddish
""".split())
LANGUAGE_SEPARATORS = re.compile(r"[\s\-–—→/]+|\b(?:to|and|or)\b", re.IGNORECASE)


def is_language(name: str) -> bool:
    """`Modern Standard Arabic`, `American English`, `German-to-English`, `Hindi and Urdu`: a
    language, a variety of one (up to two plain words before it) or languages joined; not a
    corpus, task or system that names one (`WMT 2019 Chinese-English`, `Segmentation of
    Japanese`, `International Corpus of Learner English`)."""
    words = [w for w in LANGUAGE_SEPARATORS.split(name.lower()) if w]
    if not words or words[-1] not in LANGUAGE_NAMES:
        return False
    others = [w for w in words if w not in LANGUAGE_NAMES]
    return len(others) <= 2 and len(words) <= 4 and all(
        w.isalpha() and w not in {"of", "in", "for", "on", "with", "from", "by"} for w in others)


def is_code_pair(token: str) -> bool:
    """`EN-DE`, `ENG-SPA`, `MSA-EGY`, `CC-BY-SA`: language pairs and licences, no names."""
    parts = token.upper().split("-")
    return len(parts) > 1 and (all(part in LANGUAGE_CODES for part in parts)
                               or all(part in LICENCE_PARTS for part in parts))


def name_shaped(text: str) -> bool:
    """Capitals after the first letter or digits, not a plural short form: frames only type
    such names (`trained on GPUs` is a frame too, but `GPUs` is no dataset)."""
    if re.fullmatch(r"[A-Z]{2,}s", text):  # `GPUs`, `LLMs`: a class of things
        return False
    return any(c.isdigit() for c in text) or any(c.isupper() for c in text[1:])


def is_device(name: str) -> bool:
    """`GPUs`, `MCU`, `autonomous vehicles`, `edge devices`: hardware or a vehicle by its head
    word."""
    return bool(DEVICE_HEAD.search(name.strip()))


DATASET_NOUN = re.compile(rf"\b{DATASET_NOUNS}", re.IGNORECASE)
DATASET_WORDS = ("benchmark", "data", "corpus", "corpora", "suite", "treebank", "collection")


def before_dataset(before: str) -> bool:
    """BEFORE_DATASET, tried only from each dataset noun (a search from every position of the
    context cost 7% of the extraction's time)."""
    lower = before.lower()
    if not any(word in lower for word in DATASET_WORDS):
        return False
    return any(BEFORE_DATASET.match(before, found.start())
               for found in DATASET_NOUN.finditer(before))


# evaluation campaigns and shared tasks by their year or edition (`SemEval-2017`, `CoNLL-2003`,
# `WMT14`): the data of a campaign, a Dataset, unless named as its task (`SemEval-2020 Task`)
CAMPAIGN = re.compile(r"^(?:SemEval|CoNLL|WMT|IWSLT|TREC|CLEF|DSTC|BioASQ|NTCIR|MUC|TAC|DUC|"
                      r"SMM4H|VarDial|OffensEval|BioCreative|CASE|FEVER)[\s-]?'?\d{2,4}\b"
                      r"(?!.*\b(?:[Tt]ask|[Ss]hared [Tt]ask)s?$)")


def type_vote(text: str, before: str, after: str) -> str | None:
    """The type one mention's context gives (`before`/`after`: its sentence on either side)."""
    if DATASET_HEAD.search(text) or CAMPAIGN.match(text):
        return "Dataset"
    if TASK_HEAD.search(text):
        return "Task"
    if AFTER_DATASET.match(after[:80]) or before_dataset(before[-200:]):
        return "Dataset"
    if name_shaped(text) and DATASET_FRAME.search(before[-60:]):
        return "Dataset"
    return None


def title_type(title_prefix: str | None, title: str, names: list[str]) -> str | None:
    """`OpenSWI: A Massive-Scale Benchmark Dataset for ...` types `OpenSWI` as a Dataset."""
    if not title_prefix or title_prefix.lower() not in {n.lower() for n in names}:
        return None
    _, _, description = title.partition(":")
    return "Dataset" if TITLE_DATASET.match(description) else None


def decide_type(votes: list[str], catalogue_label: str | None, context_votes: list[str],
                title_vote: str | None) -> str:
    """The catalogue's type, else the title's, else the context votes' majority when there
    is one, else the recogniser's majority."""
    if catalogue_label:
        return catalogue_label
    if title_vote:
        return title_vote
    if context_votes:
        return max(sorted(set(context_votes)), key=context_votes.count)
    return max(dict.fromkeys(votes), key=votes.count)
