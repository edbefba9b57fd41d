"""Last-commit dates of entry files, read from git in one pass. Nothing here imports MkDocs."""

from __future__ import annotations

import datetime as _dt
import subprocess
from pathlib import Path

__all__ = ["last_commit_dates", "changed_files", "file_recency"]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        # File names are bytes: one that is not UTF-8 (a Latin-1 'bêta.yaml') is decoded as
        # Python decodes it in os.listdir, not a UnicodeDecodeError for the whole command.
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              encoding="utf-8", errors="surrogateescape", timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None


def last_commit_dates(root: Path | str, folder: str) -> tuple[dict[str, _dt.date], str | None]:
    """Map each file under ``folder`` (paths relative to ``root``) to the date of the last
    commit that changed it.

    Returns ``(dates, note)``: ``note`` says why dates are missing (no git, not a repository,
    a shallow clone whose history is cut) so the caller can log it once; it is ``None`` when
    the history is complete.
    """
    root = Path(root)
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return {}, "git is not installed; 'Last updated' comes from the entries' 'updated:' field"
    if top.returncode != 0:
        return {}, "not a git repository; 'Last updated' comes from the entries' 'updated:' field"
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is not None and shallow.stdout.strip() == "true":
        return {}, ("shallow git clone: the history is incomplete, so 'Last updated' comes from "
                    "the entries' 'updated:' field (fetch with --unshallow or fetch-depth: 0)")
    log = _git(root, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--relative",
               "--", folder)
    if log is None or log.returncode != 0:
        return {}, "could not read the git history; 'Last updated' comes from 'updated:'"
    dates: dict[str, _dt.date] = {}
    current: _dt.date | None = None
    for line in log.stdout.splitlines():
        if line.startswith("\x00"):
            try:
                current = _dt.date.fromisoformat(line[1:].strip())
            except ValueError:
                current = None
        elif line and current is not None and line not in dates:
            dates[line] = current  # newest first: the first date seen is the last change
    return dates, None


def changed_files(root: Path | str, folder: str) -> set[str]:
    """Files under ``folder`` (relative to ``root``) that ``git status`` lists as changed or
    new. Empty without git or outside a repository."""
    root = Path(root)
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames",
                  "--", folder)
    if status is None or status.returncode != 0:
        return set()
    prefix = _git(root, "rev-parse", "--show-prefix")
    here = prefix.stdout.strip() if prefix is not None and prefix.returncode == 0 else ""
    out = set()
    for item in status.stdout.split("\0"):
        path = item[3:]
        if len(item) > 3 and path.startswith(here):
            out.add(path[len(here):])
    return out


def file_recency(root: Path | str, folder: str,
                 dates: dict[str, _dt.date] | None = None) -> dict[str, tuple[int, str, int]]:
    """How recently each file under ``folder`` changed, as a sortable key (newest largest):
    files ``git status`` lists as changed first, then the date of the last commit that
    changed the file (``dates``, from :func:`last_commit_dates`), then, outside git, the
    modification time. A clash between two entries' names is reported on the newer one,
    the file that introduced it, which a pull request's annotations then show inline."""
    root = Path(root)
    changed = changed_files(root, folder)
    dates = dates if dates is not None else last_commit_dates(root, folder)[0]
    out: dict[str, tuple[int, str, int]] = {}
    base = root / folder
    if not base.is_dir():
        return out
    for file in base.iterdir():
        rel = f"{folder.strip('/')}/{file.name}"
        if rel in changed or not dates:
            try:
                mtime = file.stat().st_mtime_ns
            except OSError:
                mtime = 0
            out[rel] = (1 if rel in changed else 0, "", mtime)
        else:
            day = dates.get(rel)
            out[rel] = (0, day.isoformat() if day else "", 0)
    return out
