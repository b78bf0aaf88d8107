"""`schemas/extraction.schema.json` describes the records of OUT/extractions.jsonl: real records
validate with the `jsonschema` library, broken ones do not."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from kg.api import extract
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "schemas" / "extraction.schema.json").read_text(encoding="utf-8"))
SOURCES = ROOT / "tests" / "fixtures" / "sources"


@pytest.fixture(scope="module")
def validator():
    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator(SCHEMA)


@pytest.fixture(scope="module")
def example_records(example_build):
    lines = (example_build.out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def problems(validator, record) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]


def test_the_example_builds_records_are_valid(validator, example_records):
    assert len(example_records) > 40
    for record in example_records:
        assert not problems(validator, record), (record["id"], problems(validator, record))
    assert any(not m["kept"] for r in example_records for m in r["mentions"])  # both branches
    assert any(r["results"] for r in example_records) and any(r["links"] for r in example_records)


def test_records_from_other_sources_are_valid(validator):
    """arXiv ids, DOIs, authors, categories, and repositories the source names (`official`)."""
    inputs = [SOURCES / "papers-with-abstracts.json", SOURCES / "links-between-papers-and-code.json",
              SOURCES / "arxiv-api.atom", SOURCES / "openalex-works.json"]
    records = list(extract(inputs))
    assert any(r["arxiv_id"] for r in records) and any(r["doi"] for r in records)
    assert any(link.get("field") == "source" for r in records for link in r["links"])
    for record in records:
        assert not problems(validator, record), (record["id"], problems(validator, record))
    for record in extract(records=[{"title": "Kept Generic", "abstract": "We use our approach."}],
                             keep_generic=True):
        assert not problems(validator, record)


def test_broken_records_fail(validator, example_records):
    record = next(r for r in example_records if r["mentions"] and r["entities"] and r["links"])
    breakages = {
        "no title": lambda r: r.pop("title"),
        "offset as text": lambda r: r["mentions"][0].update(start="12"),
        "unknown label": lambda r: r["entities"][0].update(label="Person"),
        "kept without entity": lambda r: r["mentions"][0].update(kept=True, entity_id=None),
        "link without offsets": lambda r: r["links"][0].update(field="abstract") or r["links"][0].pop("start", None),
        "unknown field": lambda r: r.update(sumary="…"),
        "confidence above 1": lambda r: r["entities"][0].update(confidence=1.5),
    }
    for name, breaking in breakages.items():
        broken = copy.deepcopy(record)
        breaking(broken)
        assert problems(validator, broken), name
