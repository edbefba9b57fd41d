"""``conceptwiki fmt``: golden cases, properties and the file-level behaviour.

Golden cases live in tests/golden/fmt/<case>/: ``input.yaml`` and ``expected.yaml`` (the
exact canonical text). Regenerate after a deliberate change with
``UPDATE_GOLDEN=1 pytest tests/test_fmt.py`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conceptwiki.model import schema
from conceptwiki.authoring.fmt import FormatError, diff_for, fmt_paths, format_entry_text
from conceptwiki.model.problems import Problems
from conceptwiki.model.yamlsafe import load_yaml

CASES = Path(__file__).parent / "golden" / "fmt"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def _read(path: Path) -> str:
    # Bytes, so that CRLF input reaches the formatter as it is on disk.
    return path.read_bytes().decode("utf-8")


def _comments(text: str) -> list[str]:
    from conceptwiki.authoring.fmt import _scan_comments

    return sorted(c.text for c in _scan_comments(text))


@pytest.mark.parametrize("case", CASE_NAMES)
def test_golden(case: str) -> None:
    folder = CASES / case
    source = _read(folder / "input.yaml")
    got = format_entry_text(source, f"{case}/input.yaml")
    expected_file = folder / "expected.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_bytes(got.encode("utf-8"))
    assert got == _read(expected_file)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_golden_properties(case: str) -> None:
    source = _read(CASES / case / "input.yaml")
    expected = _read(CASES / case / "expected.yaml")
    assert format_entry_text(expected) == expected  # the expected output is a fixed point
    assert yaml.safe_load(expected) == yaml.safe_load(source)
    assert _comments(expected) == _comments(source)
    assert "\r" not in expected and expected.endswith("\n") and not expected.endswith("\n\n")


# --------------------------------------------------------------------------------------
# Properties on generated entries

_text = st.text(max_size=300)
_short = st.text(max_size=40)
_slug = st.from_regex(schema.SLUG_RE, fullmatch=True).filter(lambda s: len(s) <= 60)
_date = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
_scalar = st.one_of(_short, st.integers(), st.booleans(), st.none(), _date,
                    st.floats(allow_nan=False))
_anything = st.recursive(_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_short, inner, max_size=3)), max_leaves=8)


@st.composite
def entries(draw) -> dict:
    """Dicts with the schema's keys (valid or not) and arbitrary text in the values."""
    status = {"level": draw(st.sampled_from(["established", "contested", "speculative"]))}
    if draw(st.booleans()):
        status["note"] = draw(_text)
    fields = {
        "title": _short,
        "aliases": st.lists(_short, max_size=4),
        "kind": st.sampled_from([k.value for k in schema.Kind]),
        "tags": st.lists(_slug, max_size=5),
        "status": st.just(status),
        "summary": _text,
        "details": _text,
        "key_points": st.lists(_text, max_size=4),
        "related": st.lists(_slug, max_size=6),
        "sources": st.fixed_dictionaries({"primary": _slug},
                                         optional={"further": st.lists(_slug, max_size=4)}),
        "see_also": st.lists(st.fixed_dictionaries({"title": _short, "url": _short}), max_size=3),
        "former_slugs": st.lists(_slug, max_size=3),
        "created": _date,
        "updated": _date,
    }
    data = {}
    for key, strategy in fields.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    for key in draw(st.lists(st.sampled_from(["extra", "Notes", "x-y", "zeta"]), unique=True, max_size=2)):
        data[key] = draw(_anything)
    # random key order, nested too
    keys = draw(st.permutations(list(data)))
    out = {k: data[k] for k in keys}
    for k in ("status", "sources"):
        if isinstance(out.get(k), dict):
            inner = out[k]
            out[k] = {kk: inner[kk] for kk in draw(st.permutations(list(inner)))}
    return out


def _styled_dumper(styles: list) -> type:
    """A PyYAML dumper that writes each string in the next style from ``styles`` (PyYAML
    falls back to a style that can hold the text when the one asked for cannot)."""

    class Dumper(yaml.SafeDumper):
        pass

    it = iter(styles)

    def represent(dumper, value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=next(it, None))

    Dumper.add_representer(str, represent)
    return Dumper


@st.composite
def entry_texts(draw) -> str:
    data = draw(entries())
    styles = draw(st.lists(st.sampled_from([None, '"', "'", "|", ">"]), max_size=40))
    text = yaml.dump(data, Dumper=_styled_dumper(styles), allow_unicode=draw(st.booleans()),
                     sort_keys=False, default_flow_style=draw(st.sampled_from([False, None])),
                     width=draw(st.sampled_from([40, 80, 1000])))
    # Comments before some top-level keys and at the end (column-0 lines are keys).
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if line and not line[0].isspace() and draw(st.booleans()):
            out.append(f"# comment {i}")
        out.append(line)
    if draw(st.booleans()):
        out.append("# the end")
    if draw(st.booleans()):
        out.insert(0, "# yaml-language-server: $schema=schema.json")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(out) + newline


@settings(max_examples=int(os.environ.get("FMT_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry_texts())
def test_fmt_is_idempotent_and_keeps_content(text: str) -> None:
    once = format_entry_text(text)
    assert format_entry_text(once) == once
    assert yaml.safe_load(once) == yaml.safe_load(text)
    assert _comments(once) == _comments(text)
    assert "\r" not in once


@settings(max_examples=200, deadline=None)
@given(entries())
def test_fmt_puts_keys_in_schema_order(data: dict) -> None:
    out = yaml.safe_load(format_entry_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))
    known = [k for k in out if k in schema.FIELD_ORDER]
    assert known == [k for k in schema.FIELD_ORDER if k in data]
    assert list(out)[: len(known)] == known  # unknown keys come last


# --------------------------------------------------------------------------------------
# Specific behaviour


def test_summary_is_folded_when_long_and_details_literal() -> None:
    long = "A learned model that is itself an optimizer, " * 5
    text = f"summary: {long.strip()}\ndetails: 'One line.'\n"
    out = format_entry_text(text)
    assert out.startswith("summary: >-\n  A learned model")
    assert "details: |-\n  One line.\n" in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_short_summary_stays_on_one_line() -> None:
    assert format_entry_text("summary: >-\n  Short.\n") == "summary: Short.\n"


def test_flow_lists_only_for_slug_lists() -> None:
    out = format_entry_text("key_points: [a, b]\ntags:\n  - x\n  - y\nextra: [1, 2]\n")
    assert out == "tags: [x, y]\nkey_points:\n  - a\n  - b\nextra:\n  - 1\n  - 2\n"


def test_long_flow_list_becomes_block() -> None:
    related = [f"concept-number-{i}" for i in range(10)]
    out = format_entry_text(yaml.safe_dump({"related": related}, default_flow_style=True))
    assert out.splitlines()[0] == "related:"
    assert out.splitlines()[1] == "  - concept-number-0"


def test_commented_list_item_keeps_block_style() -> None:
    out = format_entry_text("tags:\n  - a  # why a\n  - b\n")
    assert out == "tags:\n  - a  # why a\n  - b\n"


def test_values_that_yaml_would_misread_stay_quoted() -> None:
    text = "title: 'yes'\naliases: ['1.0', 'null', '2026-01-01', 'a: b', '#x']\n"
    out = format_entry_text(text)
    assert yaml.safe_load(out) == yaml.safe_load(text)


def test_dates_are_iso() -> None:
    assert format_entry_text("created: 2026-11-23\n") == "created: 2026-11-23\n"


def test_modeline_goes_first() -> None:
    text = "kind: concept\n# yaml-language-server: $schema=schema.json\ntitle: X\n"
    assert format_entry_text(text).splitlines()[0] == "# yaml-language-server: $schema=schema.json"


def test_header_comment_separated_by_blank_line_stays_on_top() -> None:
    text = "# Header.\n\n# About kind.\nkind: concept\ntitle: X\n"
    assert format_entry_text(text) == "# Header.\ntitle: X\n# About kind.\nkind: concept\n"


def test_comment_in_block_scalar_is_content() -> None:
    text = "details: |\n  # Not a comment\n  text\n"
    assert format_entry_text(text) == text


def test_unparseable_text_raises_with_position() -> None:
    with pytest.raises(FormatError) as info:
        format_entry_text("title: [unclosed\nkind: x\n", "concepts/x.yaml")
    (problem,) = info.value.problems
    assert problem.path == "concepts/x.yaml" and problem.line >= 1 and problem.is_error


def test_non_mapping_is_refused() -> None:
    with pytest.raises(FormatError, match="must be a mapping"):
        format_entry_text("- a\n- b\n")


def test_hostile_yaml_is_refused_not_expanded() -> None:
    with pytest.raises(FormatError, match="anchors and aliases"):
        format_entry_text("a: &a [x]\nb: *a\n")


# --------------------------------------------------------------------------------------
# Files


def test_fmt_paths_writes_changes_and_keeps_mode(tmp_path: Path) -> None:
    good = tmp_path / "a.yaml"
    good.write_bytes(b"kind: concept\r\ntitle: A\r\n")
    good.chmod(0o640)
    canonical = tmp_path / "b.yaml"
    canonical.write_text("title: B\n", encoding="utf-8")
    broken = tmp_path / "c.yaml"
    broken.write_text("title: [\n", encoding="utf-8")
    before = broken.read_bytes()

    changed, problems = fmt_paths([tmp_path], check=True, root=tmp_path)
    assert changed == [good]
    assert good.read_bytes() == b"kind: concept\r\ntitle: A\r\n"  # --check writes nothing
    assert [p.path for p in problems] == ["c.yaml"] and problems[0].line > 0

    changed, problems = fmt_paths([good, canonical, broken], check=False, root=tmp_path)
    assert changed == [good]
    assert good.read_text(encoding="utf-8") == "title: A\nkind: concept\n"
    assert stat.S_IMODE(good.stat().st_mode) == 0o640
    assert broken.read_bytes() == before
    assert len(problems) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    changed, problems = fmt_paths([tmp_path], check=True, root=tmp_path)
    assert changed == []


def test_fmt_paths_reports_missing_and_non_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"title: caf\xe9\n")
    changed, problems = fmt_paths([tmp_path / "nope.yaml", bad], check=False, root=tmp_path)
    assert changed == []
    assert [(p.path, p.line) for p in problems] == [("nope.yaml", 0), ("bad.yaml", 1)]
    assert bad.read_bytes() == b"title: caf\xe9\n"


def test_fmt_paths_leaves_bibtex_alone(tmp_path: Path) -> None:
    bib = tmp_path / "bib" / "main.bib"
    bib.parent.mkdir()
    bib.write_text("@misc{a2020b,\n title={T}}\n", encoding="utf-8")
    changed, problems = fmt_paths([bib], check=False, root=tmp_path)
    assert changed == []
    (problem,) = problems
    assert problem.path == "bib/main.bib" and "fmt formats entries (concepts/*.yaml and instruments/*.yaml) only" in problem.message
    assert bib.read_text(encoding="utf-8") == "@misc{a2020b,\n title={T}}\n"


def test_diff_for(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("kind: concept\ntitle: A\n", encoding="utf-8")
    diff = diff_for(f, root=tmp_path)
    assert diff.startswith("--- a/a.yaml\n+++ b/a.yaml\n")
    assert "+title: A" in diff and "-title: A" in diff
    f.write_text("title: A\n", encoding="utf-8")
    assert diff_for(f, root=tmp_path) == ""


def test_formatted_valid_entry_still_validates() -> None:
    text = (CASES / "reorder" / "input.yaml").read_bytes()
    out = format_entry_text(text.decode("utf-8"))
    problems = Problems()
    located = load_yaml(out.encode("utf-8"), "x.yaml", problems)
    assert located is not None and not problems
    schema.Concept.model_validate(located.data)


@st.composite
def commented_texts(draw) -> str:
    """Entry texts with comments on random lines, full-line (at that line's indentation) or
    at the end of a line; only those where the comments changed no value are kept."""
    text = draw(entry_texts()).replace("\r\n", "\n")
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        where = draw(st.sampled_from(["none", "none", "above", "end"]))
        if where == "above":
            indent = len(line) - len(line.lstrip(" "))
            out.append(" " * indent + f"# above {i}")
            out.append(line)
        elif where == "end" and line.strip():
            out.append(f"{line}  # end {i}")
        else:
            out.append(line)
    commented = "\n".join(out) + "\n"
    try:
        same = yaml.safe_load(commented) == yaml.safe_load(text)
    except yaml.YAMLError:
        same = False
    assume(same and _comments(commented))
    return commented


@settings(max_examples=int(os.environ.get("FMT_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(commented_texts())
def test_fmt_keeps_comments_anywhere(text: str) -> None:
    once = format_entry_text(text)
    assert format_entry_text(once) == once
    assert yaml.safe_load(once) == yaml.safe_load(text)
    assert _comments(once) == _comments(text)


def test_impossible_date_stays_as_written() -> None:
    # Quoting it would turn a date typo into text, and 'check' would then report it less clearly.
    text = "created: 2026-02-30\nupdated: 2026-11-23\n"
    assert format_entry_text(text) == text


def test_tabs_between_tokens_are_accepted_like_the_loader_does() -> None:
    assert format_entry_text("title: x\t# why\nkind:\t concept\n") == "title: x  # why\nkind: concept\n"


def test_comments_in_a_multi_line_flow_list() -> None:
    text = "related: [a,  # first\n  b,  # second\n  ]  # after\n"
    out = format_entry_text(text)
    assert out == "related:  # first\n  - a\n  # after\n  - b  # second\n"
    assert format_entry_text(out) == out


@pytest.mark.parametrize("value", ["\n", "a\n\n\n", "\n\nb", " lead\nx", "x\n  indented\n"])
def test_block_scalars_with_awkward_line_breaks(value: str) -> None:
    for key in ("summary", "details"):
        text = yaml.safe_dump({key: value, "created": dt.date(2026, 1, 1)}, sort_keys=False)
        out = format_entry_text(text)
        assert yaml.safe_load(out) == {key: value, "created": dt.date(2026, 1, 1)}
        assert format_entry_text(out) == out


# --------------------------------------------------------------------------------------
# Policy instruments

MESSY_INSTRUMENT = """# yaml-language-server: $schema=schema.json
summary: An act that addresses [[example-concept]], written on one long line that goes past the width of a line.
title: Example Act
status: in force
type: legislation
jurisdiction: European Union
issuing_body: Example Parliament
dates:
  published: {source: smith2020example, date: 2024-07}
  adopted:
    source: smith2020example  # the act itself
    date: 2024-06-13
primary_source: smith2020example
created: 2026-12-07
further_sources:
  - smith2020example
addresses:
  - sentence: It requires something of the example concept.
    source: smith2020example
    pinpoint: art 55(1)(a)
    concept: example-concept
"""

CANONICAL_INSTRUMENT = """# yaml-language-server: $schema=schema.json
title: Example Act
jurisdiction: European Union
type: legislation
issuing_body: Example Parliament
status: in force
dates:
  adopted:
    date: 2024-06-13
    source: smith2020example  # the act itself
  published:
    date: 2024-07
    source: smith2020example
primary_source: smith2020example
summary: >-
  An act that addresses [[example-concept]], written on one long line that goes past
  the width of a line.
addresses:
  - concept: example-concept
    pinpoint: art 55(1)(a)
    sentence: It requires something of the example concept.
    source: smith2020example
further_sources: [smith2020example]
created: 2026-12-07
"""


def test_instruments_are_formatted_in_their_own_layout(tmp_path: Path) -> None:
    """A file in instruments/ gets the instrument schema's key order (top level, dates,
    addresses), its summary folded, its comments kept; the command formats instruments too."""
    from helpers import run_cli, small_project

    root = small_project(tmp_path / "p")
    path = root / "instruments" / "example-act.yaml"
    path.parent.mkdir()
    path.write_text(MESSY_INSTRUMENT, encoding="utf-8")
    r = run_cli("fmt", "--check", cwd=root)
    assert r.returncode == 1 and "+++ b/instruments/example-act.yaml" in r.stdout, r.stdout + r.stderr
    r = run_cli("fmt", cwd=root)
    assert r.returncode == 0, r.stderr
    assert path.read_text(encoding="utf-8") == CANONICAL_INSTRUMENT
    assert run_cli("check", "--strict", cwd=root).returncode == 0
    # The same text as a concept entry keeps concept order: the layout comes from the folder.
    concept = format_entry_text(MESSY_INSTRUMENT)
    assert concept.index("title:") < concept.index("status:") < concept.index("summary:")
    assert concept.index("  - sentence:") < concept.index("    concept: example-concept")


def test_the_repositorys_instruments_are_canonical() -> None:
    from conceptwiki.authoring.fmt import entry_paths

    root = Path(__file__).parent.parent
    paths = entry_paths(root, "concepts", "instruments")
    assert any(p.parent.name == "instruments" for p in paths)
    changed, problems = fmt_paths([p for p in paths if p.parent.name == "instruments"], check=True, root=root)
    assert changed == [] and not problems, "run `conceptwiki fmt`"
