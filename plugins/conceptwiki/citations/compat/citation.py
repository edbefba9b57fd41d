"""Citations: running the style's ``cs:citation`` layout for one item.

A citation is an in-text citation, or a note for note styles. Its
``position`` ("first" or "subsequent") is what ``position`` conditions test,
and a subsequent citation can refer back to the note that cited the item
first (``first-reference-note-number``, OSCOLA's "(n 3)"). A term that is the
first thing rendered in a note is capitalised; in in-text citations it is
not (citeproc-js).

Not covered (not needed by the styles tested): grouping/collapsing several
items in one citation, ibid positions.
"""
from __future__ import annotations

from typing import Any

from . import state
from .csl import NS
from .items import Bib, CiteItem, CompatSource, cite_item
from .richtext import RichString
from .style import CompatStyle, is_note_style

__all__ = ["render_cite", "render_citation"]


def render_cite(style: CompatStyle, ci: CiteItem, position: str = "first", first_note: int | None = None,
                disambiguate: bool = False) -> RichString | None:
    """The citation of ``ci`` as a marker string (one run of the citation layout)."""
    citation_el = style.root.find("cs:citation", NS)
    layout = citation_el.find("cs:layout", NS)
    st = state.RenderState(style.root, area="citation", position=position, first_note=first_note,
                           disambiguate=disambiguate)
    st.in_text = not is_note_style(style)
    text: RichString | None = state.run(st, lambda: layout.render_item(ci))
    return text


def render_citation(style: CompatStyle, item: dict[str, Any], fmt: str = "text", *, position: str = "first",
                    locator: str | None = None, label: str = "page",
                    first_reference_note_number: int | None = 1, year_suffix: str | None = None) -> str:
    """The citation of one item: in-text citation, or note for note styles. ``year_suffix``:
    the suffix the item has in the bibliography it goes with (author-date styles print it
    in the citation too, "2024a"), as :func:`render_bibliography_entry` takes it."""
    source = CompatSource([item])
    bib = Bib(source)
    ci = cite_item(bib, str(item["id"]).lower(), locator, label)
    if year_suffix:
        ci["_compat_year_suffix"] = year_suffix
    text = render_cite(style, ci, position, first_reference_note_number)
    return style.finalize(text, fmt)
