"""citeproc-py compatibility layer (baseline, being written)."""
from __future__ import annotations

import citeproc
from citeproc import CitationStylesStyle, CitationStylesBibliography, Citation, CitationItem, Locator, formatter
from citeproc.source.json import CiteProcJSON
from lxml import etree

LOCALES_PATH = citeproc.LOCALES_PATH
CSL_NS = "http://purl.org/net/xbiblio/csl"


def independent_parent(path):
    for _, el in etree.iterparse(str(path), tag="{%s}link" % CSL_NS):
        if el.get("rel") == "independent-parent":
            return el.get("href").rstrip("/").rsplit("/", 1)[-1]
    return None


def load_style(path, locale=None):
    return CitationStylesStyle(str(path), locale=locale, validate=False)


def style_title(style, short=False):
    info = style.root.find("{%s}info" % CSL_NS)
    el = info.find("{%s}title-short" % CSL_NS) if short else None
    if el is None:
        el = info.find("{%s}title" % CSL_NS)
    return el.text.strip()


def is_note_style(style):
    return style.root.get("class") == "note"


def _fmt(fmt):
    return formatter.html if fmt == "html" else formatter.plain


def render_bibliography(style, items, fmt="text"):
    source = CiteProcJSON(items)
    bib = CitationStylesBibliography(style, source, _fmt(fmt))
    for it in items:
        bib.register(Citation([CitationItem(str(it["id"]))]))
    bib.sort()
    out = bib.bibliography()
    return [(item.key, str(text)) for item, text in zip(bib.items, out)]


def render_citation(style, item, fmt="text", *, position="first", locator=None, label="paragraph",
                    first_reference_note_number=1):
    source = CiteProcJSON([item])
    bib = CitationStylesBibliography(style, source, _fmt(fmt))
    kw = {}
    if locator is not None:
        kw["locator"] = Locator(label, locator)
    key = str(item["id"])
    cit = Citation([CitationItem(key, **kw)])
    bib.register(cit)
    if position == "subsequent":
        prior = Citation([CitationItem(key)])
        bib._cites.append(prior.cites[0])
        other = Citation([CitationItem("__other__")])
        bib._cites.append(other.cites[0])
    return str(bib.cite(cit, lambda c: None))
