"""On PostgreSQL, replace the telemetry table by a table partitioned by day on `time`."""

from django.db import migrations


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from devices.partitions import CREATE_PARTITIONED, partitions_ensure

    schema_editor.execute(CREATE_PARTITIONED)
    partitions_ensure(days_back=7, days_ahead=3)


class Migration(migrations.Migration):
    dependencies = [("devices", "0001_initial")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
