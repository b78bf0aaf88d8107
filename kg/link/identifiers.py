"""IRIs of the same thing elsewhere: where a node links out as `same_as` (RDF: `skos:exactMatch`).

A paper links to its arXiv abstract page (`https://arxiv.org/abs/ID`) and its DOI
(`https://doi.org/DOI`). A method, dataset or task with a catalogue id links to its resource in
Linked Papers With Code (Färber & Lamprecht, 2023: the Papers with Code data as RDF), whose IRIs
are `https://linkedpaperswithcode.com/{task|dataset|method|model}/{Papers with Code id}`. The
Papers with Code id of an entry is its name as Papers with Code formed its ids (lower case, runs
of spaces and hyphens one hyphen, other punctuation dropped: `Semantic Segmentation` →
`semantic-segmentation`, `SQuAD1.1` → `squad11`); entries read from leaderboard model names are
LPWC `model`s, the rest `method`s. Metrics have no Papers with Code page: they do not link.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from kg.records import normalise_arxiv_id, normalise_doi

LPWC = "https://linkedpaperswithcode.com/"
ARXIV_ABS = "https://arxiv.org/abs/"
DOI_IRI = "https://doi.org/"
LINKED_LABELS = {"method": "method", "dataset": "dataset", "task": "task"}


def pwc_id(name: str) -> str:
    """The id Papers with Code gave a name (Django's `slugify`, ASCII): `CIFAR-10` → `cifar-10`,
    `Llama 3.1` → `llama-31`, `Question Answering (QA)` → `question-answering-qa`."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"[-\s_]+", "-", text).strip("-_")


def catalogue_iri(catalogue_id: str | None, name: str | None = None) -> str | None:
    """The Linked Papers With Code IRI of a catalogue entry (`pwc:task/…`, `curated:dataset/…`)
    named `name` (default: the catalogue's name for it); None for metrics and unknown ids."""
    if not catalogue_id or ":" not in catalogue_id or "/" not in catalogue_id:
        return None
    source, rest = catalogue_id.split(":", 1)
    label = rest.split("/", 1)[0]
    if label not in LINKED_LABELS:
        return None
    if name is None:
        from kg.link.catalogue import load_catalogue

        entry = load_catalogue().get(catalogue_id)
        if entry is None:
            return None
        name = entry.name
    kind = "model" if source == "pwc" and label == "method" else LINKED_LABELS[label]
    slug = pwc_id(name)
    return f"{LPWC}{kind}/{slug}" if slug else None


def paper_iris(arxiv_id: str | None, doi: str | None) -> list[str]:
    """The paper's arXiv abstract IRI and DOI IRI, those it has."""
    found = []
    if arxiv := normalise_arxiv_id(arxiv_id):
        found.append(ARXIV_ABS + quote(arxiv, safe="/.-"))
    if bare_doi := normalise_doi(doi):
        found.append(DOI_IRI + quote(bare_doi, safe="/.-_;()"))
    return found

