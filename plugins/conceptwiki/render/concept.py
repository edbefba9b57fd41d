"""A concept's page: the context ``concept.html.j2`` is rendered with, and the page itself.

Its body is rendered when the page is written (``Page.render``): as HTML from
``concept.html.j2``, or, if the site overrides ``concept.md.j2``, as Markdown from that
template (the layout of earlier versions). Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from ..citations.cite import Citer
from ..config import SiteConfig
from ..history.entries import EntryHistory
from ..history.entries import page_versions
from ..history.fingerprint import SHORT
from ..model.loader import Entry
from ..model.schema import kind_label
from .authordate import AuthorDates
from .citing import PageCitations
from .docpages import DocPage
from .graph import ConceptGraph
from .graphdraw import neighbourhood_view
from .head import PageMeta, coins_span
from .jinja import Templates
from .listings import Cards
from .markup import safe_url
from .pages import Heading, HtmlBody, Page
from .pinpoint import page_context
from .text import EntryText
from .urls import SiteUrls, concept_src, relative_url, tag_src

__all__ = ["ConceptPages", "edit_links"]


def edit_links(repo_url: str, edit_uri: str, path: str) -> dict[str, str] | None:
    """"Edit this entry" and "History" links to the entry's YAML file on the forge."""
    repo = repo_url.rstrip("/")
    if not repo.startswith(("https://", "http://")):
        return None
    edit_uri = edit_uri or "edit/main/"
    # MkDocs' edit_uri points into docs/; entries live beside it, so use the branch only.
    parts = [p for p in edit_uri.strip("/").split("/") if p]
    branch = parts[1] if len(parts) >= 2 and parts[0] in ("edit", "blob", "tree") else "main"
    if "github.com" in repo or "gitlab" in repo or "codeberg.org" in repo:
        sep = "/-/" if "gitlab" in repo else "/"
        return {"edit": f"{repo}{sep}edit/{branch}/{path}",
                "history": f"{repo}{sep}commits/{branch}/{path}"}
    return None


def print_header(url: str, version: dict[str, Any]) -> dict[str, str]:
    """What a printed concept page carries in its margins (``conceptwiki.js`` puts them
    there): its address, and its version with the version's date."""
    right = f"Version {version['fingerprint']}"
    if version.get("date"):
        right += f" of {version['date'].strftime('%-d %B %Y')}"
    return {"url": url, "version": right}


class ConceptPages:
    """The concept pages of one site. What each shows comes from the components it is given:
    the entries' text, their citations and history, the maps between entries and the graph."""

    def __init__(self, site: SiteConfig, templates: Templates, urls: SiteUrls, text: EntryText,
                 citer: Citer, citing: PageCitations, history: EntryHistory, cards: Cards,
                 related: Mapping[str, list[str]], backlinks: Mapping[str, list[str]],
                 graph: ConceptGraph, brief_button: Callable[[Entry, str], dict[str, Any]]) -> None:
        self.site = site
        self.templates = templates
        self.urls = urls
        self.text = text
        self.citer = citer
        self.citing = citing
        self.history = history
        self.cards = cards
        self.related = related
        self.backlinks = backlinks
        self.graph = graph
        self.brief_button = brief_button
        #: slug -> hand-written pages linking to it (set before rendering).
        self.doc_backlinks: Mapping[str, Sequence[DocPage]] = {}
        self._md_template: bool | None = None
        #: More of the page's context, from other components: ``(entry, src) -> dict``
        #: (the policy instruments that use the concept: :mod:`.instruments`).
        self.extra_context: list[Callable[[Entry, str], dict[str, Any]]] = []

    def _markdown_template(self) -> bool:
        if self._md_template is None:
            self._md_template = (self.templates.overridden("concept.md.j2")
                                 and not self.templates.overridden("concept.html.j2"))
        return self._md_template

    def page_meta(self, entry: Entry) -> PageMeta:
        """What the page's metadata for reference managers says (``head.py``)."""
        return PageMeta(title=entry.title, url=self.citing.page_item(entry)["URL"],
                        description=self.text.description(entry),
                        updated=self.history.last_updated(entry), created=entry.concept.created,
                        keywords=tuple(entry.concept.tags), site_name=self.site.name,
                        site_url=self.site.url, publisher=self.site.publisher or self.site.name,
                        language=self.site.language)

    def page(self, entry: Entry) -> Page:
        """The entry's page, rendered when it is written."""
        c = entry.concept
        src = concept_src(entry.slug)
        if self._markdown_template():
            ctx = self.context(entry)
            ctx["summary_text"] = self.text.description(entry)
            md = self.templates.env.get_template("concept.md.j2").render(**ctx)
            return Page(src, md, in_nav=False, title=c.title, warnings=self.text.render_warnings(entry))
        return Page(src, in_nav=False, title=c.title, description=self.text.description(entry),
                    render=lambda: self.body(entry))

    def body(self, entry: Entry) -> HtmlBody:
        """The HTML body of the entry's page and its table of contents."""
        toc: list[Heading] = []
        links = self.site.heading_links

        def heading(level: int, hid: str, title: str) -> Markup:
            toc.append(Heading(level, hid, title))
            inner = escape(title)
            if links is not None:
                anchor = Markup('<a class="{}" href="#{}" title="{}">{}</a>').format(
                    links.css_class, hid, links.title, links.text)
                inner = anchor + inner if links.leading else inner + anchor
            return Markup('<h{0} id="{1}">{2}</h{0}>').format(int(level), hid, inner)

        ctx = self.context(entry)
        for extra in self.extra_context:
            ctx.update(extra(entry, concept_src(entry.slug)))
        html = self.templates.env.get_template("concept.html.j2").render(heading=heading, **ctx)
        return HtmlBody(html, tuple(toc), self.text.render_warnings(entry))

    def context(self, entry: Entry) -> dict[str, Any]:
        """What the concept templates are rendered with."""
        src = concept_src(entry.slug)
        c = entry.concept
        md = self.text.md
        link = self.urls.link
        pin = page_context(self.text, self.citer, self.site.default_style, self.citing.page_item(entry),
                           entry, src, self.history.fingerprint(entry)[:SHORT])
        # "Hubinger et al. (2019)" in the text links to that reference.
        cited = AuthorDates((k, self.citing.sources[k].csl()) for k in
                            dict.fromkeys([c.sources.primary, *c.sources.further]) if k in self.citing.sources)
        related = list(self.related[entry.slug])
        version = page_versions(self.history.versions(entry), self.site.repo_url,
                                self.history.last_updated(entry), self.history.status)
        return {
            "site": self.site,
            "entry": entry,
            "concept": c,
            "slug": entry.slug,
            "kind_label": kind_label(c.kind.value),
            "status_note": cited.link(md(c.status.note, src)) if c.status.note else None,
            "summary": cited.link(md(c.summary, src)),
            "definition": self.text.definition(entry.slug),
            "details": cited.link(pin["details"]),
            "sections": [dict(sec, html=cited.link(sec["html"])) for sec in pin["sections"]],
            "key_points": [dict(kp, html=cited.link(kp["html"])) for kp in pin["key_points"]],
            "pinpoint_json": pin["pinpoint_json"],
            "version": version,
            "print_header": print_header(self.urls.absolute(src), version),
            "versions_url": relative_url(self.urls.url(src), f"cite/{entry.slug}.versions.json"),
            "tags": [(t, link(src, tag_src(t))) for t in c.tags],
            "related": [dict(self.cards.card(src, s), gloss=self.text.gloss(s)) for s in related],
            # Each concept once: those already listed as related are not listed again.
            "backlinks": self.cards.grouped(src, [s for s in self.backlinks[entry.slug] if s not in related],
                                            self.doc_backlinks.get(entry.slug, ())),
            "graph": neighbourhood_view(self.graph, entry.slug, lambda s: link(src, concept_src(s))),
            "references": self.citing.references(entry),
            "see_also": [(x.title, safe_url(x.url)) for x in c.see_also if safe_url(x.url)],
            "updated": self.history.last_updated(entry),
            "index_url": link(src, "concepts/index.md"),
            "edit": edit_links(self.site.repo_url, self.site.edit_uri, entry.path),
            "cite": self.citing.citation_blocks(entry),
            "downloads": [(ext, relative_url(self.urls.url(src), f"cite/{entry.slug}.{ext}"))
                          for ext in ("bib", "ris", "json")],
            "download_all": [(ext, relative_url(self.urls.url(src), f"cite/all.{ext}"))
                             for ext in ("bib", "ris", "json")],
            "brief": self.brief_button(entry, src),
            # Zotero's one way to a single-field (institutional) author: see render/head.py.
            "coins": coins_span(self.page_meta(entry)),
        }
