"""Incremental rebuilds (``mkdocs serve --dirty``): what each generated page shows, as a key.

A rebuild in ``mkdocs serve`` re-reads the project, but it need only re-render and re-write
the pages whose inputs changed. :func:`page_keys` gives every generated page a *dependency
key*: a hash of everything the page shows, so that an unchanged key means unchanged bytes.
The adapter keeps the last build's keys (a plugin with ``on_startup`` lives as long as the
server, MkDocs 1.4+) and tells MkDocs that a page whose key is unchanged is not modified
(``File.is_modified()``, which MkDocs consults for ``--dirty`` builds); its renderer is never
called. Anything that every page shows (the configuration, templates, styles, the plugin's
own code, the navigation) is in :func:`global_key`: when it changes, every page is rebuilt.

What a concept page shows of other entries, and so what its key holds:

* its own entry file, git date, published versions and fingerprint, and its sources' BibTeX;
* of every entry it lists as related or as a backlink: that entry's card key
  (:attr:`EntryKeys.view`) -- its face (the entry without its long texts: details, sections,
  key points, governance relevance, which only its own page shows) and what each link of its
  summary shows (a card renders the summary);
* of every other entry it links to: what the link shows (:attr:`EntryKeys.link`), the title
  and the start of the plain summary, which is the link's hover title;
* of every entry its concept map draws: title, kind and tags (:attr:`EntryKeys.node`);
* what each of its wikilinks resolves to (an alias added elsewhere can re-route a link);
* the concept map's neighbourhood as drawn (which nodes, edges and hidden counts), since
  which neighbours are drawn depends on other entries' degrees;
* the hand-written pages linking to it.

Tag pages hold their members' view keys; a source's page its BibTeX and the view keys of the
entries citing it; the lists of everything (the A-Z index, the brief, the sources list)
hold the whole wiki's key, the graph page its nodes' keys (title, kind, tags) and links. Data files (exports, brief data, previews, redirects) are
compared by their content instead (:func:`content_digest`), which is exact.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import fields as dc_fields
from pathlib import Path
from typing import Any

from ..model.links import WIKILINK_RE
from ..model.loader import Entry
from ..render.site import SiteBuilder
from ..render.sources import SOURCES_INDEX
from ..render.urls import concept_src, tag_src

__all__ = ["page_keys", "global_key", "content_digest", "tree_digest", "EntryKeys", "WORLD"]

#: The key of the pages that show every entry (index, brief, sources list).
WORLD = "*"
#: The whole-wiki graph page (``render/listings.py``).
GRAPH_SRC = "graph/index.md"

PLUGIN_DIR = Path(__file__).resolve().parent.parent

#: The last build's neighbourhoods: the digest of the graph's links they were drawn from, the
#: title keys of its nodes, the neighbourhoods and their digests.
_HOODS: dict[str, tuple[str, dict[str, Any], dict[str, tuple], dict[str, str]]] = {}


def _h(*parts: Any) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def content_digest(text: str | bytes) -> str:
    """The digest of a data file's content (exact comparison with the last build's file)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text,
                           digest_size=16).hexdigest()


def tree_digest(folders: Iterable[Path | str], *, contents: bool = False) -> str:
    """A digest of every file under ``folders``: names, sizes and modification times (or their
    bytes with ``contents``). For the plugin's code and templates, the site's template and
    theme overrides and the instruments."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            digest.update(f"missing {folder}\n".encode())
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                    digest.update(f"{path}\0{st.st_size}\0".encode("utf-8", "surrogateescape"))
                    if contents:
                        with open(path, "rb") as fh:
                            digest.update(fh.read())
                    else:
                        digest.update(str(st.st_mtime_ns).encode())
                except OSError:
                    digest.update(f"unreadable {path}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def global_key(builder: SiteBuilder, *, extra: Iterable[Any] = ()) -> str:
    """What every generated page may show: the site's settings (not the per-entry git dates
    and versions, which are in the entries' keys), the plugin's code, templates and assets,
    the site's own templates and the instruments, and ``extra`` (the adapter adds the
    ``mkdocs.yml`` file, the theme folders and the navigation)."""
    site = builder.site
    settings = [(f.name, getattr(site, f.name)) for f in dc_fields(site)
                if f.name not in ("git_dates", "versions")]
    status = site.versions.status if site.versions is not None else None
    root = builder.wiki.root
    folders = [PLUGIN_DIR, Path(root) / site.instruments_dir]
    if site.templates_dir:
        folders.append(Path(root) / site.templates_dir)
    return _h(settings, status, tree_digest(folders), *extra)


class EntryKeys:
    """Per-entry keys of one build (see the module's doc)."""

    def __init__(self, builder: SiteBuilder) -> None:
        self.b = builder
        self.entries = builder.entries
        index = builder.wiki.index
        history = builder.history
        self._resolved: dict[str, str | None] = {}
        self._sources: dict[str, str] = {}
        self._hoods: dict[str, tuple] | None = None
        self._hood_keys: dict[str, str] | None = None
        self._shape: str | None = None

        def resolve(target: str) -> str | None:
            if target not in self._resolved:
                slug = index.resolve(target)
                self._resolved[target] = slug if slug in self.entries else None
            return self._resolved[target]

        self.resolve = resolve
        #: slug -> (target as written, slug it resolves to) of every wikilink in the entry.
        self.links: dict[str, list[tuple[str, str | None]]] = {}
        #: slug -> slugs its summary links to.
        self.summary_links: dict[str, list[str]] = {}
        #: slug -> the targets of its summary's wikilinks, as written.
        self.summary_targets: dict[str, list[str]] = {}
        #: slug -> its file.
        self.text: dict[str, str] = {}
        #: slug -> its file, dates, versions and fingerprint (what its own page shows).
        self.own: dict[str, str] = {}
        #: slug -> what other pages show of it: the entry without its long texts (cards,
        #: link titles, maps and lists show its title, kind, status, tags, aliases and
        #: summary; an edit of its details re-renders its own page only).
        self.face: dict[str, str] = {}
        for slug, e in self.entries.items():
            text_key, targets, summary_targets, face = _facts(e)
            self.links[slug] = [(t, resolve(t)) for t in targets]
            self.summary_links[slug] = sorted({s for t in summary_targets if (s := resolve(t))})
            self.summary_targets[slug] = summary_targets
            self.text[slug] = text_key
            self.face[slug] = face
            self.own[slug] = _kept_h("own", slug, text_key, history.last_updated(e), history.versions(e),
                                     history.fingerprint(e))
        #: Whether the concept pages are the plugin's own templates (none overridden): a page's
        #: key then holds what they show of its related and linking entries (see
        #: :meth:`concept`), else each one's whole card.
        self.own_templates = builder.templates.all_own("concept.html.j2", "concept.md.j2")
        self._link: dict[str, str] | None = None
        self._view: dict[str, str] | None = None
        self._kind_glance: dict[str, str] | None = None
        self._gloss_glance: dict[str, tuple[str, str]] | None = None
        #: What a concept map shows of a node it draws (graph.html: title, kind and tags).
        self.node = {s: _kept_h("node", s, e.title, e.concept.kind.value, tuple(e.concept.tags))
                     for s, e in self.entries.items()}

    @property
    def link(self) -> dict[str, str]:
        """slug -> what a wikilink to the entry shows: its title as the link's text (at the
        start of a sentence or in its middle) and, as the link's hover title, its plain summary
        as far as the title shows it (:meth:`~conceptwiki.render.text.EntryText.plain_summary`,
        its first 200 characters, with its own wikilinks read as titles). Made from the plain
        summaries themselves, which the adapter keeps between rebuilds (``plain_keys``): keyed
        by the whole entry instead, a sentence added to the end of one summary re-rendered 74
        pages at 1,000 entries, 40 of them only because they show the title of a link to an
        entry whose summary links to the edited one."""
        if self._link is None:
            text = self.b.text
            self._link = {s: _kept_h("link", s, e.title, text.mid_title(s), text.plain_summary(s))
                          for s, e in self.entries.items()}
        return self._link

    @property
    def kind_glance(self) -> dict[str, str]:
        """slug -> the entry's title and kind: what the plugin's own templates show of an
        entry listed as citing a source or linking to a concept."""
        if self._kind_glance is None:
            self._kind_glance = {s: _kept_h("glance", s, e.title, e.concept.kind.value)
                                 for s, e in self.entries.items()}
        return self._kind_glance

    @property
    def gloss_glance(self) -> dict[str, tuple[str, str]]:
        """slug -> the entry's title and gloss (its summary's first sentence, shortened): what
        the plugin's own concept template shows of a related entry."""
        if self._gloss_glance is None:
            text = self.b.text
            self._gloss_glance = {s: (e.title, text.gloss(s)) for s, e in self.entries.items()}
        return self._gloss_glance

    @property
    def view(self) -> dict[str, str]:
        """slug -> what a card of the entry shows (lists, tag and source pages, and the related
        and backlink entries of a concept page, whose template is handed the whole card): its
        face, and each link of its rendered summary (:attr:`link` of the entries it links to)."""
        if self._view is None:
            link = self.link
            self._view = {s: _kept_h("view", s, self.face[s], tuple((t, link[t]) for t in self.summary_links[s]))
                          for s in self.entries}
        return self._view

    def source(self, key: str) -> str:
        found = self._sources.get(key)
        if found is None:
            found = self._sources[key] = self._source(key)
        return found

    def _source(self, key: str) -> str:
        s = self.b.sources.get(key)
        if s is None:
            return "missing"
        kept = _SOURCE_KEYS.get(id(s))
        if kept is not None and kept[0] is s:
            return kept[1]
        found = _h(s.key, s.type, sorted(s.fields.items()), s.path, s.line,
                   json.dumps(s.csl(), sort_keys=True, default=str))
        if len(_SOURCE_KEYS) >= _FACTS_LIMIT:
            _SOURCE_KEYS.clear()
        _SOURCE_KEYS[id(s)] = (s, found)
        return found

    def cited(self, e: Entry) -> list[str]:
        c = e.concept
        return list(dict.fromkeys([c.sources.primary, *c.sources.further]))

    def concept(self, slug: str) -> str:
        b = self.b
        e = self.entries[slug]
        # Its related and linking entries: the template is handed each one's card. The
        # plugin's own template shows a related entry's title and gloss (its summary's first
        # sentence) and a linking entry's title and kind, so with it a page's key holds just
        # those: at 1,000 entries a title edit re-rendered 10 pages that showed a card's
        # summary's link to the retitled entry nowhere. A site's own template may show more:
        # then each whole card (:attr:`view`).
        related = set(b.related.get(slug, ())) - {slug}
        backs = set(self.backlinks(slug)) - related - {slug}
        shown: tuple[tuple[Any, ...], ...]
        if self.own_templates:
            glance, gloss = self.kind_glance, self.gloss_glance
            shown = (tuple(("related", d, gloss[d]) for d in sorted(related))
                     + tuple(("linking", d, glance[d]) for d in sorted(backs)))
        else:
            shown = tuple((d, self.view[d]) for d in sorted(related | backs))
        # Those it links to (a link shows a title and a plain summary's start), and those its
        # concept map draws (by title, kind and tags only: an edited summary re-renders the
        # pages that show it, not every map it appears on).
        linked = {t for _w, t in self.links[slug] if t is not None} - {slug}
        hood = self.hoods.get(slug)
        drawn = sorted(set(hood[-1]) - {slug}) if hood is not None else []
        docs = [(p.src_uri, p.title) for p in b.doc_backlinks.get(slug, ())]
        # The instruments that address it cite their sources at a pinpoint on its page and
        # in its brief data (the instruments' files are in the site's key, their BibTeX not).
        pages = getattr(b, "instruments", None)
        uses = sorted({k for islug, _n in pages.uses.get(slug, ())
                       for k in pages.instruments[islug].instrument.cited_keys()}) if pages is not None else []
        link, node = self.link, self.node
        parts = (self.own[slug], self.view[slug], tuple(self.links[slug]), self.hood_keys.get(slug), tuple(docs),
                 tuple((k, self.source(k)) for k in self.cited(e)), tuple((k, self.source(k)) for k in uses),
                 shown, tuple((d, link[d]) for d in sorted(linked)),
                 tuple((d, node[d]) for d in drawn))
        return _kept_h("concept", slug, *parts)

    @property
    def hoods(self) -> dict[str, tuple]:
        """slug -> its concept map's neighbourhood as drawn (nodes, hidden counts, edges), for
        every entry with neighbours. Remembered across rebuilds while the graph's structure and
        the titles (which order the nodes) stay the same: the neighbourhoods of 1,000 entries
        took 0.3 s of every rebuild."""
        if self._hoods is None:
            graph = self.b.graph
            shape = self.shape
            titles = {s: graph.title_key(s) for s in graph.nodes}
            kept = _HOODS.get("shape")
            if kept is not None and kept[0] == shape:
                # The same links: only the maps within two hops of a retitled entry can change
                # (a neighbourhood ranks and orders the nodes up to two hops away by title, and
                # looks no further). A title edit at 1,000 entries drew all 1,000 maps again
                # (0.97 s of the rebuild, profiled) for the few dozen it can reach.
                old_titles, hoods, keys = kept[1], dict(kept[2]), dict(kept[3])
                retitled = {s for s in graph.nodes if old_titles.get(s) != titles[s]}
                reach = set(retitled)
                # A neighbourhood is made of slugs chosen and ordered by comparing title keys
                # (and degrees, which the same links keep): while every node keeps its place
                # in title order, every comparison and so every neighbourhood is the same (a
                # retitle that fixes a word, say). Sorting 5,000 titles takes milliseconds.
                if retitled and sorted(graph.nodes, key=old_titles.__getitem__) == sorted(graph.nodes, key=titles.__getitem__):
                    reach = set()
                for _hop in range(2):
                    reach |= {n for s in reach for n in graph.adj[s]}
                todo = sorted(reach)
            else:
                hoods, keys = {}, {}
                todo = list(graph.nodes)
            for slug in todo:
                if graph.adj[slug]:
                    h = graph.neighbourhood(slug)
                    hoods[slug] = (h.first, h.second, sorted(h.parent.items()), h.hidden_first,
                                   h.hidden_second, sorted(map(tuple, h.edges)), h.nodes)
                    keys[slug] = _h(hoods[slug])
                else:
                    hoods.pop(slug, None)
                    keys.pop(slug, None)
            self._hoods, self._hood_keys = hoods, keys
            _HOODS["shape"] = (shape, titles, hoods, keys)
        return self._hoods

    @property
    def shape(self) -> str:
        """A digest of the concept graph's nodes and links (not their titles)."""
        if self._shape is None:
            graph = self.b.graph
            self._shape = _h(sorted((s, sorted(v)) for s, v in graph.out.items() if v),
                             sorted((s, sorted(v)) for s, v in graph.related.items() if v), sorted(graph.nodes))
        return self._shape

    @property
    def hood_keys(self) -> dict[str, str]:
        """slug -> a digest of :attr:`hoods`' entry, made with it: a page's key holds this
        instead of the neighbourhood itself (its ``repr`` was most of the 1.2 s the concept
        pages' keys took at 5,000 entries, profiled)."""
        if self._hood_keys is None:
            self.hoods  # noqa: B018 (fills both)
        assert self._hood_keys is not None
        return self._hood_keys

    def backlinks(self, slug: str) -> list[str]:
        return list(self.b.backlinks.get(slug, ()))


#: The long texts of an entry, shown on its own page only.
LONG_TEXTS = frozenset({"details", "history", "criticisms", "open_questions", "example", "key_points",
                        "governance_relevance"})


def _facts(e: Entry) -> tuple[str, list[str], list[str], str]:
    """An entry's file key, the targets of its wikilinks (all, and the summary's) and its
    face (:attr:`EntryKeys.face`), kept while the loader hands out the same entry (an
    unchanged file, :func:`~conceptwiki.model.loader.load_entry`)."""
    kept = _ENTRY_FACTS.get(id(e))
    if kept is not None and kept[0] is e:
        return kept[1]
    text = "\n".join(e.lines)
    face = e.concept.model_dump(mode="json", exclude=set(LONG_TEXTS))
    facts = (_h(e.path, text), [m.group("target").strip() for m in WIKILINK_RE.finditer(text)],
             [m.group("target").strip() for m in WIKILINK_RE.finditer(e.concept.summary)],
             _h(e.path, json.dumps(face, sort_keys=True, ensure_ascii=False)))
    if len(_ENTRY_FACTS) >= _FACTS_LIMIT:
        _ENTRY_FACTS.clear()
    _ENTRY_FACTS[id(e)] = (e, facts)
    return facts


#: What is kept of the entries and sources between ``mkdocs serve`` rebuilds, by identity
#: (the object is kept with it, so its id is not reused while it is here).
_ENTRY_FACTS: dict[int, tuple[Entry, tuple[str, list[str], list[str], str]]] = {}
_SOURCE_KEYS: dict[int, tuple[Any, str]] = {}
#: (kind of key, slug) -> the parts of the key and the key (:func:`_kept_h`).
_KEYS: dict[tuple[str, str], tuple[tuple, str]] = {}


def _kept_h(kind: str, slug: str, *parts: Any) -> str:
    """``_h(kind, *parts)``, kept while the parts are equal: comparing them is cheaper than
    hashing their text, and between ``mkdocs serve`` rebuilds almost every key is the same
    (the 5,000 concept pages' keys took 0.66 s of a profiled rebuild, the entries' own, link,
    card and node keys 0.4 s more)."""
    kept = _KEYS.get((kind, slug))
    if kept is not None and kept[0] == parts:
        return kept[1]
    key = _h(kind, *parts)
    if len(_KEYS) >= _FACTS_LIMIT:
        _KEYS.clear()
    _KEYS[(kind, slug)] = (parts, key)
    return key
_FACTS_LIMIT = 200_000


def page_keys(builder: SiteBuilder, srcs: Iterable[str], *, site_key: str | None = None) -> dict[str, str]:
    """The dependency key of every generated page in ``srcs`` (the source path of each page
    :meth:`SiteBuilder.page_plan` lists). Pages of a kind this does not know get the whole
    wiki's key (:data:`WORLD`): rebuilt on any change, which is always right.

    With ``site_key`` (the site's :func:`global_key`), the builder's parts that keep what
    they made between rebuilds get their keys too: the lists' cards (an entry's view key),
    the sources index and the plain summaries (an entry's face and its summary's link targets')."""
    keys = EntryKeys(builder)
    if site_key is not None:
        # First the plain summaries' keys: the link keys are made of the plain summaries.
        face, resolve = keys.face, keys.resolve
        builder.text.plain_keys = {s: (site_key, face[s], [(t, r, face[r] if r else None) for t in targets
                                                          for r in (resolve(t),)])
                                   for s, targets in keys.summary_targets.items()}
        builder.cards.keys = {s: (site_key, v) for s, v in keys.view.items()}
        builder.source_pages.keep_key = site_key
    world = _h(sorted(keys.own.items()), sorted(keys.view.items()),
               sorted((k, keys.source(k)) for k in builder.sources))
    by_src: dict[str, str] = {}
    concept_srcs = {concept_src(slug): slug for slug in builder.entries}
    tag_srcs = {tag_src(tag): tag for tag in builder.tags}
    source_srcs = builder.source_pages.page_srcs()
    cited_by: Mapping[str, tuple[list[str], list[str]]] = builder.source_pages.cited_by
    own_source = builder.templates.all_own("source.md.j2")
    for src in srcs:
        if src in concept_srcs:
            by_src[src] = keys.concept(concept_srcs[src])
        elif src in tag_srcs:
            members = builder.tags[tag_srcs[src]]
            by_src[src] = _h("tag", src, [(s, keys.view[s]) for s in members])
        elif src == GRAPH_SRC:
            # The graph page draws and lists every entry by title, kind and tags, with its links.
            by_src[src] = _h("graph", keys.shape, sorted(keys.node.items()))
        elif src == "tags/index.md":
            by_src[src] = _h("tags", [(t, len(v)) for t, v in builder.tags.items()])
        elif src in source_srcs:
            key = source_srcs[src]
            primary, further = cited_by[key]
            # The citing entries: the template is handed each one's card; the plugin's own
            # shows its title and kind.
            shown = keys.kind_glance if own_source else keys.view
            by_src[src] = _h("source", key, keys.source(key), [(s, shown[s]) for s in primary],
                             [(s, shown[s]) for s in further])
        elif src == SOURCES_INDEX:
            # Every source's facts and whether any entry cites it: nothing else of the entries.
            by_src[src] = _h("sources", [(k, keys.source(k), bool(cited_by[k][0] or cited_by[k][1]))
                                         for k in builder.sources])
        else:
            by_src[src] = _h(WORLD, src, world)
    return by_src
