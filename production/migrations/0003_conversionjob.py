"""ConversionJob moves here from orders/ with its rows: the model state is created on the
existing table orders_conversionjob, which is then renamed to production_conversionjob."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("factories", "0002_floor_calendar_skills"),
        ("orders", "0002_conversionjob_moves_to_production"),
        ("production", "0002_shop_floor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConversionJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("order_ids", models.JSONField(default=list, verbose_name="orders")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("done", models.PositiveIntegerField(default=0, verbose_name="converted")),
                        ("failed", models.PositiveIntegerField(default=0, verbose_name="failed")),
                        ("results", models.JSONField(default=list, verbose_name="results")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                        ),
                        (
                            "factory",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="factories.factory",
                                verbose_name="factory",
                            ),
                        ),
                        (
                            "started_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "conversion job",
                        "verbose_name_plural": "conversion jobs",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "orders_conversionjob",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="conversionjob", table=None),
    ]
