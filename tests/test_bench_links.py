"""bench/links.py works end to end at small sizes and prints every column. No timing is checked."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import links as bench_links  # noqa: E402


def test_links_benchmark_runs_and_reports(tmp_path: Path, capsys, monkeypatch):
    results_md = tmp_path / "RESULTS.md"
    results_md.write_text("# Benchmark results\n\n## Links\n\nold numbers\n\n## Later section\n\nkept\n",
                          encoding="utf-8")
    monkeypatch.setattr(bench_links, "RESULTS_MD", results_md)
    assert bench_links.main(["--sizes", "40,80", "--repeat", "1", "--workdir", str(tmp_path / "w"),
                             "--write-results"]) == 0
    out = capsys.readouterr().out
    header = next(l for l in out.splitlines() if l.startswith("| N |"))
    assert [c.strip() for c in header.strip("|").split("|")] == bench_links.COLUMNS
    rows = [l for l in out.splitlines() if l.startswith(("| 40 |", "| 80 |"))]
    assert len(rows) == 2
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == len(bench_links.COLUMNS) and all(cells)
        # every generated link resolved: entries have 5-10 each, guides 20 each
        n, entry_links, pages, docs_links = (int(c.replace(",", "")) for c in cells[:4])
        assert 5 * n <= entry_links <= 10 * n and docs_links == 20 * (pages - 1) == 20 * (n // 20)  # + docs/index.md
    assert any(l.startswith(("- **met**", "- **not met**")) for l in out.splitlines())
    text = results_md.read_text(encoding="utf-8")
    assert "old numbers" not in text and text.count("## Links") == 1
    assert text.endswith("## Later section\n\nkept\n") or "## Later section\n\nkept" in text
