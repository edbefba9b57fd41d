"""The elements that arrange others: ``cs:layout``, ``cs:macro``, ``cs:group``
and ``cs:choose`` with its conditions.

* Group suppression (CSL 1.0.2: a group that calls variables, all of them
  empty, renders nothing) counts only the variables actually evaluated (the
  branch of cs:choose taken; citeproc-py counted every branch), and a nested
  group with output counts as rendered (citeproc-js).
* Conditions: ``disambiguate`` is false unless disambiguating (citeproc-py
  treated it as true), ``position`` follows the citation's position,
  ``is-numeric`` accepts ranges and lists of numbers; variables suppressed by
  a substitution still test as present (as in citeproc-js). Parsed conditions
  are cached per style.
* ``second-field-align``: the first rendered element of a bibliography entry
  goes in citeproc-js's ``csl-left-margin`` block, the rest in
  ``csl-right-inline`` (IEEE, Nature, ...).
"""
from __future__ import annotations

from typing import Any

from citeproc import model

from . import state
from .formatting import Formatting
from .items import CiteItem, ref_value
from .numbers import is_numeric
from .richtext import CLOSE, OPEN, RichString, join_rich
from .state import RenderState

__all__ = ["Choose", "Else", "Else_If", "Group", "If", "Layout", "Macro"]


class Macro(Formatting, model.Macro):
    def render(self, item: CiteItem, context: Formatting | None = None, sort_options: dict[str, str] | None = None,
               **kwargs: Any) -> RichString | None:
        return self.render_children(item, context=context, sort_options=sort_options)


class Layout(Formatting, model.Layout):
    def render_item(self, item: CiteItem) -> RichString | None:
        parent = self.getparent()
        if isinstance(parent, model.Bibliography) and parent.get("second-field-align"):
            return self._render_second_field_aligned(item)
        text = self.render_children(item, context=self)
        if text is None or str(text) == "":
            return None
        if isinstance(parent, model.Bibliography) and self.get("suffix"):
            inside = _suffix_into_last_block(str(text), self.get("suffix", ""))
            if inside is not None:
                text = RichString(self.get("prefix", "")) + inside if self.get("prefix") else inside
                return self.format(text)
        return self.wrap(self.format(text))

    def _render_second_field_aligned(self, item: CiteItem) -> RichString | None:
        # citeproc-js: the first rendered top-level element goes in the
        # left margin, the rest in an inline block beside it
        outputs = self.rendered_children(item, self.get("delimiter", ""), context=self)
        if not outputs:
            return None
        # the layout's affixes go inside the blocks (as in citeproc-js)
        prefix, suffix = self.get("prefix", ""), self.get("suffix", "")
        head = RichString(prefix) + str(outputs[0]) if prefix else RichString(str(outputs[0]))
        rest = join_rich(outputs[1:], self.get("delimiter", ""))
        if rest is None:
            head = head + suffix if suffix else head
        first = RichString(OPEN[("display", "left-margin")] + str(head) + CLOSE)
        if rest is not None:
            rest = rest + suffix if suffix else rest
            # citeproc-js trims the whitespace that ends an entry (a trailing ". "
            # suffix), in the right-inline block as in a plain entry
            rest = RichString(str(rest).rstrip(" "))
            first = RichString(str(first) + OPEN[("display", "right-inline")] + str(rest) + CLOSE)
        return self.format(first)


_DISPLAY_OPENS = {OPEN[("display", d)] for d in ("block", "left-margin", "right-inline", "indent")}


def _suffix_into_last_block(text: str, suffix: str) -> RichString | None:
    """``text`` with the bibliography layout's ``suffix`` put inside its last display
    block, when the entry ends with one (None otherwise).

    citeproc-js appends the layout suffix to the last block of an entry, so a
    style whose entry ends in ``<group display="right-inline">`` gets its final
    period inside ``csl-right-inline`` (fixture bugreports_SmallCapsEscape);
    citeproc-py put it after the block."""
    if not text.endswith(CLOSE):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch == CLOSE:
            depth += 1
        elif ch in _OPENS:
            depth -= 1
            if depth == 0:
                if ch not in _DISPLAY_OPENS:
                    return None
                return RichString(text[:-1]) + suffix + CLOSE
    return None


_OPENS = set(OPEN.values())


class Group(Formatting, model.Group):
    def render(self, item: CiteItem, context: Formatting | None = None, **kwargs: Any) -> RichString | None:
        # CSL 1.0.2: a group is suppressed when it calls variables and all of
        # them are empty. Only the variables actually evaluated count (the
        # branch taken in cs:choose), as in citeproc-js; citeproc-py counted
        # every branch.
        delimiter = self.get("delimiter", "")
        with state.GroupScope() as group:
            output = self.rendered_children(item, delimiter, context=context, **kwargs)
        result = None
        if output and not group.suppressed:
            result = self.wrap(self.format(join_rich(output, delimiter)))
        # citeproc-js: a nested group with output counts as a variable
        # rendered in its parent, even when it holds only terms
        group.finish(result is not None)
        return result


def _children_call_variables(self: Formatting) -> bool:
    return any(child.calls_variable() for child in self.getchildren())


class Choose(Formatting, model.Choose):
    def render(self, item: CiteItem, context: Formatting | None = None, delimiter: str = "", **kwargs: Any) -> RichString | None:
        for child in self.getchildren():
            try:
                result: RichString | None = child.render(item, context=context, delimiter=delimiter, **kwargs)
                return result
            except model.ConditionFailed:
                continue
        return None

    calls_variable = _children_call_variables


class If(Formatting, model.If):
    def render(self, item: CiteItem, context: Formatting | None = None, delimiter: str = "", **kwargs: Any) -> RichString | None:
        if not self._test(item):
            raise model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    def _conditions(self) -> dict[str, Any]:
        """The condition attributes, split into lists (and ``match``), once per style."""
        cache = self._cache()
        key = ("if", self)
        conds: dict[str, Any] | None = cache.get(key)
        if conds is None:
            conds = cache[key] = {
                name: self.get(name).split()
                for name in ("type", "variable", "is-numeric", "is-uncertain-date", "locator", "position", "disambiguate")
                if self.get(name) is not None
            }
            conds["match"] = self.get("match", "all")
        return conds

    def _test(self, item: CiteItem) -> bool:
        results = []
        st = state.current()
        conds = self._conditions()
        if "type" in conds:
            ref_type = dict.__getitem__(item.reference, "type")
            if conds["match"] == "any" and ref_type in conds["type"] and len(conds) == 2:
                return True
            results += [t == ref_type for t in conds["type"]]
        if "variable" in conds:
            for var in conds["variable"]:
                if var == "locator":
                    results.append(item.has_locator)
                elif var == "first-reference-note-number":
                    results.append(st.area == "citation" and st.position != "first" and st.first_note is not None)
                elif var == "year-suffix":
                    results.append(bool(item.get("_compat_year_suffix")))
                else:
                    results.append(ref_value(item, var) is not None)
        if "is-numeric" in conds:
            for var in conds["is-numeric"]:
                if var == "locator":
                    value = item.locator.identifier if item.has_locator else None
                else:
                    value = ref_value(item, var)
                results.append(value is not None and is_numeric(value))
        if "is-uncertain-date" in conds:
            for var in conds["is-uncertain-date"]:
                value = ref_value(item, var)
                results.append(bool(value is not None and getattr(value, "get", lambda *_: False)("circa", False)))
        if "locator" in conds:
            for loc in conds["locator"]:
                results.append(item.has_locator and loc.replace("-", " ") == item.locator.label.replace("-", " "))
        if "position" in conds:
            for pos in conds["position"]:
                results.append(_position_test(st, pos))
        if "disambiguate" in conds:
            results.append(st.disambiguate and conds["disambiguate"] == ["true"])
        match = conds["match"]
        if match == "any":
            return any(results)
        if match == "none":
            return not any(results)
        return all(results)

    calls_variable = _children_call_variables


def _position_test(st: RenderState, pos: str) -> bool:
    if st.area != "citation":
        return False
    if pos == "first":
        return st.position == "first"
    if pos == "subsequent":
        return st.position in ("subsequent", "ibid", "ibid-with-locator")
    if pos == "ibid":
        return st.position in ("ibid", "ibid-with-locator")
    if pos == "ibid-with-locator":
        return st.position == "ibid-with-locator"
    if pos == "near-note":
        return st.position != "first" and st.near_note
    return False


class Else_If(If):
    pass


class Else(Formatting, model.Else):
    def render(self, item: CiteItem, context: Formatting | None = None, delimiter: str = "", **kwargs: Any) -> RichString | None:
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    calls_variable = _children_call_variables
