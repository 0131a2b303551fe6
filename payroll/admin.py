"""payroll' models in the support desk's admin (core.admin.SupportAdmin: read-mostly,
filtered by tenant)."""

from django.contrib import admin

from core.admin import SupportAdmin
from payroll.models import (
    AttendanceDay,
    AttendanceEvent,
    Dispute,
    PayAdjustment,
    PayPeriod,
    PayPolicy,
    Payslip,
    RateAdjustment,
    TimeEntry,
    TimeRate,
    WageDay,
    WageLine,
)

admin.site.register(
    [
        AttendanceDay,
        AttendanceEvent,
        Dispute,
        PayAdjustment,
        PayPeriod,
        PayPolicy,
        Payslip,
        RateAdjustment,
        TimeEntry,
        TimeRate,
        WageDay,
        WageLine,
    ],
    SupportAdmin,
)
