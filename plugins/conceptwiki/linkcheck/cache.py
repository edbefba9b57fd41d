"""The results of earlier link checks, with their dates, in a small JSON file.

A scheduled run checks each URL at most once per ``max_age`` days (a week by default): URLs
checked more recently keep their result. The file (``.cache/linkcheck.json`` by default,
git-ignored) is plain JSON, sorted, so it can be read, diffed or deleted by hand; a file that
cannot be read is treated as empty (the next run checks everything). Nothing here imports
MkDocs or touches the network.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from ..files import write_atomic
from .http import OUTCOMES, Result

__all__ = ["LinkCache", "DEFAULT_CACHE", "MAX_AGE_DAYS"]

DEFAULT_CACHE = ".cache/linkcheck.json"
MAX_AGE_DAYS = 7
_VERSION = 1


class LinkCache:
    """``url → (date checked, Result)``, loaded from and saved to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, tuple[_dt.date, Result]] = {}
        self.note: str | None = None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self.note = f"{path}: cannot read the link cache ({exc}); checking every URL"
            return
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            self.note = f"{path}: not a link cache of this version; checking every URL"
            return
        for url, row in (data.get("urls") or {}).items():
            try:
                date = _dt.date.fromisoformat(row["checked"])
                outcome = row["outcome"]
                if outcome not in OUTCOMES:
                    continue
                self.entries[url] = (date, Result(url, outcome, int(row.get("status") or 0),
                                                  row.get("location"), str(row.get("detail") or "")))
            except (KeyError, TypeError, ValueError):
                continue

    def fresh(self, url: str, today: _dt.date, max_age: int = MAX_AGE_DAYS) -> Result | None:
        """The cached result if it was checked less than ``max_age`` days before ``today``."""
        found = self.entries.get(url)
        if found is None or (today - found[0]).days >= max_age or found[0] > today:
            return None
        return found[1]

    def known_dead(self, url: str) -> Result | None:
        """The cached result if the URL was dead when last checked (whatever its age)."""
        found = self.entries.get(url)
        return found[1] if found is not None and found[1].outcome == "dead" else None

    def put(self, result: Result, today: _dt.date) -> None:
        self.entries[result.url] = (today, result)

    def save(self) -> None:
        rows = {url: {"checked": date.isoformat(), "outcome": r.outcome, "status": r.status,
                      "location": r.location, "detail": r.detail}
                for url, (date, r) in sorted(self.entries.items())}
        write_atomic(self.path, json.dumps({"version": _VERSION, "urls": rows}, indent=1,
                                           ensure_ascii=False) + "\n", make_parents=True)
