from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

# The package lives under plugins/; tests run against the source tree.
sys.path.insert(0, str(ROOT / "plugins"))


def pytest_configure(config):
    """Builds in the tests keep their citation cache (and any other XDG cache) in a folder of
    this run's (removed at the end), not in the user's ~/.cache."""
    import tempfile

    if "CONCEPTWIKI_TEST_CACHE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="conceptwiki-test-cache-")
        os.environ["CONCEPTWIKI_TEST_CACHE"] = folder
        os.environ["XDG_CACHE_HOME"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture
def project(tmp_path: Path):
    """A copy of the real project's content in a temporary folder."""

    def make(*, with_content: bool = True) -> Path:
        dest = tmp_path / "project"
        dest.mkdir()
        for name in ("mkdocs.yml",):
            shutil.copy(ROOT / name, dest / name)
        for folder in ("docs", "concepts", "bib") if with_content else ("docs",):
            shutil.copytree(ROOT / folder, dest / folder)
        return dest

    return make


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print what the hardening tests measured (payload counts) at the end of the run."""
    from hostile_check import REPORT_KEY

    lines = config.stash.get(REPORT_KEY, [])
    if lines:
        terminalreporter.section("hardening")
        for line in lines:
            terminalreporter.write_line(line)


#: Debian's chromium, driven by Playwright in the browser tests (never a downloaded browser).
CHROMIUM = os.environ.get("CONCEPTWIKI_CHROMIUM", "/usr/bin/chromium")
# Flags as for any sandboxed CI: no first-run UI, no background calls to Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (Playwright's sync API allows one instance per thread)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`; "
                    "`make test` does this) or set CONCEPTWIKI_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
