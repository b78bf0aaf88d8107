"""Numeric results (`53.99%`, `1.72times`, `BLEU of 28.4`) tied to the metric, dataset and
method of their sentence by its structure, with the condition they hold under.

There is no dependency parser in the pipeline, so the sentence's structure is read from its
entity mentions, their order and the words between them; every rule was measured on the SciREX
result tuples (train papers) and the example listing (`scripts/evaluate_results.py`):

- the value: a number with a unit (`%`, `x`, `times`, `ms`, `points`), or a plain number
  attached to a metric (`BLEU score of 34.8`, `28.4 BLEU`) or listed after one (`error rates
  of 5.8% and 11.0%`, `from 1.06 to 0.99 on enwiki8, from 1.13 to 1.08 on text8`);
- not a value: a number inside a name (`ResNet-50`, `1001-layer`), a share of something that is
  not a metric (`>75% of samples`), and a resource the result is obtained with (`for 10%
  training data`, `with 10% of the labels`): that is the result's `condition`, as are
  `without ...` phrases (`without pretraining`);
- the metric: a Metric mention right before the value (`accuracy of`, `error rate is only`,
  `invocations by`) or right after it (`28.4 BLEU`, `72% relative reduction in error rate`),
  else the one shared by the values listed with it;
- the dataset: `on|in|over D` between the value and the next value, a dataset the value
  follows in brackets (`on CIFAR-10 (4.62% error)`), else a fronted `On ImageNet, ...`;
- not a result of the paper: the value a change starts from (`improves F-score from 72.7% to
  90.0%`, `from 1.06 to 0.99 on enwiki8`: the baseline's or the previous best), unless a method
  is named for it (`from 55.3% to 80.5% for CaffeNet`); the value it ends at is a result even
  far from the word that says so;
- the method: the nearest Method before the value in its clause that is not a baseline
  (`than X`, `over X`, `compared to X`, `baseline X`) nor in a condition; where the clause's
  subject is the paper itself (`our model achieves`, `we obtain`), the paper's proposed method.

A slot stays empty rather than guessed: never punctuation, a metric, a vague or generic phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from kg.names import is_setting, is_vague

UNIT_ALIASES = {"%": "%", "percent": "%", "times": "x", "x": "x", "×": "x", "fold": "x",
                "-fold": "x", "pp": "pp", "points": "pp", "ms": "ms", "db": "dB"}
UNIT = r"%|percent\b|times\b|×|x\b(?!\s*\d)|-?fold\b|pp\b|points\b|ms\b|dB\b"
# a number not glued to a name (`ResNet8`, `v1.5`), with an optional unit
VALUE = re.compile(rf"(?<![\w.,])(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s?({UNIT}))?(?![\w.]*\d)",
                   re.I)
ANY_DIGIT = re.compile(r"\d")
WORD = re.compile(r"[A-Za-z]+|[^\sA-Za-z0-9]")
# `1001 - layer`, `8+1-core`, `2-bit`, `3-D`: a number that modifies a noun
NUMBER_MODIFIER = re.compile(r"^\s?-\s?[A-Za-z]")
YEAR = re.compile(r"^(19|20)\d\d$")
ENUMERATOR = re.compile(r"^\)")
WITH_RESPECT_TO = re.compile(r"^\s*(?:w\.?r\.?t\.?|with respect to|in terms of)\s+", re.I)

# words allowed between a metric and the value after it (`accuracy of`, `error rate is only`)
BEFORE_VALUE = frozenset("""
of = : is was are were be reaches reached reach achieves achieved achieve achieving obtains
obtained about around approximately only over up to by from at as high low increases increased
improves improved drops dropped decreases decreased reduced reduces generally score scores nearly
almost than more less > < ~ ≈ ( roughly just below above under down up
""".split())
# words allowed between a value and the metric after it (`28.4 BLEU`, `72% relative reduction in`)
AFTER_VALUE = frozenset("""
) ( in on of relative absolute higher lower better worse faster slower less more fewer
improvement improvements reduction reductions increase increases decrease decreases gain gains
drop drops the a an average mean overall top macro micro averaged weighted
""".split())
CONNECTORS = frozenset("to and , from or / respectively vs . ( ) on in for the % only".split())
# a value the result is obtained with: `for 10% training data`, `with only 1% of the labels`
RESOURCE = re.compile(
    r"\b(?:for|with|using|on|at|under|given|from|use|uses|used)\s+(?:only\s+|just\s+|about\s+)?"
    r"(?P<value>\d+(?:\.\d+)?)\s?(?:%|percent\b|x\b|times\b)?\s+(?:(?:less|more|fewer)\s+)?"
    r"(?:of\s+(?:the\s+|its\s+|their\s+|all\s+)?)?(?:[A-Za-z-]+\s+){0,2}?"
    r"(?:data|labels?|labell?ed\s+\w+|samples?|examples?|images?|annotations?|training\s+set|"
    r"budget|shots?|queries|tokens|instances|demonstrations)\b", re.I)
WITHOUT = re.compile(r"\bwithout\s+(?:any\s+)?[A-Za-z-]+(?:\s+[A-Za-z-]+)??(?=\s*[,;)(]|\s*$|\s+and\b)",
                     re.I)
# a share of something that is not a metric: `75% of samples`, `25-50% of layers`
SHARE_OF = re.compile(r"^\s*of\s+(?:the\s+|all\s+|its\s+|their\s+)?[A-Za-z]", re.I)
# what makes a Method mention a baseline rather than the result's subject
BASELINE_CUE = re.compile(r"\b(?:than|over|vs|versus|against|outperform\w*|compared\s+(?:to|with)|"
                          r"comparable\s+to|baselines?|surpass\w*|beat\w*|prior|previous|existing)"
                          r"\W+(?:[\w-]+\W+){0,2}(?:(?:like|such\s+as|including)\W+(?:[\w-]+\W+){0,4})?$",
                          re.I)
OWN_SUBJECT = re.compile(r"\b(?:we|this\s+(?:paper|work)|ours|our\s+(?:\w+\s+){0,2}?(?:approach|method|model|system|framework|"
                         r"network|architecture|algorithm|technique|solution|agent|pipeline))\b",
                         re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
OTHER = "Other"  # a generic mention: no slot, one phrase between words
NOT_MEASURES = frozenset({"performance", "performances", "result", "results", "quality",
                          "reduction", "improvement", "increase", "decrease", "gain", "drop"})
RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
RESULT_CUE = re.compile(r"(?:faster|slower|better|worse|higher|lower|less|more|fewer|improv|reduc|"
                        r"increas|decreas|speed|gain|outperform|achiev|reach|obtain|drop|sav|error|"
                        r"requir|accelerat|enhanc|boost|cut|lead|leads|jump|result|state)", re.I)
# a change from one value to another (`improves F-score from 72.7% to 90.0%`), where the first
# value is the one before the paper's work; `ranged from 2 to 6` is no change
CHANGE_FROM = re.compile(r"\bfrom\s+(?:about\s+|around\s+|approximately\s+|only\s+)?$", re.I)
CHANGE_VERB = re.compile(r"\b(?:improv|increas|reduc|decreas|boost|rais|lower|cut|drop|declin|"
                         r"fell|falls?\b|rose|rises?\b|grow|grew|jump|push|brings?\b|brought|"
                         r"goes\b|went\b|enhanc|advanc|lift|elevat|shrink|shrank)", re.I)
CLAUSE_BREAK = re.compile(r";|\(\s*(?:\d|[a-h]|i{1,3}|iv|v)\s*\)|(?:^|\s)(?:\d|[a-h])\)\s")
# Method mentions that name a measurement, not a method (`inference latency`)
MEASURE_HEADS = frozenset("""
latency time speed accuracy error errors memory throughput efficiency performance cost costs
rate score scores loss perplexity size consumption usage invocations overhead footprint
""".split())


@dataclass
class Result:
    value: str
    number: float | None
    unit: str | None
    method: str | None
    dataset: str | None
    metric: str | None
    start: int
    end: int
    condition: str | None = None

    def to_dict(self) -> dict:
        return {"method": self.method, "dataset": self.dataset, "metric": self.metric,
                "value": self.value, "number": self.number, "unit": self.unit,
                "condition": self.condition}


class Entity(Protocol):
    """What results read of an entity mention (`kg.extract.paper.Mention` has it)."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Span:
    """A usable mention in sentence coordinates."""

    text: str
    label: str
    start: int
    end: int
    proposed: bool


@dataclass(slots=True)
class _Value:
    raw: str
    number: str
    unit: str | None
    start: int
    end: int
    metric: _Span | None = None
    attached: bool = False  # the metric is next to the value, not inherited
    starts_change: bool = False  # `from 72.7% to 90.0%`: the value before the paper's work


def find_results(text: str, offset: int, entities: Iterable[Entity], proposed: set[str],
                 paper_methods: Iterable[str] = ()) -> list[Result]:
    """The results of one sentence: `text`, starting at character `offset` of its field, with
    its entity mentions. `proposed` holds the surface forms of the paper's proposed entities;
    `paper_methods` the names of its proposed Methods, which `our model` and `we` stand for.
    Plain strings, not spaCy spans: `Span.text` builds a Token object per token."""
    if not ANY_DIGIT.search(text):
        return []
    spans = sorted((_Span(e.text, _label(e.text, e.label), e.start - offset, e.end - offset,
                          e.text in proposed)
                    for e in entities if _usable(e.text, e.label)), key=lambda s: s.start)
    all_spans = [(e.start - offset, e.end - offset) for e in entities]
    conditions = _conditions(text)
    values = _values(text, spans, all_spans, conditions)
    if not values:
        return []
    own = list(dict.fromkeys(paper_methods))
    respective = _respectively(text, spans, values) if RESPECTIVELY.search(text) else {}
    found = []
    for index, value in enumerate(values):
        following = values[index + 1] if index + 1 < len(values) else None
        nxt = following.start if following else len(text)
        metric = value.metric
        dataset = respective.get((index, "Dataset")) or _dataset(text, spans, value, nxt, values, index)
        if value.starts_change:
            # `improve ... from 1.06 to 0.99`: 1.06 was the previous best or the baseline's,
            # a result only of a method named for it (`from 55.3% to 80.5% for CaffeNet`)
            method = _named_for(text, spans, value, following, nxt)
            if method is None:
                continue
        else:
            method = (respective.get((index, "Method")) or _Span("", "", 0, 0, False)).text or \
                _method(text, spans, value, nxt, conditions, own, following)
        if metric or dataset or method or _own_factor(text, value):
            condition = "; ".join(_conditions_of(text, value, conditions)) or None
            found.append(Result(value=value.raw, number=float(value.number), unit=value.unit,
                                method=method, dataset=dataset and dataset.text,
                                metric=metric and metric.text, start=offset + value.start,
                                end=offset + value.end, condition=condition))
    return found


def _own_factor(text: str, value: _Value) -> bool:
    """A factor the paper claims for its own work stands with empty slots (`our method reduces
    the number of function evaluations to 0.733x`, `our approach outperforms by 1.6 times`):
    no measure recognised, no method named. A difference (`5.5 points more than`) does not."""
    return value.unit == "x" and OWN_SUBJECT.search(text[_clause_start(text, value.start):value.start]) is not None


def _respectively(text: str, spans: list[_Span], values: list[_Value]) -> dict:
    """`... for a ResNet8 and a DS-CNN, respectively -- requiring 17.1 ms and 6.4 ms`: the
    values of a list and the Methods (Datasets) of a list as long, in order."""
    runs, run = [], [0]
    for index in range(1, len(values)):
        if _listed(text, values[index - 1], values[index], spans):
            run.append(index)
        else:
            runs.append(run)
            run = [index]
    runs.append(run)
    chosen = {}
    for run in (r for r in runs if len(r) > 1):
        for label in ("Dataset", "Method"):
            groups = _coordinated([s for s in spans if s.label == label], text)
            groups = [g for g in groups if len(g) == len(run)]
            if len(groups) == 1:
                chosen.update({(index, label): span for index, span in zip(run, groups[0])})
    return chosen


def _coordinated(spans: list[_Span], text: str) -> list[list[_Span]]:
    """Mentions joined by `and`, `or`, commas and articles only: `a ResNet8 and a DS-CNN`."""
    groups: list[list[_Span]] = []
    for span in spans:
        gap = _words(text[groups[-1][-1].end:span.start]) if groups else None
        if gap is not None and gap and all(w in {"and", "or", ",", "a", "an", "the"} for w in gap):
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def paper_results(abstract: str, mentions: list[dict], entities: list[dict]) -> list[dict]:
    """The results of a paper's abstract from its record's mentions and entities: the mentions
    of vague or generic entities take no slot; `our model` stands for the paper's method."""
    if not ANY_DIGIT.search(abstract):
        return []
    by_id = {e["id"]: e for e in entities if not e.get("generic")}
    by_sentence: dict[tuple[int, int], list[_Mention]] = {}
    for m in mentions:
        if m["field"] == "abstract":
            by_sentence.setdefault(tuple(m["sentence"]), [])
    for start, end in _unseen_sentences(abstract, sorted(by_sentence)):
        by_sentence[start, end] = []  # no mention, but `our method reduces ... to 0.73x`
    by_sentence = {k: v for k, v in by_sentence.items() if ANY_DIGIT.search(abstract[k[0]:k[1]])}
    if not by_sentence:
        return []
    usable = [m for m in mentions if m.get("entity_id") in by_id]
    proposed = {m["text"] for m in usable if by_id[m["entity_id"]]["role"] == "proposed"}
    for m in mentions:
        if m["field"] != "abstract" or tuple(m["sentence"]) not in by_sentence:
            continue
        # a metric need not be graph-worthy to name what a value measures (`training time`);
        # other generic mentions fill no slot but still stand between words as one phrase
        label = m["label"] if m.get("entity_id") in by_id or \
            _label(m["text"], m["label"]) == "Metric" else OTHER
        by_sentence[tuple(m["sentence"])].append(_Mention(m["text"], label, m["start"], m["end"]))
    own = paper_method(usable, by_id)
    results = []
    for start, end in sorted(by_sentence):
        results += [r.to_dict() for r in find_results(
            abstract[start:end], start, by_sentence[start, end], proposed, own)]
    return results


def _unseen_sentences(abstract: str, known: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences between the known ones (those with mentions) that hold a digit."""
    found, position = [], 0
    for start, end in [*known, (len(abstract), len(abstract))]:
        gap = abstract[position:start]
        if ANY_DIGIT.search(gap):
            offset = position
            for piece in SENTENCE_END.split(gap):
                begin = abstract.index(piece, offset) if piece else offset
                if piece.strip() and ANY_DIGIT.search(piece):
                    found.append((begin, begin + len(piece)))
                offset = begin + len(piece)
        position = max(position, end)
    return found


def paper_method(mentions: list[dict], entities: dict[str, dict]) -> list[str]:
    """The method a paper presents, which `our model` and `we` stand for: its one proposed
    Method named in the title, else the one Method its title names, else its one proposed
    Method; none where that is not one thing."""
    methods = {i for i in {m["entity_id"] for m in mentions}
               if entities[i]["label"] == "Method" and _usable(entities[i]["name"], "Method")
               and _label(entities[i]["name"], "Method") == "Method"}
    proposed = {i for i in methods if entities[i]["role"] == "proposed"}
    in_title = {m["entity_id"] for m in mentions if m["field"] == "title"} & methods
    for chosen in (proposed & in_title, in_title, proposed):
        if len(chosen) == 1:
            return [entities[next(iter(chosen))]["name"]]
    return []


@dataclass(frozen=True, slots=True)
class _Mention:
    text: str
    label: str
    start: int
    end: int


def _usable(text: str, label: str) -> bool:
    """A mention that may fill a slot: letters, and not a vague phrase (`w.r.t metrics`); a
    metric that is not a measure (`human-level performance`) neither."""
    if label == OTHER:
        return True
    if label == "Metric" and text.lower().split()[-1] in NOT_MEASURES:
        return False
    if not any(c.isalpha() for c in text) or is_vague(text):
        return False
    return not (WITH_RESPECT_TO.match(text) and is_vague(WITH_RESPECT_TO.sub("", text)))


def _label(text: str, label: str) -> str:
    """A Method mention that names a measurement (`inference latency`) is read as a Metric."""
    words = text.lower().replace("-", " ").split()
    return "Metric" if label == "Method" and words and words[-1] in MEASURE_HEADS else label


def _conditions(text: str) -> list[tuple[str, tuple[int, int]]]:
    """`for 10% training data`, `without pretraining`: phrases and the span of their value."""
    found = [(m.group(0), m.span("value")) for m in RESOURCE.finditer(text)]
    found += [(m.group(0), (-1, -1)) for m in WITHOUT.finditer(text)]
    return [(" ".join(phrase.split()), span) for phrase, span in found]


def _conditions_of(text: str, value: _Value, conditions: list) -> list[str]:
    """The conditions of the value's clause: before it, or after it with no comma between
    (`..., which removes costs for 1.15 million images` is not one)."""
    clause = _clause_start(text, value.start)
    found = []
    for phrase, _ in conditions:
        start = text.find(phrase)
        if clause <= start < value.start or (start >= value.end and "," not in text[value.end:start]
                                              and not CLAUSE_BREAK.search(text, value.end, start)):
            found.append(phrase)
    return found


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def _values(text: str, spans: list[_Span], all_spans: list[tuple[int, int]],
            conditions: list) -> list[_Value]:
    condition_spans = [span for _, span in conditions]
    values: list[_Value] = []
    for match in VALUE.finditer(text):
        start, end = match.span()
        number, unit = match.group(1), match.group(2)
        after = text[end:]
        if _inside(start, end, all_spans) or _inside(start, end, condition_spans):
            continue
        if NUMBER_MODIFIER.match(after):
            continue
        if not unit and ENUMERATOR.match(after) and "(" not in text[max(0, start - 3):start]:
            continue  # `2) the human annotation ...`
        value = _Value(raw=match.group(0).strip(), number=number.replace(",", ""),
                       unit=UNIT_ALIASES.get(unit.lower().lstrip("-"), unit) if unit else None,
                       start=start, end=end)
        value.metric = _attached_metric(text, value, spans)
        value.attached = value.metric is not None
        if value.metric is not None and is_setting(value.metric.text):
            continue  # `a learning rate of 0.001`: how the run was set, not a result
        if value.unit == "%" and SHARE_OF.match(after) and not (
                value.metric and value.metric.start >= end):
            continue  # `75% of samples`: a share, not a result
        if not unit and (YEAR.match(number) and not value.attached):
            continue
        values.append(value)
    _share_metrics(text, values, spans)
    keep = [bool(v.metric or (v.unit and _reads_as_result(text, v))) for v in values]
    for index, (a, b) in enumerate(zip(values, values[1:])):
        a.starts_change = _is_change(text, a, b)
        if a.starts_change and (keep[index] or keep[index + 1]):
            keep[index] = keep[index + 1] = True  # `boosts ... from 59% to 92%`: where it ends
    return [v for v, kept in zip(values, keep) if kept]


def _reads_as_result(text: str, value: _Value) -> bool:
    """A value with a unit but no metric is a result where the words around it say so (`1.72x
    faster`, `reduces ... to 0.73x`, `requiring 17.1 ms`), not in `until 5-10% if moved`."""
    before = _words(text[_clause_start(text, value.start):value.start])[-8:]
    after = _words(text[value.end:])[:2]
    return any(RESULT_CUE.match(word) for word in before + after)


def _gap(text: str, start: int, end: int, spans: list[_Span]) -> list[str] | None:
    """The words between two positions, a mention of a Method or Dataset standing as one word
    `@` (`error rate of professional transcribers is 5.9%`); None when a Metric lies between."""
    inner = [s for s in spans if start <= s.start and s.end <= end]
    if any(s.label == "Metric" for s in inner):
        return None
    pieces, position = [], start
    for span in inner:
        pieces.append(text[position:span.start] + " @ ")
        position = span.end
    return _words("".join(pieces) + text[position:end])


def _attached_metric(text: str, value: _Value, spans: list[_Span]) -> _Span | None:
    """The Metric mention next to the value: right before it with only linking words between
    (`accuracy of`, `error rate of X is`), or right after it (`28.4 BLEU`); the closer one wins,
    after on a tie."""
    best_before = best_after = None
    for metric in (s for s in spans if s.label == "Metric"):
        if metric.end <= value.start:
            gap = _gap(text, metric.end, value.start, spans)
            if gap is not None and len(gap) <= 5 and all(w in BEFORE_VALUE or w == "@" for w in gap):
                best_before = (metric, gap)
        elif metric.start >= value.end and best_after is None:
            gap = _words(text[value.end:metric.start])
            if len(gap) <= 4 and all(w in AFTER_VALUE for w in gap):
                best_after = (metric, gap)
    if best_after and (not best_before or len(best_after[1]) <= len(best_before[1])):
        return best_after[0]
    return best_before[0] if best_before else None


def _share_metrics(text: str, values: list[_Value], spans: list[_Span]) -> None:
    """Values listed together share the metric of the one it is attached to (`error rates of
    5.8% and 11.0%`, `from 55.3% to 80.5% for CaffeNet, and from 73.8% to 82.3% for ResNet-50`)."""
    def listed(a: _Value, b: _Value) -> bool:
        gap = _gap(text, a.end, b.start, spans)
        return gap is not None and len(gap) <= 8 and all(w in CONNECTORS or w == "@" for w in gap)

    for a, b in zip(values, values[1:]):
        if a.metric and not b.metric and listed(a, b):
            b.metric = a.metric
    for a, b in reversed(list(zip(values, values[1:]))):
        if b.metric and not a.metric and listed(a, b):
            a.metric = b.metric


def _dataset(text: str, spans: list[_Span], value: _Value, nxt: int, values: list[_Value],
             index: int) -> _Span | None:
    """`71.8% on Cityscapes` (the first dataset before the next value), `on CIFAR-10 (4.62%
    error)`, `from 1.06 to 0.99 on enwiki8`, else a dataset the clause is about (`On ImageNet,`)."""
    datasets = [s for s in spans if s.label == "Dataset"]
    bracketed = [d for d in datasets if d.end <= value.start and
                 re.fullmatch(r"\s*\(\s*", text[d.end:value.start])]
    if bracketed:
        return bracketed[-1]
    following = [d for d in datasets if value.end <= d.start < nxt]
    if following:
        return following[0]
    # `from 1.06 to 0.99 on enwiki8`, `rank-1 = 82.3%, mAP = 62.1% on Market-1501`: the values
    # listed together take the dataset after the list
    for later in range(index + 1, len(values)):
        if not _listed(text, values[later - 1], values[later], spans):
            break
        after_next = values[later + 1].start if later + 1 < len(values) else len(text)
        following = [d for d in datasets if values[later].end <= d.start < after_next]
        if following:
            return following[0]
    clause = _clause_start(text, value.start)
    before = [d for d in datasets if clause <= d.start and d.end <= value.start]
    if before and re.search(r"\b(?:on|in|over|across|for|from)\s+(?:the\s+)?$", text[:before[-1].start], re.I):
        return before[-1]
    return None


def _listed(text: str, a: _Value, b: _Value, spans: list[_Span]) -> bool:
    """Two values of one list: only connectors and metrics between them (`82.3%, mAP = 62.1%`)."""
    between = [s for s in spans if a.end <= s.start and s.end <= b.start]
    if any(s.label != "Metric" for s in between):
        return False
    pieces, position = [], a.end
    for span in between:
        pieces.append(text[position:span.start])
        position = span.end
    gap = _words("".join(pieces) + text[position:b.start])
    return len(gap) <= 6 and all(w in CONNECTORS or w in "=:" for w in gap)


def _pair(text: str, a: _Value, b: _Value) -> bool:
    """`from 1.06 to 0.99`, `55.3% to 80.5%`: two values of one thing."""
    return re.fullmatch(r"\s*(?:to|-|/|and)\s*", text[a.end:b.start]) is not None


def _clause_start(text: str, position: int) -> int:
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(text, 0, position)]
    return breaks[-1] if breaks else 0


def _is_change(text: str, start: _Value, end: _Value | None) -> bool:
    """A change from `start` to `end`: `improved from 55.3% to 80.5%`, `reduces the error rate
    from 0.53 to 0.18`; not a range (`ranged from 2 to 6`, `from 2011 to 2018`)."""
    if end is None or not _pair(text, start, end) or not CHANGE_FROM.search(text[:start.start]):
        return False
    return CHANGE_VERB.search(text[_clause_start(text, start.start):start.start]) is not None


def _named_for(text: str, spans: list[_Span], value: _Value, following: _Value | None,
               nxt: int) -> str | None:
    """The Method a value (or the pair it starts) is given for: `55.3% to 80.5% for CaffeNet`."""
    end = following.end if following and _pair(text, value, following) else value.end
    limit = nxt if end == value.end else len(text)
    for span in spans:
        if span.label == "Method" and end <= span.start < limit and \
                re.fullmatch(r"\s*(?:%\s*)?for\s+(?:the\s+)?", text[end:span.start]):
            return span.text
    return None


def _method(text: str, spans: list[_Span], value: _Value, nxt: int, conditions: list,
            own: list[str], following: _Value | None) -> str | None:
    """`55.3% to 80.5% for CaffeNet`; else the nearest Method before the value in its clause
    that is neither a baseline nor in a condition; else the paper's proposed method where the
    clause's subject is the paper (`our model achieves`, `we obtain`)."""
    named = _named_for(text, spans, value, following, nxt)
    if named is not None:
        return named
    methods = [s for s in spans if s.label == "Method"]
    clause = _clause_start(text, value.start)
    in_conditions = [(text.find(phrase), text.find(phrase) + len(phrase)) for phrase, _ in conditions]
    candidates = [s for s in methods if clause <= s.start and s.end <= value.start
                  and not _inside(s.start, s.end, in_conditions)
                  and not BASELINE_CUE.search(text[max(clause, s.start - 40):s.start])]
    if candidates:
        return candidates[-1].text
    if own and OWN_SUBJECT.search(text[clause:value.start]):
        return own[0]
    return None
