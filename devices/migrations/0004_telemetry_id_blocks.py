"""On PostgreSQL, telemetry ids come in blocks of 1000: the ingest reserves a block with one
nextval() and numbers its COPY rows itself (one nextval per row cost more than the COPY)."""

from django.db import migrations


def id_blocks(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE devices_telemetryrecord ALTER COLUMN id SET INCREMENT BY 1000"
        )


class Migration(migrations.Migration):
    dependencies = [("devices", "0003_handoff_operation_record")]

    operations = [migrations.RunPython(id_blocks, migrations.RunPython.noop)]
