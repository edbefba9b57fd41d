"""Real site builds (MkDocs, in a git repository) with passage anchors, cite-this-passage data,
fingerprints and published-version records, read with BeautifulSoup."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import bibtexparser
import pytest
from bs4 import BeautifulSoup

from helpers import PINPOINT_ENTRY as ENTRY
from helpers import build_site, commit, git, mkdocs_build, pinpoint_project, run_cli, soup, write


def build(root: Path) -> BeautifulSoup:
    build_site(root)
    return soup(root / "site" / "concepts" / "example-concept" / "index.html")


def passages(doc: BeautifulSoup) -> dict[str, str]:
    """Text of each passage → its anchor (without the cite link's own text)."""
    out = {}
    for el in doc.select(".cw-passage[id]"):
        link = el.select_one(":scope > a.cw-pin")
        text = el.get_text(" ", strip=True)
        out[text[len(link.get_text(" ", strip=True)):].strip()] = el["id"]
    return out


@pytest.fixture
def site_repo(tmp_path: Path) -> Path:
    root = pinpoint_project(tmp_path / "wiki")
    write(root / ".gitignore", "site/\n")
    git(root, "init", "-q", "-b", "main", date="2026-01-02T10:00:00+00:00")
    return root


def test_anchors_cite_data_and_fingerprint_on_a_real_page(site_repo: Path):
    first = commit(site_repo, "first", "2026-01-02T10:00:00+00:00")
    doc = build(site_repo)
    art = doc.select_one("article")

    # passages: details paragraphs, list items, key points, numbered in one sequence
    els = art.select(".cw-passage")
    assert [el.name for el in els] == ["p", "p", "li", "li", "p", "li", "li"]
    ids = [el["id"] for el in els]
    assert all(re.fullmatch(r"p-[0-9a-f]{8}", i) for i in ids[:5])
    assert all(re.fullmatch(r"kp-[0-9a-f]{8}", i) for i in ids[5:])
    links = [el.select_one(":scope > a.cw-pin") for el in els]
    assert [a["href"] for a in links] == [f"#{i}" for i in ids]
    assert [a["data-cw-pin"] for a in links] == ["1", "2", "3", "4", "5", "6", "7"]
    assert art.select_one(".cw-details h3")["id"] == "a-heading"  # headings keep their ids
    assert len(set(el["id"] for el in art.select("[id]"))) == len(art.select("[id]"))

    # cite-this-passage templates, one per configured style, in the tabs' order
    data = json.loads(art.select_one("#cw-pinpoint-data")["data-cw-pinpoint"])
    assert [s["style"] for s in data["styles"]] == ["apa", "chicago-author-date", "oscola",
                                                    "chicago-notes-bibliography"]
    tabs = [l.get_text() for l in art.select(".cw-cite-tabs--page")[0].select(".tabbed-labels label")]
    assert tabs == ["APA", "Chicago", "OSCOLA", "Chicago (notes)", "BibTeX"]
    fingerprint = art.select_one("aside.cw-glance .cw-fingerprint").get_text()
    assert re.fullmatch(r"[0-9a-f]{12}", fingerprint)

    def cite(style: str, number: str, anchor: str) -> str:
        s = next(x for x in data["styles"] if x["style"] == style)
        parts = [s["cite_html"]] + ([] if s["standalone"] else [s["ref_html"]])
        parts = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in parts]  # as textContent
        return "\n".join(parts).replace(data["locator"], number).replace(data["anchor"], anchor)

    url = f"https://example.org/wiki/concepts/example-concept/?v={fingerprint}#{ids[1]}"
    assert cite("apa", "2", ids[1]) == (
        "(Test Publisher, 2026, para. 2)\n"
        f"Test Publisher. (2026, January 2). Example concept. Test Wiki. {url}")
    assert cite("oscola", "2", ids[1]) == (
        f"Test Publisher, ‘Example Concept’ (Test wiki, 2 January 2026) para 2 <{url}> accessed 2 January 2026.")

    # fingerprint, its date and the version list
    assert art.select_one("aside.cw-glance .cw-version-current time")["datetime"] == "2026-01-02"
    versions = art.select("details#versions .cw-version-list > li")
    assert [v["data-fingerprint"] for v in versions] == [fingerprint]
    assert versions[0].select_one("a")["href"] == f"https://github.com/example/wiki/commit/{first}"
    notice = art.select_one(".cw-version-notice")
    assert notice.has_attr("hidden")
    record = json.loads((site_repo / "site" / "cite" / "example-concept.versions.json").read_text())
    assert record == {"slug": "example-concept", "fingerprint": fingerprint, "history": "complete",
                      "versions": [{"fingerprint": fingerprint, "revision": first, "date": "2026-01-02"}]}
    assert art.select_one("a.cw-versions-record")["href"] == "../../cite/example-concept.versions.json"

    # exports carry the fingerprint
    bib = bibtexparser.parse_string((site_repo / "site" / "cite" / "example-concept.bib").read_text())
    assert bib.entries[0]["note"] == f"Version {fingerprint}"
    csl = json.loads((site_repo / "site" / "cite" / "example-concept.json").read_text())
    assert csl[0]["version"] == fingerprint
    assert f"N1  - Version {fingerprint}" in (site_repo / "site" / "cite" / "example-concept.ris").read_text()
    assert f"note = {{Version {fingerprint}}}" in art.select_one("#cw-cite-page-bibtex").get_text()


def test_anchors_survive_an_edit_elsewhere_and_versions_accumulate(site_repo: Path):
    first = commit(site_repo, "first", "2026-01-02T10:00:00+00:00")
    before_doc = build(site_repo)
    before = passages(before_doc)
    old_fp = before_doc.select_one(".cw-fingerprint").get_text()

    text = ENTRY.replace("The second paragraph says another.", "The second paragraph now says more.")
    text = text.replace("  The first paragraph", "  A new opening paragraph.\n\n  The first paragraph")
    write(site_repo / "concepts" / "example-concept.yaml", text)
    second = commit(site_repo, "edit", "2026-02-03T10:00:00+00:00")
    after_doc = build(site_repo)
    after = passages(after_doc)

    for passage, anchor in before.items():
        if passage == "The second paragraph says another.":
            assert passage not in after
        else:
            assert after[passage] == anchor, passage
    assert "The second paragraph now says more." in after
    numbers = {el["id"]: el.select_one("a.cw-pin")["data-cw-pin"] for el in after_doc.select(".cw-passage")}
    assert numbers[before["The first paragraph says one thing."]] == "2"  # numbers follow the order

    new_fp = after_doc.select_one(".cw-fingerprint").get_text()
    assert new_fp != old_fp
    versions = after_doc.select("details#versions .cw-version-list > li")
    assert [(v["data-fingerprint"], v.get("data-date")) for v in versions] == [
        (new_fp, "2026-02-03"), (old_fp, "2026-01-02")]
    assert "cw-version--current" in versions[0]["class"]
    record = json.loads((site_repo / "site" / "cite" / "example-concept.versions.json").read_text())
    assert [v["revision"] for v in record["versions"]] == [second, first]
    # the other entry did not change
    other = json.loads((site_repo / "site" / "cite" / "other-concept.versions.json").read_text())
    assert [v["revision"] for v in other["versions"]] == [first]


def test_cli_build_writes_the_same_anchors_and_records(site_repo: Path, tmp_path: Path):
    commit(site_repo, "first", "2026-01-02T10:00:00+00:00")
    doc = build(site_repo)
    out = tmp_path / "out"
    result = run_cli("--root", str(site_repo), "build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    md = (out / "concepts" / "example-concept.md").read_text()
    for el in doc.select(".cw-passage"):
        assert f'id="{el["id"]}"' in md
    assert ((out / "cite" / "example-concept.versions.json").read_text()
            == (site_repo / "site" / "cite" / "example-concept.versions.json").read_text())


def test_shallow_clone_builds_with_one_note(site_repo: Path, tmp_path: Path):
    commit(site_repo, "first", "2026-01-02T10:00:00+00:00")
    write(site_repo / "concepts" / "example-concept.yaml", ENTRY.replace("One point.", "A point."))
    head = commit(site_repo, "second", "2026-02-03T10:00:00+00:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{site_repo}", str(clone), date="2026-02-03T10:00:00+00:00")
    result = mkdocs_build(clone)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("shallow git clone: version records hold only") == 1
    record = json.loads((clone / "site" / "cite" / "example-concept.versions.json").read_text())
    assert record["history"] == "current-only"
    assert [v["revision"] for v in record["versions"]] == [head]


def test_uncommitted_changes_are_shown_as_such(site_repo: Path):
    first = commit(site_repo, "first", "2026-01-02T10:00:00+00:00")
    write(site_repo / "concepts" / "example-concept.yaml", ENTRY.replace("One point.", "A point."))
    doc = build(site_repo)
    versions = doc.select("details#versions .cw-version-list > li")
    assert len(versions) == 2
    assert "not yet committed" in versions[0].get_text() and "(current)" in versions[0].get_text()
    assert versions[1].select_one("a")["href"].endswith(first)
    assert "(not yet committed)" in doc.select_one("aside.cw-glance .cw-version-current").get_text()
