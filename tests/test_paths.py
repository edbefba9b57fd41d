"""Paths: a slug is the entry's file name and can never point outside the output folder.

Names that try to escape, that only look like slugs (Unicode look-alikes, a trailing
newline), Windows device names, names reserved for generated pages and names that differ only
in case are all rejected with an error on the file; ``conceptwiki new`` refuses them too.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path

import pytest

from conceptwiki.model.loader import RESERVED_SLUGS, load_wiki
from conceptwiki.authoring.new import new_entry
from conceptwiki.model.schema import SLUG_RE
from conceptwiki.render.site import SiteBuilder
from conceptwiki.config import SiteConfig
from conceptwiki.render.urls import concept_src

ENTRY = """title: {title}
kind: concept
status:
  level: established
summary: A summary.
aliases: [{aliases}]
sources:
  primary: doe2020
created: 2026-01-02
"""
BIB = "@article{doe2020,\n  author = {Doe, Jane},\n  title = {T},\n  journal = {J},\n  year = {2020}\n}\n"

#: File stems that must be rejected, and why.
BAD_STEMS = {
    "abc\n": "trailing newline ($ in a Python regex matches before it)",
    "Upper": "upper case",
    "a\\b": "backslash",
    ".": "dot",
    "..": "dot-dot",
    ".hidden": "leading dot",
    "a..b": "dots",
    "a b": "space",
    "a_b": "underscore",
    "-lead": "leading hyphen",
    "trail-": "trailing hyphen",
    "a--b": "double hyphen",
    "\uff49nner": "fullwidth i",
    "inner\u2010alignment": "Unicode hyphen",
    "\u0430lignment": "Cyrillic a",
    "inne\u0301r": "combining accent",
    "\u0131nner": "dotless i",
    "x" * 101: "longer than 100 characters",
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    _write(tmp_path / "bib" / "main.bib", BIB)
    _write(tmp_path / "concepts" / "good.yaml", ENTRY.format(title="Good", aliases=""))
    return tmp_path


@pytest.mark.parametrize("stem", list(BAD_STEMS), ids=list(BAD_STEMS.values()))
def test_file_names_that_are_not_slugs_are_rejected(root: Path, stem: str):
    _write(root / "concepts" / f"{stem}.yaml", ENTRY.format(title="Bad", aliases=""))
    wiki = load_wiki(root)
    assert set(wiki.entries) == {"good"}
    errors = [p for p in wiki.problems.errors if p.path.startswith("concepts/") and "good" not in p.path]
    assert len(errors) == 1 and errors[0].line == 1, [str(p) for p in wiki.problems]
    assert "slug" in errors[0].message or "longer than" in errors[0].message


@pytest.mark.parametrize("stem", sorted(RESERVED_SLUGS))
def test_reserved_and_device_names_are_rejected(root: Path, stem: str):
    _write(root / "concepts" / f"{stem}.yaml", ENTRY.format(title="Reserved", aliases=""))
    wiki = load_wiki(root)
    assert stem not in wiki.entries
    assert any("reserved" in p.message and p.path == f"concepts/{stem}.yaml" for p in wiki.problems.errors)


def test_windows_device_names_are_all_reserved():
    for name in ("con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                 *(f"lpt{i}" for i in range(1, 10))):
        assert name in RESERVED_SLUGS


@pytest.mark.parametrize("other", ["Good.yaml", "good.yml", "GOOD.yaml"])
def test_names_that_differ_only_in_case_or_suffix_collide(root: Path, other: str):
    _write(root / "concepts" / other, ENTRY.format(title="Other", aliases=""))
    wiki = load_wiki(root)
    assert set(wiki.entries) == {"good"}
    assert wiki.entries["good"].concept.title == "Good"
    msgs = [str(p) for p in wiki.problems.errors]
    assert any(f"concepts/{other}:1:1: error: duplicate slug" in m for m in msgs), msgs


@pytest.mark.parametrize("slug", ["../x", "../../etc/passwd", "/abs", "a/b", "a\\b", "abc\n", "a\x00b",
                                  "\uff43on", "con", "com7", "lpt9", "index", "x" * 101, "", " x"])
def test_new_refuses_slugs_that_escape_or_are_reserved(root: Path, slug: str):
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    path, problems = new_entry(root, slug, "Title", source="doe2020", today=dt.date(2026, 1, 2))
    assert path is None and problems.errors
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_every_generated_path_stays_inside_the_output(root: Path):
    """Pages, redirects and exports of valid slugs and hostile aliases stay in the site."""
    _write(root / "concepts" / "x.yaml",
           ENTRY.format(title="X", aliases='"../../../etc/passwd", "..\\\\..\\\\win", "/abs", "Index", '
                                           '"CON", "con.txt", "\u2024\u2024/x", "tags", "\\0nul"'))
    wiki = load_wiki(root)
    assert wiki.ok, [str(p) for p in wiki.problems]
    for directory_urls in (True, False):
        builder = SiteBuilder(wiki, SiteConfig(directory_urls=directory_urls))
        paths = [p.src_uri for p in builder.pages()] + list(builder.exports()) + list(builder.redirects())
        for path in paths:
            norm = posixpath.normpath(path)
            assert norm == path and not norm.startswith(("/", "..")) and "\\" not in path, path
            assert all(SLUG_RE.match(part.split(".")[0]) or part in ("index.md", "index.html")
                       for part in path.split("/")[1:]), path
        redirects = builder.redirects()
        # an alias never replaces a generated page or an entry
        generated = {builder.url(p.src_uri) for p in builder.pages()}
        for path in redirects:
            url = path[: -len("index.html")] if path.endswith("/index.html") else path
            assert url not in generated, path
        slugs = [p.split("/")[1].split(".")[0] for p in redirects]
        assert not set(slugs) & RESERVED_SLUGS, sorted(redirects)
        assert {"abs", "con-txt", "etc-passwd", "win"} <= set(slugs), sorted(redirects)
        assert concept_src("x") in [p.src_uri for p in builder.pages()]


def test_symbolic_links_out_of_the_project_are_refused(root: Path, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    secret = outside / "secret.yaml"
    secret.write_text(ENTRY.format(title="Secret from the build machine", aliases=""), encoding="utf-8")
    (outside / "secret.bib").write_text(BIB.replace("doe2020", "secret2020"), encoding="utf-8")
    (root / "concepts" / "leak.yaml").symlink_to(secret)
    (root / "bib" / "leak.bib").symlink_to(outside / "secret.bib")
    (root / "concepts" / "inside.yaml").symlink_to(root / "concepts" / "good.yaml")
    wiki = load_wiki(root)
    assert set(wiki.entries) == {"good", "inside"}
    assert "secret2020" not in wiki.sources
    msgs = sorted(str(p) for p in wiki.problems.errors)
    assert msgs == [
        "bib/leak.bib:1:1: error: is a symbolic link to a file outside the project; replace it by the file itself",
        "concepts/leak.yaml:1:1: error: is a symbolic link to a file outside the project; replace it by the file itself",
    ]
