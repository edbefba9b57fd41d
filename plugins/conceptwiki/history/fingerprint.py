"""Fingerprints of entries and the record of the fingerprints each entry has published.

A fingerprint identifies what a reader saw when they cited an entry: the SHA-256 of the
canonical JSON (sorted keys, no white space, UTF-8) of

* the entry's YAML data, as parsed (so key order, comments, quoting, layout and white space
  around a text do not count, every value does), and
* every source the entry cites (``sources.primary`` and ``sources.further``): the BibTeX
  entry type and its fields as written (``@string`` macros resolved, white-space runs as
  one space), and the fields of its ``crossref`` parent if it has one.

It is shown shortened to :data:`SHORT` hex digits.

:func:`published_versions` reads the git history of the entry files and the BibTeX files in
one linear pass (one ``git ls-tree``, one ``git log --raw`` along the first-parent line and
one ``git cat-file --batch`` process for the old file contents) and returns, for every
entry, the fingerprints it has had and the commit and date that introduced each. In a
shallow clone, or without git, only the current fingerprint is known, and the note returned
says so. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping

from ..model.instruments import raw_instrument_keys

__all__ = [
    "SHORT",
    "instrument_key",
    "MAX_COMMITS",
    "MAX_VERSIONS",
    "canonical_json",
    "canonical_source",
    "fingerprint",
    "entry_fingerprint",
    "cited_keys",
    "Version",
    "History",
    "published_versions",
]

#: Hex digits shown of a fingerprint.
SHORT = 12
#: Commits of the first-parent history read at most (the newest ones).
MAX_COMMITS = 2000
#: Versions kept per entry (the newest ones).
MAX_VERSIONS = 100

_WS_RE = re.compile(r"\s+")
_ZERO = "0" * 40


def _plain(value: Any) -> Any:
    """YAML values as JSON values: dates as ISO 8601 text, mapping keys as text, text without
    white space at either end (the schema strips it too, so ``|`` and ``|-`` are the same)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no white space between tokens, UTF-8 (not ``\\u`` escapes)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def _fields(fields: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): _WS_RE.sub(" ", v).strip() for k, v in fields.items()}


def canonical_source(source, sources: Mapping[str, Any] | None = None) -> dict:
    """What of a BibTeX entry counts for the fingerprint (see the module docstring)."""
    out: dict[str, Any] = {"type": source.type.lower(), "fields": _fields(source.fields)}
    ref = source.fields.get("crossref")
    if ref and sources:
        parent = sources.get(ref.strip())
        if parent is None:
            low = ref.strip().lower()
            parent = next((s for k, s in sources.items() if k.lower() == low), None)
        if parent is not None and parent is not source:
            out["crossref"] = {"type": parent.type.lower(), "fields": _fields(parent.fields)}
    return out


def cited_keys(data: Any) -> list[str]:
    """The BibTeX keys an entry's (parsed, maybe invalid) YAML data cites, in order: a
    concept's ``sources`` and ``governance_relevance.sources``; an instrument's
    ``primary_source``, its dates' and addresses' ``source`` and its ``further_sources``."""
    if not isinstance(data, dict):
        return []
    keys: list[Any] = []
    src = data.get("sources")
    if isinstance(src, dict):
        keys.append(src.get("primary"))
        keys.extend(_listed(src.get("further")))
    gov = data.get("governance_relevance")
    if isinstance(gov, dict):
        keys.extend(_listed(gov.get("sources")))
    if "primary_source" in data:  # a policy instrument
        keys.extend(raw_instrument_keys(data))
    return list(dict.fromkeys(k for k in keys if isinstance(k, str)))


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def fingerprint(data: Any, sources: Mapping[str, Any], *, keep: bool = False) -> str:
    """The full (64 hex) fingerprint of entry ``data`` with the sources it cites.

    ``sources`` maps BibTeX keys to :class:`~conceptwiki.bib.Source`; a cited key that is
    missing counts as ``null``. ``keep``: the data is a loaded entry's, which ``mkdocs serve``
    keeps between rebuilds while its file is unchanged (its JSON is kept too).
    """
    cited = {}
    for key in cited_keys(data):
        source = sources.get(key)
        cited[key] = canonical_source(source, sources) if source is not None else None
    # canonical_json({"entry": data, "sources": cited}), with the entry's part kept while the
    # same data is fingerprinted again (``mkdocs serve`` keeps unchanged entries' data between
    # rebuilds; at 1,000 entries this was 1.2 s of a profiled rebuild).
    entry_json = _data_json(data) if keep else canonical_json(data)
    return hashlib.sha256(b'{"entry":' + entry_json + b',"sources":' + canonical_json(cited)
                          + b"}").hexdigest()


#: ``id(data) -> (data, canonical_json(data))`` of the entries fingerprinted last.
_DATA_JSON: dict[int, tuple[Any, bytes]] = {}
_DATA_JSON_LIMIT = 100_000


def _data_json(data: Any) -> bytes:
    kept = _DATA_JSON.get(id(data))
    if kept is not None and kept[0] is data:
        return kept[1]
    out = canonical_json(data)
    if isinstance(data, (dict, list)):
        if len(_DATA_JSON) >= _DATA_JSON_LIMIT:
            _DATA_JSON.clear()
        _DATA_JSON[id(data)] = (data, out)
    return out


def entry_fingerprint(entry, sources: Mapping[str, Any]) -> str:
    """The full fingerprint of a loaded :class:`~conceptwiki.loader.Entry`, remembered while
    the entry and the records of the sources it cites are the same objects (``mkdocs serve``
    keeps unchanged files' entries and sources: 2,000 fingerprints took 0.2 s of a rebuild)."""
    data = entry.located.data
    cited = tuple(sources.get(k) for k in cited_keys(data))
    kept = _ENTRY_PRINTS.get(id(entry))
    if (kept is not None and kept[0] is entry and len(kept[1]) == len(cited)
            and all(a is b for a, b in zip(kept[1], cited))):
        return kept[2]
    out = fingerprint(data, sources, keep=True)
    if len(_ENTRY_PRINTS) >= _DATA_JSON_LIMIT:
        _ENTRY_PRINTS.clear()
    _ENTRY_PRINTS[id(entry)] = (entry, cited, out)
    return out


#: ``id(entry) -> (entry, the cited sources' records, fingerprint)``.
_ENTRY_PRINTS: dict[int, tuple[Any, tuple[Any, ...], str]] = {}


# -- history -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """A fingerprint an entry has published: the commit that introduced it and its date.

    ``revision`` is ``None`` for a fingerprint that is not committed yet (a build of a
    working copy with changes) or whose commit is not known (shallow clone, no git).
    """

    fingerprint: str
    revision: str | None
    date: _dt.date | None

    @property
    def short(self) -> str:
        return self.fingerprint[:SHORT]

    def as_json(self) -> dict:
        return {"fingerprint": self.short, "revision": self.revision,
                "date": self.date.isoformat() if self.date else None}


@dataclass
class History:
    """Versions per entry slug (newest first) and how complete they are.

    ``status``: ``"complete"`` (the whole first-parent history was read), ``"truncated"``
    (only the newest :data:`MAX_COMMITS` commits) or ``"current-only"`` (no usable history).
    """

    versions: dict[str, list[Version]] = field(default_factory=dict)
    status: str = "current-only"
    note: str | None = None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        return None


class _Blobs:
    """Blob contents from git: :meth:`prefetch` reads many in one ``git cat-file --batch``
    run; a blob not prefetched is read through one long-lived ``git cat-file --batch``."""

    def __init__(self, root: Path):
        self.root = root
        self.proc: subprocess.Popen | None = None
        self.cache: dict[str, bytes | None] = {}

    def prefetch(self, shas: Iterable[str]) -> None:
        wanted = sorted({s for s in shas if s != _ZERO and s not in self.cache})
        if not wanted:
            return
        try:
            out = subprocess.run(["git", "cat-file", "--batch"], cwd=self.root,
                                 input="".join(f"{s}\n" for s in wanted).encode(),
                                 capture_output=True, timeout=600).stdout
        except (OSError, subprocess.SubprocessError):
            return
        pos = 0
        for sha in wanted:
            end = out.find(b"\n", pos)
            if end < 0:
                break
            header = out[pos:end].split()
            pos = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                self.cache[sha] = out[pos:pos + size]
                pos += size + 1  # the content, then a newline
            else:
                self.cache[sha] = None

    def get(self, sha: str) -> bytes | None:
        if sha in self.cache:
            return self.cache[sha]
        if self.proc is None:
            self.proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.root,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(sha.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        data: bytes | None = None
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            data = self.proc.stdout.read(size)
            self.proc.stdout.read(1)  # the newline after the content
        self.cache[sha] = data
        return data

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=60)


def _blob_id(data: bytes) -> str:
    """The id git gives a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class _State:
    """The entry and BibTeX files at one commit, as blob ids, with parsed contents cached."""

    def __init__(self, blobs: _Blobs, entry_files: dict[str, str], bib_files: dict[str, str]):
        self.blobs = blobs
        self.entries = entry_files  # path -> blob sha
        self.bibs = bib_files
        self._bib_parsed: dict[str, dict] = {}
        self._yaml_parsed: dict[str, tuple[bool, Any]] = {}

    def bib_map(self, sha: str) -> dict:
        parsed = self._bib_parsed.get(sha)
        if parsed is None:
            from ..bibtex import MAX_BIB_BYTES, parse_bib_text

            parsed = {}
            raw = self.blobs.get(sha)
            if raw is not None and len(raw) <= MAX_BIB_BYTES:
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = None
                if text is not None:
                    sources, _ = parse_bib_text(text, "history.bib")
                    for s in sources:
                        parsed.setdefault(s.key, s)
            self._bib_parsed[sha] = parsed
        return parsed

    def source(self, key: str):
        """The source for ``key`` as ``load_bib_files`` would give it: first file wins."""
        for path in sorted(self.bibs):
            found = self.bib_map(self.bibs[path]).get(key)
            if found is not None:
                return found
        return None

    def entry_data(self, sha: str) -> tuple[bool, Any]:
        cached = self._yaml_parsed.get(sha)
        if cached is None:
            from ..model.problems import Problems
            from ..model.yamlsafe import load_yaml

            raw = self.blobs.get(sha)
            located = load_yaml(raw, "history.yaml", Problems()) if raw is not None else None
            cached = (located is not None, located.data if located is not None else None)
            self._yaml_parsed[sha] = cached
        return cached

    def fingerprint_of(self, paths: list[str]) -> str | None:
        """The fingerprint of the entry at the first of ``paths`` that exists."""
        for path in paths:
            sha = self.entries.get(path)
            if sha is None:
                continue
            ok, data = self.entry_data(sha)
            if not ok or not isinstance(data, dict):
                return None
            sources = {}
            for key in cited_keys(data):
                src = self.source(key)
                if src is not None:
                    sources[key] = src
                    ref = src.fields.get("crossref")
                    if ref:
                        parent = self.source(ref.strip())
                        if parent is not None:
                            sources[ref.strip()] = parent
            return fingerprint(data, sources)
        return None


def _is_entry(path: str, concepts_dir: str) -> bool:
    p = PurePosixPath(path)
    return str(p.parent) == concepts_dir.strip("/") and p.suffix in (".yaml", ".yml")


def _is_bib(path: str, bib_dir: str) -> bool:
    p = PurePosixPath(path)
    return str(p.parent) == bib_dir.strip("/") and p.suffix == ".bib"


def _candidates(entry, concepts_dir: str) -> list[str]:
    """Paths an entry has lived at: its own, then those of its former slugs."""
    base = concepts_dir.strip("/")
    out = [entry.path]
    for slug in [entry.slug, *entry.concept.former_slugs]:
        for ext in (".yaml", ".yml"):
            p = f"{base}/{slug}{ext}"
            if p not in out:
                out.append(p)
    return out


def _current_only(current: Mapping[str, str], dates: Mapping[str, _dt.date | None],
                  note: str | None, head: str | None = None) -> History:
    return History({slug: [Version(fp, head, dates.get(slug))] for slug, fp in current.items()},
                   "current-only", note)


def instrument_key(slug: str) -> str:
    """A policy instrument's name in a :class:`History` (concept slugs have no ``/``)."""
    return f"instruments/{slug}"


def published_versions(root: Path | str, wiki, *, concepts_dir: str = "concepts",
                       bib_dir: str = "bib", instruments_dir: str | None = None,
                       current: Mapping[str, str] | None = None,
                       dates: Mapping[str, _dt.date | None] | None = None,
                       max_commits: int = MAX_COMMITS,
                       max_versions: int = MAX_VERSIONS) -> History:
    """The fingerprints every entry of ``wiki`` has published along the first-parent
    history of ``HEAD``, newest first.

    ``current`` maps slugs to their fingerprint in the working tree (computed if not given);
    if it differs from the newest committed one, it comes first with ``revision=None``.
    ``dates`` gives the date shown for a fingerprint whose commit is not known (e.g. the
    entry's last-updated date) when there is no usable history.

    With ``instruments_dir``, the policy instruments' files there are walked too: their
    versions are under :func:`instrument_key` (the same fingerprint of the file's data and
    the sources it cites; the same git calls, so it costs no extra walk).
    """
    root = Path(root)
    if current is None:
        current = {slug: entry_fingerprint(e, wiki.sources) for slug, e in wiki.entries.items()}
    instruments = dict(getattr(wiki, "instruments", {}) or {}) if instruments_dir else {}
    current = {**current, **{instrument_key(slug): fingerprint(e.located.data, wiki.sources)
                             for slug, e in instruments.items() if instrument_key(slug) not in current}}
    dates = dates or {}
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return _current_only(current, dates, "git is not installed: version records hold only "
                             "the current fingerprint of each entry")
    if top.returncode != 0:
        return _current_only(current, dates, "not a git repository: version records hold only "
                             "the current fingerprint of each entry")
    head_p = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    if head_p is None or head_p.returncode != 0:
        return _current_only(current, dates, "no commits yet: version records hold only the "
                             "current fingerprint of each entry")
    head = head_p.stdout.decode().strip()
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is not None and shallow.stdout.decode().strip() == "true":
        return _current_only(current, dates, "shallow git clone: version records hold only the "
                             "current fingerprint of each entry, not the ones published before "
                             "(fetch with --unshallow or fetch-depth: 0)", head)

    cdir, bdir = concepts_dir.strip("/"), bib_dir.strip("/")
    idir = instruments_dir.strip("/") if instruments and instruments_dir else None
    dirs = [cdir, bdir, *([idir] if idir else [])]

    def is_entry(path: str) -> bool:
        return _is_entry(path, cdir) or (idir is not None and _is_entry(path, idir))

    tree = _git(root, "ls-tree", "-r", "-z", "HEAD", "--", *dirs)
    log = _git(root, "log", "--first-parent", "--diff-merges=first-parent", "--no-renames",
               "--raw", "-z", "--no-abbrev", "--relative", "--format=%x01%H %cs",
               f"--max-count={max_commits + 1}", "HEAD", "--", *dirs)
    if tree is None or tree.returncode != 0 or log is None or log.returncode != 0:
        return _current_only(current, dates, "could not read the git history: version records "
                             "hold only the current fingerprint of each entry", head)

    entry_files: dict[str, str] = {}
    bib_files: dict[str, str] = {}
    for rec in tree.stdout.decode("utf-8", "replace").split("\0"):
        if not rec:
            continue
        meta, _, path = rec.partition("\t")
        parts = meta.split()
        if len(parts) != 3 or parts[1] != "blob":
            continue
        if is_entry(path):
            entry_files[path] = parts[2]
        elif _is_bib(path, bdir):
            bib_files[path] = parts[2]

    commits = _parse_log(log.stdout.decode("utf-8", "replace"))
    status = "complete"
    if len(commits) > max_commits:
        commits = commits[:max_commits]
        status = "truncated"

    slug_paths = {slug: _candidates(e, cdir) for slug, e in wiki.entries.items()}
    slug_paths.update({instrument_key(slug): [e.path] for slug, e in instruments.items()})
    path_slugs: dict[str, list[str]] = {}
    for slug, paths in slug_paths.items():
        for p in paths:
            path_slugs.setdefault(p, []).append(slug)

    found: dict[str, list[Version]] = {slug: [] for slug in slug_paths}
    blobs = _Blobs(root)
    try:
        state = _State(blobs, entry_files, bib_files)
        # Files unchanged since HEAD were parsed by the loader already: reuse them.
        _seed_from_working_tree(state, wiki, root, instruments.values())
        # Every blob the walk may read, in one git call.
        needed = [sha for p, sha in entry_files.items() if p in path_slugs]
        needed += bib_files.values()
        for _sha, _date, changes in commits:
            for old, new, path in changes:
                if path in path_slugs or _is_bib(path, bdir):
                    needed += (old, new)
        blobs.prefetch(sha for sha in needed if sha not in state._yaml_parsed
                       and sha not in state._bib_parsed)
        # The keys each entry cites in the state being walked, and the reverse index.
        cites: dict[str, set[str]] = {}
        citers: dict[str, set[str]] = {}

        def set_cites(slug: str, keys: Iterable[str]) -> None:
            for k in cites.get(slug, ()):
                citers.get(k, set()).discard(slug)
            cites[slug] = set(keys)
            for k in cites[slug]:
                citers.setdefault(k, set()).add(slug)

        def keys_of(slug: str) -> set[str]:
            """Keys the entry cites and their crossref parents (their changes count too)."""
            for p in slug_paths[slug]:
                sha = state.entries.get(p)
                if sha is not None:
                    ok, data = state.entry_data(sha)
                    keys = set(cited_keys(data)) if ok else set()
                    for key in list(keys):
                        src = state.source(key)
                        ref = src.fields.get("crossref") if src is not None else None
                        if ref:
                            keys.add(ref.strip())
                    return keys
            return set()

        for slug in slug_paths:
            set_cites(slug, keys_of(slug))
        fp_after = {slug: state.fingerprint_of(slug_paths[slug]) for slug in slug_paths}

        for sha, date, changes in commits:
            affected: set[str] = set()
            changed_bibs: list[tuple[str, str, str]] = []
            for old, new, path in changes:
                if path in path_slugs:
                    affected.update(path_slugs[path])
                if _is_bib(path, bdir):
                    changed_bibs.append((old, new, path))
            if changed_bibs:
                keys: set[str] = set()
                for old, new, _path in changed_bibs:
                    for blob in (old, new):
                        if blob != _ZERO:
                            keys.update(state.bib_map(blob))
                for key in keys:
                    affected.update(citers.get(key, ()))
            # Step back to the state before this commit.
            for old, _new, path in changes:
                table = (state.entries if is_entry(path)
                         else state.bibs if _is_bib(path, bdir) else None)
                if table is None:
                    continue
                if old == _ZERO:
                    table.pop(path, None)
                else:
                    table[path] = old
            for slug in sorted(affected):
                set_cites(slug, keys_of(slug))
                before = state.fingerprint_of(slug_paths[slug])
                after = fp_after[slug]
                if after is not None and after != before:
                    found[slug].append(Version(after, sha, date))
                fp_after[slug] = before
    finally:
        blobs.close()

    versions: dict[str, list[Version]] = {}
    for slug, fp in current.items():
        vs = found.get(slug, [])
        if not vs or vs[0].fingerprint != fp:
            vs = [Version(fp, None, None), *vs]
        versions[slug] = vs[:max_versions]
    note = None
    if status == "truncated":
        note = (f"the git history is longer than {max_commits} commits: version records go "
                f"back {max_commits} commits")
    return History(versions, status, note)


def _seed_from_working_tree(state: _State, wiki, root: Path, instruments: Iterable[Any] = ()) -> None:
    for entry in [*wiki.entries.values(), *instruments]:
        sha = state.entries.get(entry.path)
        if sha is None:
            continue
        try:
            raw = (root / entry.path).read_bytes()
        except OSError:
            continue
        if _blob_id(raw) == sha:
            state._yaml_parsed[sha] = (True, entry.located.data)
    by_path: dict[str, dict] = {}
    for source in wiki.sources.values():
        by_path.setdefault(source.path, {})[source.key] = source
    for path, sha in state.bibs.items():
        if path not in by_path:
            continue
        try:
            raw = (root / path).read_bytes()
        except OSError:
            continue
        if _blob_id(raw) == sha:
            state._bib_parsed[sha] = by_path[path]


def _parse_log(out: str) -> list[tuple[str, _dt.date | None, list[tuple[str, str, str]]]]:
    """``git log --raw -z --format=%x01%H %cs`` → ``[(sha, date, [(old, new, path)])]``."""
    commits = []
    for chunk in out.split("\x01")[1:]:
        head, _, rest = chunk.partition("\0")
        parts = head.split()
        if len(parts) < 2:
            continue
        try:
            date: _dt.date | None = _dt.date.fromisoformat(parts[1])
        except ValueError:
            date = None
        fields = rest.lstrip("\n").split("\0")
        changes = []
        i = 0
        while i + 1 < len(fields):
            meta = fields[i]
            if not meta.startswith(":"):
                i += 1
                continue
            m = meta[1:].split()
            path = fields[i + 1]
            if len(m) >= 5:
                changes.append((m[2], m[3], path))
            i += 2
        commits.append((parts[0], date, changes))
    return commits
