"""The concept graph: who is related to whom and who links to whom.

:class:`ConceptGraph` builds the adjacency once, in O(concepts + links), as dicts of sets:
``related`` (symmetric: a ``related`` entry on either page), ``out`` (wikilinks from an entry)
and ``inc`` (wikilinks to it). Everything else reads those sets and never scans all pages:
:meth:`ConceptGraph.neighbourhood` picks a concept's 1- and 2-hop neighbours, capped for
legibility (related concepts first, then the most connected, then by title) and counts the
rest ("and N more"); its cost per page is bounded by the caps, not by the wiki's size.
:meth:`ConceptGraph.top` picks the concepts of the whole-wiki graph page. How they are laid
out and drawn is :mod:`conceptwiki.render.graphdraw`.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, NamedTuple

from markupsafe import escape

from ..model.schema import Kind, kind_label

__all__ = ["GraphNode", "Edge", "Neighbourhood", "ConceptGraph", "KIND_ORDER", "MAX_FIRST",
           "MAX_SECOND", "MAX_WIKI_NODES", "LABEL_CHARS", "CHAR_WIDTH", "truncate"]

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


def truncate(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` on one line, shortened to ``limit`` characters at a word with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"


@dataclass(frozen=True)
class GraphNode:
    slug: str
    title: str
    kind: str
    tags: tuple[str, ...] = ()


class Edge(NamedTuple):
    """An undirected pair ``a``–``b`` (drawn from a to b) and what joins them (a tuple: a
    concept map makes ~100 of these, and a frozen dataclass costs twice as much to make)."""

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
        self._rank_key = {s: (-self.degree[s], *k) for s, k in self._title_key.items()}
        self._ranked: dict[str, list[str]] = {}
        self._html: dict[str, tuple[str, str, str]] = {}
        self._escaped: dict[str, str] = {}

    @classmethod
    def from_maps(cls, entries: Mapping[str, Any], related: Mapping[str, list[str]],
                  backlinks: Mapping[str, list[str]]) -> "ConceptGraph":
        """The graph of the entries, from the maps the pages use (``related`` both ways,
        ``backlinks`` target -> entries linking to it: :mod:`conceptwiki.render.maps`)."""
        nodes = {slug: GraphNode(slug, e.title, e.concept.kind.value, tuple(e.concept.tags))
                 for slug, e in entries.items()}
        links: dict[str, set[str]] = {}
        for target, sources in backlinks.items():
            for src in sources:
                # Backlinks may also come from docs pages; only entries are graph nodes.
                if isinstance(src, str) and src in nodes:
                    links.setdefault(src, set()).add(target)
        return cls(nodes, related, links)

    # -- ranking --------------------------------------------------------------------------

    def title_key(self, slug: str) -> tuple[str, str]:
        return self._title_key[slug]

    def _rank(self, slug: str) -> tuple:
        """Most connected first, then by title: the order in which caps keep nodes."""
        return self._rank_key[slug]

    def edge(self, a: str, b: str) -> Edge | None:
        rel = b in self.related[a]
        ab = b in self.out[a]
        ba = a in self.out[b]
        if not (rel or ab or ba):
            return None
        return Edge(a, b, rel, ab, ba)

    def edges_among(self, slugs: list[str]) -> list[Edge]:
        """Every edge between the given nodes, in the order given. Each node's neighbours are
        intersected with the drawn nodes (a set operation that walks the smaller side), so a
        hub with thousands of links costs no more than a leaf."""
        index = {s: i for i, s in enumerate(slugs)}
        members = set(index)
        out = []
        for i, a in enumerate(slugs):
            later = sorted(j for j in map(index.__getitem__, self.adj[a] & members) if j > i)
            for j in later:
                e = self.edge(a, slugs[j])
                if e is not None:
                    out.append(e)
        return out

    def html(self, slug: str) -> tuple[str, str, str]:
        """A node as it is written on every drawing, escaped once per build rather than once
        per page it appears on: its kind (a class name), "Title (kind)" (its tooltip and
        accessible name) and its label (the title, shortened)."""
        out = self._html.get(slug)
        if out is None:
            n = self.nodes[slug]
            out = self._html[slug] = (str(escape(n.kind)),
                                      str(escape(f"{n.title} ({kind_label(n.kind)})")),
                                      str(escape(truncate(n.title))))
        return out

    def escaped(self, text: str) -> str:
        """``text`` escaped for HTML, remembered (link targets and titles recur on many pages)."""
        out = self._escaped.get(text)
        if out is None:
            out = self._escaped[text] = str(escape(text))
        return out

    # -- selections -----------------------------------------------------------------------

    def ranked(self, slug: str) -> list[str]:
        """``slug``'s neighbours, most connected first (computed once per node, on demand)."""
        out = self._ranked.get(slug)
        if out is None:
            out = self._ranked[slug] = sorted(self.adj[slug], key=self._rank_key.__getitem__)
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
        second = heapq.nsmallest(max_second, candidates, key=self._rank_key.__getitem__)
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
        return heapq.nsmallest(max_nodes, self.nodes, key=self._rank_key.__getitem__)
