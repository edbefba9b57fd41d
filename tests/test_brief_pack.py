"""What the build gives the brief document of each concept (``pack`` in cite/<slug>.brief.json)
and the style files for Pandoc: checked against the concept pages of the same build and the
citation engine, not against a copy of what the code writes. (test_reproducible.py checks
that two builds give the same bytes, these files included.)"""

from __future__ import annotations

import json
import re

from helpers import ROOT, concept_slugs, html_soup, soup

from conceptwiki.citations.engine import CitationEngine

DEFAULT = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]


def ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_pack_says_what_the_concept_page_says(real_site):
    for slug in concept_slugs():
        page = soup(real_site / "concepts" / slug / "index.html")
        pack = json.loads((real_site / "cite" / f"{slug}.brief.json").read_text(encoding="utf-8"))["pack"]
        assert ws(html_soup(pack["definition"]).get_text()) == ws(page.select_one(".cw-summary").get_text()), slug
        assert pack["fingerprint"] == page.select_one("code.cw-fingerprint").get_text(), slug
        points = [re.sub(r"^¶\s*\d+\s*", "", ws(li.get_text())) for li in page.select(".cw-key-points li")]
        assert [ws(html_soup(k).get_text()) for k in pack["key_points"]] == points, slug
        note = page.select_one(".cw-status-note")
        if note is None:
            assert pack["status_note"] is None and pack["status"] == "established"
        else:
            assert [ws(p.get_text()) for p in html_soup(pack["status_note"]).find_all("p")] == [
                ws(p.get_text()) for p in note.select("p:not(.admonition-title)")]
        assert page.select_one(".cw-badges .cw-status").get_text().lower() == pack["status"], slug
        assert ' title="' not in pack["definition"]  # no hover previews in a document
        assert set(pack["cite"]) == set(DEFAULT)
        assert pack["cite"]["oscola"]["form"] == "note" and pack["cite"]["apa"]["form"] == "in-text"


def test_citations_are_the_engines(real_site):
    """The in-text citation of a page is the engine's, and its year-suffix variant the same
    with the suffix where the year is; the footnote of a note style is the "Cite this page"
    note of the concept page (the accessed date marked alike)."""
    engine = CitationEngine(DEFAULT, base_dir=ROOT)
    data = json.loads((real_site / "cite" / "inner-alignment.brief.json").read_text(encoding="utf-8"))
    item = data["page"]["csl"]
    for style in ("apa", "chicago-author-date", "harvard-cite-them-right"):
        cite = data["pack"]["cite"][style]
        assert cite["html"] == engine.note(item, style, "html")
        year = str(item["issued"]["date-parts"][0][0])
        assert cite["ys"].replace("\ue100", "b") == cite["html"].replace(year, year + "b", 1)
    page = soup(real_site / "concepts" / "inner-alignment" / "index.html")
    note = html_soup(data["pack"]["cite"]["oscola"]["html"])
    assert note.select_one(".cw-accessed")
    shown = [ws(el.get_text()) for el in page.select(".cw-citation")]
    assert ws(note.get_text()) in shown


def test_year_suffix_in_a_citation():
    engine = CitationEngine(["apa"], base_dir=ROOT)
    item = {"id": "x", "type": "webpage", "title": "T", "author": [{"literal": "Org"}],
            "issued": {"date-parts": [[2026, 1, 2]]}, "URL": "https://example.org/"}
    assert engine.note(item, "apa", "text") == "(Org, 2026)"
    assert engine.note(item, "apa", "text", year_suffix="c") == "(Org, 2026c)"
    assert engine.note(item, "apa", "text") == "(Org, 2026)"  # a cache entry of its own


def test_style_files_for_pandoc(real_site):
    engine = CitationEngine(DEFAULT, base_dir=ROOT)
    for style in DEFAULT:
        written = (real_site / "cite" / "styles" / f"{style}.csl").read_text(encoding="utf-8")
        assert written == engine.style_path(style).read_text(encoding="utf-8")


def test_docx_is_vendored_with_its_licence(real_site):
    js = (real_site / "assets" / "conceptwiki" / "docx.umd.js").read_text(encoding="utf-8")
    assert "Packer" in js and "FootnoteReferenceRun" in js
    assert "MIT License" in (real_site / "assets" / "conceptwiki" / "docx.LICENSE.txt").read_text(encoding="utf-8")
    brief = (real_site / "brief" / "index.html").read_text(encoding="utf-8")
    assert "docx.umd.js" not in brief  # loaded by brief-doc.js only when a Word file is asked for
    assert 'src="../assets/conceptwiki/brief-doc.js"' in brief
