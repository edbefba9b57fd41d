"""Fields the exports used to drop or put where readers' tools do not look:

* RIS editors by type, as Zotero's RIS import (zotero/translators RIS.js, its A2/A3 tables)
  and the RIS specification read them: A2 is the editor of a chapter, paper, journal article
  or entry, A3 the editor of a BOOK, whose A2 is its series editor; ED (which citation-js and
  rispy do not read) only where no numbered tag means editor;
* an archived copy's date (``archivedate``): CSL has no variable for it, so it is in
  ``custom["archive-date"]`` (CSL-JSON 1.0.2's place for data without a variable), the BibTeX
  and RIS notes, and the source page;
* the arXiv id of a paper published in a venue (``eprint`` + ``archivePrefix``/
  ``primaryClass`` on an @inproceedings): ``custom``, BibTeX ``eprint``/``eprinttype``/
  ``eprintclass`` (biblatex's and Zotero's names) and RIS ``DB``/``AN``.
"""

from __future__ import annotations

import json
from pathlib import Path

from conceptwiki.bibtex import load_bib_string
from conceptwiki.citations.exports import csl_json, csl_to_bibtex, csl_to_ris
from helpers import build_site, small_project, soup, write


def tags(text: str) -> list[tuple[str, str]]:
    return [(line[:2], line[6:]) for line in text.splitlines() if line[2:6] == "  - "]


EDITED = {"id": "c", "title": "A chapter", "author": [{"family": "Author", "given": "Ann"}],
          "editor": [{"family": "Editor", "given": "Ed"}],
          "collection-editor": [{"family": "Series", "given": "Sue"}],
          "container-title": "The book", "issued": {"date-parts": [[2020]]}}


def test_ris_editors_by_type() -> None:
    want = {  # CSL type: (TY, editor tag, series editor tag)
        "chapter": ("CHAP", "A2", "A3"), "paper-conference": ("CONF", "A2", "A3"),
        "entry-encyclopedia": ("ENCYC", "A2", "A3"), "article-journal": ("JOUR", "A2", None),
        "book": ("BOOK", "A3", "A2"), "report": ("RPRT", "ED", "A2"),
        "thesis": ("THES", "ED", None),
    }
    for ctype, (ty, ed, series) in want.items():
        ris = tags(csl_to_ris(dict(EDITED, type=ctype)))
        assert ris[0] == ("TY", ty)
        assert [t for t, v in ris if v == "Editor, Ed"] == [ed], ctype
        assert [t for t, v in ris if v == "Series, Sue"] == ([series] if series else []), ctype
        assert ("AU", "Author, Ann") in ris


ARCHIVE = "https://web.archive.org/web/20170101000000/https://arbital.com/p/daemons"
BIB = f"""@online{{gone2016,
  author = {{Christiano, Paul}},
  title = {{Optimization daemons}},
  year = {{2016}},
  url = {{https://arbital.com/p/daemons}},
  archiveurl = {{{ARCHIVE}}},
  archivedate = {{2017-01-01}},
}}

@inproceedings{{everitt2021agent,
  author = {{Everitt, Tom and Carey, Ryan}},
  title = {{Agent incentives: A causal perspective}},
  booktitle = {{Proceedings of the AAAI Conference on Artificial Intelligence}},
  volume = {{35}},
  number = {{13}},
  pages = {{11487--11495}},
  year = {{2021}},
  doi = {{10.1609/aaai.v35i13.17368}},
  eprint = {{2102.01685}},
  archivePrefix = {{arXiv}},
  primaryClass = {{cs.AI}},
}}
"""


def sources() -> dict:
    found, problems = load_bib_string(BIB, "bib/main.bib")
    assert not list(problems)
    return {s.key: s.csl() for s in found}


def test_archived_copy_with_its_date_in_every_export() -> None:
    item = sources()["gone2016"]
    assert item["archive"] == "Internet Archive" and item["archive_location"] == ARCHIVE
    assert item["custom"] == {"archive-date": "2017-01-01"}
    assert json.loads(csl_json([item]))[0]["custom"]["archive-date"] == "2017-01-01"
    ris = tags(csl_to_ris(item))
    assert ("DB", "Internet Archive") in ris and ("AN", ARCHIVE) in ris
    assert ("N1", f"Archived copy: {ARCHIVE} (Internet Archive, 2017-01-01)") in ris
    assert ("UR", "https://arbital.com/p/daemons") in ris
    bib = csl_to_bibtex(item)
    assert f"  note = {{Archived copy: \\url{{{ARCHIVE}}} (Internet Archive, 2017-01-01)}},\n" in bib
    assert "archiveurl" not in bib  # not in biblatex's data model: biber warns


def test_published_paper_keeps_its_arxiv_id() -> None:
    item = sources()["everitt2021agent"]
    assert item["type"] == "paper-conference"
    assert item["custom"] == {"eprint": "2102.01685", "eprinttype": "arxiv", "eprintclass": "cs.AI"}
    assert item["DOI"] == "10.1609/aaai.v35i13.17368"  # the venue's DOI, not arXiv's
    bib = csl_to_bibtex(item)
    assert bib.startswith("@inproceedings{everitt2021agent,")
    for line in ("  eprint = {2102.01685},", "  eprinttype = {arxiv},", "  eprintclass = {cs.AI},",
                 "  volume = {35},", "  note = {Number 13},", "  doi = {10.1609/aaai.v35i13.17368},"):
        assert line in bib.splitlines(), line
    assert "  number =" not in bib  # "can't use both volume and number fields" (plainnat)
    # and our own loader reads the id back from the export
    (back,), _ = load_bib_string(bib, "back.bib")
    assert back.csl()["custom"]["eprint"] == "2102.01685"
    ris = tags(csl_to_ris(item))
    assert ris[0] == ("TY", "CONF") and ("DB", "arXiv") in ris and ("AN", "arXiv:2102.01685") in ris


def test_source_page_shows_the_archived_copy_with_its_date(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    write(root / "bib" / "archived.bib", BIB)
    entry = (root / "concepts" / "example-concept.yaml").read_text(encoding="utf-8")
    write(root / "concepts" / "example-concept.yaml",
          entry.replace("sources:\n  primary: smith2020example\n",
                        "sources:\n  primary: smith2020example\n  further: [gone2016]\n"))
    build_site(root)
    page = soup(root / "site" / "sources" / "gone2016" / "index.html")
    dd = page.select_one("dd.cw-archived")
    assert dd is not None, page.select_one(".cw-source-facts")
    assert dd.a["href"] == ARCHIVE
    assert dd.time["datetime"] == "2017-01-01" and dd.time.get_text() == "1 January 2017"
    assert "Internet Archive" in dd.get_text()
