"""Worker processes render concept pages while the build goes on (``conceptwiki.pipeline.parallel``):
the bodies must be exactly what rendering in the calling process gives, in any order the
build asks for them, whatever happens to a worker, and no worker may outlive the build."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from pathlib import Path

import pytest

from helpers import SMALL_MKDOCS, mkdocs_build, site_files, small_project

from conceptwiki.pipeline.parallel import PageRenderer, default_workers
from conceptwiki.render.pages import Heading, HtmlBody, Page

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork (Linux)")


def body_of(n: int) -> HtmlBody:
    return HtmlBody(f"<h2 id=\"s{n}\">Section {n}</h2>\n" + "<p>é ü 𝔸 &amp;</p>\n" * (n % 7),
                    (Heading(2, f"s{n}", f"Section {n}"),), (f"w{n}",) if n % 5 == 0 else ())


def pages(count: int, fail: set[int] = frozenset()) -> list[Page]:
    def make(n: int):
        def render() -> HtmlBody:
            if n in fail:
                raise ValueError(f"page {n} cannot be rendered")
            return body_of(n)
        return render

    return [Page(f"concepts/p{n}.md", title=f"P{n}", render=make(n)) for n in range(count)]


def no_children_left() -> bool:
    return multiprocessing.active_children() == []


@pytest.mark.parametrize("workers", [0, 1, 2, 3])
def test_bodies_are_those_rendered_in_process(workers: int):
    ps = pages(40)
    with PageRenderer(ps, workers=workers) as r:
        got = [r.body(p) for p in ps]
        assert r.fallbacks == 0
    assert got == [body_of(n) for n in range(40)]
    assert no_children_left()


def test_pages_asked_for_out_of_order():
    ps = pages(30)
    order = list(reversed(range(30))) + [3, 17]
    with PageRenderer(ps, workers=2) as r:
        got = [r.body(ps[i]) for i in order]
        # The workers get to each page first time (the build waits); asked again, a page is
        # rendered here.
        assert r.fallbacks == 2
    assert got == [body_of(i) for i in order]
    assert no_children_left()


def test_a_page_that_fails_fails_as_it_would_in_process():
    ps = pages(10, fail={4})
    with PageRenderer(ps, workers=2) as r:
        assert [r.body(p) for p in ps[:4]] == [body_of(n) for n in range(4)]
        with pytest.raises(ValueError, match="page 4 cannot be rendered"):
            r.body(ps[4])
        assert [r.body(p) for p in ps[5:]] == [body_of(n) for n in range(5, 10)]
    assert no_children_left()


def test_a_worker_that_dies_is_replaced_by_rendering_here():
    ps = pages(200)
    with PageRenderer(ps, workers=1) as r:
        assert r.body(ps[0]) == body_of(0)
        os.kill(r.workers[0].process.pid, signal.SIGKILL)
        r.workers[0].process.join(5)
        got = [r.body(p) for p in ps[1:]]
        assert r.fallbacks > 0
    assert got == [body_of(n) for n in range(1, 200)]
    assert no_children_left()


def test_closing_early_stops_the_workers_and_removes_the_spool():
    ps = pages(500)
    r = PageRenderer(ps, workers=2)
    spool = Path(r.spool)
    r.body(ps[0])
    assert spool.is_dir()
    r.close()
    assert no_children_left()
    assert not spool.exists()


def test_workers_run_ahead_without_holding_pages_in_memory():
    import time

    ps = pages(300)
    with PageRenderer(ps, workers=1) as r:
        deadline = time.monotonic() + 30
        while len(r.workers[0].results) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        # Every page was rendered before the first was asked for: they wait on disk.
        assert len(r.workers[0].results) == 300
        assert set(r.workers[0].results.values()) == {"ok"}
        assert len(list(Path(r.spool).glob("*.pickle"))) == 300
        assert [r.body(p) for p in ps] == [body_of(n) for n in range(300)]
        assert list(Path(r.spool).glob("*")) == []


def test_a_lost_spool_file_is_rendered_here():
    ps = pages(5)
    with PageRenderer(ps, workers=1) as r:
        r.workers[0].process.join(10)
        (Path(r.spool) / "2.pickle").unlink()
        assert [r.body(p) for p in ps] == [body_of(n) for n in range(5)]
        assert r.fallbacks == 1


def test_only_pre_rendered_pages_are_handed_out():
    ps = pages(3) + [Page("concepts/index.md", "# Markdown page\n", in_nav=True, title="Index")]
    with PageRenderer(ps, workers=1) as r:
        assert [p.src_uri for p in r.pages] == [p.src_uri for p in ps[:3]]


def test_default_workers_leaves_a_cpu_for_mkdocs():
    n = default_workers()
    assert 0 <= n <= 4
    assert n <= max(0, len(os.sched_getaffinity(0)) - 1)


# -- whole sites ---------------------------------------------------------------------------

def test_site_is_the_same_bytes_with_and_without_workers(tmp_path: Path):
    trees = []
    for workers in (0, 2):
        root = small_project(tmp_path / f"w{workers}", SMALL_MKDOCS.replace(
            "publisher: Test Publisher", f"publisher: Test Publisher\n      workers: {workers}"))
        result = mkdocs_build(root, env={"SOURCE_DATE_EPOCH": "1704153600"})
        assert result.returncode == 0, result.stderr
        trees.append(site_files(root / "site", skip_pagefind=True))
    assert trees[0].keys() == trees[1].keys()
    assert [k for k in trees[0] if trees[0][k] != trees[1][k]] == []


def test_a_bad_workers_option_is_a_clear_error(tmp_path: Path):
    root = small_project(tmp_path, SMALL_MKDOCS.replace(
        "publisher: Test Publisher", "publisher: Test Publisher\n      workers: many"))
    result = mkdocs_build(root)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert ("plugins.conceptwiki.workers: 'many' is not valid; it must be 'auto' or a number of "
            "processes (0 or more)") in result.stderr


def test_workers_report_their_cpu_and_stats():
    ps = pages(20)
    with PageRenderer(ps, workers=2, stats=lambda: {"citations": 1.5}) as r:
        for p in ps:
            r.body(p)
    stats = r.worker_stats()
    assert stats["citations"] == 3.0 and stats["cpu"] >= 0.0


def test_workers_hand_back_what_they_collect():
    ps = pages(6)
    with PageRenderer(ps, workers=2, collect=lambda: {"pid": os.getpid()}) as r:
        for p in ps:
            r.body(p)
    got = r.collected()
    assert len(got) == 2 and len({g["pid"] for g in got}) == 2 and os.getpid() not in {g["pid"] for g in got}
