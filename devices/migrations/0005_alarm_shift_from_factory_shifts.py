"""The alarms' shift window comes from the factory's shifts and calendar (factories.calendar), so
TelemetryPolicy.shift_start and shift_end go.

A factory that had changed its telemetry policy's shift (from the old default 08:00–18:00) and
has no `Shift` of its own gets one, "DAY", with those hours: its alarms keep their window. Its
break is set so the shift keeps the calendar's default 480 paid minutes where the hours allow,
so the factory's capacity does not change either. Every other factory's alarms follow its
shifts, or without any the calendar's default 08:00–17:00.
"""

import datetime

from django.db import migrations

OLD_DEFAULT = (datetime.time(8, 0), datetime.time(18, 0))
PAID_MINUTES = 480


def _span_minutes(starts: datetime.time, ends: datetime.time) -> int:
    start, end = starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute
    return end - start if end > start else end + 24 * 60 - start


def policy_shift_to_factory_shift(apps, schema_editor):
    TelemetryPolicy = apps.get_model("devices", "TelemetryPolicy")
    Shift = apps.get_model("factories", "Shift")
    for policy in TelemetryPolicy.objects.order_by("pk"):
        hours = (policy.shift_start, policy.shift_end)
        if hours == OLD_DEFAULT or Shift.objects.filter(factory_id=policy.factory_id).exists():
            continue
        Shift.objects.create(
            factory_id=policy.factory_id,
            code="DAY",
            name="Day shift",
            starts_at=policy.shift_start,
            ends_at=policy.shift_end,
            break_minutes=max(0, _span_minutes(*hours) - PAID_MINUTES),
            is_default=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0004_telemetry_id_blocks"),
        ("factories", "0003_factory_calendar"),
    ]

    operations = [
        migrations.RunPython(policy_shift_to_factory_shift, migrations.RunPython.noop),
        migrations.RemoveField(model_name="telemetrypolicy", name="shift_end"),
        migrations.RemoveField(model_name="telemetrypolicy", name="shift_start"),
    ]
