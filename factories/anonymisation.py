"""Anonymising the people who left, once the factory's retention period has run (PIPL: personal
data is deleted when its purpose ends; wage records are kept, without the person).

A worker whose leaving date (`Worker.left_on`) is more than `Factory.personal_data_retention_days`
before the factory's today gets a stable pseudonym for a name ("工人-3F9A2C": a keyed hash of
the worker, so the same worker always gets the same one and nobody can work back from it), and
loses their bank account, photo and login link. Their pay records keep every amount: payroll
renames its payslips to the pseudonym on `core.signals.worker_anonymised`. The audit log keeps
one entry of the anonymisation, and the name it held in earlier entries is replaced too.
docs/privacy.md. Run daily by beat (factories.tasks) and by `manage.py anonymise_leavers`.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from core.audit import audit_personal_data_erase
from core.crypto import keyed_hash
from core.signals import worker_anonymised
from factories.clock import factory_today
from factories.models import Factory, Worker

PSEUDONYM_PREFIX = "工人-"


def worker_pseudonym(worker: Worker) -> str:
    """The worker's stable pseudonym: the first six hex digits of a keyed hash of who they are
    in the platform (their row), never of their name."""
    return PSEUDONYM_PREFIX + keyed_hash(f"worker:{worker.factory_id}:{worker.pk}")[:6].upper()


def retention_cutoff(factory: Factory, today: date | None = None) -> date:
    """The last leaving date whose personal data has been kept long enough (factory's today)."""
    today = today or factory_today(factory)
    return today - timedelta(days=factory.personal_data_retention_days)


def leavers_due(factory: Factory, today: date | None = None):
    """The factory's workers who left on or before the cut-off and are not anonymised yet."""
    return Worker.objects.filter(
        factory=factory,
        left_on__isnull=False,
        left_on__lt=retention_cutoff(factory, today),
        anonymised_at__isnull=True,
    ).order_by("pk")


@transaction.atomic
def worker_anonymise(*, worker: Worker, by=None) -> Worker:
    """Replace the worker's name by their pseudonym and erase their bank account, photo and
    login link; idempotent (an anonymised worker is left as it is)."""
    worker = Worker.objects.select_for_update(no_key=True).get(pk=worker.pk)
    if worker.anonymised_at is not None:
        return worker
    pseudonym = worker_pseudonym(worker)
    if worker.photo:
        worker.photo.delete(save=False)
    worker.name = pseudonym
    worker.bank_account = ""
    worker.photo = ""
    worker.user = None
    worker.is_active = False
    worker.anonymised_at = timezone.now()
    # Audited by one entry that names no erased value, not by the diff auditlog would write
    # (it would copy the erased name into the log); earlier entries lose the name too.
    audit_personal_data_erase(
        instance=worker,
        fields=("name", "bank_account", "photo", "user"),
        replacement=str(worker),
        by=by,
        organization=worker.factory.organization,
        save=lambda: worker.save(),
    )
    worker_anonymised.send(sender=Worker, worker=worker, pseudonym=pseudonym)
    return worker


def leavers_anonymise(*, factory: Factory, by=None, today: date | None = None) -> int:
    """Anonymise every leaver of the factory past the retention period; how many were."""
    count = 0
    for worker in leavers_due(factory, today):
        worker_anonymise(worker=worker, by=by)
        count += 1
    return count
