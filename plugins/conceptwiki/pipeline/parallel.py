"""Render pre-rendered pages in worker processes while the build goes on.

MkDocs writes pages one after another on one core. Concept pages are the plugin's largest
cost (citations, Markdown, concept maps), and none depends on another's output, so
:class:`PageRenderer` forks worker processes that render the pages' bodies in the order the
build will ask for them, while the calling process does everything else (the citation
exports, MkDocs' own work). Nothing is pickled on the way in: a forked worker inherits the
:class:`~conceptwiki.site.SiteBuilder` as it is. Each rendered body is written to a private
temporary folder and announced through a pipe; the caller reads it when the build gets to
that page, and deletes it. So the workers can run as far ahead as they like (while the
caller makes the citation exports, say) without finished pages filling memory.

The output is the same bytes as rendering in the calling process (``workers=0``), which is
also what happens where ``fork`` is not available (outside Linux) and when a worker fails.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import tempfile
import threading
import time
from typing import Callable, Sequence

from ..prerender import default_workers
from ..render.pages import HtmlBody, Page

__all__ = ["PageRenderer", "default_workers"]


def _work(pages: Sequence[Page], indices: Sequence[int], conn, spool: str, stats, collect) -> None:
    """A worker: render ``pages[i]`` for each ``i`` in order, write each body to the spool
    folder and say so through ``conn``; at the end send its CPU seconds, ``stats()`` and
    ``collect()``."""
    cpu = 0.0
    try:
        for i in indices:
            t0 = time.process_time()
            try:
                body = pages[i].html_body()
            except BaseException as exc:  # the caller renders it again and sees the error
                message: tuple[str, int, str | None] = ("error", i, f"{type(exc).__name__}: {exc}")
            else:
                path = os.path.join(spool, f"{i}.pickle")
                with open(path + ".part", "wb") as fh:
                    pickle.dump(body, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(path + ".part", path)
                message = ("ok", i, None)
            cpu += time.process_time() - t0
            conn.send(message)
        report = {"stats": {"cpu": cpu, **(stats() if stats is not None else {})},
                  "collected": collect() if collect is not None else None}
        conn.send(("done", -1, report))
    except (BrokenPipeError, EOFError, OSError, KeyboardInterrupt):
        pass  # the caller stopped listening (or the spool folder is gone): nothing left to do
    finally:
        conn.close()


class _Worker:
    def __init__(self, ctx, pages: Sequence[Page], indices: list[int], spool: str, stats, collect):
        self.indices = indices
        self.spool = spool
        receive, send = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_work, args=(pages, indices, send, spool, stats, collect),
                                   daemon=True, name="conceptwiki-pages")
        self.process.start()
        send.close()  # the worker holds the sending end
        self.conn = receive
        self.results: dict[int, str] = {}
        self.announced = 0
        self.finished = False
        self.stats: dict[str, float] = {}
        self.collected = None
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True, name="conceptwiki-pages-reader")

    def start_reading(self) -> None:
        self.reader.start()

    def _read(self) -> None:
        try:
            while True:
                kind, i, value = self.conn.recv()
                with self.lock:
                    if kind == "done":
                        self.stats = dict(value["stats"])
                        self.collected = value["collected"]
                    else:
                        self.results[i] = kind
                        self.announced += 1
                    self.lock.notify_all()
        except (EOFError, OSError, TypeError, ValueError):
            pass  # the worker ended (or the pipe was closed under the reader)
        finally:
            with self.lock:
                self.finished = True
                self.lock.notify_all()

    def take(self, i: int) -> HtmlBody | None:
        """The body of page ``i`` once the worker has written it, or None if it never will."""
        with self.lock:
            # Only the worker holds the pipe's other end: when it ends, however it ends
            # (killed, out of memory), the reader reads what it sent and then sees the end.
            while i not in self.results and not self.finished:
                self.lock.wait(1.0)
            kind = self.results.pop(i, None)
        if kind != "ok":
            return None
        path = os.path.join(self.spool, f"{i}.pickle")
        try:
            with open(path, "rb") as fh:
                body = pickle.load(fh)
            os.unlink(path)
        except (OSError, pickle.UnpicklingError, EOFError):
            return None
        return body if isinstance(body, HtmlBody) else None

    def stop(self) -> None:
        with self.lock:
            done = self.announced == len(self.indices)
        if done:  # its last message (CPU time, stats) is on its way
            self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        if self.reader.is_alive():
            self.reader.join(timeout=5)  # the pipe's writer is gone: the reader sees its end
        try:
            self.conn.close()
        except OSError:
            pass


class PageRenderer:
    """Bodies of pre-rendered pages, made by worker processes ahead of time.

    ``pages`` are in the order the build will ask for them (:meth:`body`); with
    ``workers=0`` every body is rendered when asked for, in the calling process. ``stats``
    is called in each worker when it has rendered its pages (:meth:`worker_stats`), and so
    is ``collect``, whose results :meth:`collected` gives (e.g. what the worker cached).
    Use as a context manager, or call :meth:`close`, so that no worker outlives the build.
    """

    def __init__(self, pages: Sequence[Page], *, workers: int | None = None,
                 stats: Callable[[], dict[str, float]] | None = None,
                 collect: Callable[[], object] | None = None):
        self.pages = [p for p in pages if p.is_html]
        self.position = {p.src_uri: i for i, p in enumerate(self.pages)}
        self.workers: list[_Worker] = []
        self.spool: str | None = None
        self._reports: list[dict[str, float]] = []
        self._collected: list[object] = []
        self.local_seconds = 0.0
        self.wait_seconds = 0.0
        self.fallbacks = 0
        n = default_workers() if workers is None else max(0, workers)
        n = min(n, len(self.pages))
        if n:
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self.spool = tempfile.mkdtemp(prefix="conceptwiki-pages-")
            for stream in (sys.stdout, sys.stderr):  # or a worker would write it out again
                try:
                    stream.flush()
                except (AttributeError, OSError, ValueError):
                    pass
            # Every worker is forked before any reader thread starts.
            for k in range(n):
                self.workers.append(_Worker(ctx, self.pages, list(range(k, len(self.pages), n)),
                                            self.spool, stats, collect))
            for w in self.workers:
                w.start_reading()

    def body(self, page: Page) -> HtmlBody:
        """``page.render()``, from a worker if one has it (waiting for it if need be)."""
        i = self.position.get(page.src_uri)
        if i is not None and self.workers:
            t0 = time.perf_counter()
            got = self.workers[i % len(self.workers)].take(i)
            self.wait_seconds += time.perf_counter() - t0
            if got is not None:
                return got
            self.fallbacks += 1
        t0 = time.perf_counter()
        try:
            return page.html_body()
        finally:
            self.local_seconds += time.perf_counter() - t0

    def worker_stats(self) -> dict[str, float]:
        """Summed over the workers that finished: ``cpu`` seconds and whatever ``stats()``
        returned in each (a worker stopped early reports nothing)."""
        out: dict[str, float] = {}
        for stats in [*self._reports, *(w.stats for w in self.workers)]:
            for k, v in stats.items():
                out[k] = out.get(k, 0.0) + float(v)
        return out

    def collected(self) -> list[object]:
        """What ``collect()`` returned in each worker that finished (after :meth:`close`)."""
        return list(self._collected)

    def close(self) -> None:
        for w in self.workers:
            w.stop()
            self._reports.append(w.stats)
            if w.collected is not None:
                self._collected.append(w.collected)
        self.workers = []
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self.spool = None

    def __enter__(self) -> "PageRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # a build that stopped half-way: no worker left behind
        try:
            self.close()
        except Exception:
            pass


def render_all(pages: Sequence[Page], write: Callable[[Page, HtmlBody], None], *,
               workers: int | None = None) -> None:
    """Render every pre-rendered page of ``pages`` (in order) and hand it to ``write``."""
    with PageRenderer(pages, workers=workers) as renderer:
        for page in renderer.pages:
            write(page, renderer.body(page))
