"""``conceptwiki check --external``: do the external links the wiki publishes still work?

The only part of the project that talks to the network, so it is its own stage, run on
request (``check --external``, the weekly workflow ``.github/workflows/linkcheck.yml``), never
by the build or ``make test``. :func:`check_external` collects every URL with its places
(:mod:`.collect`), takes results younger than a week from the cache (:mod:`.cache`), checks
the rest (:mod:`.http`) and returns the problems, each at ``path:line:column``;
:func:`apply_moves` writes the new addresses of moved links into the files. Nothing here
imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomic
from ..model.loader import Wiki
from ..model.problems import Problems
from .cache import DEFAULT_CACHE, MAX_AGE_DAYS, LinkCache
from .collect import Place, collect_urls
from .http import Checker, Result

__all__ = ["check_external", "apply_moves", "archive_warnings", "ExternalReport", "Checker", "LinkCache", "Place",
           "Result", "DEFAULT_CACHE", "MAX_AGE_DAYS", "collect_urls"]


@dataclass
class ExternalReport:
    """The places checked, each URL's result, how many were checked now, and the problems."""

    places: list[Place]
    results: dict[str, Result]
    checked: int
    problems: Problems
    notes: list[str] = field(default_factory=list)


def check_external(wiki: Wiki, checker: Checker, cache: LinkCache | None, *, today: _dt.date,
                   docs_dir: str | None = "docs", max_age: int = MAX_AGE_DAYS) -> ExternalReport:
    """Check every external URL of ``wiki`` not checked in the last ``max_age`` days."""
    places = collect_urls(wiki, docs_dir)
    urls = sorted({p.url for p in places})
    results: dict[str, Result] = {}
    todo = []
    for url in urls:
        cached = cache.fresh(url, today, max_age) if cache else None
        if cached is not None:
            results[url] = cached
        else:
            todo.append(url)
    for url, result in checker.check_all(todo).items():
        results[url] = result
        if cache is not None:
            cache.put(result, today)
    if cache is not None:
        cache.save()
    problems = Problems()
    for place in places:
        _report(place, results[place.url], problems)
    notes = [cache.note] if cache is not None and cache.note else []
    return ExternalReport(places, results, len(todo), problems, notes)


_WHERE = {"url": "the source's url", "doi": "the source's doi (at doi.org)", "see_also": "see_also link",
          "markdown": "link", "instrument": "the instrument's official url"}


def _report(place: Place, result: Result, problems: Problems) -> None:
    what = _WHERE[place.kind]
    if result.outcome == "dead":
        hint = ("; find its new address, or name an archived copy (archiveurl) and keep the url"
                if place.kind in ("url", "doi") else "; find the text's new official address"
                if place.kind == "instrument" else "; replace or remove the link")
        problems.error(place.path, place.line, place.column,
                       f"dead {what} {place.url}: {result.detail}{hint}", code="dead-url")
    elif result.outcome == "moved":
        fix = ("; `conceptwiki check --external --fix` writes it" if place.written and place.kind != "doi"
               else "; write the new address")
        problems.warning(place.path, place.line, place.column,
                         f"{what} {place.url} has moved permanently to {result.location}{fix}",
                         code="moved-url")
    elif result.outcome == "challenge":
        problems.warning(place.path, place.line, place.column,
                         f"{what} {place.url} answers only with a bot-challenge page ({result.detail}); "
                         "open it in a browser to see whether it still works", code="challenge-url")
    elif result.outcome == "unreachable":
        problems.warning(place.path, place.line, place.column,
                         f"{what} {place.url} did not answer properly: {result.detail} (after retries)",
                         code="unreachable-url")


def archive_warnings(wiki: Wiki, cache: LinkCache) -> Problems:
    """A warning for each web source whose URL the last check found dead and that names no
    archived copy (``archiveurl``): its readers are left with a link that leads nowhere.
    Reads the cache only (no network), so the ordinary ``check`` can say it."""
    problems = Problems()
    for key, source in sorted(wiki.sources.items()):
        csl = source.csl()
        url = csl.get("URL")
        if not isinstance(url, str) or csl.get("archive_location"):
            continue
        dead = cache.known_dead(url)
        if dead is None:
            continue
        line = source.field_lines.get("url", source.line)
        problems.warning(source.path, line, 1, f"source '{key}': its url {url} was dead when last "
                         f"checked ({dead.detail}) and it names no archived copy; add "
                         "'archiveurl = {https://web.archive.org/web/...}' and 'archivedate', or "
                         "its new address", code="dead-source-no-archive")
    return problems


def apply_moves(root: Path, report: ExternalReport) -> list[str]:
    """Write the new address of every moved URL into the file that holds it, changing only
    the URL's text on its line; return ``path:line: old → new`` for each change."""
    by_file: dict[str, list[tuple[Place, str]]] = defaultdict(list)
    for place in report.places:
        result = report.results.get(place.url)
        if (result and result.outcome == "moved" and result.location and place.written
                and place.kind != "doi"):
            by_file[place.path].append((place, result.location))
    done: list[str] = []
    for path, moves in sorted(by_file.items()):
        file = root / path
        text = file.read_text(encoding="utf-8")
        lines = text.split("\n")
        for place, new in moves:
            i = place.line - 1
            # The URL itself, not a longer one it begins: it must end where the URL ends.
            pattern = re.compile(re.escape(place.written) + r"(?![^\s\"'<>(){}\[\],])")
            if 0 <= i < len(lines) and pattern.search(lines[i]):
                lines[i] = pattern.sub(new.replace("\\", "\\\\"), lines[i], count=1)
                done.append(f"{path}:{place.line}: {place.written} → {new}")
        write_atomic(file, "\n".join(lines), keep_mode=True)
    return done
