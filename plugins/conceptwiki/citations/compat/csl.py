"""The CSL namespace and citeproc-py's locale files: what the other modules refer to.

(A module of its own so that both the element classes and the functions that
find elements by name can use it without importing each other.)
"""
from __future__ import annotations

import citeproc

__all__ = ["CSL_NS", "LOCALES_PATH", "NS"]

#: The locale files (``locales-en-US.xml``, ...) that citeproc-py ships.
LOCALES_PATH: str = citeproc.LOCALES_PATH
#: The XML namespace of CSL.
CSL_NS = "http://purl.org/net/xbiblio/csl"
#: Prefix map for ``find``/``findall``: ``cs:`` is CSL.
NS = {"cs": CSL_NS}
