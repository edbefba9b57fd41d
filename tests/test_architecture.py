"""The package's boundaries, enforced (ARCHITECTURE.md describes them).

Every module of ``conceptwiki`` is parsed (not imported) and its imports, at any depth
(including imports inside functions), are checked:

* only the MkDocs adapter (``conceptwiki.plugin``) imports ``mkdocs`` or ``material``;
* no module imports a private name (``_x``) from another module;
* the modules' imports form no cycle;
* the engine-free stages import no later stage: ``model`` and ``bibtex`` know nothing of
  citations, rendering or the build; ``citations`` nothing of rendering or the build;
  ``render`` nothing of the pipeline, search or the adapter.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "conceptwiki"
ROOT_NAME = "conceptwiki"

#: Stage -> packages it must not import (directly or through a function-level import).
LAYERS = {
    "model": ("citations", "render", "pipeline", "search", "plugin", "authoring", "history", "cli"),
    "bibtex": ("citations", "render", "pipeline", "search", "plugin", "authoring", "history", "cli",
               "config"),
    "citations": ("render", "pipeline", "search", "plugin", "authoring", "history", "cli", "config"),
    "history": ("render", "pipeline", "search", "plugin", "authoring", "cli"),
    "render": ("pipeline", "search", "plugin", "authoring", "cli"),
    "search": ("render", "pipeline", "plugin", "authoring", "cli"),
    "authoring": ("render", "pipeline", "search", "plugin", "citations", "cli"),
    "pipeline": ("plugin", "cli"),
    # The network stage: read by the command line only; nothing reads it.
    "linkcheck": ("citations", "render", "pipeline", "search", "plugin", "authoring", "history", "cli"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        out[_module_name(path)] = (path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return out


MODULES = _modules()


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(module: str) -> list[tuple[str, list[str], int]]:
    """``(imported module, names, line)`` for every import in ``module``."""
    path, tree = MODULES[module]
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append((alias.name, [], node.lineno))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            names = [a.name for a in node.names]
            # "from . import x" imports the module x when x is one.
            for name in names:
                if f"{target}.{name}" in MODULES:
                    out.append((f"{target}.{name}", [], node.lineno))
            out.append((target, [n for n in names if f"{target}.{n}" not in MODULES], node.lineno))
    return out


def _where(module: str, line: int) -> str:
    return f"{MODULES[module][0].relative_to(PACKAGE.parent.parent)}:{line}"


def test_the_package_is_parsed():
    assert len(MODULES) > 30 and "conceptwiki.plugin" in MODULES and "conceptwiki.model.loader" in MODULES


def test_only_the_adapter_imports_mkdocs():
    bad = []
    for module in MODULES:
        if module == "conceptwiki.plugin" or module.startswith("conceptwiki.plugin."):
            continue
        for target, _names, line in _imports(module):
            if target.split(".")[0] in ("mkdocs", "material", "properdocs"):
                bad.append(f"{_where(module, line)}: imports {target}")
    assert not bad, "only conceptwiki.plugin may import MkDocs:\n" + "\n".join(bad)


def test_no_private_name_is_imported_from_another_module():
    bad = []
    for module in MODULES:
        for target, names, line in _imports(module):
            if not target.startswith(ROOT_NAME):
                continue
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    bad.append(f"{_where(module, line)}: imports {name} from {target}")
    assert not bad, "make the name public (documented, in __all__) or move the code:\n" + "\n".join(bad)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for target, _names, _line in _imports(module):
            while target and target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in MODULES and target != module:
                # A package's __init__ re-exporting its own modules is no dependency cycle.
                if module == target.rsplit(".", 1)[0] or target == module.rsplit(".", 1)[0]:
                    continue
                graph[module].add(target)
    return graph


def test_no_import_cycle():
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("stage", sorted(LAYERS))
def test_stages_import_no_later_stage(stage):
    bad = []
    prefix = f"{ROOT_NAME}.{stage}"
    for module in MODULES:
        if module != prefix and not module.startswith(prefix + "."):
            continue
        for target, _names, line in _imports(module):
            parts = target.split(".")
            if parts[0] == ROOT_NAME and len(parts) > 1 and parts[1] in LAYERS[stage]:
                bad.append(f"{_where(module, line)}: imports {target}")
    assert not bad, f"{stage} must not depend on {', '.join(LAYERS[stage])}:\n" + "\n".join(bad)


def test_modules_are_small_or_say_why():
    """No module over ~600 lines unless its docstring says "Why this module is long: ..."."""
    bad = []
    for path, tree in MODULES.values():
        lines = path.read_text(encoding="utf-8").count("\n")
        doc = ast.get_docstring(tree) or ""
        if lines > 650 and "Why this module is long:" not in doc:
            bad.append(f"{path.relative_to(PACKAGE.parent.parent)}: {lines} lines")
    assert not bad, "split these modules, or say in the docstring why they stay long:\n" + "\n".join(bad)


def test_public_modules_declare_all():
    bad = [str(path.relative_to(PACKAGE.parent.parent)) for path, tree in MODULES.values()
           if path.name != "__init__.py" and not any(
               isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in n.targets)
               for n in tree.body)]
    assert not bad, "modules without __all__:\n" + "\n".join(bad)
