"""Reading the audit trail of one object in tests: the state moves its entries record."""

from django.contrib.contenttypes.models import ContentType

from core.models import AuditEntry


def entries_of(instance):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk)
    ).order_by("pk")


def moves_of(instance, field: str = "status") -> list[tuple[str, str]]:
    """(from, to) of every audited change of `field`, oldest first."""
    return [
        tuple(entry.changes[field])
        for entry in entries_of(instance).filter(action=AuditEntry.Action.UPDATE)
        if field in (entry.changes or {})
    ]
