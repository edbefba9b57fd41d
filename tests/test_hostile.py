"""Hostile entries and sources: nothing from them may become executable in the built site.

Every payload in ``tests/hostile/payloads.yaml`` goes into every field of an entry and of
its BibTeX source that reaches a page, in a form the schema accepts, so that it really is
rendered. The whole site is built with MkDocs and every HTML file and the search index are
read back with an HTML parser (``tests/hostile_check.py``). The number of payloads tried and
of violations found is printed at the end of the test run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest
import yaml
from bs4 import BeautifulSoup

from hostile_check import REPORT_KEY, check_site
from helpers import mkdocs_build, write

from conceptwiki.model.links import normalize
from conceptwiki.model.loader import load_wiki
from conceptwiki.model.schema import URL_PATTERN

PAYLOADS = yaml.safe_load((Path(__file__).parent / "hostile" / "payloads.yaml").read_text(encoding="utf-8"))
TEXT: list[str] = PAYLOADS["text"]
URLS: list[str] = PAYLOADS["urls"]
SCHEMA_URLS = [u for u in URLS if re.fullmatch(URL_PATTERN.strip("^$"), u)]

ENTRY_TEXT_FIELDS = ("title", "aliases", "summary", "details", "key_points", "status.note",
                     "see_also.title")
BIB_TEXT_FIELDS = ("author", "editor", "title", "journal", "booktitle", "publisher", "address",
                   "note", "howpublished", "edition", "volume", "number", "pages", "institution",
                   "organization", "series", "school", "shorttitle", "type", "isbn", "issn")
BIB_URL_FIELDS = ("url", "doi")
BIB_TYPES = ("article", "incollection", "book", "techreport", "misc", "phdthesis", "inproceedings",
             "online")

MKDOCS = """site_name: Test wiki
site_url: https://example.org/wiki/
theme:
  name: material
  font: false
  features: [navigation.instant, search.suggest, search.highlight, content.code.copy]
nav:
  - Home: index.md
  - Concepts: concepts/index.md
  - Tags: tags/index.md
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - attr_list
  - tables
plugins:
  - search
  - conceptwiki:
      publisher: Test Publisher
      # Material's lunr index is JSON this checker can read record by record; the Pagefind box
      # (the default) adds result text with textContent only (assets/cw-search.js).
      search: material
"""

ANCHOR = {
    "title": "Anchor concept",
    "kind": "concept",
    "status": {"level": "established"},
    "summary": "Every hostile entry links here, so its cards list them all.",
    "sources": {"primary": "anchor2020"},
    "created": "2026-01-02",
}
ANCHOR_BIB = "@article{anchor2020,\n  author = {Doe, Jane},\n  title = {Anchor},\n  journal = {J},\n  year = {2020}\n}\n"


def _bib_value(text: str) -> str:
    """``text`` as a braced BibTeX value (braces that do not balance become parentheses)."""
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        text = text.replace("{", "(").replace("}", ")")
    return "{" + text.replace("\n", " ") + "}"


def hostile_project(dest: Path) -> dict:
    """Write a project with one entry and one source per payload; return what was placed."""
    write(dest / "mkdocs.yml", MKDOCS)
    write(dest / "docs" / "index.md", "# Home\n")
    bib = [ANCHOR_BIB]
    write(dest / "concepts" / "anchor-concept.yaml", yaml.safe_dump(ANCHOR, allow_unicode=True))
    names: set[str] = {normalize("anchor-concept")}
    placements = 0
    for i, payload in enumerate(TEXT):
        slug = f"hostile-{i:03d}"
        alias = payload
        if not normalize(alias) or normalize(alias) in names:
            alias = f"{payload} {i}"
        names.add(normalize(alias))
        entry = {
            "title": payload,
            "aliases": [alias],
            "kind": "concept",
            "tags": ["hostile"],
            "status": {"level": "contested", "note": payload},
            "summary": payload,
            "details": payload,
            "key_points": [payload],
            "related": ["anchor-concept"],
            "sources": {"primary": f"hostile{i}", "further": ["anchor2020"]},
            "see_also": [{"title": payload, "url": SCHEMA_URLS[i % len(SCHEMA_URLS)]}],
            "former_slugs": [f"old-hostile-{i:03d}"],
            "created": "2026-01-02",
        }
        write(dest / "concepts" / f"{slug}.yaml", yaml.safe_dump(entry, allow_unicode=True, sort_keys=False))
        placements += len(ENTRY_TEXT_FIELDS)
        fields = {name: payload for name in BIB_TEXT_FIELDS}
        fields["url"] = URLS[i % len(URLS)]
        fields["doi"] = URLS[(i + 7) % len(URLS)]
        fields["year"] = "2020"
        body = ",\n".join(f"  {k} = {_bib_value(v)}" for k, v in fields.items())
        bib.append(f"@{BIB_TYPES[i % len(BIB_TYPES)]}{{hostile{i},\n{body}\n}}\n")
        placements += len(BIB_TEXT_FIELDS)
    # Every URL payload also goes into the url and doi of a source of its own.
    for j, url in enumerate(URLS):
        i = j % len(TEXT)
        bib_key = f"hostileurl{j}"
        bib.append(f"@misc{{{bib_key},\n  title = {{URL {j}}},\n  url = {_bib_value(url)},\n"
                   f"  doi = {_bib_value(url)},\n  year = {{2020}}\n}}\n")
        path = dest / "concepts" / f"hostile-{i:03d}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["sources"]["further"].append(bib_key)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        placements += len(BIB_URL_FIELDS)
    placements += len(SCHEMA_URLS)  # see_also.url, in the forms the schema accepts
    write(dest / "bib" / "hostile.bib", "\n".join(bib))
    return {"placements": placements}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, dict]:
    dest = tmp_path_factory.mktemp("hostile") / "project"
    info = hostile_project(dest)
    wiki = load_wiki(dest)
    # Every payload is in a form the schema accepts: all entries load, so all are rendered.
    assert [str(p) for p in wiki.problems.errors] == []
    assert len(wiki.entries) == len(TEXT) + 1
    # A payload in a wikilink's #anchor names no section of the page: that is an error
    # (render/anchors.py), which stops a strict build. The build goes on without --strict so
    # that the page holding the link is still checked; nothing else may be reported.
    result = mkdocs_build(dest, "--no-strict")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    bad = [l for l in result.stderr.splitlines() if l.startswith(("WARNING", "ERROR"))
           and not re.search(r"error: wikilink '\[\[anchor-concept#[^']*\]\]': the page of "
                             r"'anchor-concept' \(Anchor concept\) has no anchor", l)]
    assert bad == []
    assert "has no anchor '#\"><script>alert(1)</script>'" in result.stderr
    return dest / "site", info


def test_no_payload_produces_executable_output(hostile_site, request):
    site, info = hostile_site
    for i in range(len(TEXT)):
        assert (site / "concepts" / f"hostile-{i:03d}" / "index.html").is_file()
    violations, checked = check_site(site)
    pages_hit = sorted({v.file for v in violations})
    payloads_hit = sorted({int(m.group(1)) for v in violations for m in [re.search(r"hostile-(\d{3})", v.file)] if m})
    report = (f"hostile payloads: {len(TEXT)} text + {len(URLS)} URL payloads in "
              f"{info['placements']} placements (entry fields {', '.join(ENTRY_TEXT_FIELDS)}, "
              f"see_also.url; BibTeX {', '.join(BIB_TEXT_FIELDS + BIB_URL_FIELDS)}); "
              f"{checked} HTML files and search records checked; "
              f"{len(payloads_hit)} payloads produced executable output "
              f"({len(violations)} violations in {len(pages_hit)} files)")
    request.config.stash.setdefault(REPORT_KEY, []).append(report)
    print(report)
    assert violations == [], "\n".join(str(v) for v in violations[:40])


def _title_text(doc: BeautifulSoup) -> str:
    return doc.title.get_text()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\x00", "\ufffd")).strip()


def test_titles_and_metadata_keep_the_text(hostile_site):
    """Escaping is by context: the reader sees exactly the title that was written."""
    site, _ = hostile_site
    for i, payload in enumerate(TEXT):
        doc = BeautifulSoup((site / "concepts" / f"hostile-{i:03d}" / "index.html").read_text(encoding="utf-8"),
                            "html.parser")
        title = _norm(payload)
        assert _norm(_title_text(doc)) == f"{title} - Test wiki", i
        assert _norm(doc.select_one("article h1").get_text()) == title, i
        assert _norm(doc.select_one('meta[name="citation_title"]')["content"]) == title, i
        ld = json.loads(doc.select_one('script[type="application/ld+json"]').string)
        assert _norm(ld["headline"]) == title, i
        header = doc.select_one(".md-header__topic[data-md-component=header-topic] .md-ellipsis")
        assert _norm(header.get_text()) == title, i
        see_also = doc.select_one("ul.cw-see-also a")
        assert _norm(see_also.get_text()) == title, i


def test_exports_stay_well_formed(hostile_site):
    """Hostile fields cannot break out of a BibTeX entry or a CSL-JSON string in the downloads."""
    site, _ = hostile_site
    items = json.loads((site / "cite" / "all.json").read_text(encoding="utf-8"))
    lib = bibtexparser.parse_string((site / "cite" / "all.bib").read_text(encoding="utf-8"))
    assert not lib.failed_blocks
    assert sorted(e.key for e in lib.entries) == sorted(i["id"] for i in items)
    for entry in lib.entries:
        assert set(entry.fields_dict) <= {"author", "editor", "title", "journal", "journaltitle",
                                          "booktitle", "publisher", "address", "location", "note",
                                          "howpublished", "edition", "volume", "number", "pages",
                                          "institution", "organization", "series", "school",
                                          "shorttitle", "type", "isbn", "issn", "url", "doi", "year",
                                          "month", "day", "date", "urldate", "eprint", "eprinttype",
                                          "archiveprefix", "primaryclass", "pubstate", "keywords",
                                          "language", "abstract", "chapter", "issue", "eventtitle",
                                          "venue", "translator", "version", "key"}, entry.key



@pytest.mark.parametrize("html", [
    '<script>alert(1)</script>',
    '<p><a href="jav&#x09;ascript:alert(1)">x</a></p>',
    '<p><a href=" JAVASCRIPT:alert(1)">x</a></p>',
    '<p onclick="x">x</p>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    '<iframe srcdoc="x"></iframe>',
    '<form action="https://example.org/"></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
    '<img src="data:image/svg+xml,x">',
])
def test_the_checker_finds_executable_content(html):
    from hostile_check import check_soup

    frag = BeautifulSoup(f"<article>{html}</article>", "html.parser")
    assert check_soup(frag, "x", allowed_inline=set()), html


# -- in a real browser ----------------------------------------------------------------------


@pytest.mark.browser
def test_no_payload_runs_in_a_browser(hostile_site, request, browser):
    """Every hostile page, the index, the tag page and search results, opened in Chromium:
    no dialog opens (every script payload calls alert), nothing is fetched from another site."""
    import functools
    import http.server
    import threading

    site, _ = hostile_site

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    dialogs: list[str] = []
    foreign: list[str] = []
    results = 0
    searched: list[tuple[str, str]] = []
    pages = ["", "concepts/", "tags/", "tags/hostile/", "concepts/anchor-concept/", "404.html",
             *(f"concepts/hostile-{i:03d}/" for i in range(len(TEXT)))]
    context = browser.new_context()  # the run's one Chromium (tests/conftest.py)
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        page.on("request", lambda r: foreign.append(r.url)
                if not r.url.startswith((base, "data:", "blob:", "about:")) else None)
        for path in pages:
            page.goto(base + path, wait_until="load")
        # Every hostile concept in the brief basket: the Brief page renders their
        # citations, titles and sources in every style.
        items = [{"slug": f"hostile-{i:03d}", "title": f"hostile {i}"} for i in range(len(TEXT))]
        state = {"version": 1, "items": items, "style": None, "primary": True, "further": True, "per": {}}
        page.goto(base + "brief/", wait_until="load")
        page.evaluate("s => localStorage.setItem('conceptwiki.brief:' + new URL('./', location.href).pathname"
                      ".replace(/brief\\/$/, ''), JSON.stringify(s))", state)
        for style in ("apa", "chicago-author-date", "harvard-cite-them-right", "oscola"):
            page.goto(base + "brief/", wait_until="load")
            page.wait_for_selector(".cw-brief-item", timeout=30000)
            select = page.locator("select")
            if select.count():
                select.first.select_option(style)
            page.wait_for_timeout(300)
        pages.append("brief/")
        # search results render titles and text as HTML
        page.goto(base + "concepts/anchor-concept/", wait_until="load")
        box = page.locator("input[data-md-component=search-query]")
        for query in ("concept", "contested", "click", "heading", "pwned"):
            box.fill("")
            box.press_sequentially(query, delay=20)
            page.wait_for_function("document.querySelector('.md-search-result__meta')"
                                   ".textContent.includes('matching')", timeout=60000)
            page.wait_for_timeout(200)
            searched.append((query, page.locator(".md-search-result__meta").text_content().strip()))
            results += page.locator(".md-search-result__item").count()
    finally:
        context.close()
        server.shutdown()
    assert results > 0, searched
    report = (f"browser: {len(pages)} pages and 5 searches ({results} results) opened in Chromium; "
              f"{len(dialogs)} dialogs, {len(foreign)} requests to other sites")
    request.config.stash.setdefault(REPORT_KEY, []).append(report)
    assert dialogs == [] and foreign == [], (dialogs[:10], foreign[:10])
