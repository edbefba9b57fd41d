"""Checking URLs over HTTP: bounded concurrency, one request at a time per host with a delay
between them, timeouts and retries; redirects followed by hand so that a permanent move is seen.

Only the standard library: ``urllib.request`` (with redirects turned off) gives the status,
headers and the first bytes of the body, which is all a link check needs, and a thread pool
bounds the requests in flight. Outcomes (:class:`Result`):

* ``ok`` -- 2xx, perhaps after temporary redirects (302, 303, 307);
* ``moved`` -- the first answers are permanent redirects (301, 308): ``location`` is the new
  address (the last one reached through permanent redirects), which still answers;
* ``dead`` -- a 4xx answer (other than a challenge or 429), DNS failure, TLS error, refused
  connection, too many redirects;
* ``challenge`` -- 403, 429 or 503 with a bot-challenge page (Cloudflare and the like): a
  browser may well see the page, a script cannot tell;
* ``unreachable`` -- timeouts, 5xx and malformed answers that persist after the retries.

A DOI is checked at doi.org only: a redirect from doi.org means the DOI is registered (the
publisher behind it often blocks scripts, and is not the wiki's link). Nothing here imports
MkDocs.
"""

from __future__ import annotations

import http.client
from email.message import Message
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

__all__ = ["Result", "Checker", "OUTCOMES", "is_challenge"]

OUTCOMES = ("ok", "moved", "dead", "challenge", "unreachable")
_PERMANENT = (301, 308)
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_HOPS = 10
_BODY_BYTES = 65536
#: Markers of bot-challenge pages (Cloudflare, DDoS-Guard, Sucuri, Akamai), in lower case.
_CHALLENGE_MARKERS = ("cf-chl", "challenge-platform", "just a moment...", "attention required! | cloudflare",
                      "checking your browser", "ddos-guard", "sucuri website firewall", "captcha")


@dataclass(frozen=True)
class Result:
    """What one URL answered; ``status`` is the last HTTP status (0: none)."""

    url: str
    outcome: str
    status: int = 0
    location: str | None = None
    detail: str = ""


def is_challenge(status: int, headers: Message | None, body: bytes) -> bool:
    """A bot challenge instead of the page: Cloudflare says so in a header, others in the body."""
    if status not in (403, 429, 503):
        return False
    if headers is not None and (headers.get("cf-mitigated") == "challenge"):
        return True
    text = body[:_BODY_BYTES].decode("utf-8", "replace").lower()
    return any(marker in text for marker in _CHALLENGE_MARKERS)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the caller follows redirects itself, to see which are permanent


class _Transient(Exception):
    """A failure worth retrying (timeout, 5xx, malformed answer, 429)."""

    def __init__(self, detail: str, status: int = 0, wait: float = 0.0) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.wait = wait


class _HostGate:
    """One request at a time per host, ``delay`` seconds apart (politeness)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._locks: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}
        self._guard = threading.Lock()

    def lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def wait(self, host: str) -> None:
        pause = self._next.get(host, 0.0) - time.monotonic()
        if pause > 0:
            time.sleep(pause)

    def done(self, host: str) -> None:
        self._next[host] = time.monotonic() + self.delay


class Checker:
    """Checks URLs; ``jobs`` requests in flight at most, ``delay`` seconds between two requests
    to one host, ``timeout`` seconds per request, ``retries`` more tries after a transient
    failure (waiting ``backoff`` × 1, 2, 4 … seconds, or what ``Retry-After`` asks, up to 60)."""

    def __init__(self, *, jobs: int = 8, delay: float = 1.0, timeout: float = 15.0, retries: int = 2,
                 backoff: float = 2.0, user_agent: str = "conceptwiki-linkcheck/1.0",
                 sleep: Callable[[float], None] = time.sleep,
                 doi_hosts: tuple[str, ...] = ("doi.org", "dx.doi.org")) -> None:
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.user_agent = user_agent
        self.sleep = sleep
        self.doi_hosts = doi_hosts
        self._gate = _HostGate(delay)
        self._opener = urllib.request.build_opener(_NoRedirect)

    def check_all(self, urls: Iterable[str]) -> dict[str, Result]:
        """Each URL's result (each URL once), checked concurrently."""
        todo = sorted(set(urls))
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            return dict(zip(todo, pool.map(self.check, todo)))

    def check(self, url: str) -> Result:
        """Follow ``url``'s redirects and classify the end of the chain."""
        doi = urllib.parse.urlsplit(url).hostname in self.doi_hosts
        current = url
        moved_to: str | None = None
        permanent = True
        seen = {url}
        for _hop in range(_MAX_HOPS):
            try:
                status, headers, body = self._get(current)
            except _Transient as exc:
                return Result(url, "unreachable", exc.status, moved_to, exc.detail)
            except _Dead as exc:
                return Result(url, "dead", exc.status, moved_to, exc.detail)
            if status in _REDIRECTS:
                target = headers.get("Location") if headers is not None else None
                if not target:
                    return Result(url, "dead", status, moved_to, f"HTTP {status} without a Location")
                if doi:
                    return Result(url, "ok", status)  # the DOI is registered
                target = urllib.parse.urljoin(current, target.strip())
                if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
                    return Result(url, "dead", status, moved_to, f"redirects to {target}")
                if status in _PERMANENT and permanent:
                    moved_to = target
                else:
                    permanent = False
                if target in seen:
                    return Result(url, "dead", status, moved_to, "redirect loop")
                seen.add(target)
                current = target
                continue
            if 200 <= status < 300:
                if moved_to and moved_to != url:
                    return Result(url, "moved", status, moved_to, f"HTTP {status} at the new address")
                return Result(url, "ok", status)
            if is_challenge(status, headers, body):
                return Result(url, "challenge", status, moved_to, f"HTTP {status} with a bot challenge page")
            if 400 <= status < 500:
                return Result(url, "dead", status, moved_to, f"HTTP {status} {_reason(status)}")
            return Result(url, "unreachable", status, moved_to, f"HTTP {status} {_reason(status)}")
        return Result(url, "dead", 0, moved_to, f"more than {_MAX_HOPS} redirects")

    def _get(self, url: str) -> tuple[int, Message | None, bytes]:
        """One GET (retried after transient failures), as ``(status, headers, first bytes)``."""
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        attempt = 0
        while True:
            try:
                with self._gate.lock(host):
                    self._gate.wait(host)
                    try:
                        return self._once(url)
                    finally:
                        self._gate.done(host)
            except _Transient as exc:
                if attempt >= self.retries:
                    raise
                self.sleep(min(60.0, exc.wait or self.backoff * 2 ** attempt))
                attempt += 1

    def _once(self, url: str) -> tuple[int, Message | None, bytes]:
        req = urllib.request.Request(url, headers={
            "User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                body = resp.read(_BODY_BYTES)
                if len(body) < _BODY_BYTES and resp.length:  # the server closed too early
                    raise _Transient("malformed answer (the body is shorter than its Content-Length)")
                return resp.status, resp.headers, body
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read(_BODY_BYTES) if exc.fp is not None else b""
            except (OSError, http.client.HTTPException):
                body = b""
            status = exc.code
            if status == 429 or status >= 500:
                if is_challenge(status, exc.headers, body):
                    return status, exc.headers, body
                raise _Transient(f"HTTP {status} {_reason(status)}", status,
                                 _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                                 ) from None
            return status, exc.headers, body
        except urllib.error.URLError as exc:
            raise _classify(exc.reason) from None
        except (TimeoutError, socket.timeout):
            raise _Transient(f"no answer within {self.timeout:g} s") from None
        except (http.client.HTTPException, ConnectionResetError) as exc:
            raise _Transient(f"malformed answer ({type(exc).__name__}: {exc})".replace(" ()", "")) from None
        except (ssl.SSLError, ssl.CertificateError) as exc:
            raise _Dead(f"TLS error: {getattr(exc, 'reason', None) or exc}") from None
        except OSError as exc:
            raise _classify(exc) from None


class _Dead(Exception):
    def __init__(self, detail: str, status: int = 0) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


def _classify(reason: object) -> Exception:
    if isinstance(reason, socket.gaierror):
        return _Dead(f"DNS: host not found ({reason.strerror or reason})")
    if isinstance(reason, (ssl.SSLError, ssl.CertificateError)):
        return _Dead(f"TLS error: {getattr(reason, 'reason', None) or reason}")
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return _Transient("no answer in time")
    if isinstance(reason, ConnectionRefusedError):
        return _Dead("connection refused")
    if isinstance(reason, (ConnectionResetError, http.client.HTTPException)):
        return _Transient(f"malformed answer ({type(reason).__name__})")
    return _Transient(f"network error: {reason}")


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
