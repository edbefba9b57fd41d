"""BibTeX dates to CSL dates: biblatex ``date``, or ``year``/``month``/``day``, and ``urldate``.

Also the one table of BibTeX's predefined month macros (``jan`` .. ``dec``): the parser
expands them (:mod:`.parse`), :func:`parse_month` reads them, and the BibTeX exporter writes them
(:mod:`conceptwiki.citations.exports`). Values that are not dates are reported through a
callback (the caller knows the entry and the line), never raised. Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
from typing import Callable, Mapping, Optional, TypedDict

from .latex import decode_latex

__all__ = ["MONTH_MACROS", "CslDate", "Warn", "parse_bib_date", "parse_month", "parse_issued"]

#: BibTeX's predefined month macros, January first: ``month = jun`` means June, and an
#: exporter writes ``MONTH_MACROS[month - 1]`` unbraced.
MONTH_MACROS: tuple[str, ...] = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                 "oct", "nov", "dec")
_MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "sept": 9,
}
for _i, _m in enumerate(MONTH_MACROS):
    _MONTH_NAMES[_m] = _i + 1


#: A CSL-JSON date: one ``[year, month?, day?]`` list in ``date-parts``, or two for a range.
CslDate = TypedDict("CslDate", {"date-parts": list[list[int]]})

#: Called with a field name and a message for a value that is not a usable date.
Warn = Callable[[str, str], None]

_ISO_DATE_RE = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[\d:.+\-Z]*)?$")


def _valid_parts(y: int, m: Optional[int], d: Optional[int]) -> list[int]:
    parts = [y]
    if m is not None and 1 <= m <= 12:
        parts.append(m)
        if d is not None and 1 <= d <= 31:
            parts.append(d)
    return parts


def _days_in_month(year: int, month: int) -> int:
    """Days in ``month`` of ``year`` in the proleptic Gregorian calendar (years 0 and below
    too, which biblatex allows and :mod:`calendar` does not)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_bib_date(value: str) -> Optional[CslDate]:
    """An ISO 8601 / biblatex date (``2019``, ``2019-06``, ``2019-06-05``, a range
    ``2019-06-05/2019-06-07``, ``2019/``) to a CSL date, or None if it is not one."""
    value = value.strip().rstrip("~?%")
    if not value:
        return None
    ends = value.split("/")
    if len(ends) > 2:
        return None
    parts: list[list[int]] = []
    for end in ends:
        end = end.strip().rstrip("~?%")
        if not end or end == "..":
            continue
        m = _ISO_DATE_RE.match(end)
        if not m:
            return None
        y = int(m.group(1))
        mo = int(m.group(2)) if m.group(2) else None
        d = int(m.group(3)) if m.group(3) else None
        if mo is not None and not 1 <= mo <= 12:
            return None
        if d is not None and not 1 <= d <= _days_in_month(y, mo or 1):
            return None  # 2024-02-30 was published as given
        parts.append(_valid_parts(y, mo, d))
    if not parts:
        return None
    return {"date-parts": parts}


def parse_month(value: str) -> Optional[int]:
    """A month field (``6``, ``jun``, ``June``, ``Sept.``, LaTeX allowed) to 1-12, or None."""
    v = decode_latex(value).strip().lower().rstrip(".")
    if v.isdigit():
        m = int(v)
        return m if 1 <= m <= 12 else None
    return _MONTH_NAMES.get(v)


_STATUS_WORDS = ("forthcoming", "in press", "to appear", "submitted", "in preparation",
                 "accepted")


def parse_issued(fields: Mapping[str, str], warn: Optional[Warn] = None
                 ) -> tuple[Optional[CslDate], Optional[str]]:
    """(issued date, status) from ``date`` or ``year``/``month``/``day``.

    ``date`` wins when it is an ISO 8601 date. A status word ("forthcoming", "in press", ...)
    in ``date`` or ``year`` becomes the status; a year with a letter (``2019a``) is the
    year. Doubtful values go to ``warn`` and are otherwise ignored.
    """
    status = None
    if "date" in fields:
        d = parse_bib_date(decode_latex(fields["date"]))
        if d:
            return d, None
        low = decode_latex(fields["date"]).lower()
        status = next((w for w in _STATUS_WORDS if w in low), None)
        if warn and not status:
            warn("date", f"date '{fields['date']}' is not an ISO 8601 date (YYYY-MM-DD); "
                         "it is ignored")
    year_raw = fields.get("year")
    if year_raw is None:
        return None, status
    year_txt = decode_latex(year_raw).strip()
    m = re.fullmatch(r"(\d{1,4})[a-z]?", year_txt)
    if not m:
        low = year_txt.lower()
        status = status or next((w for w in _STATUS_WORDS if w in low), None)
        m = re.search(r"(?<!\d)(\d{4})(?!\d)", year_txt)
        if not m:
            if warn and not status:
                warn("year", f"year '{year_raw}' is not a number; the entry has no date "
                             "(leave 'year' out if the date is unknown)")
            return None, status
    year = int(m.group(1))
    month: Optional[int] = None
    day: Optional[int] = None
    if "month" in fields:
        month = parse_month(fields["month"])
        if month is None and warn:
            warn("month", f"month '{fields['month']}' is not a month (use 1-12 or jan..dec);"
                          " it is ignored")
    if month is not None and "day" in fields:
        dtxt = decode_latex(fields["day"]).strip()
        day = int(dtxt) if dtxt.isascii() and dtxt.isdigit() else None
        if day is not None and not 1 <= day <= _days_in_month(year, month):
            day = None
        if day is None and warn:
            warn("day", f"day '{fields['day']}' is not a day of that month; it is ignored")
    return {"date-parts": [_valid_parts(year, month, day)]}, status
