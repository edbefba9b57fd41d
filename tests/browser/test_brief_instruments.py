"""Policy instruments in the brief, in a real browser: a reader adds the EU AI Act from its
page and a concept that instruments address from its page, by clicking, and the brief shows
the instrument (summary, status, the concepts it addresses at their pinpoints) and, for the
concept, the instruments that address it, each line cited to its source at its pinpoint; the
Word file (read back with python-docx) says the same, with real footnotes in OSCOLA.

What the brief should say comes from elsewhere than the script that writes it: the texts from
the instrument and concept pages as the site shows them; citations and the bibliography from
the citation engine (the pinpoint placed inside an in-text citation's parenthesis, or before
a note's full stop, as test_brief_pack.py checks against citeproc-js); the reader's day as
the wiki pages' accessed date. Reuses the session's built site (no build of its own).
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import subprocess

import pytest

from helpers import docx_footnotes, real_builder, soup

STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]
INSTRUMENT = "eu-ai-act"
CONCEPT = "red-teaming"  # addressed by several instruments, some at a pinpoint, some not


@pytest.fixture(scope="module")
def builder():
    return real_builder(styles=STYLES)


def ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def today_parts() -> dict:
    t = _dt.date.today()
    return {"date-parts": [[t.year, t.month, t.day]]}


def instrument_entry(builder):
    return builder.instruments.instruments[INSTRUMENT]


def pages(builder) -> list[dict]:
    """The two wiki pages' items as the reader cites them today."""
    ins = dict(builder.instruments.page_item(instrument_entry(builder)), accessed=today_parts())
    con = dict(builder.page_item(builder.entries[CONCEPT]), accessed=today_parts())
    return [ins, con]


def linked_keys(builder) -> list[str]:
    """The sources the link lines cite: the instrument's addresses, the concept's users."""
    keys = [a.source for a in instrument_entry(builder).instrument.addresses]
    for slug, n in builder.instruments.uses[CONCEPT]:
        keys.append(builder.instruments.instruments[slug].instrument.addresses[n].source)
    return list(dict.fromkeys(keys))


def chosen_items(builder, *, instruments=True) -> list[dict]:
    sources = builder.wiki.sources
    i = instrument_entry(builder).instrument
    c = builder.entries[CONCEPT].concept
    keys = [i.primary_source, *(k for k in i.cited_keys() if k != i.primary_source),
            c.sources.primary, *c.sources.further]
    if instruments:
        keys += linked_keys(builder)
    items = {it["id"].lower(): it for it in pages(builder)}
    for k in dict.fromkeys(keys):
        items.setdefault(sources[k].csl()["id"].lower(), sources[k].csl())
    return list(items.values())


def shown_lines(built_site) -> tuple[list[str], list[str]]:
    """What the pages say: the instrument page's "Concepts addressed" rows and the concept
    page's "Used by" lines, each as "<name>[, <pinpoint>]: <sentence>"."""
    doc = soup(built_site / "instruments" / INSTRUMENT / "index.html")
    rows = []
    for tr in doc.select("table.cw-instrument-addresses tbody tr"):
        name, pin, how = (ws(td.get_text()) for td in tr.find_all("td"))
        how = how.removesuffix("[source]").strip()
        rows.append(f"{name}{', ' + pin if pin else ''}: {how}")
    page = soup(built_site / "concepts" / CONCEPT / "index.html")
    uses = []
    for li in page.select("ul.cw-instrument-uses > li"):
        name = ws(li.find("a").get_text())
        for use in li.select("ul > li"):
            ref = use.select_one(".cw-pinpoint-ref")
            uses.append(f"{ws(ref.get_text()) if ref else name}: {ws(use.select_one('.cw-instrument-use').get_text())}")
    return rows, uses


def cite_at(builder, key, pinpoint, style, first_note: int | None = None) -> str:
    """The engine's citation of a source with the pinpoint in the instrument's own divisions
    (``first_note``: the note that cited it first; the style's short form then)."""
    item = builder.wiki.sources[key].csl()
    if first_note is None:
        cite = builder.citer.engine.note(item, style, "text")
    else:
        cite = builder.citer.engine.note(item, style, "text", position="subsequent", first_note_number=first_note)
    if not pinpoint:
        return cite
    return cite[:-1] + f", {pinpoint}" + cite[-1]


def line_cites(builder) -> tuple[list[tuple[str, str | None]], list[tuple[str, str | None]]]:
    ins = [(a.source, a.pinpoint) for a in instrument_entry(builder).instrument.addresses]
    con = [(builder.instruments.instruments[s].instrument.addresses[n].source,
            builder.instruments.instruments[s].instrument.addresses[n].pinpoint)
           for s, n in builder.instruments.uses[CONCEPT]]
    return ins, con


def with_in_text(line: str, cite: str) -> str:
    return line[:-1] + " " + cite + line[-1] if line.endswith(".") else line + " " + cite


def add_both_by_clicking(page, server, builder):
    name = instrument_entry(builder).name
    page.goto(server.url + f"instruments/{INSTRUMENT}/")
    page.get_by_role("button", name=f"Add to brief: {name}", exact=True).click()
    page.get_by_role("button", name=f"Remove from brief: {name}", exact=True).wait_for()
    # The instrument page prints with its address and version in the margins, as concept pages.
    assert page.get_attribute("[data-print-url]", "data-print-url").endswith(f"/instruments/{INSTRUMENT}/")
    title = builder.entries[CONCEPT].title
    page.goto(server.url + f"concepts/{CONCEPT}/")
    page.get_by_role("button", name=f"Add to brief: {title}", exact=True).click()
    page.get_by_role("button", name=f"Remove from brief: {title}", exact=True).wait_for()
    assert page.locator(".cw-brief-link .cw-brief-count").inner_text() == " (2)"
    page.goto(server.url + "brief/")
    page.wait_for_selector(".cw-brief-doc h4")
    page.wait_for_selector(".cw-brief-bibliography .cw-brief-entry")


def wait_change(page, before):
    page.wait_for_function("b => document.querySelector('.cw-brief').dataset.ready !== b", arg=before)


def test_instrument_and_concept_with_pinpoints_on_the_page(page, server, builder, built_site, browser, tmp_path):
    add_both_by_clicking(page, server, builder)
    name, title = instrument_entry(builder).name, builder.entries[CONCEPT].title
    assert page.locator(".cw-brief-doc h4").all_text_contents() == [name, title]
    assert page.locator(".cw-brief-list .cw-brief-title").all_text_contents() == [name, title]

    engine = builder.citer.engine
    bibliography = engine.bibliography(chosen_items(builder), "apa", "text")
    assert [ws(t) for t in page.locator(".cw-brief-entry").all_text_contents()] == bibliography
    rows, uses = shown_lines(built_site)
    ins_cites, con_cites = line_cites(builder)
    # No source of a line shares author and year with another here: no year suffixes to add.
    assert not any(re.search(r"\(\d{4}[a-z]\)", b) for b in bibliography if "Wiki" not in b)
    want_ins = [with_in_text(r, cite_at(builder, k, p, "apa")) for r, (k, p) in zip(rows, ins_cites)]
    want_con = [with_in_text(u, cite_at(builder, k, p, "apa")) for u, (k, p) in zip(uses, con_cites)]
    lines = [ws(t) for t in page.locator(".cw-brief-doc li.cw-brief-is-link").all_text_contents()]
    assert lines == want_ins + want_con
    assert any(", art 55(1)(a))" in line for line in want_ins) and any(", sec 3(d))" in line for line in want_con)
    labels = page.locator(".cw-brief-doc p strong").all_text_contents()
    assert labels == ["Concepts addressed", "Key points", "Addressed by instruments"]
    summary = ws(soup(built_site / "instruments" / INSTRUMENT / "index.html").select_one(".cw-summary").get_text())
    first = ws(page.locator(".cw-brief-doc .cw-brief-is-definition").first.inner_text())
    assert first.startswith(summary[:-1] + " (AI Safety Concept Wiki, ")  # the wiki's summary, cited to its page
    status = ws(page.locator(".cw-brief-doc .cw-brief-is-status").first.inner_text())
    assert status.startswith("Status: In force. Legislation; European Union; issued by ")

    # The Markdown for Pandoc cites each line's source with its pinpoint: Pandoc's citeproc
    # renders the same lines from it (with the brief's CSL-JSON and the style's .csl).
    if shutil.which("pandoc"):
        with page.expect_download() as md:
            page.get_by_role("button", name="Markdown (.md)", exact=True).click()
        with page.expect_download() as js:
            page.get_by_role("button", name="CSL-JSON file for Pandoc (.json)", exact=True).click()
        md.value.save_as(tmp_path / "brief.md")
        js.value.save_as(tmp_path / "brief.json")
        shutil.copy(built_site / "cite" / "styles" / "apa.csl", tmp_path / "apa.csl")
        r = subprocess.run(["pandoc", "brief.md", "--citeproc", "-t", "plain", "--wrap=none"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and "WARNING" not in r.stderr, r.stderr
        out = r.stdout.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
        out = [ws(line.lstrip("- ")) for line in re.sub(r"[ \u00a0]+", " ", out).splitlines()]
        for line in want_ins + want_con:
            assert line in out, line

    # The share link carries the instrument; opened elsewhere it gives the same brief.
    link = page.input_value(".cw-brief-share-url")
    assert re.search(rf"~dksipf~instruments/{INSTRUMENT}\.[0-9a-f]+,{CONCEPT}\.[0-9a-f]+$", link), link
    want_doc = page.inner_text(".cw-brief-doc")
    fresh = browser.new_context(locale="en-GB")
    try:
        other = fresh.new_page()
        other.goto(link)
        other.wait_for_selector(".cw-brief-doc h4")
        other.wait_for_selector(".cw-brief-bibliography .cw-brief-entry")
        assert other.inner_text(".cw-brief-doc") == want_doc
    finally:
        fresh.close()

    # Without the "Instruments" part: no lines, and only their sources leave the bibliography.
    before = page.get_attribute(".cw-brief", "data-ready")
    page.get_by_role("checkbox", name="Instruments", exact=True).uncheck()
    wait_change(page, before)
    assert page.locator(".cw-brief-doc li.cw-brief-is-link").count() == 0
    assert [ws(t) for t in page.locator(".cw-brief-entry").all_text_contents()] == engine.bibliography(
        chosen_items(builder, instruments=False), "apa", "text")
    assert "~dksp" in page.input_value(".cw-brief-share-url")


def test_word_file_with_instruments_and_footnotes(page, server, builder, built_site, tmp_path):
    import docx  # python-docx


    add_both_by_clicking(page, server, builder)
    before = page.get_attribute(".cw-brief", "data-ready")
    page.select_option(".cw-brief-style", "oscola")
    page.wait_for_function("b => document.querySelector('.cw-brief-doc').dataset.style === 'oscola' &&"
                           " document.querySelector('.cw-brief').dataset.ready !== b", arg=before)
    with page.expect_download() as download:
        page.get_by_role("button", name="Word (.docx)", exact=True).click()
    path = tmp_path / "brief.docx"
    download.value.save_as(path)
    d = docx.Document(str(path))
    paras = [(p.style.name, ws(p.text)) for p in d.paragraphs if p.text.strip()]
    name, title = instrument_entry(builder).name, builder.entries[CONCEPT].title
    assert paras[0] == ("Title", f"Brief: {name} and {title}")
    assert [t for s, t in paras if s == "Heading 1"] == [name, title, "Bibliography"]
    engine = builder.citer.engine
    assert [t for s, t in paras if s == "Bibliography"] == engine.bibliography(chosen_items(builder), "oscola", "text")
    rows, uses = shown_lines(built_site)
    listed = [t for s, t in paras if s == "List Paragraph"]
    # A footnote reference is a field, not text: each line ends at its own full stop.
    for line in rows + uses:
        assert line in listed, line
    assert [t for s, t in paras if s == "Normal" and t in ("Concepts addressed", "Addressed by instruments")] == [
        "Concepts addressed", "Addressed by instruments"]
    # The notes, in order: the instrument page, its lines, the concept page, its lines; a
    # source cited in an earlier note in OSCOLA's short form, as the engine renders it.
    ins_page, con_page = pages(builder)
    ins_cites, con_cites = line_cites(builder)
    want: list[str] = []
    first: dict[str, int] = {}
    for page_item, cites in ((ins_page, ins_cites), (con_page, con_cites)):
        want.append(engine.note(page_item, "oscola", "text"))
        for k, p in cites:
            want.append(cite_at(builder, k, p, "oscola", first.get(k)))
            first.setdefault(k, len(want))
    assert docx_footnotes(path.read_bytes()) == want
    assert want[1].endswith("(Official Journal of the European Union), art 55(1)(a).")
    assert "Artificial Intelligence Act, art 55(1)(a)." in want  # the short form, pinpointed
    refs = [p for p in d.paragraphs if p._p.xpath(".//w:footnoteReference")]
    assert len(refs) == len(want)
