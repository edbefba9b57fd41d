"""The ``conceptwiki`` command line. Imports nothing from MkDocs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import PLUGIN_DEFAULTS, ConfigError, SiteConfig, read_mkdocs_yml, site_config
from .files import write_atomic
from .history.gitinfo import file_recency
from .model.loader import load_wiki
from .model.problems import format_problems
from .model.schema import Kind, json_schema_text
from .model.instrument import InstrumentType, instrument_json_schema_text
from .pipeline.build import data_files, load_project, site_builder
from .render.anchors import AnchorIndex, check_anchors
from .render.docpages import scan_docs_dir
from .render.site import SiteBuilder

__all__ = ["main"]


def _site_config(root: Path, args: argparse.Namespace) -> SiteConfig:
    """The site's configuration from ``mkdocs.yml``, as the plugin makes it (without MkDocs);
    ``--concepts`` and ``--bib``, when given, override the plugin's folders."""
    settings, options = read_mkdocs_yml(root / "mkdocs.yml")
    if args.concepts != PLUGIN_DEFAULTS["concepts_dir"] or not options.get("concepts_dir"):
        options["concepts_dir"] = args.concepts
    if args.bib != PLUGIN_DEFAULTS["bib_dir"] or not options.get("bib_dir"):
        options["bib_dir"] = args.bib
    return site_config(root, settings, options)


def cmd_check(args: argparse.Namespace) -> int:
    root = Path(args.root)
    site = _site_config(root, args)
    wiki = load_wiki(root, site.concepts_dir, site.bib_dir, min_details_words=site.min_details_words,
                     min_details_since=site.min_details_since,
                     recency=file_recency(root, site.concepts_dir),
                     instruments_dir=site.instruments_dir)
    problems = wiki.problems
    anchors = AnchorIndex.of(wiki)
    problems.extend(check_anchors(wiki, anchors))
    problems.extend(scan_docs_dir(root, site.docs_dir, wiki.index, anchors=anchors.problem).problems)
    problems.extend(_style_problems(root, site))
    if args.external:
        problems.extend(_check_external(root, site, wiki, args))
    if args.cache and (root / args.cache).is_file():
        # What the last `check --external` found (no network): dead sources without an archive.
        from .linkcheck import LinkCache, archive_warnings

        problems.extend(archive_warnings(wiki, LinkCache(root / args.cache)))
    out = format_problems(problems, args.format)
    if out:
        print(out)
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    # Warnings a strict build (`make build`) fails on; informational ones (INFO_CODES) do not.
    n_strict = len(problems.strict_failures) - n_err
    if args.format == "text":
        instruments = f"{_plural(len(wiki.instruments), 'instrument')}, " if wiki.instruments else ""
        summary = (f"{_plural(len(wiki.entries), 'entry')}, {instruments}{_plural(len(wiki.sources), 'source')}: "
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


def _style_problems(root: Path, site: SiteConfig) -> list:
    """The citation styles and locales ``mkdocs.yml`` names that do not exist: the build stops
    on them (``plugins.conceptwiki.styles``), so ``check`` reports them first, at their line."""
    from .citations.engine import UnknownStyleError, locale_exists, resolve_style_path
    from .model.problems import Problems

    found = Problems()
    path = root / "mkdocs.yml"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []

    def where(name: str) -> tuple[int, int]:
        for i, line in enumerate(lines, 1):
            code = line.split("#", 1)[0]
            col = code.find(name)
            if col >= 0 and (col == 0 or not (code[col - 1].isalnum() or code[col - 1] in "-_")):
                return i, col + 1
        return 1, 1

    for name in dict.fromkeys(site.styles):
        try:
            resolve_style_path(name, root)
        except UnknownStyleError as exc:
            found.error("mkdocs.yml", *where(name), f"plugins.conceptwiki.styles: {exc}")
    for name, locale in site.locales.items():
        if name in site.styles and locale and not locale_exists(locale):  # the engine's check
            found.error("mkdocs.yml", *where(locale), f"plugins.conceptwiki.locales: no CSL locale "
                        f"{locale!r} for style {name!r}; use a language with a country, e.g. en-GB")
    return found


def _check_external(root: Path, site: SiteConfig, wiki, args: argparse.Namespace):
    """``check --external``: the problems of the external links (and ``--fix``'s changes)."""
    import datetime as dt

    from .linkcheck import Checker, LinkCache, apply_moves, check_external

    cache = LinkCache(root / args.cache) if args.cache else None
    checker = Checker(jobs=args.jobs, delay=args.delay, timeout=args.timeout, retries=args.retries)
    report = check_external(wiki, checker, cache, today=dt.date.today(), docs_dir=site.docs_dir,
                            max_age=args.max_age)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    counts = {o: sum(1 for r in report.results.values() if r.outcome == o)
              for o in ("dead", "moved", "challenge", "unreachable")}
    print(f"external links: {_plural(len(report.results), 'URL')} at {_plural(len(report.places), 'place')}, "
          f"{report.checked} checked now, {len(report.results) - report.checked} from the cache "
          f"(younger than {args.max_age} days): " + ", ".join(f"{n} {o}" for o, n in counts.items()),
          file=sys.stderr)
    if args.fix:
        for change in apply_moves(root, report):
            print(f"fixed: {change}", file=sys.stderr)
    return report.problems


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def cmd_build(args: argparse.Namespace) -> int:
    """Write the generated pages and data files into a folder, as ``mkdocs build`` makes them
    (the same steps: :mod:`conceptwiki.pipeline.build`)."""
    root = Path(args.root)
    site = _site_config(root, args)
    out = Path(args.out)
    protected = [(root / d).resolve() for d in (site.concepts_dir, site.bib_dir, "docs", site.docs_dir)]
    loaded = load_project(root, site)
    wiki = loaded.wiki
    docs = scan_docs_dir(root, site.docs_dir, wiki.index,
                         anchors=loaded.anchors.problem if loaded.anchors else None)
    wiki.problems.extend(docs.problems)
    if wiki.problems:
        print(format_problems(wiki.problems), file=sys.stderr)
    if wiki.problems.errors:
        print("not building: fix the errors above first", file=sys.stderr)
        return 1
    if any(out.resolve() == p or p in out.resolve().parents for p in protected):
        print(f"error: --out {out} is inside a source folder; choose another folder", file=sys.stderr)
        return 2
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    builder = site_builder(loaded, site, docs.pages)
    pages = builder.pages()
    from .pipeline.parallel import PageRenderer

    # Worker processes render the concept pages (the same bytes as rendering them here)
    # while this process makes the citation exports.
    with PageRenderer(pages) as renderer:
        exports = data_files(builder)
        for page in pages:
            if page.is_html:
                body = renderer.body(page)
                text, warnings = page.front_matter() + "\n" + body.html, body.warnings
            else:
                text, warnings = page.markdown, page.warnings
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
            write_atomic(out / page.src_uri, text, make_parents=True)
    # The hand-written pages, with their wikilinks resolved as the plugin resolves them.
    generated = {page.src_uri for page in pages}
    copied = 0
    for doc in docs.pages:
        if doc.src_uri in generated:
            continue
        text = (root / site.docs_dir / doc.src_uri).read_text(encoding="utf-8-sig")
        fixed, _problems = builder.fix_doc_wikilinks(text, doc.src_uri, path=doc.path,
                                                     front_matter=True)
        write_atomic(out / doc.src_uri, fixed, make_parents=True)
        copied += 1
    for path, content in exports.items():
        write_atomic(out / path, content, make_parents=True)
    print(f"wrote {len(pages)} pages, {copied} pages from {site.docs_dir}/ and {len(exports)} "
          f"citation and data files to {out}", file=sys.stderr)
    return 0


def _fail(message: str, status: int = 2) -> int:
    print(f"conceptwiki: error: {message}", file=sys.stderr)
    return status


def cmd_cite(args: argparse.Namespace) -> int:
    """Print one citation: of a concept page (SLUG), a policy instrument's page (--instrument)
    or a BibTeX source (--bib/--key)."""
    import datetime as dt

    from .bibtex import load_bib_files
    from .citations.exports import csl_json, csl_to_bibtex, csl_to_ris

    root = Path(args.root)
    if sum(map(bool, (args.slug, args.key, args.instrument))) != 1:
        return _fail("give either a concept SLUG, --instrument SLUG, or --bib FILE --key KEY")
    site = _site_config(root, args)
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
        wiki = load_wiki(root, site.concepts_dir, site.bib_dir, instruments_dir=site.instruments_dir)
        slug = wiki.index.resolve(args.slug) if args.slug else None
        site.build_date = dt.date.today()  # accessed: the day the reader takes it
        if args.instrument or (slug is None and args.slug in wiki.instruments):
            # a policy instrument's page (instruments/SLUG/), as its copy buttons and files give it
            name = args.instrument or args.slug
            if name not in wiki.instruments:
                import difflib

                close = difflib.get_close_matches(name, list(wiki.instruments), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                return _fail(f"no instrument '{name}' in {site.instruments_dir}/{hint}")
            pages = SiteBuilder(wiki, site, engine=_NoEngine()).instruments
            instrument = wiki.instruments[name]
            item, key = pages.page_item(instrument), pages.page_item(instrument)["id"]
            ext = {"bibtex": "bib", "ris": "ris", "csl-json": "json", "json": "json"}.get(args.style)
            if ext:
                from .citations.cite import export_files

                mine = [x for x in pages.export_items() if x[0] == f"instruments/{name}"]
                sys.stdout.write(export_files(mine)[f"cite/instruments/{name}.{ext}"])
                return 0
            return _cite_text(root, site, item, args)
        if slug is None or slug not in wiki.entries:
            close = wiki.index.suggest(args.slug, 1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return _fail(f"no concept '{args.slug}'{hint}")
        builder = SiteBuilder(wiki, site, engine=_NoEngine())
        entry = wiki.entries[slug]
        item = builder.page_item(entry)
        key = item["id"]
        ext = {"bibtex": "bib", "ris": "ris", "csl-json": "json", "json": "json"}.get(args.style)
        if ext:
            # the site's cite/SLUG.* file: the page with its version note, then its sources
            from .citations.cite import export_files

            exported = builder.citing.export_item(entry)
            written = export_files([(slug, exported, builder.citing.source_items(entry))])
            sys.stdout.write(written[f"cite/{slug}.{ext}"])
            return 0
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
    return _cite_text(root, site, item, args)


def _cite_text(root: Path, site: SiteConfig, item: dict, args: argparse.Namespace) -> int:
    """One item in a CSL style, as text or HTML."""
    from .citations.engine import CitationEngine, UnknownStyleError

    style = args.style
    try:
        # in the style's locale, as on the site (the site's ``locales`` and language count)
        engine = CitationEngine([style], base_dir=root, locales=site.locales, language=site.language)
    except UnknownStyleError as exc:
        return _fail(str(exc).splitlines()[0])
    print(engine.bibliography_entry(item, engine.style_names()[0], args.format))
    return 0


class _NoEngine:
    """Stands in for the citation engine where only CSL-JSON items are needed."""

    def style_title(self, style: str) -> str:  # pragma: no cover - never rendered
        return style


def cmd_new(args: argparse.Namespace) -> int:
    from .authoring.new import new_entry, new_instrument

    root = Path(args.root)
    site = _site_config(root, args)
    if args.instrument:
        if args.kind is not None:
            return _fail("--kind is for concept entries; a policy instrument has a --type")
        path, problems = new_instrument(root, args.slug, args.title, type=args.type or "legislation",
                                        source=args.source, instruments_dir=site.instruments_dir,
                                        bib_dir=site.bib_dir)
    elif args.type is not None:
        return _fail("--type is for policy instruments: add --instrument")
    else:
        path, problems = new_entry(root, args.slug, args.title, kind=args.kind or "concept", source=args.source,
                                   concepts_dir=site.concepts_dir, bib_dir=site.bib_dir)
    if problems:
        print(format_problems(problems), file=sys.stderr)
    if path is None:
        return 1
    print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_fmt(args: argparse.Namespace) -> int:
    from .authoring.fmt import diff_for, entry_paths, fmt_paths, fmt_problems

    root = Path(args.root)
    site = _site_config(root, args)
    paths = [Path(p) for p in args.paths] or entry_paths(root, site.concepts_dir, site.instruments_dir)
    ins = site.instruments_dir
    changed, problems = fmt_paths(paths, check=args.check, root=root, instruments_dir=ins)
    if args.format == "github":
        if not args.check:
            print("--format github needs --check (it reports, and changes nothing)", file=sys.stderr)
            return 2
        # Annotations on the lines fmt would change, then the diff for the log.
        would = [p for path in changed for p in fmt_problems(path, root=root, instruments_dir=ins)]
        out = format_problems([*problems, *would], "github")
        if out:
            print(out)
        for p in changed:
            sys.stdout.write(diff_for(p, root=root, instruments_dir=ins))
        return 1 if (changed or problems.errors) else 0
    if problems:
        print(format_problems(problems), file=sys.stderr)
    if args.check:
        for p in changed:
            sys.stdout.write(diff_for(p, root=root, instruments_dir=ins))
        return 1 if (changed or problems.errors) else 0
    for p in changed:
        print(f"formatted {p}", file=sys.stderr)
    return 1 if problems.errors else 0


def cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(instrument_json_schema_text() if args.instruments else json_schema_text())
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
    ext = p.add_argument_group("external links (network; never part of the build or the tests)")
    ext.add_argument("--external", action="store_true",
                     help="also check every external URL the wiki publishes (source url and doi, "
                     "see_also, links in Markdown): dead, moved and challenge-only links")
    ext.add_argument("--fix", action="store_true",
                     help="with --external: write the new address of each permanently moved link "
                     "into its .bib or .yaml file")
    ext.add_argument("--cache", default=".cache/linkcheck.json", metavar="FILE",
                     help="results with their dates, relative to --root (default: %(default)s; "
                     "'' for none)")
    ext.add_argument("--max-age", type=int, default=7, metavar="DAYS",
                     help="check again only URLs checked at least this many days ago (default: 7)")
    ext.add_argument("--jobs", type=int, default=8, help="requests in flight at most (default: 8)")
    ext.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                     help="pause between two requests to one host (default: 1)")
    ext.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS",
                     help="per request (default: 15)")
    ext.add_argument("--retries", type=int, default=2,
                     help="more tries after a timeout, 5xx or malformed answer (default: 2)")
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
    p.add_argument("--kind", default=None, metavar="KIND",
                   help=f"what the entry describes: {', '.join(kinds)} (default: concept; "
                   "CONTRIBUTING.md defines each)")
    p.add_argument("--source", metavar="KEY", help="the BibTeX key of the main source, from "
                   "bib/*.bib (add the source first); without it the skeleton cites REPLACE-ME "
                   "and 'check' fails until you replace it")
    types = ", ".join(t.value for t in InstrumentType)
    p.add_argument("--instrument", action="store_true",
                   help="write instruments/SLUG.yaml, the skeleton of a policy instrument, instead "
                   "(--source: the key of the instrument's own text)")
    p.add_argument("--type", default=None, metavar="TYPE",
                   help=f"with --instrument: {types} (default: legislation)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("fmt", parents=[folders], help="write entries in the canonical layout (keeps comments)")
    p.add_argument("paths", nargs="*", help="files or folders (default: every entry)")
    p.add_argument("--check", action="store_true", help="change nothing; show what would change")
    p.add_argument("--format", choices=["text", "github"], default="text",
                   help="with --check: text (a unified diff), or github (an annotation on each "
                   "run of lines that would change, saying what fmt would write, then the diff)")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("cite", parents=[where],
                       help="print a citation of a concept or instrument page, or of a BibTeX source")
    p.add_argument("slug", nargs="?", help="the concept to cite (its slug or an alias)")
    p.add_argument("--bib", dest="bib_file", help="a BibTeX file (default: every file in bib/)")
    p.add_argument("--key", help="the BibTeX key of the source to cite")
    p.add_argument("--instrument", metavar="SLUG",
                   help="the policy instrument whose page to cite (instruments/SLUG.yaml); a SLUG "
                   "given alone that names no concept is looked up among the instruments too")
    p.add_argument("--style", default="apa",
                   help="a CSL style name or .csl path, or bibtex, ris or csl-json (default: apa)")
    p.add_argument("--format", choices=["text", "html"], default="text")
    p.set_defaults(func=cmd_cite)

    p = sub.add_parser("schema", parents=[folders], help="print the JSON Schema of concept entries")
    p.add_argument("--instruments", action="store_true",
                   help="print the JSON Schema of policy instruments (instruments/*.yaml) instead")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        return _fail(f"{Path(args.root) / 'mkdocs.yml'}: {exc}")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
