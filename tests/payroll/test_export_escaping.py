"""The wage sheet and the bank file never carry a formula: a worker or factory named like one
arrives escaped, while amounts stay exact numbers."""

from datetime import date
from decimal import Decimal

import pytest

from payroll import outputs, services
from tests.exports import ESCAPED, HOSTILE, assert_no_formula, csv_rows, text_values, workbook_cells

MONDAY = date(2026, 3, 2)


@pytest.fixture
def hostile_period(shop, clerk):
    shop.factory.organization.name = HOSTILE
    shop.factory.organization.save()
    worker = shop.worker(name=HOSTILE, bank_account="-6217 0001")
    shop.record(worker, MONDAY, good=100)  # 21.60
    march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    return services.pay_period_calculate(period=march, by=clerk)


def test_the_wage_sheet_escapes_a_hostile_worker_and_factory_name(hostile_period):
    content = outputs.wage_sheet_xlsx(hostile_period)

    assert_no_formula(content)
    texts = text_values(content)
    assert texts[0] == f"{ESCAPED} 工资表 {hostile_period}"
    assert ESCAPED in texts
    assert HOSTILE not in texts


def test_the_wage_sheet_keeps_amounts_as_numbers(hostile_period):
    content = outputs.wage_sheet_xlsx(hostile_period)

    numbers = [cell.value for cell in workbook_cells(content) if cell.data_type == "n"]
    assert Decimal("21.60") in [Decimal(str(value)).quantize(Decimal("0.01")) for value in numbers]


def test_the_bank_file_escapes_text_cells_and_keeps_the_amount_exact(hostile_period):
    rows = csv_rows(outputs.bank_transfer_csv(hostile_period, by=None))

    assert rows[1][1:4] == [ESCAPED, "'-6217 0001", "21.60"]
