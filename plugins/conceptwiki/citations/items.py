"""The data the citations stage takes: CSL-JSON items.

A CSL-JSON item is a plain ``dict`` (field names as in the CSL specification: ``"type"``,
``"title"``, ``"author"``, ``"issued"``, ...): citeproc-py reads it as one, the exporters copy
and extend it, and the engine keys its cache by its JSON. :mod:`conceptwiki.bibtex` makes the
items of sources, :func:`conceptwiki.citations.cite.page_item` those of concept pages.

``conceptwiki.bibtex`` names the same two shapes (``CslItem``, ``CslDate``); they are spelled
out here too so that the citations stage does not depend on the BibTeX stage for its types.
Nothing here imports MkDocs.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["CslItem", "CslDate"]

#: A CSL-JSON item. Values are strings, numbers, lists of names and dates (:data:`CslDate`);
#: a plain dict because citeproc-py and the exporters read and copy it as one.
CslItem = dict[str, Any]

#: A CSL-JSON date as the wiki writes it: ``{"date-parts": [[year, month, day]]}``.
CslDate = TypedDict("CslDate", {"date-parts": list[list[int]]})
