"""Output: marker strings become citeproc-js "text" or "html" (:func:`finalize`).

This is where the markers of :mod:`.richtext` are resolved, once per rendered
entry or citation:

* HTML has ``&``, ``<``, ``>`` in data escaped as ``&#38;``, ``&#60;``,
  ``&#62;`` (citeproc-py escapes nothing), and formatting only as the tags
  citeproc-js emits (``<i>``, ``<b>``, ``<span style=...>``, ``<sup>``,
  ``<sub>``); "text" output drops the formatting.
* Quotes alternate when nested (outer/inner locale quote terms), for
  ``quotes="true"`` and for straight quotes in the data (citeproc-js
  ``CSL.Util.FlipFlopper``); markup in data (``<i>`` inside an italic title)
  flips to normal; "normal" decorations with nothing to undo are dropped.
* Punctuation-in-quote from the locale: ``.`` and ``,`` after a closing quote
  move inside it (en-US).
* ``display`` produces citeproc-js's ``csl-block`` / ``csl-left-margin`` /
  ``csl-right-inline`` / ``csl-indent`` output (IEEE, Nature, ...), with the
  same whitespace around the divs as citeproc-js (CSL.Output.Formats
  ``@display/...``).
"""
from __future__ import annotations

import re

from .richtext import CLOSE, DECORATION_OF, LTOR, PUNCTUATION, is_marker

__all__ = ["DEFAULT_QUOTES", "finalize"]

#: Open, close, open-inner and close-inner quotes (the en-US locale terms).
DEFAULT_QUOTES = ("\u201c", "\u201d", "\u2018", "\u2019")

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
    # citeproc-js writes vertical-align="baseline" inside sup/sub so (sic: a bare
    # "baseline" style); the test suite's decorations_Baseline expects it
    ("vertical-align", "baseline"): ('<span style="baseline">', "</span>"),
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

#: A decoration as resolved: (attribute, value); a value of None renders nothing.
_Resolved = tuple[str | None, str | None]


class _Token:
    """A piece of a marker string: ``"t"`` text, ``"o"`` an opening marker or ``"c"`` a
    closing one, with the decoration it opens or closes."""

    __slots__ = ("kind", "text", "decoration")

    def __init__(self, kind: str, text: str = "", decoration: _Resolved = (None, None)):
        self.kind = kind
        self.text = text
        self.decoration = decoration


def _html_escape(text: str) -> str:
    text = text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    return re.sub(r"\s\s", "\u00a0 ", text)


def _tokens(s: str) -> list[_Token]:
    tokens = []
    buf: list[str] = []
    for ch in s:
        if is_marker(ch):
            if buf:
                tokens.append(_Token("t", "".join(buf)))
                buf = []
            tokens.append(_Token("c") if ch == CLOSE else _Token("o", decoration=DECORATION_OF[ch]))
        else:
            buf.append(ch)
    if buf:
        tokens.append(_Token("t", "".join(buf)))
    return tokens


def _resolve(tokens: list[_Token]) -> list[_Token]:
    """What each open marker renders as, and which close ends what."""
    stack: list[_Resolved] = []
    sizes: list[int] = []  # how many stack entries each open marker pushed
    resolved = []
    for tok in tokens:
        kind = tok.kind
        if kind == "o":
            attr, value = tok.decoration
            assert attr is not None and value is not None
            if attr == "nodecor":
                # <span class="nodecor"> in the data undoes the enclosing italics, small
                # caps and bold (citeproc-js: font-style/-variant/-weight "normal" spans)
                undo = [(a, "normal") for a in ("font-style", "font-variant", "font-weight")
                        if next((v for aa, v in reversed(stack) if aa == a), None) not in (None, "normal")]
                for normal in undo:
                    stack.append(normal)
                    resolved.append(_Token("o", decoration=normal))
                sizes.append(len(undo))
                continue
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
            sizes.append(1)
            resolved.append(_Token("o", decoration=(attr, value)))
        elif kind == "c":
            for _ in range(sizes.pop() if sizes else 1):
                d = stack.pop() if stack else (None, None)
                resolved.append(_Token("c", decoration=d))
        else:
            resolved.append(tok)
    return resolved


def _punctuation_in_quote(resolved: list[_Token]) -> None:
    """citeproc-js moves ``.`` and ``,`` inside closing quotes (in place)."""
    for k, tok in enumerate(resolved):
        if tok.kind != "t" or not tok.text or tok.text[0] not in ".,":
            continue
        j = k - 1
        first_quote = None
        while j >= 0 and resolved[j].kind == "c":
            if resolved[j].decoration[0] == "quotes" and resolved[j].decoration[1]:
                first_quote = j
            j -= 1
        if first_quote is None:
            continue
        ch = tok.text[0]
        tok.text = tok.text[1:]
        # text before the first closing quote
        p = first_quote - 1
        while p >= 0 and resolved[p].kind != "t":
            p -= 1
        if p >= 0 and resolved[p].text:
            prev = resolved[p].text
            a = prev[-1]
            if a == ch:
                continue
            if a in PUNCTUATION:
                merged = LTOR[a][ch]
                resolved[p].text = prev[:-1] + merged
                continue
            resolved[p].text = prev + ch
        else:
            # (inserted before ``tok``, which the loop then sees once more)
            resolved.insert(first_quote, _Token("t", ch))


def finalize(text: object, fmt: str = "text", *, quotes: tuple[str, str, str, str] = DEFAULT_QUOTES,
             punctuation_in_quote: bool = False) -> str:
    """Turn a marker string into citeproc-js "text" or "html" output.

    ``quotes``: the locale's open, close, open-inner and close-inner quotes;
    ``punctuation_in_quote``: the locale's style option of that name.
    """
    if text is None:
        return ""
    resolved = _resolve(_tokens(str(text)))
    if punctuation_in_quote:
        _punctuation_in_quote(resolved)
    open_q, close_q, open_iq, close_iq = quotes
    out = []
    for tok in resolved:
        kind = tok.kind
        if kind == "t":
            out.append(_html_escape(tok.text) if fmt == "html" else tok.text)
            continue
        attr, value = tok.decoration
        if attr == "display" and value:
            out.append(_DISPLAY[fmt][value][0 if kind == "o" else 1])
            continue
        if attr == "quotes" and value:
            if kind == "o":
                out.append(open_q if value == "true" else open_iq)
            else:
                out.append(close_q if value == "true" else close_iq)
        elif fmt == "html" and attr is not None and value and (attr, value) in _HTML_DECOR:
            out.append(_HTML_DECOR[(attr, value)][0 if kind == "o" else 1])
    return "".join(out)
