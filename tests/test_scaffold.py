"""``conceptwiki new``: the skeleton is valid, passes ``check`` and is refused when it must be."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conceptwiki.authoring import new as scaffold
from conceptwiki.authoring.fmt import format_entry_text
from conceptwiki.model.problems import Problems
from conceptwiki.authoring.new import PLACEHOLDER_KEY, bib_keys, new_entry
from conceptwiki.model.schema import Concept
from conceptwiki.model.yamlsafe import load_yaml

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)
KEY = "hubinger2019risks"


@pytest.fixture
def wiki(tmp_path: Path) -> Path:
    """An empty wiki with the real sources."""
    (tmp_path / "concepts").mkdir()
    shutil.copytree(ROOT / "bib", tmp_path / "bib")
    return tmp_path


def _entry(root: Path, slug: str, body: str) -> Path:
    path = root / "concepts" / f"{slug}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _messages(problems: Problems) -> str:
    return "\n".join(str(p) for p in problems)


def test_new_writes_a_valid_commented_skeleton(wiki: Path) -> None:
    path, problems = new_entry(wiki, "mesa-optimization", "Mesa-optimization", source=KEY, today=TODAY)
    assert not problems
    assert path == wiki / "concepts" / "mesa-optimization.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=schema.json"
    assert text.count("\n# ") >= 8  # short comments on the fields
    loaded = Problems()
    located = load_yaml(path.read_bytes(), "concepts/mesa-optimization.yaml", loaded)
    assert not loaded
    concept = Concept.model_validate(located.data)
    assert concept.title == "Mesa-optimization"
    assert concept.kind.value == "concept"
    assert concept.sources.primary == KEY
    assert concept.created == TODAY
    assert format_entry_text(text) == text  # already in canonical form
    assert not [p for p in wiki.joinpath("concepts").iterdir() if p.name.startswith(".")]


def test_new_validates_with_the_loader(wiki: Path) -> None:
    loader = pytest.importorskip("conceptwiki.model.loader")
    path, _ = new_entry(wiki, "inner-alignment", "Inner alignment", kind="problem", source=KEY)
    problems = Problems()
    located = load_yaml(path.read_bytes(), "concepts/inner-alignment.yaml", problems)
    assert loader.validate_entry(located, "concepts/inner-alignment.yaml", problems) is not None
    assert not problems


def test_new_then_check_passes(real_project_copy: Path) -> None:
    loader = pytest.importorskip("conceptwiki.model.loader")
    root = real_project_copy
    path, problems = new_entry(root, "brand-new-concept", "Brand-new concept: a test", source=KEY)
    assert path is not None and not problems
    wiki = loader.load_wiki(root)
    assert not wiki.problems.errors, _messages(wiki.problems.errors)
    assert "brand-new-concept" in wiki.entries


def test_title_that_needs_quoting(wiki: Path) -> None:
    title = "Goodhart's law: \"when a measure becomes a target\" # ≠ [x]"
    path, problems = new_entry(wiki, "goodharts-law", title, source=KEY)
    assert not problems
    located = load_yaml(path.read_bytes(), "x", Problems())
    assert Concept.model_validate(located.data).title == title


def test_without_source_writes_placeholder_and_warns(wiki: Path) -> None:
    path, problems = new_entry(wiki, "reward-hacking", "Reward hacking", kind="failure-mode")
    assert path is not None
    assert not problems.errors
    (warning,) = problems.warnings
    assert f"replace '{PLACEHOLDER_KEY}'" in warning.message
    assert "keys in bib/: christiano2017deep," in warning.message and " more" in warning.message
    line = path.read_text(encoding="utf-8").splitlines()[warning.line - 1]
    assert line.startswith(f"  primary: {PLACEHOLDER_KEY}") and line[warning.column - 1:].startswith(PLACEHOLDER_KEY)
    located = load_yaml(path.read_bytes(), "x", Problems())
    Concept.model_validate(located.data)  # valid; only 'check' (unknown key) objects


def test_without_source_check_reports_the_placeholder(real_project_copy: Path) -> None:
    loader = pytest.importorskip("conceptwiki.model.loader")
    root = real_project_copy
    new_entry(root, "brand-new-concept", "Brand new", today=TODAY)
    messages = _messages(loader.load_wiki(root).problems.errors)
    assert f"unknown BibTeX key '{PLACEHOLDER_KEY}'" in messages


@pytest.mark.parametrize("slug, fix", [
    ("Mesa_Optimization", "mesa-optimization"),
    ("mesa--optimization", "mesa-optimization"),
    ("-mesa", "mesa"),
    ("inner alignment", "inner-alignment"),
    ("", None),
    ("a" * 101, None),
])
def test_invalid_slug_is_refused_with_a_fix(wiki: Path, slug: str, fix: str | None) -> None:
    path, problems = new_entry(wiki, slug, "Title", source=KEY)
    assert path is None
    (problem,) = problems.errors
    assert "not a valid slug" in problem.message and "lower-case" in problem.message
    if fix:
        assert f"e.g. '{fix}'" in problem.message
    assert list((wiki / "concepts").iterdir()) == []


@pytest.mark.parametrize("slug", sorted(scaffold.RESERVED_SLUGS))
def test_reserved_slug_is_refused(wiki: Path, slug: str) -> None:
    path, problems = new_entry(wiki, slug, "Title", source=KEY)
    assert path is None and "reserved" in problems.errors[0].message


def test_reserved_slugs_match_the_loader() -> None:
    loader = pytest.importorskip("conceptwiki.model.loader")
    assert scaffold.RESERVED_SLUGS is loader.RESERVED_SLUGS


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_existing_file_is_never_overwritten(wiki: Path, suffix: str) -> None:
    existing = wiki / "concepts" / f"mesa-optimization{suffix}"
    existing.write_text("not: touched\n", encoding="utf-8")
    path, problems = new_entry(wiki, "mesa-optimization", "Mesa-optimization", source=KEY)
    assert path is None and "already exists" in problems.errors[0].message
    assert existing.read_text(encoding="utf-8") == "not: touched\n"


def test_file_appearing_at_the_last_moment_is_not_overwritten(wiki: Path, monkeypatch) -> None:
    target = wiki / "concepts" / "race.yaml"
    real = scaffold._skeleton

    def skeleton_then_someone_else_writes(*args, **kwargs):
        text = real(*args, **kwargs)
        target.write_text("theirs\n", encoding="utf-8")
        return text

    monkeypatch.setattr(scaffold, "_skeleton", skeleton_then_someone_else_writes)
    path, problems = new_entry(wiki, "race", "Race", source=KEY)
    assert path is None and "already exists" in problems.errors[0].message
    assert target.read_text(encoding="utf-8") == "theirs\n"
    assert sorted(p.name for p in (wiki / "concepts").iterdir()) == ["race.yaml"]


@pytest.mark.parametrize("existing, body, slug, what", [
    ("mesa-optimization", "title: M\n", "mesaoptimization", "the slug of"),
    ("mesa-optimization", "title: M\naliases: [mesa-optimiser, Inner Optimiser]\n",
     "inner-optimiser", "an alias of"),
    ("deceptive-alignment", "title: D\nformer_slugs: [deceptive-inner-alignment]\n",
     "deceptive-inner-alignment", "a former slug of"),
])
def test_collisions_are_refused(wiki: Path, existing: str, body: str, slug: str, what: str | None) -> None:
    _entry(wiki, existing, body)
    path, problems = new_entry(wiki, slug, "Title", source=KEY)
    assert path is None
    if what:
        (problem,) = problems.errors
        assert what in problem.message and f"concepts/{existing}.yaml" in problem.message
        assert problem.path == f"concepts/{slug}.yaml"


def test_alias_collision_points_at_the_alias(wiki: Path) -> None:
    _entry(wiki, "mesa-optimization", "title: M\naliases:\n  - mesa-optimiser\n  - inner optimiser\n")
    _, problems = new_entry(wiki, "inner-optimiser", "Inner optimiser", source=KEY)
    assert "concepts/mesa-optimization.yaml:4:5" in problems.errors[0].message


def test_broken_other_entries_do_not_stop_new(wiki: Path) -> None:
    _entry(wiki, "broken", "title: [unclosed\n")
    _entry(wiki, "hostile", "a: &a [x]\nb: *a\n")
    _entry(wiki, "not-a-mapping", "- a\n- b\n")
    _entry(wiki, "odd-types", "aliases: 3\nformer_slugs: [1, null, {a: b}]\n")
    (wiki / "concepts" / "binary.yaml").write_bytes(b"\xff\xfe\x00")
    path, problems = new_entry(wiki, "fine", "Fine", source=KEY)
    assert path is not None and not problems


def test_unknown_source_is_refused_with_suggestions(wiki: Path) -> None:
    path, problems = new_entry(wiki, "x", "X", source="hubinger2019risk")
    assert path is None
    assert "did you mean 'hubinger2019risks'" in problems.errors[0].message


def test_unknown_kind_is_refused(wiki: Path) -> None:
    path, problems = new_entry(wiki, "x", "X", kind="failure", source=KEY)
    assert path is None and "did you mean 'failure-mode'" in problems.errors[0].message


@pytest.mark.parametrize("title", ["", "   ", "two\nlines", "x" * 201])
def test_bad_title_is_refused(wiki: Path, title: str) -> None:
    path, problems = new_entry(wiki, "x", title, source=KEY)
    assert path is None and "title" in problems.errors[0].message


def test_missing_concepts_folder(tmp_path: Path) -> None:
    path, problems = new_entry(tmp_path, "x", "X", source=KEY)
    assert path is None and "not found" in problems.errors[0].message
    assert not (tmp_path / "concepts").exists()


def test_bib_keys_skips_strings_and_comments(tmp_path: Path) -> None:
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "a.bib").write_text(
        "@string{neurips = {NeurIPS}}\n@comment{x,}\n@Article{smith2020word,\n title={T}}\n"
        "@misc( jones2021other ,\n title={U})\n", encoding="utf-8")
    assert bib_keys(tmp_path) == ["smith2020word", "jones2021other"]


def test_bib_keys_finds_every_real_key() -> None:
    bib = pytest.importorskip("conceptwiki.bibtex")
    sources, _ = bib.load_bib_files(sorted((ROOT / "bib").glob("*.bib")), root=ROOT)
    assert sorted(bib_keys(ROOT)) == sorted(sources)


def test_level_must_be_chosen_before_publishing(real_project_copy: Path) -> None:
    """The skeleton's level carries a TODO comment; check warns at it until it is deleted."""
    loader = pytest.importorskip("conceptwiki.model.loader")
    root = real_project_copy
    path, _ = new_entry(root, "brand-new-concept", "Brand new", source=KEY, today=TODAY)
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines, 1) if line.startswith("  level: "))
    assert lines[row - 1] == f"  level: established  {scaffold.LEVEL_TODO}"
    for level in ("established", "contested", "speculative"):
        assert any(line.startswith(f"#   {level}: ") for line in lines[:row])
    (warning,) = [p for p in loader.load_wiki(root).problems if "'status.level'" in p.message]
    assert (warning.path, warning.line, warning.column) == ("concepts/brand-new-concept.yaml", row,
                                                             lines[row - 1].index("#") + 1)
    assert not warning.is_error and warning.fails_strict
    path.write_text("\n".join(lines).replace(f"  {scaffold.LEVEL_TODO}", "") + "\n", encoding="utf-8")
    assert not [p for p in loader.load_wiki(root).problems if "'status.level'" in p.message]


# -- policy instruments ----------------------------------------------------------------------

def test_new_instrument_writes_a_valid_commented_skeleton(wiki: Path) -> None:
    from conceptwiki.authoring.fmt import INSTRUMENT_LAYOUT
    from conceptwiki.authoring.new import new_instrument
    from conceptwiki.model.instrument import Instrument

    path, problems = new_instrument(wiki, "example-act", "Example Act: a title", type="executive order",
                                    source=KEY, today=TODAY)
    assert not problems and path == wiki / "instruments" / "example-act.yaml"  # the folder is made
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=schema.json"
    located = load_yaml(path.read_bytes(), "instruments/example-act.yaml", Problems())
    inst = Instrument.model_validate(located.data)
    assert (inst.title, inst.type.value, inst.primary_source, inst.created) == (
        "Example Act: a title", "executive order", KEY, TODAY)
    assert format_entry_text(text, layout=INSTRUMENT_LAYOUT) == text  # canonical already
    # Refused: an existing file, an unknown type (with a suggestion), an unknown source.
    again, problems = new_instrument(wiki, "example-act", "Again", source=KEY)
    assert again is None and "never overwrites" in _messages(problems)
    bad, problems = new_instrument(wiki, "other-act", "Other", type="executive-order")
    assert bad is None and "did you mean 'executive order'?" in _messages(problems)
    bad, problems = new_instrument(wiki, "other-act", "Other", source="hubinger2019risk")
    assert bad is None and "did you mean 'hubinger2019risks'" in _messages(problems)


def test_new_instrument_then_check_names_each_placeholder(tmp_path: Path) -> None:
    """From the command line: the skeleton loads, and ``check`` points at every placeholder
    still to replace (a strict check fails until then); without --source, REPLACE-ME is an
    error at its line."""
    from helpers import run_cli, small_project

    root = small_project(tmp_path / "p")
    r = run_cli("new", "example-act", "--instrument", "--title", "Example Act", "--source", "smith2020example",
                cwd=root)
    assert r.returncode == 0 and "wrote" in r.stderr, r.stderr
    text = (root / "instruments" / "example-act.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()

    def at(key: str) -> str:
        n = next(i for i, ln in enumerate(lines, 1) if ln.startswith(key + ":"))
        return f"instruments/example-act.yaml:{n}:{lines[n - 1].index('TODO') + 1}: warning: '{key}' still holds"

    r = run_cli("check", cwd=root)
    assert r.returncode == 0, r.stdout
    for key in ("jurisdiction", "issuing_body", "summary"):
        assert at(key) in r.stdout, r.stdout
    assert run_cli("check", "--strict", cwd=root).returncode == 1
    r = run_cli("new", "other-act", "--instrument", "--title", "Other Act", cwd=root)
    assert r.returncode == 0 and "replace 'REPLACE-ME'" in r.stderr
    r = run_cli("check", cwd=root)
    n = next(i for i, ln in enumerate((root / "instruments" / "other-act.yaml").read_text().splitlines(), 1)
             if ln.startswith("primary_source:"))
    assert f"instruments/other-act.yaml:{n}:17: error: unknown BibTeX key 'REPLACE-ME'" in r.stdout, r.stdout
    r = run_cli("new", "third-act", "--instrument", "--kind", "concept", "--title", "T", cwd=root)
    assert r.returncode == 2 and "--kind is for concept entries" in r.stderr
    r = run_cli("new", "a-concept", "--type", "standard", "--title", "T", cwd=root)
    assert r.returncode == 2 and "add --instrument" in r.stderr
