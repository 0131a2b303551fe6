"""Day boundaries: with the clock frozen at 23:59, 00:00, 00:30 and 08:00 on the factory's own
clock, the screen's 12-hour, week and month figures, its plan curve, pieces per person-day and
the district month agree with a hand-computed fixture — on the first of a month, on a statutory
holiday (2026-10-01) and on an adjusted working day (2026-10-10, a Saturday worked for the
National Day holiday), for a factory in Shanghai and one in Ho Chi Minh City.

Every scenario has the same shape, on the factory's clock (one operation finishes a garment;
a line of 10 operators at 100 % on an 08:00–16:00 shift, 480 minutes, sews garments of 12 SAM
minutes: 400 planned a working day, 50 an hour):

    P 10:00  40 garments (W1)     an earlier day of E's month, before E's week
    E 10:00  30 garments (W1)     the eve
    E 22:30  20 garments (W2)
    F 00:10  10 garments (W1)     the first day
    F 07:30   6 garments (W2)

    first of a month       P = Fri 11-27, E = Mon 11-30, F = Tue 12-01 (Monday–Saturday week)
    statutory holiday      P = Thu 09-24, E = Wed 09-30, F = Thu 10-01 (Monday–Saturday week)
    adjusted working day   P = Fri 10-02, E = Fri 10-09, F = Sat 10-10 (Monday–Friday week)
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core.roles import OrgKind, Role
from production.services import operation_record_create
from tests.dashboards.figures_world import person
from tests.factories import (
    BundleFactory,
    CutPlanFactory,
    DistrictFactory,
    FactoryFactory,
    LayFactory,
    MarkerFactory,
    OrganizationFactory,
    SewingLineFactory,
    ShiftFactory,
    WorkerFactory,
    WorkOrderFactory,
    WorkOrderOperationFactory,
    released,
)

pytestmark = pytest.mark.django_db

ZONES = ["Asia/Shanghai", "Asia/Ho_Chi_Minh"]


@dataclass(frozen=True)
class Scenario:
    previous: date
    eve: date
    first: date
    weekdays: tuple[int, ...]


SCENARIOS = {
    "first-of-month": Scenario(
        date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1), (0, 1, 2, 3, 4, 5)
    ),
    "statutory-holiday": Scenario(
        date(2026, 9, 24), date(2026, 9, 30), date(2026, 10, 1), (0, 1, 2, 3, 4, 5)
    ),
    "adjusted-working-day": Scenario(
        date(2026, 10, 2), date(2026, 10, 9), date(2026, 10, 10), (0, 1, 2, 3, 4)
    ),
}

# (hour, minute, day): when the clock is frozen, E (the eve) or F (the first day).
FREEZES = {
    "23:59": (23, 59, "E"),
    "00:00": (0, 0, "F"),
    "00:30": (0, 30, "F"),
    "08:00": (8, 0, "F"),
}

# What the screen and the district show, by scenario and freeze time.
#   12h: output, the last bar's label and value, plan; week and month: output and plan;
#   per person today; the district's month and its output.
EXPECTED = {
    ("first-of-month", "23:59"): (20, "23:00", 0, 200, 50, 400, 90, 10000, 25.0, "2026-11", 90),
    ("first-of-month", "00:00"): (20, "00:00", 0, 150, 50, 800, 0, 400, None, "2026-12", 0),
    ("first-of-month", "00:30"): (30, "00:00", 10, 150, 60, 800, 10, 400, 10.0, "2026-12", 10),
    ("first-of-month", "08:00"): (36, "08:00", 0, 50, 66, 800, 16, 400, 8.0, "2026-12", 16),
    ("statutory-holiday", "23:59"): (20, "23:00", 0, 200, 50, 1200, 90, 10000, 25.0, "2026-09", 90),
    ("statutory-holiday", "00:00"): (20, "00:00", 0, 150, 50, 1200, 0, 0, None, "2026-10", 0),
    ("statutory-holiday", "00:30"): (30, "00:00", 10, 150, 60, 1200, 10, 0, 10.0, "2026-10", 10),
    ("statutory-holiday", "08:00"): (36, "08:00", 0, 0, 66, 1200, 16, 0, 8.0, "2026-10", 16),
    ("adjusted-working-day", "23:59"): (20, "23:00", 0, 200, 50, 800, 90, 800, 25.0, "2026-10", 90),
    ("adjusted-working-day", "00:00"): (
        20,
        "00:00",
        0,
        150,
        50,
        1200,
        90,
        1200,
        None,
        "2026-10",
        90,
    ),
    ("adjusted-working-day", "00:30"): (
        30,
        "00:00",
        10,
        150,
        60,
        1200,
        100,
        1200,
        10.0,
        "2026-10",
        100,
    ),
    ("adjusted-working-day", "08:00"): (
        36,
        "08:00",
        0,
        50,
        66,
        1200,
        106,
        1200,
        8.0,
        "2026-10",
        106,
    ),
}


def local(zone: str, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


@pytest.fixture
def floor(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def build(zone: str, scenario: Scenario):
        district = DistrictFactory(organization=OrganizationFactory(kind=OrgKind.DISTRICT))
        factory = FactoryFactory(
            time_zone=zone,
            working_weekdays=list(scenario.weekdays),
            district=district,
            shares_with_district=True,
        )
        shift = ShiftFactory(factory=factory, starts_at="08:00", ends_at="16:00", break_minutes=0)
        line = SewingLineFactory(
            factory=factory, shift=shift, planned_headcount=10, efficiency="1.00"
        )
        work_order = WorkOrderFactory(
            version__factory=factory,
            line=line,
            quantity=200,
            cut_quantity=200,
            sam_per_garment="12.000",
        )
        operation = WorkOrderOperationFactory(work_order=work_order, sam="12.000")
        lay = LayFactory(marker=MarkerFactory(cut_plan=CutPlanFactory(work_order=work_order)))
        released(work_order)  # the material gate: nothing is recorded before the release
        workers = [WorkerFactory(line=line), WorkerFactory(line=line)]
        return factory, district, lay, operation, workers

    return build


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("freeze", list(FREEZES))
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_screen_and_the_district_follow_the_factorys_clock(
    floor, django_capture_on_commit_callbacks, zone, freeze, name
):
    scenario = SCENARIOS[name]
    factory, district, lay, operation, (first_worker, second_worker) = floor(zone, scenario)
    hour, minute, day = FREEZES[freeze]
    now = local(zone, scenario.eve if day == "E" else scenario.first, hour, minute)
    records = [
        (local(zone, scenario.previous, 10), first_worker, 40),
        (local(zone, scenario.eve, 10), first_worker, 30),
        (local(zone, scenario.eve, 22, 30), second_worker, 20),
        (local(zone, scenario.first, 0, 10), first_worker, 10),
        (local(zone, scenario.first, 7, 30), second_worker, 6),
    ]
    for moment, worker, garments in records:
        if moment > now:
            continue
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            operation_record_create(
                factory=factory,
                bundle=BundleFactory(lay=lay, quantity=40),
                operation=operation,
                worker=worker,
                source="scan",
                good_pieces=garments,
            )
    manager = Client()
    manager.force_login(person(factory.organization, Role.FACTORY_MANAGER))
    official = Client()
    official.force_login(person(district.organization, Role.DISTRICT_OFFICIAL))

    with time_machine.travel(now, tick=False):
        data = {
            window: manager.get(reverse("dashboards:factory-data"), {"window": window}).json()
            for window in ("12h", "week", "month")
        }
        report = official.get(reverse("dashboards:district")).context["report"]

    twelve, week, month = data["12h"], data["week"], data["month"]
    assert (
        twelve["kpi"]["output"],
        twelve["series"]["labels"][-1],
        twelve["series"]["output"][-1],
        twelve["kpi"]["plan"],
        week["kpi"]["output"],
        week["kpi"]["plan"],
        month["kpi"]["output"],
        month["kpi"]["plan"],
        twelve["kpi"]["per_person_today"],
        report["month"],
        report["factories"][0]["output"],
    ) == EXPECTED[(name, freeze)]
    assert len(twelve["series"]["output"]) == 12
