"""Rendered citations are kept on disk for the next build (``citations/cache.py``): a cached
rendering must be exactly what rendering again gives, and a change to anything the output
depends on must start afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import SMALL_MKDOCS, mkdocs_build, site_files, small_project

from conceptwiki.citations.cache import DiskCache
from conceptwiki.citations.engine import CitationEngine, resolve_style_path

ITEMS = [
    {"id": "a", "type": "article-journal", "title": "Risks from learned optimization",
     "author": [{"family": "Hubinger", "given": "Evan"}], "issued": {"date-parts": [[2019]]},
     "container-title": "arXiv"},
    {"id": "b", "type": "webpage", "title": "A page", "author": [{"literal": "A Wiki"}],
     "URL": "https://example.org/p/", "issued": {"date-parts": [[2024, 5, 6]]}},
]


def render_all(engine) -> list:
    out = []
    for style in engine.style_names():
        for item in ITEMS:
            out.append(engine.bibliography_parts(item, style, "html"))
            out.append(engine.note(item, style, "html"))
            out.append(engine.bibliography_sort_key(item, style))
    return out


def test_what_is_loaded_is_what_rendering_gives(tmp_path: Path):
    first = CitationEngine(["apa", "oscola"])
    expected = render_all(first)
    DiskCache(first, tmp_path).save()
    second = CitationEngine(["apa", "oscola"])
    cache = DiskCache(second, tmp_path)
    assert cache.path == DiskCache(first, tmp_path).path
    assert cache.load() == len(first.cache_entries()) > 0
    assert second.cache_entries() == first.cache_entries()
    assert render_all(second) == expected
    assert render_all(CitationEngine(["apa", "oscola"])) == expected  # as rendered afresh


def test_other_styles_or_a_changed_style_file_use_another_file(tmp_path: Path):
    style = tmp_path / "mine.csl"
    shutil.copy(resolve_style_path("apa"), style)
    engine = CitationEngine([str(style)])
    render_all(engine)
    cache = DiskCache(engine, tmp_path / "cache")
    cache.save()
    assert DiskCache(CitationEngine(["apa"]), tmp_path / "cache").path != cache.path
    style.write_text(style.read_text(encoding="utf-8").replace("</info>", "<!-- edited --></info>", 1),
                     encoding="utf-8")
    edited = CitationEngine([str(style)])
    other = DiskCache(edited, tmp_path / "cache")
    assert other.path != cache.path and other.load() == 0


def test_an_unreadable_cache_is_ignored(tmp_path: Path):
    engine = CitationEngine(["apa"])
    cache = DiskCache(engine, tmp_path)
    tmp_path.mkdir(exist_ok=True)
    cache.path.write_bytes(b"not a pickle at all")
    assert cache.load() == 0
    expected = render_all(CitationEngine(["apa"]))
    assert render_all(engine) == expected
    cache.save()  # and it is replaced by a good one
    assert DiskCache(CitationEngine(["apa"]), tmp_path).load() > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_builds_with_and_without_the_cache_are_the_same_bytes(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704153600")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = small_project(tmp_path / "p", SMALL_MKDOCS.replace("  - search\n", ""))
    trees = []
    for _ in range(2):
        result = mkdocs_build(root)
        assert result.returncode == 0, result.stderr
        trees.append(site_files(root / "site", skip_pagefind=True))
    files = list((tmp_path / "xdg" / "conceptwiki").glob("citations-*.pickle"))
    assert len(files) == 1
    assert trees[0] == trees[1]
    # Switched off: nothing is written.
    shutil.rmtree(tmp_path / "xdg")
    off = small_project(tmp_path / "q", SMALL_MKDOCS.replace("  - search\n", "").replace(
        "publisher: Test Publisher", "publisher: Test Publisher\n      cache: false"))
    result = mkdocs_build(off)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "xdg").exists()
    assert site_files(off / "site", skip_pagefind=True) == trees[0]
