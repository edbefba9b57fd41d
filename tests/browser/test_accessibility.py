"""Accessibility of every page type, in the light and the dark scheme.

axe-core (shipped inside the axe-playwright-python wheel and injected into the page, so nothing
is fetched) must find no serious or critical violation on the home, concept, index, tag, graph,
brief and about pages and with search open, in both colour schemes. The scheme is the one the
system asks for (Chromium's prefers-color-scheme), as Material's palette follows it. Tabbing
through a page, every stop is visible and shows a focus ring.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

PAGES = {
    "home": "",
    "concept": "concepts/mesa-optimization/",
    "index": "concepts/",
    "tags": "tags/",
    "tag": "tags/inner-alignment/",
    "graph": "graph/",
    "brief": "brief/",
    "about": "about/",
    "search-open": "concepts/mesa-optimization/",
}
SCHEMES = {"light": "default", "dark": "slate"}
#: Two rules axe-core leaves off by default, on: a control's name starts with the words it
#: shows ("Add to brief" was named "Add Mesa-optimization to brief", so a reader who says or
#: looks for "Add to brief" missed it; WCAG 2.5.3), and targets of 24 by 24 px (the A-Z
#: index's letters were 10 px wide; WCAG 2.5.8).
AXE_OPTIONS = {"resultTypes": ["violations"],
               "rules": {"label-content-name-mismatch": {"enabled": True}, "target-size": {"enabled": True}}}
#: Transitions off while measuring: a focus ring or a permalink fading in counts as shown.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"


@pytest.fixture(scope="module")
def axe():
    return Axe()


def scheme_context(browser, server, scheme: str, **kw):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme,
                              locale="en-GB", **kw)
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
    return ctx


def prepare(page, server, name: str) -> None:
    if name == "brief":  # a brief with something in it, as a reader would have made it
        page.goto(server.url + "concepts/mesa-optimization/")
        page.get_by_role("button", name="Add to brief: Mesa-optimization").click()
        page.goto(server.url + "brief/")
        page.locator(".cw-brief-entry").first.wait_for()
        return
    page.goto(server.url + PAGES[name])
    if name == "search-open":
        page.locator(".cw-search__input").click()
        page.locator(".cw-search__input").press_sequentially("inner alignment")
        page.locator(".cw-search__title").first.wait_for()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violation(browser, server, axe, name: str, scheme: str):
    ctx = scheme_context(browser, server, scheme)
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        prepare(page, server, name)
        # The system's scheme is the page's.
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme]
        results = axe.run(page, options=AXE_OPTIONS)
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5], v["help"])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], f"{name} ({scheme}): " + "\n".join(map(repr, bad))
        assert errors == []
    finally:
        ctx.close()


def test_dark_mode_follows_the_system_and_the_toggle(browser, server):
    ctx = scheme_context(browser, server, "dark")
    try:
        page = ctx.new_page()
        page.goto(server.url + "concepts/mesa-optimization/")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        text = page.evaluate("getComputedStyle(document.querySelector('.cw-summary')).color")
        assert background != "rgb(255, 255, 255)" and text != "rgba(0, 0, 0, 0.87)"
        # The header's toggle: system -> light -> dark.
        toggle = page.locator("form[data-md-component=palette] label:visible")
        assert toggle.get_attribute("title") == "Switch to light mode"
        toggle.click()
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
        page.locator("form[data-md-component=palette] label:visible").click()
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    finally:
        ctx.close()


#: What the focused element looks like: the element itself, or for a hidden radio button (a
#: citation-style tab, the palette toggle) the label that stands for it.
FOCUS_JS = """() => {
  let e = document.activeElement;
  if (!e || e === document.body) return null;
  let shown = e;
  if (e.matches('input[type=radio]')) {
    const sibling = e.nextElementSibling;
    shown = (e.classList.contains('md-option') && sibling && sibling.tagName === 'LABEL') ? sibling
      : [...document.querySelectorAll('label')].find(l => l.htmlFor === e.id) || e;
  }
  const r = shown.getBoundingClientRect(), cs = getComputedStyle(shown);
  let opacity = 1;
  for (let n = shown; n && n.nodeType === 1; n = n.parentElement) opacity *= parseFloat(getComputedStyle(n).opacity);
  const inside = r.right > 0 && r.bottom > -window.innerHeight * 50 && r.left < document.documentElement.clientWidth;
  return {what: e.tagName + '.' + String(e.className.baseVal ?? e.className).split(' ')[0] + ' ' +
                (e.innerText || e.getAttribute('aria-label') || e.id || '').trim().slice(0, 30),
          visible: r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && opacity > 0.5 && inside,
          ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none'};
}"""


@pytest.mark.parametrize("name", ["concept", "graph", "brief", "index"])
def test_every_tab_stop_is_visible_and_shows_a_focus_ring(browser, server, name: str):
    ctx = scheme_context(browser, server, "light")
    try:
        page = ctx.new_page()
        prepare(page, server, name)
        page.add_style_tag(content=NO_TRANSITIONS)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        seen, problems = 0, []
        for _ in range(400):
            page.keyboard.press("Tab")
            info = page.evaluate(FOCUS_JS)
            if info is None:  # back at the start: every stop has been visited
                break
            seen += 1
            if not info["visible"]:
                problems.append(("invisible", info["what"]))
            elif not info["ring"]:
                problems.append(("no focus ring", info["what"]))
        assert seen > 10
        assert problems == []
    finally:
        ctx.close()


def test_a_concept_page_on_a_phone_has_no_serious_violation(browser, server, axe):
    """At 390 px the citation styles' tab strip and the concept map scrolled sideways with no
    way for a keyboard to scroll them (axe's scrollable-region-focusable, serious): the tabs
    now wrap, and the map's scroller is a labelled tab stop."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              locale="en-GB")
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
    try:
        page = ctx.new_page()
        page.goto(server.url + "concepts/mesa-optimization/")
        assert page.locator(".cw-graph__scroll").evaluate("e => e.scrollWidth > e.clientWidth")
        results = axe.run(page, options=AXE_OPTIONS)
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == []
    finally:
        ctx.close()
