"""Fingerprints of entries and published-version records from real git repositories."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest

from helpers import commit, git

from conceptwiki.bibtex import load_bib_files, load_bib_string
from conceptwiki.history.entries import revision_url, versions_json
from conceptwiki.history.fingerprint import (SHORT, canonical_json, canonical_source, cited_keys, fingerprint,
                                     published_versions)
from conceptwiki.model.loader import load_wiki
from conceptwiki.model.problems import Problems
from conceptwiki.model.yamlsafe import load_yaml

GOLDEN = Path(__file__).parent / "golden" / "pinpoint"


def data_of(text: str):
    located = load_yaml(text.encode("utf-8"), "e.yaml", Problems())
    assert located is not None
    return located.data


def sources_of(text: str) -> dict:
    sources, problems = load_bib_string(text, "s.bib")
    assert not problems.errors
    return {s.key: s for s in sources}


ENTRY = (GOLDEN / "entry.yaml").read_text(encoding="utf-8")
BIB = (GOLDEN / "sources.bib").read_text(encoding="utf-8")


def fp(entry: str = ENTRY, bib: str = BIB) -> str:
    return fingerprint(data_of(entry), sources_of(bib))


# -- canonicalisation -----------------------------------------------------------------------------


def test_golden_canonical_json_and_fingerprint():
    data = data_of(ENTRY)
    sources, _ = load_bib_files([GOLDEN / "sources.bib"])
    cited = {k: canonical_source(sources[k], sources) for k in cited_keys(data)}
    canonical = canonical_json({"entry": data, "sources": cited})
    golden = (GOLDEN / "entry.canonical.json").read_bytes().rstrip(b"\n")
    assert canonical == golden
    # sorted keys, no white space between tokens, UTF-8 text rather than \u escapes
    again = json.dumps(json.loads(golden), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical == again.encode("utf-8")
    assert fingerprint(data, sources) == hashlib.sha256(golden).hexdigest()
    # the uncited source is not part of it
    assert b"uncited2022" not in canonical


def test_layout_order_quoting_and_comments_do_not_count():
    reordered = """created: 2026-01-02
sources: {further: [doe2021other], primary: "smith2020example"}
key_points: ["One point."]
details: |-
    First paragraph.

    Second paragraph.
summary: An example entry whose fingerprint is pinned by this golden file.
status:   {level: established}   # trailing comment
tags:
- example
- golden
kind: 'concept'
title: "Example concept"
"""
    assert fp(reordered) == fp()


def test_bibtex_layout_does_not_count():
    bib = BIB.replace("title    = {Another\n              example}", 'title = "Another example"')
    bib = bib.replace("year = 2021", "year = {2021}").replace("@book{", "@BOOK{")
    bib = bib.replace("journal = joe", "journal = {Journal of Examples}")
    assert fp(bib=bib) == fp()


@pytest.mark.parametrize("old,new", [
    ("First paragraph.", "First paragraph, edited."),
    ("kind: concept", "kind: method"),
    ("  - One point.", "  - One point.\n  - Two points."),
    ("created: 2026-01-02", "created: 2026-01-03"),
    ("further: [doe2021other]", "further: []"),
])
def test_content_changes_count(old, new):
    assert old in ENTRY
    assert fp(ENTRY.replace(old, new)) != fp()


def test_a_change_to_a_cited_source_counts_and_to_an_uncited_one_does_not():
    assert fp(bib=BIB.replace("Example Press", "Other Press")) != fp()
    assert fp(bib=BIB.replace("{Journal of Examples}", "{Journal of Samples}")) != fp()  # via @string
    assert fp(bib=BIB.replace("Not cited by the entry", "Still not cited")) == fp()


def test_crossref_parent_counts():
    entry = ENTRY.replace("primary: smith2020example", "primary: child2020")
    bib = BIB + "@inproceedings{child2020, title = {Child}, crossref = {proc2020}}\n" \
                "@proceedings{proc2020, title = {Proceedings}, year = {2020}}\n"
    assert fp(entry, bib) != fp(entry, bib.replace("{Proceedings}", "{Other proceedings}"))


def test_revision_url():
    sha = "a" * 40
    assert revision_url("https://github.com/o/r/", sha) == f"https://github.com/o/r/commit/{sha}"
    assert revision_url("https://gitlab.com/o/r", sha) == f"https://gitlab.com/o/r/-/commit/{sha}"
    assert revision_url("https://example.org/o/r", sha) is None
    assert revision_url("javascript:alert(1)", sha) is None


# -- history from git -----------------------------------------------------------------------------


OTHER = """title: Other concept
kind: risk
status:
  level: established
summary: The other one.
sources:
  primary: uncited2022
created: 2026-01-02
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "concepts").mkdir(parents=True)
    (root / "bib").mkdir()
    (root / "concepts" / "example-concept.yaml").write_text(ENTRY, encoding="utf-8")
    (root / "concepts" / "other-concept.yaml").write_text(OTHER, encoding="utf-8")
    (root / "bib" / "sources.bib").write_text(BIB, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    return root


def history(root: Path, **kw):
    wiki = load_wiki(root)
    assert not wiki.problems.errors, wiki.problems
    return wiki, published_versions(root, wiki, **kw)


def test_two_commits_give_two_versions(repo: Path):
    first = commit(repo, "first", "2026-01-02T10:00:00+00:00")
    path = repo / "concepts" / "example-concept.yaml"
    path.write_text(ENTRY.replace("First paragraph.", "First paragraph, edited."), encoding="utf-8")
    second = commit(repo, "edit", "2026-02-03T10:00:00+00:00")
    wiki, h = history(repo)
    assert h.status == "complete" and h.note is None
    vs = h.versions["example-concept"]
    assert [(v.revision, v.date) for v in vs] == [(second, dt.date(2026, 2, 3)), (first, dt.date(2026, 1, 2))]
    assert vs[0].fingerprint == fingerprint(wiki.entries["example-concept"].located.data, wiki.sources)
    assert vs[1].fingerprint == fp()
    # the other entry did not change
    assert [(v.revision, v.date) for v in h.versions["other-concept"]] == [(first, dt.date(2026, 1, 2))]
    record = json.loads(versions_json("example-concept", h, vs[0].fingerprint))
    assert record == {
        "slug": "example-concept", "fingerprint": vs[0].fingerprint[:SHORT], "history": "complete",
        "versions": [{"fingerprint": vs[0].fingerprint[:SHORT], "revision": second, "date": "2026-02-03"},
                     {"fingerprint": vs[1].fingerprint[:SHORT], "revision": first, "date": "2026-01-02"}]}


def test_layout_only_commit_and_uncited_source_change_publish_nothing_new(repo: Path):
    first = commit(repo, "first", "2026-01-02T10:00:00+00:00")
    path = repo / "concepts" / "example-concept.yaml"
    path.write_text("# reformatted\n" + ENTRY.replace("tags: [example, golden]", "tags:\n  - example\n  - golden"),
                    encoding="utf-8")
    commit(repo, "layout", "2026-02-03T10:00:00+00:00")
    (repo / "bib" / "sources.bib").write_text(BIB.replace("Not cited by the entry", "Still not cited"),
                                              encoding="utf-8")
    third = commit(repo, "uncited source", "2026-03-04T10:00:00+00:00")
    _, h = history(repo)
    assert [v.revision for v in h.versions["example-concept"]] == [first]
    # other-concept cites uncited2022, so the bib change is a new version of it
    assert [v.revision for v in h.versions["other-concept"]] == [third, first]


def test_a_cited_source_change_is_a_new_version(repo: Path):
    first = commit(repo, "first", "2026-01-02T10:00:00+00:00")
    (repo / "bib" / "sources.bib").write_text(BIB.replace("Example Press", "Other Press"), encoding="utf-8")
    second = commit(repo, "fix publisher", "2026-02-03T10:00:00+00:00")
    # moving a source to another file changes nothing
    bib = (repo / "bib" / "sources.bib").read_text(encoding="utf-8")
    start = bib.index("@book{doe2021other")
    end = bib.index("@misc{uncited2022")
    (repo / "bib" / "sources.bib").write_text(bib[:start] + bib[end:], encoding="utf-8")
    (repo / "bib" / "books.bib").write_text(bib[start:end], encoding="utf-8")
    commit(repo, "move", "2026-03-04T10:00:00+00:00")
    _, h = history(repo)
    assert [v.revision for v in h.versions["example-concept"]] == [second, first]


def test_uncommitted_changes_come_first_without_revision(repo: Path):
    first = commit(repo, "first", "2026-01-02T10:00:00+00:00")
    (repo / "concepts" / "example-concept.yaml").write_text(ENTRY.replace("One point.", "A point."),
                                                            encoding="utf-8")
    _, h = history(repo)
    vs = h.versions["example-concept"]
    assert [(v.revision, v.date) for v in vs] == [(None, None), (first, dt.date(2026, 1, 2))]


def test_renamed_entry_keeps_its_history_through_former_slugs(repo: Path):
    first = commit(repo, "first", "2026-01-02T10:00:00+00:00")
    old = repo / "concepts" / "example-concept.yaml"
    text = old.read_text(encoding="utf-8").replace("created:", "former_slugs: [example-concept]\ncreated:")
    old.unlink()
    (repo / "concepts" / "renamed-concept.yaml").write_text(text, encoding="utf-8")
    second = commit(repo, "rename", "2026-02-03T10:00:00+00:00")
    _, h = history(repo)
    assert [v.revision for v in h.versions["renamed-concept"]] == [second, first]


def test_history_is_capped(repo: Path):
    commit(repo, "first", "2026-01-02T10:00:00+00:00")
    path = repo / "concepts" / "example-concept.yaml"
    for i in range(3):
        path.write_text(ENTRY.replace("One point.", f"Point {i}."), encoding="utf-8")
        commit(repo, f"edit {i}", f"2026-02-0{i + 1}T10:00:00+00:00")
    _, h = history(repo, max_commits=2)
    assert h.status == "truncated" and "2 commits" in h.note
    assert [v.date for v in h.versions["example-concept"]] == [dt.date(2026, 2, 3), dt.date(2026, 2, 2)]
    _, h = history(repo, max_versions=1)
    assert h.status == "complete" and len(h.versions["example-concept"]) == 1


def test_merge_commits_count_along_the_first_parent(repo: Path):
    first = commit(repo, "first", "2026-01-02T10:00:00+00:00")
    git(repo, "checkout", "-q", "-b", "topic")
    (repo / "concepts" / "example-concept.yaml").write_text(ENTRY.replace("One point.", "A point."),
                                                            encoding="utf-8")
    commit(repo, "on a branch", "2026-02-03T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge topic", "topic", date="2026-03-04T10:00:00+00:00")
    merge = git(repo, "rev-parse", "HEAD")
    _, h = history(repo)
    # published on main when the merge landed
    assert [(v.revision, v.date) for v in h.versions["example-concept"]] == [
        (merge, dt.date(2026, 3, 4)), (first, dt.date(2026, 1, 2))]


def test_wiki_in_a_subfolder_of_the_repository(tmp_path: Path):
    top = tmp_path / "big"
    root = top / "wiki"
    (root / "concepts").mkdir(parents=True)
    (root / "bib").mkdir()
    (root / "concepts" / "example-concept.yaml").write_text(ENTRY, encoding="utf-8")
    (root / "bib" / "sources.bib").write_text(BIB, encoding="utf-8")
    (top / "concepts").mkdir()  # a folder of the same name elsewhere in the repository
    (top / "concepts" / "example-concept.yaml").write_text(OTHER, encoding="utf-8")
    git(top, "init", "-q", "-b", "main")
    first = commit(top, "first", "2026-01-02T10:00:00+00:00")
    (root / "bib" / "sources.bib").write_text(BIB.replace("Example Press", "Other Press"), encoding="utf-8")
    (top / "concepts" / "example-concept.yaml").write_text(OTHER.replace("other one", "other"),
                                                           encoding="utf-8")
    second = commit(top, "second", "2026-02-03T10:00:00+00:00")
    (top / "concepts" / "example-concept.yaml").write_text(OTHER.replace("other one", "third"),
                                                           encoding="utf-8")
    commit(top, "third", "2026-03-04T10:00:00+00:00")
    _, h = history(root)
    assert [v.revision for v in h.versions["example-concept"]] == [second, first]


def test_shallow_clone_records_only_the_current_fingerprint(repo: Path, tmp_path: Path):
    commit(repo, "first", "2026-01-02T10:00:00+00:00")
    (repo / "concepts" / "example-concept.yaml").write_text(ENTRY.replace("One point.", "A point."),
                                                            encoding="utf-8")
    head = commit(repo, "second", "2026-02-03T10:00:00+00:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    wiki, h = history(clone)
    assert h.status == "current-only"
    assert "shallow git clone" in h.note and "--unshallow" in h.note
    vs = h.versions["example-concept"]
    assert len(vs) == 1 and vs[0].revision == head
    assert vs[0].fingerprint == fingerprint(wiki.entries["example-concept"].located.data, wiki.sources)


def test_not_a_repository(tmp_path: Path, monkeypatch):
    root = tmp_path / "plain"
    (root / "concepts").mkdir(parents=True)
    (root / "bib").mkdir()
    (root / "concepts" / "example-concept.yaml").write_text(ENTRY, encoding="utf-8")
    (root / "bib" / "sources.bib").write_text(BIB, encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    _, h = history(root)
    assert h.status == "current-only" and "not a git repository" in h.note
    assert [v.revision for v in h.versions["example-concept"]] == [None]


INSTRUMENT = """title: Example Act
jurisdiction: European Union
type: legislation
issuing_body: Example Parliament
status: in force
primary_source: doe2021other
summary: An act.
addresses:
  - concept: example-concept
    pinpoint: art 3
    sentence: It addresses the example.
    source: doe2021other
created: 2026-01-02
"""


def test_instruments_have_a_version_history_as_concepts_do(repo: Path):
    """A policy instrument's versions come from the same walk: an edit of its file and a
    change of a source it cites are new versions, a layout-only change is not; its page and
    its version record list them with their commits."""
    from helpers import small_builder

    path = repo / "instruments" / "example-act.yaml"
    path.parent.mkdir()
    path.write_text(INSTRUMENT, encoding="utf-8")
    first = commit(repo, "first", "2026-01-02T10:00:00+00:00")
    path.write_text(INSTRUMENT.replace("An act.", "An act of the example parliament."), encoding="utf-8")
    second = commit(repo, "edit", "2026-02-03T10:00:00+00:00")
    (repo / "bib" / "sources.bib").write_text(BIB.replace("Example Press", "Other Press"), encoding="utf-8")
    third = commit(repo, "fix publisher", "2026-03-04T10:00:00+00:00")
    path.write_text("# reformatted\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    commit(repo, "layout", "2026-04-05T10:00:00+00:00")

    wiki, h = history(repo, instruments_dir="instruments")
    vs = h.versions["instruments/example-act"]
    assert [(v.revision, v.date) for v in vs] == [(third, dt.date(2026, 3, 4)), (second, dt.date(2026, 2, 3)),
                                                  (first, dt.date(2026, 1, 2))]
    assert vs[0].fingerprint == fingerprint(wiki.instruments["example-act"].located.data, wiki.sources)
    # the concepts' history is what it is without instruments
    assert h.versions["example-concept"] == history(repo)[1].versions["example-concept"]
    assert "instruments/example-act" not in history(repo)[1].versions

    builder = small_builder(repo, versions=h)
    shown = builder.instruments.context(wiki.instruments["example-act"])["version"]
    assert [v["revision"] for v in shown["versions"]] == [third, second, first] and shown["committed"]
    html = builder.instruments.body(wiki.instruments["example-act"]).html
    assert [c for c in re.findall(r'class="cw-version[^"]*"[^>]*>(.*?)</li>', html)] and all(
        rev[:7] in html for rev in (first, second, third))
    record = json.loads(builder.instruments.version_files()["cite/instruments/example-act.versions.json"])
    assert record["history"] == "complete" and [v["revision"] for v in record["versions"]] == [third, second, first]
