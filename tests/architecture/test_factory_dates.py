"""Rules of the house checked on the source itself (no database).

Each rule is its own test function; other rules (the import graph) may live beside them.
"""

import ast
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOMAIN_APPS = (
    "core",
    "factories",
    "inventory",
    "orders",
    "production",
    "devices",
    "payroll",
    "dashboards",
)


# --- the factory clock: no server date in factory logic ------------------------------------
# A factory's today, its days, weeks and months, its zone and its working week come from
# factories/clock.py and factories/calendar.py, the only two modules allowed to do it by hand.
CLOCK_OWNERS = {"factories/clock.py", "factories/calendar.py"}

# Offences known on this branch, by (file, rule): each allows that rule in that file. An entry
# that no longer matches anything fails too, so the list only shrinks.
KNOWN_SERVER_DATES: set[tuple[str, str]] = set()

RULES = {
    "server-today": "the server's date or time: use factories.clock (factory_today, factory_now, "
    "local_date)",
    "week-rule": "a week rule by hand: use factories.calendar (working days) or "
    "factories.clock.week_first",
    "zone-by-hand": "a zone by hand: use factories.clock.factory_zone / local_date",
}
DATE_CLASSES = {"date", "datetime"}
LOCAL_FUNCTIONS = {"localdate", "localtime"}
WEEK_METHODS = {"weekday", "isoweekday"}
WEEK_NAMES = {"ExtractWeekDay", "ExtractIsoWeekDay"}
WEEK_LOOKUPS = ("__week_day", "__iso_week_day")


def domain_sources() -> Iterator[tuple[str, Path]]:
    for app in DOMAIN_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if {"migrations", "tests"} & set(relative.parts):
                continue
            yield relative.as_posix(), path


def _name(node: ast.AST) -> str:
    """The last name of `a.b.c` or `c`."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _is_factory_zone(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) == "factory_zone"


def _zone_argument(call: ast.Call) -> ast.AST | None:
    """The zone given to timezone.localdate/localtime(value=None, timezone=None)."""
    if len(call.args) > 1:
        return call.args[1]
    return next((k.value for k in call.keywords if k.arg == "timezone"), None)


class ServerDates(ast.NodeVisitor):
    """Collects (rule, line) for each way factory logic could take the server's date."""

    def __init__(self) -> None:
        self.found: list[tuple[str, int]] = []
        self._called: set[int] = set()

    def visit_Call(self, node: ast.Call) -> None:
        self._called.add(id(node.func))
        func, owner = node.func, getattr(node.func, "value", None)
        name = _name(func)
        has_zone = bool(node.args) or any(k.arg == "tz" for k in node.keywords)
        if name == "now" and _name(owner) in DATE_CLASSES and not has_zone:
            self.found.append(("server-today", node.lineno))  # datetime.now()
        elif name in LOCAL_FUNCTIONS and (owner is None or _name(owner) == "timezone"):
            if not _is_factory_zone(_zone_argument(node)):
                self.found.append(("server-today", node.lineno))  # timezone.localdate()
        elif name == "get_current_timezone" or name == "ZoneInfo":
            self.found.append(("zone-by-hand", node.lineno))
        elif name in WEEK_METHODS and owner is not None and not node.args:
            self.found.append(("week-rule", node.lineno))  # day.weekday() != 6
        elif name in WEEK_NAMES:
            self.found.append(("week-rule", node.lineno))
        if any(lookup in (k.arg or "") for k in node.keywords for lookup in WEEK_LOOKUPS):
            self.found.append(("week-rule", node.lineno))  # filter(day__week_day=1)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # date.today called or passed along (default=date.today); timezone.localdate passed
        # along uncalled (default=timezone.localdate)
        server_today = node.attr == "today" and _name(node.value) in DATE_CLASSES
        passed_along = (
            node.attr in LOCAL_FUNCTIONS
            and _name(node.value) == "timezone"
            and id(node) not in self._called
        )
        if server_today or passed_along:
            self.found.append(("server-today", node.lineno))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and any(lookup in node.value for lookup in WEEK_LOOKUPS):
            self.found.append(("week-rule", node.lineno))


def server_dates_in(path: Path) -> list[tuple[str, int]]:
    finder = ServerDates()
    finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return finder.found


def test_factory_logic_takes_no_server_date_and_no_week_rule_of_its_own():
    offences: Counter = Counter()
    lines: dict[tuple[str, str], list[int]] = {}
    for relative, path in domain_sources():
        if relative in CLOCK_OWNERS:
            continue
        for rule, line in server_dates_in(path):
            offences[(relative, rule)] += 1
            lines.setdefault((relative, rule), []).append(line)

    new = sorted(set(offences) - KNOWN_SERVER_DATES)
    stale = sorted(KNOWN_SERVER_DATES - set(offences))

    assert not new, "\n".join(
        f"{relative}:{lines[(relative, rule)]}: {RULES[rule]}" for relative, rule in new
    )
    assert not stale, f"fixed, remove from KNOWN_SERVER_DATES: {stale}"


def test_the_server_date_rule_catches_each_form(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "import datetime as dt\n"
        "from datetime import date, datetime\n"
        "from django.utils import timezone\n"
        "a = date.today()\n"  # 4
        "b = dt.date.today()\n"  # 5
        "c = datetime.now()\n"  # 6
        "d = timezone.localdate()\n"  # 7
        "e = timezone.localtime(moment, ZoneInfo('Asia/Shanghai'))\n"  # 8: localtime and ZoneInfo
        "f = day.weekday() != 6\n"  # 9
        "g = Model.objects.filter(day__week_day=1)\n"  # 10
        "h = models.DateField(default=timezone.localdate)\n"  # 11
        # allowed: an aware now, the factory's zone, the clock's own helpers
        "ok1 = datetime.now(UTC)\n"
        "ok2 = timezone.now()\n"
        "ok3 = timezone.localtime(moment, factory_zone(factory))\n"
        "ok4 = factory_today(factory)\n",
        encoding="utf-8",
    )

    found = sorted(server_dates_in(source), key=lambda item: (item[1], item[0]))

    assert found == [
        ("server-today", 4),
        ("server-today", 5),
        ("server-today", 6),
        ("server-today", 7),
        ("server-today", 8),
        ("zone-by-hand", 8),
        ("week-rule", 9),
        ("week-rule", 10),
        ("server-today", 11),
    ]
