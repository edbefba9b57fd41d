"""The ``conceptwiki`` command line. Imports nothing from MkDocs."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .render.docpages import scan_docs_dir
from .model.loader import load_wiki
from .model.problems import format_problems
from .model.schema import Kind, json_schema_text
from .render.site import HeadingLinks, SiteBuilder, SiteConfig

__all__ = ["main"]


def _site_config(root: Path, args: argparse.Namespace) -> SiteConfig:
    """Read the few settings the core needs from mkdocs.yml, without importing MkDocs."""
    import yaml

    cfg = SiteConfig(concepts_dir=args.concepts, bib_dir=args.bib)
    path = root / "mkdocs.yml"
    if not path.is_file():
        return cfg

    class _Lenient(yaml.SafeLoader):
        pass

    # mkdocs.yml may use tags such as !ENV or !!python/name; ignore them here.
    _Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Lenient) or {}
    except yaml.YAMLError:
        return cfg
    cfg.name = data.get("site_name") or cfg.name
    cfg.url = data.get("site_url") or ""
    cfg.directory_urls = data.get("use_directory_urls", True)
    cfg.repo_url = data.get("repo_url") or ""
    cfg.edit_uri = data.get("edit_uri") or ""
    for ext in data.get("markdown_extensions") or []:
        if isinstance(ext, dict) and "toc" in ext:
            cfg.heading_links = HeadingLinks.from_toc_config(ext["toc"])
    if isinstance(data.get("docs_dir"), str) and data["docs_dir"].strip():
        cfg.docs_dir = data["docs_dir"].strip()
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and "conceptwiki" in plugin:
            opts = plugin["conceptwiki"] or {}
            cfg.publisher = opts.get("publisher") or cfg.name
            if opts.get("styles"):
                cfg.styles = list(opts["styles"])
            cfg.default_style = opts.get("default_style") or cfg.styles[0]
            if opts.get("templates_dir"):
                cfg.templates_dir = str(root / opts["templates_dir"])
            if args.concepts == "concepts" and opts.get("concepts_dir"):
                cfg.concepts_dir = opts["concepts_dir"]
            if args.bib == "bib" and opts.get("bib_dir"):
                cfg.bib_dir = opts["bib_dir"]
    cfg.publisher = cfg.publisher or cfg.name
    return cfg


def cmd_check(args: argparse.Namespace) -> int:
    root = Path(args.root)
    site = _site_config(root, args)
    wiki = load_wiki(root, site.concepts_dir, site.bib_dir)
    problems = wiki.problems
    problems.extend(scan_docs_dir(root, site.docs_dir, wiki.index).problems)
    out = format_problems(problems, args.format)
    if out:
        print(out)
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    # Warnings a strict build (`make build`) fails on; informational ones (INFO_CODES) do not.
    n_strict = len(problems.strict_failures) - n_err
    if args.format == "text":
        summary = (f"{_plural(len(wiki.entries), 'entry')}, {_plural(len(wiki.sources), 'source')}: "
                   f"{_plural(n_err, 'error')}, {_plural(n_warn, 'warning')}")
        print(summary, file=sys.stderr)
    if n_strict and args.strict:
        print(f"--strict: failing on {_plural(n_strict, 'warning')}, as the strict build "
              "(`make build`) does; fix them", file=sys.stderr)
    elif n_strict and args.format == "text":
        print(f"note: {'this warning fails' if n_strict == 1 else f'{n_strict} of the warnings fail'} "
              "the strict build (`make build`); `conceptwiki check --strict` fails on them too",
              file=sys.stderr)
    failing = problems.strict_failures if args.strict else problems.errors
    return 1 if failing else 0


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def _write_atomic(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_build(args: argparse.Namespace) -> int:
    root = Path(args.root)
    site = _site_config(root, args)
    wiki = load_wiki(root, site.concepts_dir, site.bib_dir)
    docs = scan_docs_dir(root, site.docs_dir, wiki.index)
    wiki.problems.extend(docs.problems)
    if wiki.problems:
        print(format_problems(wiki.problems), file=sys.stderr)
    if wiki.problems.errors:
        print("not building: fix the errors above first", file=sys.stderr)
        return 1
    out = Path(args.out)
    protected = [(root / d).resolve() for d in (site.concepts_dir, site.bib_dir, "docs", site.docs_dir)]
    if any(out.resolve() == p or p in out.resolve().parents for p in protected):
        print(f"error: --out {out} is inside a source folder; choose another folder", file=sys.stderr)
        return 2
    from .render.site import build_date

    from .history.gitinfo import last_commit_dates

    site.build_date = build_date(root)
    site.git_dates, note = last_commit_dates(root, site.concepts_dir)
    if note:
        print(f"note: {note}", file=sys.stderr)
    from .history.fingerprint import published_versions

    site.versions = published_versions(root, wiki, concepts_dir=site.concepts_dir,
                                       bib_dir=site.bib_dir)
    if site.versions.note:
        print(f"note: {site.versions.note}", file=sys.stderr)
    builder = SiteBuilder(wiki, site)
    builder.add_doc_pages(docs.pages)
    pages = builder.pages()
    from .pipeline.parallel import PageRenderer

    # Worker processes render the concept pages (the same bytes as rendering them here)
    # while this process makes the citation exports.
    with PageRenderer(pages) as renderer:
        exports = builder.exports()
        exports.update(builder.redirects())
        exports.update(builder.previews())
        for page in pages:
            if page.is_html:
                body = renderer.body(page)
                text, warnings = page.front_matter() + "\n" + body.html, body.warnings
            else:
                text, warnings = page.markdown, page.warnings
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
            _write_atomic(out / page.src_uri, text)
    # The hand-written pages, with their wikilinks resolved as the plugin resolves them.
    generated = {page.src_uri for page in pages}
    copied = 0
    for doc in docs.pages:
        if doc.src_uri in generated:
            continue
        text = (root / site.docs_dir / doc.src_uri).read_text(encoding="utf-8-sig")
        fixed, _problems = builder.fix_doc_wikilinks(text, doc.src_uri, path=doc.path,
                                                     front_matter=True)
        _write_atomic(out / doc.src_uri, fixed)
        copied += 1
    for path, content in exports.items():
        _write_atomic(out / path, content)
    print(f"wrote {len(pages)} pages, {copied} pages from {site.docs_dir}/ and {len(exports)} "
          f"citation and data files to {out}", file=sys.stderr)
    return 0


def _fail(message: str, status: int = 2) -> int:
    print(f"conceptwiki: error: {message}", file=sys.stderr)
    return status


def cmd_cite(args: argparse.Namespace) -> int:
    """Print one citation: of a concept page (SLUG) or of a BibTeX source (--bib/--key)."""
    import datetime as dt

    from .bibtex import load_bib_files
    from .citations.engine import CitationEngine, UnknownStyleError
    from .citations.exports import csl_json, csl_to_bibtex, csl_to_ris

    root = Path(args.root)
    if bool(args.slug) == bool(args.key):
        return _fail("give either a concept SLUG or --bib FILE --key KEY")
    if args.key:
        bib = Path(args.bib_file) if args.bib_file else None
        files = [bib] if bib else sorted((root / args.bib).glob("*.bib"))
        if bib and not bib.is_file():
            return _fail(f"BibTeX file '{bib}' not found")
        sources, problems = load_bib_files(files, root=root)
        if args.key not in sources:
            import difflib

            close = difflib.get_close_matches(args.key, list(sources), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            where = f"in {bib}" if bib else f"in {args.bib}/*.bib"
            return _fail(f"no BibTeX key '{args.key}' {where}{hint}")
        item, key = sources[args.key].csl(), args.key
    else:
        site = _site_config(root, args)
        wiki = load_wiki(root, site.concepts_dir, site.bib_dir)
        slug = wiki.index.resolve(args.slug)
        if slug is None or slug not in wiki.entries:
            close = wiki.index.suggest(args.slug, 1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return _fail(f"no concept '{args.slug}'{hint}")
        site.build_date = dt.date.today()
        builder = SiteBuilder(wiki, site, engine=_NoEngine())
        item = builder.page_item(wiki.entries[slug])
        key = item["id"]
    style = args.style
    if style == "bibtex":
        sys.stdout.write(csl_to_bibtex(item, key))
        return 0
    if style == "ris":
        sys.stdout.write(csl_to_ris(item))
        return 0
    if style in ("csl-json", "json"):
        sys.stdout.write(csl_json([item]))
        return 0
    try:
        engine = CitationEngine([style], base_dir=root)
    except UnknownStyleError as exc:
        return _fail(str(exc).splitlines()[0])
    print(engine.bibliography_entry(item, engine.style_names()[0], args.format))
    return 0


class _NoEngine:
    """Stands in for the citation engine where only CSL-JSON items are needed."""

    def style_title(self, style: str) -> str:  # pragma: no cover - never rendered
        return style


def cmd_new(args: argparse.Namespace) -> int:
    from .authoring.new import new_entry

    root = Path(args.root)
    site = _site_config(root, args)
    path, problems = new_entry(root, args.slug, args.title, kind=args.kind, source=args.source,
                               concepts_dir=site.concepts_dir, bib_dir=site.bib_dir)
    if problems:
        print(format_problems(problems), file=sys.stderr)
    if path is None:
        return 1
    print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_fmt(args: argparse.Namespace) -> int:
    from .authoring.fmt import diff_for, entry_paths, fmt_paths

    root = Path(args.root)
    site = _site_config(root, args)
    paths = [Path(p) for p in args.paths] or entry_paths(root, site.concepts_dir)
    changed, problems = fmt_paths(paths, check=args.check, root=root)
    if problems:
        print(format_problems(problems), file=sys.stderr)
    if args.check:
        for p in changed:
            sys.stdout.write(diff_for(p, root=root))
        return 1 if (changed or problems.errors) else 0
    for p in changed:
        print(f"formatted {p}", file=sys.stderr)
    return 1 if problems.errors else 0


def cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json_schema_text())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conceptwiki", description=__doc__)
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")
    parser.add_argument("--concepts", default="concepts", help="entries folder, relative to --root")
    parser.add_argument("--bib", default="bib", help="BibTeX folder, relative to --root")
    # The same options are accepted after the subcommand too ("conceptwiki check --root DIR").
    # SUPPRESS keeps a subcommand from resetting what was given before it.
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--root", default=argparse.SUPPRESS, help="project folder")
    where.add_argument("--concepts", default=argparse.SUPPRESS, help="entries folder, relative to --root")
    folders = argparse.ArgumentParser(add_help=False, parents=[where])
    folders.add_argument("--bib", default=argparse.SUPPRESS, help="BibTeX folder, relative to --root")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", parents=[folders], help="validate entries, sources and links")
    p.add_argument("--format", choices=["text", "json", "github"], default="text",
                   help="text (path:line:column: severity: message), json, or github "
                   "(GitHub Actions annotations)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 on warnings too, as the strict build (make build) does; the "
                   "informational warning about sources no entry cites does not fail")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", parents=[folders], help="write the generated Markdown pages into a folder")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=cmd_build)

    kinds = [k.value for k in Kind]
    p = sub.add_parser(
        "new", parents=[folders], help="create a new entry from a commented skeleton",
        description="Write concepts/SLUG.yaml, a commented skeleton of a new entry. It never "
        "overwrites a file and refuses a slug that another entry already uses as a slug, alias "
        "or former slug. Then edit the file and run 'conceptwiki check --strict'.",
        epilog="example: conceptwiki new reward-tampering --title 'Reward tampering' "
        "--kind failure-mode --source everitt2021reward")
    p.add_argument("slug", help="the file name and URL of the entry: lower-case letters, digits "
                   "and single hyphens, e.g. inner-alignment")
    p.add_argument("--title", required=True, help="the concept's name as the page title, e.g. "
                   "'Inner alignment' (quote it if it has spaces)")
    p.add_argument("--kind", default="concept", metavar="KIND",
                   help=f"what the entry describes: {', '.join(kinds)} (default: concept; "
                   "CONTRIBUTING.md defines each)")
    p.add_argument("--source", metavar="KEY", help="the BibTeX key of the main source, from "
                   "bib/*.bib (add the source first); without it the skeleton cites REPLACE-ME "
                   "and 'check' fails until you replace it")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("fmt", parents=[folders], help="write entries in the canonical layout (keeps comments)")
    p.add_argument("paths", nargs="*", help="files or folders (default: every entry)")
    p.add_argument("--check", action="store_true", help="change nothing; show what would change")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("cite", parents=[where], help="print a citation of a concept page or a BibTeX source")
    p.add_argument("slug", nargs="?", help="the concept to cite (its slug or an alias)")
    p.add_argument("--bib", dest="bib_file", help="a BibTeX file (default: every file in bib/)")
    p.add_argument("--key", help="the BibTeX key of the source to cite")
    p.add_argument("--style", default="apa",
                   help="a CSL style name or .csl path, or bibtex, ris or csl-json (default: apa)")
    p.add_argument("--format", choices=["text", "html"], default="text")
    p.set_defaults(func=cmd_cite)

    p = sub.add_parser("schema", parents=[folders], help="print the JSON Schema of concept entries")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
