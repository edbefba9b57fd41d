"""The policy-instrument schema: ``instruments/<slug>.yaml``, a second kind of entry.

An instrument is a law, executive order, standard, framework, voluntary commitment or company
policy that addresses concepts of the wiki. Its schema is separate from the concept schema
because it describes a document with a legal life (adopted, in force, revoked) rather than an
idea, and every fact of that life must carry its own source: a policy writer cites the date
an order was revoked, not the wiki. The checks that need the rest of the wiki (concept slugs,
BibTeX keys, what revoked what) are in :mod:`.instruments`. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import json
from enum import Enum
from typing import Annotated, Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from .schema import BibKey, NonEmpty, Slug, Url

__all__ = [
    "InstrumentType",
    "InstrumentStatus",
    "DATE_EVENTS",
    "InstrumentDate",
    "InstrumentDates",
    "Address",
    "Instrument",
    "INSTRUMENT_FIELD_ORDER",
    "instrument_json_schema",
    "instrument_json_schema_text",
    "type_label",
    "when",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class InstrumentType(str, Enum):
    """What sort of document the instrument is."""

    legislation = "legislation"
    executive_order = "executive order"
    standard = "standard"
    framework = "framework"
    voluntary_commitment = "voluntary commitment"
    company_policy = "company policy"


_TYPE_PLURALS = {
    "legislation": "legislation", "executive order": "executive orders", "standard": "standards",
    "framework": "frameworks", "voluntary commitment": "voluntary commitments",
    "company policy": "company policies",
}


def type_label(value: str, n: int = 1) -> str:
    """"executive order" / "executive orders" for a count of ``n``."""
    return value if n == 1 else _TYPE_PLURALS.get(value, value + "s")


class InstrumentStatus(str, Enum):
    """Whether the instrument currently has effect. ``in force`` also covers a voluntary
    commitment or company policy that its makers have published and not withdrawn."""

    in_force = "in force"
    proposed = "proposed"
    revoked = "revoked"
    superseded = "superseded"


#: The events of an instrument's life, in the order a page lists them.
DATE_EVENTS: tuple[tuple[str, str], ...] = (
    ("adopted", "Adopted"), ("published", "Published"), ("in_force", "In force"),
    ("amended", "Amended"), ("revoked", "Revoked"), ("superseded", "Superseded"),
)


#: A month, for an event its source dates only to the month (a report of "January 2023").
YearMonth = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]


def when(value: "_dt.date | str") -> tuple[str, str]:
    """``(ISO form, as shown)`` of a date or a month: ("2023-01", "January 2023")."""
    if isinstance(value, _dt.date):
        return value.isoformat(), value.strftime("%-d %B %Y")
    year, month = value.split("-")
    return value, _dt.date(int(year), int(month), 1).strftime("%B %Y")


class InstrumentDate(_Strict):
    """One dated event, with the source that records it (``check`` requires the source)."""

    date: Union[_dt.date, YearMonth] = Field(
        description="The day (YYYY-MM-DD), or the month (YYYY-MM) when the source gives no day.")
    source: Optional[BibKey] = Field(
        default=None, description="The BibTeX key of the document that records this date.")
    by: Optional[NonEmpty] = Field(
        default=None,
        description="For revoked and superseded: what revoked or superseded it, as the slug of "
        "another instrument (linked) or its name.")
    note: Optional[NonEmpty] = Field(default=None, description="A short remark (e.g. which provisions).")

    @field_validator("date", mode="wrap")
    @classmethod
    def _one_message(cls, value: Any, handler: Any) -> Any:
        """One error that says both forms, instead of one per member of the union
        ("'date.constrained-str': ... must match ^[0-9]{4}-...$" and "'date.date': ...");
        and no year 0000, which passed the pattern and ended the build in a ValueError."""
        try:
            out = handler(value)
        except ValidationError:
            out = None
        if out is None or (isinstance(out, str) and out.startswith("0000")):
            raise ValueError(f"the date must be a day written YYYY-MM-DD or a month written "
                             f"YYYY-MM (for example 2024-06-13 or 2024-06), not '{value}'")
        return out


class InstrumentDates(_Strict):
    """The dated events of the instrument; leave out any that you cannot source."""

    adopted: Optional[InstrumentDate] = Field(default=None, description="Signed, adopted or issued.")
    published: Optional[InstrumentDate] = Field(default=None, description="Published officially.")
    in_force: Optional[InstrumentDate] = Field(default=None, description="Entered into force or took effect.")
    amended: list[InstrumentDate] = Field(default_factory=list, description="Each amendment.")
    revoked: Optional[InstrumentDate] = Field(default=None, description="Revoked; give 'by'.")
    superseded: Optional[InstrumentDate] = Field(default=None, description="Superseded; give 'by'.")


class Address(_Strict):
    """How the instrument addresses one concept of the wiki, at a pinpoint of its text."""

    concept: Slug = Field(description="The slug of a concept in concepts/.")
    pinpoint: Optional[NonEmpty] = Field(
        default=None, max_length=200,
        description="Where in the instrument, in its own divisions: 'art 55(1)(a)' (OSCOLA form "
        "for EU legislation), 'sec. 4.2', 'p 12'. Leave it out rather than guess.")
    sentence: NonEmpty = Field(max_length=1000, description="One sentence on how the instrument "
                               "addresses the concept (Markdown, wikilinks allowed).")
    source: BibKey = Field(description="The BibTeX key that supports the sentence.")


class Instrument(_Strict):
    """One policy instrument: ``instruments/<slug>.yaml``."""

    title: NonEmpty = Field(max_length=300, description="The instrument's official title.")
    short_name: Optional[NonEmpty] = Field(default=None, max_length=100,
                                           description="The name it is usually cited by (e.g. 'EU AI Act').")
    jurisdiction: NonEmpty = Field(max_length=100, description="Where it applies (e.g. 'European Union', "
                                   "'United States', 'International', or the company).")
    type: InstrumentType = Field(description="legislation, executive order, standard, framework, "
                                 "voluntary commitment or company policy.")
    issuing_body: NonEmpty = Field(max_length=300, description="Who made it.")
    status: InstrumentStatus = Field(description="in force, proposed, revoked or superseded.")
    dates: InstrumentDates = Field(default_factory=InstrumentDates, description="Dated events, each sourced.")
    primary_source: BibKey = Field(description="The BibTeX key of the instrument itself "
                                   "(@legislation for laws and orders, @report for the rest).")
    url: Optional[Url] = Field(default=None, description="The official URL of the text.")
    summary: NonEmpty = Field(max_length=3000, description="A neutral summary (Markdown, wikilinks allowed).")
    addresses: list[Address] = Field(default_factory=list, description="The concepts it addresses.")
    further_sources: list[BibKey] = Field(default_factory=list,
                                          description="Keys of other works the summary relies on.")
    created: _dt.date = Field(description="The date the entry was first written (YYYY-MM-DD).")
    updated: Optional[_dt.date] = Field(default=None, description="The date of the last substantive change.")

    def cited_keys(self) -> list[str]:
        """Every BibTeX key the entry cites, primary first, each once."""
        keys = [self.primary_source]
        for _name, d in self.dated_events():
            if d.source:
                keys.append(d.source)
        keys.extend(a.source for a in self.addresses)
        keys.extend(self.further_sources)
        return list(dict.fromkeys(keys))

    def dated_events(self) -> list[tuple[str, InstrumentDate]]:
        """``(field name, date)`` for every event given, amendments each on its own."""
        out: list[tuple[str, InstrumentDate]] = []
        for name, _label in DATE_EVENTS:
            value = getattr(self.dates, name)
            if isinstance(value, list):
                out.extend((name, v) for v in value)
            elif value is not None:
                out.append((name, value))
        return out


#: The canonical order of top-level keys.
INSTRUMENT_FIELD_ORDER: tuple[str, ...] = tuple(Instrument.model_fields)


def instrument_json_schema() -> dict[str, Any]:
    schema = Instrument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "instruments/schema.json"
    schema["title"] = "Policy instrument entry"
    return schema


def instrument_json_schema_text() -> str:
    return json.dumps(instrument_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

