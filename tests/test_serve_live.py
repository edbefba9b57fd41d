"""A real ``mkdocs serve --dirty`` (and ``properdocs serve --dirty``), edited as a contributor
edits a wiki, read over HTTP as a browser reads it.

``test_serve_dirty.py`` checks the bytes of every rebuild in-process, with the server faked;
this test runs the real command in its own process group: MkDocs' live-reload server, its
build loop and its watcher, and the plugin's own file watcher (watchdog, inotify on Linux),
which tells the hot path (``plugin/hot.py``) which files changed. On a tiny generated project
(8 entries, one citation style, no worker processes) it saves, in turn:

1. a sentence added to an entry's summary: the entry's page shows it, rebuilt by the hot
   path (the log says "only the pages the change reaches");
2. the title of an entry another entry links to with ``[[slug]]``: the link on that page
   shows the new title, the entry's own heading and ``<title>`` too (hot path again);
3. the title of the entry's primary source in ``bib/``: its reference list shows it (hot);
4. a sentence added to the hand-written home page: shown, after MkDocs' whole ``--dirty``
   build (no hot message for that rebuild);
5. the entry's summary again, saved as a new file renamed over the old one (as many editors
   save): the hot path is back (the full build re-armed it);
6. invalid YAML in the entry: MkDocs' build (the set of pages changed), and the entry's URL
   serves the page that shows the problem with its file, line and offending line, other
   pages the banner;
7. the entry fixed: its page is back, without the banner, and the next edit is hot again;
8. a broken link added to the entry's details, then words after it on its line: every page's
   banner shows the problem's line as it is now (each page's banner changes: MkDocs' build).

Where the system gives no file events (no inotify), the plugin leaves the content folders
to MkDocs' polling and every rebuild is MkDocs' own: the test then checks that instead.
Each server takes a few seconds; every wait polls with a generous deadline (a loaded
2-core machine), never a fixed sleep.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import BIN, ROOT, tool_env

sys.path.insert(0, str(ROOT / "bench"))

import generate as gen  # noqa: E402

MOUNT = "/wiki/"  # the path of the generated project's site_url
HOT = "(only the pages the change reaches)"
FULL = "Building documentation..."  # MkDocs' (and ProperDocs') builder says it; the hot path does not
#: The lines that end one rebuild of the live-reload server (a success or a failure).
ENDS = ("Reloading browsers", "An error happened during the rebuild")
DEADLINE = 60.0  # seconds for anything the server does (a loaded machine)

# Only the loopback interface: an http_proxy in the environment must not see these requests.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _inotify_works() -> bool:
    """Whether watchdog gets file events here, as the plugin's watcher would."""
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        with tempfile.TemporaryDirectory() as folder:
            observer = Observer()
            observer.schedule(FileSystemEventHandler(), folder, recursive=True)
            observer.start()
            observer.stop()
            observer.join(10)
        return True
    except Exception:  # noqa: BLE001 -- exactly the plugin's test (serving.watch_natively)
        return False


class LiveServer:
    """``<tool> serve --dirty`` on 127.0.0.1 in ``project``, its whole log in ``log_path``."""

    def __init__(self, tool: str, project: Path, work: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}{MOUNT}"
        self.log_path = work / f"{tool}-serve.log"
        env = tool_env({"XDG_CACHE_HOME": str(work / "cache"), "SOURCE_DATE_EPOCH": "1704153600",
                        "PYTHONUNBUFFERED": "1", "CONCEPTWIKI_TIMINGS": None})
        with open(self.log_path, "wb") as log:
            # ProperDocs asks for its configuration file by name: a path relative to the project.
            config = ["-f", "mkdocs.yml"] if tool == "properdocs" else []
            self.proc = subprocess.Popen(
                [str(BIN / tool), "serve", "--dirty", "-a", f"127.0.0.1:{self.port}", *config], cwd=project, env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        """End the server and anything it started (its own process group)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(15)
            except ProcessLookupError:
                pass

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def mark(self) -> int:
        """Where the log is now: what a save makes the server say is after it."""
        return len(self.log())

    def get(self, page: str) -> str | None:
        try:
            with _LOCAL.open(self.base + page, timeout=30) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, OSError):
            return None

    def wait(self, what: str, ready: Callable[[], object]) -> object:
        """Poll ``ready`` until it gives something true; fail with the log after the deadline."""
        end = time.monotonic() + DEADLINE
        while True:
            value = ready()
            if value:
                return value
            if self.proc.poll() is not None:
                pytest.fail(f"the server exited ({self.proc.returncode}) while waiting for {what}:\n{self.log()}")
            if time.monotonic() > end:
                pytest.fail(f"{what}: not within {DEADLINE:.0f} s; the server's log:\n{self.log()}")
            time.sleep(0.05)

    def page_showing(self, page: str, test: Callable[[BeautifulSoup], bool], what: str) -> BeautifulSoup:
        def ready():
            html = self.get(page)
            if html is None:
                return None
            doc = BeautifulSoup(html, "html.parser")
            return doc if test(doc) else None
        return self.wait(f"{page} showing {what}", ready)  # type: ignore[return-value]

    def rebuild_log(self, since: int) -> str:
        """The log of the rebuild(s) after ``since``, once one has ended."""
        def done() -> str | None:
            text = self.log()[since:]  # every rebuild that started has ended
            ended = sum(text.count(end) for end in ENDS)
            return text if ended and ended >= text.count("Detected file changes") else None
        return self.wait("the end of the rebuild in the log", done)  # type: ignore[return-value]


def _text(doc: BeautifulSoup) -> str:
    """The page's visible text (its article; MkDocs' live-reload script is outside it)."""
    article = doc.select_one("article")
    return " ".join((article or doc).get_text(" ").split())


def _edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    gen.generate(root, 8, seed=3)
    cfg = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["plugins"][1]["conceptwiki"].update(styles=["apa"], cache=False, workers=0)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(params=["mkdocs", "properdocs"])
def server(request, project: Path, tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(request.param, project, tmp_path)  # properdocs is pinned in pyproject.toml [test]
    try:
        yield live
    finally:
        live.stop()


def test_edits_show_up_in_a_real_dirty_server(server: LiveServer, project: Path):
    native = _inotify_works()
    concepts = project / "concepts"
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(concepts.glob("*.yaml"))}
    # An entry another entry links to as [[slug]] (such a link shows the entry's title).
    linked, linker = next((s, o) for s in texts for o in texts if o != s and f"[[{s}]]" in texts[o])
    entry = concepts / f"{linked}.yaml"

    # The first build is done when the home page is served.
    server.page_showing("", lambda d: "Synthetic concept wiki" in _text(d), "the home page")
    watching = next(line for line in server.log().splitlines() if "Watching paths for changes" in line)
    # The content folders are the plugin's (file events) unless the system has none.
    assert ("'concepts'" in watching) is not native, watching

    def check(log: str, hot: bool, step: str) -> None:
        if hot and native:
            assert HOT in log and FULL not in log, f"{step}: not the hot path:\n{log}"
        else:
            assert FULL in log and HOT not in log, f"{step}: not MkDocs' build:\n{log}"

    # 1. A sentence added to the summary, on the entry's own page.
    since = server.mark()
    _edit_yaml(entry, lambda d: d.update(summary=d["summary"] + " A sentence added while serving."))
    server.page_showing(f"concepts/{linked}/", lambda d: "A sentence added while serving." in _text(d),
                        "the added sentence")
    log = server.rebuild_log(since)
    check(log, True, "summary")
    assert "Rebuilt " in log and "ERROR" not in log, log

    # 2. The new title on a page that links to the entry with [[slug]].
    since = server.mark()
    _edit_yaml(entry, lambda d: d.update(title="Retitled while serving"))

    def link_retitled(doc: BeautifulSoup) -> bool:
        article = doc.select_one("article")
        return article is not None and any(
            a.get_text(" ", strip=True) == "Retitled while serving" and a["href"].rstrip("/").endswith(linked)
            for a in article.select("a[href]"))

    server.page_showing(f"concepts/{linker}/", link_retitled, f"the link to {linked} with its new title")
    server.page_showing(f"concepts/{linked}/", lambda d: (h := d.select_one("article h1")) is not None
                        and h.get_text(" ", strip=True).startswith("Retitled while serving"), "the new title")
    server.page_showing(f"concepts/{linked}/", lambda d: d.title is not None
                        and d.title.get_text().startswith("Retitled while serving"), "the new <title>")
    check(server.rebuild_log(since), True, "title")

    # 3. A source's title in bib/: the entry citing it lists it with the new title.
    key = yaml.safe_load(entry.read_text(encoding="utf-8"))["sources"]["primary"]
    bib = next(p for p in sorted((project / "bib").glob("*.bib")) if f"{{{key}," in p.read_text(encoding="utf-8"))
    source = bib.read_text(encoding="utf-8")
    at = source.index("title", source.index(f"{{{key},"))
    since = server.mark()
    bib.write_text(source[:at] + source[at:].replace("{", "{Zanzibarian ", 1), encoding="utf-8")
    server.page_showing(f"concepts/{linked}/", lambda d: "zanzibarian" in _text(d).lower(), "the source's new title")
    check(server.rebuild_log(since), True, "bib")

    # 4. A hand-written page: MkDocs' whole --dirty build.
    since = server.mark()
    home = project / "docs" / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\nA line written on the home page.\n", encoding="utf-8")
    server.page_showing("", lambda d: "A line written on the home page." in _text(d), "the new line")
    log = server.rebuild_log(since)
    check(log, False, "docs/index.md")
    assert "Documentation built in" in log, log

    # 5. The entry again, saved as many editors save (a new file renamed over the old one):
    # the full build left the hot path ready.
    since = server.mark()
    data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    data["summary"] += " Another sentence."
    saved = entry.with_name(f".{entry.name}.tmp")
    saved.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")
    os.replace(saved, entry)
    server.page_showing(f"concepts/{linked}/", lambda d: "Another sentence." in _text(d), "the second sentence")
    check(server.rebuild_log(since), True, "summary after a full build")

    # 6. Invalid YAML: the entry's URL shows the problem (file and line), other pages the banner.
    good = entry.read_text(encoding="utf-8")
    first, rest = good.split("\n", 1)
    since = server.mark()
    entry.write_text(f"{first}\nsubtitle: a: b\n{rest}", encoding="utf-8")  # a colon YAML refuses
    where = f"concepts/{linked}.yaml:2:"

    def shows_problem(doc: BeautifulSoup) -> bool:
        h1 = doc.select_one("article h1")
        text = _text(doc)  # the heading, the message at file:line:column, the offending line
        return (h1 is not None and h1.get_text(" ", strip=True).startswith(f"Problems in concepts/{linked}.yaml")
                and "invalid YAML" in text and where in text and "2 | subtitle: a: b" in text)

    server.page_showing(f"concepts/{linked}/", shows_problem, f"the problem at {where}")
    log = server.rebuild_log(since)
    check(log, False, "invalid YAML")  # an entry without a page: the set of pages changed
    assert f"conceptwiki: {where}" in log and "invalid YAML" in log, log
    server.page_showing("", lambda d: (b := d.find(id="cw-problems-banner")) is not None
                        and f"concepts/{linked}.yaml" in b.get_text(" "), "the problems banner")

    # 7. Fixed: the entry's page is back, no banner anywhere; the next edit is hot again.
    since = server.mark()
    entry.write_text(good, encoding="utf-8")
    server.page_showing(f"concepts/{linked}/", lambda d: "Another sentence." in _text(d)
                        and d.find(id="cw-problems-banner") is None, "the entry again, without the banner")
    log = server.rebuild_log(since)
    check(log, False, "the fix")  # the entry's page is back: the set of pages changed again
    assert "ERROR" not in log, log
    server.page_showing("", lambda d: d.find(id="cw-problems-banner") is None, "no banner")
    since = server.mark()
    _edit_yaml(entry, lambda d: d.update(summary=d["summary"] + " A third sentence."))
    server.page_showing(f"concepts/{linked}/", lambda d: "A third sentence." in _text(d), "the third sentence")
    check(server.rebuild_log(since), True, "summary after the fix")

    # 8. Every page's banner shows the lines around each problem. A broken link in a new
    # paragraph of the entry's details: the banner on the linking entry's page (which a
    # details edit does not otherwise change) shows it; then words added after the link, on
    # its line (the problem's line and column unchanged): that banner shows them too.
    since = server.mark()
    _edit_yaml(entry, lambda d: d.update(details=d["details"].rstrip() + "\n\nSee [[no-such-concept]]."))

    def banner_frame(words: str) -> Callable[[BeautifulSoup], bool]:
        def test(doc: BeautifulSoup) -> bool:
            banner = doc.find(id="cw-problems-banner")
            return banner is not None and any(f"See [[no-such-concept]].{words}" in pre.get_text()
                                              for pre in banner.select("pre"))
        return test

    server.page_showing(f"concepts/{linker}/", banner_frame(""), "the banner with the broken link's line")
    assert f"conceptwiki: concepts/{linked}.yaml:" in server.rebuild_log(since)
    since = server.mark()
    _edit_yaml(entry, lambda d: d.update(details=d["details"].rstrip() + " Words after the link."))
    server.page_showing(f"concepts/{linked}/", lambda d: "Words after the link." in _text(d), "the added words")
    server.page_showing(f"concepts/{linker}/", banner_frame(" Words after the link."),
                        "the banner with the line as it is now")
    check(server.rebuild_log(since), False, "a problem's line")  # every page's banner changed

    # 9. The project's first policy instrument: instruments/ did not exist when the server
    # started. Made while it runs, it is watched from then on, and its page is served.
    if native:
        folder = project / "instruments"
        assert not folder.exists()
        folder.mkdir()
        (folder / "first-rule.yaml").write_text(FIRST_INSTRUMENT.format(key=key, concept=linked), encoding="utf-8")
        server.page_showing("instruments/first-rule/", lambda d: "A first rule made while serving" in _text(d),
                            "the new instrument's page")
        since = server.mark()
        _edit_yaml(folder / "first-rule.yaml", lambda d: d.update(summary=d["summary"] + " Amended later."))
        server.page_showing("instruments/first-rule/", lambda d: "Amended later." in _text(d),
                            "the instrument's edited summary")
    assert server.proc.poll() is None, server.log()


FIRST_INSTRUMENT = """title: A first rule made while serving
short_name: First rule
jurisdiction: Nowhere
type: company policy
issuing_body: A test company
status: in force
dates:
  published:
    date: 2024-01-02
    source: {key}
primary_source: {key}
summary: >-
  A rule written into the project while the server runs, to see that its folder is watched.
addresses:
  - concept: {concept}
    sentence: >-
      The rule names the concept.
    source: {key}
created: 2024-01-02
"""
