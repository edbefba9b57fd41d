"""The publication status of sources (bibtex/status.py): derived from BibTeX entries as
the parser reads them, and overridden by the ``publicationstatus`` field."""

from __future__ import annotations

import pytest

from conceptwiki.bibtex import STATUS_LABELS, load_bib_string, publication_status
from conceptwiki.bibtex.status import status_override_problem

#: (BibTeX entry, expected status). Entries are parsed by the real parser.
CASES = [
    ("@article{a, title={T}, journal={Synthese}, year={2021}}", "journal"),
    ("@article{a, title={T}, journaltitle={Nature Machine Intelligence}}", "journal"),
    # An @article on arXiv only (DBLP writes journal = CoRR) is a preprint.
    ("@article{a, title={T}, journal={CoRR}, volume={abs/1906.01820}}", "preprint"),
    ("@article{a, title={T}, journal={arXiv preprint arXiv:1906.01820}}", "preprint"),
    ("@article{a, title={T}, eprint={1906.01820}, archivePrefix={arXiv}}", "preprint"),
    ("@article{a, title={T}}", "other"),
    ("@inproceedings{a, title={T}, booktitle={Advances in Neural Information Processing Systems 35}}",
     "conference"),
    ("@inproceedings{a, title={T}, booktitle={Proceedings of the First Workshop on Learning with Natural Language Supervision}}",
     "workshop"),
    ("@inproceedings{a, title={T}, booktitle={Workshops at the Twenty-Ninth {AAAI} Conference}}", "workshop"),
    ("@inproceedings{a, title={T}, booktitle={ICML}, eventtitle={Workshop on Safe AI}}", "workshop"),
    # "workshop" only as a whole word.
    ("@inproceedings{a, title={T}, booktitle={Proceedings of Workshopping Conf}}", "conference"),
    ("@conference{a, title={T}, booktitle={AAAI}}", "conference"),
    ("@book{a, title={T}, publisher={Oxford University Press}}", "book"),
    ("@incollection{a, title={T}, booktitle={Advances in Computers}}", "book"),
    ("@inbook{a, title={T}, chapter={3}}", "book"),
    ("@techreport{a, title={T}, institution={Future of Humanity Institute}}", "report"),
    ("@techreport{a, title={T}, eprint={2101.00001}, archivePrefix={arXiv}}", "report"),
    ("@report{a, title={T}, institution={MIRI}}", "report"),
    ("@legislation{a, title={Regulation (EU) 2024/1689}}", "official"),
    ("@standard{a, title={ISO/IEC 42001}}", "official"),
    ("@misc{a, title={T}, eprint={1906.01820}, archivePrefix={arXiv}}", "preprint"),
    ("@misc{a, title={T}, url={https://arxiv.org/abs/1906.01820}}", "preprint"),
    ("@misc{a, title={T}, doi={10.48550/arXiv.1906.01820}}", "preprint"),
    ("@misc{a, title={T}, howpublished={AI Alignment Forum}, url={https://www.alignmentforum.org/posts/x}}",
     "post"),
    ("@misc{a, title={T}, organization={LessWrong}}", "post"),
    ("@misc{a, title={T}, publisher={The Singularity Institute}}", "other"),
    ("@online{a, title={T}, organization={AI Alignment Forum}, url={https://www.alignmentforum.org/posts/x}}",
     "post"),
    ("@online{a, title={T}, organization={Anthropic Alignment Science Blog}}", "post"),
    ("@online{a, title={T}, url={https://arxiv.org/abs/2401.05566}}", "preprint"),
    ("@unpublished{a, title={T}, note={Manuscript}}", "other"),
    ("@phdthesis{a, title={T}, school={MIT}}", "other"),
    # The field overrides the derivation, in any case and with surrounding spaces.
    ("@inproceedings{a, title={T}, booktitle={ICML}, publicationstatus={workshop}}", "workshop"),
    ("@misc{a, title={T}, publicationstatus={ Official }}", "official"),
    ("@online{a, title={T}, organization={ARC}, publicationstatus={report}}", "report"),
    ("@misc{a, title={T}, eprint={1}, archivePrefix={arXiv}, publicationstatus={journal}}", "journal"),
    # An unknown value is reported by check and ignored here.
    ("@article{a, title={T}, journal={Synthese}, publicationstatus={peer reviewed}}", "journal"),
]


def _source(bib: str):
    sources, problems = load_bib_string(bib, "bib/t.bib")
    assert len(sources) == 1, problems
    return sources[0]


@pytest.mark.parametrize("bib,expected", CASES, ids=[f"{i}-{c[1]}" for i, c in enumerate(CASES)])
def test_status_is_derived_from_the_entry(bib: str, expected: str) -> None:
    assert publication_status(_source(bib)) == expected


def test_every_status_has_a_label_and_every_case_is_covered() -> None:
    assert set(STATUS_LABELS) == {c[1] for c in CASES}


def test_a_wrong_override_names_the_values_it_may_take() -> None:
    message = status_override_problem(_source("@misc{a, title={T}, publicationstatus={peer reviewed}}"))
    assert message is not None
    assert "'peer reviewed'" in message and "journal, conference, workshop" in message
    assert status_override_problem(_source("@misc{a, title={T}, publicationstatus={Preprint}}")) is None
    assert status_override_problem(_source("@misc{a, title={T}}")) is None
