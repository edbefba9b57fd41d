"""Writers from CSL-JSON items: BibTeX (read by BibTeX, biblatex/biber, bibtexparser and
pybtex), RIS and CSL-JSON files. Nothing here imports MkDocs.

BibTeX rules, chosen to avoid the usual mistakes of "cite this page" exports:

* the key is stable (:func:`bibtex_key`);
* a corporate (``literal``) name is written in double braces, ``author = {{AI Safety
  Concept Wiki}}``, so it is never split into "Wiki, AI Safety Concept"; personal names as
  ``von Family, Jr, Given`` joined by `` and ``, particles kept (``van Merwijk, Chris``);
* the characters ``& % $ # _ ~ ^ \\ { }`` are escaped in every text field (``{`` and ``}``
  as ``\\textbraceleft{}``/``\\textbraceright{}``, which stay balanced: a lone ``\\{`` is a
  syntax error to BibTeX and pybtex); LaTeX ligatures that plain text would trigger
  (``--``, ``---``, two back-quotes or apostrophes, ``?```, ``!```) are broken with ``{}``;
  non-ASCII text stays UTF-8 (biber, bibtexparser and pybtex read it);
* ``url`` and ``doi`` are verbatim (both parsers return them unchanged and biblatex treats
  them as verbatim, so ``\\%`` would show up as such); only characters that cannot be in a
  URL at all (whitespace, braces, backslash) are percent-encoded;
* ``<span class="nocase">x</span>`` becomes ``{x}``; ``<i>``, ``<b>``, ``<sup>``,
  ``<sub>``, ``<sc>`` become ``\\textit`` etc.; in titles, words with a capital letter
  after their first character (``AI``, ``GPT-4``, ``McDonald``) are brace-protected so
  that BibTeX styles do not lower-case them;
* a web page is ``@misc`` with ``howpublished`` (the site name), ``publisher``, ``url``,
  ``urldate`` (YYYY-MM-DD) and ``note``: ``@online`` is biblatex-only and ``howpublished =
  {\\url{...}}`` prints the URL twice under biblatex;
* an arXiv preprint (CSL type ``article``, publisher arXiv, number ``arXiv:ID``) is
  ``@misc`` with ``eprint``, ``eprinttype = {arxiv}`` and ``eprintclass`` (biblatex's and
  Zotero's names; biber maps arXiv's ``archivePrefix``/``primaryClass`` onto them and warns
  when both are given); a published paper's arXiv id (CSL-JSON ``custom``) too;
* a work written as ``@misc`` (a statute, a web page, a dataset) has its volume, number and
  pages as a sentence in ``note`` ("Volume 88, page 75191"): biblatex's @misc has none of
  these fields (biber --validate-datamodel warns and drops them) and BibTeX's misc prints
  none of them;
* no issued date means ``year = {n.d.}``: BibTeX's author-year styles need a year (plainnat
  warns, natbib stops on apalike's labels) and APA prints "n.d."; biber warns that it is not
  a number and prints its own "n.d." (without a year it would warn too: biblatex's data
  model requires a date on every type BibTeX has); ``month`` is written as
  the standard macro (``month = jun``), which BibTeX styles print as a name and biber
  turns into a number (bibtexparser returns ``jun``, pybtex ``June``);
* an archived copy (its URL, archive and date) is a sentence in ``note``: biblatex has no
  field for it; non-ASCII initials of given names are BibTeX special characters
  (``{\\c{S}}ükrü``), which BibTeX counts as one character when it abbreviates;
* RIS puts an arXiv id (or else an archived copy) in ``DB``/``AN`` and a report number in
  ``SN``, and editors in ``A2``/``A3`` by type, where Zotero's RIS import keeps them; a list
  ending in "and others" ends in ``AU  - et al.``.

tests/test_latex_exports.py runs the BibTeX output through BibTeX, biber and LaTeX.

Why this module is long: some 850 lines, in sections, because the BibTeX and RIS writers
share its rich-text parser and its name, date and key helpers, and nothing else uses them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any, Callable, Iterable, Optional

from ..bibtex import MONTH_MACROS, CslItem, ends_in_others

__all__ = [
    "csl_to_bibtex",
    "csl_to_ris",
    "csl_json",
    "bibtex_key",
    "escape_bibtex",
    "strip_markup",
    "BIBTEX_TYPES",
    "RIS_TYPES",
]

KEY_RE = re.compile(r"^[A-Za-z0-9_:.+/-]+$")

#: CSL type -> BibTeX entry type (types read by classic BibTeX styles and biblatex alike).
BIBTEX_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "periodical": "article",
    "paper-conference": "inproceedings",
    "book": "book",
    "chapter": "incollection",
    "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection",
    "report": "techreport",
    "thesis": "phdthesis",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
}

#: CSL type -> RIS TY.
RIS_TYPES = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "paper-conference": "CONF",
    "book": "BOOK",
    "chapter": "CHAP",
    "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
    "post": "ELEC",
    "post-weblog": "BLOG",
    "manuscript": "UNPB",
    "article": "UNPB",
    "pamphlet": "PAMP",
    "patent": "PAT",
    "dataset": "DATA",
    "software": "COMP",
    "motion_picture": "MPCT",
    "song": "SOUND",
    "graphic": "ART",
    "legal_case": "CASE",
    "legislation": "STAT",
    "personal_communication": "PCOMM",
}

#: RIS tag for CSL ``editor``, by TY, as Zotero's RIS import reads them (RIS.js: A2 is the
#: editor of a chapter, paper, article, entry or document, A3 the editor of a BOOK, whose A2
#: is its series editor), which is also the RIS specification's Secondary/Tertiary Author
#: for those types; other types keep ``ED``, which Zotero reads as editor for every type.
_RIS_EDITOR = {"CHAP": "A2", "CONF": "A2", "CPAPER": "A2", "JOUR": "A2", "ENCYC": "A2",
               "DICT": "A2", "GEN": "A2", "BOOK": "A3"}
#: RIS tag for CSL ``collection-editor`` (a series editor), by TY (Zotero: A2 for BOOK and
#: RPRT, A3 for chapters, papers and entries); no tag for other types (ED would make an editor).
_RIS_SERIES_EDITOR = {"BOOK": "A2", "RPRT": "A2", "CHAP": "A3", "CONF": "A3", "CPAPER": "A3",
                      "ENCYC": "A3", "DICT": "A3"}

# --------------------------------------------------------------------------------------------
# Rich text (citeproc-js's HTML-like markup)
# --------------------------------------------------------------------------------------------

_TAG_RE = re.compile(
    r'<span\s+class="nocase">|<span\s+class="nodecor">|'
    r'<span\s+style="font-variant:\s*small-caps;?">|<sc>|<i>|<b>|<sup>|<sub>|'
    r"</span>|</sc>|</i>|</b>|</sup>|</sub>",
    re.I,
)
_OPEN_KIND = {"<i>": "i", "<b>": "b", "<sup>": "sup", "<sub>": "sub", "<sc>": "sc"}
_CLOSE_KIND = {"</i>": "i", "</b>": "b", "</sup>": "sup", "</sub>": "sub", "</sc>": "sc",
               "</span>": "span"}


#: Rich text as a tree: text, or a (kind, children) pair (:func:`_parse_markup`).
_Node = str | tuple[str, list["_Node"]]


def _parse_markup(text: str) -> list[_Node]:
    """Parse rich text into a tree: a list of str and (kind, children) tuples.

    Kinds: nocase, nodecor, sc, i, b, sup, sub. Unmatched tags are kept as text, as
    citeproc-js does with stray tags.
    """
    tokens: list[str | re.Match[str]] = []
    pos = 0
    for m in _TAG_RE.finditer(text):
        if m.start() > pos:
            tokens.append(text[pos:m.start()])
        tokens.append(m)
        pos = m.end()
    if pos < len(text):
        tokens.append(text[pos:])
    # Match openers with closers by a stack over token indexes.
    stack: list[tuple[int, str]] = []
    pairs: dict[int, int] = {}
    kinds: dict[int, str] = {}
    for idx, tok in enumerate(tokens):
        if isinstance(tok, str):
            continue
        t = re.sub(r"\s+", " ", tok.group(0).lower())
        if t.startswith("<span"):
            kind = ("nocase" if "nocase" in t else "nodecor" if "nodecor" in t else "sc")
            stack.append((idx, kind))
            kinds[idx] = kind
        elif t in _OPEN_KIND:
            stack.append((idx, _OPEN_KIND[t]))
            kinds[idx] = _OPEN_KIND[t]
        else:
            want = _CLOSE_KIND[t]
            for j in range(len(stack) - 1, -1, -1):
                oidx, okind = stack[j]
                if (want == "span" and okind in ("nocase", "nodecor", "sc")
                        and not _tag(tokens[oidx]).lower().startswith("<sc")) \
                        or okind == want:
                    pairs[oidx] = idx
                    del stack[j:]
                    break

    def build(start: int, end: int) -> list[_Node]:
        out: list[_Node] = []
        i = start
        while i < end:
            tok = tokens[i]
            if isinstance(tok, str):
                out.append(tok)
                i += 1
            elif i in pairs:
                close = pairs[i]
                out.append((kinds[i], build(i + 1, close)))
                i = close + 1
            else:
                out.append(tok.group(0))  # stray tag: literal text
                i += 1
        return out

    return build(0, len(tokens))


def _tag(token: str | re.Match[str]) -> str:
    """The text of a tag token of :func:`_parse_markup`."""
    return token if isinstance(token, str) else token.group(0)


def strip_markup(text: str) -> str:
    """Rich text to plain text (tags removed, text kept)."""
    def flat(nodes: list[_Node]) -> str:
        return "".join(n if isinstance(n, str) else flat(n[1]) for n in nodes)
    return flat(_parse_markup(str(text)))


# --------------------------------------------------------------------------------------------
# BibTeX escaping
# --------------------------------------------------------------------------------------------

_ESCAPES = {
    "\\": "\\textbackslash{}",
    "{": "\\textbraceleft{}",
    "}": "\\textbraceright{}",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "~": "\\textasciitilde{}",
    "^": "\\textasciicircum{}",
    "`": "\\textasciigrave{}",
}
# Characters after which the next one would form a TeX ligature.
_LIGATURE_PAIRS = {("-", "-"), ("'", "'"), ("?", "`"), ("!", "`"), ("`", "`")}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WS_RE = re.compile(r"\s+")


def escape_bibtex(text: str) -> str:
    """Plain text to the inside of a braced BibTeX value that reads back as the same text.

    Whitespace runs (including newlines) become one space; control characters are dropped.
    """
    text = _CONTROL_RE.sub("", str(text))
    text = _WS_RE.sub(" ", text)
    out = []
    prev = ""
    for ch in text:
        if (prev, ch) in _LIGATURE_PAIRS:
            out.append("{}")
        out.append(_ESCAPES.get(ch, ch))
        prev = ch
    return "".join(out)


def _protect_words(text: str) -> str:
    """Escape plain text, brace-protecting words with a capital after their first letter."""
    parts = re.split(r"(\s+)", text)
    out = []
    for part in parts:
        if not part or part.isspace():
            out.append(escape_bibtex(part) if part else "")
            continue
        # Look at each run of letters: "GPT-4", "McDonald", "iPhone", "AI's" are protected,
        # "Mesa-Optimization" and "O'Neil" are not.
        runs = re.findall(r"[^\W\d_]+", part)
        if any(any(c.isupper() for c in run[1:]) for run in runs):
            out.append("{" + escape_bibtex(part) + "}")
        else:
            out.append(escape_bibtex(part))
    return "".join(out)


_CMD = {"i": "\\textit{", "b": "\\textbf{", "sup": "\\textsuperscript{",
        "sub": "\\textsubscript{", "sc": "\\textsc{"}


def _rich_to_bibtex(text: str, protect: bool) -> str:
    def render(nodes: list[_Node], protected: bool) -> str:
        out = []
        for n in nodes:
            if isinstance(n, str):
                out.append(_protect_words(n) if (protect and not protected)
                           else escape_bibtex(n))
            else:
                kind, children = n
                if kind == "nocase":
                    out.append("{" + render(children, True) + "}")
                elif kind == "nodecor":
                    out.append(render(children, protected))
                else:
                    out.append(_CMD[kind] + render(children, protected) + "}")
        return "".join(out)
    return _WS_RE.sub(" ", render(_parse_markup(str(text)), False)).strip()


def _verbatim_value(value: str) -> str:
    """url/doi: verbatim, except what cannot be in a braced value or a URL at all."""
    value = _CONTROL_RE.sub("", str(value)).strip()
    return re.sub(r"[\s{}\\]", lambda m: "%{:02X}".format(ord(m.group(0))), value)


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def _name_part(text: str) -> str:
    """Escape a name part; brace it if BibTeX would otherwise split it."""
    esc = escape_bibtex(text.strip())
    if "," in esc or re.search(r"(?i)(^|\s)and(\s|$)", esc) or esc.lower() == "others":
        return "{" + esc + "}"
    return esc


_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~",
            "\u0304": "=", "\u0307": ".", "\u0306": "u", "\u030c": "v", "\u030b": "H",
            "\u0327": "c", "\u0328": "k", "\u030a": "r"}
_LETTERS = {"Ø": "\\O", "ø": "\\o", "Ł": "\\L", "ł": "\\l", "Æ": "\\AE", "æ": "\\ae",
            "Œ": "\\OE", "œ": "\\oe", "ß": "\\ss", "Å": "\\AA", "å": "\\aa"}


def _tex_initial(ch: str) -> str:
    """A non-ASCII letter as a BibTeX "special character", ``{\\c{S}}``: BibTeX counts
    bytes, so apalike's and plainnat's initials of "Şükrü" would be half a UTF-8 character
    (pdflatex: "Invalid UTF-8 byte sequence"); a brace group opening with a backslash is one
    character to BibTeX, and biber, pybtex and Zotero decode it back."""
    if ch in _LETTERS:
        return "{" + _LETTERS[ch] + "}"
    base, *marks = list(unicodedata.normalize("NFD", ch))
    if len(marks) == 1 and marks[0] in _ACCENTS and base.isascii():
        cmd = _ACCENTS[marks[0]]
        return "{\\" + cmd + ("{" + base + "}" if cmd.isalpha() else base) + "}"
    return "{\\relax " + ch + "}"


def _given(text: str) -> str:
    """A given name for BibTeX: each word's first letter BibTeX-safe (:func:`_tex_initial`)."""
    out = _name_part(text)
    return re.sub(r"(?:(?<=^)|(?<=[\s~.-])|(?<=^\{))([^\x00-\x7f])",
                  lambda m: _tex_initial(m.group(1)) if m.group(1).isalpha() else m.group(1), out)


def _bibtex_name(name: object) -> Optional[str]:
    if not isinstance(name, dict):
        return None
    literal = name.get("literal")
    family = str(name.get("family") or "").strip()
    given = str(name.get("given") or "").strip()
    if literal and not family:
        lit = escape_bibtex(str(literal)).strip()
        return "{" + lit + "}" if lit else None
    particles = " ".join(str(name.get(k) or "").strip()
                         for k in ("dropping-particle", "non-dropping-particle")
                         if str(name.get(k) or "").strip())
    suffix = str(name.get("suffix") or "").strip()
    if not family:  # only a given name: keep it whole
        return "{" + escape_bibtex(given) + "}" if given else None
    # A family name of several words is braced, so that BibTeX cannot split it into a
    # "von" part and a last name ("de la Cruz" given as a family name stays that) nor read
    # "Ibn Sina" alone as First Last.
    fam = "{" + escape_bibtex(family) + "}" if re.search(r"\s", family) else _name_part(family)
    if not given and not suffix and not particles:
        return fam
    if particles:
        sep = "" if particles.endswith(("'", "\u2019", "-")) else " "
        fam = escape_bibtex(particles) + sep + fam
    parts = [fam]
    if suffix:
        parts.append(_name_part(suffix))
    parts.append(_given(given) if given else "")
    if not given and not suffix:
        parts = parts[:1]
    return ", ".join(parts)


def _bibtex_names(names: object) -> Optional[str]:
    if not isinstance(names, list):
        return None
    # an incomplete list (bibtex.OTHERS last) ends in BibTeX's own "and others", unbraced
    incomplete = ends_in_others(names)
    out = [n for n in (_bibtex_name(x) for x in (names[:-1] if incomplete else names)) if n]
    if out and incomplete:
        out.append("others")
    return " and ".join(out) if out else None


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def _date_parts(date: object) -> Optional[list[int]]:
    """First date of a CSL date as [Y], [Y, M] or [Y, M, D]; None if it has no year."""
    if not isinstance(date, dict):
        return None
    parts = date.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        out = []
        for p in parts[0][:3]:
            try:
                out.append(int(str(p).strip()))
            except (TypeError, ValueError):
                break
        if out and out[0] != 0:
            if len(out) > 1 and not 1 <= out[1] <= 12:
                out = out[:1]
            if len(out) > 2 and not 1 <= out[2] <= 31:
                out = out[:2]
            return out
    for k in ("raw", "literal"):
        raw = date.get(k)
        if isinstance(raw, str):
            m = re.match(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", raw)
            if m:
                out = [int(g) for g in m.groups() if g]
                return _date_parts({"date-parts": [out]})
            m = re.search(r"(?<!\d)(\d{4})(?!\d)", raw)
            if m and k == "raw":
                return [int(m.group(1))]
    return None


def _iso(parts: list[int]) -> str:
    return "-".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------

_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "from", "with", "is",
              "are", "at", "by", "how", "what", "why", "when", "do", "does"}


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in text if ord(c) < 128)


def _sanitize_key(key: str) -> str:
    key = _ascii(key)
    key = re.sub(r"[^A-Za-z0-9_:.+/-]+", "-", key).strip("-")
    return key


def bibtex_key(item: CslItem) -> str:
    """A stable BibTeX key for ``item``.

    The item's ``id`` when it is a valid key (``^[A-Za-z0-9_:.+/-]+$``); otherwise the id
    made valid (accents folded to ASCII, other characters replaced by ``-``); without a
    usable id, ``<family><year><first title word>`` (``hubinger2019risks``); failing even
    that, ``item-`` and a hash of the item's JSON. The same item always gets the same key.
    """
    ident = item.get("id") if isinstance(item, dict) else None
    if ident is not None and str(ident).strip():
        s = str(ident).strip()
        if KEY_RE.match(s):
            return s
        s = _sanitize_key(s)
        if s:
            return s
    if not isinstance(item, dict):
        item = {}
    name = ""
    for role in ("author", "editor"):
        names = item.get(role)
        if isinstance(names, list) and names and isinstance(names[0], dict):
            n = names[0]
            name = str(n.get("family") or n.get("literal") or n.get("given") or "")
            name = name.split()[0] if name.split() else ""
            break
    name = re.sub(r"[^a-z0-9]", "", _ascii(name).lower())
    parts = _date_parts(item.get("issued"))
    year = str(parts[0]) if parts else ""
    word = ""
    for w in re.findall(r"[A-Za-z0-9]+", _ascii(strip_markup(item.get("title") or ""))):
        if w.lower() not in _STOPWORDS:
            word = w.lower()
            break
    key = f"{name}{year}{word}"
    if key:
        return key
    digest = hashlib.sha1(json.dumps(item, sort_keys=True, ensure_ascii=False,
                                     default=str).encode("utf-8")).hexdigest()[:10]
    return f"item-{digest}"


# --------------------------------------------------------------------------------------------
# BibTeX
# --------------------------------------------------------------------------------------------


def _s(item: CslItem, key: str) -> str:
    v = item.get(key)
    if v is None or isinstance(v, (dict, list)):
        return ""
    return str(v).strip()


def _is_arxiv_preprint(item: CslItem) -> Optional[str]:
    if item.get("type") != "article":
        return None
    num = _s(item, "number")
    m = re.match(r"(?i)^arxiv:\s*(\S+)$", num)
    if m and _s(item, "publisher").lower() == "arxiv":
        return m.group(1)
    return None


def _custom(item: CslItem) -> dict[str, Any]:
    """The item's CSL-JSON 1.0.2 ``custom`` object (bibtex/csl.py puts the arXiv id of a
    published paper and an archived copy's date there), or an empty dict."""
    custom = item.get("custom")
    return custom if isinstance(custom, dict) else {}


def _archived(item: CslItem) -> Optional[tuple[str, str, str]]:
    """An archived copy (bibtex/csl.py): its URL, the archive's name and the date it was
    archived (YYYY-MM-DD or shorter; "" when unknown), or None."""
    url = _s(item, "archive_location")
    if not re.match(r"https?://", url):
        return None
    custom = _custom(item)
    date = str(custom.get("archive-date") or "").strip()
    return url, _s(item, "archive"), date if re.fullmatch(r"\d{4}(-\d{2}){0,2}", date) else ""


def _archived_note(item: CslItem, bibtex: bool) -> str:
    """"Archived copy: URL (Internet Archive, 2020-01-02)": how the BibTeX ``note`` and the
    RIS ``N1`` carry an archived copy. biblatex has no field for one (``archiveurl`` is
    Wikipedia's name; biber's data model rejects it) and Zotero's BibTeX import keeps a
    note; in BibTeX the URL is in ``\\url`` unless it holds a character ``\\url`` cannot
    take inside another command's argument, then it is escaped text."""
    found = _archived(item)
    if not found:
        return ""
    url, archive, date = found
    where = ", ".join(x for x in (archive, date) if x)
    if not bibtex:
        return f"Archived copy: {url}" + (f" ({where})" if where else "")
    shown = (f"\\url{{{url}}}" if not re.search(r"[%#{}\\^\s]", url)
             else escape_bibtex(url))
    return f"Archived copy: {shown}" + (f" ({escape_bibtex(where)})" if where else "")


def _bibtex_pages(page: str) -> str:
    return (escape_bibtex(re.sub(r"\s*[\u2013\u2014-]+\s*", "--", strip_markup(page)))
            .replace("-{}-", "--"))


def _misc_locator_note(item: CslItem, arxiv: Optional[str]) -> str:
    """Volume, number (or issue) and pages of a work written as @misc, as a sentence:
    "Volume 88, page 75191"."""
    parts = []
    volume = _s(item, "volume")
    if volume:
        parts.append(f"volume {_rich_to_bibtex(volume, False)}")
    if not arxiv:  # an arXiv preprint's number is its eprint
        if _s(item, "issue"):
            parts.append(f"issue {_rich_to_bibtex(_s(item, 'issue'), False)}")
        elif _s(item, "number"):
            parts.append(f"number {_rich_to_bibtex(_s(item, 'number'), False)}")
    page = _s(item, "page")
    if page:
        pages = _bibtex_pages(page)
        parts.append(("pages " if re.search(r"--|,", pages) else "page ") + pages)
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


#: Conversions already made in this process, by the item's JSON: ``mkdocs serve`` converts
#: the same items on every rebuild (at 1,000 concepts, 3,500 conversions took 5.8 s of a
#: 46 s profiled rebuild). The JSON is the whole input, so a hit is the same text.
_MEMO: dict[tuple[str, str, str | None], str] = {}
_MEMO_LIMIT = 200_000


def _memo_key(kind: str, item: CslItem, key: str | None) -> tuple[str, str, str | None] | None:
    try:
        return (kind, json.dumps(item, sort_keys=True, ensure_ascii=False), key)
    except (TypeError, ValueError):
        return None


def _memoized(kind: str, item: CslItem, key: str | None, convert: Callable[[], str]) -> str:
    memo_key = _memo_key(kind, item, key)
    if memo_key is None:
        return convert()
    found = _MEMO.get(memo_key)
    if found is None:
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        found = _MEMO[memo_key] = convert()
    return found


def csl_to_bibtex(item: CslItem, key: str | None = None) -> str:
    """One BibTeX entry for a CSL-JSON item, read alike by BibTeX, biblatex, bibtexparser
    and pybtex. Ends with a newline. See the module docstring for the rules."""
    if not isinstance(item, dict):
        return _csl_to_bibtex(item, key)
    return _memoized("bib", item, key, lambda: _csl_to_bibtex(item, key))


def _csl_to_bibtex(item: CslItem, key: str | None = None) -> str:
    if not isinstance(item, dict):
        item = {}
    key = key if key and KEY_RE.match(str(key)) else (
        _sanitize_key(str(key)) if key and _sanitize_key(str(key)) else bibtex_key(item))
    ctype = _s(item, "type")
    arxiv = _is_arxiv_preprint(item)
    btype = BIBTEX_TYPES.get(ctype, "misc")
    genre = _s(item, "genre")
    if ctype == "thesis":
        low = genre.lower()
        if "master" in low or re.search(r"\bm\.?\s?(a|sc|s|phil)\b", low):
            btype = "mastersthesis"
    # A work with no author or editor (a statute, a summit statement): BibTeX's styles sort
    # and label it by the ``key`` field, and without one plainnat and apalike warn "to sort,
    # need author or key". A report with no author is written as @misc, whose styles need
    # no author (@techreport's warn "empty author"), with its institution as howpublished:
    # naming the institution as author would say more than the source does.
    authorless = not item.get("author") and not item.get("editor")
    if authorless and btype == "techreport":
        btype = "misc"
    fields: list[tuple[str, str]] = []

    def add(name: str, value: Optional[str], raw: bool = False) -> None:
        if value is None:
            return
        value = value if raw else value.strip()
        if value:
            fields.append((name, value))

    def text(name: str, csl_key: str, protect: bool = False) -> None:
        v = _s(item, csl_key)
        if v:
            add(name, _rich_to_bibtex(v, protect))

    add("author", _bibtex_names(item.get("author")))
    add("editor", _bibtex_names(item.get("editor")))
    add("translator", _bibtex_names(item.get("translator")))
    text("title", "title", protect=True)
    if authorless:
        add("key", _rich_to_bibtex(_s(item, "title-short") or _s(item, "title"), True))
    container = _s(item, "container-title")
    if container:
        c = _rich_to_bibtex(container, True)
        if btype == "article":
            add("journal", c)
        elif btype in ("inproceedings", "incollection"):
            add("booktitle", c)
        elif btype == "misc" and not arxiv:
            add("howpublished", c)
    if btype == "inproceedings":
        text("eventtitle", "event-title" if _s(item, "event-title") else "event", protect=True)
        text("venue", "event-place")
    text("series", "collection-title", protect=True)
    if btype in ("incollection", "book"):
        text("chapter", "chapter-number")
    text("edition", "edition")
    issue_note = ""
    if btype == "misc":
        # biblatex's @misc has no volume, number or pages (biber --validate-datamodel:
        # "Invalid field 'volume' for entrytype 'misc'", then drops them) and BibTeX's
        # misc prints none of them: a statute's place in its gazette ("Federal Register,
        # volume 88, page 75191") is a sentence in the note, which both print
        issue_note = _misc_locator_note(item, arxiv)
    elif btype == "article":
        text("volume", "volume")
        text("number", "issue")
        if not _s(item, "issue"):
            text("number", "number")
    elif not arxiv:
        text("volume", "volume")
        # BibTeX's number outside @article is a number in a series: with a volume the
        # styles warn "can't use both volume and number fields", and biblatex has no
        # ``issue`` there, so a proceedings issue (AAAI 35(13)) goes to the note
        number = _s(item, "number") or _s(item, "issue")
        if number and _s(item, "volume") and btype in ("inproceedings", "incollection", "book"):
            issue_note = f"Issue {number}" if _s(item, "issue") else f"Number {number}"
        elif number:
            add("number", _rich_to_bibtex(number, False))
    page = _s(item, "page")
    if page and btype != "misc":
        add("pages", _bibtex_pages(page))
    publisher = _s(item, "publisher")
    if publisher and not arxiv:
        p = _rich_to_bibtex(publisher, False)
        if btype == "techreport":
            add("institution", p)
        elif btype == "misc" and ctype == "report" and not container:
            add("howpublished", p)
        elif btype in ("phdthesis", "mastersthesis"):
            add("school", p)
        else:
            add("publisher", p)
    text("address", "publisher-place")
    if ctype == "thesis" and genre and genre.lower() not in ("phd thesis", "master's thesis"):
        add("type", _rich_to_bibtex(genre, False))
    elif ctype == "report" and genre:
        add("type", _rich_to_bibtex(genre, False))
    issued = _date_parts(item.get("issued"))
    if issued:
        add("year", str(issued[0]))
        if len(issued) > 1:
            fields.append(("month", MONTH_MACROS[issued[1] - 1]))  # bare macro, no braces
    else:
        # BibTeX's author-year styles need a year: without one plainnat warns "empty
        # year" and natbib stops on apalike's labels ("Bibliography not compatible with
        # author-year citations"); "n.d." is what APA prints. biber then warns that the
        # year is not a number and prints its own "n.d.".
        add("year", "n.d.")
    status = _s(item, "status")
    if status and not issued:
        add("pubstate", escape_bibtex(status))
    custom = _custom(item)
    eprint = arxiv or str(custom.get("eprint") or "").strip()
    if eprint:
        # eprinttype is what biblatex and Zotero's BibTeX import read; arXiv's own
        # archivePrefix/primaryClass are aliases biber maps onto eprinttype/eprintclass,
        # and next to them it warns that the field is invalid in its data model
        add("eprint", _verbatim_value(eprint))
        add("eprinttype", escape_bibtex(str(custom.get("eprinttype") or "arxiv")))
        add("eprintclass", escape_bibtex(str(custom.get("eprintclass") or "")))
    doi = _s(item, "DOI")
    if doi:
        doi = re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi)
        add("doi", _verbatim_value(doi))
    url = _s(item, "URL")
    if url:
        add("url", _verbatim_value(url))
    accessed = _date_parts(item.get("accessed"))
    if accessed:
        add("urldate", _iso(accessed))
    archived_note = _archived_note(item, bibtex=True)
    isbn = _s(item, "ISBN")
    if isbn:
        add("isbn", escape_bibtex(isbn))
    issn = _s(item, "ISSN")
    if issn:
        add("issn", escape_bibtex(issn))
    note = "; ".join(n for n in (_rich_to_bibtex(_s(item, "note"), False), issue_note,
                                 archived_note) if n)
    add("note", note)

    lines = [f"@{btype}{{{key},"]
    for name, value in fields:
        if name == "month":
            lines.append(f"  {name} = {value},")
        else:
            lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# RIS
# --------------------------------------------------------------------------------------------


def _ris_line(tag: str, value: str) -> str:
    value = _WS_RE.sub(" ", _CONTROL_RE.sub("", value)).strip()
    return f"{tag}  - {value}"


def _ris_name(name: object) -> Optional[str]:
    if not isinstance(name, dict):
        return None
    if name.get("literal") and not name.get("family"):
        return str(name["literal"]).strip() or None
    family = " ".join(str(name.get(k) or "").strip()
                      for k in ("dropping-particle", "non-dropping-particle", "family")
                      if str(name.get(k) or "").strip())
    given = str(name.get("given") or "").strip()
    suffix = str(name.get("suffix") or "").strip()
    if not family:
        return given or None
    out = family
    if given or suffix:
        out += ", " + given
    if suffix:
        out += ", " + suffix
    return out


def csl_to_ris(item: CslItem) -> str:
    """One RIS record for a CSL-JSON item (see :func:`_csl_to_ris`)."""
    if not isinstance(item, dict):
        return _csl_to_ris(item)
    return _memoized("ris", item, None, lambda: _csl_to_ris(item))


def _csl_to_ris(item: CslItem) -> str:
    """One RIS record for a CSL-JSON item, LF line endings, ending ``ER  - `` and a blank
    line. Markup is stripped. TY: JOUR, CONF, BOOK, CHAP, RPRT, THES, ELEC (web pages),
    UNPB (manuscripts and preprints: no RIS type is a preprint to Zotero; the CSL-JSON
    export is), others from :data:`RIS_TYPES`, GEN otherwise."""
    if not isinstance(item, dict):
        item = {}
    ctype = _s(item, "type")
    lines = [_ris_line("TY", RIS_TYPES.get(ctype, "GEN"))]

    def add(tag: str, value: Optional[str]) -> None:
        if value:
            v = strip_markup(value)
            if v.strip():
                lines.append(_ris_line(tag, v))

    ty = lines[0][6:]
    for role, tag in (("author", "AU"), ("editor", _RIS_EDITOR.get(ty, "ED")),
                      ("collection-editor", _RIS_SERIES_EDITOR.get(ty, "")),
                      ("translator", "A4")):
        names = item.get(role)
        if isinstance(names, list) and tag:
            for n in names:
                add(tag, _ris_name(n))
    add("TI", _s(item, "title"))
    add("T2", _s(item, "container-title"))
    if ctype.startswith("article-"):
        add("JO", _s(item, "container-title-short") or _s(item, "container-title"))
    add("T3", _s(item, "collection-title"))
    issued = _date_parts(item.get("issued"))
    if issued:
        add("PY", f"{issued[0]:04d}")
        add("DA", "/".join([f"{issued[0]:04d}"] + [f"{p:02d}" for p in issued[1:]]
                           + [""] * (3 - len(issued))) + "/")
    add("VL", _s(item, "volume"))
    add("IS", _s(item, "issue") or (_s(item, "number") if ctype.startswith("article-")
                                    else ""))
    arxiv = _is_arxiv_preprint(item)
    custom = _custom(item)
    eprint = arxiv or str(custom.get("eprint") or "").strip()
    archived = _archived(item)
    if eprint:
        # Zotero reads DB/AN as archive/archiveLocation and keeps the id there; in M1 the id
        # landed in the Issue field of a journal article (no RIS type is a preprint in Zotero).
        # A published paper's arXiv version goes there too (Zotero's arXiv translator
        # writes it to Extra, which RIS cannot reach).
        add("DB", "arXiv")
        add("AN", f"arXiv:{eprint}")
    elif archived:
        # an archived copy: the archive and the copy's URL, as Zotero's archive and
        # "Loc. in Archive"; its date goes to the note (RIS has no tag for it)
        add("DB", archived[1])
        add("AN", archived[0])
    elif ctype == "report":
        pass  # SN below: Zotero's report number (IS is not read for reports)
    elif not ctype.startswith("article-"):
        add("M1", _s(item, "number"))
    page = strip_markup(_s(item, "page"))
    if page:
        sp, _, ep = re.sub(r"\s*[\u2013\u2014-]+\s*", "\u2013", page).partition("\u2013")
        add("SP", sp)
        add("EP", ep)
    add("ET", _s(item, "edition"))
    add("PB", _s(item, "publisher"))
    add("CY", _s(item, "publisher-place"))
    add("M3", _s(item, "genre"))
    add("SN", (_s(item, "number") if ctype == "report" else "") or _s(item, "ISBN") or _s(item, "ISSN"))
    doi = _s(item, "DOI")
    if doi:
        add("DO", re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi))
    add("UR", _s(item, "URL"))
    accessed = _date_parts(item.get("accessed"))
    if accessed:
        add("Y2", "/".join([f"{accessed[0]:04d}"] + [f"{p:02d}" for p in accessed[1:]]))
    add("LA", _s(item, "language"))
    add("N1", _s(item, "note"))
    add("N1", _archived_note(item, bibtex=False))
    lines.append("ER  - ")
    return "\n".join(lines) + "\n\n"


# --------------------------------------------------------------------------------------------
# CSL-JSON
# --------------------------------------------------------------------------------------------


def csl_json(items: Iterable[CslItem]) -> str:
    """CSL-JSON text: the items in the order given, keys sorted, 2-space indent, UTF-8
    characters kept (``ensure_ascii=False``), a trailing newline. Same input, same bytes."""
    return json.dumps(list(items), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
