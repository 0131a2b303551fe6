"""Pages and API: the clerk's period, the operator's own pay, and who may see what."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from payroll import services
from payroll.models import Dispute, PayAdjustment, PayPeriod
from tests.factories import WorkerFactory


@pytest.fixture
def operator(shop):
    user = shop.user(Role.WORKER, "operator")
    worker = shop.worker(user=user)
    return user, worker


def test_the_operator_sees_todays_pieces_and_earnings(client, shop, operator):
    user, worker = operator
    today = timezone.localdate()
    shop.record(worker, today, shop.op_a, good=120)
    client.force_login(user)

    page = client.get(reverse("payroll:me"))

    assert page.status_code == 200
    assert page.context["mine"].today_day.good_pieces == 120
    assert page.context["mine"].today_day.piece_pay == Decimal("25.92")
    assert "Join shoulders" in page.content.decode()


def test_the_operator_sees_only_their_own_pieces(client, shop, operator):
    user, _worker = operator
    shop.record(shop.worker(), timezone.localdate(), good=99)
    client.force_login(user)

    page = client.get(reverse("payroll:me"))

    assert page.context["mine"].today_day is None


def test_the_operator_disputes_a_line(client, shop, operator):
    user, worker = operator
    client.force_login(user)

    response = client.post(
        reverse("payroll:me"),
        {
            "day": timezone.localdate().isoformat(),
            "operation": shop.op_a.pk,
            "subject": "A Join shoulders",
            "message": "I did 130",
        },
    )

    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.worker, dispute.operation, dispute.status) == (worker, shop.op_a, "open")


def test_an_operator_cannot_open_the_clerks_pages(client, operator):
    user, _worker = operator
    client.force_login(user)

    assert client.get(reverse("payroll:periods")).status_code == 403


def test_the_clerk_calculates_and_approves_from_the_period_page(client, shop, clerk):
    worker = shop.worker()
    shop.record(worker, date(2026, 3, 2), good=100)
    period = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    client.force_login(clerk)

    client.post(reverse("payroll:period-calculate", kwargs={"pk": period.pk}))
    client.post(reverse("payroll:period-approve", kwargs={"pk": period.pk}))
    page = client.get(reverse("payroll:period", kwargs={"pk": period.pk}))

    period.refresh_from_db()
    assert (period.status, period.gross_total) == ("approved", Decimal("21.60"))
    assert page.status_code == 200
    assert page.context["by_line"][0]["gross"] == Decimal("21.60")


def test_downloads_answer_with_their_files(client, shop, clerk):
    shop.record(shop.worker(), date(2026, 3, 2), good=100)
    period = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    services.pay_period_calculate(period=period, by=clerk)
    client.force_login(clerk)

    sheet = client.get(reverse("payroll:period-sheet", kwargs={"pk": period.pk}))
    bank = client.get(reverse("payroll:period-bank", kwargs={"pk": period.pk}))
    pdf = client.get(reverse("payroll:period-payslips", kwargs={"pk": period.pk}))

    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert bank.content.decode("utf-8-sig").splitlines()[1].endswith("Wages 2026-03-01–2026-03-31")
    assert pdf.content.startswith(b"%PDF")


def test_api_approve_with_open_disputes_needs_confirmation(api, shop, clerk):
    worker = shop.worker()
    period = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    services.dispute_open(worker=worker, day=date(2026, 3, 2), subject="x", message="?", by=None)
    services.pay_period_calculate(period=period, by=clerk)
    api.force_login(clerk)
    url = f"/api/v1/payroll/periods/{period.pk}/approve/"

    refused = api.post(url, {}, format="json")
    approved = api.post(url, {"confirm_open_disputes": True}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (409, "open_disputes")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")


def test_api_overlapping_period_is_a_clear_error(api, shop, clerk):
    services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    api.force_login(clerk)

    response = api.post("/api/v1/payroll/periods/", {"starts_on": "2026-03-15"}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "period_overlap")
    assert PayPeriod.objects.count() == 1


def test_api_my_earnings_is_the_operators_own(api, shop, operator):
    user, worker = operator
    shop.record(worker, timezone.localdate(), shop.op_b, good=10)
    api.force_login(user)

    body = api.get("/api/v1/payroll/my-earnings/").json()

    assert body["today_lines"] == [
        {"operation": "B", "name": "Set sleeves", "good_pieces": 10, "amount": "3.50"}
    ]


def test_an_adjustment_for_another_factorys_worker_is_refused_at_the_worker(client, shop, clerk):
    stranger = WorkerFactory()  # a worker of another factory
    period = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("payroll:adjustment-add", kwargs={"pk": period.pk}),
        {"worker": stranger.pk, "amount": "50.00", "reason": "bonus"},
    )

    assert response.status_code == 200
    assert list(response.context["adjustment_form"].errors) == ["worker"]
    assert 'value="bonus"' in response.content.decode()
    assert PayAdjustment.objects.count() == 0


def test_an_overlapping_period_is_refused_next_to_its_start(client, shop, clerk):
    services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("payroll:periods"), {"starts_on": "2026-03-15", "kind": "monthly"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"] == ["Overlaps another period."]
    assert PayPeriod.objects.count() == 1


def test_an_empty_answer_stays_on_its_dispute(client, shop, clerk):
    dispute = services.dispute_open(
        worker=shop.worker(), day=date(2026, 3, 2), subject="x", message="?", by=None
    )
    client.force_login(clerk)

    response = client.post(
        reverse("payroll:dispute-answer", kwargs={"pk": dispute.pk}), {"answer": " "}
    )

    shown = response.context["disputes"][0].answer_form
    assert shown.errors["answer"] == ["This field is required."]
    assert f'id="dispute-{dispute.pk}-answer"' in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN
