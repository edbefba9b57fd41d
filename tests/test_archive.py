"""Archived copies of sources: ``archiveurl``/``archivedate`` in BibTeX, carried to CSL's
``archive``/``archive_location`` (which APA prints), shown on the references, and the warning
``check`` gives for a source whose URL the last ``check --external`` found dead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conceptwiki.cli import main
from conceptwiki.config import SiteConfig
from conceptwiki.linkcheck import LinkCache, Result
from conceptwiki.model.loader import load_wiki
from conceptwiki.render.site import SiteBuilder

ARCHIVE = "https://web.archive.org/web/20170101000000/https://arbital.com/p/daemons"
BIB = f"""@online{{gone2016,
  author = {{Christiano, Paul}},
  title = {{Optimization daemons}},
  year = {{2016}},
  url = {{https://arbital.com/p/daemons}},
  archiveurl = {{{ARCHIVE}}},
  archivedate = {{2017-01-01}},
}}

@online{{dead2019,
  author = {{Someone, Sam}},
  title = {{A page that is gone}},
  year = {{2019}},
  url = {{https://example.org/gone}},
}}

@online{{bad2020,
  author = {{Other, Olga}},
  title = {{A bad archive field}},
  year = {{2020}},
  url = {{https://example.org/fine}},
  archiveurl = {{not a url}},
  archivedate = {{January 2017}},
}}
"""
ENTRY = """title: Example concept
kind: concept
status:
  level: established
summary: An example.
sources:
  primary: gone2016
  further: [dead2019, bad2020]
created: 2026-01-01
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "bib").mkdir()
    (tmp_path / "concepts").mkdir()
    (tmp_path / "bib" / "main.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "concepts" / "example-concept.yaml").write_text(ENTRY, encoding="utf-8")
    return tmp_path


def test_csl_carries_the_archived_copy(tmp_path: Path) -> None:
    wiki = load_wiki(_project(tmp_path))
    csl = wiki.sources["gone2016"].csl()
    assert csl["archive"] == "Internet Archive" and csl["archive_location"] == ARCHIVE
    assert csl["URL"] == "https://arbital.com/p/daemons"
    assert "archive" not in wiki.sources["bad2020"].csl()
    messages = [str(p) for p in wiki.problems]
    assert "bib/main.bib:22:3: warning: entry 'bad2020': archiveurl 'not a url' is not a URL (https://...); it is ignored" in messages


def test_apa_prints_it(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path)
    assert main(["cite", "--bib", str(root / "bib" / "main.bib"), "--key", "gone2016", "--style", "apa"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"Christiano, P. (2016). Optimization daemons. Internet Archive ({ARCHIVE}). https://arbital.com/p/daemons")


def test_references_show_it(tmp_path: Path) -> None:
    wiki = load_wiki(_project(tmp_path))
    html = SiteBuilder(wiki, SiteConfig()).concept_body(wiki.entries["example-concept"]).html
    assert (f'<span class="cw-archived">(<a href="{ARCHIVE}" rel="noopener">archived copy</a>, Internet Archive, '
            '<time datetime="2017-01-01">1 January 2017</time>)</span>') in html
    assert html.count('class="cw-archived"') == 1


def test_check_warns_about_a_dead_source_without_a_copy(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path)
    assert main(["check", "--root", str(root)]) == 0
    assert "archived copy" not in capsys.readouterr().out  # no link check yet: nothing known
    cache = LinkCache(root / ".cache" / "linkcheck.json")
    today = dt.date(2026, 12, 7)
    for url in ("https://arbital.com/p/daemons", "https://example.org/gone"):
        cache.put(Result(url, "dead", 404, None, "HTTP 404 Not Found"), today)
    cache.save()
    assert main(["check", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    dead = [line for line in out if "dead when last checked" in line]
    assert dead == ["bib/main.bib:14:1: warning: source 'dead2019': its url https://example.org/gone was dead "
                    "when last checked (HTTP 404 Not Found) and it names no archived copy; add "
                    "'archiveurl = {https://web.archive.org/web/...}' and 'archivedate', or its new address"]
    assert main(["check", "--root", str(root), "--strict"]) == 1


def test_bibtex_export_keeps_the_archived_copy(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path)
    assert main(["cite", "--bib", str(root / "bib" / "main.bib"), "--key", "gone2016", "--style", "bibtex"]) == 0
    # biblatex has no field for it (biber rejects archiveurl): the note, with its date
    assert f"  note = {{Archived copy: \\url{{{ARCHIVE}}} (Internet Archive, 2017-01-01)}},\n" \
        in capsys.readouterr().out


def test_chicago_keeps_the_url_as_written(tmp_path: Path, capsys) -> None:
    """Chicago capitalises the first word of ``archive_location``; a URL keeps its case (here
    the engine deliberately differs from citeproc-js, which prints "Https://")."""
    root = _project(tmp_path)
    assert main(["cite", "--bib", str(root / "bib" / "main.bib"), "--key", "gone2016",
                 "--style", "chicago-author-date"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"Christiano, Paul. 2016. “Optimization Daemons.” {ARCHIVE}. Internet Archive. "
        "https://arbital.com/p/daemons.")
