"""Author lists as the source gives them: BibTeX's ``and others`` is an incomplete list. It
is kept to the end (CSL-JSON's marker name, BibTeX's ``and others``, RIS's last ``AU``),
rendered as the style's "et al.", and ``check`` tells the contributor about it."""

from __future__ import annotations

from pathlib import Path

import bibtexparser

from conceptwiki.bibtex import OTHERS, ends_in_others, parse_names
from conceptwiki.citations.engine import CitationEngine
from conceptwiki.citations.exports import csl_json, csl_to_bibtex, csl_to_ris
from helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent
TEN = ("Hubinger, Evan and Denison, Carson and Mu, Jesse and Lambert, Mike and Tong, Meg and "
       "MacDiarmid, Monte and Lanham, Tamera and Ziegler, Daniel M. and Maxwell, Tim and Cheng, Newton")


def item(names: str) -> dict:
    return {"id": "x", "type": "article-journal", "title": "Sleeper agents", "container-title": "J",
            "issued": {"date-parts": [[2024]]}, "author": parse_names(names)}


def test_parse_keeps_a_final_others_only():
    assert parse_names("Smith, Jane and others") == [{"family": "Smith", "given": "Jane"}, OTHERS]
    assert parse_names("Smith, Jane and Others")[-1] == OTHERS
    assert parse_names("others") == []  # no real name: nothing to continue
    assert parse_names("Smith, Jane and others and Doe, John") == [
        {"family": "Smith", "given": "Jane"}, {"family": "Doe", "given": "John"}]
    assert ends_in_others(parse_names(TEN + " and others"))
    assert not ends_in_others(parse_names(TEN))
    # braced, "others" is somebody's name (as in BibTeX)
    assert parse_names("Smith, Jane and {others}")[-1] == {"literal": "others"}


def test_rendered_as_et_al():
    engine = CitationEngine(["apa", "harvard-cite-them-right", "chicago-author-date", "ieee"])
    ten = item(TEN + " and others")
    # APA lists up to 20 names: all ten are given, then "et al." for the rest
    assert engine.bibliography_entry(ten, "apa").startswith(
        "Hubinger, E., Denison, C., Mu, J., Lambert, M., Tong, M., MacDiarmid, M., Lanham, T., "
        "Ziegler, D. M., Maxwell, T., Cheng, N., et al. (2024).")
    # the complete ten-name list ends "... Maxwell, T., & Cheng, N. (2024)"
    assert ", & Cheng, N. (2024)" in engine.bibliography_entry(item(TEN), "apa")
    # Chicago: 11 or more names (ten and at least one more) are cut to three
    assert engine.bibliography_entry(ten, "chicago-author-date").startswith(
        "Hubinger, Evan, Carson Denison, Jesse Mu, et al. 2024.")
    two = item("Hubinger, Evan and Denison, Carson and others")
    assert engine.bibliography_entry(two, "harvard-cite-them-right").startswith(
        "Hubinger, E., Denison, C., et al. (2024)")
    assert engine.bibliography_entry(two, "ieee").startswith("[1] E. Hubinger, C. Denison, et al.,")
    assert engine.note(ten, "apa") == "(Hubinger et al., 2024)"
    for style in engine.style_names():
        assert "others" not in engine.bibliography_entry(ten, style)
        assert engine.bibliography_entry(ten, style).count("et al.") == 1


def test_exports_keep_it():
    it = item(TEN + " and others")
    bib = csl_to_bibtex(it, "hubinger2024sleeper")
    entry = bibtexparser.parse_string(bib).entries[0]
    assert entry["author"].endswith("Cheng, Newton and others")
    assert parse_names(entry["author"]) == it["author"]  # round trip
    ris = csl_to_ris(it).splitlines()
    authors = [line for line in ris if line.startswith("AU  - ")]
    assert len(authors) == 11 and authors[-1] == "AU  - et al."
    assert '"literal": "et al."' in csl_json([it])


def test_check_warns(tmp_path: Path):
    (tmp_path / "concepts").mkdir()
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "a.bib").write_text(
        "@article{smith2020,\n  title = {T},\n  author = {Smith, Jane and others},\n"
        "  journal = {J},\n  year = {2020}\n}\n", encoding="utf-8")
    r = run_cli("--root", str(tmp_path), "check")
    assert ("bib/a.bib:3:3: warning: entry 'smith2020': the author list ends in 'and others', which "
            "citations print as \"et al.\"; give every name if the source lists them") in r.stdout
    assert r.returncode == 0 and "Traceback" not in r.stderr
