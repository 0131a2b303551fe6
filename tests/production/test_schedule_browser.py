"""The schedule as a planner sees it: Chromium (Playwright) against a real daphne server, on a
phone (390 px) and a wall (1920 px), with a demo-like plan; screenshots go to artifacts/."""

import datetime as dt
from decimal import Decimal

import pytest

from core.roles import Role
from factories.clock import factory_today
from production.models import ScheduleEntry
from production.services import schedule_replan
from tests.browser.harness import ALL_APPS, Visit
from tests.dashboards.test_browser import PHONE, WALL, person
from tests.factories import (
    FactoryFactory,
    SewingLineFactory,
    WorkOrderFactory,
    WorkOrderOperationFactory,
)
from tests.factories.orders import StyleVersionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
]

# daphne on the test database (`server`) and Debian's Chromium (`browser`) come from
# tests/browser/harness.py.


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """The server (another process) checks passwords with the real hasher: keep it here too."""


STYLES = ("POLO-7", "DRESS-12", "JKT-3", "TEE-88")
# (style, pieces, SAM per garment, due in days, priority)
ORDERS = (
    (0, 1800, "14.5", 9, 0),
    (1, 1200, "22.0", 12, 0),
    (2, 900, "38.0", 16, 1),
    (3, 3000, "8.2", 6, 0),
    (0, 2400, "14.5", 20, 0),
    (1, 600, "22.0", 5, 0),
    (2, 1500, "38.0", 26, 0),
    (3, 2200, "8.2", 14, 0),
    (0, 1000, "14.5", 11, 0),
    (1, 2000, "22.0", 30, 0),
    (2, 2600, "38.0", 4, 0),  # too big for its due date: late
)


def demo_plan():
    """Four lines of 18–26 operators and ten work orders of four styles, re-planned."""
    factory = FactoryFactory()
    lines = [
        SewingLineFactory(
            factory=factory,
            code=f"L{n}",
            name=f"缝制{n}线",
            planned_headcount=headcount,
            efficiency=Decimal("0.80"),
        )
        for n, headcount in enumerate((26, 22, 18, 20), start=1)
    ]
    versions = [StyleVersionFactory(style__factory=factory, style__number=s) for s in STYLES]
    today = factory_today(factory)
    for n, (style, pieces, sam, due, priority) in enumerate(ORDERS, start=1):
        wo = WorkOrderFactory(
            factory=factory,
            version=versions[style],
            number=f"WO-SO2612{n:03d}",
            quantity=pieces,
            cut_quantity=pieces,
            due_date=today + dt.timedelta(days=due),
            priority=priority,
            sam_per_garment=Decimal(sam),
        )
        WorkOrderOperationFactory(work_order=wo, sam=Decimal(sam))
    schedule_replan(factory=factory)
    # A planner moved one to the last line from next Monday.
    pinned = ScheduleEntry.objects.get(work_order__number="WO-SO2612009")
    monday = today + dt.timedelta(days=7 - today.weekday())
    ScheduleEntry.objects.filter(pk=pinned.pk).update(pinned_line=lines[3], pinned_start=monday)
    schedule_replan(factory=factory)
    planner = person(factory.organization, Role.PLANNER, "planner")
    return factory, lines, planner


def header_overlaps(page, selector):
    return page.evaluate(
        """(selector) => {
            const boxes = [...document.querySelectorAll(selector)]
              .map((el) => el.getBoundingClientRect());
            let overlaps = 0;
            for (let i = 1; i < boxes.length; i++) {
              if (boxes[i].left < boxes[i - 1].right - 0.5) overlaps++;
            }
            return [boxes.length, overlaps];
        }""",
        selector,
    )


def test_the_schedule_reads_on_a_phone_and_a_wall(server, browser):
    factory, lines, planner = demo_plan()

    for name, viewport in (("phone", PHONE), ("wall", WALL)):
        for zoom in ("day", "week"):
            visit = Visit(browser, server, planner.username, viewport)
            visit.page.goto(f"{server.url}/production/schedule/?zoom={zoom}")
            page = visit.page
            cells = ".gantt-day" if zoom == "day" else ".gantt-week"
            count, overlaps = header_overlaps(page, cells)
            bars = page.locator(".gantt-bar").count()
            labels = page.locator(".gantt-bar-title").all_inner_texts()
            chart_right = page.evaluate(
                "document.querySelector('.gantt-scroll').getBoundingClientRect().right"
            )
            visit.shot(f"schedule-{zoom}-{name}")

            assert (count > 0, overlaps) == (True, 0)
            assert bars == ScheduleEntry.objects.filter(factory=factory, line__isnull=False).count()
            assert "WO-SO2612001 POLO-7" in labels
            # The chart scrolls inside its box, which is never wider than the screen.
            assert chart_right <= viewport[0]
            assert visit.errors == []


def test_a_planner_drags_a_work_order_to_another_line_without_a_reload(server, browser):
    factory, lines, planner = demo_plan()
    entry = ScheduleEntry.objects.filter(factory=factory, line=lines[0]).order_by("sequence")[0]
    target = lines[3]
    visit = Visit(browser, server, planner.username, WALL)
    page = visit.page
    page.goto(f"{server.url}/production/schedule/")
    page.evaluate("window.notReloaded = true")
    bar = page.locator(f'.gantt-bar[data-entry="{entry.pk}"]')
    row = page.locator(f'.gantt-row[data-line="{target.pk}"] .gantt-track')
    box, row_box = bar.bounding_box(), row.bounding_box()
    page.on("dialog", lambda dialog: dialog.accept())  # an overload asks first: accept it

    page.mouse.move(box["x"] + 8, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 30, row_box["y"] + row_box["height"] / 2, steps=8)
    page.mouse.move(box["x"] + 12, row_box["y"] + row_box["height"] / 2, steps=4)
    page.mouse.up()
    page.wait_for_selector("#gantt-status.alert-success", timeout=15000)

    moved = page.locator(
        f'.gantt-row[data-line="{target.pk}"] .gantt-bar[data-entry="{entry.pk}"]'
    ).count()
    message = page.locator("#gantt-status").inner_text()
    still_here = page.evaluate("window.notReloaded === true")
    visit.shot("schedule-after-drag-wall")
    entry.refresh_from_db()
    assert (moved, still_here) == (1, True)
    assert message.startswith(f"{entry.work_order.number} now on {target.name}")
    assert (entry.pinned_line, entry.line) == (target, target)
    assert visit.errors == []
