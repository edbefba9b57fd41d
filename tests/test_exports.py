"""Tests of plugins/conceptwiki/exports.py: BibTeX, RIS and CSL-JSON writers.

Every BibTeX entry written is read back with bibtexparser 2 (no middlewares; values decoded
with our own decode_latex / parse_names) AND with pybtex, and must give the same title,
names and year.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import norm, read_bibtexparser, read_pybtex

from conceptwiki.bibtex import decode_latex, load_bib_files, load_bib_string, parse_names
from conceptwiki.citations.exports import (
    bibtex_key,
    csl_json,
    csl_to_bibtex,
    csl_to_ris,
    escape_bibtex,
    strip_markup,
)

GOLDEN = Path(__file__).parent / "golden" / "bib"


# ---------------------------------------------------------------------------------------
# Reading back (norm, read_bibtexparser, read_pybtex: tests/helpers.py)
# ---------------------------------------------------------------------------------------


def pybtex_name(person) -> dict:
    """A pybtex Person as a CSL name, decoded like ours."""
    first = decode_latex(" ".join(person.first_names + person.middle_names))
    von = decode_latex(" ".join(person.prelast_names))
    last = decode_latex(" ".join(person.last_names))
    jr = decode_latex(" ".join(person.lineage_names))
    if not first and not von and not jr and person.last_names == ["others"]:
        return {"literal": "et al."}  # BibTeX's "and others": our marker (bibtex.OTHERS)
    if not first and not von and not jr and len(person.last_names) == 1:
        raw = person.last_names[0]
        if raw.startswith("{") and raw.endswith("}"):
            return {"literal": decode_latex(raw[1:-1])}
    name = {}
    if last:
        name["family"] = last
    if first:
        name["given"] = first
    if von:
        name["non-dropping-particle"] = von
    if jr:
        name["suffix"] = jr
    return name


def expected_name(name: dict) -> dict | None:
    """What a CSL name should read back as after a BibTeX round trip."""
    family = norm(name.get("family", ""))
    given = norm(name.get("given", ""))
    if "literal" in name and not family:
        return {"literal": norm(name["literal"])} if norm(name["literal"]) else None
    if not family:
        return {"literal": given} if given else None
    particle = norm(" ".join(name.get(k, "") for k in ("dropping-particle",
                                                         "non-dropping-particle")))
    if not given and not particle and not name.get("suffix") and (
            " " in family or family.lower() == "others"):
        return {"literal": family}  # written in braces so that it stays one name
    out = {"family": family}
    if given:
        out["given"] = given
    if particle:
        out["non-dropping-particle"] = particle
    if name.get("suffix"):
        out["suffix"] = norm(name["suffix"])
    return out


def check_round_trip(item: dict) -> None:
    text = csl_to_bibtex(item)
    bp = read_bibtexparser(text)
    pb = read_pybtex(text)
    assert bp["key"] == pb["key"] == bibtex_key(item)
    want_title = norm(strip_markup(item.get("title", "")))
    if want_title:
        assert norm(decode_latex(bp["fields"]["title"])) == want_title
        assert norm(decode_latex(pb["fields"]["title"])) == want_title
    else:
        assert "title" not in bp["fields"]
    for role in ("author", "editor"):
        names = [e for e in (expected_name(n) for n in item.get(role, [])) if e]
        if names:
            assert parse_names(bp["fields"][role]) == names
            assert [pybtex_name(p) for p in pb["persons"][role]] == names
    issued = item.get("issued", {}).get("date-parts", [[None]])[0]
    if issued and issued[0]:
        assert bp["fields"]["year"] == pb["fields"]["year"] == str(issued[0])
    else:
        assert bp["fields"]["year"] == "n.d."  # what author-year BibTeX styles need
    # And our own loader reads it without complaint.
    sources, problems = load_bib_string(text, "rt.bib")
    assert [p for p in problems if p.is_error] == ([] if want_title else problems.errors)
    assert len(sources) == 1


# ---------------------------------------------------------------------------------------
# Hostile items
# ---------------------------------------------------------------------------------------

HOSTILE_TITLES = [
    "Plain title",
    "Braces { and } and {balanced} and }{ reversed",
    "Percent 100% & ampersand, $dollar$ #hash _under_score",
    "Backslash \\ and \\textbf{not a command} and \\",
    "Tilde ~ caret ^ and `back-quote' and ``double'' quotes",
    "Dashes -- and --- and - and ----",
    "¿Qué? ¡Sí! ?` !`",
    'Quotes "double" and \'single\' and “curly” ‘curly’',
    "Non-ASCII: Gödel, Erdős, Łukasiewicz, 東京, Ελληνικά, עברית, नमस्ते",
    "Emoji 🧠🤖 and ZWJ 👩‍🔬 and flags 🇪🇺",
    "HTML-ish < > &amp; <b>bold</b> <i>it</i> <span class=\"nocase\">AI</span> tail",
    "@at sign at start and @misc{inside, title={x}}",
    "Comma, equals = and \"quote",
    "Newline\nand\ttab   and   spaces",
    "Mixed {\\\"o} literal LaTeX-looking text",
    "and others",
    "A" * 3000,
]

HOSTILE_NAMES = [
    [{"family": "Hubinger", "given": "Evan"}],
    [{"family": "Merwijk", "given": "Chris", "non-dropping-particle": "van"}],
    [{"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}],
    [{"family": "King", "given": "Martin Luther", "suffix": "Jr."}],
    [{"literal": "AI Safety Concept Wiki"}],
    [{"literal": "Barnes and Noble"}, {"literal": "Johnson & Johnson"}],
    [{"literal": "Policy Window"}],
    [{"family": "Plato"}],
    [{"family": "Ibn Sina"}],
    [{"family": "Gödel", "given": "Kurt"}, {"family": "Łukasiewicz", "given": "Jan"}],
    [{"family": "O'Neil", "given": "Cathy"}, {"family": "Smith-Jones", "given": "Anne-Marie"}],
    [{"family": "Smith, Jr.", "given": "Odd"}],
    [{"family": "others"}],
    [{"family": "Tolkien", "given": "J. R. R."}],
    [{"family": "李", "given": "小龙"}],
    [{"family": f"Author{i:02d}", "given": f"Given{i}"} for i in range(1, 26)],
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_round_trip(title: str) -> None:
    check_round_trip({"id": "t", "type": "article-journal", "title": title,
                      "container-title": title, "issued": {"date-parts": [[2020, 2, 3]]}})


@pytest.mark.parametrize("names", HOSTILE_NAMES)
def test_hostile_names_round_trip(names: list[dict]) -> None:
    check_round_trip({"id": "n", "type": "book", "title": "T", "author": names,
                      "editor": names[:1], "issued": {"date-parts": [[1999]]}})


def test_golden_sources_round_trip_through_our_loader(tmp_path: Path) -> None:
    """Every golden .bib entry: CSL -> BibTeX -> CSL keeps type, title, names, date, ids."""
    paths = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.bib"))
    sources, _ = load_bib_files(paths, root=GOLDEN)
    items = [s.csl() for s in sources.values()]
    assert len(items) > 50
    for item in items:
        text = csl_to_bibtex(item)
        check_round_trip(item)
        (back,), problems = load_bib_string(text, "rt.bib")
        again = back.csl()
        for k in ("type", "DOI", "URL", "volume", "issue", "page", "publisher", "number",
                  "note", "genre", "edition", "accessed", "status", "publisher-place",
                  "chapter-number", "ISBN", "ISSN"):
            assert again.get(k) == item.get(k), (k, item, text)
        for k in ("title", "container-title", "collection-title", "event"):
            assert norm(strip_markup(again.get(k, ""))) == norm(strip_markup(item.get(k, ""))), \
                (k, item, text)
        for role in ("author", "editor", "translator"):
            assert again.get(role, []) == [e for e in map(expected_name, item.get(role, [])) if e]
        want = item.get("issued", {}).get("date-parts", [[]])[0][:2]
        assert again.get("issued", {}).get("date-parts", [[]])[0][:2] == want


# ---------------------------------------------------------------------------------------
# The mistakes of the seed export (a 'cite this page' BibTeX with year = {n.d.}, a split
# corporate author and junk in howpublished)
# ---------------------------------------------------------------------------------------

PAGE_ITEM = {
    "id": "aiscw-mesa-optimization",
    "type": "webpage",
    "author": [{"literal": "AI Safety Concept Wiki"}],
    "title": "Mesa-Optimization",
    "container-title": "AI Safety Concept Wiki",
    "URL": "https://example.org/wiki/mesa-optimization/",
    "accessed": {"date-parts": [[2026, 5, 30]]},
}


def test_page_item_bibtex_exactly() -> None:
    assert csl_to_bibtex(PAGE_ITEM) == (
        "@misc{aiscw-mesa-optimization,\n"
        "  author = {{AI Safety Concept Wiki}},\n"
        "  title = {Mesa-Optimization},\n"
        "  howpublished = {{AI} Safety Concept Wiki},\n"
        "  year = {n.d.},\n"
        "  url = {https://example.org/wiki/mesa-optimization/},\n"
        "  urldate = {2026-05-30},\n"
        "}\n"
    )


def test_no_date_means_year_nd() -> None:
    # BibTeX's author-year styles need a year (plainnat warns, natbib stops on apalike's
    # labels without one); APA prints "n.d." (tests/test_latex_exports.py runs them)
    text = csl_to_bibtex(dict(PAGE_ITEM, issued={"literal": "n.d."}))
    assert "  year = {n.d.},\n" in text and "month" not in text
    text = csl_to_bibtex(dict(PAGE_ITEM, issued={"date-parts": [["2021", "7"]]}))
    assert "  year = {2021},\n  month = jul,\n" in text


def test_corporate_author_is_not_split() -> None:
    pb = read_pybtex(csl_to_bibtex(PAGE_ITEM))
    (person,) = pb["persons"]["author"]
    assert person.first_names == [] and person.last_names == ["{AI Safety Concept Wiki}"]


def test_month_macro_reads_back_in_both_parsers() -> None:
    text = csl_to_bibtex({"id": "m", "type": "book", "title": "T",
                          "issued": {"date-parts": [[2019, 6, 5]]}})
    assert "month = jun," in text
    assert read_bibtexparser(text)["fields"]["month"] == "jun"
    assert read_pybtex(text)["fields"]["month"] == "June"
    (s,), problems = load_bib_string(text, "m.bib")
    assert not problems and s.csl()["issued"] == {"date-parts": [[2019, 6]]}


def test_url_is_verbatim_in_both_parsers() -> None:
    url = "https://example.org/a_b%20c?x=1&y=~2#frag"
    text = csl_to_bibtex({"id": "u", "type": "webpage", "title": "T", "URL": url,
                          "DOI": "https://doi.org/10.1000/x_y%z"})
    assert read_bibtexparser(text)["fields"]["url"] == url
    assert read_pybtex(text)["fields"]["url"] == url
    assert read_pybtex(text)["fields"]["doi"] == "10.1000/x_y%z"
    (s,), _ = load_bib_string(text, "u.bib")
    assert s.csl()["URL"] == url


def test_url_characters_that_cannot_be_in_a_value_are_percent_encoded() -> None:
    text = csl_to_bibtex({"id": "u", "type": "webpage", "title": "T",
                          "URL": "https://x.org/{a} b\\c"})
    assert "url = {https://x.org/%7Ba%7D%20b%5Cc}" in text
    read_pybtex(text)


def test_nocase_and_markup() -> None:
    item = {"id": "x", "type": "article-journal",
            "title": 'The <span class="nocase">iPhone</span> and <i>Drosophila</i> in H<sub>2</sub>O'
                     " with AI and GPT-4",
            "container-title": "Journal"}
    text = csl_to_bibtex(item)
    assert ("title = {The {iPhone} and \\textit{Drosophila} in H\\textsubscript{2}O with {AI} "
            "and {GPT-4}}") in text
    check_round_trip(item)


def test_stray_tags_are_text() -> None:
    item = {"id": "x", "type": "book", "title": "a </i> b <i> c"}
    check_round_trip(item)


def test_arxiv_preprint_round_trip() -> None:
    (src,), _ = load_bib_string(
        "@misc{h, title={Risks}, author={Hubinger, Evan}, year=2019,"
        " eprint={1906.01820}, archivePrefix={arXiv}}", "a.bib")
    item = src.csl()
    text = csl_to_bibtex(item)
    assert "  eprint = {1906.01820},\n  eprinttype = {arxiv},\n" in text
    assert "archiveprefix" not in text  # biber: invalid next to eprinttype (test_latex_exports)
    assert text.startswith("@misc{h,")
    (back,), _ = load_bib_string(text, "b.bib")
    assert back.csl() == item


def test_thesis_types() -> None:
    phd = csl_to_bibtex({"id": "p", "type": "thesis", "title": "T", "genre": "PhD thesis",
                         "publisher": "MIT"})
    assert phd.startswith("@phdthesis{p,") and "school = {MIT}" in phd
    ms = csl_to_bibtex({"id": "m", "type": "thesis", "title": "T", "genre": "Master's thesis"})
    assert ms.startswith("@mastersthesis{m,") and "type =" not in ms


@pytest.mark.parametrize("bad", [None, {}, {"type": 3, "title": ["x"], "author": "nope",
                                             "issued": "2019", "accessed": {"date-parts": []}}])
def test_malformed_items_do_not_raise(bad) -> None:
    text = csl_to_bibtex(bad)
    read_pybtex(text)
    csl_to_ris(bad)


# ---------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------


def test_bibtex_key_rules() -> None:
    assert bibtex_key({"id": "hubinger2019risks"}) == "hubinger2019risks"
    assert bibtex_key({"id": "Gödel 1931: über"}) == "Godel-1931:-uber"
    item = {"type": "article", "title": "The Risks from Learned Optimization",
            "author": [{"family": "van Hubinger", "given": "E."}],
            "issued": {"date-parts": [[2019]]}}
    assert bibtex_key(item) == "van2019risks"
    assert bibtex_key(dict(item)) == bibtex_key(item)
    k = bibtex_key({"title": "!!!"})
    assert re.fullmatch(r"item-[0-9a-f]{10}", k) and k == bibtex_key({"title": "!!!"})


def test_explicit_key_is_used_and_made_valid() -> None:
    assert csl_to_bibtex(PAGE_ITEM, "mykey").startswith("@misc{mykey,\n")
    assert csl_to_bibtex(PAGE_ITEM, "my key,}").startswith("@misc{my-key,\n")


# ---------------------------------------------------------------------------------------
# Property test: any title round-trips
# ---------------------------------------------------------------------------------------

# Excluded from generated titles: surrogates (not encodable as UTF-8) and control
# characters (category Cc; the writer drops them, as BibTeX files cannot carry them
# meaningfully). Unicode whitespace is allowed; titles are compared after whitespace
# normalisation. Rich-text tags that citeproc-js recognises are markup by definition,
# so the expected title is strip_markup(title).
TITLE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)
SPECIALS = st.text(alphabet=list("{}\\%&$#_~^`'\"-?!@,=()<>[] aAé😀"), min_size=1,
                   max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(TITLE_TEXT, SPECIALS))
@example("}{")
@example("\\")
@example("--")
@example("a\u2028b")
@example("``")
@example("?`")
def test_any_title_round_trips(title: str) -> None:
    want = norm(strip_markup(title))
    text = csl_to_bibtex({"id": "p", "type": "book", "title": title})
    if not want:
        assert "title =" not in text
        return
    bp = read_bibtexparser(text)
    pb = read_pybtex(text)
    assert norm(decode_latex(bp["fields"]["title"])) == want
    assert norm(decode_latex(pb["fields"]["title"])) == want


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({"family": TITLE_TEXT, "given": TITLE_TEXT}),
                min_size=1, max_size=4))
def test_any_names_parse_in_both_parsers(names: list[dict]) -> None:
    text = csl_to_bibtex({"id": "p", "type": "book", "title": "T", "author": names})
    read_bibtexparser(text)
    read_pybtex(text)


def test_escape_bibtex_examples() -> None:
    assert escape_bibtex("a & b {c} 50% $ # _ ~ ^ \\") == (
        "a \\& b \\textbraceleft{}c\\textbraceright{} 50\\% \\$ \\# \\_ \\textasciitilde{} "
        "\\textasciicircum{} \\textbackslash{}")
    assert escape_bibtex("1--2") == "1-{}-2"


# ---------------------------------------------------------------------------------------
# RIS
# ---------------------------------------------------------------------------------------


def parse_ris(text: str) -> list[dict[str, list[str]]]:
    """A tiny RIS reader: records of tag -> values, strict about the line format."""
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    for line in text.split("\n"):
        if not line.strip():
            continue
        m = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert m, f"bad RIS line: {line!r}"
        tag, value = m.groups()
        if tag == "TY":
            assert current is None, "TY inside a record"
            current = {}
        assert current is not None, "tag outside a record"
        if tag == "ER":
            records.append(current)
            current = None
            continue
        current.setdefault(tag, []).append(value)
    assert current is None, "record without ER"
    return records


def test_ris_fields() -> None:
    item = {"id": "a", "type": "article-journal",
            "title": 'Concrete Problems in <span class="nocase">AI</span> Safety',
            "author": [{"family": "Amodei", "given": "Dario"},
                       {"family": "Merwijk", "given": "Chris", "non-dropping-particle": "van"},
                       {"literal": "OpenAI"}],
            "container-title": "Journal", "volume": "12", "issue": "3", "page": "101–128",
            "issued": {"date-parts": [[2016, 6, 21]]}, "DOI": "10.1/x", "URL": "https://x.org",
            "publisher": "Pub", "accessed": {"date-parts": [[2024, 1, 2]]}, "note": "A note"}
    text = csl_to_ris(item)
    assert "\r" not in text and text.endswith("ER  - \n\n")
    (rec,) = parse_ris(text)
    assert rec == {
        "TY": ["JOUR"], "AU": ["Amodei, Dario", "van Merwijk, Chris", "OpenAI"],
        "TI": ["Concrete Problems in AI Safety"], "T2": ["Journal"], "JO": ["Journal"],
        "PY": ["2016"], "DA": ["2016/06/21/"], "VL": ["12"], "IS": ["3"], "SP": ["101"],
        "EP": ["128"], "PB": ["Pub"], "DO": ["10.1/x"], "UR": ["https://x.org"],
        "Y2": ["2024/01/02"], "N1": ["A note"],
    }


@pytest.mark.parametrize("ctype, ty", [
    ("article-journal", "JOUR"), ("paper-conference", "CONF"), ("book", "BOOK"),
    ("chapter", "CHAP"), ("report", "RPRT"), ("thesis", "THES"), ("webpage", "ELEC"),
    ("document", "GEN"), ("manuscript", "UNPB"), ("no-such-type", "GEN"),
])
def test_ris_types(ctype: str, ty: str) -> None:
    (rec,) = parse_ris(csl_to_ris({"id": "x", "type": ctype, "title": "T"}))
    assert rec["TY"] == [ty]


def test_ris_of_golden_sources_parses() -> None:
    paths = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.bib"))
    sources, _ = load_bib_files(paths, root=GOLDEN)
    text = "".join(csl_to_ris(s.csl()) for s in sources.values())
    records = parse_ris(text)
    assert len(records) == len(sources)
    for rec, src in zip(records, sources.values()):
        item = src.csl()
        if item.get("title"):
            assert rec["TI"] == [norm(strip_markup(item["title"]))]
        assert "n.d." not in json.dumps(rec)


def test_ris_multiline_and_markup_values_stay_on_one_line() -> None:
    (rec,) = parse_ris(csl_to_ris({"id": "x", "type": "book",
                                   "title": "Two\nlines <i>and</i> tags", "note": "a\r\nb"}))
    assert rec["TI"] == ["Two lines and tags"] and rec["N1"] == ["a b"]


# ---------------------------------------------------------------------------------------
# CSL-JSON
# ---------------------------------------------------------------------------------------


def test_csl_json_is_deterministic() -> None:
    items = [{"type": "book", "id": "b", "title": "Ünïcode"}, {"id": "a", "title": "x"}]
    text = csl_json(items)
    assert text == csl_json(json.loads(text))
    assert text.endswith("}\n]\n") and "Ünïcode" in text
    assert text.index('"id"') < text.index('"title"') < text.index('"type"')
    assert json.loads(text) == items
    assert csl_json([]) == "[]\n"


def test_webpage_site_and_publisher_round_trip() -> None:
    item = {"id": "w", "type": "webpage", "title": "Post", "container-title": "The Blog",
            "publisher": "Blog Inc.", "URL": "https://blog.example.org/post",
            "issued": {"date-parts": [[2023, 4]]}, "accessed": {"date-parts": [[2024, 5, 6]]},
            "note": "Archived copy"}
    text = csl_to_bibtex(item)
    assert "howpublished = {The Blog}" in text and "publisher = {Blog Inc.}" in text
    (s,), problems = load_bib_string(text, "w.bib")
    assert not problems and s.csl() == item


def test_misc_has_no_volume_number_or_pages_fields() -> None:
    """biblatex's @misc has no volume, number or pages (biber --validate-datamodel warns
    and drops them; BibTeX's misc prints none of them): a statute's place in its gazette is
    a sentence in the note, which both print; RIS keeps its own tags."""
    item = {"id": "eo", "type": "legislation", "title": "Executive Order 14179",
            "container-title": "Federal Register", "volume": "90", "page": "8741–8742",
            "issued": {"date-parts": [[2025, 1, 31]]}, "note": "Signed January 23"}
    text = csl_to_bibtex(item)
    assert text.startswith("@misc{")
    assert not re.search(r"^  (volume|number|pages) = ", text, re.M)
    assert "  howpublished = {Federal Register},\n" in text
    assert "  note = {Signed January 23; Volume 90, pages 8741--8742},\n" in text
    assert "  note = {Volume 88, number 5, page 75191},\n" in csl_to_bibtex(
        dict(item, volume="88", number="5", page="75191", note=""))
    assert "  note = {Issue 2},\n" in csl_to_bibtex(
        {"id": "r", "type": "report", "title": "Report without author", "issue": "2"})
    ris = csl_to_ris(item)
    assert "VL  - 90\n" in ris and "SP  - 8741\n" in ris and "EP  - 8742\n" in ris
