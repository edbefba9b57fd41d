"""The BibTeX exports through the real LaTeX toolchain: ``cite/all.bib`` and every page's
``cite/<slug>.bib``, plus a file of hostile entries, must process with 0 errors and 0 warnings
(overfull and underfull boxes aside) through

* classic BibTeX with natbib's ``plainnat`` and ``unsrtnat`` and with ``apalike``;
* biblatex + biber with the ``authoryear`` and ``apa`` styles, biber run with
  ``--validate-datamodel`` (it reports every field or type the data model does not know).

The programs are Debian's (texlive-latex-base, texlive-latex-recommended, texlive-bibtex-extra,
biber), which ``make test`` installs (its ``latex`` target). Why the real programs: the
bibtexparser/pybtex round trips in test_exports.py cannot see what broke all.bib in M1
(BibTeX running out of year suffixes after 26 entries of one author and year, "128 isn't
valid ASCII", "Bibliography not compatible with author-year citations").

Per-page files go through BibTeX with a hand-written ``.aux`` (BibTeX reads only that), and
through biber in one document with a ``refsection`` per file; all.bib and the hostile file
are also typeset, so LaTeX itself must accept every ``.bbl`` line.

Two limits of the tools themselves, not of the data, shape the test:

* BibTeX styles mark works of one author and year with a letter, "a" to "z"; the 27th gets
  ``{`` and the 32nd a byte BibTeX refuses ("128 isn't valid ASCII"). All the wiki's pages
  have one corporate author and most one year, so a document citing more than 26 of them
  cannot be typeset with plainnat, unsrtnat or apalike, whatever the file says (a different
  author or year per page would be false; biblatex has no such limit). BibTeX reads only the
  entries a document cites, so all.bib goes through BibTeX in documents that cite every
  source and up to 26 pages each, which together cite every key. biber reads it whole.
* Three kinds of work cannot be written so that classic BibTeX and biblatex's data model
  both accept them (an undated work, an edited book without author, and under apa a paper
  in proceedings without editors but with a publisher): :func:`inherent_biber_warnings`
  derives from each entry the exact warnings biber must give for it, with the reasons
  and what was measured; any other warning fails, and so does an expected one that is not
  given. All of the wiki's own entries but those two kinds pass with none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conceptwiki.citations.exports import csl_to_bibtex
from helpers import real_builder

TOOLS = ("pdflatex", "bibtex", "biber", "kpsewhich")
MISSING = [t for t in TOOLS if shutil.which(t) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"LaTeX tools not installed ({', '.join(MISSING)}); `make latex` "
    "(run by `make test`) installs Debian's texlive-latex-base, texlive-latex-recommended, "
    "texlive-bibtex-extra and biber")

BIBTEX_STYLES = ("plainnat", "unsrtnat", "apalike")
BIBLATEX_STYLES = ("authoryear", "apa")
TIMEOUT = 240

#: Hostile entries, as CSL-JSON items: what a source may hold that breaks naive writers.
HOSTILE = [
    {"id": "hostile-braces", "type": "article-journal",
     "title": "Braces {x} and }y{ and a lone { in a title with 100% & #1 _under_ ~tilde ^caret $5",
     "author": [{"family": "Ørsted", "given": "Hans Christian"},
                {"family": "Łukasiewicz", "given": "Jan"},
                {"family": "Gödel", "given": "Kurt"},
                {"family": "Erdős", "given": "Pál"},
                {"family": "Dvořák", "given": "Antonín"},
                {"family": "Çelik", "given": "Şükrü"},
                {"literal": "Association for Safety & Research {ASR}"}],
     "container-title": "Journal of R&D_Studies #5", "volume": "12", "issue": "3",
     "page": "100-120", "issued": {"date-parts": [[2021, 6, 15]]},
     "DOI": "10.1000/ab_c%20{d}", "URL": "https://example.org/a_b?c=1&d=%41#frag~x"},
    {"id": "hostile-long", "type": "report",
     "title": " ".join(["A very long title about mesa-optimizers and deceptive alignment"] * 12),
     "author": [{"family": "de la Cruz", "given": "María José"},
                {"family": "van Merwijk", "given": "Chris", "non-dropping-particle": ""},
                {"family": "Smith", "given": "John", "suffix": "Jr."},
                {"family": "Müller-Lüdenscheidt", "given": "Zoë"}],
     "publisher": "Institut für Ökonomie & Gesellschaft", "number": "2013-1",
     "genre": "Working paper", "issued": {"date-parts": [[2013]]}},
    {"id": "hostile-others", "type": "paper-conference",
     "title": "Sleeper agents: ``quoted'' -- dashes --- and ?` !` ligatures",
     "author": [{"family": "Hubinger", "given": "Evan"}, {"family": "Denison", "given": "Carson"},
                {"literal": "others"}],
     "editor": [{"family": "Editor", "given": "Ed"}],
     "container-title": "Proceedings of NeurIPS", "publisher": "Curran Associates",
     "publisher-place": "Red Hook, NY", "issued": {"date-parts": [[2024, 1]]}},
    {"id": "hostile-nodate", "type": "webpage", "title": "A web page with no date",
     "author": [{"literal": "LessWrong"}], "container-title": "LessWrong",
     "URL": "https://www.lesswrong.com/posts/x_y/z%20w", "accessed": {"date-parts": [[2026, 1, 2]]}},
    {"id": "hostile-cjk", "type": "book", "title": "Naïve café résumé: «quotes» and “curly” ones",
     "author": [{"family": "Ibn Sina", "given": ""}, {"family": "Tanaka", "given": "Tarō"}],
     "publisher": "Ünïvërsity Press", "issued": {"date-parts": [[1999]]}, "ISBN": "978-3-16-148410-0"},
    {"id": "hostile-archived", "type": "webpage", "title": "An archived page_with #hash",
     "author": [{"family": "Yudkowsky", "given": "Eliezer"}], "container-title": "Arbital",
     "URL": "https://arbital.com/p/daemons?l=2rc&x=%20", "issued": {"date-parts": [[2016]]},
     "archive": "Internet Archive",
     "archive_location": "https://web.archive.org/web/20170101000000/https://arbital.com/p/a_b",
     "custom": {"archive-date": "2017-01-01"}},
    {"id": "hostile-archived-odd", "type": "webpage", "title": "Archived at an odd URL",
     "author": [{"literal": "Example"}], "issued": {"date-parts": [[2016, 2]]},
     "URL": "https://example.org/", "archive": "archive.today",
     "archive_location": "https://archive.ph/abc%20def#frag", "custom": {"archive-date": "2017"}},
    {"id": "hostile-published-arxiv", "type": "paper-conference",
     "title": "Agent incentives: A causal perspective",
     "author": [{"family": "Everitt", "given": "Tom"}], "container-title": "Proceedings of AAAI",
     "volume": "35", "issue": "13", "page": "11487–11495", "publisher": "AAAI Press",
     "issued": {"date-parts": [[2021]]}, "note": "Oral & poster",
     "custom": {"eprint": "2102.01685", "eprinttype": "arxiv", "eprintclass": "cs.AI"}},
    {"id": "hostile-statute", "type": "legislation",
     "title": "Regulation (EU) 2024/1689 laying down harmonised rules on AI & more",
     "container-title": "Official Journal of the European Union", "volume": "L",
     "number": "2024/1689", "page": "1–144", "issued": {"date-parts": [[2024, 7, 12]]},
     "URL": "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"},
]



BIBER_LINE = re.compile(r"^\[\d+\] [\w:.]+> (WARN|ERROR) - (.*)$", re.M)


def biber_messages(blg: str) -> list[str]:
    """Every warning and error of a biber log, without its "[pid] Biber.pm:130> " prefix."""
    return [f"{level} - {text}" for level, text in BIBER_LINE.findall(blg)]


def inherent_biber_warnings(bib: str, text: str, style: str) -> list[str]:
    """The warnings biber --validate-datamodel must give for the entries of ``text`` (the
    file ``bib``): those where no BibTeX entry satisfies both classic BibTeX and biblatex,
    each derived from the entry, so that the test fails on any other warning and on an
    allowance that no longer happens. Measured with Debian bookworm's biber 2.18 and
    texlive-bibtex-extra 2022 (biblatex of 2022-07-12 and its biblatex-apa):

    * an undated work: plainnat and unsrtnat warn "empty year" without a year field and
      natbib stops on apalike's labels ("Bibliography not compatible with author-year
      citations"), so it has ``year = {n.d.}``, which biber warns about twice and ignores
      (printing its own "n.d."); without a year biber warns instead "Missing mandatory
      field - one of 'date, year' must be defined": biblatex's data model requires a date
      on every entry type that BibTeX also has (blx-dm.def). ISO 8601-2's ``date =
      {XXXX}`` passes validation but biber makes it an empty year: biblatex then prints
      "LessWrong ([c])" where it prints "LessWrong (n.d.)" for the two others;
    * an edited book (editors, no author): @book, as BibTeX has it. biblatex's @book
      requires an author (once under authoryear; twice under apa, whose apa.dbx requires it
      again). @collection would satisfy authoryear, but BibTeX styles do not define it
      (plainnat: "entry type ... isn't style-file defined", "to sort, need author or key",
      and the entry printed without its editors),
      and biblatex-apa maps @collection to @book and then gives the same warning twice:
      the @collection examples of its own documentation (biblatex-apa-test-references.bib,
      10.2:24) fail its validation the same way;
    * under apa, a paper in proceedings without editors and with a publisher: apa.bbx's
      sourcemap turns every @inproceedings without editor into an @article (APA 7 cites
      proceedings in a journal so), which has no publisher; the publisher is a fact of the
      source that plainnat prints and Zotero reads. The site's papers whose volume's editors
      were found in the proceedings' own records have them (4, so no warning); for 3 (FOCS
      2022, ICML 2000, COLT 1998) no record of the editors was found, so they are not in the data.
    """
    out = []
    for key, entry in entries(text).items():
        fields = set(re.findall(r"^  (\w+) = ", entry, re.M))
        btype = entry[1:entry.index("{")]
        if "  year = {n.d.},\n" in entry:
            out += [f"WARN - legacy year field 'n.d.' in entry '{key}' is not an integer - "
                    "this will probably not sort properly.",
                    f"WARN - Datamodel: Entry '{key}' ({bib}): Invalid value of field 'year' "
                    "must be datatype 'datepart' - ignoring field"]
        if btype == "book" and "editor" in fields and "author" not in fields:
            out += [f"WARN - Datamodel: Entry '{key}' ({bib}): Missing mandatory field "
                    "'author'"] * (2 if style == "apa" else 1)
        if style == "apa" and btype == "inproceedings" and "publisher" in fields \
                and not fields & {"editor", "crossref"}:
            out.append(f"WARN - Datamodel: Entry '{key}' ({bib}): Invalid field 'publisher' "
                       "for entrytype 'article'")
    return out


PAGE_LABEL_LIMIT = 26  # "a" to "z" (see the module docstring)


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, max_print_line="10000", error_line="254", half_error_line="238")
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT, env=env)


def blg_problems(blg: str) -> list[str]:
    """The warnings and errors of a BibTeX log."""
    out = []
    for line in blg.splitlines():
        if re.match(r"^(Warning--|WARN - |ERROR - )", line) or "---line" in line \
                or "isn't valid ASCII" in line or "I'm skipping" in line \
                or re.search(r"\(There (was|were) \d+ (error|warning)", line):
            out.append(line)
    return out


def latex_problems(log: str) -> list[str]:
    """Errors and warnings of a LaTeX log, overfull and underfull boxes aside (and biblatex
    repeating biber's warnings, which the biber log is checked for)."""
    out = []
    for line in log.splitlines():
        if line.startswith("!") or re.search(r"(?i)\bwarning\b", line):
            if not re.search(r"(Over|Under)full \\[hv]box|pdfdraftmode enabled|^Package: "
                             r"|Biber reported the following issues", line):
                out.append(line)
    return out


def entries(text: str) -> dict[str, str]:
    """key -> entry text of an exported .bib file."""
    found = re.findall(r"^(@\w+\{([^,\s]+),\n.*?^\}\n)", text, re.M | re.S)
    return {key: entry for entry, key in found}


def write_aux(folder: Path, name: str, bib: str, style: str, keys: list[str] | None = None) -> None:
    cites = "".join(f"\\citation{{{k}}}\n" for k in (keys or ["*"]))
    (folder / f"{name}.aux").write_text(
        f"\\relax\n{cites}\\bibstyle{{{style}}}\n\\bibdata{{{bib}}}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def bib_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """cite/*.bib of this repository's site, and hostile.bib."""
    folder = tmp_path_factory.mktemp("latex")
    files = real_builder().exports()
    for path, text in files.items():
        if path.endswith(".bib"):
            (folder / Path(path).name).write_text(text, encoding="utf-8")
    (folder / "hostile.bib").write_text("\n".join(csl_to_bibtex(i, i["id"]) for i in HOSTILE),
                                        encoding="utf-8")
    return folder


def bib_names(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.bib"))


def key_groups(folder: Path) -> list[list[str]]:
    """all.bib's keys in groups that cite every source and at most 26 pages each."""
    keys = list(entries((folder / "all.bib").read_text(encoding="utf-8")))
    pages = [k for k in keys if k.startswith("ascw-")]
    sources = [k for k in keys if k not in pages]
    assert pages and sources
    return [sources + pages[i:i + PAGE_LABEL_LIMIT] for i in range(0, len(pages), PAGE_LABEL_LIMIT)]


def test_every_file_is_made_of_all_bib_entries(bib_files: Path) -> None:
    """Each page's file holds entries of all.bib, byte for byte, each key once: what the
    typeset documents below prove of all.bib's entries holds for every file."""
    whole = entries((bib_files / "all.bib").read_text(encoding="utf-8"))
    for name in bib_names(bib_files):
        if name in ("all", "hostile"):
            continue
        text = (bib_files / f"{name}.bib").read_text(encoding="utf-8")
        mine = entries(text)
        assert mine and len(mine) == text.count("\n@") + 1, name
        assert all(whole.get(k) == e for k, e in mine.items()), name


@pytest.mark.parametrize("style", BIBTEX_STYLES)
def test_bibtex_every_export(bib_files: Path, style: str) -> None:
    """BibTeX reads every exported file with 0 errors and 0 warnings."""
    # every concept page's file (a source's own file is one entry of all.bib: see above)
    jobs = [(f"{name}-{style}", name, None) for name in bib_names(bib_files)
            if name != "all" and len(entries((bib_files / f"{name}.bib").read_text(encoding="utf-8"))) > 1]
    jobs += [(f"all-{i}-{style}", "all", keys) for i, keys in enumerate(key_groups(bib_files))]

    def one(job: tuple[str, str, list[str] | None]) -> tuple[str, list[str]]:
        name, bib, keys = job
        write_aux(bib_files, name, bib, style, keys)
        r = run(["bibtex", name], bib_files)
        blg = (bib_files / f"{name}.blg").read_text(encoding="utf-8", errors="replace")
        found = blg_problems(blg)
        return name, (found or [r.stdout[-2000:]]) if (r.returncode or found) else []

    with ThreadPoolExecutor(4) as pool:
        problems = {name: found for name, found in pool.map(one, jobs) if found}
    assert not problems, problems
    assert len(jobs) > 50


DOC_NATBIB = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[%s]{natbib}
\usepackage{url}
\begin{document}
%s
\bibliographystyle{%s}
\bibliography{%s}
\end{document}
"""


def pdflatex(folder: Path, job: str) -> None:
    r = run(["pdflatex", "-draftmode", "-interaction=nonstopmode", "-halt-on-error", job], folder)
    assert r.returncode == 0, r.stdout[-3000:]


@pytest.mark.parametrize("bib", ["all", "hostile"])
@pytest.mark.parametrize("style", BIBTEX_STYLES)
def test_latex_with_bibtex(bib_files: Path, style: str, bib: str) -> None:
    """A document citing keys of the file (\\citet and \\citep: author-year citations need a
    year for every entry) typesets with BibTeX and natbib without a warning: every key of
    hostile.bib, every source of all.bib and 26 of its pages."""
    keys = (key_groups(bib_files)[0] if bib == "all"
            else list(entries((bib_files / "hostile.bib").read_text(encoding="utf-8"))))
    job = f"doc-{bib}-{style}"
    options = "numbers" if style == "unsrtnat" else "round"
    cites = "\n".join(f"\\citet{{{k}}} \\citep{{{k}}}" for k in keys)
    (bib_files / f"{job}.tex").write_text(DOC_NATBIB % (options, cites, style, bib),
                                          encoding="utf-8")
    pdflatex(bib_files, job)
    r = run(["bibtex", job], bib_files)
    blg = (bib_files / f"{job}.blg").read_text(encoding="utf-8", errors="replace")
    assert r.returncode == 0 and not blg_problems(blg), blg_problems(blg) or r.stdout
    pdflatex(bib_files, job)
    pdflatex(bib_files, job)
    log = (bib_files / f"{job}.log").read_text(encoding="utf-8", errors="replace")
    assert not latex_problems(log), latex_problems(log)
    assert "\\bibitem" in (bib_files / f"{job}.bbl").read_text(encoding="utf-8")


DOC_BIBLATEX = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[backend=biber,style=%s,pagetracker=false]{biblatex}
\begin{document}
%s
\end{document}
"""


@pytest.mark.parametrize("style", BIBLATEX_STYLES)
def test_biblatex_biber_every_export(bib_files: Path, style: str) -> None:
    """biber --validate-datamodel and biblatex read all.bib and hostile.bib, each in its own
    refsection, with 0 errors and no warning but those no BibTeX entry can avoid
    (:func:`inherent_biber_warnings`), and LaTeX typesets both bibliographies. A page's file
    is made of all.bib's entries byte for byte (test above), and biber validates entry by
    entry, so what holds for all.bib holds for every page's file: running the 125 page files
    too (one refsection each) gave the same warnings per entry and took 30 s more per style
    in a two-worker run, with the suite at its 15-minute budget."""
    sections = [f"\\begin{{refsection}}[{name}.bib]\\nocite{{*}}"
                f"\\printbibliography[title={{{name}}}]\\end{{refsection}}"
                for name in ("all", "hostile")]
    job = f"biblatex-{style}"
    (bib_files / f"{job}.tex").write_text(DOC_BIBLATEX % (style, "\n".join(sections)),
                                          encoding="utf-8")
    pdflatex(bib_files, job)
    r = run(["biber", "--validate-datamodel", job], bib_files)
    blg = (bib_files / f"{job}.blg").read_text(encoding="utf-8", errors="replace")
    assert r.returncode == 0, r.stdout[-3000:]
    assert "> INFO - Found BibTeX data source 'hostile.bib'" in blg
    expected = Counter(w for name in ["all", "hostile"] for w in inherent_biber_warnings(
        f"{name}.bib", (bib_files / f"{name}.bib").read_text(encoding="utf-8"), style))
    found = Counter(biber_messages(blg))
    assert found == expected, {"unexpected": sorted((found - expected).elements()),
                               "expected but not given": sorted((expected - found).elements())}
    # and biber's own count, so that a change in its log's format cannot hide a warning
    count = re.search(r"> INFO - WARNINGS: (\d+)", blg)
    assert int(count.group(1) if count else 0) == sum(found.values())
    assert not re.search(r"> INFO - ERRORS: ", blg)
    # pagetracker=false: with it, a bibliography entry on a page boundary can move the
    # pages biblatex records back and forth, asking for a rerun every time
    for _ in range(4):  # as latexmk does: until biblatex no longer asks for a rerun
        pdflatex(bib_files, job)
        log = (bib_files / f"{job}.log").read_text(encoding="utf-8", errors="replace")
        if not re.search(r"Please rerun LaTeX|Rerun to get", log):
            break
    assert not latex_problems(log), latex_problems(log)
