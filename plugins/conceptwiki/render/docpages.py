"""Wikilinks in hand-written pages under ``docs/``, and the backlinks they create.

:func:`fix_wikilinks` takes a page's Markdown and returns ``(markdown, problems)``: every
``[[slug]]``, ``[[slug|text]]``, ``[[alias]]`` and ``[[slug#section]]`` outside code becomes an
HTML link to the concept page (a URL relative to the page), and every link that resolves to
nothing becomes a marked span plus an error at ``path:line:column`` with the nearest names.

:func:`scan_docs_page` reads one page's full source (front matter included) once: its title,
the concepts it links to and its problems. :func:`docs_backlinks` turns the scanned pages into
an inverted index (concept → pages linking to it) in one pass over the links, so that a
concept page's "Referenced by" never needs to look at every docs page.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import bisect
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import yaml

from ..model.links import LinkIndex, WikiLink, find_wikilinks, mask_code as _mask_code
from ..model.problems import Problems
from .markup import starts_sentence
from .urls import page_url as _url
from .urls import relative_url as _relative

__all__ = ["DocPage", "DocsScan", "fix_wikilinks", "scan_docs_page", "scan_docs_dir",
           "docs_backlinks", "split_front_matter", "page_title", "DOCS_KIND", "AnchorCheck"]

#: The kind docs pages are counted as in "Referenced by" ("1 guide", "2 guides").
DOCS_KIND = "guide"

_FRONT_MATTER_RE = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_ATX_RE = re.compile(r"^[ ]{0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.M)
_ATTR_LIST_RE = re.compile(r"\s*\{[:#.][^}]*\}\s*$")
_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class DocPage:
    """A hand-written page, as far as links are concerned."""

    src_uri: str                 # relative to docs_dir, POSIX: "guides/start.md"
    path: str                    # as shown in messages: "docs/guides/start.md"
    title: str
    targets: tuple[str, ...]     # canonical slugs it links to, sorted, no duplicates


@dataclass
class DocsScan:
    pages: list[DocPage]
    problems: Problems


def split_front_matter(text: str) -> tuple[dict, int]:
    """The YAML front matter of a page (``{}`` if none or unreadable) and the offset where
    the Markdown body starts."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return {}, 0
    try:
        meta = yaml.safe_load(m.group(1) or "") or {}
    except yaml.YAMLError:
        meta = {}
    return (meta if isinstance(meta, dict) else {}), m.end()


def _default_title(src_uri: str) -> str:
    stem = posixpath.splitext(posixpath.basename(src_uri))[0]
    if stem in ("index", "README"):
        parent = posixpath.basename(posixpath.dirname(src_uri))
        stem = parent or "Home"
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else src_uri


def page_title(text: str, src_uri: str, index: LinkIndex | None = None) -> str:
    """Front matter ``title``, else the first ``# heading`` outside code, else the file name."""
    meta, body_start = split_front_matter(text)
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    body = _mask_code(text[body_start:])
    m = _ATX_RE.search(body)
    if m:
        heading = _ATTR_LIST_RE.sub("", m.group(1))

        def _wiki(w: re.Match) -> str:
            if w.group("text"):
                return w.group("text").strip()
            target = w.group("target").strip()
            slug = index.resolve(target) if index else None
            return index.slugs.get(slug, target) if index is not None and slug else target

        from ..model.links import WIKILINK_RE

        heading = WIKILINK_RE.sub(_wiki, heading)
        heading = _MD_LINK_RE.sub(r"\1", heading)
        heading = re.sub(r"<[^>]+>", "", heading)
        heading = re.sub(r"(\*\*|__|\*|`)", "", heading).strip()
        if heading:
            return heading
    return _default_title(src_uri)


class _Lines:
    """Offsets → 1-based (line, column), by binary search over line starts."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def _did_you_mean(options: list[str]) -> str:
    if not options:
        return ""
    return "; did you mean " + " or ".join(f"'{o}'" for o in options) + "?"


def _self_slug(from_src: str) -> str | None:
    m = re.fullmatch(r"concepts/([a-z0-9]+(?:-[a-z0-9]+)*)\.md", from_src)
    return m.group(1) if m and m.group(1) != "index" else None


_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def _links(text: str, front_matter: bool) -> Iterator[WikiLink]:
    """The wikilinks outside front matter, code and HTML comments."""
    m = _FRONT_MATTER_RE.match(text) if front_matter else None
    start = m.end() if m else 0
    comments = [(c.start(), c.end()) for c in _COMMENT_RE.finditer(text)] if "<!--" in text else []
    for link in find_wikilinks(text):
        if link.start < start:
            continue
        if comments:
            i = bisect.bisect_right(comments, (link.start, float("inf"))) - 1
            if i >= 0 and comments[i][0] <= link.start < comments[i][1]:
                continue
        yield link


#: ``(slug, anchor, raw link)`` → the message for an anchor the page ``slug`` lacks, or None
#: (:meth:`conceptwiki.render.anchors.AnchorIndex.problem`).
AnchorCheck = Callable[[str, str, str], "str | None"]


def _walk(text: str, index: LinkIndex, src_uri: str, path: str, front_matter: bool,
          problems: Problems, anchors: AnchorCheck | None = None) -> Iterator[tuple[WikiLink, str | None]]:
    """Each wikilink with the slug it resolves to (``None`` if dead); problems are added."""
    lines: _Lines | None = None
    self_slug = _self_slug(src_uri)
    for link in _links(text, front_matter):
        slug = index.resolve(link.target)
        if slug is not None and slug not in index.slugs:
            slug = None
        if slug is not None and link.anchor is not None and anchors is not None:
            msg = anchors(slug, link.anchor, link.raw)
            if msg:
                lines = lines or _Lines(text)
                line, col = lines.at(link.start)
                problems.error(path, line, col, msg, code="dead-anchor")
        if slug is None or slug == self_slug:
            lines = lines or _Lines(text)
            line, col = lines.at(link.start)
            if slug is None:
                problems.error(path, line, col, f"wikilink '{link.raw}' points to no concept"
                               + _did_you_mean(index.suggest(link.target)), code="dead-wikilink")
            else:
                problems.warning(path, line, col, f"wikilink '{link.raw}' points to this page "
                                 "itself; remove the brackets", code="self-wikilink")
        yield link, slug


def fix_wikilinks(markdown: str, index: LinkIndex, from_src: str, *, path: str | None = None,
                  directory_urls: bool = True, describe: Callable[[str], str] | None = None,
                  front_matter: bool = False, mid_title: Callable[[str], str] | None = None
                  ) -> tuple[str, Problems]:
    """Replace the wikilinks in ``markdown`` (a page at ``from_src``, relative to docs_dir)
    by links to concept pages; return the new Markdown and the problems found.

    ``describe(slug)`` gives the link's ``title`` attribute (a plain summary); ``mid_title(slug)``
    the link's text in the middle of a sentence ("base optimizer"; default: the title). ``path`` is the
    file named in messages (default ``docs/<from_src>``). With ``front_matter=True`` the text
    is a whole source file and a leading YAML front matter is left alone. A dead link becomes
    ``<span class="cw-broken-link">``, as in entries.
    """
    problems = Problems()
    out: list[str] = []
    pos = 0
    from_url = _url(from_src, directory_urls)
    for link, slug in _walk(markdown, index, from_src, path or f"docs/{from_src}", front_matter,
                            problems):
        out.append(markdown[pos:link.start])
        pos = link.end
        if slug is None:
            out.append(f'<span class="cw-broken-link">{html.escape(link.text or link.target)}</span>')
            continue
        target = _url(f"concepts/{slug}.md", directory_urls)
        href = _relative(from_url, target) + (f"#{link.anchor}" if link.anchor else "")
        text = link.text or (mid_title(slug) if mid_title is not None
                             and not _starts_sentence(markdown, link.start) else index.slugs[slug])
        title = describe(slug) if describe else ""
        title_attr = f' title="{html.escape(title)}"' if title else ""
        out.append(f'<a class="cw-wikilink" href="{html.escape(href)}"{title_attr}>'
                   f"{html.escape(text, quote=False)}</a>")
    if not out:
        return markdown, problems
    out.append(markdown[pos:])
    return "".join(out), problems


_BLOCK_MARKER_RE = re.compile(r"[ \t]*(?:[-*+]|\d+[.)]|#{1,6}|>)[ \t]+")


def _starts_sentence(markdown: str, offset: int) -> bool:
    """Whether the text at ``offset`` of a Markdown page starts a sentence: at the start of a
    paragraph, list item, heading or quote, or after the end of the last sentence."""
    before = markdown[:offset]
    line = before[before.rfind("\n") + 1:]
    marker = _BLOCK_MARKER_RE.match(line)
    if marker:  # a list item, heading or quote starts on this line
        return starts_sentence(line[marker.end():])
    blank = before.rfind("\n\n")
    return starts_sentence(before[blank + 2:] if blank >= 0 else before)


def scan_docs_page(text: str, src_uri: str, index: LinkIndex, *, path: str | None = None,
                   anchors: AnchorCheck | None = None) -> tuple[DocPage, Problems]:
    """Read one docs page's full source: its title, the concepts it links to, its problems
    (with ``anchors``, also every ``[[slug#anchor]]`` whose anchor the concept page lacks)."""
    path = path or f"docs/{src_uri}"
    problems = Problems()
    self_slug = _self_slug(src_uri)
    targets = {slug for _link, slug in _walk(text, index, src_uri, path, True, problems, anchors)
               if slug is not None and slug != self_slug}
    page = DocPage(src_uri=src_uri, path=path, title=page_title(text, src_uri, index),
                   targets=tuple(sorted(targets)))
    return page, problems


def _docs_files(docs_dir: Path) -> list[Path]:
    """Markdown files under ``docs_dir`` as MkDocs sees them (no dot-files or dot-folders)."""
    if not docs_dir.is_dir():
        return []
    out = []
    for p in docs_dir.rglob("*.md"):
        rel = p.relative_to(docs_dir)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        out.append(p)
    return sorted(out, key=lambda p: p.relative_to(docs_dir).as_posix())


def scan_docs_dir(root: Path | str, docs_dir: str, index: LinkIndex, *,
                  anchors: AnchorCheck | None = None) -> DocsScan:
    """Scan every Markdown page under ``root/docs_dir`` (for ``conceptwiki check`` and build)."""
    root = Path(root)
    folder = root / docs_dir
    pages: list[DocPage] = []
    problems = Problems()
    prefix = Path(docs_dir).as_posix().strip("/")
    for file in _docs_files(folder):
        src_uri = file.relative_to(folder).as_posix()
        path = f"{prefix}/{src_uri}" if prefix and prefix != "." else src_uri
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            # Where, as for entries (yamlsafe.load_yaml), not Python's "codec can't decode".
            raw = exc.object
            line = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            problems.error(path, line, col, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                           "save it as UTF-8")
            continue
        except OSError as exc:
            problems.error(path, 0, 0, f"cannot read file: {exc.strerror or exc}")
            continue
        page, found = scan_docs_page(text, src_uri, index, path=path, anchors=anchors)
        pages.append(page)
        problems.extend(found)
    return DocsScan(pages=pages, problems=problems)


def docs_backlinks(pages: Iterable[DocPage]) -> dict[str, list[DocPage]]:
    """Concept slug → the docs pages linking to it (by title, then path): one pass over links."""
    out: dict[str, dict[str, DocPage]] = {}
    for page in pages:
        for slug in page.targets:
            out.setdefault(slug, {})[page.src_uri] = page
    return {slug: sorted(by_src.values(), key=lambda p: (p.title.casefold(), p.src_uri))
            for slug, by_src in out.items()}
