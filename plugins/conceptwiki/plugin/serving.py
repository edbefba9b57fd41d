"""What ``mkdocs serve`` gets besides the build itself: compiled theme templates kept between
rebuilds, file events for the content folders, garbage collection between rebuilds, and the
state a ``--dirty`` rebuild keeps of the last one (:class:`ServeState`). Part of the adapter
(it reaches into MkDocs' live-reload server, guarded); nothing here renders anything.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.structure.files import File

__all__ = ["ExactDirtyBuilds", "IdleCollector", "KeptPage", "MemoryBytecode", "ServeState", "env_signature",
           "index_kept", "modified", "remove_stale", "unmodified", "watch_natively"]


class ExactDirtyBuilds(logging.Filter):
    """Drops MkDocs' warning that a ``--dirty`` build "will likely lead to inaccurate navigation
    and other links", which it logs on every rebuild of ``mkdocs serve --dirty``.

    With this plugin it is not true, and a warning on every save hides the contributor's own:
    the plugin re-renders every page whose inputs changed and marks hand-written pages as
    always modified, so the served site is the bytes of a clean build
    (``tests/test_serve_dirty.py`` compares them after every edit of a sequence). It is
    attached to MkDocs' build logger only while the plugin runs ``serve --dirty``
    (:meth:`attach`/:meth:`detach`), and drops that one message, nothing else."""

    LOGGER = "mkdocs.commands.build"
    MESSAGE = "A 'dirty' build is being performed"

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.WARNING and str(record.msg).startswith(self.MESSAGE))

    def attach(self) -> None:
        logging.getLogger(self.LOGGER).addFilter(self)

    def detach(self) -> None:
        logging.getLogger(self.LOGGER).removeFilter(self)


class MemoryBytecode(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory between the rebuilds of ``mkdocs serve``.

    MkDocs makes a new theme environment on every rebuild, which compiles the theme's
    templates again (0.25 s of a rebuild at 1,000 entries). Jinja checks a cached template's
    source before using it (the bucket's checksum), so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.kept.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


def env_signature(env: jinja2.Environment) -> tuple:
    """What changes how an environment compiles a template (a cache is kept per signature)."""
    return (tuple(sorted(env.extensions)), env.block_start_string, env.block_end_string,
            env.variable_start_string, env.variable_end_string, env.comment_start_string,
            env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            env.optimized, env.autoescape if isinstance(env.autoescape, bool) else None)


def watch_natively(server: Any, paths: list[str], debug: Callable[[str], None], *,
                   note: Callable[[str], None] | None = None, missing: Sequence[str] = ()) -> Any:
    """Watch ``paths`` with the system's file events (inotify on Linux) rather than MkDocs'
    polling, which looks every 0.5 s: a saved entry starts the rebuild within milliseconds
    instead of 0.25 s later on average (the edit-to-preview target is 1 s). A change asks the
    server for a rebuild exactly as MkDocs' own watcher does (``LiveReloadServer.watch``:
    ``_want_rebuild`` under ``_rebuild_cond``). Returns the running observer, or None where
    the server lacks those (another MkDocs version) or the system gives no file events
    (inotify limits, some network file systems): then the caller has MkDocs poll them.
    ``note`` is told the path of every changed file, before the rebuild is asked for.
    ``missing`` are content folders that do not exist yet: their parent is watched (not
    recursively), and when one is made (a contributor's first instrument), it is watched too
    and a rebuild is asked for."""
    cond: Any = getattr(server, "_rebuild_cond", None)
    if cond is None or not hasattr(server, "_want_rebuild") or not paths:
        return None
    try:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        class Rebuild(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                # Reading a file is no change (watchdog 4+ reports opens and closes too).
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return
                ask(event.src_path, getattr(event, "dest_path", ""))

        def ask(*paths: Any) -> None:
            if note is not None:  # which files changed (``hot.py``)
                for path in paths:
                    if path:
                        note(os.fsdecode(path))
            with cond:
                server._want_rebuild = True
                cond.notify_all()

        observer = Observer()
        handler = Rebuild()
        for path in paths:
            observer.schedule(handler, path, recursive=True)
        waiting = {os.path.abspath(m) for m in missing}
        lock = threading.Lock()

        class Appear(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if not event.is_directory or event.event_type not in ("created", "moved"):
                    return
                path = os.path.abspath(os.fsdecode(event.dest_path if event.event_type == "moved"
                                                   else event.src_path))
                with lock:
                    if path not in waiting or not os.path.isdir(path):
                        return
                    waiting.discard(path)
                observer.schedule(handler, path, recursive=True)  # before the rebuild reads it
                ask(path)

        for parent in sorted({os.path.dirname(m) for m in waiting}):
            if os.path.isdir(parent):
                observer.schedule(Appear(), parent, recursive=False)
        observer.daemon = True
        observer.start()
    except Exception as exc:  # noqa: BLE001 -- any failure: MkDocs polls instead
        debug(f"conceptwiki: file events unavailable ({exc}); the content folders are polled")
        return None
    return observer


class IdleCollector:
    """Python's cyclic garbage collector, moved out of ``mkdocs serve``'s rebuilds.

    What a server keeps between rebuilds (the last build's pages and keys, the memos of
    unchanged entries and sources) makes the heap large, and a full collection walks all of
    it: at 5,000 entries one took 1.5 s of every rebuild (``gc.callbacks``, generation 2).
    During a rebuild after the first the collector is paused (:meth:`pause`; reference
    counting still frees almost everything at once); once the server has been idle for
    ``delay`` seconds after it (the reloaded page has been served), the collector runs again
    and one full collection frees what the rebuild left in cycles (:meth:`resume`). A rebuild that starts
    first cancels it, so the collection never lands inside a rebuild. The first build is not
    paused: its garbage in cycles would pile up for minutes at 5,000 entries."""

    def __init__(self, delay: float = 2.0) -> None:
        self.delay = delay
        self.paused = False
        #: Whether what the server holds is frozen (``gc.freeze``; see :meth:`_collect`).
        self.frozen = False
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def pause(self, *, whole: bool = False) -> None:
        """A rebuild starts. ``whole``: MkDocs' own build, which makes every page and file
        object anew: what was frozen goes back to the collector, which frees whatever of it
        the new build no longer holds (see :meth:`_collect`)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if whole and self.frozen:
                gc.unfreeze()
                self.frozen = False
            if gc.isenabled():
                gc.disable()
                self.paused = True

    def resume(self, *, serving: bool = False) -> None:
        """A rebuild ended: the collector runs again once the server has been idle ``delay``
        seconds. Not at once: re-enabled, it would collect the young generation at the next
        allocation, which then holds everything the rebuild made (0.25 s at 1,000 entries,
        profiled), before the browsers are told to reload. ``serving``: the server's first
        build too, which is not paused, so that what it made is frozen once idle."""
        with self._lock:
            if not self.paused and (not serving or self.frozen):
                return
            if self._timer is not None:
                self._timer.cancel()
            timer = self._timer = threading.Timer(self.delay, lambda: self._collect(timer))
            timer.daemon = True
            timer.start()

    def _collect(self, timer: threading.Timer | None) -> None:
        """One full collection, then ``gc.freeze()``: what survives it (the server's state:
        the last build's pages, keys and memos, 1.4 million objects at 5,000 entries) is left
        out of every later collection, which then walks only what rebuilds made since. A
        full collection took 1.3-1.4 s at 5,000 entries, and a save that landed in it started
        its rebuild 0.75 s late (the watcher's thread waits for it); frozen, 0.16-0.41 s, with
        the peak memory the same over five rebuilds (1,285-1,299 MiB, in process). Objects
        frozen are still freed when nothing refers to them; only reference cycles among them
        are kept, until MkDocs' own build (:meth:`pause` with ``whole``) unfreezes them."""
        with self._lock:
            if self._timer is not timer or timer is None:
                return
            self._timer = None
            if self.paused:
                self.paused = False
                gc.enable()
        gc.collect()
        with self._lock:
            if self._timer is None and not self.paused and not self.frozen and gc.isenabled():
                gc.freeze()
                self.frozen = True

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self.frozen:
                gc.unfreeze()
                self.frozen = False
            if self.paused:
                self.paused = False
                gc.enable()


def index_kept(stream: Any, site: Path, files: Any, srcs: list[str]) -> None:
    """Pagefind indexes the pages a serve rebuild kept from the last one (``srcs``), as
    written then: its index cannot be updated in place, every page goes in again."""
    for src in srcs:
        file = files.get_file_from_path(src) if files is not None else None
        if file is None:
            continue
        try:
            html_text = (site / file.dest_uri).read_text(encoding="utf-8")
        except OSError:
            continue
        stream.add(file.dest_uri, html_text)


def remove_stale(path: str, site: Path) -> None:
    """Delete a file an earlier serve build wrote and this one no longer makes, and the
    folders it leaves empty (a clean build would not have them)."""
    try:
        os.remove(path)
    except OSError:
        return
    folder = Path(path).parent
    while folder != site and site in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def unmodified() -> bool:
    return False


def modified() -> bool:
    return True


class KeptPage:
    """A generated page of the last build that is unchanged (``mkdocs serve --dirty``): what
    its MkDocs file needs, without the renderer (which holds the last build's state)."""

    __slots__ = ("src_uri", "content", "in_nav", "is_html")

    def __init__(self, src_uri: str, content: str, in_nav: bool, is_html: bool) -> None:
        self.src_uri = src_uri
        self.content = content
        self.in_nav = in_nav
        self.is_html = is_html


class ServeState:
    """What ``mkdocs serve --dirty`` keeps of the last build (:mod:`conceptwiki.pipeline.incremental`):
    the global key, every generated page's key and MkDocs content, the digest of every data
    file, and the files written (to delete those a rebuild no longer makes)."""

    def __init__(self) -> None:
        self.global_key: str | None = None
        self.keys: dict[str, str] = {}
        self.pages: dict[str, KeptPage] = {}
        self.data: dict[str, str] = {}
        self.files: dict[str, File] = {}
        #: src_uri -> the MkDocs file of each generated page (made from ``pages[src_uri].content``).
        self.page_files: dict[str, File] = {}
        self.dests: set[str] = set()
        self.site_dir = ""
