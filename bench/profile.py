"""Profile one ``mkdocs build`` of a generated wiki with cProfile and print where the time goes.

    .venv/bin/python bench/profile.py --n 1000 [--floor] [--top 25] [--out prof.out]
    .venv/bin/python bench/profile.py --n 1000 --memory   # resident memory after each MkDocs event
    .venv/bin/python bench/profile.py --n 1000 --workers 0  # everything in the profiled process

Prints the functions with the most cumulative and own time, and a split of the build into
MkDocs phases (plugin ``on_files``, Markdown rendering of pages, theme templates, search
index, writing files). Each build is cold, as in ``bench/run.py``: ``XDG_CACHE_HOME`` is an
empty folder, so no rendered citation comes from an earlier build. The saved profile can be opened with ``python -m pstats`` or snakeviz.
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate as gen  # noqa: E402

#: (label, file suffix, function name) of the functions whose cumulative time splits a build.
#: The suffixes are paths in the current layout (``plugins/conceptwiki/<stage>/<module>.py``); a
#: phase whose function is not found prints 0 calls, so a rename shows up here at once.
PHASES = [
    ("conceptwiki on_files (load, links, plan, data files)", "conceptwiki/plugin/__init__.py", "on_files"),
    ("  pipeline: load_project (dates, entries, sources, versions)", "conceptwiki/pipeline/build.py", "load_project"),
    ("    model: load_wiki", "conceptwiki/model/loader.py", "load_wiki"),
    ("    history: published_versions", "conceptwiki/history/fingerprint.py", "published_versions"),
    ("  pipeline: site_builder (SiteBuilder, doc backlinks)", "conceptwiki/pipeline/build.py", "site_builder"),
    ("  render: SiteBuilder.page_plan pages made (front matter)", "conceptwiki/render/site.py", "_one"),
    ("  pipeline: data_files (exports, redirects, previews)", "conceptwiki/pipeline/build.py", "data_files"),
    ("    render: SiteBuilder.exports", "conceptwiki/render/site.py", "exports"),
    ("      citations: export_files (BibTeX, RIS, CSL-JSON)", "conceptwiki/citations/cite.py", "export_files"),
    ("      render: source pages' export files", "conceptwiki/render/sources.py", "export_files"),
    ("      render: BriefBuilder.files (the brief's data)", "conceptwiki/render/brief.py", "files"),
    ("        render: BriefBuilder.items (sources in every style)", "conceptwiki/render/brief.py", "items"),
    ("    render: SiteBuilder.previews", "conceptwiki/render/site.py", "previews"),
    ("conceptwiki on_page_context (concept page bodies)", "conceptwiki/plugin/__init__.py", "on_page_context"),
    ("  pipeline: PageRenderer.body (a worker's body, or rendered here)", "conceptwiki/pipeline/parallel.py", "body"),
    ("  render: Page.html_body (rendered in this process)", "conceptwiki/render/pages.py", "html_body"),
    ("render: PageCitations.citation_blocks (cite this page, all styles)", "conceptwiki/render/citing.py", "citation_blocks"),
    ("render: PageCitations.references", "conceptwiki/render/citing.py", "references"),
    ("citations: Citer.render (cached or not)", "conceptwiki/citations/cite.py", "render"),
    ("citations: CitationEngine._render (citeproc-py, cache misses)", "conceptwiki/citations/engine.py", "_render"),
    ("bibtex: Source.csl", "conceptwiki/bibtex/source.py", "csl"),
    ("conceptwiki on_post_page (head, search marks, Pagefind stream)", "conceptwiki/plugin/__init__.py", "on_post_page"),
    ("conceptwiki on_post_build (Pagefind's bundle, cache)", "conceptwiki/plugin/__init__.py", "on_post_build"),
    ("  search: finish_search (Pagefind)", "conceptwiki/search/stream.py", "finish_search"),
    ("MkDocs: Markdown → HTML of every page (Page.render)", "mkdocs/structure/pages.py", "render"),
    ("Jinja2 Template.render (theme pages and conceptwiki templates)", "jinja2/environment.py", "render"),
    ("MkDocs: whole _build_page", "mkdocs/commands/build.py", "_build_page"),
    ("MkDocs: _populate_page (read, Markdown)", "mkdocs/commands/build.py", "_populate_page"),
    ("search plugin: on_page_context (index each page)", "plugins/search/plugin.py", "on_page_context"),
    ("search plugin: on_post_build (write the index)", "plugins/search/plugin.py", "on_post_build"),
]


def phase_split(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    out = []
    raw = stats.stats  # type: ignore[attr-defined]
    for label, suffix, name in PHASES:
        total, calls = 0.0, 0
        for (file, _line, func), (cc, _nc, _tt, ct, _callers) in raw.items():
            if func == name and file.replace(os.sep, "/").endswith(suffix):
                total = max(total, ct)   # recursive functions: take the outermost
                calls += cc
        out.append((label, total, calls))
    return out


_MEMORY_SCRIPT = r"""
import os, sys, time
from mkdocs import plugins

def rss():
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out

t0 = time.perf_counter()
seen = {}
orig = plugins.PluginCollection.run_event

def run_event(self, name, item=None, **kwargs):
    result = orig(self, name, item, **kwargs)
    m = rss()
    first = name not in seen
    seen[name] = seen.get(name, 0) + 1
    if first or name in ("post_build",):
        print(f"{time.perf_counter() - t0:8.1f} s  RSS {m['VmRSS']:7.0f} MiB  peak {m['VmHWM']:7.0f} MiB"
              f"  after first on_{name}", file=sys.stderr, flush=True)
    return result

plugins.PluginCollection.run_event = run_event
from mkdocs.__main__ import cli
try:
    cli(["build", "-q", "-d", "site"], standalone_mode=False)
finally:
    m = rss()
    print(f"{time.perf_counter() - t0:8.1f} s  RSS {m['VmRSS']:7.0f} MiB  peak {m['VmHWM']:7.0f} MiB  at the end",
          file=sys.stderr)
    print("counts:", seen, file=sys.stderr)
"""


def _set_workers(mkdocs_yml: Path, workers: int) -> None:
    """Set ``plugins.conceptwiki.workers`` in a generated ``mkdocs.yml``."""
    import yaml

    cfg = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8"))
    for plugin in cfg["plugins"]:
        if isinstance(plugin, dict) and "conceptwiki" in plugin:
            plugin["conceptwiki"]["workers"] = workers
    mkdocs_yml.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True, width=100),
                          encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--floor", action="store_true", help="profile the floor site instead")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, help="keep the profile here")
    parser.add_argument("--workdir", type=Path, help="generate the project here (kept)")
    parser.add_argument("--memory", action="store_true",
                        help="no profile: print resident memory after each MkDocs event instead")
    parser.add_argument("--workers", type=int,
                        help="the plugin's worker processes (cProfile sees only the MkDocs "
                             "process; 0 profiles the concept pages' rendering too)")
    args = parser.parse_args(argv)

    tmp = None
    if args.workdir:
        project = args.workdir.resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="conceptwiki-profile-")
        project = Path(tmp.name) / "project"
    (gen.generate_floor if args.floor else gen.generate)(project, args.n, args.seed)
    if args.workers is not None and not args.floor:
        _set_workers(project / "mkdocs.yml", args.workers)
    prof = (args.out or project / "build.prof").resolve()
    # A cold build, as bench/run.py measures it: an empty cache folder, so no citation is
    # read from an earlier build's cache.
    cache = tempfile.TemporaryDirectory(prefix="conceptwiki-profile-cache-")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", XDG_CACHE_HOME=cache.name)
    if args.memory:
        print(f"memory of mkdocs build at N={args.n} in {project} …", file=sys.stderr)
        subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT], cwd=project, env=env, check=True)
        if tmp is not None:
            tmp.cleanup()
        cache.cleanup()
        return 0
    print(f"profiling mkdocs build of {'the floor' if args.floor else 'conceptwiki'} at "
          f"N={args.n} in {project} …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "mkdocs", "build",
                    "-q", "-d", "site"], cwd=project, env=env, check=True)
    stats = pstats.Stats(str(prof))
    total = max(ct for (_cc, _nc, _tt, ct, _c) in stats.stats.values())  # type: ignore[attr-defined]
    print(f"\nTotal (profiled, so slower than a plain build): {total:.2f} s\n")
    print("Phases (cumulative time, may overlap):")
    for label, seconds, calls in phase_split(stats):
        print(f"  {seconds:8.2f} s {seconds / total:6.1%}  {calls:>8} calls  {label}")
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(str(prof), stream=buf).strip_dirs().sort_stats(order).print_stats(args.top)
        text = buf.getvalue()
        print(f"\nTop {args.top} by {order}:\n" + text[text.find("   ncalls"):].rstrip())
    if tmp is not None and args.out is None:
        tmp.cleanup()
    cache.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
