"""Turn a loaded :class:`~conceptwiki.loader.Wiki` into pages.

Concept, index and tag pages are pre-rendered HTML bodies (made when the page is written,
with their table of contents); the graph and brief pages are Markdown with safe HTML blocks.
The pages are the same whether the MkDocs plugin serves them as virtual files or
``conceptwiki build --out DIR`` writes them to disk (front matter and body). Rendering goes
through Jinja templates that a site can override. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import json
import posixpath
import re
from pathlib import Path
from typing import Iterable

import jinja2
from markupsafe import Markup

from ..config import SiteConfig
from ..model.links import WIKILINK_RE, find_wikilinks
from ..model.loader import RESERVED_SLUGS, Entry, Wiki
from ..model.schema import KIND_PLURALS
from .graph import ConceptGraph, neighbourhood_view, wiki_view
from .markup import LinkTarget, MarkdownRenderer, safe_url
from .pages import Heading, HtmlBody, Page, front_matter_value
from .urls import SiteUrls, concept_src, relative_url, slugify, tag_src

__all__ = ["SiteBuilder", "ASSETS_DIR", "TEMPLATES_DIR"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
ASSETS_DIR = Path(__file__).parent / "assets"


def _plain(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html)
    text = (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#39;", "'").replace("&amp;", "&"))
    return re.sub(r"\s+", " ", text).strip()


def _kind_label(kind: str, n: int = 1) -> str:
    one, many = KIND_PLURALS.get(kind, (kind, kind + "s"))
    return one if n == 1 else many


class SiteBuilder:
    """Renders every generated page of the site from a :class:`Wiki`."""

    def __init__(self, wiki: Wiki, site: SiteConfig, *, engine=None):
        from ..citations.cite import Citer

        self.wiki = wiki
        self.site = site
        self.urls = SiteUrls(site.url, site.directory_urls)
        if engine is None:
            from ..citations.engine import CitationEngine

            styles = list(dict.fromkeys([*site.styles, site.default_style]))
            engine = CitationEngine(styles, base_dir=wiki.root)
        self.citer = Citer(engine, site.styles, display_date=site.build_date)
        self.renderer = MarkdownRenderer()
        self._plain_summaries: dict[str, str] = {}
        self._inline_cache: dict[tuple[str, str], Markup] = {}
        self._shared_inline: dict[str, str] = {}
        # Stands for "the site's root, relative to this page" in a shared rendering; random, so
        # that no entry's text can contain it.
        import secrets

        self._link_token = f"cw-root-{secrets.token_hex(8)}/"
        self._link_marker = re.compile(r'(?<=href=")' + re.escape(self._link_token) + r'([^"]*)')
        loaders: list[jinja2.BaseLoader] = []
        if site.templates_dir:
            loaders.append(jinja2.FileSystemLoader(site.templates_dir))
        loaders.append(jinja2.FileSystemLoader(str(TEMPLATES_DIR)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)
        self.env.filters["front_matter"] = front_matter_value
        self.entries = dict(sorted(wiki.entries.items()))
        self.related = self._related_both_ways()
        self.backlinks = self._entry_backlinks()
        #: slug -> docs pages linking to it; set with :meth:`add_doc_pages` before rendering.
        self.doc_backlinks: dict = {}
        self.tags = self._tags()
        self.graph = ConceptGraph.from_site(self)

    # -- graph ---------------------------------------------------------------------------

    def _related_both_ways(self) -> dict[str, list[str]]:
        out: dict[str, set[str]] = {slug: set() for slug in self.entries}
        for slug, entry in self.entries.items():
            for rel in entry.concept.related:
                if rel in self.entries and rel != slug:
                    out[slug].add(rel)
                    out[rel].add(slug)
        return {slug: sorted(rels, key=lambda s: self.entries[s].title.casefold())
                for slug, rels in out.items()}

    def _entry_backlinks(self) -> dict[str, list[str]]:
        out: dict[str, set[str]] = {slug: set() for slug in self.entries}
        for slug, entry in self.entries.items():
            for _loc, text in entry.text_fields():
                for link in find_wikilinks(text):
                    target = self.wiki.index.resolve(link.target)
                    if target and target != slug:
                        out[target].add(slug)
        return {slug: sorted(s) for slug, s in out.items()}

    def add_doc_pages(self, pages) -> None:
        """Hand-written pages (:class:`~conceptwiki.docpages.DocPage`) whose wikilinks count
        as backlinks ("1 guide") on the concept pages they link to."""
        from .docpages import docs_backlinks

        self.doc_backlinks = docs_backlinks(pages)

    def fix_doc_wikilinks(self, markdown: str, src_uri: str, *, path: str | None = None,
                          front_matter: bool = False):
        """``(markdown, problems)`` with the wikilinks of a docs page resolved."""
        from .docpages import fix_wikilinks

        return fix_wikilinks(markdown, self.wiki.index, src_uri, path=path,
                             directory_urls=self.site.directory_urls, describe=self.plain_summary,
                             front_matter=front_matter)

    def previews(self) -> dict[str, str]:
        """The data file of hover previews: ``{path: text}``."""
        from .previews import PREVIEWS_PATH, previews_json

        return {PREVIEWS_PATH: previews_json(self)}

    def _tags(self) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = {}
        for slug, entry in self.entries.items():
            for tag in entry.concept.tags:
                tags.setdefault(tag, []).append(slug)
        return {t: sorted(v, key=lambda s: self.entries[s].title.casefold())
                for t, v in sorted(tags.items())}

    # -- URLs ----------------------------------------------------------------------------

    def url(self, src_uri: str) -> str:
        return self.urls.url(src_uri)

    def link(self, from_src: str, to_src: str, anchor: str | None = None) -> str:
        return self.urls.link(from_src, to_src, anchor)

    def absolute(self, src_uri: str) -> str:
        return self.urls.absolute(src_uri)

    def _resolver(self, from_src: str):
        def resolve(target: str, anchor: str | None) -> LinkTarget | None:
            slug = self.wiki.index.resolve(target)
            if slug is None or slug not in self.entries:
                return None
            entry = self.entries[slug]
            return LinkTarget(self.link(from_src, concept_src(slug), anchor), entry.title,
                              self.plain_summary(slug))
        return resolve

    def plain_summary(self, slug: str, limit: int = 200) -> str:
        """The summary as plain text (for link titles and previews), without Markdown rendering."""
        cached = self._plain_summaries.get(slug)
        if cached is None:
            text = self.entries[slug].concept.summary
            text = WIKILINK_RE.sub(lambda m: (m.group("text") or m.group("target")).strip(), text)
            text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
            text = re.sub(r"[*_`]+", "", text)
            text = re.sub(r"\s+", " ", text).strip()
            if len(text) > limit:
                text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
            cached = self._plain_summaries[slug] = text
        return cached

    def md(self, text: str, from_src: str, *, inline: bool = False) -> Markup:
        if not inline:
            return Markup(self.renderer.render(text, inline=False, resolver=self._resolver(from_src)))
        # Summaries recur on many pages (cards, index, tags, metadata): render each once per
        # folder its links are relative to. Concept pages (concepts/<slug>/) all link to other
        # concepts as "../<other>/", so they share one rendering, made from a page that is no
        # concept (a link back to the page itself reads "../<slug>/" on every page).
        url = self.url(from_src)
        base = url.rstrip("/") if url.endswith("/") else posixpath.dirname(url)
        if self.site.directory_urls and posixpath.dirname(base) in ("concepts", "tags"):
            # Tag pages (tags/<tag>/) likewise share one rendering: summaries link to
            # concepts only, never to a tag page.
            folder = posixpath.dirname(base)
            base, from_src = f"{folder}/*", f"{folder}/ /index.md"
        key = (text, base)
        cached = self._inline_cache.get(key)
        if cached is None:
            # Rendered once for every folder: wikilinks point to a marker and the site-relative
            # URL of their target, made relative to this folder here.
            shared = self._shared_inline.get(text)
            if shared is None:
                shared = self._shared_inline[text] = self.renderer.render(
                    text, inline=True, resolver=self._marked_resolver)
            from_url = self.url(from_src)
            cached = self._inline_cache[key] = Markup(self._link_marker.sub(
                lambda m: relative_url(from_url, m.group(1)), shared) if self._link_token in shared else shared)
        return cached

    def _marked_resolver(self, target: str, anchor: str | None) -> LinkTarget | None:
        slug = self.wiki.index.resolve(target)
        if slug is None or slug not in self.entries:
            return None
        url = self.url(concept_src(slug)) + (f"#{anchor}" if anchor else "")
        return LinkTarget(self._link_token + url, self.entries[slug].title, self.plain_summary(slug))

    # -- pages ---------------------------------------------------------------------------

    def last_updated(self, entry: Entry) -> _dt.date | None:
        """``updated:`` if given, else the last commit of the file, else ``created:``."""
        return entry.concept.updated or self.site.git_dates.get(entry.path) or entry.concept.created

    def edit_links(self, entry: Entry) -> dict[str, str] | None:
        """"Edit this entry" and "History" links to the YAML file on the forge."""
        repo = self.site.repo_url.rstrip("/")
        if not repo.startswith(("https://", "http://")):
            return None
        edit_uri = self.site.edit_uri or "edit/main/"
        # MkDocs' edit_uri points into docs/; entries live beside it, so use the branch only.
        parts = [p for p in edit_uri.strip("/").split("/") if p]
        branch = parts[1] if len(parts) >= 2 and parts[0] in ("edit", "blob", "tree") else "main"
        if "github.com" in repo or "gitlab" in repo or "codeberg.org" in repo:
            sep = "/-/" if "gitlab" in repo else "/"
            return {"edit": f"{repo}{sep}edit/{branch}/{entry.path}",
                    "history": f"{repo}{sep}commits/{branch}/{entry.path}"}
        return None

    def references(self, entry: Entry) -> list[dict]:
        keys = [entry.concept.sources.primary, *entry.concept.sources.further]
        out = []
        seen = set()
        for key in keys:
            source = self.wiki.sources.get(key)
            if source is None or key in seen:
                continue
            seen.add(key)
            csl = source.csl()
            out.append({
                "key": key,
                "primary": key == entry.concept.sources.primary,
                "html": Markup(self.format_reference(csl)),
                "url": safe_url(csl.get("URL")) or (f"https://doi.org/{csl['DOI']}" if csl.get("DOI") else None),
            })
        return out

    @property
    def citation_seconds(self) -> float:
        return self.citer.seconds

    def format_reference(self, csl: dict) -> str:
        return self.citer.render(csl, self.site.default_style).html

    def page_item(self, entry: Entry) -> dict:
        from ..citations.cite import page_item

        return page_item(slug=entry.slug, title=entry.title, site_name=self.site.name,
                         publisher=self.site.publisher or self.site.name,
                         url=self.absolute(concept_src(entry.slug)),
                         updated=self.last_updated(entry), accessed=self.site.build_date)

    def source_items(self, entry: Entry) -> list[dict]:
        keys = dict.fromkeys([entry.concept.sources.primary, *entry.concept.sources.further])
        return [self.wiki.sources[k].csl() for k in keys if k in self.wiki.sources]

    # -- fingerprints ----------------------------------------------------------------------

    def fingerprint(self, entry: Entry) -> str:
        """The entry's full fingerprint (its YAML data and the sources it cites)."""
        from ..history.fingerprint import entry_fingerprint

        cache = self.__dict__.setdefault("_fingerprints", {})
        if entry.slug not in cache:
            cache[entry.slug] = entry_fingerprint(entry, self.wiki.sources)
        return cache[entry.slug]

    def versions(self, entry: Entry) -> list:
        """The entry's published versions, newest first (just the current one without git)."""
        from ..history.fingerprint import Version

        history = self.site.versions
        found = history.versions.get(entry.slug) if history is not None else None
        if found and found[0].fingerprint == self.fingerprint(entry):
            if history.status == "current-only" and found[0].date is None:
                return [Version(found[0].fingerprint, found[0].revision, self.last_updated(entry))]
            return found
        return [Version(self.fingerprint(entry), None, self.last_updated(entry))]

    def export_item(self, entry: Entry) -> dict:
        """The page's CSL-JSON item as exported: it carries the fingerprint as ``version``
        (CSL-JSON) and as a note (BibTeX ``note``, RIS ``N1``)."""
        from ..history.fingerprint import SHORT

        short = self.fingerprint(entry)[:SHORT]
        return dict(self.page_item(entry), version=short, note=f"Version {short}")

    def citation_blocks(self, entry: Entry) -> dict:
        item = self.page_item(entry)
        exported = self.export_item(entry)
        out = {
            "page": self.citer.all_styles(item, mark_accessed=True),
            "page_bibtex": Markup(self.citer.bibtex_html(exported, item["id"], mark_accessed=True)),
            "primary": None,
            "primary_bibtex": None,
        }
        primary = self.wiki.sources.get(entry.concept.sources.primary)
        if primary is not None:
            csl = primary.csl()
            out["primary"] = self.citer.all_styles(csl)
            out["primary_bibtex"] = Markup(self.citer.bibtex_html(csl, primary.key))
        return out

    def head_html(self, entry: Entry) -> str:
        """Metadata for reference managers (Highwire, Dublin Core, schema.org JSON-LD)."""
        from markupsafe import escape

        item = self.page_item(entry)
        updated = self.last_updated(entry)
        publisher = self.site.publisher or self.site.name
        url = item["URL"]
        summary = _plain(self.md(entry.concept.summary, concept_src(entry.slug), inline=True))
        metas = [
            ("citation_title", entry.title),
            ("citation_author", publisher),
            ("citation_publisher", publisher),
            ("citation_journal_title", self.site.name),
            ("citation_public_url", url),
            ("citation_abstract_html_url", url),
            ("DC.title", entry.title),
            ("DC.creator", publisher),
            ("DC.publisher", publisher),
            ("DC.type", "Text"),
            ("DC.identifier", url),
            ("DC.language", "en"),
            ("DC.description", summary),
        ]
        if updated:
            metas[3:3] = [("citation_date", updated.strftime("%Y/%m/%d")),
                          ("citation_publication_date", updated.strftime("%Y/%m/%d"))]
            metas.append(("DC.date", updated.isoformat()))
        lines = [f'<meta name="{escape(n)}" content="{escape(v)}">' for n, v in metas]
        lines.append('<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">')
        ld = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": entry.title,
            "name": entry.title,
            "description": summary,
            "url": url,
            "author": {"@type": "Organization", "name": publisher},
            "publisher": {"@type": "Organization", "name": publisher},
            "isPartOf": {"@type": "WebSite", "name": self.site.name,
                         "url": self.site.url or None},
            "keywords": list(entry.concept.tags),
            "dateCreated": entry.concept.created.isoformat(),
        }
        if updated:
            ld["dateModified"] = updated.isoformat()
            ld["datePublished"] = updated.isoformat()
        data = json.dumps(ld, ensure_ascii=False, sort_keys=True)
        # Inside <script>, "</" would end the element and "<!--" would open a comment.
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        lines.append(f'<script type="application/ld+json">{data}</script>')
        return "\n".join(lines) + "\n"

    def redirects(self) -> dict[str, str]:
        """Static pages at ``concepts/<alias or former slug>/`` that send readers to the entry.

        Each has a canonical link and a meta refresh (no JavaScript needed), so an old link
        in a printed brief keeps working after a rename.
        """
        from markupsafe import escape

        out: dict[str, str] = {}
        # Never over a generated page (an alias 'Index' would replace concepts/index.html).
        taken = set(self.entries) | RESERVED_SLUGS
        for slug, entry in self.entries.items():
            names = [*entry.concept.former_slugs, *entry.concept.aliases]
            for name in names:
                alias_slug = slugify(name)
                if not alias_slug or alias_slug in taken:
                    continue
                taken.add(alias_slug)
                src = f"concepts/{alias_slug}.md"
                target = self.link(src, concept_src(slug))
                absolute = self.absolute(concept_src(slug))
                path = (f"concepts/{alias_slug}/index.html" if self.site.directory_urls
                        else f"concepts/{alias_slug}.html")
                title = escape(entry.title)
                out[path] = (
                    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    f"<title>{title}</title>\n"
                    f"<link rel=\"canonical\" href=\"{escape(absolute)}\">\n"
                    f"<meta http-equiv=\"refresh\" content=\"0; url={escape(target)}\">\n"
                    "<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n"
                    f"<p>“{escape(name)}” is now at <a href=\"{escape(target)}\">{title}</a>.</p>\n"
                    "</body>\n</html>\n"
                )
        return out

    @property
    def brief(self):
        """The brief basket's page and data (:mod:`conceptwiki.brief`)."""
        if getattr(self, "_brief", None) is None:
            from .brief import BriefBuilder

            self._brief = BriefBuilder(self)
        return self._brief

    def exports(self) -> dict[str, str]:
        from ..citations.cite import export_files

        from ..history.fingerprint import History, versions_json

        files = export_files([(slug, self.export_item(e), self.source_items(e))
                              for slug, e in self.entries.items()])
        history = self.site.versions if self.site.versions is not None else History()
        for slug, e in self.entries.items():
            record = History({slug: self.versions(e)}, history.status)
            files[f"cite/{slug}.versions.json"] = versions_json(slug, record, self.fingerprint(e))
        files.update(self.brief.files())
        return files

    def concept_page(self, entry: Entry) -> Page:
        """The entry's page. Its body is rendered when the page is written (``Page.render``):
        as HTML from ``concept.html.j2``, or, if the site overrides ``concept.md.j2``, as
        Markdown from that template (the layout of earlier versions)."""
        c = entry.concept
        src = concept_src(entry.slug)
        if self._markdown_concept_template():
            ctx = self._concept_context(entry)
            ctx["summary_text"] = self._description(entry)
            md = self.env.get_template("concept.md.j2").render(**ctx)
            return Page(src, md, in_nav=False, title=c.title, warnings=self.render_warnings(entry))
        return Page(src, in_nav=False, title=c.title, description=self._description(entry),
                    render=lambda: self.concept_body(entry))

    def _as_html(self, page: Page, template: str) -> Page:
        """``page``, rendered from a template that writes only raw HTML after its front
        matter, as a pre-rendered page (MkDocs need not parse its HTML). A site's own
        version of the template may hold Markdown: its pages stay Markdown."""
        if self._overridden(template):
            return page
        head, sep, body = page.text.partition("\n---\n")
        if not head.startswith("---\n") or not sep:
            return page
        html = body.lstrip("\n")
        return Page(page.src_uri, in_nav=page.in_nav, title=page.title,
                    render=lambda: HtmlBody(html))

    def _overridden(self, template: str) -> bool:
        folder = self.site.templates_dir
        return bool(folder) and (Path(folder) / template).is_file()

    def _markdown_concept_template(self) -> bool:
        if "_md_template" not in self.__dict__:
            self._md_template = self._overridden("concept.md.j2") and not self._overridden("concept.html.j2")
        return self._md_template

    def _description(self, entry: Entry) -> str:
        return _plain(self.md(entry.concept.summary, concept_src(entry.slug), inline=True))

    def concept_body(self, entry: Entry) -> HtmlBody:
        """The HTML body of the entry's page and its table of contents."""
        toc: list[Heading] = []
        links = self.site.heading_links

        def heading(level: int, hid: str, text: str) -> Markup:
            from markupsafe import escape

            toc.append(Heading(level, hid, text))
            inner = escape(text)
            if links is not None:
                anchor = Markup('<a class="{}" href="#{}" title="{}">{}</a>').format(
                    links.css_class, hid, links.title, links.text)
                inner = anchor + inner if links.leading else inner + anchor
            return Markup('<h{0} id="{1}">{2}</h{0}>').format(int(level), hid, inner)

        ctx = self._concept_context(entry)
        html = self.env.get_template("concept.html.j2").render(heading=heading, **ctx)
        return HtmlBody(html, tuple(toc), self.render_warnings(entry))

    def render_warnings(self, entry: Entry) -> tuple[str, ...]:
        """Fields of ``entry`` shown as plain text because they are too complex to render as
        Markdown (call after rendering its page, which renders every such field)."""
        if not self.renderer.too_complex:
            return ()
        out = []
        for loc, text in entry.text_fields():
            if text in self.renderer.too_complex:
                line, col = entry.position(*loc)
                out.append(f"{entry.path}:{line}:{col}: '{'.'.join(map(str, loc))}' has too many "
                           "unclosed '[' or '(' to render as Markdown; it is shown as plain text "
                           "(escape literal brackets as '\\[')")
        return tuple(out)

    def _concept_context(self, entry: Entry) -> dict:
        from ..history.fingerprint import SHORT, page_versions
        from .pinpoint import page_context

        src = concept_src(entry.slug)
        c = entry.concept
        pin = page_context(self, entry, src, self.fingerprint(entry)[:SHORT])
        ctx = {
            "site": self.site,
            "entry": entry,
            "concept": c,
            "slug": entry.slug,
            "kind_label": _kind_label(c.kind.value),
            "status_note": self.md(c.status.note, src) if c.status.note else None,
            "summary": self.md(c.summary, src),
            "details": pin["details"],
            "sections": pin["sections"],
            "key_points": pin["key_points"],
            "pinpoint_json": pin["pinpoint_json"],
            "version": page_versions(self.versions(entry), self.site.repo_url, self.last_updated(entry),
                                     self.site.versions.status if self.site.versions else "current-only"),
            "versions_url": relative_url(self.url(src), f"cite/{entry.slug}.versions.json"),
            "tags": [(t, self.link(src, tag_src(t))) for t in c.tags],
            "related": [self._card(src, s) for s in self.related[entry.slug]],
            "backlinks": self._grouped(src, self.backlinks[entry.slug],
                                       self.doc_backlinks.get(entry.slug, ())),
            "graph": neighbourhood_view(self.graph, entry.slug,
                                        lambda s: self.link(src, concept_src(s))),
            "references": self.references(entry),
            "see_also": [(l.title, safe_url(l.url)) for l in c.see_also if safe_url(l.url)],
            "updated": self.last_updated(entry),
            "index_url": self.link(src, "concepts/index.md"),
            "edit": self.edit_links(entry),
            "cite": self.citation_blocks(entry),
            "downloads": [(ext, relative_url(self.url(src), f"cite/{entry.slug}.{ext}"))
                          for ext in ("bib", "ris", "json")],
            "download_all": [(ext, relative_url(self.url(src), f"cite/all.{ext}"))
                             for ext in ("bib", "ris", "json")],
            "brief": self.brief.button_context(entry, src),
        }
        return ctx

    def _card(self, from_src: str, slug: str) -> dict:
        e = self.entries[slug]
        return {
            "slug": slug,
            "title": e.title,
            "url": self.link(from_src, concept_src(slug)),
            "kind": e.concept.kind.value,
            "kind_label": _kind_label(e.concept.kind.value),
            "status": e.concept.status.level.value,
            "summary": self.md(e.concept.summary, from_src, inline=True),
        }

    def _doc_card(self, from_src: str, page) -> dict:
        from .docpages import DOCS_KIND

        return {"slug": None, "title": page.title, "url": self.link(from_src, page.src_uri),
                "kind": DOCS_KIND, "kind_label": _kind_label(DOCS_KIND), "status": None,
                "summary": ""}

    def _grouped(self, from_src: str, slugs: Iterable[str], docs: Iterable = ()) -> dict:
        cards = [self._card(from_src, s) for s in slugs]
        cards += [self._doc_card(from_src, p) for p in docs]
        groups: dict[str, list[dict]] = {}
        for card in cards:
            groups.setdefault(card["kind"], []).append(card)
        summary = ", ".join(f"{len(v)} {_kind_label(k, len(v))}" for k, v in sorted(groups.items()))
        return {"cards": sorted(cards, key=lambda c: c["title"].casefold()), "summary": summary,
                "groups": groups}

    def index_page(self) -> Page:
        src = "concepts/index.md"
        letters: dict[str, list[dict]] = {}
        for slug in sorted(self.entries, key=lambda s: self.entries[s].title.casefold()):
            card = self._card(src, slug)
            first = card["title"][:1].upper()
            letters.setdefault(first if first.isalpha() else "#", []).append(card)
        md = self.env.get_template("index.md.j2").render(
            site=self.site, letters=letters, count=len(self.entries),
            tags_url=self.link(src, "tags/index.md"))
        return self._as_html(Page(src, md, in_nav=True, title="All concepts"), "index.md.j2")

    def tag_pages(self) -> list[Page]:
        pages = []
        src_index = "tags/index.md"
        tags = [(t, self.link(src_index, tag_src(t)), len(v)) for t, v in self.tags.items()]
        pages.append(self._as_html(Page(src_index, self.env.get_template("tags.md.j2").render(
            site=self.site, tags=tags), in_nav=True, title="Tags"), "tags.md.j2"))
        for tag, slugs in self.tags.items():
            src = tag_src(tag)
            md = self.env.get_template("tag.md.j2").render(
                site=self.site, tag=tag, cards=[self._card(src, s) for s in slugs],
                tags_url=self.link(src, src_index))
            pages.append(self._as_html(Page(src, md, in_nav=False, title=f"Tag: {tag}"), "tag.md.j2"))
        return pages

    def graph_page(self) -> Page:
        """The whole-wiki graph (``graph/index.md``), drawn by ``graph.py``/``graph.md.j2``."""
        src = "graph/index.md"
        view = wiki_view(self.graph, lambda s: self.link(src, concept_src(s)))
        md = self.env.get_template("graph.md.j2").render(site=self.site, view=view)
        return Page(src, md, in_nav=True, title="Graph")

    def pages(self) -> list[Page]:
        """Every generated page, in a stable order."""
        out = [self.index_page(), *self.tag_pages(), self.graph_page()]
        out.extend(self.concept_page(e) for e in self.entries.values())
        out.append(self.brief.page())
        return out
