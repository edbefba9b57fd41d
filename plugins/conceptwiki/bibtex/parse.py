"""Reading BibTeX files into :class:`~.source.Source` records, with every problem located.

Files are split into blocks by bibtexparser 2 with *no* middlewares, so that nothing is lost;
macro expansion (``@string``, ``#`` concatenation, month names), LaTeX decoding and name
parsing are done in this package. Everything wrong with the input is returned as
:class:`~conceptwiki.model.problems.Problem` values (``path:line:column``), never raised:
malformed blocks say where their braces go wrong, hostile files are bounded
(:data:`MAX_BIB_BYTES`, :data:`MAX_VALUE_CHARS` and an expansion budget). Nothing here
imports MkDocs.

Line numbers: bibtexparser's ``Block.start_line`` and ``Field.start_line`` are 0-based
(checked on real input: an entry on the first line of a file has ``start_line == 0``; a
field's line is the line of its ``=``). All lines reported here are 1-based.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional

from ..model.problems import Problems
from .csl import source_to_csl
from .dates import MONTH_MACROS
from .latex import decode_latex
from .scan import matching_brace
from .source import Source

if TYPE_CHECKING:  # imported lazily: bibtexparser takes ~0.1 s to import
    from bibtexparser.model import ImplicitComment, ParsingFailedBlock

__all__ = [
    "MAX_BIB_BYTES",
    "MAX_VALUE_CHARS",
    "KEY_RE",
    "KNOWN_ENTRY_TYPES",
    "load_bib_files",
    "load_bib_string",
    "parse_bib_text",
]

#: Files larger than this are reported and not parsed.
MAX_BIB_BYTES = 5 * 1024 * 1024
#: A citation key as BibTeX and biblatex both accept it.
KEY_RE = re.compile(r"^[A-Za-z0-9_:.+/-]+$")

#: Entry types of BibTeX and biblatex; any other type gets a warning.
KNOWN_ENTRY_TYPES = frozenset(
    """
    article book booklet conference inbook incollection inproceedings manual mastersthesis
    misc phdthesis proceedings techreport unpublished
    online electronic www report thesis collection mvbook mvcollection mvproceedings
    bookinbook suppbook suppcollection suppperiodical periodical patent reference
    mvreference inreference dataset software set xdata artwork audio image movie music
    performance video jurisdiction legislation legal letter review standard
    """.split()
)


class _ValueError(Exception):
    """A malformed field or @string value; the message says what is wrong."""


_MACRO_RE = re.compile(r"[^\s#,={}\"()]+")

#: The longest field or @string value, after ``#`` concatenation and macro expansion, unless
#: it is written out that long (the file size limit bounds those). Without
#: it, ten lines of ``@string{s2 = s1 # s1 # ...}`` expand to gigabytes ("billion laughs").
MAX_VALUE_CHARS = 100_000


def _parse_value(raw: str, strings: Mapping[str, str]) -> tuple[str, list[str]]:
    """Resolve a raw field value (``{..}``, ``".."``, number, macro, ``#`` concatenation).

    Returns the value and the list of undefined macros. Raises _ValueError if malformed.
    """
    out = []
    undefined = []
    i = 0
    n = len(raw)
    total = 0
    expect_part = True
    while True:
        while i < n and raw[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        c = raw[i]
        if not expect_part:
            if c != "#":
                raise _ValueError(f"unexpected '{raw[i:i + 20]}' after a value "
                                  "(missing ',' or '#'?)")
            i += 1
            expect_part = True
            continue
        if c == "{":
            end = matching_brace(raw, i)
            if end < 0:
                raise _ValueError("unbalanced braces in value")
            out.append(raw[i + 1:end])
            i = end + 1
        elif c == '"':
            depth = 0
            j = i + 1
            while j < n:
                ch = raw[j]
                if ch == "\\":
                    j += 2
                    continue
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                elif ch == '"' and depth == 0:
                    break
                j += 1
            if j >= n:
                raise _ValueError('unterminated quoted value (missing \'"\')')
            out.append(raw[i + 1:j])
            i = j + 1
        else:
            m = _MACRO_RE.match(raw, i)
            if not m:
                raise _ValueError(f"unexpected '{c}' in value")
            word = m.group(0)
            if word.isdigit():
                out.append(word)
            elif word.lower() in strings:
                out.append(strings[word.lower()])
            elif word.lower() in MONTH_MACROS:
                out.append(word.lower())
            else:
                undefined.append(word)
                out.append(word)
            i = m.end()
        expect_part = False
        total += len(out[-1])
        if total > MAX_VALUE_CHARS and total > n:  # longer than written: expanded macros
            raise _ValueError(f"the value is over {MAX_VALUE_CHARS:,} characters once @string "
                              "macros and '#' are expanded; shorten it")
    if expect_part and out:
        raise _ValueError("value ends with '#'")
    return "".join(out), undefined


def _brace_report(raw: str, base_line: int) -> Optional[tuple[str, int, int]]:
    """Find where braces go wrong in a block's raw text: a sentence and the 1-based line and
    column of the brace to fix (the problem is reported there), or None."""
    stack: list[int] = []
    suspicious: Optional[int] = None
    i = 0
    n = len(raw)
    in_entry_body = False
    while i < n:
        c = raw[i]
        if c == "\\":
            i += 2
            continue
        if c == "{" or (c == "(" and not in_entry_body and not stack):
            if c == "(":
                in_entry_body = True
            stack.append(i)
        elif c == "}":
            if stack:
                stack.pop()
            else:
                line = base_line + raw.count("\n", 0, i)
                col = i - (raw.rfind("\n", 0, i) + 1) + 1
                return f"'}}' on line {line} has no matching '{{'", line, col
        elif c == "\n" and len(stack) >= 2 and suspicious is None:
            nxt = raw[i + 1:raw.find("\n", i + 1) if raw.find("\n", i + 1) >= 0 else n]
            if re.match(r"\s*[A-Za-z][\w:.+-]*\s*=", nxt):
                suspicious = stack[-1]
        i += 1
    target = suspicious if suspicious is not None else (stack[-1] if stack else None)
    if target is None:
        return None
    line = base_line + raw.count("\n", 0, target)
    col = target - (raw.rfind("\n", 0, target) + 1) + 1
    if target == (stack[0] if stack else -1) and suspicious is None:
        return (f"the entry's opening '{raw[target]}' on line {line}, column {col} "
                "is never closed"), line, col
    return f"the '{{' opened on line {line}, column {col} is never closed", line, col


_BLOCK_KEY_RE = re.compile(r"@\s*([A-Za-z]\w*)\s*[{(]\s*([^,\s{}()=]*)")
_SPACED_AT_RE = re.compile(r"(?m)^[ \t]*@[ \t]+([A-Za-z]\w*)[ \t]*[{(]")
_STRAY_AT_RE = re.compile(r"(?m)^[ \t]*@[ \t]*([A-Za-z]\w*)\b(?![ \t]*[{(])")


def load_bib_string(text: str, path: str) -> tuple[list[Source], Problems]:
    """Parse BibTeX text. Returns the entries in file order and the problems found.

    See :func:`parse_bib_text` for what is reported; ``crossref`` parents are looked up in the
    same text.
    """
    sources, problems = parse_bib_text(text, path)
    _resolve_crossrefs({s.key: s for s in sources}, sources, problems)
    return sources, problems


def parse_bib_text(text: str, path: str) -> tuple[list[Source], Problems]:
    """Parse BibTeX text (without resolving ``crossref``).

    Errors: malformed blocks (reported at the 1-based line of the block's ``@``, saying
    where braces go wrong), duplicate keys (the later entry is dropped), duplicate fields
    (the first value is kept, as BibTeX does), keys not matching :data:`KEY_RE`, entries
    without ``title``, malformed values, text that looks like an entry but is not one.
    Warnings: unknown entry types, undefined ``@string`` macros, keys differing only in
    case, dates that cannot be used.

    Public for :mod:`conceptwiki.history.fingerprint`, which parses each file as it was at
    a past commit, one blob at a time, and needs neither crossrefs nor file checks.
    """
    from bibtexparser import model
    from bibtexparser.entrypoint import parse_string

    problems = Problems()
    path = str(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    # bibtexparser logs every syntax error; we report them ourselves.
    loggers = [logging.getLogger(n) for n in ("bibtexparser", "bibtexparser.splitter")]
    old_disabled = [lg.disabled for lg in loggers]
    for lg in loggers:
        lg.disabled = True
    try:
        library = parse_string(text, parse_stack=[])
    except Exception as exc:  # a bug in bibtexparser on hostile input: report, never crash
        problems.error(path, 0, 0, f"BibTeX could not be parsed: {exc}")
        return [], problems
    finally:
        for lg, old in zip(loggers, old_disabled):
            lg.disabled = old

    lines = text.split("\n")

    def col(line: int, needle: str = "") -> int:
        """The 1-based column of ``needle`` on ``line`` (case-insensitive), else of the
        line's first character that is not a space: BibTeX problems carry a column too."""
        if not 0 < line <= len(lines):
            return 0
        here = lines[line - 1]
        at = here.lower().find(needle.lower()) if needle else -1
        if at < 0:
            at = len(here) - len(here.lstrip())
        return at + 1

    strings: dict[str, str] = {}
    broken_strings: set[str] = set()  # @string values that had an error
    # Macro expansion may at most double a file (plus a little): many entries that each
    # expand a long @string would otherwise cost minutes to decode.
    budget = [len(text) + MAX_VALUE_CHARS * 10, False]

    def over_budget(raw: str, value: str, line: int, what: str) -> bool:
        budget[0] -= max(0, len(value) - len(raw))
        if budget[0] >= 0:
            return False
        if not budget[1]:
            budget[1] = True
            problems.error(path, line, col(line), f"{what}: @string macros in this file expand to more "
                           "text than the file itself; this and later expanded values are "
                           "ignored (write the text out, or use fewer and shorter macros)")
        return True
    sources: list[Source] = []
    seen: dict[str, Source] = {}
    seen_lower: dict[str, Source] = {}
    prev_entry: Optional[tuple[str, int]] = None

    for block in library.blocks:
        # bibtexparser wraps duplicates in error blocks; we do our own checks on the real block.
        if isinstance(block, model.DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
            block = block.ignore_error_block
        if isinstance(block, model.DuplicateFieldKeyBlock) and block.ignore_error_block is not None:
            block = block.ignore_error_block
        line = (block.start_line + 1) if isinstance(block.start_line, int) else 0

        if isinstance(block, model.ImplicitComment):
            _check_implicit_comment(block, prev_entry, path, problems)
            prev_entry = None
            continue
        prev_entry = None
        if isinstance(block, (model.ExplicitComment, model.Preamble)):
            continue
        if isinstance(block, model.String):
            name = (block.key or "").strip()
            try:
                value, undefined = _parse_value(block.value or "", strings)
            except _ValueError as exc:
                problems.error(path, line, col(line, "@"), f"@string '{name}': {exc}")
                broken_strings.add(name.lower())
                continue
            if over_budget(block.value or "", value, line, f"@string '{name}'"):
                broken_strings.add(name.lower())
                continue
            for u in dict.fromkeys(undefined):
                if u.lower() not in broken_strings:  # already reported as an error
                    problems.warning(path, line, col(line, u), f"@string '{name}': undefined macro '{u}'")
            strings[name.lower()] = value
            continue
        if isinstance(block, model.ParsingFailedBlock):
            message, at_line, at_col = _failed_block_message(block, line)
            problems.error(path, at_line, at_col, message)
            continue
        if not isinstance(block, model.Entry):
            continue

        key = (block.key or "").strip()
        etype = (block.entry_type or "").strip().lower()
        if not key:
            problems.error(path, line, col(line, "@"), f"@{etype} entry without a key; it is ignored")
            continue
        if key in seen:
            first = seen[key]
            problems.error(path, line, col(line, key),
                           f"duplicate BibTeX key '{key}': already defined at "
                           f"{first.path}:{first.line}")
            prev_entry = (key, line)
            continue
        if not KEY_RE.match(key):
            problems.error(path, line, col(line, key),
                           f"BibTeX key '{key}' may only contain letters, digits and _:.+/-")
        if etype not in KNOWN_ENTRY_TYPES:
            problems.warning(path, line, col(line, "@"), f"entry '{key}': unknown entry type '@{etype}'")
        fields: dict[str, str] = {}
        field_lines: dict[str, int] = {}
        for fld in block.fields:
            fname = (fld.key or "").strip().lower()
            fline = (fld.start_line + 1) if isinstance(fld.start_line, int) else line
            if not fname:
                problems.error(path, fline, col(fline, "="), f"entry '{key}': a field has no name")
                continue
            if fname in fields or fname in field_lines:
                problems.error(path, fline, col(fline, fname),
                               f"entry '{key}': duplicate field '{fname}' (first on line "
                               f"{field_lines[fname]}); the first value is used")
                continue
            field_lines[fname] = fline
            raw_value = fld.value if isinstance(fld.value, str) else str(fld.value)
            try:
                value, undefined = _parse_value(raw_value, strings)
            except _ValueError as exc:
                problems.error(path, fline, col(fline, fname), f"entry '{key}': field '{fname}': {exc}")
                continue
            if over_budget(raw_value, value, fline, f"entry '{key}': field '{fname}'"):
                continue
            for u in dict.fromkeys(u for u in undefined if u.lower() not in broken_strings):
                problems.warning(path, fline, col(fline, u),
                                 f"entry '{key}': field '{fname}': undefined macro '{u}' "
                                 "(put the value in braces, or define it with @string)")
            fields[fname] = value
        if not decode_latex(fields.get("title", "")):
            if fields.get("title", "").strip():  # e.g. {\foo}: an unknown command, no text
                tline = field_lines.get("title", line)
                problems.error(path, tline, col(tline, "title"), f"entry '{key}': title "
                               f"'{fields['title'].strip()[:80]}' has no text once its LaTeX is read; "
                               "write the title as text")
            else:
                problems.error(path, line, col(line, "@"), f"entry '{key}' has no title")
        source = Source(key=key, type=etype, fields=fields, path=path, line=line,
                        field_lines={k: v for k, v in field_lines.items() if k in fields})
        low = key.lower()
        if low in seen_lower:
            other = seen_lower[low]
            problems.warning(path, line, col(line, key),
                             f"BibTeX key '{key}' differs only in case from '{other.key}' at "
                             f"{other.path}:{other.line} (BibTeX does not tell them apart)")
        seen[key] = source
        seen_lower.setdefault(low, source)
        sources.append(source)
        prev_entry = (key, line)
        # Converted now to report doubtful dates; kept for Source.csl().
        source.set_csl(source_to_csl(source, problems))
    return sources, _with_columns(problems, {path: text})


#: Entry types that take a parent's ``title`` as their ``booktitle`` (biblatex's rule).
_BOOKTITLE_CHILDREN = {"inproceedings", "conference", "incollection", "inbook", "bookinbook",
                       "suppbook", "suppcollection", "inreference"}


def _resolve_crossrefs(by_key: Mapping[str, Source], sources: Iterable[Source],
                       problems: Problems) -> None:
    """Give entries with ``crossref`` (DBLP's style) the fields of their parent.

    ``Source.fields`` stays as written; the inherited fields only go into ``Source.csl()``.
    A field of the child wins; the parent's ``title`` becomes the child's ``booktitle``
    for in-book types; a missing parent is a warning. Keys are matched case-insensitively,
    as BibTeX does.
    """
    lower = {k.lower(): v for k, v in reversed(list(by_key.items()))}
    for src in sources:
        ref = src.fields.get("crossref")
        if ref is None:
            continue
        parent = by_key.get(ref.strip()) or lower.get(ref.strip().lower())
        if parent is None or parent is src:
            problems.warning(src.path, src.field_lines.get("crossref", src.line), 0,
                             f"entry '{src.key}': crossref '{ref}' is not defined")
            continue
        back = parent.fields.get("crossref", "").strip().lower()
        if back == src.key.lower():
            # biber stops on this ("circular inheritance"); each took the other's fields.
            problems.warning(src.path, src.field_lines.get("crossref", src.line), 0,
                             f"entry '{src.key}': crossref '{ref}' is an entry whose own crossref "
                             f"is '{src.key}', a loop; remove the crossref of the one that is not "
                             "the parent")
        merged = dict(parent.fields)
        merged.pop("crossref", None)
        for k in ("ids", "key"):
            merged.pop(k, None)
        if src.type in _BOOKTITLE_CHILDREN and "title" in parent.fields:
            merged.setdefault("booktitle", parent.fields["title"])
            merged.pop("title", None)
        merged.update(src.fields)
        child = Source(key=src.key, type=src.type, fields=merged, path=src.path,
                       line=src.line, field_lines=src.field_lines)
        src.set_csl(source_to_csl(child))


def _failed_block_message(block: ParsingFailedBlock, line: int) -> tuple[str, int, int]:
    """The message for a block bibtexparser could not parse, and where to report it: at the
    brace that goes wrong when there is one, else at the block's '@' (column 0: the caller
    finds it)."""
    raw = block.raw or ""
    m = _BLOCK_KEY_RE.match(raw.lstrip())
    kind = "entry"
    what = "block"
    if m:
        if m.group(1).lower() in ("comment", "string", "preamble"):
            kind = "block"
            what = f"@{m.group(1).lower()} block"
        elif m.group(2):
            what = f"entry '{m.group(2)}'"
        else:
            what = f"@{m.group(1).lower()} entry"
    report = _brace_report(raw, line)
    if report:
        detail, at_line, at_col = report
        return f"unbalanced braces in {what}: {detail}; the {kind} is ignored", at_line, at_col
    err = getattr(block, "error", None)
    reason = getattr(err, "abort_reason", None) or str(err or "")
    return f"malformed {what}: {_tidy_reason(reason)}; the {kind} is ignored", line, 0


def _tidy_reason(reason: str) -> str:
    reason = " ".join(reason.replace("`", "'").split()).rstrip(".")
    low = reason.lower()
    if "end of file" in low:
        return "the file ends before it is closed"
    m = re.search(r"unexpected block start: '(@\w*)'", low)
    if m:
        if "closing '\"'" in low:
            return f"a quoted value is not closed (missing '\"') before '{m.group(1)}'"
        return f"it is not closed before the next '{m.group(1)}'"
    return reason[:1].lower() + reason[1:] if reason else "syntax error"


def _check_implicit_comment(block: ImplicitComment, prev_entry: Optional[tuple[str, int]],
                            path: str, problems: Problems) -> None:
    """Text between entries is a comment to BibTeX; flag the kinds that mean a lost entry."""
    raw = block.raw or block.comment or ""
    base = (block.start_line or 0) + 1
    stripped = raw.lstrip()
    if prev_entry and (stripped.startswith(",") or re.match(r"[A-Za-z][\w-]*\s*=", stripped)):
        key, eline = prev_entry
        problems.error(path, base, 0,
                       f"entry '{key}' (line {eline}) was closed early by an extra '}}'; "
                       "the fields after it are ignored")
        return
    for m in _SPACED_AT_RE.finditer(raw):
        # bibtexparser takes '@ article{' (a space after '@') for a comment: the entry was
        # dropped without a word, and a citation of it was told to fix an error not shown.
        word = m.group(1).lower()
        if word in KNOWN_ENTRY_TYPES or word in ("string", "preamble", "comment"):
            line = base + raw.count("\n", 0, m.start())
            problems.error(path, line, 0,
                           f"'@ {m.group(1)}' has a space after '@', so the entry is not read (the "
                           f"text up to the next entry is ignored); write '@{m.group(1)}{{'")
            return
    for m in _STRAY_AT_RE.finditer(raw):
        word = m.group(1).lower()
        if word in KNOWN_ENTRY_TYPES or word in ("string", "preamble", "comment"):
            line = base + raw.count("\n", 0, m.start())
            problems.error(path, line, 0,
                           f"'@{m.group(1)}' is not followed by '{{' or '('; "
                           "the text up to the next entry is ignored")
            return


def _with_columns(problems: Problems, texts: Mapping[str, str]) -> Problems:
    """``problems`` with a column wherever the line is known (the first character of the
    line that is not a space, when nothing more precise was found), for the files in
    ``texts``: editors and GitHub's annotations jump to ``path:line:column``."""
    import dataclasses

    out = Problems()
    split: dict[str, list[str]] = {}
    for p in problems:
        if p.line > 0 and p.column == 0 and p.path in texts:
            lines = split.setdefault(p.path, texts[p.path].replace("\r\n", "\n").split("\n"))
            if p.line <= len(lines):
                here = lines[p.line - 1]
                p = dataclasses.replace(p, column=len(here) - len(here.lstrip()) + 1)
        out.append(p)
    return out


def _display_path(p: Path, given: str, root: Optional[Path]) -> str:
    if root is not None:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return Path(given).as_posix()


#: shown path -> (text, sources, problems) of the files parsed last.
_PARSED: dict[str, tuple[str, list[Source], list[Any]]] = {}


def load_bib_files(paths: Iterable[Path | str], root: Path | str | None = None
                   ) -> tuple[dict[str, Source], Problems]:
    """Load BibTeX files; returns ``{key: Source}`` (in file order) and all problems.

    Relative paths are taken relative to ``root`` (when given); paths in messages are
    relative to ``root`` where possible. A key defined in two files is an error at the
    second place and the second entry is dropped. Files over :data:`MAX_BIB_BYTES` and files
    that are not UTF-8 are reported and not parsed.
    """
    problems = Problems()
    texts: dict[str, str] = {}
    result: dict[str, Source] = {}
    lower: dict[str, Source] = {}
    root_p = Path(root) if root is not None else None
    for given in paths:
        given_s = str(given)
        p = Path(given)
        if root_p is not None and not p.is_absolute():
            p = root_p / p
        shown = _display_path(p, given_s, root_p)
        try:
            size = p.stat().st_size
        except OSError as exc:
            problems.error(shown, 0, 0, f"cannot read BibTeX file: {exc.strerror or exc}")
            continue
        if size > MAX_BIB_BYTES:
            problems.error(shown, 1, 1,
                           f"BibTeX file is {size:,} bytes, over the limit of "
                           f"{MAX_BIB_BYTES // (1024 * 1024)} MB; it is not read (split it "
                           "into several files in bib/)")
            continue
        try:
            data = p.read_bytes()
        except OSError as exc:
            problems.error(shown, 0, 0, f"cannot read BibTeX file: {exc.strerror or exc}")
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            problems.error(shown, line, col,
                           f"BibTeX file is not UTF-8 (byte 0x{data[exc.start]:02X} at offset "
                           f"{exc.start}); save it as UTF-8")
            continue
        texts[shown] = text.lstrip("\ufeff")
        # ``mkdocs serve`` reads every file on every rebuild; an unchanged file gives the same
        # (frozen) sources and problems (500 sources: 0.2 s of every rebuild at 1,000 entries).
        # Not a file with ``crossref`` children: resolving them (below) stores their parent's
        # fields in the child's record, and the parent may be in a file that changed.
        kept = _PARSED.get(shown)
        if kept is not None and kept[0] == text and not any("crossref" in s.fields for s in kept[1]):
            sources, probs = kept[1], list(kept[2])
        else:
            sources, probs = parse_bib_text(text, shown)
            _PARSED[shown] = (text, sources, list(probs))
        problems.extend(probs)
        file_lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
        for s in sources:
            here = file_lines[s.line - 1] if 0 < s.line <= len(file_lines) else ""
            key_col = here.find(s.key) + 1  # 0 (then the line's start) if not on that line
            if s.key in result:
                first = result[s.key]
                problems.error(s.path, s.line, key_col,
                               f"duplicate BibTeX key '{s.key}': already defined at "
                               f"{first.path}:{first.line}")
                continue
            low = s.key.lower()
            if low in lower and lower[low].path != s.path and lower[low].key != s.key:
                o = lower[low]
                problems.warning(s.path, s.line, key_col,
                                 f"BibTeX key '{s.key}' differs only in case from '{o.key}' "
                                 f"at {o.path}:{o.line} (BibTeX does not tell them apart)")
            result[s.key] = s
            lower.setdefault(low, s)
    _resolve_crossrefs(result, list(result.values()), problems)
    return result, _with_columns(problems, texts)
