"""The bibliography fixtures of the CSL processor test suite (tests/csl_suite/), rendered by
the engine (citeproc-py through citations/compat) and compared with what citeproc-js gives.

Each fixture is a style, items and the expected ``<div class="csl-bib-body">``; the entries
are compared one by one, HTML as citeproc-js writes it, whitespace runs as one space. Items
are registered in the order the fixture cites them (``citation_items``), then the rest, as
citeproc-js's test runner does. A fixture listed in failing.txt (with its reason) may fail;
any other failing fails the test, and so does a listed one that passes (so the list shows the
real gap). The pass rate is printed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conceptwiki.citations.compat import load_style, render_bibliography

SUITE = Path(__file__).resolve().parent / "csl_suite"
FIXTURES = sorted((SUITE / "fixtures").glob("*.json"))


def listed_failing() -> dict[str, str]:
    out = {}
    for line in (SUITE / "failing.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" — ")
            assert reason.strip(), f"failing.txt: no reason for {name}"
            out[name.strip()] = reason.strip()
    return out


def expected_entries(result: str) -> list[str]:
    body = re.sub(r'^\s*<div class="csl-bib-body">\s*', "", result)
    body = re.sub(r"\s*</div>\s*$", "", body)
    return [re.sub(r"</div>\s*$", "", p.strip()).strip()
            for p in re.split(r'\s*<div class="csl-entry">', body)[1:]]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().replace("&#38;", "&amp;")


def render(fixture: dict) -> list[str]:
    items = fixture["input"]
    order: list[str] = []
    for group in fixture.get("citation_items") or []:
        for cite in group:
            if str(cite["id"]) not in order:
                order.append(str(cite["id"]))
    if order:
        by_id = {str(i["id"]): i for i in items}
        items = [by_id[k] for k in order if k in by_id] + [i for i in items if str(i["id"]) not in order]
    style = load_style(fixture["csl"].encode("utf-8"))
    return [norm(text) for _, text in render_bibliography(style, items, "html")]


def outcome(path: Path) -> bool:
    fixture = json.loads(path.read_text(encoding="utf-8"))
    assert fixture["mode"] == "bibliography"
    try:
        return render(fixture) == [norm(e) for e in expected_entries(fixture["result"])]
    except Exception:  # an engine error is a failing fixture, listed like the others
        return False


def test_bibliography_fixtures() -> None:
    assert len(FIXTURES) == 199
    failing = listed_failing()
    assert set(failing) <= {p.stem for p in FIXTURES}, set(failing) - {p.stem for p in FIXTURES}
    results = {p.stem: outcome(p) for p in FIXTURES}
    passed = sum(results.values())
    print(f"CSL test suite, bibliography fixtures: {passed}/{len(results)} pass "
          f"({100 * passed / len(results):.1f}%)")
    regressed = sorted(n for n, ok in results.items() if not ok and n not in failing)
    fixed = sorted(n for n, ok in results.items() if ok and n in failing)
    assert not regressed, f"fixtures that passed now fail: {regressed}"
    assert not fixed, f"now passing, remove from tests/csl_suite/failing.txt: {fixed}"


@pytest.mark.parametrize("name", ["bugreports_AsmJournals", "bugreports_AsaSpacing"])
def test_harness_reads_a_fixture(name: str) -> None:
    """The comparison is not vacuous: a fixture's expected entries are read, and a wrong
    rendering would not match them."""
    path = SUITE / "fixtures" / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{name} is not a bibliography fixture of this snapshot")
    fixture = json.loads(path.read_text(encoding="utf-8"))
    want = [norm(e) for e in expected_entries(fixture["result"])]
    assert want and all(want)
    assert [w + "x" for w in want] != render(fixture)
