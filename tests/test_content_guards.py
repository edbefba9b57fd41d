"""``check`` guards the content: a minimum length of details (for entries created from a
date on), a primary source, a known ``publicationstatus``, and one spelling per author
across ``bib/``. Each problem is located at path:line:column; run as the real command."""

from __future__ import annotations

import datetime as _dt
import json
import subprocess
import textwrap
from pathlib import Path

from helpers import run_cli

from conceptwiki.config import PLUGIN_DEFAULTS, read_mkdocs_yml, site_config
from conceptwiki.model.guards import count_words
from conceptwiki.model.loader import load_wiki

ROOT = Path(__file__).resolve().parent.parent

BIB = textwrap.dedent("""\
    % Sources of the guard tests.
    @article{olah2020zoom,
      author  = {Olah, Chris and Cammarata, Nick},
      title   = {Zoom in},
      journal = {Distill},
      year    = {2020}
    }

    @misc{elhage2021mathematical,
      author       = {Elhage, Nelson and Olah, Christopher},
      title        = {A mathematical framework},
      organization = {Transformer Circuits Thread},
      year         = {2021},
      publicationstatus = {post}
    }

    @misc{chen2021a,
      author = {Chen, Xi and Chen, Xin and Wu, Jane and Wu, Jun},
      title  = {Different people},
      year   = {2021}
    }

    @misc{unused2020x,
      author = {Nobody, Alice},
      title  = {Never cited},
      year   = {2020}
    }
    """)


def _words(n: int) -> str:
    return " ".join(["word"] * n)


def _entry(title: str, created: str, details: str | None, primary: str | None = "olah2020zoom") -> str:
    lines = [f"title: {title}", "kind: concept", "status:", "  level: established",
             "summary: A summary of the concept."]
    if details is not None:
        lines += ["details: |", *textwrap.wrap(details, 80, initial_indent="  ", subsequent_indent="  ")]
    lines += ["sources:"]
    if primary is not None:
        lines += [f"  primary: {primary}"]
    lines += ["  further: [elhage2021mathematical, chen2021a]", f"created: {created}"]
    return "\n".join(lines) + "\n"


def _project(tmp_path: Path, entries: dict[str, str], options: str = "") -> Path:
    root = tmp_path / "p"
    (root / "concepts").mkdir(parents=True)
    (root / "bib").mkdir()
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "bib" / "refs.bib").write_text(BIB, encoding="utf-8")
    for slug, text in entries.items():
        (root / "concepts" / f"{slug}.yaml").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - conceptwiki:\n" + textwrap.indent(options, "      "),
                                     encoding="utf-8")
    return root


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--root", str(root), "check", *args)


def _problems(root: Path, *args: str) -> tuple[int, list[dict]]:
    r = check(root, "--format", "json", *args)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, json.loads(r.stdout or "[]")


GUARDED = "min_details_words: 250\nmin_details_since: 2026-12-01\n"


def test_details_under_the_minimum_fail_with_their_location(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "short": _entry("Short", "2026-12-07", _words(249)),
        "long-enough": _entry("Long enough", "2026-12-07", _words(250)),
        "old-and-short": _entry("Old and short", "2026-11-23", _words(20)),
        "no-details": _entry("No details", "2026-12-01", None),
    }, GUARDED)
    code, problems = _problems(root)
    assert code == 1
    errors = {(p["path"], p["line"], p["column"]): p["message"] for p in problems if p["severity"] == "error"}
    assert set(errors) == {("concepts/short.yaml", 6, 10), ("concepts/no-details.yaml", 5, 10)}
    assert errors["concepts/short.yaml", 6, 10].startswith(
        "'details' has 249 words; entries created on or after 2026-12-01 need at least 250")
    assert "min_details_words in mkdocs.yml" in errors["concepts/short.yaml", 6, 10]
    assert errors["concepts/no-details.yaml", 5, 10].startswith("the entry has no 'details'")


def test_without_the_setting_short_details_pass(tmp_path: Path) -> None:
    """Sites (and the test fixtures) that set no minimum keep building."""
    assert PLUGIN_DEFAULTS["min_details_words"] == 0
    root = _project(tmp_path, {"short": _entry("Short", "2026-12-07", _words(3)),
                               "none": _entry("None", "2026-12-07", None)})
    code, problems = _problems(root, "--strict")
    assert code == 0, problems
    assert not [p for p in problems if p["severity"] == "error"]


def test_the_minimum_applies_to_every_entry_without_a_date(tmp_path: Path) -> None:
    root = _project(tmp_path, {"old": _entry("Old", "2020-01-01", _words(99))}, "min_details_words: 100\n")
    code, problems = _problems(root)
    assert code == 1
    assert [p["message"][:60] for p in problems if p["severity"] == "error"] == [
        "'details' has 99 words; entries need at least 100 (min_detai"]


def test_an_entry_without_a_primary_source_fails(tmp_path: Path) -> None:
    root = _project(tmp_path, {"orphan": _entry("Orphan", "2026-12-07", _words(300), primary=None)}, GUARDED)
    code, problems = _problems(root)
    assert code == 1
    errors = [p for p in problems if p["severity"] == "error"]
    lines = (root / "concepts" / "orphan.yaml").read_text(encoding="utf-8").splitlines()
    assert [(e["path"], e["line"]) for e in errors] == [("concepts/orphan.yaml", lines.index("sources:") + 2)]
    assert "primary" in errors[0]["message"]


def test_a_wrong_publicationstatus_fails_at_the_field(tmp_path: Path) -> None:
    root = _project(tmp_path, {"a": _entry("A", "2026-12-07", _words(300))}, GUARDED)
    (root / "bib" / "refs.bib").write_text(BIB.replace("{post}", "{blog}"), encoding="utf-8")
    code, problems = _problems(root)
    assert code == 1
    errors = [p for p in problems if p["severity"] == "error"]
    assert [(e["path"], e["line"]) for e in errors] == [("bib/refs.bib", 14)]
    assert errors[0]["message"].startswith("entry 'elhage2021mathematical': publicationstatus 'blog' "
                                           "is not a publication status; write one of journal,")


def test_an_author_written_two_ways_warns_with_both_locations(tmp_path: Path) -> None:
    root = _project(tmp_path, {"a": _entry("A", "2026-12-07", _words(300))}, GUARDED)
    code, problems = _problems(root, "--strict")
    # Informational, as an unused source is: authors' own bylines differ between papers.
    assert code == 0, problems
    spelled = [p for p in problems if p["code"] == "author-spelling"]
    assert [(p["path"], p["line"], p["column"], p["severity"]) for p in spelled] == [
        ("bib/refs.bib", 10, 38, "warning")]
    assert spelled[0]["message"].startswith(
        "author 'Olah, Christopher' is written 'Olah, Chris' at bib/refs.bib:3:14 (1 use)")
    # Xi/Xin and Jane/Jun share a family name and an initial but are different names.
    assert not [p for p in spelled if "Chen" in p["message"] or "Wu" in p["message"]]
    unused = [p for p in problems if p["code"] == "unused-source"]
    assert [(p["path"], p["line"], p["message"]) for p in unused] == [
        ("bib/refs.bib", 23, "source 'unused2020x' is not cited by any entry")]


def test_the_text_output_shows_both_locations(tmp_path: Path) -> None:
    root = _project(tmp_path, {"a": _entry("A", "2026-12-07", _words(300))}, GUARDED)
    r = check(root)
    assert r.returncode == 0
    assert ("bib/refs.bib:10:38: warning: author 'Olah, Christopher' is written 'Olah, Chris' at "
            "bib/refs.bib:3:14") in r.stdout


def test_the_real_site_requires_250_words_from_december_2026() -> None:
    settings, options = read_mkdocs_yml(ROOT / "mkdocs.yml")
    site = site_config(ROOT, settings, options)
    assert site.min_details_words == 250 and site.min_details_since == _dt.date(2026, 12, 1)
    wiki = load_wiki(ROOT, min_details_words=site.min_details_words, min_details_since=site.min_details_since)
    assert wiki.ok, [str(p) for p in wiki.problems.errors]
    # The rule bites on this repository's entries if it applied to all of them.
    strict = load_wiki(ROOT, min_details_words=250)
    assert [p for p in strict.problems.errors if "'details' has" in p.message]


def test_word_count() -> None:
    assert count_words("### Heading\n\n- one [[two-three|two three]] — four.\n- 5 *six*") == 7
    assert count_words("") == 0
