"""Load YAML safely and remember where every value came from.

PyYAML's composer gives a node tree with marks; we build plain Python values from it
ourselves so that:

* only the standard YAML 1.1 tags of the safe schema are accepted (``!!python/object``
  and any other tag is an error);
* anchors and aliases are rejected (no "billion laughs", and entries have no use for them);
* duplicate keys are an error (PyYAML silently keeps the last one);
* nesting deeper than :data:`MAX_DEPTH` and files larger than :data:`MAX_BYTES` are refused;
* every value's position is known, so validation errors point at ``path:line:column``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Problems

__all__ = ["Located", "YamlKey", "Loc", "load_yaml", "MAX_BYTES", "MAX_DEPTH"]

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20

#: A mapping key as loaded: a YAML scalar (a key of any other type is kept as its text).
YamlKey = str | int | float | bool | None
#: Where a value is in a document: the keys and list indices that lead to it from the root,
#: e.g. ``("sources", "further", 1)``; ``()`` is the root. Pydantic's error ``loc`` is one.
Loc = tuple[YamlKey, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Characters PyYAML's reader refuses (its ``Reader.NON_PRINTABLE``).
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass
class Located:
    """A loaded document plus the position of every value and key in it.

    ``positions`` maps a path of keys/indices, e.g. ``("sources", "further", 1)``, to the
    1-based ``(line, column)`` of the value; ``key_positions`` does the same for mapping keys.
    """

    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    #: The source text of scalars that YAML turned into something else (numbers, booleans).
    raw: dict[Loc, str] = field(default_factory=dict)
    #: One-key mappings written without braces, as their text (``wireheading: the problem``):
    #: most likely text that contains ': ' and was meant to be one string.
    pairs: dict[Loc, str] = field(default_factory=dict)

    def where(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The best known position for ``loc``: the nearest enclosing value that has one."""
        table = self.key_positions if key else self.positions
        loc = tuple(loc)
        if loc in table:
            return table[loc]
        while loc:
            loc = loc[:-1]
            if loc in self.positions:
                return self.positions[loc]
        return (1, 1)


#: What each tag's value must be, for the message on a value that is not one.
_TAG_TYPES = {"!!int": "a whole number", "!!float": "a number", "!!bool": "true or false",
              "!!null": "nothing", "!!timestamp": "a date, YYYY-MM-DD", "!!str": "text"}

_TOO_DEEP = (f"nesting deeper than {MAX_DEPTH} levels; entries are flat, so this is almost "
             "certainly a mistake")


class _Reject(Exception):
    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class _Builder:
    def __init__(self, text: str = "") -> None:
        self.constructor = yaml.constructor.SafeConstructor()
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.key_positions: dict[Loc, tuple[int, int]] = {}
        self.raw: dict[Loc, str] = {}
        self.pairs: dict[Loc, str] = {}
        self.lines = text.splitlines()

    def _note_pair(self, node: yaml.MappingNode, path: Loc) -> None:
        """Remember ``key: value`` written without braces, for a "put it in quotes" hint."""
        if len(node.value) != 1:
            return
        key, value = node.value[0]
        if not all(isinstance(n, yaml.ScalarNode) and not n.style for n in (key, value)):
            return
        row, col = node.start_mark.line, node.start_mark.column
        if row < len(self.lines) and self.lines[row][col:col + 1] == "{":
            return  # an explicit mapping
        self.pairs[path] = f"{key.value}: {value.value}" if value.value else f"{key.value}:"

    @staticmethod
    def _pos(node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Loc, depth: int) -> Any:
        line, col = self._pos(node)
        if depth > MAX_DEPTH:
            raise _Reject(line, col, _TOO_DEEP)
        if node.tag not in _ALLOWED_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
            raise _Reject(line, col, f"YAML tag '{shown}' is not allowed; remove the tag "
                          "(only plain strings, numbers, dates, lists and mappings are accepted)")
        self.positions[path] = (line, col)
        if isinstance(node, yaml.MappingNode):
            self._note_pair(node, path)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    kl, kc = self._pos(key_node)
                    raise _Reject(kl, kc, "a mapping key must be a plain name, not a list or mapping")
                key = self.build(key_node, path + ("<key>",), depth + 1)
                if not isinstance(key, str):
                    # As written: ``yes:``, ``1:``, ``~:`` are then an unknown key 'yes' (with a
                    # suggestion), not pydantic's "Keys should be strings" at '[1]'.
                    key = key_node.value
                kl, kc = self._pos(key_node)
                if key in out:
                    first = self.key_positions.get(path + (key,), (0, 0))
                    raise _Reject(kl, kc, f"duplicate key '{key}' (first given on line {first[0]}); "
                                  "keep one of them")
                self.key_positions[path + (key,)] = (kl, kc)
                out[key] = self.build(value_node, path + (key,), depth + 1)
            self.positions.pop(path + ("<key>",), None)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        if node.tag != "tag:yaml.org,2002:str":
            self.raw[path] = node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception:
            # An explicit tag on a value that is not of its type (``!!bool abc``,
            # ``!!timestamp abc``, ``!!int x``) makes PyYAML's constructors fail with whatever
            # their code hits first: KeyError, AttributeError, ValueError, ...
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # looks like a date but is not one: the schema reports it
            shown = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
            raise _Reject(line, col, f"invalid value '{node.value}' for the YAML tag '{shown}' "
                          f"({_TAG_TYPES.get(shown, shown)}); remove the tag, or write a value "
                          "of that type") from None


def _start(event: yaml.Event) -> tuple[int, int]:
    """The 1-based ``(line, column)`` where an event starts.

    The parser marks every event; the stubs allow None.
    """
    mark = event.start_mark
    assert mark is not None
    return mark.line + 1, mark.column + 1


def _check_events(text: str) -> _Reject | None:
    """Reject anchors, aliases and deep nesting while streaming the parser's events, before
    anything is composed, so alias bombs and ``[[[[...`` cost nothing."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                return _Reject(*_start(event),
                               f"YAML anchors and aliases ('&{anchor}' / '*{anchor}') are not "
                               "allowed in entries; write the value out in full")
            # ``depth`` = collections around this node = its depth as ``_Builder`` counts it.
            if isinstance(event, (yaml.CollectionStartEvent, yaml.ScalarEvent)) and depth > MAX_DEPTH:
                return _Reject(*_start(event), _TOO_DEEP)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # reported with a better message by the composer
    return None


_KEY_LINE_RE = re.compile(r"^( *)(?:- +)?([^\s#:'\"\[\]{}][^#:]*?):(?:\s|$)")
_QUOTE_HINT = " (a value that contains ': ' must be quoted, or written as a '>-' block)"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _mapping_value_hint(lines: list[str], row: int, column: int) -> tuple[str, int | None]:
    """The hint for "mapping values are not allowed": quoting, or indentation.

    The parser stops at a ': ' it cannot use. If some ': ' comes before it on the same line
    (``key: text: more text``), the value needs quotes. If it is the line's first ': ', the
    line starts with a key that is indented differently from the key above it; then the
    1-based column of that key is returned too, to report the problem there.
    """
    line = lines[row] if row < len(lines) else ""
    before = line[:column].lstrip(" ")
    if before.startswith("- "):
        before = before[2:].lstrip(" ")
    m = _KEY_LINE_RE.match(line)
    if ": " in before or m is None:
        return _QUOTE_HINT, None
    key = m.group(2).strip()
    key_column = m.start(2) + 1
    spaces = _indent(line)
    above = next((i for i in range(row - 1, -1, -1)
                  if lines[i].strip() and not lines[i].lstrip().startswith("#")), None)
    prev = _KEY_LINE_RE.match(lines[above]) if above is not None else None
    if prev is not None and above is not None and _indent(lines[above]) != spaces:
        prev_spaces = _indent(lines[above])
        return (f" (check the indentation: '{key}:' is indented {_spaces(spaces)}, but "
                f"'{prev.group(2).strip()}:' on line {above + 1} is indented {_spaces(prev_spaces)}; "
                "the keys of one mapping must start in the same column)"), key_column
    return (f" (check the indentation of '{key}:': the keys of one mapping must start in the "
            "same column)"), key_column


def _spaces(n: int) -> str:
    return "1 space" if n == 1 else f"{n} spaces"


def _yaml_error_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, int | None, int | None]:
    """The message for a YAML syntax error, and a better 1-based line and column for it if
    there are ones."""
    column = None
    better_line = None
    parts = [p for p in (exc.context, exc.problem) if p]
    msg = "invalid YAML: " + ", ".join(parts) if parts else "invalid YAML"
    mark = exc.problem_mark
    lines = text.splitlines()
    line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in line_text[: mark.column + 1 if mark else 0]:
        msg += " (use spaces, not tabs, for indentation)"
    elif exc.problem and "mapping values are not allowed" in exc.problem:
        hint, column = _mapping_value_hint(lines, mark.line, mark.column) if mark else (_QUOTE_HINT, None)
        msg += hint
    elif (exc.problem and "end of stream" in exc.problem and exc.context_mark is not None
          and exc.context and "quoted scalar" in exc.context):
        opened = exc.context_mark
        quote = lines[opened.line][opened.column] if opened.line < len(lines) and opened.column < len(
            lines[opened.line]) else "'"
        msg += (f" (the quote {quote} opened at line {opened.line + 1}, column {opened.column + 1} is "
                f"never closed; add {quote} at the end of the text)")
    elif (exc.context in ("while parsing a flow sequence", "while parsing a flow mapping")
          and exc.context_mark is not None and mark is not None and mark.index >= len(text.rstrip())):
        opened = exc.context_mark
        close = "]" if "sequence" in exc.context else "}"
        msg += (f" (the {'[' if close == ']' else '{'} opened at line {opened.line + 1}, column "
                f"{opened.column + 1} is never closed; add {close} after its last item)")
    elif exc.problem and "did not find expected key" in exc.problem:
        msg += " (check the indentation of this line against the keys above it)"
    elif exc.problem and "could not find expected ':'" in exc.problem:
        start = exc.context_mark.line if exc.context_mark else (mark.line if mark else 0)
        key_line = lines[start] if start < len(lines) else ""
        if "\uff1a" in key_line:
            msg += " (the key ends with the full-width colon '\uff1a'; type ':' instead)"
            better_line, column = start + 1, key_line.index("\uff1a") + 1
        elif _NO_SPACE_RE.match(key_line):
            key = _NO_SPACE_RE.match(key_line)
            assert key is not None
            msg += f" (put a space after the ':' of '{key.group(1)}:', as in '{key.group(1)}: ...')"
            better_line, column = start + 1, key.end(1) + 1
        else:
            msg += " (check the indentation and that every key ends with ':')"
    return msg, better_line, column


#: A key followed by ':' and no space (``kind:problem``), which YAML reads as one word.
_NO_SPACE_RE = re.compile(r"^\s*(?:- +)?([A-Za-z_][\w-]*):[^\s:/]")
#: Characters YAML 1.1 reads as line breaks, which editors show as nothing or a space.
_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")

_BLOCK_START_RE = re.compile(r"^( *)(?:- +)?[^\s#'\"][^:#]*:[ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$")


def _block_scalar_outdent(text: str, error_line: int) -> tuple[int, int, str] | None:
    """A line inside a ``key: |`` (or ``>``) block, before the place where PyYAML gave up,
    that is indented less than the block's first line: the block ends there, PyYAML reads the
    line as a key without ':' and reports the next key instead. Returns the 1-based line and
    column of that line, and the message, so the problem is shown where it is."""
    lines = text.splitlines()
    i = 0
    while i < min(len(lines), error_line):
        start = _BLOCK_START_RE.match(lines[i])
        i += 1
        if start is None:
            continue
        key_indent = len(start.group(1))
        first = next((j for j in range(i, len(lines)) if lines[j].strip()), None)
        if first is None or _indent(lines[first]) <= key_indent:
            continue
        block_indent = _indent(lines[first])
        for j in range(first + 1, min(len(lines), error_line)):
            line = lines[j]
            if not line.strip():
                continue
            if _indent(line) >= block_indent:
                continue
            if _KEY_LINE_RE.match(line) or line.lstrip().startswith("#"):
                break  # the block ended normally, at a key or a comment
            key = lines[i - 1].split(":", 1)[0].strip().lstrip("- ")
            return (j + 1, _indent(line) + 1,
                    f"this line belongs to the '{key}:' block that starts on line {i}, but it is "
                    f"indented {_spaces(_indent(line))} instead of {_spaces(block_indent)} like the "
                    "block's first line; indent it as much as the lines above it (every line of "
                    "a '|' or '>' block must be)")
        i = max(i, first)
    return None


def _in_file(text: str, line: int, column: int) -> tuple[int, int]:
    """A position PyYAML reports at the end of the stream, on a line that does not exist (after
    the last character of a file with no final newline, or at the start of the empty "line"
    after the final newline, which no editor shows): the end of the last line instead, so that
    the problem page can show the lines around it."""
    lines = text.split("\n")
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    if line == len(lines) > 1 and lines[-1] == "" and column <= 1:
        return line - 1, len(lines[-2]) + 1
    return line, column


def load_yaml(raw: bytes, path: str, problems: Problems) -> Located | None:
    """Parse one YAML document. On any problem, add it to ``problems`` and return ``None``."""
    if len(raw) > MAX_BYTES:
        problems.error(path, 1, 1, f"file is {len(raw):,} bytes, over the limit of {MAX_BYTES:,}; "
                       "split the entry or move long text elsewhere")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(path, line, col, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                       "save it as UTF-8")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.error(path, line, 1, "file contains a NUL character; save it as UTF-8 text")
        return None
    bad_char = _NON_PRINTABLE.search(text)
    if bad_char:
        # PyYAML's reader refuses these with an exception that has no line number.
        i = bad_char.start()
        line = text.count("\n", 0, i) + 1
        col = i - (text.rfind("\n", 0, i) + 1) + 1
        problems.error(path, line, col, f"file contains the control character "
                       f"U+{ord(text[i]):04X}, which YAML does not allow; delete it (write "
                       "'\\t', '\\x1f' etc. inside double quotes if it is meant)")
        return None
    bad = _check_events(text)
    if bad:
        problems.error(path, *_in_file(text, bad.line, bad.column), bad.message)
        return None
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        outdent = _block_scalar_outdent(text, line)
        if outdent is not None:
            problems.error(path, *outdent)
            return None
        brk = _LINE_BREAKS.search(text)
        if brk is not None:
            i = brk.start()
            at = (text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1)
            problems.error(path, *at, f"file contains the character U+{ord(text[i]):04X}, which YAML "
                           "reads as a line break though it looks like none; delete it, or put a "
                           "space or a real line break there")
            return None
        message, better_line, better_col = _yaml_error_message(exc, text)
        problems.error(path, *_in_file(text, better_line or line, better_col or col), message)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - e.g. reader errors without marks
        problems.error(path, 1, 1, f"invalid YAML: {exc}")
        return None
    if len(nodes) > 1:
        m = nodes[1].start_mark
        problems.error(path, m.line + 1, 1, "only one YAML document per file; remove the '---' separator")
        return None
    if not nodes or nodes[0] is None:
        problems.error(path, 1, 1, "file is empty; copy an existing entry into it, or "
                       "delete it and run 'conceptwiki new SLUG --title ...' (which never "
                       "overwrites a file)")
        return None
    builder = _Builder(text)
    try:
        data = builder.build(nodes[0], (), 0)
    except _Reject as exc:
        problems.error(path, exc.line, exc.column, exc.message)
        return None
    return Located(data, builder.positions, builder.key_positions, builder.raw, builder.pairs)
