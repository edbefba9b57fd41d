"""BibTeX name lists to CSL names.

BibTeX's rules: a list is split at ``and`` at brace depth 0; each name is "First von Last",
"von Last, First" or "von Last, Jr, First", where the von part runs from the first to the
last lower-case token (Last keeps at least one). A brace group's case is that of its
special character (``{\\"u}`` is lower, ``{\\AE}`` upper); letters without case count as
upper. CSL gets the von part as ``non-dropping-particle``, as citeproc-js does for BibTeX
names. A name wholly in braces is one unit, a ``literal``. Parts are LaTeX-decoded by
:mod:`.latex`. Kept apart from parsing and from the CSL mapping, as pybtex keeps its
``Person``. Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
from typing import Optional, TypedDict

from .latex import decode_latex
from .scan import matching_brace, split_depth0

__all__ = ["CslName", "OTHERS", "parse_names", "ends_in_others", "name_list_problems"]

#: A CSL-JSON name: a person's parts, or one ``literal`` (an organisation).
CslName = TypedDict("CslName", {
    "family": str,
    "given": str,
    "non-dropping-particle": str,
    "suffix": str,
    "literal": str,
}, total=False)

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
            end = matching_brace(token, i)
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
    return [t for t in split_depth0(part.strip(), re.compile(r"[ \t\n\r~]+")) if t]


def _wrapped_whole(text: str) -> bool:
    return text.startswith("{") and matching_brace(text, 0) == len(text) - 1


def _von_last(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split "von Last" tokens: von is the longest run ending in a lower-case token,
    but Last keeps at least one token."""
    last_lower = -1
    for i, t in enumerate(tokens[:-1]):
        if _token_case(t) == "l":
            last_lower = i
    return tokens[: last_lower + 1], tokens[last_lower + 1:]


#: The last name of a list that BibTeX ends in ``and others``: CSL-JSON has no field for "the
#: list goes on", so the list keeps this literal name. The citation engine renders it as the
#: style's "et al." (citations/compat/names.py); the exports write it back as ``and others``
#: (BibTeX) and ``et al.`` (RIS); a CSL processor that does not know it prints "et al." as a
#: name. Not ``{"literal": "others"}``: that is a real name (BibTeX's braced ``{others}``).
OTHERS: CslName = {"literal": "et al."}


def ends_in_others(names: object) -> bool:
    """Whether a CSL name list ends in :data:`OTHERS` after at least one real name."""
    return (isinstance(names, list) and len(names) >= 2 and isinstance(names[-1], dict)
            and names[-1] == OTHERS)


def _parse_one_name(raw: str) -> Optional[CslName]:
    raw = raw.strip().strip(",").strip()
    if not raw:
        return None
    if raw.lower() == "others":  # unbraced: BibTeX's "and more"
        return OTHERS.copy()
    if _wrapped_whole(raw):  # {OpenAI}, {\'Ecole Polytechnique}: one unit, as in BibTeX
        literal = decode_latex(raw[1:-1])
        return {"literal": literal} if literal else None
    parts = [p.strip() for p in split_depth0(raw, re.compile(r","))]
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
    name: CslName = {}
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


def parse_names(value: str) -> list[CslName]:
    """A BibTeX name list to CSL name dicts.

    Names are split at ``and`` (any case, surrounded by whitespace) at brace depth 0.
    A name wholly in braces (``{OpenAI}``, ``{Future of Humanity Institute}``) is a
    ``literal``. Otherwise BibTeX's rules apply to "First von Last", "von Last, First" and
    "von Last, Jr, First": the von part (lower-case words) becomes
    ``non-dropping-particle``, as citeproc-js does for BibTeX names. A final ``others``
    becomes :data:`OTHERS` (the list is incomplete: "et al."); elsewhere it is dropped.
    A single word ("Plato") is a family name. All parts are LaTeX-decoded.
    """
    if not value or not value.strip():
        return []
    names = []
    for raw in split_depth0(value.strip(), _AND_RE):
        name = _parse_one_name(raw)
        if name:
            names.append(name)
    # "others" means "and more": only as the last of at least two names (BibTeX's own
    # styles print "et al." for it wherever it is, but only a final one makes sense)
    real = [n for n in names if n != OTHERS]
    if real and names[-1] == OTHERS:
        real.append(OTHERS.copy())
    return real


_BLANK_NAME_RE = re.compile(r"[\s,{}]*")
_EDGE_AND_RE = re.compile(r"^and(?:[ \t\n\r]|$)|[ \t\n\r]and$", re.I)


def name_list_problems(value: str) -> list[str]:
    """What is wrong with a name list that BibTeX reads without complaint but not as meant,
    each as a sentence that says how to fix it: an ``and`` at either end or two in a row (an
    empty name: BibTeX makes "and" part of a name, so ``{and Doe, J}`` printed "and Doe"),
    a name with more than two commas (BibTeX's "too many commas"), and a list with no name
    at all (``{}``, ``{, ,}``), which a reference then shows without authors."""
    text = value.strip()
    if not text:
        return []
    out: list[str] = []
    parts = split_depth0(text, _AND_RE)
    if any(_EDGE_AND_RE.search(p.strip()) for p in (parts[0], parts[-1])) or \
            any(_BLANK_NAME_RE.fullmatch(p) for p in parts):
        out.append("a name is empty (an 'and' at the start or the end, 'and and', or only commas); "
                   "remove it")
    for raw in parts:
        commas = len(split_depth0(raw, re.compile(r","))) - 1
        if commas > 2 and not _BLANK_NAME_RE.fullmatch(raw):
            out.append(f"name '{raw.strip()}' has {commas} commas; write 'Family, Given' or "
                       "'Family, Jr, Given', and separate names with 'and'")
    if not out and not parse_names(text):
        out.append("no name in it; write the names ('Family, Given and Family, Given'), or "
                   "remove the field")
    return out
