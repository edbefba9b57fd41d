"""Hostile and broken YAML and BibTeX files: a clear, located error for each, fast, no traceback.

The project is generated (some files are megabytes); the exact problem lines that
``conceptwiki check`` prints are in ``tests/hostile/bad-input.expected.txt``. Regenerate it
after a deliberate change with ``UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import mkdocs_build, run_cli

from conceptwiki.bibtex import MAX_BIB_BYTES
from conceptwiki.model.yamlsafe import MAX_BYTES

EXPECTED = Path(__file__).parent / "hostile" / "bad-input.expected.txt"

GOOD = """title: Good concept
kind: concept
status:
  level: established
summary: Fine.
sources:
  primary: good2020
created: 2026-01-02
"""


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic alias bomb: ``width ** levels`` strings from a few hundred bytes."""
    lines = [f'a0: &a0 [{",".join(["lol"] * width)}]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def bad_project(dest: Path) -> Path:
    def w(rel: str, data: str | bytes) -> None:
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    w("mkdocs.yml", "site_name: T\ntheme:\n  name: material\n  font: false\n"
      "plugins:\n  - search\n  - conceptwiki\n")
    w("docs/index.md", "# Home\n")
    w("concepts/good-concept.yaml", GOOD)
    w("bib/good.bib", "@article{good2020,\n  author = {Doe, J},\n  title = {Good},\n"
      "  journal = {J},\n  year = {2020}\n}\n")
    # YAML: tags that would construct Python objects with an unsafe loader
    w("concepts/python-object.yaml",
      GOOD.replace("summary: Fine.", "summary: !!python/object/apply:os.system ['touch pwned']"))
    w("concepts/python-name.yaml", "!!python/name:os.system\n")
    w("concepts/custom-tag.yaml", GOOD.replace("summary: Fine.", "summary: !include /etc/passwd"))
    # alias bombs, deep nesting, size, encoding, duplicates
    w("concepts/billion-laughs.yaml", billion_laughs())
    w("concepts/merge-key.yaml", GOOD + "status2: &s {level: established}\nother: {<<: *s}\n")
    w("concepts/deep-nesting.yaml", "title: x\nsummary: " + "[" * 50_000 + "]" * 50_000 + "\n")
    w("concepts/deep-mapping.yaml", "title: x\nsummary: " + "{a: " * 30 + "1" + "}" * 30 + "\n")
    w("concepts/too-big.yaml", GOOD + "details: |\n" + "  x\n" * (MAX_BYTES // 4 + 10))
    w("concepts/latin-1.yaml", GOOD.replace("Fine.", "Caf\u00e9.").encode("latin-1"))
    w("concepts/utf-16.yaml", GOOD.encode("utf-16"))
    w("concepts/nul-byte.yaml", GOOD.replace("Fine.", "Fi\0ne."))
    w("concepts/control-char.yaml", GOOD.replace("Fine.", "Fi\x1bne."))
    w("concepts/duplicate-key.yaml", GOOD + "summary: Again.\n")
    w("concepts/duplicate-nested-key.yaml", GOOD.replace("  level: established",
                                                         "  level: established\n  level: contested"))
    w("concepts/tab-indent.yaml", GOOD.replace("  level", "\tlevel"))
    w("concepts/two-documents.yaml", GOOD + "---\n" + GOOD)
    # BibTeX: unbalanced braces, duplicate keys (in one file and across files), size limit
    w("bib/unbalanced.bib", "@article{broken2020,\n  author = {Doe, J},\n  title = {Unbalanced {braces},\n"
      "  journal = {J},\n  year = {2020}\n}\n\n@article{after2020,\n  title = {After},\n  year = {2021}\n}\n")
    w("bib/extra-close.bib", "@article{close2020,\n  title = {Closed} twice}},\n  year = {2020}\n}\n")
    w("bib/duplicate.bib", "@article{dup2020,\n  title = {One},\n  year = {2020}\n}\n"
      "@article{dup2020,\n  title = {Two},\n  year = {2020}\n}\n"
      "@article{good2020,\n  title = {Across files},\n  year = {2020}\n}\n")
    lines = ['@string{s0 = "lollollollollollollollollol"}']
    lines += [f"@string{{s{i} = " + " # ".join([f"s{i - 1}"] * 10) + "}" for i in range(1, 10)]
    w("bib/string-bomb.bib", "\n".join(lines) + "\n@article{bomb2020,\n  title = s9,\n  year = {2020}\n}\n")
    long = "@string{long = {" + "word {AI} \\'e " * 6000 + "}}\n"
    w("bib/wide-bomb.bib", long + "".join(f"@misc{{wide{i}, title = long # {{{i}}}}}\n" for i in range(13)))
    w("bib/huge.bib", "@misc{huge,\n  note = {" + "x" * (MAX_BIB_BYTES + 1) + "}\n}\n")
    return dest


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> Path:
    return bad_project(tmp_path_factory.mktemp("bad") / "project")


def test_check_reports_each_bad_file_with_its_location(bad: Path):
    r = run_cli("check", cwd=bad, timeout=120)
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    if os.environ.get("UPDATE_GOLDEN"):
        EXPECTED.write_text(r.stdout, encoding="utf-8")
    assert r.stdout == EXPECTED.read_text(encoding="utf-8")
    assert not (bad / "pwned").exists()
    # every bad file is named, each error line has path:line
    for name in ("python-object", "python-name", "custom-tag", "billion-laughs", "merge-key",
                 "deep-nesting", "deep-mapping", "too-big", "latin-1", "utf-16", "nul-byte", "control-char",
                 "duplicate-key", "duplicate-nested-key", "tab-indent", "two-documents"):
        assert f"concepts/{name}.yaml:" in r.stdout, name
    for line in r.stdout.splitlines():
        if ": error: " in line:
            assert line.split(": error: ")[0].split(":")[1].isdigit(), line


def test_strict_build_fails_with_the_same_errors(bad: Path):
    # The last good build is kept: the check runs before MkDocs empties the site folder.
    (bad / "site").mkdir(exist_ok=True)
    (bad / "site" / "index.html").write_text("the last good build\n", encoding="utf-8")
    r = mkdocs_build(bad)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if ": error: " in line:
            assert f"ERROR   -  conceptwiki: {line}" in r.stderr, line
    assert not (bad / "pwned").exists()
    # It stops before rendering, saying so, instead of failing after every page is written.
    assert "Aborted with 26 content problem(s) in strict mode" in r.stderr
    assert not list((bad / "site").glob("concepts/*/index.html"))
    assert (bad / "site" / "index.html").read_text(encoding="utf-8") == "the last good build\n"
