"""Search in a real browser: the header box, typed into as a reader does, answered by Pagefind.

Uses the shared fixtures of tests/browser/conftest.py: the real project's site built once and
served on 127.0.0.1, Debian's chromium, every request to another host refused and failing the
test, and no JavaScript errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def open_site(page, server, path: str = "concepts/inner-alignment/") -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url[len(server.url):])
            if r.url.startswith(server.url) else None)
    page.requests = requests
    page.goto(server.url + path)


def type_query(page, query: str) -> list[str]:
    """Click the search box as a reader does, type the query, and read the results' titles."""
    field = page.locator(".cw-search__input")
    field.click()
    field.fill("")
    field.press_sequentially(query)
    page.wait_for_function(
        "q => document.querySelector('.cw-search__input').value === q && "
        "document.querySelector('.cw-search__list').getAttribute('data-query') === q.trim() && "
        "/results?$/.test(document.querySelector('.cw-search__meta').textContent) && "
        "document.querySelectorAll('.cw-search__list .cw-search__title').length > 0", arg=query)
    # A result names its concept; an alias that matched shows as "Alias → Title".
    return [t.split(" \u2192 ")[-1] for t in
            page.locator(".cw-search__list .cw-search__title").all_inner_texts()]


@pytest.mark.parametrize("query", ["mesa-optimiser", "optimization daemon", "mesa optimiser",
                                   "Mesa-Optimization"])
def test_alias_finds_its_concept_first(page, server, query: str):
    open_site(page, server)
    titles = type_query(page, query)
    assert titles[0] == "Mesa-optimization", titles


def test_search_opens_the_result_and_loads_only_this_site(page, server):
    open_site(page, server)
    # Nothing of the search is loaded before the reader opens it.
    assert not any(u.startswith("pagefind/") for u in page.requests)
    titles = type_query(page, "optimization daemon")
    assert titles[0] == "Mesa-optimization"
    # Pagefind's own files from this server (the fixture fails the test on any other host),
    # never Material's lunr index.
    assert any(u.startswith("pagefind/pagefind.js") for u in page.requests)
    assert any(u.endswith(".pf_fragment") for u in page.requests)
    assert not any("search_index.json" in u for u in page.requests)
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "concepts/mesa-optimization/")
    assert page.locator("article h1").first.inner_text() == "Mesa-optimization"
    assert not page.locator("#__search").is_checked()
    # Material's instant navigation swapped the page; the box in the header still searches.
    assert type_query(page, "mesa-optimiser")[0] == "Mesa-optimization"
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()


def test_every_title_and_alias_ranks_its_concept_first(page, server):
    """A concept's title or alias outranks every page that merely mentions the term."""
    open_site(page, server)
    type_query(page, "inner alignment")  # loads Pagefind
    wrong = []
    for path in sorted((ROOT / "concepts").glob("*.yaml")):
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        for query in [entry["title"], *entry.get("aliases", [])]:
            results = page.evaluate("q => window.conceptwikiSearch(q)", query)
            if not results or results[0]["url"] != f"/concepts/{path.stem}/":
                wrong.append((query, path.stem, [r["url"] for r in results[:3]]))
    assert wrong == [], "\n".join(map(repr, wrong))


def test_no_search_box_without_javascript(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        p = ctx.new_page()
        p.goto(server.url + "concepts/mesa-optimization/")
        assert not p.locator(".cw-search-button").is_visible()
        assert not p.locator(".cw-search__input").is_visible()
        assert p.locator("article h1").first.inner_text() == "Mesa-optimization"
    finally:
        ctx.close()


def _typed(page, query: str) -> str:
    """Type ``query`` into the box as a reader does; the line above the results once they are in."""
    field = page.locator(".cw-search__input")
    field.click()
    field.fill("")
    field.press_sequentially(query)
    page.wait_for_function(
        "q => document.querySelector('.cw-search__list').getAttribute('data-query') === q.trim() || "
        "/^No results/.test(document.querySelector('.cw-search__meta').textContent)", arg=query)
    return page.locator(".cw-search__meta").inner_text()


def test_a_word_no_page_has_is_said_not_hidden(page, server):
    """For a word it does not know, Pagefind returns pages whose words share its longest known
    prefix ("blorft": dozens of pages through "bl..."): the reader is told that no page has the
    word, and a word the wiki has gets the plain count."""
    open_site(page, server)
    said = _typed(page, "blorft")
    assert said.startswith("No page has the word \u201cblorft\u201d. ") and said.endswith(
        "results for words that begin like it"), said
    assert page.locator(".cw-search__list .cw-search__title").count() > 0
    said = _typed(page, "deceptve")  # a typo: what Pagefind found is still offered
    assert said.startswith("No page has the word \u201cdeceptve\u201d."), said
    assert "Deceptive alignment" in [t.split(" \u2192 ")[-1] for t in
                                     page.locator(".cw-search__list .cw-search__title").all_inner_texts()]
    said = _typed(page, "deceptive alignment")
    assert "No page has" not in said and said.endswith("results"), said
