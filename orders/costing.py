"""A style's pre-cost, per size, from its tech pack: the factory's own figure (never a partner's).

    material  Σ BOM consumption(size) × (1 + wastage %) × current price   (inventory's price)
    labour    SAM (the routing's operations summed) × the factory's rate per minute
    overhead  (material + labour) × the factory's overhead %
    total     material + labour + overhead

Line amounts are kept exact and shown to 4 places; material, labour and overhead are each
rounded to the fen (half up), and the total is their sum, so the parts always add up. A material
without a price (no supplier offer, no moving-average cost) is listed in `missing_prices` and its
line has no amount: the pre-cost is then incomplete, never silently cheaper. Prices are
inventory's (preferred supplier offer, else moving-average cost), passed in by the caller.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from orders.models import StyleVersion

CENT = Decimal("0.01")
LINE_PLACES = Decimal("0.0001")
HUNDRED = Decimal("100")


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class MaterialCost:
    """One BOM line of one size: quantity with wastage, its price and amount (None: no price)."""

    code: str
    description: str
    unit: str
    consumption: Decimal
    wastage_pct: Decimal
    quantity: Decimal
    price: Decimal | None
    amount: Decimal | None


@dataclass
class SizeCost:
    """The pre-cost of one garment of one size."""

    size: str
    materials: list[MaterialCost] = field(default_factory=list)
    material: Decimal = Decimal("0.00")
    labour: Decimal = Decimal("0.00")
    overhead: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")


@dataclass
class PreCost:
    """A tech-pack version's pre-cost: per size, and the figures it was priced with."""

    version: StyleVersion
    sam: Decimal
    rate_per_minute: Decimal
    overhead_pct: Decimal
    sizes: list[SizeCost]
    missing_prices: list[str]

    @property
    def is_complete(self) -> bool:
        return not self.missing_prices

    def for_size(self, size: str) -> SizeCost | None:
        return next((entry for entry in self.sizes if entry.size == size), None)


def bom_material_codes(version: StyleVersion) -> set[str]:
    """The material codes a pre-cost of `version` needs prices of."""
    return set(version.bom.values_list("material_code", flat=True))


def style_pre_cost(version: StyleVersion, *, prices: Mapping[str, Decimal]) -> PreCost:
    """The pre-cost of one garment of each size of `version` (see the module's rules).

    `prices` maps material code → current unit price; orders and inventory are independent, so
    the caller (payroll.costing.version_pre_cost) reads them from inventory's
    `material_current_prices` and passes them down. A code missing from it has no price."""
    factory = version.factory
    bom = list(version.bom.order_by("sequence", "pk"))
    sam = sum((op.sam for op in version.operations.all()), Decimal("0"))
    labour = q2(sam * factory.rate_per_minute)
    sizes = []
    for size in version.sizes:
        entry = SizeCost(size=size, labour=labour)
        exact = Decimal("0")
        for line in bom:
            consumption = line.consumption_for(size)
            quantity = consumption * (1 + line.wastage_pct / HUNDRED)
            price = prices.get(line.material_code)
            amount = None if price is None else quantity * price
            if amount is not None:
                exact += amount
            entry.materials.append(
                MaterialCost(
                    code=line.material_code,
                    description=line.description,
                    unit=line.unit,
                    consumption=consumption,
                    wastage_pct=line.wastage_pct,
                    quantity=quantity.quantize(LINE_PLACES, ROUND_HALF_UP),
                    price=price,
                    amount=None if amount is None else amount.quantize(LINE_PLACES, ROUND_HALF_UP),
                )
            )
        entry.material = q2(exact)
        entry.overhead = q2((entry.material + entry.labour) * factory.overhead_pct / HUNDRED)
        entry.total = entry.material + entry.labour + entry.overhead
        sizes.append(entry)
    missing = sorted({line.material_code for line in bom} - set(prices))
    return PreCost(
        version=version,
        sam=sam,
        rate_per_minute=factory.rate_per_minute,
        overhead_pct=factory.overhead_pct,
        sizes=sizes,
        missing_prices=missing,
    )


def pre_cost_payload(pre_cost: PreCost) -> dict:
    """The pre-cost as JSON-ready data (the factory's API and the quotation snapshot)."""
    return {
        "version": pre_cost.version.pk,
        "sam": str(pre_cost.sam),
        "rate_per_minute": str(pre_cost.rate_per_minute),
        "overhead_pct": str(pre_cost.overhead_pct),
        "complete": pre_cost.is_complete,
        "missing_prices": pre_cost.missing_prices,
        "sizes": [
            {
                "size": entry.size,
                "material": str(entry.material),
                "labour": str(entry.labour),
                "overhead": str(entry.overhead),
                "total": str(entry.total),
                "materials": [
                    {
                        "code": m.code,
                        "description": m.description,
                        "unit": m.unit,
                        "consumption": str(m.consumption),
                        "wastage_pct": str(m.wastage_pct),
                        "quantity": str(m.quantity),
                        "price": None if m.price is None else str(m.price),
                        "amount": None if m.amount is None else str(m.amount),
                    }
                    for m in entry.materials
                ],
            }
            for entry in pre_cost.sizes
        ],
    }
