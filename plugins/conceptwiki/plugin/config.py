"""Options of the ``conceptwiki`` MkDocs plugin (``plugins: - conceptwiki: ...`` in mkdocs.yml).

Their defaults are :data:`conceptwiki.config.PLUGIN_DEFAULTS`, which the command line uses too.
"""

from __future__ import annotations

import datetime as _dt

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..config import PLUGIN_DEFAULTS as D

__all__ = ["ConceptWikiConfig"]


class ConceptWikiConfig(Config):
    #: Folder of concept entries, relative to mkdocs.yml.
    concepts_dir = c.Type(str, default=D["concepts_dir"])
    instruments_dir = c.Type(str, default=D["instruments_dir"])
    #: Folder of BibTeX files, relative to mkdocs.yml.
    bib_dir = c.Type(str, default=D["bib_dir"])
    #: Who publishes the site: the author of "cite this page" citations.
    publisher = c.Optional(c.Type(str))
    #: CSL styles offered in "how to cite", by CSL repository name or path to a .csl file.
    styles = c.ListOfItems(c.Type(str), default=list(D["styles"]))
    #: Style of the references list on each page (defaults to the first of ``styles``).
    default_style = c.Optional(c.Type(str))
    #: A folder with Jinja templates that override the built-in ones (concept.html.j2, ...).
    templates_dir = c.Optional(c.Type(str))
    #: Site search: "pagefind" (index fragments loaded per query, built after the site) or
    #: "material" (Material's lunr search plugin, whose whole index every reader downloads).
    search = c.Choice(("pagefind", "material"), default=D["search"])
    #: Also index with Pagefind in ``mkdocs serve`` (each rebuild then waits for the indexer).
    serve_search = c.Type(bool, default=D["serve_search"])
    #: Worker processes that render concept pages while MkDocs writes the others: "auto"
    #: (one fewer than the CPUs, at most 4; none outside Linux) or a number (0: render in
    #: the MkDocs process). The pages are the same bytes either way.
    workers = c.Type((str, int), default=D["workers"])
    #: Keep rendered citations in ``$XDG_CACHE_HOME/conceptwiki`` (``~/.cache/conceptwiki``)
    #: for the next build: a build then renders only new or changed items.
    cache = c.Type(bool, default=D["cache"])
    #: ``check``'s guard: entries created on or after ``min_details_since`` (every entry when
    #: unset) need ``details`` of at least ``min_details_words`` words (0: no minimum).
    min_details_words = c.Type(int, default=D["min_details_words"])
    min_details_since = c.Optional(c.Type((str, _dt.date)))
    #: The CSL locale of a style, by style name: ``{harvard-cite-them-right: en-GB}``. Without
    #: one, a style uses its ``default-locale``, else a known British style's en-GB, else the
    #: site's ``theme.language``.
    locales = c.DictOfItems(c.Type(str), default=dict(D["locales"]))
