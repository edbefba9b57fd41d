"""Index pages for Pagefind while the site builds, instead of after it.

The Pagefind CLI (``search.run_pagefind``) reads the finished site and indexes it after every
other step of the build. This module runs Pagefind's *service* mode (``pagefind --service``,
the protocol the ``pagefind`` Python package speaks) in a child process and hands it each page
as soon as the build has rendered it: Pagefind parses the pages on another core while the
build renders the next ones, and only the final step (building the index chunks, which come
back over the pipe and are written here) is left for the end.

Engine-free: no MkDocs import. ``plugin.py`` creates a :class:`PagefindStream`, calls
:meth:`PagefindStream.add` with each rendered page and :func:`finish_search` at the end.

Why not ``pagefind.index.PagefindIndex`` itself: its reader sleeps 0.1 s before each response
(200 s for the 2,000 pages of a 1,000-concept site), it caps a response at 2 MiB and merges the
binary's stderr into the protocol stream. The protocol is small (base64 JSON messages ended by
a comma, answered in order), so this module speaks it over plain pipes with two threads.

Determinism: Pagefind numbers the pages in the order they are added and the bundle's bytes
depend on that order (checked: adding the same pages reversed changes the index chunks and
``pagefind-entry.json``). The service handles one message at a time, in the order received, so
the order is the order of :meth:`~PagefindStream.add` calls -- MkDocs renders its pages in a
fixed order (its sorted file list) -- followed by any other HTML file of the site (``404.html``,
HTML copied from ``docs/``) in sorted path order. The CLI walks the folder in the file system's
own order instead, so the two bundles hold the same pages and fragments but number them
differently (tests/test_search_stream.py checks that, added in the CLI's order, the bytes match).

Only what Pagefind keeps is sent: once any page has a ``data-pagefind-body`` element, Pagefind
drops every page without one (``mark_page`` marks the article of every searchable page), so
those pages -- listings, tag pages and the ~1,000 alias redirects of a 1,000-concept site -- are
not sent at all. Pages are dropped before Pagefind numbers them, so this changes no byte of the
bundle (checked against the CLI's bundle in tests/test_search_stream.py).

Pages are handed over from ``on_post_page``, before MkDocs writes them; if a plugin running after
conceptwiki changed a page, its size on disk differs and ``finish`` refuses the stream
(:class:`StreamMismatch`), and :func:`finish_search` indexes the finished site with the CLI.

Cleanup: the bundle is written into a hidden temporary folder inside the site and renamed to
``pagefind/`` only when complete; on any error, Ctrl+C or interpreter exit the child is killed
and the temporary folder removed, so a site never has a half-written bundle.
"""

from __future__ import annotations

import atexit
import base64
import binascii
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from typing import IO
from pathlib import Path

from .pagefind import (INSTALL_HINT, PAGEFIND_DIR, PagefindRun, SearchError, pagefind_env, pagefind_executable,
                       run_pagefind)

__all__ = ["PagefindStream", "StreamMismatch", "finish_search", "page_url", "stream_enabled"]

#: Environment variable: ``cli`` indexes the finished site with the Pagefind CLI after the build
#: (the path used before streaming), anything else or unset streams.
INDEXER_ENV = "CONCEPTWIKI_PAGEFIND"
#: Seconds without any answer from Pagefind, while it still has work, before giving up.
STALL_SECONDS = 600.0
_STOP = object()
#: Pagefind indexes only pages with this attribute once any page has it (attributes are
#: case-insensitive; a page merely mentioning it in its text is sent and Pagefind decides).
_MARK = b"data-pagefind-body"
_LIVE: "weakref.WeakSet[PagefindStream]" = weakref.WeakSet()


def stream_enabled() -> bool:
    """Whether pages are streamed to Pagefind (default) or the CLI indexes the finished site."""
    return os.environ.get(INDEXER_ENV, "").strip().lower() != "cli"


def page_url(dest_path: str, *, keep_index_url: bool = False) -> str:
    """The URL Pagefind's CLI gives the file at ``dest_path`` (relative to the site): a leading
    ``/``, and ``index.html`` dropped (``concepts/x/index.html`` -> ``/concepts/x/``)."""
    rel = dest_path.replace("\\", "/").lstrip("/")
    if not keep_index_url and (rel == "index.html" or rel.endswith("/index.html")):
        rel = rel[: -len("index.html")]
    return "/" + rel


class StreamMismatch(SearchError):
    """A page on disk is not the page that was handed over (a later plugin rewrote it)."""


class PagefindStream:
    """A Pagefind service fed with pages while the site is built.

    ``add(dest_path, html)`` only queues the page and returns; a writer thread sends it to the
    Pagefind child and a reader thread collects the answers. ``finish()`` adds the site's other
    HTML files, writes the bundle to ``<site_dir>/pagefind/`` atomically and returns a
    :class:`~conceptwiki.search.PagefindRun`; ``abort()`` stops everything and leaves no trace.
    Any failure of the child surfaces as :class:`~conceptwiki.search.SearchError` from
    ``finish()`` (``add`` never raises, so a failing index does not interrupt the build).
    """

    def __init__(self, site_dir: Path | str, *, language: str = "en",
                 executable: Path | str | None = None) -> None:
        self.site_dir = Path(site_dir)
        self.language = language
        self._exe = Path(executable) if executable is not None else None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._sizes: dict[str, int] = {}      # every page handed over -> its size in bytes
        self._held: list[tuple[str, bytes]] | None = []  # unmarked pages, until a marked one comes
        self._sent_pages = 0
        self._lock = threading.Lock()
        self._sent: dict[int, str] = {}       # message id -> what it was (for error messages)
        self._awaited: set[int] = set()       # message ids of calls whose answer is waited for
        self._answers: dict[int, dict] = {}   # their answers
        self._answered = threading.Condition(self._lock)
        self._last_answer = time.monotonic()
        self._next_id = 0
        self._index_id: int | None = None
        self._error: str | None = None
        self._reader_done = False
        self._proc: subprocess.Popen | None = None
        self._stderr: IO[bytes] | None = None
        self._writer: threading.Thread | None = None
        self._reader: threading.Thread | None = None
        self._tmp_bundle: Path | None = None
        self._closed = False

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> "PagefindStream":
        """Launch the child and create the index (``add`` starts it if needed)."""
        if self._proc is not None:
            return self
        exe = self._exe or pagefind_executable()
        self._exe = exe
        stderr = self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen([str(exe), "--service"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=stderr, env=pagefind_env())
        except OSError as exc:
            stderr.close()
            raise SearchError(f"search: could not run Pagefind ({exe}): {exc}; {INSTALL_HINT}") from None
        _LIVE.add(self)
        self._reader = threading.Thread(target=self._read, name="pagefind-reader", daemon=True)
        self._writer = threading.Thread(target=self._write, name="pagefind-writer", daemon=True)
        self._reader.start()
        self._writer.start()
        # Wait for the index (the binary starting up: milliseconds, once): each page's message
        # names it, and is then encoded by the caller -- a writer thread doing that work would
        # only take the GIL from the build, at a higher price (measured at N=5,000).
        self._queue.put(self._encode("creating the index",
                                     {"type": "NewIndex", "config": {"force_language": self.language}}))
        with self._lock:
            while self._index_id is None and self._error is None and not self._reader_done:
                if time.monotonic() - self._last_answer > STALL_SECONDS:
                    self._error = f"search: Pagefind ({exe}) did not start within {STALL_SECONDS:.0f} s"
                    break
                self._answered.wait(0.5)
        if self._index_id is None:
            message = self._error or self._died("creating the index")
            if self._proc.poll() is None:  # no child outlives a failed start
                self._proc.kill()
                self._proc.wait()
            raise SearchError(message)
        return self

    def add(self, dest_path: str, html: str) -> None:
        """Queue one finished page: its path inside the site (``concepts/x/index.html``) and
        the HTML exactly as it is written there. Returns at once."""
        if self._closed:
            raise RuntimeError("PagefindStream.add after finish() or abort()")
        if self._error is not None:
            return  # finish() reports it
        if self._proc is None:
            try:
                self.start()
            except SearchError as exc:
                self._fail(str(exc))
                return
        rel = dest_path.replace("\\", "/").lstrip("/")
        # As MkDocs writes it: characters UTF-8 cannot hold become character references.
        data = html.encode("utf-8", "xmlcharrefreplace")
        self._sizes[rel] = len(data)
        self._offer(rel, data)

    def _offer(self, rel: str, data: bytes) -> None:
        """Send a page Pagefind will keep; hold an unmarked one until a marked one is seen."""
        if _MARK in data.lower():
            self._held = None
            self._send_page(rel, data)
        elif self._held is not None:
            self._held.append((rel, data))

    def finish(self, *, check_disk: bool = True) -> PagefindRun:
        """Add the site's other HTML files, write ``<site_dir>/pagefind/`` and stop the child."""
        try:
            return self._finish(check_disk)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Stop the child and remove any partial bundle. Safe to call more than once."""
        self._closed = True
        self._queue.put(_STOP)
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if proc is not None:
            for pipe in (proc.stdin, proc.stdout):
                try:
                    if pipe:
                        pipe.close()
                except OSError:
                    pass
        if self._tmp_bundle is not None:
            shutil.rmtree(self._tmp_bundle, ignore_errors=True)
            self._tmp_bundle = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        _LIVE.discard(self)

    def __enter__(self) -> "PagefindStream":
        return self.start()

    def __exit__(self, exc_type, exc, tb) -> None:
        self.abort()

    # -- internals ----------------------------------------------------------------------------

    def _fail(self, message: str) -> None:
        with self._lock:
            if self._error is None:
                self._error = message
            self._answered.notify_all()

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return text[-2000:]

    def _encode(self, what: str, payload: dict, *, awaited: bool = False) -> bytes:
        """One protocol message (base64 JSON and a comma), numbered in the order of the queue."""
        with self._lock:
            self._next_id += 1
            mid = self._next_id
            self._sent[mid] = what
            if awaited:
                self._awaited.add(mid)
        body = json.dumps({"message_id": mid, "payload": payload}, ensure_ascii=False).encode("utf-8")
        return base64.b64encode(body) + b","

    def _send_page(self, rel: str, data: bytes) -> None:
        if self._error is not None:
            return
        self._sent_pages += 1
        self._queue.put(self._encode(rel, {"type": "AddFile", "index_id": self._index_id,
                                           "url": page_url(rel), "file_path": None,
                                           "file_contents": data.decode("utf-8")}))

    def _write(self) -> None:
        """Writer thread: send queued messages (the pipe blocks here, never in the build);
        flush when the queue runs dry."""
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    proc.stdin.flush()
                    item = self._queue.get()
                if item is _STOP:
                    proc.stdin.flush()
                    return
                proc.stdin.write(item)
        except (BrokenPipeError, OSError, ValueError) as exc:
            if not self._closed:
                self._fail(self._died(f"could not send it a page ({exc})"))

    def _died(self, what: str) -> str:
        proc = self._proc
        code = proc.poll() if proc is not None else None
        if proc is not None and code is None:
            try:
                code = proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
        status = f"exit {code}" if code is not None else "still running"
        tail = self._stderr_tail()
        return (f"search: Pagefind ({self._exe} --service) stopped while indexing: {what}, {status}"
                + (f":\n{tail}" if tail else "")
                + f"\nRun the build again; if it fails again, reinstall Pagefind ({INSTALL_HINT}), "
                  f"or set {INDEXER_ENV}=cli to index the finished site with the Pagefind CLI instead")

    def _read(self) -> None:
        """Reader thread: split the child's stdout at commas and record every answer."""
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        buf = bytearray()  # the bundle comes as one large answer: no quadratic copying
        try:
            while True:
                chunk = proc.stdout.read1(1 << 20)  # type: ignore[attr-defined]  # a BufferedReader
                if not chunk:
                    break
                start = len(buf)
                buf += chunk
                end = buf.find(b",", start)
                while end != -1:
                    # Decoded straight from the buffer (no copy), which is then dropped before
                    # the JSON is parsed: the bundle comes as one 30 MB answer at N=5,000, and
                    # this process's peak fell 1,042 -> 1,022 MiB with the change below in _finish.
                    bad = b""
                    with memoryview(buf) as view, view[:end] as raw:
                        try:
                            decoded: bytes | None = binascii.a2b_base64(raw, strict_mode=True)
                        except binascii.Error:
                            decoded, bad = None, bytes(raw[:500])
                    del buf[:end + 1]
                    if end > 1 << 20:
                        buf = bytearray(buf)  # give the large answer's memory back
                    if decoded is None:
                        self._not_protocol(bad)
                    else:
                        self._answer(decoded)
                        del decoded
                    end = buf.find(b",")
        except (OSError, ValueError) as exc:
            if not self._closed:
                self._fail(self._died(f"its answers could not be read ({exc})"))
        finally:
            with self._lock:
                self._reader_done = True
                pending = len(self._sent)
                self._answered.notify_all()
            if pending and not self._closed:
                self._fail(self._died("it closed its output with work left"))

    def _not_protocol(self, raw: bytes) -> None:
        text = raw[:500].decode("utf-8", "replace")
        self._fail(f"search: Pagefind answered something that is not its protocol: {text!r}; "
                   f"is {self._exe} the Pagefind binary? {INSTALL_HINT}")

    def _answer(self, decoded: bytes) -> None:
        """Record one answer (its base64 already decoded)."""
        try:
            message = json.loads(decoded)
        except (ValueError, TypeError):
            self._not_protocol(decoded)
            return
        if not isinstance(message, dict):
            self._not_protocol(decoded)
            return
        payload = message.get("payload") or {}
        mid = message.get("message_id")
        if mid is None and payload.get("original_message"):
            try:
                mid = json.loads(payload["original_message"]).get("message_id")
            except (ValueError, AttributeError):
                mid = None
        with self._lock:
            self._last_answer = time.monotonic()
            what = self._sent.pop(mid, "a request") if mid is not None else "a request"
            if mid in self._awaited:
                self._answers[mid] = payload
            elif payload.get("type") == "Error":
                if self._error is None:
                    self._error = (f"search: Pagefind could not index {what}: "
                                   f"{payload.get('message', 'no reason given')}")
            elif payload.get("type") == "NewIndex":
                self._index_id = payload.get("index_id")
            self._answered.notify_all()

    def _call(self, what: str, payload: dict) -> dict:
        """Send one request after every queued page and wait for its answer."""
        message = self._encode(what, {**payload, "index_id": self._index_id}, awaited=True)
        mid = self._next_id  # only the caller's thread numbers messages
        self._queue.put(message)
        with self._lock:
            while True:
                if self._error is not None:
                    raise SearchError(self._error)
                if mid in self._answers:
                    answer = self._answers.pop(mid)
                    if answer.get("type") != payload["type"]:
                        raise SearchError(f"search: Pagefind could not finish {what}: "
                                          f"{answer.get('message') or answer}")
                    return answer
                if self._reader_done:
                    break
                if time.monotonic() - self._last_answer > STALL_SECONDS:
                    raise SearchError(f"search: Pagefind did not answer for {STALL_SECONDS:.0f} s "
                                      f"while {what}; it was stopped. Run the build again, or set "
                                      f"{INDEXER_ENV}=cli to index with the Pagefind CLI instead")
                self._answered.wait(0.5)
        raise SearchError(self._error or self._died(f"no answer to {what}"))

    def _finish(self, check_disk: bool) -> PagefindRun:
        if self._closed:
            raise SearchError(self._error or "search: the Pagefind stream was already closed")
        self._closed = True
        busy_from = time.perf_counter()
        if self._error is not None:
            raise SearchError(self._error)
        if self._proc is None:
            self.start()
        if check_disk:
            self._check_disk()
        for rel in self._other_pages():
            self._offer(rel, (self.site_dir / rel).read_bytes())
        if self._held is not None:  # no page has data-pagefind-body: Pagefind indexes every <body>
            for rel, data in self._held:
                self._send_page(rel, data)
            self._held = None
        final = self.site_dir / PAGEFIND_DIR
        self._tmp_bundle = Path(tempfile.mkdtemp(prefix=".pagefind-partial-", dir=self.site_dir))
        # The bundle comes back in the answer and is written here. Pagefind's own WriteFiles
        # answers before its writes reach the disk (tokio files, never flushed), and the service
        # exits as soon as its input closes: files of the bundle went missing that way.
        answer = self._call("building the bundle", {"type": "GetFiles"})
        self._queue.put(_STOP)
        if self._writer is not None:
            self._writer.join()
        if self._error is not None:
            raise SearchError(self._error)
        # Stop the child before writing: it still holds every page and the whole index (1 GiB
        # at N=5,000), resident next to this process while it decodes and writes the bundle.
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.close()  # the service exits when its input closes
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._write_bundle(answer.get("files") or [], self._tmp_bundle)
        del answer
        # Swap the finished bundle in: never a half-written pagefind/.
        old = None
        if final.exists():
            old = self.site_dir / f".pagefind-old-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
        self._tmp_bundle.rename(final)
        self._tmp_bundle = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        files = [p for p in final.rglob("*") if p.is_file()]
        tail = self._stderr_tail()
        self.abort()  # closes pipes and the stderr file; the child has exited
        return PagefindRun(seconds=time.perf_counter() - busy_from, files=len(files),
                           bytes=sum(p.stat().st_size for p in files), output=tail,
                           indexer="stream", pages=self._sent_pages)

    def _write_bundle(self, files: list[dict], folder: Path) -> None:
        if not any(f.get("path") == "pagefind.js" for f in files):
            raise SearchError(f"search: Pagefind returned no search bundle ({len(files)} files, no "
                              "pagefind.js); run the build again, or set "
                              f"{INDEXER_ENV}=cli to index with the Pagefind CLI instead")
        files.sort(key=lambda f: f["path"])
        for item in files:
            rel = Path(item["path"])
            if rel.is_absolute() or ".." in rel.parts or not rel.parts:
                raise SearchError(f"search: Pagefind returned a file outside its bundle: {item['path']!r}")
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(item.pop("content")))  # each file's text freed once written

    def _check_disk(self) -> None:
        """Every handed-over page must be on disk with the size it was handed over with."""
        for rel, size in sorted(self._sizes.items()):
            path = self.site_dir / rel
            try:
                actual = path.stat().st_size
            except OSError:
                actual = None
            if actual != size:
                raise StreamMismatch(f"search: {path} is not the page that was indexed "
                                     f"({actual} bytes on disk, {size} handed over): a later plugin "
                                     "changed it")

    def _other_pages(self) -> list[str]:
        """HTML files of the site that were not handed over (``404.html``, copied HTML), sorted."""
        out = []
        for path in self.site_dir.rglob("*.html"):
            rel = path.relative_to(self.site_dir).as_posix()
            top = rel.split("/", 1)[0]
            if top == PAGEFIND_DIR or top.startswith((".pagefind-partial-", ".pagefind-old-")):
                continue
            if rel not in self._sizes and path.is_file():
                out.append(rel)
        return sorted(out)


@atexit.register
def _kill_leftovers() -> None:
    for stream in list(_LIVE):
        stream.abort()


def finish_search(stream: PagefindStream | None, site_dir: Path, *, language: str = "en",
                  note: Callable[[str], None] | None = None) -> PagefindRun:
    """Finish a stream, or index the finished site with the CLI when there is no stream or it
    failed (``note`` is told why). Raises :class:`SearchError` only when the CLI fails too."""
    if stream is not None:
        try:
            return stream.finish()
        except SearchError as exc:
            if note is not None:
                note(f"{exc}\nsearch: indexing the finished site with the Pagefind CLI instead")
    return run_pagefind(site_dir, language=language)
