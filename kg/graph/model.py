"""The graph model: node types, relation types, and which relation a paper→entity fact takes.

Documented in `schemas/graph-model.md`.
"""

from __future__ import annotations

NODE_TYPES = ("Paper", "Method", "Dataset", "Metric", "Task", "Repository", "Result", "Author")
ENTITY_TYPES = ("Method", "Dataset", "Metric", "Task")

# (relation, source type, target type)
RELATIONS = (
    ("PROPOSES", "Paper", "Method"),
    ("PROPOSES", "Paper", "Dataset"),
    ("PROPOSES", "Paper", "Metric"),
    ("PROPOSES", "Paper", "Task"),
    ("USES", "Paper", "Method"),
    ("EVALUATES_ON", "Paper", "Dataset"),
    ("MEASURES", "Paper", "Metric"),
    ("ADDRESSES", "Paper", "Task"),
    ("HAS_CODE", "Paper", "Repository"),
    ("REPORTS", "Paper", "Result"),
    ("AUTHORED_BY", "Paper", "Author"),
    ("OF_METHOD", "Result", "Method"),
    ("ON_DATASET", "Result", "Dataset"),
    ("WITH_METRIC", "Result", "Metric"),
)

USED_RELATION = {"Method": "USES", "Dataset": "EVALUATES_ON", "Metric": "MEASURES",
                 "Task": "ADDRESSES"}
RESULT_RELATION = {"method": ("OF_METHOD", "Method"), "dataset": ("ON_DATASET", "Dataset"),
                   "metric": ("WITH_METRIC", "Metric")}


def paper_relation(label: str, role: str) -> str:
    """`PROPOSES` for what the paper introduces, else the label's usage relation."""
    return "PROPOSES" if role == "proposed" else USED_RELATION[label]
