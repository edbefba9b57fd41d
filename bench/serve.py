"""Benchmark: edit → preview in ``mkdocs serve --dirty`` (issue 20).

For each size N this generates a conceptwiki project and the floor (``bench/generate.py``),
starts a real ``mkdocs serve --dirty`` on each, waits for the first build, then repeatedly
saves an edit and measures the time from the save until the page served over HTTP shows it:

* **summary**: a sentence appended to an entry's summary, seen on that entry's page;
* **title**: the entry's title changed, seen on a page that links to it (``[[slug]]``, so the
  link shows the title);
* **floor**: the same sentence appended to the floor's page (plain mkdocs-material, also
  ``serve --dirty``), seen on that page: what MkDocs alone costs.

The edited entry is one with a median number of incoming links among those with any (the
title edit then re-renders a typical number of pages); ``--hub`` also measures a title edit
of the most linked entry. The latency includes MkDocs' file watcher (it polls every 0.5 s and
waits 0.1 s for more changes): that is in the floor too. The 1-minute load average is
recorded with every figure (other work on the machine slows rebuilds down).

    .venv/bin/python bench/serve.py --sizes 1000 [--repeat 5] [--hub] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate as gen  # noqa: E402

MOUNT = "/wiki/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load() -> float:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else float("nan")


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return None


class Server:
    """A real ``mkdocs serve --dirty`` in ``project``, its log in ``project/serve.log``."""

    def __init__(self, project: Path, cache: Path, *, timeout: float) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}{MOUNT}"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", XDG_CACHE_HOME=str(cache), PYTHONUNBUFFERED="1")
        env.pop("CONCEPTWIKI_TIMINGS", None)
        self.log = open(project / "serve.log", "wb")
        mkdocs = Path(sys.executable).with_name("mkdocs")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([str(mkdocs), "serve", "--dirty", "-a", f"127.0.0.1:{self.port}"],
                                     cwd=project, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        while _get(self.base) is None:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited; see {project / 'serve.log'}")
            if time.perf_counter() - t0 > timeout:
                self.stop()
                raise RuntimeError(f"mkdocs serve did not answer within {timeout:.0f} s")
            time.sleep(0.5)
        self.first_build = time.perf_counter() - t0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def edit_to_preview(server: Server, path: Path, edit, page: str, marker: str, *,
                    timeout: float) -> tuple[float, float]:
    """Save ``edit(text)`` to ``path``; seconds until ``page`` (a URL path under the mount)
    contains ``marker``, and the load average at the save."""
    text = path.read_text(encoding="utf-8")
    new = edit(text)
    load = _load()
    t0 = time.perf_counter()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(new)
    url = server.base + page
    while True:
        body = _get(url)
        elapsed = time.perf_counter() - t0
        if body is not None and marker in body:
            return elapsed, load
        if elapsed > timeout:
            raise RuntimeError(f"{url} did not show {marker!r} within {timeout:.0f} s")
        time.sleep(0.02)


def _yaml_edit(change):
    def edit(text: str) -> str:
        data = yaml.safe_load(text)
        change(data)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100_000)
    return edit


@dataclass
class Figure:
    name: str
    seconds: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class SizeServe:
    n: int
    edited: str
    linker: str
    in_degree: int
    first_build: float
    floor_first_build: float
    figures: dict[str, Figure]


def pick(model: gen.Model) -> tuple[str, str, int, str, str]:
    """(edited, linker, its in-degree, hub, hub's linker): entries and pages linking to them
    with ``[[slug]]`` (so the link shows the title)."""
    linkers: dict[str, list[str]] = {}
    plain: dict[str, list[str]] = {}
    for c in model.concepts:
        for link in gen._links_of(c):
            linkers.setdefault(link.target, []).append(c.slug)
            if link.form == "slug" and link.target != c.slug:
                plain.setdefault(link.target, []).append(c.slug)
    ranked = sorted((s for s in plain), key=lambda s: (len(set(linkers[s])), s))
    edited = ranked[len(ranked) // 2]
    hub = ranked[-1]
    return edited, sorted(plain[edited])[0], len(set(linkers[edited])), hub, sorted(plain[hub])[0]


def measure(n: int, work: Path, *, repeat: int, hub: bool, timeout: float, seed: int = 0) -> SizeServe:
    project, floor = work / f"serve-{n}", work / f"serve-{n}-floor"
    model = gen.generate(project, n, seed)
    gen.generate_floor(floor, n, seed)
    edited, linker, degree, hub_slug, hub_linker = pick(model)
    figures = {k: Figure(k) for k in ("summary", "title", "floor")}
    if hub:
        figures["title (hub)"] = Figure("title (hub)")
    print(f"N={n}: editing {edited} ({degree} linking entries), seen on {linker}", file=sys.stderr)
    server = Server(project, work / f"cache-{n}", timeout=timeout)
    try:
        first = server.first_build
        print(f"N={n}: first build {first:.1f} s", file=sys.stderr)
        entry = project / "concepts" / f"{edited}.yaml"
        for i in range(repeat):
            marker = f"Sentence {i} added to measure edit to preview."
            s, load = edit_to_preview(server, entry, _yaml_edit(lambda d: d.update(
                summary=d["summary"] + " " + marker)), f"concepts/{edited}/", marker, timeout=timeout)
            figures["summary"].seconds.append(s)
            figures["summary"].loads.append(load)
            time.sleep(1.0)
            title = f"Retitled concept number {i}"
            s, load = edit_to_preview(server, entry, _yaml_edit(lambda d: d.update(title=title)),
                                      f"concepts/{linker}/", title, timeout=timeout)
            figures["title"].seconds.append(s)
            figures["title"].loads.append(load)
            print(f"  N={n} #{i}: summary {figures['summary'].seconds[-1]:.2f} s, title {s:.2f} s "
                  f"(load {load})", file=sys.stderr)
            time.sleep(1.0)
        if hub:
            entry = project / "concepts" / f"{hub_slug}.yaml"
            for i in range(repeat):
                title = f"Retitled hub number {i}"
                s, load = edit_to_preview(server, entry, _yaml_edit(lambda d: d.update(title=title)),
                                          f"concepts/{hub_linker}/", title, timeout=timeout)
                figures["title (hub)"].seconds.append(s)
                figures["title (hub)"].loads.append(load)
                print(f"  N={n} hub #{i}: title {s:.2f} s (load {load})", file=sys.stderr)
                time.sleep(1.0)
    finally:
        server.stop()
    server = Server(floor, work / f"cache-{n}-floor", timeout=timeout)
    try:
        page = floor / "docs" / "concepts" / f"{edited}.md"
        for i in range(repeat):
            marker = f"Sentence {i} added to measure edit to preview."
            s, load = edit_to_preview(server, page, lambda t: t + f"\n{marker}\n",
                                      f"concepts/{edited}/", marker, timeout=timeout)
            figures["floor"].seconds.append(s)
            figures["floor"].loads.append(load)
            print(f"  N={n} floor #{i}: {s:.2f} s (load {load})", file=sys.stderr)
            time.sleep(1.0)
    finally:
        server.stop()
    return SizeServe(n, edited, linker, degree, first, server.first_build, figures)


TARGETS = {1000: 1.0, 5000: 2.0}


def report(results: list[SizeServe]) -> str:
    rows = ["| N | edit | median s | runs s | load (1 min) at each save | floor median s | target |",
            "| ---: | --- | ---: | --- | --- | ---: | --- |"]
    for r in results:
        floor = r.figures["floor"].median
        for name, f in r.figures.items():
            if name == "floor":
                continue
            target = TARGETS.get(r.n)
            mark = "–" if target is None else (f"≤ {target:g} s: " + ("met" if f.median <= target else "not met"))
            rows.append(f"| {r.n:,} | {name} | {f.median:.2f} | {', '.join(f'{x:.2f}' for x in f.seconds)} | "
                        f"{', '.join(f'{x:.2f}' for x in f.loads)} | {floor:.2f} | {mark} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated numbers of concepts (default 1000)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--hub", action="store_true", help="also a title edit of the most linked entry")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    tmp = None
    if args.workdir:
        work = args.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="conceptwiki-serve-bench-")
        work = Path(tmp.name)
    try:
        results = [measure(n, work, repeat=args.repeat, hub=args.hub, timeout=args.timeout) for n in sizes]
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
