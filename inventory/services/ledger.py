"""The stock ledger: every change of stock is an immutable move posted here.

Each posting locks the lot's row first (`select_for_update`), so postings to one lot are
serialized on PostgreSQL: two clerks issuing the last roll at the same moment get one success
and one clear error. Balances per lot and bin are updated in the same transaction; they are
the ledger's running sums, never written anywhere else.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError
from core.realtime import notify
from inventory.models import (
    Bin,
    CycleCount,
    Lot,
    Material,
    Reservation,
    StockBalance,
    StockMove,
    Warehouse,
)
from inventory.models.fields import ZERO
from inventory.selectors import material_issued_value

COST_PLACES = Decimal("0.0001")


def qty_text(quantity: Decimal) -> str:
    """A quantity for a message: 100, 12.5 — never 1E+2."""
    return f"{quantity.normalize():f}"


def _decimal(value) -> Decimal | None:
    try:
        quantity = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return quantity if quantity.is_finite() else None


def positive_quantity(value, field: str = "quantity") -> Decimal:
    """A quantity from a caller, as a Decimal > 0, or a clear error."""
    quantity = _decimal(value)
    if quantity is None or quantity <= 0:
        raise DomainError(
            _("The quantity must be a number above zero."), errors={field: [_("Invalid.")]}
        )
    return quantity


def non_negative_quantity(value, field: str, message) -> Decimal:
    """A counted or confirmed quantity: zero or more, or `message` as the error."""
    quantity = _decimal(value)
    if quantity is None or quantity < 0:
        raise DomainError(message, errors={field: [_("Invalid.")]})
    return quantity


def same_factory(factory_id: int, *objects) -> None:
    """Refuse objects of another factory (an API scopes them away; this guards services)."""
    for obj in objects:
        if obj is not None and obj.factory_id != factory_id:
            raise DomainError(_("Not found."), status_code=404)


def bin_ensure_unlocked(bin: Bin) -> None:
    if CycleCount.objects.filter(bin=bin, status__in=CycleCount.LOCKING_STATUSES).exists():
        raise Conflict(
            _("Bin %(bin)s is being counted; nothing may move in or out until the count is done.")
            % {"bin": bin.code},
            code="bin_locked",
            errors={"bin": [_("Locked by a cycle count.")]},
        )


def lot_lock(lot: Lot) -> Lot:
    """Lock the lot for this transaction: every posting to it waits for the one before."""
    return Lot.objects.select_for_update(no_key=True).select_related("material").get(pk=lot.pk)


def lot_on_hand(lot: Lot) -> Decimal:
    return StockBalance.objects.filter(lot=lot).aggregate(q=Sum("quantity"))["q"] or ZERO


def lot_reserved(lot: Lot, *, excluding_work_order_id: int | None = None) -> Decimal:
    reservations = Reservation.objects.filter(lot=lot, status=Reservation.Status.ACTIVE)
    if excluding_work_order_id is not None:
        reservations = reservations.exclude(work_order_id=excluding_work_order_id)
    total = reservations.aggregate(q=Sum(F("quantity") - F("issued_quantity")))["q"]
    return total or ZERO


def _balance_change(*, lot: Lot, bin: Bin, delta: Decimal) -> StockBalance:
    balance = StockBalance.objects.select_for_update(no_key=True).filter(lot=lot, bin=bin).first()
    if balance is None:
        if delta < 0:
            raise _not_enough(lot, bin, ZERO)
        try:
            with transaction.atomic():
                return StockBalance.objects.create(
                    factory_id=lot.factory_id,
                    material_id=lot.material_id,
                    lot=lot,
                    bin=bin,
                    quantity=delta,
                )
        except IntegrityError:  # created meanwhile by another posting to the same lot and bin
            balance = StockBalance.objects.select_for_update(no_key=True).get(lot=lot, bin=bin)
    if balance.quantity + delta < 0:
        raise _not_enough(lot, bin, balance.quantity)
    balance.quantity += delta
    balance.save(update_fields=["quantity"])
    return balance


def _not_enough(lot: Lot, bin: Bin, on_hand: Decimal) -> DomainError:
    return DomainError(
        _("Only %(quantity)s %(unit)s of lot %(lot)s are in bin %(bin)s.")
        % {
            "quantity": qty_text(on_hand),
            "unit": lot.material.get_unit_display(),
            "lot": lot.code,
            "bin": bin.code,
        },
        code="insufficient_stock",
        errors={"quantity": [_("More than is on hand.")]},
    )


def _move(*, kind, lot, quantity, unit_cost, by, from_bin=None, to_bin=None, **extra) -> StockMove:
    return StockMove.objects.create(
        factory_id=lot.factory_id,
        kind=kind,
        material_id=lot.material_id,
        lot=lot,
        from_bin=from_bin,
        to_bin=to_bin,
        quantity=quantity,
        unit_cost=unit_cost,
        created_by=by,
        **extra,
    )


def _material_on_hand(material: Material) -> Decimal:
    return StockBalance.objects.filter(material=material).aggregate(q=Sum("quantity"))["q"] or ZERO


def receipt_post(
    *,
    lot: Lot,
    bin: Bin,
    quantity: Decimal,
    unit_cost: Decimal,
    by,
    kind: str = StockMove.Kind.RECEIPT,
    **extra,
) -> StockMove:
    """Stock comes in at a cost: the material's moving-average cost absorbs it.

    Called inside the caller's transaction (purchase receiving, finished-goods receipt).
    """
    bin_ensure_unlocked(bin)
    material = Material.objects.select_for_update(no_key=True).get(pk=lot.material_id)
    on_hand = _material_on_hand(material)
    if on_hand + quantity > 0:
        material.average_cost = (
            (on_hand * material.average_cost + quantity * unit_cost) / (on_hand + quantity)
        ).quantize(COST_PLACES, ROUND_HALF_UP)
        material.save(update_fields=["average_cost"])
    _balance_change(lot=lot, bin=bin, delta=quantity)
    return _move(
        kind=kind, lot=lot, quantity=quantity, unit_cost=unit_cost, by=by, to_bin=bin, **extra
    )


@transaction.atomic
def stock_issue(*, lot: Lot, bin: Bin, quantity, work_order, by, note: str = "") -> StockMove:
    """Issue stock of a lot to a work order's cutting.

    Refused: an uninspected or failed roll, a counted bin, more than is on hand, or quantity
    reserved for another work order. The work order's own reservation is consumed.
    """
    quantity = positive_quantity(quantity)
    same_factory(lot.factory_id, bin, work_order)
    lot = lot_lock(lot)
    if not lot.is_usable:
        raise DomainError(
            _("Lot %(lot)s has not passed inspection and may not be cut.") % {"lot": lot.code},
            code="lot_not_released",
            errors={"lot": [_("Not passed inspection.")]},
        )
    bin_ensure_unlocked(bin)
    others = lot_reserved(lot, excluding_work_order_id=work_order.pk)
    on_hand = lot_on_hand(lot)
    if quantity > on_hand - others and quantity <= on_hand:
        raise DomainError(
            _(
                "Lot %(lot)s is reserved for another work order; only %(free)s %(unit)s "
                "of it are free."
            )
            % {
                "lot": lot.code,
                "free": qty_text(on_hand - others),
                "unit": lot.material.get_unit_display(),
            },
            code="reserved_for_another_order",
            errors={"lot": [_("Reserved for another work order.")]},
        )
    _balance_change(lot=lot, bin=bin, delta=-quantity)
    _consume_reservations(lot=lot, work_order=work_order, quantity=quantity)
    move = _move(
        kind=StockMove.Kind.ISSUE,
        lot=lot,
        quantity=quantity,
        unit_cost=lot.material.average_cost,
        by=by,
        from_bin=bin,
        work_order=work_order,
        reference=work_order.number,
        note=note,
    )
    notify(lot.factory_id, "stock_changed", {"material": lot.material.code, "kind": move.kind})
    return move


def _consume_reservations(*, lot: Lot, work_order, quantity: Decimal) -> None:
    remaining = quantity
    reservations = Reservation.objects.select_for_update(no_key=True).filter(
        lot=lot, work_order=work_order, status=Reservation.Status.ACTIVE
    )
    for reservation in reservations.order_by("created_at", "pk"):
        if remaining <= 0:
            break
        take = min(reservation.open_quantity, remaining)
        reservation.issued_quantity += take
        remaining -= take
        if reservation.open_quantity <= 0:
            reservation.status = Reservation.Status.CONSUMED
        reservation.save(update_fields=["issued_quantity", "status"])


def issued_to_work_order(*, lot: Lot, work_order) -> Decimal:
    """Net quantity of a lot on the floor for a work order: issues minus returns."""
    totals = dict(
        StockMove.objects.filter(
            lot=lot,
            work_order=work_order,
            kind__in=[StockMove.Kind.ISSUE, StockMove.Kind.RETURN],
        )
        .values_list("kind")
        .annotate(q=Sum("quantity"))
    )
    return totals.get(StockMove.Kind.ISSUE, ZERO) - totals.get(StockMove.Kind.RETURN, ZERO)


@transaction.atomic
def stock_return(*, lot: Lot, bin: Bin, quantity, work_order, by, note: str = "") -> StockMove:
    """Material comes back from the floor (an unused roll end): at most what was issued."""
    quantity = positive_quantity(quantity)
    same_factory(lot.factory_id, bin, work_order)
    lot = lot_lock(lot)
    bin_ensure_unlocked(bin)
    outstanding = issued_to_work_order(lot=lot, work_order=work_order)
    if quantity > outstanding:
        raise DomainError(
            _("Only %(quantity)s of lot %(lot)s were issued to work order %(wo)s.")
            % {"quantity": qty_text(outstanding), "lot": lot.code, "wo": work_order.number},
            code="return_exceeds_issue",
            errors={"quantity": [_("More than was issued.")]},
        )
    _balance_change(lot=lot, bin=bin, delta=quantity)
    move = _move(
        kind=StockMove.Kind.RETURN,
        lot=lot,
        quantity=quantity,
        unit_cost=lot.material.average_cost,
        by=by,
        to_bin=bin,
        work_order=work_order,
        reference=work_order.number,
        note=note,
    )
    notify(lot.factory_id, "stock_changed", {"material": lot.material.code, "kind": move.kind})
    return move


@transaction.atomic
def stock_transfer(
    *, lot: Lot, from_bin: Bin, to_bin: Bin, quantity, by, note: str = ""
) -> StockMove:
    """Move stock of a lot from one bin to another (reservations follow the lot)."""
    quantity = positive_quantity(quantity)
    same_factory(lot.factory_id, from_bin, to_bin)
    if from_bin.pk == to_bin.pk:
        raise DomainError(
            _("Choose a different destination bin."), errors={"to_bin": [_("Same bin.")]}
        )
    lot = lot_lock(lot)
    bin_ensure_unlocked(from_bin)
    bin_ensure_unlocked(to_bin)
    _balance_change(lot=lot, bin=from_bin, delta=-quantity)
    _balance_change(lot=lot, bin=to_bin, delta=quantity)
    return _move(
        kind=StockMove.Kind.TRANSFER,
        lot=lot,
        quantity=quantity,
        unit_cost=lot.material.average_cost,
        by=by,
        from_bin=from_bin,
        to_bin=to_bin,
        note=note,
    )


def adjustment_post(*, lot: Lot, bin: Bin, variance: Decimal, by, cycle_count) -> StockMove:
    """A counted variance becomes stock (inside the count's transaction; its own bin lock
    does not apply to it)."""
    lot = lot_lock(lot)
    _balance_change(lot=lot, bin=bin, delta=variance)
    return _move(
        kind=StockMove.Kind.ADJUSTMENT,
        lot=lot,
        quantity=abs(variance),
        unit_cost=lot.material.average_cost,
        by=by,
        from_bin=bin if variance < 0 else None,
        to_bin=bin if variance > 0 else None,
        cycle_count=cycle_count,
        reference=f"CC-{cycle_count.pk}",
    )


# --- finished goods: called by production's packing and shipping ---------------------------
def sku_code(style_code: str, colour: str, size: str) -> str:
    return f"{style_code}-{colour}-{size}"


def finished_goods_material(*, factory, style_code: str, colour: str, size: str) -> Material:
    material, _created = Material.objects.get_or_create(
        factory=factory,
        code=sku_code(style_code, colour, size),
        defaults={
            "name": f"{style_code} {colour} {size}",
            "kind": Material.Kind.FINISHED,
            "unit": Material.Unit.PIECE,
            "colour": colour,
            "style_code": style_code,
            "size": size,
        },
    )
    if material.kind != Material.Kind.FINISHED:
        raise DomainError(
            _("Material %(code)s exists and is not a finished good.") % {"code": material.code}
        )
    return material


def _finished_goods_bin(factory) -> Bin:
    bin = (
        Bin.objects.filter(factory=factory, warehouse__code="FG", is_active=True)
        .order_by("code")
        .first()
    )
    if bin is None:
        warehouse, _created = Warehouse.objects.get_or_create(
            factory=factory, code="FG", defaults={"name": _("Finished goods")}
        )
        bin, _created = Bin.objects.get_or_create(
            factory=factory, code="FG-01", defaults={"warehouse": warehouse}
        )
    return bin


@transaction.atomic
def finished_goods_receive(
    *,
    work_order,
    colour: str,
    size: str,
    quantity: int,
    by,
    bin: Bin | None = None,
    reference: str = "",
) -> StockMove:
    """Packed garments of a work order enter the finished-goods store (an `fg_receipt` move).

    Valued at the work order's material cost per garment when known, else zero. The lot is the
    work order's colour and size, so a shipment can be traced back to its work order.
    """
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise DomainError(
            _("The quantity must be a whole number of pieces above zero."),
            errors={"quantity": [_("Invalid.")]},
        )
    factory = work_order.factory
    style_code = work_order.version.style.number
    material = finished_goods_material(
        factory=factory, style_code=style_code, colour=colour, size=size
    )
    bin = bin or _finished_goods_bin(factory)
    same_factory(work_order.factory_id, bin)
    lot, _created = Lot.objects.get_or_create(
        factory=factory,
        code=f"{work_order.number}-{colour}-{size}",
        defaults={"material": material, "dye_lot": ""},
    )
    lot.received_quantity += quantity
    lot.save(update_fields=["received_quantity"])
    move = receipt_post(
        lot=lot,
        bin=bin,
        quantity=Decimal(quantity),
        unit_cost=material_cost_per_garment(work_order),
        by=by,
        kind=StockMove.Kind.FG_RECEIPT,
        work_order=work_order,
        reference=reference or work_order.number,
    )
    notify(factory.pk, "stock_changed", {"material": material.code, "kind": move.kind})
    return move


def material_cost_per_garment(work_order) -> Decimal:
    """What the ledger issued to the work order (less returns), divided by its pieces to cut."""
    value = material_issued_value(work_order.factory_id, [work_order.pk]).get(work_order.pk, ZERO)
    pieces = work_order.cut_quantity or work_order.quantity or 1
    return (value / pieces).quantize(COST_PLACES, ROUND_HALF_UP)


@transaction.atomic
def finished_goods_ship(
    *, factory, style_code: str, colour: str, size: str, quantity: int, reference: str, by
) -> list[StockMove]:
    """Garments leave on a shipment (`shipment` moves), oldest lots first. All or nothing."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise DomainError(
            _("The quantity must be a whole number of pieces above zero."),
            errors={"quantity": [_("Invalid.")]},
        )
    material = Material.objects.filter(
        factory=factory, code=sku_code(style_code, colour, size)
    ).first()
    if material is None:
        raise DomainError(
            _("There is no finished stock of %(sku)s.")
            % {"sku": sku_code(style_code, colour, size)},
            code="insufficient_stock",
        )
    lots = list(
        Lot.objects.select_for_update(no_key=True)
        .filter(material=material)
        .order_by("received_at", "pk")
    )
    remaining = Decimal(quantity)
    moves = []
    balances = (
        StockBalance.objects.select_for_update(no_key=True)
        .filter(lot__in=lots, quantity__gt=0)
        .select_related("bin", "lot__material")
        .order_by("lot__received_at", "lot_id", "bin__code")
    )
    for balance in balances:
        if remaining <= 0:
            break
        if CycleCount.objects.filter(
            bin=balance.bin, status__in=CycleCount.LOCKING_STATUSES
        ).exists():
            continue
        take = min(balance.quantity, remaining)
        _balance_change(lot=balance.lot, bin=balance.bin, delta=-take)
        moves.append(
            _move(
                kind=StockMove.Kind.SHIPMENT,
                lot=balance.lot,
                quantity=take,
                unit_cost=material.average_cost,
                by=by,
                from_bin=balance.bin,
                reference=reference,
            )
        )
        remaining -= take
    if remaining > 0:
        raise DomainError(
            _("Only %(quantity)s pieces of %(sku)s are in stock.")
            % {"quantity": int(Decimal(quantity) - remaining), "sku": material.code},
            code="insufficient_stock",
            errors={"quantity": [_("More than is on hand.")]},
        )
    notify(factory.pk, "stock_changed", {"material": material.code, "kind": "shipment"})
    return moves
