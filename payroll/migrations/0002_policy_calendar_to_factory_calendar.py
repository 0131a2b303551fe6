"""Payroll's own calendar goes: PayPolicy.rest_weekdays and PayPolicy.holidays move into the
factory calendar (factories.calendar), which payroll now reads for every day's kind.

- Each listed holiday becomes a `CalendarDay` of kind holiday, unless the factory already has
  its own row for that date (its row is the more specific word and is kept).
- Rest weekdays that were set (a non-empty list) and differ from the factory's week make the
  factory's working week their complement. An empty list was the unset default, not "every day
  is a working day": the factory's week (Monday–Saturday by default) stands.
"""

from django.db import migrations

HOLIDAY = "holiday"
NOTE = "from the pay policy"
EVERY_DAY = range(7)


def move_into_factory_calendar(apps, schema_editor):
    PayPolicy = apps.get_model("payroll", "PayPolicy")
    Factory = apps.get_model("factories", "Factory")
    CalendarDay = apps.get_model("factories", "CalendarDay")
    for policy in PayPolicy.objects.order_by("pk"):
        factory = Factory.objects.get(pk=policy.factory_id)
        rest = {int(d) for d in policy.rest_weekdays or []}
        if rest:
            working = [d for d in EVERY_DAY if d not in rest]
            if sorted(factory.working_weekdays or []) != working:
                factory.working_weekdays = working
                factory.save(update_fields=["working_weekdays"])
        for iso in sorted(set(policy.holidays or [])):
            CalendarDay.objects.get_or_create(
                factory_id=factory.pk, date=iso, defaults={"kind": HOLIDAY, "note": NOTE}
            )


def move_back_into_pay_policy(apps, schema_editor):
    PayPolicy = apps.get_model("payroll", "PayPolicy")
    Factory = apps.get_model("factories", "Factory")
    CalendarDay = apps.get_model("factories", "CalendarDay")
    for policy in PayPolicy.objects.order_by("pk"):
        factory = Factory.objects.get(pk=policy.factory_id)
        working = set(factory.working_weekdays or [])
        policy.rest_weekdays = [d for d in EVERY_DAY if d not in working]
        policy.holidays = [
            day.isoformat()
            for day in CalendarDay.objects.filter(factory_id=factory.pk, kind=HOLIDAY)
            .order_by("date")
            .values_list("date", flat=True)
        ]
        policy.save(update_fields=["rest_weekdays", "holidays"])


class Migration(migrations.Migration):
    dependencies = [
        ("factories", "0003_factory_calendar"),
        ("payroll", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_into_factory_calendar, move_back_into_pay_policy),
        migrations.RemoveField(model_name="paypolicy", name="rest_weekdays"),
        migrations.RemoveField(model_name="paypolicy", name="holidays"),
    ]
