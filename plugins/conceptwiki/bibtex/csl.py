"""One BibTeX entry to one CSL-JSON item: entry types, fields, arXiv preprints.

The type mapping and the arXiv rules are stated in :func:`source_to_csl`; which fields
each type reads for its container and publisher is in its code. An entry is read through :class:`BibEntry`, what :class:`~conceptwiki.bibtex.source.Source` provides, so
that this module needs neither the parser nor the Source class (the Source calls it, and
the parser stores the result on the Source). Text fields are decoded by :mod:`.latex`, names
by :mod:`.names`, dates by :mod:`.dates`. Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Optional, Protocol

from ..model.problems import Problems
from .dates import parse_bib_date, parse_issued
from .latex import decode_latex, decode_title, unescape_verbatim
from .names import ends_in_others, name_list_problems, parse_names

__all__ = ["CslItem", "BibEntry", "VERBATIM_FIELDS", "source_to_csl", "archive_name"]

#: A CSL-JSON item. Values are strings, lists of :class:`~.names.CslName` and
#: :class:`~.dates.CslDate`; it is a plain dict because citeproc and the exporters read and
#: copy it as one.
CslItem = dict[str, Any]


class BibEntry(Protocol):
    """What :func:`source_to_csl` reads of an entry (:class:`~.source.Source` has it)."""

    @property
    def key(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def fields(self) -> Mapping[str, str]: ...
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def field_lines(self) -> Mapping[str, int]: ...


#: Fields kept verbatim (only the outer delimiters removed, and ``\\_ \\% \\# \\& \\~``
#: un-escaped): they are identifiers, not text.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pdf", "urlraw", "isbn", "issn", "archiveurl"})

#: Well-known web archives, by host, for CSL's ``archive`` (the name of the archive).
_WEB_ARCHIVES = {"web.archive.org": "Internet Archive", "archive.org": "Internet Archive",
                 "wayback.archive-it.org": "Archive-It", "archive.ph": "archive.today",
                 "archive.today": "archive.today", "archive.is": "archive.today",
                 "webcitation.org": "WebCite", "www.webcitation.org": "WebCite"}

_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_URL_LIKE_RE = re.compile(r"^(?:https?|ftp)://\S+$", re.I)
_ARXIV_IN_TEXT_RE = re.compile(
    r"arxiv(?:\s+preprint)?(?:\s+arxiv)?\s*:?\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.I)
_ARXIV_URL_RE = re.compile(
    r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.I)

_TYPE_MAP = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "book": "book",
    "mvbook": "book",
    "bookinbook": "chapter",
    "inbook": "chapter",
    "incollection": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "inreference": "entry-encyclopedia",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "unpublished": "manuscript",
    "booklet": "pamphlet",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "periodical": "periodical",
    "suppperiodical": "article-journal",
    "review": "review",
    "standard": "standard",
    "legislation": "legislation",
    "jurisdiction": "legal_case",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "video": "motion_picture",
    "audio": "song",
    "music": "song",
    "artwork": "graphic",
    "image": "graphic",
    "performance": "performance",
}
_WEB_TYPES = {"misc", "online", "electronic", "www"}


def _field_text(fields: Mapping[str, str], *names: str) -> Optional[str]:
    for n in names:
        v = fields.get(n)
        if v is not None:
            t = decode_latex(v)
            if t:
                return t
    return None


def _field_title(fields: Mapping[str, str], *names: str) -> Optional[str]:
    for n in names:
        v = fields.get(n)
        if v is not None:
            t = decode_title(v)
            if t:
                return t
    return None


_TILDE_RE = re.compile(r"\\textasciitilde\s*(?:\{\})?|\\~\{\}|\{\\~\{\}\}|\\~")


def _verbatim(fields: Mapping[str, str], name: str) -> Optional[str]:
    v = fields.get(name)
    if v is None:
        return None
    v = unescape_verbatim(v)
    if name in ("url", "doi", "eprint"):
        # Exporters (Mendeley, JabRef) write ``{\~{}}``, ``\textasciitilde`` or ``{\_}`` in
        # URLs; a URL has no literal braces (they would be %7B %7D), so braces go.
        v = _TILDE_RE.sub("~", v).replace("{", "").replace("}", "")
        v = re.sub(r"\s+", "", v) if name != "eprint" else v.strip()
    return v or None


def _arxiv_id(fields: Mapping[str, str]) -> Optional[str]:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().strip("{}")
    eprint = _verbatim(fields, "eprint")
    if eprint and prefix.lower() == "arxiv":
        return re.sub(r"^arxiv:\s*", "", eprint, flags=re.I)
    for name in ("journal", "journaltitle", "howpublished", "note", "publisher"):
        v = fields.get(name)
        if v:
            m = _ARXIV_IN_TEXT_RE.search(decode_latex(v))
            if m:
                return m.group(1)
    for name in ("url", "eprint"):
        v = fields.get(name)
        if v:
            m = _ARXIV_URL_RE.search(v)
            if m:
                return m.group(1)
    doi = fields.get("doi")
    if doi:  # arXiv's own export: doi = {10.48550/ARXIV.1906.01820}
        m = re.search(r"10\.48550/arxiv\.(\S+)$", unescape_verbatim(doi), re.I)
        if m:
            return m.group(1)
    return None


def _clean_doi(v: str) -> str:
    return _DOI_PREFIX_RE.sub("", v.strip()).strip()


def source_to_csl(source: BibEntry, problems: Optional[Problems] = None) -> CslItem:
    """The CSL-JSON item for an entry (a :class:`~.source.Source`).

    Types: article → article-journal; inproceedings/conference → paper-conference;
    book → book; incollection/inbook → chapter; techreport/report → report;
    phdthesis/mastersthesis/thesis → thesis (genre "PhD thesis" / "Master's thesis");
    misc/online/electronic/www → webpage if it has a URL, else document;
    unpublished → manuscript; other biblatex types as in ``_TYPE_MAP``; unknown → document
    (webpage with a URL).

    arXiv: an entry is an arXiv preprint when it has an arXiv id (``eprint`` with
    ``archivePrefix``/``eprinttype`` = arXiv, or "arXiv:ID" in journal/howpublished/note,
    or an arxiv.org/abs URL) and is not published elsewhere, i.e. it is a
    misc/online/unpublished/techreport/article entry whose journal is missing or starts with
    "arXiv". Such an entry becomes type ``article`` with publisher "arXiv", number
    "arXiv:ID", DOI 10.48550/arXiv.ID (version suffix dropped; an explicit doi wins), URL
    https://arxiv.org/abs/ID unless a url is given, and no container-title. An entry
    published in a real venue keeps its type and venue; its DOI is only ever the explicit
    one (the arXiv DOI names the preprint, not the published version); if it has neither
    url nor doi, the arXiv abstract page is used as URL.

    With ``problems``, doubtful values (a year that is not a number, an unknown month)
    are reported as warnings.
    """
    f = source.fields
    btype = source.type.lower()

    def warn(fname: str, message: str) -> None:
        if problems is not None:
            line = source.field_lines.get(fname, source.line)
            problems.warning(source.path, line, 0, f"entry '{source.key}': {message}")

    item: CslItem = {"id": source.key}
    url = _verbatim(f, "url")
    howpublished = f.get("howpublished")
    if not url and howpublished:
        hp = unescape_verbatim(howpublished)
        if _URL_LIKE_RE.match(hp):
            url = hp
    doi = _verbatim(f, "doi")
    if doi:
        doi = _clean_doi(doi)

    arxiv = _arxiv_id(f)
    journal_txt = _field_text(f, "journal", "journaltitle") or ""
    preprint = bool(arxiv) and (
        btype in _WEB_TYPES | {"unpublished", "techreport", "report"}
        or (btype == "article" and (not journal_txt or journal_txt.lower().startswith("arxiv")
                                    or journal_txt.lower() == "corr"))  # DBLP: journal = CoRR
    )

    if preprint:
        ctype = "article"
    elif btype in _WEB_TYPES:
        ctype = "webpage" if url else "document"
    else:
        ctype = _TYPE_MAP.get(btype) or ("webpage" if url else "document")
    item["type"] = ctype

    title = _field_title(f, "title")
    if title:
        item["title"] = title
    short = _field_title(f, "shorttitle")
    if short:
        item["title-short"] = short

    for fname, cname in (("author", "author"), ("editor", "editor"),
                         ("translator", "translator")):
        if fname in f:
            names = parse_names(f[fname])
            if names:
                item[cname] = names
            if problems is not None:
                for message in name_list_problems(f[fname]):
                    problems.warning(source.path, source.field_lines.get(fname, source.line), 0,
                                     f"entry '{source.key}': field '{fname}': {message}")
            if ends_in_others(names) and problems is not None:
                line = source.field_lines.get(fname, source.line)
                problems.warning(source.path, line, 0,
                                 f"entry '{source.key}': the {fname} list ends in 'and others', which "
                                 f"citations print as \"et al.\"; give every name if the source lists them",
                                 code="incomplete-names")

    issued, status = parse_issued(f, warn if problems is not None else None)
    pubstate = _field_text(f, "pubstate")
    if pubstate:
        status = {"inpress": "in press", "prepublished": "preprint"}.get(pubstate.lower(),
                                                                         pubstate)
    if issued:
        item["issued"] = issued
    if status:
        item["status"] = status
    if "urldate" in f:
        acc = parse_bib_date(decode_latex(f["urldate"]))
        if acc:
            item["accessed"] = acc
        else:
            warn("urldate", f"urldate '{f['urldate']}' is not an ISO 8601 date (YYYY-MM-DD);"
                            " it is ignored")

    # Container, publisher, numbers
    if preprint:
        assert arxiv is not None  # a preprint has an arXiv id, by definition above
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{arxiv}"
        if not doi:
            doi = "10.48550/arXiv." + re.sub(r"v\d+$", "", arxiv)
        if not url:
            url = f"https://arxiv.org/abs/{arxiv}"
    else:
        container = None
        container_from = None
        if ctype in ("article-journal", "periodical"):
            container = _field_title(f, "journal", "journaltitle")
        elif ctype in ("paper-conference", "chapter", "entry-encyclopedia"):
            container = _field_title(f, "booktitle")
        elif ctype == "legislation":  # the gazette: Official Journal, Federal Register
            container = _field_title(f, "journaltitle", "journal")
        elif ctype == "webpage":
            for name in ("organization", "howpublished", "journal", "publisher"):
                v = f.get(name)
                if v and not _URL_LIKE_RE.match(unescape_verbatim(v)) and "\\url" not in v:
                    container = decode_title(v)
                    container_from = name
                    break
        if container:
            item["container-title"] = container
        if ctype in ("report",):
            pub = _field_text(f, "institution", "publisher", "organization")
        elif ctype == "thesis":
            pub = _field_text(f, "school", "institution", "publisher")
        elif ctype == "webpage":
            pub = _field_text(f, "publisher") if container_from != "publisher" else None
        elif ctype == "paper-conference":
            pub = _field_text(f, "publisher", "organization")
        elif ctype in ("document", "pamphlet"):
            pub = _field_text(f, "publisher", "organization")
            if not pub and howpublished \
                    and not _URL_LIKE_RE.match(unescape_verbatim(howpublished)) \
                    and "\\url" not in howpublished:
                pub = decode_latex(howpublished)
        else:
            pub = _field_text(f, "publisher")
        if pub:
            item["publisher"] = pub
        if arxiv and not url and not doi:
            url = f"https://arxiv.org/abs/{arxiv}"
        number = _field_text(f, "number")
        if number:
            if ctype in ("article-journal",):
                item["issue"] = number
            else:
                item["number"] = number
        if "issue" in f and "issue" not in item:
            item["issue"] = decode_latex(f["issue"])

    place = _field_text(f, "address", "location")
    if place:
        item["publisher-place"] = place
    if ctype == "paper-conference":
        event = _field_title(f, "eventtitle")
        if event:
            item["event"] = event
        venue = _field_text(f, "venue")
        if venue:
            item["event-place"] = venue
    if ctype == "thesis":
        if btype == "phdthesis":
            item["genre"] = "PhD thesis"
        elif btype == "mastersthesis":
            item["genre"] = "Master's thesis"
        t = _field_text(f, "type")
        if t:
            low = t.lower()
            item["genre"] = {"phdthesis": "PhD thesis", "mathesis": "Master's thesis",
                             "mastersthesis": "Master's thesis"}.get(low, t)
    elif ctype in ("report", "manuscript", "document", "webpage"):
        t = _field_text(f, "type")
        if t:
            item["genre"] = t

    if preprint and re.match(r"(?i)abs/", f.get("volume", "")):
        f = {k: v for k, v in f.items() if k != "volume"}  # DBLP: volume = {abs/1906.01820}
    for fname, cname in (("volume", "volume"), ("edition", "edition"),
                         ("series", "collection-title"), ("chapter", "chapter-number"),
                         ("note", "note"), ("language", "language"), ("isbn", "ISBN"),
                         ("issn", "ISSN")):
        if fname in f and cname not in item:
            v = _verbatim(f, fname) if fname in VERBATIM_FIELDS else (
                decode_title(f[fname]) if cname == "collection-title" else decode_latex(f[fname]))
            if v:
                item[cname] = v
    if "pages" in f:
        pages = decode_latex(f["pages"].replace("--", "-"))
        pages = re.sub(r"\s*[-\u2013\u2014]+\s*", "\u2013", pages)
        if pages:
            item["page"] = pages
    if doi:
        item["DOI"] = doi
    if url:
        item["URL"] = url
    if arxiv:
        _eprint(f, item, arxiv)
    _archived_copy(f, item, warn)
    return item


def _eprint(f: Mapping[str, str], item: CslItem, arxiv: str) -> None:
    """The arXiv id (and ``primaryClass``, the arXiv category) in CSL-JSON's ``custom``
    object (CSL-JSON 1.0.2: data with no CSL variable). CSL has no variable for an e-print
    id: a preprint also carries it as ``number`` "arXiv:ID", but a paper published in a
    venue would otherwise lose it, and the BibTeX and RIS exports need it (``eprint``,
    ``eprinttype``, ``eprintclass``; RIS ``DB``/``AN``). The engine ignores ``custom``."""
    custom: dict[str, str] = {"eprint": arxiv, "eprinttype": "arxiv"}
    cls = (f.get("primaryclass") or f.get("eprintclass") or "").strip().strip("{}").strip()
    if cls and re.fullmatch(r"[A-Za-z][\w.-]*", cls):
        custom["eprintclass"] = cls
    item["custom"] = {**item.get("custom", {}), **custom}


def archive_name(url: str) -> str:
    """The name of the web archive holding ``url`` ("Internet Archive"), else its host."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return _WEB_ARCHIVES.get(host) or _WEB_ARCHIVES.get(host.removeprefix("www.")) or host


def _archived_copy(f: Mapping[str, str], item: CslItem, warn: Callable[[str, str], None]) -> None:
    """An archived copy of a web source: ``archiveurl`` (and ``archivedate``, the day it was
    archived), as Wikipedia's citation templates name them (biblatex has no standard field).
    CSL has no variable for an archived URL: its ``archive`` (the archive's name) and
    ``archive_location`` (the place in it) are what the styles that print archives read (APA
    and Chicago do), so the copy goes there. CSL has no archive date either: it goes in
    ``custom["archive-date"]`` (YYYY-MM-DD, or YYYY-MM, YYYY)."""
    archive_url = _verbatim(f, "archiveurl")
    if not archive_url:
        return
    if not _URL_LIKE_RE.match(archive_url):
        warn("archiveurl", f"archiveurl '{archive_url}' is not a URL (https://...); it is ignored")
        return
    item["archive"] = archive_name(archive_url)
    item["archive_location"] = archive_url
    if "archivedate" not in f:
        return
    parsed = parse_bib_date(decode_latex(f["archivedate"]))
    if not parsed:
        warn("archivedate", f"archivedate '{f['archivedate']}' is not an ISO 8601 date (YYYY-MM-DD); "
                            "it is ignored")
        return
    parts = parsed.get("date-parts", [[]])[0]
    # CSL 1.0.2 has no archive date: it goes in ``custom`` (as the arXiv id does), where
    # the exports read it (BibTeX note, RIS N1) and the engine does not look
    item["custom"] = {**item.get("custom", {}),
                      "archive-date": "-".join(f"{int(p):02d}" if i else f"{int(p):04d}"
                                               for i, p in enumerate(parts))}
