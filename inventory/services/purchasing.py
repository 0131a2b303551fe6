"""Purchasing: orders to suppliers, the supplier's confirmation (supplier portal), receiving
within tolerance, and the four-point inspection of incoming fabric."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, NotAllowed
from core.models import Organization
from core.numbers import number_next
from core.realtime import notify
from core.roles import OrgKind
from core.transitions import TransitionTable, transition_apply
from factories.clock import factory_today
from factories.services import require_partner
from inventory import conf
from inventory.models import (
    Bin,
    FabricInspection,
    Lot,
    Material,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplierItem,
)
from inventory.models.fields import ZERO
from inventory.services.ledger import (
    non_negative_quantity,
    positive_quantity,
    qty_text,
    receipt_post,
    same_factory,
)

HUNDRED = Decimal("100")
S = PurchaseOrder.Status
# draft → sent → confirmed → partly received → received; cancelled until something arrives.
# Confirming again (a supplier's revised dates) and receiving again stay in their state.
PURCHASE_ORDER_TRANSITIONS = TransitionTable(
    PurchaseOrder,
    {
        S.DRAFT: {S.SENT, S.CANCELLED},
        S.SENT: {S.CONFIRMED, S.PARTIAL, S.RECEIVED, S.CANCELLED},
        S.CONFIRMED: {S.CONFIRMED, S.PARTIAL, S.RECEIVED, S.CANCELLED},
        S.PARTIAL: {S.PARTIAL, S.RECEIVED},
        S.RECEIVED: set(),
        S.CANCELLED: set(),
    },
)


def _as_date(value, field: str) -> date:
    parsed = value if isinstance(value, date) else parse_date(str(value or ""))
    if parsed is None:
        raise DomainError(_("Enter a valid date."), errors={field: [_("Enter a valid date.")]})
    return parsed


def _next_number(factory) -> str:
    today = factory_today(factory)
    return number_next(
        organization_id=factory.pk,
        prefix=f"PO{today:%y%m%d}-",
        digits=3,
        taken=lambda number: PurchaseOrder.objects.filter(factory=factory, number=number).exists(),
    )


@transaction.atomic
def purchase_order_create(
    *,
    factory,
    supplier: Organization,
    lines: list[dict],
    by,
    note: str = "",
    tolerance_pct: Decimal | None = None,
) -> PurchaseOrder:
    """A draft purchase order to an accepted supplier partner.

    `lines`: [{"material": Material, "quantity": …, "need_date": …, "unit_price": optional}];
    the price defaults to the supplier's catalogue entry.
    """
    if supplier.kind != OrgKind.SUPPLIER:
        raise DomainError(
            _("Purchase orders go to suppliers."), errors={"supplier": [_("Not a supplier.")]}
        )
    require_partner(factory_id=factory.pk, organization=supplier)
    if not lines:
        raise DomainError(_("Add at least one line."), errors={"lines": [_("Required.")]})
    if tolerance_pct is None:
        tolerance_pct = conf.get("RECEIVING_TOLERANCE_PCT")
    if not (ZERO <= Decimal(tolerance_pct) <= Decimal("50")):
        raise DomainError(
            _("The tolerance must be between 0 and 50 %."),
            errors={"tolerance_pct": [_("Invalid.")]},
        )
    prepared = []
    for index, line in enumerate(lines):
        material = line.get("material")
        if not isinstance(material, Material):
            raise DomainError(
                _("Unknown material."), errors={f"lines[{index}].material": [_("Unknown.")]}
            )
        same_factory(factory.pk, material)
        quantity = positive_quantity(line.get("quantity"), f"lines[{index}].quantity")
        need_date = _as_date(line.get("need_date"), f"lines[{index}].need_date")
        price = line.get("unit_price")
        if price is None:
            item = SupplierItem.objects.filter(material=material, supplier=supplier).first()
            price = item.unit_price if item else ZERO
        price = Decimal(str(price))
        if price < 0:
            raise DomainError(
                _("A price cannot be negative."),
                errors={f"lines[{index}].unit_price": [_("Invalid.")]},
            )
        prepared.append((material, quantity, need_date, price))
    try:
        with transaction.atomic():
            order = PurchaseOrder.objects.create(
                factory=factory,
                number=_next_number(factory),
                supplier=supplier,
                tolerance_pct=tolerance_pct,
                note=note,
                created_by=by,
            )
    except IntegrityError:
        raise Conflict(_("Another purchase order was numbered at the same moment; try again."))
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            factory=factory,
            purchase_order=order,
            material=material,
            quantity=quantity,
            need_date=need_date,
            unit_price=price,
        )
        for material, quantity, need_date, price in prepared
    )
    return order


def _locked(order: PurchaseOrder) -> PurchaseOrder:
    return PurchaseOrder.objects.select_for_update(no_key=True).get(pk=order.pk)


@transaction.atomic
def purchase_order_transition(
    *, order: PurchaseOrder, to: str, by, reason: str = "", values: dict | None = None
) -> PurchaseOrder:
    """Move a locked purchase order to `to` if its table allows it (else NotAllowed, nothing
    written); the move is audited with `reason`."""
    return transition_apply(
        table=PURCHASE_ORDER_TRANSITIONS,
        instance=order,
        to=to,
        by=by,
        reason=reason,
        values=values,
    )


@transaction.atomic
def purchase_order_send(*, order: PurchaseOrder, by) -> PurchaseOrder:
    order = _locked(order)
    PURCHASE_ORDER_TRANSITIONS.check(order, S.SENT)
    require_partner(factory_id=order.factory_id, organization=order.supplier)
    return purchase_order_transition(
        order=order, to=S.SENT, by=by, values={"sent_at": timezone.now()}
    )


@transaction.atomic
def purchase_order_cancel(*, order: PurchaseOrder, by) -> PurchaseOrder:
    """Cancel a purchase order before anything is received against it."""
    return purchase_order_transition(order=_locked(order), to=S.CANCELLED, by=by)


@transaction.atomic
def purchase_order_confirm(
    *, order: PurchaseOrder, organization: Organization, lines: list[dict], by
) -> PurchaseOrder:
    """The supplier (in its portal) or the factory (on the supplier's behalf) confirms the
    quantity and ship date of every line.

    `lines`: [{"line": id, "quantity": …, "ship_date": …}] covering each line of the order.
    """
    addressed = organization.pk == order.supplier_id
    own_factory = organization.kind == OrgKind.FACTORY and organization.pk == order.factory_id
    if not (addressed or own_factory):
        raise NotAllowed(
            _("This purchase order is not addressed to your organization."),
            code="not_your_purchase_order",
        )
    order = _locked(order)
    PURCHASE_ORDER_TRANSITIONS.check(order, S.CONFIRMED)
    own_lines = {line.pk: line for line in order.lines.all()}
    given = {}
    for index, entry in enumerate(lines or []):
        try:
            line_id = int(entry.get("line"))
        except (TypeError, ValueError):
            line_id = None
        if line_id not in own_lines:
            raise DomainError(
                _("This line is not on the purchase order."),
                errors={f"lines[{index}].line": [_("Unknown line.")]},
            )
        quantity = non_negative_quantity(
            entry.get("quantity"),
            f"lines[{index}].quantity",
            _("The confirmed quantity must be zero or more."),
        )
        ship_date = _as_date(entry.get("ship_date"), f"lines[{index}].ship_date")
        given[line_id] = (quantity, ship_date)
    missing = set(own_lines) - set(given)
    if missing:
        raise DomainError(
            _("Confirm every line of the purchase order."),
            errors={"lines": [_("Missing lines: %(ids)s") % {"ids": sorted(missing)}]},
        )
    for line_id, (quantity, ship_date) in given.items():
        line = own_lines[line_id]
        line.confirmed_quantity = quantity
        line.confirmed_ship_date = ship_date
        line.save(update_fields=["confirmed_quantity", "confirmed_ship_date"])
    purchase_order_transition(
        order=order,
        to=S.CONFIRMED,
        by=by,
        values={"confirmed_at": timezone.now(), "confirmed_by": by},
    )
    notify(order.factory_id, "purchase_order_confirmed", {"number": order.number})
    return order


@transaction.atomic
def purchase_line_receive(
    *, line: PurchaseOrderLine, bin: Bin, lots: list[dict], by, close: bool = False
) -> list[Lot]:
    """Receive rolls or batches against a purchase order line.

    `lots`: [{"code", "quantity", "dye_lot" (fabric), "colour" and "width_cm" (optional)}].
    The line's total may not exceed the expected quantity by more than the order's tolerance.
    The line closes when it reaches the lower tolerance (or `close` is set: short-closed).
    Fabric sold by the metre waits for inspection before it can be cut.
    """
    order = _locked(line.purchase_order)
    line = (
        PurchaseOrderLine.objects.select_for_update(no_key=True)
        .select_related("material")
        .get(pk=line.pk)
    )
    same_factory(order.factory_id, bin)
    if order.status not in PurchaseOrder.OPEN_STATUSES or line.is_closed:
        raise NotAllowed(_("This purchase order line is not open for receiving."))
    if not lots:
        raise DomainError(_("Enter at least one roll or batch."), errors={"lots": [_("Required.")]})
    material = line.material
    is_fabric = material.kind == Material.Kind.FABRIC
    # Rolls sold by length are inspected by the four-point system before cutting.
    needs_inspection = is_fabric and material.unit == Material.Unit.METRE
    entries, codes = [], set()
    for index, entry in enumerate(lots):
        code = str(entry.get("code") or "").strip()
        if not code or code in codes:
            raise DomainError(
                _("Every roll or batch needs its own number."),
                errors={f"lots[{index}].code": [_("Missing or repeated.")]},
            )
        codes.add(code)
        dye_lot = str(entry.get("dye_lot") or "").strip()
        if is_fabric and not dye_lot:
            raise DomainError(
                _("Fabric rolls need their dye lot."),
                errors={f"lots[{index}].dye_lot": [_("Required.")]},
            )
        quantity = positive_quantity(entry.get("quantity"), f"lots[{index}].quantity")
        colour = str(entry.get("colour") or material.colour).strip()
        entries.append((code, dye_lot, colour, quantity, entry.get("width_cm")))
    taken = set(
        Lot.objects.filter(factory_id=order.factory_id, code__in=codes).values_list(
            "code", flat=True
        )
    )
    if taken:
        raise Conflict(
            _("These roll or batch numbers are already in stock: %(codes)s")
            % {"codes": ", ".join(sorted(taken))},
            errors={"lots": [_("Already received.")]},
        )
    incoming = sum((entry[3] for entry in entries), ZERO)
    expected = line.expected_quantity
    tolerance = order.tolerance_pct / HUNDRED
    ceiling = expected * (1 + tolerance)
    if line.received_quantity + incoming > ceiling:
        raise DomainError(
            _(
                "Receiving %(incoming)s would bring line %(material)s to %(total)s, beyond the "
                "ordered %(expected)s plus %(tolerance)s %%."
            )
            % {
                "incoming": qty_text(incoming),
                "material": material.code,
                "total": qty_text(line.received_quantity + incoming),
                "expected": qty_text(expected),
                "tolerance": qty_text(order.tolerance_pct),
            },
            code="beyond_tolerance",
            errors={"lots": [_("Beyond the delivery tolerance.")]},
        )
    received = []
    for code, dye_lot, colour, quantity, width in entries:
        lot = Lot.objects.create(
            factory_id=order.factory_id,
            material=material,
            code=code,
            dye_lot=dye_lot,
            colour=colour,
            supplier=order.supplier,
            purchase_order_line=line,
            received_quantity=quantity,
            width_cm=Decimal(str(width)) if width not in (None, "") else None,
            inspection=Lot.Inspection.PENDING if needs_inspection else Lot.Inspection.NOT_REQUIRED,
        )
        receipt_post(
            lot=lot,
            bin=bin,
            quantity=quantity,
            unit_cost=line.unit_price,
            by=by,
            purchase_order_line=line,
            reference=order.number,
        )
        received.append(lot)
    line.received_quantity += incoming
    if close or line.received_quantity >= expected * (1 - tolerance):
        line.is_closed = True
        line.received_on = factory_today(order.factory)
    line.save(update_fields=["received_quantity", "is_closed", "received_on"])
    open_lines = order.lines.filter(is_closed=False).exists()
    purchase_order_transition(order=order, to=S.PARTIAL if open_lines else S.RECEIVED, by=by)
    notify(
        order.factory_id,
        "material_received",
        {"purchase_order": order.number, "material": material.code, "quantity": str(incoming)},
    )
    return received


FOUR_POINT_SQ_INCHES = Decimal("3600")  # 100 square yards = 36 in × 100 yd, per yard of width
INCHES_PER_CM = Decimal("1") / Decimal("2.54")
YARDS_PER_METRE = Decimal("1") / Decimal("0.9144")


def four_point_score(*, points: int, inspected_metres: Decimal, width_cm: Decimal) -> Decimal:
    """Points per 100 square yards = points × 3600 / (yards inspected × width in inches)."""
    yards = inspected_metres * YARDS_PER_METRE
    inches = width_cm * INCHES_PER_CM
    return (Decimal(points) * FOUR_POINT_SQ_INCHES / (yards * inches)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )


@transaction.atomic
def fabric_inspection_record(
    *,
    lot: Lot,
    inspected_metres,
    width_cm,
    defects: dict,
    by,
    note: str = "",
) -> FabricInspection:
    """Record a four-point inspection of a roll; the roll passes or fails with it.

    `defects`: counts of 1-, 2-, 3- and 4-point defects, e.g. {"1": 3, "4": 1}.
    """
    lot = Lot.objects.select_for_update(no_key=True).select_related("material").get(pk=lot.pk)
    if lot.material.kind != Material.Kind.FABRIC:
        raise DomainError(
            _("Only fabric rolls are inspected by the four-point system."),
            errors={"lot": [_("Not a fabric roll.")]},
        )
    inspected = positive_quantity(inspected_metres, "inspected_metres")
    width = positive_quantity(width_cm, "width_cm")
    if inspected > lot.received_quantity:
        raise DomainError(
            _("More metres inspected than the roll's length."),
            errors={"inspected_metres": [_("Longer than the roll.")]},
        )
    counts = {}
    for grade in (1, 2, 3, 4):
        raw = (defects or {}).get(str(grade), (defects or {}).get(grade, 0))
        try:
            count = int(raw)
        except (TypeError, ValueError):
            count = -1
        if count < 0:
            raise DomainError(
                _("Defect counts are whole numbers, zero or more."),
                errors={f"defects.{grade}": [_("Invalid.")]},
            )
        counts[grade] = count
    unknown = {str(k) for k in (defects or {})} - {"1", "2", "3", "4"}
    if unknown:
        raise DomainError(
            _("Defects are graded 1 to 4 points."),
            errors={"defects": [_("Unknown grade: %(g)s") % {"g": ", ".join(sorted(unknown))}]},
        )
    points = sum(grade * count for grade, count in counts.items())
    score = four_point_score(points=points, inspected_metres=inspected, width_cm=width)
    limit = Decimal(conf.get("FOUR_POINT_PASS_LIMIT"))
    result = FabricInspection.Result.PASSED if score <= limit else FabricInspection.Result.FAILED
    inspection = FabricInspection.objects.create(
        factory_id=lot.factory_id,
        lot=lot,
        inspected_metres=inspected,
        width_cm=width,
        defects_1=counts[1],
        defects_2=counts[2],
        defects_3=counts[3],
        defects_4=counts[4],
        points=points,
        points_per_100_sq_yd=score,
        pass_limit=limit,
        result=result,
        note=note,
        inspected_by=by,
    )
    lot.inspection = (
        Lot.Inspection.PASSED if result == FabricInspection.Result.PASSED else Lot.Inspection.FAILED
    )
    lot.width_cm = width
    lot.save(update_fields=["inspection", "width_cm"])
    if result == FabricInspection.Result.FAILED:
        notify(lot.factory_id, "fabric_rejected", {"lot": lot.code, "score": str(score)})
    return inspection
