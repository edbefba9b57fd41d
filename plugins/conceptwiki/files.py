"""Writing files in one step: a reader (or a crash) never sees half a file.

Every file the project writes for a contributor (``fmt``, ``new``, ``conceptwiki build --out``)
or for the next build (the citation cache) goes through :func:`write_atomic`: the text is
written to a temporary file in the same folder, flushed, and renamed over the target (or, for
a new file, linked to it, which fails if the file appeared meanwhile). Nothing imports MkDocs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: str | bytes, *, new: bool = False, keep_mode: bool = False,
                 make_parents: bool = False) -> None:
    """Write ``data`` to ``path`` in one step (text as UTF-8 with ``\\n`` line ends).

    ``new``: create the file, raising :class:`FileExistsError` if it exists (never
    overwrites). ``keep_mode``: replace an existing file (through a symbolic link, the file
    it points to), keeping its permissions. ``make_parents``: create missing folders.
    """
    target = Path(os.path.realpath(path)) if keep_mode else Path(path)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o7777 if keep_mode else None
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        if not new:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)  # atomic, and fails if the file exists
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system
            if target.exists():
                raise FileExistsError(str(target)) from None
            os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
