""""Cite this page" renders one template per style and date; it must equal a full render.

``Citer.render_page`` puts each page's title and URL into a citation rendered once with
placeholders; this checks it against ``Citer.render`` (a full CSL run) for the real concepts,
for awkward titles and for generated ones, in the default styles and a few others.
"""

from __future__ import annotations

import datetime as _dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conceptwiki.citations.cite import Citer, page_item
from conceptwiki.citations.engine import CitationEngine
from conceptwiki.model.loader import load_wiki

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola",
          "chicago-notes-bibliography", "ieee", "modern-language-association", "nature", "vancouver"]


@pytest.fixture(scope="module")
def engine():
    return CitationEngine(STYLES, base_dir=ROOT)


def item(title: str, updated: _dt.date | None, url: str = "https://wiki.example.org/concepts/x/") -> dict:
    return page_item(slug="x", title=title, site_name="AI Safety Concept Wiki",
                     publisher="AI Safety Concept Wiki", url=url, updated=updated,
                     accessed=_dt.date(2026, 11, 23))


def both(engine, it: dict, style: str):
    templated = Citer(engine, STYLES, display_date=_dt.date(2026, 11, 23))
    full = Citer(engine, STYLES, display_date=_dt.date(2026, 11, 23))
    # Warm the template cache with another page first, as in a real build.
    templated.render_page(item("Warm up", _dt.date(2026, 1, 2)), style)
    return templated.render_page(it, style), full.render(it, style, mark_accessed=True)


AWKWARD = ["a", "AI", "Of mice and men", "RLHF: a survey of the field", "x-risk", "The end",
           "Self-supervised learning, revisited", "ELK", "Mesa-optimization", "GPT-4 and beyond",
           "on the 2nd of May", "An AI in the box: what then", "IEEE 754", "iPhone", "de facto alignment"]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("updated", [None, _dt.date(2025, 5, 1)])
def test_awkward_titles(engine, style, updated):
    for title in AWKWARD:
        got, want = both(engine, item(title, updated), style)
        assert got == want, title


@pytest.mark.parametrize("style", STYLES[:4])
def test_real_concepts(engine, style):
    wiki = load_wiki(ROOT)
    for slug, entry in sorted(wiki.entries.items()):
        it = item(entry.title, entry.concept.updated or entry.concept.created,
                  url=f"https://ai-safety-concept-wiki.github.io/wiki/concepts/{slug}/")
        got, want = both(engine, it, style)
        assert got == want, slug


def test_titles_outside_the_safe_shape_are_rendered_in_full(engine):
    for title in ["Goodhart's law", "“Quoted”", "A & B", "<i>x</i>", "Why?", "End."]:
        got, want = both(engine, item(title, None), "chicago-author-date")
        assert got == want


WORDS = st.sampled_from(["the", "of", "an", "AI", "alignment", "Inner", "x-risk", "GPT-4", "via",
                         "iOS", "and", "RL", "on", "mesa", "Optimizer", "to", "2019", "a", "UK"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(WORDS, min_size=1, max_size=7), colon=st.integers(0, 6),
       style=st.sampled_from(STYLES), updated=st.dates(_dt.date(1990, 1, 1), _dt.date(2030, 12, 31)))
def test_generated_titles_and_dates(engine, words, colon, style, updated):
    if 0 < colon < len(words):
        words[colon - 1] += ":"
    title = " ".join(words)
    got, want = both(engine, item(title, updated), style)
    assert got == want


@pytest.mark.parametrize("style", STYLES)
def test_every_day_of_a_month(engine, style):
    """Pages updated on each day of a month share one template; each must come out right."""
    templated = Citer(engine, STYLES, display_date=_dt.date(2026, 11, 23))
    full = Citer(engine, STYLES, display_date=_dt.date(2026, 11, 23))
    for day in range(1, 32):
        it = item("Inner alignment", _dt.date(2025, 1, day))
        assert templated.render_page(it, style) == full.render(it, style, mark_accessed=True), day
    # The accessed date (23) and an issued day of 23 must not be confused.
    it = item("Inner alignment", _dt.date(2026, 11, 23))
    assert templated.render_page(it, style) == full.render(it, style, mark_accessed=True)


@pytest.mark.parametrize("styles", [["apa", "oscola"], ["chicago-author-date", "harvard-cite-them-right"]])
def test_templates_are_used(engine, styles):
    """A month of pages costs a handful of CSL runs per style, not one per page."""
    citer = Citer(engine, styles, display_date=_dt.date(2026, 11, 23))
    calls = []
    real = citer._render
    citer._render = lambda *a: calls.append(a) or real(*a)
    full = Citer(engine, styles, display_date=_dt.date(2026, 11, 23))
    for day in range(1, 29):
        for style in styles:
            it = item(f"Page {day} of 8", _dt.date(2025, 3, day))
            assert citer.render_page(it, style) == full.render(it, style, mark_accessed=True)
    # Per style: the title probe, the placeholder, and three sentinel dates for each digit
    # count of the day; later years cost nothing more.
    assert len(calls) <= 2 * 8
    for year in range(1995, 2030):
        for style in styles:
            it = item("Page", _dt.date(year, 3, 15))
            assert citer.render_page(it, style) == full.render(it, style, mark_accessed=True)
    assert len(calls) <= 2 * 8
