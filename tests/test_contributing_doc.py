"""CONTRIBUTING.md works when followed literally: every fenced ``sh`` block is run, line by
line, in a fresh copy of the repository; every ``yaml`` block is checked and formatted as an
entry; every ``bibtex`` block is parsed and follows the rules stated next to it.

A block may be marked by an HTML comment on the line before it:
``<!-- doc-test: skip: REASON -->`` (not run, e.g. it needs the network or starts a server;
the reason is shown as the skip reason) or ``<!-- doc-test: fails: REASON -->`` (a command in
it is expected to fail there, as the text explains). Every other command must succeed, and no
command may print a Python traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conceptwiki.bibtex import load_bib_string

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DOC = ROOT / "CONTRIBUTING.md"
_BLOCK = re.compile(r"(?:^[ \t]*<!-- doc-test: (skip|fails): (.*?) -->\n)?^([ \t]*)```(sh|yaml|bibtex)\n(.*?)^\3```",
                    re.M | re.S)


def blocks() -> list[tuple[str, str, str, str, int]]:
    """(language, marker, reason, text, line) of every fenced block the test runs."""
    text = DOC.read_text(encoding="utf-8")
    out = []
    for m in _BLOCK.finditer(text):
        indent = m.group(3)
        body = "".join(line[len(indent):] if line.startswith(indent) else line
                       for line in m.group(5).splitlines(keepends=True))
        out.append((m.group(4), m.group(1) or "", m.group(2) or "", body,
                    text.count("\n", 0, m.start(4)) + 1))
    return out


BLOCKS = blocks()


def test_the_doc_has_blocks_of_each_kind():
    assert {b[0] for b in BLOCKS} == {"sh", "yaml", "bibtex"}
    assert len([b for b in BLOCKS if b[0] == "sh"]) >= 4


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory) -> Path:
    """The repository's files as a contributor's clone has them (git ls-files), with this
    checkout's .venv linked in (make install is one of the skipped commands)."""
    dest = tmp_path_factory.mktemp("clone") / "repo"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    (dest / ".venv").symlink_to(BIN.parent)
    return dest


def _run_line(cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.mark.parametrize("block", [b for b in BLOCKS if b[0] == "sh"], ids=lambda b: f"line{b[4]}")
def test_sh_block(block, fresh_copy: Path):
    _, marker, reason, text, line = block
    if marker == "skip":
        pytest.skip(f"CONTRIBUTING.md:{line}: {reason}")
    commands = [c.split("  #")[0].strip() for c in text.splitlines() if c.strip() and not c.startswith("#")]
    results = [(c, _run_line(c, fresh_copy)) for c in commands]
    for c, r in results:
        assert "Traceback (most recent call last)" not in r.stdout + r.stderr, c
    failed = [(c, r) for c, r in results if r.returncode != 0]
    if marker == "fails":
        assert failed, f"CONTRIBUTING.md:{line}: expected a command to fail ({reason})"
        for c, r in failed:  # it fails the way the doc says: with located problems
            assert re.search(r"^concepts/[\w-]+\.yaml:\d+:\d+: (error|warning): ", r.stdout + r.stderr, re.M), (
                c, r.stdout, r.stderr)
    else:
        assert not failed, "\n".join(f"CONTRIBUTING.md:{line}: `{c}` exited {r.returncode}:\n{r.stdout}{r.stderr}"
                                     for c, r in failed)


def test_new_creates_the_example_entry(fresh_copy: Path):
    """The `new` example ran (in order, the blocks above share one copy) and made a file."""
    new = next(b for b in BLOCKS if b[0] == "sh" and "conceptwiki new " in b[3])
    slug = re.search(r"conceptwiki new ([\w-]+)", new[3]).group(1)
    assert not (ROOT / "concepts" / f"{slug}.yaml").exists(), "the example's slug is taken"
    assert (fresh_copy / "concepts" / f"{slug}.yaml").is_file()


@pytest.mark.parametrize("block", [b for b in BLOCKS if b[0] == "yaml"], ids=lambda b: f"line{b[4]}")
def test_yaml_block_is_a_valid_formatted_entry(block, tmp_path: Path):
    _, marker, reason, text, line = block
    if marker == "skip":
        pytest.skip(f"CONTRIBUTING.md:{line}: {reason}")
    root = tmp_path / "wiki"
    shutil.copytree(ROOT / "concepts", root / "concepts")
    shutil.copytree(ROOT / "bib", root / "bib")
    title = re.search(r"^title: (.*)$", text, re.M).group(1)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    (root / "concepts" / f"{slug}.yaml").write_text(text, encoding="utf-8")
    check = subprocess.run([str(BIN / "conceptwiki"), "check", "--strict", "--root", str(root)],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run([str(BIN / "conceptwiki"), "fmt", "--check", f"concepts/{slug}.yaml"],
                         cwd=root, capture_output=True, text=True, timeout=300)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.parametrize("block", [b for b in BLOCKS if b[0] == "bibtex"], ids=lambda b: f"line{b[4]}")
def test_bibtex_block_parses_and_follows_the_rules(block):
    _, marker, reason, text, line = block
    if marker == "skip":
        pytest.skip(f"CONTRIBUTING.md:{line}: {reason}")
    sources, problems = load_bib_string(text, "example.bib")
    assert not problems, [str(p) for p in problems]
    for source in sources:
        assert re.fullmatch(r"[a-z]+(\d{4})?[a-z]+", source.key), source.key  # lastnameYEARword
        title = source.fields["title"]
        for after_colon in re.findall(r": (\S)", title):  # "Capitalize the first word after a colon"
            assert after_colon.isupper() or after_colon == "{", title
