"""Load ``instruments/*.yaml`` (policy instruments) and check them against the rest of the wiki.

Each file is validated by :class:`~.instrument.Instrument` with the same located messages as
concept entries. The checks that need the wiki are here, each reported at the offending
``path:line:column``: an addressed concept that does not exist, a BibTeX key that is not in
``bib/``, a date without a source, and a revoked or superseded instrument that does not say
what revoked or superseded it. Nothing here imports MkDocs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bibtex import Source
from .instrument import Instrument, InstrumentDate, InstrumentStatus, InstrumentType, when
from .links import LinkIndex, find_wikilinks, locate
from .problems import Problems
from .schema import SLUG_RE
from .validate import check_dates, did_you_mean, slug_problem, stray_entry_files, validate_model
from .yamlsafe import Loc, Located, YamlKey, load_yaml

__all__ = ["InstrumentEntry", "load_instruments", "instrument_uses", "raw_instrument_keys"]


@dataclass
class InstrumentEntry:
    """One valid instrument entry."""

    slug: str
    path: str                      # relative to the project root, POSIX separators
    instrument: Instrument
    located: Located
    lines: list[str] = field(repr=False, default_factory=list)

    @property
    def title(self) -> str:
        return self.instrument.title

    @property
    def name(self) -> str:
        """What the instrument is usually called: its short name, else its title."""
        return self.instrument.short_name or self.instrument.title

    def position(self, *loc: YamlKey) -> tuple[int, int]:
        return self.located.where(tuple(loc))

    def text_fields(self) -> Iterator[tuple[Loc, str]]:
        """``(loc, markdown)`` of the fields that may contain wikilinks."""
        yield ("summary",), self.instrument.summary
        for i, a in enumerate(self.instrument.addresses):
            yield ("addresses", i, "sentence"), a.sentence


#: A placeholder the skeleton of `conceptwiki new --instrument` writes (as loader.TODO_RE).
_TODO_RE = re.compile(r"\bTODO\b:?")

#: A pinpoint to an article written the long way ("Article 55(1)"), which OSCOLA abbreviates.
_LONG_ARTICLE_RE = re.compile(r"^(?:[Aa]rticle|Art\.?|art\.)\s*(?=\d)")


def load_instruments(root: Path, folder: str, sources: Mapping[str, Source], index: LinkIndex,
                     concepts: Set[str], problems: Problems, *, broken: Set[str] = frozenset(),
                     cited: set[str] | None = None, bib_dir: str | None = "bib",
                     keep: Callable[[Path], bool] | None = None) -> dict[str, InstrumentEntry]:
    """Every valid instrument under ``root/folder`` (none, without error, if the folder does
    not exist: a wiki need not have instruments). ``concepts`` are the slugs of the valid
    concept entries and ``broken`` those of entries with errors (a link to one is not dead).
    The BibTeX keys the instruments name are added to ``cited``, so that their sources are
    not reported as unused. ``bib_dir`` None: the folder is missing (reported once by the
    caller), so unknown keys are not reported one by one. ``keep`` decides which files are
    read (the loader's check that a symbolic link stays inside the project: an instrument
    linked to a file outside it was read, and could be published)."""
    base = root / folder
    if not base.is_dir():
        return {}
    files = sorted((p for p in base.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()),
                   key=lambda p: (SLUG_RE.match(p.stem) is None, p.stem, p.suffix != ".yaml"))
    for stray, message in stray_entry_files(base):
        problems.error(f"{folder.strip('/')}/{stray.name}", 1, 1, message)
    if keep is not None:
        files = [f for f in files if keep(f)]
    out: dict[str, InstrumentEntry] = {}
    seen: dict[str, str] = {}
    for file in files:
        rel = f"{folder.strip('/')}/{file.name}"
        bad = slug_problem(file.stem)
        if bad:
            problems.error(rel, 1, 1, bad)
        if file.stem.casefold() in seen:
            problems.error(rel, 1, 1, f"duplicate slug '{file.stem}': {seen[file.stem.casefold()]} "
                           "already uses it; rename or merge one of them")
            continue
        seen[file.stem.casefold()] = rel
        try:
            raw = file.read_bytes()
        except OSError as exc:
            problems.error(rel, 0, 0, f"cannot read file: {exc.strerror}")
            continue
        located = load_yaml(raw, rel, problems)
        if located is None:
            continue
        inst = validate_model(located, rel, problems, Instrument)
        if inst is None:
            if cited is not None:
                cited.update(raw_instrument_keys(located.data))
            continue
        if not bad:
            lines = raw.decode("utf-8", "replace").splitlines()
            out[file.stem] = InstrumentEntry(file.stem, rel, inst, located, lines)
    for entry in out.values():
        _check(entry, out, sources, index, concepts, broken, problems, bib_dir)
        if cited is not None:
            cited.update(entry.instrument.cited_keys())
    return out


def _check(entry: InstrumentEntry, instruments: Mapping[str, InstrumentEntry],
           sources: Mapping[str, Source], index: LinkIndex, concepts: Set[str], broken: Set[str],
           problems: Problems, bib_dir: str | None) -> None:
    inst = entry.instrument
    path = entry.path

    def key(loc: Loc, value: str) -> None:
        if value not in sources and bib_dir is not None:  # a missing bib folder is one error
            line, col = entry.position(*loc)
            close = difflib.get_close_matches(value, list(sources), n=3, cutoff=0.6)
            problems.error(path, line, col, f"unknown BibTeX key '{value}'; add it to a file in "
                           f"{bib_dir.rstrip('/')}/" + did_you_mean(close))

    check_dates(path, entry.located, {"created": inst.created, "updated": inst.updated}, problems)
    key(("primary_source",), inst.primary_source)
    for i, k in enumerate(inst.further_sources):
        key(("further_sources", i), k)

    for name, loc, d in _dates(inst):
        if d.source is None:
            line, col = entry.position(*loc)
            problems.error(path, line, col, f"date '{name}' ({when(d.date)[0]}) has no source; add "
                           "'source: <BibTeX key>' of the document that records it, or remove the date")
        else:
            key((*loc, "source"), d.source)
        if d.by is not None:
            if d.by in instruments:
                if d.by == entry.slug:
                    line, col = entry.position(*loc, "by")
                    problems.error(path, line, col, f"'{name}.by' names this instrument itself")
            elif SLUG_RE.match(d.by):
                line, col = entry.position(*loc, "by")
                close = difflib.get_close_matches(d.by, list(instruments), n=2, cutoff=0.6)
                problems.error(path, line, col, f"'{name}.by' is '{d.by}', which is no instrument in "
                               "instruments/; write an instrument's slug, or the name of what replaced "
                               "it (e.g. 'Executive Order 14148')" + did_you_mean(close))

    for status, event in ((InstrumentStatus.revoked, "revoked"), (InstrumentStatus.superseded, "superseded")):
        d = getattr(inst.dates, event)
        if inst.status is status and (d is None or d.by is None):
            where: Loc = ("dates", event) if d is not None else ("status",)
            line, col = entry.located.where(where, key=d is not None)
            problems.error(path, line, col, f"the instrument is {event}, but does not say what "
                           f"{event} it: add 'dates: {event}: {{date: ..., source: ..., by: ...}}' "
                           "with the slug or name of the instrument that did")

    eu_law = inst.type is InstrumentType.legislation and "europe" in inst.jurisdiction.casefold()
    for i, a in enumerate(inst.addresses):
        if a.concept not in concepts and a.concept not in broken:
            line, col = entry.position("addresses", i, "concept")
            target = index.resolve(a.concept)
            if target is not None:
                problems.error(path, line, col, f"concept '{a.concept}' is not a slug; it is "
                               f"{'an' if index.how(a.concept) == 'alias' else 'a'} {index.how(a.concept)} "
                               f"of '{target}': write '{target}'")
            else:
                problems.error(path, line, col, f"concept '{a.concept}' is not an entry in concepts/"
                               + did_you_mean(index.suggest(a.concept)))
        key(("addresses", i, "source"), a.source)
        if eu_law and a.pinpoint and _LONG_ARTICLE_RE.match(a.pinpoint):
            line, col = entry.position("addresses", i, "pinpoint")
            short = _LONG_ARTICLE_RE.sub("art ", a.pinpoint)
            problems.warning(path, line, col, f"pinpoint '{a.pinpoint}': EU legislation is pinpointed "
                             f"in OSCOLA form; write '{short}'")

    for loc, text in [(("title",), inst.title), (("jurisdiction",), inst.jurisdiction),
                      (("issuing_body",), inst.issuing_body), *entry.text_fields()]:
        start = entry.position(*loc)[0]
        todo = _TODO_RE.search(text)
        if todo:
            line, col = locate(entry.lines, start, todo.group(0))
            problems.warning(path, line, col, f"'{loc[0]}' still holds the placeholder '{todo.group(0)}' "
                             "from `conceptwiki new`; replace it with what the instrument's text says",
                             code="placeholder")
        for link in find_wikilinks(text):
            if index.resolve(link.target) is None and link.target not in broken:
                line, col = locate(entry.lines, start, link.raw)
                problems.error(path, line, col, f"wikilink '{link.raw}' points to no concept"
                               + did_you_mean(index.suggest(link.target)))


def _dates(inst: Instrument) -> Iterator[tuple[str, Loc, InstrumentDate]]:
    d = inst.dates
    for name in ("adopted", "published", "in_force", "revoked", "superseded"):
        value = getattr(d, name)
        if value is not None:
            yield name, ("dates", name), value
    for i, value in enumerate(d.amended):
        yield "amended", ("dates", "amended", i), value


def instrument_uses(instruments: Mapping[str, InstrumentEntry]) -> dict[str, list[tuple[str, int]]]:
    """concept slug -> ``(instrument slug, index in its addresses)``, instruments by name."""
    out: dict[str, list[tuple[str, int]]] = {}
    for slug, entry in sorted(instruments.items(), key=lambda kv: (kv[1].name.casefold(), kv[0])):
        for i, a in enumerate(entry.instrument.addresses):
            out.setdefault(a.concept, []).append((slug, i))
    return out


def raw_instrument_keys(data: Any) -> list[str]:
    """The BibTeX keys an instrument's (parsed, maybe invalid) YAML data names, in order:
    ``primary_source``, each date's and address's ``source``, ``further_sources``."""
    if not isinstance(data, dict):
        return []
    keys: list[Any] = [data.get("primary_source")]
    dates = data.get("dates")
    for value in dates.values() if isinstance(dates, dict) else ():
        for d in value if isinstance(value, list) else [value]:
            if isinstance(d, dict):
                keys.append(d.get("source"))
    addresses = data.get("addresses")
    for a in addresses if isinstance(addresses, list) else ():
        if isinstance(a, dict):
            keys.append(a.get("source"))
    further = data.get("further_sources")
    keys.extend(further if isinstance(further, list) else ())
    return list(dict.fromkeys(k for k in keys if isinstance(k, str)))
