"""What the test modules share: one place for making projects, building them, running the
command line and reading what they wrote.

Test modules import from here, never from one another: a test module that others import
from turns its constants and helper functions into an interface nobody sees when editing it.
The sites that several modules only read are built once per run by the session fixtures in
``conftest.py`` (``real_site``, ``small_site``, ``repo_cli_builds``, ...), which use these
helpers too.

Two ways to test a stage:

* **in-process, on data** (fast; most tests): ``load_wiki`` and ``SiteBuilder(wiki,
  SiteConfig(...))``, then ``.pages()`` (``page.render()`` for a concept page's HTML body),
  ``.exports()``, ``.redirects()``; see :func:`small_builder`. Use this when a test checks
  what one stage produces: a page's HTML fragment, an export file, a redirect.
* **a real build in a subprocess** (:func:`mkdocs_build`, :func:`build_site`,
  :func:`run_cli`), when the test is about the whole build: MkDocs' strict mode and its
  warnings, the theme, the plugin's options, what lands on disk.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

import yaml
from bs4 import BeautifulSoup

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
#: The virtual environment's scripts: mkdocs, properdocs, conceptwiki.
BIN = Path(sys.executable).parent

if str(PLUGINS) not in sys.path:  # the package is tested from the source tree
    sys.path.insert(0, str(PLUGINS))

#: What a project is made of; everything else in its folder was written by a build.
SOURCES = ("concepts", "bib", "instruments", "docs", "mkdocs.yml")

# -- files -----------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8), making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def soup(path: Path) -> BeautifulSoup:
    """A built HTML file, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_soup(html: str) -> BeautifulSoup:
    """An HTML fragment (a rendered page body), parsed."""
    return BeautifulSoup(html, "html.parser")


def site_files(site: Path, *, skip_pagefind: bool = False) -> dict[str, bytes]:
    """Every file of a built site: relative path -> bytes (the Pagefind bundle left out if asked)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not (skip_pagefind and "pagefind" in p.parts)}


def source_tree_hash(root: Path) -> dict[str, str]:
    """Every file and folder under a project's sources: path -> sha256 of content and mode."""
    out: dict[str, str] = {}
    for name in SOURCES:
        top = root / name
        if not top.exists() and not top.is_symlink():  # an optional folder (instruments/)
            continue
        items = [top] + (sorted(top.rglob("*")) if top.is_dir() else [])
        for p in items:
            rel = p.relative_to(root).as_posix()
            st = p.lstat()
            data = p.read_bytes() if p.is_file() else b"<dir>"
            out[rel] = hashlib.sha256(data + oct(st.st_mode).encode()).hexdigest()
    return out


# -- the real content --------------------------------------------------------------------


def concept_slugs() -> list[str]:
    """The slugs of this repository's entries."""
    return sorted(p.stem for p in (ROOT / "concepts").glob("*.yaml"))


def real_entries() -> dict[str, dict]:
    """This repository's entries as plain YAML data, by slug."""
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "concepts").glob("*.yaml"))}


def copy_real_project(dest: Path, *, mkdocs_yml: str | None = None, search: str | None = None) -> Path:
    """A copy of this repository's project (mkdocs.yml, docs, concepts, bib, instruments) at ``dest``.

    ``mkdocs_yml`` replaces its configuration; ``search`` sets the plugin's ``search`` option
    (e.g. ``"material"`` for Material's lunr index instead of Pagefind).
    """
    dest.mkdir(parents=True)
    cfg = mkdocs_yml if mkdocs_yml is not None else (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if search:
        cfg = cfg.replace("  - conceptwiki:\n", f"  - conceptwiki:\n      search: {search}\n", 1)
        assert f"search: {search}" in cfg
    (dest / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    for folder in ("docs", "concepts", "bib", "instruments"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


#: The plugin's default citation styles (and those of this repository's mkdocs.yml).
DEFAULT_STYLES = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]


def real_mkdocs_config() -> dict:
    """This repository's mkdocs.yml as plain data."""
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))


def real_site_config(**overrides):
    """``SiteConfig`` for this repository's content as its mkdocs.yml sets it: site name and
    URL, the plugin's publisher and styles. ``overrides`` set other fields."""
    from conceptwiki.config import SiteConfig

    cfg = real_mkdocs_config()
    plugin = next(p["conceptwiki"] for p in cfg["plugins"] if isinstance(p, dict) and "conceptwiki" in p)
    fields = {"name": cfg["site_name"], "url": cfg["site_url"],
              "publisher": plugin.get("publisher") or cfg["site_name"],
              "styles": plugin.get("styles", DEFAULT_STYLES)}
    fields.update(overrides)
    return SiteConfig(**fields)


def real_builder(*, styles: list[str] = DEFAULT_STYLES, **overrides):
    """``SiteBuilder`` over this repository's content (:func:`real_site_config`), with a
    citation engine for ``styles``: its pages, exports and redirects, in-process."""
    from conceptwiki.citations.engine import CitationEngine
    from conceptwiki.model.loader import load_wiki
    from conceptwiki.render.site import SiteBuilder

    return SiteBuilder(load_wiki(ROOT), real_site_config(**overrides),
                       engine=CitationEngine(styles, base_dir=ROOT))


# -- a small wiki: two entries and one source --------------------------------------------

SMALL_BIB = """@article{smith2020example,
  author = {Smith, Jane and {{OpenAI}}},
  title = {An example about {AI} \\& safety},
  journal = {Journal of Examples},
  year = {2020},
  url = {https://example.org/paper_1?a=1&b=2}
}
"""

SMALL_ENTRY = """title: Example concept
kind: concept
status:
  level: established
summary: An example that links to [[other-concept]].
details: |
  A paragraph with <script>alert(1)</script> and [a link](javascript:alert(1)).
key_points:
  - One point.
related: [other-concept]
sources:
  primary: smith2020example
created: 2026-01-02
"""

OTHER_ENTRY = """title: Other concept
kind: risk
tags: [example-tag]
status:
  level: speculative
  note: Nobody has observed it.
summary: The other one.
sources:
  primary: smith2020example
created: 2026-01-02
updated: 2026-03-04
"""

SMALL_MKDOCS = """site_name: Test wiki
site_url: https://example.org/wiki/
theme:
  name: material
nav:
  - Home: index.md
  - Concepts: concepts/index.md
plugins:
  - search
  - conceptwiki:
      publisher: Test Publisher
"""


def small_project(dest: Path, mkdocs: str = SMALL_MKDOCS, *, home: str = "# Home\n",
                  entry: str = SMALL_ENTRY, docs_dir: str = "docs") -> Path:
    """The small wiki at ``dest``: ``example-concept`` (``entry``) and ``other-concept``, one
    BibTeX source, a home page (``home``, in ``docs_dir``) and ``mkdocs``."""
    write(dest / "mkdocs.yml", mkdocs)
    write(dest / docs_dir / "index.md", home)
    write(dest / "bib" / "main.bib", SMALL_BIB)
    write(dest / "concepts" / "example-concept.yaml", entry)
    write(dest / "concepts" / "other-concept.yaml", OTHER_ENTRY)
    return dest


def small_builder(root: Path, *, directory_urls: bool = True, engine=None, **site):
    """``SiteBuilder`` for a project folder, configured as :data:`SMALL_MKDOCS` configures the
    plugin: the in-process way to get one stage's output without building the site."""
    from conceptwiki.model.loader import load_wiki
    from conceptwiki.render.site import SiteBuilder
    from conceptwiki.config import SiteConfig

    wiki = load_wiki(root)
    assert wiki.ok, [str(p) for p in wiki.problems]
    config = SiteConfig(name="Test wiki", url="https://example.org/wiki/", publisher="Test Publisher",
                        directory_urls=directory_urls, **site)
    return SiteBuilder(wiki, config, engine=engine)


# -- a small wiki in git, with passages to cite (pinpoint tests, in and out of a browser) --

PINPOINT_MKDOCS = """site_name: Test wiki
site_url: https://example.org/wiki/
repo_url: https://github.com/example/wiki
theme:
  name: material
nav:
  - Home: index.md
  - Concepts: concepts/index.md
plugins:
  - search
  - conceptwiki:
      publisher: Test Publisher
      styles: [apa, chicago-author-date, oscola, chicago-notes-bibliography]
validation:
  anchors: warn
"""

PINPOINT_ENTRY = """title: Example concept
kind: concept
status:
  level: established
summary: An example that links to [[other-concept]].
details: |
  The first paragraph says one thing.

  The second paragraph says another.

  - A listed claim.
  - Another listed claim.

  ### A heading

  The last paragraph, after [[other-concept|a link]].
key_points:
  - One point.
  - Another point.
related: [other-concept]
sources:
  primary: smith2020example
created: 2026-01-02
"""


def pinpoint_project(dest: Path, entry: str = PINPOINT_ENTRY) -> Path:
    """The small wiki with :data:`PINPOINT_ENTRY` and :data:`PINPOINT_MKDOCS` (no git yet)."""
    return small_project(dest, PINPOINT_MKDOCS, entry=entry)


def git(cwd: Path, *args: str, date: str = "2026-01-02T10:00:00+00:00") -> str:
    """Run git with a fixed author, committer and date, and no user or system configuration."""
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, GIT_AUTHOR_NAME="T",
               GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="T",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_GLOBAL=os.devnull,
               GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def commit(root: Path, message: str, date: str) -> str:
    """Commit everything in ``root`` at ``date``; return the new revision."""
    git(root, "add", "-A", date=date)
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD", date=date)


# -- building and running ----------------------------------------------------------------


def tool_env(env: dict[str, str | None] | None = None) -> dict[str, str]:
    """The environment for a build or CLI run: this one, with the package from the source tree
    and MkDocs' banner about 2.0 off. A value of None in ``env`` removes that variable."""
    out = dict(os.environ, PYTHONPATH=str(PLUGINS), NO_MKDOCS_2_WARNING="1")
    for key, value in (env or {}).items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def mkdocs_build(project: Path, *args: str, out: str = "site", tool: str = "mkdocs",
                 env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess:
    """``mkdocs build --strict -d <out> [args]`` in ``project``, in a subprocess (``tool`` may
    be ``properdocs``). The result is returned whatever the exit status."""
    return subprocess.run([str(BIN / tool), "build", "--strict", "-d", out, *args], cwd=project,
                          capture_output=True, text=True, env=tool_env(env), timeout=600)


def problem_lines(result: subprocess.CompletedProcess) -> list[str]:
    """The lines of a build's log that are warnings or errors (MkDocs, the theme, the plugin)."""
    return [line for line in result.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]


def assert_clean_build(result: subprocess.CompletedProcess) -> None:
    """The build succeeded with no unexpected warning of any kind."""
    assert result.returncode == 0, result.stderr
    assert problem_lines(result) == []


def build_site(project: Path, *args: str, out: str = "site", tool: str = "mkdocs",
               env: dict[str, str | None] | None = None) -> Path:
    """Build ``project`` (strict), require a clean build and return the site folder."""
    assert_clean_build(mkdocs_build(project, *args, out=out, tool=tool, env=env))
    return project / out


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str | None] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """``conceptwiki <args>`` as a real process (``python -m conceptwiki.cli``) in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "conceptwiki.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=tool_env(env), timeout=timeout)


@dataclass(frozen=True)
class BuiltSite:
    """A project built once for several tests (see the session fixtures in conftest.py).
    Tests read it and never write into it."""

    project: Path
    site: Path
    #: The build's log.
    stderr: str
    #: :func:`source_tree_hash` of the project before it was built.
    sources_before: dict[str, str]


def once_per_run(tmp_path_factory, name: str, make: Callable[[], T]) -> T:
    """``make()`` for a session fixture, made once per test run however many pytest-xdist
    workers ask for it: the first worker makes it under a lock in the run's shared temporary
    folder, the others wait and read the same value (paths into the first worker's folders,
    which tests only read). Each worker building the real wiki itself cost a second build of
    ~25 s CPU per fixture, on a machine whose two cores the workers already fill."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make()
    import fcntl
    import pickle

    shared = tmp_path_factory.getbasetemp().parent  # pytest-N/, above each worker's popen-gwX/
    done = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if done.exists():
                return pickle.loads(done.read_bytes())
            value = make()
            done.write_bytes(pickle.dumps(value))
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_shared(project: Path, *, out: str = "site", env: dict[str, str | None] | None = None) -> BuiltSite:
    """Build a project for a session fixture: strict, and failing on any unexpected warning."""
    before = source_tree_hash(project)
    result = mkdocs_build(project, out=out, env=env)
    assert_clean_build(result)
    return BuiltSite(project, project / out, result.stderr, before)


# -- serving a built site ----------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


class Server:
    """A static file server for one folder, on a free port of 127.0.0.1."""

    def __init__(self, folder: Path):
        self.folder = folder
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# -- reading exports back ----------------------------------------------------------------


def norm(text: str) -> str:
    """Whitespace normalised: the only difference a round trip may make to text."""
    return " ".join(str(text).split())


def read_bibtexparser(text: str) -> dict:
    """One BibTeX entry read with bibtexparser 2 (no middlewares): key, type, raw fields."""
    import bibtexparser

    lib = bibtexparser.parse_string(text, parse_stack=[])
    assert not lib.failed_blocks, [b.error for b in lib.failed_blocks]
    assert len(lib.entries) == 1, text
    entry = lib.entries[0]
    fields = {}
    for f in entry.fields:
        v = f.value
        if v.startswith("{") and v.endswith("}"):
            v = v[1:-1]
        fields[f.key.lower()] = v
    return {"key": entry.key, "type": entry.entry_type, "fields": fields}


def read_pybtex(text: str) -> dict:
    """One BibTeX entry read with pybtex: key, type, fields and persons by role."""
    import pybtex.database

    data = pybtex.database.parse_string(text, "bibtex")
    assert len(data.entries) == 1
    (key, entry), = data.entries.items()
    fields = {k.lower(): v for k, v in entry.fields.items()}
    persons = {role.lower(): list(people) for role, people in entry.persons.items()}
    return {"key": key, "type": entry.type, "fields": fields, "persons": persons}


def docx_footnotes(docx_bytes: bytes) -> list[str]:
    """The text of the real footnotes (word/footnotes.xml), separators left out."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        if "word/footnotes.xml" not in z.namelist():
            return []
        xml = z.read("word/footnotes.xml").decode("utf-8")
    out = []
    for m in re.finditer(r'<w:footnote\b([^>]*)>(.*?)</w:footnote>', xml, re.S):
        if 'w:type="separator"' in m.group(1) or 'w:type="continuationSeparator"' in m.group(1):
            continue
        text = "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", m.group(2)))
        out.append(" ".join((text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")).split()))
    return out
