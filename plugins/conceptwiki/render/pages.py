"""What the renderers produce: generated pages, pre-rendered HTML bodies and their headings.

Nothing here imports MkDocs: the adapter turns a :class:`Page` into a MkDocs file, the command
line writes it to disk.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable

from markupsafe import escape

__all__ = ["Page", "HtmlBody", "Heading", "front_matter_value"]


@dataclass(frozen=True)
class Heading:
    """A heading of a pre-rendered page, for its table of contents."""

    level: int
    id: str
    title: str


@dataclass(frozen=True)
class HtmlBody:
    html: str
    toc: tuple[Heading, ...] = ()
    #: Problems found while rendering (``path:line:col: message``), for the build's log.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """A generated page: Markdown (``text``, with its front matter), or a pre-rendered HTML
    body made on demand by ``render`` (concept pages: MkDocs need not parse their HTML
    again, and no page's HTML is held longer than it takes to write it)."""

    src_uri: str            # e.g. "concepts/inner-alignment.md"
    text: str = ""
    in_nav: bool = False
    title: str = ""
    description: str = ""
    render: Callable[[], HtmlBody] | None = field(default=None, compare=False, repr=False)
    #: Problems found while rendering a Markdown page (pre-rendered pages: ``HtmlBody``).
    warnings: tuple[str, ...] = ()
    #: What the theme hides on the page (mkdocs-material's ``hide``: "toc", "navigation").
    hide: tuple[str, ...] = ()

    @property
    def is_html(self) -> bool:
        return self.render is not None

    def html_body(self) -> HtmlBody:
        """The pre-rendered page's body (a Markdown page has none: ValueError)."""
        if self.render is None:
            raise ValueError(f"{self.src_uri} is a Markdown page, not a pre-rendered one")
        return self.render()

    def front_matter(self) -> str:
        """The YAML front matter of a pre-rendered page (title and description)."""
        lines = [f"title: {front_matter_value(self.title)}"]
        if self.description:
            lines.append(f"description: {front_matter_value(self.description)}")
        if self.hide:
            lines.append("hide:")
            lines.extend(f"  - {front_matter_value(part)}" for part in self.hide)
        return "---\n" + "\n".join(lines) + "\n---\n"

    @property
    def markdown(self) -> str:
        """The page as Markdown: pre-rendered pages are their front matter and HTML body."""
        if self.render is None:
            return self.text
        return self.front_matter() + "\n" + self.render().html


#: Characters PyYAML refuses in a document or reads as line breaks; written as \\u escapes.
_YAML_UNSAFE_RE = re.compile("[\x7f-\x84\x86-\x9f\x85\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def front_matter_value(value: str) -> str:
    """``value`` as a YAML front-matter scalar that MkDocs themes may print without escaping.

    MkDocs and mkdocs-material treat ``page.meta.title`` and ``page.meta.description`` as
    HTML (``<title>{{ page.meta.title }}</title>``, ``content="{{ page.meta.description }}"``),
    so the text is HTML-escaped first, quotes included. The result is a JSON string (valid
    YAML) with the characters YAML would reject or fold written as escapes.
    """
    text = json.dumps(str(escape(value)), ensure_ascii=False)
    return _YAML_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
