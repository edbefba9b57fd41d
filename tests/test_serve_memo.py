"""What ``mkdocs serve`` keeps between rebuilds is kept only while it is still right.

A rebuild re-reads the whole project; unchanged files give the very same records (the
.bib parser and the entry loader remember them), and later stages remember what they made
from those records by identity (exports, fingerprints, entry keys). These tests change one
input at a time and check that what depends on it is made anew, and that what does not is
the same object. The whole-site check is tests/test_serve_dirty.py (byte-identical to a
clean build after every edit of the issue's sequence).
"""

from __future__ import annotations

from pathlib import Path

from conceptwiki.bibtex import load_bib_files
from conceptwiki.history.fingerprint import entry_fingerprint
from conceptwiki.model.links import find_wikilinks
from conceptwiki.model.loader import load_wiki

PARENT = """@book{parent2020,
  title = {The Parent Volume},
  editor = {Doe, Jane},
  publisher = {Some Press},
  year = {2020},
}
"""

CHILD = """@incollection{child2020,
  author = {Roe, Richard},
  title = {A Chapter},
  crossref = {parent2020},
  pages = {1--10},
}

@article{plain2021,
  author = {Poe, Edgar},
  title = {Plain},
  journal = {Journal},
  year = {2021},
}
"""


def _load(tmp_path: Path):
    return load_bib_files([tmp_path / "a.bib", tmp_path / "b.bib"], root=tmp_path)


def test_unchanged_bib_files_give_the_same_records(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text(PARENT, encoding="utf-8")
    (tmp_path / "b.bib").write_text(CHILD.replace("crossref = {parent2020},\n", "booktitle = {X},\n"),
                                    encoding="utf-8")
    first, _ = _load(tmp_path)
    again, _ = _load(tmp_path)
    assert all(first[k] is again[k] for k in first)
    (tmp_path / "a.bib").write_text(PARENT.replace("2020},\n}", "2021},\n}"), encoding="utf-8")
    changed, _ = _load(tmp_path)
    assert changed["parent2020"] is not first["parent2020"]
    assert changed["parent2020"].csl()["issued"] != first["parent2020"].csl()["issued"]
    assert changed["plain2021"] is first["plain2021"]


def test_a_crossref_child_follows_its_parent_in_another_file(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text(PARENT, encoding="utf-8")
    (tmp_path / "b.bib").write_text(CHILD, encoding="utf-8")
    first, _ = _load(tmp_path)
    assert first["child2020"].csl()["container-title"] == "The Parent Volume"
    (tmp_path / "a.bib").write_text(PARENT.replace("The Parent Volume", "A Renamed Volume"),
                                    encoding="utf-8")
    second, _ = _load(tmp_path)
    assert second["child2020"].csl()["container-title"] == "A Renamed Volume"
    assert first["child2020"].csl()["container-title"] == "The Parent Volume"  # not changed under it
    (tmp_path / "a.bib").write_text("", encoding="utf-8")  # the parent is gone
    third, problems = _load(tmp_path)
    assert "container-title" not in third["child2020"].csl()
    assert any("crossref 'parent2020' is not defined" in p.message for p in problems)


ENTRY = """title: Thing
kind: concept
summary: A thing that links to [[other]] and cites a source.
sources:
  primary: plain2021
status:
  level: established
created: 2024-01-02
"""

OTHER = """title: Other
kind: concept
summary: Another thing, linked from [[thing]].
sources:
  primary: plain2021
status:
  level: established
created: 2024-01-02
"""


def _project(tmp_path: Path, bib: str) -> Path:
    (tmp_path / "concepts").mkdir(exist_ok=True)
    (tmp_path / "bib").mkdir(exist_ok=True)
    (tmp_path / "concepts" / "thing.yaml").write_text(ENTRY, encoding="utf-8")
    (tmp_path / "concepts" / "other.yaml").write_text(OTHER, encoding="utf-8")
    (tmp_path / "bib" / "refs.bib").write_text(bib, encoding="utf-8")
    return tmp_path


def test_fingerprints_follow_a_changed_source(tmp_path: Path) -> None:
    bib = CHILD.split("\n\n", 1)[1]
    root = _project(tmp_path, bib)
    wiki = load_wiki(root)
    assert not wiki.problems.errors, list(wiki.problems)
    before = entry_fingerprint(wiki.entries["thing"], wiki.sources)
    again = load_wiki(root)
    assert again.entries["thing"] is wiki.entries["thing"]
    assert entry_fingerprint(again.entries["thing"], again.sources) == before
    (root / "bib" / "refs.bib").write_text(bib.replace("{Plain}", "{Plainer}"), encoding="utf-8")
    changed = load_wiki(root)
    assert changed.entries["thing"] is wiki.entries["thing"]  # the entry file is unchanged
    assert entry_fingerprint(changed.entries["thing"], changed.sources) != before


def test_remembered_wikilinks_are_the_same_as_found_anew() -> None:
    text = "See [[a]], `[[not a link]]` and [[b#part|the b]].\n\n```\n[[c]]\n```\n"
    first = list(find_wikilinks(text))
    assert [(w.target, w.anchor, w.text) for w in first] == [("a", None, None), ("b", "part", "the b")]
    assert list(find_wikilinks(text)) == first


def test_garbage_is_collected_between_rebuilds_not_in_them(monkeypatch) -> None:
    import gc
    import time

    from conceptwiki.plugin.serving import IdleCollector

    collected: list[float] = []
    monkeypatch.setattr(gc, "collect", lambda *a, **k: collected.append(time.monotonic()) or 0)
    frozen: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: frozen.append("unfreeze"))
    assert gc.isenabled()
    collector = IdleCollector(delay=0.2)
    try:
        collector.pause()                     # a rebuild starts
        assert not gc.isenabled()
        collector.resume()                    # it ends: not yet (enabling would collect the
        assert not gc.isenabled() and not collected   # young generation before the reload)
        collector.pause()                     # another rebuild starts before the server is idle
        time.sleep(0.4)
        assert not collected, "no full collection inside a rebuild"
        assert not gc.isenabled()
        collector.resume()
        time.sleep(0.6)
        assert len(collected) == 1            # once idle: one full collection
        assert gc.isenabled()                 # and the collector runs again
        assert frozen == ["freeze"]           # what survived it is left out of later ones
        collector.resume()                    # not paused: nothing to do
        time.sleep(0.4)
        assert len(collected) == 1
        collector.pause()                     # a hot rebuild keeps it frozen
        collector.resume()
        time.sleep(0.6)
        assert len(collected) == 2 and frozen == ["freeze"]
        collector.pause(whole=True)           # MkDocs' own build: unfrozen, frozen again once idle
        assert frozen == ["freeze", "unfreeze"]
        collector.resume()
        time.sleep(0.6)
        assert len(collected) == 3 and frozen == ["freeze", "unfreeze", "freeze"]
    finally:
        collector.stop()
    assert gc.isenabled() and frozen[-1] == "unfreeze"
    # The server's first build is not paused: once idle, it is collected and frozen too.
    frozen.clear()
    collector = IdleCollector(delay=0.2)
    try:
        collector.resume()                    # `mkdocs build`: nothing
        time.sleep(0.4)
        assert len(collected) == 3 and frozen == []
        collector.resume(serving=True)
        time.sleep(0.4)
        assert len(collected) == 4 and frozen == ["freeze"] and gc.isenabled()
    finally:
        collector.stop()


def test_export_files_are_joined_from_pieces_kept_by_their_inputs() -> None:
    from conceptwiki.citations.cite import export_files
    from conceptwiki.citations.exports import csl_json

    def page(slug: str, title: str) -> dict:
        return {"id": f"page-{slug}", "type": "webpage", "title": title, "note": "Ünïcode “quoted”\nline"}

    src_a = {"id": "a2020", "type": "book", "title": "A", "author": [{"family": "Doe", "given": "J."}],
             "issued": {"date-parts": [[2020]]}, "empty": {}, "list": []}
    src_b = {"id": "b2021", "type": "article-journal", "title": "B"}
    pages = [("x", page("x", "X"), [src_a, src_b]), ("y", page("y", "Y"), [src_b])]
    plain = export_files(pages)
    # The joined CSL-JSON is the very text csl_json writes of the same items.
    assert plain["cite/x.json"] == csl_json([pages[0][1], src_a, src_b])
    assert plain["cite/all.json"] == csl_json([pages[0][1], pages[1][1], src_a, src_b])
    assert export_files([]) == {"cite/all.bib": "", "cite/all.ris": "", "cite/all.json": csl_json([])}

    memo: dict = {}
    keys = {"x": "k1", "y": "k1"}
    assert export_files(pages, page_keys=keys, memo=memo) == plain
    # A page is converted anew when its key changes, and only then.
    retitled = [("x", page("x", "X2"), [src_a, src_b]), pages[1]]
    assert export_files(retitled, page_keys=keys, memo=memo)["cite/x.bib"] == plain["cite/x.bib"]
    keys["x"] = "k2"
    again = export_files(retitled, page_keys=keys, memo=memo)
    assert again == export_files(retitled) and "X2" in again["cite/all.json"]
    # A source is converted anew when a new item object comes (a changed .bib record).
    changed_b = dict(src_b, title="B revised")
    third = export_files([("x", retitled[0][1], [src_a, changed_b]), ("y", page("y", "Y"), [changed_b])],
                         page_keys=keys, memo=memo)
    assert "B revised" in third["cite/all.bib"] and "B revised" in third["cite/y.ris"]
    assert third["cite/y.json"] == csl_json([page("y", "Y"), changed_b])


def test_index_cards_are_kept_while_what_they_show_is_the_same(tmp_path: Path) -> None:
    from conceptwiki.config import SiteConfig
    from conceptwiki.pipeline.incremental import page_keys
    from conceptwiki.render.listings import _CARDS
    from conceptwiki.render.site import SiteBuilder

    root = _project(tmp_path, CHILD.split("\n\n", 1)[1])

    engines: list = []

    def build(site_key: str | None = "site"):
        builder = SiteBuilder(load_wiki(root), SiteConfig(), engine=engines[0] if engines else None)
        engines.append(builder.citer.engine)
        page_keys(builder, ["concepts/index.md"], site_key=site_key)
        return builder, builder.index_page().html_body().html

    _CARDS.clear()
    first, html = build()
    card = _CARDS[("concepts/index.md", "thing")][1]
    again, html_again = build()
    assert _CARDS[("concepts/index.md", "thing")][1] is card and html_again == html
    # "thing"'s summary links to "other": its card shows other's title (and plain summary
    # as the link's title), so editing other's summary makes both cards anew.
    other = root / "concepts" / "other.yaml"
    other.write_text(OTHER.replace("Another thing,", "Another, edited thing,"), encoding="utf-8")
    edited, html_edited = build()
    assert _CARDS[("concepts/index.md", "thing")][1] is not card
    assert "Another, edited thing" in html_edited
    assert html_edited == build(site_key=None)[1]  # the same as made without any memo
    # Another site key (settings, templates, code): every card anew.
    kept = _CARDS[("concepts/index.md", "thing")][1]
    build(site_key="another site")
    assert _CARDS[("concepts/index.md", "thing")][1] is not kept


def test_the_sources_index_is_kept_while_its_records_and_citations_are(tmp_path: Path) -> None:
    from conceptwiki.config import SiteConfig
    from conceptwiki.pipeline.incremental import page_keys
    from conceptwiki.render.site import SiteBuilder
    from conceptwiki.render.sources import _INDEX, SOURCES_INDEX

    extra = "\n@misc{extra2022,\n  author = {Loe, Ann},\n  title = {Extra Notes},\n  year = {2022},\n}\n"
    root = _project(tmp_path, CHILD.split("\n\n", 1)[1] + extra)
    engines: list = []

    def build(site_key: str | None = "site") -> str:
        builder = SiteBuilder(load_wiki(root), SiteConfig(), engine=engines[0] if engines else None)
        engines.append(builder.citer.engine)
        page_keys(builder, [SOURCES_INDEX], site_key=site_key)
        return builder.source_pages.index_page().html_body().html

    _INDEX.clear()
    html = build()
    kept = _INDEX["index"][1]
    assert build() == html and _INDEX["index"][1] is kept
    assert html.count("not cited yet") == 1  # extra2022
    # A source now cited: made anew.
    thing = root / "concepts" / "thing.yaml"
    thing.write_text(ENTRY.replace("primary: plain2021", "primary: extra2022"), encoding="utf-8")
    cited = build()
    assert "not cited yet" not in cited and cited == build(site_key=None)
    # An edited record: made anew.
    bib = root / "bib" / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Extra Notes", "Extra Notes, Revised"),
                   encoding="utf-8")
    revised = build()
    assert "Extra Notes, Revised" in revised and revised == build(site_key=None)
    # Another site key: made anew.
    before = _INDEX["index"][1]
    build(site_key="another site")
    assert _INDEX["index"][1] is not before


def test_brief_item_json_is_kept_with_the_source_item(tmp_path: Path) -> None:
    from conceptwiki.config import SiteConfig
    from conceptwiki.render.brief import _ITEM_JSON
    from conceptwiki.render.site import SiteBuilder

    bib = CHILD.split("\n\n", 1)[1]
    root = _project(tmp_path, bib)
    engines: list = []

    def items() -> dict:
        builder = SiteBuilder(load_wiki(root), SiteConfig(styles=["apa"]), engine=engines[0] if engines else None)
        engines.append(builder.citer.engine)
        builder.brief.data_key = "site"  # as in `mkdocs serve`
        return builder.brief.items()

    _ITEM_JSON.clear()
    first = items()
    kept = _ITEM_JSON["plain2021"]
    assert kept[0] is first["plain2021"]["csl"] and '"Plain"' in (kept[1] or "")
    items()
    assert _ITEM_JSON["plain2021"] is kept  # the same record: the same item, its JSON kept
    (root / "bib" / "refs.bib").write_text(bib.replace("{Plain}", "{Plainer}"), encoding="utf-8")
    changed = items()
    assert _ITEM_JSON["plain2021"][0] is changed["plain2021"]["csl"] is not kept[0]
    assert '"Plainer"' in (_ITEM_JSON["plain2021"][1] or "")
    assert "Plainer" in changed["plain2021"]["bibtex"]


def test_plain_summaries_are_kept_while_their_text_and_link_targets_are(tmp_path: Path) -> None:
    from conceptwiki.config import SiteConfig
    from conceptwiki.pipeline.incremental import page_keys
    from conceptwiki.render.site import SiteBuilder
    from conceptwiki.render.text import _PLAIN

    root = _project(tmp_path, CHILD.split("\n\n", 1)[1])
    engines: list = []

    def plain(slug: str = "thing") -> str:
        builder = SiteBuilder(load_wiki(root), SiteConfig(), engine=engines[0] if engines else None)
        engines.append(builder.citer.engine)
        page_keys(builder, [], site_key="site")
        return builder.plain_summary(slug)

    _PLAIN.clear()
    first = plain()
    assert first == "A thing that links to other and cites a source."
    kept = _PLAIN["thing"]
    assert plain() == first and _PLAIN["thing"] is kept
    # The linked entry's title shows in "thing"'s plain summary: made anew when it changes.
    other = root / "concepts" / "other.yaml"
    other.write_text(OTHER.replace("title: Other", "title: Second item"), encoding="utf-8")
    assert plain() == "A thing that links to second item and cites a source."
    # Its own summary edited: made anew.
    thing = root / "concepts" / "thing.yaml"
    thing.write_text(ENTRY.replace("A thing that", "A changed thing that"), encoding="utf-8")
    assert plain() == "A changed thing that links to second item and cites a source."


def test_concept_maps_after_a_title_edit_are_those_drawn_anew(tmp_path: Path) -> None:
    """A title edit with the same links redraws only the maps within two hops of the retitled
    entry (``EntryKeys.hoods``); every map must be the one drawn from scratch."""
    import sys

    import yaml

    from conceptwiki.config import SiteConfig
    from conceptwiki.pipeline import incremental
    from conceptwiki.render.site import SiteBuilder

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import generate as gen

    root = tmp_path / "p"
    model = gen.generate(root, 150, seed=5)
    engine: list = []

    def hoods(*, memo: bool) -> tuple[dict, dict]:
        if not memo:
            incremental._HOODS.clear()
        builder = SiteBuilder(load_wiki(root), SiteConfig(), engine=engine[0] if engine else None)
        engine[:] = [builder.citer.engine]
        keys = incremental.EntryKeys(builder)
        return keys.hoods, keys.hood_keys

    hoods(memo=False)
    by_degree = sorted(model.by_slug, key=lambda s: sum(s in (root / "concepts" / f"{o}.yaml").read_text(
        encoding="utf-8") for o in model.by_slug))
    from conceptwiki.render.graph import ConceptGraph

    drawn: list[str] = []
    draw = ConceptGraph.neighbourhood

    def counted(self, slug, *args, **kwargs):
        drawn.append(slug)
        return draw(self, slug, *args, **kwargs)

    titles = {s: yaml.safe_load((root / "concepts" / f"{s}.yaml").read_text(encoding="utf-8"))["title"].casefold()
              for s in model.by_slug}
    orders = [sorted(model.by_slug, key=lambda s: (titles[s], s))]
    # A leaf, a middling entry and the hub, each retitled to sort first, then last, then
    # reworded in last place (a title that keeps its place in title order: no map is drawn).
    for slug in (by_degree[0], by_degree[len(by_degree) // 2], by_degree[-1]):
        for title in ("Aaa first of all", "Zzz last of all", "Zzz last of all, reworded"):
            path = root / "concepts" / f"{slug}.yaml"
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data["title"] = title
            path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
            drawn.clear()
            ConceptGraph.neighbourhood = counted  # type: ignore[method-assign]
            try:
                kept, kept_keys = hoods(memo=True)
            finally:
                ConceptGraph.neighbourhood = draw  # type: ignore[method-assign]
            # Maps are drawn again exactly when the title order changed (the leaf may be on
            # no map at all).
            order = sorted(model.by_slug, key=lambda s: (title.casefold() if s == slug else titles[s], s))
            if slug != by_degree[0]:
                assert bool(drawn) == (order != orders[-1]), (slug, title, len(drawn))
            assert title != "Zzz last of all, reworded" or drawn == []
            orders.append(order)
            titles[slug] = title.casefold()
            fresh, fresh_keys = hoods(memo=False)
            assert kept == fresh and kept_keys == fresh_keys, (slug, title)


def test_an_entrys_reference_problems_are_kept_while_what_they_read_is(tmp_path: Path) -> None:
    """``_check_references`` keeps an unchanged entry's problems between loads, and finds
    them anew when the names, keys or slugs they read change."""
    bib = CHILD.split("\n\n", 1)[1]
    root = _project(tmp_path, bib)
    other = root / "concepts" / "other.yaml"
    other.write_text(OTHER.replace("linked from [[thing]]", "linked from [[thing]] and [[missing name]]"),
                     encoding="utf-8")

    def link_problems(wiki) -> list:
        return [p for p in wiki.problems if "missing name" in p.message]

    first = load_wiki(root)
    assert len(link_problems(first)) == 1 and link_problems(first)[0].path.endswith("other.yaml")
    again = load_wiki(root)
    assert again.entries["other"] is first.entries["other"]
    assert link_problems(again)[0] is link_problems(first)[0]  # kept, not found anew
    # Another entry takes the name as an alias: other.yaml is unchanged, its link now resolves.
    thing = root / "concepts" / "thing.yaml"
    thing.write_text(thing.read_text(encoding="utf-8").replace("title: ", "aliases: [Missing name]\ntitle: ", 1),
                     encoding="utf-8")
    aliased = load_wiki(root)
    assert aliased.entries["other"] is first.entries["other"]
    assert link_problems(aliased) == [], list(aliased.problems)
    # A key the entry cites disappears from the .bib files: an unknown key, found anew.
    (root / "bib" / "refs.bib").write_text(bib.replace("plain2021", "plain2022"), encoding="utf-8")
    assert any("unknown BibTeX key 'plain2021'" in p.message for p in load_wiki(root).problems)
