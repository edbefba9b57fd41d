"""Year-suffix disambiguation: "Zed 2020a", "Zed 2020b".

With ``disambiguate-add-year-suffix``, items whose citations read the same
are ambiguous and get year suffixes (a, b, ... z, aa, ...) in bibliography
order. When the style may add names or given names
(``disambiguate-add-names``/``-givenname``), items whose names differ are
told apart that way, as citeproc-js does, and only items with the same
names get year suffixes. Before year suffixes, items whose citations read the
same but differ with ``disambiguate="true"`` conditions true are told apart
that way, in the citation and in the bibliography (CSL 1.0.2 order). Where the
style has no ``cs:text variable="year-suffix"``, the suffix goes after the
first year rendered (:mod:`.dates`).

Not covered (not needed by the styles tested): changing the rendered names to
disambiguate (citeproc-js adds names or given names to ambiguous citations,
and, for styles such as MLA, shows the added names in the bibliography too;
here names only decide which items need year suffixes).
"""
from __future__ import annotations

from typing import Any

from .citation import render_cite
from .csl import NS
from .items import CiteItem, cite_one, ref_value
from .richtext import strip_markers
from .style import CompatStyle

__all__ = ["disambiguate_year_suffixes", "year_suffix", "year_suffix_group"]

#: What tells ambiguous items apart: the citation's text, and the names if the style may add names.
_GroupKey = tuple[str, "tuple[tuple[str, ...], ...] | None"]


def _by_names(style: CompatStyle) -> bool | None:
    """None if the style adds no year suffixes; else whether names tell items apart."""
    citation_el = style.root.find("cs:citation", NS)
    if citation_el is None or citation_el.get("disambiguate-add-year-suffix", "false") != "true":
        return None
    by_names: bool = citation_el.get("disambiguate-add-names", "false") == "true" or (
        citation_el.get("disambiguate-add-givenname", "false") == "true"
    )
    return by_names


def _group_key(style: CompatStyle, ci: CiteItem, by_names: bool, disambiguate: bool = False) -> _GroupKey:
    text = strip_markers(str(render_cite(style, ci, disambiguate=disambiguate) or ""))
    return (text, _names_signature(ci) if by_names else None)


def _has_disambiguate_condition(style: CompatStyle) -> bool:
    return any(el.get("disambiguate") == "true" for el in style.root.iter())


def _disambiguate_condition(style: CompatStyle, cites: list[CiteItem], by_names: bool) -> None:
    """Set ``_compat_disambiguate`` on the items whose citations read the same as
    another's and differ once ``disambiguate="true"`` conditions are true.

    CSL 1.0.2 (cs:choose, ``disambiguate``): the branch renders "only if it
    disambiguates two otherwise identical citations", tried before year
    suffixes; citeproc-js then renders the item's bibliography entry with the
    condition true as well (fixture
    disambiguate_DisambiguateTrueReflectedInBibliography). The bibliography
    reads the flag (:func:`.bibliography._render_entry`)."""
    groups: dict[_GroupKey, list[CiteItem]] = {}
    for ci in cites:
        groups.setdefault(_group_key(style, ci, by_names), []).append(ci)
    for members in groups.values():
        if len(members) < 2:
            continue
        keys = [_group_key(style, ci, by_names, disambiguate=True) for ci in members]
        for ci, key in zip(members, keys):
            if keys.count(key) == 1:
                dict.__setitem__(ci, "_compat_disambiguate", True)


def disambiguate_year_suffixes(style: CompatStyle, cites: list[CiteItem]) -> None:
    """Give the ambiguous items of ``cites`` (in bibliography order) their year suffixes
    (after the ``disambiguate="true"`` step, :func:`_disambiguate_condition`)."""
    by_names = _by_names(style)
    if _has_disambiguate_condition(style) and style.root.find("cs:citation", NS) is not None:
        _disambiguate_condition(style, cites, bool(by_names))
    if by_names is None:
        return
    groups: dict[_GroupKey, list[CiteItem]] = {}
    for ci in cites:
        key = _group_key(style, ci, by_names, disambiguate=bool(ci.get("_compat_disambiguate")))
        groups.setdefault(key, []).append(ci)
    for members in groups.values():
        if len(members) < 2:
            continue
        for n, ci in enumerate(members):
            ci["_compat_year_suffix"] = year_suffix(n)


def year_suffix_group(style: CompatStyle, item: dict[str, Any]) -> str | None:
    """Items of one bibliography with the same group get year suffixes (a, b, ...)
    in bibliography order; ``None`` if the style adds no year suffixes."""
    by_names = _by_names(style)
    if by_names is None:
        return None
    return repr(_group_key(style, cite_one(item), by_names))


def _names_signature(ci: CiteItem) -> tuple[tuple[str, ...], ...]:
    for var in ("author", "editor", "translator", "collection-editor", "composer", "director"):
        names = ref_value(ci, var)
        if names:
            # a literal name and a family-only name that read the same are the same name
            # (citeproc-js compares names as rendered: "Beijing Zoo" either way)
            return tuple(
                (str(n.get("literal") or n.get("family") or ""), str(n.get("given", "")),
                 str(n.get("non-dropping-particle", "")), str(n.get("dropping-particle", "")))
                for n in names
            )
    return ()


def year_suffix(n: int) -> str:
    """The year suffix of the ``n``-th ambiguous item (0: "a", 25: "z", 26: "aa")."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = letters[r] + out
    return out
