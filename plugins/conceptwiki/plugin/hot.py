"""Hot rebuilds in ``mkdocs serve --dirty``: a saved entry, source or instrument re-renders
the pages it changed, without MkDocs' whole-site build around them.

A ``--dirty`` rebuild of MkDocs re-reads the configuration, lists every file of the theme
(10,000 icons of Material), makes a page object and a navigation entry for every page (7,800
at 5,000 entries) and renders the sitemap, before and after the few pages that changed: at
1,000 entries that alone took 1.0 s of every rebuild, the whole 1 s the issue allows from the
save to the page (``bench/serve.py``'s floor is exactly that build, of a plain site). When only
the content folders changed, none of it can change either: the configuration, the theme, the
hand-written pages and the set of generated pages are the same, so the navigation is too.

:class:`HotRebuilds` wraps the server's ``builder``. It is handed the paths the plugin's file
watcher saw change (:meth:`note`); when every one is in the content folders, the world around
them is as the last full build left it (:func:`world_signature`: ``mkdocs.yml``, the docs
folder, the theme's overrides, the ``watch`` list) and no other plugin is enabled (their
whole-site events would not run), it runs what ``mkdocs build`` runs for the changed pages
only, on the last build's configuration, files, navigation and theme environment:
``_generate``/``_attach`` of the plugin (the same code as ``on_files``), then MkDocs' own
``_populate_page`` and ``_build_page`` for each page whose record is modified, the static
templates (sitemap, 404), the changed data files, and ``on_post_build``. Anything else -- or
a change that moves the global key or the set of generated pages -- is left to MkDocs' full
``--dirty`` build, exactly as before. ``tests/test_serve_dirty.py`` runs the issue's edit
sequence both ways and compares the served site with a clean build after every edit.

Private MkDocs functions are used (``mkdocs.commands.build._populate_page``, ``_build_page``,
``_build_theme_template``, ``_build_extra_template``): MkDocs 1.6 and ProperDocs have them; where
they are missing (another MkDocs), :func:`available` is false and every rebuild is MkDocs'.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.structure.files import Files, InclusionLevel

try:
    from mkdocs.commands import build as _mkbuild
except ImportError:  # pragma: no cover -- another MkDocs
    _mkbuild = None  # type: ignore[assignment]

__all__ = ["HotRebuilds", "available", "world_signature"]

_NEEDED = ("_populate_page", "_build_page", "_build_theme_template", "_build_extra_template")


def available() -> bool:
    """Whether this MkDocs has the page-level build functions a hot rebuild calls."""
    return _mkbuild is not None and all(callable(getattr(_mkbuild, name, None)) for name in _NEEDED)


def _tree_stat(path: str, out: list) -> None:
    if os.path.isfile(path):
        st = os.stat(path)
        out.append((path, st.st_mtime_ns, st.st_size))
        return
    for folder, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            full = os.path.join(folder, name)
            try:
                st = os.stat(full)
            except OSError:
                continue
            out.append((full, st.st_mtime_ns, st.st_size))


def world_signature(config: Any, installed: list[str]) -> str:
    """What a hot rebuild assumes unchanged since the last full build: ``mkdocs.yml``'s bytes,
    and the names, sizes and times of the files in the docs folder, the theme's folders other
    than the installed theme's own (the site's overrides, this plugin's partials) and the
    ``watch`` list."""
    h = hashlib.sha256()
    try:
        h.update(Path(config.config_file_path).read_bytes() if config.config_file_path else b"")
    except OSError:
        h.update(b"\0missing")
    stats: list = []
    roots = [str(config.docs_dir), *[str(d) for d in config.theme.dirs
                                     if not any(Path(d).resolve().is_relative_to(Path(p).resolve())
                                                for p in installed)],
             *[str(w) for w in (config.watch or [])]]
    for root in roots:
        if os.path.exists(root):
            _tree_stat(root, stats)
    h.update(repr(stats).encode("utf-8"))
    return h.hexdigest()


class _Held(logging.Filter):
    """Holds the plugin's log records while a hot rebuild decides whether it can be one (so a
    full build after it does not log the same problems twice)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.records.append(record)
        return False


class HotRebuilds:
    """The hot path of ``mkdocs serve --dirty`` for one plugin instance (see the module)."""

    def __init__(self, plugin: Any, logger: Any, installed: list[str]) -> None:
        self.plugin = plugin
        self.log = logger
        self.installed = installed
        self._lock = threading.Lock()
        self._changes: set[str] = set()
        #: The last full build's MkDocs objects: (config, files, nav, env, world signature).
        self.kept: tuple | None = None
        self._nav: Any = None
        self._env: Any = None
        self._world: str | None = None
        #: Every page's date when the static templates were last made (see ``_rebuild``).
        self._dates: list | None = None
        #: Hot rebuilds done (tests read it).
        self.done = 0

    # -- what the watcher saw ------------------------------------------------------------
    def note(self, path: str) -> None:
        with self._lock:
            self._changes.add(os.path.abspath(path))

    def take(self) -> set[str]:
        with self._lock:
            changes, self._changes = self._changes, set()
        return changes

    # -- what the last full build left -----------------------------------------------------
    def saw_nav(self, nav: Any) -> None:
        self._nav = nav

    def saw_env(self, env: Any) -> None:
        self._env = env

    def begin(self, config: Any) -> None:
        """Before a full build reads anything: the world it will see."""
        self._world = world_signature(config, self.installed)

    def keep(self, config: Any, files: Files | None) -> None:
        """After a build: its objects are what the next hot rebuild works on."""
        if files is None or self._nav is None or self._env is None or self._world is None:
            self.kept = None
            return
        self.kept = (config, files, self._nav, self._env, self._world)
        self._dates = [(f.src_uri, getattr(f.page, "update_date", None))
                       for f in files.documentation_pages(inclusion=InclusionLevel.is_in_serve)]

    def forget(self) -> None:
        self.kept = None
        self._nav = self._env = self._world = self._dates = None

    # -- the server's builder ---------------------------------------------------------------
    def wrap(self, server: Any) -> bool:
        """Route the server's rebuilds through :meth:`rebuild` (falls back to its builder)."""
        original: Callable[..., None] | None = getattr(server, "builder", None)
        if original is None or not available():
            return False

        def builder(config: Any = None) -> None:
            changes = self.take()
            if config is None and self.rebuild(changes):
                return
            original(config) if config is not None else original()

        server.builder = builder
        return True

    def eligible(self, changes: set[str]) -> bool:
        plugin = self.plugin
        if not changes or self.kept is None or plugin._last is None or not plugin.incremental:
            return False
        folders = [os.path.abspath(plugin.root / f) for f in
                   (plugin.site.concepts_dir, plugin.site.bib_dir, plugin.site.instruments_dir) if f]
        if not all(any(path == f or path.startswith(f + os.sep) for f in folders) for path in changes):
            return False  # templates, docs, mkdocs.yml, or anything else: MkDocs' build
        config = self.kept[0]
        for other in config.plugins.values():
            if other is plugin:
                continue
            if getattr(getattr(other, "config", None), "enabled", True) is not False:
                return False  # its on_files/on_nav/on_post_build would not run
        return world_signature(config, self.installed) == self.kept[4]

    def rebuild(self, changes: set[str]) -> bool:
        """One hot rebuild; False (nothing written) when it must be MkDocs' full build."""
        if not self.eligible(changes):
            return False
        start = time.monotonic()
        plugin = self.plugin
        logger = self.log.logger if isinstance(self.log, logging.LoggerAdapter) else self.log
        held = _Held()
        logger.addFilter(held)
        try:
            done = self._rebuild(held, logger)
        except Exception as exc:  # noqa: BLE001 -- MkDocs' full build then does it all anew
            if held in logger.filters:
                logger.removeFilter(held)
            plugin.on_build_error(error=exc)
            self.forget()
            self.log.debug(f"conceptwiki: the quick rebuild stopped ({type(exc).__name__}: {exc}); "
                           "MkDocs builds the site")
            return False
        finally:
            if held in logger.filters:
                logger.removeFilter(held)
        if done:
            self.done += 1
            self.log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds "
                          "(only the pages the change reaches)")
        return done

    def _rebuild(self, held: _Held, logger: logging.Logger) -> bool:
        assert self.kept is not None and _mkbuild is not None
        plugin = self.plugin
        config, files, nav, env, _world = self.kept
        last = plugin._last
        assert last is not None
        plugin._collector.pause()
        plugin._loaded = None
        plugin.site = plugin._site_config(config)
        # The hand-written pages and MkDocs' own files: what ``on_files`` is given.
        base = Files([f for f in files if f.src_uri not in plugin.generated and f.src_uri not in last.files])
        made = plugin._generate(base, config, hot=True)
        if made is None:
            plugin._stop_renderer()
            plugin._collector.resume()
            return False
        logger.removeFilter(held)
        for record in held.records:
            logger.handle(record)
        handwritten = [f for f in base.documentation_pages() if f.abs_src_path is not None]
        plugin._attach(files, handwritten, config, made, hot=True)
        inclusion = InclusionLevel.is_in_serve
        doc_files = files.documentation_pages(inclusion=inclusion)
        todo = [f for f in doc_files if f.is_modified()]
        for file in todo:
            assert file.page is not None
            _mkbuild._populate_page(file.page, config, files, True)
        env = config.plugins.on_env(env, config=config, files=files)
        assert plugin._next is not None
        for file in plugin._next.files.values():  # the data files that changed
            if file.is_modified():
                file.copy_file(dirty=True)
        # The theme's static templates (the sitemap, 404.html) show the navigation, which is
        # the same, and every page's address and date: made again only when a date changed
        # (the sitemap of 5,000 entries lists 7,800 pages).
        dates = [(f.src_uri, getattr(f.page, "update_date", None)) for f in doc_files]
        if dates != self._dates:
            for template in config.theme.static_templates:
                _mkbuild._build_theme_template(template, env, files, config, nav)
            for template in config.extra_templates:
                _mkbuild._build_extra_template(template, files, config, nav)
            self._dates = dates
        for file in todo:
            _mkbuild._build_page(file.page, config, doc_files, nav, env, True,
                                 excluded=file.inclusion.is_excluded())
        for file in todo:
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)
        return True
