"""Pay periods: opening, calculating, approving (locked), paying, corrections and disputes."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.errors import Conflict, DomainError, NotAllowed
from core.models import AuditEntry
from payroll import services
from payroll.models import (
    AttendanceEvent,
    Dispute,
    PayAdjustment,
    PayPeriod,
    Payslip,
    RateAdjustment,
    TimeEntry,
    TimeRate,
    WageDay,
    WageLine,
)
from tests.audit_trail import entries_of, moves_of

MONDAY = date(2026, 3, 2)


@pytest.fixture
def march(shop, clerk):
    return services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)


def snapshot(period):
    return (
        list(Payslip.objects.filter(period=period).order_by("worker_id").values()),
        list(WageDay.objects.filter(period=period).order_by("worker_id", "day").values()),
        list(WageLine.objects.filter(period=period).order_by("pk").values()),
        PayPeriod.objects.filter(pk=period.pk).values().get(),
    )


def test_a_monthly_period_runs_to_the_end_of_the_month(march):
    assert (march.kind, march.starts_on, march.ends_on, march.status) == (
        "monthly",
        date(2026, 3, 1),
        date(2026, 3, 31),
        "open",
    )


def test_half_monthly_periods_end_on_the_15th_and_the_months_end(shop, clerk):
    first = services.pay_period_open(
        factory=shop.factory, starts_on=date(2026, 2, 1), kind="half_monthly", by=clerk
    )
    second = services.pay_period_open(
        factory=shop.factory, starts_on=date(2026, 2, 16), kind="half_monthly", by=clerk
    )

    assert (first.ends_on, second.ends_on) == (date(2026, 2, 15), date(2026, 2, 28))


def test_overlapping_periods_are_refused(shop, clerk, march):
    with pytest.raises(Conflict) as refused:
        services.pay_period_open(
            factory=shop.factory, starts_on=date(2026, 3, 16), kind="half_monthly", by=clerk
        )

    assert refused.value.code == "period_overlap"
    assert PayPeriod.objects.filter(factory=shop.factory).count() == 1


def test_a_period_ending_before_it_starts_is_refused(shop, clerk):
    with pytest.raises(DomainError):
        services.pay_period_open(
            factory=shop.factory, starts_on=date(2026, 3, 10), ends_on=date(2026, 3, 9), by=clerk
        )

    assert not PayPeriod.objects.exists()


def test_calculating_stores_lines_days_and_payslips(shop, clerk, march):
    worker = shop.worker()
    shop.record(worker, MONDAY, shop.op_a, good=120)
    shop.record(worker, MONDAY, shop.op_b, good=50)

    period = services.pay_period_calculate(period=march, by=clerk)

    assert (period.status, period.records, period.workers, period.gross_total) == (
        "calculated",
        2,
        1,
        Decimal("43.42"),
    )
    assert WageLine.objects.filter(period=period).count() == 2
    slip = Payslip.objects.get(period=period)
    assert (slip.employee_no, slip.piece_pay, slip.gross) == (
        worker.employee_no,
        Decimal("43.42"),
        Decimal("43.42"),
    )


def test_recalculating_replaces_the_results_with_the_same_numbers(shop, clerk, march):
    worker = shop.worker()
    shop.attend(worker, MONDAY, 540)
    shop.record(worker, MONDAY, shop.op_b, good=470, defective=4)
    services.pay_period_calculate(period=march, by=clerk)
    first = snapshot(march)[0]

    services.pay_period_calculate(period=march, by=clerk)

    again = snapshot(march)[0]
    strip = [{k: v for k, v in row.items() if k != "id"} for row in first]
    assert [{k: v for k, v in row.items() if k != "id"} for row in again] == strip


def test_approving_locks_the_period(shop, clerk, march):
    worker = shop.worker()
    shop.record(worker, MONDAY, good=100)
    services.pay_period_calculate(period=march, by=clerk)

    period = services.pay_period_approve(period=march, by=clerk)

    assert (period.status, period.approved_by, period.is_locked) == ("approved", clerk, True)


def test_approving_twice_is_refused(shop, clerk, march):
    services.pay_period_calculate(period=march, by=clerk)
    services.pay_period_approve(period=march, by=clerk)
    before = snapshot(march)

    with pytest.raises(NotAllowed) as refused:
        services.pay_period_approve(period=march, by=clerk)

    assert refused.value.code == "invalid_transition"
    assert snapshot(march) == before


def test_an_uncalculated_period_cannot_be_approved(clerk, march):
    with pytest.raises(NotAllowed):
        services.pay_period_approve(period=march, by=clerk)

    march.refresh_from_db()
    assert march.status == "open"


def test_each_move_of_a_period_is_audited_with_its_figures(shop, clerk, march):
    shop.record(shop.worker(), MONDAY, good=100)
    services.pay_period_calculate(period=march, by=clerk)
    services.pay_period_approve(period=march, by=clerk)
    services.pay_period_mark_paid(period=march, by=clerk)

    calculated = entries_of(march).filter(action=AuditEntry.Action.UPDATE).first()
    assert moves_of(march) == [
        ("open", "calculated"),
        ("calculated", "approved"),
        ("approved", "paid"),
    ]
    assert (calculated.actor_id, calculated.changes["good_pieces"]) == (clerk.pk, ["0", "100"])


def test_an_unapproved_period_is_not_marked_paid(shop, clerk, march):
    services.pay_period_calculate(period=march, by=clerk)
    before = snapshot(march)

    with pytest.raises(NotAllowed) as refused:
        services.pay_period_mark_paid(period=march, by=clerk)

    assert refused.value.code == "invalid_transition"
    assert snapshot(march) == before


def test_an_approved_period_cannot_be_recalculated_or_edited(shop, clerk, march):
    worker = shop.worker()
    shop.record(worker, MONDAY, good=100)
    services.pay_period_calculate(period=march, by=clerk)
    services.pay_period_approve(period=march, by=clerk)
    before = snapshot(march)

    with pytest.raises(NotAllowed):
        services.pay_period_calculate(period=march, by=clerk)
    with pytest.raises(NotAllowed):
        services.pay_period_update(
            period=march, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 30), by=clerk
        )
    with pytest.raises(NotAllowed):
        services.pay_adjustment_add(period=march, worker=worker, amount=5, reason="x", by=clerk)

    assert snapshot(march) == before


def test_attendance_in_an_approved_period_is_refused(shop, clerk, march):
    worker = shop.worker()
    services.pay_period_calculate(period=march, by=clerk)
    services.pay_period_approve(period=march, by=clerk)
    at = datetime(2026, 3, 3, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    with pytest.raises(Conflict):
        services.attendance_clock(
            factory=shop.factory, worker=worker, at=at, direction="in", by=clerk
        )
    with pytest.raises(Conflict):
        services.time_entry_record(
            factory=shop.factory,
            worker=worker,
            day=date(2026, 3, 3),
            kind="training",
            minutes=30,
            reason="x",
            by=clerk,
        )

    assert not AttendanceEvent.objects.filter(worker=worker).exists()
    assert not TimeEntry.objects.filter(worker=worker).exists()


def test_a_correction_is_an_adjustment_in_the_next_period(shop, clerk, march):
    worker = shop.worker()
    shop.record(worker, MONDAY, good=100)
    services.pay_period_calculate(period=march, by=clerk)
    services.pay_period_approve(period=march, by=clerk)
    april = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 4, 1), by=clerk)

    adjustment = services.pay_adjustment_add(
        period=april,
        worker=worker,
        amount=Decimal("10.80"),
        reason="50 pieces of bundle 7 missed in March",
        corrects_period=march,
        by=clerk,
    )
    services.pay_period_calculate(period=april, by=clerk)

    slip = Payslip.objects.get(period=april, worker=worker)
    assert (adjustment.created_by, adjustment.corrects_period) == (clerk, march)
    assert (slip.adjustments, slip.gross) == (Decimal("10.80"), Decimal("10.80"))
    assert Payslip.objects.get(period=march, worker=worker).gross == Decimal("21.60")


def test_an_adjustment_needs_a_reason(shop, clerk, march):
    worker = shop.worker()

    with pytest.raises(DomainError) as refused:
        services.pay_adjustment_add(period=march, worker=worker, amount=5, reason=" ", by=clerk)

    assert refused.value.errors == {"reason": ["A correction needs a reason."]}
    assert not PayAdjustment.objects.exists()


def test_an_adjustment_sends_a_calculated_period_back_to_open(shop, clerk, march):
    worker = shop.worker()
    shop.record(worker, MONDAY, good=100)
    services.pay_period_calculate(period=march, by=clerk)

    services.pay_adjustment_add(period=march, worker=worker, amount=5, reason="bonus", by=clerk)

    march.refresh_from_db()
    assert march.status == "open"
    assert not Payslip.objects.filter(period=march).exists()


def test_approving_with_open_disputes_needs_confirmation(shop, clerk, march):
    worker = shop.worker()
    shop.record(worker, MONDAY, good=100)
    services.dispute_open(worker=worker, day=MONDAY, subject="A", message="120, not 100", by=None)
    services.pay_period_calculate(period=march, by=clerk)

    with pytest.raises(Conflict) as refused:
        services.pay_period_approve(period=march, by=clerk)
    march.refresh_from_db()
    assert (refused.value.code, march.status) == ("open_disputes", "calculated")

    period = services.pay_period_approve(period=march, by=clerk, confirm_open_disputes=True)
    assert (period.status, period.approved_with_open_disputes) == ("approved", 1)


def test_an_answered_dispute_does_not_hold_approval(shop, clerk, march):
    worker = shop.worker()
    dispute = services.dispute_open(
        worker=worker, day=MONDAY, subject="A", message="120, not 100", by=None
    )
    services.dispute_answer(dispute=dispute, answer="Bundle 7 was 100 pieces.", by=clerk)
    services.pay_period_calculate(period=march, by=clerk)

    period = services.pay_period_approve(period=march, by=clerk)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.answered_by, period.status) == ("answered", clerk, "approved")


def test_a_dispute_is_answered_once(shop, clerk):
    worker = shop.worker()
    dispute = services.dispute_open(worker=worker, day=MONDAY, subject="A", message="?", by=None)
    services.dispute_answer(dispute=dispute, answer="ok", by=clerk)

    with pytest.raises(NotAllowed):
        services.dispute_answer(dispute=dispute, answer="again", by=clerk)

    assert Dispute.objects.get().answer == "ok"


def test_paying_needs_an_approved_period(shop, clerk, march):
    services.pay_period_calculate(period=march, by=clerk)
    with pytest.raises(NotAllowed):
        services.pay_period_mark_paid(period=march, by=clerk)

    services.pay_period_approve(period=march, by=clerk)
    period = services.pay_period_mark_paid(period=march, by=clerk)

    assert (period.status, period.paid_by) == ("paid", clerk)


def test_negative_rates_are_refused(shop, clerk):
    with pytest.raises(DomainError):
        services.time_rate_set(factory=shop.factory, kind="training", hourly_rate=-1, by=clerk)
    with pytest.raises(DomainError):
        services.rate_adjustment_set(
            factory=shop.factory, kind="grade", grade=3, multiplier=Decimal("-0.5"), by=clerk
        )
    with pytest.raises(DomainError):
        services.pay_policy_update(
            factory=shop.factory, minimum_monthly_wage=Decimal("-1"), by=clerk
        )

    assert not TimeRate.objects.exists()
    assert not RateAdjustment.objects.exists()
