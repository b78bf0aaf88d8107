"""What an update did to the entities (`kg.link.changes`): merges, splits, renames, additions,
from the entities' name keys before and after."""

from kg.link.canonical import CanonicalIndex
from kg.link.catalogue import EMPTY
from kg.link.changes import entity_changes, entity_keys, read_entity_keys, write_entity_keys


def record(paper: str, *entities: tuple[str, tuple[str, ...]]) -> dict:
    return {"id": paper, "mentions": [], "entities": [
        {"id": f"Method:{name.lower()}", "label": "Method", "name": name, "aliases": list(aliases)}
        for name, aliases in entities]}


SHORT = record("a", ("DNN", ()))
LONG = record("b", ("deep neural network", ()))
DEFINES = record("c", ("deep neural network", ("DNN",)))  # `deep neural network (DNN)`
OTHER_MEANING = record("d", ("dynamic noise network", ("DNN",)))


def keys(*records: dict) -> dict:
    return entity_keys(CanonicalIndex(list(records), catalogue=EMPTY))


def test_a_paper_defining_an_abbreviation_merges_two_entities():
    changes = entity_changes(keys(SHORT, LONG), keys(SHORT, LONG, DEFINES))
    assert changes["merges"] == [{"into": "method/deep-neural-network",
                                  "from": ["method/deep-neural-network", "method/dnn"]}]
    assert (changes["merged"], changes["split"], changes["added"]) == (1, 0, 0)


def test_a_second_meaning_of_the_abbreviation_splits_it_again():
    changes = entity_changes(keys(SHORT, LONG, DEFINES), keys(SHORT, LONG, DEFINES, OTHER_MEANING))
    assert changes["splits"] == [{"from": "method/deep-neural-network",
                                  "into": ["method/deep-neural-network", "method/dnn"]}]
    assert (changes["merged"], changes["split"], changes["added"]) == (0, 1, 1)


def test_untouched_entities_are_kept_and_renames_listed():
    before = {"method/bert": ("bert",), "method/cnn": ("cnn",), "task/qa": ("qa",)}
    after = {"method/bert": ("bert",), "method/convolutional-network": ("cnn", "convolutional network"),
             "task/qa": ("qa",), "task/ner": ("ner",)}
    changes = entity_changes(before, after)
    assert changes["renames"] == [{"from": "method/cnn", "to": "method/convolutional-network"}]
    assert (changes["kept"], changes["added"], changes["renamed"], changes["removed"]) == (2, 1, 1, 0)


def test_entity_keys_round_trip_through_entities_jsonl(tmp_path):
    index = CanonicalIndex([SHORT, LONG, DEFINES], catalogue=EMPTY)
    write_entity_keys(tmp_path / "entities.jsonl", index)
    assert read_entity_keys(tmp_path / "entities.jsonl") == entity_keys(index)
