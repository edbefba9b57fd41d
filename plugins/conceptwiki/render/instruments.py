"""Policy instruments on the site: a page per instrument, the Instruments index, and what a
concept page shows of the instruments that use it ("Used by 3 instruments", the governance
relevance section).

Instrument pages are cited, exported, fingerprinted and printed with the concept pages'
machinery: the same :class:`~conceptwiki.citations.cite.Citer` blocks in every style (the
``cite_tabs.html.j2`` partial), the same export files (:func:`export_items` feeds
:func:`~conceptwiki.citations.cite.export_files` together with the concepts, so ``cite/all.*``
holds both), the same fingerprint of the entry and the sources it cites, and the same print
stylesheet (the same ``cw-*`` classes). Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup, escape

from ..bibtex import Source
from ..citations.cite import Citer, page_item
from ..config import SiteConfig
from ..history.entries import page_versions, versions_json
from ..history.fingerprint import SHORT, History, Version, fingerprint, instrument_key
from ..model.instrument import DATE_EVENTS, InstrumentStatus, type_label, when
from ..model.instruments import InstrumentEntry, instrument_uses
from ..model.loader import Entry
from ..model.schema import GOVERNANCE_PARTS
from .brief import brief_src, root_of
from .concept import print_header
from .head import PageMeta, coins_span
from .jinja import Templates
from .markup import safe_url
from .pages import Heading, HtmlBody, Page
from .sources import source_status
from .text import EntryText
from .urls import SiteUrls, concept_src, instrument_src, relative_url, source_src

__all__ = ["InstrumentPages", "instrument_src", "INSTRUMENTS_INDEX_SRC"]

INSTRUMENTS_INDEX_SRC = "instruments/index.md"


def _export_slug(slug: str) -> str:
    """The instrument's name in ``cite/``: its own folder, so it never meets a concept's."""
    return f"instruments/{slug}"


class InstrumentPages:
    """The instrument pages of one site and their part of the concept pages."""

    def __init__(self, site: SiteConfig, templates: Templates, urls: SiteUrls, text: EntryText,
                 citer: Citer, sources: Mapping[str, Source], entries: Mapping[str, Entry],
                 instruments: Mapping[str, InstrumentEntry]) -> None:
        self.site = site
        self.templates = templates
        self.urls = urls
        self.text = text
        self.citer = citer
        self.sources = sources
        self.entries = entries
        self.instruments = dict(sorted(instruments.items()))
        self.uses = instrument_uses(self.instruments)
        self._fingerprints: dict[str, str] = {}

    # -- facts ---------------------------------------------------------------------------------

    def fingerprint(self, entry: InstrumentEntry) -> str:
        if entry.slug not in self._fingerprints:
            self._fingerprints[entry.slug] = fingerprint(entry.located.data, self.sources)
        return self._fingerprints[entry.slug]

    def updated(self, entry: InstrumentEntry) -> Any:
        i = entry.instrument
        return i.updated or self.site.git_dates.get(entry.path) or i.created

    def page_item(self, entry: InstrumentEntry) -> dict[str, Any]:
        """The CSL-JSON item of the instrument's page on this wiki (a web page)."""
        return page_item(slug=f"instrument-{entry.slug}", title=entry.title, site_name=self.site.name,
                         publisher=self.site.publisher or self.site.name,
                         url=self.urls.absolute(instrument_src(entry.slug)), updated=self.updated(entry),
                         accessed=self.site.build_date)

    def page_meta(self, entry: InstrumentEntry) -> PageMeta:
        """What the page's metadata for reference managers says (``head.py``): a web page of
        this wiki, as a concept's page."""
        return PageMeta(title=entry.title, url=self.page_item(entry)["URL"],
                        description=self._description(entry), updated=self.updated(entry),
                        created=entry.instrument.created, keywords=(), site_name=self.site.name,
                        site_url=self.site.url, publisher=self.site.publisher or self.site.name,
                        language=self.site.language)

    def export_items(self) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
        """``(name, page item, source items)`` of every instrument, for ``export_files``."""
        out = []
        for slug, e in self.instruments.items():
            short = self.fingerprint(e)[:SHORT]
            item = dict(self.page_item(e), version=short, note=f"Version {short}")
            items = [self.sources[k].csl() for k in e.instrument.cited_keys() if k in self.sources]
            out.append((_export_slug(slug), item, items))
        return out

    @property
    def _status(self) -> str:
        """How complete the published history is (``History.status``)."""
        return self.site.versions.status if self.site.versions is not None else "current-only"

    def version_files(self) -> dict[str, str]:
        return {f"cite/{_export_slug(slug)}.versions.json":
                versions_json(slug, History({slug: self.versions(e)}, self._status), self.fingerprint(e))
                for slug, e in self.instruments.items()}

    def versions(self, entry: InstrumentEntry) -> list[Version]:
        """The instrument's published versions, newest first, from the git history the build
        read (``published_versions`` walks instruments/ with the concepts); just the current
        one without git -- as a concept's (:meth:`EntryHistory.versions`)."""
        history = self.site.versions
        found = history.versions.get(instrument_key(entry.slug)) if history is not None else None
        if history is not None and found and found[0].fingerprint == self.fingerprint(entry):
            if history.status == "current-only" and found[0].date is None:
                return [Version(found[0].fingerprint, found[0].revision, self.updated(entry))]
            return found
        return [Version(self.fingerprint(entry), None, self.updated(entry))]

    def references(self, from_src: str, keys: list[str], primary: str) -> list[dict[str, Any]]:
        """The references list of a page citing ``keys``: each source once, in the site's
        default style, with its publication status and a link to its source page."""
        out = []
        for key in dict.fromkeys(keys):
            source = self.sources.get(key)
            if source is None:
                continue
            out.append({"key": key, "primary": key == primary,
                        "html": Markup(self.citer.render(source.csl(), self.site.default_style).html),
                        "page_url": self.urls.link(from_src, source_src(key)), **source_status(source)})
        return out

    # -- pages ---------------------------------------------------------------------------------

    def pages(self) -> list[Page]:
        if not self.instruments:
            return []
        return [self.index_page(), *(self.page(e) for e in self.instruments.values())]

    def index_page(self) -> Page:
        src = INSTRUMENTS_INDEX_SRC
        rows = [self._row(src, e) for e in sorted(self.instruments.values(), key=lambda e: e.name.casefold())]
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(row["type"], []).append(row)
        ordered = [(type_label(t, len(v)).capitalize(), v) for t, v in sorted(groups.items())]

        def render() -> HtmlBody:
            html = self.templates.env.get_template("instruments.html.j2").render(
                site=self.site, groups=ordered, count=len(rows))
            return HtmlBody(html)

        return Page(src, in_nav=True, title="Policy instruments",
                    description=f"{len(rows)} laws, orders, standards, frameworks and commitments "
                    "that address concepts of this wiki", render=render)

    def _row(self, from_src: str, e: InstrumentEntry) -> dict[str, Any]:
        i = e.instrument
        adopted = i.dates.adopted or i.dates.published
        return {"slug": e.slug, "name": e.name, "title": i.title, "url": self.urls.link(from_src, instrument_src(e.slug)),
                "type": i.type.value, "jurisdiction": i.jurisdiction, "status": i.status.value,
                "status_class": i.status.name, "date": when(adopted.date) if adopted else None,
                "count": len({a.concept for a in i.addresses})}

    def page(self, entry: InstrumentEntry) -> Page:
        return Page(instrument_src(entry.slug), in_nav=False, title=entry.name,
                    description=self._description(entry), render=lambda: self.body(entry))

    def _description(self, entry: InstrumentEntry) -> str:
        from .text import plain_text

        return plain_text(self.text.md(entry.instrument.summary, instrument_src(entry.slug), inline=True))

    def body(self, entry: InstrumentEntry) -> HtmlBody:
        toc: list[Heading] = []
        html = self.templates.env.get_template("instrument.html.j2").render(
            heading=heading_maker(self.site, toc), **self.context(entry))
        return HtmlBody(html, tuple(toc))

    def context(self, entry: InstrumentEntry) -> dict[str, Any]:
        src = instrument_src(entry.slug)
        i = entry.instrument
        link = self.urls.link
        keys = i.cited_keys()
        refs = self.references(src, keys, i.primary_source)
        ref_ids = {r["key"] for r in refs}

        def ref(key: str | None) -> str | None:
            return f"#ref-{key}" if key in ref_ids else None

        dates = []
        for name, label in DATE_EVENTS:
            value = getattr(i.dates, name)
            for d in value if isinstance(value, list) else ([value] if value is not None else []):
                by = None
                if d.by:
                    target = self.instruments.get(d.by)
                    by = {"name": target.name if target else d.by,
                          "url": link(src, instrument_src(d.by)) if target else None}
                iso, shown = when(d.date)
                dates.append({"label": label, "iso": iso, "shown": shown, "ref": ref(d.source), "key": d.source,
                              "by": by, "note": d.note})
        addresses = []
        for a in i.addresses:
            concept = self.entries.get(a.concept)
            addresses.append({"concept": concept.title if concept else a.concept,
                              "url": link(src, concept_src(a.concept)) if concept else None,
                              "pinpoint": a.pinpoint, "sentence": self.text.md(a.sentence, src, inline=True),
                              "ref": ref(a.source), "key": a.source})
        revokers = [{"name": o.name, "url": link(src, instrument_src(s)), "event": ev}
                    for s, o in self.instruments.items() for ev in ("revoked", "superseded")
                    if getattr(o.instrument.dates, ev) is not None
                    and getattr(o.instrument.dates, ev).by == entry.slug]
        item = self.page_item(entry)
        short = self.fingerprint(entry)[:SHORT]
        exported = dict(item, version=short, note=f"Version {short}")
        primary = self.sources.get(i.primary_source)
        name = _export_slug(entry.slug)
        version = page_versions(self.versions(entry), self.site.repo_url, self.updated(entry), self._status)
        return {
            "site": self.site,
            "slug": entry.slug,
            "entry": entry,
            "instrument": i,
            "concept": i,  # what cite_tabs.html.j2 names in its labels
            "name": entry.name,
            "type_label": i.type.value,
            "status_class": i.status.name,
            "in_effect": i.status is InstrumentStatus.in_force,
            "summary": self.text.md(i.summary, src),
            # What a search result shows under the name, as for a concept's definition.
            "definition": self._description(entry),
            "url": safe_url(i.url) if i.url else None,
            "dates": dates,
            "revokes": revokers,
            "addresses": addresses,
            "references": refs,
            "index_url": link(src, INSTRUMENTS_INDEX_SRC),
            "version": version,
            "versions_url": relative_url(self.urls.url(src), f"cite/{name}.versions.json"),
            "print_header": print_header(self.urls.absolute(src), version),
            "brief": {"root": root_of(self.urls.url(src)), "slug": instrument_key(entry.slug), "title": entry.name,
                      "brief_url": link(src, brief_src())},
            "updated": self.updated(entry),
            "cite": {
                "page": self.citer.all_styles(item, mark_accessed=True),
                "page_bibtex": Markup(self.citer.bibtex_html(exported, item["id"], mark_accessed=True)),
                "primary": self.citer.all_styles(primary.csl()) if primary else None,
                "primary_bibtex": Markup(self.citer.bibtex_html(primary.csl(), primary.key)) if primary else None,
            },
            "downloads": [(ext, relative_url(self.urls.url(src), f"cite/{name}.{ext}"))
                          for ext in ("bib", "ris", "json")],
            "download_all": [(ext, relative_url(self.urls.url(src), f"cite/all.{ext}"))
                             for ext in ("bib", "ris", "json")],
            # Zotero's one way to a single-field (institutional) author: see render/head.py.
            "coins": coins_span(self.page_meta(entry)),
        }

    # -- on concept pages ----------------------------------------------------------------------

    def concept_context(self, entry: Entry, src: str) -> dict[str, Any]:
        """What ``concept_instruments.html.j2`` shows on the concept's page: the governance
        relevance section and the instruments that address the concept, each at its pinpoint."""
        by_instrument: dict[str, dict[str, Any]] = {}
        for slug, n in self.uses.get(entry.slug, ()):
            e = self.instruments[slug]
            a = e.instrument.addresses[n]
            row = by_instrument.setdefault(slug, {
                "name": e.name, "url": self.urls.link(src, instrument_src(slug)),
                "type": e.instrument.type.value, "status": e.instrument.status.value,
                "status_class": e.instrument.status.name, "uses": []})
            row["uses"].append({"pinpoint": a.pinpoint, "sentence": self.text.md(a.sentence, src, inline=True)})
        used = list(by_instrument.values())
        count = len(used)
        gov = entry.concept.governance_relevance
        governance = None
        if gov is not None:
            governance = {
                "parts": [(title, self.text.md(getattr(gov, name), src))
                          for name, title in GOVERNANCE_PARTS if getattr(gov, name)],
                "sources": [{"key": k, "html": Markup(self.citer.render(self.sources[k].csl(),
                                                                        self.site.default_style).html),
                             "url": self.urls.link(src, source_src(k))}
                            for k in gov.sources if k in self.sources],
            }
        return {"instruments_used": used, "instruments_count": count,
                "instruments_label": f"{count} {'instrument' if count == 1 else 'instruments'}",
                "instruments_index_url": self.urls.link(src, INSTRUMENTS_INDEX_SRC) if self.instruments else None,
                "governance": governance}


def heading_maker(site: SiteConfig, toc: list[Heading]) -> Callable[[int, str, str], Markup]:
    """``heading(level, id, text)`` for templates: a heading that goes into the page's table
    of contents, with the site's permalink (as on concept pages)."""
    links = site.heading_links

    def heading(level: int, hid: str, title: str) -> Markup:
        toc.append(Heading(level, hid, title))
        inner = escape(title)
        if links is not None:
            anchor = Markup('<a class="{}" href="#{}" title="{}">{}</a>').format(
                links.css_class, hid, links.title, links.text)
            inner = anchor + inner if links.leading else inner + anchor
        return Markup('<h{0} id="{1}">{2}</h{0}>').format(int(level), hid, inner)

    return heading

