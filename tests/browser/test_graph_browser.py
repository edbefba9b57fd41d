"""The graph in Chromium: the kind/tag filter of the graph page (assets/conceptwiki/graph.js),
concept-map nodes as links, and Material's instant navigation to a page with a map.

The ``page`` fixture (conftest.py) fails a test on any JavaScript error and on any request to
another host.
"""

from __future__ import annotations

from helpers import real_entries as entries

from conceptwiki.render.graph import MAX_WIKI_NODES


def _slugs(hrefs) -> set[str]:
    return {h.rstrip("/").split("/")[-1] for h in hrefs}


def _visible_nodes(page) -> set[str]:
    return _slugs(page.eval_on_selector_all(
        ".cw-graph--wiki .cw-graph__nodes > a",
        "els => els.filter(e => getComputedStyle(e).display !== 'none')"
        ".map(e => e.getAttribute('xlink:href'))"))


def _wait_for_visible_count(page, n: int) -> None:
    """Wait until ``n`` nodes of the whole-wiki map are displayed. The filter hides nodes with
    a class and a stylesheet rule; once (two test workers, load 9) the nodes' computed style
    still showed them all after the status line had changed, so the check waits for the
    drawing rather than for the text."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('.cw-graph--wiki .cw-graph__nodes > a')]"
        ".filter(e => getComputedStyle(e).display !== 'none').length === n", arg=n)


def _visible_list(page) -> set[str]:
    return _slugs(page.eval_on_selector_all(
        ".cw-graph-list li", "els => els.filter(e => e.offsetParent !== null)"
                             ".map(e => e.querySelector('a').getAttribute('href'))"))


def test_filter_by_kind_and_tag(page, server):
    data = entries()
    page.goto(server.url + "graph/")
    page.locator("form[data-cw-graph-filter]").wait_for(state="visible")
    # The whole-wiki map draws the MAX_WIKI_NODES most connected concepts; the list has them all.
    drawn = _visible_nodes(page)
    assert len(drawn) == min(len(data), MAX_WIKI_NODES)
    assert _visible_list(page) == set(data)

    page.select_option("form[data-cw-graph-filter] select[name=kind]", "risk")
    risks = {s for s, d in data.items() if d["kind"] == "risk"}
    assert risks and _visible_nodes(page) == risks & drawn
    assert _visible_list(page) == risks
    hidden_edges = page.eval_on_selector_all(
        ".cw-graph--wiki path[data-e]",
        "els => els.filter(e => getComputedStyle(e).display === 'none').length")
    assert hidden_edges > 0
    status = page.locator(".cw-graph-filter__status").inner_text()
    assert status.startswith(f"{len(risks)} of {len(data)} concepts match")
    assert page.url.endswith("#kind=risk")

    page.select_option("form[data-cw-graph-filter] select[name=kind]", "")
    tag = "inner-alignment"
    page.select_option("form[data-cw-graph-filter] select[name=tag]", tag)
    tagged = {s for s, d in data.items() if tag in d.get("tags", [])}
    assert tagged and _visible_nodes(page) == tagged & drawn and _visible_list(page) == tagged

    page.focus("form[data-cw-graph-filter] button[type=reset]")   # by keyboard, no mouse
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.cw-graph .cw-is-hidden').length === 0")
    assert _visible_nodes(page) == drawn
    assert "#" not in page.url

    # A filter in the address is applied, on load and when the address changes.
    page.goto(server.url + "graph/#kind=risk")
    # Same page, new hash: the filter is applied by the hashchange handler, after goto returns.
    page.wait_for_function("document.querySelector('select[name=kind]').value === 'risk'")
    page.wait_for_function("s => document.querySelector('.cw-graph-filter__status').textContent"
                           ".trim().startsWith(s)", arg=f"{len(risks)} of {len(data)} concepts match")
    _wait_for_visible_count(page, len(risks & drawn))
    assert _visible_nodes(page) == risks & drawn
    page.goto(server.url + "graph/#tag=" + tag)
    page.wait_for_function("document.querySelector('select[name=tag]').value === %r" % tag)
    _wait_for_visible_count(page, len(tagged & drawn))
    assert _visible_nodes(page) == tagged & drawn


def test_concept_map_nodes_are_links(page, server):
    page.goto(server.url + "concepts/mesa-optimization/")
    node = page.locator("figure.cw-graph--concept .cw-graph__nodes > a:not([aria-current])").first
    box = node.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    slug = node.get_attribute("xlink:href").rstrip("/").split("/")[-1]
    node.click()
    page.wait_for_url("**/concepts/" + slug + "/")
    page.locator("svg.cw-graph__svg").wait_for()
    assert page.locator("svg.cw-graph__svg").count() == 1
    title = page.locator("svg.cw-graph__svg > title").text_content()
    assert title == "Concept map of " + page.locator("article h1").first.text_content().strip()
    # keyboard: the nodes are links, so they take focus like any other link
    page.locator("svg.cw-graph__svg .cw-graph__nodes > a").first.focus()
    assert page.evaluate("document.activeElement.matches('.cw-graph__nodes > a')")


# ``instant_server``: the real site built for its own test server, so that Material's instant
# navigation (which only takes links listed in sitemap.xml, with the port of ``site_url``) is
# used (tests/browser/conftest.py; shared with test_link_previews.py).


def test_instant_navigation_to_pages_with_maps(browser, instant_server):
    """Material swaps in a concept page with its map without a full load (its rewrite of every
    [href] would throw on an SVG link: the map uses xlink:href), and hovering or focusing
    map nodes raises no error (Material's, the link previews' or ours)."""
    ctx = browser.new_context()
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(instant_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(instant_server.url + "concepts/")
        page.wait_for_load_state("networkidle")
        page.evaluate("window.__sameDocument = true")
        page.locator("dl.cw-index a[href$='mesa-optimization/']").first.click()
        page.wait_for_url("**/concepts/mesa-optimization/")
        page.locator("svg.cw-graph__svg").wait_for()
        assert page.evaluate("window.__sameDocument === true"), f"loaded in full: {errors}"
        node = page.locator("svg.cw-graph__svg .cw-graph__nodes > a:not([aria-current])").first
        node.scroll_into_view_if_needed()
        node.hover()
        node.focus()
        page.wait_for_timeout(600)
        # and on to the graph page through the navigation, still without a full load
        page.locator("nav.md-nav--primary a[href$='graph/']").first.click()
        page.wait_for_url("**/graph/")
        page.locator("form[data-cw-graph-filter]").wait_for(state="visible")  # graph.js ran again
        assert page.evaluate("window.__sameDocument === true")
        assert errors == [] and outside == []
    finally:
        ctx.close()
