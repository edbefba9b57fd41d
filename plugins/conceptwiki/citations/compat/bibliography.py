"""Bibliographies: the style's ``cs:bibliography`` layout for a list of items, or
for one item as it would appear in a list.

:func:`render_bibliography` sorts the items (:mod:`.sorting`), gives year
suffixes (:mod:`.disambiguation`) and applies ``subsequent-author-substitute``
(names equal to the previous entry's are replaced while rendering; see
:mod:`.names`).

render_bibliography() needs every item of the list at once. A client that
assembles bibliographies of any subset of a known set of items (the brief
basket of the wiki, in the browser) gets, per item, what the list-level steps
use: the sort values (:func:`.sorting.bibliography_sort_values`), the
year-suffix group (:func:`.disambiguation.year_suffix_group`) and the names
compared by subsequent-author-substitute, plus the entry rendered with and
without a year suffix and with and without its names substituted
(:func:`render_bibliography_entry`). Sorting, grouping and choosing the
variants as render_bibliography() does then gives the same list (see
``conceptwiki.render.brief.assemble``).
"""
from __future__ import annotations

from typing import Any

from . import state
from .csl import NS
from .disambiguation import disambiguate_year_suffixes
from .items import Bib, CiteItem, CompatSource, cite_item, cite_one
from .richtext import RichString, is_marker
from .sorting import sort_items
from .style import CompatStyle

__all__ = ["render_bibliography", "render_bibliography_entry", "subsequent_author_substitute",
           "uses_citation_number"]


def _render_entry(style: CompatStyle, ci: CiteItem, author_substitute: str | None = None,
                  previous_names: str | None = None) -> tuple[RichString | None, str | None]:
    """One run of the bibliography layout: the entry as a marker string, and the
    names subsequent-author-substitute compares (None: the entry has none)."""
    layout = style.root.find("cs:bibliography", NS).find("cs:layout", NS)
    # items that the disambiguate="true" step told apart render with it (see .disambiguation)
    st = state.RenderState(style.root, area="bibliography", disambiguate=bool(ci.get("_compat_disambiguate")))
    if author_substitute is not None:
        st.author_substitute = author_substitute
        st.previous_names_key = previous_names
    text: RichString | None = state.run(st, lambda: layout.render_item(ci))
    return _trim_start(text), st.first_names_key


def _trim_start(text: RichString | None) -> RichString | None:
    """``text`` without the spaces it starts with, also inside the blocks and decorations
    it opens with. citeproc-js trims the start of every entry, so an entry whose names
    were replaced by an empty subsequent-author-substitute starts at its
    ``csl-left-margin`` text, not at the prefix " " before it (fixture
    bugreports_NoCaseEscape); citeproc-py kept the space."""
    if text is None:
        return None
    s = str(text)
    kept = []
    for i, ch in enumerate(s):
        if is_marker(ch):
            kept.append(ch)
        elif ch != " ":
            return RichString("".join(kept) + s[i:])
    return text


def render_bibliography(style: CompatStyle, items: list[dict[str, Any]], fmt: str = "text") -> list[tuple[str, str]]:
    """Bibliography entries (key, text) sorted and disambiguated by the style."""
    bib_el = style.root.find("cs:bibliography", NS)
    if bib_el is None:
        return []
    source = CompatSource(items)
    bib = Bib(source)
    seen = []
    for it in items:
        key = str(it["id"]).lower()
        if key not in seen:
            seen.append(key)
    bib.keys = seen
    cites = [cite_item(bib, k) for k in seen]
    cites = sort_items(style, bib_el.find("cs:sort", NS), cites)
    bib.keys = [c.key for c in cites]
    disambiguate_year_suffixes(style, cites)
    substitute = subsequent_author_substitute(style)
    out = []
    previous_names = None
    for ci in cites:
        text, names = _render_entry(style, ci, substitute, previous_names)
        if text is None:
            continue
        previous_names = names
        out.append((ci.key, style.finalize(text, fmt)))
    return out


def uses_citation_number(style: CompatStyle) -> bool:
    """Whether the style renders the citation number anywhere (numeric styles)."""
    return any("citation-number" in (el.get("variable") or "").split() for el in style.root.iter())


def subsequent_author_substitute(style: CompatStyle) -> str | None:
    """The text that replaces names equal to the previous entry's (None: no substitution)."""
    bib_el = style.root.find("cs:bibliography", NS)
    if bib_el is None:
        return None
    rule = bib_el.get("subsequent-author-substitute-rule", "complete-all")
    if rule not in ("complete-all", "complete-each"):
        return None
    substitute: str | None = bib_el.get("subsequent-author-substitute")
    return substitute


def render_bibliography_entry(style: CompatStyle, item: dict[str, Any], fmt: str = "text", *,
                              year_suffix: str | None = None,
                              substitute: bool = False,
                              citation_number: str | None = None,
                              previous_names: str | None = None) -> tuple[str | None, str | None]:
    """One bibliography entry as :func:`render_bibliography` renders it in a list.

    Returns ``(entry, names)``: ``entry`` is ``None`` when the style renders
    nothing for the item; ``names`` is what subsequent-author-substitute
    compares with the previous entry's. ``year_suffix`` is the suffix the
    item gets in the list; ``substitute`` renders it as if the previous entry
    had the same names. ``citation_number`` is the item's number in the list
    (numeric styles; 1 if not given). ``previous_names``: the item's own names
    if known (saves rendering it twice to learn them).
    """
    bib_el = style.root.find("cs:bibliography", NS)
    if bib_el is None:
        return None, None
    replacement = subsequent_author_substitute(style) if substitute else None

    def render(previous: str | None) -> tuple[RichString | None, str | None]:
        ci = cite_one(item)
        if year_suffix:
            ci["_compat_year_suffix"] = year_suffix
        if citation_number is not None:
            dict.__setitem__(ci, "_compat_citation_number", citation_number)
        return _render_entry(style, ci, replacement, previous)

    if replacement is not None and previous_names is not None:
        text, names = render(previous_names)
    else:
        text, names = render(None)
        if replacement is not None and names is not None:
            text, names = render(names)
    if text is None:
        return None, names
    return style.finalize(text, fmt), names
