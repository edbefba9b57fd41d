"""The brief basket: what the Brief page needs to cite any set of concepts together.

A reader collects concepts in the browser (``assets/brief.js``) and copies or downloads one
bibliography of them and, if they choose, of their primary and further sources. There is no
citation engine in the browser, so the build writes, for each concept, a small file
``cite/<slug>.brief.json`` (fetched only for the concepts in the basket) with each item it
may contribute -- the page itself, its primary source, its further sources -- as:

* ``csl``, ``bibtex``, ``ris``: the CSL-JSON item and its BibTeX and RIS entries (what the
  downloads are made of; the page's accessed date is the build's, the browser sets today's);
* ``styles.<style>``: the entry in each configured style, rendered at build time as it
  appears *in a list* (HTML, with the page's accessed date marked as on concept pages), and
  what the list-level steps of CSL need: ``sort`` (the values the style's ``cs:sort``
  compares), ``group`` (items of one list with the same group get year suffixes a, b, ...)
  and ``names`` (compared with the previous entry's by subsequent-author-substitute), with
  the variants ``ys`` (year suffix, written as :data:`YEAR_SUFFIX`), ``sub`` (names
  substituted) and ``ys_sub`` where some other item of the wiki could make them needed.
  Numeric styles get :data:`CITATION_NUMBER` where the item's number in the list goes.

:func:`assemble` puts a bibliography together from these parts exactly as the engine's
``bibliography()`` does (sorted, de-duplicated by id, year suffixes, author substitution);
``brief.js`` does the same in the browser. ``group`` and ``names`` are short hashes.

Policy instruments go into a brief as concepts do: ``cite/instruments/<slug>.brief.json``
(:meth:`BriefBuilder.instrument_data`) has the instrument page's item, the instrument's own
text as its primary source, and a pack with its summary, status and the concepts it
addresses. Each concept's pack lists the instruments that address it (``links``), and each
instrument's the concepts (:meth:`BriefBuilder.links`): a line per pinpoint, cited to its
source *at* the pinpoint (:func:`with_pinpoint`); ``linked`` names the sources those lines
cite, which join the bibliography while the reader shows the links.

The concept's file also carries its ``pack`` (:meth:`BriefBuilder.pack`): what the brief
*document* says of it (``assets/brief-pack.js`` puts the document together) -- the
definition (the entry's summary), its status and status note, its key points, its version
fingerprint and date, and, per style, the citation that goes after the definition: the
in-text citation (with a ``ys`` variant where the bibliography can give the page a year
suffix) or, for note styles, the footnote. The build writes it, so the browser scrapes
nothing from pages, and the same content gives the same bytes.

Why this module is long: it writes one data format (``assets/brief.js`` and
``brief-pack.js`` read it), whose items, packs and instrument data share their citations.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from functools import partial
from typing import Any, Mapping, Protocol

from markupsafe import escape

from ..citations.cite import SENTINEL_YEAR, PageTemplates
from ..citations.engine import sort_value_json
from ..citations.exports import csl_to_bibtex, csl_to_ris
# An instrument's name in the basket and its data file (``cite/instruments/<slug>``), as in
# the version history: the folder its exports use, never a concept's slug (which has no "/").
from ..history.fingerprint import SHORT, instrument_key
from ..model.instrument import DATE_EVENTS, when
from .briefparts import MEMO_LIMIT as _MEMO_LIMIT, finish as _finish, from_sort_form as _from_sort_form
from .briefparts import json_key as _json_key, memo_of as _memo_of, shown as _shown
from .briefparts import sort_form as _sort_form, untitled as _untitled
from .briefsort import CITATION_NUMBER, YEAR_SUFFIX, assemble, compare_sort_keys, year_suffix
from .urls import concept_src, instrument_src

__all__ = ["YEAR_SUFFIX", "CITATION_NUMBER", "NOTE_NUMBER", "BriefBuilder", "assemble", "compare_sort_keys", "year_suffix",
           "brief_src", "data_path", "instrument_key", "with_pinpoint"]

#: Stands for the number of the note that cited a source first, in the short note that
#: cites it again (an instrument line's ``sub`` form; the browser puts the number in).
NOTE_NUMBER = "\ue102"
FORMAT_VERSION = 1


#: ``mkdocs serve``: each source item's JSON, by its id, kept with the item it was made of.
_ITEM_JSON: dict[str, tuple[dict, str | None]] = {}


def brief_src() -> str:
    return "brief/index.md"


def data_path(slug: str) -> str:
    return f"cite/{slug}.brief.json"


def with_pinpoint(cite: str, pinpoint: str | None) -> str:
    """A citation (HTML) pointing at ``pinpoint``, a place in the work in its own divisions
    ("art 55(1)(a)", "sec 4.2(a)(i)").

    CSL has no locator label for an article or a section of an order as these are written
    (its ``section`` label renders "s 4.2" in OSCOLA and "§ 4.2" elsewhere), so the pinpoint
    goes in as the author wrote it: inside the closing parenthesis of an in-text citation
    ("(Artificial Intelligence Act, 2024, art 55(1)(a))") and before the full stop of a note
    ("..., art 55(1)(a)."), as OSCOLA places a pinpoint after the instrument. This is what
    citeproc-js does with a locator in the in-text styles (tests/golden/citations/
    instruments) and what Pandoc's citeproc makes of the brief's Markdown, which gives the
    pinpoint as a suffix (``[@{id}, art 55(1)(a)]``): test_brief_pack.py checks both."""
    if not pinpoint:
        return cite
    pin = str(escape(pinpoint))
    stripped = cite.rstrip()
    for end in (")", "."):
        if stripped.endswith(end):
            return stripped[:-1] + ", " + pin + end
    return stripped + ", " + pin


def source_file(item_id: str) -> str:
    """The file (relative to ``cite/``) of a source's brief data, named after its id: lower
    case (the engine compares ids so), other characters than ``a-z0-9._-`` replaced and a
    short hash added so that different ids never share a file."""
    low = item_id.lower()
    name = re.sub(r"[^a-z0-9._-]", "_", low).strip(".") or "source"
    if name != low:
        name += "-" + hashlib.sha256(low.encode("utf-8")).hexdigest()[:8]
    return f"sources/{name}.brief.json"


def root_of(url: str) -> str:
    """The relative path from the page served at site-relative ``url`` to the site root."""
    return "../" * url.count("/") or "./"


def _short_hash(value: str | None) -> str | None:
    if value is None:
        return None
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


# -- build --------------------------------------------------------------------------------

#: The entry's variants besides the plain one, and how the engine renders them.
_VARIANTS: dict[str, dict[str, Any]] = {"ys": {"year_suffix": YEAR_SUFFIX}, "sub": {"substitute": True},
             "ys_sub": {"year_suffix": YEAR_SUFFIX, "substitute": True}}


class BriefSite(Protocol):
    """What :class:`BriefBuilder` reads of a site (:class:`~conceptwiki.render.site.SiteBuilder`
    is one; tests pass a namespace with just these)."""

    @property
    def entries(self) -> Mapping[str, Any]: ...

    @property
    def sources(self) -> Mapping[str, Any]: ...

    @property
    def site(self) -> Any: ...

    @property
    def env(self) -> Any: ...

    @property
    def citer(self) -> Any: ...

    def url(self, src_uri: str) -> str: ...

    def link(self, from_src: str, to_src: str, anchor: str | None = None) -> str: ...

    def page_item(self, entry: Any) -> dict: ...

    def fingerprint(self, entry: Any) -> str: ...

    def last_updated(self, entry: Any) -> Any: ...

    def md(self, text: str, from_src: str, *, inline: bool = False) -> Any: ...

    def source_items(self, entry: Any) -> list[dict]: ...


class BriefBuilder:
    """Writes the Brief page and the per-concept brief data of a :class:`SiteBuilder`.

    Concept pages are cited alike (the publisher as author, the site, a URL, the date the
    entry was updated), so their parts come from templates rendered once per style and month
    of issue (:class:`~conceptwiki.cite.PageTemplates`), with each page's title, URL, year
    and day put in; pages whose title or URL could come out differently are rendered in
    full. ``templates=False`` renders every page in full (what the tests compare with).
    """

    def __init__(self, builder: BriefSite, *, templates: bool = True):
        self.b = builder
        self.citer = builder.citer
        self.engine = builder.citer.engine
        self.styles = list(builder.site.styles)
        self._items: dict[str, dict] | None = None
        self._numeric: dict[str, bool] = {}
        self._substitutes: dict[str, str | None] = {}
        self._pages = PageTemplates(self._page_forms) if templates else None
        self._cites = PageTemplates(self._page_cite_forms) if templates else None  # _page_cites
        #: How many (page, style) pairs were rendered in full rather than from a template.
        self.pages_in_full = 0
        #: slug -> the dependency key of its concept page and the site's (``mkdocs serve``
        #: rebuilds; :mod:`conceptwiki.pipeline.incremental`): packs are kept while it holds.
        self.pack_keys: dict[str, str] = {}
        #: The site's key in ``mkdocs serve`` rebuilds (everything but the entries), else None.
        self.data_key: str | None = None
        #: After :meth:`items`: what every item's data depends on beyond the item itself (per
        #: style, how many items share each names and year-suffix group), and each item's JSON.
        self.universe_digest = ""
        self._item_keys: dict[str, str | None] = {}

    @property
    def memo(self) -> dict:
        """What is kept for the citation engine between ``mkdocs serve`` rebuilds."""
        return _memo_of(self.engine)

    def _number(self, style: str) -> str | None:
        """The citation number's placeholder in numeric styles (others render as the concept
        pages do, so the engine's cache serves both)."""
        if style not in self._numeric:
            self._numeric[style] = self.engine.uses_citation_number(style)
        return CITATION_NUMBER if self._numeric[style] else None

    def _substitute(self, style: str) -> str | None:
        if style not in self._substitutes:
            self._substitutes[style] = self.engine.subsequent_author_substitute(style)
        return self._substitutes[style]

    # Items of the whole wiki: the concept pages and every source a concept cites.
    def _universe(self) -> tuple[dict[str, tuple[dict, dict]], dict[str, list[str]]]:
        items: dict[str, tuple[dict, dict]] = {}   # id -> (item, item as rendered)
        per_concept: dict[str, list[str]] = {}
        for slug, entry in self.b.entries.items():
            page = self.b.page_item(entry)
            items.setdefault(page["id"], (page, _shown(page)))
            ids = [page["id"]]
            for src in self.b.source_items(entry):
                items.setdefault(src["id"], (src, src))
                ids.append(src["id"])
            per_concept[slug] = ids
        pages = self._instrument_pages()
        for e in (pages.instruments.values() if pages is not None else ()):
            page = pages.page_item(e)
            items.setdefault(page["id"], (page, _shown(page)))
            for key in e.instrument.cited_keys():
                if key in self.b.sources:
                    src = self.b.sources[key].csl()
                    items.setdefault(src["id"], (src, src))
        return items, per_concept

    def _instrument_pages(self) -> Any:
        """The site's :class:`~.instruments.InstrumentPages` (None for a site without, such as
        the tests' stand-ins for a SiteBuilder)."""
        return getattr(self.b, "instruments", None)

    def _mark(self, body: str | None, item: dict, shown: dict, style: str, **variant) -> str | None:
        """Mark the page's accessed date for the browser, as the concept pages do."""
        if body is None or shown is item:
            return body
        marked, fmt = self.citer.mark_accessed(body)
        if fmt is None and SENTINEL_YEAR in marked:
            marked, _ = self.engine.bibliography_parts(item, style, "html", citation_number=self._number(style),
                                                       **variant)
        return marked

    def _body(self, item: dict, shown: dict, style: str, variant: str) -> str | None:
        """The entry (``variant``: "html", "ys", "sub" or "ys_sub") as it goes in the data."""
        if "sub" in variant and self._substitute(style) is None:
            variant = "ys" if "ys" in variant else "html"  # the engine would render the same
        kw = _VARIANTS.get(variant, {})
        body, _ = self.engine.bibliography_parts(shown, style, "html", citation_number=self._number(style), **kw)
        return _finish(self._mark(body, item, shown, style, **kw))

    def _page_forms(self, item: dict, style: str) -> tuple:
        """Everything the data takes from a page item in ``style``, rendered in full (what
        :class:`~conceptwiki.cite.PageTemplates` renders templates with): the entry and its
        variants, the names, the year-suffix group and the sort strings (see _sort_form)."""
        shown = _shown(item)
        names = self.engine.bibliography_parts(shown, style, "html", citation_number=self._number(style))[1]
        group = self.engine.year_suffix_group(item, style)
        # Without a group (the style adds no year suffixes) the "ys" variants are never used.
        bodies = [self._body(item, shown, style, v) if group is not None or "ys" not in v else None
                  for v in ("html", *_VARIANTS)]
        return (*bodies, names, group, *(_sort_form(v) for v in self.engine.bibliography_sort_strings(item, style)))

    def _style_parts(self, sort: list, group: str | None, names: str | None, body, needs_ys: bool,
                     needs_sub: bool) -> dict:
        out: dict = {"sort": sort, "group": _short_hash(group), "names": _short_hash(names),
                     "html": body("html")}
        for name in ("ys", "sub", "ys_sub"):
            if ("ys" not in name or needs_ys) and ("sub" not in name or needs_sub):
                out[name] = body(name)
        if "ys" in out and out["html"] is not None and out["ys"].replace(YEAR_SUFFIX, "") == out["html"]:
            del out["html"]  # the browser takes "ys" without the suffix (saves bytes)
        return out

    def items(self) -> dict[str, dict]:
        """Every item's brief data, by id."""
        if self._items is not None:
            return self._items
        universe, _ = self._universe()
        memo = _memo_of(self.engine)
        item_keys = self._item_keys = {iid: self._item_key(iid, item) for iid, (item, _shown) in universe.items()}
        out: dict[str, dict] = {}
        for iid, (item, shown) in universe.items():
            # Kept by the item's JSON in ``mkdocs serve`` (1,500 items: 0.06 s of a rebuild).
            exported = memo.get(("exports", iid, item_keys[iid])) if self.data_key is not None else None
            if exported is None:
                exported = (csl_to_bibtex(item, iid), csl_to_ris(item))
                if self.data_key is not None and item_keys[iid] is not None:
                    memo[("exports", iid, item_keys[iid])] = exported
            out[iid] = {
                "id": iid,
                "page": shown is not item,
                "csl": item,
                "bibtex": exported[0],
                "ris": exported[1],
                "styles": {},
            }
        shared = hashlib.blake2b(digest_size=16)
        for style in self.styles:
            # (names, group, forms from a template or None) of every item, then how many
            # items share each group and names: which variants an item's data needs.
            known: dict[str, tuple[str | None, str | None, tuple | None]] = {}
            for iid, (item, shown) in universe.items():
                first = ("known", style, iid, item_keys[iid], shown is item)
                found = memo.get(first) if item_keys[iid] is not None and self._pages is not None else None
                if found is None:
                    found = self._known(item, shown, style)
                    if item_keys[iid] is not None and self._pages is not None:
                        memo[first] = found
                known[iid], in_full = found
                self.pages_in_full += in_full
            substitute = self._substitute(style)
            groups = Counter(g for _n, g, _f in known.values() if g is not None)
            names_seen = Counter(n for n, _g, _f in known.values() if n is not None and substitute is not None)
            shared.update(repr((style, sorted(groups.items()), sorted(names_seen.items()))).encode(
                "utf-8", "surrogatepass"))
            for iid, (item, shown) in universe.items():
                names, group, forms = known[iid]
                needs_ys = group is not None and groups[group] > 1
                needs_sub = substitute is not None and names is not None and names_seen[names] > 1
                second = ("parts", style, iid, item_keys[iid], shown is item, needs_ys, needs_sub)
                parts = memo.get(second) if item_keys[iid] is not None and self._pages is not None else None
                if parts is None:
                    if forms is not None:
                        bodies = dict(zip(("html", *_VARIANTS), forms[:4]))
                        body, sort = bodies.__getitem__, [sort_value_json(_from_sort_form(f)) for f in forms[6:]]
                    else:
                        body = partial(self._body, item, shown, style)
                        sort = self.engine.bibliography_sort_key(item, style)
                    parts = self._style_parts(sort, group, names, body, needs_ys=needs_ys, needs_sub=needs_sub)
                    if item_keys[iid] is not None and self._pages is not None:
                        if len(memo) >= _MEMO_LIMIT:
                            memo.clear()
                        memo[second] = parts
                out[iid]["styles"][style] = parts  # only ever dumped as JSON: shared as it is
        self._items = out
        self.universe_digest = shared.hexdigest()
        return out

    def _item_key(self, iid: str, item: dict) -> str | None:
        """The item's JSON (what its memo entries are keyed by). In ``mkdocs serve`` a
        source's item is the same object while its record is (``SiteBuilder.source_items``):
        its JSON is kept with it, by identity. Dumping 7,500 items again took 0.5 s of every
        rebuild at 5,000 entries. Page items are made anew on every rebuild: dumped."""
        if self.data_key is None or iid not in self.b.sources:
            return _json_key(item)
        kept = _ITEM_JSON.get(iid)
        if kept is not None and kept[0] is item:
            return kept[1]
        key = _json_key(item)
        _ITEM_JSON[iid] = (item, key)
        return key

    def _known(self, item: dict, shown: dict, style: str) -> tuple[tuple, int]:
        """``((names, group, forms or None), rendered in full)`` of an item in ``style``."""
        forms = None
        if shown is not item and self._pages is not None:
            forms = self._pages.fill(item, style)
        if forms is not None:
            return (forms[4], forms[5], forms), 0
        names = self.engine.bibliography_parts(shown, style, "html", citation_number=self._number(style))[1]
        return (names, self.engine.year_suffix_group(item, style), None), int(shown is not item)

    def prerender(self, entry) -> None:
        """Make the templates :meth:`items` and :meth:`pack` use for ``entry``'s page (one per
        style and month: ``SiteBuilder.prerender_citations`` has them made on every CPU)."""
        page = self.b.page_item(entry)
        for style in self.styles:
            self._known(page, _shown(page), style)
        self._page_cites(page)

    def concept_data(self, slug: str) -> dict:
        entry = self.b.entries[slug]
        items = self.items()
        page = self.b.page_item(entry)
        c = entry.concept
        further = [k for k in dict.fromkeys(c.sources.further)
                   if k in self.b.sources and k != c.sources.primary]
        primary = c.sources.primary if c.sources.primary in self.b.sources else None
        links = self.concept_links(slug)
        return {
            "version": FORMAT_VERSION,
            "slug": slug,
            "title": entry.title,
            "path": self.b.url(f"concepts/{slug}.md"),
            "build_date": self.b.site.build_date.isoformat(),
            "page": items[page["id"]],
            "primary": self._ref(primary),
            "further": [self._ref(k) for k in further],
            "pack": self._kept_pack(slug, entry, page),
            "linked": self._linked(links),
        }

    def _kept_pack(self, slug: str, entry, page: dict) -> dict:
        """:meth:`pack`, kept between ``mkdocs serve`` rebuilds while the concept page's
        dependency key is the same (``pack_keys``, set by the serve adapter: the key holds
        everything the page shows, and the pack shows a part of it). 1.8 s of a profiled
        rebuild at 1,000 concepts."""
        key = self.pack_keys.get(slug)
        if key is None:
            return self.pack(entry, page)
        memo = _memo_of(self.engine)
        found = memo.get(("pack", slug, key))
        if found is None:
            found = memo[("pack", slug, key)] = self.pack(entry, page)
        return found

    def pack(self, entry, page: dict) -> dict:
        """What the brief document says of ``entry`` (see the module's doc). Texts are HTML
        with links relative to the Brief page; citations as the concept page shows them
        (links made, the accessed date marked for the reader's day)."""
        c = entry.concept
        src = brief_src()
        updated = self.b.last_updated(entry)
        cites = self._page_cites(page)
        return {
            "fingerprint": self.b.fingerprint(entry)[:SHORT],
            "updated": updated.isoformat() if updated else None,
            "definition": _untitled(self.b.md(c.summary, src, inline=True)),
            "status": c.status.level.value,
            "status_note": _untitled(self.b.md(c.status.note, src)) if c.status.note else None,
            "key_points": [_untitled(self.b.md(p, src, inline=True)) for p in c.key_points],
            "cite": cites,
            "links_label": "Addressed by instruments",
            "links": self.concept_links(entry.slug),
        }

    def _page_cites(self, page: dict) -> dict[str, dict]:
        """Per style, the citation of a wiki page that goes after its text (see :meth:`pack`).
        In-text ones come from templates (``_cites``), as notes do (``Citer.render_page``):
        in full they took 45 s of a profiled cold build at 2,000 concepts (14,000 CSL runs)."""
        cites: dict[str, dict] = {}
        for style in self.styles:
            if self.engine.is_note_style(style):
                cites[style] = {"form": "note", "html": self.citer.render_page(page, style).note_first or ""}
                continue
            forms = self._cites.fill(page, style) if self._cites is not None else None
            html, ys = forms if forms is not None else self._page_cite_forms(page, style)
            cites[style] = {"form": "in-text", "html": html, **({"ys": ys} if ys is not None else {})}
        return cites

    def _page_cite_forms(self, page: dict, style: str) -> tuple[str | None, str | None]:
        """A page's in-text citation in full, and its ``ys`` variant (None: no year suffix)."""
        ys = self.engine.year_suffix_group(page, style) is not None
        return (_finish(self.engine.note(page, style, "html")),
                _finish(self.engine.note(page, style, "html", year_suffix=YEAR_SUFFIX)) if ys else None)

    def _source_cites(self, item: dict, pinpoint: str | None) -> dict[str, dict]:
        """Per style, the citation of a source at ``pinpoint``: the first note (note styles)
        or the in-text citation, with a ``ys`` variant where some other item of the wiki could
        give the source a year suffix (where its bibliography data has one)."""
        cites: dict[str, dict] = {}
        data = self.items().get(item["id"])
        for style in self.styles:
            note = self.engine.is_note_style(style)
            cite = {"form": "note" if note else "in-text",
                    "html": _finish(with_pinpoint(self.engine.note(item, style, "html"), pinpoint))}
            if note:
                sub = self._subsequent(item, style)
                if sub is not None:
                    cite["sub"] = _finish(with_pinpoint(sub, pinpoint))
            if not note and data is not None and "ys" in data["styles"][style]:
                cite["ys"] = _finish(with_pinpoint(
                    self.engine.note(item, style, "html", year_suffix=YEAR_SUFFIX), pinpoint))
            cites[style] = cite
        return cites

    def _subsequent(self, item: dict, style: str) -> str | None:
        """The short note that cites ``item`` again (OSCOLA: "Artificial Intelligence Act.",
        "OpenAI (n 3)."), with :data:`NOTE_NUMBER` where the number of the note that cited
        it first goes; None if the style's form cannot be told apart from the number."""
        first = self.engine.note(item, style, "html", position="subsequent", first_note_number=9001)
        other = self.engine.note(item, style, "html", position="subsequent", first_note_number=9002)
        form = first.replace("9001", NOTE_NUMBER)
        return form if form == other.replace("9002", NOTE_NUMBER) else None

    def _link(self, name: str, url: str | None, address: Any) -> dict | None:
        """One line between a concept and an instrument: who, where (the pinpoint), how (the
        sentence), cited to the address's source at the pinpoint."""
        source = self.b.sources.get(address.source)
        if source is None:
            return None
        src = brief_src()
        who = f'<a href="{_text(url)}">{_text(name)}</a>' if url else _text(name)
        where = f", {_text(address.pinpoint)}" if address.pinpoint else ""
        item = source.csl()
        return {"html": f"{who}{where}: " + _untitled(self.b.md(address.sentence, src, inline=True)),
                "pinpoint": address.pinpoint, "id": item["id"], "key": address.source,
                "cite": self._source_cites(item, address.pinpoint)}

    def concept_links(self, slug: str) -> list[dict]:
        """The instruments that address concept ``slug``, a line per pinpoint (the order of
        the concept page's "Used by" list)."""
        pages = self._instrument_pages()
        if pages is None:
            return []
        out = []
        for islug, n in pages.uses.get(slug, ()):
            e = pages.instruments[islug]
            link = self._link(e.name, self.b.link(brief_src(), instrument_src(islug)),
                              e.instrument.addresses[n])
            if link is not None:
                out.append(link)
        return out

    def instrument_links(self, e: Any) -> list[dict]:
        """The concepts instrument ``e`` addresses, a line per pinpoint (its page's order)."""
        out = []
        for a in e.instrument.addresses:
            concept = self.b.entries.get(a.concept)
            link = self._link(concept.title if concept else a.concept,
                              self.b.link(brief_src(), concept_src(a.concept)) if concept else None, a)
            if link is not None:
                out.append(link)
        return out

    def _linked(self, links: list[dict]) -> list[dict]:
        """The refs of the sources the link lines cite, each once."""
        return [r for r in (self._ref(k) for k in dict.fromkeys(link["key"] for link in links)) if r is not None]

    def instrument_data(self, slug: str) -> dict:
        """``cite/instruments/<slug>.brief.json``: what concept_data is for a concept. The
        instrument's text is its primary source; the sources of its dates, addresses and
        summary are its further sources."""
        pages = self._instrument_pages()
        e = pages.instruments[slug]
        i = e.instrument
        items = self.items()
        page = pages.page_item(e)
        src = brief_src()
        primary = i.primary_source if i.primary_source in self.b.sources else None
        further = [k for k in i.cited_keys() if k in self.b.sources and k != primary]
        links = self.instrument_links(e)
        updated = pages.updated(e)
        facts = [i.type.value.capitalize(), i.jurisdiction, f"issued by {i.issuing_body}"]
        for label, d in _dated(i):
            if label in ("Adopted", "Revoked", "Superseded"):
                by = pages.instruments[d.by].name if d.by in pages.instruments else d.by
                facts.append(f"{label.lower()} {when(d.date)[1]}" + (f" by {by}" if by else ""))
        return {
            "version": FORMAT_VERSION,
            "kind": "instrument",
            "slug": instrument_key(slug),
            "title": e.name,
            "path": self.b.url(instrument_src(slug)),
            "build_date": self.b.site.build_date.isoformat(),
            "page": items[page["id"]],
            "primary": self._ref(primary),
            "further": [self._ref(k) for k in further],
            "pack": {
                "fingerprint": pages.fingerprint(e)[:SHORT],
                "updated": updated.isoformat() if updated else None,
                "definition": _untitled(self.b.md(i.summary, src, inline=True)),
                "status": i.status.value,
                "status_note": f"<p>{_text('; '.join(facts))}.</p>",
                "key_points": [],
                "cite": self._page_cites(page),
                "links_label": "Concepts addressed",
                "links": links,
            },
            "linked": self._linked(links),
        }

    def _ref(self, key: str | None) -> dict | None:
        if key is None:
            return None
        iid = self.b.sources[key].csl()["id"]
        return {"id": iid, "file": source_file(iid)}

    def files(self) -> dict[str, str]:
        """``cite/<slug>.brief.json`` for every concept (the page's item and which sources
        it cites) and ``cite/sources/<id>.brief.json`` for every source, written once
        however many concepts cite it."""
        def dump(value) -> str:
            return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"

        # ``mkdocs serve``: a concept's file is kept while its page's key (pack_keys) and the
        # counts of names and year-suffix groups across the wiki (which decide the variants
        # each item carries) are the same: dumping 1,000 concepts' data took 1.7 s of a rebuild.
        memo = _memo_of(self.engine)
        items = self.items()
        digest = self.universe_digest
        out = {}
        for slug in self.b.entries:
            key = self.pack_keys.get(slug)
            if key is None:
                out[data_path(slug)] = dump(self.concept_data(slug))
                continue
            found = memo.get(("file", slug, key, digest))
            if found is None:
                found = memo[("file", slug, key, digest)] = dump(self.concept_data(slug))
            out[data_path(slug)] = found
        pages = self._instrument_pages()
        for slug in (pages.instruments if pages is not None else ()):
            out[data_path(instrument_key(slug))] = dump(self.instrument_data(slug))
        out.update(self.style_files())
        for iid, item in items.items():
            if not item["page"]:
                key = self._item_keys.get(iid) if self.data_key is not None else None
                if key is None:
                    out["cite/" + source_file(iid)] = dump(item)
                    continue
                mkey = ("source file", iid, key, self.data_key, digest)
                found = memo.get(mkey)
                if found is None:
                    found = memo[mkey] = dump(item)
                out["cite/" + source_file(iid)] = found
        return out

    def style_files(self) -> dict[str, str]:
        """``cite/styles/<style>.csl``: each configured style's CSL file, for readers who
        turn the brief's Markdown into a document with Pandoc (``--citeproc``)."""
        out = {}
        for style in self.styles:
            path = self.engine.style_path(style)
            out[f"cite/styles/{style}.csl"] = path.read_text(encoding="utf-8")
        return out

    def styles_config(self) -> list[dict]:
        return [{"id": s, "label": self.citer.label(s), "title": self.engine.style_title(s),
                 "descending": self.engine.bibliography_sort_descending(s),
                 "substitute": self.engine.subsequent_author_substitute(s)}
                for s in self.styles]

    def page(self):
        from .pages import Page

        src = brief_src()
        url = self.b.url(src)
        config = {"styles": self.styles_config(), "default_style": self.b.site.default_style
                  if self.b.site.default_style in self.styles else (self.styles[0] if self.styles else ""),
                  "version": FORMAT_VERSION}
        md = self.b.env.get_template("brief.md.j2").render(
            site=self.b.site, root=root_of(url), config=config, styles=config["styles"],
            index_url=self.b.link(src, "concepts/index.md"), count=len(self.b.entries))
        return Page(src, md, in_nav=True, title="Brief")

    def button_context(self, entry, src: str) -> dict:
        """What concept.md.j2 needs for the "Add to brief" and "Print" buttons."""
        return {"root": root_of(self.b.url(src)), "slug": entry.slug, "title": entry.title,
                "brief_url": self.b.link(src, brief_src())}


def _text(value: str) -> str:
    """Text (or an attribute's value) escaped for HTML."""
    return str(escape(value))


def _dated(i: Any) -> list[tuple[str, Any]]:
    """``(label, date)`` of an instrument's dated events, in the order its page lists them."""
    labels = dict(DATE_EVENTS)
    return [(labels[name], d) for name, d in i.dated_events()]
