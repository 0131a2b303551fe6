"""Factory set-up pages: lines, stations, workers and shifts are added and edited on the web;
bad input comes back by field with nothing written; another factory's rows answer 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.roles import Role
from factories.models import SewingLine, Shift, Station, Worker, WorkerSkill
from tests.audit_trail import entries_of
from tests.factories import SewingLineFactory, ShiftFactory, StationFactory, WorkerFactory
from tests.factory_setup.conftest import client_as

pytestmark = pytest.mark.django_db

LINE = {
    "code": "L1",
    "name": "Hanging line 1",
    "is_hanging": "on",
    "planned_headcount": "24",
    "efficiency": "0.80",
    "shift": "",
    "is_active": "on",
}


def test_the_owner_adds_a_line(owner, factory):
    # when the owner sends the new line's form
    response = owner.post(reverse("factories:lines-new"), LINE)

    # then the line is the factory's, and the page goes back to the list
    assert response.status_code == 302
    line = SewingLine.objects.get()
    assert (line.factory_id, line.code, line.name, line.planned_headcount, line.efficiency) == (
        factory.pk,
        "L1",
        "Hanging line 1",
        24,
        Decimal("0.80"),
    )
    assert owner.get(reverse("factories:lines")).content.decode().count("L1 · Hanging line 1") == 1


def test_a_line_with_a_taken_code_and_no_name_is_refused_by_field(owner, factory):
    # given a line L1
    SewingLineFactory(factory=factory, code="L1", name="First")

    # when another is sent with the same code and no name
    response = owner.post(reverse("factories:lines-new"), {**LINE, "name": ""})

    # then both fields say why, the input is kept, and nothing was written
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "name": ["This field is required."],
    }
    response = owner.post(reverse("factories:lines-new"), LINE)
    form = response.context["form"]
    assert form.errors["code"] == ["Already used by another sewing line in this factory."]
    assert form["planned_headcount"].value() == "24"
    assert list(SewingLine.objects.values_list("code", "name")) == [("L1", "First")]


def test_the_owner_edits_a_line_and_another_factorys_shift_is_refused(
    owner, factory, other_factory
):
    # given a line, and a shift of another factory
    line = SewingLineFactory(factory=factory, code="L1", name="Old")
    foreign = ShiftFactory(factory=other_factory)
    url = reverse("factories:lines-edit", args=[line.pk])

    # when the edit names the other factory's shift
    refused = owner.post(url, {**LINE, "name": "New", "shift": foreign.pk})

    # then it is not a choice and nothing changed
    assert refused.status_code == 400
    assert "shift" in refused.context["form"].errors
    assert SewingLine.objects.get(pk=line.pk).name == "Old"

    # when it is sent right
    own = ShiftFactory(factory=factory)
    done = owner.post(url, {**LINE, "name": "New", "shift": own.pk})

    # then the line changed
    assert done.status_code == 302
    line.refresh_from_db()
    assert (line.name, line.shift_id) == ("New", own.pk)


def test_stations_are_added_on_the_factorys_own_lines(owner, factory):
    line = SewingLineFactory(factory=factory, code="L1")

    response = owner.post(
        reverse("factories:stations-new"),
        {"line": line.pk, "code": "S01", "position": "1", "machine_type": "lockstitch"},
    )

    assert response.status_code == 302
    assert list(Station.objects.values_list("factory_id", "line_id", "code", "position")) == [
        (factory.pk, line.pk, "S01", 1)
    ]


def test_a_station_without_a_line_is_refused(owner, factory):
    response = owner.post(
        reverse("factories:stations-new"), {"line": "", "code": "S01", "position": "x"}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"line", "position"}
    assert Station.objects.count() == 0


WORKER = {
    "employee_no": "E001",
    "badge_id": "B000041",
    "name": "李娜",
    "line": "",
    "department": "sewing",
    "grade": "3",
    "hired_on": "2026-03-01",
    "bank_account": "",
    "is_active": "on",
    "skills": "lockstitch，overlock",
}


def test_the_owner_adds_a_worker_with_skills(owner, factory):
    line = SewingLineFactory(factory=factory)

    response = owner.post(reverse("factories:workers-new"), {**WORKER, "line": line.pk})

    assert response.status_code == 302
    worker = Worker.objects.get()
    assert (worker.factory_id, worker.badge_id, worker.name, worker.line_id, worker.hired_on) == (
        factory.pk,
        "B000041",
        "李娜",
        line.pk,
        dt.date(2026, 3, 1),
    )
    assert sorted(WorkerSkill.objects.values_list("machine_type", "grade")) == [
        ("lockstitch", 3),
        ("overlock", 3),
    ]


def test_a_worker_with_a_taken_badge_is_refused_and_nothing_is_written(owner, factory):
    WorkerFactory(factory=factory, line=SewingLineFactory(factory=factory), badge_id="B0041")

    response = owner.post(reverse("factories:workers-new"), WORKER)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "__all__": ["The worker was not saved."],
        "badge_id": ["Already used by another worker in this factory."],
    }
    assert Worker.objects.count() == 1
    assert WorkerSkill.objects.count() == 0


def test_editing_a_worker_replaces_the_machine_types_and_keeps_measured_ones(owner, factory):
    worker = WorkerFactory(factory=factory, line=SewingLineFactory(factory=factory))
    WorkerSkill.objects.create(
        factory=factory, worker=worker, machine_type="lockstitch", efficiency=Decimal("1.10")
    )
    WorkerSkill.objects.create(factory=factory, worker=worker, machine_type="bartack")

    response = owner.post(
        reverse("factories:workers-edit", args=[worker.pk]),
        {**WORKER, "employee_no": worker.employee_no, "skills": "lockstitch, overlock"},
    )

    assert response.status_code == 302
    assert sorted(WorkerSkill.objects.values_list("machine_type", "efficiency")) == [
        ("lockstitch", Decimal("1.10")),
        ("overlock", Decimal("0.80")),
    ]


def test_a_new_default_shift_retires_the_old_default(owner, factory):
    old = ShiftFactory(factory=factory, code="DAY", is_default=True)

    response = owner.post(
        reverse("factories:shifts-new"),
        {
            "code": "NIGHT",
            "name": "Night",
            "starts_at": "20:00",
            "ends_at": "05:00",
            "break_minutes": "60",
            "is_default": "on",
        },
    )

    assert response.status_code == 302
    assert dict(Shift.objects.values_list("code", "is_default")) == {"DAY": False, "NIGHT": True}
    assert Shift.objects.get(code="NIGHT").minutes == 480
    assert old.pk != Shift.objects.get(code="NIGHT").pk


def test_a_shift_with_a_bad_time_is_refused(owner, factory):
    response = owner.post(
        reverse("factories:shifts-new"),
        {"code": "DAY", "name": "Day", "starts_at": "25:00", "ends_at": "17:00"},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"starts_at", "break_minutes"}
    assert Shift.objects.count() == 0


@pytest.mark.parametrize(
    "name, make",
    [
        ("lines-edit", lambda f: SewingLineFactory(factory=f)),
        ("stations-edit", lambda f: StationFactory(line=SewingLineFactory(factory=f))),
        ("workers-edit", lambda f: WorkerFactory(line=SewingLineFactory(factory=f))),
        ("shifts-edit", lambda f: ShiftFactory(factory=f)),
        ("workers-badge", lambda f: WorkerFactory(line=SewingLineFactory(factory=f))),
        ("workers-link", lambda f: WorkerFactory(line=SewingLineFactory(factory=f))),
        ("workers-invite", lambda f: WorkerFactory(line=SewingLineFactory(factory=f))),
    ],
)
def test_another_factorys_row_answers_404_and_is_not_changed(owner, other_factory, name, make):
    # given a row of another factory
    row = make(other_factory)
    before = type(row).objects.filter(pk=row.pk).values().get()
    url = reverse(f"factories:{name}", args=[row.pk])

    # when the owner of this factory reads and posts to it
    got = owner.get(url)
    posted = owner.post(url, {"name": "taken over", "code": "X", "username": "x"})

    # then it is missing, and unchanged
    assert got.status_code in (404, 405)
    assert posted.status_code == 404
    assert type(row).objects.filter(pk=row.pk).values().get() == before


def test_a_supervisor_reads_lines_but_may_not_change_them(factory):
    line = SewingLineFactory(factory=factory, name="Old")
    supervisor = client_as(factory, Role.SUPERVISOR)

    assert supervisor.get(reverse("factories:lines")).status_code == 200
    assert supervisor.get(reverse("factories:lines-new")).status_code == 403
    posted = supervisor.post(reverse("factories:lines-edit", args=[line.pk]), {**LINE})
    assert posted.status_code == 403
    assert SewingLine.objects.get(pk=line.pk).name == "Old"


def test_the_page_write_is_audited_with_its_actor(owner, factory):
    owner.post(reverse("factories:lines-new"), LINE)

    line = SewingLine.objects.get()
    entries = list(entries_of(line))
    assert [(e.action, e.actor_id) for e in entries] == [(AuditEntry.Action.CREATE, owner.user.pk)]


def test_the_api_writes_through_the_same_service(factory):
    # given the owner on the API, and a worker with badge B0041
    from rest_framework.test import APIClient

    line = SewingLineFactory(factory=factory, code="L1")
    WorkerFactory(factory=factory, line=line, employee_no="E001", badge_id="B0041")
    other = WorkerFactory(factory=factory, line=line, employee_no="E002", badge_id="B0042")
    api = APIClient()
    api.force_login(client_as(factory).user)

    # when another worker is given the same badge through the API
    response = api.patch(f"/api/v1/workers/{other.pk}/", {"badge_id": "B0041"}, format="json")

    # then it is refused as the page refuses it, and nothing changed
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert response.json()["errors"] == {
        "badge_id": ["Already used by another worker in this factory."]
    }
    assert Worker.objects.get(pk=other.pk).badge_id == "B0042"


def test_the_owner_moves_a_station_and_a_bad_position_changes_nothing(owner, factory):
    first = SewingLineFactory(factory=factory, code="L1")
    second = SewingLineFactory(factory=factory, code="L2")
    station = StationFactory(line=first, code="S01", position=1)
    url = reverse("factories:stations-edit", args=[station.pk])

    refused = owner.post(url, {"line": second.pk, "code": "S01", "position": "-1"})
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["position"]
    assert Station.objects.filter(pk=station.pk).values_list("line_id", "position").get() == (
        first.pk,
        1,
    )

    done = owner.post(url, {"line": second.pk, "code": "S01", "position": "7"})
    assert done.status_code == 302
    assert Station.objects.filter(pk=station.pk).values_list("line_id", "position").get() == (
        second.pk,
        7,
    )


def test_the_owner_edits_a_shift_and_a_taken_code_changes_nothing(owner, factory):
    ShiftFactory(factory=factory, code="DAY", is_default=False)
    night = ShiftFactory(factory=factory, code="NIGHT", name="Night", is_default=False)
    url = reverse("factories:shifts-edit", args=[night.pk])
    body = {"code": "NIGHT", "name": "Late", "starts_at": "18:00", "ends_at": "02:30"}
    body["break_minutes"] = "30"

    refused = owner.post(url, {**body, "code": "DAY"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["code"] == [
        "Already used by another shift in this factory."
    ]
    assert Shift.objects.get(pk=night.pk).name == "Night"

    done = owner.post(url, body)
    assert done.status_code == 302
    night.refresh_from_db()
    assert (night.name, night.starts_at, night.ends_at, night.minutes) == (
        "Late",
        dt.time(18, 0),
        dt.time(2, 30),
        480,
    )


def test_the_workers_list_finds_a_worker_by_name_or_badge_in_any_form(owner, factory):
    # given twelve workers, and another factory's worker of the same name
    line = SewingLineFactory(factory=factory, name="二号线")
    for n in range(12):
        WorkerFactory(line=line, employee_no=f"E{n:03d}", badge_id=f"B{n:06d}", name=f"工人{n}")
    WorkerFactory(line=SewingLineFactory(), badge_id="B000007", name="工人7")

    # when the owner searches by a name and by a badge written short
    by_name = owner.get(reverse("factories:workers"), {"q": "工人1"})
    by_badge = owner.get(reverse("factories:workers"), {"q": "b7"})

    # then only this factory's matching workers are listed, out of its twelve
    assert [row["obj"].employee_no for row in by_name.context["rows"]] == ["E001", "E010", "E011"]
    assert [row["obj"].employee_no for row in by_badge.context["rows"]] == ["E007"]
    assert by_badge.context["total"] == 12
