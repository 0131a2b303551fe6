"""Badge cards, a worker's login link and invitation, the calendar page and the set-up
checklist."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import Invitation
from core.roles import OrgKind, Role
from core.setup_checklist import checklist_for
from factories.models import CalendarDay, Factory, Worker
from tests.factories import (
    MaterialFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    SewingLineFactory,
    ShiftFactory,
    StationFactory,
    StyleVersionFactory,
    UserFactory,
    WorkerFactory,
)
from tests.factory_setup.conftest import client_as
from tests.pdfs import assert_every_font_embedded, pdf_text, qr_payloads

pytestmark = pytest.mark.django_db


def test_badge_cards_carry_name_number_and_a_qr_of_the_badge(
    owner, factory, other_factory, tmp_path
):
    # given twelve active workers (two pages of ten), one inactive, and another factory's worker
    line = SewingLineFactory(factory=factory, name="一号线")
    for n in range(12):
        WorkerFactory(line=line, employee_no=f"E{n:03d}", badge_id=f"B{n:04d}", name=f"工人{n}")
    WorkerFactory(line=line, badge_id="GONE", is_active=False)
    WorkerFactory(line=SewingLineFactory(factory=other_factory), badge_id="BRAVO1")

    # when the owner prints the badge cards
    response = owner.get(reverse("factories:workers-badges"))

    # then every active worker has a card whose QR code is their badge in its one format
    # ("B0003" stored before badges had one is printed "B000003"), on two A4 pages
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert_every_font_embedded(pdf)
    assert sorted(qr_payloads(pdf, tmp_path)) == [f"B{n:06d}" for n in range(12)]
    text = pdf_text(pdf, tmp_path)
    assert text.count("\f") == 2
    assert all(f"工人{n}" in text and f"E{n:03d}" in text for n in range(12))
    assert "BRAVO1" not in text and "GONE" not in text


def test_one_workers_badge_card(owner, factory, tmp_path):
    worker = WorkerFactory(line=SewingLineFactory(factory=factory), badge_id="B0041", name="李娜")

    response = owner.get(reverse("factories:workers-badge", args=[worker.pk]))

    assert qr_payloads(response.content, tmp_path) == ["B000041"]
    text = pdf_text(response.content, tmp_path)
    assert "李娜" in text and "B000041" in text


def _worker_login(factory, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=factory.organization, role=Role.WORKER)
    return user


def test_the_owner_links_a_worker_to_a_worker_login(owner, factory):
    worker = WorkerFactory(line=SewingLineFactory(factory=factory))
    user = _worker_login(factory, "lina")

    response = owner.post(reverse("factories:workers-link", args=[worker.pk]), {"user": user.pk})

    assert response.status_code == 302
    assert Worker.objects.get(pk=worker.pk).user_id == user.pk


def test_a_login_of_another_factory_is_not_a_choice(owner, factory, other_factory):
    worker = WorkerFactory(line=SewingLineFactory(factory=factory))
    stranger = _worker_login(other_factory, "stranger")

    response = owner.post(
        reverse("factories:workers-link", args=[worker.pk]), {"user": stranger.pk}
    )

    assert response.status_code == 400
    assert list(response.context["link_form"].errors) == ["user"]
    assert Worker.objects.get(pk=worker.pk).user_id is None


def test_the_owner_invites_a_workers_login_with_the_worker_role(owner, factory):
    worker = WorkerFactory(line=SewingLineFactory(factory=factory))

    response = owner.post(
        reverse("factories:workers-invite", args=[worker.pk]), {"username": "13800000000"}
    )

    assert response.status_code == 302
    assert list(Invitation.objects.values_list("organization_id", "username", "role")) == [
        (factory.pk, "13800000000", Role.WORKER)
    ]


def test_inviting_a_member_again_is_refused_by_field(owner, factory):
    worker = WorkerFactory(line=SewingLineFactory(factory=factory))
    _worker_login(factory, "lina")

    response = owner.post(
        reverse("factories:workers-invite", args=[worker.pk]), {"username": "lina"}
    )

    assert response.status_code == 400
    assert response.context["invite_form"].errors["username"] == ["Already a member."]
    assert Invitation.objects.count() == 0


def test_the_calendar_month_shows_statutory_holidays_adjusted_days_and_own_days(owner, factory):
    # given the factory's own overtime Saturday in October 2026
    CalendarDay.objects.create(
        factory=factory, date=dt.date(2026, 10, 10), kind="workday", overtime_minutes=60
    )

    # when the month is shown
    response = owner.get(reverse("factories:calendar"), {"month": "2026-10"})

    # then the days come from the one calendar
    assert response.status_code == 200
    days = {entry.day: entry for week in response.context["weeks"] for entry in week if entry}
    assert len(days) == 31
    assert (days[dt.date(2026, 10, 1)].kind, days[dt.date(2026, 10, 1)].source) == (
        "holiday",
        "statutory",
    )
    assert (days[dt.date(2026, 10, 10)].kind, days[dt.date(2026, 10, 10)].source) == (
        "workday",
        "factory",
    )
    assert days[dt.date(2026, 10, 10)].overtime_minutes == 60
    # 2026-10-01 is a Thursday: three empty cells lead the first week
    assert response.context["weeks"][0][:4] == [None, None, None, days[dt.date(2026, 10, 1)]]


def test_a_planner_marks_a_holiday_and_clears_it_again(factory):
    planner = client_as(factory, Role.PLANNER)
    url = reverse("factories:calendar")

    marked = planner.post(url, {"date": "2026-12-24", "kind": "holiday", "note": "年会"})
    assert marked.status_code == 302
    assert list(CalendarDay.objects.values_list("date", "kind", "note")) == [
        (dt.date(2026, 12, 24), "holiday", "年会")
    ]

    cleared = planner.post(url, {"date": "2026-12-24", "kind": ""})
    assert cleared.status_code == 302
    assert CalendarDay.objects.count() == 0


def test_a_bad_calendar_day_is_refused_by_field(owner, factory):
    response = owner.post(
        reverse("factories:calendar"),
        {"date": "2026-13-01", "kind": "holiday", "overtime_minutes": "-5"},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"date", "overtime_minutes"}
    assert CalendarDay.objects.count() == 0


def test_a_supervisor_sees_the_calendar_but_may_not_mark_it(factory):
    supervisor = client_as(factory, Role.SUPERVISOR)

    assert supervisor.get(reverse("factories:calendar")).status_code == 200
    posted = supervisor.post(reverse("factories:calendar"), {"date": "2026-12-24", "kind": "rest"})
    assert posted.status_code == 403
    assert CalendarDay.objects.count() == 0


def counts(organization) -> dict:
    return {row["key"]: (row["count"], row["done"]) for row in checklist_for(organization)}


def test_a_new_factorys_checklist_lists_everything_missing(owner, factory):
    response = owner.get(reverse("factories:setup"))

    assert response.status_code == 200
    assert counts(factory.organization) == {
        "lines": (0, False),
        "stations": (0, False),
        "workers": (0, False),
        "shifts": (0, False),
        "calendar": (0, False),
        "materials": (0, False),
        "suppliers": (0, False),
        "styles": (0, False),
        "merchants": (0, False),
        "people": (0, False),
    }
    assert response.context["done"] == 0


def test_the_checklist_counts_what_the_factory_has(owner, factory, other_factory):
    # given a factory partly set up (and another factory with more)
    line = SewingLineFactory(factory=factory)
    SewingLineFactory(factory=factory, is_active=False)
    StationFactory(line=line)
    StationFactory(line=line)
    WorkerFactory(line=line)
    ShiftFactory(factory=factory)
    PartnershipFactory(factory=factory)
    PartnershipFactory(factory=factory, partner=OrganizationFactory(kind=OrgKind.SUPPLIER))
    PartnershipFactory(
        factory=factory, partner=OrganizationFactory(kind=OrgKind.MERCHANT), status="invited"
    )
    _worker_login(factory, "lina")
    Invitation.objects.create(
        organization=factory.organization,
        username="pending",
        role=Role.WORKER,
        expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    MaterialFactory(factory=factory)
    StyleVersionFactory(style__factory=factory)
    StyleVersionFactory(style__factory=factory, status="draft")
    WorkerFactory(line=SewingLineFactory(factory=other_factory))
    MaterialFactory(factory=other_factory)
    owner.post(reverse("factories:calendar-confirm"))

    # then each item counts the factory's own
    assert counts(factory.organization) == {
        "lines": (1, True),
        "stations": (2, True),
        "workers": (1, True),
        "shifts": (1, True),
        "calendar": (1, True),
        "materials": (1, True),
        "suppliers": (1, True),
        "styles": (1, True),
        "merchants": (1, True),
        "people": (2, True),
    }
    assert Factory.objects.get(pk=factory.pk).calendar_checked_at is not None
