"""Wikilinks in docs pages, their backlinks and hover-preview data, in real site builds
(built in a temporary folder, read with BeautifulSoup, failing on any unexpected warning)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from helpers import (BIN, ROOT, SMALL_MKDOCS, assert_clean_build, build_site, copy_real_project, mkdocs_build,
                     run_cli, small_project, soup, write)

GUIDE = """---
title: A reading guide
---

# Reading order (the heading is not the title)

Start with [[mesa-optimization]], then read [[Inner Alignment|the inner alignment problem]]
and the [[mesa-optimiser#key-points|key points]] again. [[mesa-optimization]] is linked twice.

Written as code, `[[not-a-concept]]` stays as it is.
"""


def _resolves(page: Path, href: str) -> bool:
    target = (page.parent / href.split("#")[0]).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target.is_file()


@pytest.fixture(scope="module")
def guide_site(tmp_path_factory) -> Path:
    """This repository's project with one more hand-written page (GUIDE, in the nav), built
    with no unexpected warning."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - About: about.md\n" in config
    dest = copy_real_project(tmp_path_factory.mktemp("links") / "project", mkdocs_yml=config.replace(
        "  - About: about.md\n", "  - About: about.md\n  - Reading: guides/reading.md\n"))
    write(dest / "docs" / "guides" / "reading.md", GUIDE)
    return build_site(dest)


def test_docs_page_wikilinks_resolve(guide_site: Path):
    page = guide_site / "guides" / "reading" / "index.html"
    art = soup(page).select_one("article")
    links = [(a["href"], a.get_text()) for a in art.select("a.cw-wikilink")]
    # Mid-sentence a link reads in lower case ("Start with mesa-optimization"); at the start
    # of a sentence it keeps the title's capital.
    assert links == [
        ("../../concepts/mesa-optimization/", "mesa-optimization"),
        ("../../concepts/inner-alignment/", "the inner alignment problem"),
        ("../../concepts/mesa-optimization/#key-points", "key points"),
        ("../../concepts/mesa-optimization/", "Mesa-optimization"),
    ]
    for href, _ in links:
        assert _resolves(page, href), href
    assert art.select_one("a.cw-wikilink")["title"].startswith("Mesa-optimization is")
    assert [c.get_text() for c in art.select("code")] == ["[[not-a-concept]]"]
    assert "[[" not in art.get_text().replace("[[not-a-concept]]", "")
    # The anchor exists on the target page.
    target = soup(guide_site / "concepts" / "mesa-optimization" / "index.html")
    assert target.select_one("#key-points") is not None


def test_real_docs_pages_use_wikilinks(guide_site: Path):
    for name in ("index.html", "about/index.html"):
        page = guide_site / name
        links = soup(page).select("article a.cw-wikilink")
        assert links, name
        for a in links:
            assert _resolves(page, a["href"]), (name, a["href"])
        assert not soup(page).select("article .cw-broken-link")


def test_docs_pages_are_backlinks_grouped_as_guides(guide_site: Path):
    doc = soup(guide_site / "concepts" / "mesa-optimization" / "index.html")
    items = doc.select("ul.cw-backlinks > li")
    guides = [(li.a.get_text(), li.a["href"]) for li in items
              if li.select_one(".cw-kind--guide") is not None]
    # Front-matter title, then first heading; each page once although linked twice.
    assert guides == [("A reading guide", "../../guides/reading/"),
                      ("AI Safety Concept Wiki", "../../")]
    titles = [li.a.get_text() for li in items]
    assert len(titles) == len(set(titles))
    summary = doc.select_one(".cw-backlinks-summary").get_text()
    assert "2 guides" in summary
    # Counts in the summary add up to the listed cards.
    assert sum(int(n) for n in re.findall(r"(\d+) ", summary)) == len(items)
    inner = soup(guide_site / "concepts" / "inner-alignment" / "index.html")
    inner_guides = [li.a.get_text() for li in inner.select("ul.cw-backlinks > li")
                    if li.select_one(".cw-kind--guide") is not None]
    assert inner_guides == ["A reading guide", "About this wiki", "AI Safety Concept Wiki"]
    assert "3 guides" in inner.select_one(".cw-backlinks-summary").get_text()


def test_preview_data_for_real_concepts(guide_site: Path):
    data = json.loads((guide_site / "assets" / "conceptwiki" / "previews.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    slugs = sorted(p.stem for p in (ROOT / "concepts").glob("*.yaml"))
    assert sorted(data["concepts"]) == slugs
    for slug in slugs:
        entry = yaml.safe_load((ROOT / "concepts" / f"{slug}.yaml").read_text(encoding="utf-8"))
        title, kind, status, summary = data["concepts"][slug]
        assert (title, kind, status) == (entry["title"], entry["kind"], entry["status"]["level"])
        assert 20 < len(summary) <= 200 and "[[" not in summary and "\n" not in summary
        assert kind in data["kinds"]
    assert data["kinds"]["failure-mode"] == "failure mode"
    # Script and style are on every page, including hand-written ones; no other site is used.
    for page in ("index.html", "guides/reading/index.html", "concepts/inner-alignment/index.html"):
        doc = soup(guide_site / page)
        scripts = [s["src"] for s in doc.select("script[src]")]
        assert any(s.endswith("assets/conceptwiki/preview.js") for s in scripts), page
        assert any(l["href"].endswith("assets/conceptwiki/preview.css")
                   for l in doc.select('link[rel="stylesheet"]')), page
    js = (guide_site / "assets" / "conceptwiki" / "preview.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "http" not in js.replace("https://", "").split("*/", 1)[1]


def test_dead_link_in_docs_page_fails_strict_build_with_location(tmp_path: Path):
    small_project(tmp_path, home="# Home\n\nSee [[other-concept]] and\n  [[exampel-concept|the example]].\n")
    result = mkdocs_build(tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    message = ("docs/index.md:4:3: error: wikilink '[[exampel-concept|the example]]' points to no "
               "concept; did you mean 'example-concept'?")
    assert message in result.stderr
    check = run_cli("--root", str(tmp_path), "check")
    assert check.returncode == 1 and check.stdout.strip() == message
    out = run_cli("--root", str(tmp_path), "build", "--out", str(tmp_path / "out"))
    assert out.returncode == 1 and message in out.stderr


def test_build_out_writes_docs_pages_with_links_resolved(tmp_path: Path):
    small_project(tmp_path, SMALL_MKDOCS.replace("site_name:", "docs_dir: pages\nsite_name:"), docs_dir="pages",
                  home="---\ntitle: Start\n---\n# Home\n\nSee [[Other Concept]].\n")
    r = run_cli("--root", str(tmp_path), "build", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Start\n---\n")
    assert '<a class="cw-wikilink" href="concepts/other-concept/" title="The other one.">other concept</a>' in text
    other = (tmp_path / "out" / "concepts" / "other-concept.md").read_text(encoding="utf-8")
    # Example concept links here too, but it is listed once, as a related concept.
    assert "Linked from 1 guide besides the related concepts" in other and 'href="../../">Start</a>' in other
    before_map = other.split('<figure class="cw-graph')[0]
    assert before_map.count('href="../example-concept/">Example concept</a>') == 1
    assert json.loads((tmp_path / "out" / "assets" / "conceptwiki" / "previews.json").read_text())


def test_properdocs_resolves_docs_page_wikilinks(tmp_path: Path):
    if not (BIN / "properdocs").exists():
        pytest.skip("properdocs is not installed")
    small_project(tmp_path, home="# Home\n\nSee [[Other Concept|the other one]].\n")
    result = mkdocs_build(tmp_path, tool="properdocs")
    assert_clean_build(result)
    link = soup(tmp_path / "site" / "index.html").select_one("article a.cw-wikilink")
    assert (link["href"], link.get_text()) == ("concepts/other-concept/", "the other one")
    other = soup(tmp_path / "site" / "concepts" / "other-concept" / "index.html")
    assert [a.get_text() for a in other.select("ul.cw-cards > li > a")] == ["Example concept"]
    assert [a.get_text() for a in other.select("ul.cw-backlinks a")] == ["Home"]
