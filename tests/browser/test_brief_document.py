"""The brief as a document, in a real browser: a reader adds three concepts, chooses a style
and the parts, and takes the brief out of the page -- the clipboard (HTML and plain text), a
Word file (read back with python-docx), Markdown with CSL-JSON (turned into a document by
Debian's pandoc), a share link (opened in a fresh browser), print (Chromium's PDF).

What the brief should say comes from elsewhere than the script that writes it: definitions,
status notes and key points from the concept pages as the site shows them; the bibliography
from the citation engine's own ``bibliography()`` (sorted, year suffixes, substitution); the
footnotes of note styles from the engine's first-note citation with the reader's day as the
accessed date.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from helpers import Server, docx_footnotes, mkdocs_build, real_builder, small_project, soup

STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]
BASKET = ["inner-alignment", "mesa-optimization", "goal-misgeneralization"]
KEY = "conceptwiki.brief:/"


@pytest.fixture(scope="module")
def builder():
    return real_builder(styles=STYLES)


def ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def today_item(builder, slug) -> dict:
    item = builder.page_item(builder.entries[slug])
    t = _dt.date.today()
    item["accessed"] = {"date-parts": [[t.year, t.month, t.day]]}
    return item


def chosen_items(builder, slugs, *, primary=True, further=True) -> list[dict]:
    items: dict[str, dict] = {}
    for slug in slugs:
        c = builder.entries[slug].concept
        chosen = [today_item(builder, slug)]
        if primary:
            chosen.append(builder.wiki.sources[c.sources.primary].csl())
        if further:
            chosen += [builder.wiki.sources[k].csl() for k in c.sources.further if k != c.sources.primary]
        for item in chosen:
            items.setdefault(item["id"].lower(), item)
    return list(items.values())


def expected_bibliography(builder, style, slugs=BASKET, **kw) -> list[str]:
    return builder.citer.engine.bibliography(chosen_items(builder, slugs, **kw), style, "text")


def expected_citation(builder, style, slug, bibliography) -> str:
    """The in-text citation with the year suffix the page has in ``bibliography``, or the
    first note (note styles)."""
    engine, item = builder.citer.engine, today_item(builder, slug)
    cite = engine.note(item, style, "text")
    if engine.is_note_style(style):
        return cite
    title = builder.entries[slug].title
    line = next(b for b in bibliography if title.lower() in b.lower() and "Wiki" in b.split(title)[0])
    year = str(item["issued"]["date-parts"][0][0])
    suffix = re.search(re.escape(year) + r"([a-z]?)", line).group(1)
    return cite.replace(year, year + suffix, 1)


def page_texts(built_site, slug) -> dict:
    """What the concept page shows: its definition, status note paragraphs and key points."""
    doc = soup(built_site / "concepts" / slug / "index.html")
    note = doc.select_one(".cw-status-note")
    return {
        "definition": ws(doc.select_one(".cw-summary").get_text()),
        "note": [ws(p.get_text()) for p in note.select("p:not(.admonition-title)")] if note else [],
        "key_points": [re.sub(r"^¶\s*\d+\s*", "", ws(li.get_text())) for li in doc.select(".cw-key-points li")],
    }


def add_by_clicking(page, server, builder, slugs):
    for slug in slugs:
        page.goto(server.url + f"concepts/{slug}/")
        title = builder.entries[slug].title
        page.get_by_role("button", name=f"Add to brief: {title}", exact=True).click()
        page.get_by_role("button", name=f"Remove from brief: {title}", exact=True).wait_for()
    page.goto(server.url + "brief/")
    wait_ready(page)


def wait_ready(page):
    page.wait_for_selector(".cw-brief-doc h4")
    page.wait_for_selector(".cw-brief-bibliography .cw-brief-entry")


def choose_style(page, style):
    before = page.get_attribute(".cw-brief", "data-ready")
    page.select_option(".cw-brief-style", style)
    page.wait_for_function("([s, b]) => document.querySelector('.cw-brief-doc').dataset.style === s &&"
                           " document.querySelector('.cw-brief').dataset.ready !== b", arg=[style, before])


def click_and_wait(page, selector_or_name, says):
    page.get_by_role("button", name=selector_or_name, exact=True).click()
    page.wait_for_function("t => document.querySelector('.cw-brief-doc-status').textContent.startsWith(t)", arg=says)


def read_clipboard(page) -> dict[str, str]:
    return page.evaluate("""async () => {
        const out = {};
        for (const item of await navigator.clipboard.read())
            for (const type of item.types) out[type] = await (await item.getType(type)).text();
        return out;
    }""")


def expected_document(builder, built_site, style):
    """Per concept in BASKET order: (title, definition with its citation, status lines, key
    points); the notes; the bibliography."""
    bibliography = expected_bibliography(builder, style)
    note_style = builder.citer.engine.is_note_style(style)
    concepts, notes = [], []
    for n, slug in enumerate(BASKET, start=1):
        shown = page_texts(built_site, slug)
        cite = expected_citation(builder, style, slug, bibliography)
        definition = shown["definition"]
        if note_style:
            notes.append(cite)
            definition += f"[{n}]"
        else:
            definition = definition[:-1] + " " + cite + definition[-1]
        level = builder.entries[slug].concept.status.level.value.capitalize()
        status = [f"Status: {level}." + (" " + shown["note"][0] if shown["note"] else ""), *shown["note"][1:]]
        concepts.append((builder.entries[slug].title, definition, status, shown["key_points"]))
    return concepts, notes, bibliography


@pytest.mark.parametrize("style", ["apa", "oscola"])
def test_brief_document_on_the_page_and_the_clipboard(page, server, builder, built_site, style):
    add_by_clicking(page, server, builder, BASKET)
    choose_style(page, style)
    concepts, notes, bibliography = expected_document(builder, built_site, style)
    titles = [c[0] for c in concepts]
    assert page.locator(".cw-brief-doc h4").all_text_contents() == titles + (["Notes"] if notes else [])
    assert page.locator(".cw-brief-doc .cw-brief-fn").count() == len(notes)

    click_and_wait(page, "Copy brief as plain text", "Copied the brief as plain text")
    plain = page.evaluate("navigator.clipboard.readText()")
    expected = [f"Brief: {titles[0]}, {titles[1]} and {titles[2]}", ""]
    for title, definition, status, key_points in concepts:
        expected += [title, definition, *status]
        if key_points:
            expected += ["Key points:", *("- " + k for k in key_points)]
        expected.append("")
    if notes:
        expected += ["Notes", *(f"[{i}] {n}" for i, n in enumerate(notes, start=1)), ""]
    expected += ["Bibliography", *bibliography]
    assert plain.split("\n")[:-1] == expected

    click_and_wait(page, "Copy brief", "Copied the brief")
    clip = read_clipboard(page)
    assert clip["text/plain"] == plain
    html = BeautifulSoup(clip["text/html"], "html.parser")
    assert html.find("h1").get_text() == expected[0]
    assert [h.get_text() for h in html.find_all("h2")] == titles + (["Notes"] if notes else []) + ["Bibliography"]
    heading = html.find("h2", string="Bibliography")
    entries = heading.find_all_next("p")
    assert [ws(p.get_text()) for p in entries] == bibliography
    assert all("text-indent:-0.5in" in p["style"] for p in entries)  # hanging indent in Word
    assert html.find("em", string="Status:") and html.find_all("i")  # italics survive
    definitions = html.select("p.cw-brief-is-definition")
    assert [ws(p.get_text()) for p in definitions] == [
        re.sub(r"\[(\d+)\]$", r"\1", c[1]) for c in concepts]
    if notes:
        assert [p.find("sup").get_text() for p in definitions] == ["1", "2", "3"]
        assert [ws(li.get_text()) for li in html.select("ol.cw-brief-notes > li")] == notes
    else:
        assert not html.find("sup")
    assert "cw-accessed" not in clip["text/html"] and "127.0.0.1" not in clip["text/plain"]


def test_order_and_parts(page, server, builder):
    add_by_clicking(page, server, builder, BASKET)
    titles = [builder.entries[s].title for s in BASKET]
    before = page.get_attribute(".cw-brief", "data-ready")
    page.get_by_role("button", name=f"Move {titles[2]} up", exact=True).click()
    page.wait_for_function("b => document.querySelector('.cw-brief').dataset.ready !== b", arg=before)
    assert page.locator(".cw-brief-doc h4").all_text_contents() == [titles[0], titles[2], titles[1]]
    page.reload()
    wait_ready(page)
    assert page.locator(".cw-brief-list .cw-brief-title").all_text_contents() == [titles[0], titles[2], titles[1]]
    assert page.get_by_role("button", name=f"Move {titles[0]} up", exact=True).is_disabled()

    for label in ("Key points", "Status", "Primary sources", "Further sources"):
        before = page.get_attribute(".cw-brief", "data-ready")
        page.get_by_role("checkbox", name=label, exact=True).uncheck()
        page.wait_for_function("b => document.querySelector('.cw-brief').dataset.ready !== b", arg=before)
    doc = page.locator(".cw-brief-doc")
    assert doc.locator("li").count() == 0 and doc.locator(".cw-brief-is-status").count() == 0
    assert doc.locator(".cw-brief-is-definition").count() == 3
    # Only the pages are cited now.
    assert page.locator(".cw-brief-entry").count() == 3
    before = page.get_attribute(".cw-brief", "data-ready")
    page.get_by_role("checkbox", name="Definitions", exact=True).uncheck()
    page.wait_for_function("b => document.querySelector('.cw-brief').dataset.ready !== b", arg=before)
    # Without definitions each concept still carries its citation, under its heading.
    assert doc.locator(".cw-brief-is-definition").count() == 0
    assert [ws(t) for t in doc.locator(".cw-brief-is-cite").all_text_contents()][0].startswith("(")


@pytest.mark.parametrize("style", ["apa", "oscola"])
def test_word_file(page, server, builder, built_site, style, tmp_path):
    import docx  # python-docx

    add_by_clicking(page, server, builder, BASKET)
    choose_style(page, style)
    with page.expect_download() as download:
        page.get_by_role("button", name="Word (.docx)", exact=True).click()
    assert download.value.suggested_filename == "brief.docx"
    path = tmp_path / "brief.docx"
    download.value.save_as(path)
    concepts, notes, bibliography = expected_document(builder, built_site, style)
    d = docx.Document(str(path))
    paras = [(p.style.name, ws(p.text)) for p in d.paragraphs if p.text.strip()]
    titles = [c[0] for c in concepts]
    assert paras[0] == ("Title", f"Brief: {titles[0]}, {titles[1]} and {titles[2]}")
    assert [t for s, t in paras if s == "Heading 1"] == titles + ["Bibliography"]
    assert [t for s, t in paras if s == "Bibliography"] == bibliography
    normal = [t for s, t in paras if s == "Normal"]
    for title, definition, status, key_points in concepts:
        # A footnote reference is a field, not text: the paragraph's text ends at the full stop.
        assert re.sub(r"\[(\d+)\]$", "", definition) in normal, title
        assert status[0] in normal
        for k in key_points:
            assert ("List Paragraph", k) in paras
    bib_style = d.styles["Bibliography"]
    fmt = bib_style.paragraph_format
    assert fmt.left_indent > 0 and fmt.first_line_indent == -fmt.left_indent  # hanging indent
    assert any(r.italic for p in d.paragraphs if p.style.name == "Bibliography" for r in p.runs)
    refs = [p for p in d.paragraphs if p._p.xpath(".//w:footnoteReference")]
    assert docx_footnotes(path.read_bytes()) == notes
    assert len(refs) == len(notes)
    if notes:
        assert [ws(p.text) for p in refs] == [re.sub(r"\[\d+\]$", "", c[1]) for c in concepts]
    assert page.evaluate("() => !!window.docx")  # loaded now, on demand


def test_docx_library_is_loaded_only_when_asked_for(page, server, builder):
    add_by_clicking(page, server, builder, BASKET[:1])
    assert not page.evaluate("() => !!window.docx")
    assert not any("docx" in (s.get_attribute("src") or "") for s in page.locator("script").all())


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="Debian's pandoc is not installed (make test installs it)")
@pytest.mark.parametrize("style", ["apa", "oscola"])
def test_markdown_and_csl_json_with_pandoc(page, server, builder, built_site, style, tmp_path):
    add_by_clicking(page, server, builder, BASKET)
    choose_style(page, style)
    with page.expect_download() as md:
        page.get_by_role("button", name="Markdown (.md)", exact=True).click()
    with page.expect_download() as js:
        page.get_by_role("button", name="CSL-JSON file for Pandoc (.json)", exact=True).click()
    csl_href = page.get_attribute(".cw-brief-csl", "href")
    assert csl_href == server.url + f"cite/styles/{style}.csl"
    assert md.value.suggested_filename == "brief.md" and js.value.suggested_filename == "brief.json"
    md.value.save_as(tmp_path / "brief.md")
    js.value.save_as(tmp_path / "brief.json")
    shutil.copy(built_site / "cite" / "styles" / f"{style}.csl", tmp_path / f"{style}.csl")
    result = subprocess.run(["pandoc", "brief.md", "--citeproc", "-t", "plain", "--wrap=none"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr  # every citation found in brief.json
    # Pandoc's Markdown makes quotes typographic and puts a no-break space after "al.".
    out = result.stdout.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    out = re.sub(r"[ \u00a0]+", " ", out)
    concepts, notes, bibliography = expected_document(builder, built_site, style)
    for title, definition, _status, key_points in concepts:
        assert title in out
        body = re.sub(r"\[\d+\]$", "", definition)
        if notes:
            assert body in out  # the note follows as a Pandoc footnote
        else:
            # Pandoc's citeproc renders the in-text citation itself, from the style file.
            assert body.rsplit(" (", 1)[0] in out
        for k in key_points:
            assert k in out
    if notes:
        assert len(re.findall(r"^\[\d+\] ", out, re.M)) == len(notes)
    else:
        # One page per concept, of one publisher and year: three year suffixes, as in ours.
        ours = set(re.findall(r"\(AI Safety Concept Wiki, \d{4}[a-z]?\)", " ".join(c[1] for c in concepts)))
        assert set(re.findall(r"\(AI Safety Concept Wiki, \d{4}[a-z]?\)", out)) == ours
    # Every source of the bibliography is in Pandoc's bibliography.
    ids = {i["id"] for i in chosen_items(builder, BASKET)}
    items = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))
    assert {i["id"] for i in items} == ids
    refs = out.split("Bibliography", 1)[1]
    for item in items:
        title = re.sub(r"<[^>]+>|\{|\}", "", item["title"])
        assert ws(title.split(":")[0]).lower()[:30] in ws(refs).lower(), item["id"]


def test_share_link_reproduces_the_brief(page, server, builder, browser):
    add_by_clicking(page, server, builder, BASKET)
    choose_style(page, "oscola")
    titles = [builder.entries[s].title for s in BASKET]
    page.get_by_role("button", name=f"Move {titles[1]} down", exact=True).click()
    page.get_by_role("checkbox", name="Further sources", exact=True).uncheck()
    page.wait_for_function("() => /~dksip~/.test(document.querySelector('.cw-brief-share-url').value)")
    page.locator(".cw-brief-share summary").click()
    page.get_by_role("button", name="Copy link", exact=True).click()
    page.wait_for_function("() => document.querySelector('.cw-brief-doc-status').textContent.startsWith('Copied the link')")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(server.url + "brief/#brief=oscola~dksip~")
    want_doc = page.inner_text(".cw-brief-doc")
    want_bib = page.inner_text(".cw-brief-bibliography")

    fresh = browser.new_context(locale="en-GB")
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_ready(other)
        assert other.locator(".cw-brief-shared").is_visible()
        assert other.inner_text(".cw-brief-doc") == want_doc
        assert other.inner_text(".cw-brief-bibliography") == want_bib
        assert other.input_value(".cw-brief-style") == "oscola"
        assert other.evaluate("k => localStorage.getItem(k)", KEY) is None  # the reader's own brief untouched
        other.get_by_role("button", name="Make this my brief").click()
        other.wait_for_function("k => !!localStorage.getItem(k)", arg=KEY)
        saved = json.loads(other.evaluate("k => localStorage.getItem(k)", KEY))
        assert [i["slug"] for i in saved["items"]] == [BASKET[0], BASKET[2], BASKET[1]]
        assert saved["further"] is False and saved["style"] == "oscola"
        other.goto(server.url + "brief/")
        wait_ready(other)
        assert other.inner_text(".cw-brief-doc") == want_doc
    finally:
        fresh.close()


def pdf_pages(page) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)


@pytest.mark.parametrize("style", ["apa", "oscola"])
def test_print_three_concepts_on_two_pages(page, server, builder, style):
    add_by_clicking(page, server, builder, BASKET)
    choose_style(page, style)
    # Everything: definitions, status notes, key points, notes, and the bibliography of the
    # pages and all their sources.
    assert pdf_pages(page) <= 2
    page.emulate_media(media="print")
    assert not page.locator(".cw-brief-list").is_visible()
    assert not page.locator(".cw-brief-doc-actions").is_visible()
    assert page.locator(".cw-brief-doc").is_visible() and page.locator(".cw-brief-bibliography").is_visible()
    assert page.locator(".cw-brief-entry").count() == len(chosen_items(builder, BASKET))


def test_phone_no_sideways_scrolling(browser, server, builder):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                              has_touch=True)
    try:
        page = ctx.new_page()
        add_by_clicking(page, server, builder, BASKET)
        page.locator(".cw-brief-share summary").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        wide = page.evaluate("""() => Array.from(document.querySelectorAll('.cw-brief *')).filter(e => {
            const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > 391 || r.left < -1);
        }).map(e => e.className || e.tagName)""")
        assert wide == []
    finally:
        ctx.close()


# -- an entry edited after the brief was made ---------------------------------------------------

EDITED = "An example that links to [[other-concept]], said differently now."


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    root = small_project(tmp_path_factory.mktemp("brief-edit") / "wiki")
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    srv = Server(root / "site")
    yield root, srv
    srv.close()


def test_an_edited_entry_is_flagged(browser, small_site):
    root, srv = small_site
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(srv.url + "concepts/example-concept/")
        page.get_by_role("button", name="Add to brief: Example concept", exact=True).click()
        page.goto(srv.url + "brief/")
        wait_ready(page)
        old = page.inner_text(".cw-brief-doc .cw-brief-is-definition")
        assert "said differently" not in old and page.locator(".cw-brief-changed").count() == 0
        cited = json.loads(page.evaluate("k => localStorage.getItem(k)", KEY))["items"][0]["v"]
        link = page.input_value(".cw-brief-share-url")
        assert link.endswith(f"~example-concept.{cited}")

        entry = root / "concepts" / "example-concept.yaml"
        entry.write_text(entry.read_text(encoding="utf-8").replace(
            "summary: An example that links to [[other-concept]].", f"summary: {EDITED}"), encoding="utf-8")
        result = mkdocs_build(root)
        assert result.returncode == 0, result.stderr

        page.reload()
        wait_ready(page)
        flag = page.locator(".cw-brief-changed")
        assert flag.is_visible() and cited in flag.inner_text()
        assert "Changed since this brief was made" in flag.inner_text()
        # Keep: the brief goes on citing what the entry said when the brief was made.
        page.get_by_role("button", name="Keep the cited version of Example concept").click()
        page.wait_for_function("() => document.querySelector('.cw-brief-changed') &&"
                               " document.querySelector('.cw-brief-changed').textContent.startsWith('Citing version')")
        assert page.inner_text(".cw-brief-doc .cw-brief-is-definition") == old
        # Update: the current text, and no flag.
        page.get_by_role("button", name="Update to the current version: Example concept").click()
        page.wait_for_function("() => !document.querySelector('.cw-brief-changed')")
        assert "said differently now" in page.inner_text(".cw-brief-doc .cw-brief-is-definition")
        assert json.loads(page.evaluate("k => localStorage.getItem(k)", KEY))["items"][0]["v"] != cited
    finally:
        ctx.close()
    # The link shared before the edit, opened in another browser: flagged there too.
    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_ready(other)
        flag = other.locator(".cw-brief-changed")
        assert flag.is_visible() and f"version {cited} is cited" in flag.inner_text()
        other.get_by_role("button", name="Keep the cited version of Example concept").click()
        other.wait_for_function("() => /no copy of the cited version/.test("
                                "document.querySelector('.cw-brief-changed').textContent)")
        assert "#brief=" in other.url and other.url.endswith(f"~example-concept.{cited}")
    finally:
        fresh.close()
