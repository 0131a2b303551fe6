"""factories' models in the support desk's admin (core.admin.SupportAdmin: read-mostly,
filtered by tenant)."""

from django.contrib import admin

from core.admin import SupportAdmin
from factories.models import (
    CalendarDay,
    District,
    Factory,
    LineDayPlan,
    Partnership,
    SewingLine,
    Shift,
    Station,
    Worker,
    WorkerSkill,
)

admin.site.register(
    [
        CalendarDay,
        District,
        Factory,
        LineDayPlan,
        Partnership,
        SewingLine,
        Shift,
        Station,
        Worker,
        WorkerSkill,
    ],
    SupportAdmin,
)
