"""The list-level steps of the brief's bibliography: put together from the items' parts
(:mod:`.brief` writes them) exactly as the citation engine's ``bibliography()`` does --
sorted, de-duplicated by id, year suffixes, author substitution, citation numbers.
``assets/brief.js`` mirrors these functions in the browser; the tests compare both with the
engine. Split from :mod:`.brief` (which re-exports them) to keep each module short. Nothing
here imports MkDocs.
"""

from __future__ import annotations

from functools import cmp_to_key
from typing import Iterable, cast

from ..citations.compat import year_suffix

__all__ = ["YEAR_SUFFIX", "CITATION_NUMBER", "assemble", "compare_sort_keys", "year_suffix"]

#: Stands for the year suffix in the ``ys`` variants (a private-use character that the
#: citation engine passes through untouched; the browser replaces it with "a", "b", ...).
YEAR_SUFFIX = "\ue100"
#: Stands for the item's number in the list (numeric styles such as IEEE).
CITATION_NUMBER = "\ue101"


def _cmp_tokens(a: list, b: list) -> int:
    for x, y in zip(a, b):
        if x != y:
            if x[0] != y[0]:
                return -1 if x[0] < y[0] else 1
            return -1 if x[1] < y[1] else 1
    return (len(a) > len(b)) - (len(a) < len(b))


def compare_sort_keys(a: list, b: list, descending: list[bool]) -> int:
    """Compare two items' ``sort`` values as the engine's bibliography sort does."""
    for ka, kb, desc in zip(a, b, descending):
        if ka == kb:
            continue
        if ka is None or ka == "":
            return 1
        if kb is None or kb == "":
            return -1
        if "t" in ka:
            ta, tb = ka["t"], kb["t"]
            r = (ta > tb) - (ta < tb)
        else:
            r = _cmp_tokens(ka["c"], kb["c"])
        if r:
            return -r if desc else r
    return 0


def assemble(parts: Iterable[dict], style: str, descending: list[bool],
             substitute: str | None) -> list[str]:
    """The bibliography of ``parts`` (items of the brief data, in the reader's order) in
    ``style``: the entries' HTML, with year suffixes filled in."""
    seen: dict[str, dict] = {}
    for part in parts:
        seen.setdefault(part["id"].lower(), part)
    items = list(seen.values())
    items.sort(key=cmp_to_key(lambda x, y: compare_sort_keys(
        x["styles"][style]["sort"], y["styles"][style]["sort"], descending)))
    groups: dict[str, list[dict]] = {}
    for it in items:
        group = it["styles"][style].get("group")
        if group is not None:
            groups.setdefault(group, []).append(it)
    suffix: dict[int, str] = {}
    for members in groups.values():
        if len(members) > 1:
            for n, it in enumerate(members):
                suffix[id(it)] = year_suffix(n)
    out: list[str] = []
    previous = None
    for number, it in enumerate(items, start=1):
        s = dict(it["styles"][style])
        if "html" not in s and "ys" in s:
            s["html"] = s["ys"].replace(YEAR_SUFFIX, "")
        if s.get("html") is None:
            continue
        ys = id(it) in suffix
        sub = substitute is not None and s.get("names") is not None and s["names"] == previous
        variant = "ys_sub" if ys and sub else "ys" if ys else "sub" if sub else "html"
        body = cast(str, s.get(variant, s["html"]))
        if ys:
            body = body.replace(YEAR_SUFFIX, suffix[id(it)])
        out.append(body.replace(CITATION_NUMBER, str(number)))
        previous = s.get("names")
    return out
