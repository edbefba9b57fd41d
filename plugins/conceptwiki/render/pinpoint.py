"""Pinpoint anchors and "cite this passage" for concept pages. Nothing here imports MkDocs.

Every passage of an entry's ``details`` (each top-level paragraph, block quote and list item)
and every key point gets an ``id`` derived from its own Markdown source, not from its
position: ``p-<8 hex>`` for details passages and ``kp-<8 hex>`` for key points, the first 8
hex digits of the SHA-256 of the normalised text (Unicode NFC, runs of white space as one
space, trimmed). Editing, adding or moving other passages leaves an anchor unchanged; only
editing the passage itself changes it. Identical passages in one entry get ``-2``, ``-3``…
in document order.

Passages are also numbered (details first, then key points, in one sequence, as judgments
number every paragraph), and the number is what the citation's pinpoint says: "para. 3"
(APA, Chicago), "para 3" (OSCOLA). The citation of the page with a pinpoint is rendered once
per style with placeholder tokens (:data:`LOCATOR_TOKEN`, :data:`ANCHOR_TOKEN`) that the
browser script replaces by the passage's number and anchor, so the page does not carry one
rendered citation per passage and style.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any, Iterable, Protocol

import markdown
from markdown.treeprocessors import Treeprocessor

__all__ = [
    "normalise",
    "passage_hash",
    "anchor_ids",
    "key_point_ids",
    "PinpointExtension",
    "Passage",
    "add_cite_links",
    "LOCATOR_TOKEN",
    "ANCHOR_TOKEN",
    "ANCHOR_RE",
    "passage_templates",
    "data_json",
]

#: Details passages and key points; ``-N`` is added to the second and later duplicates.
ANCHOR_RE = re.compile(r"^(?:p|kp)-[0-9a-f]{8}(?:-[0-9]+)?$")
#: Replaced by the passage number in the citation templates (digits, so that every style
#: treats it as a single number: "para. 3", never "paras.").
LOCATOR_TOKEN = "918273645"
#: Replaced by the passage anchor in the URL of the citation templates.
ANCHOR_TOKEN = "cwpinanchor"

_WS_RE = re.compile(r"\s+")
#: Python-Markdown's placeholder for stashed HTML (fenced code blocks).
_STASH_RE = re.compile("\x02wzxhzdk:(\\d+)\x03")


def normalise(text: str) -> str:
    """The text a passage's anchor is computed from: NFC, white space collapsed, trimmed."""
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def passage_hash(text: str) -> str:
    """8 hex digits of the SHA-256 of the normalised text (UTF-8)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:8]


def anchor_ids(texts: Iterable[str], prefix: str = "p") -> list[str]:
    """Stable ids for passages with the given source texts, in order; duplicates get -2, -3…"""
    seen: dict[str, int] = {}
    out = []
    for text in texts:
        base = f"{prefix}-{passage_hash(text)}"
        n = seen.get(base, 0) + 1
        seen[base] = n
        out.append(base if n == 1 else f"{base}-{n}")
    return out


def key_point_ids(points: Iterable[str]) -> list[str]:
    """Stable ids of key points (``kp-…``), from each point's Markdown source."""
    return anchor_ids(points, "kp")


# -- details: a Markdown tree processor ----------------------------------------------------

#: Top-level block elements that are passages; list items of top-level lists are passages.
_PASSAGE_TAGS = ("p", "blockquote")
_LIST_TAGS = ("ul", "ol")


class _PinpointTreeprocessor(Treeprocessor):
    """Gives top-level passages an ``id`` from their Markdown source.

    Runs before the inline processor, so the text of each element is still the Markdown
    the author wrote (wikilinks unresolved, emphasis unparsed): anchors do not change when a
    linked entry is renamed or retitled.
    """

    def __init__(self, md: markdown.Markdown, ext: "PinpointExtension"):
        super().__init__(md)
        self.ext = ext

    def _source(self, el: etree.Element) -> str:
        # Block children (paragraphs of a quote or a loose list item) are separate strings
        # before inline processing: join them with a space, as normalising would anyway.
        text = " ".join(el.itertext())
        stash = self.md.htmlStash.rawHtmlBlocks

        def unstash(m: re.Match) -> str:
            i = int(m.group(1))
            return str(stash[i]) if i < len(stash) else ""

        return _STASH_RE.sub(unstash, text)

    def run(self, root: etree.Element) -> None:
        if not self.ext.enabled:
            return
        elements: list[etree.Element] = []
        for child in root:
            if child.tag in _PASSAGE_TAGS:
                raw = "".join(child.itertext())
                if child.tag == "p" and not _STASH_RE.sub("", raw).strip():
                    continue  # a fenced code block's placeholder: it replaces the <p> later
                elements.append(child)
            elif child.tag in _LIST_TAGS:
                elements.extend(li for li in child if li.tag == "li")
        ids = anchor_ids([self._source(el) for el in elements], "p")
        for el, id_ in zip(elements, ids):
            el.set("id", id_)
        self.ext.ids = ids


class PinpointExtension(markdown.Extension):
    """Adds passage anchors while :attr:`enabled` (the renderer is shared by every field)."""

    def __init__(self) -> None:
        super().__init__()
        self.enabled = False
        self.ids: list[str] = []

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Above "inline" (20): the elements still hold their Markdown source.
        md.treeprocessors.register(_PinpointTreeprocessor(md, self), "cw_pinpoint", 25)


# -- cite links ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """One citable passage of a concept page."""

    anchor: str
    number: int
    kind: str  # "paragraph" (details) or "key point"


_OPEN_RE = re.compile(r'<(p|li|blockquote) id="((?:p|kp)-[0-9a-f]{8}(?:-[0-9]+)?)">')


def cite_link(passage: Passage, title: str) -> str:
    """The "cite this passage" link: a plain anchor link that works without JavaScript."""
    what = "paragraph" if passage.kind == "paragraph" else "key point"
    # The name starts with the mark a reader sees (WCAG 2.5.3; on a touch screen it is shown).
    label = f"\u00b6\u00a0{passage.number}: cite this {what} of {title}"
    return (f'<a class="cw-pin" href="#{passage.anchor}" data-cw-pin="{passage.number}" '
            f'data-search-exclude data-pagefind-ignore '
            f'title="Cite this passage (paragraph {passage.number})" '
            f'aria-label="{html.escape(label)}">¶\u00a0{passage.number}</a>')


def add_cite_links(fragment: str, passages: dict[str, Passage], title: str) -> str:
    """Mark each anchored element of sanitised HTML as a passage and add its cite link.

    Only :class:`_PinpointTreeprocessor` (or :func:`render_key_points`) writes ``id`` on
    ``p``/``li``/``blockquote``: entries cannot (raw HTML is escaped, no attribute syntax),
    so the pattern only meets elements that are passages.
    """

    def repl(m: re.Match) -> str:
        tag, anchor = m.group(1), m.group(2)
        passage = passages.get(anchor)
        if passage is None:
            return m.group(0)
        return f'<{tag} id="{anchor}" class="cw-passage">{cite_link(passage, title)} '

    return _OPEN_RE.sub(repl, fragment)


# -- citation templates ----------------------------------------------------------------------


def passage_templates(citer, page_item: dict, fingerprint: str | None = None) -> list[dict]:
    """For each configured style: the citation with a pinpoint and the reference entry, with
    :data:`LOCATOR_TOKEN` and :data:`ANCHOR_TOKEN` where the passage's number and anchor go.

    The URL is the page's, with ``?v=<fingerprint>`` (so a reader who follows it learns if
    the entry changed since) and ``#<anchor>``. ``standalone`` is true when the citation
    itself carries the URL (OSCOLA and Chicago full notes): the reference is then not needed.

    Both come from renderings of the page item with its plain URL, which is then replaced:
    CSL styles print URLs as given. The reference is the page's own citation (rendered for
    "Cite this page" already); the citation with the pinpoint goes through
    :meth:`PinpointCiter.render_page`, which shares one rendering per style and month
    between pages, as "Cite this page" does.
    """
    page_url = page_item["URL"]
    url = page_url + (f"?v={fingerprint}" if fingerprint else "") + f"#{ANCHOR_TOKEN}"
    pin = PinpointCiter.of(citer)
    out = []
    for style in citer.styles:
        cite_html = pin.page(page_item, style).replace(html.escape(page_url), html.escape(url))
        page = _page_citation(citer, page_item, style)
        out.append({
            "style": style,
            "label": citer.label(style),
            "form": "footnote" if citer.engine.is_note_style(style) else "in-text",
            "cite_html": cite_html,
            "cite_text": _text(cite_html),
            "ref_html": page.html.replace(html.escape(page_url), html.escape(url)),
            "ref_text": page.text.replace(page_url, url),
            "standalone": ANCHOR_TOKEN in cite_html,
        })
    return out


def _text(fragment: str) -> str:
    from ..citations.cite import html_to_text

    return html_to_text(fragment)


def _page_citation(citer, item: dict, style: str):
    render_page = getattr(citer, "render_page", None)  # cached like "Cite this page"
    return render_page(item, style) if render_page is not None else \
        citer.render(item, style, mark_accessed=True)


class _PinpointEngine:
    """A citation engine whose "first note" is the citation with the pinpoint locator.

    Handed to a :class:`~conceptwiki.cite.Citer`, it makes the Citer's page templates,
    accessed-date marking and links work for pinpoint citations unchanged. The other forms
    are empty (they are not used). For in-text styles, the parts of an item that the
    citation does not print (title, URL, month and day: "(Publisher, 2025, para. 3)") are
    found once per style and left out, so that one rendering serves every page.
    """

    def __init__(self, engine):
        self.engine = engine
        self._ignorable: dict[str, set[str]] = {}

    def style_title(self, style: str) -> str:
        return self.engine.style_title(style)

    def is_note_style(self, style: str) -> bool:
        return True  # so that the Citer renders the "first note" form for every style

    def bibliography_entry(self, item: dict, style: str, fmt: str = "text") -> str:
        return ""

    def note(self, item: dict, style: str, fmt: str = "text", *, position: str = "first",
             **_kw) -> str:
        if position != "first":
            return ""
        return self._cite(self._reduced(item, style), style, fmt)

    def _cite(self, item: dict, style: str, fmt: str) -> str:
        return self.engine.note(item, style, fmt, position="first", locator=LOCATOR_TOKEN,
                                label="paragraph")

    def _reduced(self, item: dict, style: str) -> dict:
        """``item`` without what the style's citation does not print (see the class doc).

        Page items all have one shape (one corporate author, a title, a URL, a date), so
        what holds for the first page holds for all; a note style prints them all anyway.
        """
        ignorable = self._ignorable.get(style)
        if ignorable is None:
            ignorable = set()
            if not self.engine.is_note_style(style):
                base = self._cite(item, style, "html")
                probes = {"title": dict(item, title=str(item.get("title", "")) + " Probe"),
                          "URL": dict(item, URL=str(item.get("URL", "")) + "probe/")}
                parts = (item.get("issued") or {}).get("date-parts") or [[]]
                if len(parts[0]) == 3:
                    y, m, d = parts[0]
                    probes["monthday"] = dict(item, issued={"date-parts": [[y, 1 if m != 1 else 2,
                                                                            1 if d != 1 else 2]]})
                ignorable = {name for name, probe in probes.items()
                             if self._cite(probe, style, "html") == base}
            self._ignorable[style] = ignorable
        if not ignorable:
            return item
        out = dict(item)
        if "title" in ignorable:
            out["title"] = "-"
        if "URL" in ignorable:
            out["URL"] = "-"
        parts = (out.get("issued") or {}).get("date-parts") or [[]]
        if "monthday" in ignorable and len(parts[0]) == 3:
            out["issued"] = {"date-parts": [[parts[0][0], 1, 1]]}
        return out


class PinpointCiter:
    """Renders the citation of a page with the pinpoint locator, for one site's Citer."""

    def __init__(self, citer):
        from ..citations.cite import Citer

        self.citer = citer
        self.inner = Citer(_PinpointEngine(citer.engine), citer.styles,
                           display_date=citer.display_date)

    @classmethod
    def of(cls, citer) -> "PinpointCiter":
        found = citer.__dict__.get("_pinpoint_citer")
        if found is None:
            found = citer.__dict__["_pinpoint_citer"] = cls(citer)
        return found

    def page(self, item: dict, style: str) -> str:
        """The citation (HTML, links made, accessed date marked) with the locator token."""
        import time

        t0 = time.perf_counter()
        rendered = _page_citation(self.inner, item, style)
        self.citer.seconds += time.perf_counter() - t0
        return rendered.note_first or ""


def data_json(data) -> str:
    """Compact JSON with sorted keys, for a data attribute (the template escapes it)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- a concept page ----------------------------------------------------------------------------


class PassageText(Protocol):
    """What :func:`page_context` needs to render an entry's text
    (:class:`~conceptwiki.render.text.EntryText` is one)."""

    renderer: Any

    def resolver(self, from_src: str) -> Any: ...

    def md(self, text: str, from_src: str, *, inline: bool = False) -> Any: ...


def page_context(text: PassageText, citer: Any, default_style: str, item: dict, entry: Any, src: str,
                 fingerprint: str | None = None) -> dict:
    """What ``concept.html.j2`` needs for passages: the details HTML with anchors and cite
    links, the key points (id, number, HTML, cite link) and the JSON for ``pinpoint.js``.
    ``item`` is the page's CSL-JSON item, cited with ``citer`` in each style."""
    from markupsafe import Markup

    from ..model.loader import SECTIONS

    c = entry.concept
    number = 0
    renderer = text.renderer

    rendered: dict[str, Markup | None] = {}
    for name in ("details", *(n for n, _ in SECTIONS)):
        markdown_text = getattr(c, name)
        rendered[name] = None
        if not markdown_text:
            continue
        html_ = renderer.render(markdown_text, resolver=text.resolver(src), passages=True)
        passages = {}
        for anchor in renderer.pinpoint.ids:
            number += 1
            passages[anchor] = Passage(anchor, number, "paragraph")
        rendered[name] = Markup(add_cite_links(html_, passages, c.title))
    details = rendered["details"]
    sections = [{"id": name.replace("_", "-"), "title": title, "html": rendered[name]}
                for name, title in SECTIONS if rendered[name] is not None]
    key_points = []
    for anchor, point in zip(key_point_ids(c.key_points), c.key_points):
        number += 1
        key_points.append({
            "id": anchor,
            "number": number,
            "html": text.md(point, src, inline=True),
            "cite": Markup(cite_link(Passage(anchor, number, "key point"), c.title)),
        })
    data = {
        "locator": LOCATOR_TOKEN,
        "anchor": ANCHOR_TOKEN,
        "default": default_style,
        # The script takes plain text from the HTML (textContent): the page carries HTML only.
        "styles": [{k: v for k, v in t.items() if k not in ("cite_text", "ref_text")}
                   for t in passage_templates(citer, item, fingerprint)],
    } if number else None
    return {"details": details, "sections": sections, "key_points": key_points,
            "pinpoint_json": data_json(data) if data else None}
