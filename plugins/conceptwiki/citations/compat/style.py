"""A parsed CSL style (:class:`CompatStyle`) and what can be read from a style file.

:func:`load_style` parses a style with :data:`.parser.PARSER`, so that its
elements carry the fixes, and reads once what every render needs from the
locale: the quote terms and ``punctuation-in-quote``. A dependent style has
no layout of its own: :func:`independent_parent` names its parent and
:func:`style_info` reads its own title and default locale.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal, TypedDict

from lxml import etree

from .csl import CSL_NS, NS
from .formatting import term_text
from .output import finalize
from .parser import PARSER, Style, parse
from .richtext import FORMATTER

__all__ = ["CompatStyle", "StyleInfo", "independent_parent", "is_note_style", "load_style", "style_info",
           "style_title"]


class CompatStyle:
    """A parsed CSL style whose elements carry the citeproc-js fixes.

    ``source`` is a path to a ``.csl`` file or the XML itself (text or
    bytes); ``locale`` overrides the style's ``default-locale``.
    """

    def __init__(self, source: str | bytes | Path, locale: str | None = None):
        is_xml = isinstance(source, bytes) or (isinstance(source, str) and source.lstrip().startswith("<"))
        if not is_xml and isinstance(source, (str, Path)) and Path(str(source)).is_file():
            self.xml = parse(source)
        elif is_xml:
            data = source.encode("utf-8") if isinstance(source, str) else source
            self.xml = etree.ElementTree(etree.fromstring(data, PARSER))
        else:
            raise ValueError(f"not a CSL style file or XML: {source!r}")
        self.root: Style = self.xml.getroot()
        if not isinstance(self.root, Style):
            raise ValueError("not a CSL style (root element is not cs:style)")
        self.root.formatter = FORMATTER
        self.locale: str = locale or self.root.get("default-locale") or "en-US"
        self.root.set_locale_list(self.locale)
        self._locales = self.root._compat_locales
        open_q, close_q, open_iq, close_iq = (
            term_text(self.root, n) for n in ("open-quote", "close-quote", "open-inner-quote", "close-inner-quote")
        )
        self.quotes = (open_q, close_q, open_iq, close_iq)
        piq = None
        for loc in self._locales:
            opts = loc.find("cs:style-options", NS)
            if opts is not None and opts.get("punctuation-in-quote") is not None:
                piq = opts.get("punctuation-in-quote")
                break
        self.punctuation_in_quote = (piq or "false").lower() == "true"

    def finalize(self, text: object, fmt: str) -> str:
        """A rendered marker string as ``fmt`` ("text" or "html") output, with this style's quotes."""
        return finalize(text, fmt, quotes=self.quotes, punctuation_in_quote=self.punctuation_in_quote)


def load_style(source: str | bytes | Path, locale: str | None = None) -> CompatStyle:
    """Parse a CSL style (path or XML text) for rendering with the fixes."""
    return CompatStyle(source, locale)


def independent_parent(path: str | Path) -> str | None:
    """Name of the independent parent of a dependent style, else None."""
    for _, el in etree.iterparse(str(path), tag="{%s}link" % CSL_NS):
        if el.get("rel") == "independent-parent":
            parent: str | None = el.get("href", "").rstrip("/").rsplit("/", 1)[-1] or None
            return parent
    return None


#: What :func:`style_info` reads from a style file (None: not given).
StyleInfo = TypedDict("StyleInfo", {"title": str | None, "title-short": str | None, "default-locale": str | None})


def style_info(path: str | Path) -> StyleInfo:
    """title, title-short and default-locale of a style file (also of a
    dependent style, which has no layout of its own)."""
    root = etree.parse(str(path)).getroot()
    out: StyleInfo = {"title": None, "title-short": None, "default-locale": root.get("default-locale")}
    info = root.find("{%s}info" % CSL_NS)
    if info is not None:
        keys: tuple[Literal["title"], Literal["title-short"]] = ("title", "title-short")
        for key in keys:
            el = info.find("{%s}%s" % (CSL_NS, key))
            if el is not None and el.text:
                out[key] = el.text.strip()
    return out


def style_title(style: CompatStyle, short: bool = False) -> str:
    """The style's title (``short``: its short title, if it has one)."""
    info = style.root.find("cs:info", NS)
    el = info.find("cs:title-short", NS) if (short and info is not None) else None
    if el is None and info is not None:
        el = info.find("cs:title", NS)
    title: str = (el.text or "").strip() if el is not None else ""
    return title


def is_note_style(style: CompatStyle) -> bool:
    """Whether the style is a note style (its citations are footnotes)."""
    note: bool = style.root.get("class") == "note"
    return note

