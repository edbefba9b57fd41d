"""The ``conceptwiki`` command line. Imports nothing from MkDocs."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .loader import load_wiki
from .problems import format_problems
from .schema import json_schema_text
from .site import SiteBuilder, SiteConfig

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
    out = format_problems(problems, args.format)
    if out:
        print(out)
    if args.format == "text":
        n_err, n_warn = len(problems.errors), len(problems.warnings)
        summary = (f"{len(wiki.entries)} entries, {len(wiki.sources)} sources: "
                   f"{n_err} error{'s' if n_err != 1 else ''}, {n_warn} warning{'s' if n_warn != 1 else ''}")
        print(summary, file=sys.stderr)
    return 1 if problems.errors else 0


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
    if wiki.problems:
        print(format_problems(wiki.problems), file=sys.stderr)
    if wiki.problems.errors:
        print("not building: fix the errors above first", file=sys.stderr)
        return 1
    out = Path(args.out)
    protected = [(root / d).resolve() for d in (site.concepts_dir, site.bib_dir, "docs")]
    if any(out.resolve() == p or p in out.resolve().parents for p in protected):
        print(f"error: --out {out} is inside a source folder; choose another folder", file=sys.stderr)
        return 2
    pages = SiteBuilder(wiki, site).pages()
    for page in pages:
        _write_atomic(out / page.src_uri, page.markdown)
    print(f"wrote {len(pages)} pages to {out}", file=sys.stderr)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json_schema_text())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conceptwiki", description=__doc__)
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")
    parser.add_argument("--concepts", default="concepts", help="entries folder, relative to --root")
    parser.add_argument("--bib", default="bib", help="BibTeX folder, relative to --root")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="validate entries, sources and links")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", help="write the generated Markdown pages into a folder")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("schema", help="print the JSON Schema of concept entries")
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
