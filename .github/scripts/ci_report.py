"""The last step of CI: one report of every step's problems, and the job's verdict.

Every CI step runs even when an earlier one failed (``continue-on-error`` plus
``if: !cancelled()``) and keeps its output in ``ci-logs/``; this script then

- turns build and test failures into annotations (``check`` and ``fmt --check --format
  github`` annotate their own lines; the build's messages that are not already annotations
  and each failed test become ``::error`` lines, a failed test on its file and line);
- writes a job summary (``$GITHUB_STEP_SUMMARY``, or standard output outside Actions) that
  lists each step's outcome and every problem, and links the built site's artifact;
- exits 1 if any step failed, so the job fails once, after everything was reported.

Usage: ``python .github/scripts/ci_report.py LOGDIR check=OUTCOME fmt=OUTCOME build=OUTCOME
test=OUTCOME`` (outcomes as GitHub gives them: success, failure, skipped, cancelled).
Environment: ``ARTIFACT_URL`` (the site artifact's link, if it was uploaded).
"""

from __future__ import annotations

import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

STEPS = {"check": "Validate entries, sources and links (`conceptwiki check --strict`)",
         "fmt": "Entries are formatted (`conceptwiki fmt --check`)",
         "build": "Strict build (`make build`)",
         "test": "Tests (`make test`)"}
_ANNOTATION = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")
_MKDOCS = re.compile(r"^(ERROR|WARNING)\s+-\s+(.*)$")
_DOC_FILE = re.compile(r"^Doc file '([^']+)'")
_LOCATED = re.compile(r"^(?:conceptwiki: )?([\w./-]+):(\d+)(?::(\d+))?: (error|warning): (.*)$")


def _unescape(s: str) -> str:
    return s.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def _escape(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def annotations(text: str) -> list[tuple[str, str, str]]:
    """(kind, where, message) of the workflow-command lines in ``text``."""
    out = []
    for line in text.splitlines():
        m = _ANNOTATION.match(line)
        if m:
            props = dict(p.split("=", 1) for p in (m.group(2) or "").split(",") if "=" in p)
            where = props.get("file", "")
            if "line" in props:
                where += f":{props['line']}" + (f":{props['col']}" if "col" in props else "")
            out.append((m.group(1), where, _unescape(m.group(3))))
    return out


def build_problems(log: str, docs_dir: str = "docs") -> list[tuple[str, str, str]]:
    """The build's ERROR and WARNING lines (the strict build fails on both), located where
    the message says (``path:line:column``, or MkDocs' "Doc file 'page.md'")."""
    out = []
    for line in log.splitlines():
        m = _MKDOCS.match(line.strip())
        if not m:
            continue
        kind = "error" if m.group(1) == "ERROR" else "warning"
        located = _LOCATED.match(m.group(2))
        doc = _DOC_FILE.match(m.group(2))
        if located:
            where = located.group(1) + f":{located.group(2)}" + (f":{located.group(3)}" if located.group(3) else "")
            out.append((located.group(4), where, located.group(5)))
        elif doc:  # MkDocs names a page by its path under docs_dir, without a line
            out.append((kind, f"{docs_dir}/{doc.group(1)}", m.group(2)))
        else:
            out.append((kind, "", m.group(2)))
    return out


def test_failures(junit: Path) -> list[tuple[str, str, str]]:
    """Failed and erroring tests from pytest's JUnit XML, at the test's file and line."""
    if not junit.is_file():
        return []
    try:
        root = ET.parse(junit).getroot()
    except ET.ParseError as exc:
        return [("error", "", f"cannot read {junit}: {exc}")]
    out = []
    for case in root.iter("testcase"):
        for bad in list(case.findall("failure")) + list(case.findall("error")):
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            where = case.get("file") or case.get("classname", "").replace(".", "/") + ".py"
            line = case.get("line")
            body = (bad.text or "").strip().splitlines()
            message = (bad.get("message") or "").strip() or (body[-1] if body else "failed")
            out.append(("error", f"{where}:{int(line) + 1}" if line else where,
                        f"{name} failed: {message[:500]}"))
    return out


def main(argv: list[str]) -> int:
    logdir = Path(argv[1])
    outcomes = dict(a.split("=", 1) for a in argv[2:])
    read = lambda name: (logdir / name).read_text(encoding="utf-8", errors="replace") \
        if (logdir / name).is_file() else ""  # noqa: E731
    found = {"check": annotations(read("check.txt")),
             "fmt": annotations(read("fmt.txt")),
             "build": build_problems(read("build.txt")),
             "test": test_failures(logdir / "junit.xml")}
    if outcomes.get("test") == "failure" and not found["test"]:
        tail = read("test.txt").strip().splitlines()[-5:]
        found["test"] = [("error", "", "make test failed: " + " / ".join(tail))]
    if outcomes.get("build") == "failure" and not found["build"]:
        tail = read("build.txt").strip().splitlines()[-5:]
        found["build"] = [("error", "", "make build failed: " + " / ".join(tail))]
    # check and fmt annotated their lines themselves; the build's and the tests' here.
    annotated = {(where, message) for step in ("check", "fmt") for _, where, message in found[step]}
    for step in ("build", "test"):
        for kind, where, message in found[step]:
            if (where, message) in annotated:
                continue  # the same problem, already annotated by `check`
            file, _, rest = where.partition(":")
            line, _, col = rest.partition(":")
            props = ",".join(p for p in (f"file={file}" if file else "", f"line={line}" if line else "",
                                         f"col={col}" if col else "",
                                         f"title={STEPS[step].split(' (')[0]}") if p)
            print(f"::{kind} {props}::{_escape(message)}")
    lines = ["# CI report", "", "| Step | Outcome | Problems |", "| --- | --- | --- |"]
    for step, title in STEPS.items():
        outcome = outcomes.get(step, "skipped")
        mark = {"success": "✅", "failure": "❌"}.get(outcome, "⚪")
        count = len([p for p in found[step] if p[0] != "notice"])
        lines.append(f"| {title} | {mark} {outcome} | {count} |")
    lines.append("")
    url = os.environ.get("ARTIFACT_URL", "")
    lines.append(f"Built site: [download the `site` artifact]({url}) (unzip it and open `index.html`)."
                 if url else "Built site: no artifact (the build failed).")
    for step, title in STEPS.items():
        items = found[step]
        if not items:
            continue
        lines += ["", f"## {title}", ""]
        for kind, where, message in items:
            first, *more = message.splitlines()
            lines.append(f"- **{kind}** `{where or '-'}`: {first}" + "".join(f"<br>`{m}`" for m in more[:20]))
    summary = "\n".join(lines) + "\n"
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as f:
            f.write(summary)
    else:
        sys.stdout.write(summary)
    failed = [s for s in STEPS if outcomes.get(s) != "success"]  # skipped: install failed
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
