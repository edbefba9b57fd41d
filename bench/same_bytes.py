"""Build the site with two versions of the plugin's code and compare the output byte for byte.

    python bench/same_bytes.py [--base REV] [--n 1000] [--cli]

Builds, in one run, with the code of ``--base`` (a git revision, checked out into a temporary
worktree) and with the code of the working tree:

* this repository's own content (each version builds its own checkout's ``mkdocs.yml``,
  ``concepts/``, ``bib/`` and ``docs/``);
* a ``bench/generate.py`` corpus of ``--n`` entries (one project, built by both versions).

Each build runs ``mkdocs build`` in a child process with ``PYTHONPATH`` set to that version's
``plugins/`` folder (the plugin's entry point, ``conceptwiki.plugin:ConceptWikiPlugin``, is
the same in both), ``SOURCE_DATE_EPOCH`` fixed and a private citation cache. With ``--cli``
it also writes ``conceptwiki build --out`` of the repository with both versions.
Prints every differing or missing file and exits 1 if there is one. This is how a
restructuring is shown to change no output (issue 13).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1780000000"


def _env(code: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code / "plugins")
    env["SOURCE_DATE_EPOCH"] = EPOCH
    env["XDG_CACHE_HOME"] = str(cache)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("CONCEPTWIKI_TIMINGS", None)
    return env


def _mkdocs_build(project: Path, out: Path, code: Path, cache: Path) -> None:
    exe = Path(sys.executable).parent / "mkdocs"
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "mkdocs"]),
           "build", "-q", "-d", str(out)]
    proc = subprocess.run(cmd, cwd=project, env=_env(code, cache), capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"mkdocs build failed in {project} with {code}:\n{proc.stderr[-3000:]}")


def _cli_build(project: Path, out: Path, code: Path, cache: Path) -> None:
    cmd = [sys.executable, "-c", "import sys; from conceptwiki.cli import main; sys.exit(main())",
           "build", "--out", str(out)]
    proc = subprocess.run(cmd, cwd=project, env=_env(code, cache), capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"conceptwiki build failed in {project} with {code}:\n{proc.stderr[-3000:]}")


def _diff(a: Path, b: Path, rel: str = "") -> list[str]:
    out: list[str] = []
    cmp = filecmp.dircmp(a, b)
    out += [f"only in base: {rel}{n}" for n in cmp.left_only]
    out += [f"only in new:  {rel}{n}" for n in cmp.right_only]
    for name in cmp.common_files:
        if not filecmp.cmp(a / name, b / name, shallow=False):
            out.append(f"differs:      {rel}{name}")
    for name in cmp.common_dirs:
        out += _diff(a / name, b / name, f"{rel}{name}/")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--n", type=int, default=1000, help="entries in the generated corpus (0: none)")
    parser.add_argument("--cli", action="store_true", help="also compare `conceptwiki build --out`")
    parser.add_argument("--keep", type=Path, help="keep the builds in this folder")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="same-bytes-"))
    base = tmp / "base-code"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base), args.base],
                   check=True)
    problems: list[str] = []
    try:
        versions = {"base": base, "new": ROOT}
        for label, code in versions.items():
            cache = tmp / f"cache-{label}"
            _mkdocs_build(code, tmp / label / "repo", code, cache)
            if args.cli:
                _cli_build(code, tmp / label / "repo-cli", code, cache)
        if args.n:
            sys.path.insert(0, str(ROOT / "bench"))
            from generate import generate

            project = tmp / "corpus"
            generate(project, args.n, 0)
            for label, code in versions.items():
                _mkdocs_build(project, tmp / label / f"corpus-{args.n}", code, tmp / f"cache-{label}")
        problems = _diff(tmp / "base", tmp / "new")
        files = sum(1 for p in (tmp / "new").rglob("*") if p.is_file())
        print(f"{files} files compared (base {args.base}, new: working tree)")
        for line in problems:
            print(line)
        print("identical" if not problems else f"{len(problems)} differences")
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns("base-code"))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
