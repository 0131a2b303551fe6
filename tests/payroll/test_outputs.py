"""Payslip PDF, wage sheet and bank file of a calculated period."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from payroll import outputs, services

MONDAY = date(2026, 3, 2)


@pytest.fixture
def period(shop, clerk):
    paid = shop.worker(bank_account="6217 0001")
    shop.record(paid, MONDAY, good=100)  # 21.60
    shop.worker()  # nothing done: no payslip, no transfer
    march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    return services.pay_period_calculate(period=march, by=clerk)


def test_the_bank_file_has_one_transfer_per_payslip_with_pay(period):
    lines = outputs.bank_transfer_csv(period).lstrip("\ufeff").splitlines()

    assert lines[0] == "employee_no,name,bank_account,amount,reference"
    assert len(lines) == 2
    assert lines[1].split(",")[2:4] == ["6217 0001", "21.60"]


def test_the_wage_sheet_lists_payslips_and_a_total_row(period):
    sheet = load_workbook(io.BytesIO(outputs.wage_sheet_xlsx(period))).active
    header = [cell.value for cell in sheet[2]]
    total_row = [cell.value for cell in sheet[sheet.max_row]]

    assert header[:2] == ["工号", "姓名"]
    assert sheet.max_row == 4  # title, header, one payslip, total
    assert total_row[0] == "合计"
    assert Decimal(str(total_row[header.index("应发合计")])) == Decimal("21.60")


def test_payslips_are_a_pdf_in_chinese_with_one_page_each(period):
    pdf = outputs.payslips_pdf(period, outputs.payable_payslips(period))

    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1
