"""Numbers and labels: ``cs:number``, ``cs:label``, and what counts as numeric.

* ``is-numeric`` (and ``cs:number``) accept ranges and lists of numbers with
  up to three letters around each (``12-14``, ``2, 5 & 7``, ``S4``), as
  citeproc-js does (:func:`is_numeric`).
* A label renders its term whether or not the variable has a value (the
  enclosing group usually hides it; citeproc-js ``CSL.evaluateLabel``); a
  locator label without a locator is "page"; ``strip-periods`` on a label
  removes every full stop.
"""
from __future__ import annotations

import re
from typing import Any

from citeproc import model

from . import state
from .formatting import Formatting, rich, term_text
from .items import CiteItem, ref_value
from .richtext import RichString
from .textcase import apply_case, strip_periods

__all__ = ["Label", "Number", "is_numeric"]

_NUMERIC_RE = re.compile(r"^\s*[A-Za-z]{0,3}\d+[A-Za-z]{0,3}(?:\s*(?:[-\u2013,&]|and)\s*[A-Za-z]{0,3}\d+[A-Za-z]{0,3})*\s*$")


def is_numeric(value: object) -> bool:
    """Whether a variable's value is numeric in the sense of CSL ``is-numeric``
    (a number, or numbers joined by ``-``, ``–``, ``,``, ``&`` or "and")."""
    if isinstance(value, int):
        return True
    return bool(_NUMERIC_RE.match(str(value)))


class Number(Formatting, model.Number):
    def render(self, item: CiteItem, context: Formatting | None = None, **kwargs: Any) -> RichString | None:
        out = self._render(item)
        state.mark(True, out is not None)
        return out

    def _render(self, item: CiteItem) -> RichString | None:
        variable = self.get("variable")
        st = state.current()
        if variable in st.suppressed:
            return None
        if variable == "locator":
            if not item.has_locator:
                return None
            value = item.locator.identifier
            label = item.locator.label
        else:
            value = ref_value(item, variable)
            label = variable
            if value is None:
                return None
        state.record(variable)
        value = str(value)
        if is_numeric(value):
            text = str(self._process(value, label))
        else:
            text = value
        text = apply_case(self, text, item)
        if self.get("strip-periods", "false") == "true":
            text = strip_periods(text)
        text = rich(self, text)
        return self.wrap(self.format(RichString(text)))


class Label(Formatting, model.Label):
    def render(self, item: CiteItem, variable: str | None = None, plural: bool | None = None,
               context: Formatting | None = None, **kwargs: Any) -> RichString | None:
        # citeproc-js CSL.evaluateLabel: a label renders its term whether or
        # not the variable has a value (the enclosing group usually hides
        # it); a locator label without locator is "page".
        if variable is None:
            variable = self.get("variable")
            value = None
            if variable == "locator":
                if item.has_locator:
                    value = item.locator.identifier
                    variable = item.locator.label or "page"
                else:
                    variable = "page"
            elif variable == "first-reference-note-number":
                st = state.current()
                if st.area == "citation" and st.position != "first" and st.first_note is not None:
                    value = str(st.first_note)
            else:
                value = ref_value(item, variable)
            if plural is None:
                if value is None:
                    plural = False
                elif variable.startswith("number-of-"):
                    try:
                        plural = int(str(value)) > 1
                    except ValueError:
                        plural = False
                else:
                    plural = bool(re.search(r"\d+\s*(?:[-\u2013,&]|and)\s*\d+", str(value)))
        form = self.get("form", "long")
        option = self.get("plural", "contextual")
        is_plural = option == "always" or (option == "contextual" and plural)
        text = term_text(self, variable, form if form != "long" else None, is_plural)
        if not text:
            return None
        if self.get("strip-periods", "false") == "true":
            # citeproc-js castLabel: ret.replace(/\./g, "")
            text = text.replace(".", "")
        text = apply_case(self, text, item)
        text = rich(self, text)
        if text:
            state.current().term_predecessor = True
        return self.wrap(self.format(RichString(text)))
