"""``conceptwiki check --external`` against a local HTTP server on 127.0.0.1 (never the network).

The server answers 200, 301, 308, 302, 404, 410, 403 with and without a Cloudflare-style
challenge, 503 once then 200, slow answers (past the timeout) and malformed ones; a closed
port, a TLS handshake with a plain-HTTP server and (through a patched resolver) a host that
does not exist cover the failures below HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conceptwiki.cli import main
from conceptwiki.linkcheck import Checker, LinkCache, apply_moves, check_external, collect_urls
from conceptwiki.model.loader import load_wiki

CHALLENGE_BODY = b"""<!DOCTYPE html><html><head><title>Just a moment...</title></head>
<body><div id="challenge-platform">Checking your browser</div></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    hits: Counter = Counter()
    times: dict[str, list[float]] = {}

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        path = self.path.split("?")[0]
        _Handler.hits[path] += 1
        _Handler.times.setdefault(path, []).append(time.monotonic())
        if path in ("/ok", "/new", "/also-ok") or path.startswith("/page"):
            self._send(200, b"<html><title>fine</title></html>", {"Content-Type": "text/html"})
        elif path == "/moved":
            self._send(301, headers={"Location": "/new"})
        elif path == "/moved308":
            self._send(308, headers={"Location": f"http://127.0.0.1:{self.server.server_port}/new"})
        elif path == "/moved-then-temp":
            self._send(301, headers={"Location": "/temp"})
        elif path == "/temp":
            self._send(302, headers={"Location": "/ok"})
        elif path == "/moved-to-dead":
            self._send(301, headers={"Location": "/missing"})
        elif path == "/loop":
            self._send(301, headers={"Location": "/loop"})
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/gone":
            self._send(410, b"gone")
        elif path == "/forbidden":
            self._send(403, b"<html>Forbidden</html>")
        elif path == "/challenge":
            self._send(403, CHALLENGE_BODY, {"cf-mitigated": "challenge", "Content-Type": "text/html"})
        elif path == "/challenge503":
            self._send(503, CHALLENGE_BODY, {"Content-Type": "text/html"})
        elif path == "/flaky":
            if _Handler.hits[path] == 1:
                self._send(503, b"busy", {"Retry-After": "0"})
            else:
                self._send(200, b"ok now")
        elif path == "/error":
            self._send(500, b"broken")
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, b"too late")
        elif path == "/malformed":
            self.wfile.write(b"THIS IS NOT HTTP\r\n\r\n")
            self.close_connection = True
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"only a little")
            self.close_connection = True
        else:
            self._send(404)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # the client gave up on a slow answer: expected here


@pytest.fixture(scope="module")
def server():
    srv = _QuietServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(autouse=True)
def _reset_hits():
    _Handler.hits.clear()
    _Handler.times.clear()


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """Names other than 127.0.0.1 and localhost never reach a resolver: they do not exist."""
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host in ("127.0.0.1", "localhost"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def _checker(**kw) -> Checker:
    options = dict(jobs=4, delay=0.0, timeout=0.5, retries=1, backoff=0.01)
    options.update(kw)
    return Checker(**options)


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_every_outcome(server: str) -> None:
    checker = _checker()
    cases = {
        "/ok": ("ok", 200, None),
        "/temp": ("ok", 200, None),
        "/moved": ("moved", 200, f"{server}/new"),
        "/moved308": ("moved", 200, f"{server}/new"),
        "/moved-then-temp": ("moved", 200, f"{server}/temp"),
        "/moved-to-dead": ("dead", 404, f"{server}/missing"),
        "/loop": ("dead", 301, f"{server}/loop"),
        "/missing": ("dead", 404, None),
        "/gone": ("dead", 410, None),
        "/forbidden": ("dead", 403, None),
        "/challenge": ("challenge", 403, None),
        "/challenge503": ("challenge", 503, None),
        "/flaky": ("ok", 200, None),
        "/error": ("unreachable", 500, None),
        "/slow": ("unreachable", 0, None),
        "/malformed": ("unreachable", 0, None),
        "/truncated": ("unreachable", 0, None),
    }
    results = checker.check_all(server + p for p in cases)
    for path, (outcome, status, location) in cases.items():
        r = results[server + path]
        assert (r.outcome, r.status, r.location) == (outcome, status, location), (path, r)
    assert "no answer within 0.5 s" in results[server + "/slow"].detail
    assert "malformed" in results[server + "/malformed"].detail
    assert results[server + "/gone"].detail == "HTTP 410 Gone"
    # Retries: the flaky page was asked twice, the slow and malformed ones 1 + 1 times.
    assert _Handler.hits["/flaky"] == 2 and _Handler.hits["/slow"] == 2 and _Handler.hits["/malformed"] == 2
    assert _Handler.hits["/missing"] == 2  # once directly, once at the end of /moved-to-dead


def test_failures_below_http(server: str) -> None:
    checker = _checker()
    port = server.rsplit(":", 1)[1]
    closed = f"http://127.0.0.1:{_closed_port()}/"
    tls = f"https://127.0.0.1:{port}/ok"  # a TLS handshake with a plain-HTTP server
    nxdomain = "https://no-such-host.invalid/page"
    results = checker.check_all([closed, tls, nxdomain])
    assert results[closed].outcome == "dead" and results[closed].detail == "connection refused"
    assert results[tls].outcome == "dead" and results[tls].detail.startswith("TLS error")
    assert results[nxdomain].outcome == "dead" and results[nxdomain].detail.startswith("DNS: host not found")


def test_doi_redirect_means_registered(server: str) -> None:
    checker = _checker(doi_hosts=("127.0.0.1",))
    results = checker.check_all([f"{server}/moved", f"{server}/missing"])
    assert results[f"{server}/moved"].outcome == "ok"  # doi.org's redirect is not followed
    assert results[f"{server}/missing"].outcome == "dead"
    assert _Handler.hits["/new"] == 0


def test_one_request_at_a_time_per_host_with_a_delay(server: str) -> None:
    checker = _checker(jobs=8, delay=0.2)
    urls = [f"{server}/page{i}" for i in range(4)]
    t0 = time.monotonic()
    results = checker.check_all(urls)
    assert all(r.outcome == "ok" for r in results.values())
    stamps = sorted(t for p, ts in _Handler.times.items() for t in ts)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert len(stamps) == 4 and min(gaps) >= 0.19, gaps
    # Another host (localhost is the same server) is not held back by the first one's delay.
    _Handler.times.clear()
    other = server.replace("127.0.0.1", "localhost")
    t0 = time.monotonic()
    checker = _checker(jobs=8, delay=0.5)
    checker.check_all([f"{server}/page-a", f"{other}/page-b"])
    assert time.monotonic() - t0 < 0.45


BIB = """@online{site2020page,
  author = {Someone},
  title = {A page that moved},
  year = {2020},
  url = {{SERVER}/moved},
  note = {kept as written},
}

@article{paper2021gone,
  author = {Other, Ann},
  title = {A paper},
  journal = {J},
  year = {2021},
  url = {{SERVER}/gone},
}

@article{doi2022,
  author = {Third, Tom},
  title = {Has a DOI},
  journal = {J},
  year = {2022},
  doi = {10.1234/abc},
}
"""

ENTRY = """title: Example concept
kind: concept
status:
  level: established
summary: See [the old page]({SERVER}/moved) and [another]({SERVER}/moved/deeper).
details: |
  A challenge: <{SERVER}/challenge>. In code it is not a link: `[x]({SERVER}/missing)`.
see_also:
  - title: Moved too
    url: {SERVER}/moved308
  - title: Missing
    url: {SERVER}/missing
sources:
  primary: site2020page
  further: [paper2021gone, doi2022]
created: 2026-01-01
"""

DOC = "# Guide\n\nA [slow link]({SERVER}/slow \"title\").\n"


def _project(tmp_path: Path, server: str) -> Path:
    (tmp_path / "concepts").mkdir()
    (tmp_path / "bib").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "bib" / "main.bib").write_text(BIB.replace("{SERVER}", server), encoding="utf-8")
    (tmp_path / "concepts" / "example-concept.yaml").write_text(ENTRY.replace("{SERVER}", server),
                                                                encoding="utf-8")
    (tmp_path / "docs" / "guide.md").write_text(DOC.replace("{SERVER}", server), encoding="utf-8")
    return tmp_path


def _col(root: Path, line: int, needle: str) -> int:
    text = (root / "concepts" / "example-concept.yaml").read_text(encoding="utf-8")
    return text.splitlines()[line - 1].index(needle) + 1


def test_places_are_located(tmp_path: Path, server: str) -> None:
    root = _project(tmp_path, server)
    wiki = load_wiki(root)
    assert not wiki.problems.errors, wiki.problems
    got = {(p.path, p.line, p.column, p.kind, p.url.replace(server, "S")) for p in collect_urls(wiki)}
    assert got == {
        ("bib/main.bib", 5, 10, "url", "S/moved"),
        ("bib/main.bib", 14, 10, "url", "S/gone"),
        ("bib/main.bib", 22, 10, "doi", "https://doi.org/10.1234/abc"),
        ("concepts/example-concept.yaml", 5, 29, "markdown", "S/moved"),
        ("concepts/example-concept.yaml", 5, _col(root, 5, f"{server}/moved/deeper"),
         "markdown", "S/moved/deeper"),
        ("concepts/example-concept.yaml", 7, 17, "markdown", "S/challenge"),
        ("concepts/example-concept.yaml", 10, 10, "see_also", "S/moved308"),
        ("concepts/example-concept.yaml", 12, 10, "see_also", "S/missing"),
        ("docs/guide.md", 3, 15, "markdown", "S/slow"),
    }


def test_report_cache_and_fix(tmp_path: Path, server: str) -> None:
    root = _project(tmp_path, server)
    wiki = load_wiki(root)
    cache = LinkCache(root / ".cache" / "linkcheck.json")
    today = dt.date(2026, 12, 7)
    checker = _checker(doi_hosts=("doi.org",))
    report = check_external(wiki, checker, cache, today=today)
    lines = [str(p).replace(server, "S") for p in sorted(report.problems)]
    assert report.checked == 8 and len(report.places) == 9
    assert lines == [
        "bib/main.bib:5:10: warning: the source's url S/moved has moved permanently to S/new; "
        "`conceptwiki check --external --fix` writes it",
        "bib/main.bib:14:10: error: dead the source's url S/gone: HTTP 410 Gone; find its new address, "
        "or name an archived copy (archiveurl) and keep the url",
        "bib/main.bib:22:10: error: dead the source's doi (at doi.org) https://doi.org/10.1234/abc: "
        "DNS: host not found (Name or service not known); find its new address, or name an archived "
        "copy (archiveurl) and keep the url",
        "concepts/example-concept.yaml:5:29: warning: link S/moved has moved permanently to S/new; "
        "`conceptwiki check --external --fix` writes it",
        f"concepts/example-concept.yaml:5:{_col(root, 5, server + '/moved/deeper')}: error: dead link S/moved/deeper: "
        "HTTP 404 Not Found; replace or remove the link",
        "concepts/example-concept.yaml:7:17: warning: link S/challenge answers only with a "
        "bot-challenge page (HTTP 403 with a bot challenge page); open it in a browser to see "
        "whether it still works",
        "concepts/example-concept.yaml:10:10: warning: see_also link S/moved308 has moved permanently "
        "to S/new; `conceptwiki check --external --fix` writes it",
        "concepts/example-concept.yaml:12:10: error: dead see_also link S/missing: HTTP 404 Not Found; "
        "replace or remove the link",
        "docs/guide.md:3:15: warning: link S/slow did not answer properly: no answer within 0.5 s "
        "(after retries)",
    ]
    saved = json.loads((root / ".cache" / "linkcheck.json").read_text(encoding="utf-8"))
    assert saved["urls"][f"{server}/gone"] == {"checked": "2026-12-07", "outcome": "dead", "status": 410,
                                               "location": None, "detail": "HTTP 410 Gone"}
    # Within a week nothing is asked again; after a week everything is.
    hits = sum(_Handler.hits.values())
    again = check_external(wiki, checker, LinkCache(root / ".cache" / "linkcheck.json"),
                           today=today + dt.timedelta(days=6))
    assert again.checked == 0 and sum(_Handler.hits.values()) == hits
    assert [str(p) for p in sorted(again.problems)] == [str(p) for p in sorted(report.problems)]
    later = check_external(wiki, checker, LinkCache(root / ".cache" / "linkcheck.json"),
                           today=today + dt.timedelta(days=7))
    assert later.checked == 8

    # --fix: the new address replaces the old one and nothing else changes.
    bib_before = (root / "bib" / "main.bib").read_text(encoding="utf-8")
    entry_before = (root / "concepts" / "example-concept.yaml").read_text(encoding="utf-8")
    changes = apply_moves(root, report)
    assert len(changes) == 3
    bib_after = (root / "bib" / "main.bib").read_text(encoding="utf-8")
    entry_after = (root / "concepts" / "example-concept.yaml").read_text(encoding="utf-8")
    assert bib_after == bib_before.replace(f"{server}/moved}}", f"{server}/new}}")
    assert entry_after == (entry_before.replace(f"({server}/moved)", f"({server}/new)")
                           .replace(f"{server}/moved308", f"{server}/new"))
    assert f"{server}/moved/deeper" in entry_after  # a longer URL that begins the same is left alone


def test_command_line_github_annotations_and_fix(tmp_path: Path, server: str, capsys) -> None:
    root = _project(tmp_path, server)
    args = ["check", "--root", str(root), "--external", "--timeout", "0.5", "--retries", "0",
            "--delay", "0", "--format", "github"]
    assert main(args) == 1
    out = capsys.readouterr()
    annotations = out.out.splitlines()
    assert any(a.startswith("::error file=bib/main.bib,line=14,col=10") and "410 Gone" in a
               for a in annotations), annotations
    assert any(a.startswith("::warning file=concepts/example-concept.yaml,line=10,col=10") and "moved" in a
               for a in annotations), annotations
    assert "external links: 8 URLs at 9 places, 8 checked now, 0 from the cache" in out.err
    assert (root / ".cache" / "linkcheck.json").is_file()
    assert main(["check", "--root", str(root), "--external", "--fix", "--cache", ""]) == 1
    err = capsys.readouterr().err
    assert err.count("fixed: ") == 3
    assert main(["check", "--root", str(root), "--external", "--cache", ""]) == 1
    assert "moved permanently" not in capsys.readouterr().out


def test_normal_check_never_touches_the_network(tmp_path: Path, server: str, capsys) -> None:
    root = _project(tmp_path, server)
    assert main(["check", "--root", str(root)]) == 0
    assert sum(_Handler.hits.values()) == 0


INSTRUMENT = """title: Example Act
jurisdiction: European Union
type: legislation
issuing_body: Example Parliament
status: in force
primary_source: site2020page
url: {SERVER}/moved
summary: An act; see [its guide]({SERVER}/missing).
addresses:
  - concept: example-concept
    sentence: It addresses the example; see <{SERVER}/ok>.
    source: site2020page
created: 2026-12-07
"""


def test_instruments_official_url_and_links_are_checked_and_fixed(tmp_path: Path, server: str) -> None:
    """A policy instrument's official ``url`` and the links in its summary and sentences are
    published too: located, checked, and a permanent move rewritten by --fix."""
    root = _project(tmp_path, server)
    (root / "instruments").mkdir()
    path = root / "instruments" / "example-act.yaml"
    path.write_text(INSTRUMENT.replace("{SERVER}", server), encoding="utf-8")
    wiki = load_wiki(root)
    assert not wiki.problems.errors, wiki.problems
    text = path.read_text(encoding="utf-8").splitlines()

    def col(line: int, needle: str) -> int:
        return text[line - 1].index(needle) + 1

    got = {(p.line, p.column, p.kind, p.url.replace(server, "S")) for p in collect_urls(wiki)
           if p.path == "instruments/example-act.yaml"}
    assert got == {(7, 6, "instrument", "S/moved"), (8, col(8, f"{server}/missing"), "markdown", "S/missing"),
                   (11, col(11, f"{server}/ok"), "markdown", "S/ok")}
    report = check_external(wiki, _checker(doi_hosts=("doi.org",)), None, today=dt.date(2026, 12, 7))
    mine = [str(p).replace(server, "S") for p in sorted(report.problems) if p.path == "instruments/example-act.yaml"]
    assert mine == [
        "instruments/example-act.yaml:7:6: warning: the instrument's official url S/moved has moved permanently "
        "to S/new; `conceptwiki check --external --fix` writes it",
        f"instruments/example-act.yaml:8:{col(8, server + '/missing')}: error: dead link S/missing: "
        "HTTP 404 Not Found; replace or remove the link",
    ]
    before = path.read_text(encoding="utf-8")
    apply_moves(root, report)
    assert path.read_text(encoding="utf-8") == before.replace(f"url: {server}/moved", f"url: {server}/new")
