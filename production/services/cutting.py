"""The cutting room: spreading a lay roll by roll, confirming the cut, re-cuts, and the link of
cutter and spreader events to their lay.

A lay goes planned → spread (`lay_spread`: the rolls are recorded and their fabric is issued to
the work order through inventory's ledger) → cut (`lay_cut_confirm`: the actual garments per
size; the lay's bundles are adjusted to them). Both need the work order released to cutting
(the material gate). Every move goes through LAY_TRANSITIONS and is audited.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, NotAllowed
from core.realtime import notify
from core.transitions import TransitionTable, transition_apply
from inventory.models import Lot, StockBalance
from inventory.services import stock_issue
from production.models import Bundle, Lay, LayEvent, OperationRecord, Recut, SpreadRoll, WorkOrder
from production.models.cutting import LAY_PREFIX
from production.selectors.cutting import RELEASED, main_fabric_code

S = Lay.Status
LAY_TRANSITIONS = TransitionTable(Lay, {S.PLANNED: {S.SPREAD}, S.SPREAD: {S.CUT}, S.CUT: set()})
METRES = Decimal("0.01")


def _lock(lay: Lay) -> Lay:
    return (
        Lay.objects.select_for_update(of=("self",), no_key=True)
        .select_related("marker", "cut_plan__work_order__version")
        .get(pk=lay.pk)
    )


def _refuse_unreleased(work_order: WorkOrder) -> None:
    if work_order.status not in RELEASED:
        raise NotAllowed(
            _(
                "Work order %(wo)s is %(status)s: release it to cutting (materials checked) "
                "before spreading or cutting."
            )
            % {"wo": work_order.number, "status": work_order.get_status_display()},
            code="work_order_not_released",
        )


def _number(value, *, field: str, minimum: Decimal, integer: bool = False):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if (
        number is None
        or not number.is_finite()
        or number < minimum
        or (integer and number != number.to_integral_value())
    ):
        raise DomainError(
            _("%(field)s must be a number of at least %(min)s.") % {"field": field, "min": minimum},
            errors={field: [_("Invalid.")]},
        )
    return int(number) if integer else number.quantize(METRES)


def lot_resolve(*, factory_id: int, lot, field: str = "lot") -> Lot:
    """A lot given as a Lot, its id, its code or its label's scan (`LOT:<code>`)."""
    if isinstance(lot, Lot):
        found = Lot.objects.filter(factory_id=factory_id, pk=lot.pk).first()
    else:
        text = str(lot if lot is not None else "").strip()
        if text.upper().startswith("LOT:"):
            text = text[4:].strip()
        found = Lot.objects.filter(factory_id=factory_id, code=text).first() if text else None
        if found is None and text.isdigit():
            found = Lot.objects.filter(factory_id=factory_id, pk=int(text)).first()
    if found is None:
        raise DomainError(
            _("No lot %(lot)s in this factory.") % {"lot": str(lot)[:40]},
            code="unknown_lot",
            errors={field: [_("Unknown lot.")]},
        )
    return found


def _check_lot_fits(lot: Lot, lay: Lay, fabric: str | None, field: str) -> None:
    if fabric and lot.material.code != fabric:
        raise DomainError(
            _("Lot %(lot)s is %(material)s; this work order is cut from %(fabric)s.")
            % {"lot": lot.code, "material": lot.material.code, "fabric": fabric},
            code="wrong_material",
            errors={field: [_("Wrong material.")]},
        )
    if lot.colour and lot.colour.strip().casefold() != lay.colour.strip().casefold():
        raise DomainError(
            _("Lot %(lot)s is %(colour)s; lay L%(lay)s is %(lay_colour)s.")
            % {"lot": lot.code, "colour": lot.colour, "lay": lay.number, "lay_colour": lay.colour},
            code="wrong_colour",
            errors={field: [_("Wrong colour.")]},
        )


def _bin_holding(lot: Lot, quantity: Decimal, field: str):
    """The bin holding enough of the lot (the fullest first), or a clear error."""
    balance = (
        StockBalance.objects.filter(lot=lot, quantity__gte=quantity)
        .select_related("bin")
        .order_by("-quantity", "bin__code")
        .first()
    )
    if balance is None:
        on_hand = StockBalance.objects.filter(lot=lot).aggregate(q=Sum("quantity"))["q"] or 0
        raise DomainError(
            _("Lot %(lot)s has %(on_hand)s m in one bin at most; %(needed)s m are needed.")
            % {
                "lot": lot.code,
                "on_hand": f"{Decimal(on_hand).normalize():f}",
                "needed": f"{quantity.normalize():f}",
            },
            code="insufficient_stock",
            errors={field: [_("Not enough on hand.")]},
        )
    return balance.bin


def _prefixed(error: DomainError, prefix: str) -> DomainError:
    error.errors = {f"{prefix}.{name}": messages for name, messages in error.errors.items()}
    return error


@transaction.atomic
def lay_spread(*, lay: Lay, rolls: list[dict], by) -> Lay:
    """Record the rolls spread on a planned lay and issue their fabric; the lay becomes spread.

    Each roll: `lot` (Lot, id, code or label scan), `plies`, `length_m`, `end_bits_m`,
    `shade_group`. Its lot must be the work order's main fabric in the lay's colour, passed
    inspection, and in stock: the roll's length plus end bits is issued from the bin holding it
    (`stock_issue`). The plies may not exceed the lay's plan (a short spread is recorded and
    shown). All or nothing: one refused roll writes nothing.
    """
    lay = _lock(lay)
    work_order = lay.cut_plan.work_order
    _refuse_unreleased(work_order)
    LAY_TRANSITIONS.check(lay, S.SPREAD)
    if not isinstance(rolls, list | tuple) or not rolls:
        raise DomainError(
            _("Record at least one roll."), code="no_rolls", errors={"rolls": [_("Required.")]}
        )
    fabric = main_fabric_code(work_order)
    parsed = []
    for index, roll in enumerate(rolls):
        prefix = f"rolls[{index}]"
        try:
            if not isinstance(roll, dict):
                raise DomainError(_("A roll is an object."), errors={"roll": [_("Invalid.")]})
            lot = lot_resolve(factory_id=lay.factory_id, lot=roll.get("lot"))
            _check_lot_fits(lot, lay, fabric, "lot")
            plies = _number(roll.get("plies"), field="plies", minimum=Decimal(1), integer=True)
            length = _number(roll.get("length_m"), field="length_m", minimum=Decimal("0.01"))
            end_bits = _number(roll.get("end_bits_m") or 0, field="end_bits_m", minimum=Decimal(0))
        except DomainError as error:
            raise _prefixed(error, prefix) from None
        shade = str(roll.get("shade_group") or "").strip()[:10]
        parsed.append((prefix, lot, plies, length, end_bits, shade))
    spread_plies = sum(row[2] for row in parsed)
    if spread_plies > lay.plies:
        raise DomainError(
            _("%(spread)d plies were spread; lay L%(lay)s plans %(plies)d.")
            % {"spread": spread_plies, "lay": lay.number, "plies": lay.plies},
            code="too_many_plies",
            errors={"rolls": [_("More plies than planned.")]},
        )
    for sequence, (prefix, lot, plies, length, end_bits, shade) in enumerate(parsed, start=1):
        quantity = length + end_bits
        try:
            move = stock_issue(
                lot=lot,
                bin=_bin_holding(lot, quantity, "lot"),
                quantity=quantity,
                work_order=work_order,
                by=by,
                note=_("Lay L%(lay)s roll %(n)d") % {"lay": lay.number, "n": sequence},
            )
        except DomainError as error:
            raise _prefixed(error, prefix) from None
        SpreadRoll.objects.create(
            factory_id=lay.factory_id,
            lay=lay,
            sequence=sequence,
            lot=lot,
            plies=plies,
            length_m=length,
            end_bits_m=end_bits,
            shade_group=shade,
            stock_move=move,
            spread_by=by,
        )
    reason = ""
    if spread_plies < lay.plies:
        reason = _("Short spread: %(spread)d of %(plies)d plies.") % {
            "spread": spread_plies,
            "plies": lay.plies,
        }
    transition_apply(
        table=LAY_TRANSITIONS,
        instance=lay,
        to=S.SPREAD,
        by=by,
        reason=reason,
        values={"spread_at": timezone.now()},
    )
    notify(lay.factory_id, "lay_spread", {"lay": lay.pk, "work_order": work_order.pk})
    return lay


def _cut_quantities(lay: Lay, cut) -> dict[str, int]:
    planned = lay.planned_sizes()
    if not isinstance(cut, dict) or not cut:
        raise DomainError(
            _("Give the garments cut for each size."),
            code="invalid_cut",
            errors={"cut": [_("Required.")]},
        )
    errors = {}
    quantities = {}
    for size, value in cut.items():
        size = str(size)
        if size not in planned:
            errors[f"cut.{size}"] = [_("This size is not on the lay's marker.")]
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            if isinstance(value, str) and value.strip().isdigit():
                quantities[size] = int(value)
            else:
                errors[f"cut.{size}"] = [_("A whole number of garments, zero or more.")]
        else:
            quantities[size] = value
    for size in planned:
        if size not in cut and f"cut.{size}" not in errors:
            errors[f"cut.{size}"] = [_("Required.")]
    if errors:
        raise DomainError(
            _("The cut quantities are not valid for lay L%(lay)s.") % {"lay": lay.number},
            code="invalid_cut",
            errors=errors,
        )
    return quantities


def _bundles_adjust(lay: Lay, size: str, actual: int, by) -> None:
    """Make the lay's bundles of `size` hold `actual` pieces.

    Fewer: the last bundles (by number) give up pieces, and one left empty is removed.
    More: the last bundle takes pieces up to the cut plan's bundle size, and the rest go to new
    bundles numbered after the work order's last. Existing bundles keep their ids (their
    tickets' QR stays valid; a bundle whose count changed needs its ticket reprinted).
    """
    work_order = lay.cut_plan.work_order
    bundles = list(
        Bundle.objects.select_for_update(no_key=True)
        .filter(factory_id=lay.factory_id, lay=lay, size=size)
        .order_by("number")
    )
    delta = actual - sum(bundle.quantity for bundle in bundles)
    while delta < 0 and bundles:
        last = bundles[-1]
        if OperationRecord.objects.filter(bundle=last).exists():
            raise Conflict(
                _("Bundle %(bundle)s has recorded operations; it cannot give up pieces.")
                % {"bundle": f"{last.number:04d}"},
                code="bundle_in_sewing",
            )
        take = min(last.quantity, -delta)
        delta += take
        if take == last.quantity:
            last.delete()
            bundles.pop()
        else:
            last.quantity -= take
            last.save(update_fields=["quantity"])
    size_limit = max(1, lay.cut_plan.bundle_size)
    if delta > 0 and bundles and bundles[-1].quantity < size_limit:
        last = bundles[-1]
        add = min(delta, size_limit - last.quantity)
        last.quantity += add
        last.save(update_fields=["quantity"])
        delta -= add
    while delta > 0:
        number = (
            Bundle.objects.filter(factory_id=lay.factory_id, work_order=work_order).aggregate(
                n=Max("number")
            )["n"]
            or 0
        ) + 1
        quantity = min(delta, size_limit)
        Bundle.objects.create(
            factory_id=lay.factory_id,
            work_order=work_order,
            lay=lay,
            number=number,
            size=size,
            colour=lay.colour,
            quantity=quantity,
        )
        delta -= quantity


@transaction.atomic
def lay_cut_confirm(*, lay: Lay, cut: dict[str, int], by) -> Lay:
    """Confirm the garments actually cut per size on a spread lay; the lay becomes cut.

    Every size on the lay's marker must be given (0 for none). Over- and under-cut against the
    plan (marker ratio × plies) are recorded with the move and shown by `lay_cut_position`;
    the lay's bundles are adjusted to the actual pieces (`_bundles_adjust`).
    """
    lay = _lock(lay)
    _refuse_unreleased(lay.cut_plan.work_order)
    LAY_TRANSITIONS.check(lay, S.CUT)
    quantities = _cut_quantities(lay, cut)
    planned = lay.planned_sizes()
    for size in planned:
        _bundles_adjust(lay, size, quantities[size], by)
    variances = [
        f"{size} {quantities[size] - planned[size]:+d}"
        for size in planned
        if quantities[size] != planned[size]
    ]
    reason = (_("Cut against plan: %(v)s.") % {"v": ", ".join(variances)}) if variances else ""
    transition_apply(
        table=LAY_TRANSITIONS,
        instance=lay,
        to=S.CUT,
        by=by,
        reason=reason,
        values={
            "cut_sizes": {size: quantities[size] for size in planned},
            "cut_at": timezone.now(),
        },
    )
    notify(lay.factory_id, "lay_cut", {"lay": lay.pk, "work_order": lay.cut_plan.work_order_id})
    return lay


@transaction.atomic
def recut_record(*, bundle: Bundle, pieces: int, reason: str, lot=None, length_m=None, by) -> Recut:
    """Record panels re-cut for a bundle's defective pieces. With a `lot`, its `length_m` of
    fabric is issued to the work order through the ledger (`stock_issue`), checked like a
    spread roll (main fabric, colour, inspection, stock)."""
    bundle = Bundle.objects.select_related("lay", "work_order").get(pk=bundle.pk)
    pieces = _number(pieces, field="pieces", minimum=Decimal(1), integer=True)
    if pieces > bundle.quantity:
        raise DomainError(
            _("Bundle %(bundle)s holds %(n)d pieces.") % {"bundle": bundle, "n": bundle.quantity},
            code="invalid_pieces",
            errors={"pieces": [_("More than the bundle holds.")]},
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Say why the panels are re-cut."),
            code="reason_required",
            errors={"reason": [_("Required.")]},
        )
    move, length = None, None
    if lot not in (None, ""):
        lot = lot_resolve(factory_id=bundle.factory_id, lot=lot)
        _check_lot_fits(lot, bundle.lay, main_fabric_code(bundle.work_order), "lot")
        length = _number(length_m, field="length_m", minimum=Decimal("0.01"))
        move = stock_issue(
            lot=lot,
            bin=_bin_holding(lot, length, "lot"),
            quantity=length,
            work_order=bundle.work_order,
            by=by,
            note=_("Re-cut for bundle %(bundle)s") % {"bundle": f"{bundle.number:04d}"},
        )
    else:
        lot = None
    recut = Recut.objects.create(
        factory_id=bundle.factory_id,
        bundle=bundle,
        lay=bundle.lay,
        pieces=pieces,
        reason=reason[:200],
        lot=lot,
        length_m=length,
        stock_move=move,
        recorded_by=by,
    )
    notify(bundle.factory_id, "recut_recorded", {"bundle": bundle.pk, "pieces": pieces})
    return recut


def lay_id_from_payload(value) -> int | None:
    """The lay id a device or scanner sends: 12, "12" or "SLL:12"; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value or "").strip()
    if text.upper().startswith(LAY_PREFIX):
        text = text[len(LAY_PREFIX) :]
    return int(text) if text.isdigit() and int(text) > 0 else None


def lay_event_record(
    *,
    factory_id: int,
    lay,
    kind: str,
    device_code: str,
    time,
    plies=None,
    metres=None,
    external_id: str,
) -> LayEvent | None:
    """Link a cutter or spreader event to its lay (once per `external_id`). An unknown lay, or
    one of another factory, links nothing and returns None: the event stays in devices'
    telemetry."""
    lay_id = lay_id_from_payload(lay)
    found = Lay.objects.filter(factory_id=factory_id, pk=lay_id).first() if lay_id else None
    if found is None:
        return None

    def count(value, places=None):
        # A device's number is kept only when it fits the column; the link never fails on it.
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not 0 <= value < 10**7:  # also false for NaN
            return None
        return Decimal(str(value)).quantize(METRES) if places else int(value)

    event, _created = LayEvent.objects.get_or_create(
        factory_id=factory_id,
        external_id=external_id[:80],
        defaults={
            "lay": found,
            "kind": kind[:32],
            "device_code": device_code[:60],
            "time": time,
            "plies": count(plies),
            "metres": count(metres, places=True),
        },
    )
    return event
