"""``text-case`` and ``strip-periods``: a port of citeproc-js ``CSL.Output.Formatters``.

* Title case capitalises after hyphens and full stops and keeps stop words
  lower case (except the first and last word, and after ``:``, ``?``, ``!``);
  capitalize-first and title case skip words that already contain capitals
  (``arXiv``) and nocase spans; title case only applies to English items
  (:func:`apply_case`).
* Markup (``<span class="nocase">``, ``<sc>``, ``<sup>``, ``<sub>``, in data or
  as markers) protects what it encloses; quotes are tracked so that the word
  after an opening quote is treated like a first word.
* ``strip-periods`` removes only full stops not followed by a lower-case
  letter (citeproc-js regex), so ``Gwern.net`` keeps its stop.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict, overload

from .formatting import Formatting
from .items import CiteItem
from .richtext import CLOSE, OPEN, is_marker

__all__ = ["apply_case", "strip_periods", "text_case"]

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
    OPEN[("nocase", "")],
    OPEN[("nodecor", "")],
    OPEN[("font-variant", "flip")],
    OPEN[("vertical-align", "sup")],
    OPEN[("vertical-align", "sub")],
}
_WORD_SPLIT_RE = re.compile("[\u00a0\u0020\u2000-\u200b\u205f\u3000]+")


def _tc_split(string: str) -> tuple[list[str], list[str], list[str]]:
    string = re.sub(r'(<span)\s+(class="no(?:case|decor)")[^>]*(>)', r"\1 \2\3", string)
    string = re.sub(
        r'(<span)\s+(style="font-variant:)\s*(small-caps);?(")[^>]*(>)', r"\1 \2 \3;\4\5", string
    )
    tags: list[str] = _TC_TAG_RE.findall(string)
    strings = _TC_TAG_RE.split(string)
    for i in range(len(tags) - 1, -1, -1):
        if tags[i] == "'" and len(strings[i + 1]) > 0:
            strings[i + 1] = tags[i] + strings[i + 1]
            tags[i] = ""
    return tags, strings, list(strings)


def _tc_join(tags: list[str], strings: list[str]) -> str:
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


def _words(s: str) -> tuple[list[str], list[str]]:
    """wordDoppel.split: words and the whitespace runs between them."""
    return _WORD_SPLIT_RE.findall(s), _WORD_SPLIT_RE.split(s)


def _unwords(seps: list[str], words: list[str]) -> str:
    return _tc_join(seps, words)


_QUOTE_PARAMS = {
    ' "': (" '", '"'),
    " '": (' "', "'"),
    "\u2018": ("\u2018", "\u2019"),
    "\u201c": ("\u201c", "\u201d"),
}


@dataclass
class _CaseState:
    """citeproc-js's ``config`` of one text-case run."""

    is_first: bool | None = True
    after_punct: bool | None = None
    last_word_pos: tuple[int, int] | None = None


class _Quote(TypedDict, total=False):
    opener: str
    closer: str
    pos: int


def _quote_fix(quote_state: list[_Quote], tag: str, pos: int) -> int | bool | None:
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


#: A text that is a URL and nothing else (see :func:`text_case`).
_URL_RE = re.compile(r"^(?:https?|ftp)://\S+$", re.I)


def text_case(string: str, case: str) -> str:
    """Apply a CSL text-case the way citeproc-js does (see the module doc).

    ``case`` is a CSL ``text-case`` value: ``lowercase``, ``uppercase``,
    ``capitalize-first``, ``capitalize-all``, ``sentence`` or ``title``.
    """
    if not string:
        return string
    if _URL_RE.match(string):
        # A deliberate difference from citeproc-js, which makes Chicago's capitalize-first on
        # an archived copy's URL (``archive_location``) read "Https://web.archive.org/...":
        # a URL is an identifier, and its case is kept.
        return string
    st = _CaseState()
    quote_state: list[_Quote] | None = [] if case in ("sentence", "title", "capitalize-first", "capitalize-all") else None
    if case == "title":
        st.after_punct = False
    if case in ("lowercase", "uppercase"):
        st.is_first = None

    def cap_words(s: str, i: int, following_tag: str | None) -> str:
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
    tag_state: list[str] = []
    marker_stack: list[str] = []

    if strings and strings[0].strip():
        strings[0] = cap_words(strings[0], 0, tags[0] if tags else None)
    for i, tag in enumerate(tags):
        s = strings[i + 1]
        if tag in _TC_TAG_PARAMS:
            tag_state.append(_TC_TAG_PARAMS[tag])
        elif tag and is_marker(tag):
            if tag == CLOSE:
                if marker_stack and marker_stack.pop() in _PROTECTING_MARKERS and tag_state:
                    tag_state.pop()
            else:
                marker_stack.append(tag)
                if tag in _PROTECTING_MARKERS:
                    tag_state.append(CLOSE)
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
            qpos = _quote_fix(quote_state, tag, i)
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


def strip_periods(s: str) -> str:
    """CSL ``strip-periods="true"`` on a variable."""
    # citeproc-js: blob.blobs.replace(/\.([^a-z]|$)/g, "$1")
    return re.sub(r"\.([^a-z]|$)", r"\1", s)


def _item_language(item: CiteItem) -> str | None:
    try:
        lang = item.reference.get("language")
    except Exception:  # noqa: BLE001
        return None
    return str(lang) if lang else None


@overload
def apply_case(element: Formatting, text: str, item: CiteItem | None = None) -> str: ...
@overload
def apply_case(element: Formatting, text: None, item: CiteItem | None = None) -> None: ...
def apply_case(element: Formatting, text: str | None, item: CiteItem | None = None) -> str | None:
    """``text`` in the ``text-case`` of ``element`` (title case only for English items)."""
    case = element.get("text-case")
    if not case or text is None:
        return text
    if case == "title" and item is not None:
        lang = _item_language(item)
        if lang and not lang.lower().startswith("en"):
            return text
    return text_case(str(text), case)
