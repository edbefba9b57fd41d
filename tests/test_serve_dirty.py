"""``mkdocs serve --dirty`` rebuilds only what an edit changed (issue 20), and the site it
serves is the same bytes as a clean build of the same files.

The test drives MkDocs' own ``build()`` as ``mkdocs serve --dirty`` does
(``mkdocs/commands/serve.py``): one ``on_startup(command="serve", dirty=True)``, then every
rebuild with a freshly loaded config (MkDocs hands it the same plugin instance, as plugins
with ``on_startup`` are cached), ``serve_url`` set and ``dirty=True``, into one site folder.
After each edit of the issue's sequence it builds the same files clean, with a new plugin
instance, into another folder, and compares every file. The project is tiny (8 generated
entries, one citation style) so that the whole sequence takes seconds.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from helpers import site_files

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate as gen  # noqa: E402

URL = "http://127.0.0.1:8000/wiki/"


class DirtyServer:
    """``mkdocs serve --dirty`` without the HTTP server: what its ``builder()`` calls."""

    def __init__(self, root: Path, site: Path) -> None:
        self.root, self.site = root, site
        config = self._config()
        self.plugin = config.plugins["conceptwiki"]
        config.plugins.on_startup(command="serve", dirty=True)
        self.first = config

    def _config(self):
        from mkdocs.config import load_config

        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = URL
        return config

    def rebuild(self, config=None) -> set[str]:
        """One rebuild; the generated pages it rendered anew."""
        from mkdocs.commands.build import build

        build(config or self._config(), serve_url=URL, dirty=True)
        return set(self.plugin.rebuilt)


class HotServer(DirtyServer):
    """The same, with the plugin's hot path (``plugin/hot.py``) wrapping the server's builder
    as ``on_serve`` does: the file watcher's job (telling it which files changed) is done by
    comparing the project's files before and after each edit."""

    def __init__(self, root: Path, site: Path) -> None:
        super().__init__(root, site)
        self.hot = self.plugin._hot
        self.builder = self._full  # what MkDocs' server holds
        assert self.hot is not None and self.hot.wrap(self), "the hot path is available"
        self.seen = self._snapshot()
        self.hot_builds = 0

    def _full(self, config=None) -> None:
        from mkdocs.commands.build import build

        build(config or self._config(), serve_url=URL, dirty=True)

    def _snapshot(self) -> dict[str, tuple[int, int]]:
        out = {}
        for path in self.root.rglob("*"):
            if path.is_file():
                st = path.stat()
                out[str(path)] = (st.st_mtime_ns, st.st_size)
        return out

    def rebuild(self, config=None) -> set[str]:
        if config is not None:  # the first build
            self.builder(config)
            self.seen = self._snapshot()
            return set(self.plugin.rebuilt)
        now = self._snapshot()
        for path in sorted(now.keys() | self.seen.keys()):
            if now.get(path) != self.seen.get(path):
                self.hot.note(path)
        self.seen = now
        before = self.hot.done
        self.builder()
        self.hot_builds += self.hot.done - before
        self.last_was_hot = self.hot.done > before
        return set(self.plugin.rebuilt)


def clean_build(root: Path, site: Path) -> None:
    """A clean build of ``root`` by a new plugin instance, as a fresh ``mkdocs serve`` makes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    option = MkDocsConfig.plugins  # the config option keeps the plugins that have on_startup
    saved, option.plugin_cache = option.plugin_cache, {}
    try:
        if site.exists():
            shutil.rmtree(site)
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        config.site_url = URL
        config.plugins.on_startup(command="serve", dirty=False)
        try:
            build(config, serve_url=URL, dirty=False)
        finally:
            config.plugins.on_shutdown()
    finally:
        option.plugin_cache = saved


def differences(a: Path, b: Path) -> list[str]:
    fa, fb = site_files(a), site_files(b)
    out = [f"only in the served site: {k}" for k in sorted(fa.keys() - fb.keys())]
    out += [f"only in the clean build: {k}" for k in sorted(fb.keys() - fa.keys())]
    out += [f"differs: {k}" for k in sorted(fa.keys() & fb.keys()) if fa[k] != fb[k]]
    return out


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000),
                    encoding="utf-8")


def _page(site: Path, slug: str) -> str:
    return (site / "concepts" / slug / "index.html").read_text(encoding="utf-8")


#: The edits the hot path takes (the others change the set of pages, a template or mkdocs.yml).
HOT_EDITS = ("summary", "related", "summary start", "kind", "updated", "details", "title", "alias", "bib field")


@pytest.mark.parametrize("hot", [False, True], ids=["mkdocs-dirty", "hot"])
def test_dirty_rebuilds_match_a_clean_build(tmp_path: Path, monkeypatch, caplog, hot: bool):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704153600")
    monkeypatch.setenv("CONCEPTWIKI_TIMINGS", "")
    root = tmp_path / "project"
    model = gen.generate(root, 8, seed=3)
    cfg = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    cw = cfg["plugins"][1]["conceptwiki"]
    cw.update(styles=["apa"], templates_dir="templates", cache=False, workers=0)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    templates = ROOT / "plugins" / "conceptwiki" / "render" / "templates"
    (root / "templates").mkdir()
    shutil.copy(templates / "tag.md.j2", root / "templates" / "tag.md.j2")

    served, clean = tmp_path / "served", tmp_path / "clean"
    server = (HotServer if hot else DirtyServer)(root, served)
    first = server.rebuild(server.first)
    assert first, "the first build renders every page"
    concepts = root / "concepts"
    by_slug = model.by_slug
    # An entry that others link to, and one of the pages linking to it.
    linked = max(by_slug, key=lambda s: sum(s in (concepts / f"{o}.yaml").read_text(encoding="utf-8")
                                            for o in by_slug if o != s))
    linker = next(o for o in sorted(by_slug) if o != linked
                  and f"[[{linked}" in (concepts / f"{o}.yaml").read_text(encoding="utf-8"))
    bib = next((root / "bib").glob("*.bib"))

    def summary():
        _edit_yaml(concepts / f"{linked}.yaml",
                   lambda d: d.update(summary=d["summary"] + " An added sentence."))

    # Another entry lists it as related instead of linking to it: its page then shows its
    # title and gloss (the summary's first sentence), and no link's hover title.
    relater = next(o for o in sorted(by_slug) if o not in (linked, linker))

    def related():
        names = {linked, *(str(n).casefold() for n in (lambda d: [d["title"], *d.get("aliases", [])])(
            yaml.safe_load((concepts / f"{linked}.yaml").read_text(encoding="utf-8"))))}

        def unlink(m: re.Match) -> str:
            target, _, text = m.group(1).partition("|")
            return m.group(0) if target.strip().casefold() not in names else (text or target)

        path = concepts / f"{relater}.yaml"
        path.write_text(re.sub(r"\[\[([^\]]+)\]\]", unlink, path.read_text(encoding="utf-8")), encoding="utf-8")
        _edit_yaml(path, lambda d: d.update(related=[*[r for r in d.get("related", []) if r != linked], linked]))

    def kind():  # the pages it links to list it with its kind under "Referenced by"
        _edit_yaml(concepts / f"{linked}.yaml",
                   lambda d: d.update(kind="phenomenon" if d.get("kind") != "phenomenon" else "argument"))

    def summary_start():  # within the start that links' hover titles show (200 characters)
        _edit_yaml(concepts / f"{linked}.yaml",
                   lambda d: d.update(summary="In short, " + d["summary"]))

    def updated():  # the page's date: its sitemap <lastmod> too
        _edit_yaml(concepts / f"{linked}.yaml", lambda d: d.update(updated="2024-01-01"))

    def details():
        _edit_yaml(concepts / f"{linked}.yaml",
                   lambda d: d.update(details=(d.get("details") or "Details.") + "\n\nAn added paragraph."))

    def title():
        _edit_yaml(concepts / f"{linked}.yaml", lambda d: d.update(title="Retitled concept zeta"))

    def alias():
        _edit_yaml(concepts / f"{linked}.yaml", lambda d: d.update(aliases=[*d.get("aliases", []), "zeta alias"]))

    def add():
        text = (concepts / f"{linker}.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        data.update(title="Added concept omega", aliases=[], summary=f"A new entry that links to [[{linked}]].")
        data.pop("former_slugs", None)
        (concepts / "added-concept-omega.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def remove():
        (concepts / "added-concept-omega.yaml").unlink()

    def rename():
        old = concepts / f"{linked}.yaml"
        data = yaml.safe_load(old.read_text(encoding="utf-8"))
        data["former_slugs"] = [*data.get("former_slugs", []), linked]
        old.unlink()
        for other in concepts.glob("*.yaml"):  # `related` names slugs, not former slugs
            _edit_yaml(other, lambda d: d.update(related=[("renamed-zeta" if r == linked else r)
                                                         for r in d.get("related", [])])
                       if linked in d.get("related", []) else None)
        (concepts / "renamed-zeta.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def bib_field():
        text = bib.read_text(encoding="utf-8")
        bib.write_text(text.replace("title         = {", "title         = {Revised: ", 1), encoding="utf-8")

    def template():
        path = root / "templates" / "tag.md.j2"
        path.write_text(path.read_text(encoding="utf-8") + "\n<p>Edited template.</p>\n", encoding="utf-8")

    def mkdocs_yml():
        path = root / "mkdocs.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("Synthetic concept wiki (8 concepts)",
                                                                 "Renamed wiki"), encoding="utf-8")

    total = len(first)
    steps = [("summary", summary), ("related", related), ("summary start", summary_start), ("kind", kind),
             ("updated", updated), ("details", details), ("title", title), ("alias", alias), ("add", add),
             ("remove", remove), ("rename", rename), ("bib field", bib_field),
             ("template", template), ("mkdocs.yml", mkdocs_yml)]
    rebuilt: dict[str, set[str]] = {}
    for name, edit in steps:
        before, before_relater = _page(served, linker), _page(served, relater)
        edit()
        caplog.clear()
        with caplog.at_level(logging.INFO):
            rebuilt[name] = server.rebuild()
        said = [r.getMessage() for r in caplog.records]
        # MkDocs' "A 'dirty' build ... will likely lead to inaccurate navigation" on every
        # save is not true here (this test shows it) and would hide the contributor's warnings.
        assert not [m for m in said if "dirty" in m], said
        counts = [m for m in said if "Rebuilt " in m]
        if name not in ("template", "mkdocs.yml"):  # a full rebuild starts anew
            assert len(counts) == 1 and f"Rebuilt {len(rebuilt[name])} of " in counts[0], said
        if hot:
            assert server.last_was_hot == (name in HOT_EDITS), (name, said)
        clean_build(root, clean)
        assert differences(served, clean) == [], f"after the {name} edit"
        if name == "title":
            assert "Retitled concept zeta" in _page(served, linker) and _page(served, linker) != before
        if name == "summary start":  # the linker's link's hover title, the relater's gloss
            assert "In short, " in _page(served, linker) and _page(served, linker) != before
            assert "In short, " in _page(served, relater) and _page(served, relater) != before_relater
    # Edits to entries and sources re-render some pages only (a rename may touch every page
    # of so small a wiki: each draws the renamed entry in its concept map); global ones all.
    for name in ("summary", "related", "summary start", "kind", "details", "title", "alias", "add", "remove", "bib field"):
        assert rebuilt[name] and len(rebuilt[name]) < total, (name, len(rebuilt[name]), total)
    assert f"concepts/{linker}.md" in rebuilt["title"]
    # Other pages show an entry's title, summary, kind, status and tags, never its details:
    # a details edit re-renders its own page and the lists of everything only.
    assert f"concepts/{linked}.md" in rebuilt["details"]
    assert f"concepts/{linker}.md" not in rebuilt["details"], sorted(rebuilt["details"])
    assert not {p for p in rebuilt["details"] if p.startswith("concepts/") and p != "concepts/index.md"} - {
        f"concepts/{linked}.md"}, sorted(rebuilt["details"])
    assert "concepts/renamed-zeta.md" in rebuilt["rename"]
    assert len(rebuilt["template"]) >= total and len(rebuilt["mkdocs.yml"]) >= total
    server.first.plugins.on_shutdown()


def test_own_concept_templates_decide_what_a_key_holds(tmp_path: Path):
    """The concept pages' keys hold what the plugin's own templates show of related and
    linking entries (title and gloss, title and kind); a site that overrides the concept
    template, or a template it includes, gets each entry's whole card in the key."""
    from conceptwiki.render.jinja import Templates

    own = ("concept.html.j2", "concept.md.j2")
    assert Templates(None).all_own(*own)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "tag.md.j2").write_text("{{ tag }}\n", encoding="utf-8")
    assert Templates(str(folder)).all_own(*own)
    (folder / "graph_legend.html.j2").write_text("legend\n", encoding="utf-8")  # concept > graph > legend
    assert not Templates(str(folder)).all_own(*own)
    (folder / "graph_legend.html.j2").unlink()
    (folder / "concept.md.j2").write_text("{{ summary }}\n", encoding="utf-8")
    assert not Templates(str(folder)).all_own(*own)


def test_a_site_template_showing_cards_is_rebuilt_exactly(tmp_path: Path, monkeypatch):
    """A site's concept template that shows each related entry's whole summary: a sentence
    added to the end of one (which the plugin's own template shows nowhere else) re-renders
    the pages listing it as related, as a clean build shows."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704153600")
    root = tmp_path / "project"
    model = gen.generate(root, 8, seed=3)
    cfg = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["plugins"][1]["conceptwiki"].update(styles=["apa"], templates_dir="templates", cache=False, workers=0)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    own = (ROOT / "plugins" / "conceptwiki" / "render" / "templates" / "concept.html.j2").read_text(encoding="utf-8")
    card = '<span class="cw-card__gloss"> — {{ r.gloss }}</span>'
    assert card in own
    (root / "templates").mkdir()
    (root / "templates" / "concept.html.j2").write_text(
        own.replace(card, card + '<span class="site-summary">{{ r.summary }}</span>'), encoding="utf-8")
    slugs = sorted(model.by_slug)
    target, lister = slugs[0], slugs[1]
    _edit_yaml(root / "concepts" / f"{lister}.yaml", lambda d: d.update(related=[target]))
    served, clean = tmp_path / "served", tmp_path / "clean"
    server = DirtyServer(root, served)
    server.rebuild(server.first)
    _edit_yaml(root / "concepts" / f"{target}.yaml",
               lambda d: d.update(summary=d["summary"] + " A sentence only cards show."))
    rebuilt = server.rebuild()
    assert f"concepts/{lister}.md" in rebuilt
    assert "A sentence only cards show." in _page(served, lister)
    clean_build(root, clean)
    assert differences(served, clean) == []
    server.first.plugins.on_shutdown()
