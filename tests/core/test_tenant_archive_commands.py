"""`manage.py tenant_export` and `tenant_import` on a small factory: the photo travels with the
archive, a tenant already on the platform is refused, and the import restores it with its ids."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from core.models import Organization
from factories.models import Factory, Worker
from tests.factories import FactoryFactory, WorkerFactory

pytestmark = pytest.mark.django_db

PHOTO = b"\x89PNG\r\n\x1a\nalpha"


@pytest.fixture
def exported(settings, tmp_path):
    """A factory with a worker whose photo is stored, exported by the command."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "workers").mkdir(parents=True)
    (tmp_path / "media" / "workers" / "w1.png").write_bytes(PHOTO)
    factory = FactoryFactory(organization__code="ALPHA")
    worker = WorkerFactory(factory=factory, line__factory=factory, photo="workers/w1.png")
    path = tmp_path / "alpha.zip"
    out = io.StringIO()
    call_command("tenant_export", "ALPHA", str(path), stdout=out, stderr=io.StringIO())
    return factory, worker, path, out.getvalue()


def test_the_export_command_writes_the_archive_with_the_photo(exported):
    factory, _worker, path, said = exported
    with zipfile.ZipFile(path) as archive:
        assert archive.read("media/workers/w1.png") == PHOTO
    assert said.startswith(f"{path}: ")


def test_an_import_of_a_factory_already_here_is_refused(exported):
    _factory, _worker, path, _said = exported
    with pytest.raises(CommandError, match="tenant_exists"):
        call_command("tenant_import", str(path), stdout=io.StringIO())
    assert Worker.objects.count() == 1


def test_the_import_command_restores_the_factory_and_its_photo(exported, settings, tmp_path):
    factory, worker, path, _said = exported
    # Given the factory gone, and its photo too
    Worker.objects.all().delete()
    Factory.objects.filter(pk=factory.pk).delete()
    Organization.objects.filter(pk=factory.pk).delete()
    (tmp_path / "media" / "workers" / "w1.png").unlink()
    # When its archive is imported
    out = io.StringIO()
    call_command("tenant_import", str(path), stdout=out)
    # Then the factory and its worker are back with their ids, and the photo with its name
    restored = Worker.objects.get(pk=worker.pk)
    assert (restored.factory_id, restored.name, restored.photo.name) == (
        factory.pk,
        worker.name,
        "workers/w1.png",
    )
    assert (tmp_path / "media" / "workers" / "w1.png").read_bytes() == PHOTO
    assert out.getvalue().startswith(f"Restored organization {factory.pk}: ")


def test_an_unknown_factory_code_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No factory with code 'NOPE'"):
        call_command("tenant_export", "NOPE", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()
