"""Nothing lost: builds never write into the sources, and the tools that write files write
them atomically, so an interruption leaves the old file (or no file), never half of one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import SOURCES, run_cli, source_tree_hash

from conceptwiki import files


from conceptwiki.authoring.fmt import fmt_paths
from conceptwiki.authoring.new import new_entry


def test_mkdocs_build_never_writes_into_the_sources(real_build):
    """The real project's MkDocs build (made once per run, conftest.py): its sources are as
    they were before it, and only site/ is new."""
    root = real_build.project
    before = real_build.sources_before
    assert len(before) > 30
    assert source_tree_hash(root) == before
    assert sorted(p.name for p in root.iterdir()) == sorted([*SOURCES, "site"])


def test_builds_and_checks_never_write_into_the_sources(real_project_copy: Path):
    root = real_project_copy
    before = source_tree_hash(root)
    assert len(before) > 30
    for args in (("check",), ("build", "--out", "out"), ("fmt", "--check"), ("schema",)):
        r = run_cli(*args, cwd=root)
        assert r.returncode == 0, (args, r.stderr)
        assert source_tree_hash(root) == before, args
    assert (root / "out" / "concepts" / "index.md").is_file()
    # only out/ is new (site/: the test above)
    assert sorted(p.name for p in root.iterdir()) == sorted([*SOURCES, "out"])


@pytest.mark.parametrize("out", ["concepts", "concepts/sub", "bib", "docs", "docs/x/.."])
def test_build_refuses_to_write_into_a_source_folder(real_project_copy: Path, out: str):
    root = real_project_copy
    before = source_tree_hash(root)
    r = run_cli("build", "--out", out, cwd=root)
    assert r.returncode == 2 and "inside a source folder" in r.stderr
    assert source_tree_hash(root) == before


# -- atomic writes ----------------------------------------------------------------------

UNFORMATTED = """# A comment that must survive.
kind: concept   # trailing comment
title: Example
"""


class Boom(Exception):
    pass


def _failing_fdopen(after: int, exc: BaseException):
    """``os.fdopen`` whose file object raises ``exc`` after ``after`` characters."""
    real = os.fdopen

    def fdopen(fd, *args, **kwargs):
        fh = real(fd, *args, **kwargs)
        real_write = fh.write

        def write(text):
            real_write(text[:after])
            fh.flush()
            raise exc
        fh.write = write
        return fh
    return fdopen


@pytest.mark.parametrize("where", ["write", "fsync", "chmod", "replace"])
@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "interrupt"])
def test_fmt_interrupted_leaves_the_old_file(tmp_path: Path, monkeypatch, where: str, exc: BaseException):
    path = tmp_path / "example.yaml"
    path.write_text(UNFORMATTED, encoding="utf-8")
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise exc
    if where == "write":
        monkeypatch.setattr(files.os, "fdopen", _failing_fdopen(10, exc))
    else:
        monkeypatch.setattr(files.os, where, fail)
    if isinstance(exc, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            fmt_paths([path], check=False, root=tmp_path)
    else:
        changed, problems = fmt_paths([path], check=False, root=tmp_path)
        assert [str(p) for p in problems.errors] == ["example.yaml: error: cannot write file: No space left on device"]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["example.yaml"]
    monkeypatch.undo()
    changed, problems = fmt_paths([path], check=False, root=tmp_path)
    assert changed == [path] and not problems.errors
    text = path.read_text(encoding="utf-8")
    assert "# A comment that must survive." in text and "# trailing comment" in text
    assert text.index("title:") < text.index("kind:")


@pytest.mark.parametrize("where", ["write", "fsync", "link"])
@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "interrupt"])
def test_new_interrupted_leaves_no_file(tmp_path: Path, monkeypatch, where: str, exc: BaseException):
    (tmp_path / "concepts").mkdir()
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "a.bib").write_text("@article{doe2020, title={T}, year={2020}}\n", encoding="utf-8")

    def fail(*args, **kwargs):
        raise exc
    if where == "write":
        monkeypatch.setattr(files.os, "fdopen", _failing_fdopen(10, exc))
    else:
        monkeypatch.setattr(files.os, where, fail)
        if where == "link":  # the fallback for file systems without hard links must not run
            monkeypatch.setattr(files.os, "replace", fail)
    if isinstance(exc, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            new_entry(tmp_path, "new-concept", "New concept", source="doe2020")
    else:
        path, problems = new_entry(tmp_path, "new-concept", "New concept", source="doe2020")
        assert path is None and any("cannot write file" in p.message for p in problems.errors)
    assert list((tmp_path / "concepts").iterdir()) == []


def test_build_output_is_written_atomically(tmp_path: Path, monkeypatch):
    target = tmp_path / "out" / "page.md"
    files.write_atomic(target, "old\n", make_parents=True)
    monkeypatch.setattr(files.os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, "new\n", make_parents=True)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.md"]
