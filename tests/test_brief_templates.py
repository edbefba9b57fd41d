"""The brief basket's page items come from templates; they must equal full renders, byte for byte.

``BriefBuilder.items()`` takes each concept page's entry (and its ``ys``/``sub``/``ys_sub``
variants, with the accessed date marked), its ``sort`` values, year-suffix ``group`` and
``names`` from templates rendered once per style and month, with the page's title, URL, year
and day put in (:class:`conceptwiki.citations.cite.PageTemplates`), and so do the in-text
citations of pages in the brief document's packs (``BriefBuilder._page_cites``). ``BriefBuilder(...,
templates=False)`` renders every page in full; this compares the two for the real concepts,
awkward titles, every day of a month, pages without a date and generated titles and dates,
in the styles the other tests use (author-date, notes, numeric, author substitution).
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conceptwiki.render.brief import BriefBuilder
from conceptwiki.citations.cite import Citer, page_item
from conceptwiki.citations import compat
from conceptwiki.citations.compat import state as render_state
from conceptwiki.citations.engine import CitationEngine
from conceptwiki.model.loader import load_wiki

ROOT = Path(__file__).resolve().parent.parent
STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola", "chicago-notes-bibliography",
          "ieee", "modern-language-association", "nature", "vancouver"]
SITE = "AI Safety Concept Wiki"
BUILD = _dt.date(2026, 11, 23)

AWKWARD = ["a", "AI", "Of mice and men", "RLHF: a survey of the field", "x-risk", "The end",
           "Self-supervised learning, revisited", "ELK", "Mesa-optimization", "GPT-4 and beyond",
           "on the 2nd of May", "An AI in the box: what then", "IEEE 754", "iPhone", "de facto alignment",
           "Page 8 of 28", "1902", "X1", "2019 in review", "May 3", "Goodhart's law", "“Quoted”", "A & B",
           "Rock 'n' roll", "\"Scare\" quotes", "<i>x</i>", "Why?", "End.", "Colon : spaced", "Two  spaces",
           "Q&A: 10 questions", "AT&T's model", "L'Hôpital", "Smith, J.: notes", "10:30", "the 1st"]


@pytest.fixture(scope="module")
def engine():
    return CitationEngine(STYLES, base_dir=ROOT)


@pytest.fixture(scope="module")
def wiki():
    return load_wiki(ROOT)


def page(slug: str, title: str, updated: _dt.date | None,
         url: str | None = None, accessed: _dt.date = BUILD) -> dict:
    return page_item(slug=slug, title=title, site_name=SITE, publisher=SITE,
                     url=url or f"https://ai-safety-concept-wiki.github.io/wiki/concepts/{slug}/",
                     updated=updated, accessed=accessed)


def builder(engine, styles: list[str], pages: list[dict], sources: list[dict] = (),
            display: _dt.date = BUILD):
    """What BriefBuilder uses of a SiteBuilder, for any set of page items: each page is a
    concept citing ``sources`` (round robin)."""
    entries = {}
    for n, item in enumerate(pages):
        cited = [sources[n % len(sources)]] if sources else []
        entries[item["id"]] = SimpleNamespace(slug=item["id"], item=item, sources=cited)
    return SimpleNamespace(citer=Citer(engine, styles, display_date=display),
                           site=SimpleNamespace(styles=list(styles)), entries=entries,
                           page_item=lambda e: e.item, source_items=lambda e: e.sources)


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def compare(engine, styles, pages, sources=(), display=BUILD, templates=None) -> BriefBuilder:
    """Build the brief data both ways; every item must be the same bytes. Returns the
    templated builder (``templates``: a PageTemplates to share between calls)."""
    fast = BriefBuilder(builder(engine, styles, pages, sources, display))
    if templates is not None:
        fast._pages = templates
    full = BriefBuilder(builder(engine, styles, pages, sources, display), templates=False)
    got, want = fast.items(), full.items()
    assert sorted(got) == sorted(want)
    for iid in want:
        for style in styles:
            assert dump(got[iid]["styles"][style]) == dump(want[iid]["styles"][style]), (iid, style)
        assert dump(got[iid]) == dump(want[iid]), iid
    assert full.pages_in_full == len(pages) * len(styles)
    # The citations that go after each page's text in the brief document (its pack), from
    # templates of their own (BriefBuilder._cites).
    for item in pages:
        assert dump(fast._page_cites(item)) == dump(full._page_cites(item)), item["id"]
    return fast


def real_sources(wiki, n: int = 6) -> list[dict]:
    return [wiki.sources[k].csl() for k in sorted(wiki.sources)[:n]]


@pytest.mark.parametrize("style", STYLES)
def test_real_awkward_and_undated_pages(engine, wiki, style):
    """The real concepts (most updated the same year, so year suffixes and author
    substitution come into play), awkward titles, pages without a date and a few sources."""
    pages = [page(slug, e.title, e.concept.updated or e.concept.created) for slug, e in sorted(wiki.entries.items())]
    pages += [page(f"awkward-{n}", title, _dt.date(2025, 5, 1 + n % 28)) for n, title in enumerate(AWKWARD)]
    pages += [page(f"undated-{n}", title, None) for n, title in enumerate(AWKWARD[:8])]
    brief = compare(engine, [style], pages, real_sources(wiki))
    # The templates are used: only titles outside the safe shape are rendered in full.
    assert brief.pages_in_full <= 2 * 14, brief.pages_in_full


@pytest.mark.parametrize("style", STYLES)
def test_every_day_of_a_month(engine, style):
    """Pages updated on each day of a month (1- and 2-digit days, the build date's day and
    month among them) share two templates; each must come out right. Two pages per day, so
    they share their year and, in styles that have them, get the ``ys`` variants."""
    pages = [page(f"d{day}-{k}", f"Inner alignment {k}", _dt.date(2025, 1, day)) for day in range(1, 32)
             for k in "ab"]
    pages += [page("build-day", "Outer alignment", _dt.date(2026, 11, 23)),
              page("other-year", "Outer alignment", _dt.date(2024, 1, 23))]
    brief = compare(engine, [style], pages)
    assert brief.pages_in_full == 0


@pytest.mark.parametrize("display", [_dt.date(2025, 1, 28), _dt.date(2025, 1, 8), _dt.date(1902, 3, 8)])
def test_the_display_date_is_not_taken_for_the_issued_date(engine, display):
    """The accessed date the page shows (the build's) may share its day, month or year with
    the issued date or even the template's sentinel year: the check finds it, and those
    pages are rendered in full."""
    styles = ["apa", "oscola", "modern-language-association", "vancouver"]
    pages = [page(f"d{day}", "Inner alignment", _dt.date(2025, 1, day), accessed=display)
             for day in (1, 2, 3, 8, 9, 10, 21, 28, 31)]
    compare(engine, styles, pages, display=display)


def test_urls_outside_the_safe_shape(engine):
    """Odd URLs (punctuation at the end, which linkify leaves outside the link; characters
    that are escaped in HTML) are rendered in full; the rest are templated."""
    urls = ["https://example.org/wiki/concepts/x.", "https://example.org/wiki/concepts/x:",
            "https://example.org/wiki/concepts/x", "https://example.org/wiki/c?a=1&b=2",
            "https://example.org/wiki/Concepts/%C3%A9-Dash_Under~/", "http://example.org:8080/w/x/"]
    pages = [page(f"u{n}", "Inner alignment", _dt.date(2025, 2, 3), url=url) for n, url in enumerate(urls)]
    compare(engine, STYLES, pages)


WORDS = st.sampled_from(["the", "of", "an", "AI", "alignment", "Inner", "x-risk", "GPT-4", "via",
                         "iOS", "and", "RL", "on", "mesa", "Optimizer", "to", "2019", "a", "UK", "8",
                         "1st", "May", "Nov.", "it's", "&", "“q”", "1902", "28"])


@pytest.fixture(scope="module")
def shared():
    """Templates shared between the generated examples (they are per style and month)."""
    return {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(st.tuples(st.lists(WORDS, min_size=1, max_size=6), st.integers(0, 5)), min_size=1,
                       max_size=5),
       dates=st.lists(st.one_of(st.none(), st.dates(_dt.date(1990, 1, 1), _dt.date(2030, 12, 31))),
                      min_size=1, max_size=5),
       style=st.sampled_from(STYLES))
def test_generated_titles_and_dates(engine, shared, titles, dates, style):
    pages = []
    for n, (words, colon) in enumerate(titles):
        if 0 < colon < len(words):
            words[colon - 1] += ":"
        for m, updated in enumerate(dates):
            pages.append(page(f"g{n}-{m}", " ".join(words), updated))
    first = shared.get(style)
    brief = compare(engine, [style], pages, templates=first)
    shared.setdefault(style, brief._pages)


def test_templates_are_used(engine):
    """A month of pages costs a handful of CSL runs per style, not two dozen per page."""
    runs = []
    real = render_state.run  # every run of a CSL layout goes through it
    pages = [page(f"p{day}", f"Page {day} of the wiki", _dt.date(2025, 3, day)) for day in range(1, 29)]
    styles = ["apa", "modern-language-association"]
    try:
        render_state.run = lambda *a, **kw: runs.append(1) or real(*a, **kw)
        brief = BriefBuilder(builder(CitationEngine(styles, base_dir=ROOT), styles, pages))
        brief.items()
    finally:
        render_state.run = real
    assert runs and brief.pages_in_full == 0
    # Per style: the title probe and placeholder, three sentinel dates for each digit count
    # of the day: 8 templates of at most ~16 runs (4 variants, names, group, sort keys).
    assert len(runs) <= len(styles) * 8 * 16, len(runs)
    # Rendered in full it is about 10 runs per page and style (41 per page in 4 styles).
    assert len(runs) < len(pages) * len(styles) * 6


def test_sort_strings_give_the_sort_key(engine, wiki):
    """``bibliography_sort_key`` is built from ``bibliography_sort_strings``: the same as
    the compat layer's ``bibliography_sort_values`` for pages and sources."""
    items = [page("a", "Inner alignment", _dt.date(2025, 3, 8)), page("b", "GPT-4: a survey", None)]
    items += [wiki.sources[k].csl() for k in sorted(wiki.sources)]
    for style in STYLES:
        csl = engine._style(style).csl
        for item in items:
            assert engine.bibliography_sort_key(item, style) == compat.bibliography_sort_values(csl, item)


def test_cite_this_page_titles_and_urls_that_templates_got_wrong(engine):
    """Regressions of ``Citer.render_page`` (its templates are the same machinery): a space
    before a colon (CSL writes a narrow no-break space there) and URLs ending in a full stop
    or colon (left outside the link by linkify)."""
    cases = [("RLHF : a survey", "https://example.org/wiki/concepts/x/"),
             ("Inner alignment", "https://example.org/wiki/concepts/x."),
             ("Inner alignment", "https://example.org/wiki/concepts/x:")]
    for style in STYLES:
        templated = Citer(engine, STYLES, display_date=BUILD)
        full = Citer(engine, STYLES, display_date=BUILD)
        templated.render_page(page("warm", "Warm up", _dt.date(2025, 3, 2)), style)
        for title, url in cases:
            it = page("x", title, _dt.date(2025, 3, 8), url=url)
            assert templated.render_page(it, style) == full.render(it, style, mark_accessed=True), (style, title, url)
