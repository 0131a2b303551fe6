"""Payslip PDF, wage sheet and bank file of a calculated period."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from payroll import outputs, services
from tests.pdfs import assert_every_font_embedded, pdf_text

MONDAY = date(2026, 3, 2)


@pytest.fixture
def period(shop, clerk):
    paid = shop.worker(bank_account="6217 0001")
    shop.record(paid, MONDAY, good=100)  # 21.60
    shop.worker()  # nothing done: no payslip, no transfer
    march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    return services.pay_period_calculate(period=march, by=clerk)


def test_the_bank_file_has_one_transfer_per_payslip_with_pay(period):
    lines = outputs.bank_transfer_csv(period, by=None).lstrip("\ufeff").splitlines()

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
    assert_every_font_embedded(pdf)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1


def test_a_payslip_reads_back_with_a_name_holding_a_middle_dot(shop, clerk, tmp_path):
    worker = shop.worker(name="阿依古丽·买买提", bank_account="6217 0002")
    shop.record(worker, MONDAY, good=100)
    march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    period = services.pay_period_calculate(period=march, by=clerk)

    pdf = outputs.payslips_pdf(period, outputs.payable_payslips(period))

    assert_every_font_embedded(pdf)
    text = pdf_text(pdf, tmp_path)
    assert "阿依古丽·买买提" in text
    assert "实发工资（元）" in text
    assert "21.60" in text
