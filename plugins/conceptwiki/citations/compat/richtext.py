"""Rich text while rendering: formatting as marker characters, and seams that merge.

Rich text is rendered the citeproc-js way: while rendering, formatting is
carried as private-use marker characters and turned into output only at the
end (:func:`conceptwiki.citations.compat.output.finalize`). A marker opens a
decoration (``font-style: italic``, ``quotes``, ``display: block``, ...) and
:data:`CLOSE` closes the innermost one, so formatting survives citeproc-py's
string concatenation and text-case changes, and HTML is written (and data
escaped) only once, at the end.

Punctuation meeting at the seam of two rendered pieces merges as citeproc-js
``CSL.Output.Queue.adjust`` does (its ``LtoR_MAP``): ``?`` + ``.`` gives
``?``, ``.`` + ``.`` gives ``.``, and two spaces give one. :class:`RichString`
is the string every element renders, whose ``+`` does this.
"""
from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Iterable

from citeproc.string import String

__all__ = [
    "CLOSE",
    "DECORATIONS",
    "DECORATION_OF",
    "FORMATTER",
    "LTOR",
    "NOCASE_OPEN",
    "OPEN",
    "PUNCTUATION",
    "RichString",
    "decorate",
    "is_marker",
    "join_rich",
    "merge_seam",
    "strip_markers",
]

#: Every decoration a marker can open: (CSS-like attribute, value).
DECORATIONS: list[tuple[str, str]] = [
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
#: The marker character that opens each decoration (U+E000 onwards).
OPEN: dict[tuple[str, str], str] = {d: chr(0xE000 + i) for i, d in enumerate(DECORATIONS)}
#: The decoration an opening marker stands for.
DECORATION_OF: dict[str, tuple[str, str]] = {v: k for k, v in OPEN.items()}
#: The marker that closes the innermost open decoration.
CLOSE = "\ue0ff"
#: Opens a span that text-case leaves alone (``<span class="nocase">`` in data).
NOCASE_OPEN = OPEN[("nocase", "")]
_MARKER_RE = re.compile("[\ue000-\ue0ff]")


def is_marker(ch: str) -> bool:
    """Whether ``ch`` is a marker character (opening or closing)."""
    return "\ue000" <= ch <= "\ue0ff"


def decorate(text: str | None, attr: str, value: str) -> RichString | str | None:
    """``text`` wrapped in the markers of one decoration (empty text stays as it is)."""
    if text is None or str(text) == "":
        return text
    return RichString(OPEN[(attr, value)] + str(text) + CLOSE)


def strip_markers(text: str) -> str:
    """``text`` without its formatting (what comparisons and sort keys look at)."""
    return _MARKER_RE.sub("", str(text))


# ---------------------------------------------------------------------------
# Punctuation at seams (citeproc-js CSL.Output.Queue.adjust, LtoR_MAP)
# ---------------------------------------------------------------------------
#: What punctuation on the left of a seam and punctuation on its right become.
LTOR: dict[str, dict[str, str]] = {
    "!": {".": "!", "?": "!?", ":": "!", ",": "!,", ";": "!;"},
    "?": {"!": "?!", ".": "?", ":": "?", ",": "?,", ";": "?;"},
    ".": {"!": ".!", "?": ".?", ":": ".:", ",": ".,", ";": ".;"},
    ":": {"!": "!", "?": "?", ".": ":", ",": ":,", ";": ":;"},
    ",": {"!": ",!", "?": ",?", ":": ",:", ".": ",.", ";": ",;"},
    ";": {"!": "!", "?": "?", ":": ";", ",": ";,", ".": ";"},
}
#: The punctuation that merges at seams.
PUNCTUATION = set(LTOR)


def merge_seam(left: str, right: str) -> str:
    """Concatenate two rendered pieces, merging punctuation and spaces that
    meet at the seam (markers in between are looked through)."""
    if not left:
        return right
    if not right:
        return left
    i = len(left) - 1
    while i >= 0 and is_marker(left[i]):
        i -= 1
    j = 0
    n = len(right)
    while j < n and is_marker(right[j]):
        j += 1
    if i < 0 or j >= n:
        return left + right
    a, b = left[i], right[j]
    if a == " " and b == " ":
        return left + right[:j] + right[j + 1 :]
    if a in PUNCTUATION and b in PUNCTUATION:
        if a == b:
            return left + right[:j] + right[j + 1 :]
        merged = LTOR[a][b]
        if len(merged) == 1:
            return left[:i] + merged + left[i + 1 :] + right[:j] + right[j + 1 :]
    return left + right


class RichString(String):
    """A citeproc-py String whose concatenation merges seams like citeproc-js."""

    def __add__(self, other: object) -> RichString:
        if other is None:
            return self
        return RichString(merge_seam(str(self), str(other)))

    def __radd__(self, other: object) -> RichString:
        if other is None:
            return self
        return RichString(merge_seam(str(other), str(self)))

    def __iadd__(self, other: object) -> RichString:
        return self.__add__(other)


def join_rich(items: Iterable[object], delimiter: str | None = "") -> RichString | None:
    """The non-empty ``items`` joined with ``delimiter``, seams merged; None if all are empty."""
    out: RichString | None = None
    for item in items:
        if item is None:
            continue
        item = str(item)
        if item == "":
            continue
        if out is None:
            out = RichString(item)
        else:
            out = out + str(delimiter) + item if delimiter else out + item
    return out


#: What citeproc-py calls for formatting (the style's ``formatter``): here it adds markers.
FORMATTER = SimpleNamespace(
    preformat=lambda text: text,
    Italic=lambda t: decorate(t, "font-style", "italic"),
    Oblique=lambda t: decorate(t, "font-style", "oblique"),
    Bold=lambda t: decorate(t, "font-weight", "bold"),
    Light=lambda t: t,
    Underline=lambda t: decorate(t, "text-decoration", "underline"),
    Superscript=lambda t: decorate(t, "vertical-align", "sup"),
    Subscript=lambda t: decorate(t, "vertical-align", "sub"),
    SmallCaps=lambda t: decorate(t, "font-variant", "small-caps"),
)
