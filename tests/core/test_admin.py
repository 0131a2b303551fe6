"""The Django admin is the support desk's: every domain model of every app is registered with
core.admin.SupportAdmin (read-mostly, filtered by tenant), and every list and change page loads
for a superuser over a world with data in every model."""

import pytest
from auditlog.admin import LogEntryAdmin
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from core.admin import TENANT_FIELDS, SupportAdmin, UserAdmin
from core.models import AuditEntry, Organization, User
from factories.models import Worker
from tests.factories import UserFactory
from tests.worlds import build_world

pytestmark = pytest.mark.django_db

# The two admins that are not SupportAdmin: Django's own for logins, auditlog's for the log.
OWN_ADMINS = {User: UserAdmin, AuditEntry: LogEntryAdmin}


def domain_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in settings.PROJECT_APPS
        and not model._meta.abstract
        and not model._meta.proxy
    ]


def test_every_domain_model_is_registered_with_the_support_admin():
    # given every concrete model of every project app
    models = domain_models()

    # then each one is registered, with SupportAdmin (or its own admin where named)
    missing = [m._meta.label for m in models if m not in admin.site._registry]
    wrong = [
        m._meta.label
        for m in models
        if m in admin.site._registry
        and not isinstance(admin.site._registry[m], OWN_ADMINS.get(m, SupportAdmin))
    ]
    assert missing == []
    assert wrong == []
    assert len(models) > 90


@pytest.fixture
def support():
    world = build_world("alpha")
    other = build_world("bravo")
    client = Client()
    client.force_login(UserFactory(username="desk", is_staff=True, is_superuser=True))
    return client, world, other


def test_every_list_and_change_page_loads_and_nothing_can_be_added_or_deleted(support):
    client, _world, _other = support
    failures = []
    for model in domain_models():
        info = (model._meta.app_label, model._meta.model_name)
        list_url = reverse("admin:{}_{}_changelist".format(*info))
        listing = client.get(list_url)
        if listing.status_code != 200:
            failures.append(f"{model._meta.label} list: {listing.status_code}")
            continue
        # each tenant filter's first choice (after "All") is a link that loads too
        for spec in listing.context["cl"].filter_specs:
            if getattr(spec, "field_path", None) not in TENANT_FIELDS:
                continue
            choices = list(spec.choices(listing.context["cl"]))
            if len(choices) < 2:
                failures.append(f"{model._meta.label} filter {spec.field_path}: no choices")
                continue
            narrowed = client.get(list_url + choices[1]["query_string"])
            if narrowed.status_code != 200:
                failures.append(
                    f"{model._meta.label} filter {spec.field_path}: {narrowed.status_code}"
                )
        if isinstance(admin.site._registry[model], SupportAdmin):
            added = client.get(reverse("admin:{}_{}_add".format(*info)))
            if added.status_code != 403:
                failures.append(f"{model._meta.label} add: {added.status_code}")
        row = model.objects.order_by("pk").first()
        if row is None:
            continue
        change = client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
        if change.status_code != 200:
            failures.append(f"{model._meta.label} change: {change.status_code}")
    assert failures == []


def test_lists_filter_by_tenant_and_search_by_tenant_code(support):
    client, world, other = support
    url = reverse("admin:factories_worker_changelist")

    filtered = client.get(url, {"factory__organization__exact": world.factory.pk})
    searched = client.get(url, {"q": other.factory_org.code})

    filtered_rows = list(filtered.context["cl"].queryset)
    searched_rows = list(searched.context["cl"].queryset)
    assert filtered_rows
    assert {w.factory_id for w in filtered_rows} == {world.factory.pk}
    assert set(filtered_rows) == set(Worker.objects.filter(factory=world.factory))
    assert searched_rows
    assert {w.factory_id for w in searched_rows} == {other.factory.pk}


def test_only_the_allow_listed_fields_can_be_changed(support):
    client, world, _other = support
    org = world.factory_org
    name_before = org.name
    url = reverse("admin:core_organization_change", args=[org.pk])

    client.post(url, {"is_active": "", "name": "Renamed by support", "code": "renamed"})

    org.refresh_from_db()
    assert org.is_active is False
    assert (org.name, org.code) == (name_before, world.factory_org.code)
    assert Organization.objects.filter(code="renamed").count() == 0
