"""The home page says what the wiki is and how to get in; the A–Z index lists other names.

A reader arriving at the home page learns what the wiki covers, how many entries it has, which
to start with and which changed recently, and every way in: the A–Z index, tags, the graph,
search and the brief. In the index, an alias is a cross-reference: "CIRL → Assistance
games".
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ROOT / "concepts").glob("*.yaml")}


def test_home_page_says_what_the_wiki_is_and_the_ways_in(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url)
    text = page.locator("article").inner_text()
    assert "This wiki explains" in text
    assert f"{len(ENTRIES)} entries" in page.locator(".cw-home-stats").inner_text()
    featured = page.locator(".cw-home-featured > li > a").all_inner_texts()
    assert len(featured) >= 4 and all(t in {e["title"] for e in ENTRIES.values()} for t in featured)
    recent = page.locator(".cw-home-recent time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert len(recent) == 6 and recent == sorted(recent, reverse=True)
    glosses = page.locator(".cw-home-list .cw-home-gloss").all_inner_texts()
    assert glosses and all(len(g) <= 120 for g in glosses)
    ways = page.locator("#ways-in + ul").inner_text()
    for way in ("A–Z index", "Tags", "Graph", "Search", "Brief"):
        assert way in ways, way
    for name, path in (("Graph", "graph/"), ("Brief", "brief/"), ("A–Z index", "concepts/"), ("Tags", "tags/")):
        page.goto(server.url)
        page.locator("#ways-in + ul").get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(server.url + path)


#: An alias that names no other concept and is no mere spelling of its title, as the index
#: lists it (the entry's own capitalisation), and the concept it stands for.
ALIAS, ALIAS_SLUG = "CIRL", "assistance-games"


def test_the_index_lists_aliases_as_cross_references(page, server):
    assert ALIAS in ENTRIES[ALIAS_SLUG]["aliases"]
    target = ENTRIES[ALIAS_SLUG]["title"]
    page.goto(server.url + "concepts/")
    alias = page.locator("dt.cw-index__alias", has_text=ALIAS)
    assert alias.count() == 1
    see = alias.locator("xpath=following-sibling::dd[1]")
    # Seen as "→ Assistance games"; read out as "see Assistance games".
    assert " ".join(see.text_content().split()) == f"→ see {target}"
    assert see.locator("[aria-hidden=true]").inner_text().strip() == "→"
    # In alphabetical order among the titles (and every other alias).
    names = page.locator("dl.cw-index > dt").evaluate_all(
        "dts => dts.map(dt => (dt.querySelector('a') || dt).textContent.trim())")
    assert ALIAS in names and names == sorted(names, key=str.casefold)
    # Every concept is listed once under its title; aliases that are spellings of the title
    # (mesa-optimiser) are not listed again.
    titles = page.locator("dl.cw-index > dt:not(.cw-index__alias) > a").all_inner_texts()
    assert sorted(titles) == sorted(e["title"] for e in ENTRIES.values())
    assert "mesa-optimiser" in ENTRIES["mesa-optimization"]["aliases"]
    assert "Mesa-optimiser" not in names
    see.get_by_role("link").click()
    page.wait_for_url(server.url + f"concepts/{ALIAS_SLUG}/")


def test_an_alias_and_its_target_read_as_one_line(page, server):
    """"Activation steering → Representation engineering" is read on one line: the target
    starts on the alias's line, at its height (floated, the alias sat 16 px below its target,
    and on a phone a long alias left its target a column one word wide)."""
    page.goto(server.url + "concepts/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        lines = page.locator("dt.cw-index__alias").evaluate_all("""dts => dts.map(dt => {
            const alias = [...dt.getClientRects()].pop(), see = dt.nextElementSibling.getClientRects()[0];
            const target = dt.nextElementSibling.querySelector('a').getClientRects().length;
            return [dt.textContent, Math.round(see.top - alias.top), target]; })""")
        assert len(lines) > 10
        assert [line for line in lines if abs(line[1]) > 2] == [], width
        # No target is broken over more than two lines ("Sharp left turn" was four: "Sha",
        # "rp", "left", "turn").
        assert [line for line in lines if line[2] > 2] == [], width
