"""Regenerate tests/golden/citations/instruments/ with citeproc-js: the legislation and
report sources of the policy instruments (bib/instruments.bib), as the Python engine turns
them into CSL-JSON, rendered by citeproc-js in the four default styles (APA, Chicago
author-date, Cite Them Right Harvard, OSCOLA).

    cd tests/oracle && npm ci && cd ../..
    PYTHONPATH=plugins .venv/bin/python tests/oracle/instruments.py

``tests/test_instrument_citations.py`` checks that the committed items still are what
bib/instruments.bib gives, and that the Python engine renders each as citeproc-js does.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from conceptwiki.bibtex import load_bib_files  # noqa: E402
from conceptwiki.citations import DEFAULT_STYLES, CitationEngine  # noqa: E402
from conceptwiki.citations.engine import locales_dir  # noqa: E402

OUT = ROOT / "tests" / "golden" / "citations" / "instruments"
BIB = ROOT / "bib" / "instruments.bib"


def items() -> list[dict]:
    """The CSL-JSON items of bib/instruments.bib, sorted by id."""
    sources, problems = load_bib_files([BIB], root=ROOT)
    if problems.errors:
        raise SystemExit("\n".join(map(str, problems.errors)))
    return [sources[k].csl() for k in sorted(sources)]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "expected").mkdir(exist_ok=True)
    (OUT / "items.json").write_text(json.dumps(items(), indent=2, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    engine = CitationEngine(list(DEFAULT_STYLES))
    config = {
        "items": str(OUT / "items.json"),
        "locales_dir": str(locales_dir()),
        "styles": [{"name": s, "path": str(engine.style_path(s)), "locale": engine.style_locale(s)}
                   for s in engine.style_names()],
        "out_dir": str(OUT / "expected"),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(config, fh)
    return subprocess.call(["node", str(HERE / "generate.mjs"), fh.name], cwd=HERE)


if __name__ == "__main__":
    raise SystemExit(main())
