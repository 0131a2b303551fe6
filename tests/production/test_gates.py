"""The gates of the chain: nothing is recorded before the material release (an override needs a
reason and is logged), a rejected final audit blocks packing and shipping until a re-audit
passes, and held bundles and cartons stop where they are. (Cancellation through the orders API
and page: tests/production/orders/test_cancellation.py, next to the order fixtures.)"""

import orjson
import pytest
from django.urls import reverse

from core.errors import DomainError, NotAllowed
from core.models import AuditEntry
from core.roles import Role
from devices.handoff import station_events_hand_off, station_handoffs_retry
from devices.ingest import Incoming, ingest_messages, topic_for
from devices.models import StationHandoff
from inventory.models import ReleaseOverride
from production.models import (
    Bundle,
    Carton,
    FinalAudit,
    OperationRecord,
    Shipment,
    WorkOrder,
)
from production.services import (
    WORK_ORDER_TRANSITIONS,
    bundle_hold,
    bundle_hold_release,
    carton_hold,
    carton_hold_release,
    carton_pack,
    final_audit_record,
    finished_goods_receive,
    operation_record_create,
    shipment_ship,
    work_order_release,
)
from tests.audit_trail import entries_of, moves_of
from tests.devices.conftest import now_ms
from tests.factories import (
    DeviceFactory,
    MaterialFactory,
    MembershipFactory,
    UserFactory,
)
from tests.inventory.conftest import need
from tests.production.conftest import build_floor

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(db):
    """A floor whose work order is still planned: not released to cutting."""
    return build_floor(tag="p", release=False)


def member(floor, role):
    user = UserFactory()
    MembershipFactory(user=user, organization=floor.factory.organization, role=role)
    return user


def scan(floor, bundle=0, operation=0, **extra):
    return operation_record_create(
        factory=floor.factory,
        bundle=floor.bundles[bundle],
        operation=floor.operations[operation],
        worker=floor.workers[operation],
        source=OperationRecord.Source.MANUAL,
        reason="entered for the line",
        by=floor.user,
        **extra,
    )


def nothing_recorded(floor):
    floor.work_order.refresh_from_db()
    return (
        OperationRecord.objects.count(),
        floor.work_order.status,
        sorted(Bundle.objects.values_list("status", flat=True)),
    )


# --- the material gate ---------------------------------------------------------------------------
def test_a_planned_work_order_has_no_way_into_sewing_but_its_release():
    assert WORK_ORDER_TRANSITIONS.targets(WorkOrder.Status.PLANNED) == {"cutting", "cancelled"}


def test_a_phone_scan_before_the_release_is_refused_and_writes_nothing(api, planned):
    api.force_login(member(planned, Role.SUPERVISOR))

    response = api.post(
        "/api/v1/operation-records/",
        {
            "bundle": f"SLB:{planned.bundles[0].pk}",
            "operation": "OP1",
            "badge": planned.workers[0].badge_id,
            "reason": "entered for the line",
        },
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "not_released")
    assert "not released to cutting" in response.json()["message"]
    assert nothing_recorded(planned) == (0, "planned", ["cut", "cut", "cut"])


def test_a_supervisor_entry_before_the_release_shows_why_and_writes_nothing(client, planned):
    client.force_login(member(planned, Role.SUPERVISOR))

    response = client.post(
        reverse("production:record-manual"),
        {
            "bundle": planned.bundles[0].qr_payload,
            "badge": planned.workers[0].badge_id,
            "operation": "OP1",
            "reason": "badge reader broken",
        },
    )

    assert (response.status_code, "not released to cutting" in response.content.decode()) == (
        200,
        True,
    )
    assert nothing_recorded(planned) == (0, "planned", ["cut", "cut", "cut"])


def leave(floor, seq):
    body = {
        "seq": seq,
        "ts": now_ms(),
        "type": "station.leave",
        "hanger": f"H{seq}",
        "bundle": floor.bundles[0].pk,
        "operation": floor.operations[0].code,
        "badge": floor.workers[0].badge_id,
    }
    return Incoming(topic_for(floor.factory.code, "st-1", "events"), orjson.dumps(body))


def test_a_hanger_event_before_the_release_waits_and_is_recorded_once_released(
    planned, django_capture_on_commit_callbacks
):
    DeviceFactory(
        factory=planned.factory,
        code="st-1",
        kind="hanging_station",
        station=planned.stations[0],
        line=planned.line,
    )
    with django_capture_on_commit_callbacks(execute=False):
        result = ingest_messages([leave(planned, 1)])
    station_events_hand_off(result.station_record_ids)
    waiting = StationHandoff.objects.get()
    before_release = (waiting.outcome, waiting.work_order_id, OperationRecord.objects.count())

    assert station_handoffs_retry() == 0  # still planned: nothing to retry
    work_order_release(work_order=planned.work_order, by=planned.user)
    retried = station_handoffs_retry()

    handoff = StationHandoff.objects.get()
    record = OperationRecord.objects.get()
    assert before_release == ("waiting", planned.work_order.pk, 0)
    assert (retried, handoff.outcome, handoff.operation_record, handoff.work_order_id) == (
        1,
        "recorded",
        record,
        None,
    )
    assert (record.bundle, record.source, record.good_pieces) == (planned.bundles[0], "device", 20)
    assert station_handoffs_retry() == 0


def test_a_waiting_hanger_event_of_a_cancelled_work_order_is_rejected(
    planned, django_capture_on_commit_callbacks
):
    from production.services import work_order_cancel

    DeviceFactory(
        factory=planned.factory, code="st-1", kind="hanging_station", station=planned.stations[0]
    )
    with django_capture_on_commit_callbacks(execute=False):
        result = ingest_messages([leave(planned, 1)])
    station_events_hand_off(result.station_record_ids)
    work_order_cancel(work_order=planned.work_order, reason="order withdrawn", by=planned.user)

    station_handoffs_retry()

    handoff = StationHandoff.objects.get()
    assert (handoff.outcome, OperationRecord.objects.count()) == ("rejected", 0)


def test_a_short_work_order_is_released_only_with_a_reason_that_is_logged(api, planned):
    factory = planned.factory
    fabric = MaterialFactory(factory=factory, code="FAB-9")
    need(planned.work_order, fabric, 50)
    planner = member(planned, Role.PLANNER)
    api.force_login(planner)

    refused = api.post(
        "/api/v1/release-overrides/release/", {"work_order": planned.work_order.pk}, format="json"
    )
    released = api.post(
        "/api/v1/release-overrides/release/",
        {"work_order": planned.work_order.pk, "reason": "Fabric on the truck, cut from noon"},
        format="json",
    )
    record = scan(planned)

    assert (refused.status_code, refused.json()["code"]) == (400, "materials_short")
    assert (released.status_code, released.json()["status"]) == (200, "cutting")
    override = ReleaseOverride.objects.get()
    assert (override.reason, override.created_by, override.shortages[0]["material_code"]) == (
        "Fabric on the truck, cut from noon",
        planner,
        "FAB-9",
    )
    release_entry = entries_of(planned.work_order).filter(action=AuditEntry.Action.UPDATE)[0]
    assert (release_entry.changes["status"], release_entry.additional_data) == (
        ["planned", "cutting"],
        {"note": "Fabric on the truck, cut from noon"},
    )
    assert moves_of(planned.work_order) == [("planned", "cutting"), ("cutting", "sewing")]
    assert record.work_order_id == planned.work_order.pk


# --- the quality gate ----------------------------------------------------------------------------
def finish_and_receive(floor, bundles=(0, 1, 2)):
    for b in bundles:
        for n in range(3):
            scan(floor, bundle=b, operation=n)
    finished_goods_receive(
        work_order=floor.work_order, colour="Black", size="M", quantity=20 * len(bundles)
    )


def audit(floor, *, major):
    return final_audit_record(work_order=floor.work_order, lot_size=60, major_found=major)


def test_a_rejected_final_audit_blocks_packing_and_writes_nothing(floor):
    finish_and_receive(floor)
    assert audit(floor, major=9).result == FinalAudit.Result.REJECTED

    with pytest.raises(NotAllowed) as refused:
        carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})

    assert refused.value.code == "final_audit_failed"
    assert (Carton.objects.count(), Bundle.objects.filter(status="packed").count()) == (0, 0)


def test_a_rejected_final_audit_blocks_shipping_of_packed_cartons(floor):
    finish_and_receive(floor)
    carton = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    audit(floor, major=9)

    with pytest.raises(NotAllowed) as refused:
        shipment_ship(work_order=floor.work_order, cartons=[carton], carrier="SF")

    carton.refresh_from_db()
    assert (refused.value.code, Shipment.objects.count(), carton.shipment_id) == (
        "final_audit_failed",
        0,
        None,
    )


def test_a_re_audit_that_passes_opens_packing_and_shipping(floor):
    finish_and_receive(floor)
    audit(floor, major=9)
    audit(floor, major=0)

    carton = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    shipment = shipment_ship(work_order=floor.work_order, cartons=[carton], carrier="SF")

    assert (shipment.status, list(shipment.cartons.all())) == ("shipped", [carton])


def test_the_final_audit_page_shows_a_rejection_in_red_with_what_to_do_next(client, floor):
    client.force_login(member(floor, Role.QC_INSPECTOR))

    response = client.post(
        reverse("production:final-audit", args=[floor.work_order.pk]),
        {
            "lot_size": 60,
            "aql_major": "2.5",
            "aql_minor": "4.0",
            "critical_found": 0,
            "major_found": 9,
            "minor_found": 0,
        },
        follow=True,
    )

    page = response.content.decode()
    assert FinalAudit.objects.get().result == "rejected"
    assert 'class="alert alert-danger" role="alert" id="final-audit-verdict"' in page
    assert "Packing and shipping of this work order are blocked." in page
    assert "record a re-audit here" in page
    assert "alert-success" not in page


# --- holds ---------------------------------------------------------------------------------------
def test_a_held_bundle_cannot_be_recorded_until_it_is_released(floor):
    qc = member(floor, Role.QC_INSPECTOR)
    bundle_hold(bundle=floor.bundles[0], reason="Shade difference", by=qc)

    with pytest.raises(NotAllowed) as refused:
        scan(floor)
    held_state = nothing_recorded(floor)
    bundle_hold_release(bundle=floor.bundles[0], by=qc, note="Shade within tolerance")
    scan(floor)

    assert (refused.value.code, held_state) == (
        "bundle_on_hold",
        (0, "cutting", ["cut", "cut", "cut"]),
    )
    assert moves_of(floor.bundles[0], "hold") == [("free", "held"), ("held", "free")]
    hold, release = entries_of(floor.bundles[0]).filter(
        action=AuditEntry.Action.UPDATE, changes__has_key="hold"
    )
    assert (hold.actor, hold.additional_data, release.additional_data) == (
        qc,
        {"note": "Shade difference"},
        {"note": "Shade within tolerance"},
    )


def test_a_hold_needs_a_reason_and_a_held_bundle_is_not_held_twice(floor):
    qc = member(floor, Role.QC_INSPECTOR)
    with pytest.raises(DomainError) as no_reason:
        bundle_hold(bundle=floor.bundles[0], reason="  ", by=qc)
    bundle_hold(bundle=floor.bundles[0], reason="Stain", by=qc)
    with pytest.raises(NotAllowed) as twice:
        bundle_hold(bundle=floor.bundles[0], reason="Again", by=qc)

    bundle = Bundle.objects.get(pk=floor.bundles[0].pk)
    assert (no_reason.value.code, twice.value.code) == ("invalid_reason", "already_on_hold")
    assert (bundle.hold, bundle.hold_reason, moves_of(bundle, "hold")) == (
        "held",
        "Stain",
        [("free", "held")],
    )


def test_a_held_bundle_keeps_its_size_and_colour_from_being_packed(floor):
    finish_and_receive(floor, bundles=(0, 1))
    bundle_hold(bundle=floor.bundles[1], reason="Open seam", by=floor.user)

    with pytest.raises(NotAllowed) as refused:
        carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})

    assert (refused.value.code, Carton.objects.count()) == ("bundle_on_hold", 0)


def test_a_held_carton_cannot_ship_until_it_is_released(floor):
    finish_and_receive(floor)
    carton = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    carton_hold(carton=carton, reason="Wrong labels", by=floor.user)

    with pytest.raises(NotAllowed) as refused:
        shipment_ship(work_order=floor.work_order, cartons=[carton], carrier="SF")
    shipments_while_held = Shipment.objects.count()
    carton_hold_release(carton=carton, by=floor.user, note="Relabelled")
    shipment = shipment_ship(work_order=floor.work_order, cartons=[carton], carrier="SF")

    assert (refused.value.code, shipments_while_held) == ("carton_on_hold", 0)
    assert list(shipment.cartons.all()) == [carton]
    assert moves_of(carton, "hold") == [("free", "held"), ("held", "free")]


def test_qc_holds_and_releases_a_bundle_and_a_carton_through_the_api(api, floor):
    finish_and_receive(floor)
    carton = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    api.force_login(member(floor, Role.QC_INSPECTOR))
    bundle_url = f"/api/v1/bundles/{floor.bundles[2].pk}"

    no_reason = api.post(f"{bundle_url}/hold/", {}, format="json")
    held = api.post(f"{bundle_url}/hold/", {"reason": "Broken stitch"}, format="json")
    carton_held = api.post(
        f"/api/v1/cartons/{carton.pk}/hold/", {"reason": "Crushed"}, format="json"
    )
    released = api.post(f"{bundle_url}/release/", {"note": "Re-sewn"}, format="json")

    assert no_reason.status_code == 400
    assert (held.status_code, held.json()["hold"], held.json()["hold_reason"]) == (
        200,
        "held",
        "Broken stitch",
    )
    assert (carton_held.status_code, carton_held.json()["hold"]) == (200, "held")
    assert (released.status_code, released.json()["hold"]) == (200, "free")


def test_a_worker_cannot_hold_a_bundle(api, floor):
    worker = member(floor, Role.WORKER)
    api.force_login(worker)

    response = api.post(
        f"/api/v1/bundles/{floor.bundles[0].pk}/hold/", {"reason": "Mine"}, format="json"
    )

    assert (response.status_code, Bundle.objects.get(pk=floor.bundles[0].pk).hold) == (
        403,
        "free",
    )


def test_the_work_order_page_holds_and_releases_a_bundle(client, floor):
    client.force_login(member(floor, Role.QC_INSPECTOR))
    url = reverse("production:holds", args=[floor.work_order.pk])
    bundle = floor.bundles[1]

    held_page = client.post(
        url, {"action": "hold", "bundle": bundle.pk, "reason": "Needle mark"}, follow=True
    ).content.decode()
    held = Bundle.objects.get(pk=bundle.pk).hold
    client.post(url, {"action": "release", "bundle": bundle.pk, "reason": ""})

    assert (held, Bundle.objects.get(pk=bundle.pk).hold) == ("held", "free")
    assert "Needle mark" in held_page and "Bundles on hold" in held_page


def test_the_holds_page_refuses_another_work_orders_bundle(client, floor):
    other = build_floor(factory=floor.factory, tag="o")
    client.force_login(member(floor, Role.QC_INSPECTOR))

    client.post(
        reverse("production:holds", args=[floor.work_order.pk]),
        {"action": "hold", "bundle": other.bundles[0].pk, "reason": "x"},
    )

    assert Bundle.objects.filter(hold="held").count() == 0
