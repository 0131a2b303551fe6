"""On PostgreSQL: two workers handing off the same station event at once make one record, and
two scans of the same bundle operation at once make one record."""

import threading

import pytest
from django.db import connection

from core import rls
from core.errors import Conflict
from production.models import OperationRecord
from production.services import operation_record_create
from tests.production.conftest import build_floor

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def race(calls, *, factory_id: int):
    """Run the calls at the same moment in threads (each its own connection), each acting for
    the factory (a new thread starts with no row-level-security scope)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            with rls.scope(rls.for_factory(factory_id)):
                results.append(call())
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_one_hanger_event_handed_off_twice_at_once_makes_one_record():
    floor = build_floor()

    def hand_off():
        return operation_record_create(
            factory=floor.factory,
            bundle=floor.bundles[0].pk,
            operation=floor.operations[0].pk,
            worker=floor.workers[0].badge_id,
            source=OperationRecord.Source.DEVICE,
            external_event_id="device:7:1001",
        ).pk

    results, errors = race([hand_off, hand_off, hand_off], factory_id=floor.factory.pk)
    assert (errors, len(set(results)), OperationRecord.objects.count()) == ([], 1, 1)


def test_two_scans_of_the_same_bundle_operation_at_once_make_one_record():
    floor = build_floor()

    def scan(worker):
        return lambda: (
            operation_record_create(
                factory=floor.factory,
                bundle=floor.bundles[0].pk,
                operation=floor.operations[0].pk,
                worker=floor.workers[worker].badge_id,
                source=OperationRecord.Source.SCAN,
            ).pk
        )

    results, errors = race([scan(0), scan(1)], factory_id=floor.factory.pk)
    assert (len(results), [type(e) for e in errors], OperationRecord.objects.count()) == (
        1,
        [Conflict],
        1,
    )
