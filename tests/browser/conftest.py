"""Browser tests: the real site, built once, served on localhost, read by Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (Debian's package); no browser is ever downloaded and
nothing is fetched from another site. ``make test`` installs both.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUILD_EPOCH = 1704153600  # 2024-01-02


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def build_site(project: Path) -> Path:
    # An old build date, so a test can tell the day a reader copies from the day of the build.
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_MKDOCS_2_WARNING="1",
               SOURCE_DATE_EPOCH=str(BUILD_EPOCH))
    result = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-d", "site"], cwd=project,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return project / "site"


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "concepts", "bib"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


class Server:
    """A static file server for one folder, on a free port of 127.0.0.1."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real project's site, built once for all browser tests."""
    return build_site(copy_project(tmp_path_factory.mktemp("browser") / "project"))


@pytest.fixture(scope="session")
def server(built_site):
    srv = Server(built_site)
    yield srv
    srv.close()


@pytest.fixture
def context(browser, server):
    """A fresh browser profile that may use the clipboard on the test server's origin.

    Every request to another host is refused and recorded: the site must work offline.
    """
    ctx = browser.new_context(accept_downloads=True, locale="en-GB")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
    ctx.outside_requests = []

    def guard(route):
        if route.request.url.startswith(server.url) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            ctx.outside_requests.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    yield ctx
    ctx.close()
    assert ctx.outside_requests == [], "the site fetched from another host"


@pytest.fixture
def page(context):
    p = context.new_page()
    p.errors = []
    p.on("pageerror", lambda exc: p.errors.append(str(exc)))
    yield p
    assert p.errors == [], "JavaScript errors on the page"
