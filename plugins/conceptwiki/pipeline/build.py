"""The build, step by step: the one sequence the MkDocs plugin and ``conceptwiki build`` share.

1. :func:`load_project` -- the build's date, each entry's last-commit date, the entries and
   sources (:func:`~conceptwiki.model.loader.load_wiki`, with every problem located), and the
   fingerprints each entry has published (``history``);
2. :func:`site_builder` -- the renderer of every generated page, given the hand-written pages
   whose wikilinks count as backlinks;
3. ``builder.pages()`` -- the pages, rendered lazily (worker processes render concept pages
   while the caller does the rest: :class:`~conceptwiki.pipeline.parallel.PageRenderer`);
4. :func:`data_files` -- the citation exports, alias redirects and the previews file.

Callers differ only in how they report (MkDocs' logger, or stderr) and where pages go (MkDocs
files, or a folder), so the same commit gives the same pages either way. Nothing here imports
MkDocs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import SiteConfig, build_date
from ..history.fingerprint import published_versions
from ..history.gitinfo import file_recency, last_commit_dates
from ..model.loader import Wiki, load_wiki
from ..render.anchors import AnchorIndex, check_anchors
from ..render.docpages import DocPage
from ..render.site import SiteBuilder

__all__ = ["Loaded", "load_project", "site_builder", "data_files"]


@dataclass
class Loaded:
    """The project as read for one build: its entries and sources, and notes for the log
    (why git dates or published versions are missing, once per reason)."""

    wiki: Wiki
    notes: list[str] = field(default_factory=list)
    #: The anchors of the concept pages, for checking ``[[slug#anchor]]`` in docs pages.
    anchors: AnchorIndex | None = None


def load_project(root: Path, site: SiteConfig, *, versions: bool = True) -> Loaded:
    """Read the project at ``root`` and fill in the build's facts in ``site``: the build date
    (``SOURCE_DATE_EPOCH`` or the last commit), the entries' last-commit dates and, unless
    the entries have errors or ``versions`` is false, their published versions."""
    notes: list[str] = []
    site.build_date = build_date(root)
    site.git_dates, note = last_commit_dates(root, site.concepts_dir)
    if note:
        notes.append(note)
    if (root / site.instruments_dir).is_dir():  # instruments' pages show their last change too
        site.git_dates = {**site.git_dates, **last_commit_dates(root, site.instruments_dir)[0]}
    wiki = load_wiki(root, site.concepts_dir, site.bib_dir, min_details_words=site.min_details_words,
                     min_details_since=site.min_details_since,
                     recency=file_recency(root, site.concepts_dir, site.git_dates),
                     instruments_dir=site.instruments_dir)
    anchors = AnchorIndex.of(wiki)
    wiki.problems.extend(check_anchors(wiki, anchors))
    if versions and not wiki.problems.errors:
        history = published_versions(root, wiki, concepts_dir=site.concepts_dir, bib_dir=site.bib_dir,
                                     instruments_dir=site.instruments_dir)
        site.versions = history
        if history.note:
            notes.append(history.note)
    return Loaded(wiki, notes, anchors)


def site_builder(loaded: Loaded, site: SiteConfig, doc_pages: Iterable[DocPage] = (), *,
                 engine: Any = None) -> SiteBuilder:
    """The renderer of the site's generated pages. ``engine`` is a citation engine to reuse
    (``mkdocs serve`` keeps one between rebuilds); raises
    :class:`~conceptwiki.citations.engine.UnknownStyleError` for a style that does not exist."""
    builder = SiteBuilder(loaded.wiki, site, engine=engine)
    builder.add_doc_pages(list(doc_pages))
    return builder


def data_files(builder: SiteBuilder) -> dict[str, str]:
    """Every generated file that is not a page: ``{path in the site: text}``."""
    files = builder.exports()
    files.update(builder.redirects())
    files.update(builder.previews())
    return files
