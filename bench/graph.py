"""Benchmark: what the concept graph adds to a build, at growing size.

For each size N (1,000 and 5,000 by default) this generates a synthetic wiki with
``bench/generate.py``, loads it and builds a :class:`SiteBuilder` (as the plugin does), then times
the graph's own work separately from everything else:

* **adjacency**: ``ConceptGraph.from_maps`` (dicts of sets, built once);
* **maps**: for every concept, its neighbourhood (capped), layout and the rendered
  ``graph.html.j2`` (the SVG, key and list that go on its page);
* **graph page**: ``SiteBuilder.graph_page()`` (the whole-wiki drawing, filter and list).

and measures bytes: the graph page's Markdown, the same converted to HTML by Python-Markdown (what
MkDocs puts in the article; the theme adds ~30 KB around it), and the concept maps (median, mean,
max over the concepts that have one: SVG, key and list, as they go into each page).
No timing is asserted here; linear growth shows as a flat "ms per concept" between sizes.

    .venv/bin/python bench/graph.py                     # N = 1000, 5000
    .venv/bin/python bench/graph.py --sizes 200 --repeat 1
    .venv/bin/python bench/graph.py --write-results     # also update "## Graphs" in RESULTS.md
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "plugins"))

import generate as gen  # noqa: E402
from conceptwiki.render.graph import MAX_WIKI_NODES  # noqa: E402

DEFAULT_SIZES = (1000, 5000)
RESULTS_MD = HERE / "RESULTS.md"
HEADING = "## Graphs"
KIB = 1024


@dataclass
class GraphResult:
    n: int
    related_pairs: int
    links: int
    max_degree: int
    adjacency_s: float
    maps_s: float
    page_s: float
    map_median_kib: float
    map_mean_kib: float
    map_max_kib: float
    map_svg_kib: float
    map_key_kib: float
    map_list_kib: float
    page_md_kib: float
    page_html_kib: float
    drawn: int
    drawn_edges: int

    @property
    def total_s(self) -> float:
        return self.adjacency_s + self.maps_s + self.page_s

    @property
    def ms_per_concept(self) -> float:
        return self.total_s * 1000 / self.n


def _best(fn, repeat: int):
    """Run ``fn`` ``repeat`` times; return (fastest CPU seconds, last result).

    CPU time of this process, not wall time: the machine is shared, and under load wall time
    measures the neighbours as much as the code."""
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    return best, out


#: The parts of a concept map, as ``graph.html.j2`` writes them.
PARTS = {"svg": re.compile(r"<svg.*?</svg>", re.S),
         "key": re.compile(r'<ul class="cw-graph__legend".*?</ul>', re.S),
         "list": re.compile(r"<details.*?</details>", re.S)}


def map_parts(graph, builder, template) -> dict[str, float]:
    """Median bytes of each part of the concept maps (the drawing, the key, the list), in an
    untimed pass of its own: where the bytes of a map go."""
    from conceptwiki.render.graphdraw import neighbourhood_view
    from conceptwiki.render.urls import concept_src

    found: dict[str, list[int]] = {k: [] for k in PARTS}
    for slug in builder.entries:
        src = concept_src(slug)
        view = neighbourhood_view(graph, slug, lambda s: builder.link(src, concept_src(s)))
        if view:
            text = template.render(graph=view)
            for k, rx in PARTS.items():
                m = rx.search(text)
                found[k].append(len(m.group(0).encode()) if m else 0)
    return {k: statistics.median(v) if v else 0 for k, v in found.items()}


def measure(n: int, work: Path, *, seed: int = 0, repeat: int = 3) -> GraphResult:
    import markdown

    from conceptwiki.render.graph import ConceptGraph
    from conceptwiki.render.graphdraw import neighbourhood_view
    from conceptwiki.model.loader import load_wiki
    from conceptwiki.render.site import SiteBuilder
    from conceptwiki.config import SiteConfig
    from conceptwiki.render.urls import concept_src

    project = work / f"graph-n{n}"
    gen.generate(project, n, seed)
    wiki = load_wiki(project, "concepts", "bib")
    builder = SiteBuilder(wiki, SiteConfig(name="Synthetic concept wiki"))
    adjacency_s, graph = _best(lambda: ConceptGraph.from_maps(builder.entries, builder.related, builder.backlinks), repeat)
    template = builder.env.get_template("graph.html.j2")

    def maps() -> list[int]:
        sizes = []
        for slug in builder.entries:
            src = concept_src(slug)
            view = neighbourhood_view(graph, slug, lambda s: builder.link(src, concept_src(s)))
            if view:
                sizes.append(len(template.render(graph=view).encode()))
        return sizes or [0]

    maps_s, sizes = _best(maps, repeat)
    parts = map_parts(graph, builder, template)
    page_s, page = _best(builder.graph_page, repeat)
    md = page.markdown
    html = markdown.markdown(md, extensions=["toc", "admonition", "attr_list", "tables"])
    drawn = len(re.findall(r'<a class="cw-graph__node', md))
    drawn_edges = len(re.findall(r'<path data-e="', md))  # one path per edge, naming its ends
    return GraphResult(
        n=n,
        related_pairs=sum(len(v) for v in graph.related.values()) // 2,
        links=sum(len(v) for v in graph.out.values()),
        max_degree=max(graph.degree.values(), default=0),
        adjacency_s=adjacency_s, maps_s=maps_s, page_s=page_s,
        map_median_kib=statistics.median(sizes) / KIB,
        map_mean_kib=statistics.fmean(sizes) / KIB, map_max_kib=max(sizes) / KIB,
        map_svg_kib=parts["svg"] / KIB, map_key_kib=parts["key"] / KIB,
        map_list_kib=parts["list"] / KIB,
        page_md_kib=len(md.encode()) / KIB, page_html_kib=len(html.encode()) / KIB,
        drawn=drawn, drawn_edges=drawn_edges,
    )


COLUMNS = ["N", "related pairs", "links", "max degree", "adjacency s", "maps s", "graph page s",
           "graph total s", "ms/concept", "map KiB median / mean / max",
           "map median KiB: SVG / key / list", "graph page KiB (Markdown / HTML)",
           "drawn nodes / edges"]


def table(results: list[GraphResult]) -> str:
    rows = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(" ---: " for _ in COLUMNS) + "|"]
    for r in results:
        rows.append("| " + " | ".join([
            f"{r.n:,}", f"{r.related_pairs:,}", f"{r.links:,}", f"{r.max_degree:,}",
            f"{r.adjacency_s:.3f}", f"{r.maps_s:.2f}", f"{r.page_s:.3f}", f"{r.total_s:.2f}",
            f"{r.ms_per_concept:.2f}",
            f"{r.map_median_kib:.1f} / {r.map_mean_kib:.1f} / {r.map_max_kib:.1f}",
            f"{r.map_svg_kib:.1f} / {r.map_key_kib:.2f} / {r.map_list_kib:.1f}",
            f"{r.page_md_kib:,.0f} / {r.page_html_kib:,.0f}", f"{r.drawn} / {r.drawn_edges:,}",
        ]) + " |")
    return "\n".join(rows)


def section(results: list[GraphResult], command: str) -> str:
    by_n = {r.n: r for r in results}
    lines = [HEADING, "",
             f"Written by `{command}` on {time.strftime('%Y-%m-%d')}: the graph's own work, "
             "timed apart from the rest of the build in CPU seconds (best of the repeats). "
             "Load average when it started: "
             f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.", "",
             table(results), ""]
    if 1000 in by_n and 5000 in by_n:
        k = by_n[5000].ms_per_concept / by_n[1000].ms_per_concept
        lines += [f"Growth: ms per concept at N=5,000 is {k:.2f}× that at N=1,000 "
                  "(1.00× = linear).", ""]
    lines += [
        "- *adjacency*: `ConceptGraph.from_maps`, dicts of sets built once from the related "
        "and backlink maps the builder already has.",
        "- *maps*: every concept's neighbourhood (1-hop up to 16: related concepts first, then "
        "the most connected; 2-hop up to 16, the most connected neighbours of the shown 1-hop "
        "nodes), layout, and the rendered SVG, key and list. Per concept this reads the first "
        "16 entries of each shown node's ranked neighbour list and the pairs among ≤ 33 drawn "
        "nodes, never the whole wiki; only counting the 2-hop nodes left out (a set union in C) "
        "grows with the degree of the hubs next to a concept.",
        "- *map KiB*: a concept map as it goes into its page (the SVG, the key and the list; "
        "pages without a map left out); *SVG / key / list*: the median of each part, in an "
        "untimed pass of its own. Colours, line styles, the key's shapes and the arrowheads' "
        "style are in graph.css, not in each page.",
        f"- *graph page*: the {MAX_WIKI_NODES} most connected concepts drawn (all of them "
        f"below {MAX_WIKI_NODES}), the "
        "filter, and every concept in a list by kind: that list is what grows with N (about "
        "120 bytes a concept).",
    ]
    return "\n".join(lines) + "\n"


def write_results(text: str, path: Path = RESULTS_MD) -> None:
    """Replace the "## Graphs" section of RESULTS.md (or append it)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    start = old.find("\n" + HEADING + "\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        nxt = old.find("\n## ", start + len(HEADING) + 2)
        new = old[:start + 1] + text + (old[nxt:] if nxt >= 0 else "")
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--write-results", action="store_true",
                        help=f"replace the '{HEADING}' section of bench/RESULTS.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="cw-graph-bench-") as tmp:
        for n in sizes:
            print(f"N={n}: generating and measuring…", file=sys.stderr, flush=True)
            r = measure(n, Path(tmp), seed=args.seed, repeat=args.repeat)
            print(f"N={n}: {r.total_s:.2f} s ({r.ms_per_concept:.2f} ms/concept)", file=sys.stderr)
            results.append(r)
    command = "bench/graph.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = section(results, command.strip())
    print(text)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
    if args.write_results:
        write_results(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
