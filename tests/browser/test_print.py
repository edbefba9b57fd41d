"""Printing a concept page: Chromium prints it to PDF with the print stylesheet; the PDF's text
has the content and the citation in the style the reader chose, and none of the site's chrome."""

from __future__ import annotations

import datetime as _dt
import io
import re

import pytest

from helpers import real_builder, real_mkdocs_config

STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]
SLUG = "inner-alignment"


@pytest.fixture(scope="module")
def builder():
    """This repository's content, as its mkdocs.yml configures it, with its edit links."""
    cfg = real_mkdocs_config()
    return real_builder(styles=STYLES, publisher=cfg["site_name"], repo_url=cfg["repo_url"],
                        edit_uri=cfg["edit_uri"])


def squash(text: str) -> str:
    """Text without any whitespace: PDF text breaks lines (and long URLs) anywhere."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def printed(page, server):
    from pypdf import PdfReader

    page.goto(server.url + f"concepts/{SLUG}/")
    page.wait_for_selector(".cw-cite")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False)
    reader = PdfReader(io.BytesIO(pdf))
    return [p.extract_text() for p in reader.pages]


def test_pdf_has_the_content_and_the_chosen_citation(printed, builder):
    entry = builder.entries[SLUG]
    text = "\n".join(printed)
    flat = squash(text)
    assert squash(entry.title) in squash(printed[0])
    assert squash(builder.plain_summary(SLUG, limit=80).rstrip("…")) in flat
    assert "Cite this page" in text
    today = _dt.date.today()
    item = builder.page_item(entry)
    item["accessed"] = {"date-parts": [[today.year, today.month, today.day]]}
    # The style of the checked tab (the first, until the reader chooses another), with the
    # reader's day; not the other styles, nor BibTeX.
    assert squash(builder.citer.engine.bibliography_entry(item, STYLES[0], "text")) in flat
    for style in STYLES[1:]:
        assert squash(builder.citer.engine.bibliography_entry(item, style, "text")) not in flat, style
    assert "@misc{" not in text
    # The primary source once, in the references, marked as primary.
    primary = builder.wiki.sources[entry.concept.sources.primary].csl()
    reference = squash(builder.citer.engine.bibliography_entry(primary, "apa", "text"))
    assert flat.count(reference) == 1
    assert squash("Primary source.") + reference in flat


def test_pdf_has_the_style_the_reader_chose(page, server, builder):
    from pypdf import PdfReader

    page.goto(server.url + f"concepts/{SLUG}/")
    page.click(f"label[for=cw-cite-page-{STYLES.index('oscola') + 1}]")
    page.emulate_media(media="print")
    flat = squash("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages))
    entry = builder.entries[SLUG]
    today = _dt.date.today()
    item = builder.page_item(entry)
    item["accessed"] = {"date-parts": [[today.year, today.month, today.day]]}
    assert squash(builder.citer.engine.bibliography_entry(item, "oscola", "text")) in flat
    assert squash(builder.citer.engine.bibliography_entry(item, "apa", "text")) not in flat
    # The choice is remembered: another concept page prints in the same style.
    page.emulate_media(media="screen")
    page.goto(server.url + "concepts/mesa-optimization/")
    assert page.locator(f"#cw-cite-page-{STYLES.index('oscola') + 1}").is_checked()
    page.emulate_media(media="print")
    flat = squash("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages))
    other = builder.page_item(builder.entries["mesa-optimization"])
    other["accessed"] = item["accessed"]
    assert squash(builder.citer.engine.bibliography_entry(other, "oscola", "text")) in flat
    assert squash(builder.citer.engine.bibliography_entry(other, "apa", "text")) not in flat


def test_pdf_has_no_navigation_or_buttons(printed):
    text = "\n".join(printed)
    for chrome in ["Add to brief", "Print / Save as PDF", "Copy", "Search", "Skip to content",
                   "Made with", "Back to top", "View brief", "Download this page", "Concept map",
                   "Versions of this entry", "Cite this source", "Referenced by"]:
        assert chrome not in text, chrome


def test_pdf_prints_addresses_of_external_links(printed, builder):
    flat = squash("\n".join(printed))
    edit = builder.edit_links(builder.entries[SLUG])["edit"]
    assert squash(f"Edit this entry <{edit}>") in flat
    # Citations already show their URL: it is not printed twice.
    url = builder.page_item(builder.entries[SLUG])["URL"]
    assert f"{url}<{url}>" not in flat


def test_print_button_prints(page, server):
    page.goto(server.url + f"concepts/{SLUG}/")
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="Print or save Inner alignment as PDF").click()
    assert page.evaluate("window.__printed") == 1
