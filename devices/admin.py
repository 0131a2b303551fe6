"""devices' models in the support desk's admin (core.admin.SupportAdmin: read-mostly,
filtered by tenant)."""

from django.contrib import admin

from core.admin import SupportAdmin
from devices.models import (
    Alarm,
    DeadLetter,
    Device,
    FailedRollupMinute,
    IngestSession,
    MinuteRollup,
    RegisterMap,
    StationHandoff,
    TelemetryPolicy,
    TelemetryRecord,
)

admin.site.register(
    [
        Alarm,
        DeadLetter,
        Device,
        FailedRollupMinute,
        IngestSession,
        MinuteRollup,
        RegisterMap,
        StationHandoff,
        TelemetryPolicy,
        TelemetryRecord,
    ],
    SupportAdmin,
)
