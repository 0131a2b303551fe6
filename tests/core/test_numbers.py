"""core.numbers: document numbers in sequence per organization and series, never taken twice."""

import threading

import pytest
from django.db import close_old_connections, transaction

from core import rls
from core.models import DocumentSeries
from core.numbers import number_next
from tests.factories import OrganizationFactory


def _next(org, prefix="SO2612-", taken=lambda number: False):
    return number_next(organization_id=org.pk, prefix=prefix, digits=4, taken=taken)


@pytest.mark.django_db
def test_numbers_follow_each_other_per_series_and_organization():
    alpha, bravo = OrganizationFactory(), OrganizationFactory()
    assert [_next(alpha), _next(alpha), _next(bravo), _next(alpha, "SO2701-")] == [
        "SO2612-0001",
        "SO2612-0002",
        "SO2612-0001",
        "SO2701-0001",
    ]


@pytest.mark.django_db
def test_numbers_already_held_by_a_document_are_passed_over():
    org = OrganizationFactory()
    held = {"SO2612-0001", "SO2612-0002"}
    assert _next(org, taken=held.__contains__) == "SO2612-0003"
    assert DocumentSeries.objects.get(organization=org, series="SO2612-").last == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_take_the_same_number():
    # Given an organization and eight writers, each taking a number in its own transaction
    org = OrganizationFactory()
    taken, barrier = [], threading.Barrier(8)

    def writer():
        try:
            barrier.wait()
            with rls.platform(), transaction.atomic():
                taken.append(_next(org))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then each took its own number, and the series counts all eight
    assert sorted(taken) == [f"SO2612-{n:04d}" for n in range(1, 9)]
