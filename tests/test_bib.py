"""Tests of plugins/conceptwiki/bibtex/: BibTeX loading, LaTeX decoding, names, CSL-JSON.

Golden cases live in tests/golden/bib/: ``<case>.bib`` (or a directory ``<case>/`` of .bib
files, loaded in name order), ``<case>.json`` (the expected CSL-JSON list) and
``<case>.messages`` (the expected problems, one ``path:line: severity: message`` a line).
Set UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change, then review
the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conceptwiki.bibtex import (
    MAX_BIB_BYTES,
    decode_latex,
    decode_title,
    load_bib_files,
    load_bib_string,
    parse_bib_date,
    parse_names,
    source_to_csl,
)
from conceptwiki.bibtex.latex import _decode_plain, _decode_slow
from conceptwiki.bibtex.scan import collapse_ws
from conceptwiki.model.problems import format_problems

GOLDEN = Path(__file__).parent / "golden" / "bib"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _cases() -> list[str]:
    names = set()
    for p in GOLDEN.iterdir():
        if p.is_dir() or p.suffix == ".bib":
            names.add(p.stem if p.suffix == ".bib" else p.name)
    return sorted(names)


def _load_case(name: str):
    target = GOLDEN / name
    if target.is_dir():
        paths = sorted(str(p.relative_to(GOLDEN)) for p in target.glob("*.bib"))
    else:
        paths = [f"{name}.bib"]
    return load_bib_files(paths, root=GOLDEN)


def _check(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path} (run with UPDATE_GOLDEN=1)"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", _cases())
def test_golden(name: str) -> None:
    sources, problems = _load_case(name)
    items = [s.csl() for s in sources.values()]
    _check(GOLDEN / f"{name}.json",
           json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    text = format_problems(problems)
    _check(GOLDEN / f"{name}.messages", text + "\n" if text else "")


def test_golden_cases_exist() -> None:
    assert {"types", "arxiv", "names", "latex", "unbalanced", "duplicates", "cross_dup",
            "empty", "junk", "strings", "latin1"} <= set(_cases())


# ---------------------------------------------------------------------------------------
# Line numbers, locations and problems
# ---------------------------------------------------------------------------------------


def test_lines_are_one_based_and_point_at_the_at_sign() -> None:
    text = "@misc{a, title={A}}\n\n\n  @misc{b,\n  title={B},\n  year={n.d.}}\n"
    sources, problems = load_bib_string(text, "bib/x.bib")
    assert [(s.key, s.line) for s in sources] == [("a", 1), ("b", 4)]
    assert sources[1].field_lines == {"title": 5, "year": 6}
    assert [str(p) for p in problems] == [
        "bib/x.bib:6:3: warning: entry 'b': year 'n.d.' is not a number; the entry has no "
        "date (leave 'year' out if the date is unknown)"
    ]


def test_unclosed_brace_names_where_it_opened() -> None:
    text = "@misc{a,\n  title = {x {y},\n  year = 2000,\n}\n\n@misc{b, title={B}}\n"
    sources, problems = load_bib_string(text, "p.bib")
    assert [s.key for s in sources] == ["b"]
    (p,) = problems
    assert (p.line, p.column, p.severity) == (2, 11, "error")  # at the brace to fix
    assert "line 2, column 11" in p.message and "'a'" in p.message


def test_duplicate_key_message_names_both_locations(tmp_path: Path) -> None:
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "a.bib").write_text("\n" * 11 + "@misc{x, title={A}}\n")
    (tmp_path / "bib" / "b.bib").write_text("@misc{x, title={B}}\n")
    sources, problems = load_bib_files(["bib/a.bib", "bib/b.bib"], root=tmp_path)
    assert sources["x"].fields["title"] == "A"
    assert [str(p) for p in problems] == [
        "bib/b.bib:1:7: error: duplicate BibTeX key 'x': already defined at bib/a.bib:12"
    ]


def test_absolute_paths_are_shown_relative_to_root(tmp_path: Path) -> None:
    f = tmp_path / "refs.bib"
    f.write_text("@misc{k}\n")
    _, problems = load_bib_files([f], root=tmp_path)
    assert [str(p) for p in problems] == ["refs.bib:1:1: error: entry 'k' has no title"]


def test_missing_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    sources, problems = load_bib_files(["nope.bib"], root=tmp_path)
    assert sources == {}
    assert len(problems) == 1 and problems[0].path == "nope.bib"
    assert "cannot read" in problems[0].message


def test_file_over_5_mb_is_not_parsed(tmp_path: Path) -> None:
    big = tmp_path / "big.bib"
    entry = "@misc{k%d, title={%s}}\n"
    with big.open("w") as fh:
        i = 0
        while fh.tell() <= MAX_BIB_BYTES:
            fh.write(entry % (i, "x" * 1000))
            i += 1
    sources, problems = load_bib_files([big], root=tmp_path)
    assert sources == {}
    assert len(problems) == 1
    assert "over the limit of 5 MB" in problems[0].message and problems[0].is_error


def test_not_utf8_names_line_and_byte(tmp_path: Path) -> None:
    (tmp_path / "l.bib").write_bytes(b"@misc{a,\n  title = {Caf\xe9}}\n")
    sources, problems = load_bib_files(["l.bib"], root=tmp_path)
    assert sources == {}
    assert str(problems[0]) == ("l.bib:2:15: error: BibTeX file is not UTF-8 (byte 0xE9 at "
                                "offset 23); save it as UTF-8")


def test_hostile_inputs_never_raise() -> None:
    hostile = [
        "@", "@{", "@misc", "@misc{", "@misc{,}", "@misc{a,", "@misc{a, title", "}}}}{{{{",
        "@misc{a, title = {" + "{" * 5000 + "}", "@misc{a, title={" + "{x}" * 5000 + "}}",
        "@string{x = }", "@string{ = y}", "@misc{a, title = x # # y}", "@misc{a, title = #}",
        '@misc{a, title = "}', "@comment{", "@preamble{", "@misc(a, title={x}",
        "@misc{a, title={\\}}", "@misc{a, title={\\href{x}}}", "@misc{a, title={$x}}",
        "@misc{a, title={\\" + "}", "@misc{a, title={" + "\\textbf{" * 300 + "}" * 300 + "}}",
        "@misc{a, author={and and and}, title={x}}", "@misc{a, author={,,,}, title={x}}",
        "@misc{a, author={{}}, title={{}}}", "\x00@misc{a,\x00title={\x00}}",
    ]
    for text in hostile:
        sources, problems = load_bib_string(text, "h.bib")
        for s in sources:
            s.csl()
        format_problems(problems)


def test_source_csl_is_cached_and_copied() -> None:
    (s,), _ = load_bib_string("@misc{a, title={T}}", "x.bib")
    first = s.csl()
    first["title"] = "changed"
    assert s.csl()["title"] == "T"
    assert s.csl() == source_to_csl(s)
    hash(s)


def test_fields_keep_latex_and_inner_braces() -> None:
    text = '@misc{a, Title = {The {AI} of G{\\"o}del}, YEAR = "2019", note = "x" # { y}}'
    (s,), problems = load_bib_string(text, "x.bib")
    assert not problems
    assert s.type == "misc"
    assert s.fields == {"title": 'The {AI} of G{\\"o}del', "year": "2019", "note": "x y"}


# ---------------------------------------------------------------------------------------
# decode_latex / decode_title
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "latex, text",
    [
        ('{\\"o}', "ö"),
        ('\\"{o}', "ö"),
        ("\\'e", "é"),
        ("{\\ss}", "ß"),
        ("\\&", "&"),
        ("\\%", "%"),
        ("a--b", "a\u2013b"),
        ("a---b", "a\u2014b"),
        ("a~b", "a\u00a0b"),
        ("\\textit{x}", "x"),
        ("{AI} safety", "AI safety"),
        ("\\$ \\# \\_ \\{ \\}", "$ # _ { }"),
        ("\\textbraceleft{}\\textbraceright{}", "{}"),
        ("\\textasciicircum{} \\textasciitilde{} \\textbackslash{}", "^ ~ \\"),
        ("\\mbox{kept}", "kept"),
        ("\\LaTeX{} and \\TeX", "LaTeX and TeX"),
        ("\\url{https://x.org/a_b~c%20}", "https://x.org/a_b~c%20"),
        ("\\href{https://x.org}{text}", "text"),
        ("50% & more", "50% & more"),
        ("  spaced\n  out  ", "spaced out"),
        ("{\\noopsort{a}}b", "b"),
        ("Sk{\\l}odowska", "Skłodowska"),
        ("na\\\"\\i ve", "naïve"),
        ("", ""),
    ],
)
def test_decode_latex(latex: str, text: str) -> None:
    assert decode_latex(latex) == text


@pytest.mark.parametrize(
    "latex, csl",
    [
        ("Concrete Problems in {AI} Safety",
         'Concrete Problems in <span class="nocase">AI</span> Safety'),
        ("{Goodhart's} Law", '<span class="nocase">Goodhart\'s</span> Law'),
        ("At {{ICML}}", 'At <span class="nocase">ICML</span>'),
        ("{Whole Title}", '<span class="nocase">Whole Title</span>'),
        ('{\\"O}ber \\textit{Ital}', "Öber Ital"),
        ("a < b & c", "a < b & c"),
        ("{G}aussian", '<span class="nocase">G</span>aussian'),
        ("", ""),
    ],
)
def test_decode_title(latex: str, csl: str) -> None:
    assert decode_title(latex) == csl


# ---------------------------------------------------------------------------------------
# parse_names
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, names",
    [
        ("Hubinger, Evan", [{"family": "Hubinger", "given": "Evan"}]),
        ("Evan Hubinger", [{"family": "Hubinger", "given": "Evan"}]),
        ("van Merwijk, Chris",
         [{"family": "Merwijk", "given": "Chris", "non-dropping-particle": "van"}]),
        ("Chris van Merwijk",
         [{"family": "Merwijk", "given": "Chris", "non-dropping-particle": "van"}]),
        ("King, Jr., Martin Luther",
         [{"family": "King", "given": "Martin Luther", "suffix": "Jr."}]),
        ("Plato", [{"family": "Plato"}]),
        ("{OpenAI}", [{"literal": "OpenAI"}]),
        ("{{OpenAI}}", [{"literal": "OpenAI"}]),
        ("{Future of Humanity Institute}", [{"literal": "Future of Humanity Institute"}]),
        ("{Barnes and Noble} AND Smith, J.",
         [{"literal": "Barnes and Noble"}, {"family": "Smith", "given": "J."}]),
        ("G{\\\"o}del, Kurt and others", [{"family": "Gödel", "given": "Kurt"}, {"literal": "et al."}]),
        ("Anderson, Andy and Sandy Andrews",
         [{"family": "Anderson", "given": "Andy"}, {"family": "Andrews", "given": "Sandy"}]),
        ("{\\'E}mile Borel", [{"family": "Borel", "given": "Émile"}]),
        ("J.~R.~R. Tolkien", [{"family": "Tolkien", "given": "J. R. R."}]),
        ("Jean de la Fontaine",
         [{"family": "Fontaine", "given": "Jean", "non-dropping-particle": "de la"}]),
        ("", []),
    ],
)
def test_parse_names(value: str, names: list[dict]) -> None:
    assert parse_names(value) == names


def test_parse_names_long_list() -> None:
    value = " and ".join(f"Author{i:02d}, Given{i}" for i in range(1, 26))
    names = parse_names(value)
    assert len(names) == 25
    assert names[24] == {"family": "Author25", "given": "Given25"}


# ---------------------------------------------------------------------------------------
# Dates and CSL details
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, parts",
    [
        ("2019", [[2019]]),
        ("2019-06", [[2019, 6]]),
        ("2019-06-05", [[2019, 6, 5]]),
        ("2019-06-05/2019-06-07", [[2019, 6, 5], [2019, 6, 7]]),
        ("2019-13", None),
        ("n.d.", None),
        ("", None),
    ],
)
def test_parse_bib_date(value: str, parts) -> None:
    d = parse_bib_date(value)
    assert (d["date-parts"] if d else None) == parts


def _csl(entry: str) -> dict:
    (s,), _ = load_bib_string(entry, "x.bib")
    return s.csl()


def test_never_nd_in_data() -> None:
    item = _csl("@misc{a, title={T}, year={n.d.}}")
    assert "issued" not in item
    assert "n.d." not in json.dumps(item)


def test_forthcoming_status() -> None:
    item = _csl("@article{a, title={T}, journal={J}, year={Forthcoming}}")
    assert item["status"] == "forthcoming" and "issued" not in item


def test_explicit_doi_prefix_stripped() -> None:
    item = _csl("@article{a, title={T}, journal={J}, doi={https://doi.org/10.1/x_y}}")
    assert item["DOI"] == "10.1/x_y"


# ---------------------------------------------------------------------------------------
# Speed: the fast paths must give what pylatexenc gives
# ---------------------------------------------------------------------------------------

_TOKENS = ["a", "B", " ", "-", "~", "{", "}", "{x}", "\\&", "\\%", "\\$", "\\#", "\\_",
           "\\{", "\\}", "%", "&", "#", "_", "^", '\\"o', '{\\"o}', "\\'e", "\\ss",
           "\\ss{}", "{\\ss}", "\\c c", "\\v{S}", '\\"\\i', '\\"\\i ', "\\o", "\\L ",
           "é", "\n", "--", "---", "\\'{E}", "\\i{}", "\\textit{", "$", "``", "''"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TOKENS), max_size=12))
def test_fast_paths_agree_with_pylatexenc(tokens: list[str]) -> None:
    value = "".join(tokens)
    assert collapse_ws(_decode_plain(value)) == collapse_ws(_decode_slow(value))


def test_golden_values_agree_with_pylatexenc() -> None:
    paths = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.bib"))
    sources, _ = load_bib_files(paths, root=GOLDEN)
    for s in sources.values():
        for name, value in s.fields.items():
            if name not in ("url", "doi", "file", "eprint") and "\\url" not in value:
                assert collapse_ws(_decode_plain(value)) == collapse_ws(_decode_slow(value))


def test_large_inputs_stay_fast() -> None:
    entry = ('@article{{k{i}, author = {{M{{\\"u}}ller, J{{\\"o}}rg and van Merwijk, Chris}},'
             ' title = {{On {{AI}} and {{\\"O}}ber: {i} -- a \\textit{{Study}}}}, year = 2019,'
             ' month = jun, pages = {{1--{i}}}}}\n')
    text = "".join(entry.format(i=i) for i in range(2000))
    t0 = time.perf_counter()
    sources, problems = load_bib_string(text, "big.bib")
    assert len(sources) == 2000 and not problems
    hostile = "@misc{a, title={" + "word {AI} \\'e \\textbf{x} " * 50000 + "}}"
    (s,), _ = load_bib_string(hostile, "hostile.bib")
    assert s.csl()["title"].startswith('word <span class="nocase">AI</span> é x word')
    assert time.perf_counter() - t0 < 60


def test_crossref_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text(
        "@inproceedings{child, title={Child}, author={A, B}, crossref={Parent}}\n")
    (tmp_path / "b.bib").write_text(
        "@proceedings{parent, title={The Proceedings}, year={2017}, publisher={P}}\n")
    sources, problems = load_bib_files(["a.bib", "b.bib"], root=tmp_path)
    assert not problems
    item = sources["child"].csl()
    assert item["container-title"] == "The Proceedings" and item["title"] == "Child"
    assert item["issued"] == {"date-parts": [[2017]]} and item["publisher"] == "P"
    assert sources["child"].fields == {"title": "Child", "author": "A, B", "crossref": "Parent"}
    # Alone, the child's parent is missing: a warning, not an error.
    _, problems = load_bib_string((tmp_path / "a.bib").read_text(), "a.bib")
    assert [p.severity for p in problems] == ["warning"]
