"""Load ``concepts/*.yaml`` and ``bib/*.bib`` into a :class:`Wiki`, with every problem found.

``load_wiki(root)`` never raises for bad input: it returns the entries that are valid and a
list of problems, each located at ``path:line:column``. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping, Set
from typing import Any, Iterator


from ..bibtex import Source, declared_keys, load_bib_files
from .guards import check_author_spellings, check_details_length, check_status_fields
from .instruments import InstrumentEntry, load_instruments
from .links import LinkIndex, find_wikilinks, locate, normalize
from .problems import Problems
from .schema import GOVERNANCE_PARTS, RESERVED_SLUGS, SLUG_RE, Concept
from .validate import did_you_mean as _did_you_mean
from .validate import slug_problem as _slug_problem
from .validate import check_dates, stray_entry_files
from .validate import validate_model
from .yamlsafe import MAX_BYTES, Loc, Located, YamlKey, load_yaml

__all__ = ["Entry", "Wiki", "load_wiki", "load_entry", "RESERVED_SLUGS", "TEXT_FIELDS"]


#: The scaffold's placeholder text, which must not be published.
TODO_RE = re.compile(r"\bTODO\b:?")

#: A word that could be a BibTeX key (see schema.BIBKEY_PATTERN).
_BIBKEY_WORD_RE = re.compile(r"[A-Za-z0-9_:.+/-]+")

#: Fields whose Markdown may contain wikilinks, as location paths.
TEXT_FIELDS = ("summary", "details", "history", "criticisms", "open_questions", "example",
               "key_points", ("status", "note"),
               *(("governance_relevance", name) for name, _ in GOVERNANCE_PARTS))
#: The optional reference-work sections after ``details``, in page order, with their headings.
SECTIONS = (("history", "History"), ("criticisms", "Criticisms and replies"),
            ("open_questions", "Open questions"), ("example", "Example"))


@dataclass
class Entry:
    """One valid concept entry."""

    slug: str
    path: str                      # relative to the project root, POSIX separators
    concept: Concept
    located: Located
    lines: list[str] = field(repr=False, default_factory=list)

    @property
    def title(self) -> str:
        return self.concept.title

    def position(self, *loc: YamlKey) -> tuple[int, int]:
        return self.located.where(tuple(loc))

    def text_fields(self) -> Iterator[tuple[Loc, str]]:
        """Yield ``(loc, markdown)`` for every field that may contain wikilinks."""
        c = self.concept
        yield ("summary",), c.summary
        if c.details:
            yield ("details",), c.details
        for name, _heading in SECTIONS:
            text = getattr(c, name)
            if text:
                yield (name,), text
        for i, point in enumerate(c.key_points):
            yield ("key_points", i), point
        if c.status.note:
            yield ("status", "note"), c.status.note
        if c.governance_relevance is not None:
            for name, _heading in GOVERNANCE_PARTS:
                text = getattr(c.governance_relevance, name)
                if text:
                    yield ("governance_relevance", name), text


@dataclass
class Wiki:
    root: Path
    entries: dict[str, Entry]
    sources: dict[str, Source]
    index: LinkIndex
    problems: Problems
    #: Policy instruments (``instruments/*.yaml``), by slug.
    instruments: dict[str, InstrumentEntry] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems.errors


# --------------------------------------------------------------------------------------
# Validation messages


def validate_entry(located: Located, path: str, problems: Problems) -> Concept | None:
    """Validate a concept entry's data (see :func:`.validate.validate_model`)."""
    return validate_model(located, path, problems, Concept)


def raw_source_keys(data: Any) -> set[str]:
    """The BibTeX keys named under ``sources`` in an entry's raw data, however malformed.

    Used for entries that failed validation: the sources they cite are still in use, so that
    they do not also get a misleading "not cited by any entry" warning.
    """
    if not isinstance(data, dict):
        return set()
    sources = data.get("sources")
    if not isinstance(sources, dict):
        return set()
    keys: set[str] = set()
    for name in ("primary", "further"):
        value = sources.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                keys.add(item.strip())
    return keys


def load_entry(file: Path, rel: str, problems: Problems, *, cited: set[str] | None = None) -> Entry | None:
    """Load and validate one entry file; problems are appended to ``problems``.

    If the file is not a valid entry, the BibTeX keys it names are added to ``cited`` (when
    given): those under ``sources`` in its raw data, or, if it is not even valid YAML, every
    word of the file that could be a key (so none of its sources is reported as unused).
    """
    slug = file.stem
    try:
        raw = file.read_bytes()
    except OSError as exc:
        problems.error(rel, 0, 0, f"cannot read file: {exc.strerror}")
        return None
    # ``mkdocs serve`` loads every entry on every rebuild; an unchanged file gives the same
    # entry, problems and cited keys (at 1,000 entries, parsing and validating them again
    # took 2.4 s of a rebuild).
    memo_key = (str(file), rel)
    kept = _ENTRY_MEMO.get(memo_key)
    if kept is not None and kept[0] == raw:
        problems.extend(kept[2])
        if cited is not None:
            cited.update(kept[3])
        return kept[1]
    mine = Problems()
    mine_cited: set[str] = set()
    entry = _load_entry(raw, slug, rel, mine, mine_cited)
    if len(_ENTRY_MEMO) >= _ENTRY_MEMO_LIMIT:
        _ENTRY_MEMO.clear()
    _ENTRY_MEMO[memo_key] = (raw, entry, list(mine), frozenset(mine_cited))
    problems.extend(mine)
    if cited is not None:
        cited.update(mine_cited)
    return entry


#: ``(file, rel) -> (its bytes, entry, problems, cited keys)`` of the entries loaded last.
_ENTRY_MEMO: dict[tuple[str, str], tuple[bytes, Entry | None, list[Any], frozenset[str]]] = {}
_ENTRY_MEMO_LIMIT = 100_000


def _load_entry(raw: bytes, slug: str, rel: str, problems: Problems, cited: set[str]) -> Entry | None:
    located = load_yaml(raw, rel, problems)
    if located is None:
        if cited is not None:
            cited.update(_BIBKEY_WORD_RE.findall(raw[:MAX_BYTES].decode("utf-8", "replace")))
        return None
    concept = validate_entry(located, rel, problems)
    if concept is None:
        if cited is not None:
            cited |= raw_source_keys(located.data)
        return None
    lines = raw.decode("utf-8", "replace").splitlines()
    return Entry(slug=slug, path=rel, concept=concept, located=located, lines=lines)


# --------------------------------------------------------------------------------------
# The whole wiki


def _rel(path: Path, root: Path) -> str:
    return _rel_of(str(path), str(root))


@functools.lru_cache(maxsize=1 << 16)
def _rel_of(path: str, root: str) -> str:
    """Remembered: resolving 1,000 paths took 0.1 s of every ``mkdocs serve`` rebuild (a
    symbolic link leading out of the project is checked separately, every time: _inside)."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _inside(path: Path, root: Path, problems: Problems) -> bool:
    """False (with an error) for a symbolic link that leads out of the project: a pull request
    could otherwise publish, or print in CI logs, a file from the machine that builds it."""
    if not path.is_symlink():
        return True
    try:
        path.resolve(strict=True).relative_to(root.resolve())
        return True
    except (OSError, ValueError, RuntimeError):
        try:
            shown = (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = path.as_posix()
        problems.error(shown, 1, 1,
                       "is a symbolic link to a file outside the project; replace it by the file itself")
        return False


def load_wiki(root: Path | str, concepts_dir: str = "concepts", bib_dir: str = "bib", *,
              min_details_words: int = 0, min_details_since: _dt.date | None = None,
              recency: Mapping[str, Any] | None = None, instruments_dir: str = "instruments") -> Wiki:
    """Load every entry and source under ``root``; check them and the links between them.

    With ``min_details_words``, entries created on or after ``min_details_since`` (all
    entries when None) need ``details`` of at least that many words (:mod:`.guards`).

    ``recency`` maps entry files (relative paths) to a sortable key, newest largest (see
    :func:`conceptwiki.history.gitinfo.file_recency`: changed per ``git status``, else the
    last commit, else the modification time): a clash between two names is reported on the
    newer file, which introduced it, and names the other file. Without it, on the file
    that sorts last."""
    root = Path(root)
    problems = Problems()
    cdir = root / concepts_dir
    bdir = root / bib_dir

    # Absolute, so that load_bib_files does not join a relative root to them a second time.
    bib_files = ([p.absolute() for p in sorted(bdir.glob("*.bib")) if _inside(p, root, problems)]
                 if bdir.is_dir() else [])
    if not bdir.is_dir():
        problems.error(bib_dir, 0, 0, f"folder '{bib_dir}' not found; create it and add the "
                       "BibTeX sources, or set 'bib_dir' in mkdocs.yml")
    sources, bib_problems = load_bib_files(bib_files, root=root)
    problems.extend(bib_problems)

    files: list[Path] = []
    if cdir.is_dir():
        # Well-named files first (and .yaml before .yml), so that when two files claim one
        # slug, the error lands on the file that is named wrongly.
        files = sorted((p for p in cdir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()),
                       key=lambda p: (SLUG_RE.match(p.stem) is None, p.stem, p.suffix != ".yaml"))
    else:
        problems.error(concepts_dir, 0, 0, f"folder '{concepts_dir}' not found; create it and add "
                       "entries, or set 'concepts_dir' in mkdocs.yml")

    if cdir.is_dir():
        for stray, message in stray_entry_files(cdir):
            problems.error(_rel(stray.parent, root) + "/" + stray.name, 1, 1, message)
    files = [f for f in files if _inside(f, root, problems)]
    entries: dict[str, Entry] = {}
    broken: set[str] = set()  # entries that exist but have errors: links to them are not dead
    cited_by_broken: set[str] = set()  # BibTeX keys named by those entries: not unused
    by_folded: dict[str, str] = {}
    for file in files:
        rel = _rel(file, root)
        stem = file.stem
        bad = _slug_problem(stem)
        if bad:
            problems.error(rel, 1, 1, bad)
        folded = stem.casefold()
        if folded in by_folded:
            problems.error(rel, 1, 1, f"duplicate slug '{stem}': {by_folded[folded]} already uses "
                           "it (slugs are compared ignoring case); rename or merge one of them")
            continue
        by_folded[folded] = rel
        entry = load_entry(file, rel, problems, cited=cited_by_broken)
        if entry is not None and not bad:
            entries[stem] = entry
        else:
            if entry is not None:  # valid, but its file name is not a slug
                cited_by_broken.update([entry.concept.sources.primary, *entry.concept.sources.further])
            if not bad:
                broken.add(stem)

    index = LinkIndex()
    for slug, entry in entries.items():
        index.add_slug(slug, entry.title, entry.path)
    for slug, entry in entries.items():
        index.add_names(slug, entry.path, aliases=entry.concept.aliases,
                        former_slugs=entry.concept.former_slugs)
    by_path = {e.path: e for e in entries.values()}
    newest = recency or {}
    for name, what, path, prev_what, prev_path in index.collisions:
        if newest.get(prev_path, ()) > newest.get(path, ()):  # the other file introduced the clash
            path, prev_path, what, prev_what = prev_path, path, prev_what, what
            name = _spelling(by_path[path], name, what)
        line, col = _name_position(by_path[path], name, what)
        article = "an" if prev_what[0] in "aeiou" else "a"
        problems.error(path, line, col, f"{what} '{name}' collides with {article} {prev_what} of {prev_path}; "
                       "names are compared ignoring case, hyphens and spaces, so remove or change one")

    unparsed: dict[str, str] = {}
    for bib in bib_files:
        try:
            text = bib.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by load_bib_files
        for key, line in declared_keys(text).items():
            if key not in sources:
                unparsed.setdefault(key, f"{_rel(bib, root)}:{line}")
    instruments = load_instruments(root, instruments_dir, sources, index, set(entries), problems,
                                   broken=broken, cited=cited_by_broken,
                                   keep=lambda p: _inside(p, root, problems),
                                   bib_dir=bib_dir if bdir.is_dir() else None)
    _check_references(entries, sources, index, problems, broken, unparsed=unparsed,
                      bib_dir=bib_dir if bdir.is_dir() else None, cited=cited_by_broken)
    check_details_length(entries.values(), min_details_words, min_details_since, problems)
    check_status_fields(sources, problems)
    check_author_spellings(sources, root, problems)
    return Wiki(root=root, entries=entries, sources=sources, index=index, problems=problems,
                instruments=instruments)


def _spelling(entry: Entry, name: str, what: str) -> str:
    """How ``entry`` spells the name that collides with ``name`` (they match only normalized)."""
    field_name = {"alias": "aliases", "former slug": "former_slugs"}.get(what)
    values = list(getattr(entry.concept, field_name)) if field_name else [Path(entry.path).stem]
    return next((v for v in values if normalize(v) == normalize(name)), name)


def _name_position(entry: Entry, name: str, what: str) -> tuple[int, int]:
    field_name = {"alias": "aliases", "former slug": "former_slugs"}.get(what)
    if field_name:
        values = getattr(entry.concept, field_name)
        if name in values:
            return entry.position(field_name, values.index(name))
    return 1, 1


def _check_references(entries: dict[str, Entry], sources: dict[str, Source], index: LinkIndex,
                      problems: Problems, broken: Set[str] = frozenset(), *, bib_dir: str | None = "bib",
                      cited: Set[str] = frozenset(), unparsed: Mapping[str, str] | None = None) -> None:
    """Check links, related slugs and cited keys. ``unparsed`` maps keys written in a
    ``.bib`` file whose entry could not be read to where they are (``path:line``).

    An entry's problems are kept between the rebuilds of ``mkdocs serve`` while the entry is
    the same record (the loader gives an unchanged file's) and so is everything its checks
    look at (:func:`_reference_world`): checking 5,000 entries' links again on every save took
    0.9 s of a profiled rebuild."""
    unparsed = unparsed or {}
    used: set[str] = set(cited)
    world = _reference_world(entries, sources, index, broken, bib_dir, unparsed)
    if len(_REFS) > 2 * len(entries) + 1000:
        _REFS.clear()
    for slug, entry in entries.items():
        kept = _REFS.get(id(entry))
        if kept is not None and kept[0] is entry and kept[1] == (world, slug):
            problems.extend(kept[2])
            used.update(kept[3])
            continue
        found = Problems()
        keys = _check_entry(slug, entry, entries, sources, index, found, broken, bib_dir, unparsed)
        _REFS[id(entry)] = (entry, (world, slug), tuple(found), keys)
        problems.extend(found)
        used.update(keys)
    for key, source in sorted(sources.items()):
        if key not in used:
            problems.warning(source.path, source.line, 1, f"source '{key}' is not cited by any entry",
                             code="unused-source")



#: id(entry) -> (the entry, (its world's digest, its slug), its problems, the keys it cites).
_REFS: dict[int, tuple[Entry, tuple[str, str], tuple[Any, ...], frozenset[str]]] = {}


def _reference_world(entries: Mapping[str, Entry], sources: Mapping[str, Source], index: LinkIndex,
                     broken: Set[str], bib_dir: str | None, unparsed: Mapping[str, str]) -> str:
    """A digest of everything an entry's reference checks read besides the entry: which
    slugs exist, every name and how it resolves (suggestions come from them), the BibTeX keys,
    the unreadable entries, and today (dates after it are errors)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((sorted(entries), sorted(index.slugs), sorted(index.names()), sorted(sources), sorted(broken), bib_dir,
                   sorted(unparsed.items()), _dt.date.today().isoformat())).encode("utf-8"))
    return h.hexdigest()


def _check_entry(slug: str, entry: Entry, entries: Mapping[str, Entry], sources: Mapping[str, Source],
                 index: LinkIndex, problems: Problems, broken: Set[str], bib_dir: str | None,
                 unparsed: Mapping[str, str]) -> frozenset[str]:
    """One entry's related slugs, cited keys, dates, placeholders and wikilinks; the keys it cites."""
    used: set[str] = set()
    c = entry.concept
    for i, rel in enumerate(c.related):
        line, col = entry.position("related", i)
        if rel == slug:
            problems.warning(entry.path, line, col, f"'related' lists the entry itself ('{rel}'); remove it")
        elif rel not in entries and rel not in broken:
            target = index.resolve(rel)
            if target:
                problems.error(entry.path, line, col, f"related '{rel}' is not a slug; it is "
                               f"{'an' if index.how(rel) == 'alias' else 'a'} {index.how(rel)} "
                               f"of '{target}': write '{target}'")
            else:
                problems.error(entry.path, line, col, f"related '{rel}' is not a concept"
                               + _did_you_mean(index.suggest(rel)))
    keys: list[Loc] = [("sources", "primary"), *[("sources", "further", i) for i in range(len(c.sources.further))]]
    values = [c.sources.primary, *c.sources.further]
    if c.governance_relevance is not None:
        gov = c.governance_relevance.sources
        keys += [("governance_relevance", "sources", i) for i in range(len(gov))]
        values += gov
    for loc, key in zip(keys, values):
        used.add(key)
        if key not in sources and bib_dir is not None:  # a missing folder is one error
            line, col = entry.position(*loc)
            if key in unparsed:  # written, but its entry has an error: no other work offered
                where = unparsed[key]
                problems.error(entry.path, line, col, f"BibTeX key '{key}' is defined at {where}, "
                               "but that entry could not be read; fix the error reported there")
                continue
            close = difflib.get_close_matches(key, list(sources), n=3, cutoff=0.6)
            problems.error(entry.path, line, col, f"unknown BibTeX key '{key}'; add it to a "
                           f"file in {(bib_dir or 'bib').rstrip('/')}/" + _did_you_mean(close))
    _check_level_chosen(entry, problems)
    check_dates(entry.path, entry.located, {"created": c.created, "updated": c.updated}, problems)
    for loc, text in entry.text_fields():
        start_line = entry.position(*loc)[0]
        todo = TODO_RE.search(text)
        if todo:
            line, col = locate(entry.lines, start_line, todo.group(0))
            problems.warning(entry.path, line, col, f"'{loc[0]}' still holds the placeholder "
                             f"'{todo.group(0)}' from `conceptwiki new`; replace it with the "
                             "entry's own text", code="placeholder")
        for link in find_wikilinks(text):
            if index.resolve(link.target) is None and link.target not in broken:
                line, col = locate(entry.lines, start_line, link.raw)
                problems.error(entry.path, line, col, f"wikilink '{link.raw}' points to no concept"
                               + _did_you_mean(index.suggest(link.target)))
            elif index.resolve(link.target) == slug:
                line, col = locate(entry.lines, start_line, link.raw)
                problems.warning(entry.path, line, col, f"wikilink '{link.raw}' points to this "
                                 "page itself; remove the brackets")
    return frozenset(used)


#: A comment that holds TODO, e.g. the one `conceptwiki new` writes after ``status.level``.
_TODO_COMMENT_RE = re.compile(r"#.*?\bTODO\b")


def _check_level_chosen(entry: Entry, problems: Problems) -> None:
    """Warn while ``status.level`` still carries the scaffold's TODO comment (not yet chosen)."""
    line, col = entry.position("status", "level")
    if not 0 < line <= len(entry.lines):
        return
    text = entry.lines[line - 1]
    m = _TODO_COMMENT_RE.search(text, col - 1)
    if m is None or text[:m.start()].count("#"):
        return
    level = entry.concept.status.level.value
    problems.warning(entry.path, line, m.start() + 1, f"'status.level' is '{level}' with the "
                     "TODO comment from `conceptwiki new`: choose established, contested or "
                     "speculative (see CONTRIBUTING.md), then delete the comment", code="placeholder")
