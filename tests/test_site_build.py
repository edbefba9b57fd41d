"""Integration tests: real sites built with MkDocs in a temporary folder, read with an HTML parser.

The real site (``real_site``) and the small wiki (``small_site``) are built once per run by
the session fixtures in conftest.py and shared with the other modules that read them; the
helpers are in helpers.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import yaml

from helpers import (BIN, OTHER_ENTRY, ROOT, SMALL_ENTRY, concept_slugs, mkdocs_build, small_project, soup,
                     write)


def test_real_content_is_large_enough():
    assert len(concept_slugs()) >= 25


def test_every_concept_has_a_page(real_site: Path):
    for slug in concept_slugs():
        page = real_site / "concepts" / slug / "index.html"
        assert page.is_file(), slug
        data = yaml.safe_load((ROOT / "concepts" / f"{slug}.yaml").read_text(encoding="utf-8"))
        doc = soup(page)
        h1 = doc.select("article h1")
        assert [h.get_text(strip=True) for h in h1] == [data["title"]]
        assert doc.select_one(".cw-summary").get_text(" ", strip=True)
        assert doc.select_one(".cw-status").get_text(strip=True).lower() == data["status"]["level"]
        refs = doc.select("ol.cw-references > li")
        assert refs, f"{slug} lists no references"
        assert doc.select_one(f"li#ref-{data['sources']['primary']}") is not None
        # The primary source is marked where it is read: in the references, once.
        primary = doc.select_one(f"li#ref-{data['sources']['primary']}.cw-reference--primary")
        assert primary is not None and "Primary source" in primary.get_text()
        assert len(doc.select("li.cw-reference--primary")) == 1
        glance = doc.select_one("aside.cw-glance")
        terms = [dt.get_text(strip=True) for dt in glance.select("dt")]
        assert "Last updated" in terms and "Version" in terms


def test_contested_status_is_visible_with_its_note(real_site: Path):
    contested = [s for s in concept_slugs()
                 if yaml.safe_load((ROOT / "concepts" / f"{s}.yaml").read_text())["status"]["level"] != "established"]
    assert contested, "the real content should include contested or speculative concepts"
    for slug in contested:
        doc = soup(real_site / "concepts" / slug / "index.html")
        note = doc.select_one(".cw-status-note")
        assert note is not None and len(note.get_text(strip=True)) > 20


def test_concept_pages_are_not_in_the_sidebar(real_site: Path):
    doc = soup(real_site / "index.html")
    nav_links = [a.get("href", "") for a in doc.select("nav.md-nav--primary a")]
    assert not any("concepts/" in h and h.rstrip("/").split("/")[-1] in concept_slugs() for h in nav_links)
    assert any(h.rstrip("/").endswith("concepts") for h in nav_links)


def test_index_lists_every_concept_a_to_z(real_site: Path):
    doc = soup(real_site / "concepts" / "index.html")
    titles = [dt.a.get_text(strip=True) for dt in doc.select("dl.cw-index dt:not(.cw-index__alias)")]
    assert len(titles) == len(concept_slugs())
    assert titles == sorted(titles, key=str.casefold)
    for dd in doc.select("dl.cw-index dd"):
        assert dd.get_text(strip=True)


def test_links_between_pages_resolve(real_site: Path):
    """Every internal link on a generated page points to a file in the built site."""
    for page in list((real_site / "concepts").glob("*/index.html")) + list((real_site / "tags").glob("**/index.html")):
        for a in soup(page).select("article a[href]"):
            href = a["href"]
            if href.startswith(("http:", "https:", "mailto:", "#")):
                continue
            target = (page.parent / href.split("#")[0]).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page}: {href}"


def test_tag_pages(real_site: Path):
    tags = {t for s in concept_slugs()
            for t in yaml.safe_load((ROOT / "concepts" / f"{s}.yaml").read_text()).get("tags", [])}
    assert tags
    for tag in tags:
        assert (real_site / "tags" / tag / "index.html").is_file()


def test_nothing_written_into_docs(real_site: Path):
    docs = real_site.parent / "docs"
    assert sorted(p.name for p in docs.iterdir()) == sorted(p.name for p in (ROOT / "docs").iterdir())


@pytest.fixture
def small_project_copy(tmp_path: Path) -> Path:
    """The small wiki of helpers.py in tmp_path, for a test that changes it."""
    return small_project(tmp_path)


def test_small_site(small_site: Path):
    page = small_site / "concepts" / "example-concept" / "index.html"
    doc = soup(page)
    art = doc.select_one("article")
    assert art.select_one("script") is None
    assert "javascript:" not in str(art)
    assert "<script>alert(1)</script>" in art.select_one(".cw-details").get_text()
    link = art.select_one(".cw-summary a.cw-wikilink")
    # Mid-sentence ("An example that links to [[other-concept]].") the title reads in lower case.
    assert link["href"] == "../other-concept/" and link.get_text() == "other concept"
    # related is shown on both pages although only one declares it
    other = soup(small_site / "concepts" / "other-concept" / "index.html")
    assert [a.get_text() for a in other.select("ul.cw-cards > li > a:first-child")] == ["Example concept"]
    # It also links to this page, but each concept is listed once: as related, not again
    # under "Referenced by".
    assert other.select_one("#referenced-by") is None
    assert [a.get_text() for a in other.select("article a[href='../example-concept/']")
            if not a.find_parent(class_="cw-graph")] == ["Example concept"]
    assert other.select_one("aside.cw-glance time")["datetime"] == "2026-03-04"
    ref = doc.select_one("li#ref-smith2020example")
    text = ref.get_text(" ", strip=True)
    assert "OpenAI" in text and "2020" in text and "AI & safety" in text
    assert ref.select_one("a")["href"] == "https://example.org/paper_1?a=1&b=2"
    assert (small_site / "tags" / "example-tag" / "index.html").is_file()


def test_broken_entry_fails_strict_build_with_locations(small_project_copy: Path):
    write(small_project_copy / "concepts" / "other-concept.yaml",
          OTHER_ENTRY.replace("tags:", "relatd: [x]\ntags:"))
    write(small_project_copy / "concepts" / "example-concept.yaml",
          SMALL_ENTRY.replace("[[other-concept]]", "[[no-such-concept]]"))
    result = mkdocs_build(small_project_copy)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "concepts/other-concept.yaml:3:1: error: unknown key 'relatd'; did you mean 'related'?" in result.stderr
    assert "concepts/example-concept.yaml:5:35: error: wikilink '[[no-such-concept]]' points to no concept" in result.stderr


def test_properdocs_builds_the_same_pages(small_project_copy: Path):
    if not (BIN / "properdocs").exists():
        pytest.skip("properdocs is not installed")
    result = mkdocs_build(small_project_copy, tool="properdocs")
    assert result.returncode == 0, result.stderr
    page = small_project_copy / "site" / "concepts" / "example-concept" / "index.html"
    assert soup(page).select_one(".cw-summary a.cw-wikilink")["href"] == "../other-concept/"


def test_alias_redirects_to_the_canonical_page(real_site: Path):
    page = real_site / "concepts" / "mesa-optimiser" / "index.html"
    doc = soup(page)
    assert doc.select_one('link[rel="canonical"]')["href"].endswith("/concepts/mesa-optimization/")
    refresh = doc.select_one('meta[http-equiv="refresh"]')["content"]
    assert refresh == "0; url=../mesa-optimization/"
    assert (page.parent / "../mesa-optimization/index.html").resolve().is_file()


def test_cite_block_and_metadata(real_site: Path):
    doc = soup(real_site / "concepts" / "inner-alignment" / "index.html")
    cite = doc.select_one(".cw-cite")
    labels = [l.get_text() for l in cite.select(".tabbed-labels")[0].select("label")]
    assert labels == ["APA", "Chicago", "Harvard", "OSCOLA", "BibTeX"]
    buttons = [b["aria-label"] for b in cite.select("button.cw-copy")]
    assert "Copy APA citation for Inner alignment" in buttons
    assert len(buttons) == len(set(buttons)), "every copy button needs a distinct label"
    apa = cite.select_one("#cw-cite-page-apa").get_text()
    assert apa.startswith("AI Safety Concept Wiki. (") and "n.d.." not in apa
    assert doc.select_one('meta[name="citation_title"]')["content"] == "Inner alignment"
    assert doc.select_one('meta[name="citation_author"]')["content"] == "AI Safety Concept Wiki"
    ld = json.loads(doc.select_one('script[type="application/ld+json"]').string)
    assert ld["author"]["name"] == "AI Safety Concept Wiki" and ld["headline"] == "Inner alignment"
    for ext in ("bib", "ris", "json"):
        assert (real_site / "cite" / f"inner-alignment.{ext}").is_file()
        assert (real_site / "cite" / f"all.{ext}").is_file()
    lib = bibtexparser.parse_string((real_site / "cite" / "all.bib").read_text(encoding="utf-8"))
    assert not lib.failed_blocks and len(lib.entries) >= len(concept_slugs())


def test_passage_anchors_and_fingerprint_on_real_pages(real_site: Path):
    doc = soup(real_site / "concepts" / "inner-alignment" / "index.html")
    passages = doc.select("article .cw-passage")
    assert len(passages) >= 5
    assert all(p.select_one(":scope > a.cw-pin")["href"] == f"#{p['id']}" for p in passages)
    assert doc.select("article .cw-key-points > li.cw-passage[id^=kp-]")
    data = json.loads(doc.select_one("#cw-pinpoint-data")["data-cw-pinpoint"])
    assert [s["label"] for s in data["styles"]] == ["APA", "Chicago", "Harvard", "OSCOLA"]
    fingerprint = doc.select_one("aside.cw-glance .cw-fingerprint").get_text()
    record = json.loads((real_site / "cite" / "inner-alignment.versions.json").read_text(encoding="utf-8"))
    assert record["fingerprint"] == fingerprint
    # the test copy is not a git repository: only the current fingerprint, dated last-updated
    assert record["history"] == "current-only" and len(record["versions"]) == 1
    assert "not yet committed" not in doc.select_one("details#versions").get_text()
