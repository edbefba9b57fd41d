"""A page for every source (``sources/<key>/``) and the listing of all sources
(``sources/index.md``), grouped by publication status and year.

Why source pages: readers ask which concepts rest on a peer-reviewed paper and which on a
blog post, and which concepts a given paper supports. A source page shows facts only (type,
venue, year, DOI, arXiv and URL links, and the publication status from
:mod:`conceptwiki.bibtex.status`), the citation in every style with the same exports as a
concept page, and the concepts that cite it as primary or further source. It copies no
abstract, and shows no score or citation count. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..bibtex import STATUS_LABELS, STATUS_ORDER, Source, publication_status
from ..citations.cite import Citer
from ..citations.exports import csl_json, csl_to_bibtex, csl_to_ris, strip_markup
from ..config import SiteConfig
from ..model.loader import Entry
from .jinja import Templates
from .listings import Cards
from .markup import safe_url
from .pages import Page
from .urls import SiteUrls, relative_url, source_name, source_src

__all__ = ["SourcePages", "source_status", "archived_copy", "TYPE_LABELS", "SOURCES_INDEX"]

SOURCES_INDEX = "sources/index.md"

#: ``mkdocs serve``: the sources index's inputs and text (:meth:`SourcePages.index_page`).
_INDEX: dict[str, tuple[tuple, str]] = {}

#: CSL types as a reader names them (the "Type" fact of a source page).
TYPE_LABELS = {
    "article-journal": "Journal article", "paper-conference": "Conference paper",
    "article": "Preprint", "book": "Book", "chapter": "Book chapter", "report": "Report",
    "thesis": "Thesis", "webpage": "Web page", "post-weblog": "Blog post", "post": "Post",
    "legislation": "Legislation", "standard": "Standard", "manuscript": "Manuscript",
    "document": "Document", "entry-encyclopedia": "Encyclopedia entry", "dataset": "Dataset",
    "software": "Software",
}

_ARXIV_NUMBER_RE = re.compile(r"^arXiv:(\S+)$")
_ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?$", re.I)


def source_status(source: Source) -> dict[str, str]:
    """``{"status": key, "label": label}`` of a source, for pages and templates."""
    status = publication_status(source)
    return {"status": status, "label": STATUS_LABELS[status]}


def _year(csl: Mapping[str, Any]) -> int | None:
    parts = (csl.get("issued") or {}).get("date-parts") or [[]]
    year = parts[0][0] if parts and parts[0] else None
    try:
        return int(year) if year is not None else None
    except (TypeError, ValueError):
        return None


def _names(csl: Mapping[str, Any], role: str = "author", limit: int | None = None) -> str:
    """The names as a reader writes them ("Evan Hubinger, Chris van Merwijk"); with
    ``limit``, a longer list is cut to its first name and "et al."."""
    out: list[str] = []
    for n in csl.get(role) or []:
        if "literal" in n:
            out.append(n["literal"])
        else:
            family = " ".join(p for p in (n.get("non-dropping-particle"), n.get("family")) if p)
            out.append(" ".join(p for p in (n.get("given"), family) if p))
    if limit is not None and len(out) > limit:
        return f"{out[0]} et al."
    return ", ".join(out)


def _arxiv(source: Source, csl: Mapping[str, Any]) -> str | None:
    m = _ARXIV_NUMBER_RE.match(str(csl.get("number") or ""))
    if m:
        return m.group(1)
    prefix = (source.fields.get("archiveprefix") or source.fields.get("eprinttype") or "").strip("{} ")
    if source.fields.get("eprint") and prefix.lower() == "arxiv":
        return source.fields["eprint"].strip("{} ")
    m = _ARXIV_URL_RE.search(str(csl.get("URL") or ""))
    return m.group(1) if m else None


def archived_copy(csl: Mapping[str, Any]) -> dict[str, Any] | None:
    """A source's archived copy as the pages show it: its link, the archive's name and the
    day it was archived (``custom["archive-date"]``, set by bibtex/csl.py from
    ``archivedate``; a date, or None when it is unknown or not a full day); None when the
    source has no archived copy. Concept pages' references and source pages both use it."""
    url = safe_url(csl.get("archive_location"))
    if not url or not re.match(r"https?://", str(csl.get("archive_location"))):
        return None
    found = csl.get("custom")
    custom: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    date = None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(custom.get("archive-date") or ""))
    if m:
        try:
            date = _dt.date(*map(int, m.groups()))
        except ValueError:
            date = None
    return {"url": url, "archive": csl.get("archive") or "", "date": date}


def _venue(csl: Mapping[str, Any]) -> str | None:
    venue = csl.get("container-title") or csl.get("publisher")
    return strip_markup(venue) if venue else None


class SourcePages:
    """The source pages and the sources listing of one site."""

    def __init__(self, site: SiteConfig, templates: Templates, urls: SiteUrls, citer: Citer,
                 sources: Mapping[str, Source], entries: Mapping[str, Entry], cards: Cards) -> None:
        self.site = site
        self.templates = templates
        self.urls = urls
        self.citer = citer
        self.sources = dict(sorted(sources.items()))
        self.cards = cards
        #: ``mkdocs serve``: the site's key, set by the adapter (see :meth:`index_page`).
        self.keep_key: str | None = None
        #: key -> (slugs citing it as primary, slugs citing it as further source)
        self.cited_by: dict[str, tuple[list[str], list[str]]] = {k: ([], []) for k in self.sources}
        for slug, entry in sorted(entries.items()):
            primary = entry.concept.sources.primary
            if primary in self.cited_by:
                self.cited_by[primary][0].append(slug)
            for key in dict.fromkeys(entry.concept.sources.further):
                if key in self.cited_by and key != primary:
                    self.cited_by[key][1].append(slug)

    def link(self, from_src: str, key: str) -> str:
        """A relative link from ``from_src`` to the page of source ``key``."""
        return self.urls.link(from_src, source_src(key))

    def facts(self, source: Source) -> dict[str, Any]:
        """What a source page states about the source: facts taken from its entry."""
        csl = source.csl()
        arxiv = _arxiv(source, csl)
        doi = csl.get("DOI")
        url = safe_url(csl.get("URL"))
        return {
            "title": strip_markup(csl["title"]) if csl.get("title") else source.key,
            "authors": _names(csl) or None,
            "authors_short": _names(csl, limit=3) or None,
            "editors": _names(csl, "editor") or None,
            "type": TYPE_LABELS.get(csl.get("type", ""), str(csl.get("type", "")).replace("-", " ").capitalize()),
            "bibtex_type": source.type.lower(),
            "venue": _venue(csl),
            "year": _year(csl),
            "doi": doi,
            "doi_url": safe_url(f"https://doi.org/{doi}") if doi else None,
            "arxiv": arxiv,
            "arxiv_url": f"https://arxiv.org/abs/{arxiv}" if arxiv else None,
            "url": url,
            "archived": archived_copy(csl),
            **source_status(source),
        }

    def page(self, key: str) -> Page:
        source = self.sources[key]
        src = source_src(key)
        csl = source.csl()
        facts = self.facts(source)
        primary, further = self.cited_by[key]
        name = source_name(key)
        here = self.urls.url(src)
        # cite_tabs.html.j2 (shared with concept pages) names what it cites in its buttons'
        # labels by ``concept.title``.
        md = self.templates.env.get_template("source.md.j2").render(
            site=self.site, key=key, facts=facts, concept={"title": facts["title"]},
            cite=self.citer.all_styles(csl), bibtex=Markup(self.citer.bibtex_html(csl, key)),
            primary=[self.cards.card(src, s) for s in primary],
            further=[self.cards.card(src, s) for s in further],
            downloads=[(ext, relative_url(here, f"cite/sources/{name}.{ext}")) for ext in ("bib", "ris", "json")],
            download_all=[(ext, relative_url(here, f"cite/all.{ext}")) for ext in ("bib", "ris", "json")],
            index_url=self.urls.link(src, SOURCES_INDEX))
        page = Page(src, md, in_nav=False, title=str(facts["title"]),
                    description=f"{facts['label']}: {facts['title']}")
        return self.templates.as_html(page, "source.md.j2")

    def page_srcs(self) -> dict[str, str]:
        """``{source path of its page: key}`` of every source's page."""
        return {source_src(key): key for key in self.sources}

    def pages(self) -> list[Page]:
        """The listing, then a page for every source, by key."""
        return [self.index_page(), *(self.page(k) for k in self.sources)]

    def index_page(self) -> Page:
        """Every source, grouped by publication status (in :data:`STATUS_ORDER`), newest
        year first, undated last; within a year by title.

        ``mkdocs serve`` (:attr:`keep_key` set: the site's key) keeps its text between
        rebuilds while the same source records come back (an unchanged .bib file gives the
        same records) and the same ones are cited: it shows nothing else of the entries.
        Made anew, it took 0.9 s of every rebuild at 5,000 entries (2,500 sources, profiled)."""
        src = SOURCES_INDEX
        inputs: tuple | None = None
        if self.keep_key is not None:
            inputs = (self.keep_key, tuple(self.sources.values()),
                      tuple(bool(p or f) for p, f in self.cited_by.values()))
            kept = _INDEX.get("index")
            if (kept is not None and kept[0][0] == inputs[0] and kept[0][2] == inputs[2]
                    and len(kept[0][1]) == len(inputs[1])
                    and all(a is b for a, b in zip(kept[0][1], inputs[1]))):
                return self._index_page(kept[1])
            _INDEX.clear()
        md = self._index_markdown(src)
        if inputs is not None:
            _INDEX["index"] = (inputs, md)
        return self._index_page(md)

    def _index_page(self, md: str) -> Page:
        return self.templates.as_html(Page(SOURCES_INDEX, md, in_nav=True, title="Sources"), "sources.md.j2")

    def _index_markdown(self, src: str) -> str:
        groups: dict[str, dict[int | None, list[dict[str, Any]]]] = {}
        for key, source in self.sources.items():
            facts = self.facts(source)
            primary, further = self.cited_by[key]
            groups.setdefault(facts["status"], {}).setdefault(facts["year"], []).append(
                dict(facts, key=key, page_url=self.link(src, key), cited=bool(primary or further)))
        statuses = []
        for status in STATUS_ORDER:
            if status not in groups:
                continue
            years = sorted(groups[status].items(), key=lambda kv: (kv[0] is None, -(kv[0] or 0)))
            statuses.append({"status": status, "label": STATUS_LABELS[status],
                             "count": sum(len(v) for v in groups[status].values()),
                             "years": [(y, sorted(items, key=lambda i: (str(i["title"]).casefold(), i["key"])))
                                       for y, items in years]})
        return self.templates.env.get_template("sources.md.j2").render(
            site=self.site, statuses=statuses, count=len(self.sources),
            concepts_url=self.urls.link(src, "concepts/index.md"))

    def export_files(self, memo: dict | None = None) -> dict[str, str]:
        """``cite/sources/<key>.{bib,ris,json}``: each source on its own, as the downloads
        of its page. ``memo`` (``mkdocs serve``) keeps them by the source record's identity
        (an unchanged .bib file gives the same records): 0.3 s of a rebuild at 1,000 entries."""
        files: dict[str, str] = {}
        for key, source in self.sources.items():
            name = source_name(key)
            kept = memo.get(("source files", key)) if memo is not None else None
            if kept is None or kept[0] is not source:
                csl = source.csl()
                kept = (source, csl_to_bibtex(csl, key), csl_to_ris(csl), csl_json([csl]))
                if memo is not None:
                    memo[("source files", key)] = kept
            files[f"cite/sources/{name}.bib"], files[f"cite/sources/{name}.ris"], \
                files[f"cite/sources/{name}.json"] = kept[1:]
        return files
