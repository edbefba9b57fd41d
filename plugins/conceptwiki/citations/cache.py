"""Rendered citations kept on disk from one build to the next.

Rendering a citation is a pure function of the CSL-JSON item, the style and locale files and
this code, so a build can start from the renderings of the last one and render only items
that are new or changed. The cache file is named after a hash of everything the output
depends on (the style files, citeproc-py's version and locales, and the source of this
package's engine and of every module of its compatibility layer), so it never serves a
rendering made by other code or another style: a change to any of them simply starts a new
file. Nothing here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["DiskCache", "cache_folder"]

FORMAT = 1
#: Cache files not used for this long are removed when a new one is written.
STALE_DAYS = 30


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/conceptwiki`` (``~/.cache/conceptwiki`` when it is not set)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "conceptwiki"


def _namespace(engine) -> str:
    import citeproc

    from . import compat

    h = hashlib.sha256()
    h.update(f"format {FORMAT}\0citeproc-py {getattr(citeproc, '__version__', '?')}\0".encode())
    # every module of the compatibility layer, in sorted order, then the engine
    layer = sorted(Path(compat.__file__).parent.glob("*.py"))
    for module in [*layer, Path(__file__).with_name("engine.py")]:
        h.update(f"{module.name}\0".encode())
        h.update(module.read_bytes())
    locales = Path(compat.LOCALES_PATH)
    for path in sorted(locales.glob("*.xml")):
        st = path.stat()
        h.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    for style in sorted(engine.style_names()):
        h.update(f"style {style}\0".encode())
        for path in engine.style_files(style):
            h.update(path.read_bytes())
    return h.hexdigest()[:32]


class DiskCache:
    """The renderings of ``engine`` saved in ``folder`` (see the module doc)."""

    def __init__(self, engine, folder: Path | None = None):
        self.engine = engine
        self.folder = Path(folder) if folder is not None else cache_folder()
        self.path = self.folder / f"citations-{_namespace(engine)}.pickle"
        self.loaded = 0
        self.written = 0

    def load(self) -> int:
        """Give the engine what the last build rendered; the number of renderings."""
        try:
            with open(self.path, "rb") as fh:
                data = pickle.load(fh)
        except FileNotFoundError:
            return 0
        except Exception:  # unreadable or from another version: start afresh
            return 0
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), dict):
            return 0
        self.engine.preload(data["entries"])
        self.loaded = self.written = len(data["entries"])
        return self.loaded

    def save(self, extra: dict[tuple, Any] | None = None) -> None:
        """Write the engine's renderings (and ``extra``, from worker processes) for the next
        build. Raises OSError if the folder cannot be written."""
        entries = self.engine.cache_entries()
        if extra:
            for key, value in extra.items():
                entries.setdefault(key, value)
        if len(entries) == self.written:
            return  # nothing new since the last save (mkdocs serve rebuilds)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".citations-", suffix=".part", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"format": FORMAT, "entries": entries}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
            self.written = len(entries)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._prune()

    def _prune(self) -> None:
        import time

        cutoff = time.time() - STALE_DAYS * 86400
        for path in self.folder.glob("citations-*.pickle"):
            try:
                if path != self.path and path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                pass
