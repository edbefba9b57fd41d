"""Data for hover previews of links to concept pages: one small JSON file for the whole wiki.

``assets/conceptwiki/previews.json`` maps each slug to ``[title, kind, status, summary]``
(the summary as plain text of at most ~200 characters), plus the kinds' labels. The page
script ``assets/preview.js`` fetches it from the same site on the first hover or focus of a
concept link and renders it with ``textContent`` only. At 5,000 concepts it is about 1.5 MB
(see bench/RESULTS.md, "Links"); the browser caches it, and pages work without it.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..model.schema import KIND_PLURALS

__all__ = ["PREVIEWS_PATH", "PREVIEWS_VERSION", "previews_data", "previews_json"]

PREVIEWS_PATH = "assets/conceptwiki/previews.json"
PREVIEWS_VERSION = 1


def previews_data(entries: Mapping[str, Any], describe: Callable[[str], str]) -> dict[str, Any]:
    """The previews of ``entries``; ``describe(slug)`` is the summary as plain text."""
    concepts = {}
    for slug, entry in entries.items():
        c = entry.concept
        concepts[slug] = [entry.title, c.kind.value, c.status.level.value, describe(slug)]
    kinds = sorted({v[1] for v in concepts.values()})
    return {
        "version": PREVIEWS_VERSION,
        "kinds": {k: KIND_PLURALS.get(k, (k, k + "s"))[0] for k in kinds},
        "concepts": concepts,
    }


def previews_json(entries: Mapping[str, Any], describe: Callable[[str], str]) -> str:
    """The file's text: compact, sorted, deterministic. ``json.dumps`` escapes what JSON needs;
    the script never puts any of it into HTML as markup."""
    return json.dumps(previews_data(entries, describe), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")) + "\n"
