"""How fast hostile input is rejected: alias bombs, deep nesting, oversized and huge files.

    .venv/bin/python bench/hardening.py [--repeat 20]

Prints a Markdown table for bench/RESULTS.md ("Hardening"). In-process times are the median
of ``--repeat`` runs of ``load_yaml`` / ``load_bib_files``; the ``check`` row is the whole
``conceptwiki check`` process (Python start-up included) on a project holding only that file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tests"))

from conceptwiki.bibtex import MAX_BIB_BYTES, load_bib_files  # noqa: E402
from conceptwiki.model.problems import Problems  # noqa: E402
from conceptwiki.model.yamlsafe import MAX_BYTES, load_yaml  # noqa: E402
from test_bad_input import billion_laughs  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def yaml_case(data: bytes, repeat: int) -> tuple[float, str]:
    problems = Problems()
    load_yaml(data, "concepts/x.yaml", problems)
    msg = str(problems.errors[0]) if problems.errors else "(accepted)"
    return median_ms(lambda: load_yaml(data, "concepts/x.yaml", Problems()), repeat), msg


def check_process(name: str, data: bytes) -> float:
    with tempfile.TemporaryDirectory(prefix="cw-harden-") as tmp:
        root = Path(tmp)
        (root / "concepts").mkdir()
        (root / "bib").mkdir()
        (root / "concepts" / name).write_bytes(data)
        env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "conceptwiki.cli", "check"], cwd=root, env=env,
                       capture_output=True, timeout=120)
        return (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    bomb = billion_laughs().encode()
    rows = []
    ms, msg = yaml_case(bomb, args.repeat)
    rows.append((f"billion laughs (9 levels × 9, {len(bomb)} bytes, 9⁹ ≈ 387 million strings if expanded)",
                 ms, msg))
    deep = ("title: x\nsummary: " + "[" * 100_000 + "]" * 100_000 + "\n").encode()
    rows.append((f"deep nesting ('[' × 100,000, {len(deep):,} bytes)", *yaml_case(deep, args.repeat)))
    big = b"title: x\ndetails: |\n" + b"  x\n" * (MAX_BYTES // 4 + 10)
    rows.append((f"oversized entry ({len(big):,} bytes)", *yaml_case(big, args.repeat)))
    with tempfile.TemporaryDirectory(prefix="cw-harden-") as tmp:
        huge = Path(tmp) / "huge.bib"
        huge.write_bytes(b"@misc{huge,\n  note = {" + b"x" * (MAX_BIB_BYTES + 1) + b"}\n}\n")
        ms = median_ms(lambda: load_bib_files([huge]), args.repeat)
        rows.append((f"BibTeX over the limit ({huge.stat().st_size:,} bytes)", ms,
                     str(load_bib_files([huge])[1].errors[0])))
        n = 0
        entries = []
        size = 0
        while True:
            e = (f"@article{{key{n},\n  author = {{Doe, Jane and Roe, Richard}},\n  title = {{Title {n} about "
                 f"{{AI}} safety}},\n  journal = {{Journal}},\n  year = {{2020}}\n}}\n\n")
            if size + len(e) > MAX_BIB_BYTES - 1024:
                break
            entries.append(e)
            size += len(e)
            n += 1
        full = Path(tmp) / "full.bib"
        full.write_text("".join(entries), encoding="utf-8")
        ms = median_ms(lambda: load_bib_files([full]), max(1, args.repeat // 10))
        rows.append((f"BibTeX just under the limit ({full.stat().st_size:,} bytes, {n:,} entries)", ms,
                     "(accepted)"))
        bomb_bib = Path(tmp) / "string-bomb.bib"
        lines = ['@string{s0 = "lollollollollollollollollol"}']
        lines += [f"@string{{s{i} = " + " # ".join([f"s{i - 1}"] * 10) + "}" for i in range(1, 10)]
        bomb_bib.write_text("\n".join(lines) + "\n@article{b,\n  title = s9,\n  year = {2020}\n}\n")
        ms = median_ms(lambda: load_bib_files([bomb_bib]), args.repeat)
        rows.append((f"BibTeX @string bomb (9 levels × 10, {bomb_bib.stat().st_size} bytes, 27 GB if expanded)",
                     ms, str(load_bib_files([bomb_bib])[1].errors[0])))
        wide = Path(tmp) / "wide-bomb.bib"
        wide.write_text("@string{s = {" + ("word {AI} \\'e " * 7000)[:99000] + "}}\n"
                        + "".join(f"@misc{{k{i}, title = s # {{{i}}}}}\n" for i in range(5000)))
        ms = median_ms(lambda: load_bib_files([wide]), max(1, args.repeat // 10))
        rows.append((f"BibTeX wide @string bomb (a 99,000-character macro used by 5,000 entries, "
                     f"{wide.stat().st_size:,} bytes)", ms, str(load_bib_files([wide])[1].errors[0])[:160]))
        unbalanced = Path(tmp) / "unbalanced.bib"
        unbalanced.write_text("@article{x,\n  title = {" + "{" * 100_000 + "}\n}\n", encoding="utf-8")
        ms = median_ms(lambda: load_bib_files([unbalanced]), args.repeat)
        rows.append(("BibTeX with 100,000 unclosed braces", ms,
                     str(load_bib_files([unbalanced])[1].errors[0])[:120]))
    proc = check_process("billion-laughs.yaml", bomb)
    print("| input | rejected in (median) | error |")
    print("| --- | ---: | --- |")
    for what, ms, msg in rows:
        print(f"| {what} | {ms:.2f} ms | `{msg}` |")
    print(f"| `conceptwiki check` process on a project with only the billion-laughs file "
          f"(start-up included) | {proc:.0f} ms | exit 1 |")


if __name__ == "__main__":
    main()
