"""What the pages show of an entry's history: when it last changed, its fingerprint, and the
versions it has published.

:class:`EntryHistory` answers these from the build's facts (the git dates of the entry files
and the fingerprints published in the git history, :func:`~.fingerprint.published_versions`),
so that renderers need not know where they come from. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Mapping
from typing import Any

from ..model.loader import Entry
from .fingerprint import SHORT, History, Version, entry_fingerprint

__all__ = ["EntryHistory", "versions_json", "revision_url", "page_versions"]


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


def versions_json(slug: str, history: History, current: str) -> str:
    """The published-fingerprint record of one entry (``cite/<slug>.versions.json``)."""
    data = {
        "slug": slug,
        "fingerprint": current[:SHORT],
        "history": history.status,
        "versions": [v.as_json() for v in history.versions.get(slug, [])],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def revision_url(repo_url: str, sha: str) -> str | None:
    """The web page of commit ``sha`` on a known forge (GitHub, GitLab, Codeberg)."""
    repo = repo_url.rstrip("/")
    if not repo.startswith(("https://", "http://")) or not re.fullmatch(r"[0-9a-f]{7,64}", sha):
        return None
    if "gitlab" in repo:
        return f"{repo}/-/commit/{sha}"
    if "github.com" in repo or "codeberg.org" in repo:
        return f"{repo}/commit/{sha}"
    return None


def page_versions(versions: list[Version], repo_url: str, fallback_date: _dt.date | None,
                  status: str = "complete") -> dict:
    """What ``concept.html.j2`` shows: the current fingerprint and date, and every version.

    A version without a revision is "not yet committed" when the history is known; without
    a history (no git, shallow clone) its commit is simply not known.
    """
    rows = []
    for i, v in enumerate(versions):
        rows.append({
            "uncommitted": v.revision is None and status != "current-only",
            "fingerprint": v.short,
            "date": v.date,
            "revision": v.revision,
            "revision_short": v.revision[:7] if v.revision else None,
            "url": revision_url(repo_url, v.revision) if v.revision else None,
            "current": i == 0,
        })
    current = versions[0]
    return {
        "fingerprint": current.short,
        "date": current.date or fallback_date,
        "committed": current.revision is not None or status == "current-only",
        "versions": rows,
    }
