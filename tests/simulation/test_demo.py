"""`manage.py seed_demo`: the demo world, seeded step by step, idempotently."""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from core.models import Organization
from core.roles import OrgKind

pytestmark = pytest.mark.django_db


def _project_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in settings.PROJECT_APPS and m._meta.model_name != "auditentry"
    ]


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    counts = {model.__name__: model.objects.count() for model in _project_models()}
    call_command("seed_demo", stdout=StringIO())
    assert {model.__name__: model.objects.count() for model in _project_models()} == counts
    assert Organization.objects.filter(kind=OrgKind.FACTORY).count() == 3
