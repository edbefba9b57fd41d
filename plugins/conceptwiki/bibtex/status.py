"""The publication status of a source: what kind of publication a reader is relying on.

Readers want to know whether a concept rests on a peer-reviewed paper or on a blog post.
The status is a fact about where the work appeared, derived from the BibTeX entry as
written (its type and venue fields), never a judgement of quality: there is no score, and
no citation count that would go stale. Where the derivation is wrong (a workshop whose
``booktitle`` does not say "Workshop", a government report entered as ``@misc``), the entry
states its status in the ``publicationstatus`` field, with one of :data:`STATUS_LABELS`'
keys. Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

from .latex import decode_latex

__all__ = ["STATUS_FIELD", "STATUS_LABELS", "STATUS_ORDER", "SourceFields", "publication_status",
           "status_override_problem"]

#: The BibTeX field that overrides the derived status (biblatex's ``pubstate`` means
#: something else: "in press", "submitted").
STATUS_FIELD = "publicationstatus"

#: Status -> its label, in the order the sources listing shows them.
STATUS_LABELS: dict[str, str] = {
    "journal": "Peer-reviewed journal",
    "conference": "Peer-reviewed conference",
    "workshop": "Workshop paper",
    "book": "Book or chapter",
    "report": "Technical report",
    "preprint": "Preprint",
    "post": "Forum or blog post",
    "official": "Legislation or official document",
    "other": "Other",
}
STATUS_ORDER = tuple(STATUS_LABELS)

_BOOK_TYPES = frozenset({"book", "mvbook", "incollection", "inbook", "bookinbook", "collection",
                         "mvcollection", "suppbook", "suppcollection", "inreference", "reference",
                         "mvreference"})
_CONFERENCE_TYPES = frozenset({"inproceedings", "conference"})
_REPORT_TYPES = frozenset({"techreport", "report", "manual"})
_OFFICIAL_TYPES = frozenset({"legislation", "legal", "jurisdiction", "standard"})
_WEB_TYPES = frozenset({"misc", "online", "electronic", "www", "unpublished"})
_WORKSHOP_RE = re.compile(r"\bworkshops?\b", re.I)
#: Venues of forum and blog posts, named in ``organization``, ``howpublished``,
#: ``publisher`` or ``journal`` of a ``@misc`` (``@online`` is a post whatever its venue).
_POST_VENUE_RE = re.compile(r"\b(?:forum|lesswrong|less wrong|blog|substack|medium)\b", re.I)
_ARXIV_RE = re.compile(r"arxiv", re.I)


class SourceFields(Protocol):
    """What the derivation reads of an entry (a :class:`~.source.Source` has it)."""

    @property
    def type(self) -> str: ...
    @property
    def fields(self) -> Mapping[str, str]: ...


def _text(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name)
    return decode_latex(value).strip() if value else ""


def _is_arxiv(fields: Mapping[str, str]) -> bool:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip("{} ")
    if fields.get("eprint") and prefix.lower() == "arxiv":
        return True
    return any(_ARXIV_RE.search(fields.get(name) or "")
               for name in ("journal", "journaltitle", "howpublished", "url", "doi", "publisher"))


def _override(fields: Mapping[str, str]) -> str | None:
    value = _text(fields, STATUS_FIELD).lower()
    return value if value in STATUS_LABELS else None


def status_override_problem(source: SourceFields) -> str | None:
    """Why the entry's ``publicationstatus`` field is not a status (None if it is, or if
    the entry has none): the message names the values it may take."""
    if STATUS_FIELD not in source.fields:
        return None
    raw = _text(source.fields, STATUS_FIELD)
    if raw.lower() in STATUS_LABELS:
        return None
    return (f"{STATUS_FIELD} '{raw}' is not a publication status; write one of "
            + ", ".join(STATUS_ORDER) + " (or delete the field to derive it from the entry)")


def publication_status(source: SourceFields) -> str:
    """The entry's status, a key of :data:`STATUS_LABELS`.

    ``publicationstatus`` wins when it holds a known status. Otherwise: ``@article`` in a
    journal → journal (with no journal, or "arXiv"/"CoRR" as journal → preprint);
    ``@inproceedings`` → conference, or workshop when its ``booktitle`` (or ``eventtitle``)
    says "Workshop"; books, chapters and collections → book; ``@techreport``/``@report`` →
    report; ``@legislation``/``@standard`` → official; ``@online`` → post, or preprint with
    an arXiv id; ``@misc``/``@unpublished`` → preprint with an arXiv id, post when its venue
    is a forum or blog (Alignment Forum, LessWrong, a "blog"), else other; anything else
    (theses, software, datasets) → other.
    """
    fields = source.fields
    override = _override(fields)
    if override is not None:
        return override
    btype = source.type.lower()
    if btype == "article":
        journal = _text(fields, "journal") or _text(fields, "journaltitle")
        if not journal:
            return "preprint" if _is_arxiv(fields) else "other"
        low = journal.lower()
        return "preprint" if low.startswith("arxiv") or low == "corr" else "journal"
    if btype in _CONFERENCE_TYPES:
        venue = " ".join((_text(fields, "booktitle"), _text(fields, "eventtitle")))
        return "workshop" if _WORKSHOP_RE.search(venue) else "conference"
    if btype in _BOOK_TYPES:
        return "book"
    if btype in _REPORT_TYPES:
        return "report"
    if btype in _OFFICIAL_TYPES:
        return "official"
    if btype in _WEB_TYPES:
        if _is_arxiv(fields):
            return "preprint"
        if btype == "online":
            return "post"
        venue = " ".join(_text(fields, n) for n in ("organization", "howpublished", "publisher", "journal"))
        return "post" if _POST_VENUE_RE.search(venue) else "other"
    return "other"
