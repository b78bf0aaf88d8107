"""BibTeX: entries with LaTeX accents, commands and braces turned into plain text."""

from kg.sources import detect_format, read_path
from kg.sources.bibtex import clean_latex
from tests.sources.fixtures import FIXTURES, read_fixture


def test_latex_is_cleaned():
    assert clean_latex(r'{BERT} and M{\"u}ller') == "BERT and Müller"
    assert clean_latex(r"Gr{\'e}goire \emph{et al.} got 95% (not 95\%) \cite{x}.") == (
        "Grégoire et al. got 95% (not 95%) .")
    assert clean_latex(r"{\L}ukasz --- $\alpha$") == "Łukasz — $\\alpha$"


def test_entries_fields_and_rejects():
    papers, rejects, _ = read_fixture("references.bib")
    bert, sinkhorn = papers
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert bert.abstract.endswith("pushing the GLUE score to 80.5%.")
    assert bert.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert bert.doi == "10.18653/v1/N19-1423" and bert.date == "2019" and bert.line == 2
    assert bert.source_id == "devlin-etal-2019-bert"
    assert sinkhorn.title == "Sinkhorn Transformers for München Street Scenes"
    assert sinkhorn.authors == ["Jörg Müller", "Amélie Grégoire", "Łukasz Kaiser"]
    assert sinkhorn.abstract.startswith("We propose SinkFormer, a transformer with Sinkhorn attention")
    assert "81.2 mIoU on Cityscapes" in sinkhorn.abstract and "3% above" in sinkhorn.abstract
    assert sinkhorn.arxiv_id == "2305.01234" and "cs.CV" in sinkhorn.categories
    assert [(r.line, r.reason) for r in rejects] == [
        (31, "record has no abstract"), (37, "broken BibTeX entry: unbalanced braces or quotes")]


def test_detected_without_extension_and_duplicate_keys(tmp_path):
    text = (FIXTURES / "references.bib").read_text()
    assert detect_format("stdin", text.split("\n", 1)[1].encode()) == "bibtex"
    path = tmp_path / "twice.bib"
    path.write_text("@article{k, title={A}, abstract={One.}}\n@article{k, title={B}, abstract={Two.}}\n")
    paper, reject = list(read_path(path))
    assert paper.title == "A" and (reject.line, reject.reason) == (2, "duplicate BibTeX key 'k'")
