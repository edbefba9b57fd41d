"""What the "Copy" buttons of "How to cite" put on the clipboard, in a real browser.

The expected text is rendered independently, by the citation engine in Python, with the day
of the test as accessed date: the reader must get the day they copy, not the build day.
"""

from __future__ import annotations

import datetime as _dt
import html
import re

import pytest

from helpers import real_builder

STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]
SLUGS = ["inner-alignment", "mesa-optimization"]


@pytest.fixture(scope="module")
def builder():
    """This repository's content, configured as its mkdocs.yml configures the plugin."""
    return real_builder(styles=STYLES)


def today() -> _dt.date:
    return _dt.date.today()


def read_clipboard(page) -> dict[str, str]:
    return page.evaluate("""async () => {
        const out = {};
        for (const item of await navigator.clipboard.read()) {
            for (const type of item.types) out[type] = await (await item.getType(type)).text();
        }
        return out;
    }""")


def plain(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def copy(page, name):
    """Click the copy button with this accessible name; wait until it says it copied."""
    button = page.get_by_role("button", name=name, exact=True)
    button.click()
    page.wait_for_function("b => b.textContent === 'Copied'", arg=button.element_handle())


def open_concept(page, server, slug):
    page.goto(server.url + f"concepts/{slug}/")
    page.wait_for_selector(".cw-cite")


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("index,style", list(enumerate(STYLES, start=1)))
def test_copy_page_citation(page, server, builder, slug, index, style):
    entry = builder.entries[slug]
    item = builder.page_item(entry)
    item["accessed"] = {"date-parts": [[today().year, today().month, today().day]]}
    expected_text = builder.citer.engine.bibliography_entry(item, style, "text")
    label = builder.citer.label(style)
    open_concept(page, server, slug)
    page.click(f"label[for=cw-cite-page-{index}]")
    copy(page, f"Copy {label} citation for {entry.title}")
    clip = read_clipboard(page)
    assert clip["text/plain"] == expected_text
    # The rich form keeps the formatting (italics) and says the same.
    assert plain(clip["text/html"]) == expected_text
    if style in ("apa", "harvard-cite-them-right"):  # these italicise the page title
        assert "<i>" in clip["text/html"] or "<em>" in clip["text/html"]


@pytest.mark.parametrize("slug", SLUGS)
def test_copy_page_bibtex_has_todays_urldate(page, server, builder, slug):
    entry = builder.entries[slug]
    open_concept(page, server, slug)
    page.click(f"label[for=cw-cite-page-{len(STYLES) + 1}]")
    copy(page, f"Copy BibTeX entry for {entry.title}")
    clip = page.evaluate("navigator.clipboard.readText()")
    assert f"urldate = {{{today().isoformat()}}}" in clip
    assert "urldate = {2024-01-02}" not in clip  # the build's date is replaced
    assert clip.startswith("@misc{") and clip.rstrip().endswith("}")
    import bibtexparser

    library = bibtexparser.parse_string(clip)
    assert not library.failed_blocks
    assert library.entries[0]["title"] == "{" + entry.title + "}" or entry.title in library.entries[0]["title"]


def test_copy_primary_source_citation(page, server, builder):
    slug = "mesa-optimization"
    entry = builder.entries[slug]
    source = builder.wiki.sources[entry.concept.sources.primary].csl()
    expected = builder.citer.engine.bibliography_entry(source, "apa", "text")
    open_concept(page, server, slug)
    # The primary source's citation is in the references, one click away.
    page.locator(f"li#ref-{entry.concept.sources.primary} details.cw-cite-source > summary").click()
    copy(page, f"Copy APA primary source citation for {entry.title}")
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_oscola_footnote_forms(page, server, builder):
    slug = "inner-alignment"
    entry = builder.entries[slug]
    item = builder.page_item(entry)
    item["accessed"] = {"date-parts": [[today().year, today().month, today().day]]}
    engine = builder.citer.engine
    first = engine.note(item, "oscola", fmt="text")
    index = STYLES.index("oscola") + 1
    open_concept(page, server, slug)
    page.click(f"label[for=cw-cite-page-{index}]")
    copy(page, f"Copy OSCOLA footnote for {entry.title}")
    assert page.evaluate("navigator.clipboard.readText()") == first


def test_reading_works_without_javascript(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server.url + "concepts/inner-alignment/")
    text = p.text_content(".cw-cite")
    assert "Inner alignment" in text
    # Without the script, OSCOLA's accessed date is the build's date, written out in full.
    assert "accessed 2 January 2024" in text
    ctx.close()
