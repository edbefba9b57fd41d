"""The test suite's own layout: what test modules share comes from ``tests/helpers.py`` (and
the fixtures of the conftest.py files), never from another test module or a conftest."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_no_test_module_imports_another_or_a_conftest():
    modules = sorted(p for p in TESTS.rglob("*.py") if p.name.startswith("test_") or p.name == "conftest.py")
    assert len(modules) > 30
    wrong = {p.relative_to(TESTS).as_posix(): sorted(n for n in _imported_modules(p)
                                                     if n.startswith("test_") or n == "conftest")
             for p in modules}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_builds_and_command_line_runs_go_through_the_helpers():
    """One way to build a site or run the command line in a subprocess: helpers.mkdocs_build
    and helpers.run_cli (so that every run gets the same environment and time-outs)."""
    needles = ('"-m", "conceptwiki.cli"', '"build", "--strict"', "def run_build", "def cw(")
    offenders = []
    for path in sorted(TESTS.rglob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in needles if path != Path(__file__).resolve() else ():
            if needle in text:
                offenders.append(f"{path.relative_to(TESTS).as_posix()}: {needle}")
    assert offenders == []
