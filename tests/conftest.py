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

from helpers import build_shared, copy_real_project, once_per_run, run_cli, small_project  # noqa: E402


def pytest_configure(config):
    """Builds in the tests keep their citation cache (and any other XDG cache) in a folder of
    this run's (removed at the end), not in the user's ~/.cache."""
    import tempfile

    if "CONCEPTWIKI_TEST_CACHE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="conceptwiki-test-cache-")
        os.environ["CONCEPTWIKI_TEST_CACHE"] = folder
        os.environ["XDG_CACHE_HOME"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


# -- projects and sites shared by several modules (helpers in tests/helpers.py) ------------
#
# A module that only reads a site takes one of these session fixtures instead of building
# its own: each is built once per run, and only when a test asks for it. Tests never write
# into them (copy what you need to change into tmp_path).


@pytest.fixture
def real_project_copy(tmp_path: Path) -> Path:
    """A fresh copy of this repository's project (mkdocs.yml, docs, concepts, bib), for a
    test that changes it or runs tools in it."""
    return copy_real_project(tmp_path / "project")


@pytest.fixture(scope="session")
def real_build(tmp_path_factory):
    """This repository's project, copied and built once with ``mkdocs build --strict``, with
    no unexpected warning of any kind (:class:`helpers.BuiltSite`). Built without
    SOURCE_DATE_EPOCH, in a folder that is not a git repository."""
    def make():
        project = copy_real_project(tmp_path_factory.mktemp("real-one") / "project")
        return build_shared(project, env={"PYTHONHASHSEED": "1", "SOURCE_DATE_EPOCH": None})

    return once_per_run(tmp_path_factory, "real_build", make)


@pytest.fixture(scope="session")
def real_site(real_build) -> Path:
    """The folder of :func:`real_build`'s site."""
    return real_build.site


@pytest.fixture(scope="session")
def real_site_elsewhere(tmp_path_factory) -> Path:
    """The same project built again, as :func:`real_build` but in another folder, into
    ``public/`` and with another hash seed: a reproducible build gives the same bytes."""
    def make():
        project = copy_real_project(tmp_path_factory.mktemp("real-two") / "elsewhere")
        return build_shared(project, out="public", env={"PYTHONHASHSEED": "2", "SOURCE_DATE_EPOCH": None}).site

    return once_per_run(tmp_path_factory, "real_site_elsewhere", make)


@pytest.fixture(scope="session")
def real_site_material(tmp_path_factory) -> Path:
    """This repository's project built with ``search: material`` (Material's lunr index)."""
    def make():
        project = copy_real_project(tmp_path_factory.mktemp("real-material") / "project", search="material")
        return build_shared(project).site

    return once_per_run(tmp_path_factory, "real_site_material", make)


@pytest.fixture(scope="session")
def small_site(tmp_path_factory) -> Path:
    """The small wiki of helpers.py (``SMALL_MKDOCS``) built once; its project is the parent."""
    return once_per_run(tmp_path_factory, "small_site",
                        lambda: build_shared(small_project(tmp_path_factory.mktemp("small") / "project")).site)


@pytest.fixture(scope="session")
def repo_cli_builds(tmp_path_factory) -> tuple[Path, Path]:
    """Two ``conceptwiki build --out`` runs over this repository itself (in git, so with its
    real version history), with different hash seeds and SOURCE_DATE_EPOCH set."""
    def make():
        outs = []
        for i, seed in enumerate(("3", "4")):
            out = tmp_path_factory.mktemp("repo-cli") / f"out{i}"
            r = run_cli("build", "--out", str(out), env={"PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"})
            assert r.returncode == 0, r.stderr
            outs.append(out)
        return outs[0], outs[1]

    return once_per_run(tmp_path_factory, "repo_cli_builds", make)


def pytest_sessionfinish(session, exitstatus):
    """Under pytest-xdist, a worker hands what its hardening tests measured to the controller,
    which prints it (the stash does not cross processes)."""
    from hostile_check import REPORT_KEY

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["hardening"] = session.config.stash.get(REPORT_KEY, [])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller collects the hardening lines of a worker that has finished."""
    from hostile_check import REPORT_KEY

    lines = getattr(node, "workeroutput", {}).get("hardening", [])
    node.config.stash.setdefault(REPORT_KEY, []).extend(lines)


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
