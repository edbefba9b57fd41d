"""The brief basket in a real browser: adding and removing concepts, what the Brief page copies
and downloads.

The expected bibliographies are rendered independently, by the citation engine in Python
(``CitationEngine.bibliography``: sorted, year suffixes, author substitution), from the
concepts' CSL-JSON items de-duplicated by id, with the day of the test as the wiki pages'
accessed date.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import real_builder

from conceptwiki.citations.exports import csl_to_ris

STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]
# Three concepts that share sources (hubinger2019risks, langosco2022goal, shah2022goal,
# turner2022reward): the bibliography must list each source once.
BASKET = ["inner-alignment", "mesa-optimization", "goal-misgeneralization"]
KEY = "conceptwiki.brief:/"  # the basket of the site served at the server's root


@pytest.fixture(scope="module")
def builder():
    """This repository's content, configured as its mkdocs.yml configures the plugin."""
    return real_builder(styles=STYLES)


def today() -> _dt.date:
    return _dt.date.today()


def chosen_items(builder, slugs, *, primary=True, further=True, per=None) -> list[dict]:
    """The CSL items of a brief, in the reader's order (page, primary, further), deduplicated."""
    per = per or {}
    items: dict[str, dict] = {}
    for slug in slugs:
        entry = builder.entries[slug]
        page = builder.page_item(entry)
        page["accessed"] = {"date-parts": [[today().year, today().month, today().day]]}
        c = entry.concept
        chosen = [page]
        if per.get(slug, {}).get("primary", primary):
            chosen.append(builder.wiki.sources[c.sources.primary].csl())
        if per.get(slug, {}).get("further", further):
            chosen += [builder.wiki.sources[k].csl() for k in c.sources.further
                       if k != c.sources.primary]
        for item in chosen:
            items.setdefault(item["id"].lower(), item)
    return list(items.values())


def expected_bibliography(builder, slugs, style, **kw) -> list[str]:
    return builder.citer.engine.bibliography(chosen_items(builder, slugs, **kw), style, "text")


def set_basket(page, server, slugs, **extra):
    page.goto(server.url + "brief/")
    state = {"version": 1, "items": [{"slug": s, "title": s} for s in slugs], **extra}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(state)])
    page.reload()
    wait_for_entries(page)


def wait_for_entries(page):
    page.wait_for_selector(".cw-brief-bibliography .cw-brief-entry")


def read_clipboard(page) -> dict[str, str]:
    return page.evaluate("""async () => {
        const out = {};
        for (const item of await navigator.clipboard.read()) {
            for (const type of item.types) out[type] = await (await item.getType(type)).text();
        }
        return out;
    }""")


def paragraphs(fragment: str) -> list[str]:
    doc = BeautifulSoup(fragment, "html.parser")
    return [re.sub(r"[ \t\r\n]+", " ", p.get_text()).strip() for p in doc.find_all("p")]


def copy(page, name, says):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_function("t => document.querySelector('.cw-brief-status').textContent === t", arg=says)


def choose_style(page, style):
    page.select_option(".cw-brief-style", style)
    page.wait_for_function("s => JSON.parse(localStorage.getItem('conceptwiki.brief:/')).style === s", arg=style)
    wait_for_entries(page)


def test_add_and_remove_persist_across_reloads_and_pages(page, server, builder):
    first, second = builder.entries["inner-alignment"], builder.entries["mesa-optimization"]
    page.goto(server.url + "concepts/inner-alignment/")
    page.get_by_role("button", name=f"Add to brief: {first.title}", exact=True).click()
    remove = page.get_by_role("button", name=f"Remove from brief: {first.title}", exact=True)
    assert remove.text_content() == "Remove from brief"
    page.reload()
    assert page.get_by_role("button", name=f"Remove from brief: {first.title}", exact=True).is_visible()
    assert page.text_content(".cw-brief-link") == "View brief (1)"

    page.goto(server.url + "concepts/mesa-optimization/")
    page.get_by_role("button", name=f"Add to brief: {second.title}", exact=True).click()
    page.goto(server.url + "brief/")
    wait_for_entries(page)
    titles = page.locator(".cw-brief-list .cw-brief-title")
    assert titles.all_text_contents() == [first.title, second.title]
    assert titles.first.get_attribute("href") == server.url + "concepts/inner-alignment/"

    page.get_by_role("button", name=f"Remove {first.title} from brief", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.cw-brief-list li').length === 1")
    page.reload()
    wait_for_entries(page)
    assert page.locator(".cw-brief-list .cw-brief-title").all_text_contents() == [second.title]
    page.goto(server.url + "concepts/inner-alignment/")
    assert page.get_by_role("button", name=f"Add to brief: {first.title}", exact=True).is_visible()
    page.goto(server.url + "concepts/mesa-optimization/")
    page.get_by_role("button", name=f"Remove from brief: {second.title}", exact=True).click()
    assert page.get_by_role("button", name=f"Add to brief: {second.title}", exact=True).is_visible()

    page.goto(server.url + "brief/")
    assert page.locator(".cw-brief-empty").is_visible()
    assert not page.locator(".cw-brief-body").is_visible()


def test_clear_brief(page, server):
    set_basket(page, server, BASKET)
    page.get_by_role("button", name="Clear brief").click()
    page.wait_for_selector(".cw-brief-empty", state="visible")
    page.reload()
    assert page.locator(".cw-brief-empty").is_visible()
    assert json.loads(page.evaluate("k => localStorage.getItem(k)", KEY))["items"] == []


@pytest.mark.parametrize("style", STYLES)
def test_copy_bibliography_rich_and_plain(page, server, builder, style):
    set_basket(page, server, BASKET)
    choose_style(page, style)
    expected = expected_bibliography(builder, BASKET, style)
    ids = {i["id"].lower() for i in chosen_items(builder, BASKET)}
    assert len(expected) == len(ids) < sum(1 + len(builder.source_items(builder.entries[s])) for s in BASKET)

    copy(page, "Copy bibliography", "Copied the bibliography")
    clip = read_clipboard(page)
    assert clip["text/plain"] == "\n".join(expected)
    assert paragraphs(clip["text/html"]) == expected
    assert "<i>" in clip["text/html"]  # italics survive the paste into Word or Google Docs
    assert "cw-accessed" not in clip["text/html"]

    copy(page, "Copy as plain text", "Copied as plain text")
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(expected)
    # What the page shows is what it copies.
    shown = [re.sub(r"\s+", " ", t).strip()
             for t in page.locator(".cw-brief-entry").all_text_contents()]
    assert shown == expected


def test_year_suffixes_and_author_substitution_follow_the_engine(page, server, builder):
    """Wiki pages share their author (the publisher): APA adds year suffixes, OSCOLA "——"."""
    set_basket(page, server, BASKET, primary=False, further=False)
    choose_style(page, "oscola")
    copy(page, "Copy as plain text", "Copied as plain text")
    oscola = page.evaluate("navigator.clipboard.readText()").split("\n")
    assert oscola == expected_bibliography(builder, BASKET, "oscola", primary=False, further=False)
    assert sum(line.startswith("——") for line in oscola) == 2
    choose_style(page, "apa")
    copy(page, "Copy as plain text", "Copied as plain text")
    apa = page.evaluate("navigator.clipboard.readText()").split("\n")
    assert apa == expected_bibliography(builder, BASKET, "apa", primary=False, further=False)
    if len({re.search(r"\((\d{4})", line).group(1) for line in apa}) == 1:
        assert [re.search(r"\(\d{4}([a-z])", line).group(1) for line in apa] == ["a", "b", "c"]


def test_source_options_global_and_per_concept(page, server, builder):
    set_basket(page, server, BASKET)
    choose_style(page, "apa")
    page.uncheck(".cw-brief-further")
    page.wait_for_function("() => JSON.parse(localStorage.getItem('conceptwiki.brief:/')).further === false")
    wait_for_entries(page)
    copy(page, "Copy as plain text", "Copied as plain text")
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(
        expected_bibliography(builder, BASKET, "apa", further=False))

    # Per concept: the further sources of mesa-optimization only.
    page.get_by_role("checkbox", name="Include the further sources of Mesa-optimization").check()
    page.wait_for_function("() => JSON.parse(localStorage.getItem('conceptwiki.brief:/'))"
                           ".per['mesa-optimization'].further === true")
    page.uncheck(".cw-brief-primary")
    page.wait_for_function("() => JSON.parse(localStorage.getItem('conceptwiki.brief:/')).primary === false")
    page.reload()
    wait_for_entries(page)
    assert not page.is_checked(".cw-brief-primary") and not page.is_checked(".cw-brief-further")
    assert page.is_checked(".cw-brief-item-further[data-slug=mesa-optimization]")
    copy(page, "Copy as plain text", "Copied as plain text")
    per = {"mesa-optimization": {"further": True}}
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(
        expected_bibliography(builder, BASKET, "apa", primary=False, further=False, per=per))


def download(page, name) -> str:
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    d = info.value
    assert d.suggested_filename.startswith("brief.")
    return Path(d.path()).read_text(encoding="utf-8")


def test_downloads_parse_and_hold_the_chosen_items(page, server, builder):
    set_basket(page, server, BASKET)
    items = chosen_items(builder, BASKET)
    ids = sorted(i["id"] for i in items)
    page_ids = {builder.page_item(builder.entries[s])["id"] for s in BASKET}

    import bibtexparser
    import rispy

    bib = download(page, "BibTeX (.bib)")
    library = bibtexparser.parse_string(bib)
    assert not library.failed_blocks
    assert sorted(e.key for e in library.entries) == ids
    for e in library.entries:
        if e.key in page_ids:
            assert e["urldate"] == today().isoformat()

    ris = download(page, "RIS (.ris)")
    records = rispy.loads(ris)
    expected = rispy.loads("".join(csl_to_ris(i) for i in items))  # today's accessed date
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(records, key=key) == sorted(expected, key=key)
    # Each page in the basket is accessed today (a source may carry today's date as its own
    # urldate too: count the pages' records only).
    pages = [r for r in ris.split("ER  - ") if "T2  - AI Safety Concept Wiki" in r]
    assert sum(r.count(f"Y2  - {today().strftime('%Y/%m/%d')}") for r in pages) == len(BASKET)

    data = json.loads(download(page, "CSL-JSON (.json)"))
    assert sorted(i["id"] for i in data) == ids
    by_id = {i["id"]: i for i in items}
    for got in data:
        assert got == by_id[got["id"]]  # the same CSL-JSON, with today's accessed date for pages


def test_corrupt_or_foreign_storage_is_ignored(page, server, builder):
    page.goto(server.url + "brief/")
    for junk in ["{not json", "[1,2]", "null", json.dumps({"items": [{"slug": "../../etc"}, 5, {"slug": "inner-alignment"}],
                                                         "style": 7, "per": "x"})]:
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, junk])
        page.goto(server.url + "concepts/mesa-optimization/")
        assert page.get_by_role("button", name="Add to brief: Mesa-optimization").is_visible()
        page.goto(server.url + "brief/")
        if "inner-alignment" in junk:
            wait_for_entries(page)
            assert page.locator(".cw-brief-list .cw-brief-title").all_text_contents() == ["Inner alignment"]
        else:
            assert page.locator(".cw-brief-empty").is_visible()
    # A concept the wiki no longer has stays listed, marked, and can be removed.
    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  [KEY, json.dumps({"items": [{"slug": "gone-concept", "title": "Gone concept"},
                                              {"slug": "inner-alignment", "title": "x"}]})])
    page.reload()
    wait_for_entries(page)
    assert "no longer in this wiki" in page.text_content(".cw-brief-list")
    page.get_by_role("button", name="Remove Gone concept from brief").click()
    page.wait_for_function("() => document.querySelectorAll('.cw-brief-list li').length === 1")


def test_without_javascript(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server.url + "brief/")
    assert p.locator(".cw-brief-nojs").is_visible()
    assert "needs JavaScript" in p.text_content(".cw-brief-nojs")
    assert not p.locator(".cw-brief").is_visible()
    p.goto(server.url + "concepts/inner-alignment/")
    assert not p.locator(".cw-actions").is_visible()  # no buttons that cannot work
    assert p.locator(".cw-cite").is_visible()
    ctx.close()
