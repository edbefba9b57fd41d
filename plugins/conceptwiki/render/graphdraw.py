"""Concept maps drawn as SVG at build time, from a :class:`~conceptwiki.render.graph.ConceptGraph`.

* :func:`layout_neighbourhood` places them on concentric rings (sorted by title, 2-hop nodes
  next to the 1-hop node they hang from): no randomness, so every build gives the same bytes;
* :meth:`ConceptGraph.top` and :func:`layout_wiki` do the same for the whole-wiki graph page
  (the most connected concepts on one circle, grouped by kind);
* :func:`draw` writes the nodes and edges as SVG elements, escaping everything that comes from
  an entry; the templates ``graph_svg.html.j2`` (the ``<svg>`` with its title and
  description), ``graph_legend.html.j2``, ``graph.html.j2`` (a concept page's map, key and
  list) and ``graph.md.j2`` (the graph page) wrap them, with Jinja's autoescaping.

A concept map is on every concept page, so it carries only what differs from page to page:
colours, line styles, fonts and the key's shapes are classes in ``assets/graph.css`` (the key
is plain HTML; :func:`key_css` keeps its shapes equal to the drawing's), a node is a link with
its title, its shape in relative coordinates and its label, the edges are one path per kind
and the arrowheads one more (no markers, so no ids of its own and no ``<defs>``).

Nothing here imports MkDocs.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from typing import Iterable

from markupsafe import Markup, escape

from ..model.schema import kind_label
from .graph import (CHAR_WIDTH, KIND_ORDER, LABEL_CHARS, MAX_FIRST, MAX_SECOND, MAX_WIKI_NODES, ConceptGraph, Edge,
                    Neighbourhood, truncate)

__all__ = ["layout_neighbourhood", "layout_wiki", "draw", "neighbourhood_view", "sibling_urls", "wiki_view",
           "shape_path", "shape_points", "key_clip_path", "key_css", "truncate", "MAP_ID", "kind_label"]


# -- drawing ------------------------------------------------------------------------------


def _n(x: float) -> str:
    """A coordinate in the drawing as short, stable text: whole units (a unit is a pixel at
    natural size, so rounding cannot be seen), never "-0"."""
    return str(round(x))


def _d(x: float) -> str:
    """A coordinate inside a node's shape, to a tenth ("3.5", "-2", never "-0")."""
    r = round(x, 1)
    return str(int(r)) if r == int(r) else repr(r)


@functools.lru_cache(maxsize=4096)
def _t(tenths: int) -> str:
    """A whole number of tenths as the shortest SVG number: 35 -> "3.5", -5 -> "-.5",
    40 -> "4" (integer arithmetic, so the same bytes on every platform)."""
    if tenths % 10 == 0:
        return str(tenths // 10)
    a = abs(tenths)
    whole = a // 10
    return f"{'-' if tenths < 0 else ''}{whole if whole else ''}.{a % 10}"


def _seq(tenths: Iterable[int]) -> str:
    """Numbers for a path, separated by "," only where a "-" does not already separate them."""
    out: list[str] = []
    for v in tenths:
        s = _t(v)
        if out and s[0] != "-":
            out.append(",")
        out.append(s)
    return "".join(out)


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


def _polygon_points(sides: int, r: float, rotate: float = -90.0) -> list[tuple[float, float]]:
    return [(r * math.cos(a), r * math.sin(a))
            for a in (math.radians(rotate + 360.0 * i / sides) for i in range(sides))]


def _star_points(r: float) -> list[tuple[float, float]]:
    return [((r if i % 2 == 0 else r * 0.5) * math.cos(math.radians(-90 + 36 * i)),
             (r if i % 2 == 0 else r * 0.5) * math.sin(math.radians(-90 + 36 * i)))
            for i in range(10)]


def shape_points(kind: str, r: float) -> list[tuple[float, float]] | None:
    """The corners of a node of ``kind`` and radius ``r`` around 0,0, or None for a circle
    (one shape per kind, so that kinds can be told apart without colour)."""
    if kind == "risk":
        return _polygon_points(4, r * 1.25)                   # diamond
    if kind == "failure-mode":
        return _polygon_points(3, r * 1.35)                   # triangle
    if kind == "method":
        return _polygon_points(4, r * 1.25, rotate=-45)       # square
    if kind == "proposal":
        return _polygon_points(5, r * 1.2)                    # pentagon
    if kind == "problem":
        return _polygon_points(3, r * 1.35, rotate=90)        # triangle pointing down
    if kind == "argument":
        return _polygon_points(6, r * 1.15, rotate=0)         # hexagon
    if kind == "phenomenon":
        return _star_points(r * 1.5)                          # star
    return None                                               # concept (and anything unknown)


@functools.lru_cache(maxsize=512)
def shape_path(kind: str, r: float) -> str:
    """An SVG path centred on 0,0 for a node of ``kind`` and radius ``r``."""
    pts = shape_points(kind, r)
    if pts is None:
        k = _d(r)
        return f"M{_d(-r)},0a{k},{k} 0 1,0 {_d(2 * r)},0a{k},{k} 0 1,0 {_d(-2 * r)},0Z"
    return "M" + "L".join(f"{_d(x)},{_d(y)}" for x, y in pts) + "Z"


@functools.lru_cache(maxsize=512)
def _shape_tail(kind: str, r10: int) -> tuple[int, int, str] | None:
    """A node's shape as its first corner (in tenths, from the centre) and the rest as
    relative moves: drawn at any centre without a transform, and with few characters."""
    pts = shape_points(kind, r10 / 10)
    if pts is None:
        return None
    t = [(round(x * 10), round(y * 10)) for x, y in pts]
    steps = [v for (x0, y0), (x1, y1) in zip(t, t[1:]) for v in (x1 - x0, y1 - y0)]
    return t[0][0], t[0][1], "l" + _seq(steps) + "z"


@functools.lru_cache(maxsize=8192)
def _shape_at(kind: str, r: float, x: int, y: int) -> str:
    """The SVG element for a node of ``kind`` and radius ``r`` centred at whole ``x``, ``y``:
    a ``<circle>`` for concepts, else a ``<path>`` in relative coordinates."""
    r10 = round(r * 10)
    tail = _shape_tail(kind, r10)
    if tail is None:
        return f'<circle cx="{x}" cy="{y}" r="{_t(r10)}"/>'
    dx, dy, rest = tail
    return f'<path d="M{_seq((x * 10 + dx, y * 10 + dy))}{rest}"/>'


#: The key's swatches are drawn by graph.css (a box of KEY_BOX px clipped to the node's shape
#: at radius KEY_R), so that no page carries SVG for them.
KEY_R = 5.0
KEY_BOX = 15.0


def key_clip_path(kind: str) -> str:
    """The CSS ``clip-path`` of the key's swatch for ``kind``: the same shape as on the map."""
    pts = shape_points(kind, KEY_R)
    if pts is None:
        return f"circle({_t(round(KEY_R / KEY_BOX * 1000))}%)"
    half = KEY_BOX / 2
    return "polygon(" + ", ".join(
        f"{_t(round((x + half) / KEY_BOX * 1000))}% {_t(round((y + half) / KEY_BOX * 1000))}%"
        for x, y in pts) + ")"


def key_css() -> str:
    """The rules in graph.css that give each kind's swatch in the key its shape (kept equal to
    ``shape_points`` by tests/test_graph.py)."""
    return "\n".join(f".cw-graph__key--{k}::before {{ clip-path: {key_clip_path(k)}; }}"
                     for k in KIND_ORDER)


@functools.lru_cache(maxsize=8192)
def _label(x: float, y: float, angle: float, offset: float, radial: bool) -> str:
    """Where a node's label goes, as the attributes of its ``<text>``: outward from the centre
    of the drawing, rotated along the ray when the ring is crowded (rotated about the centre,
    so one number says how far out), else horizontal and anchored away from the centre."""
    c, s = math.cos(angle), math.sin(angle)
    if radial:
        dist = round(math.hypot(x, y) + offset)
        deg = math.degrees(angle)
        if c < -1e-9:
            dist, deg = -dist, deg + 180
        deg10 = round(deg * 10) % 3600
        if deg10 > 1800:
            deg10 -= 3600
        anchor = ' text-anchor="end"' if dist < 0 else ""
        return f' x="{dist}"{anchor} transform="rotate({_t(deg10)})"'
    lx, ly = x + offset * c, y + offset * s
    anchor = "start" if c > 0.35 else ("end" if c < -0.35 else "middle")
    if anchor == "middle":
        ly += 6.0 if s > 0 else -6.0
    return f' x="{_n(lx)}" y="{_n(ly)}"' + ("" if anchor == "start" else
                                          f' text-anchor="{anchor}"')


def _segment(x1: float, y1: float, r1: float, x2: float, y2: float,
             r2: float) -> tuple[int, int, int, int, float, float]:
    """A straight edge from node 1 to node 2 that stops at both shapes (so arrowheads show):
    its ends, whole, and its direction."""
    dx, dy = x2 - x1, y2 - y1
    d = math.hypot(dx, dy) or 1.0
    ux, uy = dx / d, dy / d
    return (round(x1 + ux * r1), round(y1 + uy * r1), round(x2 - ux * r2), round(y2 - uy * r2),
            ux, uy)


#: An arrowhead: length and half-width in px (what the marker drew at the edges' width).
ARROW_LEN = 7.2
ARROW_HALF = 2.9


def _arrowhead(tx: int, ty: int, ux: float, uy: float) -> str:
    """A filled triangle with its tip at ``tx``, ``ty`` pointing along ``ux``, ``uy``."""
    bx, by = tx - ux * ARROW_LEN, ty - uy * ARROW_LEN
    w1 = (round((bx - uy * ARROW_HALF) * 10), round((by + ux * ARROW_HALF) * 10))
    w2 = (round((bx + uy * ARROW_HALF) * 10), round((by - ux * ARROW_HALF) * 10))
    return (f"M{tx},{ty}l" + _seq((w1[0] - tx * 10, w1[1] - ty * 10,
                                    w2[0] - w1[0], w2[1] - w1[1])) + "z")


def _edge_geometry(x1: float, y1: float, r1: float, x2: float, y2: float, r2: float,
                   bend: float = 0.0) -> str:
    """A path from node 1 to node 2 that stops at both shapes. With ``bend`` > 0 it is a
    quadratic curve pulled towards the centre of the drawing."""
    if bend:
        mx, my = (x1 + x2) / 2 * (1 - bend), (y1 + y2) / 2 * (1 - bend)
        # Leave each node along the tangent towards the control point.
        a1x, a1y = mx - x1, my - y1
        a2x, a2y = mx - x2, my - y2
        l1, l2 = math.hypot(a1x, a1y) or 1.0, math.hypot(a2x, a2y) or 1.0
        sx, sy = x1 + a1x / l1 * r1, y1 + a1y / l1 * r1
        ex, ey = x2 + a2x / l2 * r2, y2 + a2y / l2 * r2
        return f"M{_n(sx)},{_n(sy)}Q{_n(mx)},{_n(my)} {_n(ex)},{_n(ey)}"
    sx, sy, ex, ey, _ux, _uy = _segment(x1, y1, r1, x2, y2, r2)
    return f"M{sx},{sy}L{ex},{ey}"


#: Keep arrowheads clear of the shape's outline.
EDGE_PAD = 3.0


@functools.lru_cache(maxsize=8192)
def _drawn_edge(x1: float, y1: float, r1: float, x2: float, y2: float, r2: float,
                a_links_b: bool, b_links_a: bool) -> tuple[str, str]:
    """An edge drawn in full between two nodes, and its arrowheads (one for each direction
    in which a page links to the other). Memoised, like ``_shape_at`` and ``_label``: maps
    with the same number of neighbours put them at the same places, so most pages draw
    what another has drawn already."""
    sx, sy, ex, ey, ux, uy = _segment(x1, y1, r1 + EDGE_PAD, x2, y2, r2 + EDGE_PAD)
    arrows = ""
    if a_links_b:
        arrows += _arrowhead(ex, ey, ux, uy)
    if b_links_a:
        arrows += _arrowhead(sx, sy, -ux, -uy)
    return f"M{sx},{sy}L{ex},{ey}", arrows


def _edge_dict(graph: ConceptGraph, e: Edge, pos: dict[str, tuple[float, float, float]],
               bend: float = 0.0) -> dict:
    x1, y1, r1 = pos[e.a]
    x2, y2, r2 = pos[e.b]
    d = _edge_geometry(x1, y1, r1 + EDGE_PAD, x2, y2, r2 + EDGE_PAD, bend)
    return {"d": d, "kind": e.kind, "a": e.a, "b": e.b, "start": e.b_links_a, "end": e.a_links_b}


def _node_dict(graph: ConceptGraph, slug: str, x: float, y: float, r: float, url: str,
               label: str, text: str | None, role: str) -> dict:
    """A node to draw; ``text`` is its label if not the usual one (``graph.html``)."""
    n = graph.nodes[slug]
    xi, yi = round(x), round(y)
    kind_html, title_html, text_html = graph.html(slug)
    return {"slug": slug, "title": n.title, "kind": n.kind, "tags": " ".join(n.tags),
            "x": str(xi), "y": str(yi), "shape": _shape_at(n.kind, r, xi, yi), "url": url,
            "label": label, "role": role, "degree": graph.degree[slug],
            "html": (kind_html, title_html, text_html if text is None else str(escape(text)),
                     graph.escaped(url))}


def layout_neighbourhood(graph: ConceptGraph, hood: Neighbourhood, url_for) -> dict:
    """Concentric rings: the concept at the centre, 1-hop neighbours on the inner ring sorted
    by title, 2-hop neighbours on the outer ring next to their 1-hop node. ``url_for(slug)``
    gives each node's link. Returns what ``draw`` and ``graph_svg.html.j2`` draw: the edges
    grouped into one path per kind and the arrowheads into one more (no markers, so nothing
    on the page needs an id of its own)."""
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
                            f' x="0" y="{_n(-centre_r - 8)}" text-anchor="middle"',
                            truncate(cn.title, 2 * LABEL_CHARS), "centre"))
    angles: dict[str, float] = {}
    for i, slug in enumerate(hood.first):
        a = math.radians(-90 + 360.0 * i / n1)
        angles[slug] = a
        x, y = r1 * math.cos(a), r1 * math.sin(a)
        pos[slug] = (x, y, ring_r)
        nodes.append(_node_dict(graph, slug, x, y, ring_r, url_for(slug),
                                _label(x, y, a, ring_r + 5, radial1),
                                None, "first"))
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
                                    None, "second"))
    # The tree (centre to each 1-hop node, each 2-hop node to the 1-hop node it hangs from)
    # is drawn in full, with arrowheads for links; other edges among the drawn nodes are
    # drawn faint, under it, centre to centre and without arrowheads.
    centre, parent = hood.centre, hood.parent
    strong: dict[str, list[str]] = {}
    faint: dict[str, list[str]] = {}
    arrows: list[str] = []
    at = {s: f"{_n(x)},{_n(y)}" for s, (x, y, _r) in pos.items()}
    for e in hood.edges:              # in a fixed order: that of hood.nodes
        if (e.a == centre or e.b == centre or parent.get(e.a) == e.b
                or parent.get(e.b) == e.a):
            line, heads = _drawn_edge(*pos[e.a], *pos[e.b], e.a_links_b, e.b_links_a)
            strong.setdefault(e.kind, []).append(line)
            if heads:
                arrows.append(heads)
        else:
            faint.setdefault(e.kind, []).append(f"M{at[e.a]}L{at[e.b]}")
    edges = [{"d": "".join(ds), "kind": k, "weak": True} for k, ds in sorted(faint.items())]
    edges += [{"d": "".join(strong[k]), "kind": k, "weak": False}
              for k in ("related", "link", "both") if k in strong]
    half = math.ceil(outer)
    return {"viewbox": f"{-half} {-half} {2 * half} {2 * half}", "size": 2 * half,
            "nodes": nodes, "edges": edges, "arrows": "".join(arrows), "markers": False,
            "filterable": False}


def layout_wiki(graph: ConceptGraph, slugs: list[str], url_for) -> dict:
    """The whole-wiki drawing: ``slugs`` on one circle, grouped by kind and sorted by title
    within each kind, node size by number of connections, edges curved through the middle.
    Each edge is its own path (the filter hides them one by one), with marker arrowheads."""
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
                                _label(x, y, a, r + 5, n > 8), None, "wiki"))
    index = {slug: i for i, slug in enumerate(order)}
    for i, node in enumerate(nodes):
        node["index"] = i
    # Edges name their ends by index (data-a="3"), not slug: a third of the bytes.
    edges = [dict(_edge_dict(graph, e, pos, bend=0.75), weak=False, ia=index[e.a], ib=index[e.b])
             for e in graph.edges_among(order)]
    edges.sort(key=lambda e: (e["kind"] != "related", e["a"], e["b"]))
    half = math.ceil(outer)
    return {"viewbox": f"{-half} {-half} {2 * half} {2 * half}", "size": 2 * half,
            "nodes": nodes, "edges": edges, "arrows": "", "markers": True, "filterable": False}


# -- markup -------------------------------------------------------------------------------


def draw(drawing: dict, gid: str) -> Markup:
    """The edges and nodes of a drawing as SVG elements (everything from the wiki escaped).

    Written here rather than in a template because a wiki of 5,000 concepts draws ~200,000 of
    them per build; ``graph_svg.html.j2`` wraps them in the ``<svg>`` with title and key.
    Everything that is the same on every page (colours, line styles, fonts, the key's shapes)
    is in graph.css; a node is its link, title, shape and label, and nothing else.

    Node links use ``xlink:href``, not ``href``: Material's instant navigation rewrites every
    ``[href]`` of a page it swaps in (``el.href = el.href``), which throws on an SVG ``<a>``
    (its ``href`` is read-only) and makes every concept page load in full; link previews
    likewise expect ``a[href]`` to be an HTML link. Browsers follow ``xlink:href`` alike.
    """
    filterable = drawing.get("filterable", False)
    arrow = f' marker-{{}}="url(#{escape(gid)}-arrow)"' if drawing.get("markers") else ""
    out = ['<g class="cw-graph__edges">']
    for e in drawing["edges"]:
        attrs = ""
        if filterable and "ia" in e:
            attrs += f' data-a="{e["ia"]:d}" data-b="{e["ib"]:d}"'
        if arrow and e.get("start"):
            attrs += arrow.format("start")
        if arrow and e.get("end"):
            attrs += arrow.format("end")
        weak = " cw-graph__edge--weak" if e["weak"] else ""
        out.append(f'<path class="cw-graph__edge cw-graph__edge--{escape(e["kind"])}{weak}" '
                   f'd="{e["d"]}"{attrs}/>')
    if drawing.get("arrows"):
        out.append(f'<path class="cw-graph__arrows" d="{drawing["arrows"]}"/>')
    out.append('</g>\n<g class="cw-graph__nodes">')
    for n in drawing["nodes"]:
        centre = n["role"] == "centre"
        attrs = ""
        if filterable:
            attrs += (f' data-n="{n["index"]:d}" data-kind="{n["html"][0]}"'
                      f' data-tags="{escape(n["tags"])}"')
        if centre:
            attrs += ' aria-current="page"'
        kind, title, text, href = n["html"]
        out.append(
            f'<a class="cw-graph__node--{kind}" xlink:href="{href}"{attrs}>'
            f'<title>{title}</title>{n["shape"]}<text{n["label"]}>{text}</text></a>')
    out.append("</g>")
    return Markup("\n".join(out))


# -- what the templates get ---------------------------------------------------------------


def _kinds_legend(graph: ConceptGraph, slugs: Iterable[str]) -> list[dict]:
    """The kinds present, in schema order, for the key (its swatches are drawn by graph.css)."""
    present = {graph.nodes[s].kind for s in slugs}
    return [{"kind": k, "label": kind_label(k), "plural": kind_label(k, 2)}
            for k in [*KIND_ORDER, *sorted(present - set(KIND_ORDER))] if k in present]


#: The id prefix of a concept map's title and description: one map per concept page, so a
#: fixed id (not one per concept) is unique on its page and costs the fewest bytes.
MAP_ID = "cw-graph-map"


def _list_groups(graph: ConceptGraph, hood: Neighbourhood, url_for) -> list[dict]:
    """The map as a list, each group's items as escaped ``<li>`` markup: 1-hop neighbours by
    how they are connected, then the 2-hop ones under the neighbour they are reached through
    (that neighbour's link once, not once per 2-hop concept)."""
    slug = hood.centre

    esc = graph.escaped

    def link(s: str) -> str:
        return f'<a href="{esc(url_for(s))}">{esc(graph.nodes[s].title)}</a>'

    def item(s: str) -> str:
        return f"{link(s)} ({esc(kind_label(graph.nodes[s].kind))})"

    groups = []
    for label, members in (
        ("Related", [s for s in hood.first if s in graph.related[slug]]),
        ("Links to", [s for s in hood.first if s in graph.out[slug]]),
        ("Linked from", [s for s in hood.first if s in graph.inc[slug]]),
    ):
        if members:
            groups.append({"label": label,
                           "html": Markup("".join(f"<li>{item(s)}</li>\n" for s in members))})
    if hood.second:
        by_parent: dict[str, list[str]] = {}
        for s in hood.second:                      # already in order of their 1-hop node
            by_parent.setdefault(hood.parent[s], []).append(s)
        groups.append({"label": "Two steps away", "html": Markup("".join(
            f"<li>via {link(p)}: {', '.join(item(s) for s in members)}</li>\n"
            for p, members in by_parent.items()))})
    return groups


def neighbourhood_view(graph: ConceptGraph, slug: str, url_for, *, max_first: int = MAX_FIRST,
                       max_second: int = MAX_SECOND) -> dict | None:
    """Everything ``graph.html.j2`` needs for one concept page, or None for a concept with
    no neighbours. ``url_for(slug)`` is the link from that page to a concept page."""
    if slug not in graph.nodes or not graph.adj[slug]:
        return None
    url_for = sibling_urls(url_for)
    hood = graph.neighbourhood(slug, max_first, max_second)
    drawing = layout_neighbourhood(graph, hood, url_for)
    title = graph.nodes[slug].title
    shown = len(hood.first) + len(hood.second)
    drawing["body"] = draw(drawing, MAP_ID)
    return {
        **drawing,
        "id": MAP_ID,
        "title": f"Concept map of {title}",
        "desc": (f"{title} with {len(hood.first)} directly connected "
                 f"concept{'s' if len(hood.first) != 1 else ''}"
                 + (f" and {len(hood.second)} two steps away" if hood.second else "")
                 + (f"; {hood.hidden} more not shown" if hood.hidden else "") + "."),
        "groups": _list_groups(graph, hood, url_for),
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
