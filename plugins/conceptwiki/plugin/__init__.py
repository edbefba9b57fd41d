"""The MkDocs (and ProperDocs) adapter: thin hooks around the engine-free core.

This is the only module besides ``config.py`` that imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import time
from pathlib import Path
from collections.abc import Sequence
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from ..citations.engine import UnknownLocaleError, UnknownStyleError
from .config import ConceptWikiConfig
from .serving import ExactDirtyBuilds, IdleCollector, MemoryBytecode, env_signature, watch_natively
from .serving import KeptPage as _Kept, ServeState as _Incremental, modified as _modified
from .serving import index_kept, remove_stale as _remove, unmodified as _unmodified
from .hot import HotRebuilds
from .pages import installed_folders as _installed, scan_docs, toc as _toc
from ..model.instruments import InstrumentEntry
from ..model.loader import Entry, Wiki
from ..pipeline.parallel import PageRenderer
from ..pipeline.session import CitationEngines, max_rss_mib, start_renderer, stop_renderer
from ..pipeline.build import data_files, load_project, site_builder
from ..pipeline.incremental import global_key, page_keys, tree_digest
from ..search.pagefind import PAGEFIND_DIR, SearchError, mark_page, pagefind_executable, search_box
from ..search.stream import PagefindStream, finish_search, stream_enabled
from ..render.anchors import AnchorIndex
from ..render.site import ASSETS_DIR
from ..config import PLUGIN_DEFAULTS, ConfigError, SiteConfig, site_config
from ..render.pages import Page
from ..render.problems import PreviewProblems, problem_views
from ..render.urls import concept_src

__all__ = ["ConceptWikiPlugin"]


log = get_plugin_logger(__name__)

ASSET_CSS = ["assets/conceptwiki/conceptwiki.css", "assets/conceptwiki/preview.css",
             "assets/conceptwiki/graph.css", "assets/conceptwiki/pinpoint.css",
             "assets/conceptwiki/brief.css", "assets/conceptwiki/print.css",
             "assets/conceptwiki/instruments.css"]
ASSET_JS = ["assets/conceptwiki/conceptwiki.js", "assets/conceptwiki/preview.js",
            "assets/conceptwiki/graph.js", "assets/conceptwiki/pinpoint.js",
            "assets/conceptwiki/brief.js", "assets/conceptwiki/brief-doc.js"]
SEARCH_JS = "assets/conceptwiki/cw-search.js"
#: Files the pages load only when a reader asks for them (the Brief page's Word download).
ASSET_ON_DEMAND = ["assets/conceptwiki/docx.umd.js", "assets/conceptwiki/docx.LICENSE.txt"]
THEME_DIR = Path(__file__).parent / "theme"
#: A serve rebuild renders up to this many pre-rendered pages without worker processes.
FEW_PAGES = 40



_ID_RE = re.compile(r'\sid="([^"<>]*)"')
_BODY_RE = re.compile(r"<body\b[^>]*>")


class ConceptWikiPlugin(BasePlugin[ConceptWikiConfig]):
    """Generates one page per concept, the concept index and tag pages as virtual files."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.wiki: Wiki | None = None
        self.root = Path.cwd()
        self.timings: dict[str, float] = {}
        self.heads: dict[str, Entry | InstrumentEntry] = {}
        self._notes: set[str] = set()
        self._search_icons = ("", "")
        self._unsearched: set[str] = set()
        self._command = "build"
        self._dirty = False
        self._exact_dirty = ExactDirtyBuilds()
        #: ``mkdocs serve --dirty``: the last build, and the one under way (kept when it succeeds).
        self._last: _Incremental | None = None
        self._next: _Incremental | None = None
        self._stale: set[str] = set()
        self._kept_searchable: list[str] = []
        self._files: Files | None = None
        self.generated: set[str] = set()
        #: The generated pages this build rendered (all of them, except in a serve rebuild).
        self.rebuilt: set[str] = set()
        #: Pre-rendered pages (src_uri -> Page), rendered when MkDocs writes them.
        self.html_pages: dict[str, Page] = {}
        self.renderer: PageRenderer | None = None
        #: The citation engine, kept between the builds of ``mkdocs serve``.
        self.engines = CitationEngines(cache=True, note=log.info, debug=log.debug)
        self._stream: PagefindStream | None = None
        #: In ``mkdocs serve`` only: the problems shown in the browser (render/problems.py).
        self.preview: PreviewProblems | None = None
        self._doc_problems: list = []
        self._loaded: Any = None  # build --strict: the project as on_pre_build read it
        #: ``mkdocs serve``: full garbage collections between rebuilds, not in them.
        self._collector = IdleCollector()
        #: ``mkdocs serve``: the watcher of the content folders (``_watch_natively``).
        self._observer: Any = None
        #: ``mkdocs serve``: compiled theme templates, per environment signature.
        self._bytecode: dict[tuple, MemoryBytecode] = {}
        #: ``mkdocs serve --dirty``: rebuilds of the changed pages only (``hot.py``).
        self._hot: HotRebuilds | None = None

    def _site_config(self, config) -> SiteConfig:
        """The site's configuration from MkDocs' parsed ``mkdocs.yml`` (the command line reads
        the same file itself and calls the same :func:`~conceptwiki.config.site_config`)."""
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.root = root
        settings = {"site_name": config.site_name, "site_url": config.site_url,
                    "use_directory_urls": config.use_directory_urls, "repo_url": config.repo_url,
                    "edit_uri": config.edit_uri, "toc": (config.mdx_configs or {}).get("toc"),
                    "theme": {"language": config.theme.get("language")}}
        options = {name: self.config[name] for name in PLUGIN_DEFAULTS}
        try:
            return site_config(root, settings, options)
        except ConfigError as exc:
            raise PluginError(f"mkdocs.yml: {exc}") from None

    def _log_note(self, note: str) -> None:
        """Notes (no git history, ...) are logged once, not on every ``mkdocs serve`` rebuild."""
        if note not in self._notes:
            log.info(note)
            self._notes.add(note)

    def on_startup(self, *, command, dirty) -> None:
        self._command = command
        self._dirty = bool(dirty)
        if command == "serve" and self._dirty:
            self._exact_dirty.attach()
            self._hot = HotRebuilds(self, log, _installed())

    @property
    def incremental(self) -> bool:
        """Rebuilds re-render only what changed: ``mkdocs serve --dirty`` (MkDocs then skips
        files whose ``is_modified()`` is false). Not with Material's lunr search
        (``search: material``), whose index holds only the pages a build renders: there
        every page is rebuilt."""
        return self._command == "serve" and self._dirty and self.config.search != "material"

    def on_config(self, config):
        if self.incremental and self._last is not None:
            self._collector.pause(whole=True)  # resumed in on_post_build or on_build_error
        self.site = self._site_config(config)
        self.engines.cache = bool(self.config.cache)
        theme = config.theme
        if theme.name == "material" and str(THEME_DIR) not in theme.dirs:
            # After the site's own custom_dir, before the theme: partials that keep the
            # built site from contacting other hosts (see theme/partials/).
            custom = getattr(theme, "custom_dir", None)
            theme.dirs.insert(1 if custom else 0, str(THEME_DIR))
        for name in ASSET_CSS:
            if name not in config.extra_css:
                config.extra_css.append(name)
        for name in ASSET_JS:
            if name not in [str(x) for x in config.extra_javascript]:
                config.extra_javascript.append(name)
        if self.config.search == "pagefind":
            self._use_pagefind(config)
        return config

    def _use_pagefind(self, config) -> None:
        """Check Pagefind is there, switch Material's lunr index off and add our search script."""
        try:
            pagefind_executable()
        except SearchError as exc:
            raise PluginError(f"mkdocs.yml: plugins.conceptwiki: {exc}") from None
        for name, plugin in config.plugins.items():
            if type(plugin).__module__.startswith("material.plugins.search") and plugin.config.enabled:
                plugin.config.enabled = False
                log.debug(f"plugin {name!r}: its lunr index is not built; conceptwiki searches with Pagefind")
        if SEARCH_JS not in [str(x) for x in config.extra_javascript]:
            config.extra_javascript.append(SEARCH_JS)
        def icon(name: str) -> str:
            for folder in config.theme.dirs:
                path = Path(folder) / ".icons" / "material" / f"{name}.svg"
                if path.is_file():
                    return path.read_text(encoding="utf-8").strip()
            return ""

        self._search_icons = (icon("magnify"), icon("arrow-left"))

    def on_pre_build(self, *, config) -> None:
        """``build --strict``: check before MkDocs empties site/, which then keeps the last build."""
        self._loaded = None
        if self._hot is not None:
            self._hot.begin(config)
        if config.strict and self._command == "build":
            loaded = self._loaded = load_project(self.root, self.site)
            failing = [p for p in loaded.wiki.problems if p.is_error or p.fails_strict]
            if failing:
                self._log_problems(loaded)
                raise PluginError(f"Aborted with {len(failing)} content problem(s) in strict mode "
                                  "(listed above with their file and line); fix them and build "
                                  f"again ({config.site_dir} is as it was)")

    def _log_problems(self, loaded) -> Wiki:
        self.wiki = wiki = loaded.wiki
        for note in loaded.notes:
            self._log_note(note)
        for problem in sorted(wiki.problems):
            # informational problems (INFO_CODES) are not for --strict
            level = log.error if problem.is_error else log.warning if problem.fails_strict else log.info
            level(str(problem))
        return wiki

    def _generate(self, files: Files, config, *, hot: bool = False):
        """Load the project and make the generated pages that changed (all of them in a build,
        those whose key changed in a serve rebuild) and the data files. ``files`` gives the
        hand-written pages. A hot rebuild (``hot.py``) gets None when it cannot be one: the
        global key or the set of generated pages changed (nothing is logged or started then)."""
        t0 = time.perf_counter()
        loaded, self._loaded = self._loaded or load_project(self.root, self.site), None
        t1 = time.perf_counter()
        self.wiki = self._log_problems(loaded)
        try:
            builder = site_builder(loaded, self.site, self._scan_docs(files, config, loaded.anchors),
                                   engine=self.engines.engine(self.site, self.root))
        except UnknownLocaleError as exc:
            raise PluginError(f"mkdocs.yml: plugins.conceptwiki.locales: {exc}") from None
        except UnknownStyleError as exc:
            raise PluginError(f"mkdocs.yml: plugins.conceptwiki.styles: {exc}") from None
        self.builder = builder
        failing = [p for p in [*self.wiki.problems, *self._doc_problems] if p.is_error or p.fails_strict]
        if failing and config.strict and self._command == "build":
            # `mkdocs build --strict` would fail at the end anyway: stop before rendering, so
            # that a contributor's mistake is reported in seconds (a project with hostile
            # BibTeX took 26 s to fail after rendering every page, `check` 1.7 s).
            raise PluginError(f"Aborted with {len(failing)} content problem(s) in strict mode "
                              "(listed above with their file and line); fix them and build again")
        t2 = time.perf_counter()
        plan = builder.page_plan()
        last, state = self._last, None
        keys: dict[str, str] = {}
        if self.incremental:
            state = _Incremental()
            state.site_dir = str(config.site_dir)
            state.global_key = self._global_key(builder, files, config)
            keys = page_keys(builder, [src for src, _make in plan if src is not None], site_key=state.global_key)
            if hot and (last is None or last.global_key != state.global_key):
                return None  # configuration, templates, code or navigation changed
            if last is not None and last.global_key != state.global_key:
                log.debug("conceptwiki: a full rebuild (the configuration, templates, styles, "
                          "code or navigation changed)")
                last = None  # config, templates, styles, code or navigation changed: all anew
        pages: list[Any] = []
        fresh: list[Page] = []
        for src, make in plan:
            kept = last.pages.get(src) if last is not None and src is not None else None
            # Pages in the navigation are always made: MkDocs reads their titles for every page
            # (not in a hot rebuild, which keeps MkDocs' page objects and the navigation).
            if (kept is not None and last is not None and src is not None and (hot or not kept.in_nav)
                    and keys.get(src) == last.keys.get(src)):
                pages.append(kept)
                continue
            made = make()
            pages.extend(made)
            fresh.extend(made)
        if hot and (last is None or set(last.pages) != {page.src_uri for page in pages}):
            return None  # an entry, tag, source or instrument page is added or removed
        if hot and last is not None:
            # A Markdown page made again with the same text is the same page: MkDocs' page
            # object (kept, with the navigation) needs no new conversion (the graph page's
            # took 0.27 s of every rebuild at 1,000 entries). Not so in MkDocs' own --dirty
            # build, which makes the navigation's page objects anew.
            same = {page.src_uri for page in fresh if not page.is_html
                    and (kept := last.pages.get(page.src_uri)) is not None and kept.content == page.markdown}
            if same:
                pages = [last.pages[page.src_uri] if page.src_uri in same else page for page in pages]
                fresh = [page for page in fresh if page.src_uri not in same]
        for page in fresh:
            for warning in page.warnings:
                log.warning(warning)
        if last is not None:
            log.info(f"Rebuilt {len(fresh)} of {len(pages)} generated pages (the others' inputs are unchanged)")
        # From here on, worker processes render the concept pages while this process makes
        # the citation exports and MkDocs does its own work.
        self._start_renderer(fresh, few=last is not None)
        if state is not None:
            builder.brief.pack_keys = {slug: f"{state.global_key} {keys[concept_src(slug)]}"
                                       for slug in builder.entries if concept_src(slug) in keys}
            builder.brief.data_key = state.global_key
        exports = data_files(builder)
        t3 = time.perf_counter()
        self.generated = {page.src_uri for page in pages}
        self.html_pages = {page.src_uri: page for page in fresh if page.is_html}
        self.rebuilt = {page.src_uri for page in fresh}
        self.timings = {"load": t1 - t0, "links": t2 - t1, "render": t3 - t2, "files": 0.0,
                        "pages": 0.0, "post_page": 0.0, "search": 0.0}
        return pages, fresh, keys, state, last, exports, t3

    def on_files(self, files: Files, *, config) -> Files:
        made = self._generate(files, config)
        assert made is not None  # only a hot rebuild gives up
        # The hand-written pages, listed before the 7,800 generated files (at 5,000 entries)
        # join them: listing every documentation page again took 0.1-0.3 s.
        return self._attach(files, files.documentation_pages(), config, made)

    def _attach(self, files: Files, handwritten: Sequence[File], config, made, *, hot: bool = False) -> Files:
        """Give MkDocs the generated pages and data files. A hot rebuild (``hot.py``) passes
        the last build's files: the records of the pages and data files that changed get their
        new content in place and keep their page objects, which the navigation holds."""
        pages, fresh, keys, state, last, exports, t3 = made
        is_fresh = self.rebuilt
        new_files: list[File] = []
        reuse = last.page_files if (last is not None and state is not None
                                    and last.site_dir == state.site_dir) else None
        for page in pages:
            existing = None if hot else files.get_file_from_path(page.src_uri)
            if existing is not None:
                log.warning(f"docs/{page.src_uri} is replaced by the page conceptwiki generates; "
                            "remove or rename it")
                files.remove(existing)
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            # A pre-rendered page gives MkDocs only its front matter; its HTML is put in
            # when the page is written (on_page_context) and dropped once it is written.
            file = None
            if isinstance(page, _Kept):
                content = page.content
                # The same page as last time: its MkDocs record too, while the settings and
                # the site folder are the same (made anew, 7,800 records took 0.4-1.5 s of a
                # rebuild at 5,000 entries). MkDocs makes its page object anew (``page`` unset).
                if reuse is not None and (file := reuse.get(page.src_uri)) is not None:
                    if not hot:
                        file.page = None
                    file.inclusion = inclusion
            else:
                content = page.front_matter() if page.is_html else page.markdown
                if hot and reuse is not None and (file := reuse.get(page.src_uri)) is not None:
                    file.content_string = content  # MkDocs reads it again (hot.py)
            if file is None:
                file = File.generated(config, page.src_uri, content=content, inclusion=inclusion)
            if state is not None:
                state.pages[page.src_uri] = _Kept(page.src_uri, content, page.in_nav, page.is_html)
                state.page_files[page.src_uri] = file
                if page.src_uri in keys:
                    state.keys[page.src_uri] = keys[page.src_uri]
                # (a new record of a pre-rendered page answers True itself)
                file.is_modified = _modified if page.src_uri in is_fresh else _unmodified  # type: ignore[method-assign]
            if not hot:
                files.append(file)
            new_files.append(file)
        data = dict(exports)
        self.preview = None
        if self._command == "serve":  # never in `mkdocs build`, which fails on these instead
            assert self.wiki is not None
            self.preview = PreviewProblems([*self.wiki.problems, *self._doc_problems], self.root,
                                           self.site.concepts_dir, self.generated,
                                           config.use_directory_urls)
            data.update(self.preview.pages())
        same_site = self._last is not None and state is not None and self._last.site_dir == state.site_dir
        for path, content in data.items():
            kept_file = None
            if state is not None:
                # A data file is compared by its content: exact, and cheap next to writing it
                # (mostly the very same string, kept by the builder's memo for unchanged pages).
                state.data[path] = content
                before = self._last.data.get(path) if same_site and self._last is not None else None
                if before is not None and (before is content or before == content):
                    # The same file as last time: its MkDocs record too, while the settings
                    # are the same (making 9,700 records took 0.5 s of a rebuild at 1,000).
                    kept_file = self._last.files.get(path) if last is not None and self._last is not None else None
            if kept_file is not None:
                file = kept_file
            elif hot and self._last is not None and (file := self._last.files.get(path)) is not None:
                file.content_string = content  # hot.py writes it
            else:
                file = (File.generated(config, path, content=content) if path in exports
                        else File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
            if state is not None:
                state.files[path] = file
                unchanged = same_site and self._last is not None and (
                    kept_file is not None or self._last.data.get(path) == content)
                file.is_modified = _unmodified if unchanged else _modified  # type: ignore[method-assign]
            if not hot or (self._last is not None and path not in self._last.files):
                files.append(file)
            new_files.append(file)
        if hot and self._last is not None:
            for path in self._last.files.keys() - data.keys():
                files.remove(self._last.files[path])  # its file in site/ goes with the stale ones
        for name in ([] if hot else ASSET_CSS + ASSET_JS + [SEARCH_JS] + ASSET_ON_DEMAND):
            if files.get_file_from_path(name) is None:
                files.append(File.generated(config, name, abs_src_path=str(ASSETS_DIR / Path(name).name)))
        if self._dirty and not self.incremental:  # `search: material`: see `incremental`
            for file in files:
                file.is_modified = _modified  # type: ignore[method-assign]
        if state is not None:
            for file in handwritten:
                if file.src_uri not in self.generated and file.abs_src_path is not None:
                    # Hand-written pages show titles, summaries and counts of entries: always
                    # rebuilt (a handful), and MkDocs reads titles for the navigation from them.
                    file.is_modified = _modified  # type: ignore[method-assign]
            state.dests = {file.abs_dest_path for file in new_files}
            self._stale = (self._last.dests - state.dests) if (
                self._last is not None and self._last.site_dir == state.site_dir) else set()
        self._next = state
        self._kept_searchable = [] if state is None else [
            page.src_uri for page in pages if page.src_uri not in is_fresh and isinstance(page, _Kept)]
        self._files = files
        self.heads = self.builder.head_pages()
        # Index, tag and source pages only repeat the concepts' and instruments' titles,
        # summaries and references: search finds the concept and instrument pages themselves,
        # so these are left out of the Pagefind index.
        self._unsearched = {page.src_uri for page in pages} - set(self.heads)
        t4 = time.perf_counter()
        self.timings["files"] = t4 - t3
        return files

    def _save_cache(self) -> None:
        self.timings["cache"] = self.timings.get("cache", 0.0) + self.engines.save()

    def _workers(self) -> int | None:
        value = self.config.workers
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if value == "auto":
            return None
        raise PluginError(f"mkdocs.yml: plugins.conceptwiki.workers: {value!r} is neither 'auto' "
                          "nor a number of processes (0 or more)")

    def _start_renderer(self, pages, *, few: bool = False) -> None:
        """Concept pages are rendered by worker processes from here on (``parallel.py``).
        A serve rebuild that renders a few pages renders them here: starting workers costs
        more than it saves."""
        self._stop_renderer()
        workers = self._workers()
        if few and sum(1 for p in pages if p.is_html) <= FEW_PAGES:
            workers = 0
        self.renderer = start_renderer(pages, self.builder, self.engines, workers)

    def _global_key(self, builder, files: Files, config) -> str:
        """What every page shows besides the wiki (see ``incremental.global_key``): here
        ``mkdocs.yml``, the theme's folders (templates, overrides) and the navigation's pages."""
        try:
            yml = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
        except OSError:
            yml = b""
        docs = sorted(f.src_uri for f in files.documentation_pages())
        # In serve, every page carries the banner of the site's problems (render/problems.py),
        # with the lines around each: an edit next to a problem that leaves its line and
        # column as they were changes every page's banner too (it left 18 of 24 pages stale).
        shown = [*(self.wiki.problems if self.wiki else []), *self._doc_problems]
        problems = sorted(str(p) for p in shown)
        problems += [repr(view.frame) for view in problem_views([p for p in shown if p.fails_strict], self.root, {}, "")]
        # The installed theme's own folders do not change while the server runs (and hold
        # thousands of icons): only the site's overrides and this plugin's partials count.
        installed = _installed()
        themes = [d for d in config.theme.dirs
                  if not any(Path(d).resolve().is_relative_to(Path(p).resolve()) for p in installed)]
        # The build date (SOURCE_DATE_EPOCH or the last commit) is the date of the pages
        # without one of their own, in the page and in the sitemap.
        return global_key(builder, extra=[yml, tree_digest(themes), docs, problems,
                                          config.site_url, config.site_dir, self.site.build_date.isoformat()])

    def _stop_renderer(self) -> None:
        renderer, self.renderer = self.renderer, None
        if renderer is not None:
            stop_renderer(renderer, self.engines, self.timings, debug=log.debug)

    def on_build_error(self, *, error) -> None:
        self._collector.resume()
        self._stop_renderer()
        self._last = self._next = None  # what was written is not known: rebuild everything
        if self._hot is not None:
            self._hot.forget()
        if self._stream is not None:  # no Pagefind child outlives a failed build
            self._stream.abort()
            self._stream = None

    def on_shutdown(self) -> None:
        self._exact_dirty.detach()
        self._stop_renderer()
        self._collector.stop()
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()

    def _scan_docs(self, files: Files, config, anchors: AnchorIndex | None = None) -> list:
        """Read the hand-written pages once: their wikilinks' problems and backlinks."""
        assert self.wiki is not None  # loaded in on_files, before the docs are scanned
        scanned, self._doc_problems = scan_docs(files, config, self.root, self.wiki.index, anchors, log)
        return scanned

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        """Resolve wikilinks in hand-written pages (generated pages are resolved already).
        Problems were reported with their file positions in ``on_files``."""
        if page.file.src_uri in self.generated or self.wiki is None or (
                "[[" not in markdown and "conceptwiki:" not in markdown):
            return markdown
        result, _problems = self.builder.fix_doc_wikilinks(markdown, page.file.src_uri)
        return result

    def on_pre_page(self, page, *, config, files):
        """Pin the page's date: MkDocs sets ``update_date`` to the day of the build, and it
        becomes the sitemap's ``<lastmod>`` and the mtime in ``sitemap.xml.gz``. Use the
        entry's last-updated date, or for other pages the build date (from
        SOURCE_DATE_EPOCH or the last commit), so that a commit always builds the same bytes."""
        builder = getattr(self, "builder", None)
        if builder is None:
            return page
        src = page.file.src_uri
        slug = src[len("concepts/"):-len(".md")] if src.startswith("concepts/") else ""
        entry = builder.entries.get(slug) if concept_src(slug) == src else None
        day = builder.last_updated(entry) if entry is not None else self.site.build_date
        if day > _dt.date.today():  # an error of check; 2999 broke the sitemap's gzip mtime
            day = self.site.build_date
        page.update_date = day.isoformat()
        return page

    def on_env(self, env, *, config, files):
        """``mkdocs serve --dirty`` skips ``on_pre_page`` for the pages it does not rebuild,
        but the sitemap lists every page's date: set them all (the same dates as above)."""
        if self.incremental:
            for file in files.documentation_pages():
                if file.page is not None:
                    self.on_pre_page(file.page, config=config, files=files)
        if self._command == "serve" and env.bytecode_cache is None:
            # MkDocs makes a new theme environment on every rebuild, which compiles the
            # theme's templates again (0.25 s of a rebuild at 1,000 entries). Jinja checks a
            # cached template's source before using it, so an edited template is compiled anew.
            env.bytecode_cache = self._bytecode.setdefault(env_signature(env), MemoryBytecode())
        if self._hot is not None:
            self._hot.saw_env(env)
        return env

    def on_nav(self, nav, *, config, files):
        if self._hot is not None:
            self._hot.saw_nav(nav)
        return nav

    def on_page_content(self, html: str, *, page, config, files) -> str:
        if page.file.src_uri in self.html_pages:
            return ""  # rendered in on_page_context, just before the theme writes the page
        return html

    # Before other plugins' on_page_context (Material's lunr search indexes page.content there).
    @event_priority(50)
    def on_page_context(self, context, *, page, config, nav):
        generated = self.html_pages.get(page.file.src_uri)
        if generated is not None:
            t0 = time.perf_counter()
            body = self.renderer.body(generated) if self.renderer else generated.html_body()
            page.content = body.html
            page.toc = _toc(body)
            page.present_anchor_ids = set(_ID_RE.findall(body.html))
            for warning in body.warnings:
                log.warning(warning)
            self.timings["pages"] += time.perf_counter() - t0
        return context

    def on_post_page(self, output: str, *, page, config) -> str:
        t0 = time.perf_counter()
        src = page.file.src_uri
        entry = self.heads.get(src)
        if entry is not None and "</head>" in output:
            output = output.replace("</head>", self.builder.head_html(entry) + "</head>", 1)
        if self.config.search == "pagefind":
            depth = page.url.count("/") if config.use_directory_urls else page.file.dest_uri.count("/")
            output = mark_page(output, search_box("../" * depth + PAGEFIND_DIR + "/", *self._search_icons),
                               index=src not in self._unsearched)
            if stream_enabled() and (self._command != "serve" or self.config.serve_search):
                # Pagefind indexes this page on the other core while the next ones render.
                self._stream = self._stream or PagefindStream(Path(config.site_dir))
                self._stream.add(page.file.dest_uri, output)
        if self.preview is not None:
            banner = self.preview.banner(src, page.url)
            if banner:
                output = _BODY_RE.sub(lambda m: m.group(0) + banner, output, count=1)
        if src in self.html_pages:
            page.content = None  # written next; nothing later needs it
        self.timings["post_page"] += time.perf_counter() - t0
        return output

    def on_post_build(self, *, config) -> None:
        if self.config.search == "pagefind" and self._command == "serve" and not self.config.serve_search:
            if not getattr(self, "_serve_note", False):
                log.info("search: Pagefind does not index in `mkdocs serve` (it would delay every "
                         "rebuild); `mkdocs build` does, or set `serve_search: true`")
                self._serve_note = True
        elif self.config.search == "pagefind":
            t0 = time.perf_counter()
            if self._stream is not None and self._kept_searchable:
                index_kept(self._stream, Path(config.site_dir), self._files,
                           [s for s in self._kept_searchable if s not in self._unsearched])
            try:
                run = finish_search(self._stream, Path(config.site_dir), note=log.info)
            except SearchError as exc:
                raise PluginError(str(exc)) from None
            finally:
                self._stream = None
            self.timings["search"] += time.perf_counter() - t0
            log.debug(f"Pagefind ({run.indexer}): {run.files} files, {run.bytes} bytes in {run.seconds:.2f} s")
        self._stop_renderer()
        self._save_cache()
        if self.incremental:
            for path in sorted(self._stale):
                _remove(path, Path(config.site_dir))
            self._stale = set()
            self._last, self._next = self._next, None
            if self._hot is not None:
                self._hot.keep(config, self._files)
        self._collector.resume(serving=self.incremental)
        builder = getattr(self, "builder", None)
        if builder is not None and self.timings:
            t = self.timings
            # Citations rendered here and, for the concept pages, in the workers.
            t["citations"] = builder.citation_seconds + t.get("workers_citations", 0.0)
            t["max_rss_mib"] = max_rss_mib()
            t["total"] = sum(t.get(k, 0.0) for k in ("load", "links", "render", "files", "pages", "post_page",
                                                     "search", "cache"))
        target = os.environ.get("CONCEPTWIKI_TIMINGS")
        if target:
            Path(target).write_text(json.dumps(self.timings, indent=2, sort_keys=True), encoding="utf-8")

    def on_serve(self, server, *, config, builder):
        folders = [self.site.concepts_dir, self.site.bib_dir, self.site.instruments_dir]
        if self.site.templates_dir:
            folders.append(self.site.templates_dir)
        paths = [str(self.root / folder) for folder in folders if (self.root / folder).is_dir()]
        missing = [str(self.root / folder) for folder in folders if not (self.root / folder).is_dir()]
        if not self._watch_natively(server, paths, missing):
            for path in paths:
                server.watch(path)
        elif self._hot is not None and self._hot.wrap(server):
            log.debug("conceptwiki: edits of entries, sources and instruments rebuild the pages they reach")
        return server

    def _watch_natively(self, server, paths: list[str], missing: list[str]) -> bool:
        """The content folders are watched with file events (``serving.watch_natively``)."""
        self._observer = watch_natively(server, paths, log.debug, missing=missing,
                                        note=self._hot.note if self._hot is not None else None)
        return self._observer is not None

