"""The CitationEngine API."""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from conceptwiki.citations import DEFAULT_STYLES, CitationEngine, UnknownStyleError
from conceptwiki.citations import engine as engine_mod

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "citations"
ITEMS = {it["id"]: it for it in json.loads((GOLDEN / "items.json").read_text(encoding="utf-8"))}
WIKI = ITEMS["wiki-mesa"]


@pytest.fixture(scope="module")
def engine():
    return CitationEngine()


def test_default_styles(engine):
    assert DEFAULT_STYLES == ("apa", "chicago-author-date", "harvard-cite-them-right", "oscola")
    assert engine.style_names() == list(DEFAULT_STYLES)


def test_style_titles_and_classes(engine):
    assert engine.style_title("apa") == "APA Style 7th edition"
    assert "18th edition" in engine.style_title("chicago-author-date")
    assert engine.style_title("oscola") == "OSCOLA 4th edition"
    assert engine.is_note_style("oscola")
    assert not engine.is_note_style("apa")


def test_chicago_is_the_18th_edition(engine):
    text = engine.style_path("chicago-author-date").read_text(encoding="utf-8")
    assert "<title>Chicago Manual of Style 18th edition (author-date)</title>" in text


def test_unknown_style_names_the_fix():
    with pytest.raises(UnknownStyleError) as exc:
        CitationEngine(["no-such-style"])
    message = str(exc.value)
    assert "\n" not in message
    assert "no-such-style" in message and "apa" in message and ".csl" in message
    assert isinstance(exc.value, ValueError)


def test_style_not_loaded(engine):
    with pytest.raises(UnknownStyleError, match="not loaded; loaded styles: apa"):
        engine.bibliography_entry(WIKI, "mla")


def test_missing_file():
    with pytest.raises(UnknownStyleError, match="does not exist"):
        CitationEngine(["styles/missing.csl"])


def test_style_by_path_relative_to_base_dir(tmp_path, engine):
    (tmp_path / "styles").mkdir()
    shutil.copy(engine.style_path("apa"), tmp_path / "styles" / "house.csl")
    eng = CitationEngine(["styles/house.csl"], base_dir=tmp_path)
    assert eng.style_names() == ["styles/house.csl"]
    assert eng.bibliography_entry(WIKI, "styles/house.csl") == engine.bibliography_entry(WIKI, "apa")


def test_any_style_by_name():
    eng = CitationEngine(["modern-language-association", "ieee"])
    assert eng.bibliography_entry(ITEMS["bostrom2014"], "modern-language-association").startswith("Bostrom, Nick.")
    assert eng.note(ITEMS["bostrom2014"], "ieee") == "[1]"


def test_dependent_style_resolves_to_parent():
    eng = CitationEngine(["harvard-the-university-of-melbourne"])
    assert eng.style_title("harvard-the-university-of-melbourne") == "The University of Melbourne (author-date/Harvard)"
    assert eng.style_path("harvard-the-university-of-melbourne").name != "harvard-the-university-of-melbourne.csl"
    assert eng.bibliography_entry(ITEMS["bostrom2014"], "harvard-the-university-of-melbourne")


def test_formats_and_positions(engine):
    with pytest.raises(ValueError, match="fmt"):
        engine.bibliography_entry(WIKI, "apa", "rtf")
    with pytest.raises(ValueError, match="position"):
        engine.note(WIKI, "oscola", position="ibid")


def test_wiki_page_citation(engine):
    assert engine.bibliography_entry(WIKI, "apa") == (
        "AI Safety Concept Wiki. (2024, March 1). Mesa-optimization. AI Safety Concept Wiki. "
        "https://wiki.example.org/concepts/mesa-optimization"
    )
    assert engine.note(WIKI, "apa") == "(AI Safety Concept Wiki, 2024)"
    assert engine.note(WIKI, "oscola", position="subsequent", first_note_number=7) == "AI Safety Concept Wiki (n 7)."


def test_locator_label(engine):
    item = ITEMS["bostrom2014"]
    assert engine.note(item, "oscola", locator="4") == "Nick Bostrom, Superintelligence: Paths, Dangers, Strategies (Oxford University Press 2014) para 4."
    assert engine.note(item, "apa", locator="12", label="page") == "(Bostrom, 2014, p. 12)"


ALLOWED_TAG = re.compile(r"</?(?:i|b|sup|sub|em)>|<span style=\"[a-z-]+:[a-z-]+;\">|</span>")


@pytest.mark.parametrize("style", DEFAULT_STYLES)
def test_html_is_safe(engine, style):
    hostile = dict(ITEMS["markup-title"], id="hostile",
                   title='<script>alert("x")</script> & <img src=x onerror=alert(1)> <i>ok</i>',
                   URL="https://example.org/?a=<b>&c=d")
    for html in (engine.bibliography_entry(hostile, style, "html"), engine.note(hostile, style, "html")):
        assert "<script" not in html and "<img" not in html
        leftover = ALLOWED_TAG.sub("", html)
        assert "<" not in leftover and ">" not in leftover, html
        assert re.search(r"&(?!#\d+;)", leftover) is None, html


def test_oscola_url_angle_brackets_are_text(engine):
    html = engine.bibliography_entry(WIKI, "oscola", "html")
    assert "&#60;https://wiki.example.org/concepts/mesa-optimization&#62;" in html


def test_bibliography_sorted_and_disambiguated(engine):
    entries = engine.bibliography([ITEMS["wiki-reward-hacking"], ITEMS["bostrom2014"], WIKI], "apa")
    assert [e.split(".")[0] for e in entries] == ["AI Safety Concept Wiki", "AI Safety Concept Wiki", "Bostrom, N"]
    assert "(2024a). Reward hacking" in entries[0] and "(2024b, March 1). Mesa-optimization" in entries[1]


def test_cache_returns_same_result_and_is_fast(engine):
    item = dict(ITEMS["hubinger2019"], id="cache-test")
    start = time.perf_counter()
    cold = engine.bibliography_entry(item, "chicago-author-date", "html")
    cold_time = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(100):
        assert engine.bibliography_entry(item, "chicago-author-date", "html") == cold
    warm_time = (time.perf_counter() - start) / 100
    assert warm_time < cold_time


def test_items_are_not_mutated(engine):
    item = json.loads(json.dumps(ITEMS["hubinger2019"]))
    before = json.dumps(item, sort_keys=True)
    engine.clear_cache()
    for style in DEFAULT_STYLES:
        engine.bibliography_entry(item, style)
        engine.note(item, style, position="subsequent")
    assert json.dumps(item, sort_keys=True) == before


def test_core_does_not_import_mkdocs():
    source = Path(engine_mod.__file__).read_text(encoding="utf-8")
    assert "mkdocs" not in source


def test_public_names():
    import conceptwiki.citations as pkg

    assert set(pkg.__all__) == {"DEFAULT_STYLES", "CitationEngine", "UnknownStyleError"}


ODD_ITEMS = [
    {"id": "o1", "type": "book"},
    {"id": "o2", "type": "article-journal", "title": "", "author": [{"given": "Only Given"}], "page": 12},
    {"id": "o3", "type": "webpage", "title": "T", "issued": {"date-parts": [["2019", "6"]]}, "volume": 3},
    {"id": "o4", "type": "report", "title": "T", "issued": {"raw": "spring 2020"}, "accessed": {"raw": "not a date"}},
    {"id": "o5", "type": "chapter", "title": "T", "author": [{"literal": ""}, {"family": "X"}], "editor": []},
    {"id": "o6", "type": "thesis", "title": 'Unbalanced "quote and <i>tag', "issued": {"date-parts": [[2020], [2019]]}},
    {"id": "o7", "type": "no-such-type", "title": "T", "issued": {"literal": "n.d."}, "page": "iv-x"},
    {"id": "o8", "type": "legal_case", "title": "A v B", "issued": {"date-parts": [[-50]]}, "number": None},
    {"id": 9, "type": "book", "title": "Numeric id", "edition": 2, "issued": {"date-parts": [[2020, 1, 1]], "circa": True}},
]


@pytest.mark.parametrize("item", ODD_ITEMS, ids=lambda it: str(it["id"]))
def test_odd_items_do_not_crash(engine, item):
    for style in DEFAULT_STYLES:
        for fmt in ("text", "html"):
            assert isinstance(engine.bibliography_entry(item, style, fmt), str)
            assert isinstance(engine.note(item, style, fmt, locator="3"), str)
            assert isinstance(engine.note(item, style, fmt, position="subsequent"), str)
    assert len(engine.bibliography(ODD_ITEMS, "apa")) <= len(ODD_ITEMS)


def test_year_suffix_only_where_names_cannot_disambiguate(engine):
    # expected: citeproc-js 2.4.63 output for these items (APA)
    def book(i, title, authors, year):
        return {"id": i, "type": "book", "title": title, "issued": {"date-parts": [[year]]},
                "author": [{"family": f, "given": g} for f, g in authors]}

    items = [
        book("s1", "One", [("Smith", "John")], 2020),
        book("s2", "Two", [("Smith", "Alice")], 2020),
        book("s3", "Three", [("Smith", "John")], 2020),
        book("s4", "Four", [("Doe", "Jane"), ("Roe", "Rick"), ("Poe", "Pat")], 2021),
        book("s5", "Five", [("Doe", "Jane"), ("Moe", "Max"), ("Poe", "Pat")], 2021),
    ]
    assert engine.bibliography(items, "apa") == [
        "Doe, J., Moe, M., & Poe, P. (2021). Five.",
        "Doe, J., Roe, R., & Poe, P. (2021). Four.",
        "Smith, A. (2020). Two.",
        "Smith, J. (2020a). One.",
        "Smith, J. (2020b). Three.",
    ]
