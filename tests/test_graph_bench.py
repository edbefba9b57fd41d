"""bench/graph.py works end to end at a small size and keeps RESULTS.md tidy. No timing is
checked here (speed targets live in bench/, not in unit tests)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import graph as graph_bench  # noqa: E402


def test_measure_and_report(tmp_path: Path):
    r = graph_bench.measure(60, tmp_path, repeat=1)
    assert r.n == 60 and r.links > 0 and r.related_pairs > 0
    assert r.drawn == 60                       # below the cap, everything is drawn
    assert 0 < r.map_mean_kib <= r.map_max_kib and 0 < r.map_median_kib <= r.map_max_kib
    assert 0 < r.map_svg_kib + r.map_key_kib + r.map_list_kib <= r.map_max_kib
    assert r.map_svg_kib > 0 and r.map_key_kib > 0 and r.map_list_kib > 0
    assert r.page_html_kib > 0 and r.drawn_edges > 0
    text = graph_bench.section([r], "bench/graph.py --sizes 60")
    assert text.startswith(graph_bench.HEADING + "\n")
    for column in graph_bench.COLUMNS:
        assert column in text
    assert "| 60 |" in text


def test_write_results_replaces_only_its_section(tmp_path: Path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\nintro\n\n## Other\n\nkeep me\n", encoding="utf-8")
    graph_bench.write_results("## Graphs\n\nfirst\n", path)
    graph_bench.write_results("## Graphs\n\nsecond\n", path)
    text = path.read_text(encoding="utf-8")
    assert text.count("## Graphs") == 1 and "second" in text and "first" not in text
    assert "## Other\n\nkeep me" in text
    path.write_text(text + "\n## Later\n\nalso kept\n", encoding="utf-8")
    graph_bench.write_results("## Graphs\n\nthird\n", path)
    text = path.read_text(encoding="utf-8")
    assert "third" in text and "## Later\n\nalso kept" in text and "## Other" in text
