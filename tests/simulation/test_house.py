"""The domain apps hold their runtime code only: demo, bench and simulators live in
simulation/, which may import any app and which no domain app imports."""

import ast
from importlib import util
from pathlib import Path

import pytest
from django.conf import settings

DOMAIN_APPS = settings.PROJECT_APPS
MOVED_OUT = ["bench", "demo", "simulator", "loadgen", "modbus_sim", "localbroker", "synthetic"]


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_simulation_is_installed_but_is_not_a_domain_app():
    assert "simulation" in settings.INSTALLED_APPS
    assert "simulation" not in DOMAIN_APPS


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_domain_app_imports_simulation(app):
    root = Path(settings.BASE_DIR) / app
    offenders = sorted(
        str(path.relative_to(settings.BASE_DIR))
        for path in root.rglob("*.py")
        if any(
            name == "simulation" or name.startswith("simulation.")
            for name in _imported_modules(path)
        )
    )
    assert offenders == []


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_domain_app_keeps_demo_bench_or_simulator_modules(app):
    assert [name for name in MOVED_OUT if util.find_spec(f"{app}.{name}")] == []
