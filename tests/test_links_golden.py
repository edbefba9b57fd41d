"""Golden cases for wikilink resolution: tests/golden/links/<case>/.

Every case is resolved against the small wiki in ``tests/golden/links/_wiki`` (which must be
clean). A case folder holds

* ``input.md``: a hand-written page (front matter allowed);
* ``case.yaml`` (optional): ``page`` (its path under docs/, default ``guide.md``; a
  ``concepts/<slug>.md`` path stands for that concept's own page) and ``directory_urls``;
* ``expected.html``: the page as MkDocs renders it after ``fix_wikilinks`` (body only);
* ``expected.entry.html``: the same text rendered as an entry field (``SiteBuilder.md``);
* ``expected.txt``: the messages, exactly as ``conceptwiki check`` prints them;
* ``expected.page.json``: the page's title and the concepts it counts as a backlink of.

Regenerate after a deliberate change with ``UPDATE_GOLDEN=1 pytest tests/test_links_golden.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import markdown
import pytest
import yaml

from conceptwiki.render.docpages import fix_wikilinks, scan_docs_page, split_front_matter
from conceptwiki.model.loader import load_wiki
from conceptwiki.model.problems import format_problems
from conceptwiki.render.site import SiteBuilder
from conceptwiki.config import SiteConfig

CASES = Path(__file__).parent / "golden" / "links"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))
#: The Markdown extensions of this project's mkdocs.yml plus MkDocs' defaults.
EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "admonition"]


@pytest.fixture(scope="module")
def wiki():
    w = load_wiki(CASES / "_wiki")
    assert format_problems(w.problems) == ""
    return w


@pytest.fixture(scope="module")
def builders(wiki):
    made = {}

    def get(directory_urls: bool) -> SiteBuilder:
        if directory_urls not in made:
            made[directory_urls] = SiteBuilder(wiki, SiteConfig(directory_urls=directory_urls))
        return made[directory_urls]

    return get


def _check(path: Path, got: str) -> None:
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run with UPDATE_GOLDEN=1 to create it"
    assert got == path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()
                                        if p.is_dir() and not p.name.startswith("_")))
def test_golden_links(case: str, wiki, builders) -> None:
    folder = CASES / case
    opts = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8")) \
        if (folder / "case.yaml").is_file() else {}
    page = opts.get("page", "guide.md")
    builder = builders(opts.get("directory_urls", True))
    source = (folder / "input.md").read_text(encoding="utf-8")

    fixed, problems = builder.fix_doc_wikilinks(source, page, front_matter=True)
    body = fixed[split_front_matter(fixed)[1]:]
    html = markdown.markdown(body, extensions=EXTENSIONS, output_format="html")
    _check(folder / "expected.html", html + "\n")
    _check(folder / "expected.txt", format_problems(problems) + "\n")

    # The plugin's hook sees the body without front matter; it resolves the links alike.
    hook, _ = builder.fix_doc_wikilinks(source[split_front_matter(source)[1]:], page)
    assert hook == body

    # Scanning for backlinks finds the same problems, and gives title and targets.
    scanned, scan_problems = scan_docs_page(source, page, wiki.index)
    assert format_problems(scan_problems) == format_problems(problems)
    meta = {"title": scanned.title, "targets": list(scanned.targets)}
    _check(folder / "expected.page.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")

    # The same text as an entry field resolves to the same pages.
    entry_src = page if page.startswith("concepts/") else "concepts/golden-case.md"
    entry_html = str(builder.md(source[split_front_matter(source)[1]:], entry_src))
    _check(folder / "expected.entry.html", entry_html + "\n")


def test_fix_wikilinks_without_links_returns_the_same_object(wiki):
    text = "No links here, only [single] brackets and `[[code]]`.\n"
    out, problems = fix_wikilinks(text, wiki.index, "guide.md")
    assert out is text and not problems


def test_a_docs_page_that_is_not_utf8_is_located(tmp_path: Path, wiki):
    """It was "cannot read file: 'utf-8' codec can't decode byte 0xe9 in position 14: ...",
    Python's words and no line."""
    from conceptwiki.render.docpages import scan_docs_dir

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_bytes("# Guide\n\nCaf\u00e9 [[x]]\n".encode("latin-1"))
    found = scan_docs_dir(tmp_path, "docs", wiki.index)
    assert format_problems(found.problems) == ("docs/guide.md:3:4: error: file is not valid UTF-8 "
                                               "(byte 0xe9); save it as UTF-8")
