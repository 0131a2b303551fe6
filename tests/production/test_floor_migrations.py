"""The one badge format and the bilingual defect names reach rows written before them: the
migrations run on a fresh database (factories 0005, production 0007)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

targets = [("factories", "0004_factory_cost_settings"), ("production", "0006_cutting_room")]
for app, name in targets:
    call_command("migrate", app, name, verbosity=0)
before = MigrationExecutor(connection).loader.project_state(targets).apps
org = before.get_model("core", "Organization").objects.create(kind="factory", code="f", name="F")
factory = before.get_model("factories", "Factory").objects.create(organization=org)
Worker = before.get_model("factories", "Worker")
for no, badge in (("E1", "B0041"), ("E2", "B000042"), ("E3", "B0042"), ("E4", "ab-7")):
    Worker.objects.create(factory=factory, employee_no=no, badge_id=badge, name=no)
DefectCode = before.get_model("production", "DefectCode")
DefectCode.objects.create(factory=factory, code="D01", name="跳针 Skipped stitch")
DefectCode.objects.create(factory=factory, code="X1", name="Own words")
call_command("migrate", verbosity=0)
from factories.models import Worker
from production.models import DefectCode
print(list(Worker.objects.order_by("employee_no").values_list("badge_id", flat=True)))
print(list(DefectCode.objects.order_by("code").values_list("code", "name", "name_en")))
"""


def test_old_badges_take_the_one_format_and_old_defect_names_split_by_language(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'floor.sqlite3'}",
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
        # B0042's canonical form is E2's: it stays as it was (found by any form, never guessed).
        "['B000041', 'B000042', 'B0042', 'AB-000007']",
        "[('D01', '跳针', 'Skipped stitch'), ('X1', 'Own words', '')]",
    ]
