"""``conceptwiki new``: write the skeleton of a new entry, ready for ``conceptwiki check``.

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

from .fmt import format_entry_text, yaml_inline
from ..files import write_atomic
from ..model.links import normalize
from ..model.problems import Problems
from ..model.schema import RESERVED_SLUGS, SLUG_RE, Concept, Kind
from ..model.yamlsafe import load_yaml

__all__ = ["new_entry", "bib_keys", "PLACEHOLDER_KEY", "LEVEL_TODO"]

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
