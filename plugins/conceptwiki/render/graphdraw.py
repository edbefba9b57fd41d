"""Concept maps drawn as SVG at build time, from a :class:`~conceptwiki.render.graph.ConceptGraph`.

* :func:`layout_neighbourhood` draws a concept's neighbourhood as a tree on its side: the
  concept in the middle, its neighbours in a column on either side, theirs in an outer column,
  every label horizontal; no randomness, so every build gives the same bytes;
* :meth:`ConceptGraph.top` and :func:`layout_wiki` draw the whole wiki: the most connected
  concepts, grouped by kind, down an arc on the right and up one on the left
  (:func:`arc_positions`), so that labels are horizontal too; ``graph.js`` lays out what a
  filter leaves with the same sums;
* :func:`draw` writes the nodes and edges as SVG elements, escaping everything that comes from
  an entry; the templates ``graph_svg.html.j2`` (the ``<svg>`` with its title and
  description), ``graph_legend.html.j2``, ``graph.html.j2`` (a concept page's map, key and
  list) and ``graph.md.j2`` (the graph page) wrap them, with Jinja's autoescaping.

A concept map is on every concept page, so it carries only what differs from page to page:
colours, line styles, fonts and the key's shapes are classes in ``assets/graph.css`` (the key
is plain HTML; :func:`key_css` keeps its shapes equal to the drawing's); a node is a link,
moved to its place, with its title, its shape and its label; an edge is a path with its
arrowheads that names the two nodes it joins, so that pointing at a node lights its edges.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from typing import Iterable

from markupsafe import Markup, escape

from ..model.schema import kind_label
from .graph import (KIND_ORDER, MAX_FIRST, MAX_SECOND, MAX_WIKI_NODES, ConceptGraph, Edge,
                    Neighbourhood, truncate)

__all__ = ["layout_neighbourhood", "layout_wiki", "draw", "neighbourhood_view", "sibling_urls", "wiki_view",
           "shape_path", "shape_points", "key_clip_path", "key_css", "truncate", "MAP_ID", "kind_label",
           "arc_positions", "wiki_edge_path", "label_width", "clip", "ROW"]


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


#: Keep arrowheads clear of the shape's outline.
EDGE_PAD = 3.0


def _edge_dict(graph: ConceptGraph, e: Edge, pos: dict[str, tuple[float, float, float]],
               bend: float = 0.0) -> dict:
    x1, y1, r1 = pos[e.a]
    x2, y2, r2 = pos[e.b]
    d = wiki_edge_path(x1, y1, r1 + EDGE_PAD, x2, y2, r2 + EDGE_PAD)
    return {"d": d, "kind": e.kind, "a": e.a, "b": e.b, "start": e.b_links_a, "end": e.a_links_b}


#: A row of a drawing: one node and its one-line label (the label is 12 px).
ROW = 20
#: From a node to its label, and from a label's end to the next column.
LABEL_GAP = 6
COLUMN_GAP = 24
#: Labels on a concept map: neighbours, and theirs, are shortened to this many characters (the
#: full title shows on hover and focus), so that a full map is ~690 px wide: the width of the
#: page's text on a desktop, where it is drawn at its natural size, labels 12 px.
FIRST_CHARS = 18
SECOND_CHARS = 15
#: Labels on the whole-wiki graph (a page of its own, without a table of contents beside it).
WIKI_CHARS = 26
#: The concept's name in its box is 13 px and bold: wider than a label of the same text.
CENTRE_SCALE = 13 / 12 * 1.1


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" (mid-word: a map's label
    keeps as much of the title as fits; the full title shows on hover and focus)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:-–") + "…"


#: Advance widths of Helvetica/Arial (the metrics of the sans-serif fonts browsers fall back
#: to), in thousandths of the font size; other characters count as an "n".
_ADVANCE = dict(zip("abcdefghijklmnopqrstuvwxyz", (556, 556, 500, 556, 556, 278, 556, 556, 222, 222,
                    500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500)))
_ADVANCE.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (667, 667, 722, 722, 667, 611, 778, 722, 278, 500,
                    667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611)))
_ADVANCE.update({" ": 278, "-": 333, "'": 191, "\u2019": 222, "(": 333, ")": 333, ",": 278, ".": 278,
                 ":": 278, "\u2026": 1000, "&": 667, "/": 278})


@functools.lru_cache(maxsize=8192)
def label_width(text: str, size: float = 12.0) -> float:
    """How wide a label is at ``size`` px, with 6% to spare for wider fonts."""
    return sum(_ADVANCE.get(ch, 556) for ch in text) * size / 1000 * 1.06


@functools.lru_cache(maxsize=512)
def _shape0(kind: str, r: float) -> str:
    """A node's shape centred on 0,0 (the node's ``<a>`` is translated to its place)."""
    if shape_points(kind, r) is None:
        return f'<circle r="{_d(r)}"/>'
    return f'<path d="{shape_path(kind, r)}"/>'


def _side_label(side: int, r: float) -> str:
    """A horizontal label beside its node: to the right on the right side, else to the left."""
    off = round(r + LABEL_GAP)
    return f' x="{off}"' if side > 0 else f' x="{-off}" text-anchor="end"'


def _columns(graph: ConceptGraph, hood: Neighbourhood) -> tuple[list[str], list[str], dict[str, int]]:
    """The 1-hop nodes of each side (right, left) and the rows each takes: its 2-hop nodes,
    or one. The first half of the rows, in title order, go to the right."""
    children: dict[str, int] = Counter(hood.parent[s] for s in hood.second)
    rows = {f: max(1, children.get(f, 0)) for f in hood.first}
    total = sum(rows.values())
    right: list[str] = []
    used = 0
    for f in hood.first:  # in title order: the right column, then the left, top to bottom
        if used and used + rows[f] / 2 > total / 2:
            break
        right.append(f)
        used += rows[f]
    return right, hood.first[len(right):], rows


#: The widest a concept map is drawn: the text column of a page on a 1280 px desktop. A map
#: whose labels would make it wider shortens them further (down to ``MIN_CHARS``).
MAX_WIDTH = 686
MIN_CHARS = 9


def _centre_lines(title: str) -> list[str]:
    """The concept's name in its box: one line, or two if it is long and has a space."""
    title = truncate(title, 48)
    if len(title) <= FIRST_CHARS or " " not in title:
        return [title]
    half = len(title) / 2
    cut = min((i for i, ch in enumerate(title) if ch == " "), key=lambda i: abs(i - half))
    return [title[:cut], title[cut + 1:]]


def layout_neighbourhood(graph: ConceptGraph, hood: Neighbourhood, url_for) -> dict:
    """A concept map as a tree on its side: the concept in the middle, in a box with its name;
    its neighbours in a column on either side, each with a horizontal label; their neighbours
    in an outer column, level with the neighbour they are reached through. ``url_for(slug)``
    gives each node's link. Every label is horizontal and 12 px at the drawing's natural size
    (it is not shrunk: a narrow screen scrolls it); labels are shortened to ``FIRST_CHARS`` and
    ``SECOND_CHARS`` characters, or fewer if the map would be wider than ``MAX_WIDTH``, their
    full titles shown on hover and focus.

    Each edge of the tree is its own path (with its arrowheads), naming the nodes it joins by
    their place among the nodes (``data-e="0 3"``), so that pointing at a node lights its edges
    (``graph.js``)."""
    # Each label length tried (about six per page) is only measured; the map is drawn once
    # (drawing every try took 20 s of a profiled cold build at 2,000 concepts).
    first, second, columns = FIRST_CHARS, SECOND_CHARS, _columns(graph, hood)
    while True:
        if (_tree(graph, hood, url_for, first, second, columns, measure=True)["width"] <= MAX_WIDTH
                or first <= MIN_CHARS):
            return _tree(graph, hood, url_for, first, second, columns)
        # The outer column's labels give way first, then the inner's.
        if second > MIN_CHARS:
            second -= 1
        else:
            first -= 1


def _tree(graph: ConceptGraph, hood: Neighbourhood, url_for, first_chars: int, second_chars: int,
          columns: tuple[list[str], list[str], dict[str, int]], *, measure: bool = False) -> dict:
    """The drawing; with ``measure``, only its ``width``."""
    right, left, rows = columns
    ring_r, centre_lines = 7.0, _centre_lines(graph.nodes[hood.centre].title)
    box_half = round(max(label_width(line) for line in centre_lines) * CENTRE_SCALE / 2 + 10)
    box_h = 22 if len(centre_lines) == 1 else 36
    x1 = box_half + 22
    kids: dict[str, list[str]] = {}
    for s in hood.second:
        kids.setdefault(hood.parent[s], []).append(s)
    label_of = {s: clip(graph.nodes[s].title, first_chars if s in rows else second_chars)
                for s in hood.nodes}
    pos: dict[str, tuple[float, float]] = {hood.centre: (0.0, 0.0)}
    side_of: dict[str, int] = {}
    extent = [0.0, 0.0]  # how far out each side's drawing reaches (right, left)
    for side, column in ((1, right), (-1, left)):
        total = sum(rows[f] for f in column)
        top = -(total - 1) * ROW / 2
        w1 = max((label_width(label_of[f]) for f in column), default=0.0)
        x2 = x1 + ring_r + LABEL_GAP + w1 + COLUMN_GAP
        row = 0
        reach = x1 + ring_r + LABEL_GAP + w1
        for f in column:
            y_first = top + (row + (rows[f] - 1) / 2) * ROW
            pos[f] = (side * x1, y_first)
            side_of[f] = side
            for k, c in enumerate(kids.get(f, [])):
                pos[c] = (side * x2, top + (row + k) * ROW)
                side_of[c] = side
                reach = max(reach, x2 + ring_r + LABEL_GAP + label_width(label_of[c]))
            row += rows[f]
        extent[0 if side > 0 else 1] = reach
    if measure:  # as ``width`` below
        return {"width": math.ceil(extent[0] + 8) + math.ceil(extent[1] + 8)}
    index = {s: i for i, s in enumerate(hood.nodes)}
    nodes = []
    for s in hood.nodes:
        x, y = pos[s]
        if s == hood.centre:
            w = 2 * box_half
            shape = (f'<rect x="{-box_half}" y="{-box_h // 2}" width="{w}" height="{box_h}" '
                     f'rx="{box_h // 2}"/>')
            text = None
            if len(centre_lines) == 2:
                text = "".join(f'<tspan x="0" y="{dy}">{graph.escaped(line)}</tspan>'
                               for dy, line in zip((-8, 8), centre_lines))
            nodes.append(_node(graph, s, x, y, url_for(s), shape, ' text-anchor="middle"',
                               " ".join(centre_lines), "centre", index[s], text_html=text))
        else:
            role = "first" if s in side_of and s not in hood.parent else "second"
            nodes.append(_node(graph, s, x, y, url_for(s), _shape0(graph.nodes[s].kind, ring_r),
                               _side_label(side_of[s], ring_r), label_of[s], role, index[s]))
    # The tree's edges: the concept to each neighbour (from the side of its box), each
    # neighbour to the concepts beyond it (from the end of its label).
    edges = []
    for e in hood.edges:
        if e.a == hood.centre or e.b == hood.centre:
            inner, outer = (e.a, e.b) if e.a == hood.centre else (e.b, e.a)
            side = side_of[outer]
            start: tuple[float, float] = (float(side * box_half), 0.0)
        elif hood.parent.get(e.b) == e.a or hood.parent.get(e.a) == e.b:
            inner, outer = (e.a, e.b) if hood.parent.get(e.b) == e.a else (e.b, e.a)
            side = side_of[outer]
            start = (pos[inner][0] + side * (ring_r + LABEL_GAP + label_width(label_of[inner]) + 4), pos[inner][1])
        else:
            continue  # not part of the tree: the list below the map has every connection
        ox, oy = pos[outer]
        sx, sy, ex, ey, ux, uy = _segment(start[0], start[1], 0.0, ox, oy, ring_r + EDGE_PAD)
        d = f"M{sx},{sy}L{ex},{ey}"
        inner_links = e.a_links_b if e.a == inner else e.b_links_a
        outer_links = e.b_links_a if e.a == inner else e.a_links_b
        if inner_links:
            d += _arrowhead(ex, ey, ux, uy)
        if outer_links and inner != hood.centre:
            # (Links into the concept itself get no arrowhead: a dozen would meet at its box.
            # The list below the map says which pages link to it.)
            d += _arrowhead(sx, sy, -ux, -uy)
        edges.append({"d": d, "kind": e.kind, "weak": False, "ia": index[inner], "ib": index[outer]})
    edges.sort(key=lambda ed: (ed["ia"], ed["ib"]))
    ys = [y for _x, y in pos.values()]
    top, bottom = min(ys) - ROW, max(ys) + ROW
    left_x, right_x = -math.ceil(extent[1] + 8), math.ceil(extent[0] + 8)
    width, height = right_x - left_x, math.ceil(bottom - top)
    return {"viewbox": f"{left_x} {math.floor(top)} {width} {height}", "size": width,
            "width": width, "height": height, "nodes": nodes, "edges": edges, "arrows": "",
            "markers": False, "filterable": False, "indexed": True}


def _node(graph: ConceptGraph, slug: str, x: float, y: float, url: str, shape: str, label: str,
          text: str, role: str, index: int, text_html: str | None = None) -> dict:
    """A node to draw; ``text_html`` is its label's markup if not ``text`` escaped (the
    concept's name on two lines)."""
    n = graph.nodes[slug]
    kind_html, title_html, _text_html = graph.html(slug)
    return {"slug": slug, "title": n.title, "kind": n.kind, "tags": " ".join(n.tags),
            "x": _n(x), "y": _n(y), "shape": shape, "url": url, "label": label, "role": role,
            "degree": graph.degree[slug], "index": index,
            "html": (kind_html, title_html, text_html if text_html is not None else graph.escaped(text),
                     graph.escaped(url))}


def arc_positions(n: int, row: float = 22.0) -> list[tuple[float, float, int]]:
    """Where ``n`` nodes go on the whole-wiki graph: down an arc on the right, then up an arc
    on the left (clockwise, like a clock face opened at the top and bottom), a row apart, so
    that every label is horizontal and none overlaps another. ``(x, y, side)`` each; the
    same sums in graph.js lay out what a filter leaves."""
    right = (n + 1) // 2
    out = []
    for side, count in ((1, right), (-1, n - right)):
        half = (count - 1) / 2
        span = max(half, 1.0) + 1.0
        for i in range(count):
            k = i if side > 0 else count - 1 - i
            t = (k - half) / span
            out.append((side * (40.0 + 140.0 * math.sqrt(1 - t * t)), (k - half) * row, side))
    return out


def layout_wiki(graph: ConceptGraph, slugs: list[str], url_for) -> dict:
    """The whole-wiki drawing: ``slugs`` grouped by kind and sorted by title within each kind,
    down an arc on the right and up one on the left (:func:`arc_positions`), node size by
    number of connections, horizontal labels, edges curved through the middle. Each edge is
    its own path (the filter hides them one by one and lays out what is left), with marker
    arrowheads."""
    order = sorted(slugs, key=lambda s: (KIND_ORDER.index(graph.nodes[s].kind)
                                         if graph.nodes[s].kind in KIND_ORDER else len(KIND_ORDER),
                                         *graph.title_key(s)))
    places = arc_positions(len(order))
    pos: dict[str, tuple[float, float, float]] = {}
    nodes = []
    widest = [0.0, 0.0]
    for i, (slug, (x, y, side)) in enumerate(zip(order, places)):
        r = round(min(3.0 + 1.2 * math.sqrt(graph.degree[slug]), 10.0) * 2) / 2
        pos[slug] = (x, y, r)
        text = clip(graph.nodes[slug].title, WIKI_CHARS)
        nodes.append(dict(_node(graph, slug, x, y, url_for(slug), _shape0(graph.nodes[slug].kind, r),
                                _side_label(side, r), text, "wiki", i), r=r))
        reach = abs(x) + r + LABEL_GAP + label_width(text)
        widest[0 if side > 0 else 1] = max(widest[0 if side > 0 else 1], reach)
    index = {slug: i for i, slug in enumerate(order)}
    edges = [dict(_edge_dict(graph, e, pos), weak=False, ia=index[e.a], ib=index[e.b])
             for e in graph.edges_among(order)]
    edges.sort(key=lambda e: (e["kind"] != "related", e["a"], e["b"]))
    ys = [y for _x, y, _s in places] or [0.0]
    top, bottom = min(ys) - 22, max(ys) + 22
    left_x, right_x = -math.ceil(widest[1] + 8), math.ceil(widest[0] + 8)
    width, height = right_x - left_x, math.ceil(bottom - top)
    return {"viewbox": f"{left_x} {math.floor(top)} {width} {height}", "size": width,
            "width": width, "height": height, "nodes": nodes, "edges": edges, "arrows": "",
            "markers": True, "filterable": False, "indexed": True}


def wiki_edge_path(x1: float, y1: float, r1: float, x2: float, y2: float, r2: float) -> str:
    """An edge of the whole-wiki graph: a curve pulled towards the middle of the drawing
    (graph.js draws the same when a filter moves the nodes)."""
    mx, my = (x1 + x2) / 2 * 0.2, (y1 + y2) / 2
    a1x, a1y, a2x, a2y = mx - x1, my - y1, mx - x2, my - y2
    l1, l2 = math.hypot(a1x, a1y) or 1.0, math.hypot(a2x, a2y) or 1.0
    sx, sy = x1 + a1x / l1 * r1, y1 + a1y / l1 * r1
    ex, ey = x2 + a2x / l2 * r2, y2 + a2y / l2 * r2
    return f"M{_n(sx)},{_n(sy)}Q{_n(mx)},{_n(my)} {_n(ex)},{_n(ey)}"


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
    indexed = drawing.get("indexed", False)
    arrow = f' marker-{{}}="url(#{escape(gid)}-arrow)"' if drawing.get("markers") else ""
    out = ['<g class="cw-graph__edges">']
    if indexed:
        # One group per kind of edge (its class styles every line in it); each path names the
        # two nodes it joins by their place among the nodes (``data-e="0 3"``).
        groups: dict[tuple[str, bool], list[str]] = {}
        for e in drawing["edges"]:
            attrs = f' data-e="{e["ia"]:d} {e["ib"]:d}"'
            if arrow and e.get("start"):
                attrs += arrow.format("start")
            if arrow and e.get("end"):
                attrs += arrow.format("end")
            groups.setdefault((e["kind"], e["weak"]), []).append(f'<path{attrs} d="{e["d"]}"/>')
        for (kind, weak), paths in groups.items():
            out.append(f'<g class="cw-graph__edge cw-graph__edge--{escape(kind)}'
                       f'{" cw-graph__edge--weak" if weak else ""}">' + "".join(paths) + "</g>")
    else:
        for e in drawing["edges"]:
            weak_class = " cw-graph__edge--weak" if e["weak"] else ""
            out.append(f'<path class="cw-graph__edge cw-graph__edge--{escape(e["kind"])}{weak_class}" '
                       f'd="{e["d"]}"/>')
    if drawing.get("arrows"):
        out.append(f'<path class="cw-graph__arrows" d="{drawing["arrows"]}"/>')
    out.append('</g>\n<g class="cw-graph__nodes">')
    for n in drawing["nodes"]:
        centre = n["role"] == "centre"
        attrs = ""
        if filterable:
            attrs += (f' data-n="{n["index"]:d}" data-kind="{n["html"][0]}"'
                      f' data-tags="{escape(n["tags"])}" data-r="{_d(n["r"])}"')
        if centre:
            attrs += ' aria-current="page"'
        if indexed:
            attrs += f' transform="translate({n["x"]} {n["y"]})"'
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
