"""The bank account on pay documents: read from the worker; masked on the payslip, the wage
sheet and the API with no access-log entry; in full in the bank file, whose download is exactly
one access-log entry however many workers it pays (issue 16, docs/privacy.md)."""

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.models import AuditEntry
from payroll import services
from tests.pdfs import pdf_text

MONDAY = date(2026, 3, 2)
ACCOUNT = "6217 0000 1234 5678"
OTHER = "6217 0000 8765 4321"


def reads():
    """The access log's read entries ("Viewed")."""
    return AuditEntry.objects.filter(action=LogEntry.Action.ACCESS)


@pytest.fixture
def period(shop, clerk):
    first = shop.worker(name="王芳", bank_account=ACCOUNT)
    second = shop.worker(name="李强", bank_account=OTHER)
    shop.record(first, MONDAY, good=100)
    shop.record(second, MONDAY, good=50)
    march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    return services.pay_period_calculate(period=march, by=clerk)


@pytest.fixture
def signed_in(clerk):
    client = Client()
    client.force_login(clerk)
    return client


def test_the_bank_file_has_the_full_numbers_and_writes_one_read_entry(period, signed_in, clerk):
    # When the clerk downloads the bank file of a period paying two workers
    response = signed_in.get(f"/payroll/periods/{period.pk}/bank-transfer.csv")

    # Then both full numbers are in it
    lines = response.content.decode("utf-8-sig").splitlines()
    assert sorted(line.split(",")[2] for line in lines[1:]) == [ACCOUNT, OTHER]
    # and exactly one read is logged: by the clerk, for the factory, why, and whose accounts
    entry = reads().get()
    workers = sorted(period.payslips.values_list("worker_id", flat=True))
    assert (entry.actor_id, entry.organization_id) == (clerk.pk, period.factory_id)
    assert entry.additional_data == {
        "reason": "bank transfer file",
        "fields": ["bank_account"],
        "objects": workers,
    }
    assert entry.object_repr == "Bank file 2026-03-01–2026-03-31"


def test_the_payslip_pdf_masks_the_account_and_logs_no_read(period, signed_in, tmp_path):
    response = signed_in.get(f"/payroll/periods/{period.pk}/payslips.pdf")

    text = pdf_text(response.content, tmp_path)
    assert "银行账号：****5678" in text and "银行账号：****4321" in text
    assert "1234" not in text and "6217" not in text
    assert reads().count() == 0


def test_the_wage_sheet_masks_the_account_and_logs_no_read(period, signed_in):
    response = signed_in.get(f"/payroll/periods/{period.pk}/wage-sheet.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    column = [cell.value for cell in sheet[2]].index("银行账号") + 1
    assert sorted(sheet.cell(row=row, column=column).value for row in (3, 4)) == [
        "****4321",
        "****5678",
    ]
    assert reads().count() == 0


def test_the_payslip_api_masks_the_account_and_logs_no_read(period, signed_in):
    slip = period.payslips.get(worker_name="王芳")

    body = signed_in.get(f"/api/v1/payroll/payslips/{slip.pk}/").json()
    listed = signed_in.get(f"/api/v1/payroll/payslips/?period={period.pk}").json()

    assert body["bank_account"] == "****5678"
    assert sorted(row["bank_account"] for row in listed["results"]) == ["****4321", "****5678"]
    assert reads().count() == 0


def test_the_period_page_logs_no_read(period, signed_in):
    response = signed_in.get(f"/payroll/periods/{period.pk}/")

    assert response.status_code == 200
    assert reads().count() == 0


def test_a_payslip_keeps_no_copy_of_the_account(period):
    assert "bank_account" not in {f.name for f in period.payslips.model._meta.fields}


def test_a_page_of_payslips_reads_its_workers_accounts_in_one_query(period, signed_in):
    with CaptureQueriesContext(connection) as queries:
        listed = signed_in.get(f"/api/v1/payroll/payslips/?period={period.pk}").json()

    accounts = [q["sql"] for q in queries if '"bank_account"' in q["sql"]]
    assert len(listed["results"]) == 2
    assert len(accounts) == 1
