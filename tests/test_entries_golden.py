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
