"""A worker's bank account on the set-up pages and the API: searched by its keyed hash, shown
masked in the edit form, kept when the masked value comes back (issue 16, docs/privacy.md)."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from core.models import AuditEntry
from factories.models import Worker
from tests.factories import WorkerFactory

ACCOUNT = "6222 0202 0000 1234"


@pytest.fixture
def workers(factory, other_factory):
    mine = WorkerFactory(line__factory=factory, name="李娜", bank_account=ACCOUNT)
    WorkerFactory(line__factory=factory, name="王芳", bank_account="6222 0202 0000 9999")
    WorkerFactory(line__factory=other_factory, name="Other", bank_account=ACCOUNT)
    return mine


def test_the_worker_list_finds_a_worker_by_whole_account(owner, workers):
    page = owner.get(reverse("factories:workers"), {"q": "6222020200001234"})

    assert [row["obj"] for row in page.context["rows"]] == [workers]


def test_a_part_of_an_account_finds_nobody(owner, workers):
    page = owner.get(reverse("factories:workers"), {"q": "1234"})

    assert page.context["rows"] == []


def test_the_api_filters_workers_by_account_in_the_own_factory_only(owner, workers):
    body = owner.get("/api/v1/workers/", {"bank_account": ACCOUNT}).json()

    assert [row["id"] for row in body["results"]] == [workers.pk]
    assert "bank_account" not in body["results"][0]


def test_the_edit_form_shows_the_account_masked_and_logs_no_read(owner, workers):
    page = owner.get(reverse("factories:workers-edit", args=[workers.pk]))

    assert page.context["form"]["bank_account"].value() == "****1234"
    assert "0000 1234" not in page.content.decode()
    assert AuditEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 0


def test_the_masked_account_sent_back_keeps_the_number(owner, workers):
    page = owner.get(reverse("factories:workers-edit", args=[workers.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(name="李娜娜", line="", skills="", is_active="on")

    response = owner.post(reverse("factories:workers-edit", args=[workers.pk]), data)

    assert response.status_code == 302
    workers.refresh_from_db()
    assert (workers.name, workers.bank_account) == ("李娜娜", ACCOUNT)


def test_a_new_account_typed_in_the_form_replaces_it(owner, workers):
    page = owner.get(reverse("factories:workers-edit", args=[workers.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(bank_account="6222 0202 0000 5555", line="", skills="", is_active="on")

    owner.post(reverse("factories:workers-edit", args=[workers.pk]), data)

    assert Worker.objects.get(pk=workers.pk).bank_account == "6222 0202 0000 5555"


def test_the_owner_sets_the_retention_period_in_the_factory_profile(owner, factory):
    response = owner.patch(
        f"/api/v1/factories/{factory.pk}/",
        {"personal_data_retention_days": 365},
        content_type="application/json",
    )

    assert response.status_code == 200
    factory.refresh_from_db()
    assert factory.personal_data_retention_days == 365


def test_a_retention_period_under_30_days_is_refused_and_nothing_changes(owner, factory):
    response = owner.patch(
        f"/api/v1/factories/{factory.pk}/",
        {"personal_data_retention_days": 10},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"personal_data_retention_days"}
    factory.refresh_from_db()
    assert factory.personal_data_retention_days == 730
