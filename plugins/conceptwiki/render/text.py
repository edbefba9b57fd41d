"""Entries' Markdown as HTML, with their wikilinks resolved relative to the page showing them.

:class:`EntryText` owns the Markdown renderer and its caches. A summary recurs on many pages
(cards, the index, tag pages, metadata): it is rendered once and its links made relative to
each folder it is shown from, which at 5,000 concepts took ``pages()`` from 6.9 s to 3.2 s
(bench/RESULTS.md). Nothing here imports MkDocs.
"""

from __future__ import annotations

import posixpath
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

from ..model.links import WIKILINK_RE, LinkIndex
from ..model.loader import Entry
from .markup import LinkTarget, MarkdownRenderer, mid_sentence, starts_sentence
from .urls import SiteUrls, concept_src, relative_url

__all__ = ["EntryText", "plain_text", "first_sentence", "shorten", "Resolver"]

#: Resolves a wikilink's target and anchor to a link, or None when it names no entry.
Resolver = Callable[[str, "str | None"], "LinkTarget | None"]


#: Stands for "the site's root, relative to this page" in a shared rendering; random, so that
#: no entry's text can contain it; one per process, so that renderings can be kept.
_LINK_TOKEN = f"cw-root-{secrets.token_hex(8)}/"
#: Inline renderings with marked links, kept by :meth:`EntryText._shared_rendering`.
_INLINE_MEMO: dict[tuple, tuple[str, bool]] = {}
_INLINE_MEMO_LIMIT = 100_000
#: ``mkdocs serve``: plain summaries, slug -> (key, text) (:attr:`EntryText.plain_keys`).
_PLAIN: dict[str, tuple[Any, str]] = {}


def plain_text(html: str) -> str:
    """The text of an HTML fragment, on one line (for descriptions and metadata)."""
    text = re.sub(r"<[^>]+>", "", html)
    text = (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#39;", "'").replace("&amp;", "&"))
    return re.sub(r"\s+", " ", text).strip()


_SENTENCE_END_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]*[A-Z0-9])")
#: Words whose full stop ends no sentence ("Hubinger et al. (2019) argue ...").
_NO_END = frozenset({"al", "e.g", "i.e", "cf", "vs", "viz", "dr", "mr", "mrs", "ms", "prof", "st",
                     "fig", "no", "vol", "ch", "sec", "p", "pp", "approx", "ca", "jr", "sr"})


def first_sentence(text: str) -> str:
    """The first sentence of plain ``text`` (a full stop after "et al.", "e.g." or an initial
    ends none)."""
    for m in _SENTENCE_END_RE.finditer(text):
        before = text[:m.start()]
        word = before.rsplit(None, 1)[-1].lstrip("(\"'\u201c") if before.strip() else ""
        if text[m.start()] == "." and (word.lower() in _NO_END or (len(word) == 1 and word.isupper())):
            continue
        return text[:m.start() + 1].rstrip() if text[m.start()] in ".!?" else text[:m.end()].rstrip()
    return text.strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" if cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


class EntryText:
    """Renders the Markdown fields of entries for the page at a given source path."""

    def __init__(self, index: LinkIndex, entries: Mapping[str, Entry], urls: SiteUrls) -> None:
        self.index = index
        self.entries = entries
        self.urls = urls
        self.renderer = MarkdownRenderer()
        self._plain_summaries: dict[str, str] = {}
        #: ``mkdocs serve``: slug -> what its plain summary is made of, as a key (its text and
        #: each of its wikilinks' target and face; set by the adapter through
        #: ``pipeline.incremental.page_keys``). Plain summaries are then kept between
        #: rebuilds: the previews' 5,000 took 1 s of every rebuild at 5,000 entries.
        self.plain_keys: Mapping[str, Any] | None = None
        self._inline_cache: dict[tuple[str, str], Markup] = {}
        self._shared_inline: dict[str, str] = {}
        # Stands for "the site's root, relative to this page" in a shared rendering; random, so
        # that no entry's text can contain it.
        self._link_token = _LINK_TOKEN
        self._link_marker = re.compile(r'(?<=href=")' + re.escape(self._link_token) + r'([^"]*)')

    def resolver(self, from_src: str) -> Resolver:
        """Resolves wikilinks to links relative to the page ``from_src``."""
        def resolve(target: str, anchor: str | None) -> LinkTarget | None:
            slug = self.index.resolve(target)
            if slug is None or slug not in self.entries:
                return None
            entry = self.entries[slug]
            return LinkTarget(self.urls.link(from_src, concept_src(slug), anchor), entry.title,
                              self.plain_summary(slug), self.mid_title(slug))
        return resolve

    def mid_title(self, slug: str) -> str:
        """The entry's title as a wikilink shows it in the middle of a sentence."""
        c = self.entries[slug].concept
        return mid_sentence(c.title, c.proper_noun)

    def plain_summary(self, slug: str, limit: int = 200) -> str:
        """The summary as plain text (for link titles and previews), without Markdown rendering."""
        cached = self._plain_summaries.get(slug)
        if cached is None:
            key = self.plain_keys.get(slug) if self.plain_keys is not None else None
            kept = _PLAIN.get(slug) if key is not None else None
            if kept is not None and kept[0] == key:
                cached = kept[1]
            else:
                text = self.entries[slug].concept.summary
                text = WIKILINK_RE.sub(self._plain_link, text)
                text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
                text = re.sub(r"[*_`]+", "", text)
                cached = re.sub(r"\s+", " ", text).strip()
                if key is not None:
                    _PLAIN[slug] = (key, cached)
            self._plain_summaries[slug] = cached
        if len(cached) > limit:
            return cached[: limit - 1].rsplit(" ", 1)[0] + "…"
        return cached

    def definition(self, slug: str) -> str:
        """The first sentence of the entry's summary, as plain text (search results)."""
        return first_sentence(self.plain_summary(slug, limit=100_000))

    def gloss(self, slug: str, limit: int = 110) -> str:
        """A one-line gloss of the entry: its first sentence, shortened to ``limit`` characters."""
        return shorten(self.definition(slug), limit)

    def _plain_link(self, m: re.Match) -> str:
        """A wikilink in plain text: its own text, else the title it links to (as the link
        would show it), else what it names."""
        if m.group("text") and m.group("text").strip():
            return m.group("text").strip()
        target = m.group("target").strip()
        slug = self.index.resolve(target)
        if slug is None or slug not in self.entries:
            return target
        return self.entries[slug].title if starts_sentence(m.string[:m.start()]) else self.mid_title(slug)

    def md(self, text: str, from_src: str, *, inline: bool = False) -> Markup:
        """``text`` (Markdown) as HTML for the page ``from_src``; ``inline``: one paragraph's
        content, without the ``<p>``."""
        if not inline:
            return Markup(self.renderer.render(text, inline=False, resolver=self.resolver(from_src)))
        # Summaries recur on many pages (cards, index, tags, metadata): render each once per
        # folder its links are relative to. Concept pages (concepts/<slug>/) all link to other
        # concepts as "../<other>/", so they share one rendering, made from a page that is no
        # concept (a link back to the page itself reads "../<slug>/" on every page).
        url = self.urls.url(from_src)
        base = url.rstrip("/") if url.endswith("/") else posixpath.dirname(url)
        if self.urls.directory_urls and posixpath.dirname(base) in ("concepts", "tags"):
            # Tag pages (tags/<tag>/) likewise share one rendering: summaries link to
            # concepts only, never to a tag page.
            folder = posixpath.dirname(base)
            base, from_src = f"{folder}/*", f"{folder}/ /index.md"
        key = (text, base)
        cached = self._inline_cache.get(key)
        if cached is None:
            # Rendered once for every folder: wikilinks point to a marker and the site-relative
            # URL of their target, made relative to this folder here.
            shared = self._shared_inline.get(text)
            if shared is None:
                shared = self._shared_inline[text] = self._shared_rendering(text)
            from_url = self.urls.url(from_src)
            cached = self._inline_cache[key] = Markup(self._link_marker.sub(
                lambda m: relative_url(from_url, m.group(1)), shared) if self._link_token in shared else shared)
        return cached

    def _shared_rendering(self, text: str) -> str:
        """``text`` rendered inline with marked links, from the process's memo when its
        wikilinks resolve as they did then (a rebuild in ``mkdocs serve`` renders the same
        summaries for the index, cards and the brief: at 1,000 concepts 1,900 renderings took
        4 s of a rebuild). The key holds everything the rendering reads: the text, and for
        each wikilink the target's URL, title, mid-sentence title and plain summary."""
        links: list[tuple[str | None, ...]] = []
        for m in WIKILINK_RE.finditer(text):
            slug = self.index.resolve(m.group("target").strip())
            if slug is None or slug not in self.entries:
                links.append((m.group(0), None))
            else:
                links.append((m.group(0), slug, self.urls.url(concept_src(slug)), self.entries[slug].title,
                              self.plain_summary(slug), self.mid_title(slug)))
        key = (text, tuple(links))
        kept = _INLINE_MEMO.get(key)
        if kept is not None:
            if kept[1]:
                self.renderer.too_complex.append(text)
            return kept[0]
        before = len(self.renderer.too_complex)
        html = self.renderer.render(text, inline=True, resolver=self._marked_resolver)
        if len(_INLINE_MEMO) >= _INLINE_MEMO_LIMIT:
            _INLINE_MEMO.clear()
        _INLINE_MEMO[key] = (html, len(self.renderer.too_complex) > before)
        return html

    def _marked_resolver(self, target: str, anchor: str | None) -> LinkTarget | None:
        slug = self.index.resolve(target)
        if slug is None or slug not in self.entries:
            return None
        url = self.urls.url(concept_src(slug)) + (f"#{anchor}" if anchor else "")
        return LinkTarget(self._link_token + url, self.entries[slug].title, self.plain_summary(slug),
                          self.mid_title(slug))

    def description(self, entry: Entry) -> str:
        """The entry's summary as one line of plain text (page description, metadata)."""
        return plain_text(self.md(entry.concept.summary, concept_src(entry.slug), inline=True))

    def render_warnings(self, entry: Entry) -> tuple[str, ...]:
        """Fields of ``entry`` shown as plain text because they are too complex to render as
        Markdown (call after rendering its page, which renders every such field)."""
        if not self.renderer.too_complex:
            return ()
        out = []
        for loc, text in entry.text_fields():
            if text in self.renderer.too_complex:
                line, col = entry.position(*loc)
                out.append(f"{entry.path}:{line}:{col}: '{'.'.join(map(str, loc))}' has too many "
                           "unclosed '[' or '(' to render as Markdown; it is shown as plain text "
                           "(escape literal brackets as '\\[')")
        return tuple(out)
