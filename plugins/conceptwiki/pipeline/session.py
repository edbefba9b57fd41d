"""What a build keeps between the builds of one process, and the worker processes of one build.

``mkdocs serve`` rebuilds in the same process, so the citation engine and what it has rendered
are kept (:class:`CitationEngines`): a rebuild renders only citations it has not seen. A new
engine is made when the styles or a style file change. With the on-disk cache
(:class:`~conceptwiki.citations.cache.DiskCache`) a fresh process starts from the last build's
renderings. :func:`start_renderer` starts the worker processes that render concept pages while
the caller does the rest, and :func:`stop_renderer` collects what they rendered for the cache.
The MkDocs adapter uses these; nothing here imports MkDocs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..citations.cache import DiskCache
from ..citations.engine import CitationEngine, UnknownStyleError
from ..config import SiteConfig
from ..render.pages import Page
from ..render.site import SiteBuilder
from .parallel import PageRenderer

__all__ = ["CitationEngines", "start_renderer", "stop_renderer", "max_rss_mib"]


def max_rss_mib() -> float:
    """This process's peak resident memory (for the benchmark's timings file)."""
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    except (ImportError, OSError):
        return 0.0


class CitationEngines:
    """The citation engine of each build, reused while the styles and style files are the same."""

    def __init__(self, *, cache: bool, note: Callable[[str], None] = lambda m: None,
                 debug: Callable[[str], None] = lambda m: None) -> None:
        self.cache = cache
        self.note = note
        self.debug = debug
        self._engine: tuple[tuple[Any, ...], CitationEngine] | None = None
        self.disk: DiskCache | None = None

    @property
    def current(self) -> CitationEngine | None:
        return self._engine[1] if self._engine is not None else None

    def engine(self, site: SiteConfig, root: Path) -> CitationEngine:
        """The engine for ``site``'s styles: the last one if nothing changed, else a new one
        (loaded from the disk cache if it is on). Raises :class:`UnknownStyleError` or
        :class:`~conceptwiki.citations.engine.UnknownLocaleError`."""
        styles = list(dict.fromkeys([*site.styles, site.default_style]))

        def key(engine: CitationEngine) -> tuple[Any, ...]:
            stamps: list[int | None] = []
            for style in styles:
                try:
                    stamps.append(engine.style_path(style).stat().st_mtime_ns)
                except (OSError, UnknownStyleError):
                    stamps.append(None)
            return (*settings, tuple(stamps))

        # the locales too: a changed ``locales`` or ``theme.language`` renders anew
        settings = (tuple(styles), str(root), tuple(sorted(site.locales.items())), site.language)
        if self._engine is not None:
            old_key, engine = self._engine
            if old_key[:4] == settings and old_key == key(engine):
                return engine
        engine = CitationEngine(styles, base_dir=root, locales=site.locales, language=site.language)
        self._engine = (key(engine), engine)
        self.disk = None
        if self.cache:
            t0 = time.perf_counter()
            try:
                self.disk = DiskCache(engine, note=self.note)
                loaded = self.disk.load()
            except OSError as exc:
                self.note(f"citation cache not used: {exc}")
                self.disk = None
            else:
                self.debug(f"{loaded} rendered citations from {self.disk.path} "
                           f"({time.perf_counter() - t0:.2f} s)")
        return engine

    def save(self) -> float:
        """Write the disk cache (if on); the seconds it took."""
        if self.disk is None or self._engine is None or self.disk.engine is not self._engine[1]:
            return 0.0
        t0 = time.perf_counter()
        try:
            self.disk.save()
        except OSError as exc:
            self.note(f"citation cache not written: {exc}")
        return time.perf_counter() - t0

    def preload(self, entries: object) -> None:
        """Renderings that worker processes made, for the cache."""
        if isinstance(entries, dict) and self._engine is not None:
            self._engine[1].preload(entries)


def start_renderer(pages: Sequence[Page], builder: SiteBuilder, engines: CitationEngines,
                   workers: int | None) -> PageRenderer:
    """Worker processes render the pre-rendered pages of ``pages`` from here on."""
    engine = builder.citer.engine
    # (Only where workers render: the copy of 10,000 renderings took 0.06 s of every serve
    # rebuild at 5,000 entries, which renders its few pages here.)
    known = set(engine.cache_entries()) if engines.disk is not None and workers != 0 else None
    # Workers hand back what they rendered that this process has not (for the cache).
    collect = (lambda: {k: v for k, v in engine.cache_entries().items() if k not in known}) \
        if known is not None else None
    return PageRenderer([p for p in pages if p.is_html], workers=workers,
                        stats=lambda: {"citations": builder.citation_seconds, "max_rss_mib": max_rss_mib()},
                        collect=collect)


def stop_renderer(renderer: PageRenderer, engines: CitationEngines, timings: dict[str, float],
                  debug: Callable[[str], None] = lambda m: None) -> None:
    """Wait for the workers, record their timings and keep what they rendered."""
    timings["pages_wait"] = renderer.wait_seconds
    timings["pages_local"] = renderer.local_seconds
    renderer.close()  # the workers have finished: their reports are in
    stats = renderer.worker_stats()
    timings["workers_cpu"] = stats.get("cpu", 0.0)
    timings["workers_citations"] = stats.get("citations", 0.0)
    timings["workers_max_rss_mib"] = stats.get("max_rss_mib", 0.0)
    for entries in renderer.collected():
        engines.preload(entries)
    if renderer.fallbacks:
        debug(f"{renderer.fallbacks} concept pages were rendered in the MkDocs process")
