"""The style parser: CSL elements become the element classes of this package.

Nothing is patched globally. :data:`PARSER` is an lxml parser whose element
class lookup maps each CSL element name to a subclass of citeproc-py's class
for it (``citeproc.model``) that carries the fixes (:data:`CLASSES`); other
elements get citeproc-py's ``CitationStylesElement``. Styles and locale files
parsed with it render like citeproc-js; citeproc-py's own classes are left as
they are.

The root and locale classes live here too: :class:`Style` loads the locale
files with the same parser (citeproc-py's own parser would give its classes).
"""
from __future__ import annotations

from pathlib import Path

import citeproc
from citeproc import model
from lxml import etree

from .csl import CSL_NS, LOCALES_PATH
from .dates import Date, Date_Part
from .formatting import Formatting
from .layout import Choose, Else, Else_If, Group, If, Layout, Macro
from .names import Et_Al, Name, Name_Part, Names, Substitute
from .numbers import Label, Number
from .text import Text

__all__ = ["CLASSES", "PARSER", "Bibliography", "Citation", "Key", "Locale", "Sort", "Style", "Term", "parse"]


class Style(Formatting, model.Style):
    def set_locale_list(self, output_locale: str, validate: bool = False) -> None:
        """The locales to look terms up in, in order: the style's own for the
        language and dialect, then the locale files (dialect, primary dialect,
        en-US), parsed with :data:`PARSER`."""
        self.locales: list[Locale] = []
        added = set()

        def add_instyle(locale: str | None) -> None:
            expr = './cs:locale[@xml:lang="{}"]'.format(locale) if locale else "./cs:locale[not(@xml:lang)]"
            for el in self.xpath_search(expr):
                self.locales.append(el)

        def add_system(locale: str) -> None:
            if locale in added:
                return
            path = Path(LOCALES_PATH) / f"locales-{locale}.xml"
            if not path.is_file():
                return
            root = parse(path).getroot()
            self.locales.append(root)
            added.add(locale)

        add_instyle(output_locale)
        language = output_locale.split("-")[0]
        add_instyle(language)
        add_instyle(None)
        if output_locale in citeproc.LANGUAGE_NAMES:
            add_system(output_locale)
        if language in citeproc.PRIMARY_DIALECTS:
            add_system(citeproc.PRIMARY_DIALECTS[language])
        add_system("en-US")
        for locale in self.locales:
            locale.style = self
        self._compat_locales = list(self.locales)


class Locale(Formatting, model.Locale):
    get_term = model.Locale.get_term
    get_date = model.Locale.get_date


class Citation(Formatting, model.Citation):
    pass


class Bibliography(Formatting, model.Bibliography):
    pass


class Term(Formatting, model.Term):
    pass


class Sort(Formatting, model.Sort):
    pass


class Key(Formatting, model.Key):
    pass


#: The element class of each CSL element name.
CLASSES: dict[str, type[Formatting]] = {
    "style": Style,
    "locale": Locale,
    "citation": Citation,
    "bibliography": Bibliography,
    "term": Term,
    "macro": Macro,
    "layout": Layout,
    "text": Text,
    "number": Number,
    "label": Label,
    "group": Group,
    "choose": Choose,
    "if": If,
    "else-if": Else_If,
    "else": Else,
    "date": Date,
    "date-part": Date_Part,
    "names": Names,
    "name": Name,
    "name-part": Name_Part,
    "et-al": Et_Al,
    "substitute": Substitute,
    "sort": Sort,
    "key": Key,
}


def _parser() -> etree.XMLParser:
    lookup = etree.ElementNamespaceClassLookup()
    namespace = lookup.get_namespace(CSL_NS)
    namespace[None] = model.CitationStylesElement
    namespace.update(CLASSES)
    parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
    parser.set_element_class_lookup(lookup)
    return parser


#: The lxml parser for styles and locale files.
PARSER = _parser()


def parse(path: str | Path) -> etree._ElementTree:
    """The CSL file at ``path`` as a tree of the classes above."""
    return etree.parse(str(path), PARSER)
