from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from conceptwiki.model.problems import Problems
from conceptwiki.model.schema import FIELD_ORDER, Concept, json_schema_text
from conceptwiki.model.yamlsafe import MAX_BYTES, load_yaml

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_current():
    committed = (ROOT / "concepts" / "schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), "concepts/schema.json is stale: run `make schema`"


def test_schema_forbids_unknown_keys_everywhere():
    schema = json.loads(json_schema_text())
    assert schema["additionalProperties"] is False
    for name, sub in schema["$defs"].items():
        if sub.get("type") == "object":
            assert sub["additionalProperties"] is False, name


def test_field_order_starts_with_title():
    assert FIELD_ORDER[:3] == ("title", "aliases", "kind")


MINIMAL = {
    "title": "X", "kind": "concept", "status": {"level": "established"}, "summary": "S.",
    "sources": {"primary": "k"}, "created": datetime.date(2026, 1, 1),
}


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "vbscript:x",
                                 "JAVASCRIPT:alert(1)", " https://x.org", "ftp://x.org", "//x.org"])
def test_only_web_and_mail_urls(url):
    data = dict(MINIMAL, see_also=[{"title": "t", "url": url}])
    with pytest.raises(ValidationError):
        Concept.model_validate(data)


def test_contested_needs_a_note():
    with pytest.raises(ValidationError):
        Concept.model_validate(dict(MINIMAL, status={"level": "contested"}))
    Concept.model_validate(dict(MINIMAL, status={"level": "contested", "note": "Why."}))


def test_yaml_size_limit():
    problems = Problems()
    assert load_yaml(b"a: b\n" * (MAX_BYTES // 5 + 1), "big.yaml", problems) is None
    assert "over the limit" in problems[0].message


def test_yaml_positions():
    problems = Problems()
    doc = load_yaml(b"title: x\nsources:\n  further:\n    - a\n    - b\n", "p.yaml", problems)
    assert doc.where(("sources", "further", 1)) == (5, 7)
    assert doc.where(("title",)) == (1, 8)
    assert doc.where(("sources", "missing")) == (3, 3)
