"""Brace-aware scanning of BibTeX values, shared by the parser, the LaTeX decoder and names.

BibTeX gives braces meaning at every stage: they delimit values (:mod:`.parse`), protect
case and mark special characters (:mod:`.latex`), and hide ``and``, commas and spaces from
the name splitter (:mod:`.names`). All three count braces the same way, so the counting lives
here once. A backslash escapes the next character (``\\{`` and ``\\}`` are not counted),
as bibtexparser's splitter does. Nothing here imports MkDocs or a BibTeX library.
"""

from __future__ import annotations

import re

__all__ = ["matching_brace", "split_depth0", "collapse_ws", "declared_keys"]


def matching_brace(text: str, start: int) -> int:
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


def split_depth0(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split ``text`` at matches of ``pattern`` that lie at brace depth 0."""
    parts: list[str] = []
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


def collapse_ws(text: str) -> str:
    """Runs of ASCII whitespace become one space and the ends are stripped.

    A no-break space (what ``~`` decodes to) inside the text is not whitespace here.
    """
    return _WS_RE.sub(" ", text).strip()


_DECLARED_RE = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]\w*)[ \t]*[{(][ \t]*([^,\s{}()=\"#%']+)[ \t]*,",
                          re.M)


def declared_keys(text: str) -> dict[str, int]:
    """The keys written as ``@type{key,`` at the start of a line, with their 1-based lines,
    whether or not the entry parses. A citation of a key whose entry is broken (an
    unbalanced brace, say) is then told to fix that entry, not offered a different work
    whose key happens to look alike."""
    out: dict[str, int] = {}
    for m in _DECLARED_RE.finditer(text):
        if m.group(1).lower() not in ("string", "comment", "preamble"):
            out.setdefault(m.group(2), text.count("\n", 0, m.start()) + 1)
    return out
