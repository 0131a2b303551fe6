"""What of a sensitive value may be shown, and the access log of each read of a full one.

A payslip is handed out, printed and photographed, and the wage sheet circulates in the office:
a bank account is shown by its last four characters everywhere (`mask_account`). A read of a
full value (the bank-transfer file, a worker's own data copy) is recorded in the audit log as
one "Viewed" entry saying who read what and why (`sensitive_read_record`). docs/privacy.md.
"""

from collections.abc import Sequence

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.audit import audit_entry_save

SHOWN = 4


def mask_account(number: str | None) -> str:
    """ "6217 0000 1234 5678" → "****5678"; a number of four characters or fewer is hidden
    whole ("****"); no number → ""."""
    digits = "".join((number or "").split())
    if not digits:
        return ""
    return "****" + (digits[-SHOWN:] if len(digits) > SHOWN else "")


def audit_mask(value: str) -> str:
    """An encrypted field's value as the audit log records a change of it (auditlog hands the
    value as text, "None" for none)."""
    return value if value in ("", "None") else mask_account(value)


def sensitive_read_record(
    *,
    objects: Sequence[models.Model],
    fields: Sequence[str],
    reason: str,
    subject: str,
    by=None,
    organization=None,
):
    """One audit entry (action "Viewed") for one read of the full `fields` of `objects`.

    A file of many people's values (the bank file) is one read and one entry: its
    additional_data lists the rows read. The actor and acting organization come from the
    audit context (request, task, command), `by` / `organization` standing in where there is
    none. `subject` is what the entry is shown as ("Bank file 2026-11"). No objects, no
    entry."""
    if not objects:
        return None  # nothing was read
    LogEntry = get_logentry_model()
    first = objects[0]
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(type(first)),
        object_pk=str(first.pk) if len(objects) == 1 else "",
        object_id=first.pk if len(objects) == 1 and isinstance(first.pk, int) else None,
        object_repr=subject,
        action=LogEntry.Action.ACCESS,
        changes=None,
        cid=get_cid(),
        additional_data={
            "reason": reason,
            "fields": list(fields),
            "objects": [obj.pk for obj in objects],
        },
    )
    audit_entry_save(entry, by=by, organization=organization)
    return entry
