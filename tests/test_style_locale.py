"""Each style renders in its own locale: the site's override (``locales`` in mkdocs.yml), the
style's ``default-locale``, en-GB for known British styles, else the site's language. Checked
through the engine, the command line (a real process) and mkdocs.yml."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from conceptwiki.citations.engine import CitationEngine, UnknownLocaleError, style_locale
from conceptwiki.config import read_mkdocs_yml, site_config
from helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent

BOOK = {"id": "b", "type": "book", "title": "A book", "edition": "2",
        "author": [{"family": "Smith", "given": "Jane"}],
        "editor": [{"family": "Jones", "given": "Ann"}, {"family": "Brown", "given": "Bo"}],
        "publisher": "Press", "issued": {"date-parts": [[2020]]}}
PAGE = {"id": "p", "type": "webpage", "title": "Reward hacking", "container-title": "Wiki",
        "author": [{"literal": "Wiki"}], "URL": "https://example.org/x/",
        "issued": {"date-parts": [[2024]]}, "accessed": {"date-parts": [[2026, 12, 7]]}}
CHAPTER = {"id": "c", "type": "chapter", "title": "A chapter", "container-title": "A book",
           "author": [{"family": "Smith", "given": "Jane"}], "issued": {"date-parts": [[2020]]},
           "editor": [{"family": "Jones", "given": "Ann"}, {"family": "Brown", "given": "Bo"}]}


def test_choice_order():
    assert style_locale("apa", None) == "en-US"
    assert style_locale("apa", None, language="de") == "de"
    assert style_locale("apa", "fr-FR", language="de") == "fr-FR"
    assert style_locale("harvard-cite-them-right", None, language="de") == "en-GB"
    assert style_locale("styles/harvard-cite-them-right.csl", None) == "en-GB"
    assert style_locale("oscola", "en-GB", overrides={"oscola": "en-US"}) == "en-US"
    assert style_locale("apa", None, overrides={"oscola": "en-US"}) == "en-US"


def test_cite_them_right_is_british():
    engine = CitationEngine(["harvard-cite-them-right", "apa", "oscola"])
    assert [engine.style_locale(s) for s in engine.style_names()] == ["en-GB", "en-US", "en-GB"]
    page = engine.bibliography_entry(PAGE, "harvard-cite-them-right")
    assert "‘Reward hacking’," not in page  # a web page's title is in italics, not quoted
    assert "(Accessed: 7 December 2026)" in page
    assert "2nd edn." in engine.bibliography_entry(BOOK, "harvard-cite-them-right")
    chapter = engine.bibliography_entry(CHAPTER, "harvard-cite-them-right")
    assert chapter.startswith("Smith, J. (2020) ‘A chapter’, in A. Jones and B. Brown (eds) ")
    # APA stays American
    assert "2nd ed.)" in engine.bibliography_entry(BOOK, "apa")


def test_override_and_site_language():
    engine = CitationEngine(["apa", "harvard-cite-them-right"], locales={"harvard-cite-them-right": "en-US"},
                            language="en-GB")
    assert engine.style_locale("apa") == "en-GB"
    assert "(Accessed: December 7, 2026)" in engine.bibliography_entry(PAGE, "harvard-cite-them-right")
    with pytest.raises(UnknownLocaleError, match="no CSL locale 'en-XX' for style 'apa'"):
        CitationEngine(["apa"], locales={"apa": "en-XX"})


def test_mkdocs_yml_options(tmp_path: Path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: W\ntheme:\n  name: material\n  language: de\n"
        "plugins:\n  - conceptwiki:\n      locales:\n        apa: en-GB\n", encoding="utf-8")
    site = site_config(tmp_path, *read_mkdocs_yml(tmp_path / "mkdocs.yml"))
    assert site.language == "de" and site.locales == {"apa": "en-GB"}
    site = site_config(tmp_path, {"theme": "mkdocs"}, {})
    assert site.language == "en" and site.locales == {}


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd)


def test_cli_cite_them_right_is_british():
    r = cli("cite", "mesa-optimization", "--style", "harvard-cite-them-right")
    assert r.returncode == 0, r.stderr
    today = dt.date.today()
    assert f"(Accessed: {today.day} {today:%B} {today.year})." in r.stdout
    r = cli("cite", "--key", "quinonerocandela2009dataset", "--style", "harvard-cite-them-right")
    assert "(eds) (2009)" in r.stdout, r.stdout
    r = cli("cite", "--key", "hubinger2019risks", "--style", "harvard-cite-them-right")
    assert "(2019) ‘Risks from learned optimization in advanced machine learning systems’. arXiv." in r.stdout


def test_cli_follows_mkdocs_yml(tmp_path: Path):
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "a.bib").write_text(
        "@book{smith2020,\n  author = {Smith, Jane}, title = {A book}, edition = {2},\n"
        "  publisher = {Press}, year = {2020}\n}\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: W\nplugins:\n  - conceptwiki:\n      locales: {harvard-cite-them-right: en-US}\n",
        encoding="utf-8")
    r = cli("--root", str(tmp_path), "cite", "--key", "smith2020", "--style", "harvard-cite-them-right")
    assert r.returncode == 0, r.stderr
    assert "2nd ed." in r.stdout and "edn" not in r.stdout
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: W\nplugins:\n  - conceptwiki:\n      locales: {apa: xx-YY}\n", encoding="utf-8")
    r = cli("--root", str(tmp_path), "cite", "--key", "smith2020", "--style", "apa")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "no CSL locale 'xx-YY' for style 'apa'" in r.stderr
