"""The maps between entries that pages show: related entries (both ways), backlinks and tags.

Computed once per build from the loaded entries; the concept pages, listings, the concept map
and the brief read them. Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model.links import LinkIndex, find_wikilinks
from ..model.loader import Entry

__all__ = ["related_both_ways", "entry_backlinks", "tag_members"]


def related_both_ways(entries: Mapping[str, Entry]) -> dict[str, list[str]]:
    """slug -> the entries it names in ``related`` or that name it there, by title."""
    out: dict[str, set[str]] = {slug: set() for slug in entries}
    for slug, entry in entries.items():
        for rel in entry.concept.related:
            if rel in entries and rel != slug:
                out[slug].add(rel)
                out[rel].add(slug)
    return {slug: sorted(rels, key=lambda s: entries[s].title.casefold())
            for slug, rels in out.items()}


def entry_backlinks(entries: Mapping[str, Entry], index: LinkIndex) -> dict[str, list[str]]:
    """slug -> the entries whose text links to it (sorted by slug)."""
    out: dict[str, set[str]] = {slug: set() for slug in entries}
    for slug, entry in entries.items():
        for _loc, text in entry.text_fields():
            for link in find_wikilinks(text):
                target = index.resolve(link.target)
                if target and target != slug:
                    out[target].add(slug)
    return {slug: sorted(s) for slug, s in out.items()}


def tag_members(entries: Mapping[str, Entry]) -> dict[str, list[str]]:
    """tag -> its entries by title, tags in sorted order."""
    tags: dict[str, list[str]] = {}
    for slug, entry in entries.items():
        for tag in entry.concept.tags:
            tags.setdefault(tag, []).append(slug)
    return {t: sorted(v, key=lambda s: entries[s].title.casefold())
            for t, v in sorted(tags.items())}
