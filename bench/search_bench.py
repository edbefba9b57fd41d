"""Search at wiki scale: Pagefind against Material's lunr, on the synthetic wikis of bench/generate.py.

For each N it generates one project and builds it twice, cold, with ``mkdocs build``: once with
``search: pagefind`` (conceptwiki's default) and once with ``search: material``. Then it opens
each site in headless Debian chromium (``bench/search_probe.py``) and searches as a reader:

* **before first search**: bytes of search files fetched from loading the home page to the
  search box being ready (lunr: worker + ``search_index.json``, fetched on every page load;
  Pagefind: ``pagefind.js``, worker, WebAssembly, entry and metadata, fetched on opening search);
* **per query**: bytes fetched while one query runs and shows its first 10 results (Pagefind:
  index chunks + result fragments; lunr: nothing, it is all in memory);
* whether the concept whose alias or title was typed is the first result;
* **build s**: the whole ``mkdocs build``; **indexer s**: Pagefind's own run (plugin timing).

    .venv/bin/python bench/search_bench.py --sizes 100,1000,5000 --json bench/out/search.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate as gen  # noqa: E402
import run as bench  # noqa: E402
from search_probe import probe  # noqa: E402

MIB = 1024 * 1024


def _set_backend(project: Path, backend: str) -> None:
    path = project / "mkdocs.yml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    for p in cfg["plugins"]:
        if isinstance(p, dict) and "conceptwiki" in p:
            p["conceptwiki"]["search"] = backend
    path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _queries(model) -> list[tuple[str, str]]:
    """(query, expected first title): a hyphenated alias, a two-word alias, a title."""
    out: list[tuple[str, str]] = []
    hyphen = next((c for c in model.concepts for a in c.aliases if "-" in a), None)
    if hyphen:
        out.append((next(a for a in hyphen.aliases if "-" in a), hyphen.title))
    spaced = next((c for c in model.concepts[len(model.concepts) // 2:] for a in c.aliases
                   if " " in a), None)
    if spaced:
        out.append((next(a for a in spaced.aliases if " " in a), spaced.title))
    last = model.concepts[-1]
    out.append((last.title, last.title))
    return out


def measure(n: int, workdir: Path, backends: tuple[str, ...] = ("pagefind", "material")) -> dict:
    project = workdir / f"n{n}"
    model = gen.generate(project, n)
    queries = _queries(model)
    row: dict = {"n": n, "queries": [q for q, _ in queries]}
    for backend in backends:
        _set_backend(project, backend)
        cache = workdir / f"cache-{n}-{backend}"
        cache.mkdir(parents=True, exist_ok=True)
        timings = workdir / f"timings-{n}-{backend}.json"
        b = bench.run_build(project, cache_dir=cache, timings=timings)
        if b.returncode != 0:
            raise SystemExit(f"build failed at N={n} ({backend}): {b.warnings[-5:]}")
        site = project / "site"
        result = probe(site, [q for q, _ in queries])
        firsts = [bool(r["titles"]) and r["titles"][0] == want
                  for r, (_, want) in zip(result["queries"], queries)]
        bundle = site / "pagefind"
        row[backend] = {
            "build_s": b.seconds,
            "indexer_s": b.timings.get("search"),
            "site_mib": b.site_mib,
            "index_files": sum(1 for p in bundle.rglob("*") if p.is_file()) if bundle.is_dir() else 1,
            "index_mib": (bench._tree_size(bundle) if bundle.is_dir()
                          else (site / "search" / "search_index.json").stat().st_size) / MIB,
            "first_search_bytes": result["first_search_bytes"],
            "first_search_files": result["first_search_files"],
            "query_bytes": [r["bytes"] for r in result["queries"]],
            "query_titles": [r["titles"][:3] for r in result["queries"]],
            "first_is_expected": firsts,
            "foreign_requests": sorted(set(result["foreign_requests"])),
        }
        print(f"N={n} {backend}: {json.dumps(row[backend])}", flush=True)
    return row


def table(rows: list[dict]) -> str:
    head = ["N", "search", "build s", "indexer s", "index on disk MiB (files)",
            "before first search KiB", "per query KiB (min–max)", "alias/title ranked first"]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---:"] * 2 + ["---:"] * (len(head) - 2)) + " |"]
    for r in rows:
        for backend in ("pagefind", "material"):
            if backend not in r:
                continue
            m = r[backend]
            q = m["query_bytes"]
            lines.append("| " + " | ".join([
                f"{r['n']:,}", backend, f"{m['build_s']:.1f}",
                f"{m['indexer_s']:.1f}" if m["indexer_s"] is not None else "–",
                f"{m['index_mib']:.1f} ({m['index_files']:,})",
                f"{m['first_search_bytes'] / 1024:,.0f}",
                f"{min(q) / 1024:,.1f}–{max(q) / 1024:,.1f}",
                f"{sum(m['first_is_expected'])}/{len(m['first_is_expected'])}",
            ]) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--backends", default="pagefind,material")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = tuple(args.backends.split(","))
    rows = []
    with tempfile.TemporaryDirectory(prefix="cw-search-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        for n in sizes:
            rows.append(measure(n, workdir, backends))
            if args.json:  # after each size, so that a long run keeps what it measured
                args.json.parent.mkdir(parents=True, exist_ok=True)
                args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
