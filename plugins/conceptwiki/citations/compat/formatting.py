"""What every element class gets: formatting, affixes, delimiters, quotes,
cached look-ups, and the rich-text pass for text from the data.

:class:`Formatting` is mixed into each of citeproc-py's element classes
(``class Text(Formatting, citeproc.model.Text)``):

* formatting attributes (``font-style``, ...), ``quotes``, affixes and
  ``display`` become the markers of :mod:`.richtext` instead of citeproc-py's
  formatter calls; ``display`` produces citeproc-js's ``csl-block`` /
  ``csl-left-margin`` / ``csl-right-inline`` / ``csl-indent`` blocks;
* speed: macro, term, date-format and option look-ups are cached per style
  (citeproc-py ran an XPath query for each, on every render);
* :func:`rich` is citeproc-js ``Queue.append`` for a string: its spacing fixes
  (a narrow no-break space before ``:;?!»`` and after ``«``), then
  :class:`.flipflop.FlipFlopper`.
"""
from __future__ import annotations

import re
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable

from citeproc import model
from citeproc.source import VariableError

from . import state
from .flipflop import FlipFlopper
from .items import CiteItem
from .richtext import CLOSE, FORMATTER, OPEN, RichString, decorate, join_rich
from .state import StyleCache

__all__ = ["Formatting", "flipflopper", "rich", "term_text"]

if TYPE_CHECKING:
    # For the type checker the mixin is what it is mixed into: a citeproc-py
    # element (untyped, so Any), whose lxml methods (get, find, ...) it calls.
    from citeproc.model import CitationStylesElement as _Element
else:
    _Element = object


class Formatting(_Element):
    """The mixin of every element class (see the module doc)."""

    def format(self, text: object) -> RichString | None:
        if text is None:
            return None
        text = str(text)
        if text == "":
            return RichString("")
        for attr in ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align"):
            value = self.get(attr)
            if value is not None and (attr, value) in OPEN:
                text = OPEN[(attr, value)] + text + CLOSE
        return RichString(text)

    def wrap(self, string: object) -> RichString | None:
        if string is None:
            return None
        prefix = self.get("prefix", "")
        suffix = self.get("suffix", "")
        out = RichString(prefix) + str(string) if prefix else RichString(str(string))
        out = out + suffix if suffix else out
        display = self.get("display")
        if display in ("block", "left-margin", "right-inline", "indent") and str(out):
            out = RichString(OPEN[("display", display)] + str(out) + CLOSE)
        return out

    def join(self, strings: list[Any], default_delimiter: str = "") -> RichString:
        return join_rich(strings, self.get("delimiter", default_delimiter)) or RichString("")

    def quote(self, string: str | None) -> RichString | str | None:
        if self.get("quotes", "false").lower() == "true":
            return decorate(string, "quotes", "true")
        return string

    def get_formatter(self) -> SimpleNamespace:
        return FORMATTER

    # -- cached look-ups (citeproc-py runs an XPath query for each of these on
    # every render; the answers only depend on the style) --------------------
    def _cache(self) -> StyleCache:
        st = state.active()
        if st is not None and st.cache is not None:
            return st.cache
        root = self.getroottree().getroot()
        cache: StyleCache | None = getattr(root, "_compat_cache", None)
        if cache is None:
            cache = root._compat_cache = {}
        return cache

    def _cached(self, key: tuple[object, ...], look_up: Callable[..., Any], *args: object) -> Any:
        """``look_up(self, *args)`` (a citeproc-py method), once per style."""
        cache = self._cache()
        if key not in cache:
            cache[key] = look_up(self, *args)
        return cache[key]

    def get_macro(self, name: str) -> model.Macro:
        return self._cached(("macro", name), model.CitationStylesElement.get_macro, name)

    def get_term(self, name: str, form: str | None = None, fallback_locale: bool = True,
                 zero_padded: bool = False) -> model.Term | None:
        root = self.getroottree().getroot()
        if isinstance(root, model.Locale):
            try:
                return root.get_term(name, form)
            except IndexError:
                return None
        return self._cached(("term", name, form, fallback_locale, zero_padded),
                            model.CitationStylesElement.get_term, name, form, fallback_locale, zero_padded)

    def get_date(self, form: str) -> model.Date:
        return self._cached(("date", form), model.CitationStylesElement.get_date, form)

    def get_locale_option(self, name: str) -> Any:
        return self._cached(("locale-option", name), model.CitationStylesElement.get_locale_option, name)

    def area_parent(self) -> Formatting | None:
        """The cs:citation or cs:bibliography this element is in (or None)."""
        cache = self._cache()
        key = ("area", self)
        if key not in cache:
            found = self.xpath_search("./ancestor-or-self::*[self::cs:citation or self::cs:bibliography][1]")
            cache[key] = found[0] if found else None
        parent: Formatting | None = cache[key]
        return parent

    def in_locale(self) -> bool:
        cache = self._cache()
        key = ("in-locale", self)
        if key not in cache:
            cache[key] = bool(self.xpath_search("./ancestor::cs:locale[1]"))
        result: bool = cache[key]
        return result

    def preformat(self, text: str) -> str:
        return text

    def rendered_children(self, item: CiteItem, delimiter: str = "", **kwargs: Any) -> list[RichString]:
        """What the children render, in order, leaving out what renders nothing (a
        cs:choose also gets the ``delimiter``, for the branch it renders)."""
        output = []
        for child in self.iterchildren():
            try:
                if isinstance(child, model.Choose):
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
            except VariableError:
                text = None
            if text is not None and str(text) != "":
                output.append(text)
        return output

    def render_children(self, item: CiteItem, delimiter: str = "", **kwargs: Any) -> RichString | None:
        return join_rich(self.rendered_children(item, delimiter, **kwargs), delimiter)

    def get_single_term(self, name: str, *args: Any, **kwargs: Any) -> RichString:
        term = self.get_term(name, *args, **kwargs)
        return RichString(str(term.single)) if term is not None else RichString("")

    def get_plural_term(self, name: str, *args: Any, **kwargs: Any) -> RichString:
        term = self.get_term(name, *args, **kwargs)
        return RichString(str(term.multiple)) if term is not None else RichString("")


def term_text(element: Formatting, name: str, form: str | None = None, plural: bool | None = False) -> str:
    """The text of a locale term ("" if the locale has none)."""
    term = element.get_term(name, form)
    if term is None:
        return ""
    return str(term.multiple if plural else term.single)


def flipflopper(element: Formatting) -> FlipFlopper:
    """The FlipFlopper of the current render (made with the locale's quotes)."""
    st = state.current()
    if st.flipflop is None:
        st.flipflop = FlipFlopper(
            term_text(element, "open-quote"),
            term_text(element, "close-quote"),
            term_text(element, "open-inner-quote"),
            term_text(element, "close-inner-quote"),
        )
    return st.flipflop


def rich(element: Formatting, text: str) -> str:
    """citeproc-js Queue.append for a string: spacing fixes, then flip-flop."""
    text = str(text)
    text = re.sub(r" ([:;?!\u00bb])", "\u202f\\1", text).replace("\u00ab ", "\u00ab\u202f")
    text = re.sub(r"\s+'", " '", text)
    text = re.sub(r"^'", " '", text)
    return flipflopper(element).process(text)
