"""Renderings made ahead in forked processes (``conceptwiki.prerender``) must be exactly those
made in the calling process: the caches end up with the same entries and values, whatever a
forked process does, and no process outlives the call."""

from __future__ import annotations

import datetime as _dt
import multiprocessing
import os
import sys
from pathlib import Path

import pytest

from conceptwiki.citations.cite import Citer
from conceptwiki.citations.engine import CitationEngine
from conceptwiki.model.loader import load_wiki
from conceptwiki.prerender import MIN_JOBS, prerender

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork (Linux)")

ROOT = Path(__file__).resolve().parent.parent
STYLES = ["apa", "oscola"]


class Counter:
    """A cache that records which process filled each entry."""

    def __init__(self) -> None:
        self.entries: dict[int, int] = {}

    def cache_entries(self) -> dict[int, int]:
        return dict(self.entries)

    def preload(self, entries: dict[int, int]) -> None:
        for k, v in entries.items():
            self.entries.setdefault(k, v)


def test_every_job_runs_once_and_the_forked_results_come_back():
    cache = Counter()
    jobs = [lambda n=n: cache.entries.setdefault(n, os.getpid()) for n in range(4 * MIN_JOBS)]
    forked = prerender(jobs, [cache], workers=2)
    assert forked == 2
    assert sorted(cache.entries) == list(range(4 * MIN_JOBS))
    pids = set(cache.entries.values())
    assert os.getpid() in pids and len(pids) == 3  # this process and the two forked ones
    assert multiprocessing.active_children() == []


def test_few_jobs_or_no_workers_run_here():
    for count, workers in ((MIN_JOBS, 2), (4 * MIN_JOBS, 0)):
        cache = Counter()
        assert prerender([lambda n=n, c=cache: c.entries.setdefault(n, os.getpid()) for n in range(count)],
                         [cache], workers=workers) == 0
        assert set(cache.entries.values()) == {os.getpid()} and len(cache.entries) == count


def test_a_failing_job_or_process_leaves_its_share_undone():
    cache = Counter()

    def job(n: int) -> None:
        if n == 8:
            raise ValueError("cannot render")
        if n % 2 and os.getpid() != parent:
            os._exit(3)  # a forked process that dies: its results never come
        cache.entries[n] = n

    parent = os.getpid()
    prerender([lambda n=n: job(n) for n in range(4 * MIN_JOBS)], [cache], workers=1)
    # This process took the even jobs (and 8 failed); the forked one died at its first.
    assert sorted(cache.entries) == [n for n in range(0, 4 * MIN_JOBS, 2) if n != 8]
    assert multiprocessing.active_children() == []


def test_citations_rendered_ahead_are_those_rendered_here():
    """The real engine and Citer: the same keys and values with and without forking."""
    sources = load_wiki(ROOT).sources
    items = [sources[k].csl() for k in sorted(sources)][:2 * MIN_JOBS]

    def run(workers: int) -> tuple[dict, dict]:
        engine = CitationEngine(STYLES, base_dir=ROOT)
        citer = Citer(engine, STYLES, display_date=_dt.date(2026, 1, 1))

        def job(item: dict) -> None:
            for style in STYLES:
                citer.render(item, style)
                engine.bibliography_sort_strings(item, style)

        assert prerender([lambda i=i: job(i) for i in items], [engine, citer], workers=workers) == workers
        # What SiteBuilder.prerender_sources asks before it renders anything.
        assert all(engine.has_entry(i, style, "html") for i in items for style in STYLES)
        return engine.cache_entries(), citer.cache_entries()

    here, ahead = run(0), run(1)
    assert here[0] == ahead[0] and here[1] == ahead[1]
