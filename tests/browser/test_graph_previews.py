"""The concept map's nodes get the same previews as links in the text (preview.js), in
Chromium: on hover, and on keyboard focus (Tab reaches them; Escape hides the preview)."""

from __future__ import annotations

import json
from pathlib import Path

NODES = "svg .cw-graph__nodes a:not([aria-current])"


def _slug(node) -> str:
    return node.get_attribute("xlink:href").rstrip("/").split("/")[-1]


def _data(built_site: Path) -> dict:
    return json.loads((built_site / "assets/conceptwiki/previews.json").read_text(encoding="utf-8"))


def test_hovering_a_node_shows_its_preview(page, server, built_site):
    page.goto(server.url + "concepts/inner-alignment/")
    node = page.locator(NODES).first
    slug = _slug(node)
    node.hover()
    pop = page.locator("#cw-preview")
    pop.wait_for(state="visible")
    assert pop.get_attribute("data-slug") == slug
    assert pop.locator(".cw-preview__title").inner_text() == _data(built_site)["concepts"][slug][0]
    assert node.get_attribute("aria-describedby") == "cw-preview"
    # Placed at the node, not at the corner of the page.
    box, pbox = node.bounding_box(), pop.bounding_box()
    assert abs(pbox["y"] - (box["y"] + box["height"])) < 12 or pbox["y"] + pbox["height"] <= box["y"] + 1
    page.mouse.move(1, 1)
    pop.wait_for(state="hidden")
    assert node.get_attribute("aria-describedby") is None


def test_keyboard_focus_on_a_node_shows_its_preview(page, server, built_site):
    page.goto(server.url + "concepts/inner-alignment/")
    nodes = page.locator(NODES)
    # Tab from the element before the map until a node has focus, as a keyboard user would.
    page.locator(".cw-graph").first.evaluate("el => { el.tabIndex = -1; el.focus(); }")
    for _ in range(40):
        page.keyboard.press("Tab")
        # (The page's own node, aria-current, gets no preview, as links to the page itself.)
        if page.evaluate("!!document.activeElement.closest('.cw-graph__nodes a:not([aria-current])')"):
            break
    focused = page.evaluate("document.activeElement.getAttributeNS('http://www.w3.org/1999/xlink', 'href')")
    assert focused, "Tab never reached a node of the concept map"
    slug = focused.rstrip("/").split("/")[-1]
    pop = page.locator("#cw-preview")
    pop.wait_for(state="visible")
    assert pop.get_attribute("data-slug") == slug
    page.keyboard.press("Escape")
    pop.wait_for(state="hidden")
    assert nodes.count() > 1
