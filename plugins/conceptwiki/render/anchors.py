"""The anchors of concept pages, computed from entries, and the check of ``[[slug#anchor]]``.

A wikilink's ``#anchor`` must name an element of the target page: a heading of the page
template (``details``, ``key-points``, ``references`` ...), a heading an entry wrote in its
Markdown (``### Key distinction`` → ``key-distinction``), a reference (``ref-<key>``) or a
passage's pinpoint (``p-…``/``kp-…``, :mod:`.pinpoint`). MkDocs validates only the anchors of
Markdown links, so without this check a wikilink to a renamed heading or an edited passage
builds cleanly and drops the reader at the top of the page.

The anchors are computed from the entry data, not from a rendered page: the Markdown fields
are rendered by the same :class:`~.markup.MarkdownRenderer` the page uses (so heading slugs
and passage hashes are the page's, byte for byte), but citations, the concept map and the
templates are not, and only pages that some link points into are looked at, so
``conceptwiki check`` stays fast. ``tests/test_anchors_site.py`` builds a page and compares its
ids with :meth:`AnchorIndex.anchors`. Nothing here imports MkDocs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Set
from dataclasses import dataclass

from ..bibtex import Source
from ..model.links import LinkIndex, find_wikilinks, locate
from ..model.loader import SECTIONS, Entry, Wiki
from ..model.problems import Problems
from .graph import ConceptGraph
from .maps import entry_backlinks, related_both_ways
from .markup import LinkTarget, MarkdownRenderer, heading_id, safe_url
from .pinpoint import ANCHOR_RE, key_point_ids

__all__ = ["Anchor", "AnchorIndex", "check_anchors", "INTERNAL_ID_PREFIXES"]

#: Ids on a concept page that are the page's machinery (tabs, the concept map's drawing, the
#: pinpoint data), not places to link to: a wikilink to one is reported like a missing anchor.
INTERNAL_ID_PREFIXES = ("cw-",)

#: The template's own headings: id → title (``concept.html.j2``).
_FIXED = {"how-to-cite": "How to cite", "cite-this-page": "Cite this page", "versions": "Versions of this entry"}

_HEADING_RE = re.compile(r'<(h[1-6]) id="([^"]+)">(.*?)</\1>', re.S)
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Anchor:
    """One place on a concept page a link may point to."""

    id: str
    kind: str    # "heading", "passage" or "reference"
    label: str   # what a message shows: the heading's text, "paragraph 3", "reference hubinger2019risks"

    @property
    def described(self) -> str:
        if self.kind == "heading":
            return f"'#{self.id}' (heading \u201c{self.label}\u201d)"
        return f"'#{self.id}' ({self.label})"


class AnchorIndex:
    """The anchors of every concept page of ``wiki``, each page's computed when first asked.

    ``doc_targets`` are the concepts that hand-written pages link to: those pages get a
    "Referenced by" heading even when no entry links to them.
    """

    def __init__(self, entries: Mapping[str, Entry], index: LinkIndex, sources: Mapping[str, Source],
                 *, doc_targets: Set[str] = frozenset()) -> None:
        self.entries = entries
        self.index = index
        self.sources = sources
        self.doc_targets = doc_targets
        self._pages: dict[str, dict[str, Anchor]] = {}
        self._renderer: MarkdownRenderer | None = None
        self._maps: tuple[dict[str, list[str]], dict[str, list[str]], ConceptGraph] | None = None

    @classmethod
    def of(cls, wiki: Wiki, *, doc_targets: Set[str] = frozenset()) -> "AnchorIndex":
        return cls(wiki.entries, wiki.index, wiki.sources, doc_targets=doc_targets)

    # -- what a page has -----------------------------------------------------------------------

    def _resolve(self, target: str, anchor: str | None) -> LinkTarget | None:
        """As the page's resolver, for what heading ids are made from: a link's text (the
        target's title when it has none), or the target itself when it names no entry."""
        slug = self.index.resolve(target)
        if slug is None or slug not in self.entries:
            return None
        return LinkTarget("#", self.entries[slug].title, "")

    def _render(self, text: str, *, inline: bool = False, passages: bool = False) -> tuple[str, list[str]]:
        if self._renderer is None:
            self._renderer = MarkdownRenderer(self._resolve)
        html = self._renderer.render(text, inline=inline, passages=passages)
        return html, list(self._renderer.pinpoint.ids) if passages else []

    def _graph_maps(self) -> tuple[dict[str, list[str]], dict[str, list[str]], ConceptGraph]:
        if self._maps is None:
            related = related_both_ways(self.entries)
            backlinks = entry_backlinks(self.entries, self.index)
            self._maps = related, backlinks, ConceptGraph.from_maps(self.entries, related, backlinks)
        return self._maps

    def anchors(self, slug: str) -> dict[str, Anchor]:
        """Every id a link may point to on ``slug``'s page, in page order."""
        found = self._pages.get(slug)
        if found is None:
            found = self._pages[slug] = self._compute(slug)
        return found

    def _compute(self, slug: str) -> dict[str, Anchor]:
        entry = self.entries[slug]
        c = entry.concept
        out: dict[str, Anchor] = {}

        def add(id_: str, kind: str, label: str) -> None:
            out.setdefault(id_, Anchor(id_, kind, label))

        def headings_in(html: str) -> None:
            for m in _HEADING_RE.finditer(html):
                add(m.group(2), "heading", _TAG_RE.sub("", m.group(3)).strip())

        add(slug, "heading", c.title)
        headings_in(self._render(c.summary)[0])
        if c.status.note:
            # The folded note after the definition; the status chip links to it.
            add("status-note", "heading", "the status note")
            headings_in(self._render(c.status.note)[0])
        number = 0
        fields = [("details", "Details"), *SECTIONS]
        for name, title in fields:
            text = getattr(c, name)
            if not text:
                continue
            add(name.replace("_", "-"), "heading", title)
            html, ids = self._render(text, passages=True)
            headings_in(html)
            for id_ in ids:  # numbered in page order, as pinpoint.page_context numbers them
                number += 1
                add(id_, "passage", f"paragraph {number}, in \u201c{title}\u201d")
        if c.key_points:
            add("key-points", "heading", "Key points")
            for i, (id_, point) in enumerate(zip(key_point_ids(c.key_points), c.key_points), 1):
                number += 1
                add(id_, "passage", f"key point {i}, paragraph {number}")
                headings_in(self._render(point, inline=True)[0])
        keys = [k for k in dict.fromkeys([c.sources.primary, *c.sources.further]) if k in self.sources]
        if keys:
            add("references", "heading", "References")
            for key in keys:
                add(f"ref-{key}", "reference", f"reference {key}")
        related, backlinks, graph = self._graph_maps()
        if related[slug]:
            add("related-concepts", "heading", "Related concepts")
        # "Referenced by" lists only the pages not already among the related concepts.
        if any(s not in related[slug] for s in backlinks[slug]) or slug in self.doc_targets:
            add("referenced-by", "heading", "Referenced by")
        if graph.adj.get(slug):
            add("concept-map", "heading", "Concept map")
        if any(safe_url(x.url) for x in c.see_also):
            add("see-also", "heading", "See also")
        add("how-to-cite", "heading", _FIXED["how-to-cite"])
        add("cite-this-page", "heading", _FIXED["cite-this-page"])
        add("versions", "heading", _FIXED["versions"])
        return out

    # -- checking a link ---------------------------------------------------------------------------

    def problem(self, slug: str, anchor: str, raw: str, *, from_other_page: bool = True) -> str | None:
        """The message for a link ``raw`` to ``slug#anchor`` if the page has no such anchor.

        ``from_other_page``: the link is on another page, so the target lists it under
        "Referenced by" (that heading exists because of the link itself).
        """
        anchors = self.anchors(slug)
        if anchor in anchors or (anchor == "referenced-by" and from_other_page):
            return None
        title = self.entries[slug].title
        head = f"wikilink '{raw}': the page of '{slug}' ({title}) has no anchor '#{anchor}'"
        if ANCHOR_RE.match(anchor):
            why = ("; passage anchors are made from the passage's text, so this paragraph was "
                   "edited or removed")
            close = self._closest(anchor, anchors, passages=True)
            return head + why + (f"; link to one of {self._list(close)}" if close else "")
        close = self._closest(anchor, anchors, passages=False)
        if not close:
            headings = [a for a in anchors.values() if a.kind == "heading" and a.id != slug][:4]
            return head + (f"; its sections are {self._list(headings, 'and')}" if headings else "")
        return head + f"; did you mean {self._list(close)}?"

    def _closest(self, anchor: str, anchors: Mapping[str, Anchor], *, passages: bool) -> list[Anchor]:
        if passages:
            # A hash says nothing about the text: suggest the passages of the same kind, in order.
            prefix = anchor.split("-", 1)[0] + "-"
            return [a for a in anchors.values() if a.kind == "passage" and a.id.startswith(prefix)][:3]
        candidates = {a.id: a for a in anchors.values() if a.kind != "passage"}
        # What the author may have written instead of the id: the heading's text ("Key
        # points", "key_points") or an id from an old version of the heading.
        wanted = heading_id(anchor.replace("_", " "), "-")
        if wanted in candidates and wanted != anchor:
            return [candidates[wanted]]
        names = difflib.get_close_matches(wanted, list(candidates), n=3, cutoff=0.6)
        if not names:
            # A renamed heading often keeps a word or two: "inner-misalignment" → "inner-alignment-failures".
            words = set(wanted.split("-")) - {""}
            scored = sorted(((len(words & set(i.split("-"))), i) for i in candidates), key=lambda x: -x[0])
            names = [i for n, i in scored if n and n == scored[0][0]][:3]
        return [candidates[n] for n in names]

    @staticmethod
    def _list(anchors: list[Anchor], conjunction: str = "or") -> str:
        shown = [a.described for a in anchors]
        return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} {conjunction} {shown[-1]}"


def check_anchors(wiki: Wiki, anchors: AnchorIndex | None = None) -> Problems:
    """An error for every wikilink in an entry whose ``#anchor`` is not on the target page."""
    problems = Problems()
    anchors = anchors or AnchorIndex.of(wiki)
    for slug, entry in wiki.entries.items():
        for loc, text in entry.text_fields():
            if "#" not in text:
                continue
            start_line = entry.position(*loc)[0]
            for link in find_wikilinks(text):
                if link.anchor is None:
                    continue
                target = wiki.index.resolve(link.target)
                if target is None or target not in wiki.entries:
                    continue  # a dead link: reported by the loader
                msg = anchors.problem(target, link.anchor, link.raw, from_other_page=target != slug)
                if msg:
                    line, col = locate(entry.lines, start_line, link.raw)
                    problems.error(entry.path, line, col, msg, code="dead-anchor")
    return problems
