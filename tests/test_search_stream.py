"""Streaming pages to Pagefind while the site builds (plugins/conceptwiki/search_stream.py).

The bundle must search exactly as the CLI's: added in the CLI's page order, a stream writes the
same bytes; a streamed build holds the same pages and fragments as a CLI build; the same input
gives the same bytes; a failing Pagefind is a clear error that leaves no bundle and no process.
"""

from __future__ import annotations

import filecmp
import gzip
import json
import logging
import re
import sys
from pathlib import Path

import pytest

from helpers import small_project

from conceptwiki.search.pagefind import SearchError, run_pagefind
from conceptwiki.search.stream import PagefindStream, finish_search, page_url


def differences(left: Path, right: Path) -> list[str]:
    def walk(c: filecmp.dircmp) -> list[str]:
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        out = c.left_only + c.right_only + mismatch + errors
        for sub in c.subdirs.values():
            out += walk(sub)
        return out

    return walk(filecmp.dircmp(left, right))


def html_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] != "pagefind")


def page_order(bundle: Path) -> list[str]:
    """The URLs of the indexed pages, in Pagefind's page numbering (the order in ``*.pf_meta``)."""
    (meta,) = bundle.glob("pagefind.*.pf_meta")
    urls = []
    # CBOR: each page is [hash, word count]; a hash is a 10-character text ("j") like en_0b2a7c0.
    for name in re.findall(rb"\x6a([a-z]{2}_[0-9a-f]{7})", gzip.decompress(meta.read_bytes())):
        fragment = bundle / "fragment" / (name.decode() + ".pf_fragment")
        if fragment.is_file():
            data = gzip.decompress(fragment.read_bytes())
            urls.append(json.loads(data[data.index(b"{"):])["url"])
    return urls


def url_file(url: str) -> str:
    rel = url.lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


@pytest.fixture(scope="module")
def streamed_site(real_site: Path) -> Path:
    """The real project built as `mkdocs build` does by default: pages streamed to Pagefind
    (built once per run, conftest.py)."""
    return real_site


@pytest.fixture(scope="module")
def cli_bundle(streamed_site: Path, tmp_path_factory) -> Path:
    """The Pagefind CLI run over the same finished pages (the path used before streaming)."""
    site = tmp_path_factory.mktemp("cli") / "site"
    for rel in html_files(streamed_site):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes((streamed_site / rel).read_bytes())
    run = run_pagefind(site)
    assert run.indexer == "cli" and run.files > 0
    return site / "pagefind"


def copy_pages(src: Path, dest: Path) -> Path:
    for rel in html_files(src):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes((src / rel).read_bytes())
    return dest


def test_page_url_is_the_clis():
    assert page_url("index.html") == "/"
    assert page_url("concepts/index.html") == "/concepts/"
    assert page_url("concepts/mesa-optimization/index.html") == "/concepts/mesa-optimization/"
    assert page_url("404.html") == "/404.html"
    assert page_url("about.html") == "/about.html"
    assert page_url("concepts/index.html", keep_index_url=True) == "/concepts/index.html"


def test_streamed_build_indexes_the_same_pages_as_the_cli(streamed_site: Path, cli_bundle: Path):
    bundle = streamed_site / "pagefind"
    # Fragments are named by the hash of their content (URL, text, meta, anchors, word count):
    # the same set means the same pages, indexed with the same text, meta and ignored parts.
    assert differences(bundle / "fragment", cli_bundle / "fragment") == []
    assert sorted(page_order(bundle)) == sorted(page_order(cli_bundle))
    urls = page_order(bundle)
    assert "/concepts/mesa-optimization/" in urls and "/about/" in urls
    assert "/instruments/eu-ai-act/" in urls
    for unsearched in ("/concepts/", "/tags/", "/tags/inner-alignment/", "/concepts/mesa-optimiser/",
                       "/instruments/", "/sources/"):
        assert unsearched not in urls
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    cli_entry = json.loads((cli_bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == list(cli_entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == cli_entry["languages"]["en"]["page_count"]
    assert not [p.name for p in streamed_site.iterdir() if p.name.startswith(".pagefind")]


def test_stream_in_the_clis_order_writes_the_clis_bytes(streamed_site: Path, cli_bundle: Path,
                                                        tmp_path: Path):
    """Weights, meta, ignored parts and language: byte for byte the CLI's bundle, once the pages
    come in the same order (the CLI walks the folder in the file system's order)."""
    site = copy_pages(streamed_site, tmp_path / "site")
    first = [url_file(u) for u in page_order(cli_bundle)]
    stream = PagefindStream(site)
    for rel in first:
        stream.add(rel, (site / rel).read_text(encoding="utf-8"))
    run = stream.finish()  # the pages that are not indexed are added from disk
    # Only the pages Pagefind keeps are sent; the listings and redirects are not parsed at all.
    assert run.indexer == "stream" and run.pages == len(first) < len(html_files(site)) / 2
    assert differences(site / "pagefind", cli_bundle) == []
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    assert (run.files, run.bytes) == (len(files), sum(p.stat().st_size for p in files))


def test_stream_is_deterministic(streamed_site: Path, real_site_elsewhere: Path, tmp_path: Path):
    bundles = []
    for name in ("one", "two"):
        site = copy_pages(streamed_site, tmp_path / name)
        with PagefindStream(site) as stream:
            for rel in html_files(site):
                stream.add(rel, (site / rel).read_text(encoding="utf-8"))
            stream.finish()
        bundles.append(site / "pagefind")
    assert differences(*bundles) == []
    # A build of the same commit streams the pages in MkDocs' fixed order: same bytes again
    # (the same project built in another folder with another hash seed, conftest.py).
    assert differences(streamed_site / "pagefind", real_site_elsewhere / "pagefind") == []


def test_pages_not_handed_over_are_read_from_disk(streamed_site: Path, tmp_path: Path):
    site = copy_pages(streamed_site, tmp_path / "site")
    stream = PagefindStream(site)
    stream.add("concepts/inner-alignment/index.html",
               (site / "concepts/inner-alignment/index.html").read_text(encoding="utf-8"))
    run = stream.finish()
    assert run.pages == len(page_order(site / "pagefind"))
    assert sorted(page_order(site / "pagefind")) == sorted(page_order(streamed_site / "pagefind"))


def test_a_page_changed_after_it_was_handed_over_is_refused(streamed_site: Path, tmp_path: Path):
    """If a plugin after conceptwiki rewrites a page, the streamed copy is stale: the stream
    says so and finish_search indexes the finished site with the CLI instead."""
    site = copy_pages(streamed_site, tmp_path / "site")
    rel = "concepts/inner-alignment/index.html"
    text = (site / rel).read_text(encoding="utf-8")
    stream = PagefindStream(site)
    stream.add(rel, text)
    (site / rel).write_text(text.replace("</body>", "<!-- minified later --></body>"), encoding="utf-8")
    notes: list[str] = []
    run = finish_search(stream, site, note=notes.append)
    assert run.indexer == "cli" and (site / "pagefind" / "pagefind.js").is_file()
    assert len(notes) == 1 and "is not the page that was indexed" in notes[0]
    assert "a later plugin changed it" in notes[0] and "with the Pagefind CLI instead" in notes[0]
    assert stream._proc.poll() is not None


FAKE_SERVICE = r'''
import base64, json, sys
mode = sys.argv[1]
if "--service" not in sys.argv:
    sys.exit(0)
if mode == "exit":
    sys.stderr.write("error: simulated start-up failure\n")
    sys.exit(3)
buf = b""
while True:
    c = sys.stdin.buffer.read(1)
    if not c:
        sys.exit(0)
    if c != b",":
        buf += c
        continue
    msg, buf = json.loads(base64.b64decode(buf)), b""
    kind = msg["payload"]["type"]
    if mode == "nostart":
        continue
    if kind == "NewIndex":
        payload = {"type": "NewIndex", "index_id": 0}
    elif mode == "crash":
        sys.stderr.write("thread 'main' panicked at src/fossick/mod.rs: simulated crash\n")
        sys.exit(101)
    elif mode == "error" and kind == "AddFile":
        payload = {"type": "Error", "message": "Failed to add file"}
    elif mode == "garbage":
        sys.stdout.buffer.write(b"not the protocol,")
        sys.stdout.flush()
        continue
    elif mode == "hang":
        continue
    elif mode == "empty" and kind == "GetFiles":
        payload = {"type": "GetFiles", "files": []}
    elif mode == "nobuild" and kind == "GetFiles":
        payload = {"type": "Error", "message": "Pagefind wasn't able to build an index"}
    elif mode == "escape" and kind == "GetFiles":
        payload = {"type": "GetFiles", "files": [{"path": "pagefind.js", "content": ""},
                                                 {"path": "../index.html", "content": ""}]}
    else:
        payload = {"type": "IndexedFile", "page_word_count": 1, "page_url": "/", "page_meta": {}}
    out = {"message_id": msg["message_id"], "payload": payload}
    sys.stdout.buffer.write(base64.b64encode(json.dumps(out).encode()) + b",")
    sys.stdout.flush()
'''


def fake_pagefind(tmp_path: Path, mode: str) -> Path:
    script = tmp_path / f"fake-{mode}.py"
    script.write_text(FAKE_SERVICE, encoding="utf-8")
    exe = tmp_path / f"pagefind-{mode}"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" {mode} "$@"\n', encoding="utf-8")
    exe.chmod(0o755)
    return exe


def small_site(tmp_path: Path, marked: bool = True) -> Path:
    site = tmp_path / "site"
    mark = " data-pagefind-body" if marked else ""
    for i in range(3):
        (site / f"p{i}").mkdir(parents=True)
        (site / f"p{i}" / "index.html").write_text(
            f'<html lang="en"><body><article{mark}><h1>Page {i}</h1>'
            f"<p>Words about page {i}.</p></article></body></html>", encoding="utf-8")
    return site


def test_without_any_data_pagefind_body_every_page_is_indexed(tmp_path: Path):
    """Pagefind's rule: no data-pagefind-body anywhere means every <body> is indexed."""
    site = small_site(tmp_path, marked=False)
    (site / "404.html").write_text('<html lang="en"><body><h1>Not found</h1></body></html>',
                                   encoding="utf-8")
    stream = PagefindStream(site)
    for rel in ("p2/index.html", "p0/index.html"):
        stream.add(rel, (site / rel).read_text(encoding="utf-8"))
    run = stream.finish()
    assert run.pages == 4
    assert page_order(site / "pagefind") == ["/p2/", "/p0/", "/404.html", "/p1/"]
    cli = copy_pages(site, tmp_path / "cli")
    run_pagefind(cli)
    assert sorted(page_order(cli / "pagefind")) == sorted(page_order(site / "pagefind"))
    assert differences(site / "pagefind" / "fragment", cli / "pagefind" / "fragment") == []


def assert_clean(stream: PagefindStream, site: Path) -> None:
    assert stream._proc is None or stream._proc.poll() is not None, "Pagefind child still running"
    assert not (site / "pagefind").exists()
    assert [p.name for p in site.iterdir() if p.name.startswith(".pagefind")] == []


@pytest.mark.parametrize("mode, expected", [
    ("exit", ["stopped while indexing", "exit 3", "error: simulated start-up failure"]),
    ("crash", ["stopped while indexing", "exit 101", "panicked at src/fossick/mod.rs: simulated crash"]),
    ("error", ["could not index p0/index.html: Failed to add file"]),
    ("garbage", ["answered something that is not its protocol", "'not the protocol'"]),
    ("empty", ["returned no search bundle (0 files, no pagefind.js)"]),
    ("nobuild", ["could not finish building the bundle: Pagefind wasn't able to build an index"]),
    ("escape", ["returned a file outside its bundle: '../index.html'"]),
])
def test_a_failing_pagefind_is_a_clear_error_and_leaves_nothing(tmp_path: Path, mode: str,
                                                               expected: list[str]):
    site = small_site(tmp_path)
    exe = fake_pagefind(tmp_path, mode)
    stream = PagefindStream(site, executable=exe)
    for rel in html_files(site):
        stream.add(rel, (site / rel).read_text(encoding="utf-8"))
    with pytest.raises(SearchError) as info:
        stream.finish()
    message = str(info.value)
    assert message.startswith("search: Pagefind")
    for part in expected:
        assert part in message
    if mode in ("exit", "crash"):
        assert str(exe) in message and "CONCEPTWIKI_PAGEFIND=cli" in message
        assert "pip install 'pagefind[extended]==1.5.2'" in message
    assert "Traceback" not in message
    assert_clean(stream, site)


def test_a_missing_binary_is_a_clear_error(tmp_path: Path):
    site = small_site(tmp_path)
    stream = PagefindStream(site, executable=tmp_path / "no-such-pagefind")
    stream.add("p0/index.html", "<html><body>x</body></html>")  # never raises
    stream.add("p1/index.html", "<html><body>y</body></html>")
    with pytest.raises(SearchError) as info:
        stream.finish()
    assert "could not run Pagefind" in str(info.value) and "no-such-pagefind" in str(info.value)
    assert_clean(stream, site)


def test_a_silent_pagefind_is_stopped(tmp_path: Path, monkeypatch):
    import conceptwiki.search.stream as mod

    monkeypatch.setattr(mod, "STALL_SECONDS", 1.0)
    site = small_site(tmp_path)
    stream = PagefindStream(site, executable=fake_pagefind(tmp_path, "hang"))
    stream.add("p0/index.html", (site / "p0/index.html").read_text(encoding="utf-8"))
    with pytest.raises(SearchError, match="did not answer for 1 s"):
        stream.finish()
    assert_clean(stream, site)


def test_a_pagefind_that_never_starts_is_stopped(tmp_path: Path, monkeypatch):
    import conceptwiki.search.stream as mod

    monkeypatch.setattr(mod, "STALL_SECONDS", 1.0)
    site = small_site(tmp_path)
    stream = PagefindStream(site, executable=fake_pagefind(tmp_path, "nostart"))
    for rel in html_files(site):  # the build goes on: add() never raises
        stream.add(rel, (site / rel).read_text(encoding="utf-8"))
    with pytest.raises(SearchError, match="did not start within 1 s"):
        stream.finish()
    assert_clean(stream, site)


def test_ctrl_c_while_writing_leaves_no_bundle_and_no_process(tmp_path: Path, monkeypatch):
    site = small_site(tmp_path)
    stream = PagefindStream(site)
    for rel in html_files(site):
        stream.add(rel, (site / rel).read_text(encoding="utf-8"))

    def interrupted(what, payload):
        assert list(site.glob(".pagefind-partial-*"))  # the partial bundle exists here
        raise KeyboardInterrupt

    monkeypatch.setattr(stream, "_call", interrupted)
    with pytest.raises(KeyboardInterrupt):
        stream.finish()
    assert_clean(stream, site)


@pytest.mark.skipif(not Path("/proc/self/environ").is_file(), reason="reads the child's /proc/<pid>/environ")
@pytest.mark.parametrize("own", [None, "narenas:1"])
def test_pagefind_runs_with_jemalloc_returning_freed_memory(tmp_path: Path, monkeypatch, own):
    """The Pagefind child gets ``_RJEM_MALLOC_CONF`` (its peak at N=5,000: 1,318 -> 1,068 MiB),
    unless the caller set one, which is passed on untouched."""
    from conceptwiki.search.pagefind import JEMALLOC_CONF, JEMALLOC_ENV

    if own is None:
        monkeypatch.delenv(JEMALLOC_ENV, raising=False)
    else:
        monkeypatch.setenv(JEMALLOC_ENV, own)
    site = small_site(tmp_path)
    stream = PagefindStream(site).start()
    assert stream._proc is not None
    environ = Path(f"/proc/{stream._proc.pid}/environ").read_bytes().split(b"\0")
    assert f"{JEMALLOC_ENV}={own or JEMALLOC_CONF}".encode() in environ
    for rel in html_files(site):
        stream.add(rel, (site / rel).read_text(encoding="utf-8"))
    run = stream.finish()
    assert run.files > 0 and (site / "pagefind" / "pagefind.js").is_file()


def test_an_older_bundle_is_replaced_whole(tmp_path: Path):
    site = small_site(tmp_path)
    (site / "pagefind").mkdir()
    (site / "pagefind" / "stale.pf_fragment").write_text("old", encoding="utf-8")
    with PagefindStream(site) as stream:
        stream.add("p0/index.html", (site / "p0/index.html").read_text(encoding="utf-8"))
        run = stream.finish()
    assert not (site / "pagefind" / "stale.pf_fragment").exists()
    assert (site / "pagefind" / "pagefind.js").is_file() and run.files > 5
    assert [p.name for p in site.iterdir() if p.name.startswith(".pagefind")] == []


def test_build_falls_back_to_the_cli_when_the_service_fails(tmp_path: Path, monkeypatch, caplog):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import conceptwiki.search.stream as mod

    exe = fake_pagefind(tmp_path, "exit")
    monkeypatch.setattr(mod, "pagefind_executable", lambda: exe)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    project = small_project(tmp_path / "project")
    caplog.set_level(logging.INFO)
    build(load_config(str(project / "mkdocs.yml")))
    site = project / "site"
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert "/concepts/example-concept/" in page_order(site / "pagefind")
    notes = [r.getMessage() for r in caplog.records if "Pagefind CLI instead" in r.getMessage()]
    assert len(notes) == 1 and "exit 3" in notes[0]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [p.name for p in site.iterdir() if p.name.startswith(".pagefind")] == []


def test_cli_indexer_is_still_available(tmp_path: Path, monkeypatch, caplog):
    """CONCEPTWIKI_PAGEFIND=cli: no stream; the CLI indexes the finished site, as before."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import conceptwiki.plugin as plugin

    def no_stream(*args, **kwargs):
        raise AssertionError("a stream was started although CONCEPTWIKI_PAGEFIND=cli")

    monkeypatch.setattr(plugin, "PagefindStream", no_stream)
    monkeypatch.setenv("CONCEPTWIKI_PAGEFIND", "cli")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    project = small_project(tmp_path / "project")
    caplog.set_level(logging.DEBUG)
    build(load_config(str(project / "mkdocs.yml")))
    assert (project / "site" / "pagefind" / "pagefind.js").is_file()
    assert [r.getMessage() for r in caplog.records if "Pagefind (cli): " in r.getMessage()]


@pytest.mark.parametrize("serve_search", [False, True])
def test_mkdocs_serve_streams_only_with_serve_search(tmp_path: Path, monkeypatch, caplog,
                                                      serve_search: bool):
    """`mkdocs serve` does not index (every rebuild would wait) unless `serve_search: true`."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import conceptwiki.plugin as plugin

    started: list[Path] = []

    class Recording(PagefindStream):
        def start(self):
            started.append(self.site_dir)
            return super().start()

    monkeypatch.setattr(plugin, "PagefindStream", Recording)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    project = small_project(tmp_path / "project")
    if serve_search:
        cfg = (project / "mkdocs.yml").read_text(encoding="utf-8")
        (project / "mkdocs.yml").write_text(
            cfg.replace("  - conceptwiki:\n", "  - conceptwiki:\n      serve_search: true\n", 1),
            encoding="utf-8")
    caplog.set_level(logging.DEBUG)
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    for _ in range(2):  # a first build and a rebuild, as serve does
        build(config, serve_url="http://127.0.0.1:8000/")
    site = project / "site"
    if serve_search:
        assert started == [site, site]
        assert "/concepts/example-concept/" in page_order(site / "pagefind")
        assert len([r for r in caplog.records if "Pagefind (stream): " in r.getMessage()]) == 2
    else:
        assert started == [] and not (site / "pagefind").exists()
        assert any("Pagefind does not index in `mkdocs serve`" in r.getMessage() for r in caplog.records)
    assert [p.name for p in site.iterdir() if p.name.startswith(".pagefind")] == []
