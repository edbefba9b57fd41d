"""``conceptwiki cite SLUG --style bibtex|ris|csl-json`` gives the site's ``cite/SLUG.*`` file
(the page with its version note, then its sources), accessed on the day it is run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conceptwiki.config import read_mkdocs_yml, site_config
from conceptwiki.model.loader import load_wiki
from conceptwiki.render.site import SiteBuilder
from helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent


def cite_cli(*args: str) -> str:
    r = run_cli(*args, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_cli_gives_the_site_files():
    site = site_config(ROOT, *read_mkdocs_yml(ROOT / "mkdocs.yml"))
    site.build_date = dt.date.today()
    wiki = load_wiki(ROOT, site.concepts_dir, site.bib_dir)
    files = SiteBuilder(wiki, site).exports()
    for style, ext in (("bibtex", "bib"), ("ris", "ris"), ("csl-json", "json")):
        out = cite_cli("cite", "mesa-optimization", "--style", style)
        assert out == files[f"cite/mesa-optimization.{ext}"], style
        # a policy instrument's page, by --instrument or by its slug alone
        out = cite_cli("cite", "--instrument", "eu-ai-act", "--style", style)
        assert out == files[f"cite/instruments/eu-ai-act.{ext}"] == cite_cli("cite", "eu-ai-act", "--style", style)
    data = json.loads(cite_cli("cite", "mesa-optimization", "--style", "csl-json"))
    today = dt.date.today()
    assert data[0]["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}
    assert data[0]["version"] and data[0]["note"] == f"Version {data[0]['version']}"
    assert len(data) > 1  # its sources follow
