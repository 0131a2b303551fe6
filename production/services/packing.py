"""Writes of packing and delivery: finished-goods receipts, cartons, shipments.

Each step is bounded by the one before it, per size × colour: received ≤ finished at the last
scanned operation (≤ cut), packed ≤ received, shipped ≤ packed (a carton ships once).
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.realtime import notify
from inventory.services import finished_goods_receive as stock_finished_goods_receive
from inventory.services import finished_goods_ship as stock_finished_goods_ship
from orders.services import order_shipment_record
from production.models import (
    Bundle,
    Carton,
    CartonLine,
    FinishedGoodsReceipt,
    OperationRecord,
    Shipment,
    WorkOrder,
    WorkOrderLine,
)
from production.selectors.output import finished_by
from production.selectors.progress import cut_by_cell
from production.services.bundles import bundles_transition
from production.services.holds import held_bundles_refuse, held_cartons_refuse
from production.services.quality import final_audit_gate
from production.services.traceability import carton_bundles_allocate
from production.services.work_orders import work_order_transition

Cell = tuple[str, str]  # (colour, size)


def _refuse(field: str, message) -> DomainError:
    return DomainError(message, code=f"invalid_{field}", errors={field: [message]})


def finished_by_cell(work_order: WorkOrder) -> dict[Cell, int]:
    """Finished pieces per colour × size: production's one definition of a finished garment
    (`selectors.finished_by`)."""
    records = OperationRecord.objects.filter(
        factory_id=work_order.factory_id, work_order=work_order, voided_at__isnull=True
    )
    return dict(finished_by(records, "bundle__colour", "bundle__size"))


def received_by_cell(work_order: WorkOrder) -> dict[Cell, int]:
    return {
        (row["colour"], row["size"]): row["n"]
        for row in FinishedGoodsReceipt.objects.filter(
            factory_id=work_order.factory_id, work_order=work_order
        )
        .values("colour", "size")
        .annotate(n=Sum("quantity"))
    }


def packed_by_cell(work_order: WorkOrder, *, shipped_only: bool = False) -> dict[Cell, int]:
    lines = CartonLine.objects.filter(
        factory_id=work_order.factory_id, carton__work_order=work_order
    )
    if shipped_only:
        lines = lines.filter(carton__shipment__status=Shipment.Status.SHIPPED)
    return {
        (row["colour"], row["size"]): row["n"]
        for row in lines.values("colour", "size").annotate(n=Sum("quantity"))
    }


def packing_position(work_order: WorkOrder) -> list[dict]:
    """Per size × colour: ordered, cut (as the cutting room confirmed it), finished, received,
    packed and shipped pieces."""
    cut = cut_by_cell(work_order.factory, [work_order.pk])
    finished = finished_by_cell(work_order)
    received = received_by_cell(work_order)
    packed = packed_by_cell(work_order)
    shipped = packed_by_cell(work_order, shipped_only=True)
    return [
        {
            "colour": line.colour,
            "size": line.size,
            "ordered": line.ordered_quantity,
            "cut": cut.get((work_order.pk, line.colour, line.size), 0),
            "finished": finished.get((line.colour, line.size), 0),
            "received": received.get((line.colour, line.size), 0),
            "packed": packed.get((line.colour, line.size), 0),
            "shipped": shipped.get((line.colour, line.size), 0),
        }
        for line in WorkOrderLine.objects.filter(
            factory_id=work_order.factory_id, work_order=work_order
        )
    ]


def _lock(work_order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update(no_key=True).get(pk=work_order.pk)


@transaction.atomic
def finished_goods_receive(
    *, work_order: WorkOrder, colour: str, size: str, quantity: int, by=None
) -> FinishedGoodsReceipt:
    """Receive finished pieces of one size × colour into the finished-goods store."""
    work_order = _lock(work_order)
    quantity = int(quantity)
    cell = (colour, size)
    if not WorkOrderLine.objects.filter(
        factory_id=work_order.factory_id, work_order=work_order, colour=colour, size=size
    ).exists():
        raise _refuse("size", _("This size and colour is not in the work order."))
    available = finished_by_cell(work_order).get(cell, 0) - received_by_cell(work_order).get(
        cell, 0
    )
    if quantity < 1 or quantity > available:
        raise _refuse(
            "quantity",
            _("Only %(n)d finished pieces of %(colour)s/%(size)s are waiting to be received.")
            % {"n": max(0, available), "colour": colour, "size": size},
        )
    receipt = FinishedGoodsReceipt.objects.create(
        factory_id=work_order.factory_id,
        work_order=work_order,
        colour=colour,
        size=size,
        quantity=quantity,
        received_by=by,
    )

    # The same pieces enter the finished-goods store in inventory's ledger.
    stock_finished_goods_receive(
        work_order=work_order,
        colour=colour,
        size=size,
        quantity=quantity,
        by=by,
        reference=f"{work_order.number}-R{receipt.pk}",
    )
    if work_order.status == WorkOrder.Status.SEWING:
        work_order_transition(work_order=work_order, to=WorkOrder.Status.FINISHING, by=by)
    _advance_bundles(
        work_order, cell, received_by_cell(work_order).get(cell, 0), Bundle.Status.FINISHED, by
    )
    notify(
        work_order.factory_id,
        "finished_goods_received",
        {"work_order": work_order.pk, "colour": colour, "size": size, "quantity": quantity},
    )
    return receipt


@transaction.atomic
def carton_pack(
    *, work_order: WorkOrder, contents: dict[Cell, int], gross_weight_kg=None, by=None
) -> Carton:
    """Pack a carton: one size × colour (solid) or several (assorted), from received goods.
    Refused at the gates: a rejected last final audit (`final_audit_failed`), a held bundle
    of a packed size × colour (`bundle_on_hold`)."""
    work_order = _lock(work_order)
    contents = {cell: int(n) for cell, n in contents.items() if int(n) != 0}
    if not contents:
        raise _refuse("contents", _("A carton holds at least one piece."))
    final_audit_gate(work_order=work_order)
    held_bundles_refuse(work_order=work_order, cells=contents)
    received = received_by_cell(work_order)
    packed = packed_by_cell(work_order)
    errors = {}
    for (colour, size), pieces in contents.items():
        available = received.get((colour, size), 0) - packed.get((colour, size), 0)
        if pieces < 1 or pieces > available:
            errors[f"{colour}/{size}"] = [
                _("Only %(n)d received pieces are left to pack.") % {"n": max(0, available)}
            ]
    if errors:
        raise DomainError(
            _("Packing more than was finished and received is not possible."),
            code="invalid_contents",
            errors=errors,
        )
    number = (
        Carton.objects.filter(factory_id=work_order.factory_id, work_order=work_order).aggregate(
            n=Max("number")
        )["n"]
        or 0
    ) + 1
    carton = Carton.objects.create(
        factory_id=work_order.factory_id,
        work_order=work_order,
        number=number,
        kind=Carton.Kind.SOLID if len(contents) == 1 else Carton.Kind.ASSORTED,
        gross_weight_kg=gross_weight_kg,
        packed_by=by,
    )
    CartonLine.objects.bulk_create(
        [
            CartonLine(
                factory_id=work_order.factory_id, carton=carton, colour=c, size=s, quantity=n
            )
            for (c, s), n in sorted(contents.items())
        ]
    )
    carton_bundles_allocate(carton=carton, contents=contents)  # traceability: carton → bundles
    packed_now = packed_by_cell(work_order)
    for cell in contents:
        _advance_bundles(work_order, cell, packed_now.get(cell, 0), Bundle.Status.PACKED, by)
    return carton


def _advance_bundles(work_order: WorkOrder, cell: Cell, pieces: int, status: str, by) -> None:
    """Move whole bundles of a size × colour to `status` (finished, then packed) while the
    pieces received (or packed) cover them, so a merchant's progress can count bundles."""
    done = [Bundle.Status.FINISHED, Bundle.Status.PACKED]
    earlier = [Bundle.Status.IN_SEWING, Bundle.Status.SEWN]
    if status == Bundle.Status.PACKED:
        done, earlier = [Bundle.Status.PACKED], [Bundle.Status.FINISHED]
    bundles = Bundle.objects.filter(
        factory_id=work_order.factory_id, work_order=work_order, colour=cell[0], size=cell[1]
    )
    covered = bundles.filter(status__in=done).aggregate(n=Sum("quantity"))["n"] or 0
    move = []
    # The work order (locked by the caller) is shared by its bundles' str() in the audit entries.
    candidates = (
        bundles.filter(status__in=earlier).select_for_update(no_key=True).order_by("number")
    )
    for bundle in candidates:
        if covered + bundle.quantity > pieces:
            break
        covered += bundle.quantity
        bundle.work_order = work_order
        move.append(bundle)
    bundles_transition(bundles=move, to=status, by=by)


@transaction.atomic
def shipment_ship(
    *,
    work_order: WorkOrder,
    cartons: list[Carton | int],
    carrier: str,
    tracking_number: str = "",
    by=None,
) -> Shipment:
    """Ship packed cartons with a carrier. The merchant's order becomes partly shipped or
    shipped through orders' lifecycle service, which fires the merchant's webhook. Refused at
    the gates: a rejected last final audit (`final_audit_failed`), a held carton
    (`carton_on_hold`)."""
    work_order = _lock(work_order)
    carrier = (carrier or "").strip()
    if not carrier:
        raise _refuse("carrier", _("A carrier is required."))
    ids = [c.pk if isinstance(c, Carton) else int(c) for c in cartons]
    found = list(
        Carton.objects.select_for_update(no_key=True).filter(
            factory_id=work_order.factory_id, work_order=work_order, pk__in=ids
        )
    )
    if not ids or len(found) != len(set(ids)):
        raise _refuse("cartons", _("Choose packed cartons of this work order."))
    if any(c.shipment_id for c in found):
        raise NotAllowed(_("A carton can ship only once."), code="carton_shipped")
    final_audit_gate(work_order=work_order)
    held_cartons_refuse(cartons=found)
    count = Shipment.objects.filter(factory_id=work_order.factory_id).count()
    shipment = Shipment.objects.create(
        factory_id=work_order.factory_id,
        number=f"{work_order.number}-S{count + 1:03d}",
        work_order=work_order,
        order=work_order.order,
        carrier=carrier,
        tracking_number=(tracking_number or "").strip(),
        status=Shipment.Status.SHIPPED,
        shipped_at=timezone.now(),
        shipped_by=by,
    )
    Carton.objects.filter(pk__in=[c.pk for c in found]).update(shipment=shipment)
    grid: dict[Cell, int] = defaultdict(int)
    for line in CartonLine.objects.filter(carton__in=found):
        grid[(line.colour, line.size)] += line.quantity

    # The shipped pieces leave the finished-goods store in inventory's ledger.
    for (colour, size), pieces in sorted(grid.items()):
        stock_finished_goods_ship(
            factory=work_order.factory,
            style_code=work_order.version.style.number,
            colour=colour,
            size=size,
            quantity=pieces,
            reference=shipment.number,
            by=by,
        )
    if work_order.order_id:
        order_shipment_record(
            order=work_order.order,
            carrier=carrier,
            lines=dict(grid),
            tracking_no=shipment.tracking_number,
            reference=shipment.number,
            shipped_at=shipment.shipped_at,
            by=by,
            acting=work_order.factory.organization,
        )
    if work_order.status != WorkOrder.Status.DONE and _everything_ordered_shipped(work_order):
        work_order_transition(work_order=work_order, to=WorkOrder.Status.DONE, by=by)
    notify(
        work_order.factory_id,
        "shipment_shipped",
        {"work_order": work_order.pk, "shipment": shipment.pk, "pieces": sum(grid.values())},
    )
    return shipment


def _everything_ordered_shipped(work_order: WorkOrder) -> bool:
    shipped = packed_by_cell(work_order, shipped_only=True)
    return all(
        shipped.get((line.colour, line.size), 0) >= line.ordered_quantity
        for line in WorkOrderLine.objects.filter(
            factory_id=work_order.factory_id, work_order=work_order
        )
    )
