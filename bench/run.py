"""Benchmark: build synthetic wikis of growing size with MkDocs and compare with plain Markdown.

For each size N (100, 1000 and 5000 by default) this generates, in a temporary folder,

* a conceptwiki project (``bench/generate.py``: N entries, ~N/2 BibTeX sources), and
* the *floor*: the same N pages as hand-written Markdown for stock mkdocs-material,

and runs ``mkdocs build -q -d site`` on each as a child process, cold (a freshly generated
folder, no ``site/``, an empty ``XDG_CACHE_HOME``). It measures the wall time, the peak RSS
of the whole process tree (the MkDocs process, its page workers and the Pagefind indexer,
sampled from ``/proc`` every 50 ms: :class:`TreeSampler`) and the MkDocs process's own peak, the size of ``site/``
and of the search index (``site/pagefind/`` or ``site/search/search_index.json``, and what a
reader downloads before the first query: ``search_sizes``), and reads the plugin's own phase timings from the
file named by ``CONCEPTWIKI_TIMINGS``. Then it edits one concept and builds again in the same
folder (the warm rebuild), and does the same for the floor.

    .venv/bin/python bench/run.py                        # N = 100, 1000, 5000
    .venv/bin/python bench/run.py --sizes 100,1000 --json out.json
    .venv/bin/python bench/run.py --quick                # smoke run at N = 50
    .venv/bin/python bench/run.py --write-results        # also write bench/RESULTS.md

The results are printed as Markdown tables, followed by the target checks.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate as gen  # noqa: E402

DEFAULT_SIZES = (100, 1000, 5000)
QUICK_SIZES = (50,)
MIB = 1024 * 1024

#: Columns of the main table (the test checks that all of them are printed).
COLUMNS = ["N", "build s", "ms/concept", "plugin s (% of build)", "load s", "links s",
           "citations s", "render s", "pages s", "search s", "workers CPU s", "floor s", "× floor",
           "tree peak RSS MiB", "main peak RSS MiB", "site MiB",
           "search index MiB", "search first load KiB"]
#: Columns of the second table: the floor on its own, and rebuilds after one edit.
COLUMNS_2 = ["N", "warm rebuild s", "floor warm rebuild s", "warm × floor warm",
             "floor peak RSS MiB", "floor site MiB", "floor search index MiB", "warnings"]
PHASES = ("load", "links", "citations", "render", "pages", "search", "workers_cpu")

RESULTS_MD = HERE / "RESULTS.md"
NOTES_MARKER = "<!-- Everything below this line is kept when run.py rewrites this file. -->"


# --------------------------------------------------------------------------------------------
# One build
# --------------------------------------------------------------------------------------------


@dataclass
class Build:
    seconds: float
    #: Peak RSS of the whole process tree: the largest sum over the live processes at one sample.
    max_rss_mib: float
    returncode: int
    #: The main ``mkdocs`` process's own peak (``VmHWM``), its children excluded.
    main_rss_mib: float = 0.0
    #: The largest single process of the tree (``wait4``'s ``ru_maxrss``).
    largest_rss_mib: float = 0.0
    #: What each process held at the tree's peak: (command, MiB), largest first.
    peak_parts: list[tuple[str, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    site_mib: float = 0.0
    search_index_mib: float = 0.0
    search_first_kib: float = 0.0     # what a reader downloads before the first query
    timings: dict[str, float] = field(default_factory=dict)
    load_before: float | None = None     # 1-minute load average when the build started


def _mkdocs() -> list[str]:
    exe = Path(sys.executable).parent / "mkdocs"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "mkdocs"]


def _tree_size(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def search_sizes(site: Path) -> tuple[float, float]:
    """(search index on disk in MiB, KiB a reader downloads before the first query).

    Pagefind (``site/pagefind/``): the first load is pagefind.js, its worker, the WebAssembly
    and metadata of the site's language and the entry file (the files a browser fetches on
    opening search, checked by ``bench/search_probe.py``); each query then loads index chunks
    and result fragments. Material's lunr: the worker script and the whole search_index.json,
    fetched on every page load.
    """
    bundle = site / "pagefind"
    if bundle.is_dir():
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        first = [bundle / "pagefind.js", bundle / "pagefind-worker.js", bundle / "pagefind-entry.json"]
        for lang in entry.get("languages", {}).values():
            first += [bundle / f"wasm.{lang['wasm']}.pagefind", bundle / f"pagefind.{lang['hash']}.pf_meta"]
        return (_tree_size(bundle) / MIB,
                sum(p.stat().st_size for p in first if p.is_file()) / 1024)
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return 0.0, 0.0
    workers = list((site / "assets" / "javascripts" / "workers").glob("search*.js"))
    size = index.stat().st_size
    return size / MIB, (size + sum(p.stat().st_size for p in workers)) / 1024


_PAGE_KIB = (os.sysconf("SC_PAGE_SIZE") // 1024) if hasattr(os, "sysconf") else 4


def _proc_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command name) of every process in ``/proc``."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
        except OSError:
            continue  # exited meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        comm = stat[stat.find("(") + 1:stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2:].split()
        table[int(name)] = (int(fields[1]), comm)
    return table


def _rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE_KIB
    except (OSError, IndexError, ValueError):
        return None


def _hwm_kib(pid: int) -> int | None:
    """The process's own peak RSS so far (``VmHWM``), children excluded."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return None


class TreeSampler(threading.Thread):
    """Sample the RSS of a process and all its descendants every ``interval`` seconds.

    ``wait4``'s ``ru_maxrss`` is the largest *single* process of the tree (the child's own
    peak or that of a descendant it waited for), not what the tree holds at once: the MkDocs
    process, its page workers (``pipeline/parallel.py``) and the Pagefind indexer run side by
    side. The tree's peak is the largest sum of the RSS of every live process of the tree at one
    sample. Forked workers share unmodified pages with their parent and RSS counts those in
    each, so the sum is an upper bound of the memory the tree needs.

    Cost: finding the tree means reading every ``/proc/<pid>/stat`` (this kernel has no
    ``/proc/<pid>/task/<tid>/children``); doing that every 50 ms took 8 % of a core. So the tree
    is looked up every ``scan_every`` samples (0.5 s) and only its members' ``statm`` read in
    between; the workers and the Pagefind indexer live for minutes, and a process younger than
    0.5 s is found at the next look-up.
    """

    def __init__(self, root: int, interval: float = 0.05, scan_every: int = 10) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.scan_every = scan_every
        self.peak_kib = 0
        self.peak_parts: list[tuple[str, int]] = []   # (command, RSS KiB) at the peak
        self.root_hwm_kib = 0
        self.samples = 0
        self._tree: dict[int, str] = {}               # pid -> command
        self._done = threading.Event()

    def _scan(self) -> None:
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _comm) in table.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = {}, [self.root]
        while todo:
            pid = todo.pop()
            tree[pid] = table.get(pid, (0, "?"))[1] + (" (main)" if pid == self.root else "")
            todo.extend(children.get(pid, ()))
        self._tree = tree

    def sample(self) -> None:
        if self.samples % self.scan_every == 0:
            self._scan()
        self.samples += 1
        parts = []
        for pid, comm in self._tree.items():
            rss = _rss_kib(pid)
            if rss:
                parts.append((comm, rss))
        hwm = _hwm_kib(self.root)
        if hwm:
            self.root_hwm_kib = max(self.root_hwm_kib, hwm)
        total = sum(rss for _c, rss in parts)
        if total > self.peak_kib:
            self.peak_kib = total
            self.peak_parts = sorted(parts, key=lambda p: -p[1])

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def run_build(project: Path, *, cache_dir: Path, timings: Path | None = None,
              timeout: float | None = None) -> Build:
    """Run ``mkdocs build -q -d site`` in ``project``; measure its wall time and memory: the
    peak of the whole process tree (:class:`TreeSampler`), the main process's own peak, and the
    largest single process (``wait4``)."""
    env = dict(os.environ)
    env.update({
        "NO_MKDOCS_2_WARNING": "1",          # Material's end-of-life banner
        "XDG_CACHE_HOME": str(cache_dir),    # a cache of our own: cold builds start empty
        "PYTHONUNBUFFERED": "1",
    })
    env.pop("CONCEPTWIKI_TIMINGS", None)
    if timings is not None:
        timings.unlink(missing_ok=True)
        env["CONCEPTWIKI_TIMINGS"] = str(timings)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    err_path = cache_dir.parent / f".stderr-{os.getpid()}-{time.monotonic_ns()}.txt"
    with open(err_path, "w+b") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*_mkdocs(), "build", "-q", "-d", "site"], cwd=project, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        rusage = None
        deadline = None if timeout is None else t0 + timeout
        if hasattr(os, "wait4"):
            # wait4 gives the rusage of this child only (RUSAGE_CHILDREN would be the maximum
            # over every child this process has waited for so far).
            while True:
                pid, status, rusage = os.wait4(proc.pid, os.WNOHANG if deadline else 0)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    proc.kill()
                    pid, status, rusage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.05)
            seconds = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            largest = rusage.ru_maxrss / 1024  # KiB on Linux
        else:  # pragma: no cover - not Linux
            proc.wait(timeout)
            seconds = time.perf_counter() - t0
            import resource
            largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        sampler.stop()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    err_path.unlink(missing_ok=True)
    warnings = [line for line in stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    # The sampler misses at most the last interval: a tree never holds less than its largest
    # process, nor the main process less than its own last high-water mark.
    build = Build(seconds=seconds, max_rss_mib=max(sampler.peak_kib / 1024, largest),
                  main_rss_mib=sampler.root_hwm_kib / 1024, largest_rss_mib=largest,
                  peak_parts=[(c, kib / 1024) for c, kib in sampler.peak_parts],
                  returncode=proc.returncode, warnings=warnings, load_before=load)
    if proc.returncode != 0:
        tail = "\n".join(stderr.splitlines()[-30:])
        raise RuntimeError(f"mkdocs build failed in {project} (exit {proc.returncode}):\n{tail}")
    site = project / "site"
    build.site_mib = _tree_size(site) / MIB
    build.search_index_mib, build.search_first_kib = search_sizes(site)
    if timings is not None and timings.is_file():
        try:
            data = json.loads(timings.read_text(encoding="utf-8"))
            build.timings = {k: float(v) for k, v in data.items() if isinstance(v, (int, float))}
        except (ValueError, OSError):
            build.timings = {}
    return build


# --------------------------------------------------------------------------------------------
# One size
# --------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    sources: int
    wikilinks: int
    plugin: Build
    floor: Build
    warm: Build
    floor_warm: Build
    plugin_runs: list[float] = field(default_factory=list)
    floor_runs: list[float] = field(default_factory=list)

    @property
    def ms_per_concept(self) -> float:
        return self.plugin.seconds * 1000 / self.n

    @property
    def plugin_seconds(self) -> float | None:
        return self.plugin.timings.get("total")

    @property
    def plugin_share(self) -> float | None:
        t = self.plugin_seconds
        return None if t is None else t / self.plugin.seconds

    @property
    def ratio(self) -> float:
        return self.plugin.seconds / self.floor.seconds

    @property
    def warm_ratio(self) -> float:
        return self.warm.seconds / self.floor_warm.seconds


def _median_build(builds: list[Build]) -> Build:
    ordered = sorted(builds, key=lambda b: b.seconds)
    return ordered[(len(ordered) - 1) // 2]


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def measure_size(n: int, work: Path, *, seed: int = 0, repeat: int = 1,
                 timeout: float | None = None) -> SizeResult:
    """Cold builds (``repeat`` times, the median kept) and one warm rebuild, plugin and floor."""
    plugin_builds: list[Build] = []
    floor_builds: list[Build] = []
    for i in range(repeat):
        # Floor and plugin alternate, so that drift in the machine affects both alike.
        for which in ("floor", "plugin"):
            project = work / f"n{n}-{which}-{i}"
            cache = work / f"n{n}-{which}-{i}-cache"
            for p in (project, cache):
                if p.exists():
                    shutil.rmtree(p)
            cache.mkdir(parents=True)
            t0 = time.perf_counter()
            model = (gen.generate_floor if which == "floor" else gen.generate)(project, n, seed)
            _log(f"  N={n} {which}: generated in {time.perf_counter() - t0:.1f} s; building…")
            b = run_build(project, cache_dir=cache, timeout=timeout,
                          timings=(work / f"n{n}-{i}-timings.json") if which == "plugin" else None)
            _log(f"  N={n} {which}: {b.seconds:.2f} s, tree peak {b.max_rss_mib:.0f} MiB "
                 f"({_parts(b)}), main process {b.main_rss_mib:.0f} MiB, "
                 f"{len(b.warnings)} warning(s)")
            (floor_builds if which == "floor" else plugin_builds).append(b)
            if i == repeat - 1:
                # Warm rebuild: edit one concept, build again in the same folder and cache.
                gen.edit_concept(project, model, floor=(which == "floor"))
                w = run_build(project, cache_dir=cache, timeout=timeout,
                              timings=work / f"n{n}-warm-timings.json" if which == "plugin" else None)
                _log(f"  N={n} {which}: warm rebuild {w.seconds:.2f} s")
                if which == "floor":
                    floor_warm, floor_model = w, model
                else:
                    warm, plugin_model = w, model
    links = sum(1 for c in plugin_model.concepts for _ in gen._links_of(c))
    return SizeResult(n=n, sources=len(plugin_model.sources), wikilinks=links,
                      plugin=_median_build(plugin_builds), floor=_median_build(floor_builds),
                      warm=warm, floor_warm=floor_warm,
                      plugin_runs=[b.seconds for b in plugin_builds],
                      floor_runs=[b.seconds for b in floor_builds])


def warm_up(work: Path) -> None:
    """One small build first, so the first measured build does not pay for cold disk caches."""
    project = work / "warm-up"
    gen.generate(project, 10, 0)
    cache = work / "warm-up-cache"
    cache.mkdir(exist_ok=True)
    try:
        run_build(project, cache_dir=cache)
    finally:
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def table(results: list[SizeResult]) -> str:
    rows = ["| " + " | ".join(COLUMNS) + " |",
            "|" + "|".join(" ---: " for _ in COLUMNS) + "|"]
    for r in results:
        t = r.plugin.timings
        share = r.plugin_share
        plugin = "–" if r.plugin_seconds is None else f"{r.plugin_seconds:.2f} ({share:.0%})"
        rows.append("| " + " | ".join([
            f"{r.n:,}", _f(r.plugin.seconds), _f(r.ms_per_concept, 1), plugin,
            *(_f(t.get(k)) for k in PHASES),
            _f(r.floor.seconds), f"{r.ratio:.2f}×", _f(r.plugin.max_rss_mib, 0),
            _f(r.plugin.main_rss_mib, 0),
            _f(r.plugin.site_mib, 1), _f(r.plugin.search_index_mib, 1),
            _f(r.plugin.search_first_kib, 0),
        ]) + " |")
    return "\n".join(rows)


def table2(results: list[SizeResult]) -> str:
    rows = ["| " + " | ".join(COLUMNS_2) + " |",
            "|" + "|".join(" ---: " for _ in COLUMNS_2) + "|"]
    for r in results:
        rows.append("| " + " | ".join([
            f"{r.n:,}", _f(r.warm.seconds), _f(r.floor_warm.seconds), f"{r.warm_ratio:.2f}×",
            _f(r.floor.max_rss_mib, 0), _f(r.floor.site_mib, 1), _f(r.floor.search_index_mib, 1),
            f"{len(r.plugin.warnings)} / {len(r.floor.warnings)}",
        ]) + " |")
    return "\n".join(rows)


def targets(results: list[SizeResult]) -> list[str]:
    """The target checks, one line each, marked met / not met (or n/a without the sizes)."""
    by_n = {r.n: r for r in results}
    big, mid = by_n.get(5000), by_n.get(1000)

    def line(ok: bool | None, text: str, value: str) -> str:
        mark = "n/a" if ok is None else ("met" if ok else "not met")
        return f"- **{mark}** — {text}: {value}"

    missing = "not measured (run with N=5000)"
    out = []
    if big is None or big.plugin_share is None:
        out.append(line(None, "plugin ≤ 15% of the build at N=5,000",
                        missing if big is None else "the plugin wrote no timings"))
    else:
        out.append(line(big.plugin_share <= 0.15, "plugin ≤ 15% of the build at N=5,000",
                        f"{big.plugin_share:.1%} ({big.plugin_seconds:.2f} s of {big.plugin.seconds:.2f} s)"))
    if big is None:
        out.append(line(None, "build ≤ 1.25× the floor at N=5,000", missing))
    else:
        out.append(line(big.ratio <= 1.25, "build ≤ 1.25× the floor at N=5,000",
                        f"{big.ratio:.2f}× ({big.plugin.seconds:.2f} s vs {big.floor.seconds:.2f} s)"))
    if big is None or mid is None:
        out.append(line(None, "ms per concept at N=5,000 ≤ 1.3× that at N=1,000",
                        "not measured (run with N=1000 and N=5000)"))
    else:
        k = big.ms_per_concept / mid.ms_per_concept
        out.append(line(k <= 1.3, "ms per concept at N=5,000 ≤ 1.3× that at N=1,000",
                        f"{k:.2f}× ({big.ms_per_concept:.1f} vs {mid.ms_per_concept:.1f} ms)"))
    if big is None:
        out.append(line(None, "peak RSS of the whole process tree ≤ 1 GiB at N=5,000", missing))
    else:
        out.append(line(big.plugin.max_rss_mib <= 1024,
                        "peak RSS of the whole process tree ≤ 1 GiB at N=5,000",
                        f"{big.plugin.max_rss_mib:,.0f} MiB ({_parts(big.plugin)}; "
                        f"floor {big.floor.max_rss_mib:,.0f} MiB)"))
    return out


def _parts(build: Build) -> str:
    """What held the memory at the tree's peak: ``mkdocs (main) 700 + pagefind_extended 400``."""
    parts: dict[str, float] = {}
    for comm, mib in build.peak_parts:
        parts[comm] = parts.get(comm, 0.0) + mib
    count = {c: sum(1 for cc, _m in build.peak_parts if cc == c) for c in parts}
    return " + ".join(f"{c}{f' ×{count[c]}' if count[c] > 1 else ''} {mib:,.0f}"
                      for c, mib in sorted(parts.items(), key=lambda kv: -kv[1]) if mib >= 1) or "–"


def report(results: list[SizeResult]) -> str:
    lines = [table(results), "",
             "Floor (same pages, plain mkdocs-material) and rebuilds after editing one concept:",
             "", table2(results), "", "Targets:", "", *targets(results)]
    warns = [(r.n, w) for r in results for w in r.plugin.warnings]
    if warns:
        lines += ["", f"The conceptwiki builds printed {len(warns)} warning(s), e.g.:", ""]
        lines += [f"    N={n}: {w}" for n, w in warns[:5]]
    return "\n".join(lines)


def machine() -> dict:
    info: dict = {"uname": " ".join(platform.uname()), "nproc": os.cpu_count(),
                  "python": sys.version.split()[0], "date": _dt.datetime.now().isoformat(timespec="seconds")}
    try:
        info["uname"] = subprocess.run(["uname", "-a"], capture_output=True, text=True,
                                       check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    if hasattr(os, "getloadavg"):
        info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    for dist in ("mkdocs", "mkdocs-material", "Markdown", "citeproc-py", "pydantic"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    try:
        git = ["git", "-C", str(ROOT)]
        info["commit"] = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                                        text=True, check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "plugins", "pyproject.toml"],
                               capture_output=True, text=True, check=True).stdout.strip()
        info["uncommitted_plugin_changes"] = bool(dirty)
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def results_markdown(results: list[SizeResult], info: dict, argv: list[str]) -> str:
    commit = info.get("commit", "?") + (" + uncommitted changes in plugins/"
                                        if info.get("uncommitted_plugin_changes") else "")
    if info.get("commit_changed_during_run"):
        commit += f" (the checkout changed to {info['commit_changed_during_run']} during the run)"
    notes = ""
    if RESULTS_MD.is_file():
        old = RESULTS_MD.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = old.split(NOTES_MARKER, 1)[1].lstrip("\n")
    cmd = " ".join(["bench/run.py", *argv])
    return "\n".join([
        "# Benchmark results",
        "",
        f"Written by `{cmd}` on {info['date']}. Run `make bench` (or "
        "`.venv/bin/python bench/run.py --write-results`) to measure again.",
        "",
        "Each row: a synthetic wiki of N concepts (`bench/generate.py`: ~N/2 BibTeX sources, "
        "5–10 wikilinks per entry with heavy-tailed targets) built cold with "
        "`mkdocs build -q -d site`, against the *floor*: the same N pages as hand-written "
        "Markdown for stock mkdocs-material. Times are wall-clock seconds of the whole "
        "`mkdocs build` process; tree peak RSS is the largest sum of the RSS of that process and "
        "all its descendants (page workers, the Pagefind indexer) at one moment, sampled every "
        "50 ms, and main peak RSS the MkDocs process's own (`VmHWM`); the phase columns "
        "are the plugin's own timings (`CONCEPTWIKI_TIMINGS`).",
        "",
        "## Machine",
        "",
        f"- `{info.get('uname', '?')}`",
        f"- {info.get('nproc', '?')} CPUs ({info.get('cpus_usable', '?')} usable), "
        f"{info.get('memory_gib', '?')} GiB memory",
        f"- Python {info.get('python')}, mkdocs {info.get('mkdocs', '?')}, mkdocs-material "
        f"{info.get('mkdocs-material', '?')}, Markdown {info.get('Markdown', '?')}, "
        f"citeproc-py {info.get('citeproc-py', '?')}",
        f"- git commit {commit}",
        f"- load average when the run started / ended: {info.get('loadavg_start', '?')} / "
        f"{info.get('loadavg', '?')} (other work on the machine slows the builds down)",
        "",
        "## Results",
        "",
        report(results),
        "",
        NOTES_MARKER,
        "",
        notes.rstrip("\n") + "\n" if notes else "",
    ]).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(x.replace("_", "")) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}")
    if not sizes or min(sizes) < 2:
        raise argparse.ArgumentTypeError("sizes must be numbers ≥ 2")
    return sizes


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="comma-separated numbers of concepts (default 100,1000,5000)")
    parser.add_argument("--quick", action="store_true", help="smoke run: N=50 only")
    parser.add_argument("--repeat", type=int, default=1,
                        help="cold builds per size; the median is reported (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="save the raw results to this file")
    parser.add_argument("--write-results", action="store_true", help=f"write {RESULTS_MD.relative_to(ROOT)}")
    parser.add_argument("--workdir", type=Path,
                        help="build here and keep the projects (default: a temporary folder)")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the unmeasured first build")
    parser.add_argument("--timeout", type=float, default=None, help="seconds allowed per build")
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)

    tmp = None
    if args.workdir:
        work = args.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="conceptwiki-bench-")
        work = Path(tmp.name)
    info = machine()   # before the builds: the commit that is measured
    info["loadavg_start"] = info.pop("loadavg", None)
    try:
        if not args.no_warm_up:
            _log("warm-up build (not measured)…")
            warm_up(work)
        results = []
        for n in sizes:
            _log(f"N={n}:")
            results.append(measure_size(n, work, seed=args.seed, repeat=max(1, args.repeat),
                                        timeout=args.timeout))
    finally:
        if tmp is not None:
            tmp.cleanup()

    print(report(results))
    end = machine()
    info["loadavg"] = end.get("loadavg")
    if (end.get("commit"), end.get("uncommitted_plugin_changes")) != \
            (info.get("commit"), info.get("uncommitted_plugin_changes")):
        info["commit_changed_during_run"] = end.get("commit")
        _log(f"warning: the checkout changed during the run ({info.get('commit')} → {end.get('commit')})")
    if args.json:
        raw = {"machine": info, "argv": argv, "results": [
            {**{k: v for k, v in asdict(r).items()},
             "ms_per_concept": r.ms_per_concept, "plugin_share": r.plugin_share,
             "ratio_to_floor": r.ratio, "warm_ratio_to_floor_warm": r.warm_ratio}
            for r in results], "targets": targets(results)}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _log(f"raw results written to {args.json}")
    if args.write_results:
        RESULTS_MD.write_text(results_markdown(results, info, argv), encoding="utf-8")
        _log(f"results written to {RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
