"""A concept page as a reader meets it, on a desktop (1280×900) and a phone (390×844).

The definition comes first and its first words are on the first screen; kind, status and tags
are one short line; the actions take one line; each related concept, the status and the primary
source appear once; mid-sentence wikilinks keep the sentence's case; "Wang et al. (2016)" links
to its reference; no page scrolls sideways on a phone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SLUGS = sorted(p.stem for p in (ROOT / "concepts").glob("*.yaml"))
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}


def new_page(browser, server, size: str, scripts: bool = True):
    ctx = browser.new_context(locale="en-GB", java_script_enabled=scripts, **SIZES[size])
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.outside = outside
    return ctx, page


@pytest.fixture(params=list(SIZES))
def reader(request, browser, server):
    ctx, page = new_page(browser, server, request.param)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.size = request.param
    yield page
    ctx.close()
    assert page.outside == [], "the site fetched from another host"
    assert errors == []


FIRST_WORDS_JS = """() => {
  const summary = document.querySelector('article .cw-summary');
  // No filter callback: with scripts off, the page cannot run one.
  const walker = document.createTreeWalker(summary, NodeFilter.SHOW_TEXT);
  let text = walker.nextNode();
  while (text && !text.textContent.trim()) text = walker.nextNode();
  const range = document.createRange();
  const start = text.textContent.search(/\\S/);
  range.setStart(text, start);
  range.setEnd(text, Math.min(text.textContent.length, start + 12));
  const r = range.getClientRects()[0];
  return {top: r.top, bottom: r.bottom, words: range.toString(), height: window.innerHeight};
}"""


def _entry(slug: str) -> dict:
    return yaml.safe_load((ROOT / "concepts" / f"{slug}.yaml").read_text(encoding="utf-8"))


#: The entries most likely to push the definition down: the longest titles (a title that
#: wraps) and the most tags (a badge line that wraps), six of each.
HARDEST = sorted({*sorted(SLUGS, key=lambda s: (-len(_entry(s)["title"]), s))[:6],
                  *sorted(SLUGS, key=lambda s: (-len(_entry(s).get("tags") or []), s))[:6]})


@pytest.fixture(params=[(size, scripts) for size in SIZES for scripts in (False, True)],
                ids=lambda p: f"{p[0]}-{'scripts' if p[1] else 'no-scripts'}")
def first_screen(request, browser, server):
    """A reader at each size, with and without JavaScript."""
    size, scripts = request.param
    ctx, page = new_page(browser, server, size, scripts)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.size, page.scripts = size, scripts
    yield page
    ctx.close()
    assert page.outside == [], "the site fetched from another host"
    assert errors == []


def test_the_definition_comes_first_on_the_first_screen(first_screen, server):
    """Every entry as the page is served (scripts off: what a reader without JavaScript gets,
    and the layout scripts start from), and with scripts on the entries most likely to fail
    (:data:`HARDEST`): the scripts add nothing above the definition, which the status-note and
    action tests below check on a whole page. Loading all 113 pages with scripts on at both
    sizes took 138 s of a 915 s run on two cores; without scripts a page loads in half the time."""
    page = first_screen
    assert len(HARDEST) >= 6
    for slug in (HARDEST if page.scripts else SLUGS):
        page.goto(server.url + f"concepts/{slug}/")
        first = page.evaluate(FIRST_WORDS_JS)
        assert 0 <= first["top"] and first["bottom"] <= first["height"], (slug, first)
        # Between the title and the definition: one short line (kind · status · tags).
        between = page.evaluate("""() => {
            const h1 = document.querySelector('article h1'), out = [];
            for (let e = h1.nextElementSibling; e && !e.classList.contains('cw-summary'); e = e.nextElementSibling)
              out.push([e.className, e.getBoundingClientRect().height, e.innerText.split(/\\s+/).length]);
            return out; }""")
        assert [b[0] for b in between] == ["cw-badges"], (slug, between)
        lines = 3 if page.size == "phone" else 1
        assert between[0][1] <= lines * 1.6 * 14 + 2, (slug, between)


def test_status_note_follows_the_definition_and_is_collapsed(reader, server):
    page = reader
    page.goto(server.url + "concepts/mesa-optimization/")
    order = page.evaluate("""() => [...document.querySelectorAll(
        'article h1, article .cw-badges, article .cw-summary, article .cw-status-note, article .cw-toolbar')]
        .map(e => e.className || e.tagName)""")
    assert order == ["H1", "cw-badges", "cw-summary", "warning cw-status-note", "cw-toolbar"]
    entry = yaml.safe_load((ROOT / "concepts" / "mesa-optimization.yaml").read_text(encoding="utf-8"))
    note = page.locator("details.cw-status-note")
    assert note.get_attribute("open") is None
    summary = note.locator("summary")
    assert summary.inner_text() == "Why it is contested"
    # The status is named once on screen: in the line under the title (the note is folded).
    visible = page.evaluate("document.querySelector('article').innerText")
    assert visible.count("Contested") == 1
    if page.size == "phone":
        summary.tap()
    else:
        summary.click()
    assert note.get_attribute("open") is not None
    # Opened, it shows the entry's note (its opening words, as the entry has them).
    opening = " ".join(entry["status"]["note"].split()[:8])
    assert opening in " ".join(note.inner_text().split()), opening


def test_actions_take_one_line(reader, server):
    page = reader
    page.goto(server.url + "concepts/mesa-optimization/")
    page.locator(".cw-actions:not([hidden])").wait_for()
    tops = page.evaluate("""() => [...document.querySelectorAll('.cw-toolbar .cw-action')]
        .filter(e => e.offsetParent).map(e => Math.round(e.getBoundingClientRect().top))""")
    assert len(tops) == 4 and len(set(tops)) == 1, tops
    names = page.locator(".cw-toolbar .cw-action").all_inner_texts()
    assert names == ["Cite", "Add to brief", "View brief", "Print"]


def test_each_thing_once(reader, server):
    page = reader
    page.goto(server.url + "concepts/mesa-optimization/")
    entry = yaml.safe_load((ROOT / "concepts" / "mesa-optimization.yaml").read_text(encoding="utf-8"))
    counts = page.evaluate(r"""() => {
        const out = {};
        for (const a of document.querySelectorAll('article a[href]')) {
          if (a.closest('.cw-graph, .cw-summary, .cw-details, .cw-key-points, .cw-status-note, .cw-badges')) continue;
          const m = new URL(a.href).pathname.match(/\/concepts\/([a-z0-9-]+)\/$/);
          if (m) out[m[1]] = (out[m[1]] || 0) + 1;
        }
        return out; }""")
    for slug in entry["related"]:
        assert counts.get(slug) == 1, (slug, counts)
    # Related concepts are a link and a one-line gloss, not the other page's summary.
    glosses = page.locator("ul.cw-cards .cw-card__gloss").all_inner_texts()
    assert glosses and all(len(g) <= 115 for g in glosses), glosses
    # The primary source: once in the references, marked as primary.
    primary = entry["sources"]["primary"]
    refs = page.locator(f"li#ref-{primary}")
    assert refs.count() == 1 and refs.inner_text().startswith("Primary source.")
    text = page.evaluate("document.querySelector('article').innerText")
    assert text.count("Risks from learned optimization in advanced machine learning systems (arXiv:1906.01820)") == 1
    # The concept map's own list of the same concepts is folded away.
    assert page.locator("details.cw-graph__list").get_attribute("open") is None


def test_wikilinks_keep_the_sentence_case_and_author_dates_link_to_references(reader, server):
    page = reader
    page.goto(server.url + "concepts/mesa-optimization/")
    links = page.locator(".cw-summary a.cw-wikilink").all_inner_texts()
    assert links[:3] == ["base optimizer", "mesa-objective", "inner alignment"]
    assert "(the base optimizer)" in page.locator(".cw-summary").inner_text()
    mention = page.locator(".cw-details a.cw-cite-ref", has_text="Wang et al. (2016)")
    assert mention.evaluate("a => a.href") == server.url + "concepts/mesa-optimization/#ref-wang2016learning"
    if page.size == "phone":
        mention.tap()
    else:
        mention.click()
    # The reference is scrolled into view.
    page.wait_for_function("""() => { const e = document.getElementById('ref-wang2016learning');
        const r = e && e.getBoundingClientRect();
        return location.hash === '#ref-wang2016learning' && r && r.top >= 0 && r.top < innerHeight; }""")
    # A proper noun or acronym keeps its capital mid-sentence.
    page.goto(server.url + "concepts/specification-gaming/")
    texts = page.locator("article .cw-details a.cw-wikilink").all_inner_texts()
    assert "Goodhart's law" in texts and "goodhart's law" not in texts


PHONE_PAGES = ["", "concepts/mesa-optimization/", "concepts/rlhf/", "concepts/", "tags/",
               "tags/inner-alignment/", "graph/", "brief/", "about/"]


def test_no_page_scrolls_sideways_on_a_phone(browser, server):
    ctx, page = new_page(browser, server, "phone")
    try:
        page.goto(server.url + "concepts/mesa-optimization/")
        page.get_by_role("button", name="Add to brief: Mesa-optimization").tap()
        for path in PHONE_PAGES:
            page.goto(server.url + path)
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            assert page.evaluate("window.innerWidth") == 390, path
        # With search open, and with the status note and every details open.
        page.goto(server.url + "concepts/mesa-optimization/")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator(".cw-search-button").tap()
        page.locator(".cw-search__input").press_sequentially("alignment")
        page.locator(".cw-search__title").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.outside == []
    finally:
        ctx.close()
