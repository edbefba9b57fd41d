"""A pinpoint link printed in a brief keeps pointing at its passage after the entry is edited
elsewhere: the reader's browser lands on the same paragraph or key point."""

from __future__ import annotations

import pytest

from helpers import PINPOINT_ENTRY, Server, mkdocs_build, pinpoint_project


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """The same small wiki built before and after an edit of one paragraph and one key point,
    with a paragraph inserted at the top (so every later passage changes its number)."""
    sites = []
    for name, entry in (
        ("before", PINPOINT_ENTRY),
        ("after", PINPOINT_ENTRY.replace("  The first paragraph says one thing.\n",
                                         "  A new opening paragraph.\n\n  The first paragraph says one thing.\n")
                                .replace("The second paragraph says another.", "The second paragraph now says more.")
                                .replace("  - One point.\n", "  - A new first point.\n  - One point.\n")
                                .replace("  - Another point.", "  - Another point, reworded.")),
    ):
        root = pinpoint_project(tmp_path_factory.mktemp(name) / "wiki", entry)
        result = mkdocs_build(root)
        assert result.returncode == 0, result.stderr
        sites.append(Server(root / "site"))
    yield sites
    for s in sites:
        s.close()


def passages(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll('.cw-passage[id]')).map(el => [el.id,
        el.textContent.replace(/^\\s*¶\\s*\\d+\\s*/, '').trim()]))""")


def test_pinpoint_links_survive_an_edit_elsewhere(browser, two_versions):
    before, after = two_versions
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(before.url + "concepts/example-concept/")
    old = passages(page)
    assert len(old) >= 6
    page.goto(after.url + "concepts/example-concept/")
    new = passages(page)
    unchanged = {a: t for a, t in old.items() if t in new.values()}
    changed = {a: t for a, t in old.items() if t not in new.values()}
    assert len(unchanged) >= 4 and len(changed) == 2  # the edited paragraph and key point
    for anchor, text in unchanged.items():
        # A link from a brief written against the old version, opened on the new site.
        page.goto(after.url + f"concepts/example-concept/#{anchor}")
        target = page.evaluate("() => { const t = document.querySelector(':target');"
                               " return t ? t.textContent : null; }")
        assert target is not None, anchor
        assert text in target, anchor
        # ... and the browser shows it: the passage is scrolled into the viewport.
        top = page.evaluate(f"document.getElementById({anchor!r}).getBoundingClientRect().top")
        assert 0 <= top < page.viewport_size["height"], anchor
    for anchor in changed:
        assert anchor not in new  # an edited passage gets a new anchor; no silent mismatch
    ctx.close()
