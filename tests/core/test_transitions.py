"""core.transitions: one table per aggregate, and every move written with its audit entry."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit import acting_as
from core.errors import Conflict, NotAllowed
from core.models import AuditEntry
from core.transitions import TransitionTable, transition_apply, transitions_apply
from production.models import Bundle, WorkOrder
from production.services import BUNDLE_TRANSITIONS, WORK_ORDER_TRANSITIONS
from tests.audit_trail import entries_of, moves_of
from tests.factories import BundleFactory, UserFactory, WorkOrderFactory

ROOT = Path(__file__).resolve().parents[2]
STATUS_UPDATE = re.compile(r"\bupdate\(\s*(status|state)\s*=")


def domain_sources():
    """Every Python module of the project's packages, less tests and migrations."""
    for package in sorted(ROOT.iterdir()):
        if not (package / "__init__.py").exists() or package.name in ("tests",):
            continue
        for path in sorted(package.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_scan_catches_a_status_written_by_a_queryset_update():
    assert STATUS_UPDATE.search("Bundle.objects.filter(pk=1).update(status=status)")
    assert STATUS_UPDATE.search("qs.update(\n        status=WorkOrder.Status.DONE\n    )")
    assert STATUS_UPDATE.search("alarms.update(state='cleared')")
    assert not STATUS_UPDATE.search("qs.update(shipped_quantity=F('shipped_quantity') + 1)")


def test_no_domain_code_writes_a_status_past_the_audit_log():
    sources = list(domain_sources())
    offenders = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
        for path in sources
        for text in [path.read_text(encoding="utf-8")]
        for match in STATUS_UPDATE.finditer(text)
    ]

    assert any(path.name == "records.py" for path in sources)  # the scan sees the domain apps
    assert offenders == []


@pytest.mark.django_db
def test_a_table_must_name_every_state_of_its_field():
    with pytest.raises(ImproperlyConfigured):
        TransitionTable(WorkOrder, {WorkOrder.Status.PLANNED: {WorkOrder.Status.CUTTING}})


@pytest.mark.django_db
def test_a_move_is_written_with_one_audit_entry_carrying_actor_organization_and_reason():
    work_order = WorkOrderFactory()
    planner = UserFactory()

    with acting_as(user=planner, organization=work_order.factory.organization):
        transition_apply(
            table=WORK_ORDER_TRANSITIONS,
            instance=work_order,
            to=WorkOrder.Status.CUTTING,
            by=None,
            reason="Fabric on hand",
        )

    entry = entries_of(work_order).get(action=AuditEntry.Action.UPDATE)
    assert WorkOrder.objects.get(pk=work_order.pk).status == "cutting"
    assert (entry.changes, entry.actor_id, entry.organization_id, entry.additional_data) == (
        {"status": ["planned", "cutting"]},
        planner.pk,
        work_order.factory.organization.pk,
        {"note": "Fabric on hand"},
    )


@pytest.mark.django_db
def test_without_an_audit_context_the_entry_names_the_caller():
    work_order = WorkOrderFactory()
    planner = UserFactory()

    transition_apply(
        table=WORK_ORDER_TRANSITIONS, instance=work_order, to=WorkOrder.Status.CUTTING, by=planner
    )

    assert entries_of(work_order).get(action=AuditEntry.Action.UPDATE).actor_id == planner.pk


@pytest.mark.django_db
def test_an_illegal_move_is_refused_with_a_clear_message_and_writes_nothing():
    work_order = WorkOrderFactory(status=WorkOrder.Status.DONE)
    entries = AuditEntry.objects.count()

    with pytest.raises(NotAllowed) as refused:
        transition_apply(
            table=WORK_ORDER_TRANSITIONS, instance=work_order, to=WorkOrder.Status.CUTTING
        )

    assert (refused.value.code, str(refused.value.message), refused.value.errors) == (
        "invalid_transition",
        "This work order is Done; it cannot become Cutting.",
        {"status": ["Not allowed from Done."]},
    )
    assert WorkOrder.objects.get(pk=work_order.pk).status == "done"
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_many_rows_move_all_or_none():
    bundle = BundleFactory()
    packed = BundleFactory(lay=bundle.lay, status=Bundle.Status.PACKED)
    entries = AuditEntry.objects.count()

    with pytest.raises(NotAllowed):
        transitions_apply(
            table=BUNDLE_TRANSITIONS, instances=[bundle, packed], to=Bundle.Status.IN_SEWING
        )

    assert sorted(Bundle.objects.values_list("status", flat=True)) == ["cut", "packed"]
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_many_rows_move_in_one_update_with_one_entry_each():
    first = BundleFactory()
    bundles = [first, *(BundleFactory(lay=first.lay) for _ in range(4))]
    for bundle in bundles:
        bundle.work_order = first.work_order  # str() of a bundle names its work order

    with CaptureQueriesContext(connection) as queries:
        moved = transitions_apply(
            table=BUNDLE_TRANSITIONS, instances=bundles, to=Bundle.Status.IN_SEWING
        )

    statements = [q["sql"].split()[0] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert (moved, statements) == (5, ["UPDATE", "INSERT"])
    assert [moves_of(bundle) for bundle in bundles] == [[("cut", "in_sewing")]] * 5


@pytest.mark.django_db
def test_a_row_changed_since_it_was_read_is_not_overwritten():
    work_order = WorkOrderFactory()
    WorkOrder.objects.filter(pk=work_order.pk).update(status=WorkOrder.Status.CANCELLED)
    entries = AuditEntry.objects.count()

    with pytest.raises(Conflict):
        transition_apply(
            table=WORK_ORDER_TRANSITIONS, instance=work_order, to=WorkOrder.Status.CUTTING
        )

    assert WorkOrder.objects.get(pk=work_order.pk).status == "cancelled"
    assert AuditEntry.objects.count() == entries
