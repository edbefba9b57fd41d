"""Search as a reader uses it, on a desktop and on a phone: click or tap the box, type, read the
results under it, move through them with the arrow keys, open one.

No keyboard shortcut a reader would not know is used: the box is opened by clicking it, the
magnifier or (on a phone) the header's search button. Uses tests/browser/conftest.py's site,
server and Chromium; every request to another host fails the test, as do JavaScript errors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
#: What a result must never show: page chrome, pinpoint marks, wikilink syntax.
CHROME = ["Add to brief", "View brief", "Print", "Cite this", "\u00b6", "[[", "]]", "#inner-alignment",
          "Also known as", "Why it is"]


@pytest.fixture(params=["desktop", "phone"])
def reader(request, browser, server):
    """A page in a fresh profile of the given size; other hosts refused, errors recorded."""
    ctx = browser.new_context(locale="en-GB", **(DESKTOP if request.param == "desktop" else PHONE))
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(server.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.kind = request.param
    yield page
    ctx.close()
    assert outside == [], "the site fetched from another host"
    assert errors == [], "JavaScript errors on the page"


def open_search(page) -> None:
    """Click (or on a phone, tap) what a reader sees: the box, or the header's magnifier."""
    if page.kind == "phone":
        assert not page.locator(".cw-search__input").is_visible()
        page.locator(".cw-search-button").tap()
    else:
        page.locator(".cw-search__input").click()
    field = page.locator(".cw-search__input")
    field.wait_for(state="visible")
    page.wait_for_function("document.activeElement === document.querySelector('.cw-search__input')")


def search(page, query: str) -> list[dict]:
    page.locator(".cw-search__input").press_sequentially(query, delay=30)
    page.wait_for_function(
        "q => document.querySelector('.cw-search__input').value === q && "
        "document.querySelector('.cw-search__list').getAttribute('data-query') === q.trim() && "
        "/results?$/.test(document.querySelector('.cw-search__meta').textContent) && "
        "document.querySelectorAll('.cw-search__title').length > 0", arg=query)
    return page.evaluate("""() => [...document.querySelectorAll('.cw-search__hit')].map(li => ({
        title: li.querySelector('.cw-search__title').innerText,
        marked: [...li.querySelectorAll('.cw-search__title mark')].map(m => m.textContent),
        kind: li.querySelector('.cw-search__kind').innerText,
        text: (li.querySelector('.cw-search__text') || {innerText: ''}).innerText,
        textMarks: [...li.querySelectorAll('.cw-search__text mark')].map(m => m.textContent),
        href: li.querySelector('a').getAttribute('href')}))""")


def visible_box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def test_results_appear_under_the_box_as_the_reader_types(reader, server):
    page = reader
    page.goto(server.url + "concepts/mesa-optimization/")
    open_search(page)
    hits = search(page, "cirl")
    first = hits[0]
    # The alias names the concept it stands for; the kind and the definition's first sentence.
    entry = yaml.safe_load((ROOT / "concepts" / "assistance-games.yaml").read_text(encoding="utf-8"))
    assert "CIRL" in entry["aliases"]
    assert first["title"] == f"CIRL \u2192 {entry['title']}"
    assert first["marked"] == ["CIRL"]
    assert first["kind"] == entry["kind"].replace("-", " ")
    assert first["text"].startswith(" ".join(entry["summary"].split()[:6])), first["text"]
    assert first["text"].endswith(".") and first["text"].count(". ") == 0, first["text"]
    # The results are on screen, under the box, and tall enough to read.
    field = visible_box(page, ".cw-search__input")
    results = visible_box(page, ".cw-search__list")
    assert results["y"] >= field["y"] + field["height"] - 1
    assert results["height"] > 100
    first_hit = visible_box(page, ".cw-search__hit")
    viewport = page.viewport_size
    assert 0 <= first_hit["x"] and first_hit["x"] + first_hit["width"] <= viewport["width"] + 1
    assert first_hit["y"] + first_hit["height"] <= viewport["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_results_show_title_kind_and_first_sentence_without_chrome(reader, server):
    page = reader
    page.goto(server.url + "concepts/inner-alignment/")
    open_search(page)
    hits = search(page, "optimization daemon")
    assert hits[0]["title"] == "Optimization daemon \u2192 Mesa-optimization"
    assert hits[0]["kind"] == "concept"
    assert hits[0]["text"].startswith("Mesa-optimization is the situation in which a model")
    assert "base optimizer" in hits[0]["text"]  # the wikilink's text, in the sentence's case
    assert {m.lower() for m in hits[0]["textMarks"]} >= {"optimization"}
    for query in ("reward", "inner alignment", "wikilink", "contested"):
        page.locator(".cw-search__input").fill("")
        for hit in search(page, query):
            shown = hit["title"] + " " + hit["kind"] + " " + hit["text"]
            for chrome in CHROME:
                assert chrome not in shown, (query, chrome, shown)
            assert not re.search(r"\bp-[0-9a-f]{8}\b", shown)


def test_a_policy_instrument_is_found_by_its_name(reader, server):
    """Policy staff search for "EU AI Act" and find its page first (instrument pages were left
    out of the index with the generated listings: the search found only concepts citing it)."""
    page = reader
    page.goto(server.url + "concepts/")
    open_search(page)
    first = search(page, "EU AI Act")[0]
    assert first["title"] == "EU AI Act" and first["kind"] == "legislation"
    assert first["href"].endswith("instruments/eu-ai-act/")
    # Under the name, the summary's first sentence, not the page's badges.
    assert first["text"].startswith("A regulation of the European Union"), first["text"]


def test_arrow_keys_move_through_the_results_and_enter_opens_one(reader, server):
    page = reader
    page.goto(server.url + "concepts/mesa-optimization/")
    open_search(page)
    hits = search(page, "inner alignment")
    assert hits[0]["title"] == "Inner alignment"
    # The first result is marked: it is what Enter opens.
    assert page.locator(".cw-search__link").first.evaluate(
        "a => a.classList.contains('cw-search__link--active')")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == hits[0]["href"]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == hits[1]["href"]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('cw-search__input')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(hits[1]["href"].strip("/").split("/")[-1]) + r"/$"))
    assert not page.locator("#__search").is_checked()


def test_enter_in_the_box_opens_the_first_result(reader, server):
    page = reader
    page.goto(server.url + "concepts/inner-alignment/")
    open_search(page)
    assert search(page, "mesa optimiser")[0]["title"] in (
        "Mesa-optimiser \u2192 Mesa-optimization", "Mesa-optimization")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "concepts/mesa-optimization/")
    assert page.locator("article h1").first.inner_text() == "Mesa-optimization"


def test_a_result_opens_with_a_click_or_tap(reader, server):
    page = reader
    page.goto(server.url + "concepts/inner-alignment/")
    open_search(page)
    search(page, "treacherous")
    link = page.locator(".cw-search__link").first
    if page.kind == "phone":
        link.tap()
    else:
        link.click()
    page.wait_for_url(server.url + "concepts/treacherous-turn/")
    assert not page.locator("#__search").is_checked()


def test_the_magnifier_opens_search(browser, server, context):
    page = context.new_page()
    page.set_viewport_size(DESKTOP["viewport"])
    page.goto(server.url + "concepts/mesa-optimization/")
    go = page.locator(".cw-search__go")
    assert go.is_visible()
    go.click()
    assert page.locator("#__search").is_checked()
    page.wait_for_function("document.activeElement === document.querySelector('.cw-search__input')")
    page.keyboard.type("goodhart")
    page.wait_for_function("document.querySelectorAll('.cw-search__title').length > 0")
    assert page.locator(".cw-search__title").first.inner_text() == "Goodhart's law"
    # Clicking outside the box closes it.
    page.mouse.click(640, 800)
    assert not page.locator("#__search").is_checked()
    assert not page.locator(".cw-search__list").is_visible()


def test_phone_search_closes_with_its_back_arrow_and_leaves_no_hidden_tab_stop(browser, server):
    ctx = browser.new_context(**PHONE)
    try:
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
        page = ctx.new_page()
        page.goto(server.url + "concepts/mesa-optimization/")
        page.wait_for_selector(".cw-search-button:not([hidden])")
        # Closed: the box is out of sight, and Tab does not land in it.
        hidden_focusable = page.evaluate("""() => [...document.querySelectorAll('.cw-search input, .cw-search button, .cw-search a')]
            .filter(el => getComputedStyle(el).visibility !== 'hidden' && el.offsetParent !== null
                          && el.tabIndex >= 0).length""")
        assert hidden_focusable == 0
        page.locator(".cw-search-button").tap()
        page.locator(".cw-search__input").wait_for(state="visible")
        assert page.locator(".cw-search-button").get_attribute("aria-expanded") == "true"
        page.locator(".cw-search__close").tap()
        assert not page.locator("#__search").is_checked()
        page.wait_for_function("getComputedStyle(document.querySelector('.cw-search .md-search__inner')).visibility === 'hidden'")
    finally:
        ctx.close()
