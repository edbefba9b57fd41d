"""``conceptwiki new``: write the skeleton of a new entry (or, with ``--instrument``, of a
policy instrument: :func:`new_instrument`), ready for ``conceptwiki check``.

:func:`new_entry` refuses (with problems, never an exception) a slug that is invalid, reserved,
already a file, or that collides with an existing entry's slug, alias or former slug (names
are compared as :func:`links.normalize` does). Existing entries are read tolerantly: a
broken entry elsewhere does not stop ``new``. The file is written atomically and never
overwrites anything. Nothing here imports MkDocs or the BibTeX loader.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import textwrap
from pathlib import Path

from .fmt import INSTRUMENT_LAYOUT, format_entry_text, yaml_inline
from ..files import write_atomic
from ..model.links import normalize
from ..model.instrument import Instrument, InstrumentType
from ..model.problems import Problems
from ..model.schema import RESERVED_SLUGS, SLUG_RE, Concept, Kind
from ..model.yamlsafe import load_yaml

__all__ = ["new_entry", "new_instrument", "bib_keys", "PLACEHOLDER_KEY", "LEVEL_TODO"]

#: Written as ``sources.primary`` when no source is given; ``check`` reports it until replaced.
PLACEHOLDER_KEY = "REPLACE-ME"
#: The comment after the skeleton's ``status.level``: ``check`` warns (and a strict build
#: fails) until the contributor has chosen the level and deleted it.
LEVEL_TODO = "# TODO: established, contested or speculative?"

_ENTRY_RE = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]+)\s*,")
_NOT_ENTRIES = {"comment", "string", "preamble"}
_MAX_KEYS_SHOWN = 12
_KINDS_TEXT = ", ".join(k.value for k in list(Kind)[:-1]) + f" or {list(Kind)[-1].value}"


def bib_keys(root: Path, bib_dir: str = "bib") -> list[str]:
    """The citation keys in ``bib_dir/*.bib``, found with a light scan (no BibTeX parser)."""
    keys: list[str] = []
    folder = Path(root) / bib_dir
    if not folder.is_dir():
        return keys
    for file in sorted(folder.glob("*.bib")):
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for m in _ENTRY_RE.finditer(text):
            if m.group(1).lower() not in _NOT_ENTRIES and m.group(2) not in keys:
                keys.append(m.group(2))
    return keys


def _suggest_slug(text: str) -> str:
    return "-".join(filter(None, "".join(
        ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower()).split("-")))[:100].strip("-")


def _skeleton(title: str, kind: str, source: str | None, today: _dt.date) -> str:
    primary = source if source is not None else PLACEHOLDER_KEY
    primary_note = ("  # the key of the main source in bib/*.bib" if source is not None else
                    f"  # {PLACEHOLDER_KEY}: the key of the main source in bib/*.bib")
    summary = f"TODO: define {title} in one paragraph, citing the primary source."
    lines = [
        "# yaml-language-server: $schema=schema.json",
        "# Keep the line above. When the entry is done, delete these help comments and the",
        "# fields you left empty ([]); see CONTRIBUTING.md.",
        "# The concept's name, as the page title.",
        f"title: {yaml_inline(title)}",
        "# Other names and spellings readers may look for, e.g. [mesa-optimiser].",
        "aliases: []",
        *("# " + line for line in textwrap.wrap(
            f"What the entry describes: {_KINDS_TEXT} (CONTRIBUTING.md defines each).", 88)),
        f"kind: {kind}",
        "# Lower-case, hyphenated tags, e.g. [inner-alignment].",
        "tags: []",
        "# How settled the concept is. Choose the level, then delete the TODO comment:",
        "#   established: broadly accepted in the literature;",
        "#   contested: argued for in the literature, but disputed by named authors;",
        "#   speculative: proposed or hypothetical, with little or no evidence so far.",
        "# Contested and speculative entries need a 'note:' under 'level:' (same column)",
        "# saying what is disputed and by whom.",
        "status:",
        f"  level: established  {LEVEL_TODO}",
        "# One paragraph that defines the concept (Markdown; link other entries as [[slug]]).",
        f"summary: {yaml_inline(summary)}",
        "# Optional: the body of the entry in Markdown, as a 'details: |' block.",
        "# Short claims, one per item.",
        "key_points: []",
        "# Slugs of related entries, e.g. [inner-alignment].",
        "related: []",
        "sources:",
        f"  primary: {primary}{primary_note}",
        "  # Keys of further sources, e.g. [hubinger2019risks].",
        "  further: []",
        "# External links: '- title: ...' and 'url: https://...' per item.",
        "see_also: []",
        "# The date the entry was first written.",
        f"created: {today.isoformat()}",
    ]
    return format_entry_text("\n".join(lines) + "\n")


def _collisions(folder: Path, root: Path, slug: str) -> list[str]:
    """Messages for every existing slug, alias or former slug that ``slug`` collides with."""
    key = normalize(slug)
    found: list[str] = []
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    for file in files:
        try:
            rel = file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = file.as_posix()
        if normalize(file.stem) == key:
            found.append(f"'{slug}' collides with the slug of {rel} (names are compared ignoring "
                         "case, hyphens and spaces); choose another slug, or add a name to that "
                         "entry's 'aliases' instead")
            continue
        try:
            raw = file.read_bytes()
        except OSError:
            continue
        located = load_yaml(raw, rel, Problems())  # a broken entry is that entry's problem
        if located is None or not isinstance(located.data, dict):
            continue
        for field, what in (("aliases", "an alias"), ("former_slugs", "a former slug")):
            values = located.data.get(field)
            if not isinstance(values, list):
                continue
            for i, name in enumerate(values):
                if isinstance(name, str) and normalize(name) == key:
                    line, col = located.where((field, i))
                    found.append(f"'{slug}' collides with {what} of {rel} ('{name}' at "
                                 f"{rel}:{line}:{col}); link to that entry as [[{name}]], or "
                                 "choose another slug")
    return found


def new_entry(root: Path, slug: str, title: str, *, kind: str = "concept",
              source: str | None = None, concepts_dir: str = "concepts", bib_dir: str = "bib",
              today: _dt.date | None = None) -> tuple[Path | None, Problems]:
    """Write ``<concepts_dir>/<slug>.yaml``, a commented skeleton that passes validation.

    ``source`` is the BibTeX key of the main source; it must exist in ``bib_dir/*.bib``. If it
    is ``None`` the skeleton cites ``REPLACE-ME`` (which ``check`` reports until replaced)
    and a warning lists the available keys. Returns ``(path, problems)``; ``path`` is
    ``None`` when nothing was written, and then ``problems`` has at least one error.
    """
    root = Path(root)
    problems = Problems()
    rel = f"{concepts_dir.rstrip('/')}/{slug}.yaml"
    folder = root / concepts_dir

    if not SLUG_RE.match(slug) or len(slug) > 100:
        suggestion = _suggest_slug(slug) or _suggest_slug(title)
        hint = f", e.g. '{suggestion}'" if suggestion and SLUG_RE.match(suggestion) else ""
        problems.error(rel, 0, 0, f"'{slug}' is not a valid slug: use lower-case letters (a-z), "
                       f"digits and single hyphens, at most 100 characters{hint}")
        return None, problems
    if slug in RESERVED_SLUGS:
        problems.error(rel, 0, 0, f"'{slug}' is reserved for a page the site generates itself; "
                       f"choose another slug, e.g. '{slug}-concept'")
        return None, problems
    title = title.strip()
    if not title or len(title) > 200 or any(ord(ch) < 32 or ch in "\x7f\x85\u2028\u2029" for ch in title):
        problems.error(rel, 0, 0, "the title must be one line of 1 to 200 characters")
        return None, problems
    kinds = [k.value for k in Kind]
    if kind not in kinds:
        close = difflib.get_close_matches(kind, kinds, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.error(rel, 0, 0, f"kind must be one of {', '.join(kinds)}, not '{kind}'{hint}")
        return None, problems
    if not folder.is_dir():
        problems.error(concepts_dir, 0, 0, f"folder '{concepts_dir}' not found in {root}; run "
                       "this in the project folder (or pass --root)")
        return None, problems

    path = folder / f"{slug}.yaml"
    for existing in (path, folder / f"{slug}.yml"):
        if existing.exists() or existing.is_symlink():
            problems.error(existing.relative_to(root).as_posix() if existing.is_relative_to(root)
                           else str(existing), 0, 0,
                           "already exists; 'new' never overwrites an entry: edit that file instead")
            return None, problems
    for message in _collisions(folder, root, slug):
        problems.error(rel, 0, 0, message)
    if problems.errors:
        return None, problems

    keys = bib_keys(root, bib_dir)
    if source is not None and source not in keys:
        close = difflib.get_close_matches(source, keys, n=3, cutoff=0.6)
        hint = ("; did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close else (
            f"; add it to a file in {bib_dir}/ first (see CONTRIBUTING.md)")
        problems.error(rel, 0, 0, f"source '{source}' is not a key in {bib_dir}/*.bib{hint}")
        return None, problems

    text = _skeleton(title, kind, source, today or _dt.date.today())
    check = Problems()
    located = load_yaml(text.encode("utf-8"), rel, check)
    try:
        Concept.model_validate(located.data if located else None)
    except Exception as exc:  # pragma: no cover - the skeleton is tested to be valid
        problems.error(rel, 0, 0, f"internal error: the skeleton is not a valid entry ({exc}); "
                       "nothing was written")
        return None, problems

    try:
        write_atomic(path, text, new=True)
    except FileExistsError:
        problems.error(rel, 0, 0, "already exists; 'new' never overwrites an entry: edit that "
                       "file instead")
        return None, problems
    except OSError as exc:
        problems.error(rel, 0, 0, f"cannot write file: {exc.strerror or exc}")
        return None, problems

    if source is None:
        shown = ", ".join(keys[:_MAX_KEYS_SHOWN])
        more = f" and {len(keys) - _MAX_KEYS_SHOWN} more" if len(keys) > _MAX_KEYS_SHOWN else ""
        available = f"; keys in {bib_dir}/: {shown}{more}" if keys else f"; {bib_dir}/ has no sources yet"
        line = next(i for i, ln in enumerate(text.splitlines(), 1)
                    if ln.startswith(f"  primary: {PLACEHOLDER_KEY}"))
        problems.warning(rel, line, len("  primary: ") + 1, f"no source given: replace '{PLACEHOLDER_KEY}' with the "
                         f"key of the main source (or run 'new' again with --source KEY); "
                         f"'check' fails until then{available}")
    return path, problems


# -- policy instruments ------------------------------------------------------------------------

#: What ``check`` reads as a placeholder still to be written (see model/instruments.py).
_TODO = "TODO:"


def _instrument_skeleton(title: str, itype: str, source: str | None, today: _dt.date) -> str:
    primary = source if source is not None else PLACEHOLDER_KEY
    types = ", ".join(t.value for t in list(InstrumentType)[:-1]) + f" or {list(InstrumentType)[-1].value}"
    lines = [
        "# yaml-language-server: $schema=schema.json",
        "# Keep the line above. Every fact must be sourced: leave out a date, a pinpoint or a",
        "# claim you cannot confirm in the text itself. When the entry is done, delete these help",
        "# comments and the fields you left empty ([]); see CONTRIBUTING.md.",
        "# The instrument's official title.",
        f"title: {yaml_inline(title)}",
        "# Optional: the name it is usually cited by, e.g. 'short_name: EU AI Act'.",
        "# Where it applies, e.g. European Union, United States, International, or the company.",
        f"jurisdiction: {yaml_inline(_TODO + ' where it applies')}",
        *("# " + line for line in textwrap.wrap(f"What sort of document it is: {types}.", 88)),
        f"type: {yaml_inline(itype)}",
        "# Who made it, as the text names its maker.",
        f"issuing_body: {yaml_inline(_TODO + ' who made it')}",
        "# in force, proposed, revoked or superseded. A revoked or superseded instrument needs",
        "# 'dates: revoked: {date: ..., source: ..., by: <slug or name of what revoked it>}'.",
        "status: in force",
        "# Dated events (adopted, published, in_force, amended, revoked, superseded), each with",
        "# the BibTeX key of the document that records it, e.g.",
        "#   adopted: {date: 2024-06-13, source: eu2024regulation}",
        "dates: {}",
        "# The BibTeX key of the instrument itself (@legislation for laws and orders, @report for",
        "# the rest), in bib/*.bib.",
        f"primary_source: {primary}",
        "# Optional: the official URL of the text, e.g. 'url: https://eur-lex.europa.eu/...'.",
        "# A neutral summary (Markdown; link concepts as [[slug]]).",
        f"summary: {yaml_inline(_TODO + ' summarise ' + title + ' neutrally, from its text.')}",
        "# The concepts it addresses, each as '- concept: <slug>', 'pinpoint: art 55(1)(a)' (its own",
        "# divisions; OSCOLA form for EU law; leave it out rather than guess), 'sentence: ...' (how",
        "# it addresses the concept) and 'source: <BibTeX key>'.",
        "addresses: []",
        "# Keys of other works the summary relies on.",
        "further_sources: []",
        "# The date the entry was first written.",
        f"created: {today.isoformat()}",
    ]
    return format_entry_text("\n".join(lines) + "\n", layout=INSTRUMENT_LAYOUT)


def new_instrument(root: Path, slug: str, title: str, *, type: str = "legislation",  # noqa: A002
                   source: str | None = None, instruments_dir: str = "instruments", bib_dir: str = "bib",
                   today: _dt.date | None = None) -> tuple[Path | None, Problems]:
    """Write ``<instruments_dir>/<slug>.yaml``, a commented skeleton of a policy instrument
    (the folder is made if the wiki has none yet). The same refusals as :func:`new_entry`
    (slug, title, an existing file or slug, an unknown source); ``type`` must be one of the
    schema's types. The skeleton validates; ``check`` reports its placeholders (``TODO:``,
    ``REPLACE-ME``) until they are replaced."""
    root = Path(root)
    problems = Problems()
    rel = f"{instruments_dir.rstrip('/')}/{slug}.yaml"
    if not SLUG_RE.match(slug) or len(slug) > 100:
        suggestion = _suggest_slug(slug) or _suggest_slug(title)
        hint = f", e.g. '{suggestion}'" if suggestion and SLUG_RE.match(suggestion) else ""
        problems.error(rel, 0, 0, f"'{slug}' is not a valid slug: use lower-case letters (a-z), "
                       f"digits and single hyphens, at most 100 characters{hint}")
        return None, problems
    title = title.strip()
    if not title or len(title) > 300 or any(ord(ch) < 32 or ch in "\x7f\x85\u2028\u2029" for ch in title):
        problems.error(rel, 0, 0, "the title must be one line of 1 to 300 characters")
        return None, problems
    types = [t.value for t in InstrumentType]
    if type not in types:
        close = difflib.get_close_matches(type, types, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.error(rel, 0, 0, f"type must be one of {', '.join(types)}, not '{type}'{hint}")
        return None, problems
    folder = root / instruments_dir
    if not root.is_dir():
        problems.error(rel, 0, 0, f"project folder {root} not found")
        return None, problems
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.yaml"
    for existing in (path, folder / f"{slug}.yml"):
        if existing.exists() or existing.is_symlink():
            problems.error(f"{instruments_dir.rstrip('/')}/{existing.name}", 0, 0,
                           "already exists; 'new' never overwrites an entry: edit that file instead")
            return None, problems
    for message in _collisions(folder, root, slug):
        problems.error(rel, 0, 0, message)
    if problems.errors:
        return None, problems
    keys = bib_keys(root, bib_dir)
    if source is not None and source not in keys:
        close = difflib.get_close_matches(source, keys, n=3, cutoff=0.6)
        hint = ("; did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close else (
            f"; add it to a file in {bib_dir}/ first (see CONTRIBUTING.md)")
        problems.error(rel, 0, 0, f"source '{source}' is not a key in {bib_dir}/*.bib{hint}")
        return None, problems

    text = _instrument_skeleton(title, type, source, today or _dt.date.today())
    located = load_yaml(text.encode("utf-8"), rel, Problems())
    try:
        Instrument.model_validate(located.data if located else None)
    except Exception as exc:  # pragma: no cover - the skeleton is tested to be valid
        problems.error(rel, 0, 0, f"internal error: the skeleton is not a valid instrument ({exc}); "
                       "nothing was written")
        return None, problems
    try:
        write_atomic(path, text, new=True)
    except FileExistsError:
        problems.error(rel, 0, 0, "already exists; 'new' never overwrites an entry: edit that file instead")
        return None, problems
    except OSError as exc:
        problems.error(rel, 0, 0, f"cannot write file: {exc.strerror or exc}")
        return None, problems
    if source is None:
        line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("primary_source: "))
        problems.warning(rel, line, len("primary_source: ") + 1, f"no source given: replace "
                         f"'{PLACEHOLDER_KEY}' with the key of the instrument's text (or run 'new' "
                         "again with --source KEY); 'check' fails until then")
    return path, problems
