"""The project's modules import each other without a cycle, function-local imports included:
a cycle hides an order of initialisation that breaks when someone moves one import, and a
local import that only dodges a cycle hides a dependency that points the wrong way."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]  # the `hotline` package
PACKAGE = ROOT.name


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path for path in ROOT.rglob("*.py") if "migrations" not in path.parts
    }


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports anywhere in its file (top level, functions, classes),
    each as the module that is executed: `from a.b import c` is `a.b.c` when that is a module,
    else `a.b`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return {target for target in found if target in modules and target != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


class ImportGraphTests(SimpleTestCase):
    def test_no_module_of_the_project_is_part_of_an_import_cycle(self):
        modules = project_modules()
        graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
        self.assertEqual(cycles(graph), [])

    def test_the_graph_sees_local_and_relative_imports(self):
        # The checker itself: a cycle written with a function-local import is found.
        graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
        self.assertEqual(cycles(graph), [["a", "b", "c"]])
        modules = project_modules()
        self.assertIn(
            "hotline.orders.services.base",
            imports_of(
                "hotline.orders.services.intake", modules["hotline.orders.services.intake"], modules
            ),
        )

    def test_no_app_imports_another_apps_forms_or_views(self):
        modules = project_modules()
        offenders = []
        for name, path in modules.items():
            app = name.split(".")[1] if name.count(".") >= 1 else ""
            for target in imports_of(name, path, modules):
                parts = target.split(".")
                if (
                    len(parts) >= 3
                    and parts[1] not in (app, "core")
                    and parts[2] in ("forms", "views")
                ):
                    offenders.append(f"{name} -> {target}")
        self.assertEqual(offenders, [])
