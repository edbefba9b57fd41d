"""Each problem lands on the line of the file the contributor has to change (golden lines,
exactly as ``conceptwiki check`` prints them): a name clash on the file that introduced it
(changed per ``git status``, else the one committed last, else the newest), naming the other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CASE = ROOT / "tests" / "golden" / "entries" / "alias-collision"

OLD = """title: Outer alignment
aliases: [outer misalignment]
kind: problem
status:
  level: established
summary: Whether the training objective captures what the designers intend.
sources:
  primary: hubinger2019risks
created: 2026-11-23
"""
# Sorts first ("a..." < "z..."), so it used to get no error: the clash was put on the old file.
NEW = """title: Alignment of the outer objective
aliases: [Outer Misalignment]
kind: problem
status:
  level: established
summary: Whether the objective is right.
sources:
  primary: hubinger2019risks
created: 2026-12-01
"""
ON_NEW = ("concepts/a-new-entry.yaml:2:11: error: alias 'Outer Misalignment' collides with an alias "
          "of concepts/z-old-entry.yaml; names are compared ignoring case, hyphens and spaces, so "
          "remove or change one")
ON_OLD = ("concepts/z-old-entry.yaml:2:11: error: alias 'outer misalignment' collides with an alias "
          "of concepts/a-new-entry.yaml; names are compared ignoring case, hyphens and spaces, so "
          "remove or change one")


def git(cwd: Path, *args: str, date: str = "2026-01-01T00:00:00") -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@example.org",
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date,
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def check(root: Path) -> list[str]:
    result = subprocess.run([str(BIN / "conceptwiki"), "check", "--root", str(root)],
                            capture_output=True, text=True, timeout=120)
    return [line for line in result.stdout.splitlines() if "collides" in line]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(CASE / "bib", tmp_path / "bib")
    (tmp_path / "concepts").mkdir()
    (tmp_path / "concepts" / "z-old-entry.yaml").write_text(OLD, encoding="utf-8")
    return tmp_path


def test_clash_on_the_file_git_status_lists_as_new(project: Path):
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "old")
    (project / "concepts" / "a-new-entry.yaml").write_text(NEW, encoding="utf-8")
    # Even if the old file looks newer on disk, git status says which one the contributor added.
    os.utime(project / "concepts" / "a-new-entry.yaml", (1_000_000_000, 1_000_000_000))
    assert check(project) == [ON_NEW]


def test_clash_on_the_file_changed_in_git_even_if_it_sorts_last(project: Path):
    (project / "concepts" / "a-new-entry.yaml").write_text(NEW.replace("[Outer Misalignment]", "[x]"),
                                                          encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "both")
    # Now the contributor edits the old entry and adds the clashing alias there.
    (project / "concepts" / "a-new-entry.yaml").write_text(NEW, encoding="utf-8")
    git(project, "commit", "-qam", "alias")
    old = project / "concepts" / "z-old-entry.yaml"
    old.write_text(OLD.replace("[outer misalignment]", "[outer misalignment, y]"), encoding="utf-8")
    assert check(project) == [ON_OLD]


def test_clash_on_the_file_committed_last(project: Path):
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "old")
    (project / "concepts" / "a-new-entry.yaml").write_text(NEW, encoding="utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "new", date="2026-02-01T00:00:00")
    os.utime(project / "concepts" / "a-new-entry.yaml", (1_000_000_000, 1_000_000_000))
    assert check(project) == [ON_NEW]


def test_clash_on_the_newest_file_without_git(project: Path):
    (project / "concepts" / "a-new-entry.yaml").write_text(NEW, encoding="utf-8")
    os.utime(project / "concepts" / "z-old-entry.yaml", (1_000_000_000, 1_000_000_000))
    assert check(project) == [ON_NEW]
    os.utime(project / "concepts" / "z-old-entry.yaml", (4_000_000_000, 4_000_000_000))
    assert check(project) == [ON_OLD]


def test_a_file_name_that_is_not_utf8_is_reported_not_a_traceback(project: Path):
    """git prints file names as bytes; one in Latin-1 ('bêta.yaml') used to end `check` with a
    UnicodeDecodeError from reading ``git status``."""
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "old")
    (project / "concepts").joinpath(os.fsdecode(b"b\xe9ta.yaml")).write_text(NEW, encoding="utf-8")
    result = subprocess.run([str(BIN / "conceptwiki"), "check", "--root", str(project)],
                            capture_output=True, timeout=120)
    out = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert "is not a valid slug" in out and "rename it to 'b-ta.yaml'" in out
