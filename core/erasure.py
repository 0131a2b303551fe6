"""A closed tenant's erasure: every row of the tenant in every table of
`core.tenant_rows.tenant_tables()`, its uploaded files, the logins that belonged to it alone and
what the third-party apps hold about them, then a report (core.models.TenantErasure) with each
table's rows before and after. docs/operations.md, "Closing a tenant", says what is kept.

It runs for the platform (row-level security: every tenant's rows are reachable, and the
statements name the one tenant). Each table is one bulk DELETE, children first; the ORM's
cascade collection (a query per related table per batch of rows) would take hours on a large
factory's telemetry. The time-partitioned telemetry table is deleted from through its parent,
which PostgreSQL runs in every partition.
"""

from __future__ import annotations

import logging

from auditlog.context import disable_auditlog
from auditlog.registry import auditlog
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Count, ProtectedError, RestrictedError
from django.db.models.functions import Cast

from core import rls
from core.models import AuditEntry, Membership, Organization, TenantErasure, User
from core.tenant_rows import tenant_row_counts, tenant_tables, tenant_tables_children_first

log = logging.getLogger(__name__)


def _file_names(tenant_id: int) -> list[str]:
    """The stored names of the tenant's uploaded files (every file field of its tables)."""
    names: list[str] = []
    for table in tenant_tables():
        for field in table.model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names += [
                    name
                    for name in table.rows(tenant_id).values_list(field.attname, flat=True)
                    if name
                ]
    return names


def _files_delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # a file already gone is what we want; log anything else and go on
            log.warning("erasure: could not delete the file %s", name, exc_info=True)


def _members_alone(tenant_id: int) -> list[int]:
    """Logins whose only membership (active or not) is the tenant's: nobody else needs them.
    Platform operators and superusers belong to the platform and are never among them."""
    user_ids = Membership.objects.filter(organization_id=tenant_id).values("user_id")
    return list(
        User.objects.filter(pk__in=user_ids, is_superuser=False, is_platform_operator=False)
        .annotate(memberships_count=Count("memberships"))
        .filter(memberships_count=1)
        .values_list("pk", flat=True)
    )


def _sessions_delete(user_ids: set[str]) -> int:
    """Database sessions of the erased logins (the session stores the login's id, encoded)."""
    stale = [
        session.pk
        for session in Session.objects.iterator(chunk_size=1000)
        if session.get_decoded().get("_auth_user_id") in user_ids
    ]
    Session.objects.filter(pk__in=stale).delete()
    return len(stale)


def _users_erase(user_ids: list[int]) -> tuple[int, int]:
    """Delete the logins; a login that something outside the tenant still protects (none
    today) is anonymised instead: no name, e-mail, phone or password left. (deleted,
    anonymised)."""
    users = User.objects.filter(pk__in=user_ids)
    usernames = list(users.values_list("username", flat=True))
    _sessions_delete({str(pk) for pk in user_ids})
    # Their own audit trail (the login's creation and changes: username, names, e-mail).
    AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_pk__in=[str(pk) for pk in user_ids],
    )._raw_delete(AuditEntry.objects.db)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=usernames).delete()
    try:
        with transaction.atomic():
            users.delete()
        return len(user_ids), 0
    except (ProtectedError, RestrictedError):
        for user in users:
            user.username = f"erased-{user.pk}"
            user.first_name = user.last_name = user.email = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
        return 0, len(user_ids)


def _audit_entries_about_delete(tenant_id: int) -> None:
    """Audit entries about the tenant's rows written outside its scope: a platform operator's
    change (acting for no organization), a partner's (a merchant placing an order at the
    factory). The tenant's own entries go with its rows (their `organization`)."""
    for table in tenant_tables():
        # Models auditlog does not track (telemetry, rollups) have no entries to look for.
        if table.model is AuditEntry or not auditlog.contains(table.model):
            continue
        pks = (
            table.rows(tenant_id).annotate(pk_text=Cast("pk", models.CharField())).values("pk_text")
        )
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(table.model, for_concrete_model=False),
            object_pk__in=pks,
        )._raw_delete(AuditEntry.objects.db)


def tenant_erase(*, tenant_id: int) -> TenantErasure:
    """Delete every row of the tenant, its files and its own logins; write and return the
    report. All or nothing: the files go once the rows' deletion has committed."""
    with rls.platform(), disable_auditlog(), transaction.atomic():
        tenant = Organization.objects.select_for_update(no_key=True).get(pk=tenant_id)
        before = tenant_row_counts(tenant_id)
        files = _file_names(tenant_id)
        users = _members_alone(tenant_id)
        _audit_entries_about_delete(tenant_id)
        for table in tenant_tables_children_first():
            rows = table.rows(tenant_id)
            rows._raw_delete(rows.db)
        deleted, anonymised = _users_erase(users)
        report = TenantErasure.objects.create(
            tenant_id=tenant_id,
            tenant_code=tenant.code,
            rows_before=before,
            rows_after=tenant_row_counts(tenant_id),
            users_deleted=deleted,
            users_anonymised=anonymised,
            files_deleted=len(files),
        )
        transaction.on_commit(lambda: _files_delete(files))
    return report
