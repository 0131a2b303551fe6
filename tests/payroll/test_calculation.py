"""Hand-computed examples, one per wage rule (policy defaults unless a test says otherwise:
minimum 2 200 yuan a month over 10 440 normal minutes, bonus threshold 0.85 at 0.10 yuan per
earned minute, overtime ×1.5 / ×2 / ×3, rework deduction 1.0 × the piece rate)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import DomainError
from factories.models import CalendarDay
from payroll import calculation
from payroll.models import RateAdjustment, TimeKind, TimeRate

MONDAY = date(2026, 3, 2)
SUNDAY = date(2026, 3, 8)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def calc(shop, start=MARCH[0], end=MARCH[1], **kwargs):
    return calculation.calculate(shop.factory, start, end, **kwargs)


def only_day(result):
    (day,) = result.days
    return day


def test_piece_pay_is_good_pieces_times_the_frozen_rate_of_each_operation(shop):
    worker = shop.worker()
    shop.record(worker, MONDAY, shop.op_a, good=120)  # 120 × 0.2160 = 25.92
    shop.record(worker, MONDAY, shop.op_b, good=50)  # 50 × 0.3500 = 17.50

    result = calc(shop)

    assert [(x.operation_code, x.good_pieces, x.amount) for x in result.lines] == [
        ("A", 120, Decimal("25.92")),
        ("B", 50, Decimal("17.50")),
    ]
    assert only_day(result).piece_pay == Decimal("43.42")
    assert result.slips[worker.pk].gross == Decimal("43.42")


def test_voided_records_and_other_periods_are_not_paid(shop):
    worker = shop.worker()
    shop.record(worker, MONDAY, good=100)
    shop.record(worker, MONDAY, shop.op_b, good=100, voided=True)
    shop.record(worker, date(2026, 4, 1), good=100)

    result = calc(shop)

    assert result.records == 1
    assert result.slips[worker.pk].piece_pay == Decimal("21.60")


def test_grade_and_difficulty_multiply_the_piece_rate(shop):
    worker = shop.worker(grade=4)
    RateAdjustment.objects.create(
        factory=shop.factory, kind="grade", grade=4, multiplier=Decimal("1.100")
    )
    RateAdjustment.objects.create(
        factory=shop.factory, kind="difficulty", operation_code="B", multiplier=Decimal("1.200")
    )
    shop.record(worker, MONDAY, shop.op_a, good=120)  # 120 × 0.2160 × 1.1 = 28.512 → 28.51
    shop.record(worker, MONDAY, shop.op_b, good=50)  # 50 × 0.35 × 1.1 × 1.2 = 23.10

    result = calc(shop)

    assert [x.amount for x in result.lines] == [Decimal("28.51"), Decimal("23.10")]
    assert only_day(result).piece_pay == Decimal("51.61")


def test_rework_of_own_defects_is_deducted_at_the_piece_rate(shop):
    worker = shop.worker()
    shop.record(worker, MONDAY, good=100, defective=20)  # 21.60 − 20 × 0.2160 = 21.60 − 4.32

    day = only_day(calc(shop))

    assert (day.piece_pay, day.rework_deduction, day.total) == (
        Decimal("21.60"),
        Decimal("4.32"),
        Decimal("17.28"),
    )


def test_rework_deduction_ratio_is_configurable(shop):
    shop.policy(rework_deduction_ratio=Decimal("0.50"))
    worker = shop.worker()
    shop.record(worker, MONDAY, good=100, defective=20)  # 20 × 0.2160 × 0.5 = 2.16

    assert only_day(calc(shop)).rework_deduction == Decimal("2.16")


def test_reworked_pieces_are_paid_as_good_pieces(shop):
    worker = shop.worker()
    shop.record(worker, MONDAY, good=18, defective=2)
    shop.record(worker, MONDAY, good=2, rework=True)

    day = only_day(calc(shop))

    assert (day.good_pieces, day.piece_pay, day.rework_deduction) == (
        20,
        Decimal("4.32"),
        Decimal("0.43"),
    )


def test_time_work_is_paid_at_the_kinds_hourly_rate(shop):
    TimeRate.objects.create(factory=shop.factory, kind=TimeKind.TRAINING, hourly_rate=18)
    worker = shop.worker()
    shop.time_work(worker, MONDAY, TimeKind.TRAINING, 90)  # 1.5 h × 18 = 27.00

    day = only_day(calc(shop))

    assert (day.time_minutes, day.time_pay) == (90, Decimal("27.00"))


def test_efficiency_bonus_pays_earned_minutes_above_the_threshold(shop):
    worker = shop.worker()
    shop.attend(worker, MONDAY, 480)
    shop.record(worker, MONDAY, shop.op_b, good=450)  # earned 450 min; 0.85 × 480 = 408

    day = only_day(calc(shop))

    assert day.efficiency == Decimal("0.938")
    assert day.bonus == Decimal("4.20")  # (450 − 408) × 0.10
    assert day.total == Decimal("161.70")  # 157.50 + 4.20


def test_no_bonus_below_the_threshold(shop):
    worker = shop.worker()
    shop.attend(worker, MONDAY, 480)
    shop.record(worker, MONDAY, shop.op_b, good=400)  # earned 400 < 408

    assert only_day(calc(shop)).bonus == Decimal("0.00")


def test_time_work_minutes_do_not_count_against_efficiency(shop):
    TimeRate.objects.create(factory=shop.factory, kind=TimeKind.WAITING, hourly_rate=12)
    worker = shop.worker()
    shop.attend(worker, MONDAY, 480)
    shop.time_work(worker, MONDAY, TimeKind.WAITING, 80)  # piece-work minutes 400 → 340 needed
    shop.record(worker, MONDAY, shop.op_b, good=360)

    day = only_day(calc(shop))

    assert (day.bonus, day.time_pay) == (Decimal("2.00"), Decimal("16.00"))  # (360 − 340) × 0.1


def test_overtime_on_a_workday_adds_half_the_overtime_share_of_the_days_pay(shop):
    worker = shop.worker()
    shop.attend(worker, MONDAY, 600)  # 120 minutes past 480
    shop.record(worker, MONDAY, shop.op_b, good=500)  # 175.00; earned 500 < 0.85 × 600

    day = only_day(calc(shop))

    assert (day.overtime_minutes, day.overtime_premium) == (120, Decimal("17.50"))
    assert day.total == Decimal("192.50")  # 175 + 175 × 120/600 × 0.5


def test_every_minute_of_a_rest_day_is_overtime_at_double_pay(shop):
    # Sunday is a rest day in the factory's week (Monday–Saturday by default).
    worker = shop.worker()
    shop.attend(worker, SUNDAY, 480)
    shop.record(worker, SUNDAY, shop.op_b, good=400)  # 140.00

    day = only_day(calc(shop))

    assert (day.day_kind, day.overtime_premium, day.total) == (
        "rest_day",
        Decimal("140.00"),
        Decimal("280.00"),
    )


def test_the_factorys_own_holiday_pays_triple(shop):
    CalendarDay.objects.create(factory=shop.factory, date=MONDAY, kind=CalendarDay.Kind.HOLIDAY)
    worker = shop.worker()
    shop.attend(worker, MONDAY, 480)
    shop.record(worker, MONDAY, shop.op_b, good=400)  # 140.00 + 2 × 140.00

    day = only_day(calc(shop))

    assert (day.day_kind, day.total) == ("holiday", Decimal("420.00"))


def test_a_statutory_holiday_pays_triple_without_any_setting(shop):
    national_day = date(2026, 10, 1)  # Thursday, China's statutory calendar
    worker = shop.worker()
    shop.attend(worker, national_day, 480)
    shop.record(worker, national_day, shop.op_b, good=400)

    day = only_day(calc(shop, national_day, date(2026, 10, 31)))

    assert (day.day_kind, day.overtime_premium, day.total) == (
        "holiday",
        Decimal("280.00"),
        Decimal("420.00"),
    )


def test_a_day_off_in_lieu_pays_the_rest_day_factor(shop):
    in_lieu = date(2026, 10, 7)  # Wednesday off, paid back by working Sat 10 October (调休)
    worker = shop.worker()
    shop.attend(worker, in_lieu, 480)
    shop.record(worker, in_lieu, shop.op_b, good=400)

    day = only_day(calc(shop, date(2026, 10, 1), date(2026, 10, 31)))

    assert (day.day_kind, day.total) == ("rest_day", Decimal("280.00"))


def test_an_adjusted_working_sunday_is_an_ordinary_workday(shop):
    adjusted = date(2026, 9, 20)  # Sunday worked for National Day (调休)
    worker = shop.worker()
    shop.attend(worker, adjusted, 480)
    shop.record(worker, adjusted, shop.op_b, good=400)

    day = only_day(calc(shop, date(2026, 9, 1), date(2026, 9, 30)))

    assert (day.day_kind, day.overtime_minutes, day.total) == (
        "workday",
        0,
        Decimal("140.00"),
    )


def test_the_days_kinds_are_read_in_one_query_for_the_whole_period(shop, django_assert_num_queries):
    with django_assert_num_queries(1):
        kinds = calculation.day_kinds(shop.factory, date(2026, 9, 1), date(2026, 10, 31))

    assert len(kinds) == 61
    assert [kinds[date(2026, 10, d)] for d in (1, 3, 6, 7, 10, 11)] == [
        "holiday",
        "holiday",
        "rest_day",
        "rest_day",
        "workday",
        "rest_day",
    ]


def test_minimum_wage_top_up_for_a_full_month(shop):
    worker = shop.worker()
    day = date(2026, 3, 2)
    for _ in range(22):  # 22 workdays × 480 = 10 560 normal minutes ≥ 10 440: a full month
        if day.weekday() == 6:
            day += timedelta(days=1)
        shop.attend(worker, day, 480)
        shop.record(worker, day, shop.op_b, good=100)  # 35.00 a day, no bonus
        day += timedelta(days=1)

    slip = calc(shop).slips[worker.pk]

    assert (slip.piece_pay, slip.minimum_top_up, slip.gross) == (
        Decimal("770.00"),
        Decimal("1430.00"),
        Decimal("2200.00"),
    )


def test_minimum_wage_top_up_is_prorated_by_normal_minutes(shop):
    worker = shop.worker()
    # Ten workdays, Monday 2 to Thursday 12 March without Sunday 8 (a rest day of the factory's
    # week): 4 800 normal minutes, 2200 × 4800 / 10440 = 1011.49.
    for offset in [*range(6), *range(7, 11)]:
        day = MONDAY + timedelta(days=offset)
        shop.attend(worker, day, 480)
        shop.record(worker, day, shop.op_b, good=100)

    slip = calc(shop).slips[worker.pk]

    assert (slip.minimum_top_up, slip.gross) == (Decimal("661.49"), Decimal("1011.49"))


def test_minimum_wage_is_configurable_per_factory(shop):
    shop.policy(minimum_monthly_wage=Decimal("1044.00"))
    worker = shop.worker()
    shop.attend(worker, MONDAY, 480)  # 1044 × 480 / 10440 = 48.00

    assert calc(shop).slips[worker.pk].minimum_top_up == Decimal("48.00")


def test_overtime_premiums_do_not_count_towards_the_minimum_wage(shop):
    worker = shop.worker()
    shop.attend(worker, MONDAY, 600)  # 480 normal minutes → 2200 × 480/10440 = 101.15
    shop.record(worker, MONDAY, shop.op_b, good=200)  # 70.00 + premium 70 × 120/600 × 0.5 = 7.00

    slip = calc(shop).slips[worker.pk]

    assert (slip.overtime_premium, slip.minimum_top_up, slip.gross) == (
        Decimal("7.00"),
        Decimal("31.15"),
        Decimal("108.15"),
    )


def test_a_half_monthly_period_caps_the_minimum_at_half_a_month(shop):
    worker = shop.worker()
    for offset in range(14):
        shop.attend(worker, date(2026, 3, 1) + timedelta(days=offset), 480)  # 6 720 min

    slip = calc(shop, date(2026, 3, 1), date(2026, 3, 15), period_kind="half_monthly").slips[
        worker.pk
    ]

    assert slip.minimum_top_up == Decimal("1100.00")


def test_recalculating_gives_the_same_numbers(shop):
    worker = shop.worker(grade=3)
    shop.attend(worker, MONDAY, 530)
    shop.record(worker, MONDAY, shop.op_a, good=333, defective=3)
    shop.record(worker, MONDAY, shop.op_b, good=77)

    first, second = calc(shop), calc(shop)

    assert first.lines == second.lines
    assert first.days == second.days
    assert first.slips == second.slips


@pytest.mark.parametrize("rows", [[(None, MONDAY, 1, 3, 10, 0)]])
def test_records_without_an_operator_are_refused(shop, monkeypatch, rows):
    # The schema already refuses such records; the calculation still guards against them.
    monkeypatch.setattr(calculation, "aggregate_records", lambda *args, **kwargs: rows)

    with pytest.raises(DomainError) as refused:
        calc(shop)

    assert refused.value.code == "records_without_operator"
