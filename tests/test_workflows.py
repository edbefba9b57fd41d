"""The GitHub workflows, the pre-commit hooks and the pull-request template are safe and
consistent: every action pinned to a full commit SHA with its version in a comment, a
read-only token by default, extra permissions only on the job that deploys, no
``pull_request_target``, and the commands they run exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
#: Extra permissions a job may ask for, by job name; everything else stays read-only.
ALLOWED_JOB_PERMISSIONS = {
    "deploy": {"pages": "write", "id-token": "write"},
    "build": {"contents": "read", "pages": "read"},
}


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict):
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pages.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_sha_with_its_version(path: Path) -> None:
    workflow = _load(path)
    uses = [step["uses"] for _, step in _steps(workflow) if "uses" in step]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert uses
    for ref in uses:
        assert ref.startswith("./") or PINNED.match(ref), f"{path.name}: '{ref}' is not pinned to a commit SHA"
    for line in path.read_text(encoding="utf-8").splitlines():
        m = USES_LINE.match(line)
        if m and not m.group(1).startswith("./"):
            assert re.match(r"\s+#\s*v\d+(\.\d+)*\s*$", m.group(2)), (
                f"{path.name}: '{line.strip()}' needs the version in a comment, e.g. '# v4.2.2'")


def test_one_sha_per_action_across_workflows() -> None:
    seen: dict[str, str] = {}
    for p in WORKFLOWS:
        for _, step in _steps(_load(p)):
            if "uses" in step and "@" in step["uses"]:
                action, sha = step["uses"].split("@", 1)
                assert seen.setdefault(action, sha) == sha, f"{action} is pinned to two SHAs"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_least_privilege(path: Path) -> None:
    workflow = _load(path)
    assert workflow.get("permissions") == {"contents": "read"}, (
        f"{path.name}: set top-level 'permissions: contents: read'")
    for name, job in workflow["jobs"].items():
        perms = job.get("permissions")
        if perms is None:
            continue
        assert isinstance(perms, dict), f"{path.name}: job '{name}' permissions must be a mapping"
        allowed = ALLOWED_JOB_PERMISSIONS.get(name, {})
        for scope, level in perms.items():
            if level in ("read", "none") and scope == "contents":
                continue
            assert allowed.get(scope) == level, (
                f"{path.name}: job '{name}' asks for '{scope}: {level}'")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_privileged_triggers(path: Path) -> None:
    triggers = _load(path)["on"]
    names = set(triggers) if isinstance(triggers, (dict, list)) else {triggers}
    assert not names & {"pull_request_target", "workflow_run", "issue_comment"}, (
        f"{path.name}: these triggers run with secrets on code from forks")
    code = [ln.split("#", 1)[0] for ln in path.read_text(encoding="utf-8").splitlines()]
    assert not any("pull_request_target" in ln for ln in code)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_concurrency_and_timeouts(path: Path) -> None:
    workflow = _load(path)
    assert workflow.get("concurrency", {}).get("group"), f"{path.name}: set a concurrency group"
    for name, job in workflow["jobs"].items():
        if "uses" in job:  # a called workflow: its own jobs have the timeouts
            continue
        assert job.get("timeout-minutes"), f"{path.name}: job '{name}' needs timeout-minutes"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_keeps_no_credentials_and_run_steps_take_no_event_text(path: Path) -> None:
    for name, step in _steps(_load(path)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, (
                f"{path.name}: checkout in '{name}' should set persist-credentials: false")
        # Text from the event (titles, branch names) in a shell script is a script injection.
        assert "github.event" not in step.get("run", ""), f"{path.name}: '{step.get('name')}'"


def test_ci_runs_the_project_checks_in_order() -> None:
    ci = _load(ROOT / ".github" / "workflows" / "ci.yml")
    assert set(ci["on"]) >= {"pull_request", "push"}
    runs = [step.get("run", "") for _, step in _steps(ci)]
    wanted = [".venv/bin/conceptwiki check --strict --format github", ".venv/bin/conceptwiki fmt --check",
              "make build", "make test"]
    positions = [next(i for i, r in enumerate(runs) if w in r) for w in wanted]
    assert positions == sorted(positions)
    assert any("make install" in r for r in runs)
    uploads = [s for _, s in _steps(ci) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["with"]["path"].rstrip("/") == "site"
    setup = [s for _, s in _steps(ci) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup and setup[0]["with"]["python-version"] == "3.11"


def test_pages_deploys_only_from_main() -> None:
    pages = _load(ROOT / ".github" / "workflows" / "pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert "pull_request" not in pages["on"]
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    build_uses = [s.get("uses", "").split("@")[0] for s in pages["jobs"]["build"]["steps"]]
    assert {"actions/configure-pages", "actions/upload-pages-artifact"} <= set(build_uses)


def test_makefile_has_the_targets_the_workflows_run() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for path in WORKFLOWS:
        for _, step in _steps(_load(path)):
            for target in re.findall(r"\bmake (\w+)", step.get("run", "")):
                assert re.search(rf"^{target}:", makefile, re.M), f"no 'make {target}'"


def test_pre_commit_hooks() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    hooks = {h["id"]: h for h in repo["hooks"]}
    assert hooks["conceptwiki-fmt"]["entry"] == ".venv/bin/conceptwiki fmt"
    assert hooks["conceptwiki-check"]["entry"] == ".venv/bin/conceptwiki check --strict"
    assert hooks["conceptwiki-check"]["pass_filenames"] is False
    assert re.search(hooks["conceptwiki-fmt"]["files"], "concepts/mesa-optimization.yaml")
    assert not re.search(hooks["conceptwiki-fmt"]["files"], "concepts/schema.json")
    assert re.search(hooks["conceptwiki-check"]["files"], "bib/foundations.bib")


def test_pull_request_template_has_the_checklist() -> None:
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] (.+)$", template, re.M)
    assert len(items) >= 8
    # The same checklist as CONTRIBUTING.md (where long items wrap over lines).
    section = contributing.split("## Review checklist", 1)[1]
    listed = [" ".join(item.split()) for item in re.findall(r"^- \[ \] (.+?)(?=^- \[ \]|\Z)", section, re.M | re.S)]
    assert items == listed


def test_contributing_example_entry_is_valid_and_formatted() -> None:
    from conceptwiki.authoring.fmt import format_entry_text
    from conceptwiki.model.schema import FIELD_ORDER, Concept

    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = re.search(r"A complete entry:\n\n```yaml\n(.*?)```", text, re.S).group(1)
    Concept.model_validate(yaml.safe_load(example))
    assert format_entry_text(example) == example
    # The field table lists exactly the schema's fields, in the canonical order.
    table = re.findall(r"^\| `(\w+)` \|", text, re.M)
    assert tuple(table) == FIELD_ORDER
