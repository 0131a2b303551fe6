"""Exporting all of a factory's data: the owner starts a job, a Celery task writes the archive
(core.tenant_archive) table by table, and the finished archive is downloaded through a link
that expires. `manage.py tenant_export` writes the same archive through `data_export_write`.

The task lives here, next to the service that queues it (as production's conversion jobs do);
factories.tasks re-exports it.
"""

import hmac
import logging
import secrets
import tempfile
from datetime import timedelta
from typing import BinaryIO

from celery import shared_task
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rls
from core.audit import acting_as
from core.errors import DomainError
from core.models import User
from core.realtime import notify
from core.rls import FactoryOf
from core.roles import OWNERS
from core.tenant_archive import archive_write
from core.tenant_rows import tenant_tables
from core.transitions import TransitionTable, transition_apply
from factories.models import DataExport, Factory

logger = logging.getLogger(__name__)

# How long a finished archive's download link works.
LINK_LIFETIME = timedelta(hours=24)

S = DataExport.Status
DATA_EXPORT_TRANSITIONS = TransitionTable(
    DataExport,
    {
        S.QUEUED: {S.RUNNING, S.FAILED},
        S.RUNNING: {S.DONE, S.FAILED},
        S.DONE: set(),
        S.FAILED: set(),
    },
)


def _owner_check(factory: Factory, by: User | None) -> None:
    if (
        by is not None
        and not by.memberships.filter(organization_id=factory.pk, role__in=OWNERS).exists()
    ):
        raise DomainError(
            _("Only the factory's owner may export its data."), code="forbidden", status_code=403
        )


@transaction.atomic
def data_export_start(*, factory: Factory, by: User) -> DataExport:
    """Queue an export of all the factory's data (run by a Celery task after commit)."""
    _owner_check(factory, by)
    export = DataExport.objects.create(
        factory=factory, started_by=by, tables_total=len(tenant_tables())
    )
    transaction.on_commit(lambda: data_export_run.delay(export_id=export.pk))
    return export


def data_export_write(*, factory: Factory, out: BinaryIO, on_progress=None) -> dict:
    """Write the factory's archive into `out`, in the factory's scope; returns its manifest."""
    organization = factory.organization
    about = {"code": organization.code, "name": organization.name, "kind": organization.kind}
    with rls.scope(rls.for_factory(factory.pk)):
        return archive_write(
            out,
            tenant_id=factory.pk,
            about=about,
            on_progress=on_progress or (lambda done, total: None),
        )


def _move(export_id: int, to: str, values: dict | None = None) -> DataExport:
    with transaction.atomic():
        export = DataExport.objects.select_for_update(no_key=True).get(pk=export_id)
        return transition_apply(
            table=DATA_EXPORT_TRANSITIONS, instance=export, to=to, values=values
        )


def data_export_execute(*, export_id: int) -> str:
    """Run a queued export: the archive into a temporary file, then into storage."""
    export = DataExport.objects.select_related("factory__organization", "started_by").get(
        pk=export_id
    )
    if export.status != S.QUEUED:
        return export.status  # already run (a task delivered twice)
    with acting_as(user=export.started_by, organization=export.factory.organization):
        _move(export.pk, S.RUNNING)

        def progress(done: int, total: int) -> None:
            DataExport.objects.filter(pk=export.pk).update(tables_done=done, tables_total=total)
            notify(export.factory_id, "data_export.progress", {"export": export.pk})

        try:
            with tempfile.TemporaryFile() as spool:
                data_export_write(factory=export.factory, out=spool, on_progress=progress)
                size = spool.tell()
                spool.seek(0)
                name = export.archive.storage.save(
                    f"exports/{export.factory_id}/{export.factory.organization.code}"
                    f"-{export.pk}.zip",
                    File(spool),
                )
        except Exception as error:  # noqa: BLE001 - any failure is shown on the job
            logger.exception("data export %s failed", export.pk)
            _move(export.pk, S.FAILED, {"error": str(error)[:1000]})
            return S.FAILED
        finished = timezone.now()
        _move(
            export.pk,
            S.DONE,
            {
                "archive": name,
                "size": size,
                "finished_at": finished,
                "expires_at": finished + LINK_LIFETIME,
                "link_secret": secrets.token_urlsafe(32),
            },
        )
    notify(export.factory_id, "data_export.progress", {"export": export.pk})
    return S.DONE


@shared_task(
    name="factories.tasks.data_export_run",
    rls=FactoryOf(DataExport, "export_id"),
    acks_late=True,
    ignore_result=True,
)
def data_export_run(export_id: int) -> str:
    """Write a queued data export's archive (progress saved after each table)."""
    return data_export_execute(export_id=export_id)


def data_exports_purge(*, now=None) -> int:
    """Delete the stored archives of exports whose link has expired: the owner keeps the copy
    they downloaded, and the platform no spare copy of the factory's personal data. Returns
    how many archives were deleted."""
    expired = DataExport.objects.filter(expires_at__lte=now or timezone.now()).exclude(archive="")
    purged = 0
    for export in expired:
        export.archive.storage.delete(export.archive.name)
        DataExport.objects.filter(pk=export.pk).update(archive="", size=0)
        purged += 1
    return purged


@shared_task(
    name="factories.tasks.data_exports_purge", rls="platform", acks_late=True, ignore_result=True
)
def data_exports_purge_task() -> int:
    """Hourly (beat): delete the archives of expired export links, every factory's."""
    return data_exports_purge()


class LinkExpired(DomainError):
    """The download link of a finished export is past its time."""

    status_code = 410


def data_export_file(*, export: DataExport, secret: str, now=None):
    """The archive of a finished export, opened, if `secret` is its link's and it has not
    expired. A wrong secret or an unfinished export is None (the door answers 404, as for a
    missing one); an expired link raises LinkExpired."""
    if export.status != S.DONE or not export.link_secret:
        return None
    if not hmac.compare_digest(export.link_secret, secret):
        return None
    if (now or timezone.now()) >= export.expires_at:
        raise LinkExpired(_("This download link expired; start a new export."), code="link_expired")
    return export.archive.open("rb")
