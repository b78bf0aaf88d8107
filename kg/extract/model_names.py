"""Model and system names by their shape: `SegNet`, `FinalMLP`, `VGG16`, `DS-CNN`,
`DeepLab-LargeFOV`, `OpenSWI-shallow`, `NASA-QA`.

Coined names mix case or letters and digits in ways English words do not. They fill the gaps the
statistical recogniser and the gazetteer leave; they never override them.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
from spacy.attrs import IS_LOWER, LENGTH, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.entity_types import is_code_pair
from kg.extract.spans import make_span, merge_entities

# Inner capital after a lowercase letter (SegNet, ZCore is caught by the second rule), or a
# capitalised word with digits (VGG16, ResNet8), optionally hyphen-joined (DS-CNN, DeepLab-LargeFOV).
PIECE = r"(?:[A-Z][a-z]+[A-Z][A-Za-z0-9]*|[A-Z]{2,}[a-z]+[A-Za-z0-9]*|[A-Z][A-Za-z]*\d+[A-Za-z0-9]*|[A-Z][a-z]*[A-Z]+[a-z]*)"
NAME = re.compile(rf"^(?:{PIECE}|[A-Z]{{2,}})(?:[-.](?:{PIECE}|[A-Z0-9]{{2,}}|[vV]?\d+[a-z]?))*$")
# a coined name with a lower-case variant word (`OpenSWI-shallow`, `DeepLab-large`), and short
# forms joined by hyphens (`DS-CNN`, `NASA-QA`, `CLIMATE-CHANGE-NER`)
VARIANT = re.compile(rf"^{PIECE}(?:-{PIECE}|-[A-Z0-9]{{2,}})*-[a-z]{{2,10}}$")
JOINED_SHORT_FORMS = re.compile(r"^[A-Z]{2,}(?:-[A-Z]{2,})+$")
# words after a hyphen that describe rather than name (`SegNet-based`, `BERT-like`, `NLP-tasks`)
DESCRIBING = re.compile(r"(?:ed|ing|s|like|based|free|aware|style|wise|level|scale|only|specific)$")
NOT_NAMES = {"RGB", "GPU", "CPU", "TPU", "API", "URL", "PhD", "AI", "ML", "NLP", "CV", "OK",
             "USA", "UK", "EU", "IoT", "II", "III", "IV", "LaTeX", "JavaScript", "PyTorch",
             "TensorFlow", "GitHub", "YouTube", "iPhone", "MacOS", "PowerPoint", "LinkedIn",
             "OpenAI", "DeepMind", "HuggingFace", "McDonald", "SciPy", "NumPy", "PhDs"}
DATASET_HINTS = re.compile(r"(Bench|Set|set|DB|Corpus|QA|[Dd]ata)(\d*|-v?\d+)?$")


@lru_cache(maxsize=65536)
def looks_like_model_name(text: str) -> bool:
    if text.islower() or len(text) < 3:
        return False
    has_mix = any(c.islower() for c in text) or any(c.isdigit() for c in text)
    plural_acronym = text[:-1].isupper() and text.endswith("s")
    if text in NOT_NAMES:
        return False
    if VARIANT.match(text):
        return not DESCRIBING.search(text.rsplit("-", 1)[1])
    if JOINED_SHORT_FORMS.match(text):
        return not is_code_pair(text) and not any(part in NOT_NAMES for part in text.split("-"))
    return bool(NAME.match(text)) and has_mix and not plural_acronym and len(text) >= 3


def label_for_name(text: str) -> str:
    return "Dataset" if DATASET_HINTS.search(text) else "Method"


@Language.factory("kg_model_names")
class ModelNameMatcher:
    def __init__(self, nlp: Language, name: str = "kg_model_names") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        strings = doc.vocab.strings
        # token texts from the ORTH column: iterating `doc` builds a Token object per token;
        # lowercase or short tokens (most of them) cannot be names, so they are not looked at
        columns = doc.to_array([ORTH, IS_LOWER, LENGTH])
        candidates = numpy.flatnonzero((columns[:, 1] == 0) & (columns[:, 2] >= 3)).tolist()
        for i in candidates:
            text = strings[int(columns[i, 0])]
            if looks_like_model_name(text) and not (i == 0 and text.istitle()):
                spans.append(make_span(doc, i, i + 1, label_for_name(text), "pattern"))
        if spans:
            merge_entities(doc, spans, prefer_new=False)
        return doc
