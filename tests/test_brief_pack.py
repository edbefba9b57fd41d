"""What the build gives the brief document of each concept (``pack`` in cite/<slug>.brief.json)
and the style files for Pandoc: checked against the concept pages of the same build and the
citation engine, not against a copy of what the code writes. (test_reproducible.py checks
that two builds give the same bytes, these files included.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from helpers import ROOT, concept_slugs, html_soup, soup

from conceptwiki.citations.cite import linkify
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


# -- policy instruments in the brief ---------------------------------------------------------

def instrument_slugs() -> list[str]:
    return sorted(p.stem for p in (ROOT / "instruments").glob("*.yaml"))


def _line(html: str) -> str:
    return ws(html_soup(html).get_text())


def test_instrument_packs_say_what_their_pages_say(real_site):
    """cite/instruments/<slug>.brief.json: the instrument page's summary and fingerprint, and a
    line per row of its "Concepts addressed" table; the page's "Add to brief" names the file."""
    slugs = instrument_slugs()
    assert len(slugs) >= 8
    seen_revoked = False
    for slug in slugs:
        page = soup(real_site / "instruments" / slug / "index.html")
        data = json.loads((real_site / "cite" / "instruments" / f"{slug}.brief.json").read_text(encoding="utf-8"))
        name = page.select_one("article h1").get_text(strip=True).rstrip("¶")
        assert data["kind"] == "instrument" and data["slug"] == f"instruments/{slug}" and data["title"] == name
        assert data["path"] == f"instruments/{slug}/"
        toggle = page.select_one(".cw-actions button.cw-brief-toggle")
        assert toggle["data-slug"] == f"instruments/{slug}" and toggle["aria-label"] == f"Add to brief: {name}"
        assert page.select_one(".cw-actions button.cw-print")
        pack = data["pack"]
        assert ws(html_soup(pack["definition"]).get_text()) == ws(page.select_one(".cw-summary").get_text()), slug
        assert pack["fingerprint"] == page.select_one("code.cw-fingerprint").get_text(), slug
        assert pack["status"] == page.select_one(".cw-instrument-status").get_text().lower()
        revoked = page.select_one(".cw-instrument-revoked")
        if revoked is not None:  # the brief says what revoked it, as the page does
            for by in re.findall(r"by (.+?)[;.]", ws(revoked.select("p")[-1].get_text())):
                assert f" by {by}" in pack["status_note"], slug
            seen_revoked = True
        rows = []
        for tr in page.select("table.cw-instrument-addresses tbody tr"):
            concept, pin, how = (ws(td.get_text()) for td in tr.find_all("td"))
            rows.append(f"{concept}{', ' + pin if pin else ''}: {how.removesuffix('[source]').strip()}")
        assert [_line(link["html"]) for link in pack["links"]] == rows, slug
        # Every source a line cites has its data file, and is in the bibliography's refs.
        assert {r["id"] for r in data["linked"]} == {link["id"] for link in pack["links"]}
        for ref in data["linked"] + [data["primary"]] + data["further"]:
            assert (real_site / "cite" / ref["file"]).is_file(), ref
        assert set(pack["cite"]) == set(DEFAULT)
    assert seen_revoked


def test_concept_packs_list_the_instruments_that_address_them(real_site):
    """A concept's pack has a line per pinpoint of its page's "Used by" list, in that order."""
    seen = 0
    for slug in concept_slugs():
        page = soup(real_site / "concepts" / slug / "index.html")
        data = json.loads((real_site / "cite" / f"{slug}.brief.json").read_text(encoding="utf-8"))
        uses = []
        for li in page.select("ul.cw-instrument-uses > li"):
            name = ws(li.find("a").get_text())
            for use in li.select("ul > li"):
                ref = use.select_one(".cw-pinpoint-ref")
                uses.append(f"{ws(ref.get_text()) if ref else name}: {ws(use.select_one('.cw-instrument-use').get_text())}")
        assert [_line(link["html"]) for link in data["pack"]["links"]] == uses, slug
        assert {r["id"] for r in data["linked"]} == {link["id"] for link in data["pack"]["links"]}
        seen += bool(uses)
    assert seen >= 5


def test_pinpoints_go_where_citeproc_js_puts_a_locator():
    """In the in-text styles citeproc-js puts a locator inside the citation's parenthesis
    after a comma (the instruments' golden files: "(Artificial Intelligence Act, 2024, p.
    12)"); with_pinpoint puts an instrument's own pinpoint there. OSCOLA notes end with the
    pinpoint before the full stop ("..., art 55(1)(a).", OSCOLA's form for EU legislation)."""
    from conceptwiki.render.brief import with_pinpoint

    golden = ROOT / "tests" / "golden" / "citations" / "instruments" / "expected"
    checked = 0
    for style in ("apa", "chicago-author-date", "harvard-cite-them-right"):
        expected = json.loads((golden / f"{style}.json").read_text(encoding="utf-8"))
        for item_id, rec in expected["items"].items():
            first, located = rec["first.html"], rec["locator.html"]
            m = re.fullmatch(re.escape(first[:-1]) + r", (.*12)" + re.escape(first[-1]), located)
            assert m, (style, item_id, located)
            assert with_pinpoint(first, m.group(1)) == located
            checked += 1
    assert checked >= 30
    assert with_pinpoint("Act 2024 (OJ).", "art 55(1)(a)") == "Act 2024 (OJ), art 55(1)(a)."
    assert with_pinpoint("(Act, 2024)", None) == "(Act, 2024)"
    assert with_pinpoint("(Act, 2024)", "art 3 <x>") == "(Act, 2024, art 3 &lt;x&gt;)"


def test_instrument_line_citations_are_the_engines(real_site):
    engine = CitationEngine(DEFAULT, base_dir=ROOT)
    data = json.loads((real_site / "cite" / "red-teaming.brief.json").read_text(encoding="utf-8"))
    links = data["pack"]["links"]
    assert any(link["pinpoint"] for link in links) and any(not link["pinpoint"] for link in links)
    for link in links:
        item = json.loads((real_site / "cite" / next(r["file"] for r in data["linked"] if r["id"] == link["id"]))
                          .read_text(encoding="utf-8"))["csl"]
        for style in DEFAULT:
            plain = linkify(engine.note(item, style, "html"))  # URLs clickable, as on the pages
            got = link["cite"][style]["html"]
            if link["pinpoint"] is None:
                assert got == plain
            else:
                assert got.startswith(plain[:-1]) and got.endswith(f", {link['pinpoint']}{plain[-1]}")
            assert link["cite"][style]["form"] == ("note" if style == "oscola" else "in-text")


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="Debian's pandoc is not installed (make test installs it)")
def test_pinpoint_citations_are_what_pandoc_citeproc_makes(real_site, tmp_path):
    """Pandoc's citeproc, given the Markdown the brief writes for a line (``[@{id}, art
    55(1)(a)]``, the pinpoint as a suffix) and the style's .csl, renders each pinpointed
    citation of the instruments' lines exactly as the brief data has it: in-text (APA) and
    as the first footnote (OSCOLA)."""
    checked = 0
    for name in ("red-teaming.brief.json", "instruments/eu-ai-act.brief.json"):
        data = json.loads((real_site / "cite" / name).read_text(encoding="utf-8"))
        for link in data["pack"]["links"]:
            if not link["pinpoint"]:
                continue
            ref = next(r for r in data["linked"] if r["id"] == link["id"])
            item = json.loads((real_site / "cite" / ref["file"]).read_text(encoding="utf-8"))["csl"]
            (tmp_path / "brief.json").write_text(json.dumps([item]), encoding="utf-8")
            for style in ("apa", "oscola"):
                shutil.copy(real_site / "cite" / "styles" / f"{style}.csl", tmp_path / f"{style}.csl")
                md = (f"---\nbibliography: brief.json\ncsl: {style}.csl\nsuppress-bibliography: true\n---\n\n"
                      f"Text [@{{{link['id']}}}, {link['pinpoint']}].\n")
                (tmp_path / "brief.md").write_text(md, encoding="utf-8")
                r = subprocess.run(["pandoc", "brief.md", "--citeproc", "-t", "plain", "--wrap=none"],
                                   cwd=tmp_path, capture_output=True, text=True, timeout=120)
                assert r.returncode == 0 and "WARNING" not in r.stderr, r.stderr
                ours = ws(html_soup(link["cite"][style]["html"]).get_text())
                if style == "oscola":
                    assert ws(r.stdout.split("[1]", 2)[2]) == ours, (link["id"], r.stdout)
                else:
                    assert ws(r.stdout) == f"Text {ours}.", (link["id"], r.stdout)
                checked += 1
    assert checked >= 8
