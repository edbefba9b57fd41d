"""Checks a built site for executable content, with an HTML parser.

Used by ``tests/test_hostile.py``. A *violation* is anything a browser could execute or that
changes where the page loads things from: a ``<script>`` that is not the theme's or ours, an
``on*`` event-handler attribute, a URL attribute with a scheme other than http, https or
mailto, an element that embeds or submits content (``iframe``, ``object``, ``embed``,
``form``, ``base``, ``meta http-equiv``), SVG or MathML inside the page content, and JSON-LD
that does not parse or could end its ``<script>`` element early.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

#: Lines for the end of the test run (printed by conftest.pytest_terminal_summary).
REPORT_KEY = pytest.StashKey[list]()

#: Attributes whose value is a URL a browser may load or navigate to.
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
             "cite", "codebase", "ping", "manifest", "lowsrc", "dynsrc", "longdesc", "usemap",
             "profile", "icon", "archive", "classid", "srcset", "imagesrcset"}
SAFE_SCHEMES = {"http", "https", "mailto"}
#: Never acceptable anywhere in the site.
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "foreignobject",
                  "animate", "set", "animatemotion", "animatetransform", "use", "image", "portal",
                  "template", "noscript", "xmp", "textarea", "img", "video", "audio",
                  "source", "track", "picture", "param", "isindex", "plaintext", "listing"}
#: Every tag the generated content (templates + sanitised Markdown + Material) uses.
ARTICLE_TAGS = {
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "button", "cite", "code", "dd", "del",
    "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "input", "kbd", "label",
    "li", "nav", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "ul",
    # Concept maps, version lists, the graph filter.
    "figure", "figcaption", "details", "summary", "section", "form", "select", "option", "output",
    "fieldset", "legend",
}
#: The SVG of concept maps (drawn by plugins/conceptwiki/graph.py), allowed only inside
#: <figure class="cw-graph">; icons are <svg aria-hidden> from the theme. SVG anywhere else in
#: the content came from an entry and is a violation.
GRAPH_SVG_TAGS = {"svg", "g", "path", "text", "tspan", "title", "desc", "defs", "marker", "circle",
                  "rect", "polygon", "ellipse", "line", "a"}
GRAPH_SVG_ATTRS = {"xmlns", "xmlns:xlink", "viewbox", "width", "height", "d", "transform", "x", "y",
                   "text-anchor", "marker-end", "marker-start", "markerheight", "markerwidth",
                   "orient", "refx", "refy", "xlink:href", "focusable", "cx", "cy", "r", "rx", "ry",
                   "points", "x1", "x2", "y1", "y2"}
#: Every attribute the generated content uses.
ARTICLE_ATTRS = {
    "class", "id", "href", "title", "align", "start", "datetime", "type", "name", "checked", "for",
    "aria-label", "data-copy", "data-tabs", "data-build-date", "data-date-format", "data-format",
    "download", "rel", "role", "hidden", "value", "aria-current", "aria-hidden", "aria-labelledby",
    "aria-describedby", "aria-live", "aria-pressed", "aria-expanded", "aria-controls",
}
#: data-* attributes are data, not code; what matters is that entry text in them is escaped
#: (a break-out would show up here as an unexpected attribute or element).
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


@dataclass(frozen=True)
class Violation:
    file: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.kind}: {self.detail[:300]}"


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in ``value``: it strips leading/trailing C0 controls
    and spaces and ignores tabs and newlines anywhere (WHATWG URL parsing)."""
    v = value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13"
                    "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    v = re.sub(r"[\t\n\r]", "", v)
    m = _SCHEME_RE.match(v)
    return m.group(1).lower() if m else None


def bad_url(value: str) -> bool:
    scheme = url_scheme(value)
    return scheme is not None and scheme not in SAFE_SCHEMES


def normalise_inline_script(text: str) -> str:
    """Inline theme scripts differ only in the relative path to the site root."""
    text = re.sub(r'new URL\("(?:\.\./)*\.?\.?(?:/wiki/)?"', 'new URL("<base>"', text.strip())
    return re.sub(r'"(?:/wiki/|(?:\.\./)*)(?=assets/)', '"<base>', text)


def in_graph(el) -> bool:
    """Inside a concept map's figure, or a theme icon (an <svg aria-hidden> and its parts)."""
    if el.find_parent("figure", class_="cw-graph") is not None:
        return True
    svg = el if el.name == "svg" else el.find_parent("svg")
    return svg is not None and svg.get("aria-hidden") == "true" and not svg.find_parent(class_="cw-details")


def is_map_scroller(el, attr: str, value: str) -> bool:
    """The concept map's scrolling frame is a tab stop (so a keyboard can scroll it on a
    phone): ``tabindex="0"`` there and nowhere else in the article."""
    return (attr == "tabindex" and value == "0" and el.name == "div"
            and "cw-graph__scroll" in (el.get("class") or []))


def check_soup(doc: BeautifulSoup, name: str, *, allowed_inline: set[str], redirect: bool = False,
               fragment: bool = False) -> list[Violation]:
    out: list[Violation] = []

    def bad(kind: str, detail: str) -> None:
        out.append(Violation(name, kind, detail))

    article = None if fragment else doc.select_one("article")
    for el in doc.find_all(True):
        tag = el.name.lower()
        in_article = fragment or (article is not None and (el is article or article in el.parents))
        for attr, value in el.attrs.items():
            a = attr.lower()
            value = " ".join(value) if isinstance(value, list) else str(value)
            if a.startswith("on"):
                bad("event handler", f"<{tag} {attr}={value!r}>")
            if a in URL_ATTRS and bad_url(value):
                bad("script URL", f"<{tag} {attr}={value!r}>")
            if a in ("values", "from", "to", "by") and "script" in value.lower():
                bad("script URL", f"<{tag} {attr}={value!r}>")
            if a == "srcdoc":
                bad("srcdoc", f"<{tag} srcdoc=...>")
            if a == "style" and re.search(r"expression|javascript|url\s*\(", value, re.I):
                bad("style", f"<{tag} style={value!r}>")
            if in_article and a not in ARTICLE_ATTRS and not a.startswith("data-") \
                    and not (in_graph(el) and a in GRAPH_SVG_ATTRS) and not is_map_scroller(el, a, value):
                bad("unexpected attribute", f"<{tag} {attr}={value!r}>")
        if tag == "script":
            src = el.get("src")
            kind = (el.get("type") or "").lower()
            if src is not None:
                if fragment or not re.fullmatch(r"(?:/wiki/|(?:\.\./)*)assets/(?:javascripts/bundle\.[0-9a-f]+\.min\.js"
                                                 r"|conceptwiki/(?:conceptwiki|preview|graph|pinpoint|brief|brief-doc|cw-search)\.js)", src):
                    bad("script", f"<script src={src!r}>")
            elif kind == "application/ld+json":
                raw = el.string or ""
                if re.search(r"</script|<!--", raw, re.I):
                    bad("JSON-LD break-out", raw)
                try:
                    json.loads(raw)
                except ValueError as exc:
                    bad("JSON-LD does not parse", str(exc))
            elif kind == "application/json" and el.get("id") == "__config":
                try:
                    json.loads(el.string or "")
                except ValueError as exc:
                    bad("theme config does not parse", str(exc))
            elif fragment or normalise_inline_script(el.string or "") not in allowed_inline:
                bad("script", str(el)[:300])
            if in_article:
                bad("script in content", str(el)[:300])
        if tag in FORBIDDEN_TAGS:
            bad("forbidden element", str(el)[:300])
        graph_filter = el.has_attr("data-cw-graph-filter") and "action" not in el.attrs
        if tag == "form" and not graph_filter and not (el.get("name") == "search" and "action" not in el.attrs and not in_article):
            bad("form", str(el)[:300])
        if tag == "meta" and el.get("http-equiv") is not None:
            content = el.get("content", "")
            url = content.split("url=", 1)[1] if "url=" in content else ""
            if not (redirect and el["http-equiv"].lower() == "refresh" and url.startswith("../")
                    and not bad_url(url)):
                bad("meta http-equiv", str(el))
        if tag in ("style", "link") and (fragment or in_article or not el.find_parent("head")):
            bad(tag, str(el)[:300])
        elif tag == "style" and normalise_inline_script(str(el)) not in allowed_inline:
            bad(tag, str(el)[:300])
        elif tag == "link":
            rel = {r.lower() for r in el.get("rel") or []}
            if rel - {"icon", "stylesheet", "canonical", "schema.dc", "prev", "next", "alternate"}:
                bad("link", str(el))
            elif "stylesheet" in rel and url_scheme(el.get("href", "")) is not None \
                    and normalise_inline_script(str(el)) not in allowed_inline:
                bad("external stylesheet", str(el))
        if in_article and tag not in ARTICLE_TAGS and not (in_graph(el) and tag in GRAPH_SVG_TAGS):
            bad("unexpected element in content", str(el)[:300])
    if not fragment:
        # DOM clobbering: an id from an entry that the page's scripts look up by id.
        ids: dict[str, int] = {}
        for el in doc.find_all(id=True):
            ids[el["id"]] = ids.get(el["id"], 0) + 1
        for id_, n in ids.items():
            if n > 1 and id_.startswith(("__", "cw-", "md-", "ref-")):
                bad("duplicate id", id_)
    return out


def check_site(site: Path) -> tuple[list[Violation], int]:
    """All violations in ``site`` and the number of HTML documents and index records checked."""
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    # The theme's own inline scripts, styles and links, as on the home page (no entry there).
    allowed_inline = {normalise_inline_script(s.string or "") for s in home.find_all("script")
                      if not s.get("src") and not s.get("type")}
    allowed_inline |= {normalise_inline_script(str(s)) for s in home.select("head style, head link")}
    violations: list[Violation] = []
    checked = 0
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8")
        doc = BeautifulSoup(text, "html.parser")
        redirect = doc.select_one('meta[name="robots"][content="noindex"]') is not None
        violations += check_soup(doc, rel, allowed_inline=allowed_inline, redirect=redirect)
        checked += 1
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text"):
            frag = BeautifulSoup(doc.get(key, ""), "html.parser")
            name = f"search_index.json[{doc['location']}].{key}"
            for v in check_soup(frag, name, allowed_inline=set(), fragment=True):
                violations.append(v)
            for el in frag.find_all(True):
                if el.name not in {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"} or el.attrs:
                    violations.append(Violation(name, "markup in search index", str(el)[:300]))
        checked += 1
    return violations, checked
