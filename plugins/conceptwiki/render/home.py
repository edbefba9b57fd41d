"""What a hand-written page (the home page) may ask the wiki to fill in: how many concepts there
are, featured concepts, the concepts changed most recently.

A directive is an HTML comment on a line of its own, so the page reads the same as Markdown
anywhere else, and becomes an HTML block when the site is built (by the plugin and by
``conceptwiki build --out``):

* ``<!-- conceptwiki:stats -->`` -- "34 concepts (14 established, ...), 70 sources, 25 tags";
* ``<!-- conceptwiki:featured slug slug ... -->`` -- those concepts, each a link, its kind and
  a one-line gloss;
* ``<!-- conceptwiki:recent 6 -->`` -- the six most recently changed concepts, with their date.

Unknown slugs are left out (``conceptwiki check`` reports wikilinks, not these). Nothing here
imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import escape

from ..model.loader import Entry
from ..model.schema import kind_label

__all__ = ["HomeBlocks", "DIRECTIVE_RE"]

DIRECTIVE_RE = re.compile(r"^[ \t]*<!--[ \t]*conceptwiki:(?P<name>[a-z-]+)(?P<args>[^>]*?)[ \t]*-->[ \t]*$", re.M)
LEVELS = ("established", "contested", "speculative")


class HomeBlocks:
    """Expands the directives of a hand-written page into HTML blocks."""

    def __init__(self, entries: Mapping[str, Entry], *, link: Callable[[str, str], str],
                 gloss: Callable[[str], str], updated: Callable[[Entry], _dt.date | None],
                 sources: int, tags: int) -> None:
        self.entries = entries
        self.link = link          # (from_src, slug) -> relative URL of the concept page
        self.gloss = gloss        # slug -> one-line gloss
        self.updated = updated    # entry -> date it last changed
        self.sources = sources
        self.tags = tags

    def expand(self, markdown: str, from_src: str) -> str:
        if "conceptwiki:" not in markdown:
            return markdown
        return DIRECTIVE_RE.sub(lambda m: self._block(m.group("name"), m.group("args").split(), from_src)
                                or m.group(0), markdown)

    def _block(self, name: str, args: list[str], from_src: str) -> str | None:
        if name == "stats":
            return self.stats()
        if name == "featured":
            return self._list([s for s in args if s in self.entries], from_src, "cw-home-featured")
        if name == "recent":
            n = int(args[0]) if args and args[0].isdigit() else 6
            return self._list(self.recent(n), from_src, "cw-home-recent", dates=True)
        return None

    def stats(self) -> str:
        levels = Counter(e.concept.status.level.value for e in self.entries.values())
        kinds = Counter(e.concept.kind.value for e in self.entries.values())
        n = len(self.entries)
        parts = ", ".join(f"{levels[lv]} {lv}" for lv in LEVELS if levels[lv])
        kind_text = ", ".join(f"{c} {kind_label(k, c)}" for k, c in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        return (f'<p class="cw-home-stats"><strong>{n} {"entry" if n == 1 else "entries"}</strong> '
                f"({escape(parts)}): {escape(kind_text)}. They cite {self.sources} "
                f"source{'s' if self.sources != 1 else ''} and are filed under {self.tags} "
                f"tag{'s' if self.tags != 1 else ''}.</p>")

    def recent(self, n: int) -> list[str]:
        def key(slug: str) -> tuple[Any, ...]:
            day = self.updated(self.entries[slug]) or _dt.date.min
            return (-day.toordinal(), self.entries[slug].title.casefold(), slug)
        return sorted(self.entries, key=key)[:n]

    def _list(self, slugs: list[str], from_src: str, cls: str, *, dates: bool = False) -> str:
        items = []
        for slug in slugs:
            e = self.entries[slug]
            when = ""
            if dates:
                day = self.updated(e)
                if day is not None:
                    when = f' <time datetime="{day.isoformat()}">{day.day} {day:%B %Y}</time>'
            items.append(f'<li><a href="{escape(self.link(from_src, slug))}">{escape(e.title)}</a>'
                         f' <span class="cw-kind">{escape(kind_label(e.concept.kind.value))}</span>{when}'
                         f'<span class="cw-home-gloss"> — {escape(self.gloss(slug))}</span></li>')
        return f'<ul class="cw-home-list {cls}">\n' + "\n".join(items) + "\n</ul>"
