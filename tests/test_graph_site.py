"""The graph on a real site: concept maps on concept pages and the whole-wiki graph page, built
with MkDocs in a temporary folder and read with an HTML parser (and, for the filter, a browser)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.slow


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def entries() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "concepts").glob("*.yaml"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("graph-site") / "project"
    dest.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "concepts", "bib"):
        shutil.copytree(ROOT / folder, dest / folder)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-d", "site"], cwd=dest,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    bad = [l for l in result.stderr.splitlines() if l.startswith(("WARNING", "ERROR"))]
    assert bad == []
    return dest / "site"


def resolve(page: Path, href: str) -> Path:
    target = (page.parent / href.split("#")[0]).resolve()
    return target / "index.html" if target.is_dir() else target


def test_concept_page_shows_its_neighbourhood(site: Path):
    data = entries()
    slug = "mesa-optimization"
    page = site / "concepts" / slug / "index.html"
    doc = soup(page)
    assert doc.select_one("article h2#concept-map") is not None
    figure = doc.select_one("article figure.cw-graph--concept")
    assert figure is not None and figure.has_attr("data-search-exclude")
    svg = figure.select_one("svg.cw-graph__svg")
    labels = svg["aria-labelledby"].split()
    assert [svg.find(id=i).name for i in labels] == ["title", "desc"]
    assert svg.find("title").get_text() == f"Concept map of {data[slug]['title']}"
    nodes = svg.select("a.cw-graph__node")
    hrefs = {a["href"] for a in nodes}
    # every node is a working relative link to a concept page, with the concept's title
    titles = {}
    for a in nodes:
        target = resolve(page, a["href"])
        assert target.is_file(), a["href"]
        assert target.parent.parent == (site / "concepts").resolve()
        titles[target.parent.name] = a.find("title").get_text()
    for s, t in titles.items():
        assert t.startswith(data[s]["title"] + " ("), (s, t)
    centre = svg.select("a[aria-current=page]")
    assert len(centre) == 1 and resolve(page, centre[0]["href"]) == page.resolve()
    assert "cw-graph__node--centre" in centre[0]["class"]
    # the related concepts (declared on either page) are all on the map, up to the cap
    related = set(data[slug].get("related", [])) | {
        s for s, d in data.items() if slug in d.get("related", [])}
    drawn = set(titles)
    assert len(related & drawn) == min(len(related), 16) or related <= drawn
    # kinds: a node's class names its kind, as in the YAML
    for a in nodes:
        s = resolve(page, a["href"]).parent.name
        assert f"cw-graph__node--{data[s]['kind']}" in a["class"]
    # wikilinks are edges too: arrowheads on "links to" edges, the key explains both kinds
    arrows = svg.select("path.cw-graph__edge[marker-end], path.cw-graph__edge[marker-start]")
    assert arrows, "no wikilink drawn"
    assert {"related", "links to"} <= {li.get_text(strip=True) for li in
                                      figure.select(".cw-graph__legend li")}
    # the list is a text alternative with the same links
    listing = figure.select_one("details.cw-graph__list")
    assert listing.summary.get_text(strip=True) == "The concept map as a list"
    assert {a["href"] for a in listing.select("a")} == hrefs - {centre[0]["href"]}


def test_every_connected_concept_has_a_map(site: Path):
    data = entries()
    for slug in data:
        doc = soup(site / "concepts" / slug / "index.html")
        assert doc.select_one("figure.cw-graph--concept svg") is not None, slug


def test_graph_page_in_nav_with_filters_and_full_list(site: Path):
    data = entries()
    page = site / "graph" / "index.html"
    doc = soup(page)
    nav = [a.get_text(strip=True) for a in doc.select("nav.md-nav--primary a")]
    assert "Graph" in nav
    home_nav = [a.get_text(strip=True) for a in soup(site / "index.html").select("nav.md-nav--primary a")]
    assert "Graph" in home_nav
    form = doc.select_one("form[data-cw-graph-filter]")
    assert form is not None and form.has_attr("hidden")     # shown by graph.js only
    kinds = [o["value"] for o in form.select("select[name=kind] option")]
    assert kinds[0] == "" and set(kinds[1:]) == {d["kind"] for d in data.values()}
    tags = [o["value"] for o in form.select("select[name=tag] option")]
    assert tags[0] == "" and tags[1:] == sorted({t for d in data.values() for t in d.get("tags", [])})
    svg = doc.select_one("figure.cw-graph--wiki svg")
    nodes = svg.select("a.cw-graph__node")
    assert len(nodes) == len(data)                           # a small wiki is drawn whole
    index = {}
    for a in nodes:
        target = resolve(page, a["href"])
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
    assert (site / "assets" / "conceptwiki" / "graph.js").is_file()
    assert (site / "assets" / "conceptwiki" / "graph.css").is_file()


def test_graph_is_not_in_the_search_index(site: Path):
    import json

    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        assert "Concept map of" not in doc["text"]
        assert "The concept map as a list" not in doc["text"]


def test_cli_build_writes_the_graph_page_with_the_same_bytes_every_time(tmp_path: Path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), SOURCE_DATE_EPOCH="1767225600")
    outs = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = subprocess.run([str(BIN / "conceptwiki"), "--root", str(ROOT), "build", "--out",
                                 str(out)], capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == 0, result.stderr
        outs.append(out)
    md = (outs[0] / "graph" / "index.md").read_text(encoding="utf-8")
    assert "<svg" in md and "data-cw-graph-filter" in md
    assert 'class="cw-graph cw-graph--concept"' in (outs[0] / "concepts" / "mesa-optimization.md").read_text()
    pages = ["graph/index.md", *(f"concepts/{s}.md" for s in entries())]
    for page in pages:
        assert (outs[0] / page).read_bytes() == (outs[1] / page).read_bytes(), page


# -- in a browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@pytest.mark.browser
def test_filter_by_kind_and_tag_in_a_browser(served: str, browser):
    data = entries()
    page = browser.new_page()
    page.goto(served + "graph/")
    form = page.locator("form[data-cw-graph-filter]")
    form.wait_for(state="visible")
    nodes = page.locator(".cw-graph--wiki a.cw-graph__node")
    assert nodes.count() == len(data)

    def visible(selector: str) -> list[str]:
        return page.eval_on_selector_all(
            selector, "els => els.filter(e => getComputedStyle(e).display !== 'none')"
                      ".map(e => e.getAttribute('href'))")

    page.select_option("select[name=kind]", "risk")
    risks = {s for s, d in data.items() if d["kind"] == "risk"}
    shown = visible(".cw-graph--wiki a.cw-graph__node")
    assert {h.rstrip("/").split("/")[-1] for h in shown} == risks
    listed = page.eval_on_selector_all(
        ".cw-graph-list li", "els => els.filter(e => e.offsetParent !== null)"
                             ".map(e => e.querySelector('a').getAttribute('href'))")
    assert {h.rstrip("/").split("/")[-1] for h in listed} == risks
    hidden_edges = page.eval_on_selector_all(
        ".cw-graph--wiki path[data-a]",
        "els => els.filter(e => getComputedStyle(e).display === 'none').length")
    assert hidden_edges > 0
    status = page.locator(".cw-graph-filter__status").inner_text()
    assert status.startswith(f"{len(risks)} of {len(data)} concepts match")
    assert "kind=risk" in page.url

    page.select_option("select[name=kind]", "")
    tag = "inner-alignment"
    page.select_option("select[name=tag]", tag)
    tagged = {s for s, d in data.items() if tag in d.get("tags", [])}
    shown = visible(".cw-graph--wiki a.cw-graph__node")
    assert {h.rstrip("/").split("/")[-1] for h in shown} == tagged

    page.focus("form[data-cw-graph-filter] button[type=reset]")   # by keyboard, no mouse
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.cw-graph .cw-is-hidden').length === 0")
    assert len(visible(".cw-graph--wiki a.cw-graph__node")) == len(data)

    # a filter in the address is applied on load
    page.goto(served + "graph/#kind=risk")
    page.locator("form[data-cw-graph-filter]").wait_for(state="visible")
    assert {h.rstrip("/").split("/")[-1] for h in visible(".cw-graph--wiki a.cw-graph__node")} == risks
    page.close()


@pytest.mark.browser
def test_concept_map_nodes_are_links_in_a_browser(served: str, browser):
    page = browser.new_page()
    page.goto(served + "concepts/mesa-optimization/")
    node = page.locator("figure.cw-graph--concept a.cw-graph__node:not([aria-current])").first
    box = node.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    href = node.get_attribute("href")
    node.click()
    slug = href.strip("./").split("/")[-1]
    page.wait_for_url("**/concepts/" + slug + "/")
    # the new page (swapped in by Material's instant navigation) has its own map
    page.locator("figure.cw-graph--concept svg.cw-graph__svg").wait_for()
    assert page.locator("svg.cw-graph__svg").count() == 1
    title = page.locator("svg.cw-graph__svg > title").text_content()
    assert title == "Concept map of " + page.locator("article h1").first.text_content().strip()
    # keyboard: the nodes are links, so they take focus like any other link
    first = page.locator("svg.cw-graph__svg a.cw-graph__node").first
    first.focus()
    assert page.evaluate("document.activeElement.classList.contains('cw-graph__node')")
    page.close()
