"""The sources of policy instruments (@legislation and @report in bib/instruments.bib) render
in APA, Chicago, Harvard and OSCOLA exactly as citeproc-js renders them.

The expected outputs come from citeproc-js (``tests/oracle/instruments.py``, a dev script
that runs node; the test reads only the committed JSON). A first test makes sure the golden
items still are what bib/instruments.bib gives, so an edit to a source cannot leave the
comparison checking stale data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import ROOT

from conceptwiki.bibtex import load_bib_files
from conceptwiki.citations import CitationEngine

GOLDEN = ROOT / "tests" / "golden" / "citations" / "instruments"
ITEMS = json.loads((GOLDEN / "items.json").read_text(encoding="utf-8"))
BY_ID = {it["id"]: it for it in ITEMS}
EXPECTED = {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((GOLDEN / "expected").glob("*.json"))}


def test_golden_items_are_the_bib_files_items():
    sources, problems = load_bib_files([Path(ROOT / "bib" / "instruments.bib")], root=ROOT)
    assert not problems.errors
    assert [sources[k].csl() for k in sorted(sources)] == ITEMS, \
        "bib/instruments.bib changed: rerun tests/oracle/instruments.py (see its docstring)"
    types = {it["type"] for it in ITEMS}
    assert {"legislation", "report"} <= types
    assert set(EXPECTED) == {"apa", "chicago-author-date", "harvard-cite-them-right", "oscola"}


def _cases():
    for style, data in EXPECTED.items():
        for item_id, rec in data["items"].items():
            for key in sorted(rec):
                form, fmt = key.split(".")
                yield pytest.param(style, item_id, form, fmt, rec[key], id=f"{style}/{item_id}/{form}/{fmt}")


@pytest.fixture(scope="module")
def engine() -> CitationEngine:
    return CitationEngine(list(EXPECTED))


@pytest.mark.parametrize("style,item_id,form,fmt,expected", list(_cases()))
def test_instrument_source_matches_citeproc_js(engine, style, item_id, form, fmt, expected):
    item = BY_ID[item_id]
    if form == "bib":
        got = engine.bibliography_entry(item, style, fmt)
    elif form == "first":
        got = engine.note(item, style, fmt)
    elif form == "locator":
        loc = EXPECTED[style]["_meta"]["locator"]
        got = engine.note(item, style, fmt, locator=loc["locator"], label=loc["label"])
    else:
        got = engine.note(item, style, fmt, position="subsequent", first_note_number=1)
    assert got == expected


@pytest.mark.parametrize("style", sorted(EXPECTED))
def test_instrument_bibliography_matches_citeproc_js(engine, style):
    for fmt in ("text", "html"):
        assert engine.bibliography(ITEMS, style, fmt) == [e[fmt] for e in EXPECTED[style]["bibliography"]]
