"""Badges in the one format (factories.badges.badge_normalise): "B0041" becomes "B000041".
A badge whose canonical form another worker of the factory already holds is left as it is
(the lookup still finds it by any form, and never guesses between two)."""

from django.db import migrations

from factories.badges import badge_normalise


def badges_normalise(apps, schema_editor):
    Worker = apps.get_model("factories", "Worker")
    taken = set(Worker.objects.values_list("factory_id", "badge_id"))
    for worker in Worker.objects.only("pk", "factory_id", "badge_id").iterator():
        badge = badge_normalise(worker.badge_id)
        if badge and badge != worker.badge_id and (worker.factory_id, badge) not in taken:
            taken.discard((worker.factory_id, worker.badge_id))
            taken.add((worker.factory_id, badge))
            Worker.objects.filter(pk=worker.pk).update(badge_id=badge)


class Migration(migrations.Migration):
    dependencies = [("factories", "0004_factory_cost_settings")]

    operations = [migrations.RunPython(badges_normalise, migrations.RunPython.noop)]
