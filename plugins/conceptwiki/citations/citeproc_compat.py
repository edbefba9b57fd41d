"""Make citeproc-py 0.11.1 render like citeproc-js.

A self-contained layer over citeproc-py (it imports only citeproc-py, lxml,
which citeproc-py needs, and the standard library), written so that it could
be offered upstream. Nothing is patched globally: :func:`load_style` parses a
CSL style into subclasses of citeproc-py's element classes (``citeproc.model``)
that carry the fixes, and :func:`render_bibliography` /
:func:`render_citation` render CSL-JSON items with it.

Every fix mirrors citeproc-js (the reference CSL processor used by Zotero),
version 2.4.x; the function or rule of citeproc-js it mirrors is named next to
it. In short:

* Rich text is rendered the citeproc-js way: while rendering, formatting is
  carried as private-use marker characters and turned into output only at the
  end (:func:`finalize`). This gives
  - HTML with ``&``, ``<``, ``>`` in data escaped as ``&#38;``, ``&#60;``,
    ``&#62;`` (citeproc-py escapes nothing), and formatting only as the tags
    citeproc-js emits (``<i>``, ``<b>``, ``<span style=...>``, ``<sup>``,
    ``<sub>``);
  - quotes that alternate when nested (outer/inner locale quote terms), for
    ``quotes="true"`` and for straight quotes in the data (citeproc-js
    ``CSL.Util.FlipFlopper``); apostrophes become ``’``;
  - ``<i>``, ``<b>``, ``<sc>``, ``<sup>``, ``<sub>`` and
    ``<span class="nocase">`` markup in data interpreted (italics inside an
    italic title flip to normal), markup removed from the output;
  - punctuation-in-quote from the locale: ``.`` and ``,`` after a closing
    quote move inside it (en-US), and punctuation meeting at the seam of two
    rendered pieces merges as citeproc-js ``CSL.Output.Queue.adjust`` does
    (``?`` + ``.`` gives ``?``, ``.`` + ``.`` gives ``.``).
* ``text-case`` is a port of citeproc-js ``CSL.Output.Formatters``: title case
  capitalises after hyphens and full stops and keeps stop words lower case,
  capitalize-first and title case skip words that already contain capitals
  (``arXiv``) and nocase spans; title case only applies to English items.
* ``strip-periods`` removes only full stops not followed by a lower-case
  letter (citeproc-js regex), so ``Gwern.net`` keeps its stop.
* Names are rendered per CSL 1.0.2 as citeproc-js does: ``initialize="false"``
  is honoured (citeproc-py turned every given name into initials when
  ``initialize-with`` was set), particles and suffixes, ``et-al-use-last``
  with the ellipsis (APA's 21+ authors), ``delimiter-precedes-last``,
  ``delimiter-precedes-et-al``, ``<et-al>`` formatting, ``name-part``
  formatting, ``form="count"``, names inherited by ``<substitute>``.
* Substituted variables are suppressed in the rest of the output, also when
  the substitute is a macro (citeproc-py only suppressed direct children).
* Dates given as ``{"raw": "2019-06-05"}`` are parsed (citeproc-py dropped
  them); date-part attributes of a style no longer leak into the locale's
  date formats between renders.
* Conditions: ``disambiguate`` is false unless disambiguating (citeproc-py
  treated it as true), ``position`` follows the citation's position,
  ``is-numeric`` accepts ranges and lists of numbers; variables suppressed by
  a substitution still test as present (as in citeproc-js).
* Group suppression counts only the variables actually evaluated (the branch
  of cs:choose taken; citeproc-py counted every branch), a nested group with
  output counts as rendered, ``year-suffix`` is not a called variable, and a
  ``<text macro>`` call is suppressed like a group (citeproc-js compiles
  macro calls as groups).
* Terms: a term that is the first thing rendered in a bibliography entry or
  note is capitalised; ``strip-periods`` on terms and labels removes every
  full stop; a label renders its term even without a value (citeproc-js
  ``CSL.evaluateLabel``).
* Names: identical editor and translator under one cs:names get the
  "editortranslator" term only when the names element lists exactly those
  variables (``CSL.NameOutput.setCommonTerm``); cs:name formatting applies to
  each name; names go through the same rich-text pass (``O’Neil``).
* Literal dates render only where the year is shown.
* ``display`` and ``second-field-align`` produce citeproc-js's
  ``csl-left-margin`` / ``csl-right-inline`` / ``csl-block`` / ``csl-indent``
  output (IEEE, Nature, ...).
* Bibliographies: sorting with a citeproc-js-like collation (case, accents
  and punctuation ignored, numbers numeric; et-al terms left out of keys),
  year-suffix disambiguation, ``subsequent-author-substitute`` (names compared
  without their et-al part, replaced while rendering);
  ``first-reference-note-number`` for subsequent notes.
* Speed: macro, term, date-format and option look-ups and parsed conditions
  are cached per style (citeproc-py ran an XPath query for each, on every
  render).

Not covered (not needed by the styles tested): changing the rendered names to
disambiguate (citeproc-js adds names or given names to ambiguous citations,
and, for styles such as MLA, shows the added names in the bibliography too;
here names only decide which items need year suffixes), grouping/collapsing
several items in one citation, ibid positions.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
from functools import cmp_to_key
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable

import citeproc
from citeproc import model
from citeproc.source import (
    BibliographySource,
    Citation as _SrcCitation,
    CitationItem,
    Date as _SrcDate,
    DateRange,
    LiteralDate,
    Locator,
    Name as _SrcName,
    Reference,
    VariableError,
)
from citeproc.string import String
from lxml import etree

__all__ = [
    "LOCALES_PATH",
    "CompatSource",
    "CompatStyle",
    "finalize",
    "independent_parent",
    "is_note_style",
    "load_style",
    "parse_raw_date",
    "render_bibliography",
    "render_bibliography_entry",
    "bibliography_sort_values",
    "bibliography_sort_descending",
    "year_suffix_group",
    "subsequent_author_substitute",
    "uses_citation_number",
    "render_citation",
    "style_info",
    "style_title",
    "text_case",
]

LOCALES_PATH = citeproc.LOCALES_PATH
CSL_NS = "http://purl.org/net/xbiblio/csl"
_NS = {"cs": CSL_NS}

# ---------------------------------------------------------------------------
# Markers: formatting travels through citeproc-py's string concatenation as
# private-use characters; finalize() turns them into HTML or drops them.
# ---------------------------------------------------------------------------
_DECORATIONS = [
    ("font-style", "italic"),
    ("font-style", "oblique"),
    ("font-style", "normal"),
    ("font-variant", "small-caps"),
    ("font-variant", "normal"),
    ("font-weight", "bold"),
    ("font-weight", "normal"),
    ("font-weight", "light"),
    ("text-decoration", "underline"),
    ("text-decoration", "none"),
    ("vertical-align", "sup"),
    ("vertical-align", "sub"),
    ("vertical-align", "baseline"),
    ("quotes", "true"),
    # markup found in the data: flips against the enclosing decoration
    ("font-style", "flip"),
    ("font-weight", "flip"),
    ("font-variant", "flip"),
    ("quotes", "flip-true"),
    ("quotes", "flip-inner"),
    ("nodecor", ""),
    ("nocase", ""),
    ("display", "block"),
    ("display", "left-margin"),
    ("display", "right-inline"),
    ("display", "indent"),
]
_OPEN = {d: chr(0xE000 + i) for i, d in enumerate(_DECORATIONS)}
_DECOR_OF = {v: k for k, v in _OPEN.items()}
_CLOSE = "\ue0ff"
_NOCASE_OPEN = _OPEN[("nocase", "")]
_MARKER_RE = re.compile("[\ue000-\ue0ff]")


def _is_marker(ch: str) -> bool:
    return "\ue000" <= ch <= "\ue0ff"


def _decorate(text, attr, value):
    if text is None or str(text) == "":
        return text
    return _S(_OPEN[(attr, value)] + str(text) + _CLOSE)


def strip_markers(text: str) -> str:
    return _MARKER_RE.sub("", str(text))


# ---------------------------------------------------------------------------
# Punctuation at seams (citeproc-js CSL.Output.Queue.adjust, LtoR_MAP)
# ---------------------------------------------------------------------------
_LTOR = {
    "!": {".": "!", "?": "!?", ":": "!", ",": "!,", ";": "!;"},
    "?": {"!": "?!", ".": "?", ":": "?", ",": "?,", ";": "?;"},
    ".": {"!": ".!", "?": ".?", ":": ".:", ",": ".,", ";": ".;"},
    ":": {"!": "!", "?": "?", ".": ":", ",": ":,", ";": ":;"},
    ",": {"!": ",!", "?": ",?", ":": ",:", ".": ",.", ";": ",;"},
    ";": {"!": "!", "?": "?", ":": ";", ",": ";,", ".": ";"},
}
_PUNCT = set(_LTOR)


def _merge_seam(left: str, right: str) -> str:
    """Concatenate two rendered pieces, merging punctuation and spaces that
    meet at the seam (markers in between are looked through)."""
    if not left:
        return right
    if not right:
        return left
    i = len(left) - 1
    while i >= 0 and _is_marker(left[i]):
        i -= 1
    j = 0
    n = len(right)
    while j < n and _is_marker(right[j]):
        j += 1
    if i < 0 or j >= n:
        return left + right
    a, b = left[i], right[j]
    if a == " " and b == " ":
        return left + right[:j] + right[j + 1 :]
    if a in _PUNCT and b in _PUNCT:
        if a == b:
            return left + right[:j] + right[j + 1 :]
        merged = _LTOR[a][b]
        if len(merged) == 1:
            return left[:i] + merged + left[i + 1 :] + right[:j] + right[j + 1 :]
    return left + right


class _S(String):
    """A citeproc-py String whose concatenation merges seams like citeproc-js."""

    def __add__(self, other):
        if other is None:
            return self
        return _S(_merge_seam(str(self), str(other)))

    def __radd__(self, other):
        if other is None:
            return self
        return _S(_merge_seam(str(other), str(self)))

    def __iadd__(self, other):
        return self.__add__(other)


def _join(items: Iterable, delimiter="") -> _S | None:
    out = None
    for item in items:
        if item is None:
            continue
        item = str(item)
        if item == "":
            continue
        if out is None:
            out = _S(item)
        else:
            out = out + str(delimiter) + item if delimiter else out + item
    return out


# ---------------------------------------------------------------------------
# text-case: port of citeproc-js CSL.Output.Formatters
# ---------------------------------------------------------------------------
_SKIP_WORDS = set(
    """about above across afore after against al along alongside amid amidst among amongst anenst apropos
    apud around as aside astride at athwart atop barring before behind below beneath beside besides between
    beyond but by circa despite down during et except for forenenst from given in inside into lest like modulo
    near next notwithstanding of off on onto out over per plus pro qua sans since than through throughout
    thruout till to toward towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with
    within without or yet so and nor a an the de d' von van c ca""".split()
)
_TC_TAG_RE = re.compile(
    "(?:\u2018|\u2019|\u201c|\u201d| \"| '|\"|'|[-\u2013\u2014/.,;?!:]|\\[|\\]|\\(|\\)"
    '|<span style="font-variant: small-caps;">|<span class="no(?:case|decor)">|</span>'
    "|</?(?:i|sc|b|sub|sup)>|[\ue000-\ue0ff])"
)
_TC_TAG_PARAMS = {
    '<span style="font-variant: small-caps;">': "</span>",
    '<span class="nocase">': "</span>",
    '<span class="nodecor">': "</span>",
    "<sc>": "</sc>",
    "<sub>": "</sub>",
    "<sup>": "</sup>",
}
_PROTECTING_MARKERS = {
    _OPEN[("nocase", "")],
    _OPEN[("nodecor", "")],
    _OPEN[("font-variant", "flip")],
    _OPEN[("vertical-align", "sup")],
    _OPEN[("vertical-align", "sub")],
}
_WORD_SPLIT_RE = re.compile("[\u00a0\u0020\u2000-\u200b\u205f\u3000]+")


def _tc_split(string: str):
    string = re.sub(r'(<span)\s+(class="no(?:case|decor)")[^>]*(>)', r"\1 \2\3", string)
    string = re.sub(
        r'(<span)\s+(style="font-variant:)\s*(small-caps);?(")[^>]*(>)', r"\1 \2 \3;\4\5", string
    )
    tags = _TC_TAG_RE.findall(string)
    strings = _TC_TAG_RE.split(string)
    for i in range(len(tags) - 1, -1, -1):
        if tags[i] == "'" and len(strings[i + 1]) > 0:
            strings[i + 1] = tags[i] + strings[i + 1]
            tags[i] = ""
    return tags, strings, list(strings)


def _tc_join(tags, strings):
    out = [strings[0]]
    for t, s in zip(tags, strings[1:]):
        out.append(t)
        out.append(s)
    return "".join(out)


def _capitalise(word: str) -> str:
    m = re.match(r"(\s*)(.)(.*)", word, re.S)
    if m and not (re.match("^[\u0370-\u03ff]$", m.group(2)) and not m.group(3)):
        return m.group(1) + m.group(2).upper() + m.group(3)
    return word


def _words(s: str):
    """wordDoppel.split: words and the whitespace runs between them."""
    return _WORD_SPLIT_RE.findall(s), _WORD_SPLIT_RE.split(s)


def _unwords(seps, words):
    return _tc_join(seps, words)


_QUOTE_PARAMS = {
    ' "': (" '", '"'),
    " '": (' "', "'"),
    "\u2018": ("\u2018", "\u2019"),
    "\u201c": ("\u201c", "\u201d"),
}


def text_case(string: str, case: str) -> str:
    """Apply a CSL text-case the way citeproc-js does (see module doc)."""
    if not string:
        return string
    st = SimpleNamespace(is_first=True, after_punct=None, last_word_pos=None)
    quote_state: list | None = [] if case in ("sentence", "title", "capitalize-first", "capitalize-all") else None
    if case == "title":
        st.after_punct = False
    if case in ("lowercase", "uppercase"):
        st.is_first = None

    def cap_words(s, i, following_tag):
        if case in ("lowercase", "uppercase", "sentence"):
            words = s.split(" ")
            for k, w in enumerate(words):
                if not w:
                    continue
                if case == "lowercase":
                    words[k] = w.lower()
                elif case == "uppercase":
                    words[k] = w.upper()
                elif st.is_first:
                    words[k] = _capitalise(w)
                    st.is_first = False
                else:
                    words[k] = w.lower()
            return " ".join(words)
        if case == "title":
            if not s.strip():
                return s
            seps, words = _words(s)
            for k, w in enumerate(words):
                if not w:
                    continue
                lc = w.lower()
                cap = False
                if len(w) > 1 and lc not in _SKIP_WORDS:
                    cap = True
                elif k == len(words) - 1 and following_tag == "-":
                    cap = True
                elif st.is_first:
                    cap = True
                elif st.after_punct:
                    cap = True
                if cap and w == lc:
                    words[k] = _capitalise(w)
                st.after_punct = False
                st.is_first = False
                st.last_word_pos = (i, k)
            return _unwords(seps, words)
        seps, words = _words(s)
        for k, w in enumerate(words):
            if not w:
                continue
            if case == "capitalize-first":
                if st.is_first:
                    if w == w.lower():
                        words[k] = _capitalise(w)
                    st.is_first = False
                    break
            else:  # capitalize-all
                if w == w.lower():
                    words[k] = _capitalise(w)
        return _unwords(seps, words)

    tags, strings, orig = _tc_split(string)
    tag_state: list = []
    marker_stack: list = []

    def quote_fix(tag, pos):
        m = re.match("(^(?:\u2018|\u2019|\u201c|\u201d|\"|')|(?: \"| ')$)", tag)
        if not m:
            m = re.search("( \"| ')$", tag)
        if not m:
            return None
        tag = m.group(1)
        if tag in ("\u201c", "\u2018", ' "', " '"):
            if not quote_state or tag == quote_state[-1]["opener"]:
                quote_state.append({"opener": _QUOTE_PARAMS[tag][0], "closer": _QUOTE_PARAMS[tag][1], "pos": pos})
                return False
            prev = quote_state[-1].get("pos")
            quote_state.pop()
            quote_state.append({"opener": _QUOTE_PARAMS[tag][0], "closer": _QUOTE_PARAMS[tag][1]})
            return prev
        if quote_state and tag == quote_state[-1]["closer"]:
            quote_state.pop()
            return None
        return pos

    if strings and strings[0].strip():
        strings[0] = cap_words(strings[0], 0, tags[0] if tags else None)
    for i, tag in enumerate(tags):
        s = strings[i + 1]
        if tag in _TC_TAG_PARAMS:
            tag_state.append(_TC_TAG_PARAMS[tag])
        elif tag and _is_marker(tag):
            if tag == _CLOSE:
                if marker_stack and marker_stack.pop() in _PROTECTING_MARKERS and tag_state:
                    tag_state.pop()
            else:
                marker_stack.append(tag)
                if tag in _PROTECTING_MARKERS:
                    tag_state.append(_CLOSE)
        elif tag_state and tag == tag_state[-1]:
            tag_state.pop()
        if st.after_punct is not None and re.search(r"[!?:]$", tag):
            st.after_punct = True
        if not tag_state:
            # citeproc-js passes the doppel object where the following tag is
            # expected, so "stop word before a hyphen" only works for the
            # first string; mirrored.
            strings[i + 1] = cap_words(s, i + 1, None)
        elif strings[i + 1].strip():
            st.last_word_pos = None
        if quote_state is not None:
            qpos = quote_fix(tag, i)
            if qpos is not None and qpos is not False:
                strings[qpos + 1] = orig[qpos + 1][:1] + strings[qpos + 1][1:]
                st.last_word_pos = None
        if st.is_first and s.strip():
            st.is_first = False
        if st.after_punct and s.strip():
            st.after_punct = False
    if quote_state:
        for q in quote_state:
            qpos = q.get("pos")
            if qpos is not None:
                strings[qpos + 1] = orig[qpos + 1][:1] + strings[qpos + 1][1:]
    if case == "title" and st.last_word_pos:
        si, wi = st.last_word_pos
        seps, words = _words(strings[si])
        w = words[wi]
        if len(w) > 1 and w.lower() in _SKIP_WORDS:
            words[wi] = _capitalise(w)
        strings[si] = _unwords(seps, words)
    return _tc_join(tags, strings)


def _strip_periods(s: str) -> str:
    # citeproc-js: blob.blobs.replace(/\.([^a-z]|$)/g, "$1")
    return re.sub(r"\.([^a-z]|$)", r"\1", s)


# ---------------------------------------------------------------------------
# Rich text in data: port of citeproc-js CSL.Util.FlipFlopper.processTags
# ---------------------------------------------------------------------------
_ROMANESQUE = (
    "[-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]"
)
_APOS_RE = re.compile("(" + _ROMANESQUE + ")\u2019(" + _ROMANESQUE + ")")


@functools.lru_cache(maxsize=None)
def _flipflop_setup(open_quote, close_quote, open_inner, close_inner):
    def quote(opener, outer):
        return {"type": "quote", "closer": opener[-1], "attr": "quotes", "outer": outer}

    d = {
        '<span class="nocase">': {"type": "nocase", "closer": "</span>", "attr": None},
        '<span class="nodecor">': {"type": "nodecor", "closer": "</span>", "attr": "nodecor"},
        '<span style="font-variant:small-caps;">': {"type": "tag", "closer": "</span>", "attr": "font-variant"},
        "<sc>": {"type": "tag", "closer": "</sc>", "attr": "font-variant"},
        "<i>": {"type": "tag", "closer": "</i>", "attr": "font-style"},
        "<b>": {"type": "tag", "closer": "</b>", "attr": "font-weight"},
        "<sup>": {"type": "tag", "closer": "</sup>", "attr": "sup"},
        "<sub>": {"type": "tag", "closer": "</sub>", "attr": "sub"},
        ' "': quote(' "', "true"),
        " '": quote(" '", "inner"),
    }
    d['("'] = d[' "']
    d["('"] = d[" '"]
    if open_quote and close_quote and open_quote not in (' "', " '", '"', "'"):
        d[open_quote] = dict(d[' "'], closer=close_quote)
    if open_inner and close_inner and open_inner not in (' "', " '", '"', "'"):
        d[open_inner] = dict(d[" '"], closer=close_inner)
    openers = list(d)
    closers = []
    for v in d.values():
        if v["closer"] not in closers:
            closers.append(v["closer"])
    alt = "|".join(re.escape(t) for t in openers + closers)
    return (
        d,
        re.compile("(?:" + alt + ")"),
        re.compile("^(?:" + "|".join(re.escape(t) for t in openers) + ")$"),
        re.compile("^(?:" + "|".join(re.escape(t) for t in closers) + ")$"),
    )


class _FlipFlopper:
    """Parses markup and quotes in a string into markers (one per render:
    citeproc-js keeps the 'outer quote form' per engine)."""

    def __init__(self, open_quote, close_quote, open_inner, close_inner):
        template, self.match_all, self.open_re, self.close_re = _flipflop_setup(
            open_quote, close_quote, open_inner, close_inner
        )
        self.data = {k: dict(v) for k, v in template.items()}
        # '("' shares its data with ' "' in citeproc-js
        self.data['("'] = self.data[' "']
        self.data["('"] = self.data[" '"]

    def _set_outer_quote_form(self, quot):
        flip = {" '": ' "', ' "': " '", '("': "('", "('": '("'}
        self.data[quot]["outer"] = "true"
        self.data[flip[quot]]["outer"] = "inner"

    def process(self, s: str) -> str:
        leading_space = s.startswith(" ") and not re.match(r"^\s+['\"]", s)
        s = " " + _APOS_RE.sub(r"\1'\2", s)
        s = re.sub(r'(<span)\s+(style="font-variant:)\s*(small-caps);?"[^>]*(>)', r'\1 \2\3;"\4', s)
        s = re.sub(r'(<span)\s+(class="no(?:case|decor)")[^>]*(>)', r"\1 \2\3", s)
        tags = self.match_all.findall(s)
        if not tags:
            return s[1:]
        strings = self.match_all.split(s)
        forced = []
        for i in range(len(tags) - 1):
            if tags[i] in self.data:
                if strings[i + 1] == "" and tags[i + 1] in ('"', "'"):
                    tags[i + 1] = " " + tags[i + 1]
                    forced.append(True)
                else:
                    forced.append(False)

        def fget(idx):
            return forced[idx] if 0 <= idx < len(forced) else None

        nesting: list[dict] = []

        def push(tag, pos):
            if self.open_re.match(tag):
                nesting.append({"type": self.data[tag]["type"], "closer": self.data[tag]["closer"], "pos": pos})
                return None
            params = nesting[-1] if nesting else None
            if params and tag == params["closer"]:
                nesting.pop()
                if params["type"] == "nocase":
                    return {"nocase": (params["pos"], pos)}
                return None
            return {"fixtag": params["pos"] if params else pos}

        for i in range(len(tags)):
            tag = tags[i]
            st = strings[i + 1]
            apostrophe = None
            if tag == "'":
                if st and re.match(r"^[^,.?:; ]", st):
                    apostrophe = "\u2019"
            elif tag == " '" and st and st.startswith(" "):
                apostrophe = " \u2019"
            if apostrophe:
                strings[i + 1] = apostrophe + strings[i + 1]
                tags[i] = ""
                continue
            info = None
            while True:
                info = push(tag, i)
                if info:
                    if "fixtag" in info:
                        if self.close_re.match(tag) and tag == "'":
                            strings[i + 1] = "\u2019" + strings[i + 1]
                            tags[i] = ""
                        else:
                            fix = info["fixtag"]
                            failed = tags[fix]
                            if fget(fix - 1):
                                failed = failed[1:]
                            strings[fix + 1] = failed + strings[fix + 1]
                            tags[fix] = ""
                        if nesting:
                            if tag != "'":
                                nesting.pop()
                            else:
                                break
                        else:
                            break
                    elif "nocase" in info:
                        o, c = info["nocase"]
                        tags[o] = _NOCASE_OPEN
                        tags[c] = _CLOSE
                        break
                    else:
                        break
                else:
                    break
            if info and "fixtag" in info:
                strings[i + 1] = tags[i] + strings[i + 1]
                tags[i] = ""
        for entry in reversed(nesting):
            pos = entry["pos"]
            tag = tags[pos]
            if tag in (" '", "'"):
                strings[pos + 1] = " \u2019" + strings[pos + 1]
            else:
                strings[pos + 1] = tag + strings[pos + 1]
            tags[pos] = ""
        nesting.clear()
        for i in range(len(tags) - 1, -1, -1):
            if not tags[i]:
                del tags[i]
                strings[i] = strings[i] + strings[i + 1]
                del strings[i + 1]
        seen = False
        for i, tag in enumerate(tags):
            forced_space = fget(i - 1)
            if tag in (' "', " '", '("', "('"):
                if not seen:
                    self._set_outer_quote_form(tag)
                    seen = True
                if not forced_space:
                    strings[i] += tag[0]
        # _undoppelToQueue: build the marker string
        out = []
        first = strings[0]
        if leading_space:
            first = " " + first
        for _ in range(2):
            if first.startswith(" "):
                first = first[1:]
        out.append(first)
        for i, tag in enumerate(tags):
            st = strings[i + 1]
            if tag == _NOCASE_OPEN or tag == _CLOSE:
                out.append(tag)
            elif self.open_re.match(tag):
                out.append(self._marker(tag))
            else:
                out.append(_CLOSE)
            out.append(st)
        return "".join(out)

    def _marker(self, tag):
        info = self.data[tag]
        attr = info["attr"]
        if info["type"] == "quote":
            return _OPEN[("quotes", "flip-" + info["outer"])]
        if attr == "nodecor":
            return _OPEN[("nodecor", "")]
        if attr == "sup":
            return _OPEN[("vertical-align", "sup")]
        if attr == "sub":
            return _OPEN[("vertical-align", "sub")]
        return _OPEN[(attr, "flip")]


# ---------------------------------------------------------------------------
# finalize: markers -> text or HTML (citeproc-js output formats "text"/"html")
# ---------------------------------------------------------------------------
_HTML_DECOR = {
    ("font-style", "italic"): ("<i>", "</i>"),
    ("font-style", "oblique"): ("<em>", "</em>"),
    ("font-style", "normal"): ('<span style="font-style:normal;">', "</span>"),
    ("font-variant", "small-caps"): ('<span style="font-variant:small-caps;">', "</span>"),
    ("font-variant", "normal"): ('<span style="font-variant:normal;">', "</span>"),
    ("font-weight", "bold"): ("<b>", "</b>"),
    ("font-weight", "normal"): ('<span style="font-weight:normal;">', "</span>"),
    ("text-decoration", "underline"): ('<span style="text-decoration:underline;">', "</span>"),
    ("text-decoration", "none"): ('<span style="text-decoration:none;">', "</span>"),
    ("vertical-align", "sup"): ("<sup>", "</sup>"),
    ("vertical-align", "sub"): ("<sub>", "</sub>"),
}
# citeproc-js CSL.Output.Formats "@display/..." for html and text
_DISPLAY = {
    "html": {
        "block": ('\n\n    <div class="csl-block">', "</div>\n"),
        "left-margin": ('\n    <div class="csl-left-margin">', "</div>"),
        "right-inline": ('<div class="csl-right-inline">', "</div>\n  "),
        "indent": ('<div class="csl-indent">', "</div>\n  "),
    },
    "text": {
        "block": ("\n", ""),
        "left-margin": ("", " "),
        "right-inline": ("", ""),
        "indent": ("\n    ", ""),
    },
}
_FLIP = {
    "font-style": {"italic": "normal", "oblique": "normal", "normal": "italic"},
    "font-weight": {"bold": "normal", "light": "normal", "normal": "bold"},
    "font-variant": {"small-caps": "normal", "normal": "small-caps"},
    "quotes": {"true": "inner", "inner": "true"},
}
_DEFAULT_FLIP = {"font-style": "italic", "font-weight": "bold", "font-variant": "small-caps"}


def _html_escape(text: str) -> str:
    text = text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    return re.sub(r"\s\s", "\u00a0 ", text)


def finalize(text, fmt: str = "text", *, quotes=("\u201c", "\u201d", "\u2018", "\u2019"), punctuation_in_quote=False) -> str:
    """Turn a marker string into citeproc-js "text" or "html" output."""
    if text is None:
        return ""
    s = str(text)
    # tokens: ("t", text) | ("o", marker) | ("c", None)
    tokens = []
    buf = []
    for ch in s:
        if _is_marker(ch):
            if buf:
                tokens.append(["t", "".join(buf)])
                buf = []
            tokens.append(["c", None] if ch == _CLOSE else ["o", _DECOR_OF[ch]])
        else:
            buf.append(ch)
    if buf:
        tokens.append(["t", "".join(buf)])
    # resolve what each open marker renders as, and which close ends what
    stack: list[tuple[str, str]] = []
    resolved = []
    for tok in tokens:
        kind = tok[0]
        if kind == "o":
            attr, value = tok[1]
            if attr == "quotes":
                # quotes="true" in the style are always outer quotes (citeproc-js
                # does not flip them); quotes from the data flip against the
                # enclosing quotes
                enclosing = next((v for a, v in reversed(stack) if a == "quotes"), None)
                if value in ("flip-true", "flip-inner") and enclosing is not None:
                    value = _FLIP["quotes"][enclosing]
                elif value.startswith("flip-"):
                    value = value[5:]
            elif value == "flip":
                enclosing = next((v for a, v in reversed(stack) if a == attr), None)
                value = _FLIP[attr].get(enclosing, _DEFAULT_FLIP[attr]) if enclosing else _DEFAULT_FLIP[attr]
            elif value == "normal" or (attr == "vertical-align" and value == "baseline"):
                # citeproc-js drops "normal" decorations with nothing to undo
                enclosing = next((v for a, v in reversed(stack) if a == attr), None)
                if enclosing is None or enclosing in ("normal", "baseline"):
                    value = None
            stack.append((attr, value))
            resolved.append(["o", (attr, value)])
        elif kind == "c":
            d = stack.pop() if stack else (None, None)
            resolved.append(["c", d])
        else:
            resolved.append(tok)
    # punctuation-in-quote (citeproc-js moves . and , inside closing quotes)
    if punctuation_in_quote:
        for k, tok in enumerate(resolved):
            if tok[0] != "t" or not tok[1] or tok[1][0] not in ".,":
                continue
            j = k - 1
            first_quote = None
            while j >= 0 and resolved[j][0] == "c":
                if resolved[j][1][0] == "quotes" and resolved[j][1][1]:
                    first_quote = j
                j -= 1
            if first_quote is None:
                continue
            ch = tok[1][0]
            tok[1] = tok[1][1:]
            # text before the first closing quote
            p = first_quote - 1
            while p >= 0 and resolved[p][0] != "t":
                p -= 1
            if p >= 0 and resolved[p][1]:
                prev = resolved[p][1]
                a = prev[-1]
                if a == ch:
                    continue
                if a in _PUNCT:
                    merged = _LTOR[a][ch]
                    resolved[p][1] = prev[:-1] + merged
                    continue
                resolved[p][1] = prev + ch
            else:
                resolved.insert(first_quote, ["t", ch])
    open_q, close_q, open_iq, close_iq = quotes
    out = []
    for kind, val in resolved:
        if kind == "t":
            out.append(_html_escape(val) if fmt == "html" else val)
            continue
        attr, value = val
        if attr == "display" and value:
            out.append(_DISPLAY[fmt][value][0 if kind == "o" else 1])
            continue
        if attr == "quotes" and value:
            if kind == "o":
                out.append(open_q if value == "true" else open_iq)
            else:
                out.append(close_q if value == "true" else close_iq)
        elif fmt == "html" and value and (attr, value) in _HTML_DECOR:
            out.append(_HTML_DECOR[(attr, value)][0 if kind == "o" else 1])
    return "".join(out)


# ---------------------------------------------------------------------------
# Per-render state (kept off the lxml elements, whose Python proxies are not
# guaranteed to persist)
# ---------------------------------------------------------------------------
_local = threading.local()


class _RenderState:
    def __init__(self, style_root, *, area, position="first", first_note=None, near_note=True, disambiguate=False):
        self.area = area  # "citation" | "bibliography" | "sort"
        self.position = position
        self.first_note = first_note
        self.near_note = near_note
        self.disambiguate = disambiguate
        self.suppressed: set[str] = set()
        self.recording: list[set] = []
        self.first_names_key = None
        self.last_names_key = None
        self.author_substitute = None
        self.previous_names_key = None
        self.flipflop = None
        self.style_root = style_root
        self.sort_options = None
        self.group_frames: list[list[bool]] = []
        cache = getattr(style_root, "_compat_cache", None)
        if cache is None and style_root is not None:
            cache = style_root._compat_cache = {}
        self.cache = cache
        self.term_predecessor = False
        self.in_text = False


def _state() -> _RenderState:
    return _local.state


def _mark(called: bool, rendered: bool) -> None:
    """Tell the enclosing cs:group that a variable was called / rendered."""
    st = getattr(_local, "state", None)
    if st is not None and rendered:
        st.term_predecessor = True
    if st is not None and st.group_frames:
        frame = st.group_frames[-1]
        frame[0] = frame[0] or called
        frame[1] = frame[1] or rendered


def _record(variable: str) -> None:
    st = getattr(_local, "state", None)
    if st is not None:
        for rec in st.recording:
            rec.add(variable)


def _flipflopper(element) -> _FlipFlopper:
    st = _state()
    if st.flipflop is None:
        st.flipflop = _FlipFlopper(
            _term_text(element, "open-quote"),
            _term_text(element, "close-quote"),
            _term_text(element, "open-inner-quote"),
            _term_text(element, "close-inner-quote"),
        )
    return st.flipflop


def _term_text(element, name, form=None, plural=False):
    term = element.get_term(name, form)
    if term is None:
        return ""
    return str(term.multiple if plural else term.single)


def _rich(element, text: str) -> str:
    """citeproc-js Queue.append for a string: spacing fixes, then flip-flop."""
    text = str(text)
    text = re.sub(r" ([:;?!\u00bb])", "\u202f\\1", text).replace("\u00ab ", "\u00ab\u202f")
    text = re.sub(r"\s+'", " '", text)
    text = re.sub(r"^'", " '", text)
    return _flipflopper(element).process(text)


def _item_language(item) -> str | None:
    try:
        lang = item.reference.get("language")
    except Exception:  # noqa: BLE001
        return None
    return str(lang) if lang else None


def _apply_case(element, text, item=None):
    case = element.get("text-case")
    if not case or text is None:
        return text
    if case == "title" and item is not None:
        lang = _item_language(item)
        if lang and not lang.lower().startswith("en"):
            return text
    return text_case(str(text), case)


# ---------------------------------------------------------------------------
# Element mixins
# ---------------------------------------------------------------------------
class _Formatting:
    def format(self, text):
        if text is None:
            return None
        text = str(text)
        if text == "":
            return _S("")
        for attr in ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align"):
            value = self.get(attr)
            if value is not None and (attr, value) in _OPEN:
                text = _OPEN[(attr, value)] + text + _CLOSE
        return _S(text)

    def wrap(self, string):
        if string is None:
            return None
        prefix = self.get("prefix", "")
        suffix = self.get("suffix", "")
        out = _S(prefix) + str(string) if prefix else _S(str(string))
        out = out + suffix if suffix else out
        display = self.get("display")
        if display in ("block", "left-margin", "right-inline", "indent") and str(out):
            out = _S(_OPEN[("display", display)] + str(out) + _CLOSE)
        return out

    def join(self, strings, default_delimiter=""):
        return _join(strings, self.get("delimiter", default_delimiter)) or _S("")

    def quote(self, string):
        if self.get("quotes", "false").lower() == "true":
            return _decorate(string, "quotes", "true")
        return string

    def get_formatter(self):
        return _FORMATTER

    # -- cached look-ups (citeproc-py runs an XPath query for each of these on
    # every render; the answers only depend on the style) --------------------
    def _cache(self):
        st = getattr(_local, "state", None)
        if st is not None and st.cache is not None:
            return st.cache
        root = self.getroottree().getroot()
        cache = getattr(root, "_compat_cache", None)
        if cache is None:
            cache = root._compat_cache = {}
        return cache

    def get_macro(self, name):
        cache = self._cache()
        key = ("macro", name)
        if key not in cache:
            cache[key] = model.CitationStylesElement.get_macro(self, name)
        return cache[key]

    def get_term(self, name, form=None, fallback_locale=True, zero_padded=False):
        root = self.getroottree().getroot()
        if isinstance(root, model.Locale):
            try:
                return root.get_term(name, form)
            except IndexError:
                return None
        cache = self._cache()
        key = ("term", name, form, fallback_locale, zero_padded)
        if key not in cache:
            cache[key] = model.CitationStylesElement.get_term(self, name, form, fallback_locale, zero_padded)
        return cache[key]

    def get_date(self, form):
        cache = self._cache()
        key = ("date", form)
        if key not in cache:
            cache[key] = model.CitationStylesElement.get_date(self, form)
        return cache[key]

    def get_locale_option(self, name):
        cache = self._cache()
        key = ("locale-option", name)
        if key not in cache:
            cache[key] = model.CitationStylesElement.get_locale_option(self, name)
        return cache[key]

    def area_parent(self):
        """The cs:citation or cs:bibliography this element is in (or None)."""
        cache = self._cache()
        key = ("area", self)
        if key not in cache:
            found = self.xpath_search("./ancestor-or-self::*[self::cs:citation or self::cs:bibliography][1]")
            cache[key] = found[0] if found else None
        return cache[key]

    def in_locale(self):
        cache = self._cache()
        key = ("in-locale", self)
        if key not in cache:
            cache[key] = bool(self.xpath_search("./ancestor::cs:locale[1]"))
        return cache[key]

    def preformat(self, text):
        return text

    def render_children(self, item, delimiter="", **kwargs):
        output = []
        for child in self.iterchildren():
            try:
                if isinstance(child, model.Choose):
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
                if text is not None and str(text) != "":
                    output.append(text)
            except VariableError:
                pass
        return _join(output, delimiter)

    def get_single_term(self, name, *args, **kwargs):
        term = self.get_term(name, *args, **kwargs)
        return _S(str(term.single)) if term is not None else _S("")

    def get_plural_term(self, name, *args, **kwargs):
        term = self.get_term(name, *args, **kwargs)
        return _S(str(term.multiple)) if term is not None else _S("")


_FORMATTER = SimpleNamespace(
    preformat=lambda text: text,
    Italic=lambda t: _decorate(t, "font-style", "italic"),
    Oblique=lambda t: _decorate(t, "font-style", "oblique"),
    Bold=lambda t: _decorate(t, "font-weight", "bold"),
    Light=lambda t: t,
    Underline=lambda t: _decorate(t, "text-decoration", "underline"),
    Superscript=lambda t: _decorate(t, "vertical-align", "sup"),
    Subscript=lambda t: _decorate(t, "vertical-align", "sub"),
    SmallCaps=lambda t: _decorate(t, "font-variant", "small-caps"),
)


def _ref_value(item, variable: str):
    """A variable of the item's reference, None when absent or empty."""
    value = dict.get(item.reference, variable.replace("-", "_"))
    if value is None or (isinstance(value, (str, list)) and len(value) == 0):
        return None
    return value


_NUMERIC_RE = re.compile(r"^\s*[A-Za-z]{0,3}\d+[A-Za-z]{0,3}(?:\s*(?:[-\u2013,&]|and)\s*[A-Za-z]{0,3}\d+[A-Za-z]{0,3})*\s*$")


def _is_numeric(value) -> bool:
    if isinstance(value, int):
        return True
    return bool(_NUMERIC_RE.match(str(value)))


# ---------------------------------------------------------------------------
# Element classes
# ---------------------------------------------------------------------------
class Style(_Formatting, model.Style):
    def set_locale_list(self, output_locale, validate=False):
        self.locales = []
        added = set()

        def add_instyle(locale):
            expr = './cs:locale[@xml:lang="{}"]'.format(locale) if locale else "./cs:locale[not(@xml:lang)]"
            for el in self.xpath_search(expr):
                self.locales.append(el)

        def add_system(locale):
            if locale in added:
                return
            path = Path(LOCALES_PATH) / f"locales-{locale}.xml"
            if not path.is_file():
                return
            root = _parse(path).getroot()
            self.locales.append(root)
            added.add(locale)

        add_instyle(output_locale)
        language = output_locale.split("-")[0]
        add_instyle(language)
        add_instyle(None)
        if output_locale in citeproc.LANGUAGE_NAMES:
            add_system(output_locale)
        if language in citeproc.PRIMARY_DIALECTS:
            add_system(citeproc.PRIMARY_DIALECTS[language])
        add_system("en-US")
        for locale in self.locales:
            locale.style = self
        self._compat_locales = list(self.locales)


class Locale(_Formatting, model.Locale):
    get_term = model.Locale.get_term
    get_date = model.Locale.get_date


class Citation(_Formatting, model.Citation):
    pass


class Bibliography(_Formatting, model.Bibliography):
    pass


class Term(_Formatting, model.Term):
    pass


class Macro(_Formatting, model.Macro):
    def render(self, item, context=None, sort_options=None, **kwargs):
        return self.render_children(item, context=context, sort_options=sort_options)


class Layout(_Formatting, model.Layout):
    def render_item(self, item):
        parent = self.getparent()
        if isinstance(parent, model.Bibliography) and parent.get("second-field-align"):
            # citeproc-js: the first rendered top-level element goes in the
            # left margin, the rest in an inline block beside it
            outputs = []
            for child in self.iterchildren():
                try:
                    if isinstance(child, model.Choose):
                        text = child.render(item, context=self, delimiter=self.get("delimiter", ""))
                    else:
                        text = child.render(item, context=self)
                except VariableError:
                    text = None
                if text is not None and str(text) != "":
                    outputs.append(text)
            if not outputs:
                return None
            # the layout's affixes go inside the blocks (as in citeproc-js)
            prefix, suffix = self.get("prefix", ""), self.get("suffix", "")
            head = _S(prefix) + str(outputs[0]) if prefix else _S(str(outputs[0]))
            rest = _join(outputs[1:], self.get("delimiter", ""))
            if rest is None:
                head = head + suffix if suffix else head
            first = _S(_OPEN[("display", "left-margin")] + str(head) + _CLOSE)
            if rest is not None:
                rest = rest + suffix if suffix else rest
                first = _S(str(first) + _OPEN[("display", "right-inline")] + str(rest) + _CLOSE)
            return self.format(first)
        text = self.render_children(item, context=self)
        if text is None or str(text) == "":
            return None
        return self.wrap(self.format(text))


class Text(_Formatting, model.Text):
    def render(self, item, context=None, **kwargs):
        if context is None:
            context = self
        if "variable" in self.attrib:
            text = self._variable_text(item, context)
            if text is None:
                # year-suffix is generated, not called (as in citeproc-py and citeproc-js)
                _mark(self.get("variable") != "year-suffix", False)
                return None
            if self.get("variable") in _RAW_VARIABLES:
                out = self.wrap(self.quote(self.format(_S(text))))
            else:
                out = self._finish(item, text)
            _mark(True, out is not None)
            return out
        if "macro" in self.attrib:
            # citeproc-js compiles a macro call as a group: the same
            # suppression rule applies (a macro whose variables are all empty
            # renders nothing, even if it holds labels or terms)
            st = _state()
            frame = [False, False]
            st.group_frames.append(frame)
            old_predecessor = st.term_predecessor
            try:
                text = self.get_macro(self.get("macro")).render(item, context=context, **kwargs)
            finally:
                st.group_frames.pop()
            called, rendered = frame
            if text is None or str(text) == "" or (called and not rendered):
                st.term_predecessor = old_predecessor
                _mark(called, False)
                return None
            _mark(True, True)
            text = _apply_case(self, text, item)
            if self.get("strip-periods", "false") == "true":
                text = _strip_periods(str(text))
            return self.wrap(self.quote(self.format(_S(text))))
        if "term" in self.attrib:
            form = self.get("form", "long")
            plural = self.get("plural", "false").lower() == "true"
            text = _term_text(self, self.get("term"), form if form != "long" else None, plural)
            if not text:
                return None
            st = _state()
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

    def _finish(self, item, text):
        if text is None or str(text) == "":
            return None
        text = _apply_case(self, str(text), item)
        if self.get("strip-periods", "false") == "true":
            text = _strip_periods(text)
        text = _rich(self, text)
        if text == "":
            return None
        _state().term_predecessor = True
        return self.wrap(self.quote(self.format(_S(text))))

    def _variable_text(self, item, context):
        variable = self.get("variable")
        st = _state()
        if variable in st.suppressed:
            return None
        if self.get("form") == "short":
            for short in (variable + "-short", {"title": "title-short"}.get(variable)):
                if short and _ref_value(item, short) is not None:
                    variable = short
                    break
        if variable in ("page", "page-first"):
            value = _ref_value(item, "page")
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
            value = _ref_value(item, variable)
            if value is None:
                return None
            if isinstance(value, (list, _SrcDate, DateRange, LiteralDate)):
                return None
            text = str(value)
        _record(self.get("variable"))
        return text

    def _process(self, value, variable):
        text = model.FormatNumber._process(self, value, variable)
        return str(text)


_RAW_VARIABLES = {"URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID"}


class Number(_Formatting, model.Number):
    def render(self, item, context=None, **kwargs):
        out = self._render(item)
        _mark(True, out is not None)
        return out

    def _render(self, item):
        variable = self.get("variable")
        st = _state()
        if variable in st.suppressed:
            return None
        if variable == "locator":
            if not item.has_locator:
                return None
            value = item.locator.identifier
            label = item.locator.label
        else:
            value = _ref_value(item, variable)
            label = variable
            if value is None:
                return None
        _record(variable)
        value = str(value)
        if _is_numeric(value):
            text = str(self._process(value, label))
        else:
            text = value
        text = _apply_case(self, text, item)
        if self.get("strip-periods", "false") == "true":
            text = _strip_periods(text)
        text = _rich(self, text)
        return self.wrap(self.format(_S(text)))


class Label(_Formatting, model.Label):
    def render(self, item, variable=None, plural=None, context=None, **kwargs):
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
                st = _state()
                if st.area == "citation" and st.position != "first" and st.first_note is not None:
                    value = str(st.first_note)
            else:
                value = _ref_value(item, variable)
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
        text = _term_text(self, variable, form if form != "long" else None, is_plural)
        if not text:
            return None
        if self.get("strip-periods", "false") == "true":
            # citeproc-js castLabel: ret.replace(/\./g, "")
            text = text.replace(".", "")
        text = _apply_case(self, text, item)
        text = _rich(self, text)
        if text:
            _state().term_predecessor = True
        return self.wrap(self.format(_S(text)))


class Group(_Formatting, model.Group):
    def render(self, item, context=None, **kwargs):
        # CSL 1.0.2: a group is suppressed when it calls variables and all of
        # them are empty. Only the variables actually evaluated count (the
        # branch taken in cs:choose), as in citeproc-js; citeproc-py counted
        # every branch.
        st = _state()
        frame = [False, False]
        st.group_frames.append(frame)
        old_predecessor = st.term_predecessor
        output = []
        delimiter = self.get("delimiter", "")
        try:
            for child in self.iterchildren():
                try:
                    if isinstance(child, model.Choose):
                        text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                    else:
                        text = child.render(item, context=context, **kwargs)
                except VariableError:
                    text = None
                if text is not None and str(text) != "":
                    output.append(text)
        finally:
            st.group_frames.pop()
        called, rendered = frame
        result = None
        if output and (not called or rendered):
            result = self.wrap(self.format(_join(output, delimiter)))
        if result is not None:
            # citeproc-js: a nested group with output counts as a variable
            # rendered in its parent, even when it holds only terms
            _mark(True, True)
        else:
            st.term_predecessor = old_predecessor
            _mark(called, False)
        return result


class Choose(_Formatting, model.Choose):
    def render(self, item, context=None, delimiter="", **kwargs):
        for child in self.getchildren():
            try:
                return child.render(item, context=context, delimiter=delimiter, **kwargs)
            except model.ConditionFailed:
                continue
        return None

    def calls_variable(self):
        return any(child.calls_variable() for child in self.getchildren())


class If(_Formatting, model.If):
    def render(self, item, context=None, delimiter="", **kwargs):
        if not self._test(item):
            raise model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    def _conditions(self):
        cache = self._cache()
        key = ("if", self)
        conds = cache.get(key)
        if conds is None:
            conds = cache[key] = {
                name: self.get(name).split()
                for name in ("type", "variable", "is-numeric", "is-uncertain-date", "locator", "position", "disambiguate")
                if self.get(name) is not None
            }
            conds["match"] = self.get("match", "all")
        return conds

    def _test(self, item):
        results = []
        st = _state()
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
                    results.append(_ref_value(item, var) is not None)
        if "is-numeric" in conds:
            for var in conds["is-numeric"]:
                if var == "locator":
                    value = item.locator.identifier if item.has_locator else None
                else:
                    value = _ref_value(item, var)
                results.append(value is not None and _is_numeric(value))
        if "is-uncertain-date" in conds:
            for var in conds["is-uncertain-date"]:
                value = _ref_value(item, var)
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

    def calls_variable(self):
        return any(child.calls_variable() for child in self.getchildren())


def _position_test(st: _RenderState, pos: str) -> bool:
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


class Else(_Formatting, model.Else):
    def render(self, item, context=None, delimiter="", **kwargs):
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    def calls_variable(self):
        return any(child.calls_variable() for child in self.getchildren())


class Date(_Formatting, model.Date):
    def render(self, item, variable=None, show_parts=None, context=None, **kwargs):
        out = self._render(item, variable, show_parts)
        _mark(True, out is not None)
        return out

    def _render(self, item, variable=None, show_parts=None):
        st = _state()
        if variable is None:
            variable = self.get("variable")
            if variable in st.suppressed:
                return None
        value = _ref_value(item, variable)
        if value is None:
            return None
        _record(variable)
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

    def _parts_for(self, style_date):
        """date-part children, with the style's date-part attributes laid over
        the locale's (without mutating the locale, as citeproc-py did)."""
        overrides = {}
        if style_date is not None and style_date is not self:
            for p in style_date.findall("cs:date-part", _NS):
                overrides[p.get("name")] = dict(p.attrib)
        parts = []
        for p in self.findall("cs:date-part", _NS):
            attrs = dict(p.attrib)
            attrs.update(overrides.get(p.get("name"), {}))
            parts.append((p, attrs))
        return parts

    def _render_value(self, value, show, style_date=None, item=None):
        if isinstance(value, LiteralDate):
            # citeproc-js: "Render literal only when year is included in date output"
            if "year" not in show or not any(a.get("name") == "year" for _, a in self._parts_for(style_date)):
                return None
            return _S(_rich(self, value.text))
        delim = self.get("delimiter", "")
        parts = self._parts_for(style_date)
        if isinstance(value, DateRange) and not value.end.is_nil():
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
            out_parts = []
            done = False
            for p, a in parts:
                name = a.get("name")
                if name not in show:
                    continue
                if name in ranged_names:
                    if done:
                        continue
                    done = True
                    b_txt = _join([self._part(pp, aa, begin, item) for pp, aa in ranged], delim)
                    e_txt = _join([self._part(pp, aa, end, item) for pp, aa in ranged], delim)
                    rdelim = "\u2013"
                    for _, aa in ranged:
                        if aa.get("name") == largest:
                            rdelim = aa.get("range-delimiter", "\u2013")
                    if b_txt is not None and e_txt is not None:
                        out_parts.append(_S(str(b_txt).rstrip()) + rdelim + str(e_txt).lstrip())
                else:
                    out_parts.append(self._part(p, a, begin, item))
            return _join(out_parts, delim)
        if isinstance(value, DateRange):
            value = value.begin
        return self._single(value, show, parts, delim, item)

    def _single(self, date, show, parts, delim, item):
        texts = []
        for p, a in parts:
            if a.get("name") in show:
                texts.append(self._part(p, a, date, item))
        return _join(texts, delim)

    def _part(self, part, attrs, date, item):
        return part.render_part(date, attrs, self, item)

    def calls_variable(self):
        return True


class Date_Part(_Formatting, model.Date_Part):
    def render_part(self, date, attrs, date_el, item):
        name = attrs.get("name")
        form = attrs.get("form")
        text = None
        try:
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
                        text = _term_text(date_el, "month-{:02}".format(int(month)), "short" if form == "short" else None)
                    elif form == "numeric-leading-zeros":
                        text = "{:02}".format(int(month))
                    else:
                        text = str(int(month))
                elif season:
                    try:
                        text = _term_text(date_el, "season-{:02}".format(int(season)))
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
                        text += _term_text(date_el, "bc")
                    elif year < 1000:
                        text += _term_text(date_el, "ad")
        except VariableError:
            return None
        if not text:
            return None
        case = attrs.get("text-case")
        if case:
            text = text_case(text, case)
        if attrs.get("strip-periods", "false") == "true":
            text = _strip_periods(text)
        fake = _AttrView(self, attrs)
        return fake.wrap(fake.format(_S(text)))


class _AttrView(_Formatting):
    """Formatting/affixes from an attribute dict (merged date-part attributes)."""

    def __init__(self, element, attrs):
        self._attrs = attrs

    def get(self, name, default=None):
        return self._attrs.get(name, default)


class Names(_Formatting, model.Names):
    def render(self, item, names_context=None, context=None, **kwargs):
        out = self._render(item, names_context, context, **kwargs)
        _mark(True, out is not None and str(out) != "")
        return out

    def _render(self, item, names_context=None, context=None, **kwargs):
        st = _state()
        names_context = names_context if names_context is not None else self
        variables = self.get("variable", "").split()
        sort_options = kwargs.get("sort_options")
        name_el = names_context.find("cs:name", _NS)
        label_el = names_context.find("cs:label", _NS)
        et_al_el = names_context.find("cs:et-al", _NS)
        present = [v for v in variables if v not in st.suppressed and _ref_value(item, v) is not None]
        # citeproc-js (CSL.NameOutput.setCommonTerm): when the variables of a
        # cs:names are all present with identical names and the locale has a
        # term named after them (sorted and joined: "editortranslator"), the
        # names are rendered once with that term as label.
        roles: dict[str, str] = {}
        if len(variables) >= 2 and len(present) == len(variables) and label_el is not None:
            common = "".join(sorted(variables))
            form = label_el.get("form", "long")
            first = _ref_value(item, variables[0])
            if self.get_term(common, form if form != "long" else None) is not None and all(
                _names_equal(first, _ref_value(item, v)) for v in variables[1:]
            ):
                present = [variables[0]]
                roles = {variables[0]: common}
        output = []
        keys: list = []
        count = 0
        for var in present:
            names = _ref_value(item, var)
            if name_el is None:
                name_el = _default_name(names_context)
            if name_el.get("form", name_el.get_option("form", context, sort_options)) == "count" or self.get("form") == "count":
                count += name_el.count(names, context, sort_options)
                _record(var)
                continue
            text = name_el.render_names(item, names, var, context, sort_options, et_al_el)
            if text is None:
                continue
            _record(var)
            keys.append(st.last_names_key)
            if label_el is not None:
                label = label_el.render(item, variable=roles.get(var, var), plural=len(names) > 1)
                if label is not None:
                    children = list(names_context)
                    if name_el in children and children.index(label_el) < children.index(name_el):
                        text = _S(str(label)) + str(text)
                    else:
                        text = _S(str(text)) + str(label)
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
                    return self.wrap(self.format(_S(st.author_substitute)))
            return self.wrap(self.format(_join(output, delimiter)))
        substitute = self.find("cs:substitute", _NS)
        if substitute is not None:
            return substitute.render(item, context=context, **kwargs)
        return None

    def _inherited_names_delimiter(self, context):
        ctx = context if context is not None else self
        parent = ctx.area_parent() if hasattr(ctx, "area_parent") else None
        if parent is not None:
            return parent.get_option("names-delimiter")
        return self.get_root().get("names-delimiter", "")

    def calls_variable(self):
        return True


def _names_equal(a, b):
    return [dict(n) for n in a] == [dict(n) for n in b]


def _default_name(parent):
    """The cs:name a cs:names (or sort key) without one uses (inserted once)."""
    el = parent.find("cs:name", _NS)
    if el is None:
        el = parent.makeelement("{%s}name" % CSL_NS)
        parent.insert(0, el)
    return el


class Substitute(_Formatting, model.Substitute):
    def render(self, item, context=None, **kwargs):
        st = _state()
        names_parent = self.getparent()
        for child in self.getchildren():
            rec: set = set()
            st.recording.append(rec)
            try:
                if isinstance(child, model.Names) and child.find("cs:name", _NS) is None:
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
                return text
        return None


class Name(_Formatting, model.Name):
    def get_option(self, name, context=None, sort_options=None):
        try:
            value = sort_options[name]
        except (TypeError, KeyError):
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

    def count(self, names, context, sort_options):
        opt = lambda n: self.get_option(n, context, sort_options)  # noqa: E731
        et_al_min, et_al_first = self._et_al_numbers(opt)
        if et_al_min and len(names) >= et_al_min:
            return min(len(names), et_al_first)
        return len(names)

    def _et_al_numbers(self, opt):
        st = _state()
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
        return et_al_min, et_al_first

    def _explicit(self, name):
        if self.get(name) is not None:
            return True
        parent = self.area_parent()
        if parent is not None and parent.get(name) is not None:
            return True
        return self.get_root().get(name) is not None

    def render_names(self, item, names, variable, context, sort_options, et_al_el):
        opt = lambda n: self.get_option(n, context, sort_options)  # noqa: E731
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
        if initialize_with is None and _state().style_root is not None:
            citation_el = _state().style_root.find("cs:citation", _NS)
            rule = citation_el.get("givenname-disambiguation-rule", "") if citation_el is not None else ""
            if rule.endswith("-with-initials"):
                # citeproc-js: "-with-initials" rules imply initialize-with ""
                initialize_with = ""
        if sort_options:
            nso = "all"
        truncated = bool(et_al_min) and len(names) >= et_al_min and et_al_first < len(names)
        shown = names[:et_al_first] if truncated else list(names)
        use_last = truncated and et_al_last and et_al_first <= et_al_min - 2 and et_al_first >= 1
        rendered = []
        inverted = []
        for i, name in enumerate(shown):
            inv = nso == "all" or (nso == "first" and i == 0)
            one = self._one(name, form, inv, initialize_with, initialize, sort_sep, demote, item, bool(sort_options), hyphen)
            # citeproc-js applies cs:name formatting to each name, affixes to the list
            rendered.append(str(self.format(_rich(self, one))) if one else one)
            inverted.append(inv and form != "short" and "literal" not in name)
        rendered = [r for r in rendered if r]
        if not rendered:
            return None
        n = len(rendered)
        # what subsequent-author-substitute compares (citeproc-js leaves the
        # et-al term out of the comparison)
        _state().last_names_key = "\x00".join(str(r) for r in rendered)

        def precedes(option, count, last_inverted):
            if option == "always":
                return True
            if option == "never":
                return False
            if option == "after-inverted-name":
                return last_inverted
            return count >= (2 if option == "contextual-et-al" else 3)

        if truncated and use_last:
            last = self._one(names[-1], form, nso == "all", initialize_with, initialize, sort_sep, demote, item, bool(sort_options), hyphen)
            last = str(self.format(_rich(self, last))) if last else last
            return self.wrap((_S(_join(rendered, delimiter)) + delimiter + "\u2026 " + last))
        if truncated:
            et_al_text = None if _state().area == "sort" else self._et_al(et_al_el, item)
            base = _join(rendered, delimiter)
            if not et_al_text:
                return self.wrap((base))
            if dp_et_al == "always" or (dp_et_al == "contextual" and n >= 2) or (
                dp_et_al == "after-inverted-name" and inverted[n - 1]
            ):
                sep = delimiter
            else:
                sep = " "
            return self.wrap((_S(str(base)) + sep + et_al_text))
        if n == 1:
            return self.wrap((_S(rendered[0])))
        if and_ in ("text", "symbol"):
            and_term = _term_text(self, "and") if and_ == "text" else "&"
            head = _join(rendered[:-1], delimiter)
            if dp_last == "always" or (dp_last == "contextual" and n >= 3) or (
                dp_last == "after-inverted-name" and inverted[n - 2]
            ):
                sep = delimiter + and_term + " "
            else:
                sep = " " + and_term + " "
            return self.wrap((_S(str(head)) + sep + rendered[-1]))
        return self.wrap((_join(rendered, delimiter)))

    def _et_al(self, et_al_el, item):
        if et_al_el is not None:
            term = et_al_el.get("term", "et-al")
            text = _term_text(self, term)
            if not text:
                return None
            return str(et_al_el.wrap(et_al_el.format(_S(_rich(self, text)))))
        text = _term_text(self, "et-al")
        return _rich(self, text) if text else None

    def _one(self, name, form, inverted, initialize_with, initialize, sort_sep, demote, item, sorting, hyphen=True):
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
            given = _initialize_with(given, initialize_with, not initialize, hyphen)
        if suffix and initialize_with is not None:
            suffix = _initialize_with(str(suffix), initialize_with, True, hyphen)
        fam_part = self.find("cs:name-part[@name='family']", _NS)
        giv_part = self.find("cs:name-part[@name='given']", _NS)

        def fmt_family(text):
            return str(fam_part.format_part_text(text, item)) if fam_part is not None and text else text

        def fmt_given(text):
            return str(giv_part.format_part_text(text, item)) if giv_part is not None and text else text

        if form == "short":
            return fmt_family(" ".join(p for p in (ndp, family) if p))
        if not inverted:
            fam = " ".join(p for p in (ndp, family) if p)
            giv = " ".join(p for p in (given, dp) if p)
            out = " ".join(p for p in (fmt_given(giv) if giv else None, fmt_family(fam)) if p)
            if suffix:
                comma = name.get("comma-suffix") or name.get("comma_suffix")
                out += (", " if comma else " ") + suffix
            return out
        if demote in ("never", "sort-only") and not (sorting and demote == "sort-only"):
            fam = " ".join(p for p in (ndp, family) if p)
            giv = " ".join(p for p in (given, dp) if p)
        else:
            fam = family
            giv = " ".join(p for p in (given, dp, ndp) if p)
        parts = [fmt_family(fam)]
        if giv:
            parts.append(fmt_given(giv))
        if suffix:
            parts.append(suffix)
        return sort_sep.join(parts)


_STARTSWITH_ROMANESQUE = re.compile(
    "^[&a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]"
)
_NAME_INITIAL = re.compile(
    "^([A-Z\u0e01-\u0e5b\u00c0-\u017f\u0400-\u042f\u0590-\u05d4\u05d6-\u05ff\u0600-\u06ff\u0370\u0372"
    "\u0376\u0386\u0388-\u03ab\u03e2\u03e4\u03e6\u03e8\u03ea\u03ec\u03ee\u03f4\u03f7\u03fd-\u03ff])"
    "([a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0400-\u052f\u0600-\u06ff\u0370-\u03ff\u1f00-\u1fff]*|)(\\.)*"
)


def _initialize_with(name: str, terminator: str, normalize_only: bool, hyphen: bool = True) -> str:
    """Port of citeproc-js CSL.Util.Names.initializeWith (doInitialize /
    doNormalize): initialize="false" only normalizes existing initials."""
    if not name:
        return ""
    terminator = terminator or ""
    if name in ("Lord", "Lady") or (
        not _STARTSWITH_ROMANESQUE.match(re.sub(r"^(?:<[^>]+>)*", "", name)) and "%s" not in terminator
    ):
        return name
    if hyphen is False:
        name = name.replace("-", " ")
    name = re.sub(r"\s*-\s*", "-", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"-([a-z])", "\u2013\\1", name)
    for i in range(len(name) - 2, -1, -1):
        if name[i] == "." and name[i + 1 : i + 2] != " ":
            name = name[:i] + ". " + name[i + 1 :]
    seps = re.findall(r"[-\s]+", name)
    parts = re.split(r"[-\s]+", name)
    namelist = [parts[0]]
    if not seps:
        mmm = re.search(r"[^.]+$", namelist[0])
        if mmm and len(mmm.group()) == 1 and mmm.group() != mmm.group().lower():
            namelist[0] += "."
    for i in range(1, len(parts)):
        namelist.append(seps[i - 1])
        namelist.append(parts[i])
    if normalize_only:
        ret = _do_normalize(namelist, terminator)
    else:
        ret = _do_initialize(namelist, terminator)
    return re.sub("\u2013([a-z])", r"-\1", ret)


def _clean_name(s: str) -> str:
    s = re.sub(r"[\u0009\u000a\u000b\u000c\u000d\u0020\ufeff\u00a0]+$", "", s)
    s = re.sub(r"\s*-\s*", "-", s)
    return re.sub(r"[\u0009\u000a\u000b\u000c\u000d\u0020]+", " ", s)


def _do_normalize(namelist, terminator):
    abbrev = []
    for i, x in enumerate(namelist):
        if len(x) > 1 and x.endswith("."):
            namelist[i] = re.sub(r"^(.*)\.(.*)$", r"\1\2", x, flags=re.S)
            abbrev.append(True)
        elif len(x) == 1 and x.upper() == x:
            abbrev.append(True)
        else:
            abbrev.append(False)
    n = len(namelist)
    for i in range(0, n, 2):
        if abbrev[i]:
            if i < n - 2:
                if not abbrev[i + 2]:
                    namelist[i + 1] = namelist[i + 1] + " "
                if len(namelist[i + 2]) > 1:
                    namelist[i + 1] = terminator.rstrip("\ufeff") + namelist[i + 1]
                else:
                    namelist[i + 1] = terminator
            if i == n - 1:
                namelist[i] = namelist[i] + terminator
    return _clean_name("".join(namelist))


def _do_initialize(namelist, terminator):
    ilen = len(namelist)
    for i in range(0, ilen, 2):
        n = namelist[i]
        if not n:
            continue
        m = _NAME_INITIAL.match(n)
        groups = [m.group(1), m.group(2), m.group(3)] if m else None
        if not m and not _STARTSWITH_ROMANESQUE.match(n) and len(n) > 1 and "%s" in terminator:
            mm = re.match(r"(.)(.*)", n, re.S)
            groups = [mm.group(1), mm.group(2), None]
        if groups and groups[1] and groups[2]:
            groups[0] = groups[0] + groups[1]
            groups[1] = ""
        if groups and groups[0][:1] == groups[0][:1].upper():
            extra = ""
            if groups[1]:
                s = ""
                for c in groups[1]:
                    if c == c.upper():
                        s += c
                    else:
                        break
                if len(s) < len(groups[1]):
                    extra = s.lower()
            namelist[i] = groups[0] + extra
            if i < ilen - 1:
                if "%s" in terminator:
                    namelist[i] = terminator.replace("%s", namelist[i])
                elif "-" in namelist[i + 1]:
                    namelist[i + 1] = terminator + "-"
                else:
                    namelist[i + 1] = terminator
            else:
                if "%s" in terminator:
                    namelist[i] = terminator.replace("%s", namelist[i])
                else:
                    namelist.append(terminator)
        elif re.search(_ROMANESQUE, n) and (not groups or not groups[2]):
            namelist[i] = " " + n
    return _clean_name("".join(namelist))


class Name_Part(_Formatting, model.Name_Part):
    def format_part_text(self, text, item):
        text = _apply_case(self, text, item)
        return self.wrap(self.format(_S(text)))


class Et_Al(_Formatting, model.Et_Al):
    pass


class Sort(_Formatting, model.Sort):
    pass


class Key(_Formatting, model.Key):
    pass


_CLASSES = {
    "style": Style,
    "locale": Locale,
    "citation": Citation,
    "bibliography": Bibliography,
    "term": Term,
    "macro": Macro,
    "layout": Layout,
    "text": Text,
    "number": Number,
    "label": Label,
    "group": Group,
    "choose": Choose,
    "if": If,
    "else-if": Else_If,
    "else": Else,
    "date": Date,
    "date-part": Date_Part,
    "names": Names,
    "name": Name,
    "name-part": Name_Part,
    "et-al": Et_Al,
    "substitute": Substitute,
    "sort": Sort,
    "key": Key,
}


def _parser():
    lookup = etree.ElementNamespaceClassLookup()
    namespace = lookup.get_namespace(CSL_NS)
    namespace[None] = model.CitationStylesElement
    namespace.update(_CLASSES)
    parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _parser()


def _parse(path):
    return etree.parse(str(path), _PARSER)


# ---------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------
class CompatStyle:
    """A parsed CSL style whose elements carry the citeproc-js fixes."""

    def __init__(self, source, locale: str | None = None):
        is_xml = isinstance(source, bytes) or (isinstance(source, str) and source.lstrip().startswith("<"))
        if not is_xml and isinstance(source, (str, Path)) and Path(str(source)).is_file():
            self.xml = _parse(source)
        elif is_xml:
            data = source.encode("utf-8") if isinstance(source, str) else source
            self.xml = etree.ElementTree(etree.fromstring(data, _PARSER))
        else:
            raise ValueError(f"not a CSL style file or XML: {source!r}")
        self.root = self.xml.getroot()
        if not isinstance(self.root, Style):
            raise ValueError("not a CSL style (root element is not cs:style)")
        self.root.formatter = _FORMATTER
        self.locale = locale or self.root.get("default-locale") or "en-US"
        self.root.set_locale_list(self.locale)
        self._locales = self.root._compat_locales
        self.quotes = tuple(
            _term_text(self.root, n) for n in ("open-quote", "close-quote", "open-inner-quote", "close-inner-quote")
        )
        piq = None
        for loc in self._locales:
            opts = loc.find("cs:style-options", _NS)
            if opts is not None and opts.get("punctuation-in-quote") is not None:
                piq = opts.get("punctuation-in-quote")
                break
        self.punctuation_in_quote = (piq or "false").lower() == "true"

    def finalize(self, text, fmt):
        return finalize(text, fmt, quotes=self.quotes, punctuation_in_quote=self.punctuation_in_quote)


def load_style(source, locale: str | None = None) -> CompatStyle:
    """Parse a CSL style (path or XML text) for rendering with the fixes."""
    return CompatStyle(source, locale)


def independent_parent(path) -> str | None:
    """Name of the independent parent of a dependent style, else None."""
    for _, el in etree.iterparse(str(path), tag="{%s}link" % CSL_NS):
        if el.get("rel") == "independent-parent":
            return el.get("href", "").rstrip("/").rsplit("/", 1)[-1] or None
    return None


def style_info(path) -> dict:
    """title, title-short and default-locale of a style file (also of a
    dependent style, which has no layout of its own)."""
    root = etree.parse(str(path)).getroot()
    out = {"title": None, "title-short": None, "default-locale": root.get("default-locale")}
    info = root.find("{%s}info" % CSL_NS)
    if info is not None:
        for key in ("title", "title-short"):
            el = info.find("{%s}%s" % (CSL_NS, key))
            if el is not None and el.text:
                out[key] = el.text.strip()
    return out


def style_title(style: CompatStyle, short: bool = False) -> str:
    info = style.root.find("cs:info", _NS)
    el = info.find("cs:title-short", _NS) if (short and info is not None) else None
    if el is None and info is not None:
        el = info.find("cs:title", _NS)
    return (el.text or "").strip() if el is not None else ""


def is_note_style(style: CompatStyle) -> bool:
    return style.root.get("class") == "note"


# ---------------------------------------------------------------------------
# Data: CSL-JSON items
# ---------------------------------------------------------------------------
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_SEASONS = {"spring": 13, "summer": 14, "autumn": 15, "fall": 15, "winter": 16}


def _parse_one_date(text: str) -> list[int] | None:
    t = text.strip().rstrip(".").strip()
    m = re.fullmatch(r"(-?\d{1,4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?", t)
    if m:
        return [int(g) for g in m.groups() if g is not None]
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", t)  # M/D/YYYY (citeproc-js: US order)
    if m:
        return [int(m.group(3)), int(m.group(1)), int(m.group(2))]
    words = re.findall(r"[A-Za-z]+|\d+", t)
    year = month = day = None
    for w in words:
        lw = w.lower()
        if lw in _MONTHS and month is None:
            month = _MONTHS[lw]
        elif lw in _SEASONS and month is None:
            month = _SEASONS[lw]
        elif w.isdigit():
            if len(w) >= 3 or (year is None and day is not None):
                year = int(w)
            elif day is None:
                day = int(w)
            else:
                return None
        elif lw not in ("th", "st", "nd", "rd", "of"):
            return None
    if year is None:
        return None
    out = [year]
    if month:
        out.append(month)
        if day:
            out.append(day)
    return out


def parse_raw_date(raw: str) -> dict:
    """Parse a raw date string into CSL-JSON date-parts, like citeproc-js's
    date parser does for ``{"raw": ...}``: ISO dates (``2019-06-05``,
    ``2019-06``, ``2019``), EDTF-style ranges (``2019/2020``), month names
    (``5 June 2019``, ``June 5, 2019``, ``June 2019``) and seasons; anything
    else becomes a literal."""
    raw = str(raw).strip()
    for sep in ("/", " - ", "\u2013", " to "):
        if sep in raw and not re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", raw):
            pieces = raw.split(sep)
            if len(pieces) == 2:
                a, b = _parse_one_date(pieces[0]), _parse_one_date(pieces[1])
                if a and b:
                    return {"date-parts": [a, b]}
    one = _parse_one_date(raw)
    if one:
        return {"date-parts": [one]}
    return {"literal": raw}


class _Reference(Reference):
    def __init__(self, key, type, data):  # noqa: A002 - CSL name
        dict.__init__(self)
        self.update(data)
        self["key"] = key
        self["type"] = type


_NAME_KEYS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal", "comma-suffix"}
_NAME_VARS = {
    "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor", "curator",
    "director", "editor", "editorial-director", "editor-translator", "executive-producer", "guest", "host",
    "illustrator", "interviewer", "narrator", "organizer", "original-author", "performer", "producer",
    "recipient", "reviewed-author", "script-writer", "series-creator", "translator",
}
_DATE_VARS = {"accessed", "available-date", "event-date", "issued", "original-date", "submitted", "container"}


class _NameData(_SrcName):
    def __init__(self, data):
        dict.__init__(self)
        for k, v in data.items():
            if k in _NAME_KEYS and v not in (None, ""):
                self[k] = v if k == "comma-suffix" else str(v)


def _parse_date(value):
    if isinstance(value, str):
        value = {"raw": value}
    if not isinstance(value, dict):
        return None
    if "date-parts" not in value and "raw" in value:
        parsed = parse_raw_date(value["raw"])
        value = dict(value, **parsed)
    circa = bool(value.get("circa"))
    parts = value.get("date-parts") or []
    dates = []
    for p in parts:
        if not p or p[0] in (None, ""):
            continue
        d = {}
        for name, v in zip(("year", "month", "day"), p):
            try:
                d[name] = int(v)
            except (TypeError, ValueError):
                break
        if d:
            if value.get("season") and "month" not in d:
                d["season"] = value["season"]
            dates.append(d)
    if len(dates) == 1:
        return _SrcDate(circa=circa, **dates[0])
    if len(dates) > 1:
        return DateRange(begin=_SrcDate(**dates[0]), end=_SrcDate(**dates[1]), circa=circa)
    if value.get("literal"):
        return LiteralDate(str(value["literal"]), circa=circa)
    return None


class CompatSource(BibliographySource):
    """CSL-JSON items as a citeproc-py bibliography source.

    Unlike ``citeproc.source.json.CiteProcJSON``: parses raw date strings,
    keeps string values as they are (markup is interpreted at render time),
    accepts CSL 1.0.2 variables without warnings, and keeps ids' case."""

    def __init__(self, items: Iterable[dict]):
        for ref in items:
            data = {}
            key = str(ref["id"]).lower()
            for k, value in ref.items():
                if k in ("id", "type"):
                    continue
                pk = k.replace("-", "_")
                if k == "shortTitle":
                    pk = "title_short"
                elif k == "journalAbbreviation":
                    pk = "container_title_short"
                if k in _NAME_VARS:
                    data[pk] = [_NameData(n) for n in value if isinstance(n, dict)]
                elif k in _DATE_VARS:
                    d = _parse_date(value)
                    if d is not None:
                        data[pk] = d
                elif isinstance(value, (str, int, float)):
                    data[pk] = _S(str(value))
            self.add(_Reference(key, ref.get("type", "document"), data))


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------
class _Bib:
    def __init__(self, source):
        self.source = source
        self.keys = list(source.keys())
        self.formatter = _FORMATTER


class _CiteItem(CitationItem):
    """A citation item holding its reference directly (citeproc-py looks it
    up through three properties on every access)."""

    @property
    def reference(self):
        return dict.__getitem__(self, "_reference")

    @property
    def has_locator(self):
        return dict.__contains__(self, "locator")

    @property
    def number(self):
        # render_bibliography_entry may give the number the item has in a list
        n = dict.get(self, "_compat_citation_number")
        return n if n is not None else CitationItem.number.fget(self)


def _cite_item(bib, key, locator=None, label="page"):
    ci = _CiteItem(key, **({"locator": Locator(label, str(locator))} if locator is not None else {}))
    citation = _SrcCitation([ci])
    citation.bibliography = bib
    dict.__setitem__(ci, "_reference", bib.source[ci.key])
    return ci


def _run(style: CompatStyle, state: _RenderState, fn):
    previous = getattr(_local, "state", None)
    _local.state = state
    try:
        return fn()
    finally:
        _local.state = previous


def _render_cite(style, bib, ci, position="first", first_note=None, disambiguate=False):
    citation_el = style.root.find("cs:citation", _NS)
    layout = citation_el.find("cs:layout", _NS)
    state = _RenderState(style.root, area="citation", position=position, first_note=first_note,
                         disambiguate=disambiguate)
    state.in_text = not is_note_style(style)
    return _run(style, state, lambda: layout.render_item(ci))


def render_citation(style: CompatStyle, item: dict, fmt: str = "text", *, position: str = "first",
                    locator: str | None = None, label: str = "page",
                    first_reference_note_number: int | None = 1) -> str:
    """The citation of one item: in-text citation, or note for note styles."""
    source = CompatSource([item])
    bib = _Bib(source)
    ci = _cite_item(bib, str(item["id"]).lower(), locator, label)
    text = _render_cite(style, bib, ci, position, first_reference_note_number)
    return style.finalize(text, fmt)


def _sort_key_text(s: str) -> str:
    s = strip_markers(s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower()
    s = re.sub(r"^[\[\]'\"]*", "", s)
    return s


def _collate(a: str, b: str) -> int:
    """Approximates localeCompare(sensitivity base, ignorePunctuation, numeric)."""

    def norm(s):
        s = re.sub(r"[^\w\s]|_", "", s)
        s = re.sub(r"\s+", " ", s).strip()
        return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", s)]

    na, nb = norm(a), norm(b)
    if na == nb:
        return 0
    return -1 if na < nb else 1


def _sort_items(style: CompatStyle, sort_el, bib, cites, area):
    if sort_el is None:
        return cites
    keys_per_item = {}
    descending = []
    for key_el in sort_el.findall("cs:key", _NS):
        descending.append(key_el.get("sort", "ascending") == "descending")
    for ci in cites:
        values = []
        for key_el in sort_el.findall("cs:key", _NS):
            values.append(_sort_value(style, key_el, ci, area))
        keys_per_item[ci.key] = values

    def cmp(a, b):
        for idx, desc in enumerate(descending):
            ka, kb = keys_per_item[a.key][idx], keys_per_item[b.key][idx]
            if ka == kb:
                continue
            if ka is None or ka == "":
                return 1
            if kb is None or kb == "":
                return -1
            if isinstance(ka, tuple) or isinstance(kb, tuple):
                r = (ka > kb) - (ka < kb)
            else:
                r = _collate(ka, kb)
            if r:
                return -r if desc else r
        return 0

    return sorted(cites, key=cmp_to_key(cmp))


def _sort_value(style, key_el, ci, area):
    state = _RenderState(style.root, area="sort")
    options = {"name-as-sort-order": "all"}
    for option in ("names-min", "names-use-first", "names-use-last"):
        if key_el.get(option) is not None:
            options[option.replace("names", "et-al")] = key_el.get(option)
    state.sort_options = options

    def compute():
        if key_el.get("variable"):
            var = key_el.get("variable")
            value = _ref_value(ci, var)
            if value is None:
                return None
            if var in _DATE_VARS:
                return _date_sort_key(value)
            if var in _NAME_VARS:
                name_el = _default_name(key_el)
                return _sort_key_text(str(name_el.render_names(ci, value, var, key_el, options, None) or ""))
            if _is_numeric(value):
                m = re.search(r"\d+", str(value))
                return (int(m.group()),) if m else None
            return _sort_key_text(_rich(key_el, str(value)))
        macro = key_el.get_macro(key_el.get("macro"))
        text = macro.render(ci, context=key_el, sort_options=options)
        if text is None:
            return None
        return _sort_key_text(str(text))

    return _run(style, state, compute)


def _date_sort_key(value):
    def one(d):
        return "{:05}{:02}{:02}".format(int(d.get("year", 0)) + 10000, int(d.get("month", 0) or 0), int(d.get("day", 0) or 0))

    if isinstance(value, DateRange):
        return (one(value.begin) + one(value.end),)
    if isinstance(value, LiteralDate):
        return None
    return (one(value),)


def render_bibliography(style: CompatStyle, items: list[dict], fmt: str = "text") -> list[tuple[str, str]]:
    """Bibliography entries (key, text) sorted and disambiguated by the style."""
    bib_el = style.root.find("cs:bibliography", _NS)
    if bib_el is None:
        return []
    source = CompatSource(items)
    bib = _Bib(source)
    seen = []
    for it in items:
        key = str(it["id"]).lower()
        if key not in seen:
            seen.append(key)
    bib.keys = seen
    cites = [_cite_item(bib, k) for k in seen]
    cites = _sort_items(style, bib_el.find("cs:sort", _NS), bib, cites, "bibliography")
    bib.keys = [c.key for c in cites]
    _disambiguate_year_suffix(style, bib, cites)
    layout = bib_el.find("cs:layout", _NS)
    substitute = bib_el.get("subsequent-author-substitute")
    rule = bib_el.get("subsequent-author-substitute-rule", "complete-all")
    out = []
    previous_names = None
    for ci in cites:
        state = _RenderState(style.root, area="bibliography")
        if substitute is not None and rule in ("complete-all", "complete-each"):
            state.author_substitute = substitute
            state.previous_names_key = previous_names
        text = _run(style, state, lambda ci=ci: layout.render_item(ci))
        if text is None:
            continue
        previous_names = state.first_names_key
        out.append((ci.key, style.finalize(text, fmt)))
    return out


def _disambiguate_year_suffix(style, bib, cites):
    citation_el = style.root.find("cs:citation", _NS)
    if citation_el is None or citation_el.get("disambiguate-add-year-suffix", "false") != "true":
        return
    # Items whose citations read the same are ambiguous. When the style may
    # add names or given names (disambiguate-add-names/-givenname), items
    # whose names differ are told apart that way, as citeproc-js does, and
    # only items with the same names get year suffixes.
    by_names = citation_el.get("disambiguate-add-names", "false") == "true" or (
        citation_el.get("disambiguate-add-givenname", "false") == "true"
    )
    groups: dict[tuple, list] = {}
    for ci in cites:
        text = strip_markers(str(_render_cite(style, bib, ci) or ""))
        groups.setdefault((text, _names_signature(ci) if by_names else None), []).append(ci)
    for members in groups.values():
        if len(members) < 2:
            continue
        for n, ci in enumerate(members):
            ci["_compat_year_suffix"] = _year_suffix(n)


def _names_signature(ci) -> tuple:
    for var in ("author", "editor", "translator", "collection-editor", "composer", "director"):
        names = _ref_value(ci, var)
        if names:
            return tuple(
                (str(n.get("literal", "")), str(n.get("family", "")), str(n.get("given", "")),
                 str(n.get("non-dropping-particle", "")), str(n.get("dropping-particle", "")))
                for n in names
            )
    return ()


def _year_suffix(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = letters[r] + out
    return out


# ---------------------------------------------------------------------------
# A bibliography assembled from parts rendered one item at a time
# ---------------------------------------------------------------------------
# render_bibliography() needs every item of the list at once. A client that
# assembles bibliographies of any subset of a known set of items (the brief
# basket of the wiki, in the browser) gets, per item, what the list-level steps
# use: the sort values, the year-suffix group and the names compared by
# subsequent-author-substitute, plus the entry rendered with and without a
# year suffix and with and without its names substituted. Sorting, grouping
# and choosing the variants as render_bibliography() does then gives the same
# list (see conceptwiki.brief.assemble).


def _one(style: CompatStyle, item: dict):
    source = CompatSource([item])
    bib = _Bib(source)
    key = str(item["id"]).lower()
    bib.keys = [key]
    return bib, _cite_item(bib, key)


def _collation_tokens(s: str) -> list:
    """The form of a sort string that :func:`_collate` compares (JSON-able)."""
    s = re.sub(r"[^\w\s]|_", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    return [[0, int(t)] if t.isdigit() else [1, t] for t in re.findall(r"\d+|\D+", s)]


def _json_sort_value(value):
    if value is None or value == "":
        return value
    if isinstance(value, tuple):
        return {"t": list(value)}
    return {"c": _collation_tokens(value)}


def bibliography_sort_descending(style: CompatStyle) -> list[bool]:
    """For each key of the bibliography's cs:sort, whether it sorts descending."""
    bib_el = style.root.find("cs:bibliography", _NS)
    sort_el = bib_el.find("cs:sort", _NS) if bib_el is not None else None
    if sort_el is None:
        return []
    return [k.get("sort", "ascending") == "descending" for k in sort_el.findall("cs:key", _NS)]


def bibliography_sort_values(style: CompatStyle, item: dict) -> list:
    """The values the bibliography's cs:sort compares for ``item``, as JSON.

    Each is ``None`` (no value), ``""`` (empty), ``{"t": [...]}`` (a date or
    number, compared element by element) or ``{"c": [[0, n] | [1, text], ...]}``
    (text as the collation compares it: numbers numerically, before text).
    """
    bib_el = style.root.find("cs:bibliography", _NS)
    sort_el = bib_el.find("cs:sort", _NS) if bib_el is not None else None
    if sort_el is None:
        return []
    _bib, ci = _one(style, item)
    return [_json_sort_value(_sort_value(style, key_el, ci, "bibliography"))
            for key_el in sort_el.findall("cs:key", _NS)]


def year_suffix_group(style: CompatStyle, item: dict) -> str | None:
    """Items of one bibliography with the same group get year suffixes (a, b, ...)
    in bibliography order; ``None`` if the style adds no year suffixes."""
    citation_el = style.root.find("cs:citation", _NS)
    if citation_el is None or citation_el.get("disambiguate-add-year-suffix", "false") != "true":
        return None
    by_names = citation_el.get("disambiguate-add-names", "false") == "true" or (
        citation_el.get("disambiguate-add-givenname", "false") == "true"
    )
    bib, ci = _one(style, item)
    text = strip_markers(str(_render_cite(style, bib, ci) or ""))
    return repr((text, _names_signature(ci) if by_names else None))


def uses_citation_number(style: CompatStyle) -> bool:
    """Whether the style renders the citation number anywhere (numeric styles)."""
    return any("citation-number" in (el.get("variable") or "").split() for el in style.root.iter())


def subsequent_author_substitute(style: CompatStyle) -> str | None:
    """The text that replaces names equal to the previous entry's (None: no substitution)."""
    bib_el = style.root.find("cs:bibliography", _NS)
    if bib_el is None:
        return None
    rule = bib_el.get("subsequent-author-substitute-rule", "complete-all")
    if rule not in ("complete-all", "complete-each"):
        return None
    return bib_el.get("subsequent-author-substitute")


def render_bibliography_entry(style: CompatStyle, item: dict, fmt: str = "text", *,
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
    bib_el = style.root.find("cs:bibliography", _NS)
    if bib_el is None:
        return None, None
    layout = bib_el.find("cs:layout", _NS)
    replacement = subsequent_author_substitute(style) if substitute else None

    def render(previous):
        bib, ci = _one(style, item)
        if year_suffix:
            ci["_compat_year_suffix"] = year_suffix
        if citation_number is not None:
            dict.__setitem__(ci, "_compat_citation_number", citation_number)
        state = _RenderState(style.root, area="bibliography")
        if replacement is not None:
            state.author_substitute = replacement
            state.previous_names_key = previous
        text = _run(style, state, lambda: layout.render_item(ci))
        return text, state.first_names_key

    if replacement is not None and previous_names is not None:
        text, names = render(previous_names)
    else:
        text, names = render(None)
        if replacement is not None and names is not None:
            text, names = render(names)
    if text is None:
        return None, names
    return style.finalize(text, fmt), names
