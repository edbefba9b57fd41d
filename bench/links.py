"""Benchmark: link resolution and backlinks at growing sizes (in-process, no MkDocs).

For each size N (1000 and 5000 by default) this generates a project with ``bench/generate.py``
(N entries with 5–10 wikilinks each, heavy-tailed targets) and adds N/20 hand-written guides
under ``docs/guides/`` with 20 wikilinks each (the four forms, same popularity), then times,
in this process, the link work a build does:

* **index**: the name index (slugs, aliases, former slugs → slug);
* **entry links**: finding and resolving every wikilink of every entry (what ``load_wiki``
  checks and the pages render);
* **backlinks**: the entry → entry backlinks and ``related`` both ways (``SiteBuilder``);
* **docs scan**: reading every docs page once (title, links, problems);
* **docs backlinks**: the inverted index concept → docs pages;
* **docs rewrite**: resolving the wikilinks of every docs page (the ``on_page_markdown`` hook);
* **previews**: writing ``previews.json`` (its size is reported too).

Each phase is run ``--repeat`` times (default 3) and the fastest is kept. Linear growth shows
as a constant time per link: the last line compares µs per link at the largest size with the
smallest.

    .venv/bin/python bench/links.py                       # N = 1000, 5000
    .venv/bin/python bench/links.py --sizes 200,1000 --repeat 1
    .venv/bin/python bench/links.py --write-results       # also update "Links" in RESULTS.md
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "plugins"))

import generate as gen  # noqa: E402

from conceptwiki.render.docpages import docs_backlinks, scan_docs_dir  # noqa: E402
from conceptwiki.render.maps import entry_backlinks, related_both_ways  # noqa: E402
from conceptwiki.render.text import EntryText  # noqa: E402
from conceptwiki.model.links import LinkIndex, find_wikilinks  # noqa: E402
from conceptwiki.model.loader import load_wiki  # noqa: E402
from conceptwiki.render.previews import previews_json  # noqa: E402
from conceptwiki.render.site import SiteBuilder  # noqa: E402
from conceptwiki.config import SiteConfig  # noqa: E402

DEFAULT_SIZES = (1000, 5000)
PHASES = ["index", "entry links", "backlinks", "docs scan", "docs backlinks", "docs rewrite",
          "previews"]
COLUMNS = ["N", "entry links", "docs pages", "docs links", *(f"{p} ms" for p in PHASES),
           "total ms", "µs / link", "previews.json KiB"]
RESULTS_MD = HERE / "RESULTS.md"
HEADING = "## Links"
LINKS_PER_GUIDE = 20


class _NoEngine:
    """No citation engine: nothing here renders citations."""

    def style_title(self, style: str) -> str:  # pragma: no cover
        return style


def write_guides(project: Path, model: gen.Model, seed: int = 0) -> int:
    """N/20 guides under docs/guides/, 20 wikilinks each; returns the number of links."""
    rng = random.Random(f"guides-{seed}-{len(model.concepts)}")
    concepts = model.concepts
    # The same heavy tail as the entries' links: popularity by Zipf rank.
    weights = [1 / (i + 1) ** gen.ZIPF_S for i in range(len(concepts))]
    folder = project / "docs" / "guides"
    folder.mkdir(parents=True, exist_ok=True)
    count = max(1, len(concepts) // 20)
    total = 0
    for g in range(count):
        lines = [f"---\ntitle: Guide {g + 1}\n---\n", f"# Reading guide {g + 1}\n"]
        for target in rng.choices(concepts, weights=weights, k=LINKS_PER_GUIDE):
            form = rng.choice(["slug", "text", "title", "alias"] if target.aliases
                              else ["slug", "text", "title"])
            text = rng.choice(target.aliases) if form == "alias" else (
                "this idea" if form == "text" else None)
            link = gen.Link(target.slug, form, text).wikilink(target.title)
            lines.append(f"- Read {link} next, and `[[code is skipped]]`.")
        (folder / f"guide-{g + 1:04d}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        total += LINKS_PER_GUIDE
    return total


@dataclass
class Result:
    n: int
    entry_links: int
    docs_pages: int
    docs_links: int
    ms: dict[str, float] = field(default_factory=dict)
    previews_kib: float = 0.0

    @property
    def total_ms(self) -> float:
        return sum(self.ms.values())

    @property
    def us_per_link(self) -> float:
        return self.total_ms * 1000 / max(1, self.entry_links + self.docs_links)


def _best(fn, repeat: int):
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000, value


def measure(n: int, work: Path, *, seed: int = 0, repeat: int = 3, log=print) -> Result:
    project = work / f"links-n{n}"
    model = gen.generate(project, n, seed)
    docs_links = write_guides(project, model, seed)
    log(f"  N={n}: generated; loading…")
    wiki = load_wiki(project)
    errors = [p for p in wiki.problems if p.is_error]
    if errors:
        raise RuntimeError(f"generated project has errors: {errors[:3]}")
    entries = wiki.entries
    ms: dict[str, float] = {}

    def build_index() -> LinkIndex:
        index = LinkIndex()
        for slug, e in entries.items():
            index.add_slug(slug, e.title, e.path)
        for slug, e in entries.items():
            index.add_names(slug, e.path, aliases=e.concept.aliases,
                            former_slugs=e.concept.former_slugs)
        return index

    ms["index"], index = _best(build_index, repeat)

    def entry_links() -> int:
        count = 0
        for e in entries.values():
            for _loc, text in e.text_fields():
                for link in find_wikilinks(text):
                    if index.resolve(link.target) is None:
                        raise RuntimeError(f"dead link {link.raw} in {e.path}")
                    count += 1
        return count

    ms["entry links"], n_links = _best(entry_links, repeat)

    builder = SiteBuilder(wiki, SiteConfig(), engine=_NoEngine())
    ms["backlinks"], _ = _best(lambda: (entry_backlinks(builder.entries, wiki.index), related_both_ways(builder.entries)),
                               repeat)
    ms["docs scan"], scan = _best(lambda: scan_docs_dir(project, "docs", wiki.index), repeat)
    if scan.problems.errors:
        raise RuntimeError(f"generated guides have errors: {scan.problems.errors[:3]}")
    ms["docs backlinks"], _ = _best(lambda: docs_backlinks(scan.pages), repeat)
    builder.add_doc_pages(scan.pages)
    texts = [((project / "docs" / p.src_uri).read_text(encoding="utf-8"), p.src_uri)
             for p in scan.pages]
    ms["docs rewrite"], _ = _best(lambda: [builder.fix_doc_wikilinks(t, s, front_matter=True)
                                           for t, s in texts], repeat)

    def previews() -> str:
        text = EntryText(wiki.index, builder.entries, builder.urls)  # cold: no summary cached
        return previews_json(builder.entries, text.plain_summary)

    ms["previews"], data = _best(previews, repeat)
    result = Result(n=n, entry_links=n_links, docs_pages=len(scan.pages), docs_links=docs_links,
                    ms=ms, previews_kib=len(data.encode("utf-8")) / 1024)
    log(f"  N={n}: {result.total_ms:.0f} ms for {n_links + docs_links:,} links")
    return result


def table(results: list[Result]) -> str:
    rows = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(" ---: " for _ in COLUMNS) + "|"]
    for r in results:
        rows.append("| " + " | ".join([
            f"{r.n:,}", f"{r.entry_links:,}", f"{r.docs_pages:,}", f"{r.docs_links:,}",
            *(f"{r.ms[p]:,.1f}" for p in PHASES), f"{r.total_ms:,.1f}", f"{r.us_per_link:.2f}",
            f"{r.previews_kib:,.0f}",
        ]) + " |")
    return "\n".join(rows)


def linearity(results: list[Result]) -> str:
    if len(results) < 2:
        return "- **n/a** — linear growth: needs two sizes"
    small, big = results[0], results[-1]
    ratio = big.us_per_link / small.us_per_link
    ok = ratio <= 1.3
    return (f"- **{'met' if ok else 'not met'}** — linear growth (µs per link at N={big.n:,} "
            f"≤ 1.3× that at N={small.n:,}): {ratio:.2f}× ({big.us_per_link:.2f} vs "
            f"{small.us_per_link:.2f} µs); {big.n / small.n:.0f}× the concepts took "
            f"{big.total_ms / small.total_ms:.1f}× the time")


def section(results: list[Result], argv: list[str]) -> str:
    import datetime as dt
    import subprocess

    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    return "\n".join([
        HEADING,
        "",
        f"Written by `{' '.join(['bench/links.py', *argv])}` on "
        f"{dt.datetime.now().replace(microsecond=0).isoformat()} (commit {commit}). In-process "
        "times of the link work of a build, fastest of the repeats, without MkDocs; the guides "
        f"are N/20 generated docs pages with {LINKS_PER_GUIDE} wikilinks each (see the "
        "docstring of `bench/links.py`).",
        "",
        table(results),
        "",
        linearity(results),
        "",
    ])


def write_results(text: str) -> None:
    old = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.is_file() else ""
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _m: text + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    RESULTS_MD.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated numbers of concepts (default 1000,5000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="generate here (default: a temporary folder)")
    parser.add_argument("--write-results", action="store_true",
                        help=f"replace the '{HEADING}' section of bench/RESULTS.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="conceptwiki-links-") as tmp:
        work = args.workdir.resolve() if args.workdir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = [measure(n, work, seed=args.seed, repeat=args.repeat, log=log) for n in sizes]
    text = section(results, argv)
    print(text)
    if args.write_results:
        write_results(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
