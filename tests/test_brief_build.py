"""The brief basket's build side: the per-item parts put together give exactly the engine's
bibliography, and a real build has the Brief page, the buttons and the data files."""

from __future__ import annotations

import datetime as _dt
import json
import random
import re

import pytest

from helpers import ROOT, concept_slugs, soup

from conceptwiki.render.brief import BriefBuilder, assemble, source_file, year_suffix
from conceptwiki.citations.cite import linkify
from conceptwiki.citations.engine import CitationEngine
from conceptwiki.model.loader import load_wiki
from conceptwiki.render.site import SiteBuilder
from conceptwiki.config import SiteConfig

DEFAULT = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]
# Numeric (IEEE, Vancouver), author substitution (MLA "———"), notes (Chicago notes).
MORE = ["ieee", "modern-language-association", "vancouver", "chicago-notes-bibliography"]
SPAN = re.compile(r'<span class="cw-accessed"[^>]*>([^<]*)</span>')


@pytest.fixture(scope="module")
def brief():
    styles = DEFAULT + MORE
    site = SiteConfig(name="AI Safety Concept Wiki", url="https://example.org/wiki/",
                      publisher="AI Safety Concept Wiki", styles=styles,
                      build_date=_dt.date(2024, 1, 2))
    builder = SiteBuilder(load_wiki(ROOT), site, engine=CitationEngine(styles, base_dir=ROOT))
    return BriefBuilder(builder)


def test_year_suffixes_count_like_the_engine():
    assert [year_suffix(n) for n in (0, 1, 25, 26, 27, 701, 702)] == ["a", "b", "z", "aa", "ab", "zz", "aaa"]


@pytest.mark.parametrize("style", DEFAULT + MORE)
def test_parts_put_together_are_the_engines_bibliography(brief, style):
    """Random briefs (with repeats, shared sources, wiki pages that share author and year):
    the parts sorted, grouped and substituted as the browser does give the engine's list."""
    items = brief.items()
    engine = brief.engine
    conf = next(c for c in brief.styles_config() if c["id"] == style)
    ids = sorted(items)
    pages = [i for i in ids if items[i]["page"]]
    rnd = random.Random(f"brief-{style}")
    briefs = [pages[:5], ids, list(reversed(ids))]
    briefs += [[rnd.choice(ids) for _ in range(rnd.randint(1, 15))] for _ in range(40)]
    suffixed = substituted = 0
    for chosen in briefs:
        parts = [items[i] for i in chosen]
        got = [SPAN.sub(r"\1", h) for h in assemble(parts, style, conf["descending"], conf["substitute"])]
        expected = [linkify(h) for h in engine.bibliography([p["csl"] for p in parts], style, "html")]
        assert got == expected, chosen
        suffixed += sum(bool(re.search(r"\b(19|20)\d\d[a-z]\b", h)) for h in got)
        substituted += sum(h.startswith(("——", "———")) for h in got)
    if conf["substitute"]:
        assert substituted, "no brief tested the author substitution"
    if any(items[p]["styles"][style].get("group") for p in pages):
        assert suffixed, "no brief tested year suffixes"


def test_page_items_mark_the_accessed_date(brief):
    items = brief.items()
    page = items["ascw-inner-alignment"]
    assert page["page"] is True
    html = page["styles"]["oscola"].get("html") or page["styles"]["oscola"]["ys"]
    assert 'class="cw-accessed" data-date-format="D MMMM YYYY">2 January 2024</span>' in html
    assert "urldate = {2024-01-02}" in page["bibtex"] and "Y2  - 2024/01/02" in page["ris"]


def test_source_files_are_safe_and_distinct():
    assert source_file("hubinger2019risks") == "sources/hubinger2019risks.brief.json"
    odd = [source_file(k) for k in ("a/b", "a:b", "A/B", "../x", "x y")]
    assert all(re.fullmatch(r"sources/[a-z0-9._-]+\.brief\.json", f) for f in odd)
    assert len(set(odd[:2] + odd[3:])) == 4 and odd[0] == odd[2]  # ids differ only in case: one item


# -- a real build --------------------------------------------------------------------------

# ``real_site``: this repository's site, built once per run (conftest.py), with no warning.

def test_brief_page(real_site):
    doc = soup(real_site / "brief" / "index.html")
    assert doc.select_one("article h1").get_text(strip=True).rstrip("¶") == "Brief"
    nojs = doc.select_one(".cw-brief-nojs")
    assert "needs JavaScript" in nojs.get_text() and nojs.find("a", href="../concepts/")
    app = doc.select_one(".cw-brief[data-config]")
    assert app.has_attr("hidden") and app["data-root"] == "../"
    config = json.loads(app["data-config"])
    assert [s["id"] for s in config["styles"]] == DEFAULT and config["default_style"] == "apa"
    assert [o["value"] for o in app.select("select.cw-brief-style option")] == DEFAULT
    assert {b.get_text() for b in app.select("button.cw-brief-download")} == {
        "BibTeX (.bib)", "RIS (.ris)", "CSL-JSON (.json)", "CSL-JSON file for Pandoc (.json)"}
    nav = [a.get_text(strip=True) for a in doc.select("nav.md-nav--primary a.md-nav__link")]
    assert "Brief" in nav
    assert doc.find("script", src="../assets/conceptwiki/brief.js")


def test_concept_pages_have_hidden_buttons_and_their_data(real_site):
    for slug in concept_slugs():
        doc = soup(real_site / "concepts" / slug / "index.html")
        title = doc.select_one("article h1").get_text(strip=True)
        actions = doc.select_one(".cw-actions[data-cw-actions]")
        assert actions.has_attr("hidden"), slug  # shown by the script only
        toggle = actions.select_one("button.cw-brief-toggle")
        assert toggle["data-slug"] == slug and toggle["data-root"] == "../../"
        assert toggle["aria-label"] == f"Add to brief: {title}"
        assert actions.select_one("button.cw-print").get_text() == "Print"
        assert actions.select_one("button.cw-print")["aria-label"] == f"Print or save {title} as PDF"
        assert actions.select_one("a.cw-brief-link")["href"] == "../../brief/"
        data = json.loads((real_site / "cite" / f"{slug}.brief.json").read_text(encoding="utf-8"))
        assert data["slug"] == slug and data["title"] == title and data["path"] == f"concepts/{slug}/"
        assert data["page"]["page"] is True and set(data["page"]["styles"]) == set(DEFAULT)
        refs = ([data["primary"]] if data["primary"] else []) + data["further"]
        assert refs, slug
        for ref in refs:
            source = json.loads((real_site / "cite" / ref["file"]).read_text(encoding="utf-8"))
            assert source["id"] == ref["id"] and source["page"] is False
            assert set(source["styles"]) == set(DEFAULT)
            for parts in source["styles"].values():
                assert parts.get("html") or parts.get("ys")
                assert isinstance(parts["sort"], list)


def test_data_files_are_small(real_site):
    sizes = [p.stat().st_size for p in (real_site / "cite").glob("*.brief.json")]
    assert sizes and max(sizes) < 16_000
    sources = list((real_site / "cite" / "sources").glob("*.brief.json"))
    assert len(sources) == len({p.name for p in sources})


def test_cli_build_writes_the_brief(repo_cli_builds):
    out = repo_cli_builds[0]  # `conceptwiki build --out` of this repository (conftest.py)
    md = (out / "brief" / "index.md").read_text(encoding="utf-8")
    assert "cw-brief-nojs" in md and 'data-config="' in md
    data = json.loads((out / "cite" / "inner-alignment.brief.json").read_text(encoding="utf-8"))
    assert data["page"]["id"].endswith("-inner-alignment")
    assert (out / "cite" / data["primary"]["file"]).is_file()
