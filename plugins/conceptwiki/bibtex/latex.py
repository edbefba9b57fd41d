"""LaTeX in BibTeX values to Unicode text (and, for titles, to CSL-JSON rich text).

BibTeX fields are LaTeX: ``{\\"o}``, ``\\&``, ``--``, ``\\textit{x}``, brace-protected
case. :func:`decode_latex` turns a value into plain Unicode; :func:`decode_title` also keeps
brace-protected parts as ``<span class="nocase">`` (the citeproc-js convention);
:func:`unescape_verbatim` is the light touch for identifiers (url, doi, eprint, ...).

pylatexenc does the general case, with corrections for BibTeX (see :func:`_l2t`); it costs
some 10 µs per character, so common values take fast paths that the tests check against
the slow one (:func:`_decode_slow`). Hostile input never raises: values pylatexenc cannot
parse, or longer than :data:`MAX_LATEX_CHARS`, are decoded roughly. Nothing here imports
MkDocs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .scan import collapse_ws, matching_brace

if TYPE_CHECKING:  # imported lazily: pylatexenc takes ~0.1 s to import, and most values skip it
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexwalker import LatexNode
    from pylatexenc.macrospec import LatexContextDb

__all__ = ["decode_latex", "decode_title", "unescape_verbatim", "MAX_LATEX_CHARS",
           "NOCASE_OPEN", "NOCASE_CLOSE"]


@lru_cache(maxsize=1)
def _l2t() -> tuple[LatexNodes2Text, LatexContextDb]:
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

    def _arg(n: LatexNode, l2t: LatexNodes2Text, i: int) -> str:
        """The text of a macro's ``i``-th argument, or '' if it has none."""
        argd = getattr(n, "nodeargd", None)
        args = getattr(argd, "argnlist", None) or []
        if i < len(args) and args[i] is not None:
            text: str = l2t.nodelist_to_text([args[i]])
            return text
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
        end = matching_brace(value, m.end() - 1)
        if end < 0:
            break
        pieces.append(_decode_plain(value[pos:m.start()]))
        pieces.append(unescape_verbatim(value[m.end():end]))
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
    """Decode a value whose only LaTeX is braces, the simple escapes, dashes and ties."""
    return _FAST_TOKEN_RE.sub(lambda m: m.group(1) or _FAST_REPL[m.group(0)], value)


@lru_cache(maxsize=4096)
def _pylatexenc(value: str) -> str:
    conv, walker_db = _l2t()
    try:
        text: str = conv.latex_to_text(value, latex_context=walker_db, tolerant_parsing=True)
        return text
    except Exception:  # pylatexenc on hostile input (RecursionError, IndexError, ...)
        return _fallback_decode(value)


def _decode_slow(value: str) -> str:
    """Whole-value pylatexenc decoding, as :func:`_decode_plain` does for complex values
    (the reference the fast paths are tested against)."""
    return _pylatexenc(_BARE_SPECIAL_RE.sub(lambda m: m.group(1) + "\\" + m.group(2), value))


#: Longer values are decoded roughly (without pylatexenc), to keep hostile files fast.
MAX_LATEX_CHARS = 20000


def _decode_plain(value: str) -> str:
    """LaTeX to Unicode outside ``\\url{}``: the fast paths where they apply, else pylatexenc."""
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
    return collapse_ws(_decode_raw(value))


def unescape_verbatim(value: str) -> str:
    """For url/doi-like fields: only un-escape ``\\_ \\% \\# \\& \\~ \\$``; strip whitespace.

    A value wholly wrapped in ``\\url{...}`` or ``\\path{...}`` loses the wrapper. Public
    because :mod:`.csl` reads identifiers (url, doi, eprint, howpublished) with it.
    """
    value = _SIMPLE_UNESCAPE_RE.sub(r"\1", value.strip())
    m = re.fullmatch(r"\\(?:url|path)\s*\{(.*)\}", value, re.S)
    if m and matching_brace(value, value.index("{")) == len(value) - 1:
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
            end = matching_brace(value, i)
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
        return collapse_ws(text)
    out = []
    for protected, raw in pieces:
        text = _decode_raw(raw)
        if protected:
            text = collapse_ws(text)
            if text:
                out.append(NOCASE_OPEN + text + NOCASE_CLOSE)
        else:
            out.append(text)
    return collapse_ws("".join(out))


_NOCASE_MARK_OPEN = "\ue000"
_NOCASE_MARK_CLOSE = "\ue001"
_NOCASE_SPAN_RE = re.compile("\ue000([^\ue000\ue001]*)\ue001")


def _nocase_span(m: re.Match[str]) -> str:
    text = collapse_ws(m.group(1))
    return NOCASE_OPEN + text + NOCASE_CLOSE if text else ""

