"""Material requirements planning and the material check before cutting.

MRP nets each open work order's requirements (from order conversion: BOM × cut with wastage)
against what it already has (issued to it, reserved for it), then free stock, then open
purchases arriving by the need date — requirements in need-date order, so the earliest cut gets
the material first. What is left is a shortage; shortages become purchase suggestions, one per
material from its preferred supplier, rounded up to the minimum order quantity and dated back
by the lead time. A handful of set-based queries feed an in-memory pass: 500 work orders plan
in well under a second.
"""

import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.realtime import notify
from inventory import conf
from inventory.models import (
    Lot,
    Material,
    MaterialShortage,
    MrpRun,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseSuggestion,
    ReleaseOverride,
    Reservation,
    StockBalance,
    StockMove,
    SupplierItem,
)
from inventory.models.fields import ZERO

RUNS_KEPT = 5


def planned_work_orders(factory):
    """Work orders whose material still matters: not yet sewing."""
    from production.models import WorkOrder

    return WorkOrder.objects.filter(
        factory=factory, status__in=[WorkOrder.Status.PLANNED, WorkOrder.Status.CUTTING]
    )


def _issued_net(factory, work_order_ids) -> dict[tuple[int, int], Decimal]:
    """(work order, material) → issued minus returned."""
    net: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    rows = (
        StockMove.objects.filter(
            factory=factory,
            work_order_id__in=work_order_ids,
            kind__in=[StockMove.Kind.ISSUE, StockMove.Kind.RETURN],
        )
        .values_list("work_order_id", "material_id", "kind")
        .annotate(q=Sum("quantity"))
    )
    for work_order_id, material_id, kind, quantity in rows:
        sign = 1 if kind == StockMove.Kind.ISSUE else -1
        net[(work_order_id, material_id)] += sign * quantity
    return net


def _reserved_open(factory) -> tuple[dict, dict]:
    """Open reservations: per (work order, material) and per material in total."""
    per_work_order: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    per_material: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        Reservation.objects.filter(factory=factory, status=Reservation.Status.ACTIVE)
        .values_list("work_order_id", "material_id")
        .annotate(q=Sum(F("quantity") - F("issued_quantity")))
    )
    for work_order_id, material_id, quantity in rows:
        per_work_order[(work_order_id, material_id)] += quantity
        per_material[material_id] += quantity
    return per_work_order, per_material


def _on_hand(factory, *, cuttable_only: bool) -> dict[int, Decimal]:
    """On hand per material, without failed rolls (and, for cutting now, uninspected ones)."""
    excluded = [Lot.Inspection.FAILED]
    if cuttable_only:
        excluded.append(Lot.Inspection.PENDING)
    rows = (
        StockBalance.objects.filter(factory=factory, quantity__gt=0)
        .exclude(lot__inspection__in=excluded)
        .values_list("material_id")
        .annotate(q=Sum("quantity"))
    )
    return dict(rows)


def _open_purchases(factory) -> dict[int, list[list]]:
    """Per material: [expected date, open quantity] of open purchase lines, earliest first."""
    supply: dict[int, list[list]] = defaultdict(list)
    lines = PurchaseOrderLine.objects.filter(
        factory=factory,
        is_closed=False,
        purchase_order__status__in=PurchaseOrder.OPEN_STATUSES,
    ).only(
        "material_id",
        "quantity",
        "confirmed_quantity",
        "received_quantity",
        "need_date",
        "confirmed_ship_date",
        "is_closed",
    )
    for line in lines:
        if line.open_quantity > 0:
            supply[line.material_id].append([line.expected_date, line.open_quantity])
    for entries in supply.values():
        entries.sort(key=lambda entry: entry[0])
    return supply


def _preferred_offers(factory) -> dict[int, SupplierItem]:
    offers: dict[int, SupplierItem] = {}
    for item in SupplierItem.objects.filter(factory=factory).order_by(
        "material_id", "-is_preferred", "unit_price", "pk"
    ):
        offers.setdefault(item.material_id, item)
    return offers


def scheduled_starts(factory, work_order_ids) -> dict[int, date]:
    """Work order → its start in the production plan (production's ScheduleEntry)."""
    from production.models import ScheduleEntry

    rows = ScheduleEntry.objects.filter(
        factory=factory, work_order_id__in=work_order_ids, start_date__isnull=False
    ).values_list("work_order_id", "pinned_start", "start_date")
    return {wo: pinned or start for wo, pinned, start in rows}


def cutting_date(requirement_need_date: date, scheduled_start: date | None) -> date:
    """When the material must be on hand: the planned start where the schedule has one (the
    cut comes first, so material is needed by then), else the requirement's need date."""
    if scheduled_start is not None:
        return min(scheduled_start, requirement_need_date)
    return requirement_need_date


@transaction.atomic
def mrp_run(*, factory, by=None) -> MrpRun:
    """Plan every open work order of the factory; store shortages and suggestions."""
    from production.models import MaterialRequirement

    started = time.perf_counter()
    work_orders = {wo.pk: wo for wo in planned_work_orders(factory)}
    requirements = list(
        MaterialRequirement.objects.filter(
            factory=factory, work_order_id__in=list(work_orders)
        ).values_list("work_order_id", "material_code", "quantity", "need_date")
    )
    materials = {
        m.code: m for m in Material.objects.filter(factory=factory).only("id", "code", "unit")
    }
    issued = _issued_net(factory, list(work_orders))
    reserved_for, reserved_total = _reserved_open(factory)
    on_hand = _on_hand(factory, cuttable_only=False)
    free = defaultdict(
        lambda: ZERO,
        {m: max(q - reserved_total.get(m, ZERO), ZERO) for m, q in on_hand.items()},
    )
    supply = _open_purchases(factory)
    starts = scheduled_starts(factory, list(work_orders))
    safety = timedelta(days=int(conf.get("MRP_SAFETY_DAYS")))

    def priority(row):
        work_order = work_orders[row[0]]
        return (
            cutting_date(row[3], starts.get(row[0])),
            -work_order.priority,
            work_order.due_date,
            work_order.number,
            row[1],
        )

    run = MrpRun.objects.create(factory=factory, created_by=by, work_orders=len(work_orders))
    shortages = []
    for work_order_id, code, quantity, need_date in sorted(requirements, key=priority):
        material = materials.get(code)
        need = cutting_date(need_date, starts.get(work_order_id))
        if material is None:
            shortages.append(
                MaterialShortage(
                    factory=factory,
                    run=run,
                    work_order_id=work_order_id,
                    material_code=code,
                    need_date=need,
                    required=quantity,
                    short=quantity,
                )
            )
            continue
        key = (work_order_id, material.pk)
        remaining = quantity - issued.get(key, ZERO) - reserved_for.get(key, ZERO)
        if remaining <= 0:
            continue
        from_stock = min(remaining, free[material.pk])
        free[material.pk] -= from_stock
        remaining -= from_stock
        from_purchases = ZERO
        for entry in supply.get(material.pk, ()):
            if remaining <= 0:
                break
            if entry[1] <= 0 or entry[0] + safety > need:
                continue
            take = min(entry[1], remaining)
            entry[1] -= take
            from_purchases += take
            remaining -= take
        if remaining > 0:
            shortages.append(
                MaterialShortage(
                    factory=factory,
                    run=run,
                    work_order_id=work_order_id,
                    material_code=code,
                    material=material,
                    need_date=need,
                    required=quantity,
                    from_stock=from_stock,
                    from_purchases=from_purchases,
                    short=remaining,
                )
            )
    MaterialShortage.objects.bulk_create(shortages, batch_size=1000)
    suggestions = _suggest(factory, run, shortages, supply)
    PurchaseSuggestion.objects.bulk_create(suggestions, batch_size=1000)
    run.shortages = len(shortages)
    run.suggestions = len(suggestions)
    run.seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    run.save(update_fields=["shortages", "suggestions", "seconds"])
    _prune_runs(factory)
    if shortages:
        notify(
            factory.pk,
            "material_shortage",
            {
                "run": run.pk,
                "shortages": len(shortages),
                "work_orders": len({s.work_order_id for s in shortages}),
                "materials": sorted({s.material_code for s in shortages})[:20],
            },
        )
    return run


def _suggest(factory, run, shortages, supply) -> list[PurchaseSuggestion]:
    """One suggestion per material. Purchases arriving too late for the shortages they could
    have covered are still coming: they reduce the suggestion (expedite them instead)."""
    short_by_material: dict[int, Decimal] = defaultdict(lambda: ZERO)
    first_need: dict[int, date] = {}
    for shortage in shortages:
        if shortage.material is None:
            continue
        material_id = shortage.material.pk
        short_by_material[material_id] += shortage.short
        first_need[material_id] = min(
            first_need.get(material_id, shortage.need_date), shortage.need_date
        )
    offers = _preferred_offers(factory)
    suggestions = []
    for material_id, short in short_by_material.items():
        late = sum((entry[1] for entry in supply.get(material_id, ())), ZERO)
        to_buy = short - late
        if to_buy <= 0:
            continue
        offer = offers.get(material_id)
        quantity = max(to_buy, offer.minimum_quantity) if offer else to_buy
        lead = timedelta(days=offer.lead_time_days if offer else 0)
        suggestions.append(
            PurchaseSuggestion(
                factory=factory,
                run=run,
                material_id=material_id,
                supplier_id=offer.supplier_id if offer else None,
                quantity=quantity,
                short_quantity=short,
                unit_price=offer.unit_price if offer else ZERO,
                need_date=first_need[material_id],
                order_by=first_need[material_id] - lead,
            )
        )
    return suggestions


def _prune_runs(factory) -> None:
    keep = list(
        MrpRun.objects.filter(factory=factory)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:RUNS_KEPT]
    )
    MrpRun.objects.filter(factory=factory).exclude(pk__in=keep).delete()


def latest_run(factory) -> MrpRun | None:
    return MrpRun.objects.filter(factory=factory).order_by("-created_at", "-pk").first()


@transaction.atomic
def purchase_suggestions_order(*, factory, suggestions, by) -> list[PurchaseOrder]:
    """Turn suggestions into draft purchase orders, one per supplier."""
    from inventory.services.purchasing import purchase_order_create

    suggestions = list(suggestions)
    if not suggestions:
        raise DomainError(_("Choose at least one suggestion."))
    by_supplier = defaultdict(list)
    for suggestion in suggestions:
        if suggestion.factory_id != factory.pk:
            raise DomainError(_("Not found."), status_code=404)
        if suggestion.purchase_order_id:
            raise DomainError(
                _("Suggestion %(material)s is already on purchase order %(po)s.")
                % {"material": suggestion.material.code, "po": suggestion.purchase_order.number},
                code="already_ordered",
            )
        if suggestion.supplier is None:
            raise DomainError(
                _("%(material)s has no supplier in the catalogue.")
                % {"material": suggestion.material.code},
                code="no_supplier",
            )
        by_supplier[suggestion.supplier].append(suggestion)
    orders = []
    for supplier, group in by_supplier.items():
        order = purchase_order_create(
            factory=factory,
            supplier=supplier,
            by=by,
            note=_("From MRP suggestions"),
            lines=[
                {
                    "material": s.material,
                    "quantity": s.quantity,
                    "need_date": s.need_date,
                    "unit_price": s.unit_price,
                }
                for s in group
            ],
        )
        PurchaseSuggestion.objects.filter(pk__in=[s.pk for s in group]).update(purchase_order=order)
        orders.append(order)
    return orders


# --- the check before cutting --------------------------------------------------------------
def material_release_check(*, work_order) -> list[dict]:
    """What the work order lacks to start cutting now: its requirements minus what was issued
    to it, what is reserved for it, and the free, cuttable stock. Empty when nothing is short.
    Open purchases do not count: cutting needs the cloth on the table."""
    from production.models import MaterialRequirement

    factory = work_order.factory
    requirements = MaterialRequirement.objects.filter(work_order=work_order)
    codes = [r.material_code for r in requirements]
    materials = {m.code: m for m in Material.objects.filter(factory=factory, code__in=codes)}
    issued = _issued_net(factory, [work_order.pk])
    reserved_for, reserved_total = _reserved_open(factory)
    on_hand = _on_hand(factory, cuttable_only=True)
    short = []
    for requirement in requirements:
        material = materials.get(requirement.material_code)
        if material is None:
            short.append(
                {
                    "material_code": requirement.material_code,
                    "required": str(requirement.quantity),
                    "available": "0",
                    "short": str(requirement.quantity),
                }
            )
            continue
        key = (work_order.pk, material.pk)
        needed = requirement.quantity - issued.get(key, ZERO) - reserved_for.get(key, ZERO)
        free = max(on_hand.get(material.pk, ZERO) - reserved_total.get(material.pk, ZERO), ZERO)
        if needed > free:
            short.append(
                {
                    "material_code": material.code,
                    "required": str(requirement.quantity),
                    "available": str(free + reserved_for.get(key, ZERO)),
                    "short": str(needed - free),
                }
            )
    return short


@transaction.atomic
def material_release_guard(*, work_order, by, override_reason: str = "") -> ReleaseOverride | None:
    """Called by production before a work order is released to cutting.

    Passes when nothing is short; else refuses, unless a reason is given: then the release
    goes ahead and the override is logged with what was short.
    """
    short = material_release_check(work_order=work_order)
    if not short:
        return None
    reason = (override_reason or "").strip()
    if not reason:
        raise DomainError(
            _(
                "Work order %(wo)s cannot be released to cutting: %(count)s materials are short "
                "(%(codes)s). Give a reason to release it anyway."
            )
            % {
                "wo": work_order.number,
                "count": len(short),
                "codes": ", ".join(row["material_code"] for row in short),
            },
            code="materials_short",
            errors={"materials": [f"{r['material_code']}: {r['short']}" for r in short]},
        )
    override = ReleaseOverride.objects.create(
        factory_id=work_order.factory_id,
        work_order=work_order,
        reason=reason[:300],
        shortages=short,
        created_by=by,
    )
    notify(
        work_order.factory_id,
        "material_shortage",
        {
            "work_order": work_order.number,
            "override": True,
            "materials": [r["material_code"] for r in short],
        },
    )
    return override
