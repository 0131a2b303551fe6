"""Audit log context: who acted, for which organization, through which token.

django-auditlog records every create, update and delete of a registered model; this module
attaches the actor and the acting organization to each entry, for web requests (middleware),
API requests, Celery tasks and management commands alike. `audit_updates_record` writes the same
entries for rows a bulk update moved (state transitions of many rows at once).
"""

import contextlib
from collections.abc import Sequence

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled, set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, router
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str


@contextlib.contextmanager
def acting_as(*, user=None, organization=None, via_token: str = ""):
    """Attribute the writes made inside this block to `user` acting for `organization`."""
    with set_extra_data(
        context_data={
            "actor_id": getattr(user, "pk", None),
            "organization_id": getattr(organization, "pk", None),
            "via_token": via_token,
        }
    ):
        yield


class AuditContextMiddleware:
    """Reads the actor lazily, so that API token authentication (which happens in the view)
    is seen too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def actor_id():
            user = getattr(request, "user", None)
            return user.pk if user is not None and user.is_authenticated else None

        def organization_id():
            org = getattr(request, "organization", None)
            return org.pk if org is not None else None

        def via_token():
            return getattr(request, "api_token_prefix", "")

        with set_extra_data(
            context_data={
                "actor_id": actor_id,
                "organization_id": organization_id,
                "via_token": via_token,
                "remote_addr": request.META.get("REMOTE_ADDR"),
            }
        ):
            return self.get_response(request)


def audit_updates_record(
    *,
    changed: Sequence[tuple[models.Model, models.Model]],
    fields: Sequence[str],
    by=None,
    note: str = "",
) -> int:
    """Write django-auditlog's UPDATE entries, in one insert, for rows that a queryset update
    changed (a queryset update sends no signals, so auditlog sees nothing by itself).

    `changed` pairs each row's state before with its state after; a row whose `fields` did not
    change gets no entry, as with auditlog's own receiver. The acting user, organization and
    token come from the audit context exactly as for a save(); `by` stands in for a missing
    actor (a task or a service called directly), and `note` (a reason) goes in additional_data.
    Returns the number of entries written.
    """
    if not changed or auditlog_disabled.get():
        return 0
    model = type(changed[0][1])
    if not auditlog.contains(model):
        return 0
    LogEntry = get_logentry_model()
    content_type = ContentType.objects.get_for_model(model)
    using = router.db_for_write(LogEntry)
    cid = get_cid()
    entries = []
    for before, after in changed:
        diff = model_instance_diff(
            before,
            after,
            fields_to_check=fields,
            use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
        )
        if not diff:
            continue
        entry = LogEntry(
            content_type=content_type,
            object_pk=smart_str(after.pk),
            object_id=after.pk if isinstance(after.pk, int) else None,
            object_repr=smart_str(after),
            action=LogEntry.Action.UPDATE,
            changes=diff,
            cid=cid,
            additional_data={"note": note} if note else None,
        )
        # save() would send pre_save, through which auditlog attaches the audit context
        # (acting_as, the middleware); bulk_create sends nothing, so send it here.
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=using, update_fields=None)
        if entry.actor_id is None and by is not None:
            entry.actor_id = by.pk
        entries.append(entry)
    LogEntry.objects.using(using).bulk_create(entries)
    return len(entries)
