"""Trend charts with matplotlib (Agg backend: no display, no network), written atomically as
PNG or SVG, and the trend tables as CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kg.io import atomic_path
from kg.views.trends import UNDATED, UNPARSEABLE, Trends

CHART_FORMATS = ("png", "svg")


def draw_trends(result: Trends):
    """A matplotlib Figure: papers per period (bars) above each top entity's share of the
    period's papers (lines), with a note of the papers without a usable date."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    periods, series = result.periods, result.series
    attrs = periods.attrs
    figure = Figure(figsize=(10, 7), layout="constrained")
    counts, shares = figure.subplots(2, 1, sharex=True, height_ratios=[1, 2])
    positions = range(len(periods))
    counts.bar(positions, periods["papers"], color="#4c72b0")
    counts.set_ylabel("papers")
    counts.yaxis.set_major_locator(MaxNLocator(integer=True))
    counts.set_title(f"Papers per {attrs['by']} and each {attrs['type']}'s share of them")
    dated = series[~series["period"].isin([UNDATED, UNPARSEABLE])]
    index = {period: i for i, period in enumerate(periods["period"])}
    lines, names = [], []
    for _, rows in dated.groupby("id", sort=False):
        lines += shares.plot([index[p] for p in rows["period"]], rows["share"], marker="o",
                             linewidth=1.5)
        names.append(plain_label(rows["name"].iloc[0]))
    shares.yaxis.set_major_formatter(PercentFormatter(1.0))
    shares.set_ylabel(f"share of the {attrs['by']}'s papers")
    if lines:  # handles and labels given: a name starting with `_` is not dropped as private
        shares.legend(lines, names, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    labels = list(periods["period"])
    step = max(1, len(labels) // 24)
    shares.set_xticks(list(positions)[::step], labels[::step], rotation=45, ha="right")
    note = f"{attrs['dated']} of {attrs['papers']} papers dated"
    if attrs["undated"] or attrs["unparseable"]:
        note += (f"; not shown: {attrs['undated']} without a date, {attrs['unparseable']} with "
                 f"a date kg cannot place")
    shares.set_xlabel(f"{attrs['by']} ({note})")
    return figure


def plain_label(name: str) -> str:
    """A name as matplotlib text: `$` escaped, so it is never read as mathtext."""
    return name.replace("$", r"\$")


def write_trends(result: Trends, path: str | Path) -> Path:
    """Write the chart (`.png`, `.svg`) or the series table (`.csv`) to `path`, atomically."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "csv":
        with atomic_path(path) as temp:
            result.series.to_csv(temp, index=False)
        return path
    if suffix not in CHART_FORMATS:
        raise ValueError(f"cannot write {path.name}: give a .png, .svg or .csv file")
    figure = draw_trends(result)
    with atomic_path(path) as temp:
        figure.savefig(temp, format=suffix, dpi=120, metadata=_metadata(suffix))
    return path


def _metadata(suffix: str) -> dict:
    """No creation date in the file, so the same build gives the same bytes."""
    return {"Date": None} if suffix == "svg" else {"Software": "kg (matplotlib)"}


def share_table(result: Trends, names: list[str]) -> pd.DataFrame:
    """Periods as rows, the papers of the period and each named entity's `papers (share)`."""
    table = result.periods.set_index("period")[["papers"]].copy()
    for name in names:
        rows = result.series[result.series["name"] == name].set_index("period")
        table[name] = [_papers_and_share(rows, period) for period in table.index]
    return table.reset_index()


def _papers_and_share(rows: pd.DataFrame, period: str) -> str:
    if period not in rows.index:
        return ""
    row = rows.loc[period]
    return f"{int(row['papers'])}" + ("" if pd.isna(row["share"]) else f" ({row['share']:.0%})")
