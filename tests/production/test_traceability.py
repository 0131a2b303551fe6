"""Traceability: a shipped carton back to its bundles, operators, lays, rolls and dye lots; a
roll forward to every bundle, carton and shipment made from it. Cartons record their bundles
when packed (in bundle number order)."""

import pytest
from rest_framework.test import APIClient

from production.models import Bundle, CartonBundle, OperationRecord
from production.selectors import carton_trace, lot_trace
from production.services import (
    carton_pack,
    finished_goods_receive,
    lay_cut_confirm,
    lay_spread,
    operation_record_create,
    recut_record,
    shipment_ship,
)
from tests.factories import WorkerFactory
from tests.production.cutting_world import build_cutting_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db):
    """L1 spread from R1 (20 plies, shade A) and R2 (11 plies, shade B), cut as planned; bundle
    1 (S×20) sewn by badge T1 and bundle 2 (S×11) by T2; 25 S packed in carton 1 and shipped."""
    world = build_cutting_world("t")
    lay = world.lays[0]
    lay_spread(
        lay=lay,
        rolls=[
            {"lot": "t-R1", "plies": 20, "length_m": "49", "end_bits_m": "0", "shade_group": "A"},
            {"lot": "t-R2", "plies": 11, "length_m": "27", "end_bits_m": "0", "shade_group": "B"},
        ],
        by=world.supervisor,
    )
    lay_cut_confirm(lay=lay, cut={"S": 31, "M": 31}, by=world.supervisor)
    workers = [
        WorkerFactory(factory=world.factory, badge_id=f"T{n}", name=f"Op {n}") for n in (1, 2)
    ]
    for number, worker in ((1, workers[0]), (2, workers[1])):
        bundle = Bundle.objects.get(work_order=world.work_order, number=number)
        for operation in world.work_order.operations.order_by("sequence"):
            operation_record_create(
                factory=world.factory,
                bundle=bundle,
                operation=operation,
                worker=worker,
                source=OperationRecord.Source.SCAN,
            )
    finished_goods_receive(
        work_order=world.work_order, colour="Black", size="S", quantity=31, by=world.planner
    )
    carton = carton_pack(
        work_order=world.work_order, contents={("Black", "S"): 25}, by=world.planner
    )
    shipment = shipment_ship(
        work_order=world.work_order, cartons=[carton], carrier="SF Express", by=world.planner
    )
    world.carton, world.shipment = carton, shipment
    return world


def test_packing_records_the_bundles_a_carton_holds_in_number_order(shipped):
    second = carton_pack(
        work_order=shipped.work_order, contents={("Black", "S"): 6}, by=shipped.planner
    )

    assert list(
        CartonBundle.objects.order_by("carton__number", "bundle__number").values_list(
            "carton__number", "bundle__number", "quantity"
        )
    ) == [(1, 1, 20), (1, 2, 5), (2, 2, 6)]
    assert second.number == 2


def test_a_carton_traces_back_to_bundles_operators_lays_and_rolls(shipped):
    trace = carton_trace(shipped.carton)

    rows = [
        (
            row["bundle"].number,
            row["pieces"],
            row["lay"].number,
            [o["badge"] for o in row["operators"]],
        )
        for row in trace["bundles"]
    ]
    assert rows == [(1, 20, 1, ["T1", "T1", "T1"]), (2, 5, 1, ["T2", "T2", "T2"])]
    assert trace["bundles"][0]["rolls"] == [
        {
            "lot_id": shipped.rolls[0].pk,
            "lot": "t-R1",
            "dye_lot": "D1",
            "shade_group": "A",
            "plies": 20,
        },
        {
            "lot_id": shipped.rolls[1].pk,
            "lot": "t-R2",
            "dye_lot": "D2",
            "shade_group": "B",
            "plies": 11,
        },
    ]


def test_a_roll_traces_forward_to_bundles_cartons_and_shipments(shipped):
    trace = lot_trace(shipped.rolls[1])

    assert [(r.lay.number, r.plies) for r in trace["rolls"]] == [(1, 11)]
    assert [row["bundle"].number for row in trace["bundles"]] == [1, 2, 3, 4]
    assert [c.number for c in trace["cartons"]] == [1]
    assert [s.number for s in trace["shipments"]] == [shipped.shipment.number]


def test_a_roll_used_only_for_a_recut_traces_to_that_bundle(shipped):
    from tests.production.cutting_world import roll

    spare = roll(
        material=shipped.fabric, bin=shipped.bin, code="t-R9", metres="5", by=shipped.planner
    )
    bundle = Bundle.objects.get(work_order=shipped.work_order, number=3)
    recut_record(
        bundle=bundle, pieces=1, reason="Stain", lot=spare, length_m="1", by=shipped.supervisor
    )

    trace = lot_trace(spare)

    assert [(row["bundle"].number, row["recut_only"]) for row in trace["bundles"]] == [(3, True)]
    assert (trace["rolls"], trace["cartons"]) == ([], [])


def test_the_trace_endpoints_answer_for_the_factory(shipped):
    client = APIClient()
    client.force_login(shipped.supervisor)

    carton = client.get(f"/api/v1/carton-traces/{shipped.carton.pk}/").json()
    lot = client.get(f"/api/v1/lot-traces/{shipped.rolls[0].pk}/").json()

    assert [(b["number"], b["pieces"], b["rolls"][0]["lot"]) for b in carton["bundles"]] == [
        (1, 20, "t-R1"),
        (2, 5, "t-R1"),
    ]
    assert (lot["code"], [c["number"] for c in lot["cartons"]], lot["shipments"][0]["number"]) == (
        "t-R1",
        [1],
        shipped.shipment.number,
    )


def test_the_trace_pages_show_the_chain(shipped):
    client = APIClient()
    client.force_login(shipped.supervisor)

    carton_page = client.get(f"/production/cartons/{shipped.carton.pk}/trace/")
    lot_page = client.get(f"/inventory/lots/{shipped.rolls[1].pk}/trace/")

    assert (carton_page.status_code, lot_page.status_code) == (200, 200)
    assert "t-R2" in carton_page.content.decode() and "D2" in carton_page.content.decode()
    assert shipped.shipment.number in lot_page.content.decode()
