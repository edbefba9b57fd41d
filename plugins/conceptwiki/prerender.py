"""Run a build's independent renderings on every CPU before the pages ask for them.

A cold build renders every source in every style (source pages, references, the brief's
data: bibliography entries, notes, sort keys, year-suffix groups) in the MkDocs process,
one after another, while the other CPUs wait: the worker processes that render concept
pages (:mod:`conceptwiki.pipeline.parallel`) start only once every page is planned. At
2,000 concepts (1,000 sources, 4 styles) that was 94 s of a 296 s profiled build.

:func:`prerender` runs a list of jobs (each a call whose results the callers keep in their
caches: the citation engine's and the :class:`~conceptwiki.citations.cite.Citer`'s) in this
process and in forked processes, a share each; every forked process sends back what it added
to the caches, and this process takes it in (``preload``). The pages then find every
rendering in the caches. The renderings are pure functions of their keys (the on-disk
citation cache rests on the same fact), so the output is the same bytes as rendering them
where they are needed, with or without the forked processes; a process that fails or sends
nothing only leaves its share to be rendered later, where it is needed.

Nothing is forked where ``fork`` is not available (outside Linux), for ``workers=0``, or for
a handful of jobs. Nothing here imports MkDocs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol

__all__ = ["Cache", "default_workers", "prerender"]

#: Below this many jobs per process, forking costs more than it saves.
MIN_JOBS = 50


class Cache(Protocol):
    """A cache that jobs fill: what is in it, and taking in what another process made."""

    def cache_entries(self) -> dict[Any, Any]: ...

    def preload(self, entries: dict[Any, Any]) -> None: ...


def default_workers() -> int:
    """Worker processes for this machine: one fewer than the usable CPUs, at most 4 (the
    calling process keeps one CPU busy too), and none where ``fork`` cannot be used."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(0, min(cpus - 1, 4))


def _work(jobs: Sequence[Callable[[], object]], caches: Sequence[Cache], before: list[set[Any]],
          conn: Any) -> None:
    """A forked process: run ``jobs``, send what they added to ``caches``."""
    try:
        for job in jobs:
            try:
                job()
            except Exception:  # rendered again where it is needed, which reports the error
                pass
        conn.send([{k: v for k, v in cache.cache_entries().items() if k not in seen}
                   for cache, seen in zip(caches, before)])
    except (BrokenPipeError, EOFError, OSError, KeyboardInterrupt):
        pass
    finally:
        conn.close()


def prerender(jobs: Sequence[Callable[[], object]], caches: Sequence[Cache], *,
              workers: int | None = None) -> int:
    """Run ``jobs``, ``workers`` forked processes (None: :func:`default_workers`) taking a
    share each besides this one; take in what they added to ``caches``. Returns the number of
    processes forked. A job's exception is left for the caller to meet again."""
    n = default_workers() if workers is None else max(0, workers)
    n = min(n, len(jobs) // MIN_JOBS - 1)
    if n <= 0:
        for job in jobs:
            try:
                job()
            except Exception:
                pass
        return 0
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    before = [set(cache.cache_entries()) for cache in caches]
    for stream in (sys.stdout, sys.stderr):  # or a forked process would write it out again
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    forked = []
    for k in range(n):
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_work, args=(jobs[k + 1::n + 1], caches, before, send),
                              daemon=True, name="conceptwiki-prerender")
        process.start()
        send.close()
        forked.append((process, receive))
    for job in jobs[0::n + 1]:
        try:
            job()
        except Exception:
            pass
    for process, receive in forked:
        try:
            made = receive.recv()  # before join: a large message fills the pipe
        except (EOFError, OSError):
            made = None
        finally:
            receive.close()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
        if isinstance(made, list) and len(made) == len(caches):
            for cache, entries in zip(caches, made):
                if isinstance(entries, dict):
                    cache.preload(entries)
    return n
