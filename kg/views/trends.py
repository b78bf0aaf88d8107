"""Rankings and trends: papers per period, each entity's papers and share of the period's
papers, and which entities rise or fall.

Counted in the build's Cypher store (aggregates only come back: one row per period, and one
per entity and period), so memory grows with entities and periods, not with papers.

Periods are years, or months when the dated papers span less than three years (`by` chooses).
A paper's period comes from its date as stored (`2024-11-22`, `2024-11`, `2024`): a paper
without a date is *undated*, one whose date does not start with a year (and a month, by month)
is *unparseable*; both are counted in `attrs` and in the rows of `entity_trends`, never
dropped silently.

Rising and falling (`RULE`): the recent periods are compared with as many periods before them,
counting only periods with papers: the latter half of them, at most RECENT[by] (5 years or 12
months), against the same number just before (earlier periods, and the first of an odd number,
are in neither). An entity's share of a window is its papers there over all papers there. With at
least `min_papers` dated papers, it *rises* when its recent share is at least 1.5 times its
earlier share and at least one point higher, *falls* the other way round, and is *steady*
otherwise. A long build (1994 to 2026, say) is so judged on its last years, not on its halves.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from kg.graph.model import ENTITY_TYPES
from kg.views.store import ViewError, opened_store, stream_rows

RULE = ("rising: share of the papers in {latter} >= 1.5 x the share in {former} and >= 1 point "
        "higher; falling: the reverse; judged with >= {min_papers} dated papers")
RECENT = {"year": 5, "month": 12}  # the most periods in the recent window
UNDATED, UNPARSEABLE = "no date", "unparseable date"
MONTHLY_BELOW_MONTHS = 36
FIRST_YEAR, LAST_YEAR = 1800, 2200
PERIOD = re.compile(r"(\d{4})(?:[-/.](\d{1,2}))?")


class Trends(NamedTuple):
    periods: pd.DataFrame  # period, papers
    ranking: pd.DataFrame  # rank, name, id, papers, share, former_share (earlier window),
    # latter_share (recent window), trend
    series: pd.DataFrame  # period, name, id, papers, period_papers, share (top entities)


def period_of(date: str | None, by: str) -> str | None:
    """`2024-11-22` → `2024` (by year) or `2024-11` (by month); UNDATED for no date,
    UNPARSEABLE for a date without a plausible year (or month, by month)."""
    if date is None or not str(date).strip():
        return UNDATED
    match = PERIOD.match(str(date).strip())
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        return UNPARSEABLE
    if by == "year":
        return match.group(1)
    if not match.group(2) or not 1 <= int(match.group(2)) <= 12:
        return UNPARSEABLE
    return f"{match.group(1)}-{int(match.group(2)):02d}"


def _months(period: str) -> int:
    year, _, month = period.partition("-")
    return int(year) * 12 + int(month or 1) - 1


def period_range(first: str, last: str, by: str) -> list[str]:
    """Every period from `first` to `last`, empty ones included."""
    if by == "year":
        return [str(year) for year in range(int(first), int(last) + 1)]
    return [f"{m // 12}-{m % 12 + 1:02d}" for m in range(_months(first), _months(last) + 1)]


def _dates(connection) -> dict[str | None, int]:
    """Papers by the first ten characters of their date (a day, month or year as stored)."""
    query = "MATCH (p:Paper) RETURN substring(p.date, 1, 10), count(*)"
    return {date: count for date, count in stream_rows(connection, query)}


def choose_period(dates: dict[str | None, int]) -> str:
    """`month` when the dated papers span less than MONTHLY_BELOW_MONTHS months, else `year`."""
    months = [_months(p) for d in dates if (p := period_of(d, "month")) not in (UNDATED, UNPARSEABLE)]
    if months and max(months) - min(months) + 1 < MONTHLY_BELOW_MONTHS:
        return "month"
    return "year"


def _check(by: str | None, entity_type: str | None = None) -> None:
    if by not in (None, "year", "month"):
        raise ViewError(f"unknown period {by!r}: use year or month")
    if entity_type is not None and entity_type not in ENTITY_TYPES:
        raise ViewError(f"unknown type {entity_type!r}: use {', '.join(ENTITY_TYPES)}")


def _period_counts(connection, by: str | None) -> tuple[pd.DataFrame, str]:
    dates = _dates(connection)
    by = by or choose_period(dates)
    counts: dict[str, int] = {}
    for date, count in dates.items():
        period = period_of(date, by)
        counts[period] = counts.get(period, 0) + count
    undated, unparseable = counts.pop(UNDATED, 0), counts.pop(UNPARSEABLE, 0)
    periods = period_range(min(counts), max(counts), by) if counts else []
    frame = pd.DataFrame({"period": periods, "papers": [counts.get(p, 0) for p in periods]})
    frame.attrs.update(by=by, papers=sum(dates.values()), dated=sum(counts.values()),
                       undated=undated, unparseable=unparseable)
    return frame, by


def papers_per_period(out: str | Path, by: str | None = None) -> pd.DataFrame:
    """Papers per period (every period from the first to the last dated paper). `attrs`: `by`,
    `papers`, `dated`, `undated` (no date), `unparseable` (a date kg cannot place)."""
    _check(by)
    with opened_store(out) as connection:
        return _period_counts(connection, by)[0]


def trends(out: str | Path, entity_type: str = "Method", top: int = 10, by: str | None = None,
           min_papers: int = 3) -> Trends:
    """Papers per period; the `entity_type` entities ranked by papers, with their share of all
    papers, their former and latter shares and trend (`RULE`; `movers` lists those rising or
    falling most); and the top `top` entities' papers and share in each period, with rows for
    their undated and unparseable papers (period UNDATED, UNPARSEABLE). The ranking holds
    every entity with at least `min_papers` papers, and at least the top `top`: the store
    counts only those, so a large build's long tail of one-paper names stays there."""
    _check(by, entity_type)
    if top < 1:
        raise ViewError("--top must be at least 1")
    with opened_store(out) as connection:
        periods, by = _period_counts(connection, by)
        cut = _nth_papers(connection, entity_type, top)
        counts = _entity_counts(connection, entity_type, by, min(cut, min_papers))
    former, latter = windows(periods)
    attrs = {**periods.attrs, "type": entity_type, "rule": RULE.format(
        min_papers=min_papers, former=_span(former), latter=_span(latter))}
    ranking = _ranking(counts, periods, min_papers)
    series = _series(counts, periods, ranking.head(top))
    for frame in (periods, ranking, series):
        frame.attrs.update(attrs)
    return Trends(periods, ranking, series)


def rankings(out: str | Path, entity_type: str = "Method", top: int = 10, by: str | None = None,
             min_papers: int = 3) -> pd.DataFrame:
    """The ranking table of `trends`."""
    return trends(out, entity_type, top, by, min_papers).ranking


def _nth_papers(connection, entity_type: str, n: int) -> int:
    """The paper count of the n-th entity by papers (1 when there are fewer)."""
    query = (f"MATCH (e:{entity_type}) WITH e.papers AS papers ORDER BY papers DESC "
             f"SKIP {n - 1} LIMIT 1 RETURN papers")
    return next((row[0] or 1 for row in stream_rows(connection, query)), 1)


def _entity_counts(connection, entity_type: str, by: str, floor: int) -> pd.DataFrame:
    """Papers per entity and period, for the entities with at least `floor` papers."""
    length = 4 if by == "year" else 7
    query = (f"MATCH (p:Paper)-[]->(e:{entity_type}) WHERE e.papers >= $floor "
             f"RETURN e.id, e.name, substring(p.date, 1, {length}), count(*)")
    rows: dict[tuple[str, str, str], int] = {}
    for entity_id, name, date, count in stream_rows(connection, query, {"floor": max(floor, 1)}):
        key = (entity_id, name, period_of(date, by))
        rows[key] = rows.get(key, 0) + count
    return pd.DataFrame([(*key, count) for key, count in rows.items()],
                        columns=["id", "name", "period", "papers"])


def windows(periods: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The earlier and the recent window of `RULE`: periods with papers."""
    filled = list(periods.loc[periods["papers"] > 0, "period"])
    size = min(len(filled) // 2, RECENT[periods.attrs["by"]])
    if not size:
        return [], []
    return filled[len(filled) - 2 * size:len(filled) - size], filled[len(filled) - size:]


def _span(window: list[str]) -> str:
    if len(window) < 2:
        return window[0] if window else "no period"
    return f"{window[0]}–{window[-1]}"


def _ranking(counts: pd.DataFrame, periods: pd.DataFrame, min_papers: int) -> pd.DataFrame:
    columns = ["rank", "name", "id", "papers", "share", "dated_papers", "former_share",
               "latter_share", "trend"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    total = periods.attrs["papers"]
    former, latter = windows(periods)
    in_period = periods.set_index("period")["papers"]
    former_papers, latter_papers = in_period.reindex(former).sum(), in_period.reindex(latter).sum()
    table = counts.pivot_table(index=["id", "name"], columns="period", values="papers",
                               aggfunc="sum", fill_value=0)
    frame = pd.DataFrame({"papers": table.sum(axis=1)})
    frame["share"] = frame["papers"] / total if total else float("nan")
    frame["dated_papers"] = table.reindex(columns=list(in_period.index), fill_value=0).sum(axis=1)
    frame["former_share"] = (table.reindex(columns=former, fill_value=0).sum(axis=1) / former_papers
                             if former and former_papers else float("nan"))
    frame["latter_share"] = (table.reindex(columns=latter, fill_value=0).sum(axis=1) / latter_papers
                             if latter and latter_papers else float("nan"))
    # by column (itertuples would build the (id, name) index's tuples: 1 s at 300k papers)
    frame["trend"] = [_trend(former, latter, dated, min_papers) for former, latter, dated in zip(
        frame["former_share"].tolist(), frame["latter_share"].tolist(),
        frame["dated_papers"].tolist(), strict=True)]
    frame = frame.reset_index().sort_values(["papers", "name"], ascending=[False, True],
                                            key=lambda c: c.str.casefold() if c.name == "name" else c)
    frame = frame.reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame[columns]


def movers(ranking: pd.DataFrame, trend: str = "rising", n: int = 10) -> pd.DataFrame:
    """The `n` entities of `ranking` judged `trend` (`rising` or `falling`) whose share changed
    most between the halves, then by papers."""
    found = ranking[ranking["trend"] == trend]
    change = (found["latter_share"] - found["former_share"]).abs()
    order = found.assign(_change=change).sort_values(["_change", "papers"], ascending=False,
                                                     kind="stable")
    return order.drop(columns="_change").head(n).reset_index(drop=True)


def _trend(former: float, latter: float, dated: int, min_papers: int) -> str:
    if dated < min_papers or pd.isna(former) or pd.isna(latter):
        return ""
    if latter >= 1.5 * former and latter - former >= 0.01:
        return "rising"
    if former >= 1.5 * latter and former - latter >= 0.01:
        return "falling"
    return "steady"


def _series(counts: pd.DataFrame, periods: pd.DataFrame, top: pd.DataFrame) -> pd.DataFrame:
    """Each top entity's papers and share in every period, then its undated and unparseable
    papers (share empty)."""
    columns = ["period", "name", "id", "papers", "period_papers", "share"]
    if top.empty:
        return pd.DataFrame(columns=columns)
    in_period = periods.set_index("period")["papers"]
    extra = {UNDATED: periods.attrs["undated"], UNPARSEABLE: periods.attrs["unparseable"]}
    found = counts.set_index(["id", "period"])["papers"]
    rows = []
    for entity in top.itertuples():
        for period in [*in_period.index, UNDATED, UNPARSEABLE]:
            papers = int(found.get((entity.id, period), 0))
            if period in extra:
                if papers or extra[period]:
                    rows.append((period, entity.name, entity.id, papers, extra[period], float("nan")))
                continue
            all_papers = int(in_period[period])
            rows.append((period, entity.name, entity.id, papers, all_papers,
                         papers / all_papers if all_papers else float("nan")))
    return pd.DataFrame(rows, columns=columns)
