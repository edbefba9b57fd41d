"""What ``mkdocs serve`` shows in the browser while the input has problems.

A contributor previewing the site should not have to watch the terminal: an entry that
cannot be built is replaced by a page at its own URL that shows each problem (file, line,
column, message and how to fix it) with the offending lines, and every page carries a
banner listing all problems, as the error overlays of Hugo and Vite do. Both are made only
for the preview; a production build never contains them (it fails instead). Nothing here
imports MkDocs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import jinja2

from ..model.problems import Problem
from .urls import concept_src, page_url, relative_url

__all__ = ["ProblemView", "PreviewProblems", "code_frame", "problem_views", "problem_page",
           "problem_banner", "BANNER_ID"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
#: The banner's element id (the browser test and the dismiss button find it by this id).
BANNER_ID = "cw-problems-banner"

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class ProblemView:
    """One problem as the preview shows it: where, what, the fix and the lines around it."""

    location: str
    severity: str
    message: str
    fix: str
    frame: list[tuple[str, bool]]
    url: str


def _split_fix(message: str) -> tuple[str, str]:
    """Messages say what is wrong, then (after ``; ``) how to fix it: shown on two lines."""
    what, sep, fix = message.partition("; ")
    if not sep:
        return message, "Fix the file and save it: this page reloads by itself."
    return what, fix[:1].upper() + fix[1:]


def code_frame(text: str, line: int, column: int = 0, context: int = 2) -> list[tuple[str, bool]]:
    """The lines around ``line`` (1-based), numbered, as (text, is the problem's line), with a
    caret under ``column`` when it is known (as compilers and Vite's overlay show them)."""
    lines = text.splitlines()
    if line <= 0 or line > len(lines):
        return []
    rows = []
    for n in range(max(1, line - context), min(len(lines), line + context) + 1):
        rows.append((f"{n:4d} | {lines[n - 1]}", n == line))
        if n == line and column > 0:
            rows.append((" " * (column + 6) + "^", True))
    return rows


def problem_views(problems: Iterable[Problem], root: Path, url_of: dict[str, str],
                  from_url: str) -> list[ProblemView]:
    """Views of ``problems`` in order; ``url_of`` maps a file to the page that shows it
    (site-relative), and links are made relative to the page at ``from_url``."""
    texts: dict[str, str] = {}
    views = []
    for p in sorted(problems):
        if p.path not in texts:
            try:
                texts[p.path] = (root / p.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError, ValueError):
                texts[p.path] = ""
        what, fix = _split_fix(p.message)
        target = url_of.get(p.path)
        views.append(ProblemView(location=p.location(), severity=p.severity, message=what, fix=fix,
                                 frame=code_frame(texts[p.path], p.line, p.column),
                                 url=relative_url(from_url, target) if target not in (None, from_url) else ""))
    return views


def problem_page(path: str, views: list[ProblemView]) -> str:
    """The body (Markdown holding one HTML block) of the page that stands in for the entry
    at ``path`` while it has errors."""
    return _env.get_template("problems_page.html.j2").render(path=path, problems=views)


def problem_banner(views: list[ProblemView], own: str = "", *, own_below: bool = False) -> str:
    """The dismissable banner put at the top of every page while problems exist; ``own`` is
    the file of the page's entry, whose problems are listed first and open (or, on the page
    that stands in for a broken entry, ``own_below``, only counted: the page lists them)."""
    mine = [v for v in views if v.location.split(":")[0] == own] if own else []
    others = [v for v in views if v not in mine]
    return _env.get_template("problems_banner.html.j2").render(
        banner_id=BANNER_ID, mine=[] if own_below else mine, mine_below=len(mine) if own_below else 0,
        others=others, total=len(views), own=own)


class PreviewProblems:
    """The problems of one preview build and the pages that show them.

    ``problems`` are those a strict build fails on; an entry file among them that produced no
    page (``built`` lacks its ``concepts/<slug>.md``) gets a stand-in page at its own URL.
    """

    def __init__(self, problems: Iterable[Problem], root: Path, concepts_dir: str,
                 built: Iterable[str], directory_urls: bool = True) -> None:
        self.problems = sorted(p for p in problems if p.fails_strict)
        self.root = root
        self.prefix = concepts_dir.strip("/") + "/"
        built = set(built)
        self.url_of: dict[str, str] = {}
        #: src_uri of a stand-in page -> the entry file it stands in for.
        self.stand_ins: dict[str, str] = {}
        for p in self.problems:
            slug = self._slug(p.path)
            if slug is None:
                continue
            src = concept_src(slug)
            self.url_of[p.path] = page_url(src, directory_urls)
            if src not in built and p.is_error:
                self.stand_ins[src] = p.path

    def _slug(self, path: str) -> str | None:
        if not path.startswith(self.prefix) or not path.endswith(".yaml"):
            return None
        slug = path[len(self.prefix):-len(".yaml")]
        return slug if slug and "/" not in slug else None

    def entry_file(self, src_uri: str) -> str:
        """The entry file whose page is ``src_uri`` (empty for other pages)."""
        if src_uri in self.stand_ins:
            return self.stand_ins[src_uri]
        if src_uri.startswith("concepts/") and src_uri.endswith(".md"):
            return f"{self.prefix}{src_uri[len('concepts/'):-len('.md')]}.yaml"
        return ""

    def pages(self) -> dict[str, str]:
        """The stand-in pages: src_uri -> Markdown (front matter and one HTML block)."""
        out = {}
        for src, path in self.stand_ins.items():
            views = problem_views([p for p in self.problems if p.path == path], self.root,
                                  self.url_of, self.url_of[path])
            title = json.dumps(f"Problems in {path}", ensure_ascii=False)
            out[src] = f"---\ntitle: {title}\n---\n\n# Problems in {path}\n\n" + problem_page(path, views)
        return out

    def banner(self, src_uri: str, url: str) -> str:
        """The banner for the page ``src_uri`` served at ``url``; empty without problems."""
        if not self.problems:
            return ""
        return problem_banner(problem_views(self.problems, self.root, self.url_of, url),
                              self.entry_file(src_uri), own_below=src_uri in self.stand_ins)
