"""The views' tables as text: Markdown and JSON records (the CLI and the report print these)."""

from __future__ import annotations

import json
import math
import re

import pandas as pd

LEADERBOARD_SHOWN = ["rank", "method", "value", "paper", "date", "sentence"]


def leaderboard_groups(frame: pd.DataFrame):
    """(dataset, metric, unit, direction, rows) for each leaderboard in the frame, in order."""
    keys = ["dataset", "metric", "unit"]
    for (dataset, metric, unit), rows in frame.groupby(
            [frame[k].fillna("") for k in keys], sort=False):
        yield dataset, metric, unit, rows["direction"].iloc[0], rows


def group_title(dataset: str, metric: str, unit: str, direction: str) -> str:
    where = dataset or "(no dataset)"
    unit = f", {unit}" if unit else ""
    if direction == "unknown":
        return f"{where} · {metric}{unit} (unranked: highest first)"
    return f"{where} · {metric}{unit} ({direction} is better)"


def missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# backslash-escaped in Markdown cells, so that a title's markup stays text: emphasis, links,
# code, HTML tags, strike-through and the cell separator
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def markdown_cell(value) -> str:
    if missing(value):
        return ""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def markdown_table(columns: list[str], rows) -> str:
    lines = ["| " + " | ".join(map(markdown_cell, columns)) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def leaderboard_markdown(frame: pd.DataFrame) -> str:
    """One `###` heading and table a leaderboard (dataset, metric and unit)."""
    parts = []
    for dataset, metric, unit, direction, rows in leaderboard_groups(frame):
        parts.append(f"### {markdown_cell(group_title(dataset, metric, unit, direction))}\n\n"
                     + markdown_table(LEADERBOARD_SHOWN, rows[LEADERBOARD_SHOWN].itertuples(index=False)))
    return "\n\n".join(parts) + "\n"


def json_records(frame: pd.DataFrame) -> str:
    """The rows as a JSON list of objects; missing values as null."""
    records = [{k: None if missing(v) else v for k, v in row.items()}
               for row in frame.astype(object).to_dict(orient="records")]
    return json.dumps(records, ensure_ascii=False, indent=1, default=str)
