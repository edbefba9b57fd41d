"""Golden cases for loading and validating entries: tests/golden/entries/<case>/.

Each case folder holds ``concepts/``, ``bib/`` and ``expected.txt``: the exact problem lines
``conceptwiki check`` prints, in order. Regenerate one after a deliberate change with
``UPDATE_GOLDEN=1 pytest tests/test_entries_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conceptwiki.model.loader import load_wiki
from conceptwiki.model.problems import format_problems

CASES = Path(__file__).parent / "golden" / "entries"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_entries(case: str) -> None:
    folder = CASES / case
    wiki = load_wiki(folder)
    got = format_problems(wiki.problems) + "\n"
    expected_file = folder / "expected.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(got, encoding="utf-8")
    assert got == expected_file.read_text(encoding="utf-8")


def test_names_that_look_like_entries_but_are_not_read_are_reported(tmp_path: Path) -> None:
    """They were skipped without a word: the entry went missing and only links to it failed.
    An instrument that is a symbolic link out of the project was read (entries and sources
    were already refused)."""
    import shutil

    shutil.copytree(CASES / "valid", tmp_path / "p")
    root = tmp_path / "p"
    (root / "concepts" / ".yaml").write_text("title: x\n", encoding="utf-8")
    (root / "concepts" / "upper.YAML").write_text("title: x\n", encoding="utf-8")
    (root / "concepts" / "folder.yaml").mkdir()
    (root / "concepts" / "dangling.yaml").symlink_to("nothing.yaml")
    (root / "instruments").mkdir()
    (tmp_path / "outside.yaml").write_text("title: secret\n", encoding="utf-8")
    (root / "instruments" / "linked.yaml").symlink_to(tmp_path / "outside.yaml")
    got = [str(p) for p in load_wiki(root).problems.errors]
    assert got == [
        "concepts/.yaml:1:1: error: file name '.yaml' has no slug before the extension; name it "
        "after the entry, e.g. 'inner-alignment.yaml'",
        "concepts/dangling.yaml:1:1: error: is a symbolic link that leads to no file, so it is "
        "not read; an entry is a file named <slug>.yaml",
        "concepts/folder.yaml:1:1: error: is a folder, so it is not read; an entry is a file "
        "named <slug>.yaml",
        "concepts/upper.YAML:1:1: error: the extension '.YAML' is not read; rename the file to "
        "'upper.yaml' (lower case)",
        "instruments/linked.yaml:1:1: error: is a symbolic link to a file outside the project; "
        "replace it by the file itself",
    ]
