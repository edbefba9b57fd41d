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
    # one informational warning: a source whose author list ends in "and others"
    assert r.stdout.splitlines() == [
        "bib/deception.bib:4: warning: entry 'hubinger2024sleeper': the author list ends in "
        "'and others', which citations print as \"et al.\"; give every name if the source lists them"]
    assert "0 errors, 1 warning" in r.stderr and "strict build" not in r.stderr


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
    # the site's cite/inner-alignment.bib: the page, then the sources it cites
    assert len(lib.entries) > 1 and not lib.failed_blocks
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
    # (besides the informational warning about bib/deception.bib's "and others")
    lines = [line for line in r.stdout.splitlines() if not line.startswith("bib/deception.bib:")]
    assert len(lines) == 2 and all(line.startswith("concepts/test-thing.yaml:") for line in lines)
    assert ": warning: 'status.level' is 'established' with the TODO comment from `conceptwiki new`" in lines[0]
    assert ": warning: 'summary' still holds the placeholder 'TODO:' from `conceptwiki new`" in lines[1]
    # Neither may be published: the strict check (and the strict build) fail until both are done.
    assert cw("check", "--strict", "--root", str(tmp_path)).returncode == 1
    path = tmp_path / "concepts" / "test-thing.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  level: established  # TODO: established, contested or speculative?",
                        "  level: speculative\n  note: Nobody has tested it.")
    path.write_text(text.replace("TODO: define Test thing", "Test thing is"), encoding="utf-8")
    r = cw("check", "--strict", "--root", str(tmp_path))
    assert r.returncode == 0 and r.stdout.startswith("bib/deception.bib:4: warning:"), r.stdout
    assert len(r.stdout.splitlines()) == 1, r.stdout


# --------------------------------------------------------------------------------------
# check --strict fails where the strict build fails


STRICT_BIB = """@misc{smith2020example,
  author = {Smith, Jane},
  title  = {An example},
  year   = {2020}
}

@misc{jones2021unused,
  author = {Jones, Ann},
  title  = {A source no entry cites},
  year   = {2021}
}
"""

STRICT_ENTRY = """title: Example concept
kind: concept
status:
  level: established
summary: {summary}
sources:
  primary: smith2020example
created: 2026-01-02
"""

STRICT_MKDOCS = """site_name: Test wiki
site_url: https://example.org/wiki/
theme:
  name: material
plugins:
  - conceptwiki
"""


def _strict_project(root: Path, summary: str) -> Path:
    for rel, text in {"mkdocs.yml": STRICT_MKDOCS, "docs/index.md": "# Home\n",
                      "bib/main.bib": STRICT_BIB,
                      "concepts/example-concept.yaml": STRICT_ENTRY.format(summary=summary)}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _mkdocs_strict(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_MKDOCS_2_WARNING="1")
    return subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict",
                           "-d", "site"], cwd=root, capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.mark.parametrize("summary, fails, needle", [
    # Only the informational warning (a source no entry cites): neither fails.
    ("An example.", False, "source 'jones2021unused' is not cited by any entry"),
    # The scaffold's placeholder and a link to the page itself: both fail.
    ("'TODO: define the concept.'", True, "still holds the placeholder 'TODO:'"),
    ("See [[example-concept]].", True, "points to this page itself"),
])
def test_check_strict_fails_exactly_where_the_strict_build_fails(tmp_path: Path, summary, fails, needle):
    root = _strict_project(tmp_path, summary)
    plain = cw("check", "--root", str(root))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert needle in plain.stdout
    strict = cw("check", "--strict", "--root", str(root))
    assert strict.stdout == plain.stdout  # the same report; only the exit status differs
    assert strict.returncode == (1 if fails else 0), strict.stderr
    if fails:
        assert "note: this warning fails the strict build" in plain.stderr
        assert "--strict: failing on 1 warning" in strict.stderr
    else:
        assert "strict" not in plain.stderr + strict.stderr
    build = _mkdocs_strict(root)
    assert (build.returncode != 0) == fails, build.stderr
    assert needle in build.stderr


def test_check_strict_with_github_format_keeps_warnings_as_annotations(tmp_path: Path):
    root = _strict_project(tmp_path, "See [[example-concept]].")
    r = cw("check", "--strict", "--format", "github", "--root", str(root))
    assert r.returncode == 1
    assert any(line.startswith("::warning file=concepts/example-concept.yaml,line=5,")
               and "points to this page itself" in line for line in r.stdout.splitlines())
    assert any(line.startswith("::warning file=bib/main.bib,") for line in r.stdout.splitlines())


def test_check_strict_still_fails_on_errors():
    r = cw("check", "--strict", "--root", str(GOLDEN / "wrong-type"))
    assert r.returncode == 1
    assert r.stdout == (GOLDEN / "wrong-type" / "expected.txt").read_text()


def test_check_real_content_passes_strict():
    r = cw("check", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr


def test_new_help_describes_every_option():
    r = cw("new", "--help")
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    from conceptwiki.model.schema import Kind

    assert "what the entry describes: " + ", ".join(k.value for k in Kind) in text
    for option, words in (("--title", "page title"), ("--kind", "default: concept"),
                          ("--source", "BibTeX key of the main source")):
        assert option in text and words in text


def test_relative_root_reads_the_bib_files():
    r = cw("--root", "tests/golden/entries/valid", "check")
    assert "cannot read BibTeX file" not in r.stdout + r.stderr
    assert r.returncode == 0, r.stdout
