"""Dates: ``cs:date`` and ``cs:date-part``.

* Date-part attributes of a style (``<date form="text"><date-part
  name="month" form="short"/></date>``) are laid over the locale's date
  format for that render only; citeproc-py wrote them into the locale, so
  they leaked into later renders (:meth:`Date._parts_for`).
* Ranges render the parts from the largest differing one down as a range,
  with the ``range-delimiter`` of that part (citeproc-js).
* Literal dates render only where the year is shown (citeproc-js: "Render
  literal only when year is included in date output").
* Implicit year suffix (CSL 1.0.2, "Disambiguation": "If cs:text
  variable="year-suffix" is not used in the style, the year-suffix is added
  to the first year rendered through cs:date"): once per entry or cite, to
  the first year date-part rendered (:func:`_implicit_year_suffix`);
  citeproc-py never added it, so such styles had no "2006a"/"2006b".
* Months 13-16 are seasons; ``limit-day-ordinals-to-day-1``; years before
  1000 get the "ad" term and negative years "bc".

Raw date strings in the data are parsed when the items are read
(:func:`conceptwiki.citations.compat.items.parse_raw_date`).
"""
from __future__ import annotations

from typing import Any

from citeproc import model
from citeproc.source import Date as SrcDate, DateRange, LiteralDate, VariableError

from . import state
from .csl import NS
from .formatting import Formatting, rich, term_text
from .items import CiteItem, ref_value
from .richtext import RichString, join_rich
from .textcase import strip_periods, text_case

__all__ = ["Date", "Date_Part"]

#: A cs:date-part and its attributes (the locale's, with the style's laid over).
_Part = tuple["Date_Part", dict[str, str]]


class Date(Formatting, model.Date):
    def render(self, item: CiteItem, variable: str | None = None, show_parts: list[str] | None = None,
               context: Formatting | None = None, **kwargs: Any) -> RichString | None:
        out = self._render(item, variable, show_parts)
        state.mark(True, out is not None)
        return out

    def _render(self, item: CiteItem, variable: str | None = None,
                show_parts: list[str] | None = None) -> RichString | None:
        st = state.current()
        if variable is None:
            variable = self.get("variable")
            if variable in st.suppressed:
                return None
        value = ref_value(item, variable)
        if value is None:
            return None
        state.record(variable)
        form = self.get("form")
        if form is not None and not self.in_locale():
            localized = self.get_date(form)
            parts = self.get("date-parts", "year-month-day").split("-")
            text = localized._render_value(value, parts, style_date=self, item=item)
        else:
            text = self._render_value(value, show_parts or ["year", "month", "day"], style_date=self, item=item)
        if text is None or str(text) == "":
            return None
        return self.wrap(self.format(text))

    def _parts_for(self, style_date: Date | None) -> list[_Part]:
        """date-part children, with the style's date-part attributes laid over
        the locale's (without mutating the locale, as citeproc-py did)."""
        overrides = {}
        if style_date is not None and style_date is not self:
            for p in style_date.findall("cs:date-part", NS):
                overrides[p.get("name")] = dict(p.attrib)
        parts = []
        for p in self.findall("cs:date-part", NS):
            attrs = dict(p.attrib)
            attrs.update(overrides.get(p.get("name"), {}))
            parts.append((p, attrs))
        return parts

    def _render_value(self, value: SrcDate | DateRange | LiteralDate, show: list[str],
                      style_date: Date | None = None, item: CiteItem | None = None) -> RichString | None:
        if isinstance(value, LiteralDate):
            # citeproc-js: "Render literal only when year is included in date output"
            if "year" not in show or not any(a.get("name") == "year" for _, a in self._parts_for(style_date)):
                return None
            return RichString(rich(self, value.text))
        delim = self.get("delimiter", "")
        parts = self._parts_for(style_date)
        if isinstance(value, DateRange) and not value.end.is_nil():
            return self._render_range(value, show, parts, delim, item)
        if isinstance(value, DateRange):
            value = value.begin
        return self._single(value, show, parts, delim, item)

    def _render_range(self, value: DateRange, show: list[str], parts: list[_Part], delim: str,
                      item: CiteItem | None) -> RichString | None:
        begin, end = value.begin, value.end
        differing = []
        for name in ("year", "month", "day"):
            if name in show and begin.get(name) != end.get(name):
                differing.append(name)
        if not differing:
            return self._single(begin, show, parts, delim, item)
        # the parts from the largest differing one down are ranged
        largest = differing[0]
        ranged_names = ["year", "month", "day"][["year", "month", "day"].index(largest):]
        ranged = [(p, a) for p, a in parts if a.get("name") in ranged_names and a.get("name") in show]
        out_parts: list[RichString | None] = []
        done = False
        for p, a in parts:
            part_name = a.get("name")
            if part_name not in show:
                continue
            if part_name in ranged_names:
                if done:
                    continue
                done = True
                b_txt = join_rich([pp.render_part(begin, aa, self, item) for pp, aa in ranged], delim)
                e_txt = join_rich([pp.render_part(end, aa, self, item) for pp, aa in ranged], delim)
                rdelim = "\u2013"
                for _, aa in ranged:
                    if aa.get("name") == largest:
                        rdelim = aa.get("range-delimiter", "\u2013")
                if b_txt is not None and e_txt is not None:
                    out_parts.append(RichString(str(b_txt).rstrip()) + rdelim + str(e_txt).lstrip())
            else:
                out_parts.append(p.render_part(begin, a, self, item))
        return join_rich(out_parts, delim)

    def _single(self, date: SrcDate, show: list[str], parts: list[_Part], delim: str,
                item: CiteItem | None) -> RichString | None:
        texts = []
        for p, a in parts:
            if a.get("name") in show:
                texts.append(p.render_part(date, a, self, item))
        return join_rich(texts, delim)

    def calls_variable(self) -> bool:
        return True


class Date_Part(Formatting, model.Date_Part):
    def render_part(self, date: SrcDate, attrs: dict[str, str], date_el: Date,
                    item: CiteItem | None) -> RichString | None:
        """This part of ``date``, rendered with ``attrs`` (the merged attributes)."""
        try:
            text = self._text(date, attrs, date_el)
        except VariableError:
            return None
        if not text:
            return None
        if attrs.get("name") == "year" and item is not None:
            text += _implicit_year_suffix(date_el, item)
        case = attrs.get("text-case")
        if case:
            text = text_case(text, case)
        if attrs.get("strip-periods", "false") == "true":
            text = strip_periods(text)
        fake = _AttrView(self, attrs)
        return fake.wrap(fake.format(RichString(text)))

    def _text(self, date: SrcDate, attrs: dict[str, str], date_el: Date) -> str | None:
        name = attrs.get("name")
        form = attrs.get("form")
        text = None
        if name == "day":
            day = date.get("day")
            if not day:
                return None
            form = form or "numeric"
            if (
                form == "ordinal"
                and str(self.get_locale_option("limit-day-ordinals-to-day-1")).lower() == "true"
                and day > 1
            ):
                form = "numeric"
            if form == "numeric-leading-zeros":
                text = "{:02}".format(day)
            elif form == "ordinal":
                text = model.to_ordinal(day, date_el)
            else:
                text = str(day)
        elif name == "month":
            form = form or "long"
            month = date.get("month")
            season = date.get("season")
            if month and 13 <= int(month) <= 16:
                season, month = int(month) - 12, None
            if month:
                if form in ("long", "short"):
                    text = term_text(date_el, "month-{:02}".format(int(month)), "short" if form == "short" else None)
                elif form == "numeric-leading-zeros":
                    text = "{:02}".format(int(month))
                else:
                    text = str(int(month))
            elif season:
                try:
                    text = term_text(date_el, "season-{:02}".format(int(season)))
                except ValueError:
                    text = str(season)
            else:
                return None
        elif name == "year":
            year = date.get("year")
            if year is None or year == "":
                return None
            year = int(year)
            if form == "short":
                text = str(year)[-2:]
            else:
                text = str(abs(year))
                if year < 0:
                    text += term_text(date_el, "bc")
                elif year < 1000:
                    text += term_text(date_el, "ad")
        return text


def _implicit_year_suffix(date_el: Date, item: CiteItem) -> str:
    """The year suffix to append to this year: the item's, when the style never
    renders ``year-suffix`` with cs:text and no year of this run got it yet
    (CSL 1.0.2: added "to the first year rendered through cs:date"; citeproc-js
    likewise appends it to the first year only)."""
    suffix = item.get("_compat_year_suffix")
    st = state.active()
    if not suffix or st is None or st.area == "sort" or getattr(st, "_compat_year_suffix_done", False):
        return ""
    root = st.style_root if st.style_root is not None else date_el.getroottree().getroot()
    cache = st.cache if st.cache is not None else {}
    explicit = cache.get(("explicit-year-suffix",))
    if explicit is None:
        explicit = cache[("explicit-year-suffix",)] = any(
            el.get("variable") == "year-suffix" for el in root.iter(f"{{{NS['cs']}}}text"))
    if explicit:
        return ""
    st._compat_year_suffix_done = True  # type: ignore[attr-defined]
    return str(suffix)


class _AttrView(Formatting):
    """Formatting/affixes from an attribute dict (merged date-part attributes)."""

    def __init__(self, element: Date_Part, attrs: dict[str, str]):
        self._attrs = attrs

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._attrs.get(name, default)
