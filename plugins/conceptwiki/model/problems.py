"""Problems found in contributors' input, reported as ``path:line:column: severity: message``.

Every check in the core returns problems instead of raising, so that a contributor sees
all of them at once. Nothing here imports MkDocs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

__all__ = ["Problem", "Problems", "ERROR", "WARNING", "INFO_CODES", "format_problems"]

ERROR: Literal["error"] = "error"
WARNING: Literal["warning"] = "warning"

#: Warnings that are only informational: the MkDocs plugin logs them at info level, so they
#: do not fail a strict build (``mkdocs build --strict``), and ``conceptwiki check --strict``
#: does not fail on them either. Every other warning fails both. An author's name written
#: two ways is informational because authors' own bylines differ between publications
#: ("Sam Bowman", "Samuel R. Bowman") and two people may share a family name and initial:
#: a contributor decides, the build does not. ``incomplete-names``: an author list ending in
#: "and others" may be all the source itself gives.
INFO_CODES = frozenset({"unused-source", "author-spelling", "incomplete-names"})


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input.

    ``path`` is relative to the project root where possible (POSIX separators);
    ``line`` and ``column`` are 1-based; 0 means "unknown" (the whole file).
    """

    path: str
    line: int = 0
    column: int = 0
    severity: str = ERROR
    message: str = ""
    code: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def fails_strict(self) -> bool:
        """True if a strict build (and ``check --strict``) fails on this problem."""
        return self.is_error or self.code not in INFO_CODES

    def location(self) -> str:
        loc = self.path
        if self.line:
            loc += f":{self.line}"
            if self.column:
                loc += f":{self.column}"
        return loc

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity}: {self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the file in a pull request.
        Informational problems (:data:`INFO_CODES`, which fail nothing) are notices, so that
        a pull request's warnings are only those the strict build fails on."""
        kind = "error" if self.is_error else ("warning" if self.fails_strict else "notice")
        props = [f"file={_gh_escape_prop(self.path)}"]
        if self.line:
            props.append(f"line={self.line}")
        if self.column:
            props.append(f"col={self.column}")
        return f"::{kind} {','.join(props)}::{_gh_escape_data(self.message)}"

    def to_json(self) -> dict[str, str | int]:
        return asdict(self)


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


class Problems(list[Problem]):
    """A list of :class:`Problem` with helpers to add to it."""

    def add(self, path: str, line: int = 0, column: int = 0, message: str = "", *,
            severity: str = ERROR, code: str = "") -> Problem:
        p = Problem(path=str(path), line=line, column=column, severity=severity,
                    message=message, code=code)
        self.append(p)
        return p

    def error(self, path: str, line: int, column: int, message: str, code: str = "") -> Problem:
        return self.add(path, line, column, message, severity=ERROR, code=code)

    def warning(self, path: str, line: int, column: int, message: str, code: str = "") -> Problem:
        return self.add(path, line, column, message, severity=WARNING, code=code)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if not p.is_error]

    @property
    def strict_failures(self) -> list[Problem]:
        """Errors, and the warnings a strict build fails on (all but :data:`INFO_CODES`)."""
        return [p for p in self if p.fails_strict]

    def sorted(self) -> list[Problem]:
        return sorted(self)


def format_problems(problems: Iterable[Problem], fmt: str = "text") -> str:
    """Render problems as ``text`` (one per line), ``json`` or ``github`` annotations."""
    items = sorted(problems)
    if fmt == "json":
        return json.dumps([p.to_json() for p in items], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(p.github() for p in items)
    return "\n".join(str(p) for p in items)
