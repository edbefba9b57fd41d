"""Static pages at ``concepts/<alias or former slug>/`` that send readers to the entry.

Each has a canonical link and a meta refresh (no JavaScript needed), so an old link in a printed
brief keeps working after a rename. Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import escape

from ..model.loader import Entry
from ..model.schema import RESERVED_SLUGS
from .urls import SiteUrls, concept_src, slugify

__all__ = ["redirect_pages"]


def redirect_pages(entries: Mapping[str, Entry], urls: SiteUrls) -> dict[str, str]:
    """``{path in the site: HTML}`` of a redirect page for every alias and former slug that
    is free (never over a generated page: an alias 'Index' would replace concepts/index.html)."""
    out: dict[str, str] = {}
    # Never over a generated page.
    taken = set(entries) | RESERVED_SLUGS
    for slug, entry in entries.items():
        names = [*entry.concept.former_slugs, *entry.concept.aliases]
        for name in names:
            alias_slug = slugify(name)
            if not alias_slug or alias_slug in taken:
                continue
            taken.add(alias_slug)
            src = f"concepts/{alias_slug}.md"
            target = urls.link(src, concept_src(slug))
            absolute = urls.absolute(concept_src(slug))
            path = (f"concepts/{alias_slug}/index.html" if urls.directory_urls
                    else f"concepts/{alias_slug}.html")
            title = escape(entry.title)
            out[path] = (
                "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{title}</title>\n"
                f"<link rel=\"canonical\" href=\"{escape(absolute)}\">\n"
                f"<meta http-equiv=\"refresh\" content=\"0; url={escape(target)}\">\n"
                "<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n"
                f"<p>“{escape(name)}” is now at <a href=\"{escape(target)}\">{title}</a>.</p>\n"
                "</body>\n</html>\n"
            )
    return out
