"""Citations of wiki pages and of their sources, as shown on pages and exported as files.

* :func:`page_item` makes the CSL-JSON item of a concept page (the publisher as author, the
  page title, the site name, the URL, the last-updated date as issued date, an accessed date).
* :class:`Citer` renders items in every configured style and in BibTeX, caching per item and
  style, and marks the accessed date so the browser can set it to the day the reader copies.
* :func:`export_files` writes ``cite/<slug>.{bib,ris,json}`` and ``cite/all.*``.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import functools
import html
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar, cast

from .exports import csl_to_bibtex, csl_to_ris
from ..bibtex import CslDate, CslItem

__all__ = ["page_item", "Citer", "CiterEngine", "PageTemplates", "Forms", "linkify", "html_to_text",
           "Rendered", "export_files", "site_key", "ACCESSED_FORMATS", "SENTINEL_DATE", "SENTINEL_YEAR",
           "date_parts", "format_date"]

#: A date that never occurs as a real accessed date. Citations of the wiki's own pages are
#: rendered with it as their accessed date; where it is found again in the output it is
#: replaced by a date the browser sets to the reader's day (:meth:`Citer.render`; the brief
#: does the same with its page items).
SENTINEL_DATE = _dt.date(1901, 2, 3)
#: :data:`SENTINEL_DATE`'s year. Still in an output after marking, it means the sentinel was
#: printed in a form none of :data:`ACCESSED_FORMATS` is (or the item has a real 1901): then
#: the real accessed date is shown, unmarked.
SENTINEL_YEAR = str(SENTINEL_DATE.year)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def _month(d: _dt.date) -> str:
    return _MONTHS[d.month - 1]


#: The formats the browser script knows how to write an accessed date in, and how each is
#: written (render/assets/conceptwiki.js and pinpoint.js have the same table, in JavaScript).
_DATE_FORMATS: dict[str, Callable[[_dt.date], str]] = {
    "MMMM D, YYYY": lambda d: f"{_month(d)} {d.day}, {d.year}",
    "D MMMM YYYY": lambda d: f"{d.day} {_month(d)} {d.year}",
    "YYYY-MM-DD": lambda d: d.isoformat(),
    "MMM. D, YYYY": lambda d: (f"{_month(d)[:3]}. {d.day}, {d.year}" if d.month != 5 else f"May {d.day}, {d.year}"),
    "D MMM YYYY": lambda d: f"{d.day} {_month(d)[:3]} {d.year}",
}


def format_date(fmt: str, d: _dt.date) -> str:
    """``d`` written in ``fmt``, one of :data:`ACCESSED_FORMATS`, as the browser writes it."""
    return _DATE_FORMATS[fmt](d)


#: Each format the browser script knows, and how :data:`SENTINEL_DATE` looks in it (searched
#: for in this order).
ACCESSED_FORMATS: dict[str, str] = {fmt: format_date(fmt, SENTINEL_DATE) for fmt in _DATE_FORMATS}


def date_parts(d: _dt.date) -> CslDate:
    """``d`` as a CSL-JSON date."""
    return {"date-parts": [[d.year, d.month, d.day]]}


#: The forms a caller of :class:`PageTemplates` needs of an item in a style (strings, or None
#: where a form does not exist): a :class:`Citer` renders a page's HTML, text and notes.
Forms = tuple[str | None, ...]
_F = TypeVar("_F", bound=Forms)
#: How a style cases a page's title in one form (a CSL text-case, None: as it is), and
#: whether it writes the URL in lower case.
_Case = tuple[str | None, bool]
#: What a :class:`Citer` renders of a page: its HTML, text and first and subsequent notes.
_CiterForms = tuple[str, str, str | None, str | None]
#: Puts a page's year and day into a form of a day template.
_Substitute = Callable[[str, int, int], str]


def site_key(name: str) -> str:
    """A short, stable BibTeX key prefix from the site's name ("AI Safety Concept Wiki" → "aiscw")."""
    words: list[str] = re.findall(r"[A-Za-z0-9]+", name)
    if not words:
        return "wiki"
    if len(words) == 1:
        return words[0].lower()[:12]
    return "".join(w[0] for w in words).lower()


def page_item(*, slug: str, title: str, site_name: str, publisher: str, url: str,
              updated: _dt.date | None, accessed: _dt.date | None = None) -> CslItem:
    """The CSL-JSON item that cites a concept page of the wiki."""
    item: CslItem = {
        "id": f"{site_key(site_name)}-{slug}",
        "type": "webpage",
        "author": [{"literal": publisher}],
        "title": title,
        "container-title": site_name,
        "URL": url,
    }
    if updated is not None:
        item["issued"] = date_parts(updated)
    if accessed is not None:
        item["accessed"] = date_parts(accessed)
    return item


@dataclass(frozen=True)
class Rendered:
    """One citation in one style: HTML (with the accessed date marked) and plain text."""

    style: str
    label: str
    html: str
    text: str
    note_first: str | None = None
    note_subsequent: str | None = None


_TAG_RE = re.compile(r"<[^>]+>")
# A URL in escaped HTML text: stops at whitespace, a tag, OSCOLA's closing "&gt;", and
# trailing punctuation that ends the sentence rather than the URL.
_URL_RE = re.compile(r"(?<![\w\"'=])(https?://[^\s<\"']+?)"
                     r"(?=(?:&gt;|&#62;|&#x3[eE];|&lt;|&#60;|[.,;:)\]]*(?:\s|<|$)))")


def _linkify_text(text: str) -> str:
    out, pos = [], 0
    for m in _URL_RE.finditer(text):
        url, end = m.group(1), m.end(1)
        while url.count("(") > url.count(")") and text.startswith(")", end):
            url, end = url + ")", end + 1  # a closing parenthesis that belongs to the URL
        if m.start(1) < pos:
            continue
        out.append(text[pos:m.start(1)])
        out.append(f'<a href="{html.escape(html.unescape(url))}">{url}</a>')
        pos = end
    out.append(text[pos:])
    return "".join(out)


def linkify(fragment: str) -> str:
    """Make the URLs in a rendered citation clickable (outside existing tags and links)."""
    out: list[str] = []
    in_link = False
    for part in re.split(r"(<[^>]+>)", fragment):
        if part.startswith("<"):
            low = part.lower()
            if low.startswith("<a ") or low == "<a>":
                in_link = True
            elif low == "</a>":
                in_link = False
            out.append(part)
        elif in_link or "http" not in part:
            out.append(part)
        else:
            out.append(_linkify_text(part))
    return "".join(out)


def _forms(r: "Rendered") -> "_CiterForms":
    return (r.html, r.text, r.note_first, r.note_subsequent)


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment (a rendered citation): tags dropped, entities decoded."""
    return html.unescape(_TAG_RE.sub("", fragment))


class CiterEngine(Protocol):
    """What a :class:`Citer` uses of a citation engine: a
    :class:`~conceptwiki.citations.engine.CitationEngine`, or one that renders another form
    in its place (the pinpoint citations of ``render/pinpoint.py``)."""

    def style_title(self, style: str) -> str: ...

    def is_note_style(self, style: str) -> bool: ...

    def bibliography_entry(self, item: CslItem, style: str, fmt: str = "text") -> str: ...

    def note(self, item: CslItem, style: str, fmt: str = "text", *, position: str = "first") -> str: ...


_E = TypeVar("_E", bound=CiterEngine)


class Citer(Generic[_E]):
    """Renders citations with a :class:`~conceptwiki.citations.engine.CitationEngine` (or
    another :class:`CiterEngine`; ``citer.engine`` has the type of the one given)."""

    def __init__(self, engine: _E, styles: list[str], *, display_date: _dt.date) -> None:
        self.engine = engine
        self.styles = list(styles)
        self.display_date = display_date
        self.seconds = 0.0
        self._cache: dict[tuple[str, str, bool], Rendered] = {}
        self._pages = PageTemplates(lambda it, st: _forms(self.render(it, st, mark_accessed=True)))

    def label(self, style: str) -> str:
        # Chicago's two note styles are told apart from each other and from author-date.
        return {"apa": "APA", "chicago-author-date": "Chicago",
                "chicago-notes-bibliography": "Chicago (notes)",
                "chicago-fullnote-bibliography": "Chicago (notes)",
                "chicago-note-bibliography": "Chicago (short notes)",
                "chicago-shortened-notes-bibliography": "Chicago (short notes)",
                "harvard-cite-them-right": "Harvard", "oscola": "OSCOLA", "mla": "MLA",
                "ieee": "IEEE", "vancouver": "Vancouver"}.get(style) or self.engine.style_title(style)

    def render(self, item: CslItem, style: str, *, mark_accessed: bool = False) -> Rendered:
        """Render ``item``; with ``mark_accessed`` (citations of this wiki's own pages) the
        accessed date is marked for the browser to set to the reader's day."""
        key = (json.dumps(item, sort_keys=True, ensure_ascii=False), style, mark_accessed)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        t0 = time.perf_counter()
        out = self._render(item, style, mark_accessed)
        self.seconds += time.perf_counter() - t0
        self._cache[key] = out
        return out

    def cache_entries(self) -> dict[tuple[str, str, bool], Rendered]:
        """Everything rendered so far, by key (for :func:`conceptwiki.prerender.prerender`)."""
        return dict(self._cache)

    def preload(self, entries: dict[tuple[str, str, bool], Rendered]) -> None:
        """Take renderings another process made with the same engine (``cache_entries``)."""
        for key, value in entries.items():
            if isinstance(value, Rendered):
                self._cache.setdefault(key, value)

    def _render(self, item: CslItem, style: str, mark_accessed: bool) -> Rendered:
        shown = item
        if mark_accessed and "accessed" in item:
            shown = dict(item, accessed=date_parts(SENTINEL_DATE))

        def marked(render: Callable[[CslItem], str]) -> str:
            body, fmt = self.mark_accessed(render(shown))
            if fmt is None and shown is not item and SENTINEL_YEAR in body:
                # The sentinel date is printed in a form the browser script cannot rewrite
                # (or 1901 is a real year in the item): show the real accessed date, unmarked.
                body = render(item)
            return body

        html_ = marked(lambda i: self.engine.bibliography_entry(i, style, "html"))
        note_first = note_sub = None
        if self.engine.is_note_style(style):
            note_first = linkify(marked(lambda i: self.engine.note(i, style, "html", position="first")))
            note_sub = linkify(marked(lambda i: self.engine.note(i, style, "html", position="subsequent")))
        return Rendered(style=style, label=self.label(style), html=linkify(html_),
                        text=html_to_text(html_), note_first=note_first, note_subsequent=note_sub)

    def mark_accessed(self, body: str) -> tuple[str, str | None]:
        """``body`` with the sentinel accessed date replaced by the build's date in a span
        that the page script rewrites to the reader's day; and the date format found (None:
        the style printed no accessed date). The brief marks its entries with it too."""
        for fmt, sentinel in ACCESSED_FORMATS.items():
            if sentinel in body:
                span = (f'<span class="cw-accessed" data-date-format="{fmt}">'
                        f"{format_date(fmt, self.display_date)}</span>")
                return body.replace(sentinel, span, 1), fmt
        return body, None

    def all_styles(self, item: CslItem, *, mark_accessed: bool = False) -> list[Rendered]:
        if mark_accessed:
            return [self.render_page(item, style) for style in self.styles]
        return [self.render(item, style, mark_accessed=mark_accessed) for style in self.styles]

    # -- citations of the wiki's own pages, from one template per style and date ------------
    #
    # Every concept page cites itself in every style; the items differ only in title, URL and
    # issued date, so :class:`PageTemplates` renders each style once per month and puts each
    # page's title, URL, year and day in. tests/test_cite_templates.py checks that this gives
    # the same bytes as a full render.

    def render_page(self, item: CslItem, style: str) -> Rendered:
        """``render(item, style, mark_accessed=True)`` for a page item, via a template."""
        forms = self._pages.fill(item, style)
        if forms is None:
            return self.render(item, style, mark_accessed=True)
        html_, text, note_first, note_sub = forms
        return Rendered(style=style, label=self.label(style), html=html_, text=text,
                        note_first=note_first, note_subsequent=note_sub)

    def bibtex_html(self, item: CslItem, key: str | None = None, *, mark_accessed: bool = False) -> str:
        """BibTeX of ``item`` as escaped HTML; its ``urldate`` marked like accessed dates."""
        text = html.escape(csl_to_bibtex(item, key), quote=False)
        if mark_accessed and "accessed" in item:
            iso = _dt.date(*item["accessed"]["date-parts"][0]).isoformat()
            text = text.replace(f"{{{iso}}}", '{<span class="cw-accessed" data-date-format='
                                f'"YYYY-MM-DD">{iso}</span>}}', 1)
        return text


class PageTemplates(Generic[_F]):
    """Renderings of the wiki's own pages from one template per style and month.

    The CSL items of concept pages (:func:`page_item`) differ only in ``id``, title, URL and
    issued date. ``render(item, style)`` returns a tuple of strings (or ``None``), the
    *forms* a caller needs of an item in a style (HTML of a citation, a sort key, ...); it
    must be a function of the item's fields other than ``id``. :meth:`fill` gives
    ``render(item, style)`` for a page item without rendering it: each style renders a
    template item once per month of issue (a placeholder title and URL, a sentinel year and
    day), and the page's own year, day, title (cased as the style cases titles: found with a
    probe title) and URL are put in. Only titles and URLs that no style can treat
    differently from the placeholders take this path (letters, digits, spaces, hyphens,
    commas, colons; not a number, no space before a colon, which CSL turns into a narrow
    space; URLs not ending in punctuation that :func:`linkify` leaves out of the link),
    and only when the templates are checked to give exactly what a full render gives for
    another title, URL, year and day. Otherwise :meth:`fill` returns ``None`` and the
    caller renders in full.
    """

    PLACE_TITLE = "zqztitlezqz"
    PLACE_URL = "https://placeholder.invalid/zqzurlzqz/"
    PROBE_TITLE = "xqa of the Xqb: an xqc-xqd XQE"  # distinct under each text-case
    PROBE_URL = "https://xq-1.probe.invalid/Ab_c.d~e%2F:f/"
    SIMPLE_TITLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,:-]*[A-Za-z0-9]|[A-Za-z0-9]")
    SIMPLE_URL = re.compile(r"https?://[A-Za-z0-9._~/%:-]*[A-Za-z0-9/]")
    FIELDS = frozenset({"id", "type", "author", "title", "container-title", "URL", "issued", "accessed"})
    CASES = (None, "title", "capitalize-first", "capitalize-all", "sentence", "lowercase", "uppercase")
    #: Two days that print with the same number of digits, but whose ordinals differ
    #: ("8th"/"2nd", "28th"/"21st"), so a style that writes ordinals fails the check.
    DAYS = {False: (8, 2), True: (28, 21)}
    YEARS = (1902, 1903)

    def __init__(self, render: Callable[[CslItem, str], _F]) -> None:
        self.render = render
        # By style and what the pages share (``shared``, in :meth:`fill`), and:
        self._plain: dict[tuple[str, str, str], _F] = {}  # the issued date (not a full one)
        self._cases: dict[tuple[str, str], tuple[_Case, ...] | None] = {}
        self._days: dict[tuple[str, str, int, bool], tuple[_F, _Substitute] | Literal[False]] = {}  # month, day >= 10

    def simple(self, item: CslItem) -> bool:
        """Whether ``item`` may take the templated path at all."""
        from .compat import is_numeric

        title, url = item.get("title", ""), item.get("URL", "")
        return (isinstance(title, str) and isinstance(url, str) and not set(item) - self.FIELDS
                and bool(self.SIMPLE_TITLE.fullmatch(title)) and "  " not in title and " :" not in title
                and not is_numeric(title) and bool(self.SIMPLE_URL.fullmatch(url)))

    def fill(self, item: CslItem, style: str) -> _F | None:
        """``render(item, style)`` from the templates, or None: render ``item`` in full."""
        if not self.simple(item):
            return None
        # What all pages share (author, site, accessed date, ...) is part of every key.
        shared = json.dumps({k: v for k, v in item.items() if k not in ("id", "title", "URL", "issued")},
                            sort_keys=True, ensure_ascii=False)
        cases = self._title_cases(item, style, shared)
        if cases is None:
            return None
        base = dict(item, id="zqzpage", title=self.PLACE_TITLE, URL=self.PLACE_URL)
        day = self._day_template(base, style, shared)
        if day is False:
            return None
        substitute: _Substitute | None
        if day is None:  # no full date: one template per style and issued value
            key = (style, shared, json.dumps(item.get("issued"), sort_keys=True))
            if key not in self._plain:
                self._plain[key] = self.render(base, style)
            template, substitute = self._plain[key], None
        else:
            template, substitute = day
        date: list[int] | None = item["issued"]["date-parts"][0] if substitute is not None else None
        # The template's forms with the page's values put in: the shape ``render`` gives.
        return cast(_F, tuple(self._put(part, case, item["title"], item["URL"], substitute, date)
                              for part, case in zip(template, cases)))

    def _put(self, part: str | None, case: _Case, title: str, url: str, substitute: _Substitute | None,
             date: list[int] | None) -> str | None:
        if part is None:
            return None
        if substitute is not None and date is not None:  # first, so that digits in the title are left alone
            part = substitute(part, date[0], date[2])
        title_case, url_lower = case
        return (part.replace(_cased(self.PLACE_TITLE, title_case), _cased(title, title_case))
                .replace(self.PLACE_URL, url.lower() if url_lower else url))

    def _title_cases(self, item: CslItem, style: str, shared: str) -> tuple[_Case, ...] | None:
        """How ``style`` cases a page title in each form (and whether it writes the URL in
        lower case, as sort keys do), found once with a probe title and URL.

        None if it cannot be told for certain (then every page is rendered in full)."""
        key = (style, shared)
        if key in self._cases:
            return self._cases[key]
        probe = self.render(dict(item, id="zqzprobe", title=self.PROBE_TITLE, URL=self.PROBE_URL), style)
        place = self.render(dict(item, id="zqzpage", title=self.PLACE_TITLE, URL=self.PLACE_URL), style)
        cased = _cased
        out: list[_Case] = []
        told = True  # False: the cases cannot be told
        for probed, placed in zip(probe, place, strict=True):
            if probed is None or placed is None:
                if (probed is None) != (placed is None):
                    told = False
                    break
                out.append((None, False))
                continue
            # The probe comes out differently under each text-case, so at most one matches.
            matches = [c for c in self.CASES if cased(self.PROBE_TITLE, c) in probed]
            if not matches and self.PLACE_TITLE in placed.lower():
                told = False
                break
            if matches and (len(matches) != 1 or placed.count(cased(self.PLACE_TITLE, matches[0])) != 1):
                told = False
                break
            # No match: this form does not print the title (e.g. a short note).
            out.append((matches[0] if matches else None, self.PROBE_URL not in probed))
        if told and any(
                self._put(placed, case, self.PROBE_TITLE, self.PROBE_URL, None, None) != probed
                for placed, case, probed in zip(place, out, probe)):
            told = False  # putting the probe's title and URL in does not give the probe
        result = tuple(out) if told else None
        self._cases[key] = result
        return result

    def _day_template(self, base: CslItem, style: str,
                      shared: str) -> tuple[_F, _Substitute] | Literal[False] | None:
        """The template for ``base``'s month, with a sentinel year and day to be replaced.

        Pages are updated on many different days; rendering once per month of the year and
        putting the year and day in keeps the number of renders per style constant. Returns
        ``(template, substitute)``, None when the item has no full date (render ``base`` as
        it is), or False when the style prints years or days in a way a number cannot be
        swapped into (ordinals, words, two-digit years): then pages are rendered in full.
        Besides years and days on their own, whole dates are replaced where they are written
        as ISO 8601 or as the engine's date sort keys (``_date_sort_key``: the year plus
        10000, month and day as one number).
        """
        parts: list[object] = (base.get("issued") or {}).get("date-parts", [[]])[0]
        ints = [p for p in parts if type(p) is int]
        if (len(ints) != 3 or len(parts) != 3 or not 1000 <= ints[0] <= 9999
                or not 1 <= ints[1] <= 12 or not 1 <= ints[2] <= 31):
            return None
        _year, month, real_day = ints
        d1, d2 = self.DAYS[real_day >= 10]
        y1, y2 = self.YEARS
        key = (style, shared, month, real_day >= 10)
        if key in self._days:
            return self._days[key]
        # A day is a number on its own: not part of a longer number, a decimal or a numeric
        # date ("1.28", "28/05"), and no ordinal; a full stop after it may end the sentence.
        day_re = re.compile(rf"(?<!\d)(?<!\d[.:/-])0?{d1}(?!\d|[.:/-]\d|st|nd|rd|th)")
        year_re = re.compile(rf"(?<!\d){y1}(?!\d)")
        # Whole dates, replaced first: the engine's date sort keys, and ISO 8601 dates.
        whole: dict[str, Callable[[int, int], str]] = {f"{y1 + 10000:05}{month:02}{d1:02}": lambda y, d: f"{y + 10000:05}{month:02}{d:02}",
                 f"{y1}-{month:02}-{d1:02}": lambda y, d: f"{y}-{month:02}-{d:02}"}

        def substitute(part: str, year: int, day: int) -> str:
            for sentinel, form in whole.items():
                if sentinel in part:
                    part = part.replace(sentinel, form(year, day))
            part = day_re.sub(lambda m: f"{day:0{len(m.group(0))}d}", part)
            return year_re.sub(str(year), part)

        def rendered(year: int, day: int) -> _F:
            return self.render(dict(base, issued={"date-parts": [[year, month, day]]}), style)

        one, other_day, other_year = rendered(y1, d1), rendered(y1, d2), rendered(y2, d1)
        result: tuple[_F, _Substitute] | Literal[False] = (one, substitute)
        for a, b, c in zip(one, other_day, other_year, strict=True):
            if a is None or b is None or c is None:
                if (a is None) != (b is None) or (a is None) != (c is None):
                    result = False
                    break
                continue
            if (len(day_re.findall(a)) > 1 or len(year_re.findall(a)) > 1
                    or any(a.count(sentinel) > 1 for sentinel in whole)
                    or substitute(a, y1, d2) != b or substitute(a, y2, d1) != c):
                result = False
                break
        self._days[key] = result
        return result


@functools.lru_cache(maxsize=8192)
def _cased(text: str, case: str | None) -> str:
    """``text`` in a CSL text-case (None: as it is)."""
    from .compat import text_case

    return text_case(text, case) if case else text


def json_fragment(item: CslItem) -> str:
    """``item`` as :func:`~.exports.csl_json` writes it inside its list (one level deeper).
    JSON strings hold no raw newline, so indenting every line gives exactly those bytes."""
    return "  " + json.dumps(item, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n  ")


def json_join(fragments: list[str]) -> str:
    """The CSL-JSON text of items given as :func:`json_fragment`: the same bytes as
    :func:`~.exports.csl_json` of the items."""
    return "[\n" + ",\n".join(fragments) + "\n]\n" if fragments else "[]\n"


#: An item's BibTeX, RIS and CSL-JSON fragment (:func:`json_fragment`).
Pieces = tuple[str, str, str]


def export_files(pages: list[tuple[str, CslItem, list[CslItem]]], *,
                 page_keys: Mapping[str, str] | None = None,
                 memo: dict[Any, Any] | None = None) -> dict[str, str]:
    """``cite/<slug>.{bib,ris,json}`` for every page and ``cite/all.*`` for the whole site.

    ``pages`` holds ``(slug, page item, source items)``; each file has the page first, then
    its sources. ``all.*`` has every page, then every source once, sorted by id. Each item
    is converted once (a source cited by many pages too) and the files are joined from
    those pieces.

    ``mkdocs serve`` passes a ``memo`` kept between rebuilds: a page's pieces are kept while
    its key in ``page_keys`` is the same (its dependency key and the site's: the key holds
    everything the page item shows), a source's while the same item object comes back (the
    builder hands out the same items for unchanged source records). At 5,000 concepts,
    dumping and converting all 7,500 items again took 1.7 s of every rebuild (profiled).
    """
    files: dict[str, str] = {}
    all_pages: list[tuple[str, str]] = []  # (id, slug)
    all_sources: dict[str, Pieces] = {}
    page_pieces: dict[str, Pieces] = {}

    def convert(i: CslItem, key: str | None) -> Pieces:
        return csl_to_bibtex(i, key), csl_to_ris(i), json_fragment(i)

    def source(i: CslItem) -> Pieces:
        iid = i["id"]
        found = all_sources.get(iid)
        if found is not None:
            return found
        if memo is not None:
            kept = memo.get(("export source", iid))
            if kept is not None and kept[0] is i:
                found = kept[1]
        if found is None:
            found = convert(i, iid)
            if memo is not None:
                memo[("export source", iid)] = (i, found)
        all_sources[iid] = found
        return found

    for slug, item, sources in pages:
        key = page_keys.get(slug) if page_keys is not None and memo is not None else None
        mine: Pieces | None = None
        if key is not None and memo is not None:
            kept = memo.get(("export page", slug))
            if kept is not None and kept[0] == key:
                mine = kept[1]
        if mine is None:
            mine = convert(item, item["id"])
            if key is not None and memo is not None:
                memo[("export page", slug)] = (key, mine)
        page_pieces[slug] = mine
        theirs = [source(s) for s in sources]
        files[f"cite/{slug}.bib"] = "\n".join([mine[0], *(p[0] for p in theirs)])
        files[f"cite/{slug}.ris"] = "".join([mine[1], *(p[1] for p in theirs)])
        files[f"cite/{slug}.json"] = json_join([mine[2], *(p[2] for p in theirs)])
        all_pages.append((item["id"], slug))
    all_pages.sort(key=lambda x: x[0])
    every = [page_pieces[slug] for _, slug in all_pages] + [all_sources[k] for k in sorted(all_sources)]
    files["cite/all.bib"] = "\n".join(p[0] for p in every)
    files["cite/all.ris"] = "".join(p[1] for p in every)
    files["cite/all.json"] = json_join([p[2] for p in every])
    return files
