"""Rendered citations kept on disk from one build to the next.

Rendering a citation is a pure function of the CSL-JSON item, the style and locale files and
this code, so a build can start from the renderings of the last one and render only items
that are new or changed. The cache file is named after a hash of everything the output
depends on (the style files, the locale files, citeproc-py's version, the Unicode version
of Python's string functions and the source of this package), so it never serves a
rendering made by other code or another style: a change to any of them simply starts a new
file. Contents, not modification times, are hashed, so a cache restored into a fresh
checkout and virtual environment (CI) is still used.

The file is plain JSON, never a pickle: a cache folder restored in CI, or written by
someone else, can at worst make a build render afresh; reading it cannot run code. Each
entry's key and value are checked against the shape the engine gives them (``_KINDS``), so
a file that is truncated, corrupt or not one this version wrote is ignored as a whole, with
a message, and replaced at the end of the build. Files are replaced in one step
(:func:`conceptwiki.files.write_atomic`), so a build that stops half-way leaves the last
good file. Measured on the cache of a ``bench/generate.py`` corpus of 1,000 entries (8,582
renderings, 2 busy CPUs): 1.9 MB of JSON instead of the 4.6 MB pickle of format 1 (the item
JSON in the keys is written once per item, not once per key); loading takes about 60 ms
instead of 25 and saving about 55 ms instead of 35, against 30 s or more for the build.
SQLite was slower for both (one JSON value per row: 140 ms to load, 340 ms to write), and a
build reads and writes the whole cache anyway. Nothing here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..files import write_atomic
from .engine import CacheKey, CacheValue, CitationEngine, SortValue, locales_dir

__all__ = ["DiskCache", "CacheFileError", "cache_folder", "decode", "encode", "namespace"]

#: Version of the file layout (1 was a pickle, never read again).
FORMAT = 2
#: Cache files not used for this long are removed when a new one is written.
STALE_DAYS = 30
_PREFIX = "citations-"
#: File names this module has written, the current one and earlier ones, for pruning.
_PATTERNS = ("citations-*.json", "citations-*.pickle")


class CacheFileError(ValueError):
    """A cache file that cannot be used (message: why, in a few words)."""


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/conceptwiki`` (``~/.cache/conceptwiki`` when it is not set)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "conceptwiki"


def namespace(engine: CitationEngine) -> str:
    """A hash of everything ``engine``'s renderings depend on besides the items."""
    import citeproc

    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)

    add("format", str(FORMAT).encode())
    add("citeproc-py", str(getattr(citeproc, "__version__", "?")).encode())
    add("unicode", unicodedata.unidata_version.encode())  # case mapping, collation keys
    package = Path(__file__).resolve().parent  # the engine and the compatibility layer
    for path in sorted(package.rglob("*.py")):
        add(f"source {path.relative_to(package).as_posix()}", path.read_bytes())
    for path in sorted(locales_dir().glob("*.xml")):
        add(f"locale {path.name}", path.read_bytes())
    for style in sorted(engine.style_names()):
        for path in engine.style_files(style):
            add(f"style {style}", path.read_bytes())
        add(f"locale of {style}", engine.style_locale(style).encode())
    return h.hexdigest()[:32]


# -- the file's layout ------------------------------------------------------------------
#
# {"format": 2, "namespace": "<hash>", "items": [item JSON, ...],
#  "entries": [[style, fmt, kind, item, *rest, value], ...]}
#
# ``item`` is the index of the item's JSON in ``items`` (a list of indexes for ``biblist``).
# ``rest`` and ``value`` depend on the kind, as the engine makes them (CitationEngine:
# bibliography_parts, bibliography_sort_strings, year_suffix_group, bibliography, note).
# JSON has no tuples: the checks below give back the tuples the engine made. They compare
# exact types (``type(v) is int``), which JSON gives and which tells ``true`` from ``1``;
# written out per kind, they take about as long again as ``json.loads`` itself.

_FORMATS = ("text", "html")
_OPT_STR = (str, type(None))


def _bibparts(rest: list[Any], v: Any) -> CacheValue:
    # key: year_suffix, substitute, citation_number; value: (entry, names)
    if (len(rest) == 3 and type(rest[0]) in _OPT_STR and type(rest[1]) is bool and type(rest[2]) in _OPT_STR
            and type(v) is list and len(v) == 2 and type(v[0]) in _OPT_STR and type(v[1]) in _OPT_STR):
        return (v[0], v[1])
    raise CacheFileError("a bibliography entry is malformed")


def _sort_value(v: Any) -> SortValue:
    if type(v) in _OPT_STR:
        value: str | None = v
        return value
    if type(v) is list and v:
        types = set(map(type, v))
        if types == {str} or types == {int}:
            return tuple(v)
    raise CacheFileError("a sort value is neither text, a date nor a number")


def _sortstrings(rest: list[Any], v: Any) -> CacheValue:
    if not rest and type(v) is list:
        return [_sort_value(x) for x in v]
    raise CacheFileError("sort values are malformed")


def _ysgroup(rest: list[Any], v: Any) -> CacheValue:
    if not rest and type(v) in _OPT_STR:
        group: str | None = v
        return group
    raise CacheFileError("a year-suffix group is malformed")


def _biblist(rest: list[Any], v: Any) -> CacheValue:
    if not rest and type(v) is list and all(type(x) is list and len(x) == 2 and type(x[0]) is str
                                            and type(x[1]) is str for x in v):
        return [(x[0], x[1]) for x in v]
    raise CacheFileError("a bibliography is malformed")


def _note(rest: list[Any], v: Any) -> CacheValue:
    # key: position, locator, label (None without a locator), first note number
    if (len(rest) == 4 and type(rest[0]) is str and type(rest[1]) in _OPT_STR and type(rest[2]) in _OPT_STR
            and type(rest[3]) is int and type(v) is str):
        note: str = v
        return note
    raise CacheFileError("a note is malformed")


#: For each kind of key: whether it is for a list of items, and what checks the key's parts
#: after the item and makes the value from its JSON (raising CacheFileError).
_KINDS: dict[str, tuple[bool, Callable[[list[Any], Any], CacheValue]]] = {
    "bibparts": (False, _bibparts),
    "sortstrings": (False, _sortstrings),
    "ysgroup": (False, _ysgroup),
    "biblist": (True, _biblist),
    "note": (False, _note),
}


def encode(entries: dict[CacheKey, CacheValue], space: str) -> str:
    """The file's text for ``entries`` (as :meth:`CitationEngine.cache_entries` gives them)
    under the namespace ``space``. Keys of a kind :data:`_KINDS` does not know are left out."""
    items: dict[str, int] = {}
    rows: list[list[Any]] = []
    for key, value in entries.items():
        if len(key) < 4 or key[2] not in _KINDS:
            continue
        item = key[3]
        if type(item) is str:
            ref: int | list[int] = items.setdefault(item, len(items))
        elif type(item) is tuple:
            ref = [items.setdefault(i, len(items)) for i in item]
        else:
            continue
        rows.append([key[0], key[1], key[2], ref, *key[4:], value])
    return json.dumps({"format": FORMAT, "namespace": space, "items": list(items), "entries": rows},
                      separators=(",", ":"))


def decode(raw: bytes, space: str) -> dict[CacheKey, CacheValue]:
    """The entries of a file's contents, checked. Raises :class:`CacheFileError` if it is
    not JSON, not a cache file of this format and namespace, or any entry is malformed."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep
        raise CacheFileError("not valid JSON (truncated or corrupt)") from None
    if type(data) is not dict or data.get("format") != FORMAT:
        raise CacheFileError(f"not a citation cache in format {FORMAT}")
    if data.get("namespace") != space:
        raise CacheFileError("made for other styles, locales or code")
    items, rows = data.get("items"), data.get("entries")
    if type(items) is not list or any(type(i) is not str for i in items) or type(rows) is not list:
        raise CacheFileError("no list of items and entries")
    texts: list[str] = items
    n = len(texts)
    out: dict[CacheKey, CacheValue] = {}
    for row in rows:
        if type(row) is not list or len(row) < 5:
            raise CacheFileError("an entry is not a list")
        style, fmt, kind, ref, rest, value = row[0], row[1], row[2], row[3], row[4:-1], row[-1]
        shape = _KINDS.get(kind) if type(kind) is str else None
        if type(style) is not str or fmt not in _FORMATS or shape is None:
            raise CacheFileError("an entry has no known style, format and kind")
        is_list, make = shape
        if not is_list and type(ref) is int and 0 <= ref < n:
            refs: str | tuple[str, ...] = texts[ref]
        elif is_list and type(ref) is list and all(type(r) is int and 0 <= r < n for r in ref):
            refs = tuple(texts[r] for r in ref)
        else:
            raise CacheFileError("an entry refers to no item")
        out[(style, fmt, kind, refs, *rest)] = make(rest, value)
    return out


class DiskCache:
    """The renderings of ``engine`` saved in ``folder`` (see the module doc).

    ``note`` is told, in one line, why a cache file was ignored (MkDocs' logger in the
    plugin); by default this module's logger at level INFO.
    """

    def __init__(self, engine: CitationEngine, folder: Path | None = None, *,
                 note: Callable[[str], None] | None = None) -> None:
        self.engine = engine
        self.folder = Path(folder) if folder is not None else cache_folder()
        self.namespace = namespace(engine)
        self.path = self.folder / f"{_PREFIX}{self.namespace}.json"
        self.note = note if note is not None else logging.getLogger(__name__).info
        self.loaded = 0
        self.written = 0

    def load(self) -> int:
        """Give the engine what the last build rendered; the number of renderings. A file
        that cannot be used is ignored (and :attr:`note` told why)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return 0
        except OSError as exc:
            self.note(f"citation cache {self.path} ignored: it cannot be read ({exc.strerror or exc})")
            return 0
        try:
            entries = decode(raw, self.namespace)
        except CacheFileError as exc:
            self.note(f"citation cache {self.path} ignored: {exc}; it will be written afresh")
            return 0
        self.engine.preload(entries)
        self.loaded = self.written = len(entries)
        return self.loaded

    def save(self, extra: dict[CacheKey, CacheValue] | None = None) -> None:
        """Write the engine's renderings (and ``extra``, from worker processes) for the next
        build. Raises OSError if the folder cannot be written."""
        if not extra and self.engine.cache_size() == self.written:
            return  # nothing new since the last save (mkdocs serve rebuilds): no copy made
        entries = self.engine.cache_entries()
        if extra:
            for key, value in extra.items():
                entries.setdefault(key, value)
        if len(entries) == self.written:
            return  # nothing new since the last save (mkdocs serve rebuilds)
        write_atomic(self.path, encode(entries, self.namespace), make_parents=True)
        self.written = len(entries)
        self._prune()

    def _prune(self) -> None:
        cutoff = time.time() - STALE_DAYS * 86400
        for pattern in _PATTERNS:
            for path in self.folder.glob(pattern):
                try:
                    if path != self.path and path.stat().st_mtime < cutoff:
                        path.unlink()
                except OSError:
                    pass
