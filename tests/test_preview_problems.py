"""The preview's problem page and banner (render/problems.py), and that a production build
never contains them: `mkdocs build` fails on the same input instead (the browser side is
tests/browser/test_serve_problems.py)."""

from __future__ import annotations

from pathlib import Path

from conceptwiki.model.problems import Problem
from conceptwiki.render.problems import BANNER_ID, PreviewProblems, code_frame
from helpers import OTHER_ENTRY, SMALL_BIB, SMALL_ENTRY, SMALL_MKDOCS, mkdocs_build, write


def test_code_frame_marks_the_line_and_column():
    text = "a: 1\nb: 2\nkind: nonsense\nc: 3\nd: 4\ne: 5\n"
    assert code_frame(text, 3, 7) == [
        ("   1 | a: 1", False), ("   2 | b: 2", False), ("   3 | kind: nonsense", True),
        ("             ^", True), ("   4 | c: 3", False), ("   5 | d: 4", False)]
    assert code_frame(text, 0) == [] and code_frame(text, 99) == []


def test_stand_in_page_for_a_broken_entry_and_banner_everywhere(tmp_path: Path):
    write(tmp_path / "concepts" / "broken.yaml", "title: Broken\nkind: nonsense\n")
    problems = [Problem("concepts/broken.yaml", 2, 7, "error", "'kind' must be one of ..."),
                Problem("concepts/fine.yaml", 3, 1, "warning", "wikilink 'x' points to no concept; "
                        "did you mean 'y'?"),
                Problem("bib/a.bib", 9, 1, "warning", "source 'k' is not cited by any entry",
                        code="unused-source")]
    preview = PreviewProblems(problems, tmp_path, "concepts", built={"concepts/fine.md"})
    pages = preview.pages()
    assert list(pages) == ["concepts/broken.md"]  # fine.md is built; it shows the banner only
    body = pages["concepts/broken.md"]
    assert body.startswith('---\ntitle: "Problems in concepts/broken.yaml"\n---\n')
    assert "concepts/broken.yaml:2:7" in body and "<mark>   2 | kind: nonsense</mark>" in body
    assert "concepts/fine.yaml" not in body
    banner = preview.banner("concepts/fine.md", "concepts/fine/")
    assert f'id="{BANNER_ID}"' in banner and "2 problems" in banner  # the notice is not counted
    assert "source &#39;k&#39;" not in banner
    assert "Did you mean &#39;y&#39;?" in banner  # the fix, on its own line
    assert 'href="../broken/"' in banner
    assert PreviewProblems([], tmp_path, "concepts", built=()).banner("index.md", "") == ""


def test_build_has_no_problem_page_or_banner(tmp_path: Path):
    write(tmp_path / "mkdocs.yml", SMALL_MKDOCS)
    write(tmp_path / "docs" / "index.md", "# Home\n")
    write(tmp_path / "bib" / "main.bib", SMALL_BIB)
    write(tmp_path / "concepts" / "example-concept.yaml", SMALL_ENTRY.replace("kind: concept", "kind: nonsense"))
    write(tmp_path / "concepts" / "other-concept.yaml", OTHER_ENTRY)
    strict = mkdocs_build(tmp_path)
    assert strict.returncode != 0 and "concepts/example-concept.yaml:2:7" in strict.stderr
    lenient = mkdocs_build(tmp_path, "--no-strict")
    site = tmp_path / "site"
    assert lenient.returncode == 0 and (site / "concepts" / "other-concept" / "index.html").is_file(), lenient.stderr
    assert not (site / "concepts" / "example-concept" / "index.html").exists(), lenient.stderr
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert BANNER_ID not in text and "cw-problem" not in text, html
