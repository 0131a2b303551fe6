"""A tenant's export archive (core.tenant_archive) and its import (core.tenant_restore): the
round trip restores every table's rows field by field, and a damaged or foreign archive is
refused with nothing written."""

import hashlib
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core import rls
from core.errors import DomainError
from core.models import AuditEntry
from core.tenant_archive import USER_FIELDS, archive_bytes, withheld_fields
from core.tenant_restore import archive_restore
from core.tenant_rows import tenant_tables, tenant_tables_in_load_order
from factories.models import Worker
from payroll.models import PayPeriod
from tests.pdfs import pdf_text
from tests.worlds import build_world, project_models

pytestmark = pytest.mark.django_db


def tenant_snapshot(tenant_id):
    """{table: [row as {column: value}]} without the withheld (secret) columns."""
    return {
        table.label: [
            {k: v for k, v in row.items() if k not in withheld_fields(table.model)}
            for row in table.rows(tenant_id).order_by("pk").values()
        ]
        for table in tenant_tables()
    }


def wipe_everything():
    """An empty platform: every row of the project's tables (people included) deleted."""
    for table in reversed(tenant_tables_in_load_order()):
        table.model._base_manager.all()._raw_delete(connection.alias)
    for model in project_models():
        model._base_manager.all()._raw_delete(connection.alias)


def archive_of(world):
    with rls.platform():
        return archive_bytes(
            tenant_id=world.factory.pk, about={"code": world.factory_org.code, "name": "x"}
        )


def test_an_archive_restores_every_table_row_by_row_into_an_empty_platform():
    # Given a complete factory, its rows and its members, and its archive
    world = build_world("alpha")
    tenant = world.factory.pk
    with rls.platform():
        before = tenant_snapshot(tenant)
        people = list(
            get_user_model()
            .objects.filter(memberships__organization_id=tenant)
            .order_by("pk")
            .values(*USER_FIELDS)
        )
    data = archive_of(world)
    # When the platform is emptied and the archive imported
    with rls.platform():
        wipe_everything()
    result = archive_restore(io.BytesIO(data))
    # Then every tenant table holds the same rows, field by field, and its members are back
    # with an unusable password
    with rls.platform():
        assert tenant_snapshot(tenant) == before
        restored = get_user_model().objects.filter(memberships__organization_id=tenant)
        assert list(restored.order_by("pk").values(*USER_FIELDS)) == people
        assert not any(user.has_usable_password() for user in restored)
    assert all(count > 0 for label, count in result.rows.items() if label != "factories.district")
    connection.check_constraints()


def rewrite(data: bytes, name: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item.filename, change(content) if item.filename == name else content)
    return out.getvalue()


def test_a_damaged_archive_or_another_schema_is_refused_and_nothing_written():
    # Given a factory's archive, the factory wiped, and two changed copies of the archive
    world = build_world("alpha")
    data = archive_of(world)
    with rls.platform():
        wipe_everything()
    damaged = rewrite(
        data, "tables/core.organization.json", lambda c: c.replace(b"alpha", b"omega")
    )

    def older_schema(content):
        manifest = json.loads(content)
        manifest["schema_version"]["orders"] = "0001_initial"
        return json.dumps(manifest).encode()

    older = rewrite(data, "manifest.json", older_schema)
    # When each is imported
    # Then each is refused with its code, and no row of any table was written
    for archive, code in ((damaged, "checksum_failed"), (older, "schema_mismatch")):
        with pytest.raises(DomainError) as refused:
            archive_restore(io.BytesIO(archive))
        assert refused.value.code == code
        with rls.platform():
            assert [m for m in project_models() if m._base_manager.exists()] == []


def test_the_manifest_lists_every_table_with_its_rows_and_checksums():
    # Given a factory's archive
    world = build_world("alpha")
    data = archive_of(world)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        # Then every tenant table has a CSV and a JSON file whose checksum and rows it states
        assert set(manifest["tables"]) == {t.label for t in tenant_tables()}
        for entry in manifest["tables"].values():
            csv_data = archive.read(entry["csv"])
            assert hashlib.sha256(csv_data).hexdigest() == entry["csv_sha256"]
            assert csv_data.startswith("\ufeff".encode())
            rows = json.loads(archive.read(entry["json"]))
            assert len(rows) == entry["rows"]
        assert "README.txt" in archive.namelist()
    assert manifest["tenant"]["id"] == world.factory.pk
    assert manifest["schema_version"]["core"].startswith("0")


def test_secrets_are_not_in_the_archive():
    # Given a factory with API tokens, invitations and members
    world = build_world("alpha")
    data = archive_of(world)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        users = json.loads(archive.read(manifest["references"]["core.user"]["json"]))
        tokens = json.loads(archive.read(manifest["tables"]["core.apitoken"]["json"]))
        invitations = json.loads(archive.read(manifest["tables"]["core.invitation"]["json"]))
    # Then people carry no password, tokens only their name and prefix, invitations no token
    assert {key for user in users for key in user} == set(USER_FIELDS)
    assert all("key_hash" not in token and token["prefix"] for token in tokens)
    assert all("token" not in invitation for invitation in invitations)


def test_an_archive_is_one_audited_read_of_the_workers_full_accounts():
    # Given a complete factory with workers
    world = build_world("alpha")
    with rls.platform():
        workers = list(
            Worker.objects.filter(factory=world.factory).order_by("pk").values_list("pk", flat=True)
        )
    # When its archive is written
    archive_of(world)
    # Then one "Viewed" entry records the read of every worker's account, for the factory
    with rls.platform():
        reads = AuditEntry.objects.filter(
            action=AuditEntry.Action.ACCESS,
            additional_data__reason="tenant data export",
            content_type=ContentType.objects.get_for_model(Worker),
        )
        assert [(e.organization_id, e.additional_data["objects"]) for e in reads] == [
            (world.factory.pk, workers)
        ]


def test_the_archive_carries_the_payslips_of_approved_periods_as_pdfs(tmp_path):
    # Given a factory whose pay period was approved
    world = build_world("alpha")
    with rls.platform():
        PayPeriod.objects.filter(pk=world.pay_period.pk).update(status=PayPeriod.Status.APPROVED)
        slip = world.pay_period.payslips.get()
    # When its archive is written
    data = archive_of(world)
    # Then it holds that period's payslips as one PDF, listed with its checksum
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        [document] = manifest["documents"]
        pdf = archive.read(document["file"])
    period = world.pay_period
    assert document["file"] == (
        f"documents/payslips/{period.starts_on:%Y%m%d}-{period.ends_on:%Y%m%d}-{period.pk}.pdf"
    )
    assert document["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert slip.worker_name in pdf_text(pdf, tmp_path)
