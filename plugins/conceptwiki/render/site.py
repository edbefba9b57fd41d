"""The composition root of rendering: :class:`SiteBuilder` turns a loaded
:class:`~conceptwiki.model.loader.Wiki` into every generated page and data file.

It builds the components once per build and wires them together; each does one thing and
gets only what it needs:

* :class:`~.urls.SiteUrls` -- where pages are served, relative links;
* :class:`~.text.EntryText` -- entries' Markdown as HTML, wikilinks resolved;
* :class:`~conceptwiki.history.entries.EntryHistory` -- dates, fingerprints, versions;
* :class:`~.citing.PageCitations` -- citation data of pages and their sources;
* :mod:`.maps` -- related entries, backlinks, tags; :class:`~.graph.ConceptGraph`;
* :class:`~.listings.Cards`, :class:`~.listings.Listings` -- the index, tag and graph pages;
* :class:`~.concept.ConceptPages` -- the concept pages;
* :class:`~.sources.SourcePages` -- a page for every source, and the sources listing;
* :class:`~.brief.BriefBuilder` -- the Brief page and its data;
* :class:`~.instruments.InstrumentPages` -- policy instruments' pages, their index, and the
  instruments on concept pages;
* :func:`~.head.head_html`, :func:`~.redirects.redirect_pages`, :mod:`.previews`.

Concept, index and tag pages are pre-rendered HTML bodies (made when the page is written,
with their table of contents); the graph and brief pages are Markdown with safe HTML blocks.
The pages are the same whether the MkDocs plugin serves them as virtual files or
``conceptwiki build --out DIR`` writes them to disk. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..bibtex import Source
from ..citations.cite import Citer, export_files
from ..config import SiteConfig
from ..history.entries import EntryHistory
from ..history.entries import versions_json
from ..history.fingerprint import History, Version
from ..model.instruments import InstrumentEntry
from ..model.loader import Entry, Wiki
from ..model.problems import Problems
from ..prerender import MIN_JOBS, prerender
from .brief import BriefBuilder, brief_src
from .briefsort import CITATION_NUMBER
from .citing import PageCitations
from .concept import ConceptPages, edit_links
from .docpages import DocPage, docs_backlinks, fix_wikilinks
from .graph import ConceptGraph
from .instruments import InstrumentPages
from .head import head_html
from .home import HomeBlocks
from .jinja import TEMPLATES_DIR, Templates
from .listings import Cards, Listings
from .maps import entry_backlinks, related_both_ways, tag_members
from .markup import MarkdownRenderer
from .pages import HtmlBody, Page
from .previews import PREVIEWS_PATH, previews_json
from .redirects import redirect_pages
from .sources import SOURCES_INDEX, SourcePages
from .text import EntryText, Resolver
from .urls import SiteUrls, concept_src, instrument_src, tag_src

__all__ = ["SiteBuilder", "ASSETS_DIR", "TEMPLATES_DIR"]

ASSETS_DIR = Path(__file__).parent / "assets"


class SiteBuilder:
    """Renders every generated page of the site from a :class:`Wiki`."""

    def __init__(self, wiki: Wiki, site: SiteConfig, *, engine: Any = None) -> None:
        self.wiki = wiki
        self.site = site
        self.urls = SiteUrls(site.url, site.directory_urls)
        if engine is None:
            from ..citations.engine import CitationEngine

            styles = list(dict.fromkeys([*site.styles, site.default_style]))
            engine = CitationEngine(styles, base_dir=wiki.root, locales=site.locales,
                                    language=site.language)
        self.citer = Citer(engine, site.styles, display_date=site.build_date)
        self.templates = Templates(site.templates_dir)
        self.env = self.templates.env
        self.entries = dict(sorted(wiki.entries.items()))
        self.text = EntryText(wiki.index, self.entries, self.urls)
        self.history = EntryHistory(wiki.sources, site.git_dates, site.versions)
        self.citing = PageCitations(self.citer, site, self.urls, wiki.sources, self.history)
        self.related = related_both_ways(self.entries)
        self.backlinks = entry_backlinks(self.entries, wiki.index)
        self.tags = tag_members(self.entries)
        self.graph = ConceptGraph.from_maps(self.entries, self.related, self.backlinks)
        self.cards = Cards(self.entries, self.urls, self.text)
        self.listings = Listings(site, self.templates, self.urls, self.cards, self.tags, self.graph)
        self.source_pages = SourcePages(site, self.templates, self.urls, self.citer, wiki.sources,
                                        self.entries, self.cards)
        self._brief: BriefBuilder | None = None
        self.home = HomeBlocks(self.entries, link=lambda src, slug: self.urls.link(src, concept_src(slug)),
                               gloss=self.text.gloss, updated=self.history.last_updated,
                               sources=len({k for e in self.entries.values()
                                            for k in (e.concept.sources.primary, *e.concept.sources.further)
                                            if k in wiki.sources}),
                               tags=len(self.tags))
        self.concepts = ConceptPages(site, self.templates, self.urls, self.text, self.citer, self.citing,
                                     self.history, self.cards, self.related, self.backlinks, self.graph,
                                     lambda entry, src: self.brief.button_context(entry, src))
        self.instruments = InstrumentPages(site, self.templates, self.urls, self.text, self.citer,
                                           wiki.sources, self.entries, wiki.instruments)
        self.concepts.extra_context.append(self.instruments.concept_context)

    # -- hand-written pages ------------------------------------------------------------------

    @property
    def doc_backlinks(self) -> Mapping[str, Sequence[DocPage]]:
        """slug -> docs pages linking to it; set with :meth:`add_doc_pages` before rendering."""
        return self.concepts.doc_backlinks

    def add_doc_pages(self, pages: Iterable[DocPage]) -> None:
        """Hand-written pages whose wikilinks count as backlinks ("1 guide") on the concept
        pages they link to."""
        self.concepts.doc_backlinks = docs_backlinks(pages)

    def fix_doc_wikilinks(self, markdown: str, src_uri: str, *, path: str | None = None,
                          front_matter: bool = False) -> tuple[str, Problems]:
        """``(markdown, problems)`` with the wikilinks of a docs page resolved and its
        directives (``<!-- conceptwiki:stats -->``, ...; :mod:`.home`) filled in."""
        markdown = self.home.expand(markdown, src_uri)
        return fix_wikilinks(markdown, self.wiki.index, src_uri, path=path,
                             directory_urls=self.site.directory_urls, describe=self.plain_summary,
                             front_matter=front_matter, mid_title=self.text.mid_title)

    # -- what the components answer, for the adapter, the brief and tests --------------------

    @property
    def sources(self) -> dict[str, Source]:
        return self.wiki.sources

    @property
    def renderer(self) -> MarkdownRenderer:
        return self.text.renderer

    def url(self, src_uri: str) -> str:
        return self.urls.url(src_uri)

    def link(self, from_src: str, to_src: str, anchor: str | None = None) -> str:
        return self.urls.link(from_src, to_src, anchor)

    def absolute(self, src_uri: str) -> str:
        return self.urls.absolute(src_uri)

    def resolver(self, from_src: str) -> Resolver:
        return self.text.resolver(from_src)

    def plain_summary(self, slug: str, limit: int = 200) -> str:
        return self.text.plain_summary(slug, limit)

    def md(self, text: str, from_src: str, *, inline: bool = False) -> Markup:
        return self.text.md(text, from_src, inline=inline)

    def last_updated(self, entry: Entry) -> _dt.date | None:
        return self.history.last_updated(entry)

    def fingerprint(self, entry: Entry) -> str:
        return self.history.fingerprint(entry)

    def versions(self, entry: Entry) -> list[Version]:
        return self.history.versions(entry)

    def edit_links(self, entry: Entry) -> dict[str, str] | None:
        return edit_links(self.site.repo_url, self.site.edit_uri, entry.path)

    def page_item(self, entry: Entry) -> dict[str, Any]:
        return self.citing.page_item(entry)

    def export_item(self, entry: Entry) -> dict[str, Any]:
        return self.citing.export_item(entry)

    def source_items(self, entry: Entry) -> list[dict[str, Any]]:
        if self.brief.data_key is None:
            return self.citing.source_items(entry)
        # ``mkdocs serve``: the same sources give the same items (copies made once, then
        # shared read-only), kept between rebuilds by the sources' identity (unchanged
        # .bib files give the same records): 0.5 s of a rebuild at 1,000 entries.
        c = entry.concept
        cited = tuple(self.sources[k] for k in dict.fromkeys([c.sources.primary, *c.sources.further])
                      if k in self.sources)
        memo = self.brief.memo
        kept = memo.get(("source items", entry.slug))
        if kept is not None and len(kept[0]) == len(cited) and all(a is b for a, b in zip(kept[0], cited)):
            return kept[1]
        items = self.citing.source_items(entry)
        memo[("source items", entry.slug)] = (cited, items)
        return items

    def references(self, entry: Entry) -> list[dict[str, Any]]:
        return self.citing.references(entry)

    def format_reference(self, csl: dict[str, Any]) -> str:
        return self.citing.format_reference(csl)

    def citation_blocks(self, entry: Entry) -> dict[str, Any]:
        return self.citing.citation_blocks(entry)

    @property
    def citation_seconds(self) -> float:
        return self.citer.seconds

    def render_warnings(self, entry: Entry) -> tuple[str, ...]:
        return self.text.render_warnings(entry)

    # -- pages and files ---------------------------------------------------------------------

    def head_pages(self) -> dict[str, Entry | InstrumentEntry]:
        """The pages that carry metadata for reference managers, by source path: every
        concept's and every policy instrument's. They are also the generated pages search
        indexes (lists of them only repeat their titles and summaries)."""
        heads: dict[str, Entry | InstrumentEntry] = {concept_src(slug): e for slug, e in self.entries.items()}
        heads.update((instrument_src(slug), e) for slug, e in self.instruments.instruments.items())
        return heads

    def head_html(self, page: Entry | InstrumentEntry) -> str:
        """Metadata for reference managers (Highwire, Dublin Core, schema.org JSON-LD)."""
        if isinstance(page, InstrumentEntry):
            return head_html(self.instruments.page_meta(page))
        return head_html(self.concepts.page_meta(page))


    def redirects(self) -> dict[str, str]:
        """Pages at the aliases' and former slugs' URLs that send readers to the entry."""
        if self.brief.data_key is None:
            return redirect_pages(self.entries, self.urls)
        # ``mkdocs serve``: made again only when a title, alias or former slug changed (their
        # relative links took 0.4 s of every rebuild at 1,000 entries).
        key = ("redirects", self.brief.data_key, tuple(
            (s, e.title, tuple(e.concept.former_slugs), tuple(e.concept.aliases)) for s, e in self.entries.items()))
        memo = self.brief.memo
        found = memo.get(key)
        if found is None:
            memo.pop(memo.get("redirects key"), None)
            found = memo[key] = redirect_pages(self.entries, self.urls)
            memo["redirects key"] = key
        return dict(found)

    def previews(self) -> dict[str, str]:
        """The data file of hover previews: ``{path: text}``."""
        return {PREVIEWS_PATH: previews_json(self.entries, self.text.plain_summary)}

    @property
    def brief(self) -> BriefBuilder:
        """The brief basket's page and data (:mod:`conceptwiki.render.brief`)."""
        if self._brief is None:
            self._brief = BriefBuilder(self)
        return self._brief

    def exports(self) -> dict[str, str]:
        """Citation files: each page's and every page's BibTeX, RIS and CSL-JSON, the
        versions each entry has published, and the brief's data."""
        # ``mkdocs serve`` rebuilds keep the files of the pages whose key is the same
        # (``brief.pack_keys``: the page's dependency key and the site's).
        keys = self.brief.pack_keys
        memo = self.brief.memo
        files = export_files([*((slug, self.citing.export_item(e), self.source_items(e))
                                for slug, e in self.entries.items()),
                              *self.instruments.export_items()],
                             page_keys=keys, memo=memo if self.brief.data_key is not None else None)
        files.update(self.instruments.version_files())
        history = self.site.versions if self.site.versions is not None else History()
        for slug, e in self.entries.items():
            key = keys.get(slug)
            found = memo.get(("versions", slug, key)) if key is not None else None
            if found is None:
                record = History({slug: self.history.versions(e)}, history.status)
                found = versions_json(slug, record, self.history.fingerprint(e))
                if key is not None:
                    memo[("versions", slug, key)] = found
            files[f"cite/{slug}.versions.json"] = found
        files.update(self.source_pages.export_files(memo if self.brief.data_key is not None else None))
        files.update(self.brief.files())
        return files

    def concept_page(self, entry: Entry) -> Page:
        return self.concepts.page(entry)

    def concept_body(self, entry: Entry) -> HtmlBody:
        return self.concepts.body(entry)

    def index_page(self) -> Page:
        return self.listings.index_page()

    def tag_pages(self) -> list[Page]:
        return self.listings.tag_pages()

    def graph_page(self) -> Page:
        return self.listings.graph_page()

    def page_plan(self) -> list[tuple[str | None, Callable[[], list[Page]]]]:
        """Every generated page, in a stable order, as ``(source path, make)``: ``make()``
        renders it (a list of one page; the instruments' pages, whose paths are known only
        when they are made, come as one step with the path None). ``mkdocs serve --dirty``
        makes only the pages whose inputs changed (:mod:`conceptwiki.pipeline.incremental`)."""
        plan: list[tuple[str | None, Callable[[], list[Page]]]] = [
            ("concepts/index.md", lambda: [self.index_page()]),
            ("tags/index.md", lambda: [self.listings.tags_index_page()])]
        plan += [(tag_src(t), partial(_one, self.listings.tag_page, t)) for t in self.tags]
        plan.append(("graph/index.md", lambda: [self.graph_page()]))
        plan += [(concept_src(s), partial(_one, self.concept_page, e)) for s, e in self.entries.items()]
        plan.append((SOURCES_INDEX, self._sources_index))
        plan += [(src, partial(_one, self.source_pages.page, key))
                 for src, key in self.source_pages.page_srcs().items()]
        plan.append((None, self.instruments.pages))
        plan.append((brief_src(), lambda: [self.brief.page()]))
        return plan

    def _sources_index(self) -> list[Page]:
        self.prerender_citations()  # before the source pages (next in the plan) are made
        return [self.source_pages.index_page()]

    def prerender_citations(self) -> int:
        """Render the citations that pages and data files share on every CPU before anything
        asks for them (:mod:`conceptwiki.prerender`): what the source pages, the concept
        pages' references and the brief's data take of each source, in every style, and the
        templates of the pages' own citations (one per style and month of the pages' dates).
        Only sources whose entry in the default style is not cached yet (a warm cache or a
        ``mkdocs serve`` rebuild has them) are rendered, and none if they are few. Returns
        the number of processes forked. At 2,000 concepts (1,000 sources, 4 styles) these
        renderings took 94 s of a 296 s profiled cold build, all in the MkDocs process."""
        engine, citer = self.citer.engine, self.citer
        items = {key: source.csl() for key, source in sorted(self.wiki.sources.items())}
        html = "html"
        missing = [key for key, item in items.items() if not engine.has_entry(item, self.site.default_style, html)]
        if len(missing) < 2 * MIN_JOBS:
            return 0
        styles = list(dict.fromkeys([*citer.styles, self.site.default_style]))
        brief_styles = list(self.site.styles)
        numbers = {s: CITATION_NUMBER if engine.uses_citation_number(s) else None for s in brief_styles}
        cited = {k for e in self.entries.values()
                 for k in (e.concept.sources.primary, *e.concept.sources.further)}
        cited.update(k for e in self.instruments.instruments.values() for k in e.instrument.cited_keys())

        def source(key: str) -> None:
            item = items[key]
            for style in styles:  # source pages, references (Citer.render)
                citer.render(item, style)
            if key in cited:  # the brief's data (BriefBuilder.items)
                for style in brief_styles:
                    engine.bibliography_parts(item, style, html, citation_number=numbers[style])
                    engine.year_suffix_group(item, style)
                    engine.bibliography_sort_strings(item, style)

        def page(entry: Entry) -> None:  # "Cite this page" and the brief's page items
            citer.all_styles(self.citing.page_item(entry), mark_accessed=True)
            self.brief.prerender(entry)

        months: dict[Any, Entry] = {}
        for entry in self.entries.values():
            day = self.history.last_updated(entry)
            months.setdefault((day.month, day.day >= 10) if day else None, entry)
        jobs = [*(partial(page, e) for e in months.values()), *(partial(source, key) for key in missing)]
        return prerender(jobs, [engine, citer], workers=self.site.workers)

    def pages(self) -> list[Page]:
        """Every generated page, in a stable order."""
        return [page for _src, make in self.page_plan() for page in make()]


def _one(make: Callable[[Any], Page], arg: Any) -> list[Page]:
    return [make(arg)]
