"""Tests of the compat package on its own (it depends only on citeproc-py).

Each expectation is citeproc-js output (checked with tests/oracle or taken
from the golden expected outputs).
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from conceptwiki.citations import compat
from conceptwiki.citations.compat import richtext, text, version
from conceptwiki.citations.engine import CitationEngine

CSL_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"'


def make_style(layout: str, *, macros: str = "", locale: str = "en-US", cls: str = "in-text",
               bib_attrs: str = "", citation: str | None = None, citation_attrs: str = "",
               sort: str = "", extra: str = "") -> compat.CompatStyle:
    xml = f"""{CSL_HEAD} class="{cls}" default-locale="{locale}" {extra}>
  <info><title>Test style</title><title-short>TS</title-short><id>test</id>
    <updated>2024-01-01T00:00:00+00:00</updated></info>
  {macros}
  <citation {citation_attrs}><layout>{citation if citation is not None else layout}</layout></citation>
  <bibliography {bib_attrs}>{sort}<layout>{layout}</layout></bibliography>
</style>"""
    return compat.load_style(xml)


def bib(style, item, fmt="text"):
    entries = compat.render_bibliography(style, [dict({"id": "x", "type": "book"}, **item)], fmt)
    return entries[0][1] if entries else ""


# -- independence -----------------------------------------------------------
PACKAGE = Path(compat.__file__).parent


def test_package_imports_only_citeproc_lxml_and_stdlib():
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 10
    for module in modules:
        roots = set()
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                # relative imports stay inside the package
                assert node.level in (0, 1), (module.name, node.module)
                if node.level == 0:
                    roots.add(node.module.split(".")[0])
        assert roots <= {"citeproc", "lxml"} | sys.stdlib_module_names, (module.name, roots)


def test_nothing_is_patched_globally():
    import citeproc.model
    import citeproc.string

    assert citeproc.model.Text.render is not text.Text.render
    assert citeproc.string.String.__add__ is not richtext.RichString.__add__


# -- the citeproc-py version --------------------------------------------------
def test_citeproc_py_is_the_version_the_layer_was_written_for():
    assert version.installed_citeproc_version() == compat.REQUIRED_CITEPROC_VERSION == "0.11.1"
    compat.check_citeproc_version()


@pytest.mark.parametrize("installed", ["0.11.0", "0.12.0", None])
def test_another_citeproc_py_version_is_a_clear_error(monkeypatch, installed):
    monkeypatch.setattr(version, "installed_citeproc_version", lambda: installed)
    with pytest.raises(compat.CiteprocVersionError) as info:
        CitationEngine(["apa"])
    message = str(info.value)
    assert "\n" not in message
    assert ("citeproc-py is not installed" if installed is None else f"citeproc-py {installed} is installed") in message
    assert "exactly citeproc-py 0.11.1" in message
    assert "pip install citeproc-py==0.11.1" in message and "make install" in message


# -- text-case (citeproc-js CSL.Output.Formatters) --------------------------
@pytest.mark.parametrize(
    "text,case,expected",
    [
        ("mesa-optimization", "title", "Mesa-Optimization"),
        ("Gwern.net", "title", "Gwern.Net"),
        ("reward is not the optimization target", "title", "Reward Is Not the Optimization Target"),
        ("specification gaming: the flip side of AI ingenuity", "title",
         "Specification Gaming: The Flip Side of AI Ingenuity"),
        ("what it is made of", "title", "What It Is Made Of"),
        ("arXiv:1906.01820", "capitalize-first", "arXiv:1906.01820"),
        ("arXiv moderation", "capitalize-first", "arXiv moderation"),
        ("preprint", "capitalize-first", "Preprint"),
        ('concrete problems in <span class="nocase">ai</span> safety', "title",
         'Concrete Problems in <span class="nocase">ai</span> Safety'),
        ('<span class="nocase">iPhone</span> apps', "uppercase", '<span class="nocase">iPhone</span> APPS'),
        ("Hello World", "lowercase", "hello world"),
        ("an AI system", "sentence", "An ai system"),
        ("the mind's i", "capitalize-all", "The Mind's I"),
    ],
)
def test_text_case(text, case, expected):
    assert compat.text_case(text, case) == expected


# -- raw dates (citeproc-js date parser) -------------------------------------
@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2019-06-05", {"date-parts": [[2019, 6, 5]]}),
        ("2019-06", {"date-parts": [[2019, 6]]}),
        ("2023", {"date-parts": [[2023]]}),
        ("5 June 2019", {"date-parts": [[2019, 6, 5]]}),
        ("June 5, 2019", {"date-parts": [[2019, 6, 5]]}),
        ("June 2019", {"date-parts": [[2019, 6]]}),
        ("2019/2020", {"date-parts": [[2019], [2020]]}),
        ("forthcoming", {"literal": "forthcoming"}),
    ],
)
def test_parse_raw_date(raw, expected):
    assert compat.parse_raw_date(raw) == expected


def test_raw_date_is_rendered():
    style = make_style('<date variable="issued" form="text"/>')
    assert bib(style, {"issued": {"raw": "2019-06-05"}}) == "June 5, 2019"


# -- HTML output -------------------------------------------------------------
def test_html_escapes_data_and_keeps_markup():
    style = make_style('<text variable="title" font-style="italic"/>')
    item = {"title": "Mastering <i>Go</i> when loss < reward & values > rules"}
    assert bib(style, item, "html") == (
        '<i>Mastering <span style="font-style:normal;">Go</span> when loss &#60; reward &#38; values &#62; rules</i>'
    )
    assert bib(style, item, "text") == "Mastering Go when loss < reward & values > rules"


def test_angle_brackets_from_affixes_are_text():
    style = make_style('<text variable="URL" prefix="&lt;" suffix="&gt;"/>')
    assert bib(style, {"URL": "https://x.org/?a=1&b=2"}, "html") == "&#60;https://x.org/?a=1&#38;b=2&#62;"


def test_nocase_markup_removed_and_protected():
    style = make_style('<text variable="title" text-case="title"/>')
    item = {"title": 'concrete problems in <span class="nocase">ai</span> safety'}
    assert bib(style, item, "html") == "Concrete Problems in ai Safety"


def test_sub_and_small_caps_markup():
    style = make_style('<text variable="title"/>')
    item = {"title": "CO<sub>2</sub> and <sc>Green</sc> AI"}
    assert bib(style, item, "html") == (
        'CO<sub>2</sub> and <span style="font-variant:small-caps;">Green</span> AI'
    )


# -- quotes --------------------------------------------------------------------
def test_nested_quotes_alternate_and_punctuation_moves_inside():
    style = make_style('<text variable="title" quotes="true" suffix="."/>')
    item = {"title": "Against \"Goodhart's law\" as an \"explanation of 'reward hacking'\""}
    assert bib(style, item) == (
        "\u201cAgainst \u2018Goodhart\u2019s law\u2019 as an \u2018explanation of "
        "\u201creward hacking.\u201d\u2019\u201d"
    )


def test_no_punctuation_in_quote_for_en_gb():
    style = make_style('<text variable="title" quotes="true" suffix="."/>', locale="en-GB")
    assert bib(style, {"title": 'Clarifying "AI alignment"'}) == "\u2018Clarifying \u201cAI alignment\u201d\u2019."


def test_question_mark_swallows_following_period():
    style = make_style('<group delimiter=". "><text variable="title" quotes="true"/><text variable="publisher"/></group>')
    item = {"title": "Is there a double standard?", "publisher": "P"}
    assert bib(style, item) == "\u201cIs there a double standard?\u201d P"


def test_apostrophes_become_typographic():
    style = make_style('<text variable="title"/>')
    assert bib(style, {"title": "Why we can't wait"}) == "Why we can\u2019t wait"


# -- names -------------------------------------------------------------------
NAMES = [
    {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
    {"family": "Merwijk", "given": "Chris", "non-dropping-particle": "van"},
]


def test_initialize_false_keeps_given_names():
    style = make_style('<names variable="author"><name initialize="false" and="text"/></names>',
                       extra='initialize-with=". "')
    assert bib(style, {"author": NAMES}) == "Martin Luther King Jr. and Chris van Merwijk"


def test_initialize_with_empty_string_and_suffix_normalised():
    style = make_style('<names variable="author"><name name-as-sort-order="all" sort-separator=" " '
                       'initialize-with="" delimiter=", "/></names>', extra='demote-non-dropping-particle="never"')
    assert bib(style, {"author": NAMES[:1]}) == "King ML Jr"


def test_particles_in_sort_order():
    style = make_style('<names variable="author"><name name-as-sort-order="all" initialize-with=". "/></names>',
                       extra='demote-non-dropping-particle="never"')
    assert bib(style, {"author": NAMES[1:]}) == "van Merwijk, C."
    style = make_style('<names variable="author"><name name-as-sort-order="all"/></names>')
    assert bib(style, {"author": [{"family": "Humboldt", "given": "Alexander", "dropping-particle": "von"}]}) == (
        "Humboldt, Alexander von"
    )


def test_et_al_use_last_with_ellipsis():
    authors = [{"family": f"A{i:02}", "given": "B"} for i in range(23)]
    style = make_style('<names variable="author"><name et-al-min="21" et-al-use-first="19" et-al-use-last="true" '
                       'initialize-with=". " name-as-sort-order="all"/></names>')
    out = bib(style, {"author": authors})
    assert out.endswith("A17, B., A18, B., \u2026 A22, B.")


def test_hyphenated_given_name_initials():
    style = make_style('<names variable="author"><name initialize-with=". "/></names>')
    assert bib(style, {"author": [{"family": "Godard", "given": "Jean-Luc"}]}) == "J.-L. Godard"


# -- conditions and groups -----------------------------------------------------
def test_group_with_term_and_empty_variable_is_suppressed():
    style = make_style('<group delimiter=" "><text term="edition"/><text variable="edition"/></group>'
                       '<text variable="title"/>')
    assert bib(style, {"title": "T"}) == "T"


def test_group_counts_only_branch_taken():
    style = make_style(
        '<group delimiter=" "><choose><if type="thesis"><text value="publication"/></if>'
        '<else><text variable="genre"/></else></choose><text variable="number"/></group>'
    )
    assert bib(style, {"type": "thesis", "genre": "PhD thesis"}) == ""


def test_disambiguate_condition_is_false_outside_disambiguation():
    style = make_style('<choose><if disambiguate="true"><text value="yes"/></if><else><text value="no"/></else></choose>')
    assert bib(style, {}) == "no"


def test_substituted_macro_variables_are_suppressed():
    style = make_style(
        '<group delimiter=". "><names variable="author"><substitute><text macro="t"/></substitute></names>'
        '<text macro="t"/><text variable="publisher"/></group>',
        macros='<macro name="t"><text variable="title"/></macro>',
    )
    assert bib(style, {"title": "T", "publisher": "P"}) == "T. P"


# -- bibliography ------------------------------------------------------------
def test_bibliography_sorted_with_year_suffixes():
    layout = ('<group delimiter=" "><names variable="author"><name form="short"/></names>'
              '<group><date variable="issued"><date-part name="year"/></date><text variable="year-suffix"/></group>'
              '<text variable="title"/></group>')
    cite = ('<group delimiter=" "><names variable="author"><name form="short"/></names>'
            '<group><date variable="issued"><date-part name="year"/></date><text variable="year-suffix"/></group></group>')
    style = make_style(layout, citation=cite, citation_attrs='disambiguate-add-year-suffix="true"',
                       sort='<sort><key variable="author"/><key variable="title"/></sort>')
    items = [
        {"id": "b", "type": "book", "title": "Beta", "author": [{"family": "Zed"}], "issued": {"raw": "2020"}},
        {"id": "a", "type": "book", "title": "Alpha", "author": [{"family": "Zed"}], "issued": {"raw": "2020"}},
        {"id": "c", "type": "book", "title": "Gamma", "author": [{"family": "\u00c5berg"}], "issued": {"raw": "2021"}},
    ]
    out = compat.render_bibliography(style, items, "text")
    assert out == [("c", "\u00c5berg 2021 Gamma"), ("a", "Zed 2020a Alpha"), ("b", "Zed 2020b Beta")]


def test_style_information():
    style = make_style('<text variable="title"/>', cls="note")
    assert compat.style_title(style) == "Test style"
    assert compat.style_title(style, short=True) == "TS"
    assert compat.is_note_style(style)


def test_citation_positions_and_first_reference_note_number():
    style = make_style(
        '<text variable="title"/>',
        cls="note",
        citation='<choose><if position="subsequent"><group delimiter=" "><text variable="title" form="short"/>'
                 '<text variable="first-reference-note-number" prefix="(n " suffix=")"/></group></if>'
                 '<else><text variable="title"/></else></choose>',
    )
    item = {"id": "x", "type": "book", "title": "A long title", "title-short": "Short"}
    assert compat.render_citation(style, item) == "A long title"
    assert compat.render_citation(style, item, position="subsequent", first_reference_note_number=4) == "Short (n 4)"
