from kg.extract.links import classify_link, find_links
from tests.conftest import EXAMPLE


def test_every_url_in_the_example_listing_is_found_cleaned_and_classified():
    text = EXAMPLE.read_text()
    found = {link.url: link.kind for link in find_links(text)}
    assert found == {
        "http://mi.eng.cam.ac.uk/projects/segnet/": "project",
        "https://github.com/Luckfort/CD": "code",
        "https://github.com/JimengShi/DL-Foundation-Models-Weather": "code",
        "https://github.com/voxel51/zcore": "code",
        "https://github.com/KGML-lab/Generalized-Forward-Inverse-Framework-for-DL4SI": "code",
        "https://github.com/RazvanDu/LayerwiseQuant": "code",
        "https://github.com/microsoft/LiveDRBench": "code",
        "https://hugface-5b9.pages.dev/ai-earth": "project",
        "https://bit.ly/indraeye": "other",
        "https://github.com/quanshr/DMoERM-v1": "code",
    }


def test_offsets_cover_the_url_in_the_text():
    text = "Code: https://github.com/voxel51/zcore. Data at https://zenodo.org/records/123)."
    links = find_links(text)
    assert [text[link.start:link.end] for link in links] == [
        "https://github.com/voxel51/zcore", "https://zenodo.org/records/123"]
    assert [link.kind for link in links] == ["code", "data"]


def test_a_space_after_a_slash_is_repaired_only_for_path_like_words():
    assert [link.url for link in find_links("at https://github.com/Owner/ repo-name.")] == [
        "https://github.com/Owner/repo-name"]
    assert [link.url for link in find_links("see https://example.org/docs/ for details")] == [
        "https://example.org/docs/"]


def test_kinds_by_host():
    assert classify_link("https://gitlab.com/a/b") == "code"
    assert classify_link("https://huggingface.co/datasets/x/y") == "data"
    assert classify_link("https://huggingface.co/org/model") == "code"
    assert classify_link("https://arxiv.org/abs/2401.00001") == "paper"
    assert classify_link("https://someone.github.io/project") == "project"


def test_no_links_in_plain_text_or_numbers():
    assert find_links("Accuracy of 53.99% on ImageNet, v1.2.3 and e.g. this.") == []
