"""Small parts of the brief's data (:mod:`.brief`): the memo kept per citation engine between
``mkdocs serve`` rebuilds, the JSON key of an item, sort values as strings, and the finishing
of rendered entries. Nothing here imports MkDocs.
"""

from __future__ import annotations

import json
import re
import weakref
from typing import Any

from ..citations.cite import SENTINEL_DATE, date_parts, linkify

__all__ = ["MEMO_LIMIT", "memo_of", "json_key", "shown", "sort_form", "from_sort_form",
           "untitled", "finish"]


#: What :meth:`BriefBuilder.items` rendered, per citation engine (``mkdocs serve`` keeps the
#: engine while the styles are the same): by style, the item's JSON and the variants it
#: needs. At 1,000 concepts a rebuild spent 4.8 s (profiled) rendering the same data again.
MEMOS: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()
MEMO_LIMIT = 500_000


def memo_of(engine: Any) -> dict:
    try:
        memo = MEMOS.get(engine)
        if memo is None:
            memo = MEMOS[engine] = {}
        return memo
    except TypeError:  # an engine that cannot be weakly referenced: nothing is kept
        return {}


def json_key(item: dict) -> str | None:
    try:
        return json.dumps(item, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None


def shown(item: dict) -> dict:
    """A page item as rendered: with the sentinel accessed date, marked afterwards."""
    return dict(item, accessed=date_parts(SENTINEL_DATE)) if "accessed" in item else item


def sort_form(value) -> str | None:
    """A value of ``bibliography_sort_strings`` as a string (templates put titles and dates
    into strings): "t" and the JSON of a tuple (dates, numbers), or "s" and the text."""
    if value is None:
        return None
    return "t" + json.dumps(list(value)) if isinstance(value, tuple) else "s" + value


def from_sort_form(form: str | None):
    """The inverse of :func:`sort_form`."""
    if form is None:
        return None
    return tuple(json.loads(form[1:])) if form[0] == "t" else form[1:]


TITLE_RE = re.compile(r' title="[^"]*"')


def untitled(fragment) -> str:
    """Rendered entry text without the wikilinks' preview titles (a brief has no use for
    them: they are a page's hover text)."""
    return TITLE_RE.sub("", str(fragment))


def finish(body: str | None) -> str | None:
    """Clickable URLs, as on the concept pages."""
    return None if body is None else linkify(body)

