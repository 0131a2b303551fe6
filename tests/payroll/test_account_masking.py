"""A payslip shows the bank account's last four only; the bank file keeps the number (issue 14)."""

import io
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from payroll import outputs, services
from payroll.privacy import mask_account
from tests.pdfs import pdf_text

MONDAY = date(2026, 3, 2)
ACCOUNT = "6217 0000 1234 5678"


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("6217 0000 1234 5678", "****5678"),
        ("62170001", "****0001"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_an_account_shows_its_last_four_only(number, shown):
    assert mask_account(number) == shown


@pytest.fixture
def period(shop, clerk):
    worker = shop.worker(name="王芳", bank_account=ACCOUNT)
    shop.record(worker, MONDAY, good=100)
    march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    return services.pay_period_calculate(period=march, by=clerk)


def test_the_payslip_pdf_masks_the_account(period, tmp_path):
    # When the period's payslips are printed
    text = pdf_text(outputs.payslips_pdf(period, outputs.payable_payslips(period)), tmp_path)

    # Then the slip names the account by its last four, never in full
    assert "银行账号：****5678" in text
    assert "1234 5678" not in text and "6217" not in text


def test_the_wage_sheet_masks_the_account(period):
    sheet = load_workbook(io.BytesIO(outputs.wage_sheet_xlsx(period))).active
    header = [cell.value for cell in sheet[2]]

    assert sheet.cell(row=3, column=header.index("银行账号") + 1).value == "****5678"


def test_the_bank_file_keeps_the_full_number(period):
    # The bank needs the number: the one document that is not masked
    lines = outputs.bank_transfer_csv(period).lstrip("\ufeff").splitlines()

    assert lines[1].split(",")[2] == ACCOUNT


def test_the_payslip_api_masks_the_account(period, clerk):
    client = Client()
    client.force_login(clerk)
    slip = outputs.payable_payslips(period).get()

    body = client.get(f"/api/v1/payroll/payslips/{slip.pk}/").json()

    assert body["bank_account"] == "****5678"
    assert slip.bank_account == ACCOUNT  # the stored number is unchanged
