"""Cards of entries, and the pages that list them: the A-Z index, the tag pages and the
whole-wiki concept map. Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from ..config import SiteConfig
from ..model.loader import Entry
from ..model.schema import kind_label
from .docpages import DOCS_KIND, DocPage
from .graph import ConceptGraph
from .graphdraw import wiki_view
from .jinja import Templates
from .pages import Page
from .text import EntryText
from .urls import SiteUrls, concept_src, tag_src

__all__ = ["Cards", "Listings", "index_aliases"]

#: ``mkdocs serve``: the cards of the index and tag pages, (page, slug) -> (key, card).
_CARDS: dict[tuple[str, str], tuple[Any, dict[str, Any]]] = {}
_CARDS_LIMIT = 200_000


class Cards:
    """An entry as a card (title, kind, status, summary) on another page."""

    def __init__(self, entries: Mapping[str, Entry], urls: SiteUrls, text: EntryText) -> None:
        self.entries = entries
        self.urls = urls
        self.text = text
        #: ``mkdocs serve``: slug -> what its card shows, as a key (the site's key and the
        #: entry's view key, :mod:`conceptwiki.pipeline.incremental`), set by the adapter.
        #: The lists' cards are then kept between rebuilds while their key is the same.
        self.keys: Mapping[str, Any] | None = None

    def kept_card(self, from_src: str, slug: str) -> dict[str, Any]:
        """:meth:`card`, kept between ``mkdocs serve`` rebuilds by what it shows (its key in
        :attr:`keys`) for the page it is on: the A-Z index's 5,000 cards took 1.3 s of every
        rebuild at 5,000 entries (profiled). Read-only: the same dict is handed out again."""
        key = self.keys.get(slug) if self.keys is not None else None
        if key is None:
            return self.card(from_src, slug)
        kept = _CARDS.get((from_src, slug))
        if kept is not None and kept[0] == key:
            return kept[1]
        card = self.card(from_src, slug)
        if len(_CARDS) >= _CARDS_LIMIT:
            _CARDS.clear()
        _CARDS[(from_src, slug)] = (key, card)
        return card

    def card(self, from_src: str, slug: str) -> dict[str, Any]:
        e = self.entries[slug]
        return {
            "slug": slug,
            "title": e.title,
            "url": self.urls.link(from_src, concept_src(slug)),
            "kind": e.concept.kind.value,
            "kind_label": kind_label(e.concept.kind.value),
            "status": e.concept.status.level.value,
            "summary": self.text.md(e.concept.summary, from_src, inline=True),
        }

    def doc_card(self, from_src: str, page: DocPage) -> dict[str, Any]:
        return {"slug": None, "title": page.title, "url": self.urls.link(from_src, page.src_uri),
                "kind": DOCS_KIND, "kind_label": kind_label(DOCS_KIND), "status": None,
                "summary": ""}

    def grouped(self, from_src: str, slugs: Iterable[str], docs: Iterable[DocPage] = ()) -> dict[str, Any]:
        """Cards grouped by kind, with a summary line ("2 concepts, 1 guide")."""
        cards = [self.card(from_src, s) for s in slugs]
        cards += [self.doc_card(from_src, p) for p in docs]
        groups: dict[str, list[dict[str, Any]]] = {}
        for card in cards:
            groups.setdefault(card["kind"], []).append(card)
        summary = ", ".join(f"{len(v)} {kind_label(k, len(v))}" for k, v in sorted(groups.items()))
        return {"cards": sorted(cards, key=lambda c: c["title"].casefold()), "summary": summary,
                "groups": groups}


def _key(name: str) -> str:
    """A name as compared for the index: folded, British -is- spellings as -iz-, letters only."""
    folded = re.sub(r"is(?=[aei])", "iz", unicodedata.normalize("NFKD", name).casefold())
    return re.sub(r"[^a-z0-9]+", "", folded)


def index_aliases(title: str, aliases: Iterable[str]) -> list[str]:
    """The aliases worth a line of their own in the A-Z index, capitalised: not those that
    would stand next to the title anyway (spellings and forms of it: "mesa-optimiser",
    "deceptively aligned"), nor repeats."""
    out: list[str] = []
    seen = {_key(title)[:8]}
    for alias in aliases:
        key = _key(alias)
        if not key or key[:8] in seen:
            continue
        seen.add(key[:8])
        out.append(alias[:1].upper() + alias[1:])
    return out


class Listings:
    """The A-Z index, the tag pages and the whole-wiki graph page."""

    def __init__(self, site: SiteConfig, templates: Templates, urls: SiteUrls, cards: Cards,
                 tags: Mapping[str, list[str]], graph: ConceptGraph) -> None:
        self.site = site
        self.templates = templates
        self.urls = urls
        self.cards = cards
        self.tags = tags
        self.graph = graph

    def index_page(self) -> Page:
        """The A-Z index: every concept with its summary, and the other names concepts go by
        as cross-references ("Scheming → Deceptive alignment"), in one alphabetical order."""
        src = "concepts/index.md"
        entries = self.cards.entries
        items: list[dict[str, Any]] = [self.cards.kept_card(src, slug) for slug in entries]
        for slug, e in entries.items():
            url = self.urls.link(src, concept_src(slug))
            for alias in index_aliases(e.title, e.concept.aliases):
                items.append({"alias": alias, "title": e.title, "url": url, "slug": slug})
        letters: dict[str, list[dict[str, Any]]] = {}
        for item in sorted(items, key=lambda c: ((c.get("alias") or c["title"]).casefold(), c["title"].casefold())):
            first = (item.get("alias") or item["title"])[:1].upper()
            letters.setdefault(first if first.isalpha() else "#", []).append(item)
        md = self.templates.env.get_template("index.md.j2").render(
            site=self.site, letters=letters, count=len(entries),
            tags_url=self.urls.link(src, "tags/index.md"))
        return self.templates.as_html(Page(src, md, in_nav=True, title="All concepts"), "index.md.j2")

    def tag_pages(self) -> list[Page]:
        return [self.tags_index_page(), *(self.tag_page(tag) for tag in self.tags)]

    def tags_index_page(self) -> Page:
        """Every tag with the number of its concepts."""
        src_index = "tags/index.md"
        tags = [(t, self.urls.link(src_index, tag_src(t)), len(v)) for t, v in self.tags.items()]
        return self.templates.as_html(Page(src_index, self.templates.env.get_template("tags.md.j2").render(
            site=self.site, tags=tags), in_nav=True, title="Tags"), "tags.md.j2")

    def tag_page(self, tag: str) -> Page:
        """The cards of a tag's concepts."""
        src = tag_src(tag)
        md = self.templates.env.get_template("tag.md.j2").render(
            site=self.site, tag=tag, cards=[self.cards.kept_card(src, s) for s in self.tags[tag]],
            tags_url=self.urls.link(src, "tags/index.md"))
        return self.templates.as_html(Page(src, md, in_nav=False, title=f"Tag: {tag}"), "tag.md.j2")

    def graph_page(self) -> Page:
        """The whole-wiki graph (``graph/index.md``), drawn by ``graph.py``/``graph.md.j2``."""
        src = "graph/index.md"
        view = wiki_view(self.graph, lambda s: self.urls.link(src, concept_src(s)))
        md = self.templates.env.get_template("graph.md.j2").render(site=self.site, view=view)
        return self.templates.as_html(Page(src, md, in_nav=True, title="Graph"), "graph.md.j2")
