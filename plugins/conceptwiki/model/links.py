"""Wikilinks: ``[[slug]]``, ``[[slug|text]]``, ``[[alias]]`` and ``[[slug#section]]``.

:class:`LinkIndex` resolves a target to a canonical slug in O(1) (slugs, aliases compared
case-insensitively ignoring hyphens, spaces and underscores, and former slugs).
:func:`find_wikilinks` finds links in Markdown source, skipping code, with their offsets.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

__all__ = ["WIKILINK_RE", "WikiLink", "LinkIndex", "normalize", "find_wikilinks", "mask_code", "locate"]

WIKILINK_RE = re.compile(
    r"\[\[(?P<target>[^\[\]\n|#]+?)\s*(?:#(?P<anchor>[^\[\]\n|]*?))?\s*(?:\|(?P<text>[^\[\]\n]*?))?\]\]"
)
_FENCE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)(?:.+?)\1", re.S)


def normalize(name: str) -> str:
    """The form in which slugs and aliases are compared: lower case, no hyphens/spaces/underscores."""
    return re.sub(r"[\s\-_\u2010-\u2015]+", "", name.casefold())


@dataclass(frozen=True)
class WikiLink:
    target: str
    anchor: str | None
    text: str | None
    start: int
    end: int
    raw: str


def find_wikilinks(markdown: str) -> Iterator[WikiLink]:
    """Yield the wikilinks in ``markdown`` outside fenced code blocks and code spans."""
    return iter(_wikilinks(markdown))


@functools.lru_cache(maxsize=1 << 16)
def _wikilinks(markdown: str) -> tuple[WikiLink, ...]:
    """The links of a text, remembered: ``mkdocs serve`` checks every entry's links on every
    rebuild, mostly in unchanged texts (0.3 s of a rebuild at 1,000 entries)."""
    return tuple(_find_wikilinks(markdown))


def _find_wikilinks(markdown: str) -> Iterator[WikiLink]:
    masked = mask_code(markdown)
    for m in WIKILINK_RE.finditer(masked):
        raw = markdown[m.start():m.end()]
        target = m.group("target").strip()
        anchor = m.group("anchor")
        text = m.group("text")
        yield WikiLink(
            target=target,
            anchor=anchor.strip() if anchor and anchor.strip() else None,
            text=text.strip() if text and text.strip() else None,
            start=m.start(),
            end=m.end(),
            raw=raw,
        )


def mask_code(markdown: str) -> str:
    """Replace code (fenced blocks and inline spans) by spaces, keeping offsets.

    What :func:`find_wikilinks` searches, so that ``[[x]]`` in code is not a link; public
    because hand-written pages (:mod:`conceptwiki.render.docpages`) look for their first
    heading outside code the same way.
    """
    out: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines(keepends=True):
        m = _FENCE_RE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * len(m.group(1))
            out.append(" " * len(line.rstrip("\n")) + line[len(line.rstrip("\n")):])
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append(" " * len(line.rstrip("\n")) + line[len(line.rstrip("\n")):])
            continue
        out.append(line)
    text = "".join(out)
    return _CODE_SPAN_RE.sub(lambda m: " " * (m.end() - m.start()), text)


def locate(file_lines: list[str], start_line: int, needle: str) -> tuple[int, int]:
    """Find ``needle`` in the file at or after 1-based ``start_line``; return ``(line, column)``.

    Used to map a link found in a YAML value (whose scalar style may fold lines) back to
    the file. Falls back to the start of the value.
    """
    for i in range(max(start_line - 1, 0), len(file_lines)):
        col = file_lines[i].find(needle)
        if col >= 0:
            return i + 1, col + 1
    return start_line, 1


class LinkIndex:
    """Names → canonical slugs, built once in O(n)."""

    def __init__(self) -> None:
        self.slugs: dict[str, str] = {}          # slug -> title
        self._by_name: dict[str, str] = {}       # normalized name -> slug
        self._origin: dict[str, tuple[str, str, str]] = {}  # normalized -> (slug, what, path)
        self.collisions: list[tuple[str, str, str, str, str]] = []

    def add_slug(self, slug: str, title: str, path: str) -> None:
        """Register a canonical slug. Add every slug before any alias, so that a collision
        is reported on the alias or former slug, never on the canonical name."""
        self.slugs[slug] = title
        self._claim(slug, slug, "slug", path)

    def add_names(self, slug: str, path: str, *, aliases: Iterable[str] = (),
                  former_slugs: Iterable[str] = ()) -> None:
        for former in former_slugs:
            self._claim(former, slug, "former slug", path)
        for alias in aliases:
            self._claim(alias, slug, "alias", path)

    def _claim(self, name: str, slug: str, what: str, path: str) -> None:
        key = normalize(name)
        if not key:
            return
        prev = self._origin.get(key)
        if prev is None:
            self._origin[key] = (slug, what, path)
            self._by_name[key] = slug
            return
        if prev[0] == slug:
            return  # the same entry names itself twice (e.g. alias equal to its slug): harmless
        self.collisions.append((name, what, path, prev[1], prev[2]))

    def resolve(self, target: str) -> str | None:
        if target in self.slugs:
            return target
        return self._by_name.get(normalize(target))

    def how(self, target: str) -> str:
        """'slug', 'alias' or 'former slug': how ``target`` resolved."""
        if target in self.slugs:
            return "slug"
        origin = self._origin.get(normalize(target))
        return origin[1] if origin else ""

    def names(self) -> Iterator[tuple[str, str, str]]:
        """(normalized name, slug, what) for every name."""
        for key, (slug, what, _path) in self._origin.items():
            yield key, slug, what

    def suggest(self, target: str, n: int = 3) -> list[str]:
        key = normalize(target)
        close = difflib.get_close_matches(key, list(self._by_name), n=n * 2, cutoff=0.75)
        out: list[str] = []
        for c in close:
            slug = self._by_name[c]
            if slug not in out:
                out.append(slug)
        return out[:n]
