"""Defect codes get an English name beside the factory's own: the standard codes were seeded
as one bilingual name ("跳针 Skipped stitch"), which is split into its Chinese and English
halves so each language shows one."""

import re

from django.db import migrations, models

BILINGUAL = re.compile(r"^(?P<zh>[^\x00-\x7f]+?)\s+(?P<en>[\x20-\x7e]+)$")


def names_split(apps, schema_editor):
    DefectCode = apps.get_model("production", "DefectCode")
    for code in DefectCode.objects.filter(name_en="").only("pk", "name").iterator():
        match = BILINGUAL.match(code.name.strip())
        if match:
            DefectCode.objects.filter(pk=code.pk).update(
                name=match["zh"].strip(), name_en=match["en"].strip()
            )


class Migration(migrations.Migration):
    dependencies = [("production", "0006_cutting_room")]

    operations = [
        migrations.AddField(
            model_name="defectcode",
            name="name_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="name in English"),
        ),
        migrations.RunPython(names_split, migrations.RunPython.noop),
    ]
