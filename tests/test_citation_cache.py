"""Rendered citations are kept on disk for the next build (``citations/cache.py``): a cached
rendering must be exactly what rendering again gives, and a change to anything the output
depends on must start afresh. The file is plain JSON: a file put in its place (a pickle that
would run code, a truncated or foreign file) is ignored with a message, never executed."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
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
    """Something of every kind the engine caches, in both formats."""
    out = []
    for style in engine.style_names():
        for fmt in ("html", "text"):
            for item in ITEMS:
                out.append(engine.bibliography_parts(item, style, fmt))
                out.append(engine.bibliography_parts(item, style, fmt, year_suffix="a", substitute=True,
                                                     citation_number="7"))
                out.append(engine.note(item, style, fmt))
                out.append(engine.note(item, style, fmt, position="subsequent", locator="12", label="page",
                                       first_note_number=3))
            out.append(engine.bibliography(ITEMS, style, fmt))
        for item in ITEMS:
            out.append(engine.bibliography_sort_key(item, style))
            out.append(engine.bibliography_sort_strings(item, style))
            out.append(engine.year_suffix_group(item, style))
    return out


class Bomb:
    """Unpickling this runs code: it creates the file ``marker``."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


def test_what_is_loaded_is_what_rendering_gives(tmp_path: Path):
    first = CitationEngine(["apa", "oscola"])
    expected = render_all(first)
    DiskCache(first, tmp_path).save()
    second = CitationEngine(["apa", "oscola"])
    cache = DiskCache(second, tmp_path)
    assert cache.path == DiskCache(first, tmp_path).path
    assert cache.load() == len(first.cache_entries()) > 0
    assert second.cache_entries() == first.cache_entries()  # same keys, same values, same types
    kinds = {key[2] for key in first.cache_entries()}
    assert kinds == {"bibparts", "note", "biblist", "sortstrings", "ysgroup"}
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
    cache.path.write_bytes(b"not JSON at all")
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
    files = list((tmp_path / "xdg" / "conceptwiki").iterdir())
    assert [f.suffix for f in files] == [".json"]
    assert json.loads(files[0].read_bytes())["entries"]  # plain data
    assert trees[0] == trees[1]
    # Switched off: nothing is written.
    shutil.rmtree(tmp_path / "xdg")
    off = small_project(tmp_path / "q", SMALL_MKDOCS.replace("  - search\n", "").replace(
        "publisher: Test Publisher", "publisher: Test Publisher\n      cache: false"))
    result = mkdocs_build(off)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "xdg").exists()
    site = off / "site"
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and "pagefind" not in p.parts} == trees[0]


def test_a_pickle_in_the_cache_folder_is_never_unpickled(tmp_path: Path):
    marker = tmp_path / "ran"
    bomb = pickle.dumps({"format": 1, "entries": Bomb(marker)})
    pickle.loads(bomb)  # the bomb works...
    assert marker.exists()
    marker.unlink()
    folder = tmp_path / "cache"
    folder.mkdir()
    notes: list[str] = []
    engine = CitationEngine(["apa"])
    cache = DiskCache(engine, folder, note=notes.append)
    # ...and is put where this version reads, and where the last version (a pickle) read.
    cache.path.write_bytes(bomb)
    (folder / cache.path.name.replace(".json", ".pickle")).write_bytes(bomb)
    assert cache.load() == 0
    assert not marker.exists()
    assert len(notes) == 1 and "ignored" in notes[0] and "not valid JSON" in notes[0]
    assert render_all(engine) == render_all(CitationEngine(["apa"]))
    cache.save()  # replaced by a good one
    assert json.loads(cache.path.read_bytes())["format"] == 2
    assert DiskCache(CitationEngine(["apa"]), folder).load() > 0
    assert not marker.exists()


def _saved(tmp_path: Path) -> DiskCache:
    engine = CitationEngine(["apa"])
    render_all(engine)
    cache = DiskCache(engine, tmp_path)
    cache.save()
    return cache


def test_a_truncated_cache_is_ignored_with_a_message(tmp_path: Path):
    saved = _saved(tmp_path)
    text = saved.path.read_bytes()
    for cut in (1, len(text) // 2, len(text) - 1):
        saved.path.write_bytes(text[:cut])
        notes: list[str] = []
        engine = CitationEngine(["apa"])
        assert DiskCache(engine, tmp_path, note=notes.append).load() == 0
        assert engine.cache_entries() == {}
        assert len(notes) == 1 and str(saved.path) in notes[0] and "truncated or corrupt" in notes[0]


def _edited(data: dict, change) -> dict:
    data = json.loads(json.dumps(data))
    change(data)
    return data


def _set_value(kind: str, value):
    def change(data):
        for row in data["entries"]:
            if row[2] == kind:
                row[-1] = value
                return
        raise AssertionError(kind)
    return change


@pytest.mark.parametrize("change", [
    lambda d: d.update(format=1),
    lambda d: d.update(namespace="0" * 32),
    lambda d: d.update(items=[1, 2]),
    lambda d: d.update(entries={}),
    lambda d: d["entries"].append(["apa", "html", "unknown", 0, "x"]),
    lambda d: d["entries"].append(["apa", "html", "note", 10**6, "first", None, None, 1, "x"]),
    lambda d: d["entries"].append(["apa", "pdf", "note", 0, "first", None, None, 1, "x"]),
    lambda d: d["entries"].append(["apa", "html", "note", 0, "first", None, None, True, "x"]),
    _set_value("note", 5),
    _set_value("bibparts", ["a", "b", "c"]),
    _set_value("sortstrings", [{"t": 1}]),
    _set_value("sortstrings", [[1, "a"]]),
    _set_value("biblist", [["a"]]),
    _set_value("ysgroup", ["a"]),
])
def test_a_foreign_cache_is_ignored_as_a_whole(tmp_path: Path, change):
    saved = _saved(tmp_path)
    data = json.loads(saved.path.read_bytes())
    saved.path.write_text(json.dumps(_edited(data, change)), encoding="utf-8")
    notes: list[str] = []
    engine = CitationEngine(["apa"])
    assert DiskCache(engine, tmp_path, note=notes.append).load() == 0
    assert engine.cache_entries() == {}
    assert len(notes) == 1 and "ignored" in notes[0]
    saved.path.write_text(json.dumps(data), encoding="utf-8")  # as written: used
    assert DiskCache(CitationEngine(["apa"]), tmp_path).load() == len(saved.engine.cache_entries())


def test_deeply_nested_json_is_ignored(tmp_path: Path):
    cache = DiskCache(CitationEngine(["apa"]), tmp_path, note=[].append)
    cache.path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert cache.load() == 0
