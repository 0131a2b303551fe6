"""Properties over random months of records: the totals always agree, and an approved period's
figures never change, whatever happens to the records afterwards."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import NotAllowed
from payroll import outputs, services
from payroll.models import AttendanceDay, PayPeriod, Payslip, WageDay, WageLine
from production.models import OperationRecord

START = date(2026, 3, 1)
records_strategy = st.lists(
    st.tuples(
        st.integers(0, 2),  # worker
        st.integers(0, 30),  # day of March
        st.booleans(),  # operation A or B
        st.integers(0, 60),  # good pieces
        st.integers(0, 5),  # defective pieces
    ),
    max_size=12,
)
attendance_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(0, 720)), max_size=8
)
adjustments_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.decimals("0.01", "99.99", places=2)), max_size=3
)
PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def build_month(shop, clerk, records, attendance, adjustments):
    workers = [shop.worker(grade=2 + i) for i in range(3)]
    for w, offset, use_a, good, defective in records:
        if good + defective:
            operation = shop.op_a if use_a else shop.op_b
            day = START + timedelta(days=offset)
            shop.record(workers[w], day, operation, good=good, defective=defective)
    for (w, offset), minutes in {(w, o): m for w, o, m in attendance}.items():
        shop.attend(workers[w], START + timedelta(days=offset), minutes)
    period = services.pay_period_open(factory=shop.factory, starts_on=START, by=clerk)
    for w, amount in adjustments:
        services.pay_adjustment_add(
            period=period, worker=workers[w], amount=amount, reason="correction", by=clerk
        )
    return workers, services.pay_period_calculate(period=period, by=clerk)


def bank_total(period) -> Decimal:
    rows = list(
        csv.DictReader(io.StringIO(outputs.bank_transfer_csv(period, by=None).lstrip("\ufeff")))
    )
    return sum((Decimal(row["amount"]) for row in rows), Decimal("0.00"))


def frozen_figures(period):
    return (
        PayPeriod.objects.filter(pk=period.pk).values().get(),
        list(Payslip.objects.filter(period=period).order_by("pk").values()),
        list(WageDay.objects.filter(period=period).order_by("pk").values()),
        list(WageLine.objects.filter(period=period).order_by("pk").values()),
        outputs.bank_transfer_csv(period, by=None),
    )


@PROPERTY_SETTINGS
@given(records=records_strategy, attendance=attendance_strategy, adjustments=adjustments_strategy)
def test_period_total_equals_the_payslips_and_the_bank_file(
    shop, clerk, records, attendance, adjustments
):
    with transaction.atomic():
        _workers, period = build_month(shop, clerk, records, attendance, adjustments)

        slips_total = sum(
            Payslip.objects.filter(period=period).values_list("gross", flat=True),
            Decimal("0.00"),
        )
        assert period.gross_total == slips_total == bank_total(period)
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(
    records=records_strategy,
    attendance=attendance_strategy,
    later=records_strategy,
    void_all=st.booleans(),
)
def test_an_approved_periods_figures_never_change(
    shop, clerk, records, attendance, later, void_all
):
    with transaction.atomic():
        workers, period = build_month(shop, clerk, records, attendance, [])
        services.pay_period_approve(period=period, by=clerk, confirm_open_disputes=True)
        before = frozen_figures(period)

        # Whatever happens to the records and attendance afterwards…
        if void_all:
            OperationRecord.objects.filter(factory=shop.factory).update(
                voided_at="2026-04-02T00:00:00Z", void_reason="later"
            )
        OperationRecord.objects.filter(factory=shop.factory).update(good_pieces=1)
        AttendanceDay.objects.filter(factory=shop.factory).update(minutes=999)
        for w, offset, _a, good, _defective in later:
            shop.record(workers[w], START + timedelta(days=offset), good=good + 1)
        with pytest.raises(NotAllowed):
            services.pay_period_calculate(period=period, by=clerk)

        assert frozen_figures(period) == before
        transaction.set_rollback(True)
