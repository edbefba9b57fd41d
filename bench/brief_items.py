"""Time the brief basket's per-item data (``BriefBuilder.items()``) on a generated wiki.

    .venv/bin/python bench/brief_items.py --n 1000 [--styles apa,oscola,...] [--no-warm] [--full]

Times are wall-clock, with the process's CPU time for ``items()`` (steadier on a shared
machine). Generates a wiki with ``bench/generate.py``, builds a :class:`SiteBuilder` as the plugin does,
renders "Cite this page" for every concept first (as a real build does before the exports,
so the engine's cache is warm as it would be; ``--no-warm`` skips it) and then times
``BriefBuilder(builder).items()`` (``--full``: every page rendered in full, as before the
templates) and then ``files()``. Counts the CSL runs made by ``items()`` (layout runs of the
engine: an entry, one sort key or a year-suffix group's citation, not taken from its cache)
for pages, templates and sources.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate as gen  # noqa: E402

DEFAULT_STYLES = "apa,chicago-author-date,harvard-cite-them-right,oscola"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--styles", default=DEFAULT_STYLES)
    parser.add_argument("--no-warm", action="store_true", help="do not render Cite this page first")
    parser.add_argument("--full", action="store_true", help="render every page in full (no templates)")
    parser.add_argument("--exports", action="store_true", help="also time the rest of builder.exports()")
    parser.add_argument("--workdir", type=Path, help="generate the project here (kept)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="conceptwiki-brief-") as tmp:
        project = args.workdir.resolve() if args.workdir else Path(tmp) / "project"
        gen.generate(project, args.n, args.seed)
        return measure(project, args)


def measure(project: Path, args) -> int:
    from conceptwiki.render.brief import BriefBuilder
    from conceptwiki.citations.compat import state as render_state
    from conceptwiki.citations.engine import CitationEngine
    from conceptwiki.model.loader import load_wiki
    from conceptwiki.render.site import SiteBuilder
    from conceptwiki.config import SiteConfig

    styles = args.styles.split(",")
    wiki = load_wiki(project, "concepts", "bib")
    site = SiteConfig(name=f"Synthetic concept wiki ({args.n} concepts)", url="https://example.org/wiki/",
                      publisher="Synthetic concept wiki", styles=styles, default_style=styles[0],
                      build_date=_dt.date(2026, 11, 23))
    builder = SiteBuilder(wiki, site, engine=CitationEngine(styles, base_dir=project))

    # Every CSL layout run (an entry, a note, one sort key, a year-suffix group) goes through
    # compat.state.run; each is put down to the item the engine was asked about: a concept page,
    # a template (placeholder ids "zqz..."), or a source.
    runs: Counter = Counter()
    asking: list[str] = []
    real_run, real_render = render_state.run, builder.citer.engine._render
    pages_ids = {builder.page_item(e)["id"] for e in builder.entries.values()}

    def run(*a, **kw):
        runs[asking[-1] if asking else "other"] += 1
        return real_run(*a, **kw)

    def render(key, *a, **kw):
        iid = json.loads(key[1]).get("id", "") if len(key) > 1 and isinstance(key[1], str) else ""
        asking.append("template" if iid.startswith("zqz") else "page" if iid in pages_ids else "source")
        try:
            return real_render(key, *a, **kw)
        finally:
            asking.pop()

    render_state.run = run
    builder.citer.engine._render = render
    t0 = time.perf_counter()
    if not args.no_warm:
        for entry in builder.entries.values():
            builder.citation_blocks(entry)
    warm = time.perf_counter() - t0
    runs.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    brief = BriefBuilder(builder, templates=False) if args.full else BriefBuilder(builder)
    items = brief.items()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    files = brief.files()
    files_seconds = time.perf_counter() - t0
    if args.exports:  # all of builder.exports() (cite/*.bib, .ris, .json, versions, brief)
        builder._brief = brief
        t0 = time.perf_counter()
        exports = builder.exports()
        exports_seconds = time.perf_counter() - t0
    pages = sum(1 for i in items.values() if i["page"])
    total = sum(runs.values())
    print(f"N={args.n}: {pages} pages, {len(items) - pages} sources, {len(styles)} styles"
          f"{' (every page rendered in full)' if args.full else ''}")
    if not args.no_warm:
        print(f"  Cite this page for every concept first: {warm:.2f} s")
    print(f"  BriefBuilder.items(): {seconds:.2f} s ({cpu:.2f} s CPU); then files(): {files_seconds:.2f} s"
          f" ({len(files)} files)")
    if args.exports:
        print(f"  the rest of builder.exports() (items() done): {exports_seconds:.2f} s ({len(exports)} files)")
    print(f"  CSL runs in items(): {total} = pages {runs['page']} + templates {runs['template']}"
          f" + sources {runs['source']} + other {runs['other']}")
    per = (runs["page"] + runs["template"]) / max(pages, 1)
    print(f"  for the pages: {per:.2f} per page, {per / len(styles):.2f} per page and style")
    if hasattr(brief, "pages_in_full"):  # not before the templates
        print(f"  (page, style) pairs rendered in full, not from a template: {brief.pages_in_full}"
              f" of {pages * len(styles)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
