"""Printing a concept page: Chromium prints it to PDF with the print stylesheet; the PDF's text
has the content and every citation format, and none of the site's chrome."""

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


def test_pdf_has_the_content_and_every_citation(printed, builder):
    entry = builder.entries[SLUG]
    text = "\n".join(printed)
    flat = squash(text)
    assert squash(entry.title) in squash(printed[0])
    assert squash(builder.plain_summary(SLUG, limit=80).rstrip("…")) in flat
    assert "Cite this page" in text and "Cite the primary source" in text
    today = _dt.date.today()
    item = builder.page_item(entry)
    item["accessed"] = {"date-parts": [[today.year, today.month, today.day]]}
    for style in STYLES:  # every tab's citation is printed, with the reader's day
        assert squash(builder.citer.engine.bibliography_entry(item, style, "text")) in flat, style
    assert "@misc{" in text  # and the BibTeX tab
    primary = builder.wiki.sources[entry.concept.sources.primary].csl()
    assert squash(builder.citer.engine.bibliography_entry(primary, "apa", "text")) in flat


def test_pdf_has_no_navigation_or_buttons(printed):
    text = "\n".join(printed)
    for chrome in ["Add to brief", "Print / Save as PDF", "Copy", "Search", "Skip to content",
                   "Made with", "Back to top", "View brief", "Download this page"]:
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
