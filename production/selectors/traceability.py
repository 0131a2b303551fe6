"""Traceability, for the factory only: from a carton back to its bundles, operators, lays and
rolls (lot, dye lot, shade group); from a lot forward to the lays spread from it, their bundles,
the cartons holding them and the shipments that carried them.

Cartons know their bundles through CartonBundle, written at packing (bundles are packed in
number order: `carton_bundles_allocate`).
"""

from collections import defaultdict

from django.db.models import Q

from production.models import (
    Bundle,
    Carton,
    CartonBundle,
    OperationRecord,
    Recut,
    SpreadRoll,
)


def _rolls_by_lay(lay_ids) -> dict[int, list[dict]]:
    rolls: dict[int, list[dict]] = defaultdict(list)
    for roll in (
        SpreadRoll.objects.filter(lay_id__in=lay_ids)
        .select_related("lot")
        .order_by("lay_id", "sequence")
    ):
        rolls[roll.lay_id].append(
            {
                "lot_id": roll.lot_id,
                "lot": roll.lot.code,
                "dye_lot": roll.lot.dye_lot,
                "shade_group": roll.shade_group,
                "plies": roll.plies,
            }
        )
    return rolls


def carton_trace(carton: Carton) -> dict:
    """A carton → its bundles (pieces packed from each) → per bundle: its lay, the rolls spread
    on that lay, the operators who worked on it and its re-cuts."""
    links = list(
        CartonBundle.objects.filter(factory_id=carton.factory_id, carton=carton)
        .select_related("bundle__lay")
        .order_by("bundle__number")
    )
    bundle_ids = [link.bundle_id for link in links]
    operators: dict[int, list[dict]] = defaultdict(list)
    seen = set()
    for bundle_id, badge, name, op in (
        OperationRecord.objects.filter(bundle_id__in=bundle_ids, voided_at__isnull=True)
        .order_by("bundle_id", "operation__sequence", "worker__badge_id")
        .values_list("bundle_id", "worker__badge_id", "worker__name", "operation__name")
    ):
        if (bundle_id, badge, op) not in seen:
            seen.add((bundle_id, badge, op))
            operators[bundle_id].append({"badge": badge, "name": name, "operation": op})
    recuts: dict[int, list[Recut]] = defaultdict(list)
    for recut in Recut.objects.filter(bundle_id__in=bundle_ids).select_related("lot"):
        recuts[recut.bundle_id].append(recut)
    rolls = _rolls_by_lay({link.bundle.lay_id for link in links})
    return {
        "carton": carton,
        "bundles": [
            {
                "bundle": link.bundle,
                "pieces": link.quantity,
                "lay": link.bundle.lay,
                "rolls": rolls.get(link.bundle.lay_id, []),
                "operators": operators.get(link.bundle_id, []),
                "recuts": recuts.get(link.bundle_id, []),
            }
            for link in links
        ],
    }


def lot_trace(lot) -> dict:
    """A lot (a roll) → the lays spread from it (and re-cuts cut from it) → their bundles →
    the cartons holding those bundles → the shipments that carried the cartons."""
    rolls = list(
        SpreadRoll.objects.filter(factory_id=lot.factory_id, lot=lot)
        .select_related("lay__cut_plan__work_order")
        .order_by("lay__cut_plan__work_order__number", "lay__number", "sequence")
    )
    recut_bundle_ids = set(
        Recut.objects.filter(factory_id=lot.factory_id, lot=lot).values_list("bundle_id", flat=True)
    )
    lay_ids = {roll.lay_id for roll in rolls}
    bundles = list(
        Bundle.objects.filter(factory_id=lot.factory_id)
        .filter(Q(lay_id__in=lay_ids) | Q(pk__in=recut_bundle_ids))
        .order_by("work_order_id", "number")
    )
    cartons: dict[int, list[Carton]] = defaultdict(list)
    for link in (
        CartonBundle.objects.filter(bundle_id__in=[bundle.pk for bundle in bundles])
        .select_related("carton__shipment")
        .order_by("carton__number")
    ):
        cartons[link.bundle_id].append(link.carton)
    shipments = {
        carton.shipment.pk: carton.shipment
        for found in cartons.values()
        for carton in found
        if carton.shipment_id
    }
    return {
        "lot": lot,
        "rolls": rolls,
        "bundles": [
            {
                "bundle": bundle,
                "recut_only": bundle.lay_id not in lay_ids,
                "cartons": cartons.get(bundle.pk, []),
            }
            for bundle in bundles
        ],
        "cartons": sorted(
            {carton.pk: carton for found in cartons.values() for carton in found}.values(),
            key=lambda carton: (carton.work_order_id, carton.number),
        ),
        "shipments": sorted(shipments.values(), key=lambda shipment: shipment.number),
    }
