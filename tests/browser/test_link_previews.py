"""Hover and focus previews of concept links (assets/conceptwiki/preview.js), in Chromium.

The popup is ``div#cw-preview.cw-preview[role=tooltip]`` with ``.cw-preview__title``,
``.cw-preview__kind``, ``.cw-preview__status`` and ``.cw-preview__summary``; the expected text
comes from the entries' YAML and the generated previews.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from helpers import ROOT


def _entry(slug: str) -> dict:
    return yaml.safe_load((ROOT / "concepts" / f"{slug}.yaml").read_text(encoding="utf-8"))


def _expect_preview(page, built_site: Path, slug: str) -> None:
    pop = page.locator("#cw-preview")
    pop.wait_for(state="visible")
    assert pop.get_attribute("role") == "tooltip"
    assert pop.get_attribute("data-slug") == slug
    data = json.loads((built_site / "assets/conceptwiki/previews.json").read_text(encoding="utf-8"))
    entry = _entry(slug)
    assert pop.locator(".cw-preview__title").inner_text() == entry["title"]
    assert pop.locator(".cw-preview__kind").text_content() == data["kinds"][entry["kind"]]
    assert pop.locator(".cw-preview__status").text_content() == entry["status"]["level"]
    summary = pop.locator(".cw-preview__summary").text_content()
    assert summary == data["concepts"][slug][3] and len(summary) > 20
    # Text only: the popup never holds markup from an entry.
    assert pop.evaluate("el => el.querySelectorAll('.cw-preview__summary *, .cw-preview__title *').length") == 0


def test_hover_shows_preview_on_a_docs_page(page, server, built_site):
    page.goto(server.url)
    link = page.locator("article a.cw-wikilink[href$='/concepts/mesa-optimization/']").first
    native_title = link.get_attribute("title")
    assert native_title  # without JavaScript the summary is the link's title
    link.hover()
    _expect_preview(page, built_site, "mesa-optimization")
    assert link.get_attribute("aria-describedby") == "cw-preview"
    assert link.get_attribute("title") is None  # no second, native tooltip on top
    page.mouse.move(1, 1)
    page.locator("#cw-preview").wait_for(state="hidden")
    assert link.get_attribute("aria-describedby") is None
    assert link.get_attribute("title") == native_title


def test_pointer_can_move_onto_the_preview(page, server, built_site):
    page.goto(server.url + "concepts/inner-alignment/")
    page.locator(".cw-summary a.cw-wikilink").first.hover()
    pop = page.locator("#cw-preview")
    pop.wait_for(state="visible")
    pop.hover()
    page.wait_for_timeout(600)
    assert pop.is_visible()


def test_keyboard_focus_shows_and_escape_hides(page, server, built_site):
    page.goto(server.url + "concepts/inner-alignment/")
    link = page.locator(".cw-summary a.cw-wikilink").first
    slug = link.get_attribute("href").rstrip("/").split("/")[-1]
    link.focus()
    _expect_preview(page, built_site, slug)
    page.keyboard.press("Escape")
    page.locator("#cw-preview").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('cw-wikilink')")
    # Focusing it again shows it again; tabbing on moves it to the next concept link or hides it.
    page.evaluate("document.activeElement.blur()")
    link.focus()
    page.locator("#cw-preview").wait_for(state="visible")
    page.keyboard.press("Tab")
    nxt = page.evaluate("window.conceptwikiPreview.slugFor(document.activeElement)")
    if nxt:
        page.wait_for_function("document.querySelector('#cw-preview').dataset.slug === %r" % nxt)
        assert page.locator("#cw-preview").is_visible()
    else:
        page.locator("#cw-preview").wait_for(state="hidden")


# ``instant_server``: the real site built for its own test server (tests/browser/conftest.py).


def test_previews_survive_instant_navigation(browser, instant_server):
    ctx = browser.new_context()
    outside = []

    def guard(route):
        if route.request.url.startswith(instant_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(instant_server.url)
        page.wait_for_load_state("networkidle")
        page.evaluate("window.__sameDocument = true")
        page.locator("article a.cw-wikilink[href$='/concepts/mesa-optimization/']").first.click()
        page.wait_for_url("**/concepts/mesa-optimization/")
        page.locator("article ul.cw-cards").wait_for()
        assert page.evaluate("window.__sameDocument === true"), "Material's instant navigation was not used"
        assert page.locator("#cw-preview").count() == 0 or page.locator("#cw-preview").is_hidden()
        card = page.locator("ul.cw-cards > li > a").first
        slug = card.get_attribute("href").rstrip("/").split("/")[-1]
        card.hover()
        _expect_preview(page, instant_server.folder, slug)
        # And once more after a second swap, by keyboard. The address changes before
        # Material swaps the content: wait until the old article is gone, or the link below
        # may be read from the page being left (seen once with two test workers).
        page.evaluate("document.querySelector('article').setAttribute('data-cw-left', '')")
        page.locator("ul.cw-cards > li > a").first.click()
        page.wait_for_url(f"**/concepts/{slug}/")
        page.wait_for_function("!document.querySelector('article[data-cw-left]')")
        page.locator("article h1").wait_for()
        assert page.evaluate("window.__sameDocument === true")
        link = page.locator("article .cw-summary a.cw-wikilink, article ul.cw-cards > li > a").first
        target = link.get_attribute("href").rstrip("/").split("/")[-1]
        link.focus()
        _expect_preview(page, instant_server.folder, target)
        page.keyboard.press("Escape")
        page.locator("#cw-preview").wait_for(state="hidden")
    finally:
        ctx.close()
    assert errors == [] and outside == []


def test_no_preview_for_other_links(page, server, built_site):
    page.goto(server.url + "concepts/mesa-optimization/")
    # A docs page in "Referenced by", a tag page and the page's own heading link: no preview.
    for selector in ("ul.cw-backlinks li:has(.cw-kind--guide) a", "a.cw-tag", "a.headerlink"):
        page.locator(selector).first.hover()
        page.wait_for_timeout(500)
        assert page.locator("#cw-preview").count() == 0 or page.locator("#cw-preview").is_hidden(), selector
