"""Removing a benchmark's own organizations: every row they own, fast.

A benchmark builds its world under organizations with a code of its own and removes them with
`organizations_drop` when it ends (or, after a crash, on its next run). Rows are deleted with one
raw DELETE per table (no model instance per row); foreign keys are checked at commit (deferred
on PostgreSQL), or skipped when the connection may (a superuser: the rows are consistent).
"""

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from core.models import Organization
from core.rls import ORG_COLUMNS
from factories.models import Factory


def skip_foreign_key_triggers() -> None:
    """Inside a transaction: skip the row-by-row foreign key checks of a bulk write. Needs a
    superuser; without one the checks run (deferred to commit)."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 - not a superuser: the checks run
        pass


def organizations_drop(organizations) -> int:
    """Delete the organizations and every factory-owned or organization-keyed row of them."""
    ids = [organization.pk for organization in organizations]
    if not ids:
        return 0
    with transaction.atomic():
        skip_foreign_key_triggers()
        for model in apps.get_models():
            if model._meta.app_label not in settings.PROJECT_APPS:
                continue
            names = {field.name for field in model._meta.concrete_fields}
            for column in ("factory", *ORG_COLUMNS):
                if column in names:
                    rows = model.objects.filter(**{f"{column}_id__in": ids})
                    rows._raw_delete(connection.alias)
        Factory.objects.filter(pk__in=ids)._raw_delete(connection.alias)
        Organization.objects.filter(pk__in=ids).delete()
    return len(ids)
