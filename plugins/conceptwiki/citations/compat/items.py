"""The data: CSL-JSON items as citeproc-py objects, and reading their variables.

:class:`CompatSource` replaces ``citeproc.source.json.CiteProcJSON``:

* dates given as ``{"raw": "2019-06-05"}`` (or as a plain string) are parsed
  as citeproc-js's date parser does (:func:`parse_raw_date`; citeproc-py
  dropped them);
* string values are kept as they are (markup is interpreted at render time,
  by :mod:`.flipflop`), CSL 1.0.2 variables are accepted without warnings,
  and ids keep their case.

:class:`CiteItem` holds its reference directly, and :func:`ref_value` reads a
variable of it the way every element does (absent and empty are the same).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Union

from citeproc.source import (
    BibliographySource,
    Citation as SrcCitation,
    CitationItem,
    Date as SrcDate,
    DateRange,
    LiteralDate,
    Locator,
    Name as SrcName,
    Reference,
)

from .richtext import FORMATTER, RichString

__all__ = [
    "DATE_VARS",
    "NAME_VARS",
    "Bib",
    "CiteItem",
    "CompatSource",
    "NameData",
    "Value",
    "cite_item",
    "cite_one",
    "parse_raw_date",
    "ref_value",
]

# ---------------------------------------------------------------------------
# Raw dates (citeproc-js date parser)
# ---------------------------------------------------------------------------
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_SEASONS = {"spring": 13, "summer": 14, "autumn": 15, "fall": 15, "winter": 16}


def _parse_one_date(text: str) -> list[int] | None:
    t = text.strip().rstrip(".").strip()
    m = re.fullmatch(r"(-?\d{1,4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?", t)
    if m:
        return [int(g) for g in m.groups() if g is not None]
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", t)  # M/D/YYYY (citeproc-js: US order)
    if m:
        return [int(m.group(3)), int(m.group(1)), int(m.group(2))]
    words = re.findall(r"[A-Za-z]+|\d+", t)
    year = month = day = None
    for w in words:
        lw = w.lower()
        if lw in _MONTHS and month is None:
            month = _MONTHS[lw]
        elif lw in _SEASONS and month is None:
            month = _SEASONS[lw]
        elif w.isdigit():
            if len(w) >= 3 or (year is None and day is not None):
                year = int(w)
            elif day is None:
                day = int(w)
            else:
                return None
        elif lw not in ("th", "st", "nd", "rd", "of"):
            return None
    if year is None:
        return None
    out = [year]
    if month:
        out.append(month)
        if day:
            out.append(day)
    return out


def parse_raw_date(raw: str) -> dict[str, Any]:
    """Parse a raw date string into CSL-JSON date-parts, like citeproc-js's
    date parser does for ``{"raw": ...}``: ISO dates (``2019-06-05``,
    ``2019-06``, ``2019``), EDTF-style ranges (``2019/2020``), month names
    (``5 June 2019``, ``June 5, 2019``, ``June 2019``) and seasons; anything
    else becomes a literal (``{"literal": raw}``)."""
    raw = str(raw).strip()
    for sep in ("/", " - ", "\u2013", " to "):
        if sep in raw and not re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", raw):
            pieces = raw.split(sep)
            if len(pieces) == 2:
                a, b = _parse_one_date(pieces[0]), _parse_one_date(pieces[1])
                if a and b:
                    return {"date-parts": [a, b]}
    one = _parse_one_date(raw)
    if one:
        return {"date-parts": [one]}
    return {"literal": raw}


def _parse_date(value: object) -> SrcDate | DateRange | LiteralDate | None:
    if isinstance(value, str):
        value = {"raw": value}
    if not isinstance(value, dict):
        return None
    if "date-parts" not in value and "raw" in value:
        parsed = parse_raw_date(value["raw"])
        value = dict(value, **parsed)
    circa = bool(value.get("circa"))
    parts = value.get("date-parts") or []
    dates = []
    for p in parts:
        if not p or p[0] in (None, ""):
            continue
        d = {}
        for name, v in zip(("year", "month", "day"), p):
            try:
                d[name] = int(v)
            except (TypeError, ValueError):
                break
        if d:
            if value.get("season") and "month" not in d:
                d["season"] = value["season"]
            dates.append(d)
    if len(dates) == 1:
        return SrcDate(circa=circa, **dates[0])
    if len(dates) > 1:
        return DateRange(begin=SrcDate(**dates[0]), end=SrcDate(**dates[1]), circa=circa)
    if value.get("literal"):
        return LiteralDate(str(value["literal"]), circa=circa)
    return None


# ---------------------------------------------------------------------------
# CSL-JSON items
# ---------------------------------------------------------------------------
class _Reference(Reference):
    def __init__(self, key: str, type: str, data: dict[str, Any]):  # noqa: A002 - CSL name
        dict.__init__(self)
        self.update(data)
        self["key"] = key
        self["type"] = type


_NAME_KEYS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal", "comma-suffix"}
#: The CSL name variables.
NAME_VARS = {
    "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor", "curator",
    "director", "editor", "editorial-director", "editor-translator", "executive-producer", "guest", "host",
    "illustrator", "interviewer", "narrator", "organizer", "original-author", "performer", "producer",
    "recipient", "reviewed-author", "script-writer", "series-creator", "translator",
}
#: The CSL date variables.
DATE_VARS = {"accessed", "available-date", "event-date", "issued", "original-date", "submitted", "container"}


class NameData(SrcName):
    """One name of a name variable: its CSL-JSON parts (empty ones left out)."""

    def __init__(self, data: dict[str, Any]):
        dict.__init__(self)
        for k, v in data.items():
            if k in _NAME_KEYS and v not in (None, ""):
                self[k] = v if k == "comma-suffix" else str(v)
        if data.get("parse-names") not in (False, "false"):
            _parse_particle(self)


#: Lower-case particle words that open a family name: "van ", "de la ", "al-", "d'".
_PARTICLE = re.compile(r"^((?:[a-z\u00df-\u00ff]+(?:\s+|-|['\u2019]))+)(\S.*)$")


def _parse_particle(name: NameData) -> None:
    """Split a non-dropping particle off a family name given in one field, as citeproc-js
    does (its ``parseParticles``): "van Happel" is "van" + "Happel", "al-One" is "al-" +
    "One" (sorted under O); a family name in double quotes ("\"Van Dyke\"") is taken
    as it is, without the quotes. CSL-JSON with the particle in its own field is left
    alone. citeproc-py rendered the family as given (and sorted "al-One" under A)."""
    family = name.get("family")
    if not family or "literal" in name or "non-dropping-particle" in name or "dropping-particle" in name:
        return
    if len(family) > 2 and family.startswith('"') and family.endswith('"'):
        name["family"] = family[1:-1]
        return
    m = _PARTICLE.match(family)
    if m and m.group(2)[:1].isupper():
        name["non-dropping-particle"] = m.group(1).rstrip()
        name["family"] = m.group(2)


#: What a variable of a reference holds: text, names, or a date.
Value = Union[RichString, list[NameData], SrcDate, DateRange, LiteralDate]


#: A line "container-title-short: Container" of a note (Zotero's "Extra" field).
_NOTE_VARIABLE = re.compile(r"^([a-z][a-z-]*[a-z])\s*:\s*(\S.*?)\s*$")


def _note_variables(ref: dict[str, Any]) -> dict[str, Any]:
    """``ref`` with the CSL text variables written as "name: value" lines in its
    ``note`` taken as variables (when not set already) and those lines left out of
    the note.

    This is how Zotero hands CSL variables it has no field for to citeproc-js
    (its "Extra" field becomes ``note``), and citeproc-js reads them so
    (test suite: variables_ContainerTitleShort2). Only text variables, and only
    lower-case CSL names, so an ordinary note ("Note: in press") is untouched.
    """
    note = ref.get("note")
    if not isinstance(note, str) or ":" not in note:
        return ref
    out = dict(ref)
    kept = []
    for line in note.split("\n"):
        m = _NOTE_VARIABLE.match(line.strip())
        if m and m.group(1) in _TEXT_VARS:
            if out.get(m.group(1)) in (None, ""):
                out[m.group(1)] = m.group(2)
            continue
        kept.append(line)
    out["note"] = "\n".join(kept).strip()
    if not out["note"]:
        del out["note"]
    return out


#: The CSL 1.0.2 text (standard and number) variables a note may set.
_TEXT_VARS = {
    "abstract", "annote", "archive", "archive_collection", "archive_location", "archive-place", "authority",
    "call-number", "chapter-number", "citation-key", "collection-number", "collection-title",
    "collection-title-short", "container-title", "container-title-short", "dimensions", "division", "DOI",
    "edition", "event", "event-title", "event-place", "genre", "ISBN", "ISSN", "issue", "jurisdiction",
    "language", "license", "medium", "number", "number-of-pages", "number-of-volumes", "original-publisher",
    "original-publisher-place", "original-title", "page", "part-number", "part-title", "PMCID", "PMID",
    "printing-number", "publisher", "publisher-place", "references", "reviewed-genre", "reviewed-title",
    "scale", "section", "source", "status", "supplement-number", "title", "title-short", "URL",
    "version", "volume", "volume-title",
}


class CompatSource(BibliographySource):
    """CSL-JSON items as a citeproc-py bibliography source.

    Unlike ``citeproc.source.json.CiteProcJSON``: parses raw date strings,
    keeps string values as they are (markup is interpreted at render time),
    accepts CSL 1.0.2 variables without warnings, and keeps ids' case."""

    def __init__(self, items: Iterable[dict[str, Any]]):
        for ref in items:
            ref = _note_variables(ref)
            data: dict[str, Any] = {}
            key = str(ref["id"]).lower()
            for k, value in ref.items():
                if k in ("id", "type"):
                    continue
                pk = k.replace("-", "_")
                if k == "shortTitle":
                    pk = "title_short"
                elif k == "journalAbbreviation":
                    pk = "container_title_short"
                if k in NAME_VARS:
                    data[pk] = [NameData(n) for n in value if isinstance(n, dict)]
                elif k in DATE_VARS:
                    d = _parse_date(value)
                    if d is not None:
                        data[pk] = d
                elif isinstance(value, (str, int, float)):
                    data[pk] = RichString(str(value))
            self.add(_Reference(key, ref.get("type", "document"), data))


class Bib:
    """The bibliography a citation item belongs to: its source and the order of its keys
    (what ``citation-number`` counts)."""

    def __init__(self, source: CompatSource):
        self.source = source
        self.keys: list[str] = list(source.keys())
        self.formatter = FORMATTER


class CiteItem(CitationItem):
    """A citation item holding its reference directly (citeproc-py looks it
    up through three properties on every access)."""

    @property
    def reference(self) -> Reference:
        return dict.__getitem__(self, "_reference")

    @property
    def has_locator(self) -> bool:
        return dict.__contains__(self, "locator")

    @property
    def number(self) -> int | str:
        # render_bibliography_entry may give the number the item has in a list
        n = dict.get(self, "_compat_citation_number")
        number: int | str = n if n is not None else CitationItem.number.fget(self)
        return number


def cite_item(bib: Bib, key: str, locator: str | None = None, label: str = "page") -> CiteItem:
    """A citation of the item ``key`` of ``bib`` (with a locator, if given)."""
    ci = CiteItem(key, **({"locator": Locator(label, str(locator))} if locator is not None else {}))
    citation = SrcCitation([ci])
    citation.bibliography = bib
    dict.__setitem__(ci, "_reference", bib.source[ci.key])
    return ci


def cite_one(item: dict[str, Any]) -> CiteItem:
    """A citation of ``item`` alone (in a bibliography of one)."""
    source = CompatSource([item])
    bib = Bib(source)
    key = str(item["id"]).lower()
    bib.keys = [key]
    return cite_item(bib, key)


def ref_value(item: CiteItem, variable: str) -> Any:
    """A variable of the item's reference (a :data:`Value`), None when absent or empty."""
    value = dict.get(item.reference, variable.replace("-", "_"))
    if value is None or (isinstance(value, (str, list)) and len(value) == 0):
        return None
    return value
