"""Leaderboards: the results reported on a dataset (or by the papers on a task), grouped by
metric and ranked the way the metric is better (`kg.views.metrics`), each with its paper, date
and the sentence it comes from.

Read from the build's Cypher store, one result at a time: only the results asked for are
held, never the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from kg.names import name_key
from kg.views.metrics import Direction, metric_direction
from kg.views.store import ViewError, opened_store, stream_rows, table_columns

COLUMNS = ["dataset", "metric", "direction", "rank", "method", "value", "number", "unit",
           "paper", "date", "sentence", "task", "paper_id", "result_id", "direction_basis"]
NO_METRIC = "(no metric)"
# a value without a metric cannot be ranked by its meaning: listed highest first
UNKNOWN_DIRECTION = Direction("unknown", "no metric")

RESULTS = """
MATCH (p:Paper)-[:REPORTS]->(r:Result){dataset_hop}
{filter}
OPTIONAL MATCH (r)-[:ON_DATASET]->(d:Dataset)
OPTIONAL MATCH (r)-[:OF_METHOD]->(m:Method)
OPTIONAL MATCH (r)-[:WITH_METRIC]->(x:Metric)
RETURN d.name, x.name, m.name, r.value, r.number, r.unit, p.title, p.date, p.abstract, p.id,
       r.id, {sentence}
"""


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    aliases: tuple[str, ...]
    results: int


def leaderboard(out: str | Path, dataset: str | None = None, task: str | None = None) -> pd.DataFrame:
    """Results on `dataset` (a name or alias), or reported by the papers that address `task`;
    with neither, on every dataset with results. One row a result: dataset, metric, direction
    (`higher` or `lower` is better; `unknown` without a metric, listed highest first), rank
    within its dataset, metric and unit, method, value as written, number, unit, paper title,
    date, the sentence it comes from. `attrs`: `results_without_dataset` (left out when no
    dataset or task is asked for), `dataset`, `task` (the entities matched)."""
    with opened_store(out) as connection:
        columns = table_columns(connection, "Result")
        sentence = "r.sentence" if "sentence" in columns else "NULL"
        attrs: dict = {}
        if task is not None:
            found = find_entity(connection, "Task", task)
            attrs["task"] = found.name
            query = RESULTS.format(dataset_hop="", sentence=sentence,
                                   filter="MATCH (p)-[]->(t:Task) WHERE t.id = $task")
            parameters = {"task": found.id}
        elif dataset is not None:
            found = find_entity(connection, "Dataset", dataset)
            attrs["dataset"] = found.name
            query = RESULTS.format(dataset_hop="-[:ON_DATASET]->(d0:Dataset)", sentence=sentence,
                                   filter="WHERE d0.id = $dataset")
            parameters = {"dataset": found.id}
        else:
            query = RESULTS.format(dataset_hop="-[:ON_DATASET]->(:Dataset)", filter="",
                                   sentence=sentence)
            parameters = {}
            attrs["results_without_dataset"] = results_without_dataset(connection)
        rows = []
        for (dataset_name, metric, method, value, number, unit, title, date, abstract, paper_id,
             result_id, stored_sentence) in stream_rows(connection, query, parameters):
            direction = metric_direction(metric) if metric else UNKNOWN_DIRECTION
            rows.append({
                "dataset": dataset_name, "metric": metric or NO_METRIC,
                "direction": direction.direction, "method": method, "value": value,
                "number": number, "unit": unit, "paper": title, "date": date,
                "sentence": stored_sentence or result_sentence(
                    abstract or "", value, [metric, dataset_name, method]),
                "task": attrs.get("task"), "paper_id": paper_id.removeprefix("paper/"),
                "result_id": result_id, "direction_basis": direction.basis})
    frame = ranked(pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"]))
    frame.attrs.update({"results_without_dataset": 0, **attrs})
    return frame


def results_without_dataset(connection) -> int:
    """Results tied to no dataset (in no dataset's leaderboard), counted in the store."""
    total = next(stream_rows(connection, "MATCH (r:Result) RETURN count(*)"))[0]
    tied = next(stream_rows(connection, "MATCH (r:Result)-[:ON_DATASET]->(:Dataset) "
                                        "RETURN count(DISTINCT r.id)"))[0]
    return total - tied


def ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by dataset, metric and unit, best first by the metric's direction (results
    without a number last), with their rank in that group; ties keep paper date order."""
    if frame.empty:
        return frame.reindex(columns=COLUMNS)
    # a frame whose numbers are all empty holds them as objects (None), which cannot be negated
    number = pd.to_numeric(frame["number"], errors="coerce").astype("float64")
    frame = frame.assign(
        _dataset=frame["dataset"].fillna("").str.lower(), _metric=frame["metric"].str.lower(),
        _unit=frame["unit"].fillna(""), _best=number.where(frame["direction"] == "lower", -number))
    frame = frame.sort_values(["_dataset", "_metric", "_unit", "_best", "date", "result_id"],
                              na_position="last", kind="stable")
    frame["rank"] = frame.groupby(["_dataset", "_metric", "_unit"], dropna=False).cumcount() + 1
    return frame[COLUMNS].reset_index(drop=True)


def find_entity(connection, label: str, name: str) -> Entity:
    """The entity of type `label` named `name` (its name in any case or an alias, else by name
    key), preferring one with results; an unknown name is a ViewError listing the closest
    names."""
    with_results = result_counts(connection, label)
    exact = (f"MATCH (e:{label}) WHERE lower(e.name) = lower($name) "
             f"OR list_contains(e.aliases, $name) RETURN e.id, e.name, e.aliases")
    candidates = [Entity(entity_id, entity_name, tuple(aliases or ()), with_results.get(entity_id, 0))
                  for entity_id, entity_name, aliases in stream_rows(connection, exact, {"name": name})]
    if not candidates:  # spelling variants: `cifar10`, `Deep neural networks`
        key = name_key(name)
        for entity_id, entity_name, aliases in stream_rows(
                connection, f"MATCH (e:{label}) RETURN e.id, e.name, e.aliases"):
            if key in (name_key(n) for n in [entity_name, *(aliases or [])]):
                candidates.append(Entity(entity_id, entity_name, tuple(aliases or ()),
                                         with_results.get(entity_id, 0)))
    if candidates:
        return max(candidates, key=lambda e: (e.results, e.name.casefold() == name.casefold()))
    close = close_names(connection, label, name)
    hint = f"; close names: {', '.join(close)}" if close else ""
    raise ViewError(f"no {label.lower()} named {name!r} in this build{hint}")


def result_counts(connection, label: str) -> dict[str, int]:
    if label != "Dataset":
        return {}
    query = "MATCH (r:Result)-[:ON_DATASET]->(d:Dataset) RETURN d.id, count(*)"
    return {entity_id: count for entity_id, count in stream_rows(connection, query)}


def close_names(connection, label: str, name: str, limit: int = 5) -> list[str]:
    """The names of type `label` closest in spelling to `name` (rapidfuzz's ratio of the
    lower-cased names >= 60), those with results first for datasets."""
    from rapidfuzz import fuzz, process, utils

    with_results = result_counts(connection, label)
    names = {entity_name: with_results.get(entity_id, 0) for entity_id, entity_name
             in stream_rows(connection, f"MATCH (e:{label}) RETURN e.id, e.name")}
    found = process.extract(name, list(names), scorer=fuzz.ratio, processor=utils.default_process,
                            score_cutoff=60, limit=limit * 4)
    found.sort(key=lambda match: (-(names[match[0]] > 0), -match[1], match[0]))
    return [match[0] for match in found[:limit]]


# Sentence ends: `.`, `!` or `?` and space before a capital, a digit or an opening bracket or
# quote; not after common abbreviations (e.g., i.e., et al., vs., Fig.).
SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bal)(?<!\bvs)(?<!\bFig)(?<!\bEq)"
                          r"[.!?]\s+(?=[A-Z0-9(\[\"'])")


@lru_cache(maxsize=1024)  # a paper's results ask for the sentences of one abstract in turn
def sentences(text: str) -> tuple[str, ...]:
    parts, start = [], 0
    for match in SENTENCE_END.finditer(text):
        parts.append(text[start:match.start() + 1].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return tuple(part for part in parts if part)


def result_sentence(text: str, value: str | None, hints: list[str | None]) -> str | None:
    """The sentence of `text` in which the result `value` is written (a build's results do not
    store their sentence): of the sentences holding the value as written, the one that names
    most of `hints` (metric, dataset, method), the first on a tie."""
    if not value:
        return None
    pattern = re.compile(r"(?<![\w.])" + re.escape(value) + r"(?![\w]|\.\d)")
    holding = [s for s in sentences(text) if pattern.search(s)]
    if not holding:
        return None
    names = [hint.casefold() for hint in hints if hint]
    return max(holding, key=lambda s: sum(n in s.casefold() for n in names))
