"""Every external URL the wiki publishes, with the place it is written.

The places: a source's ``url`` (or the URL the BibTeX→CSL mapping makes from ``eprint`` or
``howpublished``) and ``doi`` (checked through https://doi.org/, as the references link it),
an entry's ``see_also``, a policy instrument's official ``url``, and Markdown links
(``[text](https://…)``, ``<https://…>``) in entries' and instruments' text fields and in the
hand-written pages under ``docs/``. Each place is a
:class:`Place` with ``path:line:column``, so a report can point at it and ``--fix`` can
rewrite it. Nothing here touches the network or imports MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.links import locate, mask_code
from ..model.loader import Wiki

__all__ = ["Place", "collect_urls", "markdown_urls", "doi_url"]

#: ``[text](url "title")`` and ``<url>``: the Markdown links Python-Markdown makes.
_MD_LINK_RE = re.compile(r"\]\(\s*<?(https?://[^\s)>]+)>?(?:\s+[\"'(][^)]*)?\)|<(https?://[^\s>]+)>")


@dataclass(frozen=True, order=True)
class Place:
    """One URL at one place: ``kind`` is ``url``, ``doi``, ``see_also``, ``instrument`` (an
    instrument's official ``url``) or ``markdown``;
    ``written`` is the text as it stands in the file (a DOI, or the URL), which ``--fix``
    replaces."""

    url: str
    path: str
    line: int
    column: int
    kind: str
    written: str


def doi_url(doi: str) -> str:
    """The address a DOI is checked (and linked) at."""
    return "https://doi.org/" + doi


def markdown_urls(text: str) -> list[tuple[int, str]]:
    """``(offset, url)`` of each external Markdown link outside code."""
    masked = mask_code(text)
    return [(m.start(1) if m.group(1) else m.start(2), m.group(1) or m.group(2))
            for m in _MD_LINK_RE.finditer(masked)]


def _column(lines: list[str], line: int, needle: str) -> int:
    if 0 < line <= len(lines):
        col = lines[line - 1].find(needle)
        if col >= 0:
            return col + 1
    return 1


def collect_urls(wiki: Wiki, docs_dir: str | None = "docs") -> list[Place]:
    """Every place an external URL is published, sorted by URL then place."""
    places: list[Place] = []
    file_lines: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str]:
        if path not in file_lines:
            try:
                file_lines[path] = (wiki.root / path).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                file_lines[path] = []
        return file_lines[path]

    for source in wiki.sources.values():
        csl = source.csl()
        url = csl.get("URL")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            # The field it came from: url, else howpublished, else eprint (arXiv).
            field = next((f for f in ("url", "howpublished", "eprint") if f in source.fields), "url")
            line = source.field_lines.get(field, source.line)
            lines = lines_of(source.path)
            written = url if url in (lines[line - 1] if 0 < line <= len(lines) else "") else ""
            places.append(Place(url, source.path, line, _column(lines, line, written or field),
                                "url", written))
        doi = csl.get("DOI")
        if isinstance(doi, str) and doi:
            line = source.field_lines.get("doi", source.line)
            lines = lines_of(source.path)
            places.append(Place(doi_url(doi), source.path, line, _column(lines, line, doi), "doi", doi))
    for entry in wiki.entries.values():
        for i, link in enumerate(entry.concept.see_also):
            if link.url.startswith(("http://", "https://")):
                line, _col = entry.position("see_also", i, "url")
                places.append(Place(link.url, entry.path, line, _column(entry.lines, line, link.url),
                                    "see_also", link.url))
        for loc, text in entry.text_fields():
            start = entry.position(*loc)[0]
            for _offset, url in markdown_urls(text):
                line, col = locate(entry.lines, start, url)
                places.append(Place(url, entry.path, line, col, "markdown", url))
    for ins in wiki.instruments.values():
        url = ins.instrument.url
        if url and url.startswith(("http://", "https://")):
            line, _col = ins.position("url")
            places.append(Place(url, ins.path, line, _column(ins.lines, line, url), "instrument", url))
        for loc, text in ins.text_fields():
            start = ins.position(*loc)[0]
            for _offset, url in markdown_urls(text):
                line, col = locate(ins.lines, start, url)
                places.append(Place(url, ins.path, line, col, "markdown", url))
    if docs_dir:
        folder = wiki.root / docs_dir
        for file in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
            rel = file.relative_to(wiki.root).as_posix()
            if any(part.startswith(".") for part in file.relative_to(folder).parts):
                continue
            try:
                text = file.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
            for offset, url in markdown_urls(text):
                line = max(i for i, s in enumerate(starts) if s <= offset) + 1
                places.append(Place(url, rel, line, offset - starts[line - 1] + 1, "markdown", url))
    return sorted(set(places))
