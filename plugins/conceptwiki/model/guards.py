"""Content guards that ``check`` runs beyond the schema: the depth of entries' details, the
``publicationstatus`` field of sources, and an author's name spelled two ways in ``bib/``.

Why these are here and not in the schema: they compare entries with a site setting (the
minimum length applies to entries created from a date on, so that the entries written
before the rule keep building), or sources with each other (a name is only "spelled two
ways" across files). Every problem is located at ``path:line:column``. Nothing here imports
MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from ..bibtex import CslName, Source, parse_names
from ..bibtex.status import STATUS_FIELD, status_override_problem
from .problems import Problems
from .schema import Concept

__all__ = ["DEFAULT_MIN_DETAILS_WORDS", "count_words", "check_details_length",
           "check_status_fields", "check_author_spellings", "LocatedEntry"]

#: The minimum number of words in ``details`` a site can require (``min_details_words`` in
#: mkdocs.yml; this repository sets it to 250). 0, the default, requires nothing, so that
#: sites and test fixtures with short entries keep building.
DEFAULT_MIN_DETAILS_WORDS = 0

_WORD_RE = re.compile(r"\w")


class LocatedEntry(Protocol):
    """What the length check reads of an entry (:class:`~.loader.Entry` has it)."""

    @property
    def path(self) -> str: ...
    @property
    def concept(self) -> Concept: ...
    def position(self, *loc: str) -> tuple[int, int]: ...


def count_words(markdown: str) -> int:
    """Words in a Markdown text: whitespace-separated tokens with a letter or digit (so list
    markers, ``###`` and lone punctuation do not count; a ``[[wikilink]]`` counts its words)."""
    return sum(1 for token in markdown.split() if _WORD_RE.search(token))


def check_details_length(entries: Iterable[LocatedEntry], min_words: int,
                         since: _dt.date | None, problems: Problems) -> None:
    """An error for each entry created on or after ``since`` (every entry when None) whose
    ``details`` has fewer than ``min_words`` words, or which has no ``details`` at all."""
    if min_words <= 0:
        return
    scope = f"entries created on or after {since.isoformat()}" if since else "entries"
    for entry in entries:
        concept, path = entry.concept, entry.path
        if since is not None and concept.created < since:
            continue
        details = concept.details or ""
        words = count_words(details)
        if not details.strip():
            line, col = entry.position("summary")
            problems.error(path, line, col, f"the entry has no 'details'; {scope} need details of "
                           f"at least {min_words} words (min_details_words in mkdocs.yml): add a "
                           "'details: |' block after the summary", code="details-length")
        elif words < min_words:
            line, col = entry.position("details")
            problems.error(path, line, col, f"'details' has {words} words; {scope} need at least "
                           f"{min_words} (min_details_words in mkdocs.yml): add "
                           f"{min_words - words} or more, sourced", code="details-length")


def check_status_fields(sources: Mapping[str, Source], problems: Problems) -> None:
    """An error at each ``publicationstatus`` field that holds no known status."""
    for key, source in sorted(sources.items()):
        message = status_override_problem(source)
        if message:
            line = source.field_lines.get(STATUS_FIELD, source.line)
            problems.error(source.path, line, 0, f"entry '{key}': {message}")


def _fold(text: str) -> str:
    """Lower case, accents and punctuation removed: "Quiñonero-Candela" → "quinonero candela"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _given_compatible(a: str, b: str) -> bool:
    """Whether two given names may be one person's: each word of the shorter is a prefix
    of the corresponding word of the longer, and is an initial or at least three letters
    long ("C." / "Chris" / "Christopher"; "Paul" / "Paul F."). "Jane" and "Jun" are not,
    nor "Xi" and "Xin" (short given names that are prefixes of others are different names)."""
    ta, tb = _fold(a).split(), _fold(b).split()
    if not ta or not tb:
        return False

    def same(x: str, y: str) -> bool:
        short, long_ = sorted((x, y), key=len)
        return long_.startswith(short) and (len(short) == 1 or len(short) >= 3 or short == long_)

    return all(same(x, y) for x, y in zip(ta, tb))


def _shown(name: CslName) -> str:
    family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
    return f"{family}, {name['given']}" if name.get("given") else family


def check_author_spellings(sources: Mapping[str, Source], root: Path, problems: Problems) -> None:
    """See :func:`_check_author_spellings`; the same sources (the same records: unchanged
    .bib files, ``mkdocs serve``) give the same warnings (0.1 s of a rebuild at 500 sources)."""
    records = tuple(sources.values())
    kept = _SPELLINGS.get("last")
    if (kept is not None and kept[0] == str(root) and len(kept[1]) == len(records)
            and all(a is b for a, b in zip(kept[1], records))):
        problems.extend(kept[2])
        return
    found = Problems()
    _check_author_spellings(sources, root, found)
    _SPELLINGS["last"] = (str(root), records, list(found))
    problems.extend(found)


_SPELLINGS: dict[str, tuple[str, tuple[Source, ...], list[Any]]] = {}


def _check_author_spellings(sources: Mapping[str, Source], root: Path, problems: Problems) -> None:
    """A warning where one author's name is written two ways across ``bib/``: the same
    family name (ignoring case and accents) and given names that may be one person's (see
    :func:`_given_compatible`), but not the same text, e.g. "Olah, Chris" and "Olah,
    Christopher". Reference managers and styles treat the two as different people.

    The warning is at the first use of the rarer form (of two equally common ones, the
    later) and names the first use of the other form."""
    uses: dict[str, list[tuple[str, int, int]]] = {}   # shown form -> (path, line, col)
    forms: dict[str, CslName] = {}
    lines_of: dict[str, list[str]] = {}
    for source in sorted(sources.values(), key=lambda s: (s.path, s.line)):
        for field in ("author", "editor"):
            value = source.fields.get(field)
            if not value:
                continue
            start = source.field_lines.get(field, source.line)
            for name in parse_names(value):
                if "literal" in name or not name.get("family"):
                    continue
                shown = _shown(name)
                line, col = _locate(lines_of, root, source.path, start, name["family"])
                uses.setdefault(shown, []).append((source.path, line, col))
                forms.setdefault(shown, name)
    groups: dict[tuple[str, str], list[str]] = {}
    for shown, name in forms.items():
        given = _fold(name.get("given", ""))
        family = _fold(" ".join((name.get("non-dropping-particle", ""), name.get("family", ""))))
        groups.setdefault((family, given[:1]), []).append(shown)
    for (_family, initial), members in sorted(groups.items()):
        if not initial or len(members) < 2:
            continue
        members.sort(key=lambda s: (-len(uses[s]), uses[s][0]))
        for i, shown in enumerate(members[1:], 1):
            other = next((m for m in members[:i]
                          if _given_compatible(forms[m].get("given", ""), forms[shown].get("given", ""))),
                         None)
            if other is None:
                continue
            path, line, col = uses[shown][0]
            o_path, o_line, o_col = uses[other][0]
            problems.warning(path, line, col,
                             f"author '{shown}' is written '{other}' at {o_path}:{o_line}:{o_col} "
                             f"({len(uses[other])} use{'s' if len(uses[other]) != 1 else ''}); "
                             "if they are one person, write the name one way everywhere, as the "
                             "person's publications do", code="author-spelling")


def _locate(cache: dict[str, list[str]], root: Path, path: str, start: int, family: str) -> tuple[int, int]:
    """The line and column of ``family`` in the field that starts on line ``start`` (the
    field's line and column 0 when it cannot be found, e.g. written with LaTeX accents)."""
    if path not in cache:
        try:
            cache[path] = (root / path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            cache[path] = []
    lines = cache[path]
    for n in range(start, min(start + 20, len(lines)) + 1):
        col = lines[n - 1].find(family)
        if col >= 0:
            return n, col + 1
        if n > start and "=" in lines[n - 1] and re.match(r"\s*\w+\s*=", lines[n - 1]):
            break  # the next field
    return start, 0
