"""Rich text in data: port of citeproc-js ``CSL.Util.FlipFlopper.processTags``.

Strings from the data (titles, names, ...) may hold markup and quotes. They
are parsed into the markers of :mod:`.richtext` as citeproc-js does:

* ``<i>``, ``<b>``, ``<sc>``, ``<sup>``, ``<sub>``,
  ``<span style="font-variant:small-caps;">``, ``<span class="nodecor">`` and
  ``<span class="nocase">`` are interpreted (italics inside an italic title
  flip to normal) and removed from the output; unmatched tags stay as text;
* straight and typographic quotes in the data become quotes that alternate
  when nested (outer/inner locale quote terms);
* apostrophes become ``’``.
"""
from __future__ import annotations

import functools
import re
from typing import TypedDict

from .richtext import CLOSE, NOCASE_OPEN, OPEN

__all__ = ["ROMANESQUE", "FlipFlopper"]

#: A letter or digit of the scripts citeproc-js treats as "romanesque".
ROMANESQUE = (
    "[-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]"
)
_APOS_RE = re.compile("(" + ROMANESQUE + ")\u2019(" + ROMANESQUE + ")")


class _TagInfo(TypedDict, total=False):
    """What citeproc-js knows about an opening tag or quote (its ``tagParams``)."""

    type: str  # "tag", "quote", "nocase" or "nodecor"
    closer: str
    attr: str | None
    outer: str  # quotes: "true" (outer quotes) or "inner"


class _Nesting(TypedDict):
    type: str
    closer: str
    pos: int


_Setup = tuple[dict[str, _TagInfo], re.Pattern[str], re.Pattern[str], re.Pattern[str]]


@functools.lru_cache(maxsize=None)
def _flipflop_setup(open_quote: str, close_quote: str, open_inner: str, close_inner: str) -> _Setup:
    def quote(opener: str, outer: str) -> _TagInfo:
        return {"type": "quote", "closer": opener[-1], "attr": "quotes", "outer": outer}

    d: dict[str, _TagInfo] = {
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
        d[open_quote] = {**d[' "'], "closer": close_quote}
    if open_inner and close_inner and open_inner not in (' "', " '", '"', "'"):
        d[open_inner] = {**d[" '"], "closer": close_inner}
    openers = list(d)
    closers: list[str] = []
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


class FlipFlopper:
    """Parses markup and quotes in a string into markers (one per render:
    citeproc-js keeps the 'outer quote form' per engine)."""

    def __init__(self, open_quote: str, close_quote: str, open_inner: str, close_inner: str):
        template, self.match_all, self.open_re, self.close_re = _flipflop_setup(
            open_quote, close_quote, open_inner, close_inner
        )
        self.data: dict[str, _TagInfo] = {k: v.copy() for k, v in template.items()}
        # '("' shares its data with ' "' in citeproc-js
        self.data['("'] = self.data[' "']
        self.data["('"] = self.data[" '"]

    def _set_outer_quote_form(self, quot: str) -> None:
        flip = {" '": ' "', ' "': " '", '("': "('", "('": '("'}
        self.data[quot]["outer"] = "true"
        self.data[flip[quot]]["outer"] = "inner"

    def process(self, s: str) -> str:
        """``s`` with its markup and quotes turned into markers."""
        leading_space = s.startswith(" ") and not re.match(r"^\s+['\"]", s)
        s = " " + _APOS_RE.sub(r"\1'\2", s)
        s = re.sub(r'(<span)\s+(style="font-variant:)\s*(small-caps);?"[^>]*(>)', r'\1 \2\3;"\4', s)
        s = re.sub(r'(<span)\s+(class="no(?:case|decor)")[^>]*(>)', r"\1 \2\3", s)
        tags: list[str] = self.match_all.findall(s)
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

        def fget(idx: int) -> bool | None:
            return forced[idx] if 0 <= idx < len(forced) else None

        nesting: list[_Nesting] = []

        def push(tag: str, pos: int) -> dict[str, int | tuple[int, int]] | None:
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
                            assert isinstance(fix, int)
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
                        span = info["nocase"]
                        assert isinstance(span, tuple)
                        o, c = span
                        tags[o] = NOCASE_OPEN
                        tags[c] = CLOSE
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
            if tag == NOCASE_OPEN or tag == CLOSE:
                out.append(tag)
            elif self.open_re.match(tag):
                out.append(self._marker(tag))
            else:
                out.append(CLOSE)
            out.append(st)
        return "".join(out)

    def _marker(self, tag: str) -> str:
        info = self.data[tag]
        attr = info["attr"]
        if info["type"] == "quote":
            return OPEN[("quotes", "flip-" + info["outer"])]
        if attr == "nodecor":
            return OPEN[("nodecor", "")]
        if attr == "sup":
            return OPEN[("vertical-align", "sup")]
        if attr == "sub":
            return OPEN[("vertical-align", "sub")]
        assert attr is not None
        return OPEN[(attr, "flip")]
