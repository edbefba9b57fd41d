"""Profile one ``mkdocs build`` of a generated wiki with cProfile and print where the time goes.

    .venv/bin/python bench/profile.py --n 1000 [--floor] [--top 25] [--out prof.out]
    .venv/bin/python bench/profile.py --n 1000 --memory   # resident memory after each MkDocs event

Prints the functions with the most cumulative and own time, and a split of the build into
MkDocs phases (plugin ``on_files``, Markdown rendering of pages, theme templates, search
index, writing files). The saved profile can be opened with ``python -m pstats`` or snakeviz.
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
PHASES = [
    ("conceptwiki on_files (load, links, render pages)", "conceptwiki/plugin.py", "on_files"),
    ("conceptwiki: load_wiki", "conceptwiki/loader.py", "load_wiki"),
    ("conceptwiki: SiteBuilder.pages", "conceptwiki/site.py", "pages"),
    ("conceptwiki: citation_blocks (cite this page, all styles)", "conceptwiki/site.py", "citation_blocks"),
    ("conceptwiki: references", "conceptwiki/site.py", "references"),
    ("MkDocs: Markdown → HTML of every page (Page.render)", "mkdocs/structure/pages.py", "render"),
    ("Jinja2 Template.render (theme pages and conceptwiki templates)", "jinja2/environment.py", "render"),
    ("MkDocs: whole _build_page", "mkdocs/commands/build.py", "_build_page"),
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
    args = parser.parse_args(argv)

    tmp = None
    if args.workdir:
        project = args.workdir.resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="conceptwiki-profile-")
        project = Path(tmp.name) / "project"
    (gen.generate_floor if args.floor else gen.generate)(project, args.n, args.seed)
    prof = (args.out or project / "build.prof").resolve()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if args.memory:
        print(f"memory of mkdocs build at N={args.n} in {project} …", file=sys.stderr)
        subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT], cwd=project, env=env, check=True)
        if tmp is not None:
            tmp.cleanup()
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
