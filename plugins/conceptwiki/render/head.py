"""Metadata of a concept page for reference managers and search engines: Highwire
(``citation_*``), Open Graph, Dublin Core and schema.org JSON-LD in the ``<head>``, and a COinS
span in the body. Nothing here imports MkDocs.

Why these tags (checked against Zotero's own translators, run headless by
zotero/translation-server; see docs of issue 15):

* No ``citation_journal_title`` and no ``DC.type``: Zotero's "Embedded Metadata" translator
  turns a journal title into a *journal article*, whatever else the page says, and reads
  ``DC.type=Text`` as a journal-article guess too. ``og:type=website`` makes it a *Web Page*,
  and ``og:site_name`` then fills its website title.
* ``citation_author`` stays (Google Scholar wants an author), but no meta tag can mark an
  organisation: Zotero splits it at the last space ("AI Safety Concept" / "Wiki"). The COinS
  span (:func:`coins_span`) is what gives Zotero one single-field author: its COinS translator
  runs before Embedded Metadata, reads ``rft.aucorp`` as an institutional name and
  ``rft_val_fmt=...:mtx:dc`` as a web page.
* ``citation_language``/``DC.language`` and ``citation_abstract``/``og:description`` fill
  Zotero's language and abstract; ``citation_public_url``/``og:url`` its URL.

The same metadata serves concept pages and policy instruments' pages (:class:`PageMeta`): both
are web pages of this wiki, cited with the wiki as their institutional author.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

__all__ = ["PageMeta", "head_html", "coins_span"]


@dataclass(frozen=True)
class PageMeta:
    """What a page's metadata says about it."""

    title: str
    #: The page's absolute URL (its CSL-JSON item's ``URL``).
    url: str
    #: The summary as plain text.
    description: str
    updated: _dt.date | None
    created: _dt.date | None
    keywords: tuple[str, ...]
    site_name: str
    site_url: str
    publisher: str
    #: The site's language (``theme.language``).
    language: str = "en"


def head_html(meta: PageMeta) -> str:
    """The ``<meta>`` tags and JSON-LD of the page."""
    url, updated, publisher, site_name, language = (meta.url, meta.updated, meta.publisher,
                                                     meta.site_name, meta.language)
    summary = meta.description
    date = updated.strftime("%Y/%m/%d") if updated else None
    metas: list[tuple[str, str | None]] = [
        ("citation_title", meta.title),
        ("citation_author", publisher),
        ("citation_publisher", publisher),
        ("citation_date", date),
        ("citation_publication_date", date),
        ("citation_public_url", url),
        ("citation_abstract_html_url", url),
        ("citation_language", language),
        ("citation_abstract", summary),
        ("DC.title", meta.title),
        ("DC.creator", publisher),
        ("DC.publisher", publisher),
        ("DC.date", updated.isoformat() if updated else None),
        ("DC.identifier", url),
        ("DC.language", language),
        ("DC.description", summary),
    ]
    props: list[tuple[str, str | None]] = [
        ("og:type", "website"),
        ("og:site_name", site_name),
        ("og:title", meta.title),
        ("og:url", url),
        ("og:description", summary),
    ]
    lines = [f'<meta name="{escape(n)}" content="{escape(v)}">' for n, v in metas if v]
    lines += [f'<meta property="{escape(n)}" content="{escape(v)}">' for n, v in props if v]
    lines.append('<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">')
    ld = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": meta.title,
        "name": meta.title,
        "description": summary,
        "url": url,
        "inLanguage": language,
        "author": {"@type": "Organization", "name": publisher},
        "publisher": {"@type": "Organization", "name": publisher},
        "isPartOf": {"@type": "WebSite", "name": site_name,
                     "url": meta.site_url or None},
        "keywords": list(meta.keywords),
    }
    if meta.created:
        ld["dateCreated"] = meta.created.isoformat()
    if updated:
        ld["dateModified"] = updated.isoformat()
        ld["datePublished"] = updated.isoformat()
    data = json.dumps(ld, ensure_ascii=False, sort_keys=True)
    # Inside <script>, "</" would end the element and "<!--" would open a comment.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    lines.append(f'<script type="application/ld+json">{data}</script>')
    return "\n".join(lines) + "\n"


def _no_plus(text: str) -> str:
    # Zotero's OpenURL parser turns "+" and "%2B" alike into spaces ("C++" would become "C  "):
    # a full-width plus sign survives and reads the same.
    return text.replace("+", "\uff0b")


def coins_span(meta: PageMeta) -> Markup:
    """An empty ``<span class="Z3988">`` (COinS, OpenURL 0.1 in Dublin Core format) describing
    the page as a web page by the publisher as an institution: the one form of embedded
    metadata that Zotero saves with a single-field author (see the module's docstring)."""
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
             ("rft.type", "webpage"), ("rft.title", _no_plus(meta.title)),
             ("rft.aucorp", _no_plus(meta.publisher)), ("rft.source", _no_plus(meta.site_name))]
    if meta.updated:
        pairs.append(("rft.date", meta.updated.isoformat()))
    pairs += [("rft.identifier", meta.url), ("rft.description", _no_plus(meta.description)),
              ("rft.language", meta.language)]
    title = urlencode([(k, v) for k, v in pairs if v], quote_via=quote)
    return Markup('<span class="Z3988" title="{}"></span>').format(title)
