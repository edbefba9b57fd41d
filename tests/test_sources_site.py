"""Source pages and the sources listing, in a real strict MkDocs build of a small project,
read with an HTML parser (no JavaScript runs: everything tested here is in the HTML)."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import bibtexparser
import pytest
from helpers import mkdocs_build
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

BIB = textwrap.dedent("""\
    % Sources of the source-page tests.
    @article{everitt2021reward,
      author        = {Everitt, Tom and Hutter, Marcus},
      title         = {Reward tampering problems and solutions in reinforcement learning},
      journal       = {Synthese},
      volume        = {198},
      pages         = {6435--6467},
      year          = {2021},
      doi           = {10.1007/s11229-021-03141-4},
      eprint        = {1908.04734},
      archivePrefix = {arXiv},
      url           = {https://arxiv.org/abs/1908.04734}
    }

    @misc{hubinger2019risks,
      author        = {Hubinger, Evan and Garrabrant, Scott},
      title         = {Risks from learned optimization in advanced machine learning systems},
      year          = {2019},
      eprint        = {1906.01820},
      archivePrefix = {arXiv}
    }

    @inproceedings{orseau2016safely,
      author    = {Orseau, Laurent and Armstrong, Stuart},
      title     = {Safely interruptible agents},
      booktitle = {Uncertainty in Artificial Intelligence},
      year      = {2016}
    }

    @online{turner2022reward,
      author       = {Turner, Alex},
      title        = {Reward is not the optimization target},
      organization = {AI Alignment Forum},
      year         = {2022},
      url          = {https://www.alignmentforum.org/posts/pdaGN6pQyQarFHXF4}
    }

    @inproceedings{orseau2016safe,
      author            = {Orseau, Laurent},
      title             = {A safe workshop paper},
      booktitle         = {Proceedings of {UAI} 2016},
      year              = {2016},
      publicationstatus = {workshop}
    }
    """)


def _entry(title: str, primary: str, further: list[str]) -> str:
    return textwrap.dedent(f"""\
        title: {title}
        kind: concept
        status:
          level: established
        summary: The summary of {title.lower()}.
        details: |
          Details of {title.lower()}.
        sources:
          primary: {primary}
          further: [{", ".join(further)}]
        created: 2026-11-23
        """)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sources") / "project"
    (root / "concepts").mkdir(parents=True)
    (root / "bib").mkdir()
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "bib" / "refs.bib").write_text(BIB, encoding="utf-8")
    (root / "concepts" / "reward-tampering.yaml").write_text(
        _entry("Reward tampering", "everitt2021reward", ["turner2022reward", "hubinger2019risks"]), encoding="utf-8")
    (root / "concepts" / "mesa-optimization.yaml").write_text(
        _entry("Mesa-optimization", "hubinger2019risks", ["orseau2016safe"]), encoding="utf-8")
    (root / "concepts" / "interruptibility.yaml").write_text(
        _entry("Interruptibility", "orseau2016safely", []), encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Test Wiki
        site_url: https://example.org/wiki/
        theme:
          name: material
        nav:
          - Home: index.md
          - Sources: sources/index.md
        plugins:
          - conceptwiki:
              search: material
              styles: [apa, chicago-author-date, oscola]
        """), encoding="utf-8")
    r = mkdocs_build(root)
    assert r.returncode == 0, r.stderr
    return root / "site"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_a_source_page_shows_facts_status_and_citations(site: Path) -> None:
    doc = soup(site / "sources" / "everitt2021reward" / "index.html")
    article = doc.select_one("article")
    assert article.select_one("h1").get_text(strip=True) == \
        "Reward tampering problems and solutions in reinforcement learning"
    facts = {dt.get_text(strip=True): dd for dt, dd in zip(article.select(".cw-source-facts dt"),
                                                             article.select(".cw-source-facts dd"))}
    assert facts["Publication status"].get_text(strip=True) == "Peer-reviewed journal"
    assert facts["Type"].get_text(" ", strip=True) == "Journal article ( @article )"
    assert facts["Venue"].get_text(strip=True) == "Synthese"
    assert facts["Year"].get_text(strip=True) == "2021"
    assert facts["DOI"].a["href"] == "https://doi.org/10.1007/s11229-021-03141-4"
    assert facts["arXiv"].a["href"] == "https://arxiv.org/abs/1908.04734"
    assert facts["URL"].a["href"] == "https://arxiv.org/abs/1908.04734"
    assert article.select_one(".cw-pubstatus--journal").get_text(strip=True) == "Peer-reviewed journal"
    # No abstract, score or count: only the facts above, the citations and the backlinks.
    assert "abstract" not in article.get_text(" ").lower()
    # The full citation in every style of the site, each with a copy button, and BibTeX.
    labels = [l.get_text(strip=True) for l in article.select(".cw-cite-tabs .tabbed-labels label")]
    assert labels == ["APA", "Chicago", "OSCOLA", "BibTeX"]
    apa = article.select_one("#cw-cite-source-apa")
    assert apa.get_text(" ", strip=True).startswith("Everitt, T., & Hutter, M. (2021).")
    assert "Synthese" in apa.get_text() and "6435–6467" in apa.get_text()
    copies = [b["data-copy"] for b in article.select("button.cw-copy")]
    # OSCOLA, a note style, also has its footnote forms.
    assert [c for c in copies if not c.endswith(("-note", "-short"))] == [
        "cw-cite-source-apa", "cw-cite-source-chicago-author-date", "cw-cite-source-oscola",
        "cw-cite-source-bibtex"]
    assert "cw-cite-source-oscola-note" in copies
    assert all(article.select_one(f"#{c}") is not None for c in copies)
    bib = bibtexparser.parse_string(article.select_one("#cw-cite-source-bibtex").get_text())
    assert [e.key for e in bib.entries] == ["everitt2021reward"]


def test_a_source_page_has_the_exports_of_a_concept_page(site: Path) -> None:
    page = site / "sources" / "everitt2021reward" / "index.html"
    links = {a["data-format"]: a["href"] for a in soup(page).select("a.cw-download")}
    assert set(links) == {"bib", "ris", "json"}
    for ext, href in links.items():
        target = (page.parent / href).resolve()
        assert target == (site / "cite" / "sources" / f"everitt2021reward.{ext}").resolve()
        assert target.is_file()
    bib = bibtexparser.parse_string(links and (site / "cite/sources/everitt2021reward.bib").read_text())
    assert [e.key for e in bib.entries] == ["everitt2021reward"] and not bib.failed_blocks
    assert bib.entries[0]["doi"] == "10.1007/s11229-021-03141-4"
    ris = (site / "cite/sources/everitt2021reward.ris").read_text()
    assert ris.startswith("TY  - JOUR") and "DO  - 10.1007/s11229-021-03141-4" in ris
    item, = json.loads((site / "cite/sources/everitt2021reward.json").read_text())
    assert item["id"] == "everitt2021reward" and item["container-title"] == "Synthese"
    whole = [a["href"] for a in soup(page).select(".cw-downloads a:not(.cw-download)")]
    assert [(page.parent / h).resolve() for h in whole] == [
        (site / "cite" / f"all.{e}").resolve() for e in ("bib", "ris", "json")]


def test_a_source_page_lists_the_concepts_citing_it(site: Path) -> None:
    def cited_by(key: str, kind: str) -> list[tuple[str, Path]]:
        page = site / "sources" / key / "index.html"
        return [(a.get_text(strip=True), (page.parent / a["href"]).resolve())
                for a in soup(page).select(f"ul.cw-cited-by--{kind} > li > a")]

    assert cited_by("hubinger2019risks", "primary") == [
        ("Mesa-optimization", (site / "concepts" / "mesa-optimization").resolve())]
    assert cited_by("hubinger2019risks", "further") == [
        ("Reward tampering", (site / "concepts" / "reward-tampering").resolve())]
    assert cited_by("turner2022reward", "primary") == []
    assert cited_by("turner2022reward", "further") == [
        ("Reward tampering", (site / "concepts" / "reward-tampering").resolve())]


def test_status_derived_and_overridden_on_the_pages(site: Path) -> None:
    def status(key: str) -> str:
        return soup(site / "sources" / key / "index.html").select_one("article .cw-pubstatus").get_text(strip=True)

    assert status("hubinger2019risks") == "Preprint"
    assert status("orseau2016safely") == "Peer-reviewed conference"
    assert status("turner2022reward") == "Forum or blog post"
    assert status("orseau2016safe") == "Workshop paper"  # publicationstatus = {workshop}


def test_references_on_concept_pages_link_to_source_pages_with_a_label(site: Path) -> None:
    page = site / "concepts" / "reward-tampering" / "index.html"
    refs = soup(page).select("ol.cw-references > li")
    got = [(li["id"], li.select_one(".cw-pubstatus").get_text(strip=True),
            (page.parent / li.select_one("a.cw-source-link")["href"]).resolve()) for li in refs]
    assert got == [
        ("ref-everitt2021reward", "Peer-reviewed journal", (site / "sources" / "everitt2021reward").resolve()),
        ("ref-turner2022reward", "Forum or blog post", (site / "sources" / "turner2022reward").resolve()),
        ("ref-hubinger2019risks", "Preprint", (site / "sources" / "hubinger2019risks").resolve()),
    ]
    # The primary source appears once, where it is read: marked in the references, with its
    # status label there (not repeated in "About this entry").
    primary = soup(page).select_one("ol.cw-references > li.cw-reference--primary")
    assert primary["id"] == "ref-everitt2021reward"
    assert primary.select_one(".cw-reference__primary").get_text(strip=True) == "Primary source."
    assert primary.select_one(".cw-pubstatus").get_text(strip=True) == "Peer-reviewed journal"
    assert soup(page).select_one("aside.cw-glance .cw-pubstatus") is None


def test_the_listing_groups_sources_by_status_and_year(site: Path) -> None:
    page = site / "sources" / "index.html"
    article = soup(page).select_one("article")
    assert article.select_one("h1").get_text(strip=True) == "Sources"
    sections = []
    for h2 in article.select("h2"):
        years = []
        for sib in h2.find_next_siblings():
            if sib.name == "h2":
                break
            if sib.name == "h3":
                items = sib.find_next_sibling("ul").select("li > a")
                years.append((sib.get_text(strip=True), [a.get_text(strip=True) for a in items]))
        sections.append((h2.get_text(strip=True).rstrip("¶"), years))
    assert sections == [
        ("Peer-reviewed journal", [("2021", ["Reward tampering problems and solutions in reinforcement learning"])]),
        ("Peer-reviewed conference", [("2016", ["Safely interruptible agents"])]),
        ("Workshop paper", [("2016", ["A safe workshop paper"])]),
        ("Preprint", [("2019", ["Risks from learned optimization in advanced machine learning systems"])]),
        ("Forum or blog post", [("2022", ["Reward is not the optimization target"])]),
    ]
    for a in article.select("ul.cw-source-list > li > a"):
        assert (page.parent / a["href"] / "index.html").resolve().is_file()
    assert "Sources" in [a.get_text(strip=True) for a in soup(page).select("nav.md-nav a")]
