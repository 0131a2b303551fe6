"""Reserving lots for a work order's cut: one dye lot per colour where possible.

Rolls of one dye lot share a shade; mixing dye lots in one cut shows as colour differences
between the panels of a garment. A fabric material is one colour, so "one dye lot per colour of
a cut" means: cover the work order's need of a material from a single dye lot when one is big
enough (the smallest such, keeping big dye lots whole for big orders), else from as few dye
lots as possible, largest first.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.realtime import notify
from inventory.models import Lot, Material, Reservation
from inventory.models.fields import ZERO
from inventory.services.ledger import (
    lot_lock,
    lot_on_hand,
    lot_reserved,
    positive_quantity,
    qty_text,
    same_factory,
)


@dataclass
class ReservationResult:
    reservations: list[Reservation] = field(default_factory=list)
    short: Decimal = ZERO

    @property
    def dye_lots(self) -> list[str]:
        return sorted({r.lot.dye_lot for r in self.reservations})


def lot_available(lot: Lot) -> Decimal:
    """On hand minus every active reservation of the lot."""
    return lot_on_hand(lot) - lot_reserved(lot)


@transaction.atomic
def reservation_create(*, lot: Lot, work_order, quantity, by) -> Reservation:
    """Reserve part of one lot for a work order."""
    quantity = positive_quantity(quantity)
    same_factory(lot.factory_id, work_order)
    lot = lot_lock(lot)
    if not lot.is_usable:
        raise DomainError(
            _("Lot %(lot)s has not passed inspection and may not be reserved.") % {"lot": lot.code},
            code="lot_not_released",
            errors={"lot": [_("Not passed inspection.")]},
        )
    available = lot_available(lot)
    if quantity > available:
        raise DomainError(
            _("Only %(quantity)s %(unit)s of lot %(lot)s are available.")
            % {
                "quantity": qty_text(available),
                "unit": lot.material.get_unit_display(),
                "lot": lot.code,
            },
            code="insufficient_stock",
            errors={"quantity": [_("More than is available.")]},
        )
    return Reservation.objects.create(
        factory_id=lot.factory_id,
        lot=lot,
        material_id=lot.material_id,
        work_order=work_order,
        quantity=quantity,
        created_by=by,
    )


def _release(reservation: Reservation) -> None:
    # Saved through the ORM so that django-auditlog records each release.
    reservation.status = Reservation.Status.RELEASED
    reservation.save(update_fields=["status"])


@transaction.atomic
def reservation_release(*, reservation: Reservation, by) -> Reservation:
    reservation = Reservation.objects.select_for_update(no_key=True).get(pk=reservation.pk)
    if reservation.status != Reservation.Status.ACTIVE:
        raise NotAllowed(_("Only an active reservation can be released."))
    _release(reservation)
    return reservation


@transaction.atomic
def work_order_reservations_release(*, work_order, by) -> list[Reservation]:
    """Free every active reservation of a work order (it was cancelled): the reserved lots'
    open quantities become available to other work orders. What was already issued stays
    issued. Returns the released reservations."""
    reservations = list(
        Reservation.objects.select_for_update(of=("self",), no_key=True)
        .filter(
            factory_id=work_order.factory_id,
            work_order=work_order,
            status=Reservation.Status.ACTIVE,
        )
        .select_related("material")
        .order_by("pk")
    )
    for reservation in reservations:
        _release(reservation)
    for code in sorted({reservation.material.code for reservation in reservations}):
        notify(work_order.factory_id, "stock_changed", {"material": code, "kind": "released"})
    return reservations


@transaction.atomic
def material_reserve(
    *, work_order, material: Material, quantity, by, colour: str = ""
) -> ReservationResult:
    """Reserve `quantity` of a material (of one colour, when given) for a work order,
    preferring one dye lot. Reserves what there is and reports the rest as `short`; never
    over-reserves."""
    quantity = positive_quantity(quantity)
    same_factory(material.factory_id, work_order)
    candidates = Lot.objects.filter(material=material)
    if colour:
        candidates = candidates.filter(colour=colour)
    lots = [lot_lock(lot) for lot in candidates.order_by("received_at", "pk")]
    by_dye_lot: dict[str, list[tuple[Lot, Decimal]]] = defaultdict(list)
    for lot in lots:
        if not lot.is_usable:
            continue
        available = lot_available(lot)
        if available > 0:
            by_dye_lot[lot.dye_lot].append((lot, available))
    totals = {dye: sum(a for _l, a in group) for dye, group in by_dye_lot.items()}
    covering = sorted((total, dye) for dye, total in totals.items() if total >= quantity)
    if covering:
        order = [covering[0][1]]
    else:
        order = [dye for _t, dye in sorted(((-t, d) for d, t in totals.items()))]
    result = ReservationResult()
    remaining = quantity
    for dye in order:
        for lot, available in by_dye_lot[dye]:
            if remaining <= 0:
                break
            take = min(available, remaining)
            result.reservations.append(
                Reservation.objects.create(
                    factory_id=lot.factory_id,
                    lot=lot,
                    material_id=material.pk,
                    work_order=work_order,
                    quantity=take,
                    created_by=by,
                )
            )
            remaining -= take
    result.short = remaining
    return result
