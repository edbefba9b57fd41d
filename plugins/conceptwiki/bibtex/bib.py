"""Loading BibTeX sources and turning them into CSL-JSON items.

Files are split into blocks by bibtexparser 2 with *no* middlewares, so that nothing is lost;
macro expansion (``@string``, ``#`` concatenation, month names), LaTeX decoding and name
parsing are done here. Everything wrong with the input is returned as :class:`Problem` values
(``path:line:column``), never raised. Nothing here imports MkDocs.

Line numbers: bibtexparser's ``Block.start_line`` and ``Field.start_line`` are 0-based
(checked on real input: an entry on the first line of a file has ``start_line == 0``; a
field's line is the line of its ``=``). All lines reported here are 1-based.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Optional

from ..model.problems import Problems

__all__ = [
    "Source",
    "MAX_BIB_BYTES",
    "MAX_VALUE_CHARS",
    "KEY_RE",
    "KNOWN_ENTRY_TYPES",
    "VERBATIM_FIELDS",
    "load_bib_files",
    "load_bib_string",
    "decode_latex",
    "decode_title",
    "parse_names",
    "parse_bib_date",
    "source_to_csl",
]

#: Files larger than this are reported and not parsed.
MAX_BIB_BYTES = 5 * 1024 * 1024
#: A citation key as BibTeX and biblatex both accept it.
KEY_RE = re.compile(r"^[A-Za-z0-9_:.+/-]+$")

#: Entry types of BibTeX and biblatex; any other type gets a warning.
KNOWN_ENTRY_TYPES = frozenset(
    """
    article book booklet conference inbook incollection inproceedings manual mastersthesis
    misc phdthesis proceedings techreport unpublished
    online electronic www report thesis collection mvbook mvcollection mvproceedings
    bookinbook suppbook suppcollection suppperiodical periodical patent reference
    mvreference inreference dataset software set xdata artwork audio image movie music
    performance video jurisdiction legislation legal letter review standard
    """.split()
)

#: Fields kept verbatim (only the outer delimiters removed, and ``\\_ \\% \\# \\& \\~``
#: un-escaped): they are identifiers, not text.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pdf", "urlraw", "isbn", "issn"})

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "sept": 9,
}
for _i, _m in enumerate(_MONTHS):
    _MONTH_NAMES[_m] = _i + 1


# --------------------------------------------------------------------------------------------
# Source
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One BibTeX entry as written in a file.

    ``fields`` maps lower-case field names to the value as written (outer braces or quotes
    removed, ``@string`` macros and ``#`` concatenations resolved, inner braces and LaTeX
    kept; the predefined month macros stay as written: ``month = jun`` gives ``"jun"``;
    an undefined macro gives its own name, with a warning). ``line`` is the 1-based line
    of the ``@type{``. ``crossref`` is not merged into ``fields``, only into :meth:`csl`.
    """

    key: str
    type: str
    fields: dict[str, str]
    path: str
    line: int
    #: 1-based line of each field's ``=`` (for messages), not part of equality.
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __hash__(self) -> int:
        return hash((self.key, self.type, self.path, self.line))

    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def csl(self) -> dict:
        """The CSL-JSON item for this entry (computed once; a copy is returned)."""
        cached = self.__dict__.get("_csl_cache")
        if cached is None:
            cached = source_to_csl(self)
            object.__setattr__(self, "_csl_cache", cached)
        return copy.deepcopy(cached)


# --------------------------------------------------------------------------------------------
# Low-level scanning helpers
# --------------------------------------------------------------------------------------------


def _matching_brace(text: str, start: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``start``, or -1.

    ``\\{`` and ``\\}`` are not counted, as bibtexparser's splitter does not count them.
    """
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _split_depth0(text: str, pattern: re.Pattern) -> list[str]:
    """Split ``text`` at matches of ``pattern`` that lie at brace depth 0."""
    parts = []
    depth = 0
    last = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = pattern.match(text, i)
            if m and m.end() > i:
                parts.append(text[last:i])
                last = i = m.end()
                continue
        i += 1
    parts.append(text[last:])
    return parts


_WS_RE = re.compile(r"[ \t\n\r\f\v]+")


def _collapse_ws(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


# --------------------------------------------------------------------------------------------
# LaTeX decoding
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _l2t():
    """A pylatexenc converter, with corrections for what its defaults get wrong for BibTeX.

    Checked against pylatexenc 2.10/2.11: ``--``/``---`` become en/em dashes, ``\\&`` ``&``,
    ``~`` a no-break space, accents are right; but ``\\mbox{x}``, ``\\LaTeX``,
    ``\\textbraceleft``, ``\\textless``, ``\\S`` and some others come out empty,
    ``\\textasciicircum`` as U+02C6, ``\\url{x}`` as ``<x>``, ``\\-`` as a soft hyphen,
    and ``\\href`` raises. Those are overridden here.
    """
    from pylatexenc import latexwalker, macrospec
    from pylatexenc.latex2text import (LatexNodes2Text, MacroTextSpec, SpecialsTextSpec,
                                       get_default_latex_context_db)

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "conceptwiki-bib",
        prepend=True,
        macros=[
            macrospec.MacroSpec("noopsort", "{"),
            macrospec.MacroSpec("cwnocase", "{"),
            macrospec.MacroSpec("href", "{{"),
            macrospec.MacroSpec("url", "{"),
            macrospec.MacroSpec("mbox", "{"),
            macrospec.MacroSpec("hbox", "{"),
            macrospec.MacroSpec("textsubscript", "{"),
            macrospec.MacroSpec("textsuperscript", "{"),
            macrospec.MacroSpec("textsc", "{"),
            macrospec.MacroSpec("textnormal", "{"),
            macrospec.MacroSpec("enquote", "{"),
            macrospec.MacroSpec("cite", "[{"),
        ],
        specials=[macrospec.std_specials("`")],
    )

    def _arg(n, l2t, i):
        argd = getattr(n, "nodeargd", None)
        args = getattr(argd, "argnlist", None) or []
        if i < len(args) and args[i] is not None:
            return l2t.nodelist_to_text([args[i]])
        return ""

    text_db = get_default_latex_context_db()
    text_db.add_context_category(
        "conceptwiki-bib",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textasciitilde", "~"),
            MacroTextSpec("textasciigrave", "`"),
            MacroTextSpec("textbackslash", "\\"),
            MacroTextSpec("textunderscore", "_"),
            MacroTextSpec("textless", "<"),
            MacroTextSpec("textgreater", ">"),
            MacroTextSpec("textbar", "|"),
            MacroTextSpec("textquotedbl", '"'),
            MacroTextSpec("textquotedblleft", "\u201c"),
            MacroTextSpec("textquotedblright", "\u201d"),
            MacroTextSpec("textquoteleft", "\u2018"),
            MacroTextSpec("textquoteright", "\u2019"),
            MacroTextSpec("textdollar", "$"),
            MacroTextSpec("textpercent", "%"),
            MacroTextSpec("textampersand", "&"),
            MacroTextSpec("textsection", "\u00a7"),
            MacroTextSpec("S", "\u00a7"),
            MacroTextSpec("P", "\u00b6"),
            MacroTextSpec("copyright", "\u00a9"),
            MacroTextSpec("textcopyright", "\u00a9"),
            MacroTextSpec("pounds", "\u00a3"),
            MacroTextSpec("textsterling", "\u00a3"),
            MacroTextSpec("euro", "\u20ac"),
            MacroTextSpec("texteuro", "\u20ac"),
            MacroTextSpec("og", "\u00ab"),
            MacroTextSpec("fg", "\u00bb"),
            MacroTextSpec("LaTeX", "LaTeX"),
            MacroTextSpec("LaTeXe", "LaTeX2e"),
            MacroTextSpec("TeX", "TeX"),
            MacroTextSpec("BibTeX", "BibTeX"),
            MacroTextSpec("XeTeX", "XeTeX"),
            MacroTextSpec("-", ""),
            MacroTextSpec("/", ""),
            MacroTextSpec("@", ""),
            MacroTextSpec("noopsort", ""),
            MacroTextSpec("cwnocase",
                          lambda n, l2tobj: "\ue000" + _arg(n, l2tobj, 0) + "\ue001"),
            MacroTextSpec("cite", ""),
            MacroTextSpec("mbox", lambda n, l2tobj: _arg(n, l2tobj, 0)),
            MacroTextSpec("hbox", lambda n, l2tobj: _arg(n, l2tobj, 0)),
            MacroTextSpec("url", lambda n, l2tobj: _arg(n, l2tobj, 0)),
            MacroTextSpec("href", lambda n, l2tobj: _arg(n, l2tobj, 1)),
            MacroTextSpec("textsubscript", lambda n, l2tobj: _arg(n, l2tobj, 0)),
            MacroTextSpec("textsuperscript", lambda n, l2tobj: _arg(n, l2tobj, 0)),
            MacroTextSpec("textsc", lambda n, l2tobj: _arg(n, l2tobj, 0)),
            MacroTextSpec("textnormal", lambda n, l2tobj: _arg(n, l2tobj, 0)),
            MacroTextSpec("enquote", lambda n, l2tobj: "\u201c" + _arg(n, l2tobj, 0) + "\u201d"),
        ],
        # A single back-quote is an opening single quote to LaTeX.
        specials=[SpecialsTextSpec("`", "\u2018")],
    )
    conv = LatexNodes2Text(latex_context=text_db, math_mode="text")
    return conv, walker_db


# A bare ``%`` or ``&`` is almost always meant literally in a BibTeX field (``50% of``,
# ``Johnson & Johnson``); to LaTeX they are a comment and an alignment tab.
_BARE_SPECIAL_RE = re.compile(r"(?<!\\)((?:\\\\)*)([%&])")
_URL_CMD_RE = re.compile(r"\\(url|path)\s*\{")
_NEEDS_LATEX_RE = re.compile(r"[\\{}~$%&`]|--|''")
_SIMPLE_UNESCAPE_RE = re.compile(r"\\([_%#&$~])")


def _fallback_decode(text: str) -> str:
    """Crude decoding used only if pylatexenc fails on hostile input."""
    text = _SIMPLE_UNESCAPE_RE.sub(r"\1", text)
    text = re.sub(r"\\[A-Za-z]+\*?\s*", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    text = text.replace("{", "").replace("}", "").replace("~", "\u00a0")
    return text.replace("---", "\u2014").replace("--", "\u2013")


def _decode_raw(value: str) -> str:
    """LaTeX to Unicode without touching outer whitespace (pieces are concatenated later)."""
    if not _NEEDS_LATEX_RE.search(value):
        return value
    # \url{...} arguments are verbatim: cut them out so that ``~`` or ``%`` in them survive.
    pieces = []
    pos = 0
    for m in _URL_CMD_RE.finditer(value):
        if m.start() < pos:
            continue
        end = _matching_brace(value, m.end() - 1)
        if end < 0:
            break
        pieces.append(_decode_plain(value[pos:m.start()]))
        pieces.append(_unescape_verbatim(value[m.end():end]))
        pos = end + 1
    pieces.append(_decode_plain(value[pos:]))
    return "".join(pieces)


# Speed: pylatexenc costs some 10 µs per character. Values whose only LaTeX is braces, the
# escapes \& \% \$ \# \_ \{ \}, dashes and ties are decoded without it; accents and
# foreign letters (``{\"o}``, ``\'e``, ``\ss``) are decoded one by one by pylatexenc (cached)
# first. Anything else goes to pylatexenc whole. The tests check that the results agree.
_SLOW_RE = re.compile(r"\\(?![&%$#_{}])|[$`]|''")
_FAST_TOKEN_RE = re.compile(r"\\([&%$#_{}])|---|--|~|[{}]")
_FAST_REPL = {"---": "\u2014", "--": "\u2013", "~": "\u00a0", "{": "", "}": ""}
_ACCENT_ARG = r"(?:\{\s*(?:\\[ij](?![^\W\d_])|[A-Za-z])\s*\}|\\[ij](?![^\W\d_])[ \t\n]*|[A-Za-z])"
_ACCENT_RE = re.compile(
    r"\{\s*(?:\\[\"'`^~=.]\s*" + _ACCENT_ARG + r"|\\[uvHckrdb](?:\s+|(?=\{))" + _ACCENT_ARG
    + r"|\\(?:ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![^\W\d_]))\s*\}"
    r"|\\[\"'`^~=.]\s*" + _ACCENT_ARG
    + r"|\\[uvHckrdb](?:\s+|(?=\{))" + _ACCENT_ARG
    + r"|\\(?:ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![^\W\d_])(?:\{\}|[ \t\n]+)?"
)


def _fast_decode(value: str) -> str:
    return _FAST_TOKEN_RE.sub(lambda m: m.group(1) or _FAST_REPL[m.group(0)], value)


@lru_cache(maxsize=4096)
def _pylatexenc(value: str) -> str:
    conv, walker_db = _l2t()
    try:
        return conv.latex_to_text(value, latex_context=walker_db, tolerant_parsing=True)
    except Exception:  # pylatexenc on hostile input (RecursionError, IndexError, ...)
        return _fallback_decode(value)


def _decode_slow(value: str) -> str:
    """Whole-value pylatexenc decoding, as :func:`_decode_plain` does for complex values
    (the reference the fast paths are tested against)."""
    return _pylatexenc(_BARE_SPECIAL_RE.sub(lambda m: m.group(1) + "\\" + m.group(2), value))


#: Longer values are decoded roughly (without pylatexenc), to keep hostile files fast.
MAX_LATEX_CHARS = 20000


def _decode_plain(value: str) -> str:
    if not value or not _NEEDS_LATEX_RE.search(value):
        return value
    if not _SLOW_RE.search(value):
        return _fast_decode(value)
    reduced = _ACCENT_RE.sub(lambda m: _pylatexenc(m.group(0)), value)
    if not _SLOW_RE.search(reduced):
        return _fast_decode(reduced)
    if len(value) > MAX_LATEX_CHARS:
        return _fallback_decode(reduced)
    return _decode_slow(value)


@lru_cache(maxsize=4096)
def decode_latex(value: str) -> str:
    """LaTeX to Unicode, braces removed, runs of whitespace collapsed to one space.

    ``{\\"o}``, ``\\"{o}``, ``\\'e``, ``{\\ss}`` become ö, ö, é, ß; ``\\&`` ``\\%`` ``\\$``
    ``\\#`` ``\\_`` their characters; ``--`` an en dash, ``---`` an em dash, ``~`` a no-break
    space; ``\\textit{x}`` and other formatting commands their text; ``\\url{x}`` its
    argument verbatim. A bare ``%`` or ``&`` is kept as a character.
    """
    if not value:
        return ""
    return _collapse_ws(_decode_raw(value))


def _unescape_verbatim(value: str) -> str:
    """For url/doi-like fields: only un-escape ``\\_ \\% \\# \\& \\~ \\$``; strip whitespace."""
    value = _SIMPLE_UNESCAPE_RE.sub(r"\1", value.strip())
    m = re.fullmatch(r"\\(?:url|path)\s*\{(.*)\}", value, re.S)
    if m and _matching_brace(value, value.index("{")) == len(value) - 1:
        value = m.group(1).strip()
    return value


_CONTROL_SEQ_RE = re.compile(r"\\(?:[A-Za-z]+\*?|.)", re.S)


def _split_case_groups(value: str) -> list[tuple[bool, str]]:
    """Split a title into (protected, raw LaTeX) pieces.

    A brace group at depth 0 protects case (``{AI}``, ``{{ICML}}``) unless it is a BibTeX
    "special character" (its content starts with a backslash: ``{\\"o}``) or the argument of
    a command (``\\textit{x}``, ``\\"{o}``); those stay part of the surrounding text.
    """
    pieces: list[tuple[bool, str]] = []
    buf: list[str] = []
    i = 0
    n = len(value)
    after_command = False
    while i < n:
        c = value[i]
        if c == "\\":
            m = _CONTROL_SEQ_RE.match(value, i)
            j = m.end() if m else n
            buf.append(value[i:j])
            i = j
            # A control word may be followed by spaces before its argument.
            k = i
            while k < n and value[k] in " \t\n" and m and m.group(0)[1:2].isalpha():
                k += 1
            after_command = k < n and value[k] == "{"
            if after_command:
                buf.append(value[i:k])
                i = k
            continue
        if c == "{":
            end = _matching_brace(value, i)
            if end < 0:  # unbalanced: keep as text (the loader reports it)
                buf.append(value[i:])
                break
            group = value[i:end + 1]
            inner = value[i + 1:end]
            if after_command or inner.lstrip().startswith("\\"):
                buf.append(group)
                # consecutive arguments: \href{a}{b}
                after_command = after_command and end + 1 < n and value[end + 1] == "{"
            else:
                if buf:
                    pieces.append((False, "".join(buf)))
                    buf = []
                pieces.append((True, inner))
                after_command = False
            i = end + 1
            continue
        after_command = False
        buf.append(c)
        i += 1
    if buf:
        pieces.append((False, "".join(buf)))
    return pieces


NOCASE_OPEN = '<span class="nocase">'
NOCASE_CLOSE = "</span>"


@lru_cache(maxsize=4096)
def decode_title(value: str) -> str:
    """Decode a title-like field to CSL-JSON rich text.

    Brace-protected parts become ``<span class="nocase">…</span>`` (the citeproc-js
    convention); a title wrapped as a whole in braces is wholly nocase.

    No HTML escaping is done, by design: citeproc-js (src/util_flipflop.js) treats only an
    exact, fixed set of tag strings as markup (``<i>``, ``<b>``, ``<sup>``, ``<sub>``,
    ``<sc>``, ``<span class="nocase">``, ``<span class="nodecor">``,
    ``<span style="font-variant:small-caps;">`` and their closers); any other ``<`` or ``&``
    is ordinary text, which its HTML output format escapes itself (``text_escape``:
    ``&`` → ``&#38;``, ``<`` → ``&#60;``). Writing ``&#60;`` into CSL-JSON would therefore
    show up as the literal characters "&#60;" (citeproc-py behaves the same). So ``<``
    and ``&`` are kept as characters; consumers must escape text outside those tags.
    """
    if not value:
        return ""
    if "{" not in value:
        return decode_latex(value)
    pieces = _split_case_groups(value)
    if not any(protected for protected, _ in pieces):
        return decode_latex(value)
    needs_pylatexenc = any(_SLOW_RE.search(_ACCENT_RE.sub("", raw)) for _, raw in pieces)
    if needs_pylatexenc and len(value) <= MAX_LATEX_CHARS and _NOCASE_MARK_OPEN not in value \
            and _NOCASE_MARK_CLOSE not in value and not _URL_CMD_RE.search(value):
        # One pylatexenc pass over the whole title, protected groups marked by a macro
        # whose text is wrapped in two private-use characters.
        latex = "".join("\\cwnocase{" + raw + "}" if protected else raw
                        for protected, raw in pieces)
        text = _decode_raw(latex)
        text = _NOCASE_SPAN_RE.sub(_nocase_span, text)
        text = text.replace(_NOCASE_MARK_OPEN, "").replace(_NOCASE_MARK_CLOSE, "")
        return _collapse_ws(text)
    out = []
    for protected, raw in pieces:
        text = _decode_raw(raw)
        if protected:
            text = _collapse_ws(text)
            if text:
                out.append(NOCASE_OPEN + text + NOCASE_CLOSE)
        else:
            out.append(text)
    return _collapse_ws("".join(out))


_NOCASE_MARK_OPEN = "\ue000"
_NOCASE_MARK_CLOSE = "\ue001"
_NOCASE_SPAN_RE = re.compile("\ue000([^\ue000\ue001]*)\ue001")


def _nocase_span(m: re.Match) -> str:
    text = _collapse_ws(m.group(1))
    return NOCASE_OPEN + text + NOCASE_CLOSE if text else ""


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

_AND_RE = re.compile(r"[ \t\n\r]+and[ \t\n\r]+", re.I)
_FOREIGN_LETTERS = {"oe": "l", "OE": "u", "ae": "l", "AE": "u", "aa": "l", "AA": "u",
                    "o": "l", "O": "u", "l": "l", "L": "u", "ss": "l", "SS": "u",
                    "i": "l", "j": "l"}


def _token_case(token: str) -> Optional[str]:
    """BibTeX's case of a name token: 'l' (lower), 'u' (upper) or None (no letter)."""
    i = 0
    n = len(token)
    while i < n:
        c = token[i]
        if c == "{":
            end = _matching_brace(token, i)
            if end < 0:
                end = n - 1
            inner = token[i + 1:end]
            if inner.startswith("\\"):  # special character: {\"u}, {\ss}
                m = re.match(r"\\([A-Za-z]+|.)\s*(.*)", inner, re.S)
                if m:
                    cmd, rest = m.group(1), m.group(2)
                    if cmd in _FOREIGN_LETTERS:
                        return _FOREIGN_LETTERS[cmd]
                    for ch in rest:
                        if ch.isalpha():
                            return "l" if ch.islower() else "u"
            i = end + 1
            continue
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", token[i:])
            if m and m.group(1) in _FOREIGN_LETTERS:
                return _FOREIGN_LETTERS[m.group(1)]
            i += len(m.group(0)) if m else 1
            continue
        if c.isalpha():
            if c.islower():
                return "l"
            if c.isupper():
                return "u"
            return "u"  # letters without case (CJK, ...) count as upper, as in BibTeX
        i += 1
    return None


def _tokens(part: str) -> list[str]:
    return [t for t in _split_depth0(part.strip(), re.compile(r"[ \t\n\r~]+")) if t]


def _wrapped_whole(text: str) -> bool:
    return text.startswith("{") and _matching_brace(text, 0) == len(text) - 1


def _von_last(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split "von Last" tokens: von is the longest run ending in a lower-case token,
    but Last keeps at least one token."""
    last_lower = -1
    for i, t in enumerate(tokens[:-1]):
        if _token_case(t) == "l":
            last_lower = i
    return tokens[: last_lower + 1], tokens[last_lower + 1:]


def _parse_one_name(raw: str) -> Optional[dict]:
    raw = raw.strip().strip(",").strip()
    if not raw:
        return None
    if raw.lower() == "others":
        return None
    if _wrapped_whole(raw):  # {OpenAI}, {\'Ecole Polytechnique}: one unit, as in BibTeX
        literal = decode_latex(raw[1:-1])
        return {"literal": literal} if literal else None
    parts = [p.strip() for p in _split_depth0(raw, re.compile(r","))]
    first: list[str]
    von: list[str]
    last: list[str]
    jr: list[str] = []
    if len(parts) == 1:
        toks = _tokens(parts[0])
        if not toks:
            return None
        start = None
        for i, t in enumerate(toks[:-1]):
            if _token_case(t) == "l":
                start = i
                break
        if start is None:
            first, von, last = toks[:-1], [], toks[-1:]
        else:
            first = toks[:start]
            von, last = _von_last(toks[start:])
    else:
        von, last = _von_last(_tokens(parts[0])) if _tokens(parts[0]) else ([], [])
        if len(parts) == 2:
            first = _tokens(parts[1])
        else:
            jr = _tokens(parts[1])
            first = _tokens(", ".join(parts[2:]))
    name: dict = {}
    fam = decode_latex(" ".join(last))
    giv = decode_latex(" ".join(first))
    par = decode_latex(" ".join(von))
    suf = decode_latex(" ".join(jr))
    if fam:
        name["family"] = fam
    if giv:
        name["given"] = giv
    if par:
        if fam:
            name["non-dropping-particle"] = par
        else:
            name["family"] = par
    if suf:
        name["suffix"] = suf
    return name or None


def parse_names(value: str) -> list[dict]:
    """A BibTeX name list to CSL name dicts.

    Names are split at ``and`` (any case, surrounded by whitespace) at brace depth 0.
    A name wholly in braces (``{OpenAI}``, ``{Future of Humanity Institute}``) is a
    ``literal``. Otherwise BibTeX's rules apply to "First von Last", "von Last, First" and
    "von Last, Jr, First": the von part (lower-case words) becomes
    ``non-dropping-particle``, as citeproc-js does for BibTeX names. ``others`` is dropped.
    A single word ("Plato") is a family name. All parts are LaTeX-decoded.
    """
    if not value or not value.strip():
        return []
    names = []
    for raw in _split_depth0(value.strip(), _AND_RE):
        name = _parse_one_name(raw)
        if name:
            names.append(name)
    return names


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_ISO_DATE_RE = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[\d:.+\-Z]*)?$")


def _valid_parts(y: int, m: Optional[int], d: Optional[int]) -> list[int]:
    parts = [y]
    if m is not None and 1 <= m <= 12:
        parts.append(m)
        if d is not None and 1 <= d <= 31:
            parts.append(d)
    return parts


def parse_bib_date(value: str) -> Optional[dict]:
    """An ISO 8601 / biblatex date (``2019``, ``2019-06``, ``2019-06-05``, a range
    ``2019-06-05/2019-06-07``, ``2019/``) to a CSL date, or None if it is not one."""
    value = value.strip().rstrip("~?%")
    if not value:
        return None
    ends = value.split("/")
    if len(ends) > 2:
        return None
    parts = []
    for end in ends:
        end = end.strip().rstrip("~?%")
        if not end or end == "..":
            continue
        m = _ISO_DATE_RE.match(end)
        if not m:
            return None
        y = int(m.group(1))
        mo = int(m.group(2)) if m.group(2) else None
        d = int(m.group(3)) if m.group(3) else None
        if mo is not None and not 1 <= mo <= 12:
            return None
        if d is not None and not 1 <= d <= 31:
            return None
        parts.append(_valid_parts(y, mo, d))
    if not parts:
        return None
    return {"date-parts": parts}


def _parse_month(value: str) -> Optional[int]:
    v = decode_latex(value).strip().lower().rstrip(".")
    if v.isdigit():
        m = int(v)
        return m if 1 <= m <= 12 else None
    return _MONTH_NAMES.get(v)


_STATUS_WORDS = ("forthcoming", "in press", "to appear", "submitted", "in preparation",
                 "accepted")


def _issued(fields: Mapping[str, str], warn=None) -> tuple[Optional[dict], Optional[str]]:
    """(issued date, status) from ``date`` or ``year``/``month``/``day``."""
    status = None
    if "date" in fields:
        d = parse_bib_date(decode_latex(fields["date"]))
        if d:
            return d, None
        low = decode_latex(fields["date"]).lower()
        status = next((w for w in _STATUS_WORDS if w in low), None)
        if warn and not status:
            warn("date", f"date '{fields['date']}' is not an ISO 8601 date (YYYY-MM-DD); "
                         "it is ignored")
    year_raw = fields.get("year")
    if year_raw is None:
        return None, status
    year_txt = decode_latex(year_raw).strip()
    m = re.fullmatch(r"(\d{1,4})[a-z]?", year_txt)
    if not m:
        low = year_txt.lower()
        status = status or next((w for w in _STATUS_WORDS if w in low), None)
        m = re.search(r"(?<!\d)(\d{4})(?!\d)", year_txt)
        if not m:
            if warn and not status:
                warn("year", f"year '{year_raw}' is not a number; the entry has no date "
                             "(leave 'year' out if the date is unknown)")
            return None, status
    year = int(m.group(1))
    month = day = None
    if "month" in fields:
        month = _parse_month(fields["month"])
        if month is None and warn:
            warn("month", f"month '{fields['month']}' is not a month (use 1-12 or jan..dec);"
                          " it is ignored")
    if month is not None and "day" in fields:
        dtxt = decode_latex(fields["day"]).strip()
        day = int(dtxt) if dtxt.isdigit() else None
    return {"date-parts": [_valid_parts(year, month, day)]}, status


# --------------------------------------------------------------------------------------------
# BibTeX -> CSL-JSON
# --------------------------------------------------------------------------------------------

_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_URL_LIKE_RE = re.compile(r"^(?:https?|ftp)://\S+$", re.I)
_ARXIV_IN_TEXT_RE = re.compile(
    r"arxiv(?:\s+preprint)?(?:\s+arxiv)?\s*:?\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.I)
_ARXIV_URL_RE = re.compile(
    r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.I)

_TYPE_MAP = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "book": "book",
    "mvbook": "book",
    "bookinbook": "chapter",
    "inbook": "chapter",
    "incollection": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "inreference": "entry-encyclopedia",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "unpublished": "manuscript",
    "booklet": "pamphlet",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "periodical": "periodical",
    "suppperiodical": "article-journal",
    "review": "review",
    "standard": "standard",
    "legislation": "legislation",
    "jurisdiction": "legal_case",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "video": "motion_picture",
    "audio": "song",
    "music": "song",
    "artwork": "graphic",
    "image": "graphic",
    "performance": "performance",
}
_WEB_TYPES = {"misc", "online", "electronic", "www"}


def _field_text(fields: Mapping[str, str], *names: str) -> Optional[str]:
    for n in names:
        v = fields.get(n)
        if v is not None:
            t = decode_latex(v)
            if t:
                return t
    return None


def _field_title(fields: Mapping[str, str], *names: str) -> Optional[str]:
    for n in names:
        v = fields.get(n)
        if v is not None:
            t = decode_title(v)
            if t:
                return t
    return None


_TILDE_RE = re.compile(r"\\textasciitilde\s*(?:\{\})?|\\~\{\}|\{\\~\{\}\}|\\~")


def _verbatim(fields: Mapping[str, str], name: str) -> Optional[str]:
    v = fields.get(name)
    if v is None:
        return None
    v = _unescape_verbatim(v)
    if name in ("url", "doi", "eprint"):
        # Exporters (Mendeley, JabRef) write ``{\~{}}``, ``\textasciitilde`` or ``{\_}`` in
        # URLs; a URL has no literal braces (they would be %7B %7D), so braces go.
        v = _TILDE_RE.sub("~", v).replace("{", "").replace("}", "")
        v = re.sub(r"\s+", "", v) if name != "eprint" else v.strip()
    return v or None


def _arxiv_id(fields: Mapping[str, str]) -> Optional[str]:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().strip("{}")
    eprint = _verbatim(fields, "eprint")
    if eprint and prefix.lower() == "arxiv":
        return re.sub(r"^arxiv:\s*", "", eprint, flags=re.I)
    for name in ("journal", "journaltitle", "howpublished", "note", "publisher"):
        v = fields.get(name)
        if v:
            m = _ARXIV_IN_TEXT_RE.search(decode_latex(v))
            if m:
                return m.group(1)
    for name in ("url", "eprint"):
        v = fields.get(name)
        if v:
            m = _ARXIV_URL_RE.search(v)
            if m:
                return m.group(1)
    doi = fields.get("doi")
    if doi:  # arXiv's own export: doi = {10.48550/ARXIV.1906.01820}
        m = re.search(r"10\.48550/arxiv\.(\S+)$", _unescape_verbatim(doi), re.I)
        if m:
            return m.group(1)
    return None


def _clean_doi(v: str) -> str:
    return _DOI_PREFIX_RE.sub("", v.strip()).strip()


def source_to_csl(source: Source, problems: Optional[Problems] = None) -> dict:
    """The CSL-JSON item for a :class:`Source`.

    Types: article → article-journal; inproceedings/conference → paper-conference;
    book → book; incollection/inbook → chapter; techreport/report → report;
    phdthesis/mastersthesis/thesis → thesis (genre "PhD thesis" / "Master's thesis");
    misc/online/electronic/www → webpage if it has a URL, else document;
    unpublished → manuscript; other biblatex types as in ``_TYPE_MAP``; unknown → document
    (webpage with a URL).

    arXiv: an entry is an arXiv preprint when it has an arXiv id (``eprint`` with
    ``archivePrefix``/``eprinttype`` = arXiv, or "arXiv:ID" in journal/howpublished/note,
    or an arxiv.org/abs URL) and is not published elsewhere, i.e. it is a
    misc/online/unpublished/techreport/article entry whose journal is missing or starts with
    "arXiv". Such an entry becomes type ``article`` with publisher "arXiv", number
    "arXiv:ID", DOI 10.48550/arXiv.ID (version suffix dropped; an explicit doi wins), URL
    https://arxiv.org/abs/ID unless a url is given, and no container-title. An entry
    published in a real venue keeps its type and venue; its DOI is only ever the explicit
    one (the arXiv DOI names the preprint, not the published version); if it has neither
    url nor doi, the arXiv abstract page is used as URL.

    With ``problems``, doubtful values (a year that is not a number, an unknown month)
    are reported as warnings.
    """
    f = source.fields
    btype = source.type.lower()

    def warn(fname: str, message: str) -> None:
        if problems is not None:
            line = source.field_lines.get(fname, source.line)
            problems.warning(source.path, line, 0, f"entry '{source.key}': {message}")

    item: dict = {"id": source.key}
    url = _verbatim(f, "url")
    howpublished = f.get("howpublished")
    if not url and howpublished:
        hp = _unescape_verbatim(howpublished)
        if _URL_LIKE_RE.match(hp):
            url = hp
    doi = _verbatim(f, "doi")
    if doi:
        doi = _clean_doi(doi)

    arxiv = _arxiv_id(f)
    journal_txt = _field_text(f, "journal", "journaltitle") or ""
    preprint = bool(arxiv) and (
        btype in _WEB_TYPES | {"unpublished", "techreport", "report"}
        or (btype == "article" and (not journal_txt or journal_txt.lower().startswith("arxiv")
                                    or journal_txt.lower() == "corr"))  # DBLP: journal = CoRR
    )

    if preprint:
        ctype = "article"
    elif btype in _WEB_TYPES:
        ctype = "webpage" if url else "document"
    else:
        ctype = _TYPE_MAP.get(btype) or ("webpage" if url else "document")
    item["type"] = ctype

    title = _field_title(f, "title")
    if title:
        item["title"] = title
    short = _field_title(f, "shorttitle")
    if short:
        item["title-short"] = short

    for fname, cname in (("author", "author"), ("editor", "editor"),
                         ("translator", "translator")):
        if fname in f:
            names = parse_names(f[fname])
            if names:
                item[cname] = names

    issued, status = _issued(f, warn if problems is not None else None)
    pubstate = _field_text(f, "pubstate")
    if pubstate:
        status = {"inpress": "in press", "prepublished": "preprint"}.get(pubstate.lower(),
                                                                         pubstate)
    if issued:
        item["issued"] = issued
    if status:
        item["status"] = status
    if "urldate" in f:
        acc = parse_bib_date(decode_latex(f["urldate"]))
        if acc:
            item["accessed"] = acc
        else:
            warn("urldate", f"urldate '{f['urldate']}' is not an ISO 8601 date (YYYY-MM-DD);"
                            " it is ignored")

    # Container, publisher, numbers
    if preprint:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{arxiv}"
        if not doi:
            doi = "10.48550/arXiv." + re.sub(r"v\d+$", "", arxiv)
        if not url:
            url = f"https://arxiv.org/abs/{arxiv}"
    else:
        container = None
        container_from = None
        if ctype in ("article-journal", "periodical"):
            container = _field_title(f, "journal", "journaltitle")
        elif ctype in ("paper-conference", "chapter", "entry-encyclopedia"):
            container = _field_title(f, "booktitle")
        elif ctype == "webpage":
            for name in ("organization", "howpublished", "journal", "publisher"):
                v = f.get(name)
                if v and not _URL_LIKE_RE.match(_unescape_verbatim(v)) and "\\url" not in v:
                    container = decode_title(v)
                    container_from = name
                    break
        if container:
            item["container-title"] = container
        if ctype in ("report",):
            pub = _field_text(f, "institution", "publisher", "organization")
        elif ctype == "thesis":
            pub = _field_text(f, "school", "institution", "publisher")
        elif ctype == "webpage":
            pub = _field_text(f, "publisher") if container_from != "publisher" else None
        elif ctype == "paper-conference":
            pub = _field_text(f, "publisher", "organization")
        elif ctype in ("document", "pamphlet"):
            pub = _field_text(f, "publisher", "organization")
            hp = f.get("howpublished")
            if not pub and hp and not _URL_LIKE_RE.match(_unescape_verbatim(hp)) \
                    and "\\url" not in hp:
                pub = decode_latex(hp)
        else:
            pub = _field_text(f, "publisher")
        if pub:
            item["publisher"] = pub
        if arxiv and not url and not doi:
            url = f"https://arxiv.org/abs/{arxiv}"
        number = _field_text(f, "number")
        if number:
            if ctype in ("article-journal",):
                item["issue"] = number
            else:
                item["number"] = number
        if "issue" in f and "issue" not in item:
            item["issue"] = decode_latex(f["issue"])

    place = _field_text(f, "address", "location")
    if place:
        item["publisher-place"] = place
    if ctype == "paper-conference":
        event = _field_title(f, "eventtitle")
        if event:
            item["event"] = event
        venue = _field_text(f, "venue")
        if venue:
            item["event-place"] = venue
    if ctype == "thesis":
        if btype == "phdthesis":
            item["genre"] = "PhD thesis"
        elif btype == "mastersthesis":
            item["genre"] = "Master's thesis"
        t = _field_text(f, "type")
        if t:
            low = t.lower()
            item["genre"] = {"phdthesis": "PhD thesis", "mathesis": "Master's thesis",
                             "mastersthesis": "Master's thesis"}.get(low, t)
    elif ctype in ("report", "manuscript", "document", "webpage"):
        t = _field_text(f, "type")
        if t:
            item["genre"] = t

    if preprint and re.match(r"(?i)abs/", f.get("volume", "")):
        f = {k: v for k, v in f.items() if k != "volume"}  # DBLP: volume = {abs/1906.01820}
    for fname, cname in (("volume", "volume"), ("edition", "edition"),
                         ("series", "collection-title"), ("chapter", "chapter-number"),
                         ("note", "note"), ("language", "language"), ("isbn", "ISBN"),
                         ("issn", "ISSN")):
        if fname in f and cname not in item:
            v = _verbatim(f, fname) if fname in VERBATIM_FIELDS else (
                decode_title(f[fname]) if cname == "collection-title" else decode_latex(f[fname]))
            if v:
                item[cname] = v
    if "pages" in f:
        pages = decode_latex(f["pages"].replace("--", "-"))
        pages = re.sub(r"\s*[-\u2013\u2014]+\s*", "\u2013", pages)
        if pages:
            item["page"] = pages
    if doi:
        item["DOI"] = doi
    if url:
        item["URL"] = url
    return item


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


class _ValueError(Exception):
    pass


_MACRO_RE = re.compile(r"[^\s#,={}\"()]+")

#: The longest field or @string value, after ``#`` concatenation and macro expansion, unless
#: it is written out that long (the file size limit bounds those). Without
#: it, ten lines of ``@string{s2 = s1 # s1 # ...}`` expand to gigabytes ("billion laughs").
MAX_VALUE_CHARS = 100_000


def _parse_value(raw: str, strings: Mapping[str, str]) -> tuple[str, list[str]]:
    """Resolve a raw field value (``{..}``, ``".."``, number, macro, ``#`` concatenation).

    Returns the value and the list of undefined macros. Raises _ValueError if malformed.
    """
    out = []
    undefined = []
    i = 0
    n = len(raw)
    total = 0
    expect_part = True
    while True:
        while i < n and raw[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        c = raw[i]
        if not expect_part:
            if c != "#":
                raise _ValueError(f"unexpected '{raw[i:i + 20]}' after a value "
                                  "(missing ',' or '#'?)")
            i += 1
            expect_part = True
            continue
        if c == "{":
            end = _matching_brace(raw, i)
            if end < 0:
                raise _ValueError("unbalanced braces in value")
            out.append(raw[i + 1:end])
            i = end + 1
        elif c == '"':
            depth = 0
            j = i + 1
            while j < n:
                ch = raw[j]
                if ch == "\\":
                    j += 2
                    continue
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                elif ch == '"' and depth == 0:
                    break
                j += 1
            if j >= n:
                raise _ValueError('unterminated quoted value (missing \'"\')')
            out.append(raw[i + 1:j])
            i = j + 1
        else:
            m = _MACRO_RE.match(raw, i)
            if not m:
                raise _ValueError(f"unexpected '{c}' in value")
            word = m.group(0)
            if word.isdigit():
                out.append(word)
            elif word.lower() in strings:
                out.append(strings[word.lower()])
            elif word.lower() in _MONTHS:
                out.append(word.lower())
            else:
                undefined.append(word)
                out.append(word)
            i = m.end()
        expect_part = False
        total += len(out[-1])
        if total > MAX_VALUE_CHARS and total > n:  # longer than written: expanded macros
            raise _ValueError(f"the value is over {MAX_VALUE_CHARS:,} characters once @string "
                              "macros and '#' are expanded; shorten it")
    if expect_part and out:
        raise _ValueError("value ends with '#'")
    return "".join(out), undefined


def _brace_report(raw: str, base_line: int) -> Optional[str]:
    """Find where braces go wrong in a block's raw text, as a sentence, or None."""
    stack: list[int] = []
    suspicious: Optional[int] = None
    i = 0
    n = len(raw)
    in_entry_body = False
    while i < n:
        c = raw[i]
        if c == "\\":
            i += 2
            continue
        if c == "{" or (c == "(" and not in_entry_body and not stack):
            if c == "(":
                in_entry_body = True
            stack.append(i)
        elif c == "}":
            if stack:
                stack.pop()
            else:
                line = base_line + raw.count("\n", 0, i)
                return f"'}}' on line {line} has no matching '{{'"
        elif c == "\n" and len(stack) >= 2 and suspicious is None:
            nxt = raw[i + 1:raw.find("\n", i + 1) if raw.find("\n", i + 1) >= 0 else n]
            if re.match(r"\s*[A-Za-z][\w:.+-]*\s*=", nxt):
                suspicious = stack[-1]
        i += 1
    target = suspicious if suspicious is not None else (stack[-1] if stack else None)
    if target is None:
        return None
    line = base_line + raw.count("\n", 0, target)
    col = target - (raw.rfind("\n", 0, target) + 1) + 1
    if target == (stack[0] if stack else -1) and suspicious is None:
        return (f"the entry's opening '{raw[target]}' on line {line}, column {col} "
                "is never closed")
    return f"the '{{' opened on line {line}, column {col} is never closed"


_BLOCK_KEY_RE = re.compile(r"@\s*([A-Za-z]\w*)\s*[{(]\s*([^,\s{}()=]*)")
_STRAY_AT_RE = re.compile(r"(?m)^[ \t]*@[ \t]*([A-Za-z]\w*)\b(?![ \t]*[{(])")


def load_bib_string(text: str, path: str) -> tuple[list[Source], Problems]:
    """Parse BibTeX text. Returns the entries in file order and the problems found.

    See :func:`_load_text` for what is reported; ``crossref`` parents are looked up in the
    same text.
    """
    sources, problems = _load_text(text, path)
    _resolve_crossrefs({s.key: s for s in sources}, sources, problems)
    return sources, problems


def _load_text(text: str, path: str) -> tuple[list[Source], Problems]:
    """Parse BibTeX text (without resolving ``crossref``).

    Errors: malformed blocks (reported at the 1-based line of the block's ``@``, saying
    where braces go wrong), duplicate keys (the later entry is dropped), duplicate fields
    (the first value is kept, as BibTeX does), keys not matching :data:`KEY_RE`, entries
    without ``title``, malformed values, text that looks like an entry but is not one.
    Warnings: unknown entry types, undefined ``@string`` macros, keys differing only in
    case, dates that cannot be used.
    """
    import bibtexparser
    from bibtexparser import model

    problems = Problems()
    path = str(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    # bibtexparser logs every syntax error; we report them ourselves.
    loggers = [logging.getLogger(n) for n in ("bibtexparser", "bibtexparser.splitter")]
    old_disabled = [lg.disabled for lg in loggers]
    for lg in loggers:
        lg.disabled = True
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    except Exception as exc:  # a bug in bibtexparser on hostile input: report, never crash
        problems.error(path, 0, 0, f"BibTeX could not be parsed: {exc}")
        return [], problems
    finally:
        for lg, old in zip(loggers, old_disabled):
            lg.disabled = old

    strings: dict[str, str] = {}
    broken_strings: set[str] = set()  # @string values that had an error
    # Macro expansion may at most double a file (plus a little): many entries that each
    # expand a long @string would otherwise cost minutes to decode.
    budget = [len(text) + MAX_VALUE_CHARS * 10, False]

    def over_budget(raw: str, value: str, line: int, what: str) -> bool:
        budget[0] -= max(0, len(value) - len(raw))
        if budget[0] >= 0:
            return False
        if not budget[1]:
            budget[1] = True
            problems.error(path, line, 0, f"{what}: @string macros in this file expand to more "
                           "text than the file itself; this and later expanded values are "
                           "ignored (write the text out, or use fewer and shorter macros)")
        return True
    sources: list[Source] = []
    seen: dict[str, Source] = {}
    seen_lower: dict[str, Source] = {}
    prev_entry: Optional[tuple[str, int]] = None

    for block in library.blocks:
        # bibtexparser wraps duplicates in error blocks; we do our own checks on the real block.
        if isinstance(block, model.DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
            block = block.ignore_error_block
        if isinstance(block, model.DuplicateFieldKeyBlock) and block.ignore_error_block is not None:
            block = block.ignore_error_block
        line = (block.start_line + 1) if isinstance(block.start_line, int) else 0

        if isinstance(block, model.ImplicitComment):
            _check_implicit_comment(block, prev_entry, path, problems)
            prev_entry = None
            continue
        prev_entry = None
        if isinstance(block, (model.ExplicitComment, model.Preamble)):
            continue
        if isinstance(block, model.String):
            name = (block.key or "").strip()
            try:
                value, undefined = _parse_value(block.value or "", strings)
            except _ValueError as exc:
                problems.error(path, line, 0, f"@string '{name}': {exc}")
                broken_strings.add(name.lower())
                continue
            if over_budget(block.value or "", value, line, f"@string '{name}'"):
                broken_strings.add(name.lower())
                continue
            for u in dict.fromkeys(undefined):
                if u.lower() not in broken_strings:  # already reported as an error
                    problems.warning(path, line, 0, f"@string '{name}': undefined macro '{u}'")
            strings[name.lower()] = value
            continue
        if isinstance(block, model.ParsingFailedBlock):
            problems.error(path, line, 0, _failed_block_message(block, line))
            continue
        if not isinstance(block, model.Entry):
            continue

        key = (block.key or "").strip()
        etype = (block.entry_type or "").strip().lower()
        if not key:
            problems.error(path, line, 0, f"@{etype} entry without a key; it is ignored")
            continue
        if key in seen:
            first = seen[key]
            problems.error(path, line, 0,
                           f"duplicate BibTeX key '{key}': already defined at "
                           f"{first.path}:{first.line}")
            prev_entry = (key, line)
            continue
        if not KEY_RE.match(key):
            problems.error(path, line, 0,
                           f"BibTeX key '{key}' may only contain letters, digits and _:.+/-")
        if etype not in KNOWN_ENTRY_TYPES:
            problems.warning(path, line, 0, f"entry '{key}': unknown entry type '@{etype}'")
        fields: dict[str, str] = {}
        field_lines: dict[str, int] = {}
        for fld in block.fields:
            fname = (fld.key or "").strip().lower()
            fline = (fld.start_line + 1) if isinstance(fld.start_line, int) else line
            if not fname:
                problems.error(path, fline, 0, f"entry '{key}': a field has no name")
                continue
            if fname in fields or fname in field_lines:
                problems.error(path, fline, 0,
                               f"entry '{key}': duplicate field '{fname}' (first on line "
                               f"{field_lines[fname]}); the first value is used")
                continue
            field_lines[fname] = fline
            raw_value = fld.value if isinstance(fld.value, str) else str(fld.value)
            try:
                value, undefined = _parse_value(raw_value, strings)
            except _ValueError as exc:
                problems.error(path, fline, 0, f"entry '{key}': field '{fname}': {exc}")
                continue
            if over_budget(raw_value, value, fline, f"entry '{key}': field '{fname}'"):
                continue
            for u in dict.fromkeys(u for u in undefined if u.lower() not in broken_strings):
                problems.warning(path, fline, 0,
                                 f"entry '{key}': field '{fname}': undefined macro '{u}' "
                                 "(put the value in braces, or define it with @string)")
            fields[fname] = value
        if not decode_latex(fields.get("title", "")):
            problems.error(path, line, 0, f"entry '{key}' has no title")
        source = Source(key=key, type=etype, fields=fields, path=path, line=line,
                        field_lines={k: v for k, v in field_lines.items() if k in fields})
        low = key.lower()
        if low in seen_lower:
            other = seen_lower[low]
            problems.warning(path, line, 0,
                             f"BibTeX key '{key}' differs only in case from '{other.key}' at "
                             f"{other.path}:{other.line} (BibTeX does not tell them apart)")
        seen[key] = source
        seen_lower.setdefault(low, source)
        sources.append(source)
        prev_entry = (key, line)
        # Converted now to report doubtful dates; kept for Source.csl().
        object.__setattr__(source, "_csl_cache", source_to_csl(source, problems))
    return sources, problems


#: Entry types that take a parent's ``title`` as their ``booktitle`` (biblatex's rule).
_BOOKTITLE_CHILDREN = {"inproceedings", "conference", "incollection", "inbook", "bookinbook",
                       "suppbook", "suppcollection", "inreference"}


def _resolve_crossrefs(by_key: Mapping[str, Source], sources: Iterable[Source],
                       problems: Problems) -> None:
    """Give entries with ``crossref`` (DBLP's style) the fields of their parent.

    ``Source.fields`` stays as written; the inherited fields only go into ``Source.csl()``.
    A field of the child wins; the parent's ``title`` becomes the child's ``booktitle``
    for in-book types; a missing parent is a warning. Keys are matched case-insensitively,
    as BibTeX does.
    """
    lower = {k.lower(): v for k, v in reversed(list(by_key.items()))}
    for src in sources:
        ref = src.fields.get("crossref")
        if ref is None:
            continue
        parent = by_key.get(ref.strip()) or lower.get(ref.strip().lower())
        if parent is None or parent is src:
            problems.warning(src.path, src.field_lines.get("crossref", src.line), 0,
                             f"entry '{src.key}': crossref '{ref}' is not defined")
            continue
        merged = dict(parent.fields)
        merged.pop("crossref", None)
        for k in ("ids", "key"):
            merged.pop(k, None)
        if src.type in _BOOKTITLE_CHILDREN and "title" in parent.fields:
            merged.setdefault("booktitle", parent.fields["title"])
            merged.pop("title", None)
        merged.update(src.fields)
        child = Source(key=src.key, type=src.type, fields=merged, path=src.path,
                       line=src.line, field_lines=src.field_lines)
        object.__setattr__(src, "_csl_cache", source_to_csl(child))


def _failed_block_message(block, line: int) -> str:
    raw = block.raw or ""
    m = _BLOCK_KEY_RE.match(raw.lstrip())
    kind = "entry"
    what = "block"
    if m:
        if m.group(1).lower() in ("comment", "string", "preamble"):
            kind = "block"
            what = f"@{m.group(1).lower()} block"
        elif m.group(2):
            what = f"entry '{m.group(2)}'"
        else:
            what = f"@{m.group(1).lower()} entry"
    detail = _brace_report(raw, line)
    if detail:
        return f"unbalanced braces in {what}: {detail}; the {kind} is ignored"
    err = getattr(block, "error", None)
    reason = getattr(err, "abort_reason", None) or str(err or "")
    return f"malformed {what}: {_tidy_reason(reason)}; the {kind} is ignored"


def _tidy_reason(reason: str) -> str:
    reason = " ".join(reason.replace("`", "'").split()).rstrip(".")
    low = reason.lower()
    if "end of file" in low:
        return "the file ends before it is closed"
    m = re.search(r"unexpected block start: '(@\w*)'", low)
    if m:
        if "closing '\"'" in low:
            return f"a quoted value is not closed (missing '\"') before '{m.group(1)}'"
        return f"it is not closed before the next '{m.group(1)}'"
    return reason[:1].lower() + reason[1:] if reason else "syntax error"


def _check_implicit_comment(block, prev_entry, path: str, problems: Problems) -> None:
    """Text between entries is a comment to BibTeX; flag the kinds that mean a lost entry."""
    raw = block.raw or block.comment or ""
    base = (block.start_line or 0) + 1
    stripped = raw.lstrip()
    if prev_entry and (stripped.startswith(",") or re.match(r"[A-Za-z][\w-]*\s*=", stripped)):
        key, eline = prev_entry
        problems.error(path, base, 0,
                       f"entry '{key}' (line {eline}) was closed early by an extra '}}'; "
                       "the fields after it are ignored")
        return
    for m in _STRAY_AT_RE.finditer(raw):
        word = m.group(1).lower()
        if word in KNOWN_ENTRY_TYPES or word in ("string", "preamble", "comment"):
            line = base + raw.count("\n", 0, m.start())
            problems.error(path, line, 0,
                           f"'@{m.group(1)}' is not followed by '{{' or '('; "
                           "the text up to the next entry is ignored")
            return


def _display_path(p: Path, given: str, root: Optional[Path]) -> str:
    if root is not None:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return Path(given).as_posix()


def load_bib_files(paths: Iterable[Path | str], root: Path | str | None = None
                   ) -> tuple[dict[str, Source], Problems]:
    """Load BibTeX files; returns ``{key: Source}`` (in file order) and all problems.

    Relative paths are taken relative to ``root`` (when given); paths in messages are
    relative to ``root`` where possible. A key defined in two files is an error at the
    second place and the second entry is dropped. Files over :data:`MAX_BIB_BYTES` and files
    that are not UTF-8 are reported and not parsed.
    """
    problems = Problems()
    result: dict[str, Source] = {}
    lower: dict[str, Source] = {}
    root_p = Path(root) if root is not None else None
    for given in paths:
        given_s = str(given)
        p = Path(given)
        if root_p is not None and not p.is_absolute():
            p = root_p / p
        shown = _display_path(p, given_s, root_p)
        try:
            size = p.stat().st_size
        except OSError as exc:
            problems.error(shown, 0, 0, f"cannot read BibTeX file: {exc.strerror or exc}")
            continue
        if size > MAX_BIB_BYTES:
            problems.error(shown, 1, 1,
                           f"BibTeX file is {size:,} bytes, over the limit of "
                           f"{MAX_BIB_BYTES // (1024 * 1024)} MB; it is not read (split it "
                           "into several files in bib/)")
            continue
        try:
            data = p.read_bytes()
        except OSError as exc:
            problems.error(shown, 0, 0, f"cannot read BibTeX file: {exc.strerror or exc}")
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            problems.error(shown, line, col,
                           f"BibTeX file is not UTF-8 (byte 0x{data[exc.start]:02X} at offset "
                           f"{exc.start}); save it as UTF-8")
            continue
        sources, probs = _load_text(text, shown)
        problems.extend(probs)
        for s in sources:
            if s.key in result:
                first = result[s.key]
                problems.error(s.path, s.line, 0,
                               f"duplicate BibTeX key '{s.key}': already defined at "
                               f"{first.path}:{first.line}")
                continue
            low = s.key.lower()
            if low in lower and lower[low].path != s.path and lower[low].key != s.key:
                o = lower[low]
                problems.warning(s.path, s.line, 0,
                                 f"BibTeX key '{s.key}' differs only in case from '{o.key}' "
                                 f"at {o.path}:{o.line} (BibTeX does not tell them apart)")
            result[s.key] = s
            lower.setdefault(low, s)
    _resolve_crossrefs(result, list(result.values()), problems)
    return result, problems
