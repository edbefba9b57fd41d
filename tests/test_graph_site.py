"""The graph on a real site: concept maps on concept pages and the whole-wiki graph page, on
this repository's site (built once per run with MkDocs, conftest.py) read with an HTML parser. In a browser:
tests/browser/test_graph_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from conceptwiki.render.graph import MAX_WIKI_NODES

from helpers import real_entries as entries
from helpers import soup

pytestmark = pytest.mark.slow


def resolve(page: Path, href: str) -> Path:
    target = (page.parent / href.split("#")[0]).resolve()
    return target / "index.html" if target.is_dir() else target


def test_concept_page_shows_its_neighbourhood(real_site: Path):
    data = entries()
    slug = "mesa-optimization"
    page = real_site / "concepts" / slug / "index.html"
    doc = soup(page)
    assert doc.select_one("article h2#concept-map") is not None
    figure = doc.select_one("article figure.cw-graph--concept")
    assert figure is not None and figure.has_attr("data-search-exclude")
    svg = figure.select_one("svg.cw-graph__svg")
    labels = svg["aria-labelledby"].split()
    assert [svg.find(id=i).name for i in labels] == ["title", "desc"]
    assert svg.find("title").get_text() == f"Concept map of {data[slug]['title']}"
    nodes = svg.select(".cw-graph__nodes > a")
    assert not [a for a in nodes if a.has_attr("href")]   # xlink:href only (see graph.draw)
    hrefs = {a["xlink:href"] for a in nodes}
    # every node is a working relative link to a concept page, with the concept's title
    titles = {}
    for a in nodes:
        target = resolve(page, a["xlink:href"])
        assert target.is_file(), a["xlink:href"]
        assert target.parent.parent == (real_site / "concepts").resolve()
        titles[target.parent.name] = a.find("title").get_text()
    for s, t in titles.items():
        assert t.startswith(data[s]["title"] + " ("), (s, t)
    centre = svg.select("a[aria-current=page]")
    assert len(centre) == 1 and resolve(page, centre[0]["xlink:href"]) == page.resolve()
    assert centre[0].parent["class"] == ["cw-graph__nodes"]
    # the related concepts (declared on either page) are all on the map, up to the cap
    related = set(data[slug].get("related", [])) | {
        s for s, d in data.items() if slug in d.get("related", [])}
    drawn = set(titles)
    assert len(related & drawn) == min(len(related), 16) or related <= drawn
    # kinds: a node's class names its kind, as in the YAML
    for a in nodes:
        s = resolve(page, a["xlink:href"]).parent.name
        assert a["class"] == [f"cw-graph__node--{data[s]['kind']}"]
    # wikilinks are edges too: arrowheads on "links to" edges, the key explains both kinds
    arrows = [p for p in svg.select("g.cw-graph__edge path[data-e]") if "z" in p["d"]]
    assert arrows, "no wikilink drawn"
    assert {"related", "links to"} <= {li.get_text(strip=True) for li in
                                      figure.select(".cw-graph__legend li")}
    # nothing that is the same on every page is in the page: no markers or other <defs>, no
    # inline styles, a key of plain HTML (its shapes are in graph.css), one group per edge kind
    assert not svg.select("defs, marker, style, [style]") and not figure.select("[style]")
    assert not figure.select(".cw-graph__legend svg")
    key = {li["class"][1].removeprefix("cw-graph__key--") for li in
           figure.select(".cw-graph__legend li.cw-graph__key")}
    assert key == {data[resolve(page, a["xlink:href"]).parent.name]["kind"] for a in nodes} | {
        "related", "link"}
    kinds = [g["class"] for g in svg.select("g.cw-graph__edge")]
    assert kinds and len(kinds) == len({" ".join(k) for k in kinds})
    for p in svg.select("g.cw-graph__edge > path"):
        i, j = map(int, p["data-e"].split())
        assert 0 <= i < len(nodes) and 0 <= j < len(nodes)
    # the list is a text alternative with the same links
    listing = figure.select_one("details.cw-graph__list")
    assert listing.summary.get_text(strip=True) == "The concept map as a list"
    assert {a["href"] for a in listing.select("a")} == hrefs - {centre[0]["xlink:href"]}


def test_every_connected_concept_has_a_map(real_site: Path):
    data = entries()
    for slug in data:
        doc = soup(real_site / "concepts" / slug / "index.html")
        assert doc.select_one("figure.cw-graph--concept svg") is not None, slug


def test_graph_page_in_nav_with_filters_and_full_list(real_site: Path):
    data = entries()
    page = real_site / "graph" / "index.html"
    doc = soup(page)
    nav = [a.get_text(strip=True) for a in doc.select("nav.md-nav--primary a")]
    assert "Graph" in nav
    home_nav = [a.get_text(strip=True) for a in soup(real_site / "index.html").select("nav.md-nav--primary a")]
    assert "Graph" in home_nav
    form = doc.select_one("form[data-cw-graph-filter]")
    assert form is not None and form.has_attr("hidden")     # shown by graph.js only
    kinds = [o["value"] for o in form.select("select[name=kind] option")]
    assert kinds[0] == "" and set(kinds[1:]) == {d["kind"] for d in data.values()}
    tags = [o["value"] for o in form.select("select[name=tag] option")]
    assert tags[0] == "" and tags[1:] == sorted({t for d in data.values() for t in d.get("tags", [])})
    svg = doc.select_one("figure.cw-graph--wiki svg")
    nodes = svg.select(".cw-graph__nodes > a")
    # the MAX_WIKI_NODES most connected concepts are drawn (the list below has them all)
    assert len(nodes) == min(len(data), MAX_WIKI_NODES)
    index = {}
    for a in nodes:
        target = resolve(page, a["xlink:href"])
        assert target.is_file()
        s = target.parent.name
        index[a["data-n"]] = s
        assert a["data-kind"] == data[s]["kind"]
        assert a["data-tags"].split() == data[s].get("tags", [])
    for edge in svg.select("path[data-a]"):
        assert edge["data-a"] in index and edge["data-b"] in index
    listed = doc.select(".cw-graph-list li[data-tags]")
    assert len(listed) == len(data)
    for li in listed:
        assert resolve(page, li.a["href"]).is_file()
        group = li.find_parent("section")
        assert group["data-kind"] == data[resolve(page, li.a["href"]).parent.name]["kind"]
    scripts = [s.get("src", "") for s in doc.select("script[src]")]
    css = [l.get("href", "") for l in doc.select("link[rel=stylesheet]")]
    assert any(s.endswith("assets/conceptwiki/graph.js") for s in scripts)
    assert any(h.endswith("assets/conceptwiki/graph.css") for h in css)
    assert (real_site / "assets" / "conceptwiki" / "graph.js").is_file()
    assert (real_site / "assets" / "conceptwiki" / "graph.css").is_file()


def test_graph_is_not_in_the_search_index(real_site: Path, real_site_material: Path):
    import json

    # Pagefind (the default search) skips what is marked data-pagefind-ignore; Material's lunr
    # (search: material) what is marked data-search-exclude.
    for page in [real_site / "concepts" / "mesa-optimization" / "index.html", real_site / "graph" / "index.html"]:
        for fig in soup(page).select("figure.cw-graph, .cw-graph-list"):
            assert fig.get("data-pagefind-ignore") == "all" and fig.has_attr("data-search-exclude")
    assert (real_site_material / "search" / "search_index.json").exists()
    for site in (real_site, real_site_material):
        lunr = site / "search" / "search_index.json"
        if lunr.exists():
            for doc in json.loads(lunr.read_text(encoding="utf-8"))["docs"]:
                assert "Concept map of" not in doc["text"]
                assert "The concept map as a list" not in doc["text"]


def test_cli_build_writes_the_graph_page_with_the_same_bytes_every_time(repo_cli_builds):
    outs = repo_cli_builds  # two `conceptwiki build --out` runs of this repository (conftest.py)
    md = (outs[0] / "graph" / "index.md").read_text(encoding="utf-8")
    assert "<svg" in md and "data-cw-graph-filter" in md
    assert 'class="cw-graph cw-graph--concept"' in (outs[0] / "concepts" / "mesa-optimization.md").read_text()
    pages = ["graph/index.md", *(f"concepts/{s}.md" for s in entries())]
    for page in pages:
        assert (outs[0] / page).read_bytes() == (outs[1] / page).read_bytes(), page
