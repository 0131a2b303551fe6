"""A worker's "my data" on "my pay": the page shows what the platform holds, the account
masked, and logs no read; the JSON and Excel copies carry it all, the account in full, each
download one read logged as the worker's (issue 16, docs/privacy.md)."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEntry
from core.roles import Role
from payroll import services

ACCOUNT = "6217 0000 1234 5678"
MONDAY = date(2026, 3, 2)


def reads():
    return AuditEntry.objects.filter(action=LogEntry.Action.ACCESS)


@pytest.fixture
def operator(shop, clerk, client):
    user = shop.user(Role.WORKER, "operator")
    worker = shop.worker(user=user, name="王芳", bank_account=ACCOUNT, hired_on=date(2025, 3, 1))
    shop.record(worker, MONDAY, good=100)
    march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    period = services.pay_period_calculate(period=march, by=clerk)
    services.pay_period_approve(period=period, by=clerk)
    client.force_login(user)
    return user, worker


def test_the_page_shows_my_data_with_the_account_masked_and_logs_no_read(client, operator):
    page = client.get(reverse("payroll:me"))

    profile = dict(page.context["my_profile"])
    assert (profile["Name"], profile["Bank account"], profile["Hired on"]) == (
        "王芳",
        "****5678",
        date(2025, 3, 1),
    )
    assert "1234 5678" not in page.content.decode()
    assert reads().count() == 0


def test_the_json_copy_holds_the_profile_payslips_and_full_account(client, operator, shop):
    user, worker = operator

    response = client.get(reverse("payroll:me-data-json"))

    data = json.loads(response.content)
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-data-{worker.employee_no}.json"'
    )
    assert data["profile"]["name"] == "王芳"
    assert data["profile"]["bank_account"] == ACCOUNT
    assert data["profile"]["login"] == "operator"
    assert [(p["period_starts_on"], Decimal(p["gross"])) for p in data["payslips"]] == [
        ("2026-03-01", Decimal("21.60"))
    ]
    assert data["questions"] == []


def test_a_download_is_one_read_logged_as_the_workers_own(client, operator, shop):
    user, worker = operator

    client.get(reverse("payroll:me-data-json"))

    entry = reads().get()
    assert (entry.actor_id, entry.organization_id, entry.object_pk) == (
        user.pk,
        shop.factory.pk,
        str(worker.pk),
    )
    assert entry.additional_data == {
        "reason": "worker's own data copy",
        "fields": ["bank_account"],
        "objects": [worker.pk],
    }


def test_the_excel_copy_has_the_profile_payslips_and_questions(client, operator):
    response = client.get(reverse("payroll:me-data-xlsx"))

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Profile", "Payslips", "Questions"]
    profile = {row[0]: row[1] for row in book["Profile"].iter_rows(min_row=2, values_only=True)}
    assert (profile["Name"], profile["Bank account"]) == ("王芳", ACCOUNT)
    payslips = list(book["Payslips"].iter_rows(values_only=True))
    assert payslips[0][:3] == ("period_starts_on", "period_ends_on", "days_worked")
    assert Decimal(str(payslips[1][-1])).quantize(Decimal("0.01")) == Decimal("21.60")
    assert reads().count() == 1


def test_a_login_without_a_worker_gets_no_copy(client, shop):
    user = shop.user(Role.WORKER, "unlinked")
    client.force_login(user)

    assert client.get(reverse("payroll:me-data-json")).status_code == 404
    assert reads().count() == 0


def test_a_clerk_cannot_download_a_workers_copy(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("payroll:me-data-json")).status_code == 403
    assert reads().count() == 0
