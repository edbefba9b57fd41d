"""Site search: Pagefind (default) and Material's lunr, on real site builds in tmp_path.

How it ranks, in a browser: tests/browser/test_search_browser.py.
"""

from __future__ import annotations

import filecmp
import json
import sys
from pathlib import Path

import pytest

from helpers import copy_real_project, soup


@pytest.fixture(scope="module")
def pagefind_site(real_site: Path) -> Path:
    """This repository's site with the default search (Pagefind), built once per run."""
    return real_site


def test_pagefind_is_the_default_and_replaces_lunr(pagefind_site: Path):
    assert (pagefind_site / "pagefind" / "pagefind.js").is_file()
    assert (pagefind_site / "pagefind" / "pagefind-entry.json").is_file()
    assert list((pagefind_site / "pagefind" / "fragment").iterdir())
    # Material's lunr index (55 MB at 5,000 concepts) is not built.
    assert not (pagefind_site / "search" / "search_index.json").exists()


def test_pages_are_marked_for_the_index(pagefind_site: Path):
    doc = soup(pagefind_site / "concepts" / "mesa-optimization" / "index.html")
    article = doc.select_one("article.md-content__inner")
    assert article.has_attr("data-pagefind-body")
    assert article.select_one("h1")["data-pagefind-weight"] == "10"
    aliases = article.select_one(".cw-aliases")
    assert aliases["data-pagefind-weight"] == "9"
    assert "optimization daemon" in aliases.get_text() and "mesa-optimiser" in aliases.get_text()
    for selector in (".cw-cite", "ul.cw-cards", "ul.cw-backlinks", ".cw-backlinks-summary"):
        el = article.select_one(selector)
        assert el is not None, selector
        assert el["data-pagefind-ignore"] == "all", selector
        assert el.has_attr("data-search-exclude"), selector
    # Hand-written pages are searchable, and policy instruments' pages (their own text, with
    # their type as the result's kind); generated listings and alias redirects are not.
    assert soup(pagefind_site / "about" / "index.html").select_one("article[data-pagefind-body]")
    instrument = soup(pagefind_site / "instruments" / "eu-ai-act" / "index.html")
    assert instrument.select_one("article[data-pagefind-body] h1")["data-pagefind-weight"] == "10"
    meta = instrument.select_one(".cw-summary[data-pagefind-meta]")
    assert meta["data-cw-kind"] == "legislation"
    assert meta["data-cw-definition"].startswith("A regulation of the European Union that lays down")
    assert instrument.select_one(".cw-cite")["data-pagefind-ignore"] == "all"
    for page in ("concepts/index.html", "tags/index.html", "tags/inner-alignment/index.html",
                 "concepts/mesa-optimiser/index.html", "instruments/index.html"):
        assert soup(pagefind_site / page).select_one("[data-pagefind-body]") is None, page


def test_search_box_is_hidden_without_javascript(pagefind_site: Path):
    doc = soup(pagefind_site / "concepts" / "mesa-optimization" / "index.html")
    header = doc.select_one("header.md-header")
    button = header.select_one("button.cw-search-button")
    assert button.has_attr("hidden") and button["aria-controls"] == "cw-search"
    box = header.select_one(".md-search.cw-search")
    assert box.has_attr("hidden")
    assert box["data-cw-pagefind"] == "../../pagefind/"
    # Not Material's lunr component: its script would fetch search_index.json.
    assert not doc.select('[data-md-component="search"]')
    scripts = [s.get("src", "") for s in doc.select("script[src]")]
    assert "../../assets/conceptwiki/cw-search.js" in scripts
    home = soup(pagefind_site / "index.html")
    assert home.select_one(".cw-search")["data-cw-pagefind"] == "pagefind/"


def test_pagefind_output_is_deterministic(pagefind_site: Path, real_site_elsewhere: Path):
    # The same project built again (another folder, another hash seed; conftest.py).
    cmp = filecmp.dircmp(pagefind_site / "pagefind", real_site_elsewhere / "pagefind")

    def differences(c: filecmp.dircmp) -> list[str]:
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        out = c.left_only + c.right_only + mismatch + errors
        for sub in c.subdirs.values():
            out += differences(sub)
        return out

    assert differences(cmp) == []


def test_material_backend_keeps_lunr_without_citation_boilerplate(real_site_material: Path):
    site = real_site_material  # built once per run (conftest.py), with no unexpected warning
    assert not (site / "pagefind").exists()
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    page = [d for d in docs if d["location"].startswith("concepts/mesa-optimization/")]
    assert "optimization daemon" in page[0]["text"]
    # Citation blocks, backlinks and related cards are not indexed (headings inside them are,
    # as titles without text). Material ends an exclusion at the first nested element of the
    # same tag, so the citation block is a <section> around nested <div>s.
    for d in page:
        if d["location"].split("#")[-1] in ("cite-this-page", "cite-the-primary-source",
                                            "referenced-by", "related-concepts", "how-to-cite"):
            assert d["text"] == "", d
    assert not any("Download this page" in d["text"] for d in docs)
    doc = soup(site / "concepts" / "mesa-optimization" / "index.html")
    assert doc.select_one('[data-md-component="search"]') is not None
    assert doc.select_one(".cw-search") is None


def test_missing_pagefind_is_a_clear_error(tmp_path: Path, monkeypatch, caplog):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    import conceptwiki.plugin as plugin
    from conceptwiki.search.pagefind import SearchError, pagefind_executable

    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SearchError) as info:
        pagefind_executable()
    message = str(info.value)
    assert "Pagefind is not installed" in message
    assert "pip install 'pagefind[extended]==1.5.2'" in message and "search: material" in message

    monkeypatch.setattr(plugin, "pagefind_executable", pagefind_executable)
    project = copy_real_project(tmp_path / "project")
    with pytest.raises(Abort):
        build(load_config(str(project / "mkdocs.yml")))
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == [f"mkdocs.yml: plugins.conceptwiki: {message}"]
    assert "Traceback" not in caplog.text
