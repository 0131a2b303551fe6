"""The schedule page: a Gantt proportional to time on the factory's clock, labelled bars, and
moving a work order by drag (JSON) or form, with the capacity check."""

import datetime as dt
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import AuditEntry
from core.roles import Role
from factories.clock import factory_today
from production.models import ScheduleEntry
from production.selectors import gantt
from production.services import schedule_move, schedule_replan
from tests.factories import (
    FactoryFactory,
    MembershipFactory,
    SewingLineFactory,
    UserFactory,
    WorkOrderFactory,
    WorkOrderOperationFactory,
)
from tests.factories.orders import StyleVersionFactory
from tests.factories.shopfloor import ScheduleEntryFactory

pytestmark = pytest.mark.django_db

MARCH_1 = dt.date(2026, 3, 1)  # a Sunday
# 16:30 UTC on Monday 2 March is 00:30 on Tuesday 3 March in Shanghai.
AFTER_MIDNIGHT_SHANGHAI = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)


def day(n: int) -> str:
    return (MARCH_1 + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def plan_on_one_line(db):
    """A line of one operator at 100 % (480 SAM minutes a day): A takes a day and a half from
    Monday 2 March, B follows it from the middle of Tuesday to the end of Wednesday."""
    factory = FactoryFactory()
    line = SewingLineFactory(factory=factory, planned_headcount=1, efficiency=Decimal("1.00"))
    version = StyleVersionFactory(style__factory=factory, style__number="POLO-7")
    first = WorkOrderFactory(factory=factory, version=version, number="WO-A", quantity=300)
    second = WorkOrderFactory(factory=factory, version=version, number="WO-B", quantity=240)
    a = ScheduleEntryFactory(
        work_order=first,
        line=line,
        sequence=0,
        start_date=MARCH_1 + dt.timedelta(days=1),
        finish_date=MARCH_1 + dt.timedelta(days=2),
        daily_minutes={day(1): 480, day(2): 240},
    )
    b = ScheduleEntryFactory(
        work_order=second,
        line=line,
        sequence=1,
        start_date=MARCH_1 + dt.timedelta(days=2),
        finish_date=MARCH_1 + dt.timedelta(days=3),
        daily_minutes={day(2): 240, day(3): 480},
        late_days=2,
    )
    return factory, line, a, b


def bars_by_number(chart):
    return {bar["number"]: bar for row in chart["rows"] for bar in row["bars"]}


def test_bars_start_and_last_in_proportion_to_the_capacity_they_book(plan_on_one_line):
    factory, _line, _a, _b = plan_on_one_line

    chart = gantt(factory, now=AFTER_MIDNIGHT_SHANGHAI)

    bars = bars_by_number(chart)
    assert chart["first"] == MARCH_1  # two days before the factory's today, Tuesday 3 March
    assert (bars["WO-A"]["left"], bars["WO-A"]["width"]) == (1.0, 1.5)
    assert (bars["WO-B"]["left"], bars["WO-B"]["width"]) == (2.5, 1.5)
    # WO-A is shorter than its label, which stands beside it: WO-B takes the next lane rather
    # than sit under that label.
    assert (bars["WO-A"]["narrow"], bars["WO-A"]["lane"], bars["WO-B"]["lane"]) == (True, 0, 1)


def test_after_midnight_in_shanghai_today_is_the_factorys_date_not_utcs(plan_on_one_line):
    factory, *_ = plan_on_one_line

    chart = gantt(factory, now=AFTER_MIDNIGHT_SHANGHAI)

    # 00:30 local, before the 08:00 shift: the today line stands at the start of 3 March.
    assert chart["today"] == dt.date(2026, 3, 3)
    assert chart["today_x"] == 2.0
    assert [d["date"] for d in chart["days"] if d["today"]] == [dt.date(2026, 3, 3)]


def test_the_today_line_moves_with_the_shift_on_the_factorys_clock(plan_on_one_line):
    factory, *_ = plan_on_one_line
    # 04:30 UTC is 12:30 in Shanghai: 4.5 of the default shift's 9 hours (08:00–17:00).
    noon = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)

    chart = gantt(factory, now=noon)

    assert chart["today_x"] == 2.5


def test_days_off_are_shaded_and_a_bar_across_one_spans_it(plan_on_one_line):
    factory, line, a, _b = plan_on_one_line
    # C: Saturday 7 March and Monday 9 March, a full day each; Sunday 8 March is a day off.
    c = ScheduleEntryFactory(
        work_order__version=a.work_order.version,
        work_order__number="WO-C",
        line=line,
        sequence=2,
        start_date=MARCH_1 + dt.timedelta(days=6),
        finish_date=MARCH_1 + dt.timedelta(days=8),
        daily_minutes={day(6): 480, day(8): 480},
    )

    chart = gantt(factory, now=AFTER_MIDNIGHT_SHANGHAI)

    bar = bars_by_number(chart)["WO-C"]
    assert (bar["left"], bar["width"], bar["entry"]) == (6.0, 3.0, c)
    assert [d["date"].isoformat() for d in chart["days"][:9] if d["off"]] == [day(0), day(7)]


def test_week_zoom_starts_on_monday_with_one_header_slot_per_week(plan_on_one_line):
    factory, *_ = plan_on_one_line

    chart = gantt(factory, zoom="week", now=AFTER_MIDNIGHT_SHANGHAI)

    assert chart["first"] == dt.date(2026, 3, 2)
    assert chart["span"] == 84
    assert [(w["x"], w["width"]) for w in chart["weeks"][:2]] == [(0, 7), (7, 7)]
    assert len(chart["weeks"]) == 12
    assert bars_by_number(chart)["WO-A"]["left"] == 0.0


def test_work_put_into_a_gap_of_the_plan_gets_a_lane_of_its_own(db):
    factory = FactoryFactory()
    line = SewingLineFactory(factory=factory, planned_headcount=1, efficiency=Decimal("1.00"))
    # P was moved to Friday 6 March; G was placed in the free days before it and after it.
    ScheduleEntryFactory(
        work_order__factory=factory,
        work_order__version__style__factory=factory,
        work_order__number="WO-P",
        line=line,
        sequence=0,
        start_date=MARCH_1 + dt.timedelta(days=5),
        finish_date=MARCH_1 + dt.timedelta(days=5),
        daily_minutes={day(5): 480},
    )
    ScheduleEntryFactory(
        work_order__factory=factory,
        work_order__version__style__factory=factory,
        work_order__number="WO-G",
        line=line,
        sequence=1,
        start_date=MARCH_1 + dt.timedelta(days=1),
        finish_date=MARCH_1 + dt.timedelta(days=6),
        daily_minutes={day(1): 480, day(2): 480, day(6): 240},
    )

    chart = gantt(factory, now=AFTER_MIDNIGHT_SHANGHAI)

    bars = bars_by_number(chart)
    assert (bars["WO-G"]["left"], bars["WO-G"]["width"], bars["WO-G"]["lane"]) == (1.0, 5.5, 0)
    assert (bars["WO-P"]["left"], bars["WO-P"]["width"], bars["WO-P"]["lane"]) == (5.0, 1.0, 1)
    assert chart["rows"][0]["lanes"] == 2


def test_each_bar_is_labelled_with_number_style_quantity_and_progress(client, plan_on_one_line):
    factory, *_ = plan_on_one_line
    viewer = UserFactory()
    MembershipFactory(user=viewer, organization=factory.organization, role=Role.SUPERVISOR)
    client.force_login(viewer)

    with time_machine.travel(AFTER_MIDNIGHT_SHANGHAI, tick=False):
        response = client.get(reverse("production:schedule"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="gantt-bar-title"><b>WO-A</b> POLO-7</span>' in html
    assert "300 pcs · 0%" in html
    assert "240 pcs · 0% · <span" in html and "+2d late" in html
    assert 'style="--left: 2.5000; --width: 1.5000; --lane: 1; --done: 0%"' in html
    assert 'class="gantt-today" style="--x: 2.0000"' in html


def test_the_fragment_is_the_gantt_alone(client, plan_on_one_line):
    factory, *_ = plan_on_one_line
    viewer = UserFactory()
    MembershipFactory(user=viewer, organization=factory.organization, role=Role.PLANNER)
    client.force_login(viewer)

    with time_machine.travel(AFTER_MIDNIGHT_SHANGHAI, tick=False):
        response = client.get(reverse("production:schedule") + "?fragment=gantt&zoom=week")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="gantt" class="gantt zoom-week can-plan"')
    assert "<html" not in html and "WO-A" in html


# --- moving ------------------------------------------------------------------------------------
@pytest.fixture
def planned(db):
    """A factory with a big line (where WO-X is planned, due tomorrow), another big line and a
    small one (one operator) that cannot sew WO-X by tomorrow; a planner signed in."""
    factory = FactoryFactory()
    big = SewingLineFactory(factory=factory, code="A", name="Line A", planned_headcount=20)
    other = SewingLineFactory(factory=factory, code="B", name="Line B", planned_headcount=20)
    small = SewingLineFactory(
        factory=factory,
        code="C",
        name="Line C",
        planned_headcount=1,
        efficiency=Decimal("1.00"),
    )
    wo = WorkOrderFactory(
        factory=factory,
        version=StyleVersionFactory(style__factory=factory),
        number="WO-X",
        cut_quantity=102,
        due_date=factory_today(factory) + dt.timedelta(days=1),
    )
    WorkOrderOperationFactory(work_order=wo, sam=Decimal("12.000"))
    schedule_replan(factory=factory)
    planner = UserFactory()
    MembershipFactory(user=planner, organization=factory.organization, role=Role.PLANNER)
    entry = ScheduleEntry.objects.get(work_order=wo)
    return factory, entry, big, other, small, planner


def snapshot(entry):
    entry.refresh_from_db()
    return (
        entry.line_id,
        entry.pinned_line_id,
        entry.pinned_start,
        entry.start_date,
        entry.finish_date,
    )


def audit_entries(entry):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ScheduleEntry), object_pk=str(entry.pk)
    )


def move(client, entry, **data):
    return client.post(
        reverse("production:schedule-move", args=[entry.pk]),
        data,
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_good_move_is_saved_audited_and_answered_in_json(client, planned):
    factory, entry, big, other, _small, planner = planned
    assert entry.line == big
    client.force_login(planner)

    response = move(client, entry, line=other.pk, start="")

    body = response.json()
    entry.refresh_from_db()
    assert response.status_code == 200
    assert body["ok"] is True
    assert body["message"].startswith("WO-X now on Line B,")
    assert (entry.line, entry.pinned_line, entry.late_days) == (other, other, 0)
    change = audit_entries(entry).get(action=AuditEntry.Action.UPDATE)
    assert change.changes["pinned_line"] == ["None", str(other.pk)]
    assert change.actor == planner


def test_a_move_that_overloads_the_line_is_refused_and_changes_nothing(client, planned):
    factory, entry, big, _other, small, planner = planned
    before, audited = snapshot(entry), audit_entries(entry).count()
    client.force_login(planner)

    response = move(client, entry, line=small.pk, start="")

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "overload"
    assert body["message"].startswith("Line C has not the capacity to take this move in time:")
    assert "WO-X would finish" in body["message"]
    assert "days after its due date (now 0)" in body["message"]
    assert snapshot(entry) == before
    assert audit_entries(entry).count() == audited


def test_a_confirmed_overload_is_saved_with_the_reason_in_the_audit(client, planned):
    factory, entry, _big, _other, small, planner = planned
    client.force_login(planner)

    response = move(client, entry, line=small.pk, start="", confirm="on")

    entry.refresh_from_db()
    assert response.status_code == 200
    assert (entry.pinned_line, entry.line) == (small, small)
    assert entry.late_days > 0
    change = audit_entries(entry).get(action=AuditEntry.Action.UPDATE)
    assert change.additional_data["note"].startswith("Moved although it overloads: WO-X would")


def test_the_move_form_offers_to_confirm_an_overload(client, planned):
    factory, entry, _big, _other, small, planner = planned
    before = snapshot(entry)
    client.force_login(planner)

    response = client.post(
        reverse("production:schedule-move", args=[entry.pk]),
        {"line": small.pk, "start": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Line C has not the capacity to take this move in time" in html
    assert 'name="confirm"' in html
    assert snapshot(entry) == before


def test_a_move_into_the_past_by_drag_is_a_field_error_and_changes_nothing(client, planned):
    factory, entry, _big, other, _small, planner = planned
    before = snapshot(entry)
    client.force_login(planner)

    response = move(client, entry, line=other.pk, start="2020-01-01")

    assert response.status_code == 400
    assert response.json()["errors"] == {"start": ["Pick today or a later date."]}
    assert snapshot(entry) == before


def test_another_factorys_work_order_is_404_and_unchanged(client, planned):
    factory, entry, _big, other, _small, _planner = planned
    stranger = UserFactory()
    elsewhere = FactoryFactory()
    SewingLineFactory(factory=elsewhere)
    MembershipFactory(user=stranger, organization=elsewhere.organization, role=Role.PLANNER)
    before, audited = snapshot(entry), audit_entries(entry).count()
    client.force_login(stranger)

    response = move(client, entry, line=other.pk, start="")

    assert response.status_code == 404
    assert snapshot(entry) == before
    assert audit_entries(entry).count() == audited


def test_a_supervisor_may_look_but_not_move(client, planned):
    factory, entry, _big, other, _small, _planner = planned
    supervisor = UserFactory()
    MembershipFactory(user=supervisor, organization=factory.organization, role=Role.SUPERVISOR)
    before = snapshot(entry)
    client.force_login(supervisor)

    response = move(client, entry, line=other.pk, start="")

    assert response.status_code == 403
    assert snapshot(entry) == before


def test_dropping_in_front_of_another_work_order_puts_it_first(planned):
    factory, entry, big, _other, _small, planner = planned
    later = WorkOrderFactory(
        factory=factory,
        version=entry.work_order.version,
        number="WO-Y",
        cut_quantity=2000,
        due_date=factory_today(factory) + dt.timedelta(days=30),
    )
    WorkOrderOperationFactory(work_order=later, sam=Decimal("12.000"))
    schedule_replan(factory=factory)
    y = ScheduleEntry.objects.get(work_order=later)

    schedule_move(entry=y, line=entry.line, start=factory_today(factory), by=planner)

    entry.refresh_from_db()
    y.refresh_from_db()
    assert y.sequence < entry.sequence
