"""RIS fields where Zotero's RIS import (translators/RIS.js) keeps them: an arXiv id in DB/AN
(archive, archive location; in M1 it became a journal article's issue), a report number in
SN (IS is not read for reports). Checked against translation-server; see render/head.py."""

from __future__ import annotations

from conceptwiki.citations.exports import csl_to_ris


def tags(text: str) -> list[tuple[str, str]]:
    return [(line[:2], line[6:]) for line in text.splitlines() if line[2:6] == "  - "]


def test_arxiv_preprint_id_in_db_and_an():
    ris = tags(csl_to_ris({"id": "h", "type": "article", "title": "Risks", "publisher": "arXiv",
                           "number": "arXiv:1906.01820", "DOI": "10.48550/arXiv.1906.01820"}))
    assert ("DB", "arXiv") in ris and ("AN", "arXiv:1906.01820") in ris
    assert ("DO", "10.48550/arXiv.1906.01820") in ris
    assert not [t for t, v in ris if t in ("M1", "IS")]


def test_report_number_in_sn():
    ris = tags(csl_to_ris({"id": "r", "type": "report", "title": "A report", "number": "TR-7",
                           "publisher": "Inst", "ISBN": "978-0-00-000000-2"}))
    assert ris[0] == ("TY", "RPRT") and ("SN", "TR-7") in ris and ("PB", "Inst") in ris
    assert not [t for t, v in ris if t in ("M1", "IS")]
    # without a number, the ISBN still has SN
    ris = tags(csl_to_ris({"id": "r", "type": "report", "title": "R", "ISBN": "978-0-00-000000-2"}))
    assert ("SN", "978-0-00-000000-2") in ris


def test_other_numbers_stay_in_m1():
    ris = tags(csl_to_ris({"id": "b", "type": "bill", "title": "A bill", "number": "H.R. 1"}))
    assert ("M1", "H.R. 1") in ris
