"""The owner's "Export all our data": a background job with progress, a download link that
expires, and only the owner of the factory may start or download it."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.roles import Role
from core.tenant_rows import tenant_tables
from factories.data_exports import (
    LinkExpired,
    data_export_file,
    data_export_start,
    data_exports_purge_task,
)
from factories.models import DataExport
from tests.factory_setup.conftest import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(owner, factory, django_capture_on_commit_callbacks, settings, tmp_path):
    """An export the owner started from the data page, run by its (eager) task."""
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(reverse("factories:data-export-new"))
    assert response.status_code == 302
    return DataExport.objects.get(factory=factory)


def test_the_owner_starts_an_export_and_its_job_runs_every_table(finished, factory, owner):
    # Given an export started from the data page and run
    # Then the job is done with every tenant table written, and the page offers the download
    assert finished.status == DataExport.Status.DONE
    assert (finished.tables_done, finished.tables_total) == (len(tenant_tables()),) * 2
    assert finished.percent == 100
    assert finished.expires_at == finished.finished_at + timedelta(hours=24)
    page = owner.get(reverse("factories:data")).content.decode()
    link = reverse("factories:data-export-download", args=[finished.link_secret])
    assert link in page
    assert "100%" in page


def test_a_queued_export_shows_its_progress_and_keeps_polling(owner, factory):
    # Given an export whose job has written 3 of 12 tables
    export = DataExport.objects.create(
        factory=factory, status=DataExport.Status.RUNNING, tables_done=3, tables_total=12
    )
    # When its progress is asked for
    response = owner.get(reverse("factories:data-export", args=[export.pk]))
    # Then it shows 25 % and asks again, and offers no download yet
    html = response.content.decode()
    assert response.status_code == 200
    assert "25%" in html and "3 of 12 tables." in html
    assert 'hx-trigger="every 2s"' in html
    assert "download" not in html


def test_the_download_is_the_factorys_archive(finished, owner, factory):
    # When the owner follows the link
    response = owner.get(reverse("factories:data-export-download", args=[finished.link_secret]))
    # Then the archive of the factory arrives
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["tenant"]["id"] == factory.pk
    assert manifest["tenant"]["code"] == "ALPHA"
    assert len(data) == finished.size


def test_the_link_expires_after_a_day(finished, owner):
    link = reverse("factories:data-export-download", args=[finished.link_secret])
    # When the link is followed a second after it expires
    with time_machine.travel(finished.expires_at + timedelta(seconds=1), tick=False):
        response = owner.get(link)
        page = owner.get(reverse("factories:data")).content.decode()
    # Then it answers 410 and says so, and the page no longer offers it
    assert response.status_code == 410
    assert "This download link expired; start a new export." in response.content.decode()
    assert link not in page


def test_a_wrong_secret_is_a_404(finished, owner):
    response = owner.get(reverse("factories:data-export-download", args=["not-the-secret"]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.FACTORY_MANAGER, Role.PAYROLL_CLERK])
def test_other_roles_of_the_factory_may_not_start_or_download(finished, factory, role):
    # Given a member of the factory who is not its owner
    member = client_as(factory, role=role)
    link = reverse("factories:data-export-download", args=[finished.link_secret])
    # When they open the page, start an export or follow the link
    # Then each is refused and no export was added
    assert member.get(reverse("factories:data")).status_code == 403
    assert member.post(reverse("factories:data-export-new")).status_code == 403
    assert member.get(link).status_code == 403
    assert DataExport.objects.count() == 1


def test_another_factorys_owner_gets_404(finished, other_factory):
    # Given the owner of another factory
    stranger = client_as(other_factory)
    link = reverse("factories:data-export-download", args=[finished.link_secret])
    # When they ask for the export's progress or follow its link
    # Then both answer 404, as for an export that does not exist
    assert stranger.get(reverse("factories:data-export", args=[finished.pk])).status_code == 404
    assert stranger.get(link).status_code == 404
    assert stranger.get(reverse("factories:data-export", args=[10**9])).status_code == 404


def test_the_service_refuses_a_non_owner(factory):
    manager = client_as(factory, role=Role.FACTORY_MANAGER).user
    with pytest.raises(DomainError) as refused:
        data_export_start(factory=factory, by=manager)
    assert refused.value.status_code == 403
    assert DataExport.objects.count() == 0


def test_the_expiry_is_checked_against_the_clock(finished):
    with data_export_file(export=finished, secret=finished.link_secret) as archive:
        assert archive.read(2) == b"PK"
    with pytest.raises(LinkExpired):
        data_export_file(
            export=finished, secret=finished.link_secret, now=timezone.now() + timedelta(days=2)
        )


def test_the_hourly_purge_deletes_archives_whose_link_expired(finished):
    # Given a finished export whose archive is stored
    storage, name = finished.archive.storage, finished.archive.name
    # When the purge runs before the link expires, and again after
    before = data_exports_purge_task.delay().get()
    with time_machine.travel(finished.expires_at, tick=False):
        after = data_exports_purge_task.delay().get()
    # Then the first deletes nothing, the second deletes the archive and clears it on the job
    finished.refresh_from_db()
    assert (before, after) == (0, 1)
    assert not storage.exists(name)
    assert (finished.archive.name, finished.size, finished.status) == ("", 0, "done")
