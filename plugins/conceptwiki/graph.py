"""The concept graph: who is related to whom and who links to whom, drawn as SVG at build time.

:class:`ConceptGraph` builds the adjacency once, in O(concepts + links), as dicts of sets:
``related`` (symmetric: a ``related`` entry on either page), ``out`` (wikilinks from an entry)
and ``inc`` (wikilinks to it). Everything else reads those sets and never scans all pages:

* :meth:`ConceptGraph.neighbourhood` picks a concept's 1- and 2-hop neighbours, capped for
  legibility (related concepts first, then the most connected, then by title) and counts the
  rest ("and N more"); its cost per page is bounded by the caps, not by the wiki's size;
* :func:`layout_neighbourhood` places them on concentric rings (sorted by title, 2-hop nodes
  next to the 1-hop node they hang from): no randomness, so every build gives the same bytes;
* :meth:`ConceptGraph.top` and :func:`layout_wiki` do the same for the whole-wiki graph page
  (the most connected concepts on one circle, grouped by kind);
* :func:`draw` writes the nodes and edges as SVG elements, escaping everything that comes from
  an entry; the templates ``graph_svg.html.j2`` (the ``<svg>`` with its title and
  description), ``graph_legend.html.j2``, ``graph.html.j2`` (a concept page's map, key and
  list) and ``graph.md.j2`` (the graph page) wrap them, with Jinja's autoescaping.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from markupsafe import Markup, escape

from .schema import KIND_PLURALS, Kind

__all__ = ["GraphNode", "Edge", "Neighbourhood", "ConceptGraph", "layout_neighbourhood",
           "layout_wiki", "draw", "neighbourhood_view", "sibling_urls", "wiki_view", "shape_path",
           "truncate", "KIND_ORDER"]

#: Kinds in the order the schema declares them (legend, grouping on the graph page).
KIND_ORDER: list[str] = [k.value for k in Kind]

#: The most neighbours drawn on a concept page: 1-hop, then 2-hop (the rest are counted).
MAX_FIRST = 16
MAX_SECOND = 16
#: The most concepts drawn on the whole-wiki graph (all of them are in the list below it).
#: 100 on one circle keeps labels readable at the page's width (~800 px without the TOC).
MAX_WIKI_NODES = 100
#: Labels longer than this are shortened with "…" (the full title is the node's tooltip).
LABEL_CHARS = 20
#: Rough advance of one character at the label font size, for sizing the drawing.
CHAR_WIDTH = 6.6


@dataclass(frozen=True)
class GraphNode:
    slug: str
    title: str
    kind: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edge:
    """An undirected pair ``a``–``b`` (drawn from a to b) and what joins them."""

    a: str
    b: str
    related: bool
    a_links_b: bool
    b_links_a: bool

    @property
    def kind(self) -> str:
        """'related', 'link' or 'both' (related and linked): the edge's CSS modifier."""
        linked = self.a_links_b or self.b_links_a
        return "both" if self.related and linked else ("related" if self.related else "link")


@dataclass
class Neighbourhood:
    centre: str
    first: list[str]                 # 1-hop neighbours shown, sorted by title
    second: list[str]                # 2-hop neighbours shown
    parent: dict[str, str]           # 2-hop node -> the shown 1-hop node it is drawn next to
    hidden_first: int = 0            # 1-hop neighbours left out by the cap
    hidden_second: int = 0           # 2-hop neighbours left out by the cap
    edges: list[Edge] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.hidden_first + self.hidden_second

    @property
    def nodes(self) -> list[str]:
        return [self.centre, *self.first, *self.second]


class ConceptGraph:
    """The adjacency of the wiki, built once."""

    def __init__(self, nodes: Mapping[str, GraphNode], related: Mapping[str, Iterable[str]],
                 links: Mapping[str, Iterable[str]]):
        """``related``: slug -> related slugs (either direction is enough); ``links``: slug ->
        slugs its text links to. Unknown slugs and self-references are ignored."""
        self.nodes: dict[str, GraphNode] = dict(nodes)
        self.related: dict[str, set[str]] = {s: set() for s in self.nodes}
        self.out: dict[str, set[str]] = {s: set() for s in self.nodes}
        self.inc: dict[str, set[str]] = {s: set() for s in self.nodes}
        for a, bs in related.items():
            if a not in self.nodes:
                continue
            for b in bs:
                if b in self.nodes and b != a:
                    self.related[a].add(b)
                    self.related[b].add(a)
        for a, bs in links.items():
            if a not in self.nodes:
                continue
            for b in bs:
                if b in self.nodes and b != a:
                    self.out[a].add(b)
                    self.inc[b].add(a)
        self.adj: dict[str, set[str]] = {s: self.related[s] | self.out[s] | self.inc[s]
                                         for s in self.nodes}
        self.degree: dict[str, int] = {s: len(v) for s, v in self.adj.items()}
        self._title_key = {s: (n.title.casefold(), s) for s, n in self.nodes.items()}
        self._ranked: dict[str, list[str]] = {}

    @classmethod
    def from_site(cls, builder) -> "ConceptGraph":
        """The graph of a :class:`~conceptwiki.site.SiteBuilder`, from the maps it already has
        (``related`` both ways, ``backlinks`` target -> entries linking to it)."""
        nodes = {slug: GraphNode(slug, e.title, e.concept.kind.value, tuple(e.concept.tags))
                 for slug, e in builder.entries.items()}
        links: dict[str, set[str]] = {}
        for target, sources in builder.backlinks.items():
            for src in sources:
                # Backlinks may also come from docs pages; only entries are graph nodes.
                if isinstance(src, str) and src in nodes:
                    links.setdefault(src, set()).add(target)
        return cls(nodes, builder.related, links)

    # -- ranking --------------------------------------------------------------------------

    def title_key(self, slug: str) -> tuple[str, str]:
        return self._title_key[slug]

    def _rank(self, slug: str) -> tuple:
        """Most connected first, then by title: the order in which caps keep nodes."""
        return (-self.degree[slug], *self._title_key[slug])

    def edge(self, a: str, b: str) -> Edge | None:
        rel = b in self.related[a]
        ab = b in self.out[a]
        ba = a in self.out[b]
        if not (rel or ab or ba):
            return None
        return Edge(a, b, rel, ab, ba)

    def edges_among(self, slugs: list[str]) -> list[Edge]:
        """Every edge between the given nodes, in the order given (pairs, not a scan of
        neighbour lists, so that a hub with thousands of links costs no more than a leaf)."""
        out = []
        for i, a in enumerate(slugs):
            adj = self.adj[a]
            for b in slugs[i + 1:]:
                if b in adj:
                    e = self.edge(a, b)
                    if e is not None:
                        out.append(e)
        return out

    # -- selections -----------------------------------------------------------------------

    def ranked(self, slug: str) -> list[str]:
        """``slug``'s neighbours, most connected first (computed once per node, on demand)."""
        out = self._ranked.get(slug)
        if out is None:
            out = self._ranked[slug] = sorted(self.adj[slug], key=self._rank)
        return out

    def neighbourhood(self, slug: str, max_first: int = MAX_FIRST,
                      max_second: int = MAX_SECOND) -> Neighbourhood:
        """``slug``'s neighbours up to two hops, at most ``max_first`` + ``max_second`` of them.

        The inner ring keeps the concepts declared related first, then the most connected of
        the rest; the outer ring the most connected (ties by title). 2-hop candidates are the
        neighbours of the *shown* 1-hop nodes, so every 2-hop node drawn is joined to something
        drawn. Each shown 1-hop node offers only its first ``max_second`` candidates in rank
        order, which is enough to find the overall top ``max_second``: a page costs the same
        for a concept next to a hub with thousands of links as for one next to a leaf, except
        for counting the 2-hop nodes left out, a set union done in C.
        """
        first_all = self.adj[slug]
        related = self.related[slug]
        if len(first_all) <= max_first:
            first = list(first_all)
        else:
            # Concepts declared related come first; then the most connected of the others.
            ranked = self.ranked(slug)
            first = [s for s in ranked if s in related][:max_first]
            first += [s for s in ranked if s not in related][:max_first - len(first)]
        candidates: set[str] = set()
        for f in first:
            taken = 0
            for s in self.ranked(f):
                if s == slug or s in first_all:
                    continue
                candidates.add(s)
                taken += 1
                if taken >= max_second:
                    break
        second = heapq.nsmallest(max_second, candidates, key=self._rank)
        reach = set().union(*(self.adj[f] for f in first))
        reach.difference_update(first_all)
        reach.discard(slug)
        first.sort(key=self.title_key)
        order = {f: i for i, f in enumerate(first)}
        parent = {s: next(f for f in first if s in self.adj[f]) for s in second}
        second.sort(key=lambda s: (order[parent[s]], *self._title_key[s]))
        hood = Neighbourhood(slug, first, second, parent,
                             hidden_first=len(first_all) - len(first),
                             hidden_second=len(reach) - len(second))
        hood.edges = self.edges_among(hood.nodes)
        return hood

    def top(self, max_nodes: int = MAX_WIKI_NODES) -> list[str]:
        """The ``max_nodes`` most connected concepts (all of them in a small wiki)."""
        if len(self.nodes) <= max_nodes:
            return list(self.nodes)
        return heapq.nsmallest(max_nodes, self.nodes, key=self._rank)


# -- drawing ------------------------------------------------------------------------------


def truncate(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"


def _n(x: float) -> str:
    """A coordinate in the drawing as short, stable text: whole units (a unit is a pixel at
    natural size, so rounding cannot be seen), never "-0"."""
    return str(round(x))


def _d(x: float) -> str:
    """A coordinate inside a node's shape, to a tenth ("3.5", "-2", never "-0")."""
    r = round(x, 1)
    return str(int(r)) if r == int(r) else repr(r)


def sibling_urls(url_for):
    """``url_for`` for links between pages in one folder (concept pages link to concept pages
    as ``../slug/`` or ``slug.html``): computed once as prefix + slug + suffix instead of a
    relative path per node. Falls back to ``url_for`` itself if it is not of that form."""
    a, b = url_for("a0probe"), url_for("b1probe")
    i = a.find("a0probe")
    if i < 0 or a.count("a0probe") != 1:
        return url_for
    prefix, suffix = a[:i], a[i + 7:]
    if b != prefix + "b1probe" + suffix:
        return url_for
    return lambda slug: prefix + slug + suffix


def _polygon(sides: int, r: float, rotate: float = -90.0) -> str:
    pts = []
    for i in range(sides):
        a = math.radians(rotate + 360.0 * i / sides)
        pts.append(f"{_d(r * math.cos(a))},{_d(r * math.sin(a))}")
    return "M" + "L".join(pts) + "Z"


def _star(r: float) -> str:
    pts = []
    for i in range(10):
        a = math.radians(-90 + 36 * i)
        rr = r if i % 2 == 0 else r * 0.5
        pts.append(f"{_d(rr * math.cos(a))},{_d(rr * math.sin(a))}")
    return "M" + "L".join(pts) + "Z"


@functools.lru_cache(maxsize=512)
def shape_path(kind: str, r: float) -> str:
    """An SVG path centred on 0,0 for a node of ``kind`` and radius ``r`` (one shape per kind,
    so that kinds can be told apart without colour)."""
    if kind == "risk":
        return _polygon(4, r * 1.25)                          # diamond
    if kind == "failure-mode":
        return _polygon(3, r * 1.35)                          # triangle
    if kind == "method":
        return _polygon(4, r * 1.25, rotate=-45)              # square
    if kind == "proposal":
        return _polygon(5, r * 1.2)                           # pentagon
    if kind == "problem":
        return _polygon(3, r * 1.35, rotate=90)               # triangle pointing down
    if kind == "argument":
        return _polygon(6, r * 1.15, rotate=0)                # hexagon
    if kind == "phenomenon":
        return _star(r * 1.5)                                 # star
    # concept (and anything unknown): a circle drawn as a path, like the others
    k = _d(r)
    return f"M{_d(-r)},0a{k},{k} 0 1,0 {_d(2 * r)},0a{k},{k} 0 1,0 {_d(-2 * r)},0Z"


def kind_label(kind: str, n: int = 1) -> str:
    one, many = KIND_PLURALS.get(kind, (kind, kind + "s"))
    return one if n == 1 else many


def _label(x: float, y: float, angle: float, offset: float, radial: bool) -> dict:
    """Where a node's label goes: outward from the centre, rotated along the ray when the
    ring is crowded, else horizontal and anchored away from the centre."""
    c, s = math.cos(angle), math.sin(angle)
    lx, ly = x + offset * c, y + offset * s
    if radial:
        deg = math.degrees(angle)
        left = c < -1e-9
        return {"x": _n(lx), "y": _n(ly), "anchor": "end" if left else "start",
                "rotate": f"rotate({_n(deg + 180 if left else deg)} {_n(lx)} {_n(ly)})"}
    anchor = "start" if c > 0.35 else ("end" if c < -0.35 else "middle")
    dy = 0.0
    if anchor == "middle":
        dy = 6.0 if s > 0 else -6.0
    return {"x": _n(lx), "y": _n(ly + dy), "anchor": anchor, "rotate": ""}


def _edge_geometry(x1: float, y1: float, r1: float, x2: float, y2: float, r2: float,
                   bend: float = 0.0) -> str:
    """A path from node 1 to node 2 that stops at both shapes (so arrowheads show). With
    ``bend`` > 0 it is a quadratic curve pulled towards the centre of the drawing."""
    dx, dy = x2 - x1, y2 - y1
    d = math.hypot(dx, dy) or 1.0
    ux, uy = dx / d, dy / d
    if bend:
        mx, my = (x1 + x2) / 2 * (1 - bend), (y1 + y2) / 2 * (1 - bend)
        # Leave each node along the tangent towards the control point.
        a1x, a1y = mx - x1, my - y1
        a2x, a2y = mx - x2, my - y2
        l1, l2 = math.hypot(a1x, a1y) or 1.0, math.hypot(a2x, a2y) or 1.0
        sx, sy = x1 + a1x / l1 * r1, y1 + a1y / l1 * r1
        ex, ey = x2 + a2x / l2 * r2, y2 + a2y / l2 * r2
        return f"M{_n(sx)},{_n(sy)}Q{_n(mx)},{_n(my)} {_n(ex)},{_n(ey)}"
    sx, sy = x1 + ux * r1, y1 + uy * r1
    ex, ey = x2 - ux * r2, y2 - uy * r2
    return f"M{_n(sx)},{_n(sy)}L{_n(ex)},{_n(ey)}"


def _edge_dict(graph: ConceptGraph, e: Edge, pos: dict[str, tuple[float, float, float]],
               bend: float = 0.0) -> dict:
    x1, y1, r1 = pos[e.a]
    x2, y2, r2 = pos[e.b]
    pad = 3.0  # keep arrowheads clear of the shape's outline
    d = _edge_geometry(x1, y1, r1 + pad, x2, y2, r2 + pad, bend)
    return {"d": d, "kind": e.kind, "a": e.a, "b": e.b, "start": e.b_links_a, "end": e.a_links_b}


def _node_dict(graph: ConceptGraph, slug: str, x: float, y: float, r: float, url: str,
               label: dict, text: str, role: str) -> dict:
    n = graph.nodes[slug]
    return {"slug": slug, "title": n.title, "kind": n.kind, "kind_label": kind_label(n.kind),
            "tags": " ".join(n.tags), "x": _n(x), "y": _n(y), "shape": shape_path(n.kind, r),
            "url": url, "label": label, "text": text, "role": role, "degree": graph.degree[slug]}


def layout_neighbourhood(graph: ConceptGraph, hood: Neighbourhood, url_for) -> dict:
    """Concentric rings: the concept at the centre, 1-hop neighbours on the inner ring sorted
    by title, 2-hop neighbours on the outer ring next to their 1-hop node. ``url_for(slug)``
    gives each node's link. Returns what ``graph.html.j2`` draws."""
    n1, n2 = len(hood.first), len(hood.second)
    radial1, radial2 = n1 > 8, n2 > 8
    label_w = LABEL_CHARS * CHAR_WIDTH
    r1 = 150.0 if (radial1 or n2) else 100.0
    r2 = r1 + 12 + label_w + 25 if n2 else 0.0
    outer = (r2 or r1) + 10 + label_w + 5
    centre_r, ring_r = 11.0, 7.0
    pos: dict[str, tuple[float, float, float]] = {hood.centre: (0.0, 0.0, centre_r)}
    nodes = []
    cn = graph.nodes[hood.centre]
    nodes.append(_node_dict(graph, hood.centre, 0, 0, centre_r, url_for(hood.centre),
                            {"x": "0", "y": _n(-centre_r - 8), "anchor": "middle", "rotate": ""},
                            truncate(cn.title, 2 * LABEL_CHARS), "centre"))
    angles: dict[str, float] = {}
    for i, slug in enumerate(hood.first):
        a = math.radians(-90 + 360.0 * i / n1)
        angles[slug] = a
        x, y = r1 * math.cos(a), r1 * math.sin(a)
        pos[slug] = (x, y, ring_r)
        nodes.append(_node_dict(graph, slug, x, y, ring_r, url_for(slug),
                                _label(x, y, a, ring_r + 5, radial1),
                                truncate(graph.nodes[slug].title), "first"))
    if n2:
        # Start the outer ring where the first 2-hop node's parent sits, so that 2-hop nodes
        # stay near their 1-hop node as far as even spacing allows.
        step = 360.0 / n2
        start = math.degrees(angles[hood.parent[hood.second[0]]])
        for i, slug in enumerate(hood.second):
            a = math.radians(start + step * i)
            x, y = r2 * math.cos(a), r2 * math.sin(a)
            pos[slug] = (x, y, ring_r)
            nodes.append(_node_dict(graph, slug, x, y, ring_r, url_for(slug),
                                    _label(x, y, a, ring_r + 5, radial2),
                                    truncate(graph.nodes[slug].title), "second"))
    # The tree (centre to each 1-hop node, each 2-hop node to the 1-hop node it hangs from)
    # is drawn in full; other edges among the drawn nodes are drawn faint, under it.
    tree = {frozenset((hood.centre, f)) for f in hood.first}
    tree.update(frozenset((s, p)) for s, p in hood.parent.items())
    edges, faint = [], {}
    at = {s: f"{_n(x)},{_n(y)}" for s, (x, y, _r) in pos.items()}
    for e in hood.edges:
        if frozenset((e.a, e.b)) in tree:
            d = _edge_dict(graph, e, pos)
            d["weak"] = False
            edges.append(d)
        else:
            # Faint edges carry no arrowheads and run under the nodes, centre to centre, so
            # each kind can be one <path> of many segments: a fraction of the bytes and time
            # of one element per edge.
            faint.setdefault(e.kind, []).append(f"M{at[e.a]}L{at[e.b]}")
    edges.sort(key=lambda e: (e["kind"] != "related", e["a"], e["b"]))
    weak = [{"d": "".join(ds), "kind": k, "a": "", "b": "", "start": False, "end": False,
             "weak": True} for k, ds in sorted(faint.items())]
    edges = weak + edges
    half = math.ceil(outer)
    return {"viewbox": f"{-half} {-half} {2 * half} {2 * half}", "size": 2 * half,
            "nodes": nodes, "edges": edges, "filterable": False}


def layout_wiki(graph: ConceptGraph, slugs: list[str], url_for) -> dict:
    """The whole-wiki drawing: ``slugs`` on one circle, grouped by kind and sorted by title
    within each kind, node size by number of connections, edges curved through the middle."""
    order = sorted(slugs, key=lambda s: (KIND_ORDER.index(graph.nodes[s].kind)
                                         if graph.nodes[s].kind in KIND_ORDER else len(KIND_ORDER),
                                         *graph.title_key(s)))
    n = len(order)
    label_w = LABEL_CHARS * CHAR_WIDTH
    radius = max(200.0, n * 16.0 / (2 * math.pi))
    outer = radius + 10 + 10 + label_w + 5
    pos: dict[str, tuple[float, float, float]] = {}
    nodes = []
    for i, slug in enumerate(order):
        a = math.radians(-90 + 360.0 * i / max(n, 1))
        x, y = radius * math.cos(a), radius * math.sin(a)
        r = round(min(3.0 + 1.2 * math.sqrt(graph.degree[slug]), 10.0) * 2) / 2
        pos[slug] = (x, y, r)
        nodes.append(_node_dict(graph, slug, x, y, r, url_for(slug),
                                _label(x, y, a, r + 5, n > 8), truncate(graph.nodes[slug].title),
                                "wiki"))
    index = {slug: i for i, slug in enumerate(order)}
    for i, node in enumerate(nodes):
        node["index"] = i
    # Edges name their ends by index (data-a="3"), not slug: a third of the bytes.
    edges = [dict(_edge_dict(graph, e, pos, bend=0.75), weak=False, ia=index[e.a], ib=index[e.b])
             for e in graph.edges_among(order)]
    edges.sort(key=lambda e: (e["kind"] != "related", e["a"], e["b"]))
    half = math.ceil(outer)
    return {"viewbox": f"{-half} {-half} {2 * half} {2 * half}", "size": 2 * half,
            "nodes": nodes, "edges": edges, "filterable": False}


# -- markup -------------------------------------------------------------------------------


def draw(drawing: dict, gid: str) -> Markup:
    """The edges and nodes of a drawing as SVG elements (everything from the wiki escaped).

    Written here rather than in a template because a wiki of 5,000 concepts draws ~200,000 of
    them per build; ``graph_svg.html.j2`` wraps them in the ``<svg>`` with title and key.

    Node links use ``xlink:href``, not ``href``: Material's instant navigation rewrites every
    ``[href]`` of a page it swaps in (``el.href = el.href``), which throws on an SVG ``<a>``
    (its ``href`` is read-only) and makes every concept page load in full; link previews
    likewise expect ``a[href]`` to be an HTML link. Browsers follow ``xlink:href`` alike.
    """
    filterable = drawing.get("filterable", False)
    arrow = f' marker-{{}}="url(#{escape(gid)}-arrow)"'
    out = ['<g class="cw-graph__edges">']
    for e in drawing["edges"]:
        attrs = ""
        if filterable and "ia" in e:
            attrs += f' data-a="{e["ia"]:d}" data-b="{e["ib"]:d}"'
        if e["start"]:
            attrs += arrow.format("start")
        if e["end"]:
            attrs += arrow.format("end")
        weak = " cw-graph__edge--weak" if e["weak"] else ""
        out.append(f'<path class="cw-graph__edge cw-graph__edge--{escape(e["kind"])}{weak}" '
                   f'd="{e["d"]}"{attrs}/>')
    out.append('</g>\n<g class="cw-graph__nodes">')
    for n in drawing["nodes"]:
        centre = n["role"] == "centre"
        attrs = ""
        if filterable:
            attrs += (f' data-n="{n["index"]:d}" data-kind="{escape(n["kind"])}"'
                      f' data-tags="{escape(n["tags"])}"')
        if centre:
            attrs += ' aria-current="page"'
        lab = n["label"]
        text_attrs = f' x="{lab["x"]}" y="{lab["y"]}"'
        if lab["anchor"] != "start":
            text_attrs += f' text-anchor="{lab["anchor"]}"'
        if lab["rotate"]:
            text_attrs += f' transform="{lab["rotate"]}"'
        out.append(
            f'<a class="cw-graph__node cw-graph__node--{escape(n["kind"])}'
            f'{" cw-graph__node--centre" if centre else ""}" xlink:href="{escape(n["url"])}"{attrs}>'
            f'<title>{escape(n["title"])} ({escape(n["kind_label"])})</title>'
            f'<path transform="translate({n["x"]} {n["y"]})" d="{n["shape"]}"/>'
            f'<text{text_attrs}>{escape(n["text"])}</text></a>')
    out.append("</g>")
    return Markup("\n".join(out))


# -- what the templates get ---------------------------------------------------------------


def _kinds_legend(graph: ConceptGraph, slugs: Iterable[str]) -> list[dict]:
    present = {graph.nodes[s].kind for s in slugs}
    return [{"kind": k, "label": kind_label(k), "plural": kind_label(k, 2),
             "shape": shape_path(k, 5.0)}
            for k in [*KIND_ORDER, *sorted(present - set(KIND_ORDER))] if k in present]


def neighbourhood_view(graph: ConceptGraph, slug: str, url_for, *, max_first: int = MAX_FIRST,
                       max_second: int = MAX_SECOND) -> dict | None:
    """Everything ``graph.html.j2`` needs for one concept page, or None for a concept with
    no neighbours. ``url_for(slug)`` is the link from that page to a concept page."""
    if slug not in graph.nodes or not graph.adj[slug]:
        return None
    url_for = sibling_urls(url_for)
    hood = graph.neighbourhood(slug, max_first, max_second)
    drawing = layout_neighbourhood(graph, hood, url_for)

    def item(s: str) -> dict:
        n = graph.nodes[s]
        return {"slug": s, "title": n.title, "url": url_for(s), "kind": n.kind,
                "kind_label": kind_label(n.kind)}

    groups = []
    for label, members in (
        ("Related", [s for s in hood.first if s in graph.related[slug]]),
        ("Links to", [s for s in hood.first if s in graph.out[slug]]),
        ("Linked from", [s for s in hood.first if s in graph.inc[slug]]),
    ):
        if members:
            groups.append({"label": label, "items": [item(s) for s in members]})
    if hood.second:
        groups.append({"label": "Two steps away",
                       "items": [dict(item(s), via=item(hood.parent[s])) for s in hood.second]})
    title = graph.nodes[slug].title
    shown = len(hood.first) + len(hood.second)
    gid = f"cw-graph-{slug}"
    drawing["body"] = draw(drawing, gid)
    return {
        **drawing,
        "id": gid,
        "title": f"Concept map of {title}",
        "desc": (f"{title} with {len(hood.first)} directly connected "
                 f"concept{'s' if len(hood.first) != 1 else ''}"
                 + (f" and {len(hood.second)} two steps away" if hood.second else "")
                 + (f"; {hood.hidden} more not shown" if hood.hidden else "") + "."),
        "groups": groups,
        "shown": shown,
        "more": hood.hidden,
        "more_first": hood.hidden_first,
        "more_second": hood.hidden_second,
        "kinds": _kinds_legend(graph, hood.nodes),
    }


def wiki_view(graph: ConceptGraph, url_for, *, max_nodes: int = MAX_WIKI_NODES) -> dict:
    """Everything ``graph.md.j2`` needs: the drawing of the most connected concepts, filters
    (kinds and tags present) and the full list of concepts grouped by kind."""
    url_for = sibling_urls(url_for)
    drawn = graph.top(max_nodes)
    drawing = layout_wiki(graph, drawn, url_for) if drawn else None
    if drawing:
        drawing["filterable"] = True
        drawing["body"] = draw(drawing, "cw-graph-wiki")
    by_kind: dict[str, list[str]] = {}
    for s in graph.nodes:
        by_kind.setdefault(graph.nodes[s].kind, []).append(s)
    kinds = [k for k in [*KIND_ORDER, *sorted(set(by_kind) - set(KIND_ORDER))] if k in by_kind]
    groups = []
    for k in kinds:
        members = sorted(by_kind[k], key=graph.title_key)
        groups.append({"kind": k, "label": kind_label(k), "plural": kind_label(k, 2),
                       "items": [{"slug": s, "title": graph.nodes[s].title, "url": url_for(s),
                                  "tags": " ".join(graph.nodes[s].tags),
                                  "degree": graph.degree[s]} for s in members]})
    tags = Counter(t for n in graph.nodes.values() for t in n.tags)
    links = sum(len(v) for v in graph.out.values())
    related = sum(len(v) for v in graph.related.values()) // 2
    desc = (f"{len(drawn)} concepts on a circle, grouped by kind, joined by {related} related "
            f"pairs and {links} links." if len(drawn) == len(graph.nodes) else
            f"The {len(drawn)} most connected of {len(graph.nodes)} concepts on a circle, grouped "
            "by kind, with the links between them.")
    return {
        "drawing": drawing,
        "desc": desc,
        "count": len(graph.nodes),
        "drawn": len(drawn),
        "links": links,
        "related": related,
        "groups": groups,
        "kinds": _kinds_legend(graph, graph.nodes),
        "tags": sorted(tags.items()),
    }
