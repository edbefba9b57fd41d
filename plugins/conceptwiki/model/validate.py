"""Validating an entry's YAML data with its pydantic model, and the messages that say where
and how to fix what is wrong: shared by concept entries (:mod:`.loader`) and policy
instruments (:mod:`.instruments`), so both kinds of entry report problems alike. Nothing here
imports MkDocs.
"""

from __future__ import annotations

import datetime
import difflib
import typing
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import schema
from .problems import Problems
from .schema import RESERVED_SLUGS, SLUG_RE, Concept
from .yamlsafe import Loc, Located

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

__all__ = ["validate_model", "slug_problem", "stray_entry_files", "check_dates", "did_you_mean", "yaml_type"]

M = TypeVar("M", bound=BaseModel)


def _submodel(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The pydantic model inside a field's annotation (``X``, ``Optional[X]``, ``list[X]``)
    and whether it is in a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    for arg in typing.get_args(annotation):
        model, _ = _submodel(arg)
        if model is not None:
            return model, origin is list
    return None, False


def _models_for(loc: Loc, root: type[BaseModel] = Concept) -> type[BaseModel] | None:
    """The model that validates the mapping at ``loc`` in an entry validated by ``root``."""
    model: type[BaseModel] = root
    i = 0
    while i < len(loc):
        info = model.model_fields.get(str(loc[i]))
        sub, listed = _submodel(info.annotation) if info is not None else (None, False)
        if sub is None:
            return None
        model = sub
        i += 2 if listed else 1  # skip a list index
    return model


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "entry"


def yaml_type(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return "a date"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_PATTERN_HINTS = {
    schema.SLUG_PATTERN: "use lower-case letters, digits and single hyphens, e.g. 'inner-alignment'",
    schema.BIBKEY_PATTERN: "use letters, digits and _:.+/- only, e.g. 'hubinger2019risks'",
    schema.URL_PATTERN: "only http://, https:// and mailto: links are allowed",
}


def _message(err: ErrorDetails, located: Located,
             root: type[BaseModel] = Concept) -> tuple[Loc, bool, str]:
    """Turn one pydantic error into ``(loc, at_key, message)``."""
    loc = tuple(err["loc"])
    raw = located.raw.get(loc)
    kind = err["type"]
    name = _dotted(loc)
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        model = _models_for(loc[:-1], root)
        allowed = list(model.model_fields) if model else []
        key = str(loc[-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; allowed keys: {', '.join(allowed)}"
        where = f" in '{_dotted(loc[:-1])}'" if loc[:-1] else ""
        return loc, True, f"unknown key '{key}'{where}{hint}"
    if kind == "missing":
        parent = loc[:-1]
        where = f" in '{_dotted(parent)}'" if parent else ""
        return parent, False, f"missing required key '{loc[-1]}'{where}"
    if value is None and kind.endswith("_type"):
        return loc, False, f"'{name}' must not be empty"
    if kind in ("string_type", "str_type"):
        if isinstance(value, (int, float, bool, datetime.date)):
            shown = raw if raw is not None else value
            return loc, False, (f"'{name}' must be text, but YAML reads {shown} as {yaml_type(value)}; "
                                f"put it in quotes: '{shown}'")
        pair = located.pairs.get(loc) if isinstance(value, dict) else None
        if pair is not None:
            quoted = (f'"{pair}"' if "'" in pair and not any(c in pair for c in '"\\')
                      else "'" + pair.replace("'", "''") + "'")
            why = ("a key with an empty value because it ends in ':'" if pair.endswith(":")
                   else "a key and a value because of the ': '")
            return loc, False, (f"'{name}' must be text, not a mapping: YAML reads '{pair}' as "
                                f"{why}; put it in quotes: {quoted}")
        return loc, False, f"'{name}' must be text, not {yaml_type(value)}"
    if kind in ("bool_type", "bool_parsing"):
        shown = raw if raw is not None else value
        return loc, False, f"'{name}' must be true or false, not {shown!r}"
    if kind == "list_type":
        return loc, False, f"'{name}' must be a list, not {yaml_type(value)}, e.g. [a, b] or one '- item' per line"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return loc, False, f"'{name}' must be a mapping of keys to values, not {yaml_type(value)}"
    if kind == "too_short" or (kind == "string_too_short"):
        if isinstance(value, str) or kind == "string_too_short":
            return loc, False, f"'{name}' must not be empty"
        return loc, False, f"'{name}' must not be empty"
    if kind == "string_too_long":
        return loc, False, f"'{name}' is longer than {ctx.get('max_length')} characters; shorten it"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(ctx.get("pattern", ""), f"it must match {ctx.get('pattern')}")
        return loc, False, f"'{name}': {value!r} is not valid; {hint}"
    if kind == "enum":
        expected = ctx.get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",") if o.strip()]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return loc, False, f"'{name}' must be one of {expected}, not {value!r}{hint}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return loc, False, f"'{name}' must be a date written YYYY-MM-DD, not {value!r}"
    if kind == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
        return loc, False, f"'{name}': {msg}"
    return loc, False, f"'{name}': {err.get('msg', 'invalid value')}"


def validate_model(located: Located, path: str, problems: Problems, model: type[M]) -> M | None:
    """Validate ``located``'s data with ``model`` (a concept, an instrument); each problem
    goes to ``problems`` at its ``path:line:column``, and the result is None."""
    data = located.data
    if not isinstance(data, dict):
        problems.error(path, 1, 1, f"an entry must be a mapping of keys to values (title: ..., "
                       f"summary: ...), not {yaml_type(data)}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        seen: set[tuple[int, int, str]] = set()
        for err in exc.errors(include_url=False):
            loc, at_key, msg = _message(err, located, model)
            line, col = located.where(loc, key=at_key)
            if (line, col, msg) in seen:
                continue
            seen.add((line, col, msg))
            problems.error(path, line, col, msg)
        return None


def slug_problem(stem: str) -> str | None:
    if SLUG_RE.match(stem) is None:
        suggestion = "-".join(filter(None, "".join(
            ch if ch.isalnum() and ch.isascii() else "-" for ch in stem.lower()).split("-")))
        hint = f"; rename it to '{suggestion}.yaml'" if suggestion else ""
        return (f"file name '{stem}' is not a valid slug: use lower-case letters, digits and "
                f"single hyphens{hint}")
    if stem in RESERVED_SLUGS:
        return f"'{stem}' is a reserved name (the site uses it); choose another file name"
    if len(stem) > 100:
        return "file name is longer than 100 characters; choose a shorter slug"
    return None


def stray_entry_files(folder: Path) -> list[tuple[Path, str]]:
    """Names in an entries folder that look like entries but are not read as one, each with
    what to do: they were skipped without a word, so an entry saved as ``x.YAML`` or ``.yaml``
    (or a folder or a dangling link named ``x.yaml``) simply went missing, and only the
    links to it were reported."""
    out: list[tuple[Path, str]] = []
    for p in sorted(folder.iterdir()):
        if p.name.lower() in (".yaml", ".yml"):
            out.append((p, f"file name '{p.name}' has no slug before the extension; name it "
                           "after the entry, e.g. 'inner-alignment.yaml'"))
        elif p.suffix.lower() in (".yaml", ".yml") and p.suffix not in (".yaml", ".yml"):
            out.append((p, f"the extension '{p.suffix}' is not read; rename the file to "
                           f"'{p.stem}.yaml' (lower case)"))
        elif p.suffix in (".yaml", ".yml") and not p.is_file():
            what = ("a folder" if p.is_dir() else "a symbolic link that leads to no file"
                    if p.is_symlink() and not p.exists() else "not a regular file")
            out.append((p, f"is {what}, so it is not read; an entry is a file "
                           "named <slug>.yaml"))
    return out


def check_dates(path: str, located: Located, dates: Mapping[str, datetime.date | None],
                problems: Problems) -> None:
    """``created`` and ``updated`` are days that have passed: a date in the future is a typo
    (``2062`` for ``2026``), and ``updated: 2999-01-01`` ended ``mkdocs build`` in a
    struct.error (the sitemap's gzip header cannot hold it). ``updated`` before ``created``
    is one too."""
    today = datetime.date.today()
    for name, day in dates.items():
        if day is not None and day > today:
            line, col = located.where((name,))
            problems.error(path, line, col, f"'{name}' is {day.isoformat()}, a day in the future; "
                           "write the day it happened (YYYY-MM-DD)")
    created, updated = dates.get("created"), dates.get("updated")
    if created is not None and updated is not None and updated < created:
        line, col = located.where(("updated",))
        problems.error(path, line, col, f"'updated' ({updated.isoformat()}) is before 'created' "
                       f"({created.isoformat()}); correct one of them")


def did_you_mean(options: list[str]) -> str:
    if not options:
        return ""
    return "; did you mean " + " or ".join(f"'{o}'" for o in options) + "?"

