"""factories' models in the support desk's admin (core.admin.SupportAdmin: read-mostly,
filtered by tenant)."""

from django.contrib import admin

from core.admin import SupportAdmin
from factories.models import (
    CalendarDay,
    DataExport,
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


@admin.register(DataExport)
class DataExportAdmin(SupportAdmin):
    # The download link's secret is a live credential: support never reads it off the admin.
    exclude = ["link_secret"]
