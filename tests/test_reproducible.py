"""Reproducible builds: the same sources build the same bytes, wherever and whenever they are built.

Two builds of the real content in two different folders, with different hash seeds (so that
any dependence on set or dict-of-set iteration order shows), must give byte-identical sites,
with and without SOURCE_DATE_EPOCH. A build in a git checkout must not contain the day it
was built on anywhere: dates come from the entries, the last commit or SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import struct
from pathlib import Path

import pytest

from helpers import git, mkdocs_build, site_files, small_project


def build(project: Path, out: str, **env: str) -> Path:
    """A quiet strict build without SOURCE_DATE_EPOCH unless ``env`` sets it."""
    r = mkdocs_build(project, "-q", out=out, env={"SOURCE_DATE_EPOCH": None, **env})
    assert r.returncode == 0, r.stderr
    return project / out


def snapshot(site: Path) -> dict[str, bytes]:
    return site_files(site)


def assert_same(a: Path, b: Path) -> None:
    sa, sb = snapshot(a), snapshot(b)
    assert sorted(sa) == sorted(sb)
    different = [name for name in sa if sa[name] != sb[name]]
    assert different == [], different[:20]


@pytest.mark.parametrize("epoch", [None, "1700000000"], ids=["no-epoch", "source-date-epoch"])
def test_two_builds_in_two_folders_are_byte_identical(tmp_path: Path, epoch: str | None, request):
    """The real content without SOURCE_DATE_EPOCH; a small wiki with it.

    The real content's two builds are the ones conftest.py makes once per run for every
    module that reads the real site: in ``one/project`` into ``site/`` with PYTHONHASHSEED=1,
    and in ``two/elsewhere`` into ``public/`` with PYTHONHASHSEED=2."""
    if epoch:
        env = {"SOURCE_DATE_EPOCH": epoch}
        a = build(small_project(tmp_path / "one" / "project"), "site", PYTHONHASHSEED="1", **env)
        b = build(small_project(tmp_path / "two" / "elsewhere"), "public", PYTHONHASHSEED="2", **env)
    else:
        a, b = request.getfixturevalue("real_site"), request.getfixturevalue("real_site_elsewhere")
        assert (a.name, b.name) == ("site", "public") and a.parent.name != b.parent.name
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
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "x", "--no-gpg-sign"]):
        git(project, *cmd, date=when)
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


def test_conceptwiki_build_out_is_byte_identical(repo_cli_builds):
    """Two ``conceptwiki build --out`` runs over this repository, with PYTHONHASHSEED 3 and 4
    and SOURCE_DATE_EPOCH set (conftest.py)."""
    outs = repo_cli_builds
    assert_same(*outs)
    assert len(snapshot(outs[0])) > 30
