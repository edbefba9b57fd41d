"""What the pages show of an entry's history: when it last changed, its fingerprint, and the
versions it has published.

:class:`EntryHistory` answers these from the build's facts (the git dates of the entry files
and the fingerprints published in the git history, :func:`~.fingerprint.published_versions`),
so that renderers need not know where they come from. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from ..model.loader import Entry
from .fingerprint import History, Version, entry_fingerprint

__all__ = ["EntryHistory"]


class EntryHistory:
    """Dates, fingerprints and published versions of the entries of one build."""

    def __init__(self, sources: Mapping[str, Any], git_dates: Mapping[str, _dt.date],
                 published: History | None) -> None:
        self.sources = sources
        self.git_dates = git_dates
        #: The fingerprints each entry has published; ``None``: only the current one is known.
        self.published = published
        self._fingerprints: dict[str, str] = {}

    @property
    def status(self) -> str:
        """How complete the published history is (``History.status``)."""
        return self.published.status if self.published is not None else "current-only"

    def last_updated(self, entry: Entry) -> _dt.date | None:
        """``updated:`` if given, else the last commit of the file, else ``created:``."""
        return entry.concept.updated or self.git_dates.get(entry.path) or entry.concept.created

    def fingerprint(self, entry: Entry) -> str:
        """The entry's full fingerprint (its YAML data and the sources it cites)."""
        if entry.slug not in self._fingerprints:
            self._fingerprints[entry.slug] = entry_fingerprint(entry, self.sources)
        return self._fingerprints[entry.slug]

    def versions(self, entry: Entry) -> list[Version]:
        """The entry's published versions, newest first (just the current one without git)."""
        history = self.published
        found = history.versions.get(entry.slug) if history is not None else None
        if history is not None and found and found[0].fingerprint == self.fingerprint(entry):
            if history.status == "current-only" and found[0].date is None:
                return [Version(found[0].fingerprint, found[0].revision, self.last_updated(entry))]
            return found
        return [Version(self.fingerprint(entry), None, self.last_updated(entry))]
