"""The conceptwiki command line: exit codes and output, run as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "entries"


def cw(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    return subprocess.run([sys.executable, "-m", "conceptwiki.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=300)


def test_check_real_content_is_clean():
    r = cw("check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""
    assert "0 errors, 0 warnings" in r.stderr


def test_check_reports_every_problem_and_exits_1():
    r = cw("--root", str(GOLDEN / "wrong-type"), "check")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stdout == (GOLDEN / "wrong-type" / "expected.txt").read_text()


def test_check_json_and_github_formats():
    r = cw("--root", str(GOLDEN / "unknown-key"), "check", "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert {"path": "concepts/inner-alignment.yaml", "line": 7, "column": 1, "severity": "error",
            "message": "unknown key 'relatd'; did you mean 'related'?", "code": ""} in data
    r = cw("--root", str(GOLDEN / "unknown-key"), "check", "--format", "github")
    assert ("::error file=concepts/inner-alignment.yaml,line=7,col=1::unknown key 'relatd'; "
            "did you mean 'related'?") in r.stdout.splitlines()


def test_cite_page_in_every_format():
    r = cw("cite", "inner-alignment", "--style", "apa")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("AI Safety Concept Wiki. (") and "Inner alignment" in r.stdout
    r = cw("cite", "inner-alignment", "--style", "bibtex")
    lib = bibtexparser.parse_string(r.stdout)
    assert len(lib.entries) == 1 and not lib.failed_blocks
    assert lib.entries[0]["author"] == "{AI Safety Concept Wiki}"
    assert "n.d." not in r.stdout
    r = cw("cite", "inner-alignment", "--style", "csl-json")
    assert json.loads(r.stdout)[0]["title"] == "Inner alignment"
    r = cw("cite", "inner-alignment", "--style", "ris")
    assert r.stdout.startswith("TY  - ") and "ER  - " in r.stdout


def test_cite_alias_resolves():
    assert cw("cite", "mesa-optimiser", "--style", "csl-json").returncode == 0


def test_cite_source_from_bib():
    r = cw("cite", "--bib", "bib/learned-optimization.bib", "--key", "hubinger2019risks",
           "--style", "apa", "--format", "html")
    assert r.returncode == 0, r.stderr
    assert "<i>Risks from learned optimization" in r.stdout


@pytest.mark.parametrize("args, needle", [
    (["cite", "inner-alignment", "--style", "no-such-style"], "no-such-style"),
    (["cite", "no-such-concept"], "no concept 'no-such-concept'"),
    (["cite", "--key", "nokey2020"], "no BibTeX key 'nokey2020'"),
    (["cite", "--bib", "bib/missing.bib", "--key", "x"], "not found"),
])
def test_cite_errors_are_one_line_with_status_2(args, needle):
    r = cw(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in r.stderr


def test_build_out_writes_pages_and_refuses_source_folders(tmp_path: Path):
    r = cw("build", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "concepts" / "inner-alignment.md").is_file()
    assert (tmp_path / "out" / "concepts" / "index.md").is_file()
    assert (tmp_path / "out" / "cite" / "inner-alignment.bib").is_file()
    assert (tmp_path / "out" / "cite" / "all.json").is_file()
    r = cw("build", "--out", "concepts/generated")
    assert r.returncode == 2 and not (ROOT / "concepts" / "generated").exists()


def test_folder_options_work_before_and_after_the_subcommand():
    before = cw("--root", str(GOLDEN / "wrong-type"), "check")
    after = cw("check", "--root", str(GOLDEN / "wrong-type"))
    assert before.returncode == after.returncode == 1
    assert before.stdout == after.stdout != ""
    r = cw("cite", "inner-alignment", "--root", str(ROOT), "--style", "apa", cwd=ROOT / "tests")
    assert r.returncode == 0 and "Inner alignment" in r.stdout


def test_missing_bib_folder_is_one_clear_error():
    r = cw("check", "--bib", "no-such-folder")
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "no-such-folder: error: folder 'no-such-folder' not found; create it and add the BibTeX "
        "sources, or set 'bib_dir' in mkdocs.yml"]


def test_new_entry_passes_check_but_its_placeholder_is_flagged(tmp_path: Path):
    for folder in ("concepts", "bib"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    r = cw("new", "test-thing", "--title", "Test thing", "--source", "hubinger2019risks",
           "--root", str(tmp_path))
    assert r.returncode == 0, r.stderr
    r = cw("check", "--root", str(tmp_path))
    assert r.returncode == 0, r.stdout
    lines = r.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("concepts/test-thing.yaml:")
    assert ": warning: 'summary' still holds the placeholder 'TODO:' from `conceptwiki new`" in lines[0]
