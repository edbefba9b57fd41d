"""The concept-entry schema, defined once.

The pydantic models here validate ``concepts/<slug>.yaml`` and are exported as JSON Schema
(``concepts/schema.json``) for editors. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from enum import Enum
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..bibtex import KEY_RE

__all__ = [
    "RESERVED_SLUGS",
    "SLUG_RE",
    "Kind",
    "Level",
    "Status",
    "Sources",
    "ExternalLink",
    "Concept",
    "KIND_PLURALS",
    "kind_label",
    "FIELD_ORDER",
    "json_schema",
    "json_schema_text",
]

#: A slug: lower-case ASCII letters and digits in groups joined by single hyphens.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: For Python's ``re``: ``\Z``, because ``$`` also matches before a final newline ('abc\n').
SLUG_RE = re.compile(SLUG_PATTERN[:-1] + r"\Z")
#: Slugs that would clash with pages or folders the site generates itself, or that Windows
#: cannot use as file names.
RESERVED_SLUGS = frozenset({"index", "tags", "tag", "graph", "brief", "cite", "search", "assets", "sources",
                            "con", "prn", "aux", "nul",
                            *(f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10))})
#: A BibTeX citation key as BibTeX and biblatex both accept it (the parser's own pattern).
BIBKEY_PATTERN = KEY_RE.pattern
#: Only these URL schemes may appear in entries.
URL_PATTERN = r"^(https?://[^\s<>\"']+|mailto:[^\s<>\"']+)$"


class Kind(str, Enum):
    """What sort of thing a concept entry describes."""

    concept = "concept"
    risk = "risk"
    failure_mode = "failure-mode"
    method = "method"
    proposal = "proposal"
    problem = "problem"
    argument = "argument"
    phenomenon = "phenomenon"


#: Singular and plural labels, for "3 risks, 5 concepts".
KIND_PLURALS: dict[str, tuple[str, str]] = {
    "concept": ("concept", "concepts"),
    "risk": ("risk", "risks"),
    "failure-mode": ("failure mode", "failure modes"),
    "method": ("method", "methods"),
    "proposal": ("proposal", "proposals"),
    "problem": ("problem", "problems"),
    "argument": ("argument", "arguments"),
    "phenomenon": ("phenomenon", "phenomena"),
    "guide": ("guide", "guides"),
}


def kind_label(kind: str, n: int = 1) -> str:
    """The kind's label for a count of ``n``: "risk", "risks"; "phenomenon", "phenomena"."""
    one, many = KIND_PLURALS.get(kind, (kind, kind + "s"))
    return one if n == 1 else many


class Level(str, Enum):
    """How settled a concept is in the literature."""

    established = "established"
    contested = "contested"
    speculative = "speculative"


def _strip(v: str) -> str:
    return v.strip()


NonEmpty = Annotated[str, AfterValidator(_strip), StringConstraints(min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]
BibKey = Annotated[str, StringConstraints(pattern=BIBKEY_PATTERN, max_length=200)]
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=2000)]
Tag = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=60)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Status(_Strict):
    """How settled the concept is; contested and speculative entries say why."""

    level: Level = Field(description="established, contested or speculative.")
    note: Optional[NonEmpty] = Field(
        default=None,
        description="Why the concept is contested or speculative, and by whom (Markdown, "
        "wikilinks allowed). Required unless the level is 'established'.",
    )

    @model_validator(mode="after")
    def _note_required(self) -> "Status":
        if self.level is not Level.established and not self.note:
            raise ValueError(
                f"a '{self.level.value}' status needs a 'note' saying what is disputed and by whom"
            )
        return self


class Sources(_Strict):
    """BibTeX keys from ``bib/*.bib``."""

    primary: BibKey = Field(description="The key of the main source for this concept.")
    further: list[BibKey] = Field(default_factory=list, description="Keys of further sources.")


class ExternalLink(_Strict):
    """A link to a page outside the wiki."""

    title: NonEmpty = Field(description="What the link is, as the reader will see it.")
    url: Url = Field(description="An http, https or mailto URL.")


class Concept(_Strict):
    """One concept entry: ``concepts/<slug>.yaml``."""

    title: NonEmpty = Field(max_length=200, description="The concept's name as a page title.")
    aliases: list[NonEmpty] = Field(
        default_factory=list,
        description="Other names and spellings (e.g. British spelling, older terms).",
    )
    kind: Kind = Field(description="concept, risk, failure-mode, method, proposal, problem, "
                       "argument or phenomenon.")
    proper_noun: Optional[bool] = Field(
        default=None,
        description="true if the title is a proper noun or starts with one (Goodhart's law) or "
        "an acronym, so that a wikilink keeps its capital letter in the middle of a sentence; "
        "false to lower-case it even so. Unset: only titles starting with an acronym "
        "(AI, RLHF) or a possessive name keep it.",
    )
    tags: list[Tag] = Field(default_factory=list, description="Lower-case, hyphenated tags.")
    status: Status
    summary: NonEmpty = Field(
        max_length=2000,
        description="One paragraph that defines the concept (Markdown, wikilinks allowed).",
    )
    details: Optional[NonEmpty] = Field(
        default=None, max_length=100_000, description="The body of the entry (Markdown)."
    )
    history: Optional[NonEmpty] = Field(
        default=None, max_length=50_000,
        description="Optional section: who introduced the idea and how it changed (Markdown, sourced).",
    )
    criticisms: Optional[NonEmpty] = Field(
        default=None, max_length=50_000,
        description="Optional section: published criticisms and replies, each attributed and sourced (Markdown).",
    )
    open_questions: Optional[NonEmpty] = Field(
        default=None, max_length=50_000,
        description="Optional section: questions the literature leaves open (Markdown).",
    )
    example: Optional[NonEmpty] = Field(
        default=None, max_length=50_000,
        description="Optional section: a worked example or case from the literature (Markdown).",
    )
    key_points: list[NonEmpty] = Field(default_factory=list, description="Short claims, one per item.")
    related: list[Slug] = Field(default_factory=list, description="Slugs of related concepts.")
    sources: Sources
    see_also: list[ExternalLink] = Field(default_factory=list, description="External links.")
    former_slugs: list[Slug] = Field(
        default_factory=list,
        description="Slugs this entry was published under before a rename; their URLs redirect here.",
    )
    created: _dt.date = Field(description="The date the entry was first written (YYYY-MM-DD).")
    updated: Optional[_dt.date] = Field(
        default=None,
        description="The date of the last substantive change (YYYY-MM-DD). Overrides the git history.",
    )


#: The canonical order of top-level keys (used by ``conceptwiki fmt``).
FIELD_ORDER: tuple[str, ...] = tuple(Concept.model_fields)


def json_schema() -> dict[str, Any]:
    schema = Concept.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "concepts/schema.json"
    schema["title"] = "Concept entry"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
