"""Leavers past their factory's retention period are anonymised: a stable pseudonym for a name,
no bank account, pay amounts kept (issue 16, docs/privacy.md)."""

import io
import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command

from core.models import AuditEntry
from factories.anonymisation import worker_pseudonym
from factories.clock import factory_today
from factories.models import Worker
from factories.tasks import leavers_anonymise_all
from payroll import services
from payroll.models import Payslip

MONDAY = date(2026, 3, 2)
ACCOUNT = "6217 0000 1234 5678"


@pytest.fixture
def leaver(shop, clerk):
    """A worker paid in March who left, and whose leaving is `days` before the factory's today."""

    def make(days_ago: int) -> Worker:
        worker = shop.worker(name="王芳", bank_account=ACCOUNT)
        shop.record(worker, MONDAY, good=100)
        worker.left_on = factory_today(shop.factory) - timedelta(days=days_ago)
        worker.save()
        return worker

    return make


@pytest.fixture
def paid(shop, clerk):
    def calculate():
        march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
        return services.pay_period_calculate(period=march, by=clerk)

    return calculate


def run() -> str:
    out = io.StringIO()
    call_command("anonymise_leavers", stdout=out)
    return out.getvalue()


def test_a_leaver_past_the_period_gets_a_pseudonym_and_loses_the_account(shop, leaver, paid):
    # Given a worker who left 731 days ago (the factory keeps 730), paid 21.60 in March
    worker = leaver(731)
    period = paid()

    # When the anonymisation runs
    output = run()

    # Then the name is the pseudonym, the account is gone, and the payslip keeps its amount
    worker.refresh_from_db()
    assert re.fullmatch(r"工人-[0-9A-F]{6}", worker.name)
    assert (worker.bank_account, worker.bank_account_hash, worker.is_active) == ("", "", False)
    assert worker.anonymised_at is not None
    slip = Payslip.objects.get(period=period, worker=worker)
    assert (slip.worker_name, str(slip.gross)) == (worker.name, "21.60")
    assert f"{shop.factory.code}: 1 anonymised" in output


def test_a_leaver_within_the_period_is_kept(shop, leaver):
    worker = leaver(730)

    output = run()

    worker.refresh_from_db()
    assert (worker.name, worker.bank_account, worker.anonymised_at) == ("王芳", ACCOUNT, None)
    assert f"{shop.factory.code}: 0 anonymised" in output


def test_the_factory_sets_its_retention_period(shop, leaver):
    shop.factory.personal_data_retention_days = 30
    shop.factory.save()
    worker = leaver(31)

    run()

    worker.refresh_from_db()
    assert worker.name == worker_pseudonym(worker)


def test_the_pseudonym_is_stable_and_differs_between_workers(shop, leaver):
    first, second = leaver(800), leaver(800)

    run()
    run()  # idempotent: nothing changes the second time

    first.refresh_from_db()
    assert first.name == worker_pseudonym(first) == worker_pseudonym(first)
    assert worker_pseudonym(first) != worker_pseudonym(second)


def test_the_audit_log_records_the_anonymisation_and_keeps_no_old_name(shop, leaver):
    worker = leaver(731)

    run()

    entries = AuditEntry.objects.filter(object_pk=str(worker.pk), content_type__model="worker")
    erased = entries.get(additional_data__reason="retention period ended")
    assert erased.changes == {
        "name": ["(erased)", "(erased)"],
        "bank_account": ["(erased)", "(erased)"],
        "photo": ["(erased)", "(erased)"],
        "user": ["(erased)", "(erased)"],
    }
    assert erased.organization_id == shop.factory.pk
    worker.refresh_from_db()
    assert all("王芳" not in f"{e.object_repr}{e.changes}" for e in entries)


def test_beat_runs_it_daily_for_every_factory(shop, leaver):
    worker = leaver(731)

    leavers_anonymise_all.delay()

    worker.refresh_from_db()
    assert worker.anonymised_at is not None
    assert settings.CELERY_BEAT_SCHEDULE["factories-leavers-anonymise"]["task"] == (
        "factories.tasks.leavers_anonymise_all"
    )
