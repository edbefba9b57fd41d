"""Golden cases for ``[[slug#anchor]]``: tests/golden/anchors/<case>/.

Each case folder is a small project (``concepts/``, ``bib/``, optionally ``docs/``) and
``expected.txt``: exactly what ``conceptwiki check`` prints on standard output. The cases: links
to existing headings (``existing-heading``), to passage pinpoints (``pinpoint``), anchors that do
not exist with the nearest ones suggested (``missing-anchor``) and links left behind by renamed
headings (``renamed-heading``). Regenerate one after a deliberate change with
``UPDATE_GOLDEN=1 pytest tests/test_anchors_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conceptwiki.cli import main

CASES = Path(__file__).parent / "golden" / "anchors"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_anchors(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = CASES / case
    status = main(["check", "--root", str(folder)])
    got = capsys.readouterr().out
    expected_file = folder / "expected.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(got, encoding="utf-8")
    assert got == expected_file.read_text(encoding="utf-8")
    assert status == (1 if "error:" in got else 0)


def test_cases_cover_each_outcome() -> None:
    """The cases this issue asks for exist and say what they should."""
    read = {p.name: (p / "expected.txt").read_text(encoding="utf-8")
            for p in CASES.iterdir() if p.is_dir()}
    assert read["existing-heading"] == ""
    assert read["pinpoint"].count("error:") == 2 and "#p-0badf00d" in read["pinpoint"]
    assert "did you mean '#key-distinction'" in read["missing-anchor"]
    assert ("has no anchor '#key-distinction'; did you mean '#the-key-distinction'"
            in read["renamed-heading"])
