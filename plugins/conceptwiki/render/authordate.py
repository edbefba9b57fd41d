"""Author-date mentions in an entry's text linked to its references.

An entry's prose names its sources as people write them: "Hubinger et al. (2019) argue ...",
"Carlsmith (2023)", "Yudkowsky and Armstrong (2015)", "(Wang et al., 2016)". On the entry's own
page each mention that matches one of its references (first author's family name, the number of
authors, the year) becomes a link to that reference (``#ref-<key>``). Only text outside links is
touched; the HTML is the sanitised output of the Markdown renderer. Nothing here imports MkDocs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

__all__ = ["AuthorDates"]

_TAG_RE = re.compile(r"(<[^>]*>)")
_NAME = r"[A-Z\u00c0-\u024f][\w\u00c0-\u024f'\u2019-]*"


def _year(item: Mapping[str, Any]) -> str | None:
    parts = (item.get("issued") or {}).get("date-parts") or []
    if parts and parts[0] and str(parts[0][0]).isdigit():
        return str(parts[0][0])
    return None


def _family(name: Mapping[str, Any]) -> tuple[str, str] | None:
    """(particle, family) of a CSL name, or None for a name without a family part."""
    family = str(name.get("family") or name.get("literal") or "").strip()
    if not family:
        return None
    particle = " ".join(str(name.get(k) or "") for k in ("dropping-particle", "non-dropping-particle")).strip()
    m = re.match(r"((?:[a-z][\w']*\s+)+)(.+)", family)  # "von Oswald" written as the family name
    if m:
        particle, family = (particle + " " + m.group(1)).strip(), m.group(2)
    return particle, family


def _pattern(item: Mapping[str, Any]) -> str | None:
    """A regular expression for the author-date mentions of one CSL item (on escaped HTML text)."""
    year = _year(item)
    names = [f for f in (_family(n) for n in item.get("author") or item.get("editor") or []) if f]
    if not year or not names:
        return None
    particle, family = names[0]
    first = (rf"(?:{re.escape(html.escape(particle))}\s+)?" if particle else "") + re.escape(html.escape(family))
    if len(names) == 1:
        authors = first
    elif len(names) == 2:
        second = re.escape(html.escape(names[1][1]))
        authors = rf"{first}(?:\s+(?:and|&amp;)\s+(?:{_NAME}\s+)*{second}|\s+et\s+al\.)"
    else:
        authors = rf"{first}\s+et\s+al\.?"
    return rf"(?<![\w-]){authors}(?:\s+\({year}[a-z]?\)|,\s+{year}[a-z]?\b)"


class AuthorDates:
    """Links the author-date mentions in a page's HTML to the page's references."""

    def __init__(self, references: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        parts = []
        self.keys: list[str] = []
        for key, item in references:
            pattern = _pattern(item)
            if pattern and key not in self.keys:
                parts.append(f"(?P<r{len(self.keys)}>{pattern})")
                self.keys.append(key)
        self._re = re.compile("|".join(parts)) if parts else None

    def _link(self, m: re.Match) -> str:
        key = self.keys[int(m.lastgroup[1:])]  # type: ignore[index]
        return f'<a class="cw-cite-ref" href="#ref-{html.escape(key, quote=True)}">{m.group(0)}</a>'

    def link(self, fragment: Markup | str | None) -> Markup | None:
        """``fragment`` with its mentions linked (text inside ``<a>`` is left alone)."""
        if fragment is None or self._re is None:
            return Markup(fragment) if fragment is not None else None
        out = []
        depth = 0
        for part in _TAG_RE.split(str(fragment)):
            if part.startswith("<"):
                if re.match(r"<a[\s>]", part):
                    depth += 1
                elif part.startswith("</a"):
                    depth = max(depth - 1, 0)
                out.append(part)
            elif depth or not part:
                out.append(part)
            else:
                out.append(self._re.sub(self._link, part))
        return Markup("".join(out))
