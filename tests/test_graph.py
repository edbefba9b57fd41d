"""Unit tests of the concept graph (plugins/conceptwiki/graph.py) on small hand-made wikis:
adjacency, neighbourhoods, caps, layout, determinism and escaping of the SVG."""

from __future__ import annotations

import html as html_lib
import math
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import pytest

from conceptwiki.render.graph import ConceptGraph, GraphNode, KIND_ORDER, truncate
from conceptwiki.render.graphdraw import draw, neighbourhood_view, shape_path, sibling_urls, wiki_view

TEMPLATES = Path(__file__).resolve().parent.parent / "plugins" / "conceptwiki" / "render" / "templates"
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
        assert a.find(f"{SVG}title").text and "".join(a.find(f"{SVG}text").itertext())
    # Each edge is a path in its kind's group, naming the nodes it joins, with an arrowhead
    # (one triangle, tip first, at the end of the line) for each link it stands for, none on
    # related-only edges, and none pointing into the concept itself (a dozen would meet at
    # its box); no markers and so no ids but the title's and description's.
    assert ids == {"cw-graph-map-title", "cw-graph-map-desc"}
    order = [a.get(HREF) for a in links]
    tips, kinds_of = [], {}
    for group in root.findall(f".//{SVG}g[@class]"):
        if "cw-graph__edge " not in group.get("class") + " ":
            continue
        kind = group.get("class").split("--")[-1]
        for p in group.findall(f"{SVG}path"):
            i, j = map(int, p.get("data-e").split())
            kinds_of[(order[i], order[j])] = kind
            line = re.match(r"M(-?\d+,-?\d+)L(-?\d+,-?\d+)", p.get("d"))
            assert line, p.get("d")
            for tip in re.findall(r"M(-?\d+,-?\d+)l", p.get("d")):
                assert tip in line.groups()
                tips.append((kind, order[i], order[j]))
    assert sorted(t[0] for t in tips) == ["link", "link"]                 # a->c, c->f (not d->a)
    assert {(t[1], t[2]) for t in tips} == {(url("a"), url("c")), (url("c"), url("f"))}
    assert kinds_of[(url("a"), url("d"))] == "link"
    assert not [p for p in root.iter(f"{SVG}path") if p.get("marker-end") or p.get("marker-start")]
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
    drawn_edges = {frozenset(slug_of[i] for i in p.get("data-e").split())
                   for p in root.findall(f".//{SVG}path[@data-e]")}
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


def test_from_maps_reads_the_builders_maps():
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
    g = ConceptGraph.from_maps(builder.entries, builder.related, builder.backlinks)
    assert g.nodes["a"] == GraphNode("a", "A", "risk", ("t",))
    assert g.related["a"] == {"b"} and g.out["c"] == {"a"} and g.inc["a"] == {"c"}
    assert "docs/guide.md" not in g.nodes and g.degree == {"a": 2, "b": 1, "c": 1}


# -- a small map: what each page carries and what it no longer repeats ---------------------

GRAPH_CSS = (Path(__file__).resolve().parent.parent / "plugins" / "conceptwiki" / "render" / "assets"
             / "graph.css")


def crowded(title_len: int = 30) -> tuple[ConceptGraph, str]:
    """A concept with more neighbours than the caps, of every kind, with long titles: the
    largest map a page can have."""
    rng = random.Random(7)
    slugs = [f"n{i:03d}" for i in range(80)]
    kinds = {s: KIND_ORDER[i % len(KIND_ORDER)] for i, s in enumerate(slugs)}
    titles = {s: (f"Concept {s} " + "x" * title_len)[:title_len] for s in slugs}
    links = {"n000": slugs[1:25]}
    for s in slugs[1:25]:
        links[s] = rng.sample(slugs[25:], 5) + rng.sample(slugs[1:25], 2)
    g = make(titles, kinds=kinds, links=links, related={"n000": slugs[1:6], "n003": ["n040"]})
    return g, "n000"


def test_repeated_definitions_are_not_in_each_map():
    g, centre = crowded()
    html = env().get_template("graph.html.j2").render(graph=neighbourhood_view(g, centre, url))
    root = _svg_root(html)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "title", "desc", "g", "path", "circle", "rect", "a", "text", "tspan"}, tags
    assert "style=" not in html and "<defs" not in html and "marker" not in html
    # A node is moved to its place; its shape is the same at every place (drawn at 0,0).
    nodes = root.findall(f".//{SVG}a")
    assert all(re.fullmatch(r"translate\(-?\d+ -?\d+\)", a.get("transform")) for a in nodes)
    shapes = {ET.tostring(a[1]) for a in nodes if a.get("aria-current") is None}
    assert len(shapes) <= 2 * len(KIND_ORDER)
    # the key is plain HTML, its swatches drawn by graph.css
    key = html.split('<ul class="cw-graph__legend"', 1)[1].split("</ul>", 1)[0]
    assert "<svg" not in key and "<path" not in key
    # one group per kind of edge carries the class; its paths carry only their ends and line
    groups = [g.get("class") for g in root.iter(f"{SVG}g") if "cw-graph__edge " in (g.get("class") or "") + " "]
    assert len(groups) == len(set(groups))
    for p in root.iter(f"{SVG}path"):
        if p.get("data-e") is not None:
            assert set(p.keys()) == {"data-e", "d"}
    # numbers: whole in edges, at most one decimal in shapes and arrowheads
    for el in root.iter():
        for attr in ("d", "x", "y", "cx", "cy", "r", "transform"):
            for num in re.findall(r"-?\d*\.\d+|-?\d+", el.get(attr, "")):
                assert "." not in num or len(num.split(".")[1]) == 1, (attr, num)
    # only the title's and description's ids, the same on every page
    assert sorted(el.get("id") for el in root.iter() if el.get("id")) == [
        "cw-graph-map-desc", "cw-graph-map-title"]


def test_every_neighbour_is_a_link_with_an_accessible_name_and_a_label():
    g, centre = crowded()
    view = neighbourhood_view(g, centre, url)
    html = env().get_template("graph.html.j2").render(graph=view)
    root = _svg_root(html)
    links = root.findall(f".//{SVG}a")
    drawn = {n["slug"] for n in view["nodes"]}
    assert len(links) == len(drawn) == 1 + 16 + 16
    kinds_drawn = set()
    for a in links:
        slug = a.get(HREF).strip("./")
        node = g.nodes[slug]
        assert slug in drawn
        assert a.find(f"{SVG}title").text == f"{node.title} ({node.kind.replace('-', ' ')})"
        text = "".join(a.find(f"{SVG}text").itertext())  # the concept's name may be two lines
        assert text and text.rstrip("…").replace(" ", "") in node.title.replace(" ", "")
        shapes = [el for el in a if el.tag in (f"{SVG}path", f"{SVG}circle", f"{SVG}rect")]
        assert len(shapes) == 1
        assert (shapes[0].tag == f"{SVG}rect") == (slug == centre)
        assert a.get("class") == f"cw-graph__node--{node.kind}"
        kinds_drawn.add(node.kind)
    assert kinds_drawn == set(KIND_ORDER)
    # the list names every drawn neighbour as a link, and every 2-hop one's 1-hop node
    listing = html.split("<details", 1)[1]
    for slug in drawn - {centre}:
        assert f'<a href="{url(slug)}">{g.nodes[slug].title}</a>' in listing
    hood = g.neighbourhood(centre)
    for s in hood.second:
        item = re.search(rf'<li>via <a href="{re.escape(url(hood.parent[s]))}">[^<]*</a>:'
                         rf'[^\n]*<a href="{re.escape(url(s))}">', listing)
        assert item, s
    # the key names each kind drawn, and both kinds of line
    key = re.findall(r'<li class="cw-graph__key cw-graph__key--([a-z-]+)">([^<]*)</li>', html)
    assert [k for k, _label in key] == [*KIND_ORDER, "related", "link"]


def _absolute(d: str) -> list[tuple[float, float]]:
    """The corners of a path of M/L/l/z commands (absolute and relative lines only)."""
    pts: list[tuple[float, float]] = []
    for cmd, args in re.findall(r"([MLlz])([^MLlz]*)", d):
        nums = [float(n) for n in re.findall(r"-?\d*\.?\d+", args)]
        for x, y in zip(nums[::2], nums[1::2]):
            if cmd == "l":
                x, y = pts[-1][0] + x, pts[-1][1] + y
            pts.append((x, y))
    return pts


@pytest.mark.parametrize("kind", KIND_ORDER)
@pytest.mark.parametrize("r", [7.0, 11.0, 4.5])
def test_shapes_are_centred_on_their_node(kind, r):
    """A node's shape is drawn around 0,0 (its link is moved to the node's place), to a tenth
    of a pixel, with the corners ``shape_points`` gives."""
    from conceptwiki.render.graphdraw import _shape0, shape_points
    el = _shape0(kind, r)
    pts = shape_points(kind, r)
    if pts is None:
        assert el == f'<circle r="{r:g}"/>'
        return
    d = re.fullmatch(r'<path d="([^"]+)"/>', el).group(1)
    got = _absolute(d)
    assert len(got) == len(pts)
    for (gx, gy), (x, y) in zip(got, pts):
        assert abs(gx - x) < 0.11 and abs(gy - y) < 0.11


def test_labels_are_horizontal_beside_their_node_and_never_overlap():
    """Every label on a crowded map is horizontal, just outside its node on the side away
    from the concept, 12 px text at the drawing's natural size; labels in one column are a
    row apart and columns do not run into each other. Each arrowhead's tip is an end of its
    line, its base back along it."""
    from conceptwiki.render.graphdraw import ROW, label_width

    g, centre = crowded()
    view = neighbourhood_view(g, centre, url)
    boxes = []
    for n in view["nodes"]:
        x, y = int(n["x"]), int(n["y"])
        if n["role"] == "centre":
            assert (x, y) == (0, 0) and n["label"] == ' text-anchor="middle"'
            continue
        m = re.fullmatch(r' x="(-?\d+)"( text-anchor="end")?', n["label"])
        assert m, n["label"]                                   # no rotation, no y offset
        off = int(m.group(1))
        assert (off < 0) == (x < 0) == (m.group(2) is not None) and 10 <= abs(off) <= 16
        text = html_lib.unescape(n["html"][2])
        w = label_width(text)
        left = x + off - (w if off < 0 else 0)
        boxes.append((left, left + w, y - 7, y + 7, n["slug"]))
    for a in boxes:
        for b in boxes:
            if a is not b:
                apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
                assert apart, (a, b)
    columns: dict[int, list[int]] = {}
    for n in view["nodes"]:
        columns.setdefault(int(n["x"]), []).append(int(n["y"]))
    for ys in columns.values():
        ys.sort()
        assert all(b - a >= ROW - 1 for a, b in zip(ys, ys[1:])), ys
    x0, y0, w, h = map(int, view["viewbox"].split())
    assert w == view["width"] and h == view["height"]
    assert all(x0 <= a[0] and a[1] <= x0 + w and y0 <= a[2] and a[3] <= y0 + h for a in boxes)
    for e in view["edges"]:
        line = re.match(r"M(-?\d+),(-?\d+)L(-?\d+),(-?\d+)", e["d"])
        ends = {(int(line.group(1)), int(line.group(2))), (int(line.group(3)), int(line.group(4)))}
        for tx, ty, rest in re.findall(r"M(-?\d+),(-?\d+)l([^z]+)z", e["d"]):
            assert (int(tx), int(ty)) in ends
            w3 = _absolute(f"M{tx},{ty}l{rest}")
            assert len(w3) == 3
            base = ((w3[1][0] + w3[2][0]) / 2, (w3[1][1] + w3[2][1]) / 2)
            assert 6.5 < math.dist(base, w3[0]) < 8 and 5 < math.dist(w3[1], w3[2]) < 6.5


def test_the_wiki_graph_has_horizontal_labels_that_never_overlap():
    from conceptwiki.render.graphdraw import arc_positions

    g, _centre = crowded()
    view = wiki_view(g, url)
    ys = {}
    for n in view["drawing"]["nodes"]:
        assert re.fullmatch(r' x="-?\d+"( text-anchor="end")?', n["label"]), n["label"]
        ys.setdefault(int(n["x"]) > 0, []).append(int(n["y"]))
    for side in ys.values():
        side.sort()
        assert all(b - a >= 21 for a, b in zip(side, side[1:]))
    places = arc_positions(5)
    assert [p[2] for p in places] == [1, 1, 1, -1, -1]
    assert places[0][1] < places[2][1] and places[3][1] > places[4][1]   # clockwise


def test_key_shapes_in_graph_css_match_the_drawing():
    """graph.css carries the key's swatches (graph.key_css()) and a colour for every kind, for
    the nodes and the key alike."""
    from conceptwiki.render.graphdraw import key_clip_path, key_css
    css = GRAPH_CSS.read_text(encoding="utf-8")
    assert key_css() in css
    for kind in KIND_ORDER:
        assert re.search(rf"\.cw-graph__node--{kind}, \.cw-graph__key--{kind} \{{ "
                         r"--cw-kind-colour: #[0-9a-f]{6}; \}", css), kind
        clip = key_clip_path(kind)
        if clip.startswith("polygon"):
            pts = [tuple(float(v.rstrip("%")) for v in p.split())
                   for p in clip[8:-1].split(", ")]
            assert all(0 <= v <= 100 for p in pts for v in p)
            assert len(pts) == len(shape_points_for(kind))
    assert len({key_clip_path(k) for k in KIND_ORDER}) == len(KIND_ORDER)


def shape_points_for(kind):
    from conceptwiki.render.graphdraw import shape_points
    return shape_points(kind, 5.0)


def test_a_full_map_is_small():
    """The largest map a page can have (16 + 16 neighbours of every kind, 30-character
    titles), in bytes. Before shapes lost their transform, labels their repeated coordinates,
    arrowheads their markers and the key its SVG, this was 21,401 bytes, 297 a node."""
    g, centre = crowded()
    view = neighbourhood_view(g, centre, url)
    html = env().get_template("graph.html.j2").render(graph=view)
    body = str(view["body"])
    nodes = body[body.index('<g class="cw-graph__nodes">'):]
    assert len(nodes) / len(view["nodes"]) < 255, len(nodes) / len(view["nodes"])
    assert len(html.encode()) < 16_000, len(html.encode())
