"""The layering of the code (README, "Layering"), checked on the source: every import of an app
module (at module level or inside a function) is an edge of a graph that must have no cycle;
the base app names the other apps only from its site modules; no app module passes 400 lines.
Read with ``ast``: nothing is imported, so a cycle is found even where Python would survive it.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("contribbudget", "projects", "contributions", "retributions", "network", "demo")
MAX_LINES = 400
#: The modules of the base app allowed to name the other apps: the site around them.
BASE_SITE_MODULES = {
    "contribbudget.settings", "contribbudget.urls", "contribbudget.celery",
    "contribbudget.views", "contribbudget.permissions", "contribbudget.selectors",
    "contribbudget.admin",
}


def _site_module(name: str) -> bool:
    """A site module, or a module of a site package (the permission package)."""
    return any(name == m or name.startswith(m + ".") for m in BASE_SITE_MODULES)


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _package(name: str) -> str:
    return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package(importer).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _app_module(name: str) -> str | None:
    """The app module ``name`` is (or lives in), or None for Django and libraries."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(name: str) -> set[str]:
    targets = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(name, node)
            # ``from package import submodule`` depends on the submodule itself.
            candidates = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES
                          else module for alias in node.names]
        else:
            continue
        targets.update(t for t in map(_app_module, candidates) if t and t != name)
    return targets


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return result


def test_the_graph_sees_imports_of_submodules_and_relative_imports():
    assert "retributions.services.runs.computing" in GRAPH["retributions.tasks.runs"]
    assert "projects.models" in GRAPH["projects.services.envelopes"]


def test_no_import_cycle_between_app_modules():
    assert _cycles(GRAPH) == []


def test_the_base_app_names_other_apps_only_from_its_site_modules():
    others = {app for app in APPS if app != "contribbudget"}
    offenders = {name: sorted(t for t in targets if t.split(".")[0] in others)
                 for name, targets in GRAPH.items()
                 if name.split(".")[0] == "contribbudget" and not _site_module(name)}
    assert {name: targets for name, targets in offenders.items() if targets} == {}


def test_no_app_module_is_over_400_lines():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}
