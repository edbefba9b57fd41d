"""The anchors ``conceptwiki check`` computes from entries are the ids of the built page.

:class:`~conceptwiki.render.anchors.AnchorIndex` renders only the entries' Markdown, never a
page; these tests render real pages (``SiteBuilder``, and one strict MkDocs build) and compare.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conceptwiki.config import SiteConfig
from conceptwiki.model.loader import load_wiki
from conceptwiki.render.anchors import INTERNAL_ID_PREFIXES, AnchorIndex
from conceptwiki.render.site import SiteBuilder

from helpers import SMALL_BIB, mkdocs_build, write

ROOT = Path(__file__).resolve().parent.parent

RICH = """title: Rich concept
aliases: [the rich one]
kind: concept
status:
  level: contested
  note: |
    ### Who disputes it

    Some do.
summary: |
  A concept with every kind of anchor; see [[plain-concept]].
details: |
  The first paragraph.

  > A quoted passage.

  - A listed claim.
  - Another listed claim, about [[plain-concept]].

  ### A heading about [[plain-concept]]

  ### A heading about [[plain-concept]]

  ### Details

  ```python
  x = 1  # [[not-a-link]]
  ```

  The first paragraph.

  # Top level, dropped by the sanitiser
history: |
  ### Early days

  It began.
criticisms: Some disagree.
open_questions: |
  1. Is it real?
  2. Does it matter?
example: An example.
key_points:
  - One point.
  - One point.
  - "### A heading in a key point"
related: [plain-concept]
see_also:
  - title: Elsewhere
    url: https://example.org/elsewhere
sources:
  primary: smith2020example
  further: [smith2020example]
created: 2026-01-01
"""

PLAIN = """title: Plain concept
kind: concept
status:
  level: established
summary: The plain one, linking to [[rich-concept#a-heading-about-plain-concept_1]].
sources:
  primary: smith2020example
created: 2026-01-02
"""

LONE = """title: Lone concept
kind: concept
status:
  level: established
summary: Nobody links here and it links nowhere.
sources:
  primary: nobody2020missing
created: 2026-01-03
"""


def _project(tmp_path: Path) -> Path:
    write(tmp_path / "concepts" / "rich-concept.yaml", RICH)
    write(tmp_path / "concepts" / "plain-concept.yaml", PLAIN)
    write(tmp_path / "bib" / "main.bib", SMALL_BIB)
    return tmp_path


def _page_ids(builder: SiteBuilder, slug: str) -> set[str]:
    html = builder.concept_body(builder.wiki.entries[slug]).html
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_computed_anchors_are_the_page_ids(tmp_path: Path) -> None:
    wiki = load_wiki(_project(tmp_path))
    assert not wiki.problems.errors, wiki.problems
    builder = SiteBuilder(wiki, SiteConfig())
    anchors = AnchorIndex.of(wiki)
    for slug in wiki.entries:
        computed = set(anchors.anchors(slug))
        ids = _page_ids(builder, slug)
        internal = {i for i in ids if i.startswith(INTERNAL_ID_PREFIXES)}
        assert computed == ids - internal, (slug, computed ^ (ids - internal))
    rich = anchors.anchors("rich-concept")
    # Every kind is there: optional sections, headings in entries (deduplicated as the page
    # does), passages of details, sections and key points (duplicates numbered), references.
    for expected in ("details", "history", "criticisms", "open-questions", "example", "key-points",
                     "who-disputes-it", "a-heading-about-plain-concept", "a-heading-about-plain-concept_1",
                     "h-details", "early-days", "a-heading-in-a-key-point", "related-concepts",
                     "status-note", "concept-map", "see-also", "ref-smith2020example"):
        assert expected in rich, expected
    passages = [a.id for a in rich.values() if a.kind == "passage"]
    assert len(passages) == 13 and passages[-3].startswith("kp-") and passages[-2].endswith("-2")


def test_page_without_optional_parts(tmp_path: Path) -> None:
    project = _project(tmp_path)
    write(project / "concepts" / "lone-concept.yaml", LONE)
    wiki = load_wiki(project)
    builder = SiteBuilder(wiki, SiteConfig())
    computed = set(AnchorIndex.of(wiki).anchors("lone-concept"))
    ids = _page_ids(builder, "lone-concept")
    assert computed == {i for i in ids if not i.startswith(INTERNAL_ID_PREFIXES)}
    assert computed == {"lone-concept", "how-to-cite", "cite-this-page", "versions"}


MKDOCS = """site_name: Test wiki
site_url: https://example.org/wiki/
theme:
  name: material
nav:
  - Home: index.md
plugins:
  - search:
  - conceptwiki:
      search: material
      workers: 0
      cache: false
"""


def test_strict_build_fails_on_a_missing_anchor(tmp_path: Path) -> None:
    """The plugin reports anchors as ``check`` does: an error in an entry and in a docs page."""
    project = _project(tmp_path)
    write(project / "mkdocs.yml", MKDOCS)
    write(project / "docs" / "index.md", "# Home\n\nSee [[rich-concept#early-days]] and\n"
                                          "[[rich-concept#erly-days]].\n")
    ok = mkdocs_build(project)
    assert "erly-days" in ok.stderr and ok.returncode != 0
    assert ("docs/index.md:4:1: error: wikilink '[[rich-concept#erly-days]]': the page of "
            "'rich-concept' (Rich concept) has no anchor '#erly-days'; did you mean '#early-days'") in ok.stderr
    write(project / "docs" / "index.md", "# Home\n\nSee [[rich-concept#early-days]].\n")
    (project / "concepts" / "plain-concept.yaml").write_text(
        PLAIN.replace("#a-heading-about-plain-concept_1", "#a-heading-about-plain-concepts"), encoding="utf-8")
    broken = mkdocs_build(project)
    assert broken.returncode != 0
    assert "concepts/plain-concept.yaml:5:" in broken.stderr
    assert "has no anchor '#a-heading-about-plain-concepts'" in broken.stderr
    shutil.rmtree(project / "site", ignore_errors=True)
    (project / "concepts" / "plain-concept.yaml").write_text(PLAIN, encoding="utf-8")
    good = mkdocs_build(project)
    assert good.returncode == 0, good.stderr
    page = (project / "site" / "concepts" / "rich-concept" / "index.html").read_text(encoding="utf-8")
    assert 'id="early-days"' in page and 'id="a-heading-about-plain-concept_1"' in page
