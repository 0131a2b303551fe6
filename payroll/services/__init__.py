"""Writes of payroll/. One module per area; everything importable from here.

Every function is one transaction: a refused request writes nothing. An approved (or paid)
period is locked: its results are never recalculated, and attendance and time work on its days
cannot change; a correction is a `PayAdjustment` in a later open period, with a reason and who.
"""

from payroll.services.attendance import (
    MIN_MACHINE_DOWN_MINUTES,
    attendance_clock,
    attendance_day_refresh,
    attended_minutes,
    machine_down_import,
    time_entry_record,
)
from payroll.services.disputes import dispute_answer, dispute_open, open_disputes_of
from payroll.services.periods import (
    PAY_PERIOD_TRANSITIONS,
    pay_adjustment_add,
    pay_period_approve,
    pay_period_calculate,
    pay_period_mark_paid,
    pay_period_open,
    pay_period_transition,
    pay_period_update,
    payslips_pseudonymise,
    period_end,
)
from payroll.services.policy import (
    POLICY_FIELDS,
    pay_policy_update,
    rate_adjustment_set,
    time_rate_set,
)

__all__ = [
    "MIN_MACHINE_DOWN_MINUTES",
    "PAY_PERIOD_TRANSITIONS",
    "POLICY_FIELDS",
    "attendance_clock",
    "attendance_day_refresh",
    "attended_minutes",
    "dispute_answer",
    "dispute_open",
    "machine_down_import",
    "open_disputes_of",
    "pay_adjustment_add",
    "pay_period_approve",
    "pay_period_calculate",
    "pay_period_mark_paid",
    "pay_period_open",
    "pay_period_transition",
    "pay_period_update",
    "pay_policy_update",
    "payslips_pseudonymise",
    "period_end",
    "rate_adjustment_set",
    "time_entry_record",
    "time_rate_set",
]
