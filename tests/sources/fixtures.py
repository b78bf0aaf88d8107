"""The hand-made source fixtures in tests/fixtures/sources, read with `kg.sources.read_path`."""

from pathlib import Path

from kg.records import CodeLink, Paper, Reject
from kg.sources import read_path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"


def read_fixture(name: str) -> tuple[list[Paper], list[Reject], list[CodeLink]]:
    items = list(read_path(FIXTURES / name))
    return ([i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Reject)],
            [i for i in items if isinstance(i, CodeLink)])
