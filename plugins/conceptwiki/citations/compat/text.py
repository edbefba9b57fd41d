"""``cs:text``: a variable, a macro call, a term or a value.

* Variables go through the rich-text pass (markup and quotes in data), except
  identifiers and URLs, which are output as they are; substituted variables
  are suppressed (see :mod:`.state`); ``year-suffix`` is generated, not a
  called variable; ``first-reference-note-number`` follows the citation's
  position; ``form="short"`` falls back to the long form.
* A ``<text macro>`` call is suppressed like a group (citeproc-js compiles
  macro calls as groups): a macro whose variables are all empty renders
  nothing, even if it holds labels or terms.
* A term that is the first thing rendered in a bibliography entry or note is
  capitalised (citeproc-js); ``strip-periods`` on terms removes every full
  stop.
"""
from __future__ import annotations

from typing import Any

from citeproc import model
from citeproc.source import Date as SrcDate, DateRange, LiteralDate

from . import state
from .formatting import Formatting, rich, term_text
from .items import CiteItem, ref_value
from .richtext import RichString
from .textcase import apply_case, strip_periods, text_case

__all__ = ["RAW_VARIABLES", "Text"]

#: Variables output without the rich-text pass (no markup, quotes or apostrophes).
RAW_VARIABLES = {"URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID"}


class Text(Formatting, model.Text):
    def render(self, item: CiteItem, context: Formatting | None = None, **kwargs: Any) -> RichString | None:
        if context is None:
            context = self
        if "variable" in self.attrib:
            text = self._variable_text(item, context)
            if text is None:
                # year-suffix is generated, not called (as in citeproc-py and citeproc-js)
                state.mark(self.get("variable") != "year-suffix", False)
                return None
            if self.get("variable") in RAW_VARIABLES:
                out = self.wrap(self.quote(self.format(RichString(text))))
            else:
                out = self._finish(item, text)
            state.mark(True, out is not None)
            return out
        if "macro" in self.attrib:
            return self._render_macro(item, context, **kwargs)
        if "term" in self.attrib:
            form = self.get("form", "long")
            plural = self.get("plural", "false").lower() == "true"
            text = term_text(self, self.get("term"), form if form != "long" else None, plural)
            if not text:
                return None
            st = state.current()
            if not st.term_predecessor and not (st.in_text and st.area == "citation"):
                # citeproc-js: a term that is the first thing rendered in a
                # bibliography entry or note is capitalised
                text = text_case(text, "capitalize-first")
            if self.get("strip-periods", "false") == "true":
                text = text.replace(".", "")
            return self._finish(item, text)
        if "value" in self.attrib:
            return self._finish(item, self.get("value"))
        return None

    def _render_macro(self, item: CiteItem, context: Formatting | None, **kwargs: Any) -> RichString | None:
        # citeproc-js compiles a macro call as a group: the same
        # suppression rule applies (a macro whose variables are all empty
        # renders nothing, even if it holds labels or terms)
        with state.GroupScope() as group:
            text = self.get_macro(self.get("macro")).render(item, context=context, **kwargs)
        if text is None or str(text) == "" or group.suppressed:
            group.finish(False)
            return None
        group.finish(True)
        text = apply_case(self, text, item)
        if self.get("strip-periods", "false") == "true":
            text = strip_periods(str(text))
        return self.wrap(self.quote(self.format(RichString(text))))

    def _finish(self, item: CiteItem, text: str | None) -> RichString | None:
        if text is None or str(text) == "":
            return None
        text = apply_case(self, str(text), item)
        if self.get("strip-periods", "false") == "true":
            text = strip_periods(text)
        text = rich(self, text)
        if text == "":
            return None
        state.current().term_predecessor = True
        return self.wrap(self.quote(self.format(RichString(text))))

    def _variable_text(self, item: CiteItem, context: Formatting | None) -> str | None:
        variable = self.get("variable")
        st = state.current()
        if variable in st.suppressed:
            return None
        if self.get("form") == "short":
            for short in (variable + "-short", {"title": "title-short"}.get(variable)):
                if short and ref_value(item, short) is not None:
                    variable = short
                    break
        if variable in ("page", "page-first"):
            value = ref_value(item, "page")
            if value is None:
                return None
            text = self._process(value, variable)
        elif variable == "locator":
            if not item.has_locator:
                return None
            text = str(item.locator.identifier).replace("-", "\u2013")
        elif variable == "citation-number":
            text = str(item.number)
        elif variable == "first-reference-note-number":
            if st.area != "citation" or st.position == "first" or st.first_note is None:
                return None
            text = str(st.first_note)
        elif variable == "year-suffix":
            text = item.get("_compat_year_suffix")
            if not text:
                return None
        else:
            value = ref_value(item, variable)
            if value is None:
                return None
            if isinstance(value, (list, SrcDate, DateRange, LiteralDate)):
                return None
            text = str(value)
        state.record(self.get("variable"))
        return text

    def _process(self, value: str, variable: str) -> str:
        text = model.FormatNumber._process(self, value, variable)
        return str(text)
