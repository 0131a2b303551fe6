"""Storing MRP's results, turning suggestions into purchase orders, and the material check
before cutting.

MRP's netting is production's (production/services/mrp.py: it reads the work orders'
requirements, and the stock picture through inventory.selectors). It hands its shortages down
to `mrp_results_store`, which keeps the run and turns the shortages into purchase suggestions,
one per material from its preferred supplier, rounded up to the minimum order quantity and dated
back by the lead time.
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.realtime import notify
from inventory.models import (
    MaterialShortage,
    MrpRun,
    PurchaseOrder,
    PurchaseSuggestion,
    ReleaseOverride,
)
from inventory.models.fields import ZERO
from inventory.selectors import (
    issued_to_work_orders,
    materials_by_code,
    on_hand_by_material,
    open_reservations,
    preferred_offers,
)
from inventory.services.purchasing import purchase_order_create

RUNS_KEPT = 5
Requirement = tuple[str, Decimal]  # (material code, quantity) a work order needs


@dataclass(frozen=True)
class Shortage:
    """What MRP could not cover for one requirement of a work order."""

    work_order_id: int
    material_code: str
    material_id: int | None  # None: the code is not in the factory's materials
    need_date: date
    required: Decimal
    from_stock: Decimal
    from_purchases: Decimal
    short: Decimal


@transaction.atomic
def mrp_results_store(
    *,
    factory,
    by,
    work_orders: int,
    shortages: Sequence[Shortage],
    late_supply: Mapping[int, Sequence[Sequence]],
    started: float,
) -> MrpRun:
    """Keep an MRP run: its shortages, and purchase suggestions for them. `late_supply` is the
    open purchase quantity per material that arrives too late for the needs it could cover
    ([usable from, quantity] entries); `started` is `time.perf_counter()` when the run began."""
    run = MrpRun.objects.create(factory=factory, created_by=by, work_orders=work_orders)
    MaterialShortage.objects.bulk_create(
        [
            MaterialShortage(
                factory=factory,
                run=run,
                work_order_id=gap.work_order_id,
                material_code=gap.material_code,
                material_id=gap.material_id,
                need_date=gap.need_date,
                required=gap.required,
                from_stock=gap.from_stock,
                from_purchases=gap.from_purchases,
                short=gap.short,
            )
            for gap in shortages
        ],
        batch_size=1000,
    )
    suggestions = _suggest(factory, run, shortages, late_supply)
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


def _suggest(factory, run, shortages, late_supply) -> list[PurchaseSuggestion]:
    """One suggestion per material. Purchases arriving too late for the shortages they could
    have covered are still coming: they reduce the suggestion (expedite them instead)."""
    short_by_material: dict[int, Decimal] = defaultdict(lambda: ZERO)
    first_need: dict[int, date] = {}
    for shortage in shortages:
        if shortage.material_id is None:
            continue
        material_id = shortage.material_id
        short_by_material[material_id] += shortage.short
        first_need[material_id] = min(
            first_need.get(material_id, shortage.need_date), shortage.need_date
        )
    offers = preferred_offers(factory)
    suggestions = []
    for material_id, short in short_by_material.items():
        late = sum((entry[1] for entry in late_supply.get(material_id, ())), ZERO)
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


@transaction.atomic
def purchase_suggestions_order(*, factory, suggestions, by) -> list[PurchaseOrder]:
    """Turn suggestions into draft purchase orders, one per supplier."""
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
def material_release_check(*, work_order, requirements: Iterable[Requirement]) -> list[dict]:
    """What the work order lacks to start cutting now: its `requirements` (production's, passed
    in) minus what was issued to it, what is reserved for it, and the free, cuttable stock.
    Empty when nothing is short. Open purchases do not count: cutting needs the cloth on the
    table."""
    factory = work_order.factory
    requirements = list(requirements)
    materials = materials_by_code(factory, [code for code, _quantity in requirements])
    issued = issued_to_work_orders(factory, [work_order.pk])
    reserved_for, reserved_total = open_reservations(factory)
    on_hand = on_hand_by_material(factory, cuttable_only=True)
    short = []
    for code, quantity in requirements:
        material = materials.get(code)
        if material is None:
            short.append(
                {
                    "material_code": code,
                    "required": str(quantity),
                    "available": "0",
                    "short": str(quantity),
                }
            )
            continue
        key = (work_order.pk, material.pk)
        needed = quantity - issued.get(key, ZERO) - reserved_for.get(key, ZERO)
        free = max(on_hand.get(material.pk, ZERO) - reserved_total.get(material.pk, ZERO), ZERO)
        if needed > free:
            short.append(
                {
                    "material_code": material.code,
                    "required": str(quantity),
                    "available": str(free + reserved_for.get(key, ZERO)),
                    "short": str(needed - free),
                }
            )
    return short


@transaction.atomic
def material_release_guard(
    *, work_order, requirements: Iterable[Requirement], by, override_reason: str = ""
) -> ReleaseOverride | None:
    """Called by production before a work order is released to cutting, with the work order's
    material requirements.

    Passes when nothing is short; else refuses, unless a reason is given: then the release
    goes ahead and the override is logged with what was short.
    """
    short = material_release_check(work_order=work_order, requirements=requirements)
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
