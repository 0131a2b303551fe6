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


def test_the_demo_beat_runs_a_one_second_job_at_every_tick_even_a_slightly_early_one():
    from simulation.management.commands.run_demo import interval_jobs_due

    every = {"poll": 1.0, "rollups": 60.0}
    next_due = {"poll": 1.0, "rollups": 60.0}
    ran = [interval_jobs_due(next_due, every, now) for now in (1.0, 1.98, 3.0, 4.02)]
    assert ran == [["poll"], ["poll"], ["poll"], ["poll"]]
    assert next_due == {"poll": 5.0, "rollups": 60.0}
