"""Combining the recogniser's spans with catalogue matches (kg/extract/spans.py)."""

from kg.extract.spans import make_span, merge_longest
from kg.extract.tokenizer import make_blank_nlp


def test_a_catalogue_name_across_a_statistical_edge_trims_the_statistical_span():
    doc = make_blank_nlp()("on both road scenes and SUN RGB-D indoor scene segmentation tasks .")
    words = [t.text for t in doc]
    sun, tasks = words.index("SUN"), words.index("tasks")
    # the recogniser's Task starts inside the catalogue's `SUN RGB-D`
    doc.ents = [make_span(doc, sun + 1, tasks + 1, "Task", "ner")]
    merge_longest(doc, [make_span(doc, sun, sun + 2, "Dataset", "gazetteer", "curated:dataset/sun-rgb-d")])
    assert [(e.text, e.label_, e.id_) for e in doc.ents] == [
        ("SUN RGB-D", "Dataset", "gazetteer"), ("indoor scene segmentation tasks", "Task", "ner")]


def test_a_longer_statistical_span_still_wins_over_a_catalogue_name_inside_it_of_its_label():
    doc = make_blank_nlp()("We train a deep LSTM network .")
    doc.ents = [make_span(doc, 3, 6, "Method", "ner")]
    merge_longest(doc, [make_span(doc, 4, 5, "Method", "gazetteer")])
    assert [(e.text, e.id_) for e in doc.ents] == [("deep LSTM network", "ner")]


def test_a_bare_head_word_left_of_a_crossed_span_is_no_entity():
    """`an overall F1 score of 0.55`: the recogniser's `F1 score` crossed by the catalogue's
    `overall F1` leaves `score`, which names nothing."""
    doc = make_blank_nlp()("performs best with an overall F1 score of 0.55 .")
    words = [t.text for t in doc]
    overall = words.index("overall")
    doc.ents = [make_span(doc, overall + 1, overall + 3, "Metric", "ner")]
    merge_longest(doc, [make_span(doc, overall, overall + 2, "Metric", "gazetteer", "pwc:metric/overall-f1")])
    assert [(e.text, e.id_) for e in doc.ents] == [("overall F1", "gazetteer")]
