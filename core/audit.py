"""Audit log context: who acted, for which organization, through which token.

django-auditlog records every create, update and delete of a registered model; this module
attaches the actor and the acting organization to each entry, for web requests (middleware),
API requests, Celery tasks and management commands alike. `audit_updates_record` writes the same
entries for rows a bulk update moved (state transitions of many rows at once).
"""

import contextlib
import json
from collections.abc import Sequence

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled, disable_auditlog, set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField, KeyedHashField


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


ERASED = "(erased)"


def audit_personal_data_erase(
    *,
    instance: models.Model,
    fields: Sequence[str],
    replacement: str,
    save,
    by=None,
    organization=None,
    reason: str = "retention period ended",
) -> None:
    """Erase personal data of `instance` with `save()` and audit it without keeping what was
    erased: the save runs with auditlog's own diff off (it would copy the old values into the
    log), one UPDATE entry records which fields were erased and why, and the instance's earlier
    entries have those fields' values and their description replaced (`replacement`, e.g. the
    pseudonym). The amounts and every other field's history stay."""
    with disable_auditlog():
        save()
    LogEntry = get_logentry_model()
    content_type = ContentType.objects.get_for_model(type(instance))
    earlier = LogEntry.objects.filter(content_type=content_type, object_pk=smart_str(instance.pk))
    for entry in earlier.iterator():
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for name in set(fields) & set(changes):
            changes[name] = [ERASED, ERASED]
        # An update, not save(): save() would run the audit context's receivers on the entry.
        earlier.filter(pk=entry.pk).update(
            changes=changes or entry.changes, object_repr=replacement, serialized_data=None
        )
    entry = LogEntry(
        content_type=content_type,
        object_pk=smart_str(instance.pk),
        object_id=instance.pk if isinstance(instance.pk, int) else None,
        object_repr=replacement,
        action=LogEntry.Action.UPDATE,
        changes={name: [ERASED, ERASED] for name in fields},
        cid=get_cid(),
        additional_data={"reason": reason, "erased": list(fields)},
    )
    audit_entry_save(entry, by=by, organization=organization)


def audit_entry_save(entry, *, by=None, organization=None) -> None:
    """Save an entry written by hand with the audit context's actor and acting organization
    (save() sends pre_save too; sent first so the context is on the entry before the
    stand-ins), `by` / `organization` standing in where the context has none (a task or a
    service called directly)."""
    using = router.db_for_write(type(entry))
    pre_save.send(sender=type(entry), instance=entry, raw=False, using=using, update_fields=None)
    if entry.actor_id is None and by is not None:
        entry.actor_id = by.pk
    if getattr(entry, "organization_id", None) is None and organization is not None:
        entry.organization_id = organization.pk
    entry.save(using=using)


# --- the audit log page: an entry in the reader's words -------------------------------------
ACTION_LABELS = {
    0: _("Created"),
    1: _("Changed"),
    2: _("Deleted"),
    3: _("Viewed"),
}
# How long a value may run on the page (a JSON grid or a note).
SHOWN_LENGTH = 120


def _shown_value(field, value) -> str:
    """A recorded value (auditlog stores text) as a reader says it: a choice by its label, a
    yes/no by word, nothing as a dash."""
    if value is None or value in ("None", ""):
        return "—"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    value = str(value)
    if field is not None:
        choices = dict(getattr(field, "flatchoices", None) or ())
        if choices:
            for key, label in choices.items():
                if str(key) == value:
                    return str(label)
        if isinstance(field, models.BooleanField):
            return str(_("yes") if value in ("True", "true", "1") else _("no"))
    return value if len(value) <= SHOWN_LENGTH else value[: SHOWN_LENGTH - 1] + "…"


def entry_changes(entry) -> list[dict]:
    """An audit entry's changes as the page shows them: each field by its verbose name in the
    reader's language, the old and new values with choices by their labels — never the
    model's raw field names or stored JSON. A field the model no longer has keeps its name."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, values in (entry.changes or {}).items():
        field = None
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                field = model._meta.get_field(name)
        label = capfirst(str(getattr(field, "verbose_name", None) or name))
        if isinstance(values, dict):  # a many-to-many change: {"operation", "objects"}
            objects = ", ".join(str(o) for o in values.get("objects", []))
            old, new = ("—", objects) if values.get("operation") == "add" else (objects, "—")
        else:
            old, new = (list(values) + [None, None])[:2]
            old, new = _shown_value(field, old), _shown_value(field, new)
        rows.append({"field": label, "old": old, "new": new})
    return rows


def entry_subject(entry) -> str:
    """What the entry is about: the model's verbose name in the reader's language."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    return (
        capfirst(str(model._meta.verbose_name)) if model is not None else entry.content_type.model
    )


def action_label(entry) -> str:
    return str(ACTION_LABELS.get(entry.action, entry.get_action_display()))


def audit_mask_encrypted_fields() -> None:
    """Keep the plain text of encrypted fields (core.crypto) out of the audit log's diffs, which
    would otherwise copy it in clear into core.AuditEntry: a change is recorded masked
    ("****5678", core.privacy.audit_mask), and the keyed search hash not at all. Run once
    auditlog has registered the models."""
    for model in apps.get_models():
        if not auditlog.contains(model):
            continue
        fields = model._meta.concrete_fields
        masked = [f.name for f in fields if isinstance(f, EncryptedTextField)]
        hashes = [f.name for f in fields if isinstance(f, KeyedHashField)]
        if not masked and not hashes:
            continue
        options = auditlog._registry[model]  # no public way to amend a registration
        options["mask_fields"] = sorted({*options["mask_fields"], *masked})
        options["mask_callable"] = "core.privacy.audit_mask"
        options["exclude_fields"] = sorted({*options["exclude_fields"], *hashes})
