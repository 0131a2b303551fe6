"""ConversionJob moved to production/ (production 0003 takes over its table and rows).

Only Django's model state changes here; the table is renamed by production's migration.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ConversionJob")],
            database_operations=[],
        ),
    ]
