"""`mkdocs serve` shows problems in the browser: a broken entry's URL shows a page with file,
line, message and the offending lines instead of a 404; every page carries a dismissable
banner while a problem exists; both go away, by live reload, once the file is fixed.

The real thing: ``mkdocs serve`` on a free port of 127.0.0.1 in a copy of the project,
driven by Chromium."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))

from helpers import BIN, copy_real_project  # noqa: E402

BANNER = "#cw-problems-banner"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # the server answers (a 404 is an answer)
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"mkdocs serve did not answer at {url}")


@pytest.fixture
def served(tmp_path):
    project = copy_real_project(tmp_path / "project")
    entry = project / "concepts" / "base-optimizer.yaml"
    good = entry.read_text(encoding="utf-8")
    entry.write_text(good.replace("\nkind: concept\n", "\nkind: nonsense\n"), encoding="utf-8")
    assert entry.read_text(encoding="utf-8") != good
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_MKDOCS_2_WARNING="1")
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/wiki/"
    try:
        wait_for(base)
        yield base, entry, good, tmp_path / "serve.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_problem_page_and_banner_until_fixed(browser, served):
    base, entry, good, log = served
    ctx = browser.new_context()
    outside = []

    def guard(route):
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()

    # The broken entry's own URL: a page, not a 404, saying where and what.
    response = page.goto(base + "concepts/base-optimizer/")
    assert response.status == 200, log.read_text()
    problem = page.locator(".cw-problem-page .cw-problem").first
    assert "concepts/base-optimizer.yaml:4:7" in problem.locator(".cw-problem__where").inner_text()
    assert "'kind' must be one of" in problem.locator(".cw-problem__message").inner_text()
    assert "not 'nonsense'" in problem.inner_text()
    assert problem.locator(".cw-problem__fix").inner_text().strip()
    frame = problem.locator(".cw-problem__frame").inner_text()
    assert re.search(r"^\s+4 \| kind: nonsense$", frame, re.M), frame
    assert page.locator("h1").first.inner_text().startswith("Problems in concepts/base-optimizer.yaml")

    # Every page has the banner, listing the problem with a link to that page; it can be dismissed.
    page.goto(base)
    banner = page.locator(BANNER)
    assert banner.is_visible()
    assert "1 problem" in banner.inner_text()
    assert "concepts/base-optimizer.yaml:4:7" in banner.inner_text()
    page.locator(BANNER + " button", has_text="Dismiss").click()
    assert page.locator(BANNER).count() == 0
    banner_link = page.goto(base + "concepts/inner-alignment/")
    assert banner_link.status == 200
    page.locator(BANNER + " a", has_text="its page").first.click()
    page.wait_for_url(re.compile(r"/concepts/base-optimizer/$"))
    # Material's instant navigation changes the URL first and swaps the content in after.
    page.locator(".cw-problem-page").wait_for(timeout=30_000)
    assert page.locator(".cw-problem-page").count() == 1

    # Fix the file: live reload brings the entry back on the page that is open, and no banner.
    entry.write_text(good, encoding="utf-8")
    page.wait_for_selector("h1#base-optimizer", timeout=180_000)
    assert page.locator(".cw-problem-page").count() == 0
    assert page.locator(BANNER).count() == 0
    page.goto(base)
    assert page.locator(BANNER).count() == 0
    ctx.close()
    assert outside == []
