"""Cite this passage and pinned versions, in a real browser.

The expected citations are rendered independently by the citation engine in Python (a
citation with a ``paragraph`` locator, the URL with ``?v=<fingerprint>#<anchor>``, today's
accessed date), not from the templates the page carries.
"""

from __future__ import annotations

import datetime as _dt

import pytest

from helpers import PINPOINT_ENTRY, Server, commit, git, mkdocs_build, pinpoint_project, real_builder, write

STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]
SLUG = "inner-alignment"


@pytest.fixture(scope="module")
def builder():
    """This repository's content, configured as its mkdocs.yml configures the plugin."""
    return real_builder(styles=STYLES)


def expected(builder, style: str, number: int, anchor: str) -> str:
    entry = builder.entries[SLUG]
    t = _dt.date.today()
    item = builder.page_item(entry)
    item["accessed"] = {"date-parts": [[t.year, t.month, t.day]]}
    item["URL"] += f"?v={builder.fingerprint(entry)[:12]}#{anchor}"
    engine = builder.citer.engine
    cite = engine.note(item, style, "text", position="first", locator=str(number), label="paragraph")
    if item["URL"] in cite:  # a footnote that gives the URL is the whole citation
        return cite
    return cite + "\n" + engine.bibliography_entry(item, style, "text")


def click_pin(page, passage):
    link = passage.locator(":scope > a.cw-pin")
    passage.hover()
    link.click()
    page.wait_for_function("a => a.hasAttribute('data-cw-citation')", arg=link.element_handle())
    return link


def test_cite_a_paragraph_in_the_default_style(page, server, builder):
    page.goto(server.url + f"concepts/{SLUG}/")
    passage = page.locator(".cw-details .cw-passage").nth(1)
    anchor = passage.get_attribute("id")
    click_pin(page, passage)
    want = expected(builder, "apa", 2, anchor)
    assert want.startswith("(AI Safety Concept Wiki, ") and ", para. 2)\n" in want
    assert page.evaluate("navigator.clipboard.readText()") == want
    assert page.url.endswith(f"/concepts/{SLUG}/#{anchor}")
    assert "cw-passage--cited" in passage.get_attribute("class")


def test_cite_a_key_point_in_the_chosen_style(page, server, builder):
    page.goto(server.url + f"concepts/{SLUG}/")
    page.click(f"label[for=cw-cite-page-{STYLES.index('oscola') + 1}]")
    n_details = page.locator(".cw-details .cw-passage").count()
    passage = page.locator(".cw-key-points > li.cw-passage").first
    anchor = passage.get_attribute("id")
    assert anchor.startswith("kp-")
    click_pin(page, passage)
    want = expected(builder, "oscola", n_details + 1, anchor)
    assert f" para {n_details + 1} <" in want and _dt.date.today().strftime("accessed %-d %B %Y") in want
    clip = page.evaluate("""async () => {
        const out = {};
        for (const item of await navigator.clipboard.read())
            for (const type of item.types) out[type] = await (await item.getType(type)).text();
        return out;
    }""")
    assert clip["text/plain"] == want
    assert "<i>AI Safety Concept Wiki</i>" in clip["text/html"]


def test_without_javascript_the_anchor_link_is_the_pinpoint(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(server.url + f"concepts/{SLUG}/")
    passage = p.locator(".cw-details .cw-passage").nth(2)
    anchor = passage.get_attribute("id")
    passage.hover()
    passage.locator(":scope > a.cw-pin").click()
    assert p.url.endswith(f"#{anchor}")
    # the versions are listed, and no empty notice shows
    assert p.locator("details#versions .cw-version-list > li").count() >= 1
    assert p.locator(".cw-version-notice").is_hidden()
    ctx.close()


def test_version_parameter_current_and_unknown(page, server, builder):
    fingerprint = builder.fingerprint(builder.entries[SLUG])[:12]
    page.goto(server.url + f"concepts/{SLUG}/?v={fingerprint}")
    notice = page.locator(".cw-version-notice")
    assert notice.get_attribute("data-cw-version-state") == "current"
    assert notice.is_visible() and "has not changed" in notice.inner_text()
    page.goto(server.url + f"concepts/{SLUG}/?v=0123456789ab")
    assert page.locator(".cw-version-notice").get_attribute("data-cw-version-state") == "unknown"
    page.goto(server.url + f"concepts/{SLUG}/")
    assert page.locator(".cw-version-notice").is_hidden()


# -- a wiki with history: two commits, so the page has two versions ------------------------


@pytest.fixture(scope="module")
def history_site(tmp_path_factory):
    root = pinpoint_project(tmp_path_factory.mktemp("pinhistory") / "wiki")
    write(root / ".gitignore", "site/\n")
    git(root, "init", "-q", "-b", "main", date="2026-01-02T10:00:00+00:00")
    commit(root, "first", "2026-01-02T10:00:00+00:00")
    write(root / "concepts" / "example-concept.yaml",
          PINPOINT_ENTRY.replace("The second paragraph says another.", "The second paragraph says more."))
    git(root, "commit", "-q", "-am", "edit", date="2026-02-03T10:00:00+00:00")
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    srv = Server(root / "site")
    yield srv.url
    srv.close()


def test_a_reader_with_an_old_fingerprint_sees_that_the_entry_changed(browser, history_site):
    ctx = browser.new_context(locale="en-GB")
    p = ctx.new_page()
    errors = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.goto(history_site + "concepts/example-concept/")
    versions = p.locator("details#versions .cw-version-list > li")
    assert versions.count() == 2
    old = versions.nth(1).get_attribute("data-fingerprint")
    current = versions.nth(0).get_attribute("data-fingerprint")
    assert p.locator(".cw-version-notice").is_hidden()
    p.goto(history_site + f"concepts/example-concept/?v={old}")
    notice = p.locator(".cw-version-notice")
    assert notice.get_attribute("data-cw-version-state") == "changed"
    text = notice.inner_text()
    assert "changed since the version you cited" in text
    assert f"You cited version {old} (2 January 2026)" in text
    assert f"The current version is {current} (3 February 2026)" in text
    assert p.evaluate("document.getElementById('versions').open") is True
    assert "cw-version--cited" in versions.nth(1).get_attribute("class")
    assert errors == []
    ctx.close()
