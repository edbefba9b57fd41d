"""Metadata in a concept page's ``<head>`` for reference managers and search engines:
Highwire (``citation_*``), Dublin Core and schema.org JSON-LD. Nothing here imports MkDocs."""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from markupsafe import escape

from ..model.loader import Entry

__all__ = ["head_html"]


def head_html(entry: Entry, item: dict[str, Any], *, updated: _dt.date | None, description: str,
              site_name: str, site_url: str, publisher: str) -> str:
    """The ``<meta>`` tags and JSON-LD of the entry's page; ``item`` is its CSL-JSON item
    (for the URL) and ``description`` its summary as plain text."""
    url = item["URL"]
    summary = description
    metas = [
        ("citation_title", entry.title),
        ("citation_author", publisher),
        ("citation_publisher", publisher),
        ("citation_journal_title", site_name),
        ("citation_public_url", url),
        ("citation_abstract_html_url", url),
        ("DC.title", entry.title),
        ("DC.creator", publisher),
        ("DC.publisher", publisher),
        ("DC.type", "Text"),
        ("DC.identifier", url),
        ("DC.language", "en"),
        ("DC.description", summary),
    ]
    if updated:
        metas[3:3] = [("citation_date", updated.strftime("%Y/%m/%d")),
                      ("citation_publication_date", updated.strftime("%Y/%m/%d"))]
        metas.append(("DC.date", updated.isoformat()))
    lines = [f'<meta name="{escape(n)}" content="{escape(v)}">' for n, v in metas]
    lines.append('<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">')
    ld = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": entry.title,
        "name": entry.title,
        "description": summary,
        "url": url,
        "author": {"@type": "Organization", "name": publisher},
        "publisher": {"@type": "Organization", "name": publisher},
        "isPartOf": {"@type": "WebSite", "name": site_name,
                     "url": site_url or None},
        "keywords": list(entry.concept.tags),
        "dateCreated": entry.concept.created.isoformat(),
    }
    if updated:
        ld["dateModified"] = updated.isoformat()
        ld["datePublished"] = updated.isoformat()
    data = json.dumps(ld, ensure_ascii=False, sort_keys=True)
    # Inside <script>, "</" would end the element and "<!--" would open a comment.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    lines.append(f'<script type="application/ld+json">{data}</script>')
    return "\n".join(lines) + "\n"

