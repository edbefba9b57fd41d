"""Site search with Pagefind: an index split into fragments, so a reader downloads only what a query needs.

Material's lunr search ships the whole index (55 MB at 5,000 concepts, see bench/RESULTS.md) to
every reader before the first search. Pagefind indexes the built HTML after the build and writes
``pagefind/`` next to it; the browser loads a small entry file and WebAssembly, then per query
only the index chunks of the query's words and the fragments of the results it shows.

This module is engine-free (no MkDocs): it finds the Pagefind binary shipped by the
``pagefind[extended]`` wheel, marks rendered pages for indexing, draws the header search box
(Material's look, our own script) and runs the indexer. ``plugin.py`` calls it.

Ranking: the page title (``h1``) and the "Also known as" aliases carry ``data-pagefind-weight``
(templates), so a concept whose title or alias matches outranks pages that merely mention the
term; "How to cite", "Referenced by" and related-concept cards carry ``data-pagefind-ignore``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BACKENDS", "PAGEFIND_DIR", "SearchError", "PagefindRun", "pagefind_env", "pagefind_executable",
    "mark_page", "run_pagefind", "search_box",
]

#: Values of the plugin's ``search`` option.
BACKENDS = ("pagefind", "material")
#: Folder of the search bundle inside the site.
PAGEFIND_DIR = "pagefind"

INSTALL_HINT = ("install it with `pip install 'pagefind[extended]==1.5.2'` (`make install` does), "
                "or set `search: material` under `plugins: - conceptwiki:` in mkdocs.yml "
                "to use Material's lunr search instead")


class SearchError(Exception):
    """Pagefind is missing or failed; the message says what to do."""


def pagefind_executable() -> Path:
    """The Pagefind binary: from the ``pagefind_bin_extended``/``pagefind_bin`` wheels, else ``PATH``."""
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            mod = __import__(module)
            return Path(mod.get_executable())
        except (ImportError, FileNotFoundError):
            continue
    for name in ("pagefind_extended", "pagefind"):
        found = shutil.which(name)
        if found:
            return Path(found)
    raise SearchError(f"search: Pagefind is not installed; {INSTALL_HINT}")


#: Environment variable read by the jemalloc that Pagefind's binary is linked with
#: (``tikv-jemallocator`` prefixes its names with ``_rjem_``).
JEMALLOC_ENV = "_RJEM_MALLOC_CONF"
#: Give freed memory back to the system at once instead of after jemalloc's default 10 s
#: (dirty) + 10 s (muzzy) decay. Pagefind 1.5.2 first holds every parsed page, then clones them
#: all to build the index and drops the pieces as it goes; with the default decay the dropped
#: pages stay resident until the build ends. Measured on the 5,001 searchable pages of a
#: ``bench/generate.py`` site at N=5,000 (service mode, two CPUs): peak RSS 1,318 -> 1,068 MiB,
#: the same bundle byte for byte, the same time (38.0 vs 39.7 s, within the machine's noise).
#: ``narenas:1`` on top saved nothing more; ``tcache:false`` 70 MiB more at 2.3x the time.
JEMALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"


def pagefind_env() -> dict[str, str]:
    """The environment Pagefind runs in: ours, with :data:`JEMALLOC_CONF` unless the caller
    set :data:`JEMALLOC_ENV` themselves."""
    env = dict(os.environ)
    env.setdefault(JEMALLOC_ENV, JEMALLOC_CONF)
    return env


_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')
# Where Material puts its own search: before the repository link, else at the end of the header.
_HEADER_SLOT = re.compile(r'(<header class="md-header[^"]*".*?)(<div class="md-header__source">|</nav>)',
                          re.DOTALL)


def mark_page(output: str, box: str, *, index: bool = True) -> str:
    """Mark a rendered Material page for Pagefind and put the search box into its header.

    Only the article is indexed (``data-pagefind-body``): pages without it, such as the alias
    redirect pages, stay out of the index, and so do the navigation, header and footer.
    """
    if index:
        output = _ARTICLE.sub(lambda m: m.group(0) + " data-pagefind-body", output, count=1)
        # Permalinks ("¶") are no part of a heading's text, nor of the title a result shows.
        output = output.replace('<a class="headerlink" href=', '<a class="headerlink" data-pagefind-ignore href=')
    if "md-search cw-search" not in output:
        output = _HEADER_SLOT.sub(lambda m: m.group(1) + box + m.group(2), output, count=1)
    return output


def search_box(bundle_url: str, icon_svg: str = "", back_svg: str = "") -> str:
    """Header search in Material's markup and classes, driven by ``cw-search.js`` instead of lunr.

    ``bundle_url`` is the page-relative URL of the ``pagefind/`` folder; ``icon_svg`` the
    magnifier and ``back_svg`` the arrow that closes search on narrow screens. Clicking or
    tapping the box opens it (the theme's ``__search`` toggle lays it out); the header button
    opens it on phones. The button and the box are ``hidden`` until the script runs, so without
    JavaScript there is no dead search box.
    """
    url = html.escape(bundle_url, quote=True)
    icon = _decorative(icon_svg)
    back = _decorative(back_svg) or icon
    return (
        f'<button type="button" class="md-header__button md-icon cw-search-button" hidden '
        f'aria-label="Search" aria-controls="cw-search" aria-expanded="false">{icon}</button>'
        f'<div class="md-search cw-search" id="cw-search" hidden data-cw-pagefind="{url}">'
        '<label class="md-search__overlay" for="__search" aria-hidden="true"></label>'
        '<div class="md-search__inner" role="search" aria-label="Search the wiki">'
        '<form class="md-search__form" name="cw-search" action="#">'
        '<input type="search" class="md-search__input cw-search__input" name="query" '
        'aria-label="Search the wiki" aria-controls="cw-search-results" placeholder="Search" '
        'autocapitalize="off" autocorrect="off" autocomplete="off" spellcheck="false" enterkeyhint="go">'
        f'<button type="button" class="md-search__icon md-icon cw-search__go" aria-label="Search" tabindex="-1">{icon}</button>'
        f'<button type="button" class="md-search__icon md-icon cw-search__close" aria-label="Close search">{back}</button>'
        '</form>'
        '<div class="md-search__output"><div class="md-search__scrollwrap">'
        '<div class="md-search-result cw-search__result">'
        '<div class="md-search-result__meta cw-search__meta" role="status">Type to start searching</div>'
        '<ol class="md-search-result__list cw-search__list" id="cw-search-results" aria-label="Search results"></ol>'
        '</div></div></div>'
        '</div></div>'
    )


def _decorative(svg: str) -> str:
    """An icon's SVG, hidden from assistive technology (its button carries the name)."""
    svg = svg.strip()
    if svg.startswith("<svg") and "aria-hidden" not in svg[:200]:
        svg = '<svg aria-hidden="true" focusable="false"' + svg[4:]
    return svg


@dataclass(frozen=True)
class PagefindRun:
    #: Seconds the build waited for Pagefind (for a stream: only its final step).
    seconds: float
    files: int
    bytes: int
    output: str
    #: "cli": the finished site was indexed by the CLI; "stream": pages were handed over
    #: while the site was built (``search_stream.py``).
    indexer: str = "cli"
    #: HTML pages sent to Pagefind to parse (streaming only; 0 for the CLI).
    pages: int = 0


def run_pagefind(site_dir: Path, *, language: str = "en") -> PagefindRun:
    """Index ``site_dir`` into ``site_dir/pagefind`` (replacing an older bundle)."""
    exe = pagefind_executable()
    bundle = site_dir / PAGEFIND_DIR
    if bundle.exists():
        shutil.rmtree(bundle)
    cmd = [str(exe), "--site", str(site_dir), "--output-subdir", PAGEFIND_DIR,
           "--force-language", language, "--quiet"]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=pagefind_env())
    except OSError as exc:
        raise SearchError(f"search: could not run Pagefind ({exe}): {exc}; {INSTALL_HINT}") from None
    seconds = time.perf_counter() - t0
    out = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        raise SearchError(f"search: Pagefind failed on {site_dir} (exit {proc.returncode}):\n{out}")
    files = [p for p in bundle.rglob("*") if p.is_file()]
    return PagefindRun(seconds=seconds, files=len(files),
                       bytes=sum(p.stat().st_size for p in files), output=out)
