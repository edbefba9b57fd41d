"""What the adapter gives MkDocs of pages: the table of contents of a pre-rendered page, the
problems and backlinks of the hand-written pages, and where installed packages live."""

from __future__ import annotations

import html
import sysconfig
from pathlib import Path
from typing import Any

from mkdocs.structure.files import Files
from mkdocs.structure.toc import TableOfContents, get_toc

from ..render.anchors import AnchorIndex
from ..render.pages import HtmlBody

__all__ = ["installed_folders", "scan_docs", "toc"]


def installed_folders() -> list[str]:
    """The folders of installed packages (the installed theme's files do not change while
    the server runs)."""
    return sorted({sysconfig.get_paths()[k] for k in ("purelib", "platlib")})


def toc(body: HtmlBody) -> TableOfContents:
    """MkDocs' table of contents of a pre-rendered page (deeper headings nest under the
    nearest shallower one, as the ``toc`` extension nests them)."""
    tokens: list[Any] = []
    stack: list[Any] = []
    for h in body.toc:
        token = {"level": h.level, "id": h.id, "name": html.escape(h.title), "children": []}
        while stack and stack[-1]["level"] >= h.level:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
    return get_toc(tokens)


def scan_docs(files: Files, config: Any, root: Path, index: Any, anchors: AnchorIndex | None,
              log: Any) -> tuple[list, list]:
    """Read the hand-written pages once: the scanned pages (their backlinks) and the problems
    of their wikilinks, each logged with its file and line."""
    from ..render.docpages import scan_docs_page

    docs_dir = Path(config.docs_dir)
    try:
        prefix = docs_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        prefix = docs_dir.as_posix()
    scanned: list = []
    found: list = []
    for file in files.documentation_pages():
        if file.abs_src_path is None or not file.src_uri.endswith(".md"):
            continue
        try:
            text = file.content_string
        except (OSError, UnicodeDecodeError) as exc:
            log.warning(f"{prefix}/{file.src_uri}: cannot read file: {exc}")
            continue
        page, problems = scan_docs_page(text, file.src_uri, index, path=f"{prefix}/{file.src_uri}",
                                        anchors=anchors.problem if anchors else None)
        scanned.append(page)
        found.extend(problems)
        for problem in sorted(problems):
            (log.error if problem.is_error else log.warning)(str(problem))
    return scanned, found
