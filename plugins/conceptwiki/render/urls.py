"""Where each page is served, and relative links between pages (the site's URL policy).

Concept pages are ``concepts/<slug>.md``, tag pages ``tags/<tag>.md``, source pages
``sources/<key>.md``; with
``use_directory_urls`` a page ``a/b.md`` is served at ``a/b/``, else at ``a/b.html``.
Links between pages are relative, so the site works under any path and from a folder.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata

__all__ = ["concept_src", "instrument_src", "tag_src", "source_src", "source_name", "page_url", "relative_url", "slugify", "SiteUrls"]


def concept_src(slug: str) -> str:
    return f"concepts/{slug}.md"


def instrument_src(slug: str) -> str:
    return f"instruments/{slug}.md"


def tag_src(tag: str) -> str:
    return f"tags/{tag}.md"


def source_name(key: str) -> str:
    """A BibTeX key as a file name: characters a key may hold but a URL path should not
    (``/``, ``:``, ``+``) become hyphens; keys are unique ignoring case, so lower case."""
    return re.sub(r"[^a-z0-9_.-]", "-", key.lower())


def source_src(key: str) -> str:
    return f"sources/{source_name(key)}.md"


@functools.lru_cache(maxsize=1 << 16)
def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL (relative to the site root, no leading slash) a Markdown source is served at."""
    stem, _ = posixpath.splitext(src_uri)
    if not directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) in ("index", "README"):
        d = posixpath.dirname(stem)
        return d + "/" if d else ""
    return stem + "/"


@functools.lru_cache(maxsize=1 << 17)
def relative_url(from_url: str, to_url: str) -> str:
    """A relative link from the page at ``from_url`` to ``to_url`` (both site-relative).
    Kept (a pure function of two strings): ``posixpath.relpath`` took 0.27 s of a profiled
    serve rebuild at 5,000 entries, for 9,200 links most of which it had made before."""
    to_path, _, frag = to_url.partition("#")
    base = posixpath.dirname(from_url) if not from_url.endswith("/") else from_url.rstrip("/")
    rel = posixpath.relpath(to_path or ".", base or ".")
    if (to_path.endswith("/") or not to_path) and not rel.endswith("/"):
        rel += "/"  # a folder, or the site's root page
    if rel == "./":
        rel = "./"
    return rel + (f"#{frag}" if frag else "")


def slugify(name: str) -> str:
    """A URL slug for an alias: ASCII lower case, runs of other characters become one hyphen."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:100]


class SiteUrls:
    """The URL policy of one site: where a source is served, links between two pages, and
    absolute URLs (``site_url`` + path) for citations and metadata."""

    def __init__(self, site_url: str = "", directory_urls: bool = True) -> None:
        self.site_url = site_url
        self.directory_urls = directory_urls

    def url(self, src_uri: str) -> str:
        return page_url(src_uri, self.directory_urls)

    def link(self, from_src: str, to_src: str, anchor: str | None = None) -> str:
        target = self.url(to_src) + (f"#{anchor}" if anchor else "")
        return relative_url(self.url(from_src), target)

    def absolute(self, src_uri: str) -> str:
        base = self.site_url.rstrip("/") + "/" if self.site_url else "/"
        return base + self.url(src_uri)
