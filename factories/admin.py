from django.contrib import admin

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
        District,
        Factory,
        Partnership,
        SewingLine,
        Station,
        Worker,
        Shift,
        WorkerSkill,
        CalendarDay,
        LineDayPlan,
    ]
)
