"""Sorting a bibliography by the style's ``cs:sort``, with a citeproc-js-like collation.

* Keys are compared as citeproc-js's ``localeCompare`` (sensitivity base,
  ignorePunctuation, numeric) does: case, accents and punctuation ignored,
  numbers compared as numbers (:func:`collate`); empty values sort last.
* Name keys render the names in sort order with the key's
  ``names-min``/``names-use-first``/``names-use-last``, and leave the et-al
  term out of the key; dates sort by year, month and day (ranges by both
  ends); numeric variables by their number.
* For a client that sorts items rendered one at a time (the wiki's brief
  basket), :func:`bibliography_sort_values` gives each item's keys as JSON
  in the form the collation compares.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cmp_to_key
from typing import Any, Union

from citeproc.source import Date as SrcDate, DateRange, LiteralDate

from . import state
from .csl import NS
from .formatting import rich
from .items import DATE_VARS, NAME_VARS, CiteItem, cite_one, ref_value
from .names import default_name
from .numbers import is_numeric
from .parser import Key, Sort
from .richtext import strip_markers
from .style import CompatStyle

__all__ = [
    "JsonSortValue",
    "SortValue",
    "bibliography_sort",
    "bibliography_sort_descending",
    "bibliography_sort_strings",
    "bibliography_sort_values",
    "collate",
    "json_sort_value",
    "sort_items",
    "sort_value",
]

#: One key of an item: None (no value), text as the collation compares it (lower case,
#: without accents), or a tuple compared element by element (a date as ``"YYYYYMMDD"``
#: strings with 10000 added to the year, or a number).
SortValue = Union[str, tuple[str], tuple[int], None]
#: A :data:`SortValue` as JSON (see :func:`json_sort_value`).
JsonSortValue = Union[str, dict[str, list[Any]], None]


def _sort_key_text(s: str) -> str:
    s = strip_markers(s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower()
    s = re.sub(r"^[\[\]'\"]*", "", s)
    return s


def _collation_text(s: str) -> str:
    """``s`` without punctuation and with single spaces (what the collation sees)."""
    s = re.sub(r"[^\w\s]|_", "", s)
    return re.sub(r"\s+", " ", s).strip()


def collate(a: str, b: str) -> int:
    """Approximates localeCompare(sensitivity base, ignorePunctuation, numeric)."""

    def norm(s: str) -> list[tuple[int, int, str]]:
        return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", _collation_text(s))]

    na, nb = norm(a), norm(b)
    if na == nb:
        return 0
    return -1 if na < nb else 1


def _collation_tokens(s: str) -> list[list[int | str]]:
    """The form of a sort string that :func:`collate` compares (JSON-able)."""
    return [[0, int(t)] if t.isdigit() else [1, t] for t in re.findall(r"\d+|\D+", _collation_text(s))]


def sort_items(style: CompatStyle, sort_el: Sort | None, cites: list[CiteItem]) -> list[CiteItem]:
    """``cites`` in the order of ``sort_el`` (as they are without one)."""
    if sort_el is None:
        return cites
    keys_per_item = {}
    descending = []
    for key_el in sort_el.findall("cs:key", NS):
        descending.append(key_el.get("sort", "ascending") == "descending")
    for ci in cites:
        values = []
        for key_el in sort_el.findall("cs:key", NS):
            values.append(sort_value(style, key_el, ci))
        keys_per_item[ci.key] = values

    def cmp(a: CiteItem, b: CiteItem) -> int:
        for idx, desc in enumerate(descending):
            ka, kb = keys_per_item[a.key][idx], keys_per_item[b.key][idx]
            if ka == kb:
                continue
            if ka is None or ka == "":
                return 1
            if kb is None or kb == "":
                return -1
            if isinstance(ka, tuple) or isinstance(kb, tuple):
                r = _compare(ka, kb)
            else:
                r = collate(ka, kb)
            if r:
                return -r if desc else r
        return 0

    return sorted(cites, key=cmp_to_key(cmp))


def _compare(a: Any, b: Any) -> int:
    """-1, 0 or 1 for tuples (a date or a number against its like; TypeError otherwise)."""
    return int(a > b) - int(a < b)


def sort_value(style: CompatStyle, key_el: Key, ci: CiteItem) -> SortValue:
    """The value ``ci`` has for one cs:key (one run of the key's macro, if it has one)."""
    st = state.RenderState(style.root, area="sort")
    options = {"name-as-sort-order": "all"}
    for option in ("names-min", "names-use-first", "names-use-last"):
        if key_el.get(option) is not None:
            options[option.replace("names", "et-al")] = key_el.get(option)
    st.sort_options = options

    def compute() -> SortValue:
        if key_el.get("variable"):
            var = key_el.get("variable")
            value = ref_value(ci, var)
            if value is None:
                return None
            if var in DATE_VARS:
                return _date_sort_key(value)
            if var in NAME_VARS:
                name_el = default_name(key_el)
                return _sort_key_text(str(name_el.render_names(ci, value, var, key_el, options, None) or ""))
            if is_numeric(value):
                m = re.search(r"\d+", str(value))
                return (int(m.group()),) if m else None
            return _sort_key_text(rich(key_el, str(value)))
        macro = key_el.get_macro(key_el.get("macro"))
        text = macro.render(ci, context=key_el, sort_options=options)
        if text is None:
            return None
        return _sort_key_text(str(text))

    return state.run(st, compute)


def _date_sort_key(value: SrcDate | DateRange | LiteralDate) -> tuple[str] | None:
    def one(d: SrcDate) -> str:
        return "{:05}{:02}{:02}".format(int(d.get("year", 0)) + 10000, int(d.get("month", 0) or 0), int(d.get("day", 0) or 0))

    if isinstance(value, DateRange):
        return (one(value.begin) + one(value.end),)
    if isinstance(value, LiteralDate):
        return None
    return (one(value),)


def json_sort_value(value: SortValue) -> JsonSortValue:
    """A sort value as JSON: ``None`` (no value), ``""`` (empty), ``{"t": [...]}`` (a date
    or number, compared element by element) or ``{"c": [[0, n] | [1, text], ...]}`` (text
    as the collation compares it: numbers numerically, before text)."""
    if value is None or value == "":
        return value
    if isinstance(value, tuple):
        return {"t": list(value)}
    return {"c": _collation_tokens(value)}


def bibliography_sort(style: CompatStyle) -> Sort | None:
    """The cs:sort of the style's bibliography, if it has one."""
    bib_el = style.root.find("cs:bibliography", NS)
    sort_el: Sort | None = bib_el.find("cs:sort", NS) if bib_el is not None else None
    return sort_el


def bibliography_sort_descending(style: CompatStyle) -> list[bool]:
    """For each key of the bibliography's cs:sort, whether it sorts descending."""
    sort_el = bibliography_sort(style)
    if sort_el is None:
        return []
    return [k.get("sort", "ascending") == "descending" for k in sort_el.findall("cs:key", NS)]


def bibliography_sort_strings(style: CompatStyle, item: dict[str, Any]) -> list[SortValue]:
    """The values the bibliography's cs:sort compares for ``item`` (see :data:`SortValue`)."""
    sort_el = bibliography_sort(style)
    keys = sort_el.findall("cs:key", NS) if sort_el is not None else []
    if not keys:
        return []
    ci = cite_one(item)
    return [sort_value(style, key_el, ci) for key_el in keys]


def bibliography_sort_values(style: CompatStyle, item: dict[str, Any]) -> list[JsonSortValue]:
    """The values the bibliography's cs:sort compares for ``item``, as JSON (see
    :func:`json_sort_value`)."""
    return [json_sort_value(v) for v in bibliography_sort_strings(style, item)]
