"""BibTeX -> CSL-JSON, in the stages pybtex keeps apart: parse, LaTeX, names, to-CSL.

- :mod:`.parse` reads ``.bib`` files with bibtexparser 2 into :class:`Source` records and
  reports every problem with its ``path:line``;
- :mod:`.source` is the :class:`Source` record the rest of the site cites;
- :mod:`.latex` turns LaTeX in values into Unicode (and titles into CSL rich text);
- :mod:`.names` parses BibTeX name lists;
- :mod:`.dates` reads dates and holds the month macros (:data:`MONTH_MACROS`);
- :mod:`.csl` maps one entry to one CSL-JSON item;
- :mod:`.scan` is the brace counting they share;
- :mod:`.status` derives a source's publication status (journal, preprint, post, ...).

Import from the package (``from conceptwiki.bibtex import load_bib_files``); the modules
are its layout, not its interface. Nothing here imports MkDocs.
"""

from .csl import VERBATIM_FIELDS, CslItem, source_to_csl
from .dates import MONTH_MACROS, CslDate, parse_bib_date
from .latex import decode_latex, decode_title
from .names import OTHERS, CslName, ends_in_others, parse_names
from .parse import (KEY_RE, KNOWN_ENTRY_TYPES, MAX_BIB_BYTES, MAX_VALUE_CHARS, load_bib_files,
                    load_bib_string, parse_bib_text)
from .scan import declared_keys
from .source import Source
from .status import STATUS_FIELD, STATUS_LABELS, STATUS_ORDER, publication_status

__all__ = [
    "Source",
    "CslItem",
    "CslName",
    "CslDate",
    "MAX_BIB_BYTES",
    "MAX_VALUE_CHARS",
    "KEY_RE",
    "KNOWN_ENTRY_TYPES",
    "VERBATIM_FIELDS",
    "MONTH_MACROS",
    "load_bib_files",
    "load_bib_string",
    "parse_bib_text",
    "decode_latex",
    "decode_title",
    "parse_names",
    "OTHERS",
    "ends_in_others",
    "parse_bib_date",
    "source_to_csl",
    "STATUS_FIELD",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "publication_status",
    "declared_keys",
]
