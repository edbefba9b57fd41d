"""Reproducible builds: the same sources build the same bytes, wherever and whenever they are built.

Two builds of the real content in two different folders, with different hash seeds (so that
any dependence on set or dict-of-set iteration order shows), must give byte-identical sites,
with and without SOURCE_DATE_EPOCH. A build in a git checkout must not contain the day it
was built on anywhere: dates come from the entries, the last commit or SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from test_site_build import ROOT, SMALL_BIB, SMALL_MKDOCS, OTHER_ENTRY, SMALL_ENTRY, write

BIN = Path(sys.executable).parent


def build(project: Path, out: str, **env: str) -> Path:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_MKDOCS_2_WARNING="1")
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env.update(env)
    r = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", out], cwd=project,
                       capture_output=True, text=True, env=full_env, timeout=600)
    assert r.returncode == 0, r.stderr
    return project / out


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same(a: Path, b: Path) -> None:
    sa, sb = snapshot(a), snapshot(b)
    assert sorted(sa) == sorted(sb)
    different = [name for name in sa if sa[name] != sb[name]]
    assert different == [], different[:20]


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "concepts", "bib"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


def small_project(dest: Path) -> Path:
    write(dest / "mkdocs.yml", SMALL_MKDOCS)
    write(dest / "docs" / "index.md", "# Home\n")
    write(dest / "bib" / "main.bib", SMALL_BIB)
    write(dest / "concepts" / "example-concept.yaml", SMALL_ENTRY)
    write(dest / "concepts" / "other-concept.yaml", OTHER_ENTRY)
    return dest


@pytest.mark.parametrize("epoch", [None, "1700000000"], ids=["no-epoch", "source-date-epoch"])
def test_two_builds_in_two_folders_are_byte_identical(tmp_path: Path, epoch: str | None):
    """The real content without SOURCE_DATE_EPOCH; a small wiki with it."""
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else {}
    make = small_project if epoch else copy_project
    a = build(make(tmp_path / "one" / "project"), "site", PYTHONHASHSEED="1", **env)
    b = build(make(tmp_path / "two" / "elsewhere"), "public", PYTHONHASHSEED="2", **env)
    assert_same(a, b)
    if epoch:
        lastmod = gzip.decompress((a / "sitemap.xml.gz").read_bytes()).decode()
        assert "<lastmod>2023-11-14</lastmod>" in lastmod  # pages that are not entries


def _gzip_mtime(path: Path) -> int:
    return struct.unpack("<I", path.read_bytes()[4:8])[0]


def test_no_build_day_in_a_git_checkout(tmp_path: Path):
    """Built from a commit of 2024-05-06 (entries dated 2026), nothing carries today's date."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = small_project(tmp_path / "project")
    when = "2024-05-06T12:00:00+00:00"
    genv = dict(os.environ, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when, GIT_AUTHOR_NAME="t",
                GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "x", "--no-gpg-sign"]):
        subprocess.run(["git", *cmd], cwd=project, env=genv, check=True, capture_output=True)
    site = build(project, "site")
    today = dt.date.today()
    needles = {today.isoformat(), today.strftime("%Y/%m/%d"), today.strftime("%-d %B %Y"),
               today.strftime("%B %-d, %Y")}
    if today.isoformat() in ("2024-05-06", "2026-01-02", "2026-03-04"):
        pytest.skip("today is one of the dates in the test content")
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".bib", ".ris", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert not [n for n in needles if n in text], path
    sitemap = gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode()
    assert "<lastmod>2024-05-06</lastmod>" in sitemap  # home page: the commit's date
    assert "<lastmod>2026-03-04</lastmod>" in sitemap  # other-concept: its 'updated:'
    newest = dt.datetime(2026, 3, 4, tzinfo=dt.timezone.utc).timestamp()
    assert _gzip_mtime(site / "sitemap.xml.gz") == int(newest)


def test_conceptwiki_build_out_is_byte_identical(tmp_path: Path):
    outs = []
    for i, seed in enumerate(("3", "4")):
        env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), PYTHONHASHSEED=seed,
                   SOURCE_DATE_EPOCH="1700000000")
        out = tmp_path / f"out{i}"
        r = subprocess.run([sys.executable, "-m", "conceptwiki.cli", "build", "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        outs.append(out)
    assert_same(*outs)
    assert len(snapshot(outs[0])) > 30
