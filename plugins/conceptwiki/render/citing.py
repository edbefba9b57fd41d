"""What a page needs to cite and be cited: the CSL-JSON item of a concept page, its exported
form, its sources' items, the references list and the "how to cite" blocks.

:class:`PageCitations` turns entries into citation data and hands it to the
:class:`~conceptwiki.citations.cite.Citer`; it knows the site's name, publisher and URLs, and
the entries' dates and fingerprints (:class:`~conceptwiki.history.entries.EntryHistory`), but
nothing about page layout. Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..bibtex import Source
from ..citations.cite import Citer, page_item
from ..config import SiteConfig
from ..history.entries import EntryHistory
from ..history.fingerprint import SHORT
from ..model.loader import Entry
from .markup import safe_url
from .sources import archived_copy, source_status
from .urls import SiteUrls, concept_src, source_src

__all__ = ["PageCitations"]


class PageCitations:
    """Citation data of the concept pages of one site."""

    def __init__(self, citer: Citer, site: SiteConfig, urls: SiteUrls, sources: Mapping[str, Source],
                 history: EntryHistory) -> None:
        self.citer = citer
        self.site = site
        self.urls = urls
        self.sources = sources
        self.history = history

    def page_item(self, entry: Entry) -> dict[str, Any]:
        """The CSL-JSON item of the entry's page, accessed on the build's date."""
        return page_item(slug=entry.slug, title=entry.title, site_name=self.site.name,
                         publisher=self.site.publisher or self.site.name,
                         url=self.urls.absolute(concept_src(entry.slug)),
                         updated=self.history.last_updated(entry), accessed=self.site.build_date)

    def export_item(self, entry: Entry) -> dict[str, Any]:
        """The page's CSL-JSON item as exported: it carries the fingerprint as ``version``
        (CSL-JSON) and as a note (BibTeX ``note``, RIS ``N1``)."""
        short = self.history.fingerprint(entry)[:SHORT]
        return dict(self.page_item(entry), version=short, note=f"Version {short}")

    def source_items(self, entry: Entry) -> list[dict[str, Any]]:
        """The CSL-JSON items of the sources the entry cites (primary first, no repeats)."""
        keys = dict.fromkeys([entry.concept.sources.primary, *entry.concept.sources.further])
        return [self.sources[k].csl() for k in keys if k in self.sources]

    def format_reference(self, csl: dict[str, Any]) -> str:
        """A reference in the site's default style, as HTML."""
        return self.citer.render(csl, self.site.default_style).html

    def references(self, entry: Entry) -> list[dict[str, Any]]:
        """The entry's references list: each source once, primary first, each with a link
        to its source page and its publication status."""
        keys = [entry.concept.sources.primary, *entry.concept.sources.further]
        out = []
        seen = set()
        for key in keys:
            source = self.sources.get(key)
            if source is None or key in seen:
                continue
            seen.add(key)
            csl = source.csl()
            out.append({
                "key": key,
                "primary": key == entry.concept.sources.primary,
                "html": Markup(self.format_reference(csl)),
                "url": safe_url(csl.get("URL")) or (f"https://doi.org/{csl['DOI']}" if csl.get("DOI") else None),
                "page_url": self.urls.link(concept_src(entry.slug), source_src(key)),
                **source_status(source),
                "archived": _archived(source.fields, csl),
            })
        return out

    def citation_blocks(self, entry: Entry) -> dict[str, Any]:
        """"How to cite" the page and its primary source, in every style and as BibTeX."""
        item = self.page_item(entry)
        exported = self.export_item(entry)
        out: dict[str, Any] = {
            "page": self.citer.all_styles(item, mark_accessed=True),
            "page_bibtex": Markup(self.citer.bibtex_html(exported, item["id"], mark_accessed=True)),
            "primary": None,
            "primary_bibtex": None,
        }
        primary = self.sources.get(entry.concept.sources.primary)
        if primary is not None:
            csl = primary.csl()
            out["primary"] = self.citer.all_styles(csl)
            out["primary_bibtex"] = Markup(self.citer.bibtex_html(csl, primary.key))
        return out


def _archived(fields: Mapping[str, str], csl: dict[str, Any]) -> dict[str, Any] | None:
    """The source's archived copy (``archiveurl``, ``archivedate``) as the references show it:
    its link, the archive's name and the date it was archived (None when there is none)."""
    return archived_copy(csl)
