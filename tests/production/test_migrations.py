"""Models that moved between apps keep their rows: the migration is run on a fresh database."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Migrates to the state before ConversionJob moved (orders 0001, production 0002), writes a job
# with the historical models, migrates to the end and prints what production's model reads.
SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", "production", "0002_shop_floor", verbosity=0)
before = MigrationExecutor(connection).loader.project_state(("production", "0002_shop_floor")).apps
org = before.get_model("core", "Organization").objects.create(kind="factory", code="f", name="F")
factory = before.get_model("factories", "Factory").objects.create(organization=org)
before.get_model("orders", "ConversionJob").objects.create(
    factory=factory, order_ids=[7, 8], status="done", done=2
)
call_command("migrate", verbosity=0)
from production.models import ConversionJob
print(list(ConversionJob.objects.values_list("order_ids", "status", "done")))
print(sorted(t for t in connection.introspection.table_names() if "conversionjob" in t))
"""


def test_conversion_jobs_move_to_production_with_their_rows(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'moved.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
    }

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == [
        "[([7, 8], 'done', 2)]",
        "['production_conversionjob']",
    ]
