"""Policy instruments (``instruments/*.yaml``): their schema and checks report problems at
``path:line:column``, their pages and the concept pages link both ways, and the MkDocs build
and ``conceptwiki build --out`` give the same pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import (ROOT, build_site, html_soup, run_cli, small_builder, small_project, soup,
                     write)

from conceptwiki.model.loader import load_wiki

GOOD = """title: Example Act 2024
short_name: Example Act
jurisdiction: European Union
type: legislation
issuing_body: Example Parliament
status: in force
dates:
  adopted:
    date: 2024-06-13
    source: smith2020example
  published:
    date: 2024-07
    source: smith2020example
primary_source: smith2020example
url: https://example.org/act
summary: An act that addresses [[example-concept]].
addresses:
  - concept: example-concept
    pinpoint: art 55(1)(a)
    sentence: It requires something of the example concept.
    source: smith2020example
  - concept: example-concept
    pinpoint: art 3(63)
    sentence: It defines the example concept.
    source: smith2020example
created: 2026-12-07
"""

REVOKING = """title: Revoking Order
jurisdiction: United States
type: executive order
issuing_body: A President
status: in force
dates:
  adopted:
    date: 2025-01-20
    source: smith2020example
primary_source: smith2020example
summary: It revoked the example act.
created: 2026-12-07
"""


def project(tmp_path: Path, **instruments: str) -> Path:
    root = small_project(tmp_path / "p")
    for slug, text in instruments.items():
        write(root / "instruments" / f"{slug}.yaml", text)
    return root


def errors(root: Path) -> list[str]:
    return [str(p) for p in load_wiki(root).problems.errors]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_valid_instruments_load_without_problems(tmp_path):
    root = project(tmp_path, **{"example-act": GOOD, "revoking-order": REVOKING})
    wiki = load_wiki(root)
    assert [str(p) for p in wiki.problems if p.fails_strict] == []
    assert sorted(wiki.instruments) == ["example-act", "revoking-order"]
    act = wiki.instruments["example-act"].instrument
    assert act.status.value == "in force" and act.type.value == "legislation"
    assert [a.pinpoint for a in act.addresses] == ["art 55(1)(a)", "art 3(63)"]


def test_unknown_concept_is_an_error_at_its_line(tmp_path):
    text = GOOD.replace("  - concept: example-concept\n    pinpoint: art 3(63)",
                        "  - concept: exmple-concept\n    pinpoint: art 3(63)")
    root = project(tmp_path, **{"example-act": text})
    line = line_of(text, "exmple-concept")
    assert errors(root) == [f"instruments/example-act.yaml:{line}:14: error: concept 'exmple-concept' "
                            "is not an entry in concepts/; did you mean 'example-concept'?"]


def test_alias_instead_of_slug_is_an_error_naming_the_slug(tmp_path):
    root = project(tmp_path, **{"example-act": GOOD.replace("concept: example-concept\n    pinpoint: art 3",
                                                            "concept: other-concept-alias\n    pinpoint: art 3")})
    entry = (root / "concepts" / "other-concept.yaml").read_text()
    write(root / "concepts" / "other-concept.yaml", entry.replace("kind:", "aliases: [other concept alias]\nkind:", 1))
    msgs = errors(root)
    assert len(msgs) == 1 and "is not a slug" in msgs[0] and "write 'other-concept'" in msgs[0], msgs


def test_date_without_source_is_an_error_at_the_date(tmp_path):
    text = GOOD.replace("    date: 2024-06-13\n    source: smith2020example\n", "    date: 2024-06-13\n")
    root = project(tmp_path, **{"example-act": text})
    line = line_of(text, "date: 2024-06-13")
    assert errors(root) == [f"instruments/example-act.yaml:{line}:5: error: date 'adopted' (2024-06-13) "
                            "has no source; add 'source: <BibTeX key>' of the document that records it, "
                            "or remove the date"]


def test_revoked_without_revoker_is_an_error(tmp_path):
    text = GOOD.replace("status: in force", "status: revoked")
    root = project(tmp_path, **{"example-act": text})
    msgs = errors(root)
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith(f"instruments/example-act.yaml:{line_of(text, 'status:')}:9: error: "
                              "the instrument is revoked, but does not say what revoked it")
    # a revoked date without 'by' is reported at that date
    text2 = text.replace("primary_source:", "  revoked:\n    date: 2025-01-20\n    source: smith2020example\n"
                         "primary_source:")
    root2 = project(tmp_path / "two", **{"example-act": text2})
    msgs = errors(root2)
    assert len(msgs) == 1 and msgs[0].startswith(
        f"instruments/example-act.yaml:{line_of(text2, 'revoked:')}:3: error: the instrument is revoked"), msgs


def test_revoked_by_an_unknown_slug_and_superseded_without_by(tmp_path):
    text = GOOD.replace("status: in force", "status: revoked").replace(
        "primary_source:", "  revoked:\n    date: 2025-01-20\n    source: smith2020example\n    by: revokng-order\n"
        "primary_source:")
    root = project(tmp_path, **{"example-act": text, "revoking-order": REVOKING})
    msgs = errors(root)
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith(f"instruments/example-act.yaml:{line_of(text, 'by: revokng')}:9: error: "
                              "'revoked.by' is 'revokng-order', which is no instrument")
    assert "did you mean 'revoking-order'?" in msgs[0]
    sup = GOOD.replace("status: in force", "status: superseded")
    assert "does not say what superseded it" in errors(project(tmp_path / "s", **{"example-act": sup}))[0]


def test_unknown_bib_keys_everywhere_are_errors_at_their_place(tmp_path):
    text = (GOOD.replace("primary_source: smith2020example", "primary_source: smth2020example")
            .replace("    pinpoint: art 3(63)\n    sentence: It defines the example concept.\n    source: smith2020example",
                     "    pinpoint: art 3(63)\n    sentence: It defines the example concept.\n    source: nobody1999"))
    root = project(tmp_path, **{"example-act": text})
    msgs = errors(root)
    assert msgs == [
        f"instruments/example-act.yaml:{line_of(text, 'primary_source')}:17: error: unknown BibTeX key "
        "'smth2020example'; add it to a file in bib/; did you mean 'smith2020example'?",
        f"instruments/example-act.yaml:{line_of(text, 'source: nobody1999')}:13: error: unknown BibTeX key "
        "'nobody1999'; add it to a file in bib/",
    ]


def test_schema_errors_are_located_and_name_the_allowed_values(tmp_path):
    text = GOOD.replace("type: legislation", "type: law").replace("short_name:", "shortname:")
    root = project(tmp_path, **{"example-act": text})
    msgs = errors(root)
    assert any(m.startswith(f"instruments/example-act.yaml:{line_of(text, 'shortname')}:1: error: unknown key "
                            "'shortname'; did you mean 'short_name'?") for m in msgs), msgs
    assert any(m.startswith(f"instruments/example-act.yaml:{line_of(text, 'type: law')}:7: error: ")
               and "legislation" in m and "company policy" in m for m in msgs), msgs


def test_broken_wikilink_in_a_summary_and_long_article_pinpoint(tmp_path):
    text = GOOD.replace("[[example-concept]]", "[[no-such-concept]]").replace("art 3(63)", "Article 3(63)")
    root = project(tmp_path, **{"example-act": text})
    wiki = load_wiki(root)
    assert [str(p) for p in wiki.problems.errors] == [
        f"instruments/example-act.yaml:{line_of(text, 'no-such-concept')}:32: error: wikilink "
        "'[[no-such-concept]]' points to no concept"]
    assert [str(p) for p in wiki.problems.warnings] == [
        f"instruments/example-act.yaml:{line_of(text, 'Article 3(63)')}:15: warning: pinpoint 'Article 3(63)': "
        "EU legislation is pinpointed in OSCOLA form; write 'art 3(63)'"]


def test_check_command_reports_instrument_problems(tmp_path):
    text = GOOD.replace("    date: 2024-06-13\n    source: smith2020example\n", "    date: 2024-06-13\n")
    root = project(tmp_path, **{"example-act": text})
    r = run_cli("check", cwd=root)
    assert r.returncode == 1
    assert re.search(r"^instruments/example-act\.yaml:\d+:5: error: date 'adopted'", r.stdout, re.M), r.stdout
    assert "1 instrument" in r.stderr


def test_instruments_json_schema_is_current():
    r = run_cli("schema", "--instruments")
    assert r.returncode == 0
    assert r.stdout == (ROOT / "instruments" / "schema.json").read_text(encoding="utf-8")


# -- pages -------------------------------------------------------------------------------


def _body(page) -> str:
    return page.render().html


def test_pages_link_both_ways_with_pinpoints_and_counts(tmp_path):
    revoked = GOOD.replace("status: in force", "status: revoked").replace(
        "primary_source:", "  revoked:\n    date: 2025-01-20\n    source: smith2020example\n    by: revoking-order\n"
        "primary_source:")
    root = project(tmp_path, **{"example-act": revoked, "revoking-order": REVOKING})
    builder = small_builder(root)
    pages = {p.src_uri: p for p in builder.pages()}
    assert {"instruments/index.md", "instruments/example-act.md", "instruments/revoking-order.md"} <= set(pages)

    act = html_soup(_body(pages["instruments/example-act.md"]))
    rows = act.select("table.cw-instrument-addresses tbody tr")
    assert [(r.a["href"], r.select_one(".cw-pinpoint-cell").text) for r in rows] == [
        ("../../concepts/example-concept/", "art 55(1)(a)"), ("../../concepts/example-concept/", "art 3(63)")]
    assert act.select_one(".cw-instrument-revoked a")["href"] == "../revoking-order/"
    assert "Revoked by" in act.select_one(".cw-instrument-revoked").text
    # dates show with their sources; a month is shown as a month
    dates = [d.get_text(" ", strip=True) for d in act.select(".cw-instrument-date")]
    assert dates[0].startswith("13 June 2024") and dates[1].startswith("July 2024")
    assert act.select_one(".cw-instrument-date a.cw-instrument-ref")["href"] == "#ref-smith2020example"
    # the same citation blocks as concept pages: every style, BibTeX, the instrument itself
    labels = [label.text for label in act.select("#cite-this-page + .cw-cite-tabs .tabbed-labels label")]
    assert labels[-1] == "BibTeX" and len(labels) == len(builder.site.styles) + 1
    assert act.select_one("#cite-the-instrument") is not None
    assert act.select_one("code.cw-fingerprint").text == builder.instruments.fingerprint(
        builder.wiki.instruments["example-act"])[:12]

    revoker = html_soup(_body(pages["instruments/revoking-order.md"]))
    assert revoker.select(".cw-instrument-addresses") == []
    # the instrument that did the revoking says so the right way round, and is not "revoked"
    assert revoker.select(".cw-instrument-revoked") == []
    replaces = revoker.select_one(".cw-instrument-revokes")
    assert " ".join(replaces.get_text().split()) == "Replaces This executive order revoked Example Act."
    assert replaces.a["href"] == "../example-act/"

    concept = html_soup(_body(pages["concepts/example-concept.md"]))
    heading = concept.select_one("#used-by-instruments")
    assert heading is not None and heading.get_text(strip=True).startswith("Used by 1 instrument")
    uses = concept.select("ul.cw-instrument-uses > li")
    assert len(uses) == 1 and uses[0].a["href"] == "../../instruments/example-act/"
    assert [p.text for p in uses[0].select(".cw-pinpoint-ref")] == ["Example Act, art 55(1)(a)",
                                                                    "Example Act, art 3(63)"]
    other = html_soup(_body(pages["concepts/other-concept.md"]))
    assert other.select_one("#used-by-instruments").get_text(strip=True).startswith("Used by 0 instruments")

    index = html_soup(_body(pages["instruments/index.md"]))
    assert [a["href"] for a in index.select("table.cw-instruments-index td:first-child a")] == [
        "revoking-order/", "example-act/"]  # grouped by type: executive orders, then legislation

    files = builder.exports()
    assert files["cite/instruments/example-act.bib"].startswith("@")
    assert "smith2020example" in files["cite/instruments/example-act.bib"]
    assert "Example Act 2024" in files["cite/all.json"]


def test_concept_pages_without_instruments_folder_have_no_instrument_section(tmp_path):
    root = small_project(tmp_path / "p")
    builder = small_builder(root)
    srcs = {p.src_uri for p in builder.pages()}
    assert not any(s.startswith("instruments/") for s in srcs)
    body = next(p for p in builder.pages() if p.src_uri == "concepts/example-concept.md").render().html
    assert "used-by-instruments" not in body


def test_governance_relevance_section_is_shown_and_its_sources_count_as_cited(tmp_path):
    root = project(tmp_path, **{"example-act": GOOD})
    write(root / "bib" / "gov.bib", "@report{gov2024report,\n  author = {{Gov}},\n  title = {A report},\n"
          "  institution = {Gov},\n  year = {2024}\n}\n")
    entry = (root / "concepts" / "example-concept.yaml").read_text()
    entry = entry.replace("sources:", "governance_relevance:\n  requires: Instruments require [[other-concept]].\n"
                          "  when_citing: Say it is contested.\n  sources: [gov2024report]\nsources:", 1)
    write(root / "concepts" / "example-concept.yaml", entry)
    wiki = load_wiki(root)
    assert [str(p) for p in wiki.problems] == []  # gov2024report is cited by the section
    body = html_soup(next(p for p in small_builder(root).pages()
                          if p.src_uri == "concepts/example-concept.md").render().html)
    section = body.select_one(".cw-governance")
    assert [h.text for h in section.select("h3")] == ["What instruments require", "When citing"]
    assert section.select_one("a[href='../other-concept/']") is not None
    assert "A report" in section.text
    # an empty section is an error at the key
    bad = entry.replace("  requires: Instruments require [[other-concept]].\n  when_citing: Say it is contested.\n", "")
    write(root / "concepts" / "example-concept.yaml", bad)
    msgs = [str(p) for p in load_wiki(root).problems.errors]
    assert len(msgs) == 1 and "needs at least one of 'requires'" in msgs[0], msgs
    assert msgs[0].startswith(f"concepts/example-concept.yaml:{line_of(bad, 'governance_relevance') + 1}:3: "
                              "error: 'governance_relevance': it needs at least one of"), msgs


def _article(html_path: Path) -> str:
    return str(soup(html_path).select_one("article.md-content__inner"))


@pytest.mark.slow
def test_mkdocs_and_cli_build_the_same_instrument_pages(tmp_path):
    root = project(tmp_path, **{"example-act": GOOD, "revoking-order": REVOKING})
    site = build_site(root)
    out = tmp_path / "out"
    r = run_cli("build", "--out", str(out), cwd=root)
    assert r.returncode == 0, r.stderr
    for src in ("instruments/index.md", "instruments/example-act.md", "instruments/revoking-order.md",
                "concepts/example-concept.md"):
        md = (out / src).read_text(encoding="utf-8")
        body = md.split("\n---\n", 1)[1].strip()
        folder = src[: -len("index.md")] if src.endswith("index.md") else src[:-3] + "/"
        article = _article(site / folder / "index.html")
        # every element of the CLI's page is in the MkDocs page, in the same order
        cli_ids = [t.get("id") for t in html_soup(body).find_all(id=True)]
        site_ids = [t.get("id") for t in html_soup(article).find_all(id=True) if t.get("id") in cli_ids]
        assert cli_ids == site_ids, src
        cli_links = [a["href"] for a in html_soup(body).find_all("a", href=True)]
        site_links = [a["href"] for a in html_soup(article).find_all("a", href=True) if a["href"] in cli_links]
        assert cli_links == site_links, src
    page = soup(site / "instruments" / "example-act" / "index.html")
    assert page.select_one("a[href='../../concepts/example-concept/']") is not None
    assert (site / "cite" / "instruments" / "example-act.bib").is_file()
    assert (out / "cite" / "instruments" / "example-act.bib").read_text() == \
        (site / "cite" / "instruments" / "example-act.bib").read_text()


def test_links_to_the_instrument_sections_of_a_concept_page_are_valid(tmp_path):
    from conceptwiki.render.anchors import AnchorIndex, check_anchors

    root = project(tmp_path, **{"example-act": GOOD})
    other = (root / "concepts" / "other-concept.yaml").read_text()
    linked = other.replace("summary: ", "summary: See [[example-concept#used-by-instruments]] and "
                           "[[example-concept#governance-relevance]]. ", 1)
    write(root / "concepts" / "other-concept.yaml", linked)
    wiki = load_wiki(root)
    msgs = [str(p) for p in check_anchors(wiki, AnchorIndex.of(wiki))]
    # the concept has no governance relevance section: only that link is reported
    assert len(msgs) == 1 and "#governance-relevance" in msgs[0], msgs


def test_check_rejects_all_three_at_their_lines(tmp_path):
    """`conceptwiki check` (the command contributors run) fails on a revoked instrument that
    does not say what revoked it, a date without a source and a link to no concept, each at
    its path:line:column."""
    text = (GOOD.replace("status: in force", "status: revoked")
            .replace("    date: 2024-06-13\n    source: smith2020example\n", "    date: 2024-06-13\n")
            .replace("  - concept: example-concept\n    pinpoint: art 3(63)", "  - concept: exmple-concept\n    pinpoint: art 3(63)"))
    root = project(tmp_path, **{"example-act": text})
    r = run_cli("check", cwd=root)
    assert r.returncode == 1
    got = [line for line in r.stdout.splitlines() if line.startswith("instruments/")]
    assert got == [  # in the order of their lines
        f"instruments/example-act.yaml:{line_of(text, 'status:')}:9: error: the instrument is revoked, but does "
        "not say what revoked it: add 'dates: revoked: {date: ..., source: ..., by: ...}' with the slug or name "
        "of the instrument that did",
        f"instruments/example-act.yaml:{line_of(text, 'date: 2024-06-13')}:5: error: date 'adopted' (2024-06-13) "
        "has no source; add 'source: <BibTeX key>' of the document that records it, or remove the date",
        f"instruments/example-act.yaml:{line_of(text, 'exmple-concept')}:14: error: concept 'exmple-concept' is "
        "not an entry in concepts/; did you mean 'example-concept'?",
    ], r.stdout
