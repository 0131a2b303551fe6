"""payroll's wage figures: an open period's earnings are the calculation of its days so far, a
calculated period's are what it stored; a day's wages and the average per operator-day."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from payroll import selectors, services

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY = date(2026, 3, 2), date(2026, 3, 3)
# Wednesday 2026-03-04 10:00 in Shanghai.
NOW = datetime(2026, 3, 4, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def march(shop, clerk):
    return services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)


@pytest.fixture
def worked(shop):
    first, second = shop.worker(), shop.worker()
    shop.record(first, MONDAY, shop.op_b, good=100)  # 35.00
    shop.record(second, MONDAY, shop.op_b, good=60, defective=2)  # 21.00 − 0.70
    shop.record(first, TUESDAY, shop.op_b, good=40)  # 14.00
    return first, second


def test_an_open_periods_earnings_are_its_days_so_far(march, worked):
    with time_machine.travel(NOW, tick=False):
        assert selectors.period_earned(march) == Decimal("69.30")
        assert selectors.current_period(march.factory) == march


def test_a_calculated_period_keeps_what_it_stored(shop, clerk, march, worked):
    with time_machine.travel(NOW, tick=False):
        services.pay_period_calculate(period=march, by=clerk)
    march.refresh_from_db()
    shop.record(worked[0], TUESDAY, shop.op_a, good=100)  # after the calculation

    with time_machine.travel(NOW, tick=False):
        assert selectors.period_earned(march) == march.gross_total == Decimal("69.30")
        assert selectors.wages_by_day(shop.factory, MONDAY, TUESDAY)[TUESDAY] == {
            "wages": Decimal("14.00"),
            "operator_days": 1,
        }


def test_a_days_wages_and_the_average_per_operator_day(shop, march, worked):
    by_day = selectors.wages_by_day(shop.factory, MONDAY, TUESDAY)

    assert by_day == {
        MONDAY: {"wages": Decimal("55.30"), "operator_days": 2},
        TUESDAY: {"wages": Decimal("14.00"), "operator_days": 1},
    }
    assert selectors.average_daily_wage(Decimal("69.30"), 3) == Decimal("23.10")
    assert selectors.average_daily_wage(Decimal("0"), 0) is None


def test_the_periods_pieces_per_person_day_are_productions(march, worked):
    # B is the work order's last operation: 100 + 60 + 40 garments over 3 operator-days.
    assert selectors.period_figures(march)["output_per_person_day"] == 66.7
