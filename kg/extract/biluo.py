"""Entities from per-token BILUO tags (`B-Method`, `I-Method`, `L-Method`, `U-Task`, `O`).

The recogniser is a tagger over the tok2vec: one softmax per token, a few times cheaper than
spaCy's transition-based NER, which walks every token of every text state by state. This
component turns its tags into `doc.ents`, repairing broken sequences the way a reader would:
an `I-`/`L-` with no open entity of its label starts one, and an entity left open ends
before the next token that does not continue it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy
from spacy.language import Language
from spacy.pipeline import Tagger
from spacy.pipeline.tagger import DEFAULT_TAGGER_MODEL
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example

# doc.user_data keys: the probability of each token's tag as the tagger chose it (set by
# BiluoTagger, read and removed by BiluoEntities), and the recogniser's probability of each
# entity it made, keyed by (start_char, end_char, label): the lowest tag probability of its
# tokens, the weakest decision that made it (`kg.extract.spans.score_of` calibrates it).
TAG_PROBABILITY = "kg_tag_probability"
SPAN_PROBABILITY = "kg_span_probability"


def biluo_spans(tags: list[tuple[str, str] | None]) -> list[tuple[int, int, str]]:
    """(start, end, label) for each entity in a sequence of (prefix, label) pairs; None is O."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate(tags):
        prefix, tag_label = tag if tag else ("O", None)
        if start is not None and (prefix in ("O", "B", "U") or tag_label != label):
            spans.append((start, i, label))
            start = None
        if prefix == "U":
            spans.append((i, i + 1, tag_label))
        elif prefix in ("B", "I", "L"):
            if start is None:
                start, label = i, tag_label
            if prefix == "L":
                spans.append((start, i + 1, label))
                start = None
    if start is not None:
        spans.append((start, len(tags), label))
    return spans


@Language.factory("kg_biluo_entities", default_config={"tagger": "tagger"})
class BiluoEntities:
    """Sets `doc.ents` from the BILUO tags the named tagger wrote into `token.tag_`."""

    def __init__(self, nlp: Language, name: str, tagger: str) -> None:
        self.name = name
        self.tagger = tagger
        self.vocab = nlp.vocab
        self._parsed: dict[int, tuple[str, str] | None] = {}

    def _tag(self, tag_hash: int) -> tuple[str, str] | None:
        if tag_hash not in self._parsed:
            text = self.vocab.strings[tag_hash] if tag_hash else "O"
            prefix, _, label = text.partition("-")
            self._parsed[tag_hash] = (prefix, label) if label and prefix in "BILU" else None
        return self._parsed[tag_hash]

    def __call__(self, doc: Doc) -> Doc:
        probability = doc.user_data.pop(TAG_PROBABILITY, None)
        # most tokens are O: read the tag column, and look only at the others
        column = doc.to_array("TAG")
        positions = numpy.flatnonzero(column != self.vocab.strings["O"]).tolist()
        tags: list[tuple[str, str] | None] = []
        offsets: list[int] = []
        for position in positions:
            if offsets and position != offsets[-1] + 1:  # a gap of O tokens
                tags.append(None)
                offsets.append(offsets[-1] + 1)
            tags.append(self._tag(int(column[position])))
            offsets.append(position)
        ents = [Span(doc, offsets[s], offsets[e - 1] + 1, label=lab) for s, e, lab in biluo_spans(tags)]
        doc.set_ents(ents)
        if probability is not None:
            doc.user_data[SPAN_PROBABILITY] = {
                (e.start_char, e.end_char, e.label_): float(probability[e.start:e.end].min()) for e in ents}
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return get_ner_prf(examples)

    def initialize(self, get_examples=None, nlp=None) -> None:
        pass

    def to_disk(self, path, exclude=()) -> None:
        pass

    def from_disk(self, path, exclude=()):
        return self

    def to_bytes(self, exclude=()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, exclude=()):
        return self


def allowed_transitions(labels: list[str]) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(K×K allowed next tags, allowed first tags, allowed last tags) of the BILUO scheme."""
    parts = [(tag.partition("-")[0], tag.partition("-")[2]) for tag in labels]
    closed = [prefix in ("O", "L", "U") for prefix, _ in parts]
    opens = [prefix in ("O", "B", "U") for prefix, _ in parts]
    after = numpy.zeros((len(labels), len(labels)), dtype=bool)
    for i, (prefix, label) in enumerate(parts):
        for j, (next_prefix, next_label) in enumerate(parts):
            after[i, j] = opens[j] if closed[i] else (next_prefix in ("I", "L") and next_label == label)
    return after, numpy.array(opens), numpy.array(closed)


def log_softmax(scores: numpy.ndarray) -> numpy.ndarray:
    log_probs = scores - scores.max(axis=1, keepdims=True)
    log_probs -= numpy.log(numpy.exp(log_probs).sum(axis=1, keepdims=True))
    return log_probs


SURE_OUTSIDE = 0.9  # an O tag this probable ends a stretch that Viterbi decodes alone


def constrained_tags(scores: numpy.ndarray, after: numpy.ndarray, first: numpy.ndarray,
                     last: numpy.ndarray, outside: int, sure: float = SURE_OUTSIDE,
                     sequence_starts: Iterable[int] = ()) -> numpy.ndarray:
    """The best valid BILUO sequence, by Viterbi over stretches between tokens that are surely
    O; stretches whose argmax is already valid (most of them) are kept as they are. `scores`
    are the tagger's unnormalised outputs; `sequence_starts` are the rows where another doc
    begins, when a batch's docs come as one array (one pass of array work for the batch)."""
    return _best_valid_tags(log_softmax(scores), after, first, last, outside, sure, sequence_starts)


def _best_valid_tags(log_probs: numpy.ndarray, after: numpy.ndarray, first: numpy.ndarray,
                     last: numpy.ndarray, outside: int, sure: float,
                     sequence_starts: Iterable[int]) -> numpy.ndarray:
    """`constrained_tags` of scores already normalised (`log_softmax`)."""
    guesses = log_probs.argmax(axis=1)
    fixed = (guesses == outside) & (log_probs[:, outside] >= numpy.log(sure))
    free = numpy.flatnonzero(~fixed).tolist()
    if not free:
        return guesses
    tags, allowed = guesses.tolist(), after.tolist()  # plain lists: the runs are short
    starts = set(sequence_starts)
    runs, start = [], free[0]
    for previous, position in zip(free, free[1:] + [None]):
        if position != previous + 1 or position in starts:
            runs.append((start, previous + 1))
            start = position
    for i, j in runs:
        stretch = tags[i:j]
        valid = (first[stretch[0]] and last[stretch[-1]]
                 and all(allowed[a][b] for a, b in zip(stretch, stretch[1:])))
        if not valid:
            guesses[i:j] = _viterbi(log_probs[i:j], after, first, last)
    return guesses


def _viterbi(log_scores, after, first, last) -> numpy.ndarray:
    blocked = numpy.where(after, 0.0, -numpy.inf)
    best = numpy.where(first, log_scores[0], -numpy.inf)
    back = numpy.zeros(log_scores.shape, dtype=int)
    for t in range(1, len(log_scores)):
        candidates = best[:, None] + blocked
        back[t] = candidates.argmax(axis=0)
        best = candidates.max(axis=0) + log_scores[t]
    best = numpy.where(last, best, -numpy.inf)
    path = [int(best.argmax())]
    for t in range(len(log_scores) - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return numpy.array(path[::-1])


class BiluoTagger(Tagger):
    """spaCy's tagger, trained on BILUO tags, whose guesses are the best valid sequence rather
    than each token's argmax (`B-Task I-Method` cannot happen)."""

    def _scores2guesses(self, scores):
        labels = list(self.labels)
        if getattr(self, "_transitions_for", None) != labels:
            self._transitions = allowed_transitions(labels)
            self._transitions_for = labels
        outside = labels.index("O") if "O" in labels else -1
        if outside < 0:
            return super()._scores2guesses(scores)
        lengths = [len(doc_scores) for doc_scores in scores]
        if not sum(lengths):
            return [numpy.zeros((0,), dtype=int) for _ in lengths]
        ends = numpy.cumsum(lengths)
        log_probs = log_softmax(numpy.concatenate([numpy.asarray(s) for s in scores]))
        tags = _best_valid_tags(log_probs, *self._transitions, outside, SURE_OUTSIDE,
                                (ends - lengths).tolist())
        chosen = numpy.exp(log_probs[numpy.arange(len(tags)), tags])
        return TagGuesses(numpy.split(tags, ends[:-1]), numpy.split(chosen, ends[:-1]))

    def set_annotations(self, docs, batch_tag_ids) -> None:
        super().set_annotations(docs, batch_tag_ids)
        for doc, probability in zip([docs] if isinstance(docs, Doc) else docs,
                                    getattr(batch_tag_ids, "probabilities", ())):
            doc.user_data[TAG_PROBABILITY] = probability


class TagGuesses(list):
    """Each doc's tag ids, as spaCy's tagger returns them, and the probability of each."""

    def __init__(self, tags: list, probabilities: list) -> None:
        super().__init__(tags)
        self.probabilities = probabilities


@Language.factory(
    "kg_biluo_tagger",
    assigns=["token.tag"],
    default_config={"model": DEFAULT_TAGGER_MODEL, "overwrite": False, "scorer": None,
                    "neg_prefix": "!", "label_smoothing": 0.0},
)
def make_biluo_tagger(nlp: Language, name: str, model, overwrite: bool, scorer, neg_prefix: str,
                      label_smoothing: float) -> BiluoTagger:
    return BiluoTagger(nlp.vocab, model, name=name, overwrite=overwrite, scorer=scorer,
                       neg_prefix=neg_prefix, label_smoothing=label_smoothing)
