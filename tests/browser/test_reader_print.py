"""Printing like a reference work: a concept page on at most three A4 pages, with its address,
version and date in the margins and no concept map; the Brief as a clean document.

Chromium prints to PDF (as "Save as PDF" does) and pypdf reads the text back.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"].rstrip("/") + "/"
#: The longest entries: if they fit, the others do.
LONGEST = sorted((p.stat().st_size, p.stem) for p in (ROOT / "concepts").glob("*.yaml"))[-4:]


def pdf_pages(page) -> list[str]:
    from pypdf import PdfReader

    page.emulate_media(media="print")
    return [p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages]


def date_today() -> str:
    import datetime as _dt

    today = _dt.date.today()
    return f"{today.day} {today:%B %Y}"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("slug", [s for _size, s in LONGEST] + ["mesa-optimization"])
def test_a_concept_prints_on_at_most_three_pages_with_address_version_and_date(page, server, slug):
    page.goto(server.url + f"concepts/{slug}/")
    version = page.locator("aside.cw-glance .cw-fingerprint").inner_text()
    date = page.locator("aside.cw-glance .cw-version-current time").inner_text()
    pages = pdf_pages(page)
    assert 1 <= len(pages) <= 3, (slug, len(pages))
    # The page's title heads the first page (the Brief's print rule once hid every page's h1).
    assert page.locator(".md-content__inner > h1").is_visible(), slug
    for number, text in enumerate(pages, 1):
        flat = squash(text)
        # Every page's margins: the page's address, its version and date, the page number.
        assert squash(f"{SITE_URL}concepts/{slug}/") in flat, (slug, number)
        assert squash(f"Version {version} of {date}") in flat, (slug, number)
        assert squash(f"{number} / {len(pages)}") in flat, (slug, number)
        assert "Printed " + date_today() in text, (slug, number)
    text = "\n".join(pages)
    assert "Concept map" not in text and "The concept map as a list" not in text
    assert "Why it is" in text  # the status note is printed, open


def test_the_brief_prints_as_a_clean_document(page, server):
    for slug, title in [("mesa-optimization", "Mesa-optimization"), ("inner-alignment", "Inner alignment")]:
        page.goto(server.url + f"concepts/{slug}/")
        page.get_by_role("button", name=f"Add to brief: {title}").click()
    page.goto(server.url + "brief/")
    page.locator(".cw-brief-entry").first.wait_for()
    entries = page.locator(".cw-brief-entry").all_inner_texts()
    pages = pdf_pages(page)
    text = "\n".join(pages)
    flat = squash(text)
    assert "Brief" in pages[0] and "Bibliography" in text
    for entry in entries:
        assert squash(entry) in flat
    for chrome in ["Copy bibliography", "Copy as plain text", "Download", "Clear brief", "Options",
                   "Citation style", "Include each concept", "Remove", "Add a concept with",
                   "Search", "Skip to content", server.url]:
        assert chrome not in text, chrome
    assert len(pages) <= 2


def test_an_instrument_prints_as_a_concept_does(page, server):
    """An instrument page prints with the same print view: its address, version and date in
    every page's margins, the page numbers, no navigation or buttons."""
    page.goto(server.url + "instruments/eu-ai-act/")
    version = page.locator("aside.cw-glance .cw-fingerprint").inner_text()
    date = page.locator("aside.cw-glance .cw-version-current time").inner_text()
    pages = pdf_pages(page)
    assert 1 <= len(pages) <= 3, len(pages)
    for number, text in enumerate(pages, 1):
        flat = squash(text)
        assert squash(f"{SITE_URL}instruments/eu-ai-act/") in flat, number
        assert squash(f"Version {version} of {date}") in flat, number
        assert squash(f"{number} / {len(pages)}") in flat, number
    text = "\n".join(pages)
    assert "Concepts addressed" in text and "art 55(1)(a)" in text
    assert "Add to brief" not in text and "Print" not in text.replace("Printed", "")
