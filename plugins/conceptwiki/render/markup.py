"""Entry Markdown → safe HTML.

Entries are written by strangers, so their Markdown is rendered here (not by the site
engine), wikilinks are resolved, and the result is cleaned with nh3 against an allow-list.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Callable, NamedTuple

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

from ..model.links import WIKILINK_RE
from .pinpoint import PinpointExtension

__all__ = ["LinkTarget", "MarkdownRenderer", "sanitize", "ALLOWED_TAGS", "SAFE_SCHEMES", "safe_url",
           "keeps_capital", "mid_sentence", "starts_sentence"]

SAFE_SCHEMES = {"http", "https", "mailto"}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "kbd", "q", "cite",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "td": {"align"}, "th": {"align"},
    "ol": {"start"},
    # Passage anchors (pinpoint.py); entries cannot write attributes themselves.
    "p": {"id"}, "li": {"id"}, "blockquote": {"id"},
}
ALLOWED_CLASSES = {
    "a": {"cw-wikilink"},
    "span": {"cw-broken-link", "nocase"},
}


def sanitize(html: str) -> str:
    """Clean HTML from an entry: allow-listed tags and attributes, safe URL schemes only."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=SAFE_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


_SCHEME_RE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) or mailto URL, else ``None`` (never ``javascript:`` etc.)."""
    if not url:
        return None
    url = url.strip()
    m = _SCHEME_RE.match(url)
    if not m or m.group(1).lower() not in SAFE_SCHEMES:
        return None
    if any(ch in url for ch in "\x00\n\r\t<>\"'`") or " " in url:
        return None
    return url


#: Ids that the page templates, MkDocs' table of contents or the theme use. A heading in an
#: entry must not take one: ``getElementById`` returns the first element with an id, so a
#: heading "### cw-cite-page-apa" would make the "Copy" button copy the heading instead of the
#: citation, and "### __config" would break the theme's script.
RESERVED_IDS = frozenset({"details", "key-points", "references", "related-concepts",
                          "referenced-by", "see-also", "how-to-cite", "cite-this-page",
                          "cite-the-primary-source", "status-note", "all-concepts", "tags", "tag"})
RESERVED_ID_PREFIXES = ("_", "cw-", "cw_", "md-", "md_", "ref-", "letter-")


def heading_id(value: str, separator: str) -> str:
    """Python-Markdown's slug for a heading, kept clear of the ids the page itself uses."""
    from markdown.extensions.toc import slugify

    slug = slugify(value, separator)
    if not slug or slug in RESERVED_IDS or slug.startswith(RESERVED_ID_PREFIXES):
        slug = "h-" + slug.lstrip("_")
    return slug


class LinkTarget(NamedTuple):
    href: str
    text: str
    title: str
    #: The text in the middle of a sentence ("base optimizer" for "Base optimizer"); None: ``text``.
    mid: str | None = None


_ACRONYM_RE = re.compile(r"^\W*\w[\w-]*?[A-Z]")
_POSSESSIVE_RE = re.compile(r"^\W*[A-Z][\w-]*['\u2019]s\b")


def keeps_capital(title: str, proper_noun: bool | None = None) -> bool:
    """Whether ``title`` keeps its first capital letter in the middle of a sentence: as the
    entry says (``proper_noun``), else if its first word is an acronym or has a capital after
    its first letter ("AI safety via debate", "RLHF", "McCarthy") or is a possessive name
    ("Goodhart's law")."""
    if proper_noun is not None:
        return proper_noun
    first = title.split(" ", 1)[0]
    return bool(_ACRONYM_RE.match(first) or _POSSESSIVE_RE.match(title))


def mid_sentence(title: str, proper_noun: bool | None = None) -> str:
    """``title`` as it reads in the middle of a sentence: "Base optimizer" -> "base optimizer"."""
    if not title or keeps_capital(title, proper_noun) or not title[0].isupper():
        return title
    return title[0].lower() + title[1:]


#: Python-Markdown's placeholders for inline elements already rendered (code spans, ...).
_PLACEHOLDER_RE = re.compile(r"\x02[^\x02\x03]*\x03")
_BLOCK_START_RE = re.compile(r"[\s\"'\u201c\u2018(\[*_]*\Z")
_OPENING = " \t\n\"'\u201c\u2018([*_"
_CLOSING = "\"'\u201d\u2019)]*_"
#: Words after whose full stop a sentence goes on ("Hubinger et al. [[mesa-optimization]]").
_ABBREVIATIONS = frozenset({"al", "e.g", "eg", "i.e", "ie", "cf", "vs", "viz", "dr", "mr", "mrs",
                            "ms", "prof", "st", "fig", "no", "vol", "ch", "sec", "p", "pp"})


def starts_sentence(before: str) -> bool:
    """Whether a link after the text ``before`` (the start of its paragraph, list item or
    cell) starts a sentence: only opening punctuation since the start of the block, or since
    the full stop, question or exclamation mark that ended the last sentence."""
    before = _PLACEHOLDER_RE.sub("x", before)
    if _BLOCK_START_RE.match(before):
        return True
    words = before.rstrip(_OPENING).split()
    last = words[-1].rstrip(_CLOSING) if words else ""
    if not last.endswith((".", "!", "?")):
        return False
    return not (last.endswith(".") and last[:-1].lstrip(_OPENING).lower() in _ABBREVIATIONS)


Resolver = Callable[[str, "str | None"], "LinkTarget | None"]


class _WikilinkInline(InlineProcessor):
    def __init__(self, pattern: str, md: markdown.Markdown, renderer: "MarkdownRenderer"):
        super().__init__(pattern, md)
        self.renderer = renderer

    def handleMatch(self, m: re.Match, data: str):
        target = m.group("target").strip()
        anchor = (m.group("anchor") or "").strip() or None
        text = (m.group("text") or "").strip() or None
        resolved = self.renderer.resolver(target, anchor) if self.renderer.resolver else None
        if resolved is None:
            el = etree.Element("span")
            el.set("class", "cw-broken-link")
            el.text = text or target
            return el, m.start(0), m.end(0)
        el = etree.Element("a")
        el.set("href", resolved.href)
        el.set("class", "cw-wikilink")
        if resolved.title:
            el.set("title", resolved.title)
        if text:
            el.text = text
        elif resolved.mid is not None and not starts_sentence(data[:m.start(0)]):
            el.text = resolved.mid
        else:
            el.text = resolved.text
        self.renderer.links_seen.append(resolved.href)
        return el, m.start(0), m.end(0)


class TooComplex(Exception):
    """Raised inside a render that has used up its scanning budget."""


#: How many characters Python-Markdown's link processors may scan in one render. They look
#: for the ']' and ')' that close a link by scanning to the end of the paragraph, once for
#: every '[': a field of 20,000 '[' took over 200 s. Real entries scan a few thousand.
SCAN_BUDGET = 2_000_000


class _BudgetedLinks:
    """Charges every scan of a link processor to the renderer's budget (same results)."""

    renderer: "MarkdownRenderer"

    def _charge(self, n: int) -> None:
        self.renderer.scan_left -= max(n, 1)
        if self.renderer.scan_left < 0:
            raise TooComplex

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        text, end, handled = super().getText(data, index)  # type: ignore[misc]
        self._charge(end - index)
        return text, end, handled

    def getLink(self, data: str, index: int):
        href, title, end, handled = super().getLink(data, index)  # type: ignore[misc]
        if handled:
            self._charge(end - index)
        elif data.startswith("(", index):  # no '(' right after ']': nothing was scanned
            self._charge(len(data) - index)
        return href, title, end, handled


def _budget_links(md: markdown.Markdown, renderer: "MarkdownRenderer") -> None:
    for name in ("link", "image_link", "reference", "image_reference", "short_reference",
                 "short_image_ref"):
        if name in md.inlinePatterns:
            proc = md.inlinePatterns[name]
            proc.__class__ = type("Budgeted" + type(proc).__name__, (_BudgetedLinks, type(proc)), {})
            proc.renderer = renderer


def _plain_paragraphs(text: str) -> str:
    import html as _html

    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{_html.escape(p, quote=False)}</p>" for p in paras)


class _WikilinkExtension(markdown.Extension):
    def __init__(self, renderer: "MarkdownRenderer"):
        super().__init__()
        self.renderer = renderer

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Above links (160) so '[[...]]' is not read as a reference link; below code spans (190).
        md.inlinePatterns.register(_WikilinkInline(WIKILINK_RE.pattern, md, self.renderer),
                                   "cw_wikilink", 175)


class MarkdownRenderer:
    """Renders entry Markdown. One instance is reused for every field (``Markdown.reset``)."""

    def __init__(self, resolver: Resolver | None = None):
        self.resolver: Resolver | None = resolver
        self.links_seen: list[str] = []
        self.pinpoint = PinpointExtension()
        self._md = markdown.Markdown(
            extensions=["tables", "fenced_code", "sane_lists", "toc", _WikilinkExtension(self),
                        self.pinpoint],
            extension_configs={"toc": {"permalink": False, "baselevel": 1, "slugify": heading_id}},
            output_format="html",
        )
        self.scan_left = SCAN_BUDGET
        #: Texts shown as plain paragraphs because their Markdown was too costly to render.
        self.too_complex: list[str] = []
        _budget_links(self._md, self)
        # Raw HTML in entries is escaped, not passed through: entries are Markdown only.
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")

    def render(self, text: str, *, inline: bool = False, resolver: Resolver | None = None,
               passages: bool = False) -> str:
        """Render ``text``; with ``passages``, top-level paragraphs, block quotes and list
        items get stable anchors (their ids are then in ``self.pinpoint.ids``)."""
        if resolver is not None:
            self.resolver = resolver
        self._md.reset()
        self.pinpoint.enabled = passages
        self.pinpoint.ids = []
        self.scan_left = SCAN_BUDGET
        try:
            html = self._md.convert(text)
        except TooComplex:
            # Deterministic (a count of characters, not a clock): the same text always
            # falls back, and it reads the same, only without Markdown formatting.
            self.too_complex.append(text)
            html = _plain_paragraphs(text)
        finally:
            self.pinpoint.enabled = False
        if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return sanitize(html)
