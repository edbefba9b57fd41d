"""The :class:`Source` record: one BibTeX entry as written, the unit the rest of the site cites.

The parser (:mod:`.parse`) makes Sources; the model (:mod:`conceptwiki.model.loader`) maps
citation keys to them; citations and pages read :meth:`Source.csl`. A Source keeps the
fields as written so that messages can point at them; the CSL-JSON item is computed once
(:mod:`.csl`) and stored on the frozen record. Nothing here imports MkDocs.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Mapping

from .csl import CslItem, source_to_csl

__all__ = ["Source"]


@dataclass(frozen=True)
class Source:
    """One BibTeX entry as written in a file.

    ``fields`` maps lower-case field names to the value as written (outer braces or quotes
    removed, ``@string`` macros and ``#`` concatenations resolved, inner braces and LaTeX
    kept; the predefined month macros stay as written: ``month = jun`` gives ``"jun"``;
    an undefined macro gives its own name, with a warning). ``line`` is the 1-based line
    of the ``@type{``. ``crossref`` is not merged into ``fields``, only into :meth:`csl`.
    """

    key: str
    type: str
    fields: dict[str, str]
    path: str
    line: int
    #: 1-based line of each field's ``=`` (for messages), not part of equality.
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __hash__(self) -> int:
        return hash((self.key, self.type, self.path, self.line))

    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def csl(self) -> CslItem:
        """The CSL-JSON item for this entry (computed once; a copy is returned)."""
        cached: CslItem | None = self.__dict__.get("_csl_cache")
        if cached is None:
            cached = source_to_csl(self)
            object.__setattr__(self, "_csl_cache", cached)
        copied: CslItem = _json_copy(cached)
        return copied

    def set_csl(self, item: CslItem) -> None:
        """Store the CSL-JSON item that :meth:`csl` returns copies of.

        For the parser: it converts each entry once with a :class:`~..model.problems.Problems`
        to report doubtful dates, and converts an entry with ``crossref`` from its fields
        merged with the parent's; both results are kept here instead of being recomputed.
        """
        object.__setattr__(self, "_csl_cache", item)


def _json_copy(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, tuples of strings and numbers), what
    :meth:`Source.csl` returns on every call so that no caller can change the stored item.

    ``copy.deepcopy`` took 3.7 s (1.1 million calls, profiled) of a cold build at 2,000
X
    Anything else is copied by ``copy.deepcopy``."""
    kind = type(value)
    if kind is dict:
        return {k: _json_copy(v) for k, v in value.items()}
    if kind is list:
        return [_json_copy(v) for v in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is tuple:
        return tuple(_json_copy(v) for v in value)
    return copy.deepcopy(value)
