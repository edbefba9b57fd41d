"""The conceptwiki command line: exit codes and output, run as a real process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import bibtexparser
import pytest

from helpers import ROOT, mkdocs_build, run_cli

GOLDEN = ROOT / "tests" / "golden" / "entries"


def test_check_real_content_is_clean():
    r = run_cli("check", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 errors" in r.stderr
    # The only notices are informational ones about an author's name written two ways in
    # bib/ (authors' bylines differ between their papers; contributors decide).
    assert all(": warning: author '" in line for line in r.stdout.splitlines()), r.stdout


def test_check_reports_every_problem_and_exits_1():
    r = run_cli("--root", str(GOLDEN / "wrong-type"), "check")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stdout == (GOLDEN / "wrong-type" / "expected.txt").read_text()


def test_check_json_and_github_formats():
    r = run_cli("--root", str(GOLDEN / "unknown-key"), "check", "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert {"path": "concepts/inner-alignment.yaml", "line": 7, "column": 1, "severity": "error",
            "message": "unknown key 'relatd'; did you mean 'related'?", "code": ""} in data
    r = run_cli("--root", str(GOLDEN / "unknown-key"), "check", "--format", "github")
    assert ("::error file=concepts/inner-alignment.yaml,line=7,col=1::unknown key 'relatd'; "
            "did you mean 'related'?") in r.stdout.splitlines()


def test_cite_page_in_every_format():
    r = run_cli("cite", "inner-alignment", "--style", "apa")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("AI Safety Concept Wiki. (") and "Inner alignment" in r.stdout
    r = run_cli("cite", "inner-alignment", "--style", "bibtex")
    lib = bibtexparser.parse_string(r.stdout)
    # the site's cite/inner-alignment.bib: the page, then the sources it cites
    assert len(lib.entries) > 1 and not lib.failed_blocks
    assert lib.entries[0]["author"] == "{AI Safety Concept Wiki}"
    assert "n.d." not in r.stdout
    r = run_cli("cite", "inner-alignment", "--style", "csl-json")
    assert json.loads(r.stdout)[0]["title"] == "Inner alignment"
    r = run_cli("cite", "inner-alignment", "--style", "ris")
    assert r.stdout.startswith("TY  - ") and "ER  - " in r.stdout


def test_cite_an_instrument_page_as_its_copy_button_gives_it():
    r = run_cli("cite", "--instrument", "eu-ai-act", "--style", "oscola")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("AI Safety Concept Wiki, ‘Regulation (EU) 2024/1689")
    assert "/instruments/eu-ai-act/> accessed " in r.stdout


def test_cite_alias_resolves():
    assert run_cli("cite", "mesa-optimiser", "--style", "csl-json").returncode == 0


def test_cite_source_from_bib():
    r = run_cli("cite", "--bib", "bib/learned-optimization.bib", "--key", "hubinger2019risks",
           "--style", "apa", "--format", "html")
    assert r.returncode == 0, r.stderr
    assert "<i>Risks from learned optimization" in r.stdout


@pytest.mark.parametrize("args, needle", [
    (["cite", "inner-alignment", "--style", "no-such-style"], "no-such-style"),
    (["cite", "no-such-concept"], "no concept 'no-such-concept'"),
    (["cite", "--key", "nokey2020"], "no BibTeX key 'nokey2020'"),
    (["cite", "--bib", "bib/missing.bib", "--key", "x"], "not found"),
    (["cite", "--instrument", "eu-ai-acts"], "no instrument 'eu-ai-acts' in instruments/; did you mean 'eu-ai-act'?"),
    (["cite", "inner-alignment", "--instrument", "eu-ai-act"], "give either a concept SLUG, --instrument"),
])
def test_cite_errors_are_one_line_with_status_2(args, needle):
    r = run_cli(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in r.stderr


def test_build_out_writes_pages_and_refuses_source_folders(repo_cli_builds):
    out = repo_cli_builds[0]  # `conceptwiki build --out` of this repository (conftest.py)
    assert (out / "concepts" / "inner-alignment.md").is_file()
    assert (out / "concepts" / "index.md").is_file()
    assert (out / "cite" / "inner-alignment.bib").is_file()
    assert (out / "cite" / "all.json").is_file()
    r = run_cli("build", "--out", "concepts/generated")
    assert r.returncode == 2 and not (ROOT / "concepts" / "generated").exists()


def test_folder_options_work_before_and_after_the_subcommand():
    before = run_cli("--root", str(GOLDEN / "wrong-type"), "check")
    after = run_cli("check", "--root", str(GOLDEN / "wrong-type"))
    assert before.returncode == after.returncode == 1
    assert before.stdout == after.stdout != ""
    r = run_cli("cite", "inner-alignment", "--root", str(ROOT), "--style", "apa", cwd=ROOT / "tests")
    assert r.returncode == 0 and "Inner alignment" in r.stdout


def test_missing_bib_folder_is_one_clear_error():
    r = run_cli("check", "--bib", "no-such-folder")
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "no-such-folder: error: folder 'no-such-folder' not found; create it and add the BibTeX "
        "sources, or set 'bib_dir' in mkdocs.yml"]


@pytest.mark.parametrize("option", ["styles: 5", "concepts_dir: [a]", "locales: [x]", "templates_dir: 5",
                                    "min_details_since: not-a-date", "workers: lots"])
def test_plugin_option_of_the_wrong_type_is_named_not_a_traceback(tmp_path: Path, option: str):
    """The command line reads mkdocs.yml without MkDocs' type checks: `styles: 5` used to end
    `check` with a TypeError traceback, and a date it could not read was silently dropped."""
    (tmp_path / "mkdocs.yml").write_text(f"site_name: T\nplugins:\n  - conceptwiki:\n      {option}\n",
                                         encoding="utf-8")
    r = run_cli("check", "--root", str(tmp_path))
    name = option.split(":")[0]
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert f"mkdocs.yml: plugins.conceptwiki.{name}: " in r.stderr and "it must be" in r.stderr


@pytest.mark.parametrize("text, needle", [
    ("plugins:\n  - conceptwiki: [a]\n", "plugins.conceptwiki: ['a'] is not valid"),
    ("plugins:\n  - conceptwiki:\n      min_details_since: 2026-13-01\n", "month must be in 1..12"),
    ("plugins:\n  - conceptwiki:\n\tcache: false\n", "line 4, column 1: invalid YAML"),
])
def test_mkdocs_yml_that_does_not_parse_is_one_error(tmp_path: Path, text: str, needle: str):
    """MkDocs fails on these files; `check` said nothing (or ended in a ValueError traceback)
    and went on with the default options."""
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n" + text, encoding="utf-8")
    r = run_cli("check", "--root", str(tmp_path))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "mkdocs.yml: " in r.stderr and needle in r.stderr, r.stderr


def test_new_entry_passes_check_but_its_placeholder_is_flagged(tmp_path: Path):
    for folder in ("concepts", "bib", "instruments"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    r = run_cli("new", "test-thing", "--title", "Test thing", "--source", "hubinger2019risks",
           "--root", str(tmp_path))
    assert r.returncode == 0, r.stderr
    r = run_cli("check", "--root", str(tmp_path))
    assert r.returncode == 0, r.stdout
    # Informational notices about bib/ (an author's name written two ways) aside.
    lines = [line for line in r.stdout.splitlines() if ": warning: author '" not in line]
    assert len(lines) == 2 and all(line.startswith("concepts/test-thing.yaml:") for line in lines)
    assert ": warning: 'status.level' is 'established' with the TODO comment from `conceptwiki new`" in lines[0]
    assert ": warning: 'summary' still holds the placeholder 'TODO:' from `conceptwiki new`" in lines[1]
    # Neither may be published: the strict check (and the strict build) fail until both are done.
    assert run_cli("check", "--strict", "--root", str(tmp_path)).returncode == 1
    path = tmp_path / "concepts" / "test-thing.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  level: established  # TODO: established, contested or speculative?",
                        "  level: speculative\n  note: Nobody has tested it.")
    path.write_text(text.replace("TODO: define Test thing", "Test thing is"), encoding="utf-8")
    r = run_cli("check", "--strict", "--root", str(tmp_path))
    assert r.returncode == 0 and r.stdout == "", r.stdout


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


@pytest.mark.parametrize("summary, fails, needle", [
    # Only the informational warning (a source no entry cites): neither fails.
    ("An example.", False, "source 'jones2021unused' is not cited by any entry"),
    # The scaffold's placeholder and a link to the page itself: both fail.
    ("'TODO: define the concept.'", True, "still holds the placeholder 'TODO:'"),
    ("See [[example-concept]].", True, "points to this page itself"),
])
def test_check_strict_fails_exactly_where_the_strict_build_fails(tmp_path: Path, summary, fails, needle):
    root = _strict_project(tmp_path, summary)
    plain = run_cli("check", "--root", str(root))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert needle in plain.stdout
    strict = run_cli("check", "--strict", "--root", str(root))
    assert strict.stdout == plain.stdout  # the same report; only the exit status differs
    assert strict.returncode == (1 if fails else 0), strict.stderr
    if fails:
        assert "note: this warning fails the strict build" in plain.stderr
        assert "--strict: failing on 1 warning" in strict.stderr
    else:
        assert "strict" not in plain.stderr + strict.stderr
    build = mkdocs_build(root)
    assert (build.returncode != 0) == fails, build.stderr
    assert needle in build.stderr


def test_check_strict_with_github_format_keeps_warnings_as_annotations(tmp_path: Path):
    root = _strict_project(tmp_path, "See [[example-concept]].")
    r = run_cli("check", "--strict", "--format", "github", "--root", str(root))
    assert r.returncode == 1
    assert any(line.startswith("::warning file=concepts/example-concept.yaml,line=5,")
               and "points to this page itself" in line for line in r.stdout.splitlines())
    # "not cited by any entry" is informational: a notice, not a warning
    assert any(line.startswith("::notice file=bib/main.bib,") for line in r.stdout.splitlines())


def test_check_strict_still_fails_on_errors():
    r = run_cli("check", "--strict", "--root", str(GOLDEN / "wrong-type"))
    assert r.returncode == 1
    assert r.stdout == (GOLDEN / "wrong-type" / "expected.txt").read_text()


def test_check_real_content_passes_strict():
    r = run_cli("check", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr


def test_new_help_describes_every_option():
    r = run_cli("new", "--help")
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    from conceptwiki.model.schema import Kind

    assert "what the entry describes: " + ", ".join(k.value for k in Kind) in text
    for option, words in (("--title", "page title"), ("--kind", "default: concept"),
                          ("--source", "BibTeX key of the main source")):
        assert option in text and words in text


def test_relative_root_reads_the_bib_files():
    r = run_cli("--root", "tests/golden/entries/valid", "check")
    assert "cannot read BibTeX file" not in r.stdout + r.stderr
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("option, needle", [
    ("styles: [apa, apa-but-misspelt]", "mkdocs.yml:{line}:21: error: plugins.conceptwiki.styles: "
                                        "unknown citation style 'apa-but-misspelt'"),
    ("styles: [apa, ./styles/missing.csl]", "plugins.conceptwiki.styles: citation style file"),
    ("locales: {apa: xx-YY}", "mkdocs.yml:{line}:22: error: plugins.conceptwiki.locales: no CSL locale 'xx-YY' "
                              "for style 'apa'"),
])
def test_check_names_a_citation_style_or_locale_the_build_would_stop_on(tmp_path: Path, option, needle):
    """`styles: [nonexistent]` passed `check` and then failed the build: `check` reports it at
    its line in mkdocs.yml, and the build stops on the same name."""
    root = _strict_project(tmp_path, "An example.")
    (root / "mkdocs.yml").write_text(STRICT_MKDOCS.replace("  - conceptwiki\n", f"  - conceptwiki:\n      {option}\n"),
                                     encoding="utf-8")
    line = STRICT_MKDOCS.count("\n") + 1
    r = run_cli("check", "--root", str(root))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert needle.format(line=line) in r.stdout, r.stdout
    if "misspelt" in option or "locales" in option:  # the build stops on the same names (one build each)
        build = mkdocs_build(root)
        assert build.returncode != 0
        name = "locales" if "locales" in option else "styles"
        assert f"plugins.conceptwiki.{name}" in build.stderr, build.stderr
