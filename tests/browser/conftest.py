"""Browser tests: the real site, built once, served on localhost, read by Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (Debian's package); no browser is ever downloaded and
nothing is fetched from another site. ``make test`` installs both.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import Server, build_site, copy_real_project, once_per_run

BUILD_EPOCH = 1704153600  # 2024-01-02


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def build_browser_site(project: Path) -> Path:
    """Build ``project`` for the browser tests (strict, no unexpected warning), dated
    BUILD_EPOCH: an old build date, so a test can tell the day a reader copies from the day
    of the build."""
    return build_site(project, env={"SOURCE_DATE_EPOCH": str(BUILD_EPOCH)})


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real project's site, built once for all browser tests."""
    return once_per_run(tmp_path_factory, "browser_built_site", lambda: build_browser_site(
        copy_real_project(tmp_path_factory.mktemp("browser") / "project")))


@pytest.fixture(scope="session")
def server(built_site):
    srv = Server(built_site)
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def instant_server(tmp_path_factory):
    """The real site built with ``site_url`` set to its own test server, and served there.

    Material's instant navigation only takes over links listed in sitemap.xml, whose URLs it
    reads with the page's protocol and host name but the port of ``site_url``: so the site
    must be built for the port it is served on.
    """
    project = copy_real_project(tmp_path_factory.mktemp("instant") / "project")
    srv = Server(project / "site")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^site_url:.*$", f"site_url: {srv.url}", config)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    build_browser_site(project)
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
