"""``mkdocs serve`` keeps the plugin from one build to the next (it has ``on_startup``): the
citation engine, and the citations it has rendered, are kept too, unless a style changes.
The pages must be the same bytes as a fresh build's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from helpers import SMALL_MKDOCS, site_files, small_project


def build_twice(root: Path, between=None):
    """Build twice in this process, as ``mkdocs serve`` does: MkDocs hands the second
    ``load_config`` the same plugin instance (plugins with ``on_startup`` are cached)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = []
    for n in range(2):
        if n and between:
            between()
        config = load_config(str(root / "mkdocs.yml"))
        plugin = config.plugins["conceptwiki"]
        if n == 0:
            plugin.on_startup(command="serve", dirty=False)
        build(config)
        out.append((plugin, plugin.engines.current, site_files(root / "site")))
    return out


def test_engine_is_kept_between_builds_and_pages_are_the_same(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704153600")
    root = small_project(tmp_path, SMALL_MKDOCS.replace("  - search\n", ""))
    (plugin1, first_engine, first), (plugin2, second_engine, second) = build_twice(root)
    assert plugin2 is plugin1 and second_engine is first_engine
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k] and not k.startswith("pagefind/")] == []


def test_a_changed_style_file_gives_a_new_engine(tmp_path: Path, monkeypatch):
    from conceptwiki.citations.engine import resolve_style_path

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704153600")
    root = small_project(tmp_path, SMALL_MKDOCS.replace("  - search\n", "").replace(
        "publisher: Test Publisher", "publisher: Test Publisher\n      styles: [mine.csl]"))
    shutil.copy(resolve_style_path("apa"), root / "mine.csl")

    def edit():
        path = root / "mine.csl"
        text = path.read_text(encoding="utf-8")
        path.write_text(text, encoding="utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))

    (plugin1, first_engine, _), (plugin2, second_engine, _) = build_twice(root, edit)
    assert plugin2 is plugin1 and second_engine is not first_engine
