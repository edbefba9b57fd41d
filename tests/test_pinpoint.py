"""Pinpoint anchors and "cite this passage" (conceptwiki.render.pinpoint), without a site build."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conceptwiki.citations.cite import Citer, page_item
from conceptwiki.citations.engine import CitationEngine
from conceptwiki.render.markup import MarkdownRenderer
from conceptwiki.render.pinpoint import (ANCHOR_RE, ANCHOR_TOKEN, LOCATOR_TOKEN, Passage, add_cite_links,
                                  anchor_ids, key_point_ids, normalise, passage_templates)

GOLDEN = Path(__file__).parent / "golden" / "pinpoint"

PARAS = [
    "Hubinger et al. (2019) introduced the distinction between [[outer-alignment]] and\n"
    "*inner* alignment.",
    "The paper describes several ways in which a mesa-optimizer can be misaligned.",
    "- a list item\n- another list item",
    "The term is now often used more loosely.",
]


def render(markdown: str) -> tuple[str, list[str]]:
    r = MarkdownRenderer()
    html = r.render(markdown, passages=True)
    return html, list(r.pinpoint.ids)


def ids_by_text(markdown: str) -> dict[str, str]:
    html, _ = render(markdown)
    doc = BeautifulSoup(html, "html.parser")
    return {el.get_text(" ", strip=True): el["id"] for el in doc.select("[id]")
            if el.name in ("p", "li", "blockquote")}


def test_golden_details_ids_are_sha256_of_each_passage_source():
    expected = json.loads((GOLDEN / "details.expected.json").read_text(encoding="utf-8"))
    html, ids = render((GOLDEN / "details.md").read_text(encoding="utf-8"))
    assert ids == [p["id"] for p in expected["passages"]]
    for p in expected["passages"]:
        # computed here independently of the module: 8 hex of SHA-256 of the Markdown source
        digest = hashlib.sha256(p["source"].encode("utf-8")).hexdigest()[:8]
        assert re.fullmatch(rf"p-{digest}(-\d+)?", p["id"])
    doc = BeautifulSoup(html, "html.parser")
    assert [h["id"] for h in doc.select("h3")] == expected["headings"]
    assert doc.select_one("pre").get("id") is None  # code blocks are not passages
    # every id is unique and in the documented form
    all_ids = [el["id"] for el in doc.select("[id]")]
    assert len(all_ids) == len(set(all_ids))
    assert all(ANCHOR_RE.match(i) for i in ids)


def test_editing_one_paragraph_leaves_the_others_unchanged():
    before = ids_by_text("\n\n".join(PARAS))
    edited = list(PARAS)
    edited[1] = "The paper describes SEVERAL ways in which a mesa-optimizer can be misaligned."
    after = ids_by_text("\n\n".join(edited))
    changed = {t for t in before if before[t] != after.get(t)}
    assert changed == {"The paper describes several ways in which a mesa-optimizer can be misaligned."}
    assert len(after) == len(before)


def test_reordering_and_inserting_keeps_anchors():
    before = ids_by_text("\n\n".join(PARAS))
    reordered = ids_by_text("\n\n".join([PARAS[3], "A new first paragraph.", PARAS[2], PARAS[0], PARAS[1]]))
    for text, anchor in before.items():
        assert reordered[text] == anchor


def test_rewrapping_a_paragraph_keeps_its_anchor():
    one = ids_by_text("Some words that are\nwrapped here.")
    two = ids_by_text("Some   words that are wrapped\nhere.")
    assert list(one.values()) == list(two.values())


def test_wikilink_targets_do_not_change_anchors():
    # the anchor comes from the Markdown source, not from the resolved link (title, href)
    r = MarkdownRenderer()
    from conceptwiki.render.markup import LinkTarget

    r.render("See [[other]].", passages=True,
             resolver=lambda t, a: LinkTarget("../other/", "Other", "Old summary"))
    first = list(r.pinpoint.ids)
    r.render("See [[other]].", passages=True,
             resolver=lambda t, a: LinkTarget("../renamed/", "Renamed", "New summary"))
    assert r.pinpoint.ids == first


def test_duplicates_get_numbered_suffixes_in_order():
    ids = anchor_ids(["Same.", "Other.", "Same.", " Same. "])
    base = "p-" + hashlib.sha256(b"Same.").hexdigest()[:8]
    assert ids[0] == base and ids[2] == base + "-2" and ids[3] == base + "-3"
    assert ids[1] != base
    html, rendered = render("Same.\n\nOther.\n\nSame.")
    assert rendered == ids[:3]
    kp = key_point_ids(["A point.", "A point.", "Another."])
    assert kp[0].startswith("kp-") and kp[1] == kp[0] + "-2" and kp[2] != kp[0]


def test_normalise():
    assert normalise("  a\n\tb  ") == "a b"
    assert normalise("cafe\u0301") == normalise("caf\u00e9")  # NFC


def test_passages_only_when_asked():
    r = MarkdownRenderer()
    assert 'id="p-' not in r.render("One.\n\nTwo.")
    assert r.pinpoint.ids == []
    assert 'id="p-' in r.render("One.\n\nTwo.", passages=True)
    assert 'id="p-' not in r.render("One.\n\nTwo.")  # the shared renderer is reset


def test_entries_cannot_forge_anchor_ids():
    html, _ = render('<p id="p-deadbeef">x</p>\n\nText {: #p-cafebabe }')
    out = add_cite_links(html, {}, "T")
    doc = BeautifulSoup(out, "html.parser")
    assert doc.select("#p-deadbeef") == [] and doc.select("#p-cafebabe") == []


def test_cite_links_are_plain_anchor_links():
    html, ids = render("One.\n\n- two\n- three\n\n> four")
    passages = {a: Passage(a, i + 1, "paragraph") for i, a in enumerate(ids)}
    doc = BeautifulSoup(add_cite_links(html, passages, 'Title "quoted" <b>'), "html.parser")
    links = doc.select("a.cw-pin")
    assert [a["href"] for a in links] == [f"#{a}" for a in ids]
    assert [a["data-cw-pin"] for a in links] == ["1", "2", "3", "4"]
    for a in links:
        el = a.parent
        assert el["id"] == a["href"][1:] and "cw-passage" in el["class"]
        assert a["aria-label"].endswith('of Title "quoted" <b>')
    assert links[0].get_text() == "¶\u00a01"


@pytest.fixture(scope="module")
def citer():
    styles = ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola",
              "chicago-notes-bibliography", "chicago-note-bibliography"]
    return Citer(CitationEngine(styles), styles, display_date=dt.date(2026, 5, 6))


@pytest.fixture(scope="module")
def item():
    return page_item(slug="inner-alignment", title="Inner alignment", site_name="AI Safety Concept Wiki",
                     publisher="AI Safety Concept Wiki", url="https://example.org/wiki/concepts/inner-alignment/",
                     updated=dt.date(2025, 3, 4), accessed=dt.date(2026, 5, 6))


def test_passage_templates_follow_each_style(citer, item):
    t = {s["style"]: s for s in passage_templates(citer, item, "0123456789ab")}

    def fill(s: str, n: int = 3) -> str:
        return s.replace(LOCATOR_TOKEN, str(n)).replace(ANCHOR_TOKEN, "p-1234abcd")

    assert fill(t["apa"]["cite_text"]) == "(AI Safety Concept Wiki, 2025, para. 3)"
    assert fill(t["chicago-author-date"]["cite_text"]) == "(AI Safety Concept Wiki 2025, para. 3)"
    assert fill(t["harvard-cite-them-right"]["cite_text"]) == "(AI Safety Concept Wiki, 2025, para. 3)"
    url = "https://example.org/wiki/concepts/inner-alignment/?v=0123456789ab#p-1234abcd"
    assert fill(t["oscola"]["cite_text"]) == (
        "AI Safety Concept Wiki, ‘Inner Alignment’ (AI Safety Concept Wiki, 4 March 2025) para 3 "
        f"<{url}> accessed 6 May 2026.")
    assert fill(t["chicago-notes-bibliography"]["cite_text"]) == (
        "AI Safety Concept Wiki, “Inner Alignment,” AI Safety Concept Wiki, March 4, 2025, para. 3, "
        f"{url}.")
    assert fill(t["chicago-note-bibliography"]["cite_text"]) == (
        "AI Safety Concept Wiki, “Inner Alignment,” para. 3.")
    # the note carries the URL: no reference needed; otherwise the reference has the anchored URL
    assert t["oscola"]["standalone"] and t["chicago-notes-bibliography"]["standalone"]
    assert not t["apa"]["standalone"] and not t["chicago-note-bibliography"]["standalone"]
    assert fill(t["apa"]["ref_text"]).endswith(url)
    assert t["apa"]["form"] == "in-text" and t["oscola"]["form"] == "footnote"
    # the accessed date is marked for the browser to set to the reader's day
    assert 'class="cw-accessed" data-date-format="D MMMM YYYY">6 May 2026<' in t["oscola"]["cite_html"]
    assert '<a href="' in t["oscola"]["cite_html"]
    assert all(LOCATOR_TOKEN in s["cite_text"] for s in t.values())


def test_reference_with_anchored_url_equals_rendering_it(citer, item):
    # the reference is derived from the page's citation by replacing the URL; check that
    # this is what the engine gives for the anchored URL in every style
    for s in passage_templates(citer, item, "0123456789ab"):
        direct = citer.render(dict(item, URL=item["URL"] + "?v=0123456789ab#" + ANCHOR_TOKEN),
                              s["style"], mark_accessed=True)
        assert (s["ref_html"], s["ref_text"]) == (direct.html, direct.text), s["style"]


def test_chicago_note_styles_get_note_forms_and_distinct_labels(citer, item):
    full = citer.render(item, "chicago-notes-bibliography", mark_accessed=True)
    short = citer.render(item, "chicago-note-bibliography", mark_accessed=True)
    assert full.note_first and full.note_subsequent and full.note_first != full.note_subsequent
    assert "https://example.org/wiki/concepts/inner-alignment/" in full.note_first
    assert short.note_first == short.note_subsequent  # shortened notes: one form
    labels = [citer.label(s) for s in citer.styles]
    assert len(labels) == len(set(labels))
    assert citer.label("chicago-notes-bibliography") == "Chicago (notes)"
    assert citer.label("chicago-note-bibliography") == "Chicago (short notes)"


def test_shared_renders_equal_rendering_each_page_in_full(citer, item):
    # pinpoint citations are rendered once per style and month and shared between pages
    # (title, URL and day put in, or left out where a style does not print them): check
    # them against rendering each page in full with the engine
    others = [item,
              dict(item, title="Another page", URL="https://example.org/wiki/concepts/another/",
                   issued={"date-parts": [[2025, 11, 30]]}),
              dict(item, title="Goodhart's law (strong)", issued={"date-parts": [[2024, 1, 8]]}),
              dict(item, issued={"date-parts": [[2024]]})]
    for other in others:
        for s in passage_templates(citer, other, "0123456789ab"):
            anchored = dict(other, URL=other["URL"] + "?v=0123456789ab#" + ANCHOR_TOKEN)
            full = citer.engine.note(anchored, s["style"], "text", position="first",
                                     locator=LOCATOR_TOKEN, label="paragraph")
            assert s["cite_text"] == full, (s["style"], other["title"])
    assert "2024, para." in passage_templates(citer, others[2], None)[0]["cite_text"]
