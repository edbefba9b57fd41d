"""The metadata a concept page gives reference managers (render/head.py).

Zotero's translators decide what a page becomes; the tags asserted here are the ones that make
it a Web Page by an institutional author (see render/head.py). The last test runs Zotero's real
translators when a zotero/translation-server is already running on 127.0.0.1 (set
``ZOTERO_TRANSLATION_SERVER``, default http://127.0.0.1:1969); it is skipped otherwise. Nothing
of translation-server is part of this repository (AGPL): install and start it yourself.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conceptwiki.model.loader import load_wiki
from conceptwiki.render.head import PageMeta, coins_span, head_html

ROOT = Path(__file__).resolve().parents[1]
URL = "https://wiki.example.org/concepts/mesa-optimization/"
SITE = "AI Safety Concept Wiki"
SUMMARY = 'Learned optimizers in C++ & "quotes".'


@functools.cache
def _entry():
    wiki = load_wiki(ROOT)
    entry = wiki.entries["mesa-optimization"]
    return replace(entry, concept=entry.concept.model_copy(update={"title": "Mesa-optimization <C++>"}))


def _page(language: str = "en") -> str:
    entry = _entry()
    meta = PageMeta(title=entry.title, url=URL, description=SUMMARY, updated=dt.date(2026, 3, 14),
                    created=entry.concept.created, keywords=tuple(entry.concept.tags), site_name=SITE,
                    site_url="https://wiki.example.org/", publisher=SITE, language=language)
    head = head_html(meta)
    span = coins_span(meta)
    return (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>t</title>\n'
            f"{head}</head><body><h1>Mesa</h1>{span}</body></html>")


def _metas(doc: BeautifulSoup) -> dict[str, str]:
    return {(m.get("name") or m.get("property")): m["content"] for m in doc.select("meta[content]")}


def test_head_says_web_page_not_journal_article():
    metas = _metas(BeautifulSoup(_page(), "html.parser"))
    # a journal title makes Zotero save a journal article, DC.type=Text makes it guess one
    assert "citation_journal_title" not in metas and "DC.type" not in metas
    assert metas["og:type"] == "website" and metas["og:site_name"] == SITE
    assert metas["og:title"] == metas["citation_title"] == "Mesa-optimization <C++>"
    assert metas["og:url"] == metas["citation_public_url"] == URL
    assert metas["citation_abstract"] == metas["og:description"] == SUMMARY
    assert metas["citation_language"] == metas["DC.language"] == "en"
    assert metas["citation_date"] == "2026/03/14" and metas["DC.date"] == "2026-03-14"
    assert metas["citation_author"] == metas["DC.creator"] == SITE


def test_head_language_is_the_sites():
    metas = _metas(BeautifulSoup(_page("de"), "html.parser"))
    assert metas["citation_language"] == metas["DC.language"] == "de"


def test_coins_span_names_an_institution():
    doc = BeautifulSoup(_page(), "html.parser")
    spans = doc.select("span.Z3988")
    assert len(spans) == 1 and spans[0].get_text() == ""
    kev = urllib.parse.parse_qs(spans[0]["title"], strict_parsing=True)
    assert kev["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"]
    assert kev["rft.aucorp"] == [SITE] and kev["rft.source"] == [SITE]
    assert kev["rft.identifier"] == [URL] and kev["rft.date"] == ["2026-03-14"]
    assert kev["rft.language"] == ["en"]
    # Zotero reads "+" (and %2B) as a space: none may reach it
    assert "+" not in spans[0]["title"] and "%2B" not in spans[0]["title"].upper()
    assert kev["rft.title"] == ["Mesa-optimization <C\uff0b\uff0b>"]
    assert "rft.au" not in kev  # a personal author would be split into first and last name


def _server() -> str | None:
    base = os.environ.get("ZOTERO_TRANSLATION_SERVER", "http://127.0.0.1:1969").rstrip("/")
    if urllib.parse.urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        return None  # tests never touch the network
    try:
        urllib.request.urlopen(base + "/", timeout=2)
    except urllib.error.HTTPError:
        return base  # it answers (404 on /)
    except OSError:
        return None
    return base


def test_zotero_translators_save_a_web_page_by_an_institution(tmp_path: Path):
    base = _server()
    if base is None:
        pytest.skip("no zotero/translation-server on 127.0.0.1 (set ZOTERO_TRANSLATION_SERVER)")
    (tmp_path / "page.html").write_text(_page(), encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = f"http://127.0.0.1:{httpd.server_address[1]}/page.html"
        req = urllib.request.Request(base + "/web", data=page.encode(),
                                     headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            items = json.load(resp)
    finally:
        httpd.shutdown()
    assert len(items) == 1, items
    item = items[0]
    assert item["itemType"] == "webpage"
    assert item["creators"] == [{"name": SITE, "creatorType": "author"}]
    assert item["title"] == "Mesa-optimization <C\uff0b\uff0b>"
    assert item["websiteTitle"] == SITE and item["url"] == URL
    assert item["date"] == "2026-03-14" and item["language"] == "en"
    assert item["abstractNote"] == SUMMARY.replace("+", "\uff0b")


@pytest.mark.parametrize("page", ["concepts/mesa-optimization", "instruments/eu-ai-act"])
def test_built_pages_are_web_pages_by_the_wiki(real_site: Path, page: str):
    # A policy instrument's page is saved as its concept pages are: a Web Page by the wiki.
    doc = BeautifulSoup((real_site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
    metas = _metas(doc)
    title = doc.select_one("article h1").get_text(strip=True)
    assert "citation_journal_title" not in metas and metas["og:type"] == "website"
    assert metas["citation_author"] == metas["og:site_name"] == SITE
    assert metas["og:url"].endswith(f"/{page}/")
    kev = urllib.parse.parse_qs(doc.select_one("span.Z3988")["title"], strict_parsing=True)
    assert kev["rft.aucorp"] == [SITE] and kev["rft.identifier"] == [metas["og:url"]]
    assert kev["rft.title"] == [metas["citation_title"].replace("+", "\uff0b")]
    # the title a reference manager saves is the one "Cite this page" gives
    cite = doc.select_one(".cw-cite").get_text(" ", strip=True)
    assert metas["citation_title"] in cite, (metas["citation_title"], title)
    ld = json.loads(doc.select_one('script[type="application/ld+json"]').string)
    assert ld["author"] == {"@type": "Organization", "name": SITE} and ld["url"] == metas["og:url"]
