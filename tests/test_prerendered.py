"""Concept pages reach MkDocs pre-rendered: MkDocs gets only their front matter and the plugin
puts the HTML body, table of contents and anchors in when the page is written. These tests
build real sites and check that what a reader gets is what a Markdown page would give:
headings with the site's permalinks, the table of contents, anchors that links from
hand-written pages are checked against, and a site's own ``concept.md.j2`` still honoured."""

from __future__ import annotations

from pathlib import Path

from helpers import (SMALL_ENTRY, SMALL_MKDOCS, html_soup, mkdocs_build, problem_lines, small_builder,
                     small_project, soup, write)

from conceptwiki.config import HeadingLinks

from conceptwiki.render.pages import Page


def warnings(result) -> list[str]:
    return problem_lines(result)


def page(root: Path, slug: str):
    return soup(root / "site" / "concepts" / slug / "index.html")


def test_headings_and_table_of_contents(tmp_path: Path):
    root = small_project(tmp_path, SMALL_MKDOCS + "markdown_extensions:\n  - toc:\n      permalink: true\n")
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    assert warnings(result) == []
    doc = page(root, "example-concept")
    art = doc.select_one("article")
    h2 = {h["id"]: h for h in art.select("h2[id]")}
    for hid in ("key-points", "references", "related-concepts", "how-to-cite"):
        link = h2[hid].select_one("a.headerlink")
        assert link is not None and link["href"] == f"#{hid}" and link["title"] == "Permanent link"
        assert link.get_text() == "¶"
    assert [h.get_text(strip=True) for h in art.select("h1")] == ["Example concept"]
    # The theme's "Table of contents" lists the page's sections, in order, like a Markdown page's.
    toc = doc.select_one("nav.md-nav--secondary")
    assert toc is not None
    listed = [(a["href"], a.get_text(strip=True)) for a in toc.select("a.md-nav__link")]
    assert listed[0] == ("#details", "Details")
    assert ("#how-to-cite", "How to cite") in listed
    assert [href for href, _ in listed] == [f"#{h['id']}" for h in art.select("h2[id]")]
    # The title and description come from the stub's front matter.
    assert doc.title.get_text().startswith("Example concept")
    assert doc.select_one('meta[name="description"]')["content"] == "An example that links to other concept."


def test_permalink_options_are_followed(tmp_path: Path):
    root = small_project(tmp_path, SMALL_MKDOCS + (
        "markdown_extensions:\n  - toc:\n      permalink: '#'\n"
        "      permalink_title: Link to this section\n      permalink_class: my-anchor\n"))
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    h2 = page(root, "example-concept").select_one("article h2#references")
    link = h2.select_one("a.my-anchor")
    assert link.get_text() == "#" and link["title"] == "Link to this section"


def test_no_permalinks_unless_configured(small_site: Path):
    root = small_site.parent  # the small wiki as SMALL_MKDOCS configures it: no toc options
    h2 = page(root, "example-concept").select_one("article h2#references")
    assert h2.select_one("a") is None and h2.get_text() == "References"


def test_links_to_anchors_of_concept_pages_are_checked(tmp_path: Path):
    root = small_project(tmp_path, SMALL_MKDOCS + "validation:\n  anchors: warn\n")
    write(root / "docs" / "index.md",
          "# Home\n\nSee [the sources](concepts/example-concept.md#references), "
          "[a reference](concepts/example-concept.md#ref-smith2020example) and "
          "[nothing](concepts/example-concept.md#no-such-section).\n")
    result = mkdocs_build(root)
    bad = warnings(result)
    assert len(bad) == 1, result.stderr
    assert "no-such-section" in bad[0] and "index.md" in bad[0]
    assert "#references" not in result.stderr and "ref-smith2020example" not in result.stderr


def test_a_sites_own_markdown_template_is_still_used(tmp_path: Path):
    root = small_project(tmp_path, SMALL_MKDOCS.replace(
        "publisher: Test Publisher", "publisher: Test Publisher\n      templates_dir: overrides"))
    write(root / "overrides" / "concept.md.j2",
          "---\ntitle: {{ concept.title | front_matter | safe }}\n"
          "description: {{ summary_text | front_matter | safe }}\n---\n\n"
          "# {{ concept.title }}\n\n## Overview\n\n<div class=\"mine\">\n{{ summary }}\n</div>\n")
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    doc = page(root, "example-concept")
    assert doc.select_one("article h2#overview") is not None
    assert doc.select_one("article div.mine a.cw-wikilink")["href"] == "../other-concept/"


def test_heading_links_from_toc_options():
    assert HeadingLinks.from_toc_config(None) is None
    assert HeadingLinks.from_toc_config({"permalink": False}) is None
    assert HeadingLinks.from_toc_config({"permalink": True}).text == "&para;"
    link = HeadingLinks.from_toc_config({"permalink": "<§>", "permalink_leading": True})
    assert link.text == "&lt;§&gt;" and link.leading


def test_cli_page_markdown_is_front_matter_and_body():
    body_calls = []

    def render():
        from conceptwiki.render.pages import Heading, HtmlBody

        body_calls.append(1)
        return HtmlBody("<h2 id=\"a\">A</h2>\n", (Heading(2, "a", "A"),))

    p = Page("concepts/x.md", in_nav=False, title='Say "hi"', description="d", render=render)
    assert body_calls == []  # nothing is rendered before it is asked for
    assert p.is_html
    assert p.markdown == ('---\ntitle: "Say &#34;hi&#34;"\ndescription: "d"\n---\n\n'
                          '<h2 id="a">A</h2>\n')


def test_a_summary_rendered_once_links_right_from_every_folder(tmp_path: Path):
    """Summaries are rendered once and their wikilinks made relative to each page's folder:
    concept pages, the index, tag pages, with and without directory URLs.

    In-process: the pages as ``SiteBuilder`` renders them are what the plugin hands MkDocs
    (pre-rendered bodies, written as they are); the real builds check that hand-over."""
    from conceptwiki.citations.engine import CitationEngine

    entry = SMALL_ENTRY.replace(
        "summary: An example that links to [[other-concept]].",
        "summary: Links to [[other-concept#references|the details]]; cw-root-0123456789abcdef/x stays text "
        "and [a plain link](cw-root-0123456789abcdef/y) stays as written.").replace(
        "related: [other-concept]", "related: [other-concept]\ntags: [example-tag]")
    root = small_project(tmp_path, entry=entry)
    engine = CitationEngine(["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"], base_dir=root)
    for directory_urls in (True, False):
        builder = small_builder(root, directory_urls=directory_urls, engine=engine)
        pages = {builder.url(p.src_uri): p for p in builder.pages()}
        if directory_urls:
            expected = {"concepts/example-concept/": "../other-concept/#references",
                        "concepts/": "other-concept/#references",
                        "tags/example-tag/": "../../concepts/other-concept/#references"}
        else:
            expected = {"concepts/example-concept.html": "other-concept.html#references",
                        "concepts/index.html": "other-concept.html#references",
                        "tags/example-tag.html": "../concepts/other-concept.html#references"}
        for url, href in expected.items():
            rendered = pages[url]
            assert rendered.is_html, url  # handed to MkDocs as its finished body
            doc = html_soup(rendered.render().html)
            links = [a for a in doc.select("a.cw-wikilink") if a.get_text() == "the details"]
            assert links and {a["href"] for a in links} == {href}, (url, [a["href"] for a in links])
            text = doc.decode()
            assert "cw-root-0123456789abcdef/x stays text" in text
            assert 'href="cw-root-0123456789abcdef/y"' in text
