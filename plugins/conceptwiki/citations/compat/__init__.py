"""Make citeproc-py 0.11.1 render like citeproc-js.

A self-contained layer over citeproc-py (it imports only citeproc-py, lxml,
which citeproc-py needs, and the standard library), written so that it could
be offered upstream. Nothing is patched globally: :func:`load_style` parses a
CSL style into subclasses of citeproc-py's element classes (``citeproc.model``)
that carry the fixes, and :func:`render_bibliography` /
:func:`render_citation` render CSL-JSON items with it. citeproc-py must be
exactly the version the layer was written for (:func:`check_citeproc_version`).

Every fix mirrors citeproc-js (the reference CSL processor used by Zotero),
version 2.4.x; the function or rule of citeproc-js it mirrors is named next to
it, and each module's docstring lists the fixes it holds. By CSL concern:

* rich text: :mod:`.richtext` (formatting carried as marker characters,
  punctuation merging at seams), :mod:`.flipflop` (markup and quotes in data),
  :mod:`.output` (markers to "text" or "html": escaping, nested quotes,
  punctuation-in-quote, display blocks), :mod:`.formatting` (the mixin every
  element class gets, cached look-ups);
* :mod:`.textcase`: text-case and strip-periods;
* :mod:`.names` and :mod:`.initials`: names, et al., substitution,
  subsequent-author-substitute;
* :mod:`.dates`: dates and date parts (raw dates in data are parsed in
  :mod:`.items`);
* :mod:`.numbers`: numbers, labels, is-numeric;
* :mod:`.text` and :mod:`.layout`: cs:text, macros, groups and their
  suppression, conditions, second-field-align;
* :mod:`.sorting` and :mod:`.disambiguation`: bibliography order, year
  suffixes;
* :mod:`.parser` (element classes registry and the lxml parser) and
  :mod:`.style` (a parsed style, style files);
* running layouts: :mod:`.state` (per-render state), :mod:`.citation`,
  :mod:`.bibliography`; the data: :mod:`.items`.
"""
from __future__ import annotations

from .bibliography import (
    render_bibliography,
    render_bibliography_entry,
    subsequent_author_substitute,
    uses_citation_number,
)
from .citation import render_citation
from .csl import LOCALES_PATH
from .disambiguation import year_suffix, year_suffix_group
from .items import CompatSource, parse_raw_date
from .numbers import is_numeric
from .output import finalize
from .sorting import (
    JsonSortValue,
    SortValue,
    bibliography_sort_descending,
    bibliography_sort_strings,
    bibliography_sort_values,
    json_sort_value,
)
from .style import CompatStyle, StyleInfo, independent_parent, is_note_style, load_style, style_info, style_title
from .textcase import text_case
from .version import REQUIRED_CITEPROC_VERSION, CiteprocVersionError, check_citeproc_version

__all__ = [
    "LOCALES_PATH",
    "REQUIRED_CITEPROC_VERSION",
    "CiteprocVersionError",
    "CompatSource",
    "CompatStyle",
    "JsonSortValue",
    "SortValue",
    "StyleInfo",
    "bibliography_sort_descending",
    "bibliography_sort_strings",
    "bibliography_sort_values",
    "check_citeproc_version",
    "finalize",
    "independent_parent",
    "is_note_style",
    "is_numeric",
    "json_sort_value",
    "load_style",
    "parse_raw_date",
    "render_bibliography",
    "render_bibliography_entry",
    "render_citation",
    "style_info",
    "style_title",
    "subsequent_author_substitute",
    "text_case",
    "uses_citation_number",
    "year_suffix",
    "year_suffix_group",
]
