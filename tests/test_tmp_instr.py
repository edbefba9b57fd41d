import os, yaml
from pathlib import Path
from test_serve_live import *  # noqa
from test_serve_live import _text, FIRST_INSTRUMENT

def test_first_instrument(server, project):
    server.page_showing("", lambda d: "Synthetic concept wiki" in _text(d), "the home page")
    concepts = project / "concepts"
    linked = sorted(concepts.glob("*.yaml"))[0].stem
    key = yaml.safe_load((concepts / f"{linked}.yaml").read_text())["sources"]["primary"]
    made = project / ".instruments-draft"
    made.mkdir()
    (made / "first-rule.yaml").write_text(FIRST_INSTRUMENT.format(key=key, concept=linked), encoding="utf-8")
    os.replace(made, project / "instruments")
    server.page_showing("instruments/first-rule/", lambda d: "A first rule made while serving" in _text(d), "page")
