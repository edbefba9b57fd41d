"""``conceptwiki fmt``: write every entry in one canonical layout, keeping its comments.

The canonical layout:

* top-level keys in :data:`schema.FIELD_ORDER`; keys the schema does not know are kept, after
  the known ones, in their original order (``fmt`` never drops anything);
* ``status`` as ``level, note``, ``sources`` as ``primary, further`` and each ``see_also``
  item as ``title, url`` (unknown nested keys after those);
* two-space indentation, sequences indented under their key (``  - item``); mappings are
  always written in block style;
* lists of short scalars under ``aliases``, ``tags``, ``related``, ``former_slugs`` and
  ``sources.further`` in flow style (``[a, b]``) when the line fits in :data:`WIDTH`
  columns and no item carries a comment; every other list one ``- item`` per line;
* ``summary`` and ``status.note`` on one line when they fit in :data:`WIDTH` columns, else as
  a folded block scalar (``>-``) wrapped after column :data:`FOLD_AT`, or as a literal block
  scalar (``|``) if the text has line breaks (paragraphs, lists); ``details`` always as a
  literal block scalar; other text on one line, quoted only where YAML needs it (text with
  line breaks in a list item is double-quoted with ``\\n``);
* dates as ``YYYY-MM-DD``; comments kept (a ``# yaml-language-server`` line first); no
  blank lines; LF line endings; one trailing newline.

Policy instruments (``instruments/*.yaml``) are written the same way in their own layout
(:data:`INSTRUMENT_LAYOUT`): top-level keys in the schema's order, each date as ``date,
source, by, note``, each address as ``concept, pinpoint, sentence, source``, the summary and
the sentences folded when long. A file is an instrument when it lies in the instruments
folder.

The text of every value is kept exactly: the data ``yaml.safe_load`` reads before and after
formatting is the same, and ``fmt`` checks that (and that no comment was lost) before it
writes anything. A file it cannot parse, or could not format without a change of content,
is reported as a problem and left untouched.

How it works: the data and the position of every key and list item come from
:func:`yamlsafe.load_yaml` (PyYAML, so the YAML 1.1 reading is the loader's own); the
comments come from the tokens of the same parser (libyaml when PyYAML has it). A full-line comment belongs to the key or list item that
follows it, an end-of-line comment to the first key or item on its line, and both move with
it when keys are reordered. Values are written by PyYAML's own emitter, so quoting is always
right. Nothing here imports MkDocs or the BibTeX loader.
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..files import write_atomic
from ..model.problems import Problems
from ..model.instrument import INSTRUMENT_FIELD_ORDER, Address, InstrumentDate, InstrumentDates
from ..model.schema import FIELD_ORDER
from ..model.yamlsafe import load_yaml

__all__ = [
    "WIDTH",
    "yaml_inline",
    "FormatError",
    "format_entry_text",
    "format_file",
    "fmt_paths",
    "diff_for",
    "entry_paths",
    "Layout",
    "CONCEPT_LAYOUT",
    "INSTRUMENT_LAYOUT",
    "layout_of",
]

#: A value that does not fit on one line of this many columns (with its key) goes on its own.
WIDTH = 100
#: Folded text is wrapped at the first space after this column.
FOLD_AT = 80
INDENT = 2

#: Nested mappings and their canonical key order, by path (``None`` = any list index).
NESTED_ORDER: dict[tuple, tuple[str, ...]] = {
    ("status",): ("level", "note"),
    ("sources",): ("primary", "further"),
    ("see_also", None): ("title", "url"),
    ("governance_relevance",): ("requires", "leaves_out", "when_citing", "sources"),
}
#: Lists written in flow style when short.
FLOW_LISTS = {("aliases",), ("tags",), ("related",), ("former_slugs",), ("sources", "further"),
              ("governance_relevance", "sources")}
#: Text written as a folded block scalar when long or multi-line.
FOLDED = {("summary",), ("status", "note"), ("governance_relevance", "requires"),
          ("governance_relevance", "leaves_out"), ("governance_relevance", "when_citing")}
#: Text always written as a literal block scalar.
LITERAL = {("details",), ("history",), ("criticisms",), ("open_questions",), ("example",)}


@dataclass(frozen=True)
class Layout:
    """The canonical layout of one kind of entry file (see the module's doc)."""

    order: tuple[str, ...]
    nested: dict[tuple, tuple[str, ...]]
    flow: frozenset[tuple] = frozenset()
    folded: frozenset[tuple] = frozenset()
    literal: frozenset[tuple] = frozenset()


CONCEPT_LAYOUT = Layout(FIELD_ORDER, NESTED_ORDER, frozenset(FLOW_LISTS), frozenset(FOLDED), frozenset(LITERAL))
_DATE_KEYS = tuple(InstrumentDate.model_fields)
INSTRUMENT_LAYOUT = Layout(
    INSTRUMENT_FIELD_ORDER,
    {("dates",): tuple(InstrumentDates.model_fields),
     **{("dates", name): _DATE_KEYS for name in InstrumentDates.model_fields},
     ("dates", "amended", None): _DATE_KEYS,
     ("addresses", None): tuple(Address.model_fields)},
    flow=frozenset({("further_sources",)}),
    folded=frozenset({("title",), ("summary",), ("addresses", None, "sentence")}),
)

_BREAKS = "\r\n\x85\u2028\u2029"
_BREAK_RE = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_COMMENT_RE = re.compile(r"#[^\r\n\x85\u2028\u2029]*")
_BLOCK_HEADER_RE = re.compile(r"[|>][0-9+-]*[ \t]*(#[^\r\n\x85\u2028\u2029]*)?")
_MODELINE_RE = re.compile(r"#\s*yaml-language-server\s*:")
#: The loader's own parser (libyaml when available), so that fmt reads what ``check`` reads.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FormatError(Exception):
    """The text could not be formatted; ``problems`` says why and where."""

    def __init__(self, problems: Problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class _Unformattable(Exception):
    """A value this formatter cannot write without changing it (caught and reported)."""


# --------------------------------------------------------------------------------------
# Comments


@dataclass
class _Comment:
    line: int        # 1-based
    text: str        # from '#', trailing whitespace removed
    full_line: bool  # nothing but whitespace before it on its line


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _BREAK_RE.finditer(text)]


def _scan_comments(text: str) -> list[_Comment]:
    """Every comment in ``text``: what lies between the scanner's tokens, plus the comment
    that may follow a block scalar's ``|``/``>`` header (inside that token)."""
    starts = _line_starts(text)
    found: list[_Comment] = []

    def add(index: int, comment: str) -> None:
        line = bisect.bisect_right(starts, index) - 1
        before = text[starts[line]:index]
        found.append(_Comment(line + 1, comment.rstrip(), before.strip(" \t") == ""))

    def gap(a: int, b: int) -> None:
        for m in _COMMENT_RE.finditer(text, a, b):
            add(m.start(), m.group())

    cursor = 0
    for tok in yaml.scan(text, Loader=_LOADER):
        start, end = tok.start_mark.index, tok.end_mark.index
        if start > cursor:
            gap(cursor, start)
        if isinstance(tok, yaml.ScalarToken) and tok.style in ("|", ">"):
            m = _BLOCK_HEADER_RE.match(text, start)
            if m and m.group(1):
                add(m.start(1), m.group(1))
        cursor = max(cursor, end)
    gap(cursor, len(text))
    return found


@dataclass
class _Notes:
    """Comments attached to the nodes of one document, by node path."""

    modelines: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    leading: dict[tuple, list[str]] = field(default_factory=dict)
    eol: dict[tuple, list[str]] = field(default_factory=dict)
    end: list[str] = field(default_factory=list)

    def has_any(self, path: tuple) -> bool:
        return bool(self.leading.get(path) or self.eol.get(path))


def _nodes(data: Any, located, path: tuple = ()) -> Iterable[tuple[int, int, int, tuple]]:
    """``(line, column, depth, path)`` of every mapping key and list item, in any order."""
    if isinstance(data, dict):
        for key, value in data.items():
            p = path + (key,)
            line, col = located.key_positions.get(p, located.positions.get(p, (0, 0)))
            yield line, col, len(p), p
            yield from _nodes(value, located, p)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            p = path + (i,)
            line, col = located.positions.get(p, (0, 0))
            yield line, col, len(p), p
            yield from _nodes(value, located, p)


def _attach(comments: list[_Comment], data: Any, located, text: str) -> _Notes:
    notes = _Notes()
    nodes = sorted(_nodes(data, located), key=lambda n: (n[0], n[1], n[2]))
    lines = [n[0] for n in nodes]
    first_line = lines[0] if lines else 10**9
    # Before the first key: a comment block separated from it by a blank line is the file's
    # header and stays on top; the block right above it belongs to that key.
    text_lines = _BREAK_RE.split(text)
    blank_before_first = max((i + 1 for i in range(min(first_line - 1, len(text_lines)))
                              if not text_lines[i].strip(" \t")), default=0)
    for c in comments:
        if c.full_line and _MODELINE_RE.match(c.text):
            notes.modelines.append(c.text)
            continue
        if c.full_line:
            i = bisect.bisect_right(lines, c.line)
            if i == len(nodes):
                notes.end.append(c.text)
            elif i == 0 and c.line < blank_before_first:
                notes.header.append(c.text)
            else:
                notes.leading.setdefault(nodes[i][3], []).append(c.text)
        else:
            i = bisect.bisect_left(lines, c.line)
            if i < len(nodes) and lines[i] == c.line:
                target = nodes[i][3]
            elif i > 0:
                target = nodes[i - 1][3]  # the line continues a value that started earlier
            else:
                notes.header.append(c.text)
                continue
            notes.eol.setdefault(target, []).append(c.text)
    # A node can end up with several end-of-line comments (a value spanning lines); keep the
    # first on its line and put the others right above it, where a second pass leaves them.
    for path, eols in notes.eol.items():
        if len(eols) > 1:
            notes.leading.setdefault(path, []).extend(eols[1:])
            del eols[1:]
    return notes


# --------------------------------------------------------------------------------------
# Scalars, written by PyYAML's emitter


class _Folded(str):
    pass


class _Literal(str):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Folded, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style=">"))
_Dumper.add_representer(_Literal, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style="|"))


def _dump(value: Any, **kw: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, **kw)


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``1 == True`` is not good enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        if len(a) != len(b):
            return False
        keys_b = {k: k for k in b}
        return all(k in keys_b and _same(k, keys_b[k]) and _same(v, b[keys_b[k]])
                   for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def yaml_inline(value: Any) -> str:
    """``value`` as YAML on one line, quoted only if it must be."""
    if isinstance(value, str) and any(ch in value for ch in _BREAKS):
        out = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, width=math.inf,
                        default_style='"')
    else:
        out = _dump(value, width=math.inf, default_flow_style=True)
    if out.endswith("\n...\n"):
        out = out[:-4]
    out = out[:-1] if out.endswith("\n") else out
    if any(ch in out for ch in _BREAKS):
        raise _Unformattable(f"cannot write {value!r} on one line")
    return out


def _key(key: Any) -> str:
    out = yaml_inline(key)
    if len(out) > 1000:  # YAML reads a key in one piece only up to 1024 characters
        raise _Unformattable(f"cannot write the key {key!r}")
    return out


def _block(key_text: str, value: str, style: type, indent: int) -> list[str] | None:
    """``key: >-`` / ``key: |`` and the content lines, indented by ``indent``; ``None`` if the
    value cannot be written as that kind of block scalar."""
    width = max(FOLD_AT - indent, 40)
    out = _dump({0: style(value)}, width=width, default_flow_style=False)
    if not out.startswith("0: " + (">" if style is _Folded else "|")):
        return None
    if not _same(yaml.safe_load(out), {0: value}):
        return None
    lines = out.split("\n")[:-1]
    if lines[-1] == "...":  # PyYAML ends a document after a '+' (keep) block; the entry goes on
        lines.pop()
    pad = " " * indent
    return [pad + key_text + lines[0][1:]] + [pad + ln if ln else ln for ln in lines[1:]]


# --------------------------------------------------------------------------------------
# The document


def _pattern(path: tuple) -> tuple:
    return tuple(None if isinstance(p, int) else p for p in path)


def _ordered(d: dict, path: tuple, layout: Layout = CONCEPT_LAYOUT) -> list:
    order = layout.order if not path else layout.nested.get(_pattern(path), ())
    known = [k for k in order if k in d]
    return known + [k for k in d if k not in order]


class _Writer:
    """Writes lines as ``(text, has_end_of_line_comment)`` pairs."""

    def __init__(self, notes: _Notes, raw: dict[tuple, str] | None = None, layout: Layout = CONCEPT_LAYOUT):
        self.notes = notes
        self.raw = raw or {}
        self.layout = layout

    def scalar(self, value: Any, p: tuple) -> str:
        """One-line YAML for a scalar. A value that looked like a date but is not one (e.g.
        2026-02-30) stays as written, so that ``check`` keeps reporting it as a bad date."""
        raw = self.raw.get(p)
        if isinstance(value, str) and raw == value and not any(ch in raw for ch in _BREAKS):
            return raw
        return yaml_inline(value)

    def comments(self, path: tuple, indent: int) -> list[tuple[str, bool]]:
        return [(" " * indent + c, False) for c in self.notes.leading.get(path, [])]

    def eol(self, path: tuple) -> str:
        eols = self.notes.eol.get(path)
        return "  " + eols[0] if eols else ""

    def mapping(self, d: dict, path: tuple, indent: int) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        for key in _ordered(d, path, self.layout):
            p = path + (key,)
            out += self.comments(p, indent)
            out += self.entry(key, d[key], p, indent)
        return out

    def entry(self, key: Any, value: Any, p: tuple, indent: int) -> list[tuple[str, bool]]:
        pad, k, eol = " " * indent, _key(key), self.eol(p)
        if isinstance(value, dict) and value:
            return [(f"{pad}{k}:{eol}", bool(eol))] + self.mapping(value, p, indent + INDENT)
        if isinstance(value, list) and value:
            flow = self.flow(value, p, f"{pad}{k}: ")
            if flow is not None:
                return [(flow + eol, bool(eol))]
            return [(f"{pad}{k}:{eol}", bool(eol))] + self.sequence(value, p, indent + INDENT)
        if isinstance(value, str) and value:
            style: type[str] | None = None
            if _pattern(p) in self.layout.literal:
                style = _Literal
            elif _pattern(p) in self.layout.folded:
                if any(ch in value for ch in _BREAKS):
                    style = _Literal  # paragraphs and lists read better as they are
                elif len(f"{pad}{k}: {yaml_inline(value)}") > WIDTH:
                    style = _Folded
            if style is not None:
                lines = _block(k, value, style, indent)
                if lines is not None:
                    return [(lines[0] + eol, bool(eol))] + [(ln, False) for ln in lines[1:]]
        if value is None:
            return [(f"{pad}{k}:{eol}", bool(eol))]
        return [(f"{pad}{k}: {self.scalar(value, p)}{eol}", bool(eol))]

    def flow(self, items: list, p: tuple, prefix: str) -> str | None:
        """``prefix[a, b]`` if this list is written in flow style, else ``None``."""
        if _pattern(p) not in self.layout.flow:
            return None
        if any(isinstance(x, (dict, list)) or (isinstance(x, str) and p + (i,) in self.raw)
               for i, x in enumerate(items)):
            return None
        if any(self.notes.has_any(p + (i,)) for i in range(len(items))):
            return None
        try:
            line = prefix + yaml_inline(items)
        except _Unformattable:  # an item with a line break: one item per line, double-quoted
            return None
        return line if len(line) <= WIDTH else None

    def sequence(self, items: list, path: tuple, indent: int) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        pad = " " * indent
        for i, value in enumerate(items):
            p = path + (i,)
            lead = self.comments(p, indent)
            eol = self.eol(p)
            if isinstance(value, (dict, list)) and value:
                inner = (self.mapping(value, p, indent + INDENT) if isinstance(value, dict)
                         else self.sequence(value, p, indent + INDENT))
                # Comments above the item's first line go above its "- ", where a second
                # pass would attach them anyway.
                while inner and inner[0][0].lstrip().startswith("#"):
                    lead.append((pad + inner.pop(0)[0].lstrip(), False))
                text, has_eol = inner[0]
                first = pad + "- " + text[indent + INDENT:]
                if eol and has_eol:  # the first line has a comment of its own already
                    lead.append((pad + eol.strip(), False))
                    eol = ""
                out += lead + [(first + eol, has_eol or bool(eol))] + inner[1:]
            elif value is None:
                out += lead + [(f"{pad}-{eol}", bool(eol))]
            else:
                out += lead + [(f"{pad}- {self.scalar(value, p)}{eol}", bool(eol))]
        return out


def _render(data: dict, notes: _Notes, raw: dict[tuple, str] | None = None, layout: Layout = CONCEPT_LAYOUT) -> str:
    lines = list(notes.modelines) + list(notes.header)
    lines += [text for text, _ in _Writer(notes, raw, layout).mapping(data, (), 0)] if data else ["{}"]
    lines += notes.end
    return "\n".join(lines) + "\n"


def _load_for_compare(text: str, located_data: Any) -> Any:
    try:
        return yaml.load(text, Loader=_LOADER)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError):
        return located_data


def format_entry_text(text: str, path: str = "<entry>", layout: Layout = CONCEPT_LAYOUT) -> str:
    """The canonical form of one entry's YAML text (a policy instrument's with
    ``layout=INSTRUMENT_LAYOUT``).

    Raises :class:`FormatError` (with ``path:line:column`` problems) if the text is not an
    entry YAML can read, or if it cannot be written canonically without a change of content.
    """
    problems = Problems()
    located = load_yaml(text.encode("utf-8", "surrogatepass"), path, problems)
    if located is None:
        raise FormatError(problems)
    if not isinstance(located.data, dict):
        problems.error(path, 1, 1, "an entry must be a mapping of keys to values "
                       "(title: ..., summary: ...); not formatted")
        raise FormatError(problems)
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        comments = _scan_comments(text)
        notes = _attach(comments, located.data, located, text)
        out = _render(located.data, notes, located.raw, layout)
    except (_Unformattable, yaml.YAMLError, RecursionError) as exc:
        problems.error(path, 1, 1, f"cannot format this file ({exc}); it was left as it is")
        raise FormatError(problems) from None
    # Never lose content: the output must read as the same data, with every comment.
    before = _load_for_compare(text, located.data)
    after_problems = Problems()
    after = load_yaml(out.encode("utf-8", "surrogatepass"), path, after_problems)
    ok = after is not None and _same(_load_for_compare(out, after.data), before)
    if ok:
        ok = sorted(c.text for c in _scan_comments(out)) == sorted(c.text for c in comments)
    if not ok:
        problems.error(path, 1, 1, "cannot format this file without changing its content; it was "
                       "left as it is (please report this as a bug in conceptwiki fmt)")
        raise FormatError(problems)
    return out


# --------------------------------------------------------------------------------------
# Files


def entry_paths(root: Path, concepts_dir: str = "concepts", instruments_dir: str | None = None) -> list[Path]:
    """The entry files ``conceptwiki fmt`` formats when it is given no paths: the concepts,
    and the policy instruments when ``instruments_dir`` is given (their ``schema.json`` is
    no entry)."""
    out: list[Path] = []
    for name in (concepts_dir, instruments_dir):
        folder = Path(root) / name if name else None
        if folder is not None and folder.is_dir():
            out += sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return out


def _expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file())
        else:
            out.append(p)
    return out


def _rel(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def layout_of(rel: str, instruments_dir: str = "instruments") -> Layout:
    """The layout of the file at ``rel`` (relative to the project): an instrument's in the
    instruments folder, else a concept's."""
    folder = instruments_dir.strip("/")
    parts = Path(rel).parts
    inside = rel.startswith(folder + "/") or (len(parts) >= 2 and parts[-2] == Path(folder).name)
    return INSTRUMENT_LAYOUT if inside else CONCEPT_LAYOUT


def format_file(path: Path, *, root: Path | None = None,
                instruments_dir: str = "instruments") -> tuple[str | None, str | None, Problems]:
    """``(old_text, new_text, problems)`` for one file; ``new_text`` is ``None`` when the file
    cannot be read or formatted (the problems say why)."""
    problems = Problems()
    rel = _rel(Path(path), root)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        problems.error(rel, 0, 0, "file not found")
        return None, None, problems
    except OSError as exc:
        problems.error(rel, 0, 0, f"cannot read file: {exc.strerror}")
        return None, None, problems
    try:
        old = raw.decode("utf-8")
    except UnicodeDecodeError:
        load_yaml(raw, rel, problems)  # reports the position of the bad byte
        return None, None, problems
    try:
        return old, format_entry_text(old, rel, layout_of(rel, instruments_dir)), problems
    except FormatError as exc:
        problems.extend(exc.problems)
        return old, None, problems


def fmt_paths(paths: Iterable[Path], *, check: bool, root: Path | None = None,
              instruments_dir: str = "instruments") -> tuple[list[Path], Problems]:
    """Format entry files in place (folders are expanded to their ``*.yaml``/``*.yml``).

    Returns the files that changed (with ``check=True``: that would change; nothing is
    written) and the problems: files that cannot be read, parsed or formatted are reported
    as ``path:line:column`` errors and left untouched. Paths in problems are relative to
    ``root`` when given.
    """
    changed: list[Path] = []
    problems = Problems()
    for path in _expand(paths):
        if path.suffix not in (".yaml", ".yml"):
            problems.error(_rel(path, root), 0, 0, "not an entry: fmt formats entries "
                           "(concepts/*.yaml and instruments/*.yaml) only, and leaves other "
                           "files, such as BibTeX sources, as they are")
            continue
        old, new, probs = format_file(path, root=root, instruments_dir=instruments_dir)
        problems.extend(probs)
        if new is None or new == old:
            continue
        changed.append(path)
        if not check:
            try:
                write_atomic(path, new, keep_mode=True)
            except OSError as exc:
                problems.error(_rel(path, root), 0, 0, f"cannot write file: {exc.strerror}")
    return changed, problems


def diff_for(path: Path, *, root: Path | None = None, instruments_dir: str = "instruments") -> str:
    """A unified diff from the file as it is to its canonical form ('' if none or if the file
    cannot be formatted)."""
    old, new, _ = format_file(path, root=root, instruments_dir=instruments_dir)
    if new is None or old is None or new == old:
        return ""
    rel = _rel(Path(path), root)
    old_lines = old.replace("\r\n", "\n").splitlines(keepends=True)
    if not old.endswith(("\n", "\r")):
        old_lines[-1:] = [old_lines[-1] + "\n", "\\ No newline at end of file\n"] if old_lines else []
    diff = difflib.unified_diff(old_lines, new.splitlines(keepends=True),
                                fromfile=f"a/{rel}", tofile=f"b/{rel}")
    text = "".join(diff)
    if not text and old != new:  # only line endings differ
        text = f"--- a/{rel}\n+++ b/{rel}\n(line endings: CRLF -> LF)\n"
    return text


def fmt_problems(path: Path, *, root: Path | None = None, instruments_dir: str = "instruments") -> Problems:
    """What ``fmt`` would change in ``path``, as one problem per changed run of lines,
    located at its first line and quoting the lines ``fmt`` would write there: ``fmt
    --check --format github`` turns them into annotations on a pull request's lines."""
    problems = Problems()
    old, new, _ = format_file(path, root=root, instruments_dir=instruments_dir)
    if new is None or old is None or new == old:
        return problems
    rel = _rel(Path(path), root)
    a = old.replace("\r\n", "\n").splitlines()
    b = new.splitlines()
    if a == b:
        problems.error(rel, 1, 1, "fmt would change the line endings to LF; run "
                       f"'conceptwiki fmt {rel}'", code="fmt")
        return problems
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        line = min(i1 + 1, max(len(a), 1))
        what = {"replace": f"lines {i1 + 1}-{i2}" if i2 - i1 > 1 else f"line {i1 + 1}",
                "delete": f"lines {i1 + 1}-{i2}" if i2 - i1 > 1 else f"line {i1 + 1}",
                "insert": f"after line {i1}"}[tag]
        if tag == "delete":
            change = f"fmt would delete {what}"
        else:
            shown = "\n".join(b[j1:j2][:20]) + ("\n..." if j2 - j1 > 20 else "")
            change = f"fmt would {'write' if tag == 'replace' else 'insert'} at {what}:\n{shown}"
        problems.error(rel, line, 1, f"{change}\n(run 'conceptwiki fmt {rel}')", code="fmt")
    return problems
