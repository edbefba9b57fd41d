"""Regenerate tests/golden/citations/expected/*.json with citeproc-js.

Collects the CSL style and locale files the Python engine uses (so both
processors read the same XML), then runs ``node generate.mjs``.

    cd tests/oracle && npm ci && cd ../..
    PYTHONPATH=plugins .venv/bin/python tests/oracle/generate.py [STYLE ...]
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

from conceptwiki.citations import DEFAULT_STYLES, CitationEngine  # noqa: E402
from conceptwiki.citations.engine import locales_dir  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "citations"
# The default styles plus a few other widely used ones (numeric, note, MLA),
# to keep "any CSL style" honest.
GOLDEN_STYLES = tuple(DEFAULT_STYLES) + (
    "modern-language-association",
    "ieee",
    "nature",
    "vancouver",
    "chicago-notes-bibliography",
)


def main(argv: list[str]) -> int:
    styles = argv or list(GOLDEN_STYLES)
    engine = CitationEngine(styles)
    config = {
        "items": str(GOLDEN / "items.json"),
        "locales_dir": str(locales_dir()),
        # the locale the Python engine chose for the style (its default-locale, en-GB for a
        # known British style, else en-US): citeproc-js is forced to the same one
        "styles": [{"name": s, "path": str(engine.style_path(s)), "locale": engine.style_locale(s)}
                   for s in engine.style_names()],
        "out_dir": str(GOLDEN / "expected"),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(config, fh)
    return subprocess.call(["node", str(HERE / "generate.mjs"), fh.name], cwd=HERE)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
