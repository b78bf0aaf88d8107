"""What the page's Overview, Leaderboards and Trends views show, gathered from a walk of the
graph (`kg.graph.stream`) while the build writes its outputs, so the page needs no store.

The rules are the views' own (`kg.views`): leaderboards ranked by `kg.views.leaderboard.ranked`
with each metric's direction, the result's sentence found as `kg leaderboard` finds it; periods,
rankings and rising/falling as `kg trends` decides them. Memory: counts per entity and month,
and the results with the abstracts of the papers reporting them; never the graph.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable

import pandas as pd

from kg.views.leaderboard import COLUMNS as LEADERBOARD_COLUMNS
from kg.views.leaderboard import NO_METRIC, UNKNOWN_DIRECTION, ranked, result_sentence
from kg.views.metrics import metric_direction
from kg.views.trends import (
    RULE,
    UNDATED,
    UNPARSEABLE,
    _ranking,  # the CLI's ranking and trend rule, on counts gathered here
    choose_period,
    period_of,
    period_range,
    windows,
)

TREND_TYPES = ("Method", "Dataset", "Task", "Metric")
RANKED = 100  # entities of each type whose papers per period the page carries
BOARDS = 300  # leaderboards of each kind (datasets, tasks) with most results
# results shown per board, metric (and unit, and a task board's dataset) and period: the best
# BOARD_ROWS of each period, so that any range of periods still shows its own best ones (each
# of those is among the best of its period); `kg leaderboard` lists every result
BOARD_ROWS = 10  # as `kg report --rows`
MIN_PAPERS = 3
BOARD_FIELDS = ["rank", "metric", "direction", "method", "value", "unit", "paper", "date",
                "sentence", "dataset", "paper_id", "result_id", "direction_basis"]


def result_label(metric: str | None, value: str | None, method: str | None,
                 dataset: str | None) -> str:
    """`accuracy 53.99% (ZCore, ImageNet)`: what a Result node is called on the page."""
    head = " ".join(part for part in (metric, value) if part) or "result"
    context = ", ".join(part for part in (method, dataset) if part)
    return f"{head} ({context})" if context else head


class ViewFacts:
    """Walk items in, the views' data out (`data()`)."""

    def __init__(self) -> None:
        self.types: Counter = Counter()
        self.names: dict[str, tuple[str, str]] = {}  # entity id -> (type, name)
        self.months: Counter = Counter()  # papers by the month (or year) of their date
        self.entity_months: dict[str, Counter] = defaultdict(Counter)
        self.results: dict[str, tuple[dict, dict]] = {}  # result id -> (data, relation: target)
        self.reporter: dict[str, str] = {}  # result id -> paper id
        self.papers: dict[str, dict] = {}  # papers that report results: title, date, abstract
        self.tasks: dict[str, list[str]] = {}  # those papers' tasks
        # the sentences of the results the page showed, with what they were found from
        # (value, metric, dataset, method): an update finds them here instead of reading the
        # abstracts again (the records file, a random read a paper)
        self.sentences: dict[str, tuple[tuple, str | None]] = {}
        # papers → their abstracts, for papers whose facts were kept without (`from_state`)
        self.read_abstracts: Callable[[set[str]], dict[str, str]] | None = None

    def add(self, node: str, data: dict, out: list) -> None:
        node_type = data.get("type", "?")
        self.types[node_type] += 1
        if node_type in TREND_TYPES:
            self.names[node] = (node_type, str(data.get("name") or node))
        elif node_type == "Paper":
            self._paper(node, data, out)
        elif node_type == "Result":
            self.results[node] = (data, {key: target for target, key, _ in out})
            self.sentences.pop(node, None)  # walked again: found again when shown

    def _paper(self, node: str, data: dict, out: list) -> None:
        date = data.get("date")
        month = _month(date)
        self.months[month] += 1
        for target in {target for target, key, _ in out if key not in ("REPORTS", "HAS_CODE",
                                                                        "AUTHORED_BY")}:
            self.entity_months[target][month] += 1
        reported = [target for target, key, _ in out if key == "REPORTS"]
        if reported:
            self.papers[node] = {"title": data.get("title") or data.get("name"), "date": date,
                                 "abstract": data.get("abstract") or ""}
            self.tasks[node] = [target for target, key, _ in out if key == "ADDRESSES"]
            self.reporter.update((result, node) for result in reported)

    def remove(self, node: str, data: dict, out: list) -> None:
        """Take back what `add` counted for a paper or result item (an update's earlier
        version of a paper whose entities moved)."""
        node_type = data.get("type", "?")
        _take(self.types, node_type)
        if node_type == "Result":
            self.results.pop(node, None)
            self.sentences.pop(node, None)
        elif node_type == "Paper":
            month = _month(data.get("date"))
            _take(self.months, month)
            for target in {target for target, key, _ in out if key not in ("REPORTS", "HAS_CODE",
                                                                             "AUTHORED_BY")}:
                if target in self.entity_months:
                    _take(self.entity_months[target], month)
                    if not self.entity_months[target]:
                        del self.entity_months[target]
            self.papers.pop(node, None)
            self.tasks.pop(node, None)
            for target, key, _ in out:
                if key == "REPORTS":
                    self.reporter.pop(target, None)

    def to_state(self) -> dict:
        """What `from_state` makes these facts again from (plain values; not the entity names,
        which come from the index)."""
        def months(counter: Counter) -> list:  # sorted: sets gave their order (hash seeds)
            return sorted(counter.items(), key=lambda item: (item[0] is not None, item[0] or ""))

        return {"months": months(self.months),
                "entity_months": [(e, months(c)) for e, c in sorted(self.entity_months.items())],
                "results": [(r, *self.results[r]) for r in sorted(self.results, key=_walk_order)],
                "reporter": sorted(self.reporter.items()),
                # without their abstracts (most of the facts' bytes), read again when shown
                "papers": sorted((paper, {k: v for k, v in fields.items() if k != "abstract"})
                                 for paper, fields in self.papers.items()),
                "tasks": sorted(self.tasks.items()),
                "sentences": sorted((result, list(found), sentence)
                                    for result, (found, sentence) in self.sentences.items())}

    @classmethod
    def from_state(cls, state: dict) -> ViewFacts:
        facts = cls()
        facts.months = Counter(dict(state["months"]))
        facts.entity_months = defaultdict(Counter, {e: Counter(dict(c)) for e, c in state["entity_months"]})
        facts.results = {r: (data, targets) for r, data, targets in state["results"]}
        facts.reporter = dict(state["reporter"])
        facts.papers = dict(state["papers"])
        facts.tasks = dict(state["tasks"])
        facts.sentences = {result: (tuple(found), sentence)
                           for result, found, sentence in state.get("sentences", ())}
        return facts

    def _name(self, node: str | None) -> str | None:
        return self.names[node][1] if node in self.names else None

    # ---- periods and trends -------------------------------------------------------------
    def periods(self) -> pd.DataFrame:
        """Papers per period, as `kg.views.trends.papers_per_period` counts them."""
        by = choose_period(dict(self.months))
        counts: Counter = Counter()
        for month, papers in self.months.items():
            counts[period_of(month, by)] += papers
        undated, unparseable = counts.pop(UNDATED, 0), counts.pop(UNPARSEABLE, 0)
        periods = period_range(min(counts), max(counts), by) if counts else []
        frame = pd.DataFrame({"period": periods, "papers": [counts.get(p, 0) for p in periods]})
        frame.attrs.update(by=by, papers=sum(self.months.values()), dated=sum(counts.values()),
                           undated=undated, unparseable=unparseable)
        return frame

    def _entity_periods(self, by: str) -> dict[str, Counter]:
        found = {}
        for entity, months in self.entity_months.items():
            if entity in self.names:
                periods: Counter = Counter()
                for month, papers in months.items():
                    periods[period_of(month, by)] += papers
                found[entity] = periods
        return found

    def trends(self, periods: pd.DataFrame) -> dict:
        """Per type: the RANKED entities in most papers with rank, papers, share, the earlier and
        recent shares and trend (`kg.views.trends.RULE`), and their papers in each period."""
        by = periods.attrs["by"]
        entity_periods = self._entity_periods(by)
        found = {}
        for entity_type in TREND_TYPES:
            rows = [(entity, self.names[entity][1], period, papers)
                    for entity, counts in entity_periods.items()
                    if self.names[entity][0] == entity_type for period, papers in counts.items()]
            counts = pd.DataFrame(rows, columns=["id", "name", "period", "papers"])
            ranking = _ranking(counts, periods, MIN_PAPERS).head(RANKED)
            found[entity_type] = {
                "total": sum(1 for t, _ in self.names.values() if t == entity_type),
                "rows": [{"id": row.id, "name": row.name, "rank": int(row.rank),
                          "papers": int(row.papers), "share": _number(row.share),
                          "former": _number(row.former_share), "latter": _number(row.latter_share),
                          "trend": row.trend,
                          "series": [entity_periods[row.id].get(p, 0) for p in periods["period"]],
                          "undated": entity_periods[row.id].get(UNDATED, 0)
                          + entity_periods[row.id].get(UNPARSEABLE, 0)}
                         for row in ranking.itertuples()]}
        return found

    # ---- leaderboards -------------------------------------------------------------------
    def result_rows(self) -> pd.DataFrame:
        rows = []
        # in walk order (papers by id, a paper's results by number), however they were added
        for result, (data, targets) in sorted(self.results.items(), key=lambda r: _walk_order(r[0])):
            paper_id = self.reporter.get(result)
            paper = self.papers.get(paper_id, {})
            metric, method, dataset = (self._name(targets.get(key)) for key in
                                       ("WITH_METRIC", "OF_METHOD", "ON_DATASET"))
            direction = metric_direction(metric) if metric else UNKNOWN_DIRECTION
            rows.append({
                "dataset": dataset, "metric": metric or NO_METRIC, "direction": direction.direction,
                "method": method, "value": data.get("value"), "number": data.get("number"),
                "unit": data.get("unit"), "paper": paper.get("title"), "date": paper.get("date"),
                "sentence": data.get("sentence"),  # else found when shown (`_sentence`)
                "task": None, "paper_id": paper_id, "result_id": result,
                "direction_basis": direction.basis, "_dataset_id": targets.get("ON_DATASET")})
        frame = pd.DataFrame(rows, columns=[*[c for c in LEADERBOARD_COLUMNS if c != "rank"],
                                            "_dataset_id"])
        # a result without a number is ranked last (an all-empty column would be of objects)
        frame["number"] = pd.to_numeric(frame["number"], errors="coerce")
        return frame

    def leaderboards(self, by: str) -> dict:
        """The leaderboard of every dataset with results and of every task whose papers report
        results (as `kg leaderboard --dataset/--task` ranks them), BOARDS of each at most.
        Ranked in one call for all datasets, and one for all tasks (ranks within a task's
        results: the task is put in front of the dataset for the call)."""
        rows = self.result_rows()
        boards: dict[str, list] = {"Dataset": [], "Task": []}
        if rows.empty:
            return {**boards, "without_dataset": 0}
        dataset_of = dict(zip(rows["result_id"], rows["_dataset_id"]))
        on_datasets = ranked(rows[rows["_dataset_id"].notna()].drop(columns="_dataset_id"))
        on_datasets["_board"] = on_datasets["result_id"].map(dataset_of)
        boards["Dataset"] = self._boards(on_datasets, by)
        task_rows = [(task, index) for index, paper_id in rows["paper_id"].items()
                     for task in self.tasks.get(paper_id, []) if task in self.names]
        if task_rows:
            tasks, indices = zip(*task_rows)
            on_tasks = rows.loc[list(indices)].drop(columns="_dataset_id").reset_index(drop=True)
            on_tasks["dataset"] = [f"{task}\x00{dataset if isinstance(dataset, str) else ''}"
                                   for task, dataset in zip(tasks, on_tasks["dataset"])]
            on_tasks = ranked(on_tasks)
            split = on_tasks["dataset"].str.split("\x00", n=1)
            names = split.str[1]
            on_tasks["_board"], on_tasks["dataset"] = split.str[0], names.where(names != "", None)
            boards["Task"] = self._boards(on_tasks, by)
        return {**boards, "without_dataset": int(rows["_dataset_id"].isna().sum())}

    def _boards(self, table: pd.DataFrame, by: str) -> list[dict]:
        """The BOARDS boards with most rows (ties: by name), each with its results per period
        and the best BOARD_ROWS of each group and period as rows (only those made into rows)."""
        sizes = table.groupby("_board", sort=False).size()
        chosen = sorted(sizes.index, key=lambda entity: (-sizes[entity], self._name(entity) or ""))[:BOARDS]
        table = table[table["_board"].isin(set(chosen))]
        table = table.assign(period=[period_of(date, by) for date in table["date"]])  # never empty
        per_period = table.groupby(["_board", "period"], sort=False).size()
        # rows come ranked within (board, dataset, metric, unit): the first of each period are its best
        shown = table.groupby([table["_board"], table["dataset"].fillna("").str.lower(),
                               table["metric"].str.lower(), table["unit"].fillna(""),
                               table["period"]], sort=False).cumcount() < BOARD_ROWS
        rows_of = table[shown].groupby("_board", sort=False)
        boards = [(entity, rows_of.get_group(entity).to_dict("records")) for entity in chosen]
        unsaid = [row for _, rows in boards for row in rows
                  if not isinstance(row["sentence"], str) or not row["sentence"]]
        unfound = []
        for row in unsaid:
            basis = self._sentence_basis(row["result_id"])
            kept = self.sentences.get(row["result_id"])
            if kept is not None and kept[0] == basis:
                row["sentence"] = kept[1]
            else:
                unfound.append((row, basis))
        abstracts = self._abstracts({self.reporter.get(row["result_id"]) for row, _ in unfound})
        for row, basis in unfound:
            row["sentence"] = self._sentence(row["result_id"], abstracts)
            self.sentences[row["result_id"]] = (basis, row["sentence"])
        return [{"id": entity, "name": self._name(entity), "results": int(sizes[entity]),
                 "per_period": {period: int(n) for period, n in per_period[entity].items()},
                 "rows": [{**{k: _plain(row[k]) for k in BOARD_FIELDS}, "period": row["period"]}
                          for row in rows]} for entity, rows in boards]

    def _abstracts(self, papers: set) -> dict[str, str]:
        """These papers' abstracts: those the facts hold, the rest read (`read_abstracts`)."""
        found = {paper: self.papers.get(paper, {}).get("abstract") for paper in papers}
        unread = {paper for paper, abstract in found.items() if abstract is None and paper}
        if unread and self.read_abstracts is not None:
            found.update(self.read_abstracts(unread))
        return found

    def _sentence_basis(self, result: str) -> tuple:
        """What a result's sentence is found from, beside its paper's abstract (which an
        update never changes): its value and the names of its metric, dataset and method."""
        data, targets = self.results[result]
        metric, method, dataset = (self._name(targets.get(key)) for key in
                                   ("WITH_METRIC", "OF_METHOD", "ON_DATASET"))
        return (data.get("value"), metric, dataset, method)

    def _sentence(self, result: str, abstracts: dict) -> str | None:
        """The abstract's sentence that reports a result found without one."""
        value, metric, dataset, method = self._sentence_basis(result)
        return result_sentence(abstracts.get(self.reporter.get(result)) or "", value,
                               [metric, dataset, method])

    def data(self) -> dict:
        periods = self.periods()
        attrs = periods.attrs
        former, latter = windows(periods)
        leaderboards = self.leaderboards(attrs["by"])
        # kept for the next update: the sentences of the results shown, no others
        shown = {row["result_id"] for kind in ("Dataset", "Task")
                 for board in leaderboards[kind] for row in board["rows"]}
        self.sentences = {result: found for result, found in self.sentences.items()
                          if result in shown}
        return {
            "by": attrs["by"], "periods": list(periods["period"]), "board_rows": BOARD_ROWS,
            "papers_per_period": [int(p) for p in periods["papers"]],
            "papers": attrs["papers"], "undated": attrs["undated"],
            "unparseable": attrs["unparseable"], "counts": dict(sorted(self.types.items())),
            "rule": RULE.format(min_papers=MIN_PAPERS, former=_span(former), latter=_span(latter)),
            "trends": self.trends(periods), "leaderboards": leaderboards,
        }


def _month(date) -> str | None:
    """A paper's month (or year) as the views count it."""
    return str(date).strip()[:7] if date not in (None, "") else None


def _take(counter: Counter, key) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]


def _walk_order(result: str) -> tuple[str, int]:
    """`result/PAPER/N` → (PAPER, N)."""
    paper, _, number = result[len("result/"):].rpartition("/")
    return (paper, int(number)) if number.isdigit() else (paper, 0)


def _span(window: list[str]) -> str:
    if len(window) < 2:
        return window[0] if window else "no period"
    return f"{window[0]}–{window[-1]}"


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 4)


def _plain(value):
    """A JSON value: NaN and pandas' missing values become None, numpy numbers Python ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def view_facts(walk) -> dict:
    """The views' data for a whole walk."""
    facts = ViewFacts()
    for item in walk:
        facts.add(*item)
    return facts.data()
