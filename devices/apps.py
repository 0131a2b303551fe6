from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.home import home_cards_register
from core.navigation import navigation_register


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = _("Devices and telemetry")

    def ready(self):
        from devices.navigation import HOME_CARDS, ITEMS

        navigation_register(ITEMS)
        home_cards_register(HOME_CARDS)

        schedule = {
            "devices-poll-modbus": {"task": "devices.tasks.poll_modbus", "schedule": 1.0},
            "devices-rollups": {"task": "devices.tasks.rollups_refresh", "schedule": 60.0},
            "devices-alarms": {"task": "devices.tasks.alarms_check", "schedule": 60.0},
            "devices-handoffs-retry": {
                "task": "devices.tasks.station_handoffs_retry",
                "schedule": 60.0,
            },
            "devices-partitions": {
                "task": "devices.tasks.telemetry_partitions_maintain",
                "schedule": 3600.0,
            },
        }
        for name, entry in schedule.items():
            settings.CELERY_BEAT_SCHEDULE.setdefault(name, entry)

        # High-volume rows written by the ingest and rebuilt by tasks: auditing them would
        # double every write and turn retention deletes into row-by-row work.
        # Imported here, not at module level: models load after the AppConfigs.
        from auditlog.registry import auditlog

        from devices.models import DeadLetter, MinuteRollup, StationHandoff, TelemetryRecord

        for model in (TelemetryRecord, DeadLetter, MinuteRollup, StationHandoff):
            if auditlog.contains(model):
                auditlog.unregister(model)

        # A restored tenant's telemetry needs the daily partitions of its rows' days.
        from core.tenant_restore import restore_prepare_register
        from devices.partitions import partition_ensure

        def telemetry_partitions(model, rows):
            for day in sorted({row.time.date() for row in rows}):
                partition_ensure(day)

        restore_prepare_register(TelemetryRecord._meta.label_lower, telemetry_partitions)
