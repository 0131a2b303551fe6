"""The house is one-way: the apps form layers (docs/architecture.md), a lower app never imports a
higher one, no import loop runs between modules, and imports sit at the top of their module.

The import graph is grimp's (import-linter's graph library); import-linter's own contracts in
pyproject.toml say the same and run in CI (`lint-imports`). The allowances below are the
contract's `ignore_imports`, read from pyproject.toml, so the two cannot drift apart.
"""

import ast
import fnmatch
import sys
import tomllib
from importlib import util
from pathlib import Path

import grimp
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
# Bottom to top. A module may import its own app and the apps below it.
LAYERS = [
    "core",
    "factories",
    "inventory",
    "orders",
    "production",
    "devices",
    "payroll",
    "dashboards",
]
TOP = ["config", "simulation"]  # wiring and demo tools: may import any app, no app imports them

# Function-level imports that are not there to dodge a cycle. AppConfig.ready() is always
# allowed (models load after the AppConfigs).
LAZY_ON_PURPOSE = {
    # importing daphne installs Twisted's asyncio reactor: only when the demo serves.
    ("simulation.management.commands.run_demo", "daphne.cli"),
    # websockets is a dev extra: only the dashboard benchmark's client needs it.
    ("simulation.bench.dashboard_live", "websockets"),
}


def present(packages) -> list[str]:
    return [name for name in packages if util.find_spec(name) is not None]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*present(LAYERS + TOP), cache_dir=None)


def contract(contract_id: str) -> dict:
    config = tomllib.loads((BASE / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == contract_id)


def ignored(importer: str, imported: str, patterns) -> bool:
    """Does an import-linter ignore expression (`a.b -> c.*`) cover this import?"""
    for pattern in patterns:
        source, target = (side.strip() for side in pattern.split("->"))
        if fnmatch.fnmatchcase(importer, source) and fnmatch.fnmatchcase(imported, target):
            return True
    return False


def app_of(module: str) -> str:
    return module.split(".")[0]


def upward_imports(graph, layers, allowed=()) -> list[str]:
    """Imports from a module of one app into an app higher up (or into the top packages)."""
    rank = {name: index for index, name in enumerate(layers)}
    found = []
    for importer in sorted(graph.modules):
        if app_of(importer) not in rank:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            above = rank.get(app_of(imported), len(layers)) > rank[app_of(importer)]
            if above and not ignored(importer, imported, allowed):
                found.append(f"{importer} -> {imported}")
    return found


def _ancestors(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:n]) for n in range(1, len(parts))}


def import_loops(graph) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop. Importing a.b.c from
    outside package a.b also runs a/b/__init__.py, so that counts as importing a.b too."""
    edges = {}
    for module in graph.modules:
        targets = set()
        for imported in graph.find_modules_directly_imported_by(module):
            targets.add(imported)
            targets |= {
                package
                for package in _ancestors(imported) - _ancestors(module)
                if package in graph.modules and package != module
            }
        edges[module] = targets
    return strongly_connected(edges)


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; only groups of two or more modules (a loop) are returned."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(edges) + 100))
    try:
        for node in sorted(edges):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(groups)


def function_level_imports(path: Path, module: str) -> list[tuple[str, str, int]]:
    """(module, imported, line) for each import inside a function, AppConfig.ready() aside."""
    found = []

    def walk(node, inside: str | None):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                walk(child, child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom) and inside not in (None, "ready"):
                names = (
                    [child.module or ""]
                    if isinstance(child, ast.ImportFrom)
                    else [alias.name for alias in child.names]
                )
                found.extend((module, name, child.lineno) for name in names)
            else:
                walk(child, inside)

    walk(ast.parse(path.read_text()), None)
    return found


def modules_of(app: str):
    for path in sorted((BASE / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        dotted = ".".join(path.relative_to(BASE).with_suffix("").parts)
        yield path, dotted.removesuffix(".__init__")


# --- the checks on this code base ------------------------------------------------------------
def test_the_contract_names_every_app_in_this_order():
    layers = contract("layers")["layers"]

    assert list(reversed(layers[1:])) == LAYERS
    assert layers[0] == "simulation : config"


def test_no_app_imports_a_higher_one(graph):
    assert upward_imports(graph, LAYERS) == []


def test_the_layers_contract_allows_nothing_by_hand():
    assert contract("layers").get("ignore_imports", []) == []


def test_no_import_loop_between_modules(graph):
    assert import_loops(graph) == []


def test_imports_sit_at_the_top_of_their_module():
    found = []
    for app in LAYERS + present(TOP):
        for path, module in modules_of(app):
            for importer, imported, line in function_level_imports(path, module):
                if (importer, imported) not in LAZY_ON_PURPOSE:
                    found.append(f"{importer}:{line} imports {imported} inside a function")

    assert found == []


# --- the checks themselves can fail -----------------------------------------------------------
def small_graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        for module in (importer, imported, *_ancestors(importer), *_ancestors(imported)):
            graph.add_module(module)
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_an_import_from_a_lower_app_into_a_higher_one_is_found():
    graph = small_graph(
        ("orders.views", "production.models"), ("production.views", "orders.models")
    )

    assert upward_imports(graph, LAYERS) == ["orders.views -> production.models"]
    assert upward_imports(graph, LAYERS, ["orders.views -> production.*"]) == []


def test_a_loop_between_modules_is_found_and_a_chain_is_not():
    looped = small_graph(
        ("dashboards.live", "dashboards.tasks"), ("dashboards.tasks", "dashboards.live")
    )
    chained = small_graph(
        ("dashboards.listener", "dashboards.tasks"), ("dashboards.tasks", "dashboards.live")
    )

    assert import_loops(looped) == [["dashboards.live", "dashboards.tasks"]]
    assert import_loops(chained) == []


def test_a_loop_through_a_package_init_is_found():
    # production.tasks imports a service module, which runs production/services/__init__.py,
    # which imports the module that queues production.tasks.
    graph = small_graph(
        ("production.tasks", "production.services.conversion"),
        ("production.services", "production.services.queue"),
        ("production.services.queue", "production.tasks"),
    )

    assert import_loops(graph) == [
        ["production.services", "production.services.queue", "production.tasks"]
    ]


def test_an_import_inside_a_function_is_found_and_one_in_ready_is_not(tmp_path):
    source = tmp_path / "module.py"
    source.write_text(
        "import os\n"
        "def convert():\n    from production.models import WorkOrder\n"
        "class Config:\n    def ready(self):\n        from app import receivers\n"
    )

    assert function_level_imports(source, "orders.views") == [
        ("orders.views", "production.models", 3)
    ]


def lookups_by_name(path: Path) -> list[int]:
    """Lines that reach a module or model by name (import_module, find_spec, get_model)."""
    names = {"import_module", "find_spec", "get_model"}
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) in names or getattr(node.func, "id", None) in names)
    ]


def test_no_domain_app_looks_another_up_by_name():
    # Coupling by name hides from the import graph; config wires the apps, and migrations may
    # use the historical models they are given.
    found = [
        f"{module}:{line}"
        for app in LAYERS
        for path, module in modules_of(app)
        for line in lookups_by_name(path)
    ]

    assert found == []


def test_a_lookup_by_name_is_found(tmp_path):
    source = tmp_path / "module.py"
    source.write_text("from importlib import import_module\nimport_module('orders.bench')\n")

    assert lookups_by_name(source) == [2]
