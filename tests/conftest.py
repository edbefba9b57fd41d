from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

# The package lives under plugins/; tests run against the source tree.
sys.path.insert(0, str(ROOT / "plugins"))


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
