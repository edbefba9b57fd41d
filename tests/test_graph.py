"""Unit tests of the concept graph (plugins/conceptwiki/graph.py) on small hand-made wikis:
adjacency, neighbourhoods, caps, layout, determinism and escaping of the SVG."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import pytest

from conceptwiki.graph import (
    ConceptGraph,
    GraphNode,
    KIND_ORDER,
    draw,
    neighbourhood_view,
    shape_path,
    sibling_urls,
    truncate,
    wiki_view,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "plugins" / "conceptwiki" / "templates"
SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"   # node links use xlink:href (see graph.draw)


def env() -> jinja2.Environment:
    """The same Jinja set-up as SiteBuilder (autoescaping on)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)


def url(slug: str) -> str:
    return f"../{slug}/"


def make(titles: dict[str, str] | None = None, *, kinds: dict[str, str] | None = None,
         related: dict[str, list[str]] | None = None, links: dict[str, list[str]] | None = None,
         tags: dict[str, tuple[str, ...]] | None = None) -> ConceptGraph:
    titles = titles or {}
    slugs = set(titles) | set(related or {}) | set(links or {})
    for m in (related or {}, links or {}):
        for v in m.values():
            slugs.update(v)
    nodes = {s: GraphNode(s, titles.get(s, s.replace("-", " ").capitalize()),
                          (kinds or {}).get(s, "concept"), (tags or {}).get(s, ()))
             for s in sorted(slugs)}
    return ConceptGraph(nodes, related or {}, links or {})


# A small wiki:  a -related- b,  a -> c,  d -> a,  b -related- e,  c -> f,  e -> g (three hops),
# h stands alone, b -> c (a triangle a-b-c).
SMALL = dict(related={"a": ["b"], "e": ["b"]},
             links={"a": ["c"], "d": ["a"], "c": ["f"], "e": ["g"], "b": ["c"], "h": []})


def test_adjacency_both_ways_and_directions():
    g = make(**SMALL)
    assert g.related["a"] == {"b"} and g.related["b"] == {"a", "e"}
    assert g.out["a"] == {"c"} and g.inc["a"] == {"d"} and g.inc["c"] == {"a", "b"}
    assert g.adj["a"] == {"b", "c", "d"}
    assert g.adj["h"] == set() and g.degree["h"] == 0
    e = g.edge("a", "b")
    assert e.related and not e.a_links_b and e.kind == "related"
    e = g.edge("d", "a")
    assert not e.related and e.a_links_b and not e.b_links_a and e.kind == "link"
    assert g.edge("a", "e") is None


def test_unknown_slugs_and_self_references_are_ignored():
    nodes = {"a": GraphNode("a", "A", "concept"), "b": GraphNode("b", "B", "risk")}
    g = ConceptGraph(nodes, {"a": ["a", "zzz"], "zzz": ["a"]}, {"a": ["a", "b", "nope"]})
    assert g.adj == {"a": {"b"}, "b": {"a"}}
    assert g.related == {"a": set(), "b": set()}


def test_related_and_link_on_the_same_pair_is_one_edge_of_both_kinds():
    g = make(related={"x": ["y"]}, links={"y": ["x"]})
    e = g.edge("x", "y")
    assert e.kind == "both" and e.b_links_a and not e.a_links_b


def test_neighbourhood_of_a_small_wiki():
    g = make(**SMALL)
    hood = g.neighbourhood("a")
    assert set(hood.first) == {"b", "c", "d"}
    assert set(hood.second) == {"e", "f"}          # g is three hops away, h is not connected
    assert hood.parent == {"e": "b", "f": "c"}
    assert hood.hidden == 0
    pairs = {(e.a, e.b) for e in hood.edges}
    # every edge among drawn nodes, including b-c (both 1-hop) and none to g
    assert {frozenset(p) for p in pairs} == {frozenset(p) for p in
                                             [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"),
                                              ("b", "e"), ("c", "f")]}
    # 1-hop nodes are sorted by title on the ring
    assert hood.first == sorted(hood.first, key=g.title_key)


def test_isolated_concept_has_no_map():
    g = make(**SMALL)
    assert neighbourhood_view(g, "h", url) is None
    assert neighbourhood_view(g, "not-a-concept", url) is None


def test_related_concepts_are_kept_first_when_the_ring_is_capped():
    links = {"c": [f"hub{i}" for i in range(5)]}
    for i in range(5):
        links[f"hub{i}"] = [f"leaf{i}-{j}" for j in range(10)]
    g = make(links=links, related={"c": ["quiet1", "quiet2"]})
    hood = g.neighbourhood("c", max_first=3)
    assert set(hood.first) == {"quiet1", "quiet2", "hub0"} and hood.hidden_first == 4


def test_first_ring_is_capped_by_connections_then_title():
    # The centre links to 30 leaves; leaf k has k extra neighbours of its own.
    links = {"centre": [f"l{k:02d}" for k in range(30)]}
    for k in range(30):
        links[f"l{k:02d}"] = [f"x{k:02d}-{j}" for j in range(k % 7)]
    g = make(links=links)
    hood = g.neighbourhood("centre", max_first=10, max_second=5)
    assert len(hood.first) == 10 and hood.hidden_first == 20
    expected = sorted((f"l{k:02d}" for k in range(30)), key=lambda s: (-g.degree[s], s))[:10]
    assert sorted(hood.first) == sorted(expected)
    assert len(hood.second) == 5
    reach = set().union(*(g.adj[f] for f in hood.first)) - g.adj["centre"] - {"centre"}
    assert hood.hidden_second == len(reach) - 5
    view = neighbourhood_view(g, "centre", url, max_first=10, max_second=5)
    assert view["more"] == 20 + hood.hidden_second
    assert view["more_first"] == 20
    text = env().get_template("graph.html.j2").render(graph=view)
    assert f"{hood.hidden_second} more two steps away" in text
    assert "20 more directly connected concepts" in text
    assert len(re.findall(r'<a class="cw-graph__node', text)) == 1 + 10 + 5


@pytest.mark.parametrize("seed", range(6))
def test_second_ring_is_the_exact_top_of_all_two_hop_candidates(seed):
    """The bounded search for 2-hop nodes finds the same nodes as a full scan would; the inner
    ring keeps related concepts first, then the most connected."""
    rng = random.Random(seed)
    n = 120
    slugs = [f"c{i:03d}" for i in range(n)]
    # heavy-tailed: a few hubs get most links
    weights = [1 / (i + 1) for i in range(n)]
    links = {s: rng.choices(slugs, weights, k=rng.randint(1, 6)) for s in slugs}
    related = {s: rng.sample(slugs, rng.randint(0, 2)) for s in slugs}
    g = make(related=related, links=links)
    for centre in rng.sample(slugs, 40):
        if not g.adj[centre]:
            continue
        hood = g.neighbourhood(centre, max_first=6, max_second=7)
        first = sorted(g.adj[centre], key=lambda s: (s not in g.related[centre], -g.degree[s],
                                                     g.title_key(s)))[:6]
        assert sorted(hood.first) == sorted(first)
        cands = set().union(*(g.adj[f] for f in first)) - g.adj[centre] - {centre}
        best = sorted(cands, key=lambda s: (-g.degree[s], g.title_key(s)))[:7]
        assert sorted(hood.second) == sorted(best)
        assert hood.hidden_second == len(cands) - len(best)
        for s, p in hood.parent.items():
            assert p in hood.first and s in g.adj[p]


def test_layout_fits_the_viewbox_and_keeps_nodes_apart():
    g = make(**SMALL)
    view = neighbourhood_view(g, "a", url)
    x0, y0, w, h = map(float, view["viewbox"].split())
    points = set()
    for n in view["nodes"]:
        x, y = float(n["x"]), float(n["y"])
        assert x0 < x < x0 + w and y0 < y < y0 + h
        points.add((x, y))
    assert len(points) == len(view["nodes"])
    centre = [n for n in view["nodes"] if n["role"] == "centre"]
    assert [n["slug"] for n in centre] == ["a"] and (centre[0]["x"], centre[0]["y"]) == ("0", "0")


def test_every_kind_has_its_own_shape():
    shapes = {shape_path(k, 7.0) for k in KIND_ORDER}
    assert len(shapes) == len(KIND_ORDER)
    for d in shapes:
        assert re.fullmatch(r"[MLZa0-9.,\- ]+", d)


def test_same_bytes_every_time_whatever_the_input_order():
    def render(order_seed: int) -> tuple[str, str]:
        rng = random.Random(order_seed)
        rel = {k: list(v) for k, v in SMALL["related"].items()}
        lnk = {k: list(v) for k, v in SMALL["links"].items()}
        items = list(lnk.items())
        rng.shuffle(items)
        g = make(related=rel, links=dict(items))
        nodes = list(g.nodes.items())
        rng.shuffle(nodes)
        g = ConceptGraph(dict(nodes), rel, dict(items))
        e = env()
        concept = e.get_template("graph.html.j2").render(graph=neighbourhood_view(g, "a", url))
        page = e.get_template("graph.md.j2").render(view=wiki_view(g, url))
        return concept, page

    first = render(0)
    for seed in range(1, 5):
        assert render(seed) == first


HOSTILE = ['<script>alert(1)</script>', '"><svg onload=alert(1)>', "Tom & Jerry's <b>",
           "]]><!-- x --></title></svg><img src=x onerror=alert(1)>"]


def _svg_root(html: str) -> ET.Element:
    m = re.search(r"<svg class=\"cw-graph__svg\".*?</svg>", html, re.S)
    assert m, "no drawing"
    return ET.fromstring(m.group(0))          # well-formed XML, or this raises


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_are_escaped_everywhere(title):
    titles = {"a": title, "b": "Plain", "c": title + " two", "d": "D"}
    g = make(titles, related={"a": ["b"]}, links={"b": ["c"], "d": ["a"]})
    e = env()
    for html in (e.get_template("graph.html.j2").render(graph=neighbourhood_view(g, "a", url)),
                 e.get_template("graph.html.j2").render(graph=neighbourhood_view(g, "b", url)),
                 e.get_template("graph.md.j2").render(view=wiki_view(g, url))):
        assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert "<svg onload" not in html
        root = _svg_root(html)
        assert not [el for el in root.iter() if el.tag.endswith("script")]
        for el in root.iter():
            assert not [k for k in el.attrib if k.lower().startswith("on")], el.attrib
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
        assert any(title in t for t in texts), texts       # round-trips as text


def test_svg_is_labelled_and_nodes_are_links():
    g = make(**SMALL)
    html = env().get_template("graph.html.j2").render(graph=neighbourhood_view(g, "a", url))
    root = _svg_root(html)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(root.get("aria-labelledby").split()) <= ids
    assert root.find(f"{SVG}title").text == "Concept map of A"
    links = root.findall(f".//{SVG}a")
    assert {a.get(HREF) for a in links} == {url(s) for s in "abcdef"}
    centre = [a for a in links if a.get("aria-current") == "page"]
    assert [a.get(HREF) for a in centre] == [url("a")]
    for a in links:
        assert a.find(f"{SVG}title").text and a.find(f"{SVG}text").text
    # arrowheads on links, none on related-only edges
    edges = root.findall(f".//{SVG}path[@class]")
    marked = [p for p in edges if "cw-graph__edge--link" in p.get("class") and
              not "weak" in p.get("class")]
    assert marked and all(p.get("marker-end") or p.get("marker-start") for p in marked)
    assert not [p for p in edges if p.get("class").endswith("--related") and
                (p.get("marker-end") or p.get("marker-start"))]
    # the text alternative names every drawn neighbour
    for word in ("Related", "Links to", "Linked from", "Two steps away"):
        assert word in html
    for s in "bcdef":
        assert f'href="{url(s)}"' in html.split("<details", 1)[1]


def test_wiki_view_groups_filters_and_caps():
    kinds = {"a": "risk", "b": "method", "c": "risk"}
    tags = {"a": ("x",), "b": ("x", "y"), "e": ("y",)}
    g = make(kinds=kinds, tags=tags, **SMALL)
    view = wiki_view(g, url)
    assert view["count"] == 8 and view["drawn"] == 8
    assert [grp["kind"] for grp in view["groups"]] == ["concept", "risk", "method"]
    assert view["tags"] == [("x", 2), ("y", 2)]
    html = env().get_template("graph.md.j2").render(view=view)
    root = _svg_root(html)
    nodes = root.findall(f".//{SVG}a")
    slug_of = {a.get("data-n"): a.get(HREF).strip("./") for a in nodes}
    assert sorted(slug_of) == sorted(str(i) for i in range(8))
    assert set(slug_of.values()) == set("abcdefgh")
    by_slug = {a.get(HREF).strip("./"): a for a in nodes}
    assert {by_slug[s].get("data-kind") for s in "ac"} == {"risk"}
    assert by_slug["b"].get("data-tags") == "x y" and by_slug["h"].get("data-tags") == ""
    drawn_edges = {frozenset((slug_of[p.get("data-a")], slug_of[p.get("data-b")]))
                   for p in root.findall(f".//{SVG}path[@data-a]")}
    assert drawn_edges == {frozenset((e.a, e.b)) for e in g.edges_among(list(g.nodes))}
    assert '<option value="risk">Risks</option>' in html
    assert '<option value="y">y (2)</option>' in html
    assert html.count("<li data-tags=") == 8
    # capped: the most connected are drawn, all are listed
    small = wiki_view(g, url, max_nodes=3)
    assert small["drawn"] == 3
    drawn = {n["slug"] for n in small["drawing"]["nodes"]}
    assert drawn == set(sorted(g.nodes, key=lambda s: (-g.degree[s], g.title_key(s)))[:3])
    html = env().get_template("graph.md.j2").render(view=small)
    assert "the 3 most connected" in html and html.count("<li data-tags=") == 8


def test_truncate_and_sibling_urls():
    assert truncate("Short") == "Short"
    long = truncate("Catastrophic reflective amplification of things")
    assert len(long) <= 20 and long.endswith("…")
    fast = sibling_urls(lambda s: f"../../concepts/{s}.html")
    assert fast("x-y") == "../../concepts/x-y.html"
    odd = sibling_urls(lambda s: "/fixed/")   # not of the form prefix+slug+suffix: kept as is
    assert odd("x") == "/fixed/"


def test_draw_escapes_data_attributes():
    g = make({"a": "A"}, related={"a": ["b"]}, tags={"a": ('"><x',)})
    view = wiki_view(g, lambda s: f'../{s}/?q="<>')
    body = str(view["drawing"]["body"])
    assert '"><x' not in body and "&#34;&gt;&lt;x" in body
    assert 'xlink:href="../a/?q=&#34;&lt;&gt;"' in body
    assert str(draw(view["drawing"], "cw-graph-wiki")) == body


def test_from_site_reads_the_builders_maps():
    """The contract with SiteBuilder: entries, ``related`` (both ways) and ``backlinks``
    (target -> linking sources; sources that are not entries, e.g. docs pages, are skipped)."""
    from types import SimpleNamespace

    def entry(title, kind, tags=()):
        return SimpleNamespace(title=title, concept=SimpleNamespace(
            kind=SimpleNamespace(value=kind), tags=list(tags)))

    builder = SimpleNamespace(
        entries={"a": entry("A", "risk", ["t"]), "b": entry("B", "method"), "c": entry("C", "concept")},
        related={"a": ["b"], "b": ["a"], "c": []},
        backlinks={"a": ["c", "docs/guide.md"], "b": [], "c": []},
    )
    g = ConceptGraph.from_site(builder)
    assert g.nodes["a"] == GraphNode("a", "A", "risk", ("t",))
    assert g.related["a"] == {"b"} and g.out["c"] == {"a"} and g.inc["a"] == {"c"}
    assert "docs/guide.md" not in g.nodes and g.degree == {"a": 2, "b": 1, "c": 1}
