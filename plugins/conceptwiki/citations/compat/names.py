"""Names: ``cs:names``, ``cs:name``, ``cs:name-part``, ``cs:et-al`` and ``cs:substitute``.

Names are rendered per CSL 1.0.2 as citeproc-js does:

* ``initialize="false"`` is honoured (see :mod:`.initials`), particles and
  suffixes (``demote-non-dropping-particle``), ``et-al-use-last`` with the
  ellipsis (APA's 21+ authors), ``delimiter-precedes-last``,
  ``delimiter-precedes-et-al``, ``<et-al>`` formatting, ``name-part``
  formatting, ``form="count"``, ``et-al-subsequent-*`` for subsequent
  citations, names inherited by ``<substitute>``; a ``-with-initials``
  given-name disambiguation rule implies ``initialize-with=""`` in citations
  (not in the bibliography).
* cs:name formatting applies to each name, affixes to the list; names go
  through the same rich-text pass as other text (``O’Neil``).
* Identical editor and translator under one cs:names get the
  "editortranslator" term only when the names element lists exactly those
  variables (``CSL.NameOutput.setCommonTerm``).
* Substituted variables are suppressed in the rest of the output, also when
  the substitute is a macro (citeproc-py only suppressed direct children).
* ``subsequent-author-substitute`` (complete-all): the first names of an
  entry equal to those of the previous entry are replaced while rendering,
  so affixes and punctuation around them stay as citeproc-js renders them;
  names are compared without their et-al part.
"""
from __future__ import annotations

from typing import Any, Callable

from citeproc import model
from citeproc.source import VariableError

from . import initials, state
from .csl import CSL_NS, NS
from .formatting import Formatting, rich, term_text
from .items import CiteItem, NameData, ref_value
from .richtext import RichString, join_rich, strip_markers
from .textcase import apply_case

__all__ = ["Et_Al", "Name", "Name_Part", "Names", "Substitute", "default_name", "names_equal"]

_Options = Callable[[str], Any]


class Names(Formatting, model.Names):
    def render(self, item: CiteItem, names_context: Formatting | None = None, context: Formatting | None = None,
               **kwargs: Any) -> RichString | None:
        out = self._render(item, names_context, context, **kwargs)
        state.mark(True, out is not None and str(out) != "")
        return out

    def _render(self, item: CiteItem, names_context: Formatting | None = None, context: Formatting | None = None,
                **kwargs: Any) -> RichString | None:
        st = state.current()
        names_context = names_context if names_context is not None else self
        variables = self.get("variable", "").split()
        sort_options = kwargs.get("sort_options")
        name_el = names_context.find("cs:name", NS)
        label_el = names_context.find("cs:label", NS)
        et_al_el = names_context.find("cs:et-al", NS)
        present = [v for v in variables if v not in st.suppressed and ref_value(item, v) is not None]
        # citeproc-js (CSL.NameOutput.setCommonTerm): when the variables of a
        # cs:names are all present with identical names and the locale has a
        # term named after them (sorted and joined: "editortranslator"), the
        # names are rendered once with that term as label.
        roles: dict[str, str] = {}
        if len(variables) >= 2 and len(present) == len(variables) and label_el is not None:
            common = "".join(sorted(variables))
            form = label_el.get("form", "long")
            first = ref_value(item, variables[0])
            if self.get_term(common, form if form != "long" else None) is not None and all(
                names_equal(first, ref_value(item, v)) for v in variables[1:]
            ):
                present = [variables[0]]
                roles = {variables[0]: common}
        output = []
        first_label: tuple[str, bool] | None = None  # the first label, and whether it goes before
        keys: list[str | None] = []
        count = 0
        for var in present:
            names = ref_value(item, var)
            if name_el is None:
                name_el = default_name(names_context)
            if name_el.get("form", name_el.get_option("form", context, sort_options)) == "count" or self.get("form") == "count":
                count += name_el.count(names, context, sort_options)
                state.record(var)
                continue
            text = name_el.render_names(item, names, var, context, sort_options, et_al_el)
            if text is None:
                continue
            state.record(var)
            keys.append(st.last_names_key)
            # sort keys hold the names without their label: "Doe, John" as editor
            # sorts with "Doe, John" as author, not after "Doe, John Eamon"
            # (citeproc-js; fixture sort_DropNameLabelInSort)
            if label_el is not None and st.area != "sort":
                label = label_el.render(item, variable=roles.get(var, var), plural=len(names) > 1)
                if label is not None:
                    children = list(names_context)
                    if name_el in children and children.index(label_el) < children.index(name_el):
                        text = RichString(str(label)) + str(text)
                        first_label = first_label or (str(label), True)
                    else:
                        text = RichString(str(text)) + str(label)
                        first_label = first_label or (str(label), False)
            output.append(text)
        if count:
            return self.wrap(self.format(str(count)))
        if output:
            delimiter = self.get("delimiter")
            if delimiter is None:
                delimiter = self._inherited_names_delimiter(context)
            if st.area == "bibliography" and st.first_names_key is None:
                # subsequent-author-substitute (complete-all): the first names
                # of an entry equal to those of the previous entry are
                # replaced while rendering, so affixes and punctuation around
                # them stay as citeproc-js renders them
                st.first_names_key = "\x01".join(str(k) for k in keys)
                if st.author_substitute is not None and st.first_names_key == st.previous_names_key:
                    # the names are replaced, their label stays ("--- ed."), as in
                    # citeproc-js (fixture sort_SeparateAuthorsAndOthers)
                    replaced = RichString(st.author_substitute)
                    if first_label is not None:
                        label_text, before = first_label
                        replaced = (RichString(label_text) + str(replaced) if before
                                    else replaced + label_text)
                    return self.wrap(self.format(replaced))
            return self.wrap(self.format(join_rich(output, delimiter)))
        substitute = self.find("cs:substitute", NS)
        if substitute is not None:
            first_in_entry = st.area == "bibliography" and st.first_names_key is None
            result: RichString | None = substitute.render(item, context=context, **kwargs)
            if first_in_entry and st.first_names_key is None and result is not None and str(result):
                # subsequent-author-substitute also compares what a cs:substitute rendered
                # instead of names (a title, a container title): citeproc-js replaces
                # "Yomiuri Shinbun" repeated as substituted author by "———"
                # (fixture name_SubsequentAuthorSubstituteSingleField)
                st.first_names_key = "\x02" + strip_markers(str(result))
                if st.author_substitute is not None and st.first_names_key == st.previous_names_key:
                    return RichString(st.author_substitute)
            return result
        return None

    def _inherited_names_delimiter(self, context: Formatting | None) -> str | None:
        ctx = context if context is not None else self
        parent = ctx.area_parent() if hasattr(ctx, "area_parent") else None
        if parent is not None:
            delimiter: str | None = parent.get_option("names-delimiter")
            return delimiter
        root_delimiter: str = self.get_root().get("names-delimiter", "")
        return root_delimiter

    def calls_variable(self) -> bool:
        return True


def _incomplete(names: list[NameData]) -> tuple[list[NameData], bool]:
    """The names of a list, and whether it ended in the marker of an incomplete list.

    CSL-JSON cannot say that a list goes on (BibTeX's ``and others``): the project's items
    end such a list in the name ``{"literal": "et al."}`` (``conceptwiki.bibtex.OTHERS``).
    It is rendered as if one more name followed: the style's et-al rules apply to the longer
    list, and where they would print every name, "et al." follows the names given."""
    if len(names) >= 2 and dict(names[-1]) == {"literal": "et al."}:
        return names[:-1], True
    return names, False


def names_equal(a: list[NameData], b: list[NameData]) -> bool:
    """Whether two name variables hold the same names."""
    return [dict(n) for n in a] == [dict(n) for n in b]


def default_name(parent: Formatting) -> Name:
    """The cs:name a cs:names (or sort key) without one uses (inserted once)."""
    el: Name | None = parent.find("cs:name", NS)
    if el is None:
        el = parent.makeelement("{%s}name" % CSL_NS)
        parent.insert(0, el)
    return el


class Substitute(Formatting, model.Substitute):
    def render(self, item: CiteItem, context: Formatting | None = None, **kwargs: Any) -> RichString | None:
        st = state.current()
        names_parent = self.getparent()
        for child in self.getchildren():
            rec: set[str] = set()
            st.recording.append(rec)
            try:
                if isinstance(child, model.Names) and child.find("cs:name", NS) is None:
                    text = child.render(item, names_context=names_parent, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except VariableError:
                text = None
            finally:
                st.recording.pop()
            if text is not None and str(text) != "":
                # CSL: substituted variables are suppressed in the rest of the output
                st.suppressed |= rec
                result: RichString = text
                return result
        return None


class Name(Formatting, model.Name):
    def get_option(self, name: str, context: Formatting | None = None, sort_options: dict[str, str] | None = None) -> Any:
        if sort_options is not None and name in sort_options:
            value: Any = sort_options[name]
        else:
            ctx = context if context is not None and hasattr(context, "area_parent") else self
            parent = ctx.area_parent()
            if parent is None:
                parent = self.area_parent()
            key = "name-" + name if name in ("form", "delimiter") else name
            if parent is not None:
                default = parent.get_option(key)
            else:
                default = self.getroottree().getroot().get_option(key)
            value = self.get(name, default)
        if name in ("initialize-with-hyphen", "et-al-use-last"):
            value = str(value).lower() == "true"
        elif name.startswith("et-al"):
            value = int(value)
        return value

    def count(self, names: list[NameData], context: Formatting | None, sort_options: dict[str, str] | None) -> int:
        names, _ = _incomplete(names)
        et_al_min, et_al_first = self._et_al_numbers(self._options(context, sort_options))
        if et_al_min and len(names) >= et_al_min:
            return min(len(names), et_al_first)
        return len(names)

    def _options(self, context: Formatting | None, sort_options: dict[str, str] | None) -> _Options:
        """The options of this name in ``context``: ``opt(name)`` (see :meth:`get_option`)."""

        def opt(name: str) -> Any:
            return self.get_option(name, context, sort_options)

        return opt

    def _et_al_numbers(self, opt: _Options) -> tuple[int, int]:
        st = state.current()
        et_al_min = opt("et-al-min")
        et_al_first = opt("et-al-use-first")
        if st.area == "citation" and st.position != "first":
            try:
                sub_min = self.get_option("et-al-subsequent-min", None, st.sort_options)
                sub_first = self.get_option("et-al-subsequent-use-first", None, st.sort_options)
            except Exception:  # noqa: BLE001
                sub_min = sub_first = 0
            explicit_min = self._explicit("et-al-subsequent-min")
            explicit_first = self._explicit("et-al-subsequent-use-first")
            if explicit_min:
                et_al_min = sub_min
            if explicit_first:
                et_al_first = sub_first
        if et_al_min and not self._use_first_set(st):
            # CSL 1.0.2: "Use of these two attributes [et-al-min and et-al-use-first]
            # enables et-al abbreviation"; with et-al-min alone citeproc-js shows every
            # name (citeproc-py's default use-first of 1 cut the list to one name)
            et_al_min = 0
        return et_al_min, et_al_first

    def _use_first_set(self, st: state.RenderState) -> bool:
        """Whether et-al-use-first is set for this name: on it, in the sort key's options,
        on the cs:citation/cs:bibliography being rendered (a macro's name is in neither)
        or on cs:style."""
        name = "et-al-use-first"
        if self._explicit(name) or (st.sort_options is not None and name in st.sort_options):
            return True
        area = {"citation": "cs:citation"}.get(st.area, "cs:bibliography")
        area_el = self.get_root().find(area, NS)
        return area_el is not None and area_el.get(name) is not None

    def _explicit(self, name: str) -> bool:
        if self.get(name) is not None:
            return True
        parent = self.area_parent()
        if parent is not None and parent.get(name) is not None:
            return True
        return self.get_root().get(name) is not None

    def render_names(self, item: CiteItem, names: list[NameData], variable: str, context: Formatting | None,
                     sort_options: dict[str, str] | None, et_al_el: Et_Al | None) -> RichString | None:
        opt = self._options(context, sort_options)
        and_ = opt("and")
        delimiter = opt("delimiter")
        dp_et_al = opt("delimiter-precedes-et-al")
        dp_last = opt("delimiter-precedes-last")
        et_al_min, et_al_first = self._et_al_numbers(opt)
        et_al_last = opt("et-al-use-last")
        initialize_with = opt("initialize-with")
        initialize = self.get("initialize", "true") != "false"
        nso = opt("name-as-sort-order")
        sort_sep = opt("sort-separator")
        form = opt("form")
        demote = self.get_root().get("demote-non-dropping-particle", "display-and-sort")
        hyphen = opt("initialize-with-hyphen")
        style_root = state.current().style_root
        # ... in citations only: "the bibliography's name form never shrinks"
        # (citeproc-js; fixture name_BibliographyNameFormNeverShrinks)
        if initialize_with is None and style_root is not None and state.current().area != "bibliography":
            citation_el = style_root.find("cs:citation", NS)
            rule = citation_el.get("givenname-disambiguation-rule", "") if citation_el is not None else ""
            if rule.endswith("-with-initials"):
                # citeproc-js: "-with-initials" rules imply initialize-with ""
                initialize_with = ""
        if sort_options:
            nso = "all"
        names, incomplete = _incomplete(names)
        total = len(names) + incomplete  # at least one name more than given
        truncated = bool(et_al_min) and total >= et_al_min and et_al_first < total
        shown = names[:et_al_first] if truncated else list(names)
        # et-al-use-last needs the real last name, which an incomplete list does not have
        use_last = (truncated and et_al_last and et_al_first <= et_al_min - 2 and et_al_first >= 1
                    and not incomplete)
        truncated = truncated or incomplete

        def one(name: NameData, inverted: bool) -> str | None:
            text = self._one(name, form, inverted, initialize_with, initialize, sort_sep, demote, item,
                             bool(sort_options), hyphen)
            # citeproc-js applies cs:name formatting to each name, affixes to the list
            return str(self.format(rich(self, text))) if text else text

        rendered = []
        inverted = []
        for i, name in enumerate(shown):
            inv = nso == "all" or (nso == "first" and i == 0)
            rendered.append(one(name, inv))
            inverted.append(inv and form != "short" and "literal" not in name)
        rendered = [r for r in rendered if r]
        if not rendered:
            return None
        n = len(rendered)
        # what subsequent-author-substitute compares (citeproc-js leaves the
        # et-al term out of the comparison)
        state.current().last_names_key = "\x00".join(str(r) for r in rendered)

        def precedes(option: str, last_inverted: bool, contextual_min: int) -> bool:
            """``delimiter-precedes-last`` / ``-et-al``: a delimiter before the last name or et al."""
            if option == "always":
                return True
            if option == "never":
                return False
            if option == "after-inverted-name":
                return last_inverted
            return option == "contextual" and n >= contextual_min

        if truncated and use_last:
            last = one(names[-1], nso == "all")
            return self.wrap((RichString(join_rich(rendered, delimiter)) + delimiter + "\u2026 " + last))
        if truncated:
            et_al_text = None if state.current().area == "sort" else self._et_al(et_al_el, item)
            base = join_rich(rendered, delimiter)
            if not et_al_text:
                return self.wrap((base))
            sep = delimiter if precedes(dp_et_al, inverted[n - 1], 2) else " "
            return self.wrap((RichString(str(base)) + sep + et_al_text))
        if n == 1:
            return self.wrap((RichString(rendered[0])))
        if and_ in ("text", "symbol"):
            and_term = term_text(self, "and") if and_ == "text" else "&"
            head = join_rich(rendered[:-1], delimiter)
            if precedes(dp_last, inverted[n - 2], 3):
                sep = delimiter + and_term + " "
            else:
                sep = " " + and_term + " "
            return self.wrap((RichString(str(head)) + sep + rendered[-1]))
        return self.wrap((join_rich(rendered, delimiter)))

    def _et_al(self, et_al_el: Et_Al | None, item: CiteItem) -> str | None:
        if et_al_el is not None:
            term = et_al_el.get("term", "et-al")
            text = term_text(self, term)
            if not text:
                return None
            return str(et_al_el.wrap(et_al_el.format(RichString(rich(self, text)))))
        text = term_text(self, "et-al")
        return rich(self, text) if text else None

    def _one(self, name: NameData, form: str, inverted: bool, initialize_with: str | None, initialize: bool,
             sort_sep: str, demote: str, item: CiteItem, sorting: bool, hyphen: bool = True) -> str | None:
        if "literal" in name:
            return str(name["literal"])
        given = name.get("given")
        family = name.get("family")
        dp = name.get("dropping-particle")
        ndp = name.get("non-dropping-particle")
        suffix = name.get("suffix")
        given = str(given) if given else None
        family = str(family) if family else None
        if family is None and given is not None:
            family, given = given, None
        if family is None:
            return None
        if given and family and initialize_with is not None:
            given = initials.initialize_with(given, initialize_with, not initialize, hyphen)
        if suffix and initialize_with is not None:
            suffix = initials.initialize_with(str(suffix), initialize_with, True, hyphen)
        fam_part = self.find("cs:name-part[@name='family']", NS)
        giv_part = self.find("cs:name-part[@name='given']", NS)

        def fmt_family(text: str) -> str:
            return str(fam_part.format_part_text(text, item)) if fam_part is not None and text else text

        def fmt_given(text: str) -> str:
            return str(giv_part.format_part_text(text, item)) if giv_part is not None and text else text

        if form == "short":
            return fmt_family(_with_particle(ndp, family))
        if not inverted:
            fam = _with_particle(ndp, family)
            giv = " ".join(p for p in (given, dp) if p)
            out = " ".join(p for p in (fmt_given(giv) if giv else None, fmt_family(fam)) if p)
            if suffix:
                comma = name.get("comma-suffix") or name.get("comma_suffix")
                out += (", " if comma else " ") + suffix
            return out
        if demote in ("never", "sort-only") and not (sorting and demote == "sort-only"):
            fam = _with_particle(ndp, family)
            giv = " ".join(p for p in (given, dp) if p)
        else:
            fam = family
            giv = " ".join(p for p in (given, dp, ndp) if p)
        parts = [fmt_family(fam)]
        if giv:
            parts.append(fmt_given(giv))
        if suffix:
            parts.append(suffix)
        return str(sort_sep.join(parts))


def _with_particle(particle: str | None, family: str) -> str:
    """The family name after its particle: no space after a particle ending in a hyphen
    or apostrophe ("al-One", "d'Alembert"), as citeproc-js joins them."""
    if not particle:
        return family
    return particle + ("" if particle[-1] in "-'\u2019" else " ") + family


class Name_Part(Formatting, model.Name_Part):
    def format_part_text(self, text: str, item: CiteItem) -> RichString | None:
        text = apply_case(self, text, item)
        return self.wrap(self.format(RichString(text)))


class Et_Al(Formatting, model.Et_Al):
    pass
