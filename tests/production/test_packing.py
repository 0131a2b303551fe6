"""Receipts → packing → shipment never exceed what was finished, and so what was cut."""

import pytest

from core.errors import DomainError, NotAllowed
from production.models import CartonLine, FinishedGoodsReceipt, OperationRecord, Shipment
from production.services import (
    carton_pack,
    finished_goods_receive,
    operation_record_create,
    packing_position,
    shipment_ship,
)

pytestmark = pytest.mark.django_db


def finish(floor, bundles=(0, 1, 2), defective=0):
    for b in bundles:
        for n, op in enumerate(floor.operations):
            operation_record_create(
                factory=floor.factory,
                bundle=floor.bundles[b],
                operation=op,
                worker=floor.workers[n],
                source=OperationRecord.Source.SCAN,
                defective_pieces=defective if n == 2 else 0,
            )


def test_receiving_more_than_finished_is_refused(floor):
    finish(floor, bundles=(0,))
    with pytest.raises(DomainError):
        finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=21)
    assert FinishedGoodsReceipt.objects.count() == 0


def test_defective_pieces_at_the_last_operation_are_not_finished(floor):
    finish(floor, bundles=(0,), defective=2)
    with pytest.raises(DomainError):
        finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=19)
    receipt = finished_goods_receive(
        work_order=floor.work_order, colour="Black", size="M", quantity=18
    )
    assert receipt.quantity == 18


def test_packing_more_than_received_is_refused(floor):
    finish(floor, bundles=(0,))
    finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=15)
    carton_pack(work_order=floor.work_order, contents={("Black", "M"): 10})
    with pytest.raises(DomainError):
        carton_pack(work_order=floor.work_order, contents={("Black", "M"): 6})
    assert CartonLine.objects.count() == 1


def test_a_carton_ships_once(floor):
    finish(floor, bundles=(0,))
    finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=20)
    carton = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    shipment_ship(work_order=floor.work_order, cartons=[carton], carrier="SF", tracking_number="1")
    with pytest.raises(NotAllowed):
        shipment_ship(work_order=floor.work_order, cartons=[carton], carrier="SF")
    assert Shipment.objects.count() == 1


def test_the_whole_chain_stays_within_what_was_cut(floor):
    finish(floor)
    for quantity in (30, 30):
        finished_goods_receive(
            work_order=floor.work_order, colour="Black", size="M", quantity=quantity
        )
    cartons = [
        carton_pack(work_order=floor.work_order, contents={("Black", "M"): 24}),
        carton_pack(work_order=floor.work_order, contents={("Black", "M"): 24}),
        carton_pack(work_order=floor.work_order, contents={("Black", "M"): 12}),
    ]
    with pytest.raises(DomainError):
        finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=1)
    with pytest.raises(DomainError):
        carton_pack(work_order=floor.work_order, contents={("Black", "M"): 1})
    shipment_ship(work_order=floor.work_order, cartons=cartons, carrier="SF", tracking_number="9")
    (cell,) = packing_position(floor.work_order)
    assert (cell["cut"], cell["finished"], cell["received"], cell["packed"], cell["shipped"]) == (
        60,
        60,
        60,
        60,
        60,
    )


def test_shipping_moves_the_merchant_order_to_partly_shipped_then_shipped(floor):
    from orders.models import Order
    from tests.factories import OrderFactory, OrderLineFactory

    order = OrderFactory(
        factory=floor.factory, version=floor.work_order.version, status=Order.Status.IN_PRODUCTION
    )
    OrderLineFactory(order=order, size="M", colour="Black", quantity=40)
    floor.work_order.order = order
    floor.work_order.save()
    finish(floor)
    finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=40)
    first = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    second = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    shipment_ship(work_order=floor.work_order, cartons=[first], carrier="SF", tracking_number="1")
    order.refresh_from_db()
    partly = (order.status, order.shipped_quantity)
    shipment_ship(work_order=floor.work_order, cartons=[second], carrier="SF", tracking_number="2")
    order.refresh_from_db()
    assert (partly, (order.status, order.shipped_quantity)) == (
        (Order.Status.PARTLY_SHIPPED, 20),
        (Order.Status.SHIPPED, 40),
    )


def test_received_and_packed_pieces_move_whole_bundles_along(floor):
    from production.models import Bundle

    finish(floor)
    finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=45)
    carton_pack(work_order=floor.work_order, contents={("Black", "M"): 20})
    statuses = list(
        Bundle.objects.filter(work_order=floor.work_order)
        .order_by("number")
        .values_list("status", flat=True)
    )
    assert statuses == [Bundle.Status.PACKED, Bundle.Status.FINISHED, Bundle.Status.SEWN]


def test_receipts_and_shipments_post_to_the_finished_goods_ledger(floor):
    from inventory.models import StockMove

    finish(floor, bundles=(0,))
    finished_goods_receive(work_order=floor.work_order, colour="Black", size="M", quantity=20)
    carton = carton_pack(work_order=floor.work_order, contents={("Black", "M"): 12})
    shipment_ship(work_order=floor.work_order, cartons=[carton], carrier="SF", tracking_number="1")
    moves = sorted(
        (move.kind, int(move.quantity)) for move in StockMove.objects.filter(factory=floor.factory)
    )
    assert moves == [(StockMove.Kind.FG_RECEIPT, 20), (StockMove.Kind.SHIPMENT, 12)]
