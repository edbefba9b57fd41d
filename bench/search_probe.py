"""Search in a built site as a reader does, in headless Debian chromium, and count the bytes fetched.

    .venv/bin/python bench/search_probe.py SITE_DIR "mesa-optimiser" "optimization daemon"

Serves SITE_DIR on 127.0.0.1 (random port), opens the home page, opens the header search and
types each query. For every query it reports the result titles in order and the bytes of every
response the page fetched for it; "first search" is what opening search fetched before any
query (with Pagefind: pagefind.js, its WebAssembly, entry and metadata files; with Material:
the lunr worker and search_index.json). Bytes are response bodies as served (uncompressed HTTP,
Pagefind's index files are gzip inside). Nothing else is contacted: requests to other hosts
are aborted and counted.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D401 - silence the access log
        pass


@contextmanager
def serve(site: Path):
    """Serve ``site`` over http on a free loopback port; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _is_search_file(url: str) -> bool:
    return url.startswith("pagefind/") or "search_index.json" in url or "workers/search" in url


def _is_query_file(url: str) -> bool:
    """Pagefind files that depend on the query (index chunks, result fragments)."""
    return url.endswith((".pf_index", ".pf_fragment"))


def probe(site: Path, queries: list[str], *, timeout_ms: int = 60_000) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {"queries": []}
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        fetched: list[tuple[str, int]] = []
        foreign: list[str] = []

        def on_route(route):
            if route.request.url.startswith(base):
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        def on_finished(request):
            resp = request.response()
            if resp is None:
                return
            try:
                size = len(resp.body())
            except Exception:  # redirects and aborted requests have no body
                size = 0
            fetched.append((request.url[len(base):], size))

        page.route("**/*", on_route)
        page.on("requestfinished", on_finished)
        page.goto(base, wait_until="load")
        page.wait_for_load_state("networkidle")
        pagefind = page.locator(".cw-search-button").count() > 0
        page.keyboard.press("/")
        field = page.locator(".cw-search__input" if pagefind else "input.md-search__input")
        field.wait_for(state="visible", timeout=timeout_ms)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        out["backend"] = "pagefind" if pagefind else "material"
        out["page_bytes"] = sum(s for u, s in fetched if not _is_search_file(u))
        first: list[tuple[str, int]] = []
        meta = ".cw-search__meta" if pagefind else ".md-search-result__meta"
        items = (".cw-search__list .md-search-result__item:not(.cw-search__more) h1" if pagefind
                 else ".md-search-result__list > li > a:first-child h1")
        for q in queries:
            first += [(u, s) for u, s in fetched if _is_search_file(u) and not _is_query_file(u)]
            fetched.clear()
            field.fill("")
            page.wait_for_timeout(200)
            if pagefind:
                field.fill(q)  # one search of the whole query (typing also searches its prefixes)
            else:
                field.press_sequentially(q)  # Material's lunr box listens to key events, not "input"
            page.wait_for_function(
                "([m, q]) => { const e = document.querySelector(m); return e && /matching|No matching/.test(e.textContent)"
                " && document.activeElement && document.activeElement.value === q; }",
                arg=[meta, q], timeout=timeout_ms)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(400)
            titles = page.locator(items).all_inner_texts()
            # Files are classed by kind, not by when they arrived: on a busy machine the
            # WebAssembly may still be loading when the first query starts.
            query_files = [(u, s) for u, s in fetched if _is_query_file(u)]
            out["queries"].append({"query": q, "titles": titles, "meta": page.locator(meta).inner_text(),
                                   "bytes": sum(s for _, s in query_files), "files": len(query_files)})
        first += [(u, s) for u, s in fetched if _is_search_file(u) and not _is_query_file(u)]
        out["first_search_bytes"] = sum(s for _, s in first)
        out["first_search_files"] = sorted(u.split("?")[0] for u, _ in first)
        out["foreign_requests"] = foreign
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("queries", nargs="+")
    args = ap.parse_args()
    print(json.dumps(probe(args.site, args.queries), indent=2))


if __name__ == "__main__":
    main()
