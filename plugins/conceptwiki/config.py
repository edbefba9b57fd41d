"""The site's configuration, read once from ``mkdocs.yml``, with every default in one place.

The MkDocs plugin gets ``mkdocs.yml`` already parsed by MkDocs; the command line reads it
itself (leniently: it must not need MkDocs, and tags such as ``!ENV`` are ignored). Both hand
the same top-level settings and the ``conceptwiki`` plugin's options to :func:`site_config`,
so that ``mkdocs build`` and ``conceptwiki build`` render from the same :class:`SiteConfig`.
The plugin's option defaults (:data:`PLUGIN_DEFAULTS`) are also the MkDocs ``Config``
class's defaults (``plugin/config.py``). Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from .citations.engine import DEFAULT_STYLES

if TYPE_CHECKING:  # the build's facts; the history stage fills them in
    from .history.fingerprint import History

__all__ = ["SiteConfig", "HeadingLinks", "PLUGIN_DEFAULTS", "ConfigError", "site_config", "read_mkdocs_yml",
           "build_date", "DEFAULT_STYLES"]

#: The ``conceptwiki`` plugin's options and their defaults (``plugins: - conceptwiki: ...``).
PLUGIN_DEFAULTS: dict[str, Any] = {
    "concepts_dir": "concepts",
    "bib_dir": "bib",
    "instruments_dir": "instruments",  # policy instruments; optional folder
    "publisher": None,          # the site's name
    "styles": list(DEFAULT_STYLES),
    "default_style": None,      # the first of ``styles``
    "templates_dir": None,
    "search": "pagefind",
    "serve_search": False,
    "workers": "auto",
    "cache": True,
    # The content guard of `check` (model/guards.py): entries created on or after
    # min_details_since (YYYY-MM-DD; every entry when unset) need `details` of at least
    # min_details_words words. 0 requires nothing.
    "min_details_words": 0,
    "min_details_since": None,
    "locales": {},              # style -> CSL locale (e.g. en-GB), overriding the style's own
}


def build_date(root: Path | str = ".") -> _dt.date:
    """The date a build stands for: ``SOURCE_DATE_EPOCH`` if set, else the date of the last
    commit, else today. Used as the accessed date shown before the browser sets today's."""

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date()
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=root, capture_output=True,
                             text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return _dt.date.fromisoformat(out.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    return _dt.date.today()


@dataclass(frozen=True)
class HeadingLinks:
    """The permalink Python-Markdown's ``toc`` extension adds to each heading (``permalink``,
    ``permalink_class``, ``permalink_title``, ``permalink_leading`` in ``mkdocs.yml``), so
    that headings of pre-rendered pages look like those of Markdown pages."""

    text: Markup = Markup("&para;")
    css_class: str = "headerlink"
    title: str = "Permanent link"
    leading: bool = False

    @classmethod
    def from_toc_config(cls, options: object) -> "HeadingLinks | None":
        """From the ``toc`` extension's options; None when it adds no permalinks."""
        if not isinstance(options, dict):
            return None
        permalink = options.get("permalink")
        if not permalink:
            return None
        text = Markup("&para;") if permalink is True else escape(str(permalink))
        css = options.get("permalink_class")
        title = options.get("permalink_title")
        return cls(text=text, css_class=str(css) if isinstance(css, str) else "headerlink",
                   title=str(title) if isinstance(title, str) else "Permanent link",
                   leading=bool(options.get("permalink_leading", False)))


@dataclass
class SiteConfig:
    """What every stage needs to know about the site: made from ``mkdocs.yml`` by
    :func:`site_config` (the plugin and the command line alike)."""

    name: str = "Concept wiki"
    url: str = ""
    publisher: str = ""
    directory_urls: bool = True
    concepts_dir: str = "concepts"
    bib_dir: str = "bib"
    instruments_dir: str = "instruments"
    templates_dir: str | None = None
    default_style: str = DEFAULT_STYLES[0]
    styles: list[str] = field(default_factory=lambda: list(DEFAULT_STYLES))
    repo_url: str = ""
    edit_uri: str = ""
    #: Folder of hand-written pages, relative to the project root (``docs_dir`` in mkdocs.yml).
    docs_dir: str = "docs"
    #: The date shown as "accessed" before the browser replaces it with today's date. Derived
    #: from SOURCE_DATE_EPOCH or the last commit, so that a commit always builds the same bytes.
    build_date: _dt.date = field(default_factory=lambda: _dt.date(2026, 1, 1))
    #: Last-commit date of each entry file (path relative to the project root), from git.
    git_dates: dict[str, _dt.date] = field(default_factory=dict)
    #: The fingerprints each entry has published (fingerprint.published_versions); when
    #: ``None`` only the current fingerprint is shown and recorded.
    versions: History | None = None
    #: Permalinks on the headings of pre-rendered pages (as the ``toc`` extension's).
    heading_links: HeadingLinks | None = None
    #: ``check``'s minimum length of ``details`` in words (0: none), for entries created on
    #: or after ``min_details_since`` (every entry when None).
    min_details_words: int = 0
    min_details_since: _dt.date | None = None
    #: The site's language (``theme.language`` in mkdocs.yml): the pages' metadata and the
    #: locale of a style that names none (see :func:`conceptwiki.citations.engine.style_locale`).
    language: str = "en"
    #: Locale per style set in mkdocs.yml (``locales: {oscola: en-GB}``); wins over all else.
    locales: dict[str, str] = field(default_factory=dict)
    #: Processes besides the build's own that render while it works (``workers``: a number,
    #: 0 for none; None for "auto", one fewer than the CPUs).
    workers: int | None = None


def site_config(root: Path, settings: Mapping[str, Any], options: Mapping[str, Any]) -> SiteConfig:
    """The :class:`SiteConfig` of the project at ``root``.

    ``settings`` are ``mkdocs.yml``'s top-level settings (``site_name``, ``site_url``,
    ``use_directory_urls``, ``repo_url``, ``edit_uri``, ``docs_dir``, ``markdown_extensions``'
    ``toc`` options as ``toc``); ``options`` are the plugin's options (missing ones take
    :data:`PLUGIN_DEFAULTS`). The build's facts (``build_date``, ``git_dates``, ``versions``)
    are filled in by the pipeline.
    """
    opts = {**PLUGIN_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    _check_options(opts)
    name = settings.get("site_name") or SiteConfig.name
    styles = list(opts["styles"])
    templates = opts["templates_dir"]
    docs_dir = settings.get("docs_dir")
    return SiteConfig(
        name=name,
        url=settings.get("site_url") or "",
        publisher=opts["publisher"] or name,
        directory_urls=bool(settings.get("use_directory_urls", True)),
        concepts_dir=opts["concepts_dir"],
        bib_dir=opts["bib_dir"],
        instruments_dir=opts.get("instruments_dir") or "instruments",
        templates_dir=str(root / templates) if templates else None,
        default_style=opts["default_style"] or (styles[0] if styles else DEFAULT_STYLES[0]),
        styles=styles,
        repo_url=settings.get("repo_url") or "",
        edit_uri=settings.get("edit_uri") or "",
        docs_dir=docs_dir.strip() if isinstance(docs_dir, str) and docs_dir.strip() else "docs",
        heading_links=HeadingLinks.from_toc_config(settings.get("toc")),
        min_details_words=_int_option(opts["min_details_words"]),
        min_details_since=_date_option(opts["min_details_since"]),
        language=_language(settings.get("theme")),
        locales={str(k): str(v) for k, v in dict(opts["locales"] or {}).items()},
        workers=opts["workers"] if isinstance(opts["workers"], int) and not isinstance(opts["workers"], bool)
        and opts["workers"] >= 0 else None,
    )


class ConfigError(ValueError):
    """A plugin option in ``mkdocs.yml`` of the wrong type or form; the message names the
    option (``plugins.conceptwiki.styles: ...``) and what it must be."""


#: What each option must be: a test of the value and the words for the message. MkDocs
#: checks the types of most of them itself (``plugin/config.py``); the command line reads
#: ``mkdocs.yml`` without MkDocs, and a list where a name belongs (``concepts_dir: [a]``)
#: ended ``conceptwiki check`` with a TypeError traceback.
_OPTION_TYPES: dict[str, tuple[Any, str]] = {
    "concepts_dir": (lambda v: isinstance(v, str) and v.strip() != "", "a folder name"),
    "bib_dir": (lambda v: isinstance(v, str) and v.strip() != "", "a folder name"),
    "instruments_dir": (lambda v: isinstance(v, str) and v.strip() != "", "a folder name"),
    "publisher": (lambda v: v is None or isinstance(v, str), "text"),
    "styles": (lambda v: isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v),
               "a list of CSL style names, e.g. [apa, chicago-author-date]"),
    "default_style": (lambda v: v is None or isinstance(v, str), "a CSL style name"),
    "templates_dir": (lambda v: v is None or isinstance(v, str), "a folder name"),
    "search": (lambda v: v in ("pagefind", "material"), "'pagefind' or 'material'"),
    "serve_search": (lambda v: isinstance(v, bool), "true or false"),
    "cache": (lambda v: isinstance(v, bool), "true or false"),
    "workers": (lambda v: v == "auto" or (isinstance(v, int) and not isinstance(v, bool) and v >= 0),
                "'auto' or a number of processes (0 or more)"),
    "min_details_words": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                          "a whole number of words (0 or more)"),
    "min_details_since": (lambda v: v is None or _date_option(v) is not None, "a date written YYYY-MM-DD"),
    "locales": (lambda v: isinstance(v, Mapping) and all(isinstance(x, str) for x in v.values()),
                "a mapping of style names to CSL locales, e.g. {oscola: en-GB}"),
}


def _check_options(opts: Mapping[str, Any]) -> None:
    """Raise :class:`ConfigError` for the first option that is not what it must be."""
    for name, (ok, what) in _OPTION_TYPES.items():
        value = opts.get(name)
        if not ok(value):
            raise ConfigError(f"plugins.conceptwiki.{name}: {value!r} is not valid; it must be {what}")


def _int_option(value: Any) -> int:
    """A non-negative whole number from an option (anything else counts as 0)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _date_option(value: Any) -> _dt.date | None:
    """A date from an option written ``2026-12-01`` (YAML reads it as a date) or quoted."""
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _language(theme: object) -> str:
    """``theme.language`` (a theme given as a bare name has none: English)."""
    lang = theme.get("language") if isinstance(theme, Mapping) else None
    return lang.strip() if isinstance(lang, str) and lang.strip() else "en"


def read_mkdocs_yml(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(settings, options)`` for :func:`site_config` from a ``mkdocs.yml`` file, without
    MkDocs: tags such as ``!ENV`` or ``!!python/name`` are read as nothing. A missing or
    unreadable file gives ``({}, {})``, i.e. the defaults; one that is not valid YAML raises
    :class:`ConfigError`, which says where."""
    import yaml

    class _Lenient(yaml.SafeLoader):
        pass

    _Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}, {}
    except UnicodeDecodeError as exc:
        raise ConfigError(f"the file is not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset "
                          f"{exc.start}); save it as UTF-8") from None
    try:
        data = yaml.load(text, Loader=_Lenient) or {}
    except yaml.MarkedYAMLError as exc:
        # MkDocs fails on the same file; the command line says where instead of going on
        # with the defaults, which would make `check` pass where the build fails.
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(f"{where}invalid YAML: {exc.problem or exc.context}") from None
    except (yaml.YAMLError, ValueError) as exc:  # e.g. a date that does not exist: 2026-13-01
        raise ConfigError(f"invalid value: {exc}; quote it, or correct it") from None
    if not isinstance(data, dict):
        return {}, {}
    settings = {k: data.get(k) for k in ("site_name", "site_url", "use_directory_urls", "repo_url",
                                          "edit_uri", "docs_dir", "theme")
                if data.get(k) is not None}
    for ext in data.get("markdown_extensions") or []:
        if isinstance(ext, dict) and "toc" in ext:
            settings["toc"] = ext["toc"]
    options: dict[str, Any] = {}
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and "conceptwiki" in plugin:
            given = plugin["conceptwiki"] or {}
            if not isinstance(given, dict):
                raise ConfigError(f"plugins.conceptwiki: {given!r} is not valid; the plugin's options "
                                  "are a mapping (indented 'name: value' lines under '- conceptwiki:')")
            options = dict(given)
    return settings, options
