"""Models of payroll/: pay policy and rates, attendance, non-piece time, pay periods and
their results. One module per aggregate.

Everything here is factory-internal (`FactoryOwned`): district officials, merchants and suppliers
never reach a row, and a worker reaches only their own rows through the self-service views.
Results of a calculation (wage lines, wage days, payslips) are written in bulk and never edited:
recalculating an open period replaces them, an approved period keeps them for good.
"""

from payroll.models.attendance import AttendanceDay, AttendanceEvent, EntrySource, TimeEntry
from payroll.models.common import MONEY, money_field
from payroll.models.periods import (
    Dispute,
    PayAdjustment,
    PayPeriod,
    Payslip,
    WageDay,
    WageLine,
    derived_fk,
)
from payroll.models.policy import PayPolicy, PeriodKind, RateAdjustment, TimeKind, TimeRate

__all__ = [
    "AttendanceDay",
    "AttendanceEvent",
    "Dispute",
    "EntrySource",
    "MONEY",
    "PayAdjustment",
    "PayPeriod",
    "PayPolicy",
    "Payslip",
    "PeriodKind",
    "RateAdjustment",
    "TimeEntry",
    "TimeKind",
    "TimeRate",
    "WageDay",
    "WageLine",
    "derived_fk",
    "money_field",
]
