"""Reads of a worker's bank account: the one door to the full number, and its masked form.

The account is stored encrypted (core.crypto). Every other app reads it here: masked for a
page, a PDF or the API (no audit entry: nothing sensitive is shown), in full only for a stated
reason, which writes one audit entry per read however many workers it covers (core.privacy).
Search by account goes through its keyed hash, never the number. docs/privacy.md.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from core.crypto import keyed_hash
from core.privacy import mask_account, sensitive_read_record
from factories.models import Factory, Worker

ACCOUNT_FIELDS = ("bank_account",)


def account_is(number: str) -> Q:
    """The condition "the worker's account is `number`" (spaces ignored), by keyed hash; no
    number matches no worker."""
    digest = keyed_hash(number)
    return Q(bank_account_hash=digest) if digest else Q(pk__in=[])


def workers_with_account(queryset: QuerySet, number: str) -> QuerySet:
    """The workers of `queryset` whose account is `number`."""
    return queryset.filter(account_is(number))


def worker_accounts_masked(worker_ids: Iterable[int]) -> dict[int, str]:
    """Each worker's account as it may be shown ("****5678", "" for none); not audited."""
    return {
        pk: mask_account(account)
        for pk, account in Worker.objects.filter(pk__in=list(worker_ids)).values_list(
            "pk", "bank_account"
        )
    }


def worker_accounts_full(
    *, factory: Factory, worker_ids: Iterable[int], reason: str, subject: str, by=None
) -> dict[int, str]:
    """Each worker's full account, for `reason` (e.g. "bank transfer file"): one audit entry
    ("Viewed", who, why and which workers) for the whole read. Workers of other factories are
    not read."""
    workers = list(
        Worker.objects.filter(factory=factory, pk__in=list(worker_ids)).only("pk", "bank_account")
    )
    sensitive_read_record(
        objects=workers,
        fields=ACCOUNT_FIELDS,
        reason=reason,
        subject=subject,
        by=by,
        organization=factory.organization,
    )
    return {worker.pk: worker.bank_account for worker in workers}


def worker_profile(worker: Worker, *, full_account: bool = False, by=None) -> dict:
    """What the platform holds about a worker in factories/, for the worker themself ("my
    data"): the account masked, or in full as one audited read by `by` (their own copy)."""
    if full_account:
        account = worker_accounts_full(
            factory=worker.factory,
            worker_ids=[worker.pk],
            reason="worker's own data copy",
            subject=f"Own data copy {worker.employee_no}",
            by=by,
        ).get(worker.pk, "")
    else:
        account = mask_account(worker.bank_account)
    return {
        "factory": worker.factory.organization.name,
        "employee_no": worker.employee_no,
        "badge_id": worker.badge_id,
        "name": worker.name,
        "line": worker.line.name if worker.line_id else "",
        "department": worker.department,
        "grade": worker.grade,
        "skills": sorted(
            {skill.machine_type or skill.operation for skill in worker.skills.all()} - {""}
        ),
        "hired_on": worker.hired_on,
        "left_on": worker.left_on,
        "bank_account": account,
        "has_photo": bool(worker.photo),
        "login": worker.user.username if worker.user_id else "",
        "login_phone": worker.user.phone if worker.user_id else "",
    }
