"""Property-based tests (hypothesis) of the parts that take input from strangers.

* the loader: any document, however broken, gives an entry or located problems, never an
  exception;
* link resolution: any string resolves or not without an exception, and every alias resolves,
  written as is or normalised;
* the BibTeX writer: whatever is in any field of an item, both bibtexparser 2 and pybtex read
  exactly one entry back, with the same title (nothing breaks out of a field);
* the sanitiser: whatever the Markdown, the HTML has no script, event handler or script URL.

Examples are few and there is no deadline, so ``make test`` stays fast on two cores.
"""

from __future__ import annotations

import html as html_lib
import warnings

import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hostile_check import bad_url
from helpers import OTHER_ENTRY, SMALL_BIB, SMALL_MKDOCS, mkdocs_build, norm, read_bibtexparser, read_pybtex, write

from conceptwiki.bibtex import decode_latex
from conceptwiki.citations.exports import csl_to_bibtex, strip_markup
from conceptwiki.model.links import LinkIndex, find_wikilinks, normalize
from conceptwiki.model.loader import validate_entry
from conceptwiki.render.markup import ALLOWED_TAGS, LinkTarget, MarkdownRenderer, sanitize
from conceptwiki.model.problems import Problems
from conceptwiki.model.yamlsafe import load_yaml

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the loader ---------------------------------------------------------------------------

YAML_BITS = st.sampled_from([
    "title: ", "kind: concept", "status:", "  level: contested", "  note: ", "summary: ", "- ",
    "sources:", "  primary: k", "created: 2026-01-02", "created: 2026-02-30", "&a ", "*a", "!!python/object ",
    "!tag ", "<<: ", "? ", ": ", "---", "...", "|", ">-", "[", "]", "{", "}", ",", "#", "'", '"', "\\",
    "\t", "  ", "\n", "\r\n", "%YAML 1.1", "\ufeff", "\x00", "\x85", "\u2028", "\ud7ff", "yes", "~",
    "0o17", "1e9", ".inf", "2026-01-02T10:00:00", "null", "@", "`", "\\x00", '"\\ud800"',
])
YAML_DOCS = st.one_of(
    st.lists(st.one_of(YAML_BITS, st.text(max_size=8)), max_size=40).map("".join),
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                           st.dates()),
                 lambda inner: st.one_of(st.lists(inner, max_size=4),
                                         st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                 max_leaves=20).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
)


@FAST
@given(YAML_DOCS, st.sampled_from(["utf-8", "utf-16", "latin-1"]))
@example("a: " + "[" * 100 + "]" * 100, "utf-8")
@example('title: "\\ud800"', "utf-8")
@example("a: &a [1]\nb: *a", "utf-8")
@example("[", "utf-8")  # an error at the end of a file with no final newline
def test_loader_never_raises_and_locates_every_problem(text: str, encoding: str):
    raw = text.encode(encoding, errors="replace")
    problems = Problems()
    located = load_yaml(raw, "concepts/x.yaml", problems)
    if located is None:
        assert problems.errors
    else:
        validate_entry(located, "concepts/x.yaml", problems)
    for p in problems:
        assert p.path == "concepts/x.yaml"
        assert p.line >= 1 and p.column >= 1, str(p)
        assert p.line <= max(1, raw.count(b"\n") + 1 + raw.count(b"\r") + text.count("\x85")
                             + text.count("\u2028") + text.count("\u2029")), str(p)
        assert p.message and "Traceback" not in p.message


# -- link resolution ----------------------------------------------------------------------

NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


@FAST
@given(st.lists(NAMES, min_size=1, max_size=8), st.lists(st.text(max_size=40), max_size=8))
@example(["ǅ"], ["ﬀ"])
@example(["\u0130"], ["i\u0307"])
@example(["ß"], ["SS"])
def test_every_alias_resolves_as_written_and_normalised(aliases: list[str], probes: list[str]):
    index = LinkIndex()
    index.add_slug("the-entry", "The entry", "concepts/the-entry.yaml")
    index.add_names("the-entry", "concepts/the-entry.yaml", aliases=aliases)
    for alias in aliases:
        if not normalize(alias):
            continue
        assert index.resolve(alias) == "the-entry"
        assert index.resolve(normalize(alias)) == "the-entry"
        assert index.resolve(alias.upper()) in ("the-entry", None)  # never an exception
    for probe in probes:
        index.resolve(probe)
        index.suggest(probe)
        index.how(probe)


@FAST
@given(st.text(alphabet=st.sampled_from(list("[]|#ab- \n`\\!")) | st.characters(), max_size=80))
def test_any_text_yields_wikilinks_without_exceptions(text: str):
    for link in find_wikilinks(text):
        assert link.raw in text and link.target


# -- the BibTeX writer --------------------------------------------------------------------

FIELD_TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40),
    st.text(alphabet=list("{}\\%&$#_~^`'\"@,=()<>[] \naé😀"), min_size=1, max_size=30),
    st.sampled_from(["}, title = {pwned", "},\n  url = {javascript:alert(1)", "\\", "}", "{",
                     "@misc{x,", "\\end{document}", "%"]),
)
ITEMS = st.fixed_dictionaries(
    {"id": st.text(max_size=20), "type": st.sampled_from(["article-journal", "book", "chapter",
                                                         "paper-conference", "report", "thesis",
                                                         "webpage", "manuscript"]),
     "title": FIELD_TEXT},
    optional={"container-title": FIELD_TEXT, "publisher": FIELD_TEXT, "publisher-place": FIELD_TEXT,
              "note": FIELD_TEXT, "URL": FIELD_TEXT, "DOI": FIELD_TEXT, "volume": FIELD_TEXT,
              "page": FIELD_TEXT, "genre": FIELD_TEXT, "ISBN": FIELD_TEXT, "edition": FIELD_TEXT,
              "collection-title": FIELD_TEXT,
              "author": st.lists(st.fixed_dictionaries({"family": FIELD_TEXT}, optional={"given": FIELD_TEXT}),
                                 max_size=3)},
)


WRITER_FIELDS = {"author", "editor", "title", "journal", "booktitle", "howpublished", "series",
                 "chapter", "edition", "volume", "number", "pages", "institution", "school",
                 "publisher", "address", "type", "year", "doi", "url", "isbn", "note", "eventtitle",
                 "venue", "pubstate", "month", "urldate", "eprint", "archiveprefix", "eprinttype",
                 "translator", "issn", "key"}


@FAST
@given(ITEMS)
def test_bibtex_fields_cannot_break_out_of_their_entry(item: dict):
    text = csl_to_bibtex(item, item["id"] or None)
    bp = read_bibtexparser(text)  # exactly one entry, no failed blocks
    pb = read_pybtex(text)
    assert bp["key"] == pb["key"]
    assert set(bp["fields"]) == set(pb["fields"]) | set(pb["persons"])
    assert set(bp["fields"]) <= WRITER_FIELDS, sorted(bp["fields"])
    # BibTeX's key field (what plainnat and apalike sort and label by) is written exactly
    # when the work names no author or editor, and never for one that does.
    authorless = not item.get("author") and not item.get("editor")
    assert ("key" in bp["fields"]) == (authorless and bool(norm(strip_markup(item.get("title-short") or item.get("title") or "")))), sorted(bp["fields"])
    assert "pwned" not in bp["fields"].get("title", "") or "pwned" in item["title"]
    want = norm(strip_markup(item["title"]))
    if want:
        assert norm(decode_latex(bp["fields"]["title"])) == want
        assert norm(decode_latex(pb["fields"]["title"])) == want


# -- the sanitiser ------------------------------------------------------------------------

MARKDOWN_BITS = st.sampled_from([
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "JaVaScRiPt:", "vbscript:",
    "data:text/html,", "&#x09;", "&#106;", "&colon;", "[x](", ")", "](", "![", "<", ">", '"', "'", "`",
    "```", "\n\n", "\n", "    ", "[r]: ", "[r]", "<javascript:alert(1)>", "{: onclick=x}", "<svg onload=x>",
    "<math>", "<a href=", "[[", "]]", "|", "#", "*", "_", "<!--", "-->", "\x00", "\t", " ", "alert(1)",
    "&", ";", "http://", "mailto:", "<iframe", "<style>", "%0a", "\\",
])
MARKDOWN = st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=5)), max_size=30).map("".join)


def _resolver(target: str, anchor: str | None) -> LinkTarget | None:
    if target.startswith("x"):
        return None
    return LinkTarget(f"../{target}/" + (f"#{anchor}" if anchor else ""), target, target)


def _assert_inert(html: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4: "looks more like a URL than HTML"
        doc = BeautifulSoup(html, "html.parser")
    for el in doc.find_all(True):
        assert el.name in ALLOWED_TAGS, el
        for attr, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            assert not attr.lower().startswith("on"), el
            if attr in ("href", "src", "action", "formaction", "xlink:href"):
                assert not bad_url(value), el
    low = html.lower()
    assert "<script" not in low and "<svg" not in low and "<math" not in low


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN, st.booleans())
@example("[x](jav&#x09;ascript:alert(1))", False)
@example("[x][r]\n\n[r]: javascript:alert(1)", False)
@example("[[a|<img src=x onerror=alert(1)>]]", True)
def test_rendered_markdown_is_inert(text: str, inline: bool):
    html = MarkdownRenderer(_resolver).render(text, inline=inline)
    _assert_inert(html)


@FAST
@given(MARKDOWN)
def test_sanitize_any_html_is_inert(html: str):
    _assert_inert(sanitize(html))
    assert sanitize(sanitize(html)) == sanitize(html)


# -- page front matter ----------------------------------------------------------------------


@FAST
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60))
@example("a\x85b\u2028c\u2029d\x7f\x9f\ufffe")
@example("x\n---\ntitle: pwned\n---")
@example("</title><script>alert(1)</script>")
def test_front_matter_reads_back_as_escaped_html(title: str):
    """MkDocs reads the title and description back exactly, HTML-escaped for the theme."""
    from markupsafe import escape
    from mkdocs.utils.meta import get_data

    from conceptwiki.render.pages import front_matter_value

    body, meta = get_data(f"---\ntitle: {front_matter_value(title)}\ndescription: x\n---\n\nBody\n")
    assert meta == {"title": str(escape(title)), "description": "x"}
    assert body.strip() == "Body"


# -- pathological Markdown ------------------------------------------------------------------

PATHOLOGICAL = ["[" * 30_000, "[a](" * 10_000, "![" * 20_000, "[[a|" * 10_000, "[a][" * 10_000,
                "x [a](" * 5_000 + ")"]


def test_pathological_markdown_falls_back_to_plain_text():
    """Inputs that make Python-Markdown's link search quadratic (minutes for 20 KB) hit a
    deterministic scanning budget and are shown as escaped plain text instead."""
    renderer = MarkdownRenderer(_resolver)
    for text in PATHOLOGICAL:
        html = renderer.render(text)
        assert renderer.too_complex[-1] == text
        assert html == f"<p>{html_lib.escape(text.strip(), quote=False)}</p>"
        _assert_inert(html)
    assert len(renderer.too_complex) == len(PATHOLOGICAL)
    # ordinary heavy Markdown is rendered as usual
    normal = " ".join(f"[link {i}](https://example.org/{i}) and [[a|alias {i}]] [x]" for i in range(400))
    html = renderer.render(normal)
    assert len(renderer.too_complex) == len(PATHOLOGICAL)
    assert html.count("<a ") == 800


def test_pathological_entry_warns_in_a_strict_build(tmp_path):
    write(tmp_path / "mkdocs.yml", SMALL_MKDOCS)
    write(tmp_path / "docs" / "index.md", "# Home\n")
    write(tmp_path / "bib" / "main.bib", SMALL_BIB)
    write(tmp_path / "concepts" / "other-concept.yaml",
          OTHER_ENTRY + "details: '" + "[" * 30_000 + "'\n")
    r = mkdocs_build(tmp_path)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert ("concepts/other-concept.yaml:12:10: 'details' has too many unclosed '[' or '(' to render "
            "as Markdown; it is shown as plain text") in r.stderr, r.stderr[-2000:]
