"""Row locks are taken FOR NO KEY UPDATE (`select_for_update(no_key=True)`), never FOR UPDATE.

Every insert of a factory-owned row checks its foreign keys with FOR KEY SHARE on the parent
(the factory, the lot, the order, the bundle). FOR UPDATE conflicts with that lock, FOR NO KEY
UPDATE does not: a service that locked a factory's row FOR UPDATE to take the next order number
stalled every concurrent scan, stock move and telemetry batch of that factory until it committed,
and deadlocked with them under load (`bench api`). FOR NO KEY UPDATE still excludes every other
locker of the row, so the services stay serialised among themselves."""

import ast
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = [
    "core",
    "factories",
    "inventory",
    "orders",
    "production",
    "devices",
    "payroll",
    "dashboards",
]


def _locks_without_no_key() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "select_for_update"
                ):
                    no_key = [k for k in node.keywords if k.arg == "no_key"]
                    if not no_key or not (
                        isinstance(no_key[0].value, ast.Constant) and no_key[0].value.value is True
                    ):
                        found.append(f"{path.relative_to(BASE)}:{node.lineno}")
    return found


def test_every_row_lock_is_for_no_key_update():
    assert _locks_without_no_key() == []
