"""The concept map and the graph page as a reader sees them: horizontal labels of at least
12 px, none cut off; pointing at or focusing a node lights its edges and shows its full name;
a filter lays out what it leaves; on a phone the map scrolls sideways at full size.
"""

from __future__ import annotations

import collections
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}

#: For every label of the first drawing: its rendered font size in px, whether it is
#: horizontal, and whether its box lies inside the drawing's.
LABELS_JS = """sel => {
  const svg = document.querySelector(sel), box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('.cw-graph__nodes text')].filter(t => t.getBBox().width > 0).map(t => {
    const m = t.getCTM(), r = t.getBoundingClientRect();
    return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
            horizontal: Math.abs(m.b) < 1e-6 && Math.abs(m.c) < 1e-6,
            inside: r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1};
  });
}"""


def test_concept_map_labels_are_horizontal_readable_and_whole(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    for slug in ("mesa-optimization", "inner-alignment", "rlhf"):
        page.goto(server.url + f"concepts/{slug}/")
        labels = page.evaluate(LABELS_JS, "figure.cw-graph--concept svg")
        assert len(labels) > 3
        for label in labels:
            assert label["horizontal"], label
            assert label["px"] >= 12 - 0.01, label
            assert label["inside"], label
        # The whole map fits the text column on a desktop: nothing to scroll.
        assert page.evaluate("(() => { const b = document.querySelector('.cw-graph__scroll');"
                             " return b.scrollWidth <= b.clientWidth + 1; })()"), slug


def test_pointing_at_a_node_lights_its_edges_and_shows_its_full_name(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + "concepts/mesa-optimization/")
    figure = page.locator("figure.cw-graph--concept")
    nodes = figure.locator(".cw-graph__nodes > a")
    # A node whose label is shortened.
    index = nodes.evaluate_all("as => as.findIndex(a => a.querySelector('text').textContent.endsWith('…'))")
    assert index >= 0
    node = nodes.nth(index)
    full = node.locator("title").text_content().rsplit(" (", 1)[0]
    node.scroll_into_view_if_needed()
    node.hover()
    assert "cw-graph--lit" in figure.get_attribute("class")
    lit = figure.evaluate("""f => [...f.querySelectorAll('[data-e]')].filter(e => e.classList.contains('cw-is-lit'))
        .map(e => e.getAttribute('data-e').split(' ').map(Number))""")
    assert lit and all(index in ends for ends in lit)
    # Every edge of the node is lit, and no other.
    ends = figure.evaluate("f => [...f.querySelectorAll('[data-e]')].map(e => e.getAttribute('data-e').split(' ').map(Number))")
    assert sorted(map(tuple, lit)) == sorted(tuple(e) for e in ends if index in e)
    assert node.locator("text").text_content() == full
    page.mouse.move(5, 5)
    assert "cw-graph--lit" not in figure.get_attribute("class")
    assert node.locator("text").text_content().endswith("…")
    # By keyboard: focusing a node does the same.
    nodes.nth(0).focus()
    assert "cw-graph--lit" in figure.get_attribute("class")
    assert figure.locator("[data-e].cw-is-lit").count() >= 1


def small_tag() -> tuple[str, int]:
    """The largest tag of fewer than ten concepts (the first by name among equals), and its
    size: a filter that leaves a handful, read from the entries rather than fixed for one
    version of them."""
    counts = collections.Counter(t for p in sorted((ROOT / "concepts").glob("*.yaml"))
                                 for t in yaml.safe_load(p.read_text(encoding="utf-8")).get("tags", []))
    small = sorted((-n, t) for t, n in counts.items() if n < 10)
    return (small[0][1], -small[0][0]) if small else ("", 0)


def test_a_filter_lays_out_what_it_leaves(page, server):
    tag, count = small_tag()
    assert tag and count >= 3
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + "graph/")
    page.locator("form[data-cw-graph-filter]").wait_for(state="visible")
    svg = page.locator(".cw-graph--wiki svg")
    before = svg.bounding_box()
    labels = page.evaluate(LABELS_JS, ".cw-graph--wiki svg")
    assert labels and all(lb["horizontal"] and lb["px"] >= 12 - 0.01 and lb["inside"] for lb in labels)
    page.select_option("select[name=tag]", tag)
    visible = page.evaluate("""() => [...document.querySelectorAll('.cw-graph--wiki .cw-graph__nodes > a')]
        .filter(a => getComputedStyle(a).display !== 'none').map(a => {
          const r = a.querySelector('path, circle').getBoundingClientRect();
          return [r.left + r.width / 2, r.top + r.height / 2]; })""")
    assert 2 <= len(visible) <= count, (tag, count, len(visible))
    after = svg.bounding_box()
    # Laid out afresh: the drawing is as tall as what is left, its nodes a row apart on each
    # side, not scattered where they were among the others.
    assert after["height"] < before["height"] / 2
    for side in (True, False):
        ys = sorted(y for x, y in visible if (x > after["x"] + after["width"] / 2) == side)
        assert all(18 < b - a < 26 for a, b in zip(ys, ys[1:])), ys
    labels = page.evaluate(LABELS_JS, ".cw-graph--wiki svg")
    assert all(lb["inside"] for lb in labels if lb["text"])
    page.locator("button[type=reset]").click()
    page.wait_for_function("document.querySelectorAll('.cw-graph .cw-is-hidden').length === 0")
    assert abs(svg.bounding_box()["height"] - before["height"]) < 2


def test_on_a_phone_the_map_scrolls_sideways_at_full_size(browser, server):
    ctx = browser.new_context(**PHONE)
    try:
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
        page = ctx.new_page()
        page.goto(server.url + "concepts/mesa-optimization/")
        figure = page.locator("figure.cw-graph--concept")
        figure.scroll_into_view_if_needed()
        labels = page.evaluate(LABELS_JS, "figure.cw-graph--concept svg")
        assert labels and min(lb["px"] for lb in labels) >= 12 - 0.01
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        scroller = page.locator(".cw-graph__scroll")
        assert scroller.evaluate("b => b.scrollWidth > b.clientWidth && getComputedStyle(b).overflowX === 'auto'")
        # It opens on the concept itself, in the middle of the screen.
        centre = figure.locator("[aria-current]").bounding_box()
        assert 0 <= centre["x"] and centre["x"] + centre["width"] <= 390
    finally:
        ctx.close()
