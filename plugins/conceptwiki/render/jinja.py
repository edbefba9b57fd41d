"""The Jinja environment of the page templates, and which templates a site overrides.

A site's ``templates_dir`` comes first, then the built-in ``templates/`` folder. Templates are
autoescaped and undefined names are errors, so that a typo in a template fails the build
instead of printing nothing. Nothing here imports MkDocs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jinja2
import yaml

from .pages import HtmlBody, Page, front_matter_value

__all__ = ["TEMPLATES_DIR", "Templates"]

TEMPLATES_DIR = Path(__file__).parent / "templates"

#: The last environment made, by the stamp of its template folders (:func:`_stamp`).
_ENVS: dict[tuple, jinja2.Environment] = {}


def _stamp(templates_dir: str | None) -> tuple:
    """The template folders' files with their sizes and modification times."""
    out: list = [os.getcwd(), templates_dir]
    for folder in ([Path(templates_dir)] if templates_dir else []) + [TEMPLATES_DIR]:
        try:
            for path in sorted(folder.rglob("*")):
                st = path.stat()
                out.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((str(folder), None))
    return tuple(out)


class Templates:
    """The templates of one site."""

    def __init__(self, templates_dir: str | None) -> None:
        self.folder = templates_dir
        # ``mkdocs serve`` makes a Templates on every rebuild: the environment, with the
        # templates it has compiled, is kept while no template file is added, removed or
        # changed (at 1,000 concepts compiling them again took 2.1 s of a rebuild).
        stamp = _stamp(templates_dir)
        kept = _ENVS.get(stamp)
        if kept is not None:
            self.env = kept
            return
        loaders: list[jinja2.BaseLoader] = []
        if templates_dir:
            loaders.append(jinja2.FileSystemLoader(templates_dir))
        loaders.append(jinja2.FileSystemLoader(str(TEMPLATES_DIR)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)
        self.env.filters["front_matter"] = front_matter_value
        _ENVS.clear()
        _ENVS[stamp] = self.env

    def overridden(self, template: str) -> bool:
        """Whether the site has its own version of ``template``."""
        return self.folder is not None and bool(self.folder) and (Path(self.folder) / template).is_file()

    def all_own(self, *templates: str) -> bool:
        """Whether ``templates`` and every template they include or extend are the plugin's
        own (none overridden by the site, no include whose name is computed): what they show
        is then known from the plugin's code (``pipeline.incremental``)."""
        import jinja2.meta

        seen: set[str] = set()
        todo = list(templates)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if self.overridden(name):
                return False
            path = TEMPLATES_DIR / name
            if not path.is_file():
                continue  # a template the plugin does not have (concept.md.j2): not rendered
            names = list(jinja2.meta.find_referenced_templates(self.env.parse(path.read_text(encoding="utf-8"))))
            if None in names:
                return False
            todo += [n for n in names if n is not None]
        return True

    def as_html(self, page: Page, template: str) -> Page:
        """``page``, rendered from a template that writes only raw HTML after its front
        matter, as a pre-rendered page (MkDocs need not parse its HTML). A site's own
        version of the template may hold Markdown: its pages stay Markdown."""
        if self.overridden(template):
            return page
        head, sep, body = page.text.partition("\n---\n")
        if not head.startswith("---\n") or not sep:
            return page
        html = body.lstrip("\n")
        hide: tuple[str, ...] = ()
        if "\nhide:" in head:  # the template's own front matter (graph.md.j2 hides the TOC)
            meta = yaml.safe_load(head[len("---\n"):])
            hide = tuple(str(x) for x in (meta.get("hide") or ())) if isinstance(meta, dict) else ()
        return Page(page.src_uri, in_nav=page.in_nav, title=page.title, hide=hide,
                    render=lambda: HtmlBody(html))
